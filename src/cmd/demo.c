/*
 * cmd/demo.c: retrovue demo — render the demo library (src/demo.h) into
 * DATA_DIR/demo with the engine's media generator, on the job pool, and
 * register it in the database.
 *
 * Re-running is cheap: each file is checked against the description it
 * would be rendered from (engine/mediagen.h: fingerprint, streams, length,
 * completeness) and only missing, short or outdated files are rendered
 * again. Registration is one transaction that changes nothing when
 * nothing changed.
 *
 * Time budget: under 30 s from scratch on two cores. The choices that
 * keep it there: 640x360 at 25 fps, libx264 ultrafast at constant QP on
 * one thread per file, mono AC-3 sound (FFmpeg's AAC encoder alone would
 * cost as much as all the pictures), a clock drawn without drawtext,
 * still backgrounds rendered once and repeated, and the dearest files started first so both cores finish
 * together. bench/bench_demo.sh measures it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "engine/mediagen.h"
#include "engine/pool.h"
#include "src/cmd/cmd.h"
#include "src/demo.h"
#include "src/log.h"
#include "src/scheddemo.h"
#include "src/util.h"
#include "tui/progress.h"

struct demo_run;

/* One file of the library: how to make it, and what became of it. */
struct demo_job {
	const struct demo_item *item;
	struct demo_run *run;
	char *path;
	char label[160];
	char title[200];
	struct mediagen_spec spec;
	struct demo_overlay overlays[DEMO_MAX_OVERLAYS];
	struct mediagen_text texts[DEMO_MAX_OVERLAYS];
	struct mediagen_gap gaps[DEMO_MAX_BREAKS];
	int64_t keys[DEMO_MAX_BREAKS];

	int render;                     /* 1: missing or not matching: render it */
	char *why;                      /* why not matching */
	int ok;                         /* the file is there and checks */
	struct mediagen_info info;

	/* Written by the worker, read by the main thread, under run->lock. */
	int64_t done_ms;
	int finished;
	int reported;
	int status;
	char *cause;
	int64_t took_us;
};

struct demo_run {
	pthread_mutex_t lock;
	struct demo_job *jobs;
	size_t njobs;
};

/* The engine's anchor for one of the library's. */
static enum mediagen_anchor
anchor(enum demo_anchor a)
{
	switch (a) {
	case DEMO_TOP:
		return MEDIAGEN_TOP;
	case DEMO_BOTTOM:
		return MEDIAGEN_BOTTOM;
	case DEMO_TOP_LEFT:
		return MEDIAGEN_TOP_LEFT;
	case DEMO_TOP_RIGHT:
		return MEDIAGEN_TOP_RIGHT;
	case DEMO_BOTTOM_LEFT:
		return MEDIAGEN_BOTTOM_LEFT;
	case DEMO_BOTTOM_RIGHT:
		return MEDIAGEN_BOTTOM_RIGHT;
	case DEMO_CENTER:
		break;
	}
	return MEDIAGEN_CENTER;
}

/* Copy the library's overlays into the engine's texts. */
static int
map_texts(const struct demo_overlay *o, int n, struct mediagen_text *t)
{
	int i;

	for (i = 0; i < n; i++) {
		memset(&t[i], 0, sizeof t[i]);
		t[i].text = o[i].clock ? NULL : o[i].text;
		t[i].clock = o[i].clock;
		t[i].anchor = anchor(o[i].anchor);
		t[i].dy = o[i].dy;
		t[i].size = o[i].size;
		t[i].color = o[i].color;
		t[i].box = o[i].box;
		t[i].mono = o[i].mono;
		t[i].from_ms = o[i].from_ms;
		t[i].to_ms = o[i].to_ms;
	}
	return n;
}

/* Progress from a worker. */
static void
job_progress(void *arg, int64_t done_ms, int64_t total_ms)
{
	struct demo_job *j = arg;

	pthread_mutex_lock(&j->run->lock);
	j->done_ms = done_ms;
	pthread_mutex_unlock(&j->run->lock);
}

/* Describe an item to the engine. */
static void
job_init(struct demo_job *j, struct demo_run *run, const struct demo_item *it,
    const char *data_dir)
{
	struct demo_look look = demo_item_look(it);
	struct demo_gap gaps[DEMO_MAX_BREAKS];
	int i, n;

	memset(j, 0, sizeof *j);
	j->item = it;
	j->run = run;
	j->path = demo_path(data_dir, it);
	demo_item_label(it, j->label, sizeof j->label);
	if (it->kind == DEMO_EPISODE)
		snprintf(j->title, sizeof j->title, "%s - S%02dE%02d - %s", it->show->title,
		    it->season, it->episode, it->title);
	else if (it->kind == DEMO_MOVIE)
		snprintf(j->title, sizeof j->title, "%s (%d)", it->title, it->year);
	else
		snprintf(j->title, sizeof j->title, "%s", j->label);

	n = demo_overlays(it, j->overlays, DEMO_MAX_OVERLAYS);
	j->spec.ntexts = map_texts(j->overlays, n, j->texts);
	j->spec.texts = j->texts;
	n = demo_gaps(it, gaps, DEMO_MAX_BREAKS);
	for (i = 0; i < n; i++) {
		j->gaps[i].start_ms = gaps[i].start_ms;
		j->gaps[i].duration_ms = gaps[i].duration_ms;
	}
	j->spec.gaps = j->gaps;
	j->spec.ngaps = n;
	/* A keyframe at each chapter point, so playback resumes there exactly. */
	for (i = 0; i < it->nbreaks; i++)
		j->keys[i] = it->breaks_ms[i];
	j->spec.keyframes_ms = j->keys;
	j->spec.nkeyframes = it->nbreaks;

	j->spec.width = DEMO_WIDTH;
	j->spec.height = DEMO_HEIGHT;
	j->spec.fps_num = DEMO_FPS;
	j->spec.fps_den = 1;
	j->spec.keyint = DEMO_FPS * 10;
	j->spec.duration_ms = it->duration_ms;
	j->spec.video = look.video;
	j->spec.still = look.still;
	j->spec.audio = look.audio;
	j->spec.gain_db = look.gain_db;
	j->spec.sample_rate = DEMO_SAMPLE_RATE;
	j->spec.channels = DEMO_CHANNELS;
	j->spec.audio_kbps = DEMO_AUDIO_KBPS;
	j->spec.title = j->title;
	j->spec.progress = job_progress;
	j->spec.progress_arg = j;
}

/* Free what a job owns. */
static void
job_free(struct demo_job *j)
{
	free(j->path);
	free(j->why);
	free(j->cause);
}

/* Worker: render one file. */
static void
job_run(void *arg)
{
	struct demo_job *j = arg;
	char *cause = NULL;
	int64_t start = mono_us();
	int status;

	status = mediagen_make(&j->spec, j->path, &cause);
	pthread_mutex_lock(&j->run->lock);
	j->status = status;
	j->cause = cause;
	j->finished = 1;
	j->took_us = mono_us() - start;
	pthread_mutex_unlock(&j->run->lock);
}

/* What a job will cost, roughly: moving pictures take twice as long. */
static int64_t
job_cost(const struct demo_job *j)
{
	return j->item->duration_ms * (j->spec.still ? 1 : 2);
}

/* Dearest first, so the pool's threads finish together. */
static int
cmp_dearest(const void *a, const void *b)
{
	const struct demo_job *x = *(struct demo_job *const *)a, *y = *(struct demo_job *const *)b;

	if (job_cost(x) != job_cost(y))
		return job_cost(x) > job_cost(y) ? -1 : 1;
	return strcmp(x->item->key, y->item->key);
}

/* "4:30" for messages. */
static const char *
mmss(char *buf, size_t len, int64_t ms)
{
	snprintf(buf, len, "%lld:%02lld", (long long)(ms / 60000), (long long)(ms / 1000 % 60));
	return buf;
}

/* mkdir -p the folder a file goes in. */
static int
make_parent(const char *path)
{
	char *dir = xstrdup(path), *slash;
	int rc = 0;

	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		rc = mkdir_p(dir, 0755);
	}
	free(dir);
	return rc;
}

/* Render what needs rendering on the pool, with a progress bar. */
static int
render_all(struct demo_run *run, int nthreads, struct progress *prog)
{
	struct demo_job **todo, **news;
	struct pool *pool;
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	char label[128], d[48];
	int64_t total = 0, done;
	size_t i, n = 0, finished = 0, nnews;
	int failed = 0;

	todo = xcalloc(run->njobs, sizeof *todo);
	news = xcalloc(run->njobs, sizeof *news);
	for (i = 0; i < run->njobs; i++) {
		if (run->jobs[i].render) {
			todo[n++] = &run->jobs[i];
			total += run->jobs[i].item->duration_ms;
		}
	}
	if (n == 0) {
		free(news);
		free(todo);
		return 0;
	}
	qsort(todo, n, sizeof *todo, cmp_dearest);
	if (nthreads <= 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = cores > 0 ? (int)cores : 1;
	}
	if ((size_t)nthreads > n)
		nthreads = (int)n;
	pool = pool_new("demo", nthreads);
	for (i = 0; i < n; i++) {
		if (make_parent(todo[i]->path) != 0) {
			todo[i]->finished = 1;
			todo[i]->status = -1;
			xasprintf(&todo[i]->cause, "cannot create the folder of %s: %s",
			    todo[i]->path, strerror(errno));
		} else if (pool_submit(pool, job_run, todo[i]) != 0)
			job_run(todo[i]);
	}

	snprintf(label, sizeof label, "Rendering %zu file%s (%s of media) on %d thread%s", n,
	    n == 1 ? "" : "s", mmss(d, sizeof d, total), nthreads, nthreads == 1 ? "" : "s");
	for (;;) {
		/*
		 * Note what finished under the lock, print after: a slow
		 * terminal must not stall the workers.
		 */
		done = 0;
		nnews = 0;
		pthread_mutex_lock(&run->lock);
		for (i = 0; i < n; i++) {
			done += todo[i]->finished ? todo[i]->item->duration_ms : todo[i]->done_ms;
			if (todo[i]->finished && !todo[i]->reported) {
				todo[i]->reported = 1;
				news[nnews++] = todo[i];
			}
		}
		pthread_mutex_unlock(&run->lock);
		/* A finished job's fields are written once, before finished is set. */
		for (i = 0; i < nnews; i++) {
			finished++;
			if (news[i]->status != 0) {
				failed++;
				progress_message(prog, "failed: %s: %s", news[i]->label,
				    news[i]->cause != NULL ? news[i]->cause : "unknown error");
			} else
				progress_message(prog, "made %s (%s) in %.1f s", news[i]->label,
				    mmss(d, sizeof d, news[i]->item->duration_ms),
				    (double)news[i]->took_us / 1e6);
		}
		progress_set(prog, 0, (long)(done / 1000), (long)(total / 1000), label);
		if (finished == n)
			break;
		nanosleep(&ts, NULL);
	}
	pool_free(&pool);
	free(news);
	free(todo);
	return failed;
}

/* Remove a PATH.part a killed run left beside a good file. */
static void
remove_part(const char *path)
{
	char *part;

	xasprintf(&part, "%s.part", path);
	if (unlink(part) == 0)
		log_info("demo: removed %s, left by an interrupted run", part);
	free(part);
}

/* Lock the demo folder against a second 'retrovue demo'; the fd, or -1. */
static int
lock_demo_dir(const char *dir)
{
	char *path;
	int fd;

	xasprintf(&path, "%s/.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		cmd_error("cannot open %s: %s", path, errno == ELOOP ? "it is a symbolic link "
		    "(remove it)" : strerror(errno));
	else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		cmd_error("%s: another 'retrovue demo' is running", dir);
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

/* Render the channel bug (a PNG with transparency) if it differs. */
static int
make_bug(const char *data_dir, char **path, int *written)
{
	struct demo_overlay overlays[4];
	struct mediagen_text texts[4];
	struct mediagen_spec spec;
	struct demo_look look;
	char *cause = NULL;
	int n, rc;

	memset(&spec, 0, sizeof spec);
	look = demo_bug_look(&spec.width, &spec.height);
	spec.video = look.video;
	spec.still = look.still;
	n = demo_bug_overlays(overlays, (int)nitems(overlays));
	spec.ntexts = map_texts(overlays, n, texts);
	spec.texts = texts;
	*path = demo_bug_path(data_dir);
	if (make_parent(*path) != 0) {
		cmd_error("cannot create the folder of %s: %s", *path, strerror(errno));
		return -1;
	}
	if ((rc = mediagen_still(&spec, *path, &cause)) < 0) {
		cmd_error("channel bug: %s", cause);
		free(cause);
		return -1;
	}
	*written = rc;
	return 0;
}

/* What a run did, for the summary. */
struct demo_counts {
	size_t made;                    /* files rendered */
	size_t kept;                    /* files already in place */
	size_t failed;                  /* files that could not be made */
	int bug;                        /* the bug: 1 made, 0 kept, -1 failed */
	int64_t took_us;
};

/* Print what the library holds and where. */
static void
summary(const char *demo_dir, const char *bug, const struct demo_counts *c,
    const struct demo_stats *st, const char *db_path)
{
	char d[48];

	printf("Demo library in %s:\n", demo_dir);
	printf("  %d episodes of %d series, %d movies, %d commercials, %d bumpers, "
	    "%d station IDs (%s of media, %d chapter markers)\n", st->episodes, st->shows,
	    st->movies, st->commercials, st->bumpers, st->station_ids,
	    mmss(d, sizeof d, st->total_ms), st->markers);
	printf("  channel bug: %s%s\n", bug, c->bug > 0 ? " (made)" : c->bug < 0 ?
	    " (could not be made)" : "");
	printf("  %zu file%s rendered, %zu already in place", c->made, c->made == 1 ? "" : "s",
	    c->kept);
	if (c->failed > 0)
		printf(", %zu could not be made", c->failed);
	printf(", in %.1f s\n", (double)c->took_us / 1e6);
	printf("Registered in %s (%lld row%s changed).\n", db_path, (long long)st->changes,
	    st->changes == 1 ? "" : "s");
}

/* retrovue demo [-j N]. */
static int
demo_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct demo_item *items;
	struct demo_file *files = NULL;
	struct demo_stats stats;
	struct demo_counts counts;
	struct demo_run run;
	struct progress *prog = NULL;
	sqlite3 *db = NULL;
	char *data_dir = NULL, *demo_dir = NULL, *bug = NULL, *cause = NULL;
	char resolved[PATH_MAX];
	int64_t start = mono_us();
	long long n;
	size_t nitems_, i, torender = 0;
	int c, nthreads = 0, lockfd = -1, failed = 0, status = 1, nchannels;

	while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (parse_int(optarg, 1, 64, &n) != 0) {
				cmd_error("demo: -j: '%s' is not a number from 1 to 64", optarg);
				return 2;
			}
			nthreads = (int)n;
			break;
		default:
			return cmd_usage(&cmd_demo_entry);
		}
	}
	if (optind != argc)
		return cmd_usage(&cmd_demo_entry);

	memset(&run, 0, sizeof run);
	memset(&counts, 0, sizeof counts);
	pthread_mutex_init(&run.lock, NULL);
	/* --dry-run creates nothing, not even the folders. */
	if (!ctx->dry_run && paths_make_data_dir(&ctx->paths, &cause) != 0) {
		cmd_error("%s", cause);
		goto out;
	}
	/* The database stores absolute paths, whatever the working directory. */
	if (realpath(ctx->paths.data_dir, resolved) != NULL)
		data_dir = xstrdup(resolved);
	else if (ctx->dry_run)
		data_dir = xstrdup(ctx->paths.data_dir);
	else {
		cmd_error("%s: %s", ctx->paths.data_dir, strerror(errno));
		goto out;
	}
	xasprintf(&demo_dir, "%s/" DEMO_DIR, data_dir);
	if (!ctx->dry_run) {
		if (mkdir_p(demo_dir, 0755) != 0) {
			cmd_error("cannot create %s: %s", demo_dir, strerror(errno));
			goto out;
		}
		if ((lockfd = lock_demo_dir(demo_dir)) < 0)
			goto out;
		/* Fail before rendering, not after, if the database is unusable. */
		if ((db = cmd_db(ctx, 1)) == NULL)
			goto out;
	}

	/* What is there already, and what must be (re)made. */
	items = demo_items(&nitems_);
	run.jobs = xcalloc(nitems_, sizeof *run.jobs);
	run.njobs = nitems_;
	for (i = 0; i < nitems_; i++) {
		job_init(&run.jobs[i], &run, &items[i], data_dir);
		if (mediagen_check(&run.jobs[i].spec, run.jobs[i].path, &run.jobs[i].info,
		    &run.jobs[i].why)) {
			run.jobs[i].ok = 1;
			if (!ctx->dry_run)
				remove_part(run.jobs[i].path);
		} else {
			run.jobs[i].render = 1;
			torender++;
		}
	}
	if (ctx->dry_run) {
		for (i = 0; i < nitems_; i++) {
			if (run.jobs[i].render)
				printf("would render %s: %s\n", run.jobs[i].label, run.jobs[i].why);
		}
		printf("%zu of %zu files would be rendered into %s; nothing was changed.\n",
		    torender, nitems_, demo_dir);
		status = 0;
		goto out;
	}

	prog = progress_new(stderr, 1);
	for (i = 0; i < nitems_; i++) {
		/* Say why a file that is there is made again (truncated, outdated). */
		if (run.jobs[i].render && access(run.jobs[i].path, F_OK) == 0)
			progress_message(prog, "remaking %s: %s", run.jobs[i].label, run.jobs[i].why);
	}
	failed = render_all(&run, nthreads, prog);
	progress_free(&prog);
	if (make_bug(data_dir, &bug, &counts.bug) != 0) {
		counts.bug = -1;
		failed++;
	}

	/* Check what was rendered as it would be checked next time. */
	files = xcalloc(nitems_, sizeof *files);
	for (i = 0; i < nitems_; i++) {
		struct demo_job *j = &run.jobs[i];

		if (j->render && j->status == 0) {
			free(j->why);
			j->why = NULL;
			if (mediagen_check(&j->spec, j->path, &j->info, &j->why))
				j->ok = 1;
			else {
				cmd_error("%s: rendered but does not check: %s", j->label, j->why);
				failed++;
			}
		}
		if (!j->ok) {
			counts.failed++;
			continue;
		}
		if (j->render)
			counts.made++;
		else
			counts.kept++;
		files[i].present = 1;
		files[i].duration_ms = j->info.duration_ms;
		files[i].size = j->info.size;
		files[i].mtime = j->info.mtime;
		files[i].width = j->info.width;
		files[i].height = j->info.height;
		files[i].fps = j->info.fps;
		files[i].video_codec = j->info.video_codec;
		files[i].audio_codec = j->info.audio_codec;
	}

	if (demo_register(db, data_dir, items, files, nitems_, &stats, &cause) != 0) {
		cmd_error("registering the demo library in %s: %s", ctx->paths.db_path, cause);
		goto out;
	}
	/* The demo channels on this library, with their fine logs. */
	nchannels = scheddemo_setup(db, now_ms(), counts.bug >= 0 ? bug : NULL, &cause);
	counts.took_us = mono_us() - start;
	summary(demo_dir, bug, &counts, &stats, ctx->paths.db_path);
	if (nchannels < 0) {
		cmd_error("scheduling the demo channels: %s", cause);
		failed++;
	} else
		printf("Channels %s (Retro Sitcoms, Movie Palace, Retro Mix) are scheduled in "
		    "5-minute slots ('retrovue schedule show 2')%s; 'retrovue --daemon' puts them "
		    "on the air.\n", SCHEDDEMO_NUMBERS, nchannels > 3 ? ", channel "
		    SCHEDDEMO_GUIDE " (Retro Guide) airs their listings" : "");
	if (failed > 0)
		cmd_error("%d file%s of the demo library could not be made", failed,
		    failed == 1 ? "" : "s");
	status = failed > 0 ? 1 : 0;
out:
	progress_free(&prog);
	for (i = 0; i < run.njobs; i++)
		job_free(&run.jobs[i]);
	free(run.jobs);
	free(files);
	pthread_mutex_destroy(&run.lock);
	if (lockfd >= 0)
		close(lockfd);
	free(cause);
	free(bug);
	free(demo_dir);
	free(data_dir);
	return status;
}

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.usage = "[-j N]",
	.summary = "make the demo library (series, movies, commercials) and register it",
	.flags = CMD_NO_DB,
	.exec = demo_exec,
};
