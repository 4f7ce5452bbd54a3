/*
 * api_content.c: the control socket's content.* commands (engine/api_cmd.h):
 * a media file's scheduling metadata, read and changed (the keys of
 * 'retrovue content set'); a change rebuilds the fine logs that play it.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/api_cmd.h"
#include "engine/control.h"
#include "src/content.h"
#include "src/db.h"
#include "src/library.h"
#include "src/log.h"
#include "src/util.h"
#include "src/xjson.h"

/* content.get {file}. */
static json_t *
cmd_content_get(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	static const char *const keys[] = { "type", "daypart", "seasonal", "rating", "company",
	    "category", "duration", "expires", "demographic", "warnings", "notes", "audio" };
	struct content_field *f = NULL;
	sqlite3_stmt *st;
	sqlite3 *db;
	json_t *r, *edit, *info;
	size_t n = 0, i;
	int64_t id;
	int k;

	if (api_lib_arg_id(req, "file", &id, cause) != 0 || (db = api_lib_db(l, cause)) == NULL)
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
	    "c.content_warnings, c.scheduling_notes, mf.audio_track FROM media_files mf LEFT JOIN "
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
cmd_content_set(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	json_t *set = json_object_get(req, "set"), *v;
	const char *key;
	char **pairs = NULL;
	size_t n = 0, i;
	sqlite3 *db;
	int64_t id;
	int rc;

	if (api_lib_arg_id(req, "file", &id, cause) != 0 || (db = api_lib_db(l, cause)) == NULL)
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
	api_lib_changed(l, "content.changed", id);
	return api_lib_rebuild(l, peer, id, 0, NULL, xjson_pack("{s:I}", "id", (json_int_t)id));
fail:
	for (i = 0; i < n; i++)
		free(pairs[i]);
	free(pairs);
	return NULL;
}

const struct api_cmd api_content_cmds[] = {
	{ .name = "content.get", .fn = cmd_content_get },
	{ .name = "content.set", .fn = cmd_content_set },
	{ .name = NULL },
};
