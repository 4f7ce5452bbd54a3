/*
 * api_lib.c: the editing commands of the control socket (engine/api_lib.h):
 * content metadata, chapter markers, thumbnails, detection, sync, sources,
 * path mappings, TMM directories, channels and schedule slots.
 *
 * Concurrency: handlers run on the control worker (engine/control.h) with
 * its own database connection (l->db). Jobs run in pools: "rv-seek" (one
 * thread, the chapter editor's pictures, so a seek never waits behind a
 * sync), "rv-job" (two threads: detection, sync, source tests), "rv-sched"
 * (rebuilds, one at a time), "rv-edit" (one thread: the library changes
 * that touch every row, a source's or a directory's removal and a path
 * mapping's re-mapping, in the order they were asked for) and "rv-chan"
 * (one thread: starting and stopping channels by hand, in order; a stop
 * waits for the channel's thread). Each job opens its own connection.
 * l->lock guards the job list and l->ctl; events go out under it so none
 * is sent once api_lib_stop has cleared l->ctl.
 */
#include "engine/api_lib.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libavutil/base64.h>

#include "engine/api.h"
#include "engine/control.h"
#include "engine/director.h"
#include "engine/frame.h"
#include "engine/pool.h"
#include "src/chanedit.h"
#include "src/channels.h"
#include "src/chapters.h"
#include "src/coarse.h"
#include "src/content.h"
#include "src/db.h"
#include "src/log.h"
#include "src/pathmap.h"
#include "src/rating.h"
#include "src/sched.h"
#include "src/sources.h"
#include "src/sync.h"
#include "src/tmm.h"
#include "src/util.h"
#include "src/xjson.h"

#define PROGRESS_EVERY_US 200000        /* at most five progress events a second */

enum job_kind {
	JOB_FRAME,
	JOB_DETECT,
	JOB_SYNC,
	JOB_TEST,
	JOB_REBUILD,
	JOB_SOURCE_REMOVE,
	JOB_TMM_REMOVE,
	JOB_PATH_ADD,
	JOB_PATH_REMOVE,
	JOB_CHANNEL_START,
	JOB_CHANNEL_STOP,
};

/* job.done's "kind": the slow commands' jobs are named after the command. */
static const char *const job_kinds[] = { "frame", "detect", "sync", "source.test",
	"rebuild", "sources.remove", "tmm.remove", "paths.add", "paths.remove",
	"channel.start", "channel.stop" };

struct api_lib;

struct job {
	struct api_lib *l;
	int64_t id;
	enum job_kind kind;
	char peer[64];                  /* who asked */
	atomic_int cancel;
	int64_t last_us;                /* last progress event */
	int64_t mf_id;                  /* frame, detect */
	int64_t ms;                     /* frame */
	int width, height;              /* frame */
	char *path;                     /* frame, detect: the media file */
	json_t *args;                   /* the request (sync, test) */
	int64_t channel_id;             /* rebuild: one channel (or mf_id: its channels) */
	char number[16];                /* rebuild: the channel's number */
	struct job *next;
};

struct api_lib {
	struct api *api;
	pthread_mutex_t lock;           /* guards jobs, next_id, ctl */
	struct control *ctl;            /* NULL once stopped */
	struct job *jobs;               /* queued or running */
	int64_t next_id;
	struct pool *seek;
	struct pool *work;
	struct pool *sched;             /* rebuilds, one at a time */
	struct pool *edit;              /* library-wide changes, one at a time, in order */
	struct pool *chan;              /* channels started and stopped by hand, in order */
	sqlite3 *db;                    /* the control worker's connection */
};

/* A required positive id argument. 0, or -1 with *cause. */
static int
arg_id(json_t *req, const char *key, int64_t *id, char **cause)
{
	*id = ctl_arg_int(req, key, 0);
	if (*id <= 0) {
		set_cause(cause, "no \"%s\" (a positive number)", key);
		return -1;
	}
	return 0;
}

/* The control worker's connection. */
static sqlite3 *
lib_db(struct api_lib *l, char **cause)
{
	if (l->db == NULL && db_open(l->api->db_path, 0, &l->db, cause) != 0)
		return NULL;
	return l->db;
}

/* Send an event to every attached console (takes ev). */
static void
lib_event(struct api_lib *l, json_t *ev)
{
	pthread_mutex_lock(&l->lock);
	if (l->ctl != NULL)
		control_broadcast(l->ctl, ev);
	else
		json_decref(ev);
	pthread_mutex_unlock(&l->lock);
}

/* Send an event to the consoles of one peer only. */
static void
lib_send(struct api_lib *l, const char *peer, json_t *ev)
{
	pthread_mutex_lock(&l->lock);
	if (l->ctl != NULL)
		control_send(l->ctl, peer, ev);
	else
		json_decref(ev);
	pthread_mutex_unlock(&l->lock);
}

/* "NAME.changed" with an optional id. */
static void
changed(struct api_lib *l, const char *name, int64_t id)
{
	json_t *ev = xjson_pack("{s:s}", "event", name);

	if (id != 0)
		json_object_set_new(ev, "id", json_integer(id));
	lib_event(l, ev);
}

/*
 * Rebuild the unlocked future of every channel whose fine log plays
 * mf_id there (after its markers or metadata changed). The list of
 * channels rebuilt, with the items written.
 */
static json_t *
rebuild_for_file(sqlite3 *db, int64_t mf_id)
{
	sqlite3_stmt *st;
	json_t *out = json_array();
	int64_t now = now_ms(), ids[64];
	char numbers[64][16], *cause = NULL;
	size_t n = 0, i;
	int items;

	st = db_prepare(db, "SELECT DISTINCT c.id, c.number FROM schedule_items si JOIN channels c "
	    "ON c.id = si.channel_id WHERE si.media_file_id = ?1 AND si.start_ms >= ?2 ORDER BY "
	    "c.id", NULL);
	if (st == NULL)
		return out;
	sqlite3_bind_int64(st, 1, mf_id);
	sqlite3_bind_int64(st, 2, now + SCHED_LOCK_MS);
	while (n < nitems(ids) && sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		snprintf(numbers[n], sizeof numbers[n], "%s", db_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		if ((items = sched_rebuild(db, ids[i], now, &cause)) < 0) {
			log_warn("rebuilding channel %s after editing file %lld: %s", numbers[i],
			    (long long)mf_id, cause);
			json_array_append_new(out, xjson_pack("{s:s, s:s}", "number", numbers[i],
			    "error", cause));
			freep(&cause);
			continue;
		}
		json_array_append_new(out, xjson_pack("{s:s, s:i}", "number", numbers[i], "items",
		    items));
	}
	return out;
}

/* Replace removed content in every channel (after a sync or a source removal). */
static int
reschedule_all(sqlite3 *db)
{
	char *cause = NULL;
	int n;

	if ((n = sched_extend_all(db, now_ms(), 0, &cause)) < 0) {
		log_warn("rescheduling after the change: %s", cause);
		free(cause);
	}
	return n;
}

/* --- jobs --- */

/* Unlink and free a job. */
static void
job_free(struct job *j)
{
	struct api_lib *l = j->l;
	struct job **p;

	pthread_mutex_lock(&l->lock);
	for (p = &l->jobs; *p != NULL; p = &(*p)->next) {
		if (*p == j) {
			*p = j->next;
			break;
		}
	}
	pthread_mutex_unlock(&l->lock);
	free(j->path);
	json_decref(j->args);
	free(j);
}

/* A new job on the list (not yet queued). */
static struct job *
job_new(struct api_lib *l, enum job_kind kind, const char *peer)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->l = l;
	j->kind = kind;
	snprintf(j->peer, sizeof j->peer, "%s", peer);
	atomic_init(&j->cancel, 0);
	pthread_mutex_lock(&l->lock);
	j->id = ++l->next_id;
	j->next = l->jobs;
	l->jobs = j;
	pthread_mutex_unlock(&l->lock);
	return j;
}

/* Queue a job; its id as the command's result. */
static json_t *
job_submit(struct job *j, struct pool *p, void (*fn)(void *), char **cause)
{
	int64_t id = j->id;
	enum job_kind kind = j->kind;

	/* From here the job may run and be freed at any moment. */
	if (pool_submit(p, fn, j) != 0) {
		set_cause(cause, "the engine is shutting down");
		job_free(j);
		return NULL;
	}
	return xjson_pack("{s:I, s:s}", "job", (json_int_t)id, "kind", job_kinds[kind]);
}

/* job.done with a result (taken) or an error; then free the job. */
static void
job_done(struct job *j, json_t *result, const char *error)
{
	json_t *ev;

	ev = xjson_pack("{s:s, s:I, s:s, s:s}", "event", "job.done", "job", (json_int_t)j->id,
	    "kind", job_kinds[j->kind], "peer", j->peer);
	if (result != NULL)
		json_object_set_new(ev, "result", result);
	else {
		json_object_set_new(ev, "error", json_string(error != NULL ? error : "failed"));
		if (atomic_load(&j->cancel))
			json_object_set_new(ev, "cancelled", json_true());
	}
	/* A picture only matters to the console that asked for it. */
	if (j->kind == JOB_FRAME)
		lib_send(j->l, j->peer, ev);
	else
		lib_event(j->l, ev);
	job_free(j);
}

/* job.progress, at most every PROGRESS_EVERY_US unless forced. */
static void
job_progress(struct job *j, int force, json_int_t done, json_int_t total, const char *message,
    json_t *extra)
{
	int64_t t = mono_us();
	json_t *ev;

	if (!force && t - j->last_us < PROGRESS_EVERY_US) {
		json_decref(extra);
		return;
	}
	j->last_us = t;
	ev = xjson_pack("{s:s, s:I, s:s, s:I, s:I, s:s}", "event", "job.progress", "job",
	    (json_int_t)j->id, "kind", job_kinds[j->kind], "done", done, "total", total,
	    "message", message != NULL ? message : "");
	if (extra != NULL) {
		json_object_update(ev, extra);
		json_decref(extra);
	}
	lib_event(j->l, ev);
}

/* job.cancel {job}. */
static json_t *
cmd_job_cancel(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct job *j;
	int64_t id = ctl_arg_int(req, "job", 0);
	int found = 0;

	pthread_mutex_lock(&l->lock);
	for (j = l->jobs; j != NULL; j = j->next) {
		if (j->id == id) {
			atomic_store(&j->cancel, 1);
			found = 1;
		}
	}
	pthread_mutex_unlock(&l->lock);
	if (!found) {
		set_cause(cause, "no job %lld is running", (long long)id);
		return NULL;
	}
	return xjson_pack("{s:I, s:b}", "job", (json_int_t)id, "cancelled", 1);
}

/* Job: rebuild the unlocked future of one channel or of those playing a file. */
static void
rebuild_run(void *arg)
{
	struct job *j = arg;
	sqlite3 *db = NULL;
	char *cause = NULL;
	json_t *rebuilt, *v;
	size_t i;
	int n;

	if (db_open(j->l->api->db_path, 0, &db, &cause) != 0) {
		job_done(j, NULL, cause);
		free(cause);
		return;
	}
	if (j->mf_id > 0)
		rebuilt = rebuild_for_file(db, j->mf_id);
	else {
		rebuilt = json_array();
		if ((n = sched_rebuild(db, j->channel_id, now_ms(), &cause)) < 0) {
			log_warn("rebuilding channel %s: %s", j->number, cause);
			json_array_append_new(rebuilt, xjson_pack("{s:s, s:s}", "number", j->number,
			    "error", cause));
			freep(&cause);
		} else
			json_array_append_new(rebuilt, xjson_pack("{s:s, s:i}", "number", j->number,
			    "items", n));
		if (j->l->api->director != NULL)
			director_reload(j->l->api->director);
	}
	db_close(&db);
	json_array_foreach(rebuilt, i, v)
		lib_event(j->l, xjson_pack("{s:s, s:O}", "event", "schedule.changed", "number",
		    json_object_get(v, "number")));
	job_done(j, xjson_pack("{s:o}", "rebuilt", rebuilt), NULL);
}

/*
 * Queue a rebuild (of the channels playing mf_id, or of channel_id) and
 * put its job into the reply r. Returns r.
 */
static json_t *
rebuild_later(struct api_lib *l, const char *peer, int64_t mf_id, int64_t channel_id,
    const char *number, json_t *r)
{
	struct job *j = job_new(l, JOB_REBUILD, peer);
	json_t *sub;
	char *cause = NULL;

	j->mf_id = mf_id;
	j->channel_id = channel_id;
	snprintf(j->number, sizeof j->number, "%s", number != NULL ? number : "");
	if ((sub = job_submit(j, l->sched, rebuild_run, &cause)) == NULL) {
		json_object_set_new(r, "error", json_string(cause));
		free(cause);
		return r;
	}
	json_object_update(r, sub);
	json_decref(sub);
	return r;
}

/* The slow commands' bodies (below, with their commands). */
static json_t *source_remove(struct job *j, sqlite3 *db, char **cause);
static json_t *tmm_dir_remove(struct job *j, sqlite3 *db, char **cause);
static json_t *path_add(struct job *j, sqlite3 *db, char **cause);
static json_t *path_remove(struct job *j, sqlite3 *db, char **cause);
static json_t *channel_startstop(struct job *j, sqlite3 *db, char **cause);

/*
 * Job: one of the slow commands (sources.remove, tmm.remove, paths.add,
 * paths.remove, channel.start, channel.stop) with the request it came
 * with, on a connection of its own.
 */
static void
edit_run(void *arg)
{
	static json_t *(*const bodies[])(struct job *, sqlite3 *, char **) = {
		[JOB_SOURCE_REMOVE] = source_remove,
		[JOB_TMM_REMOVE] = tmm_dir_remove,
		[JOB_PATH_ADD] = path_add,
		[JOB_PATH_REMOVE] = path_remove,
		[JOB_CHANNEL_START] = channel_startstop,
		[JOB_CHANNEL_STOP] = channel_startstop,
	};
	struct job *j = arg;
	sqlite3 *db = NULL;
	char *cause = NULL;
	json_t *r = NULL;

	if (atomic_load(&j->cancel))
		set_cause(&cause, "cancelled before it started");
	else if (j->kind == JOB_CHANNEL_START || j->kind == JOB_CHANNEL_STOP ||
	    db_open(j->l->api->db_path, 0, &db, &cause) == 0)
		r = bodies[j->kind](j, db, &cause);
	db_close(&db);
	if (r == NULL && cause == NULL)
		set_cause(&cause, "failed");
	job_done(j, r, cause);
	free(cause);
}

/* Queue a slow command as a job; {job, kind} as its reply. */
static json_t *
edit_later(struct api_lib *l, enum job_kind kind, const char *peer, json_t *req, char **cause)
{
	struct job *j = job_new(l, kind, peer);

	j->args = json_deep_copy(req);
	return job_submit(j, kind == JOB_CHANNEL_START || kind == JOB_CHANNEL_STOP ? l->chan :
	    l->edit, edit_run, cause);
}

/* --- content --- */

/* content.get {file}. */
static json_t *
cmd_content_get(void *arg, json_t *req, const char *peer, char **cause)
{
	static const char *const keys[] = { "type", "daypart", "seasonal", "rating", "company",
	    "category", "duration", "expires", "demographic", "warnings", "notes" };
	struct api_lib *l = arg;
	struct content_field *f = NULL;
	sqlite3_stmt *st;
	sqlite3 *db;
	json_t *r, *edit, *info;
	size_t n = 0, i;
	int64_t id;
	int k;

	if (arg_id(req, "file", &id, cause) != 0 || (db = lib_db(l, cause)) == NULL)
		return NULL;
	if (content_show(db, id, &f, &n, cause) != 0)
		return NULL;
	info = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(info, xjson_pack("[s, s]", f[i].key, f[i].value));
	content_fields_free(&f, n);
	st = db_prepare(db, "SELECT " LIBRARY_TITLE_SQL ", mf.duration_ms, mf.frame_rate, "
	    "mf.source_type, c.content_type, c.daypart_preference, c.seasonal_preference, "
	    "c.content_rating, c.commercial_company, c.commercial_category, "
	    "c.commercial_duration, c.commercial_expiration, c.target_demographic, "
	    "c.content_warnings, c.scheduling_notes FROM media_files mf LEFT JOIN "
	    "content_scheduling_metadata c ON c.media_file_id = mf.id WHERE mf.id = ?", cause);
	if (st == NULL) {
		json_decref(info);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		json_decref(info);
		set_cause(cause, "no media file %lld", (long long)id);
		return NULL;
	}
	edit = json_object();
	for (k = 0; k < (int)nitems(keys); k++) {
		const char *v = db_text(st, 4 + k);

		/* The stored role uses '_', the typed one '-'. */
		if (k == 0 && strcmp(v, "station_id") == 0)
			v = "station-id";
		json_object_set_new(edit, keys[k], json_string(v));
	}
	r = xjson_pack("{s:I, s:s, s:I, s:f, s:s, s:o, s:o}", "id", (json_int_t)id, "title",
	    db_text(st, 0), "duration_ms", (json_int_t)sqlite3_column_int64(st, 1), "fps",
	    sqlite3_column_double(st, 2), "source", db_text(st, 3), "edit", edit, "info", info);
	sqlite3_finalize(st);
	return r;
}

/* content.set {file, set: {key: value}}. */
static json_t *
cmd_content_set(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	json_t *set = json_object_get(req, "set"), *v;
	const char *key;
	char **pairs = NULL;
	size_t n = 0, i;
	sqlite3 *db;
	int64_t id;
	int rc;

	if (arg_id(req, "file", &id, cause) != 0 || (db = lib_db(l, cause)) == NULL)
		return NULL;
	if (!json_is_object(set) || json_object_size(set) == 0) {
		set_cause(cause, "no \"set\" object with the fields to change (%s)",
		    content_set_keys);
		return NULL;
	}
	pairs = xcalloc(json_object_size(set), sizeof *pairs);
	json_object_foreach(set, key, v) {
		if (json_is_string(v))
			xasprintf(&pairs[n++], "%s=%s", key, json_string_value(v));
		else if (json_is_integer(v))
			xasprintf(&pairs[n++], "%s=%lld", key, (long long)json_integer_value(v));
		else if (json_is_null(v))
			xasprintf(&pairs[n++], "%s=", key);
		else {
			set_cause(cause, "%s: give a string", key);
			goto fail;
		}
	}
	rc = content_set(db, id, pairs, n, cause);
	if (rc != 0)
		goto fail;
	for (i = 0; i < n; i++)
		free(pairs[i]);
	free(pairs);
	log_info("content %lld: metadata changed from the console (%s)", (long long)id, peer);
	changed(l, "content.changed", id);
	return rebuild_later(l, peer, id, 0, NULL, xjson_pack("{s:I}", "id", (json_int_t)id));
fail:
	for (i = 0; i < n; i++)
		free(pairs[i]);
	free(pairs);
	return NULL;
}

/* --- chapters --- */

/* chapters.get {file}. */
static json_t *
cmd_chapters_get(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct chapter *ch = NULL;
	sqlite3 *db;
	json_t *list, *r;
	char *path = NULL, *title;
	int64_t id, dur;
	size_t n = 0, i;
	double fps;

	if (arg_id(req, "file", &id, cause) != 0 || (db = lib_db(l, cause)) == NULL)
		return NULL;
	if (chapters_file(db, id, &path, &dur, cause) != 0 ||
	    chapters_list(db, id, &ch, &n, cause) != 0) {
		free(path);
		return NULL;
	}
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, xjson_pack("{s:I, s:I, s:s?, s:s}", "id",
		    (json_int_t)ch[i].id, "ms", (json_int_t)ch[i].ms, "title", ch[i].title, "source",
		    ch[i].source));
	chapters_free(&ch, n);
	{
		sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(frame_rate, 0) FROM media_files "
		    "WHERE id = ?", NULL);

		fps = 0;
		if (st != NULL) {
			sqlite3_bind_int64(st, 1, id);
			if (sqlite3_step(st) == SQLITE_ROW)
				fps = sqlite3_column_double(st, 0);
			sqlite3_finalize(st);
		}
	}
	title = library_title(db, id);
	r = xjson_pack("{s:I, s:s, s:s, s:I, s:f, s:o}", "id", (json_int_t)id, "title",
	    title != NULL ? title : "", "path", path, "duration_ms", (json_int_t)dur, "fps", fps,
	    "markers", list);
	free(title);
	free(path);
	return r;
}

/* chapters.set {file, markers: [{ms, title, source}]}. */
static json_t *
cmd_chapters_set(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	json_t *markers = json_object_get(req, "markers"), *m, *r;
	struct chapter *list = NULL;
	sqlite3 *db;
	size_t n, i;
	int64_t id;
	int changes;

	if (arg_id(req, "file", &id, cause) != 0 || (db = lib_db(l, cause)) == NULL)
		return NULL;
	if (!json_is_array(markers)) {
		set_cause(cause, "no \"markers\" array");
		return NULL;
	}
	n = json_array_size(markers);
	list = xcalloc(n + 1, sizeof *list);
	json_array_foreach(markers, i, m) {
		if (!json_is_integer(json_object_get(m, "ms"))) {
			set_cause(cause, "marker %zu has no \"ms\"", i + 1);
			free(list);
			return NULL;
		}
		list[i].ms = json_integer_value(json_object_get(m, "ms"));
		list[i].title = (char *)ctl_arg_str(m, "title");
		list[i].source = (char *)ctl_arg_str(m, "source");
	}
	if (chapters_replace(db, id, list, n, &changes, cause) != 0) {
		free(list);
		return NULL;
	}
	free(list);
	log_info("content %lld: %zu chapter marker%s saved from the console (%d change%s; %s)",
	    (long long)id, n, n == 1 ? "" : "s", changes, changes == 1 ? "" : "s", peer);
	r = xjson_pack("{s:I, s:i, s:I}", "id", (json_int_t)id, "changed", changes, "markers",
	    (json_int_t)n);
	changed(l, "chapters.changed", id);
	return changes > 0 ? rebuild_later(l, peer, id, 0, NULL, r) : r;
}

/* The detection job's progress. */
static void
detect_progress(void *arg, int64_t done, int64_t total)
{
	char t[32];

	fmt_duration(t, sizeof t, done, 0);
	t[8] = '\0';
	job_progress(arg, 0, done, total, t, NULL);
}

/* Job: black-and-silent points of a file. */
static void
detect_run(void *arg)
{
	struct job *j = arg;
	struct chapters_detect_opts o;
	struct chapter_point *p = NULL;
	json_t *pts;
	char *cause = NULL;
	size_t n = 0, i;

	memset(&o, 0, sizeof o);
	o.margin_s = -1;
	o.cancel = &j->cancel;
	o.progress = detect_progress;
	o.arg = j;
	if (chapters_detect(j->path, &o, &p, &n, &cause) != 0) {
		job_done(j, NULL, cause);
		free(cause);
		return;
	}
	pts = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(pts, xjson_pack("{s:I, s:I, s:I, s:I, s:I}", "ms",
		    (json_int_t)p[i].ms, "black_start_ms", (json_int_t)p[i].black_start_ms,
		    "black_end_ms", (json_int_t)p[i].black_end_ms, "silence_start_ms",
		    (json_int_t)p[i].silence_start_ms, "silence_end_ms",
		    (json_int_t)p[i].silence_end_ms));
	free(p);
	job_done(j, xjson_pack("{s:I, s:o}", "id", (json_int_t)j->mf_id, "points", pts), NULL);
}

/* chapters.detect {file}. */
static json_t *
cmd_chapters_detect(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct job *j;
	sqlite3 *db;
	char *path;
	int64_t id, dur;

	if (arg_id(req, "file", &id, cause) != 0 || (db = lib_db(l, cause)) == NULL)
		return NULL;
	if (chapters_file(db, id, &path, &dur, cause) != 0)
		return NULL;
	j = job_new(l, JOB_DETECT, peer);
	j->mf_id = id;
	j->path = path;
	return job_submit(j, l->work, detect_run, cause);
}

/* Job: one picture. */
static void
frame_run(void *arg)
{
	struct job *j = arg;
	struct frame_rgb f;
	char *cause = NULL, *b64;
	size_t size;
	json_t *r;

	if (atomic_load(&j->cancel)) {
		job_done(j, NULL, "superseded");
		return;
	}
	if (frame_grab(j->path, j->ms, j->width, j->height, &j->cancel, &f, &cause) != 0) {
		job_done(j, NULL, atomic_load(&j->cancel) ? "superseded" : cause);
		free(cause);
		return;
	}
	size = AV_BASE64_SIZE((size_t)f.width * f.height * 3);
	b64 = xmalloc(size);
	av_base64_encode(b64, (int)size, f.rgb, f.width * f.height * 3);
	r = xjson_pack("{s:I, s:I, s:I, s:i, s:i, s:f, s:I, s:s}", "id", (json_int_t)j->mf_id,
	    "asked_ms", (json_int_t)j->ms, "ms", (json_int_t)f.ms, "width", f.width, "height",
	    f.height, "fps", f.fps, "duration_ms", (json_int_t)f.duration_ms, "rgb", b64);
	free(b64);
	frame_rgb_clear(&f);
	job_done(j, r, NULL);
}

/* frame.at {file, ms, width, height}: supersedes this client's earlier seeks. */
static json_t *
cmd_frame_at(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct job *j, *o;
	sqlite3 *db;
	char *path;
	int64_t id, dur;
	json_int_t w = ctl_arg_int(req, "width", 160), h = ctl_arg_int(req, "height", 90);

	if (arg_id(req, "file", &id, cause) != 0 || (db = lib_db(l, cause)) == NULL)
		return NULL;
	if (w < 16 || w > 1920 || h < 16 || h > 1920) {
		set_cause(cause, "width and height: 16 to 1920 pixels");
		return NULL;
	}
	if (chapters_file(db, id, &path, &dur, cause) != 0)
		return NULL;
	pthread_mutex_lock(&l->lock);
	for (o = l->jobs; o != NULL; o = o->next) {
		if (o->kind == JOB_FRAME && strcmp(o->peer, peer) == 0)
			atomic_store(&o->cancel, 1);
	}
	pthread_mutex_unlock(&l->lock);
	j = job_new(l, JOB_FRAME, peer);
	j->mf_id = id;
	j->ms = ctl_arg_int(req, "ms", 0);
	j->width = (int)w;
	j->height = (int)h;
	j->path = path;
	return job_submit(j, l->seek, frame_run, cause);
}

/* --- sync --- */

/* Sync progress: the library bar. */
static void
sync_library(void *arg, int index, int count, const char *name, long done, long total)
{
	job_progress(arg, done == 0, done, total, name, xjson_pack("{s:s, s:i, s:i}", "level",
	    "library", "index", index, "count", count));
}

/* Sync progress: the item bar. */
static void
sync_item(void *arg, long done, long total, const char *label)
{
	job_progress(arg, 0, done, total, label, xjson_pack("{s:s}", "level", "item"));
}

/* A change the sync made. */
static void
sync_change(void *arg, enum import_change kind, const char *what, const char *title,
    int64_t mf_id)
{
	static const char *const kinds[] = { "added", "updated", "removed" };
	struct job *j = arg;
	char *text;

	xasprintf(&text, "%s %s: %s", kinds[kind], what, title);
	lib_event(j->l, xjson_pack("{s:s, s:I, s:s, s:s, s:s}", "event", "job.message", "job",
	    (json_int_t)j->id, "kind", job_kinds[j->kind], "level", kinds[kind], "text", text));
	free(text);
}

/* A warning the sync gave. */
static void
sync_warning(void *arg, const char *message)
{
	struct job *j = arg;

	lib_event(j->l, xjson_pack("{s:s, s:I, s:s, s:s, s:s}", "event", "job.message", "job",
	    (json_int_t)j->id, "kind", job_kinds[j->kind], "level", "warning", "text", message));
}

/* Strings of a JSON array (borrowed from it); *n the count. */
static const char **
str_array(json_t *a, size_t *n)
{
	const char **out;
	json_t *v;
	size_t i;

	*n = 0;
	if (!json_is_array(a) || json_array_size(a) == 0)
		return NULL;
	out = xcalloc(json_array_size(a), sizeof *out);
	json_array_foreach(a, i, v) {
		if (json_is_string(v))
			out[(*n)++] = json_string_value(v);
		else if (json_is_integer(v)) {
			/* An id: keep a string form alive in the array itself. */
			char buf[32];

			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
			json_array_set_new(a, i, json_string(buf));
			out[(*n)++] = json_string_value(json_array_get(a, i));
		}
	}
	return out;
}

/* Job: a sync. */
static void
sync_job(void *arg)
{
	struct job *j = arg;
	struct sync_request rq;
	struct import_progress prog;
	struct import_stats st;
	const char **libs = NULL, **dirs = NULL;
	sqlite3 *db = NULL;
	char *cause = NULL;
	json_t *r;
	int rc, n;

	memset(&rq, 0, sizeof rq);
	memset(&prog, 0, sizeof prog);
	memset(&st, 0, sizeof st);
	rq.plex = ctl_arg_bool(j->args, "plex", 1);
	rq.tmm = ctl_arg_bool(j->args, "tmm", 1);
	rq.source = ctl_arg_str(j->args, "source");
	libs = str_array(json_object_get(j->args, "libraries"), &rq.nlibraries);
	rq.libraries = libs;
	dirs = str_array(json_object_get(j->args, "tmm_dirs"), &rq.ntmm);
	rq.tmm_dirs = dirs;
	rq.force = ctl_arg_bool(j->args, "force", 0);
	rq.retries = -1;
	rq.cancel = &j->cancel;
	prog.library = sync_library;
	prog.item = sync_item;
	prog.change = sync_change;
	prog.warning = sync_warning;
	prog.arg = j;
	prog.cancel = &j->cancel;
	if (db_open(j->l->api->db_path, 0, &db, &cause) != 0) {
		job_done(j, NULL, cause);
		goto out;
	}
	rc = sync_run(db, &rq, &prog, &st, &cause);
	if (rc < 0) {
		job_done(j, NULL, cause);
		goto out;
	}
	n = st.added + st.updated + st.removed > 0 ? reschedule_all(db) : 0;
	r = xjson_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "status", rc == 0 ?
	    "success" : "partial", "processed", (int)st.processed, "added", (int)st.added,
	    "updated", (int)st.updated, "removed", (int)st.removed, "skipped", (int)st.skipped,
	    "failed", (int)st.failed, "rescheduled", n > 0 ? n : 0, "held", (int)st.held);
	lib_event(j->l, xjson_pack("{s:s}", "event", "library.changed"));
	job_done(j, r, NULL);
out:
	free(cause);
	free(libs);
	free(dirs);
	db_close(&db);
}

/* sync.start {plex, tmm, source, libraries, tmm_dirs, force}. */
static json_t *
cmd_sync_start(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct job *j;

	pthread_mutex_lock(&l->lock);
	for (j = l->jobs; j != NULL && j->kind != JOB_SYNC; j = j->next)
		;
	pthread_mutex_unlock(&l->lock);
	if (j != NULL) {
		set_cause(cause, "a sync is already running (job %lld)", (long long)j->id);
		return NULL;
	}
	j = job_new(l, JOB_SYNC, peer);
	j->args = json_deep_copy(req);
	log_info("sync started from the console (%s)", peer);
	return job_submit(j, l->work, sync_job, cause);
}

/* sync.history {limit}. */
static json_t *
cmd_sync_history(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	sqlite3_stmt *st;
	sqlite3 *db;
	json_t *list;

	if ((db = lib_db(l, cause)) == NULL)
		return NULL;
	st = db_prepare(db, "SELECT id, source_type, source_name, sync_type, start_time, "
	    "coalesce(end_time, ''), status, items_processed, items_added, items_updated, "
	    "items_removed, items_skipped, coalesce(error_message, '') FROM sync_history ORDER BY "
	    "id DESC LIMIT ?", cause);
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, ctl_arg_int(req, "limit", 20));
	list = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(list, xjson_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, "
		    "s:i, s:i, s:i, s:i, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "source_type", db_text(st, 1), "source", db_text(st, 2), "type", db_text(st, 3),
		    "start", db_text(st, 4), "end", db_text(st, 5), "status", db_text(st, 6),
		    "processed", sqlite3_column_int(st, 7), "added", sqlite3_column_int(st, 8),
		    "updated", sqlite3_column_int(st, 9), "removed", sqlite3_column_int(st, 10),
		    "skipped", sqlite3_column_int(st, 11), "error", db_text(st, 12)));
	sqlite3_finalize(st);
	return xjson_pack("{s:o}", "history", list);
}

/* --- sources --- */

/* sources.list: the token is never sent, only whether one is stored. */
static json_t *
cmd_sources_list(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct source *s = NULL;
	sqlite3 *db;
	json_t *list;
	size_t n = 0, i;

	if ((db = lib_db(l, cause)) == NULL || sources_list(db, NULL, &s, &n, cause) != 0)
		return NULL;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, xjson_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:b}",
		    "id", (json_int_t)s[i].id, "type", s[i].type, "name", s[i].name, "url",
		    s[i].url != NULL ? s[i].url : "", "token", s[i].token != NULL ? "********" : "",
		    "has_token", s[i].token != NULL, "last_sync", s[i].last_sync != NULL ?
		    s[i].last_sync : "", "enabled", s[i].enabled));
	sources_free(&s, n);
	return xjson_pack("{s:o}", "sources", list);
}

/* sources.add {name, url, token}. */
static json_t *
cmd_sources_add(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	const char *name = ctl_arg_str(req, "name"), *url = ctl_arg_str(req, "url");
	const char *token = ctl_arg_str(req, "token");
	sqlite3 *db;
	int64_t id;

	if (token != NULL && *token != '\0')
		log_add_secret(token);
	if (url == NULL || *url == '\0') {
		set_cause(cause, "no \"url\" (http://host:32400)");
		return NULL;
	}
	if ((db = lib_db(l, cause)) == NULL || sources_add_plex(db, name, url, token != NULL &&
	    *token != '\0' ? token : NULL, &id, cause) != 0)
		return NULL;
	changed(l, "sources.changed", id);
	return xjson_pack("{s:I}", "id", (json_int_t)id);
}

/* A "source" or "dir" argument (a name, a path or an id) as text into buf; NULL if none. */
static const char *
key_arg(json_t *req, const char *name, char *buf, size_t len)
{
	const char *key = ctl_arg_str(req, name);

	if (key == NULL && ctl_arg_int(req, name, 0) > 0) {
		snprintf(buf, len, "%lld", (long long)ctl_arg_int(req, name, 0));
		key = buf;
	}
	return key != NULL && *key != '\0' ? key : NULL;
}

/* Job body: remove a source with every file imported from it. */
static json_t *
source_remove(struct job *j, sqlite3 *db, char **cause)
{
	struct source s;
	char buf[32];
	long files;
	int n = 0;

	if (sources_get(db, key_arg(j->args, "source", buf, sizeof buf), &s, cause) != 0)
		return NULL;
	if (sources_remove(db, s.id, &files, cause) != 0) {
		source_clear(&s);
		return NULL;
	}
	log_info("source %s removed from the console with %ld files (%s)", s.name, files,
	    j->peer);
	source_clear(&s);
	if (files > 0)
		n = reschedule_all(db);
	changed(j->l, "sources.changed", 0);
	return xjson_pack("{s:i, s:i}", "files_removed", (int)files, "rescheduled", n > 0 ? n : 0);
}

/* sources.remove {source}: a job (every file imported from it goes too). */
static json_t *
cmd_sources_remove(void *arg, json_t *req, const char *peer, char **cause)
{
	char buf[32];

	if (key_arg(req, "source", buf, sizeof buf) == NULL) {
		set_cause(cause, "no \"source\" (id or name)");
		return NULL;
	}
	return edit_later(arg, JOB_SOURCE_REMOVE, peer, req, cause);
}

/* Job: test a Plex source. */
static void
test_job(void *arg)
{
	struct job *j = arg;
	struct sync_request rq;
	struct sync_library_info *libs = NULL;
	sqlite3 *db = NULL;
	char *cause = NULL, *server = NULL, *version = NULL;
	json_t *list;
	size_t n = 0, i;

	memset(&rq, 0, sizeof rq);
	rq.plex = 1;
	rq.source = ctl_arg_str(j->args, "source");
	rq.retries = 0;
	rq.connect_timeout_ms = 5000;
	rq.timeout_ms = 10000;
	rq.cancel = &j->cancel;
	if (db_open(j->l->api->db_path, 0, &db, &cause) != 0 ||
	    sync_test_source(db, &rq, &server, &version, &libs, &n, &cause) != 0) {
		job_done(j, NULL, cause);
		goto out;
	}
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, xjson_pack("{s:s, s:s, s:s, s:I, s:I}", "key",
		    libs[i].key, "title", libs[i].title, "type", libs[i].type, "items",
		    (json_int_t)libs[i].items, "episodes", (json_int_t)libs[i].episodes));
	job_done(j, xjson_pack("{s:s, s:s, s:o}", "server", server != NULL ? server : "",
	    "version", version != NULL ? version : "", "libraries", list), NULL);
out:
	sync_library_info_free(&libs, n);
	free(server);
	free(version);
	free(cause);
	db_close(&db);
}

/* sources.test {source}. */
static json_t *
cmd_sources_test(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct job *j;
	char buf[32];

	j = job_new(l, JOB_TEST, peer);
	j->args = json_deep_copy(req);
	if (ctl_arg_str(req, "source") == NULL && ctl_arg_int(req, "source", 0) > 0) {
		snprintf(buf, sizeof buf, "%lld", (long long)ctl_arg_int(req, "source", 0));
		json_object_set_new(j->args, "source", json_string(buf));
	}
	return job_submit(j, l->work, test_job, cause);
}

/* A Plex source argument: its id, 0 for none given, -1 with *cause. */
static int64_t
source_id(sqlite3 *db, json_t *req, char **cause)
{
	struct source s;
	const char *key = ctl_arg_str(req, "source");
	char buf[32];
	int64_t id;

	if (key == NULL && ctl_arg_int(req, "source", 0) > 0) {
		snprintf(buf, sizeof buf, "%lld", (long long)ctl_arg_int(req, "source", 0));
		key = buf;
	}
	if (key == NULL || *key == '\0')
		return 0;
	if (sources_get(db, key, &s, cause) != 0)
		return -1;
	id = s.id;
	source_clear(&s);
	return id;
}

/* --- path mappings --- */

/* paths.list. */
static json_t *
cmd_paths_list(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct pathmap pm;
	sqlite3 *db;
	json_t *list;
	size_t i;

	if ((db = lib_db(l, cause)) == NULL || pathmap_load(db, &pm, cause) != 0)
		return NULL;
	list = json_array();
	for (i = 0; i < pm.n; i++)
		json_array_append_new(list, xjson_pack("{s:I, s:I, s:s, s:s}", "id",
		    (json_int_t)pm.rules[i].id, "source", (json_int_t)pm.rules[i].source_id,
		    "plex_path", pm.rules[i].plex_path, "local_path", pm.rules[i].local_path));
	pathmap_clear(&pm);
	return xjson_pack("{s:o}", "paths", list);
}

/* Job body: add a path mapping and re-map every stored path. */
static json_t *
path_add(struct job *j, sqlite3 *db, char **cause)
{
	int64_t sid, id;
	int remapped;

	if ((sid = source_id(db, j->args, cause)) < 0)
		return NULL;
	if (pathmap_add(db, sid, ctl_arg_str(j->args, "plex_path"),
	    ctl_arg_str(j->args, "local_path"), &id, &remapped, cause) != 0)
		return NULL;
	changed(j->l, "paths.changed", id);
	return xjson_pack("{s:I, s:i}", "id", (json_int_t)id, "remapped", remapped);
}

/* paths.add {plex_path, local_path, source}: a job (it re-maps every row). */
static json_t *
cmd_paths_add(void *arg, json_t *req, const char *peer, char **cause)
{
	const char *plex = ctl_arg_str(req, "plex_path"), *local = ctl_arg_str(req, "local_path");

	if (plex == NULL || *plex == '\0' || local == NULL || *local == '\0') {
		set_cause(cause, "give \"plex_path\" and \"local_path\"");
		return NULL;
	}
	return edit_later(arg, JOB_PATH_ADD, peer, req, cause);
}

/* Job body: remove a path mapping and re-map every stored path. */
static json_t *
path_remove(struct job *j, sqlite3 *db, char **cause)
{
	int remapped;

	if (pathmap_remove(db, ctl_arg_int(j->args, "rule", 0), &remapped, cause) != 0)
		return NULL;
	changed(j->l, "paths.changed", 0);
	return xjson_pack("{s:i}", "remapped", remapped);
}

/* paths.remove {rule}: a job (it re-maps every row). */
static json_t *
cmd_paths_remove(void *arg, json_t *req, const char *peer, char **cause)
{
	int64_t id;

	if (arg_id(req, "rule", &id, cause) != 0)
		return NULL;
	return edit_later(arg, JOB_PATH_REMOVE, peer, req, cause);
}

/* paths.test {path, source}: what a Plex path becomes here, and whether it is there. */
static json_t *
cmd_paths_test(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	const struct pathmap_rule *used = NULL;
	const char *path = ctl_arg_str(req, "path");
	struct pathmap pm;
	sqlite3 *db;
	char *mapped;
	int64_t sid;
	json_t *r;

	if (path == NULL || *path == '\0') {
		set_cause(cause, "no \"path\"");
		return NULL;
	}
	if ((db = lib_db(l, cause)) == NULL || (sid = source_id(db, req, cause)) < 0 ||
	    pathmap_load(db, &pm, cause) != 0)
		return NULL;
	mapped = pathmap_map(&pm, sid, path, &used);
	r = xjson_pack("{s:s, s:s, s:b, s:I}", "path", path, "mapped", mapped != NULL ? mapped :
	    path, "exists", file_exists(mapped != NULL ? mapped : path), "rule",
	    (json_int_t)(used != NULL ? used->id : 0));
	free(mapped);
	pathmap_clear(&pm);
	return r;
}

/* --- TMM directories --- */

/* tmm.list. */
static json_t *
cmd_tmm_list(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct tmm_dir *d = NULL;
	sqlite3 *db;
	json_t *list;
	size_t n = 0, i;

	if ((db = lib_db(l, cause)) == NULL || tmm_list(db, &d, &n, cause) != 0)
		return NULL;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, xjson_pack("{s:I, s:s, s:s, s:b, s:b, s:s}", "id",
		    (json_int_t)d[i].id, "path", d[i].path, "name", d[i].name != NULL ? d[i].name :
		    "", "subdirs", d[i].subdirs, "enabled", d[i].enabled, "last_scan",
		    d[i].last_scan != NULL ? d[i].last_scan : ""));
	tmm_dirs_free(&d, n);
	return xjson_pack("{s:o}", "dirs", list);
}

/* tmm.add {path, name, subdirs}. */
static json_t *
cmd_tmm_add(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	const char *path = ctl_arg_str(req, "path");
	sqlite3 *db;
	int64_t id;

	if (path == NULL || *path == '\0') {
		set_cause(cause, "no \"path\"");
		return NULL;
	}
	if ((db = lib_db(l, cause)) == NULL || tmm_add(db, path, ctl_arg_str(req, "name"),
	    ctl_arg_bool(req, "subdirs", 1), &id, cause) != 0)
		return NULL;
	changed(l, "tmm.changed", id);
	return xjson_pack("{s:I}", "id", (json_int_t)id);
}

/* Job body: remove a TMM directory with every file imported from it. */
static json_t *
tmm_dir_remove(struct job *j, sqlite3 *db, char **cause)
{
	struct tmm_dir d;
	char buf[32];
	long files;
	int n = 0;

	if (tmm_get(db, key_arg(j->args, "dir", buf, sizeof buf), &d, cause) != 0)
		return NULL;
	if (tmm_remove(db, d.id, &files, cause) != 0) {
		tmm_dir_clear(&d);
		return NULL;
	}
	log_info("TMM directory %s removed from the console with %ld files (%s)", d.path, files,
	    j->peer);
	tmm_dir_clear(&d);
	if (files > 0)
		n = reschedule_all(db);
	changed(j->l, "tmm.changed", 0);
	return xjson_pack("{s:i, s:i}", "files_removed", (int)files, "rescheduled", n > 0 ? n : 0);
}

/* tmm.remove {dir}: a job (every file imported from it goes too). */
static json_t *
cmd_tmm_remove(void *arg, json_t *req, const char *peer, char **cause)
{
	char buf[32];

	if (key_arg(req, "dir", buf, sizeof buf) == NULL) {
		set_cause(cause, "no \"dir\" (id, name or path)");
		return NULL;
	}
	return edit_later(arg, JOB_TMM_REMOVE, peer, req, cause);
}

/* --- channels by hand --- */

/* Job body: start or stop a channel (a stop waits for its thread). */
static json_t *
channel_startstop(struct job *j, sqlite3 *db, char **cause)
{
	const char *number = ctl_arg_str(j->args, "number");
	struct director *d = j->l->api->director;
	int start = j->kind == JOB_CHANNEL_START;

	(void)db;
	if ((start ? director_start_channel(d, number, cause) :
	    director_stop_channel(d, number, cause)) != 0)
		return NULL;
	lib_event(j->l, xjson_pack("{s:s, s:s, s:s}", "event", "channel", "number", number,
	    "action", start ? "start" : "stop"));
	return xjson_pack("{s:s, s:s}", "number", number, "state", start ? "starting" : "idle");
}

/* channel.start {number}, channel.stop {number}: jobs, in order. */
static json_t *
channel_later(struct api_lib *l, enum job_kind kind, json_t *req, const char *peer,
    char **cause)
{
	json_t *r;

	if (ctl_arg_str(req, "number") == NULL) {
		set_cause(cause, "no channel number");
		return NULL;
	}
	if (l->api->director == NULL) {
		set_cause(cause, "this engine runs no channels");
		return NULL;
	}
	if ((r = edit_later(l, kind, peer, req, cause)) != NULL)
		json_object_set_new(r, "number", json_string(ctl_arg_str(req, "number")));
	return r;
}

/* channel.start {number}. */
static json_t *
cmd_channel_start(void *arg, json_t *req, const char *peer, char **cause)
{
	return channel_later(arg, JOB_CHANNEL_START, req, peer, cause);
}

/* channel.stop {number}. */
static json_t *
cmd_channel_stop(void *arg, json_t *req, const char *peer, char **cause)
{
	return channel_later(arg, JOB_CHANNEL_STOP, req, peer, cause);
}

/* --- channels --- */

/* channels.list. */
static json_t *
cmd_channels_list(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct channel_conf *c = NULL;
	sqlite3 *db;
	json_t *list;
	size_t n = 0, i;

	if ((db = lib_db(l, cause)) == NULL || channels_load(db, &c, &n, cause) != 0)
		return NULL;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, channel_conf_json(&c[i]));
	channels_free(&c, n);
	return xjson_pack("{s:o}", "channels", list);
}

/* After a channel changed: rebuild its fine log, then reload the director. */
static json_t *
channel_changed(struct api_lib *l, const char *peer, int64_t id, const char *number)
{
	changed(l, "channels.changed", id);
	return rebuild_later(l, peer, 0, id, number, xjson_pack("{s:I}", "id", (json_int_t)id));
}

/* channels.add {number, name, ...}. */
static json_t *
cmd_channels_add(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct chanedit e;
	sqlite3 *db;
	int64_t id;

	chanedit_init(&e);
	if (chanedit_from_json(&e, req, cause) != 0 || (db = lib_db(l, cause)) == NULL ||
	    chanedit_add(db, &e, &id, cause) != 0)
		return NULL;
	log_info("channel %s added from the console (%s)", chanedit_str(&e, "number"), peer);
	return channel_changed(l, peer, id, chanedit_str(&e, "number"));
}

/* channels.set {number, ...}: "new_number" renumbers. */
static json_t *
cmd_channels_set(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct channel_conf c;
	struct chanedit e;
	const char *number = ctl_arg_str(req, "number");
	sqlite3 *db;
	int64_t id;
	int rc;

	if (number == NULL) {
		set_cause(cause, "no channel \"number\"");
		return NULL;
	}
	if ((db = lib_db(l, cause)) == NULL)
		return NULL;
	if ((rc = channels_find(db, number, &c, cause)) != 0) {
		if (rc > 0)
			set_cause(cause, "no channel %s", number);
		return NULL;
	}
	id = c.id;
	channel_conf_clear(&c);
	chanedit_init(&e);
	if (chanedit_from_json(&e, req, cause) != 0)
		return NULL;
	chanedit_set_str(&e, "number", ctl_arg_str(req, "new_number"));
	if (chanedit_update(db, id, &e, cause) != 0)
		return NULL;
	log_info("channel %s changed from the console (%s)", number, peer);
	return channel_changed(l, peer, id, chanedit_str(&e, "number") != NULL ?
	    chanedit_str(&e, "number") : number);
}

/* --- schedule slots --- */

/* The channel named by "number": its id, or -1 with *cause. */
static int64_t
channel_arg(sqlite3 *db, json_t *req, struct channel_conf *c, char **cause)
{
	const char *number = ctl_arg_str(req, "number");
	int rc;

	if (number == NULL) {
		set_cause(cause, "no channel \"number\"");
		return -1;
	}
	if ((rc = channels_find(db, number, c, cause)) != 0) {
		if (rc > 0)
			set_cause(cause, "no channel %s", number);
		return -1;
	}
	return c->id;
}

/* "HH:MM". */
static const char *
hhmm(int min, char *buf, size_t len)
{
	snprintf(buf, len, "%02d:%02d", min / 60, min % 60);
	return buf;
}

/* slots.list {number, hours}: the coarse slots and the fine log ahead. */
static json_t *
cmd_slots_list(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct coarse_slot *s = NULL;
	struct channel_conf c;
	sqlite3_stmt *st;
	sqlite3 *db;
	json_t *slots, *log, *shows, *r, *v;
	char days[64], a[16], b[16], *what;
	size_t n = 0, i;
	int64_t now = now_ms(), hours = ctl_arg_int(req, "hours", 6);

	if ((db = lib_db(l, cause)) == NULL || channel_arg(db, req, &c, cause) < 0)
		return NULL;
	if (coarse_load(db, c.id, &s, &n, cause) != 0) {
		channel_conf_clear(&c);
		return NULL;
	}
	slots = json_array();
	for (i = 0; i < n; i++) {
		what = coarse_describe(db, &s[i]);
		v = xjson_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:i}", "id", (json_int_t)s[i].id,
		    "days", s[i].days, "days_text", coarse_format_days(s[i].days, days, sizeof days),
		    "start", hhmm(s[i].start_min, a, sizeof a), "end", hhmm(s[i].end_min, b,
		    sizeof b), "type", coarse_type_name(s[i].type), "what", what != NULL ? what : "",
		    "priority", s[i].priority);
		coarse_opt_json(&s[i], v);
		json_array_append_new(slots, v);
		free(what);
	}
	coarse_free(&s, n);
	log = json_array();
	if (hours < 1 || hours > 48)
		hours = 6;
	st = db_prepare(db, "SELECT start_ms, end_ms, kind, coalesce(title, ''), "
	    "coalesce(media_file_id, 0) FROM schedule_items WHERE channel_id = ?1 AND end_ms > ?2 "
	    "AND start_ms < ?3 ORDER BY start_ms", NULL);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, c.id);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, now + hours * 3600000);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(log, xjson_pack("{s:I, s:I, s:s, s:s, s:I}", "start_ms",
			    (json_int_t)sqlite3_column_int64(st, 0), "end_ms",
			    (json_int_t)sqlite3_column_int64(st, 1), "kind", db_text(st, 2), "title",
			    db_text(st, 3), "media_file_id", (json_int_t)sqlite3_column_int64(st, 4)));
		sqlite3_finalize(st);
	}
	shows = json_array();
	st = db_prepare(db, "SELECT id, title || coalesce(' (' || year || ')', '') FROM shows "
	    "ORDER BY title COLLATE NOCASE", NULL);
	if (st != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(shows, xjson_pack("{s:I, s:s}", "id",
			    (json_int_t)sqlite3_column_int64(st, 0), "title", db_text(st, 1)));
		sqlite3_finalize(st);
	}
	r = xjson_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:o}", "number", c.number, "name", c.name,
	    "timezone", c.timezone != NULL ? c.timezone : "UTC", "slot_minutes", c.slot_minutes,
	    "slots", slots, "log", log, "shows", shows);
	channel_conf_clear(&c);
	return r;
}

/* Days and times of a slot from the request (those given). 0, or -1 with *cause. */
static int
slot_times(json_t *req, const struct channel_conf *c, struct coarse_slot *s, int have_end,
    char **cause)
{
	const char *days = ctl_arg_str(req, "days"), *start = ctl_arg_str(req, "start");
	const char *end = ctl_arg_str(req, "end");
	int len;

	if (days != NULL && coarse_parse_days(days, &s->days, cause) != 0)
		return -1;
	len = (s->end_min - s->start_min + 1440) % 1440;
	if (len == 0)
		len = 1440;
	if (start != NULL) {
		if (coarse_parse_time(start, &s->start_min) != 0 || s->start_min >= 1440) {
			set_cause(cause, "start %s: not a time HH:MM", start);
			return -1;
		}
		if (!have_end || end == NULL)
			s->end_min = (s->start_min + (have_end ? c->slot_minutes : len)) % 1440;
	}
	if (end != NULL && coarse_parse_time(end, &s->end_min) != 0) {
		set_cause(cause, "end %s: not a time HH:MM", end);
		return -1;
	}
	if (s->end_min == 0)
		s->end_min = 1440;
	return 0;
}

/* After a slot changed: tell the consoles, rebuild the channel's unlocked future. */
static json_t *
slots_changed(struct api_lib *l, const char *peer, const struct channel_conf *c,
    int64_t slot)
{
	lib_event(l, xjson_pack("{s:s, s:s}", "event", "slots.changed", "number", c->number));
	return rebuild_later(l, peer, 0, c->id, c->number, xjson_pack("{s:I}", "id",
	    (json_int_t)slot));
}

/* slots.add {number, days, start, end, type, show_id, shows, content_id, genre,
 * max_rating, priority}. */
static json_t *
cmd_slots_add(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct coarse_slot s;
	struct channel_conf c;
	const char *type = ctl_arg_str(req, "type");
	json_t *shows = json_object_get(req, "shows"), *v, *r = NULL;
	sqlite3 *db;
	int64_t id;
	size_t i;

	memset(&s, 0, sizeof s);
	s.max_level = RATING_UNRATED;
	s.days = 0x7f;
	if ((db = lib_db(l, cause)) == NULL || channel_arg(db, req, &c, cause) < 0)
		return NULL;
	if (type == NULL || coarse_type_parse(type, &s.type) != 0) {
		set_cause(cause, "type %s: series, shuffle, episode, movie, movies or fill",
		    type != NULL ? type : "(none)");
		goto out;
	}
	if (ctl_arg_str(req, "start") == NULL) {
		set_cause(cause, "no \"start\" (HH:MM)");
		goto out;
	}
	if (slot_times(req, &c, &s, 1, cause) != 0)
		goto out;
	s.channel_id = c.id;
	s.show_id = ctl_arg_int(req, "show_id", 0);
	s.content_id = ctl_arg_int(req, "content_id", 0);
	if (coarse_opt_from_json(req, &s, cause) != 0 || coarse_opt_check(&s, 0, cause) != 0)
		goto out;
	if (json_is_array(shows) && json_array_size(shows) > 0) {
		s.shows = xcalloc(json_array_size(shows), sizeof *s.shows);
		json_array_foreach(shows, i, v)
			s.shows[s.n_shows++] = json_integer_value(v);
		if (s.show_id == 0 && s.type == COARSE_SERIES)
			s.show_id = s.shows[0];
	}
	if (coarse_add(db, &s, &id, cause) != 0)
		goto out;
	log_info("channel %s: slot %lld added from the console (%s)", c.number, (long long)id,
	    peer);
	r = slots_changed(l, peer, &c, id);
out:
	coarse_slot_clear(&s);
	channel_conf_clear(&c);
	return r;
}

/* slots.move {number, slot, days, start, end}: the same slot at another time. */
static json_t *
cmd_slots_move(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct coarse_slot *s = NULL, *it = NULL;
	struct channel_conf c;
	sqlite3 *db;
	json_t *r = NULL;
	int64_t id, nid;
	size_t n = 0, i;

	if (arg_id(req, "slot", &id, cause) != 0 || (db = lib_db(l, cause)) == NULL ||
	    channel_arg(db, req, &c, cause) < 0)
		return NULL;
	if (coarse_load(db, c.id, &s, &n, cause) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (s[i].id == id)
			it = &s[i];
	if (it == NULL) {
		set_cause(cause, "channel %s has no slot %lld", c.number, (long long)id);
		goto out;
	}
	if (slot_times(req, &c, it, 0, cause) != 0)
		goto out;
	if (db_begin(db, cause) != 0)
		goto out;
	if (coarse_add(db, it, &nid, cause) != 0 || coarse_remove(db, c.id, id, cause) != 0 ||
	    db_commit(db, cause) != 0) {
		db_rollback(db);
		goto out;
	}
	log_info("channel %s: slot %lld moved from the console (now slot %lld; %s)", c.number,
	    (long long)id, (long long)nid, peer);
	r = slots_changed(l, peer, &c, nid);
out:
	coarse_free(&s, n);
	channel_conf_clear(&c);
	return r;
}

/* slots.remove {number, slot}. */
static json_t *
cmd_slots_remove(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_lib *l = arg;
	struct channel_conf c;
	sqlite3 *db;
	json_t *r = NULL;
	int64_t id;

	if (arg_id(req, "slot", &id, cause) != 0 || (db = lib_db(l, cause)) == NULL ||
	    channel_arg(db, req, &c, cause) < 0)
		return NULL;
	if (coarse_remove(db, c.id, id, cause) == 0) {
		log_info("channel %s: slot %lld removed from the console (%s)", c.number,
		    (long long)id, peer);
		r = slots_changed(l, peer, &c, id);
	}
	channel_conf_clear(&c);
	return r;
}

/* --- the module --- */

/* New. */
struct api_lib *
api_lib_new(struct api *api, struct control *c)
{
	struct api_lib *l = xcalloc(1, sizeof *l);

	l->api = api;
	l->ctl = c;
	pthread_mutex_init(&l->lock, NULL);
	l->seek = pool_new("seek", 1);
	l->work = pool_new("job", 2);
	l->sched = pool_new("sched", 1);
	l->edit = pool_new("edit", 1);
	l->chan = pool_new("chan", 1);
	return l;
}

/* Register. */
void
api_lib_register(struct control *c, struct api_lib *l)
{
	static const struct {
		const char *name;
		control_fn fn;
	} cmds[] = {
		{ "channel.start", cmd_channel_start },
		{ "channel.stop", cmd_channel_stop },
		{ "channels.add", cmd_channels_add },
		{ "channels.list", cmd_channels_list },
		{ "channels.set", cmd_channels_set },
		{ "chapters.detect", cmd_chapters_detect },
		{ "chapters.get", cmd_chapters_get },
		{ "chapters.set", cmd_chapters_set },
		{ "content.get", cmd_content_get },
		{ "content.set", cmd_content_set },
		{ "frame.at", cmd_frame_at },
		{ "job.cancel", cmd_job_cancel },
		{ "paths.add", cmd_paths_add },
		{ "paths.list", cmd_paths_list },
		{ "paths.remove", cmd_paths_remove },
		{ "paths.test", cmd_paths_test },
		{ "slots.add", cmd_slots_add },
		{ "slots.list", cmd_slots_list },
		{ "slots.move", cmd_slots_move },
		{ "slots.remove", cmd_slots_remove },
		{ "sources.add", cmd_sources_add },
		{ "sources.list", cmd_sources_list },
		{ "sources.remove", cmd_sources_remove },
		{ "sources.test", cmd_sources_test },
		{ "sync.history", cmd_sync_history },
		{ "sync.start", cmd_sync_start },
		{ "tmm.add", cmd_tmm_add },
		{ "tmm.list", cmd_tmm_list },
		{ "tmm.remove", cmd_tmm_remove },
	};
	size_t i;

	for (i = 0; i < nitems(cmds); i++)
		control_add(c, cmds[i].name, cmds[i].fn, l);
}

/* Cancel every job, wait, and send nothing more. */
void
api_lib_stop(struct api_lib *l)
{
	struct job *j;

	if (l == NULL)
		return;
	pthread_mutex_lock(&l->lock);
	for (j = l->jobs; j != NULL; j = j->next)
		atomic_store(&j->cancel, 1);
	pthread_mutex_unlock(&l->lock);
	pool_wait(l->seek);
	pool_wait(l->work);
	pool_wait(l->sched);
	pool_wait(l->edit);
	pool_wait(l->chan);
	pthread_mutex_lock(&l->lock);
	l->ctl = NULL;
	pthread_mutex_unlock(&l->lock);
}

/* Free. */
void
api_lib_free(struct api_lib **lp)
{
	struct api_lib *l;

	if (lp == NULL || (l = *lp) == NULL)
		return;
	api_lib_stop(l);
	pool_free(&l->seek);
	pool_free(&l->work);
	pool_free(&l->sched);
	pool_free(&l->edit);
	pool_free(&l->chan);
	db_close(&l->db);
	pthread_mutex_destroy(&l->lock);
	freep(lp);
}
