/*
 * api_import.c: the control socket's import commands (engine/api_cmd.h):
 * a sync (a job, one at a time, with progress, changes and warnings as
 * events), its history, and the sources of every kind through the table
 * of importers (src/importer.h): Plex, Jellyfin and Emby servers (tested
 * as a job; the secret is never sent back) and TMM folders (tmm.* is the
 * older spelling for folders). Removing a source takes every file
 * imported from it and reschedules every channel: a job on the
 * library-edit pool, in the order asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/api_cmd.h"
#include "engine/control.h"
#include "src/db.h"
#include "src/importer.h"
#include "src/log.h"
#include "src/sources.h"
#include "src/sync.h"
#include "src/tmm.h"
#include "src/util.h"
#include "src/xjson.h"

/* Sync progress: the library bar. */
static void
sync_library(void *arg, int index, int count, const char *name, long done, long total)
{
	api_job_progress(arg, done == 0, done, total, name, xjson_pack("{s:s, s:i, s:i}", "level",
	    "library", "index", index, "count", count));
}

/* Sync progress: the item bar. */
static void
sync_item(void *arg, long done, long total, const char *label)
{
	api_job_progress(arg, 0, done, total, label, xjson_pack("{s:s}", "level", "item"));
}

/* A change the sync made. */
static void
sync_change(void *arg, enum import_change kind, const char *what, const char *title,
    int64_t mf_id)
{
	static const char *const kinds[] = { "added", "updated", "removed" };
	struct api_job *j = arg;
	char *text;

	xasprintf(&text, "%s %s: %s", kinds[kind], what, title);
	api_jobs_event(j->js, xjson_pack("{s:s, s:I, s:s, s:s, s:s}", "event", "job.message", "job",
	    (json_int_t)j->id, "kind", j->kind, "level", kinds[kind], "text", text));
	free(text);
}

/* A warning the sync gave. */
static void
sync_warning(void *arg, const char *message)
{
	struct api_job *j = arg;

	api_jobs_event(j->js, xjson_pack("{s:s, s:I, s:s, s:s, s:s}", "event", "job.message", "job",
	    (json_int_t)j->id, "kind", j->kind, "level", "warning", "text", message));
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
	struct api_job *j = arg;
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
	/* "plex" and "tmm" are the older names of "servers" and "folders". */
	rq.servers = ctl_arg_bool(j->args, "servers", ctl_arg_bool(j->args, "plex", 1));
	rq.folders = ctl_arg_bool(j->args, "folders", ctl_arg_bool(j->args, "tmm", 1));
	rq.kind = ctl_arg_str(j->args, "kind");
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
	if (api_job_db(j, &db, &cause) != 0) {
		api_job_done(j, NULL, cause);
		goto out;
	}
	rc = sync_run(db, &rq, &prog, &st, &cause);
	if (rc < 0) {
		api_job_done(j, NULL, cause);
		goto out;
	}
	n = st.added + st.updated + st.removed > 0 ? api_lib_reschedule_all(db) : 0;
	r = xjson_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "status", rc == 0 ?
	    "success" : "partial", "processed", (int)st.processed, "added", (int)st.added,
	    "updated", (int)st.updated, "removed", (int)st.removed, "skipped", (int)st.skipped,
	    "failed", (int)st.failed, "rescheduled", n > 0 ? n : 0, "held", (int)st.held);
	api_jobs_event(j->js, xjson_pack("{s:s}", "event", "library.changed"));
	api_job_done(j, r, NULL);
out:
	free(cause);
	free(libs);
	free(dirs);
	db_close(&db);
}

/* sync.start {servers, folders, kind, source, libraries, tmm_dirs, force}. */
static json_t *
cmd_sync_start(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct api_job *j;

	int64_t running = api_jobs_running(l->jobs, "sync");

	if (running != 0) {
		set_cause(cause, "a sync is already running (job %lld)", (long long)running);
		return NULL;
	}
	j = api_job_new(l->jobs, "sync", peer);
	j->args = json_deep_copy(req);
	log_info("sync started from the console (%s)", peer);
	return api_job_submit(j, API_POOL_WORK, sync_job, cause);
}

/* sync.history {limit}: the last syncs, newest first. */
static json_t *
sync_history(sqlite3 *db, json_t *req, char **cause)
{
	sqlite3_stmt *st;
	json_t *list;

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
	return list;
}

/*
 * sources.list {servers, folders}: every source of every kind (or of one
 * family); the secret is never sent, only whether one is stored. "ref"
 * names each one for the other commands.
 */
static json_t *
sources_json(sqlite3 *db, json_t *req, char **cause)
{
	struct source *s = NULL;
	json_t *list;
	size_t n = 0, i;
	char ref[64];
	int flags = 0;

	if (ctl_arg_bool(req, "servers", 1))
		flags |= IMPORTER_SERVER;
	if (ctl_arg_bool(req, "folders", 1))
		flags |= IMPORTER_FOLDER;
	if (flags == 0)
		return json_array();
	if (sources_all(db, flags, &s, &n, cause) != 0)
		return NULL;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, xjson_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
		    "s:b, s:s, s:s, s:b, s:s, s:b}", "id", (json_int_t)s[i].id, "ref", source_ref(&s[i],
		    ref, sizeof ref), "type", s[i].type, "label", s[i].imp != NULL ? s[i].imp->label :
		    s[i].type, "family", s[i].imp != NULL && (s[i].imp->flags & IMPORTER_FOLDER) ?
		    "folder" : "server", "name", s[i].name, "url", s[i].url != NULL ? s[i].url : "",
		    "token", s[i].token != NULL ? "********" : "", "has_token", s[i].token != NULL,
		    "user", s[i].user != NULL ? s[i].user : "", "path", s[i].path != NULL ?
		    s[i].path : "", "subdirs", s[i].subdirs, "last_sync", s[i].last_sync != NULL ?
		    s[i].last_sync : "", "enabled", s[i].enabled));
	sources_free(&s, n);
	return list;
}

/* sources.add {kind (plex), name, url, token or api_key, user, path, subdirs}. */
static json_t *
cmd_sources_add(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	const char *kind = ctl_arg_str(req, "kind");
	const struct importer *imp = importer_find(kind != NULL ? kind : "plex");
	struct source_spec spec;
	sqlite3 *db;
	int64_t id;

	(void)peer;
	memset(&spec, 0, sizeof spec);
	spec.name = ctl_arg_str(req, "name");
	spec.url = ctl_arg_str(req, "url");
	spec.secret = ctl_arg_str(req, "token");
	if (spec.secret == NULL || *spec.secret == '\0')
		spec.secret = ctl_arg_str(req, "api_key");
	if (spec.secret != NULL && *spec.secret != '\0')
		log_add_secret(spec.secret);
	else
		spec.secret = NULL;
	spec.user = ctl_arg_str(req, "user");
	if (spec.user != NULL && *spec.user == '\0')
		spec.user = NULL;
	spec.path = ctl_arg_str(req, "path");
	spec.subdirs = ctl_arg_bool(req, "subdirs", 1);
	if (imp == NULL) {
		set_cause(cause, "\"kind\" '%s' is not a kind of source (there are: %s)", kind,
		    importer_kinds(0));
		return NULL;
	}
	if ((imp->flags & IMPORTER_SERVER) && (spec.url == NULL || *spec.url == '\0')) {
		set_cause(cause, "no \"url\" (%s)", imp->url_example);
		return NULL;
	}
	if ((db = api_lib_db(l, cause)) == NULL || imp->add(db, imp, &spec, &id, cause) != 0)
		return NULL;
	api_lib_changed(l, (imp->flags & IMPORTER_FOLDER) ? "tmm.changed" : "sources.changed",
	    id);
	return xjson_pack("{s:I}", "id", (json_int_t)id);
}

/* Job body: remove a source with every file imported from it. */
static json_t *
source_remove(struct api_job *j, sqlite3 *db, char **cause)
{
	struct source s;
	char buf[32];
	long files;
	int n = 0;

	if (source_find(db, api_lib_arg_key(j->args, "source", buf, sizeof buf), &s, cause) != 0)
		return NULL;
	if (s.imp == NULL) {
		set_cause(cause, "%s: files added by hand are removed with content.remove", s.name);
		source_clear(&s);
		return NULL;
	}
	if (s.imp->remove(db, &s, &files, cause) != 0) {
		source_clear(&s);
		return NULL;
	}
	log_info("%s source %s removed from the console with %ld files (%s)", s.imp->label,
	    s.name, files, j->peer);
	api_lib_changed(j->arg, (s.imp->flags & IMPORTER_FOLDER) ? "tmm.changed" :
	    "sources.changed", 0);
	source_clear(&s);
	if (files > 0)
		n = api_lib_reschedule_all(db);
	return xjson_pack("{s:i, s:i}", "files_removed", (int)files, "rescheduled", n > 0 ? n : 0);
}

/* sources.remove {source}: a job (every file imported from it goes too). */
static int
source_remove_check(struct api_lib *l, json_t *req, char **cause)
{
	char buf[32];

	if (api_lib_arg_key(req, "source", buf, sizeof buf) != NULL)
		return 0;
	set_cause(cause, "no \"source\" (id or name)");
	return -1;
}

/* Job: test a source (a server's libraries, a folder's state). */
static void
test_job(void *arg)
{
	struct api_job *j = arg;
	struct sync_request rq;
	struct sync_test t;
	sqlite3 *db = NULL;
	char *cause = NULL;
	json_t *list;
	size_t i;

	memset(&rq, 0, sizeof rq);
	memset(&t, 0, sizeof t);
	rq.servers = rq.folders = 1;
	rq.source = ctl_arg_str(j->args, "source");
	rq.retries = 0;
	rq.connect_timeout_ms = 5000;
	rq.timeout_ms = 10000;
	rq.cancel = &j->cancel;
	if (api_job_db(j, &db, &cause) != 0 || sync_test_source(db, &rq, &t, &cause) != 0) {
		api_job_done(j, NULL, cause);
		goto out;
	}
	list = json_array();
	for (i = 0; i < t.nlibs; i++)
		json_array_append_new(list, xjson_pack("{s:s, s:s, s:s, s:I, s:I}", "key",
		    t.libs[i].key, "title", t.libs[i].title, "type", t.libs[i].type, "items",
		    (json_int_t)t.libs[i].items, "episodes", (json_int_t)t.libs[i].episodes));
	api_job_done(j, xjson_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "kind", t.kind, "source",
	    t.source, "server", t.server != NULL ? t.server : "", "version", t.version != NULL ?
	    t.version : "", "report", t.report != NULL ? t.report : "", "libraries", list), NULL);
out:
	sync_test_clear(&t);
	free(cause);
	db_close(&db);
}

/* sources.test {source}. */
static json_t *
cmd_sources_test(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct api_job *j;
	char buf[32];

	j = api_job_new(l->jobs, "source.test", peer);
	j->args = json_deep_copy(req);
	if (ctl_arg_str(req, "source") == NULL && ctl_arg_int(req, "source", 0) > 0) {
		snprintf(buf, sizeof buf, "%lld", (long long)ctl_arg_int(req, "source", 0));
		json_object_set_new(j->args, "source", json_string(buf));
	}
	return api_job_submit(j, API_POOL_WORK, test_job, cause);
}

/* tmm.list. */
static json_t *
tmm_json(sqlite3 *db, json_t *req, char **cause)
{
	struct tmm_dir *d = NULL;
	json_t *list;
	size_t n = 0, i;

	if (tmm_list(db, &d, &n, cause) != 0)
		return NULL;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, xjson_pack("{s:I, s:s, s:s, s:b, s:b, s:s}", "id",
		    (json_int_t)d[i].id, "path", d[i].path, "name", d[i].name != NULL ? d[i].name :
		    "", "subdirs", d[i].subdirs, "enabled", d[i].enabled, "last_scan",
		    d[i].last_scan != NULL ? d[i].last_scan : ""));
	tmm_dirs_free(&d, n);
	return list;
}

/* tmm.add {path, name, subdirs}. */
static json_t *
cmd_tmm_add(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	const char *path = ctl_arg_str(req, "path");
	sqlite3 *db;
	int64_t id;

	if (path == NULL || *path == '\0') {
		set_cause(cause, "no \"path\"");
		return NULL;
	}
	if ((db = api_lib_db(l, cause)) == NULL || tmm_add(db, path, ctl_arg_str(req, "name"),
	    ctl_arg_bool(req, "subdirs", 1), &id, cause) != 0)
		return NULL;
	api_lib_changed(l, "tmm.changed", id);
	return xjson_pack("{s:I}", "id", (json_int_t)id);
}

/* Job body: remove a TMM directory with every file imported from it. */
static json_t *
tmm_dir_remove(struct api_job *j, sqlite3 *db, char **cause)
{
	struct tmm_dir d;
	char buf[32];
	long files;
	int n = 0;

	if (tmm_get(db, api_lib_arg_key(j->args, "dir", buf, sizeof buf), &d, cause) != 0)
		return NULL;
	if (tmm_remove(db, d.id, &files, cause) != 0) {
		tmm_dir_clear(&d);
		return NULL;
	}
	log_info("TMM directory %s removed from the console with %ld files (%s)", d.path, files,
	    j->peer);
	tmm_dir_clear(&d);
	if (files > 0)
		n = api_lib_reschedule_all(db);
	api_lib_changed(j->arg, "tmm.changed", 0);
	return xjson_pack("{s:i, s:i}", "files_removed", (int)files, "rescheduled", n > 0 ? n : 0);
}

/* tmm.remove {dir}: a job (every file imported from it goes too). */
static int
tmm_remove_check(struct api_lib *l, json_t *req, char **cause)
{
	char buf[32];

	if (api_lib_arg_key(req, "dir", buf, sizeof buf) != NULL)
		return 0;
	set_cause(cause, "no \"dir\" (id, name or path)");
	return -1;
}

const struct api_cmd api_import_cmds[] = {
	{ .name = "sync.start", .fn = cmd_sync_start },
	{ .name = "sync.history", .key = "history", .list = sync_history },
	{ .name = "sources.list", .key = "sources", .list = sources_json },
	{ .name = "sources.add", .fn = cmd_sources_add },
	{ .name = "sources.remove", .check = source_remove_check, .body = source_remove,
	  .pool = API_POOL_EDIT },
	{ .name = "sources.test", .fn = cmd_sources_test },
	{ .name = "tmm.list", .key = "dirs", .list = tmm_json },
	{ .name = "tmm.add", .fn = cmd_tmm_add },
	{ .name = "tmm.remove", .check = tmm_remove_check, .body = tmm_dir_remove,
	  .pool = API_POOL_EDIT },
	{ .name = NULL },
};
