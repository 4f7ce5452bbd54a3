/*
 * validate.c: checking media files in parallel.
 *
 * Concurrency: the jobs are an array; workers take the next index under
 * one mutex, probe and measure without it, store the result in the job
 * and signal `done`. The calling thread waits on `done`, writes each
 * finished job to the database and reports it. Workers never touch the
 * database, so the connection stays on its own thread.
 */
#include "src/validate.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/db.h"
#include "src/importer.h"
#include "src/library.h"
#include "src/log.h"
#include "src/media.h"
#include "src/util.h"
#include "src/thread.h"

struct job {
	int64_t id;
	char *path;
	char *source_path;
	char *server;                   /* "Plex": the kind of server it came from; NULL: none */
	char *title;
	int64_t stored_ms;
	/* Results. */
	int finished;
	int written;
	const char *status;
	char *message;
	int opened;
	struct media_info info;
	struct media_chapter *chapters; /* embedded in the file */
	size_t nchapters;
	double loudness;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t done;
	struct job *jobs;
	size_t n;
	size_t next;
	int exited;                     /* workers that have returned */
	const struct validate_opts *o;
};

/* Is the run cancelled? */
static int
cancelled(const struct validate_opts *o)
{
	return o->cancel != NULL && atomic_load(o->cancel);
}

/* "h264 1280x720 29.97 fps, aac 48000 Hz 2 ch, 00:42:10". */
static char *
describe(const struct media_info *mi)
{
	char v[128] = "", a[128] = "", d[32], *r;

	if (mi->has_video)
		snprintf(v, sizeof v, "%s %dx%d %.4g fps, ", mi->video_codec, mi->width, mi->height,
		    mi->fps);
	if (mi->has_audio)
		snprintf(a, sizeof a, "%s %d Hz %d ch, ", mi->audio_codec, mi->sample_rate,
		    mi->channels);
	fmt_duration(d, sizeof d, mi->duration_ms, 0);
	d[8] = '\0';
	xasprintf(&r, "%s%s%s", v, a, d);
	return r;
}

/* Is a differ from b by more than tol (a fraction) and a second? */
static int
differs(int64_t a, int64_t b, double tol)
{
	int64_t d = a > b ? a - b : b - a;

	return d > 1000 && (double)d > tol * (double)(b > 0 ? b : a);
}

/*
 * What decoding the file found out about its length: a container that
 * says more (a cut download, a recording that stopped) or less than the
 * file holds, a sound that ends early. The file's real length replaces
 * the container's.
 */
static void
lengths(struct job *j, const struct media_analysis *an, double tol, char **desc)
{
	char a[32], b[32], *m;

	if (an->file_end_ms > 0 && j->info.duration_ms > 0 &&
	    differs(an->file_end_ms, j->info.duration_ms, tol)) {
		fmt_duration(a, sizeof a, j->info.duration_ms, 0);
		fmt_duration(b, sizeof b, an->file_end_ms, 0);
		a[8] = b[8] = '\0';
		xasprintf(&m, "%s; its container says %s but the file %s at %s%s", *desc, a,
		    an->file_end_ms < j->info.duration_ms ? "ends" : "goes on to", b,
		    an->file_end_ms < j->info.duration_ms ? " (cut short?)" : "");
		free(*desc);
		*desc = m;
		j->status = "warning";
		j->info.duration_ms = an->file_end_ms;
	}
	if (an->end_ms > 0 && an->file_end_ms > 0 && differs(an->end_ms, an->file_end_ms, tol)
	    && an->end_ms < an->file_end_ms) {
		fmt_duration(a, sizeof a, an->end_ms, 0);
		fmt_duration(b, sizeof b, an->file_end_ms, 0);
		a[8] = b[8] = '\0';
		xasprintf(&m, "%s; its sound ends at %s of %s", *desc, a, b);
		free(*desc);
		*desc = m;
		j->status = "warning";
	}
}

/* Check one file (on a worker). */
static void
check(const struct validate_opts *o, struct job *j)
{
	struct media_analyse_opts ao;
	struct media_analysis an;
	struct stat sb;
	char *cause = NULL, *desc, *m;
	double tol = o->tolerance > 0 ? o->tolerance : 0.02, diff;
	char a[32], b[32];

	j->loudness = NAN;
	if (media_check_local(j->path, &cause) != 0 && errno == EPERM) {
		/* A URL, a device, a directory: never opened. */
		j->status = "error";
		j->message = cause;
		return;
	}
	freep(&cause);
	if (stat(j->path, &sb) != 0) {
		j->status = "missing";
		if (j->server != NULL && j->source_path != NULL &&
		    strcmp(j->source_path, j->path) != 0)
			xasprintf(&j->message, "%s: %s (%s reports %s; see 'retrovue pathmap')",
			    j->path, strerror(errno), j->server, j->source_path);
		else if (j->server != NULL)
			xasprintf(&j->message, "%s: %s (the path %s reports; map it with 'retrovue "
			    "pathmap add')", j->path, strerror(errno), j->server);
		else
			xasprintf(&j->message, "%s: %s", j->path, strerror(errno));
		return;
	}
	if (media_probe_chapters(j->path, &j->info, &j->chapters, &j->nchapters, o->cancel,
	    &cause) != 0) {
		j->status = "error";
		j->message = cause;
		return;
	}
	j->opened = 1;
	desc = describe(&j->info);
	j->status = "ok";
	if (o->loudness && j->info.has_audio && !cancelled(o)) {
		memset(&ao, 0, sizeof ao);
		ao.what = MEDIA_LOUDNESS;
		ao.cancel = o->cancel;
		if (media_analyse(j->path, &ao, &an, &cause) == 0) {
			j->loudness = an.loudness_lufs;
			media_analysis_clear(&an);
			if (isfinite(j->loudness)) {
				xasprintf(&m, "%s, %.1f LUFS", desc, j->loudness);
				free(desc);
				desc = m;
			}
			lengths(j, &an, tol, &desc);
		} else {
			xasprintf(&m, "%s; loudness not measured: %s", desc, cause);
			free(desc);
			desc = m;
			freep(&cause);
			if (!cancelled(o))
				j->status = "warning";
		}
	}
	/* The library's length against the file's (the real one when it was decoded). */
	if (j->stored_ms > 0 && j->info.duration_ms > 0) {
		diff = fabs((double)(j->info.duration_ms - j->stored_ms)) / (double)j->stored_ms;
		if (diff > tol) {
			fmt_duration(a, sizeof a, j->info.duration_ms, 0);
			fmt_duration(b, sizeof b, j->stored_ms, 0);
			a[8] = b[8] = '\0';
			xasprintf(&m, "%s; its duration %s differs from the library's %s by %.1f%%",
			    desc, a, b, diff * 100);
			free(desc);
			desc = m;
			j->status = "warning";
		}
	} else if (j->info.duration_ms == 0) {
		xasprintf(&m, "%s; no duration", desc);
		free(desc);
		desc = m;
		j->status = "warning";
	}
	j->message = desc;
}

/* Worker: take jobs until none are left. */
static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct job *j;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->next >= p->n || cancelled(p->o)) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		j = &p->jobs[p->next++];
		pthread_mutex_unlock(&p->lock);
		check(p->o, j);
		pthread_mutex_lock(&p->lock);
		j->finished = 1;
		pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_lock(&p->lock);
	p->exited++;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Text column or NULL. */
static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Load the jobs. */
static int
load(sqlite3 *db, const struct validate_opts *o, struct job **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	const struct importer *imp;
	struct job *jobs = NULL;
	size_t count = 0, i;
	int rc;

	st = db_prepare(db, "SELECT mf.id, mf.file_path, mf.source_path, mf.source_type, "
	    LIBRARY_TITLE_SQL ", mf.duration_ms FROM media_files mf WHERE ?1 = 1 OR "
	    "(?1 = 0 AND mf.validation_status = 'unchecked') OR (?1 = 2 AND mf.id = ?2) "
	    "ORDER BY mf.id", cause);
	if (st == NULL)
		return -1;
	for (i = 0; i < (o->nids > 0 ? o->nids : 1); i++) {
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, o->nids > 0 ? 2 : o->all ? 1 : 0);
		sqlite3_bind_int64(st, 2, o->nids > 0 ? o->ids[i] : 0);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			jobs = xreallocarray(jobs, count + 1, sizeof *jobs);
			memset(&jobs[count], 0, sizeof *jobs);
			jobs[count].id = sqlite3_column_int64(st, 0);
			jobs[count].path = col(st, 1);
			jobs[count].source_path = col(st, 2);
			imp = importer_find(db_text(st, 3));
			if (imp != NULL && (imp->flags & IMPORTER_SERVER))
				jobs[count].server = xstrdup(imp->label);
			jobs[count].title = col(st, 4);
			jobs[count].stored_ms = sqlite3_column_int64(st, 5);
			count++;
		}
		if (o->nids > 0 && (count == 0 || jobs[count - 1].id != o->ids[i])) {
			set_cause(cause, "no media file %lld", (long long)o->ids[i]);
			sqlite3_finalize(st);
			for (i = 0; i < count; i++) {
				free(jobs[i].path);
				free(jobs[i].source_path);
				free(jobs[i].server);
				free(jobs[i].title);
			}
			free(jobs);
			return -1;
		}
	}
	sqlite3_finalize(st);
	*out = jobs;
	*n = count;
	return 0;
}

/*
 * What a file's chapter is by its title: the intro, the end credits, or a
 * chapter (a break point).
 */
static enum mark_kind
chapter_kind(const char *title)
{
	static const struct {
		const char *title;
		enum mark_kind kind;
	} names[] = {
		{ "intro", MARK_INTRO }, { "opening", MARK_INTRO }, { "opening credits", MARK_INTRO },
		{ "title sequence", MARK_INTRO }, { "credits", MARK_CREDITS },
		{ "end credits", MARK_CREDITS }, { "closing credits", MARK_CREDITS },
		{ "ending", MARK_CREDITS }, { "outro", MARK_CREDITS },
	};
	size_t i;

	for (i = 0; title != NULL && i < nitems(names); i++)
		if (strcasecmp(title, names[i].title) == 0)
			return names[i].kind;
	return MARK_CHAPTER;
}

/* The chapters embedded in a file, as its break points, intro and credits (source 'file'). */
static int
store_chapters(struct library *lib, const struct job *j, char **cause)
{
	struct lib_mark *m;
	const struct media_chapter *c;
	int64_t end;
	size_t i, n = 0;
	int changed = 0, rc;

	m = xcalloc(j->nchapters > 0 ? j->nchapters : 1, sizeof *m);
	for (i = 0; i < j->nchapters; i++) {
		c = &j->chapters[i];
		m[n].kind = (int)chapter_kind(c->title);
		m[n].start_ms = c->start_ms;
		if (m[n].kind != MARK_CHAPTER) {
			end = i + 1 < j->nchapters ? j->chapters[i + 1].start_ms : j->info.duration_ms;
			if (c->end_ms > c->start_ms && (end <= c->start_ms || c->end_ms < end))
				end = c->end_ms;
			if (end <= c->start_ms)
				continue;
			m[n].end_ms = end;
		} else
			m[n].title = c->title;
		n++;
	}
	rc = library_put_marks(lib, j->id, "file", LIB_MARKS_CHAPTERS | LIB_MARKS_SPANS, m, n,
	    j->info.duration_ms, &changed, cause);
	free(m);
	return rc;
}

/* Write one result. */
static int
store(sqlite3 *db, sqlite3_stmt *st, const struct job *j, char **cause)
{
	const struct media_info *mi = j->opened ? &j->info : NULL;
	char now[32];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, j->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, j->message, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, iso_now(now, sizeof now), -1, SQLITE_TRANSIENT);
	if (mi != NULL) {
		if (mi->has_video) {
			sqlite3_bind_text(st, 4, mi->video_codec, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 6, mi->width);
			sqlite3_bind_int(st, 7, mi->height);
			if (mi->fps > 0)
				sqlite3_bind_double(st, 8, mi->fps);
		}
		if (mi->has_audio)
			sqlite3_bind_text(st, 5, mi->audio_codec, -1, SQLITE_TRANSIENT);
		if (isfinite(j->loudness))
			sqlite3_bind_double(st, 9, j->loudness);
		if (mi->duration_ms > 0)
			sqlite3_bind_int64(st, 10, mi->duration_ms);
		if (mi->size > 0)
			sqlite3_bind_int64(st, 11, mi->size);
	}
	sqlite3_bind_int(st, 12, isfinite(j->loudness));
	sqlite3_bind_int64(st, 13, j->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		set_cause(cause, "saving the result for %s: %s", j->path, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Run. */
int
validate_run(sqlite3 *db, const struct validate_opts *o, struct validate_stats *vs,
    char **cause)
{
	struct pool p;
	struct validate_result r;
	struct library *lib = NULL;
	sqlite3_stmt *st = NULL;
	pthread_t *threads = NULL;
	size_t i, written = 0;
	int nthreads, started = 0, rc = 0;
	long cores;

	memset(vs, 0, sizeof *vs);
	memset(&p, 0, sizeof p);
	p.o = o;
	if (load(db, o, &p.jobs, &p.n, cause) != 0)
		return -1;
	vs->total = (long)p.n;
	if (p.n == 0)
		return 0;
	/* The duration is only filled in when the library had none. */
	st = db_prepare(db, "UPDATE media_files SET validation_status = ?1, validation_message = "
	    "?2, validated_at = ?3, video_codec = coalesce(?4, video_codec), audio_codec = "
	    "coalesce(?5, audio_codec), width = coalesce(?6, width), height = coalesce(?7, height), "
	    "frame_rate = coalesce(?8, frame_rate), loudness_lufs = CASE WHEN ?12 THEN ?9 ELSE "
	    "loudness_lufs END, duration_ms = CASE WHEN duration_ms = 0 AND ?10 IS NOT NULL THEN "
	    "?10 ELSE duration_ms END, file_size = coalesce(?11, file_size) WHERE id = ?13", cause);
	if (st == NULL || (lib = library_new(db, cause)) == NULL) {
		rc = -1;
		goto out;
	}

	cores = sysconf(_SC_NPROCESSORS_ONLN);
	nthreads = o->threads > 0 ? o->threads : cores > 0 ? (int)cores : 1;
	if ((size_t)nthreads > p.n)
		nthreads = (int)p.n;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.done, NULL);
	threads = xcalloc((size_t)nthreads, sizeof *threads);
	for (started = 0; started < nthreads; started++) {
		if (thread_start(&threads[started], "rv-validate", worker, &p) != 0)
			break;
	}
	if (started == 0) {
		set_cause(cause, "cannot start a thread");
		rc = -1;
		goto out;
	}
	if (o->progress != NULL)
		o->progress(o->arg, 0, (long)p.n, p.jobs[0].title);

	/* Write results as they come, on this thread. */
	while (written < p.n) {
		struct job *j = NULL;

		pthread_mutex_lock(&p.lock);
		for (;;) {
			for (i = 0; i < p.n && j == NULL; i++) {
				if (p.jobs[i].finished && !p.jobs[i].written)
					j = &p.jobs[i];
			}
			/* Nothing to write and every worker gone: cancelled (or done). */
			if (j != NULL || p.exited == started)
				break;
			pthread_cond_wait(&p.done, &p.lock);
		}
		pthread_mutex_unlock(&p.lock);
		if (j == NULL)
			break;
		j->written = 1;
		written++;
		if (store(db, st, j, cause) != 0 || (j->opened && store_chapters(lib, j, cause) != 0)) {
			rc = -1;
			if (o->cancel != NULL)
				atomic_store(o->cancel, 1);
			break;
		}
		if (strcmp(j->status, "ok") == 0)
			vs->ok++;
		else if (strcmp(j->status, "warning") == 0)
			vs->warning++;
		else if (strcmp(j->status, "missing") == 0)
			vs->missing++;
		else
			vs->error++;
		memset(&r, 0, sizeof r);
		r.id = j->id;
		r.path = j->path;
		r.title = j->title;
		r.status = j->status;
		r.message = j->message;
		r.info = j->opened ? &j->info : NULL;
		r.loudness_lufs = j->loudness;
		if (o->result != NULL)
			o->result(o->arg, &r);
		if (o->progress != NULL)
			o->progress(o->arg, (long)written, (long)p.n, j->title);
	}
	for (i = 0; i < (size_t)started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.done);
	if (rc == 0 && cancelled(o)) {
		set_cause(cause, "cancelled after %zu of %zu files", written, p.n);
		rc = -1;
	}
out:
	library_free(&lib);
	sqlite3_finalize(st);
	free(threads);
	for (i = 0; i < p.n; i++) {
		free(p.jobs[i].path);
		free(p.jobs[i].source_path);
		free(p.jobs[i].server);
		free(p.jobs[i].title);
		free(p.jobs[i].message);
		media_chapters_free(&p.jobs[i].chapters, p.jobs[i].nchapters);
	}
	free(p.jobs);
	return rc;
}
