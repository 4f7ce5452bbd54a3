/*
 * api_chapters.c: the control socket's chapter editor commands
 * (engine/api_cmd.h): a file's markers read and replaced (rebuilding the
 * fine logs that play it), black-and-silent points detected as a job, and
 * a picture at any moment for the editor's seek bar (frame.at, a job on
 * its own pool, superseded by the same console's next seek).
 */
#include <stdlib.h>
#include <string.h>

#include <libavutil/base64.h>

#include "engine/api_cmd.h"
#include "engine/control.h"
#include "engine/frame.h"
#include "src/chapters.h"
#include "src/db.h"
#include "src/library.h"
#include "src/log.h"
#include "src/util.h"
#include "src/xjson.h"

/* chapters.get {file}. */
static json_t *
cmd_chapters_get(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct chapter *ch = NULL;
	sqlite3 *db;
	json_t *list, *spans, *r;
	char *path = NULL, *title;
	int64_t id, dur;
	size_t n = 0, i;
	double fps;

	if (api_lib_arg_id(req, "file", &id, cause) != 0 || (db = api_lib_db(l, cause)) == NULL)
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
	/* The intro and end credits (no break inside), read only. */
	if (chapters_spans(db, id, &ch, &n, cause) != 0) {
		json_decref(list);
		free(path);
		return NULL;
	}
	spans = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(spans, xjson_pack("{s:s, s:I, s:I, s:s}", "kind", ch[i].title,
		    "start_ms", (json_int_t)ch[i].ms, "end_ms", (json_int_t)ch[i].end_ms, "source",
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
	r = xjson_pack("{s:I, s:s, s:s, s:I, s:f, s:o, s:o}", "id", (json_int_t)id, "title",
	    title != NULL ? title : "", "path", path, "duration_ms", (json_int_t)dur, "fps", fps,
	    "markers", list, "spans", spans);
	free(title);
	free(path);
	return r;
}

/* chapters.set {file, markers: [{ms, title, source}]}. */
static json_t *
cmd_chapters_set(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	json_t *markers = json_object_get(req, "markers"), *m, *r;
	struct chapter *list = NULL;
	sqlite3 *db;
	size_t n, i;
	int64_t id;
	int changes;

	if (api_lib_arg_id(req, "file", &id, cause) != 0 || (db = api_lib_db(l, cause)) == NULL)
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
	api_lib_changed(l, "chapters.changed", id);
	return changes > 0 ? api_lib_rebuild(l, peer, id, 0, NULL, r) : r;
}

/* The detection job's progress. */
static void
detect_progress(void *arg, int64_t done, int64_t total)
{
	char t[32];

	fmt_duration(t, sizeof t, done, 0);
	t[8] = '\0';
	api_job_progress(arg, 0, done, total, t, NULL);
}

/* Job: black-and-silent points of a file. */
static void
detect_run(void *arg)
{
	struct api_job *j = arg;
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
		api_job_done(j, NULL, cause);
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
	api_job_done(j, xjson_pack("{s:I, s:o}", "id", (json_int_t)j->mf_id, "points", pts), NULL);
}

/* chapters.detect {file}. */
static json_t *
cmd_chapters_detect(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct api_job *j;
	sqlite3 *db;
	char *path;
	int64_t id, dur;

	if (api_lib_arg_id(req, "file", &id, cause) != 0 || (db = api_lib_db(l, cause)) == NULL)
		return NULL;
	if (chapters_file(db, id, &path, &dur, cause) != 0)
		return NULL;
	j = api_job_new(l->jobs, "detect", peer);
	j->mf_id = id;
	j->path = path;
	return api_job_submit(j, API_POOL_WORK, detect_run, cause);
}

/* Job: one picture. */
static void
frame_run(void *arg)
{
	struct api_job *j = arg;
	struct frame_rgb f;
	char *cause = NULL, *b64;
	size_t size;
	json_t *r;

	if (atomic_load(&j->cancel)) {
		api_job_done(j, NULL, "superseded");
		return;
	}
	if (frame_grab(j->path, j->ms, j->width, j->height, &j->cancel, &f, &cause) != 0) {
		api_job_done(j, NULL, atomic_load(&j->cancel) ? "superseded" : cause);
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
	api_job_done(j, r, NULL);
}

/* frame.at {file, ms, width, height}: supersedes this client's earlier seeks. */
static json_t *
cmd_frame_at(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct api_job *j;
	sqlite3 *db;
	char *path;
	int64_t id, dur;
	json_int_t w = ctl_arg_int(req, "width", 160), h = ctl_arg_int(req, "height", 90);

	if (api_lib_arg_id(req, "file", &id, cause) != 0 || (db = api_lib_db(l, cause)) == NULL)
		return NULL;
	if (w < 16 || w > 1920 || h < 16 || h > 1920) {
		set_cause(cause, "width and height: 16 to 1920 pixels");
		return NULL;
	}
	if (chapters_file(db, id, &path, &dur, cause) != 0)
		return NULL;
	api_jobs_supersede(l->jobs, "frame", peer);
	j = api_job_new(l->jobs, "frame", peer);
	/* A picture only matters to the console that asked for it. */
	j->private_events = 1;
	j->mf_id = id;
	j->ms = ctl_arg_int(req, "ms", 0);
	j->width = (int)w;
	j->height = (int)h;
	j->path = path;
	return api_job_submit(j, API_POOL_SEEK, frame_run, cause);
}

const struct api_cmd api_chapters_cmds[] = {
	{ .name = "chapters.get", .fn = cmd_chapters_get },
	{ .name = "chapters.set", .fn = cmd_chapters_set },
	{ .name = "chapters.detect", .fn = cmd_chapters_detect },
	{ .name = "frame.at", .fn = cmd_frame_at },
	{ .name = NULL },
};
