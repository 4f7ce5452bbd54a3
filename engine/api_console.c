/*
 * api_console.c: the control commands the console's panes read, beside
 * the ones in api.c:
 *
 *   schedule.get {number, from_ms, to_ms}   the channel's log with as-run
 *   content.list {query, type, source, rating, daypart, sort, desc, limit, offset}
 *   channel.thumb {number, width, height}   the picture on the air (RGB24, base64)
 *
 * They run on the control worker (engine/control.h) with a database
 * connection of their own; each is a single indexed query.
 */
#include "engine/api.h"

#include <stdlib.h>
#include <string.h>

#include <libavutil/base64.h>

#include "engine/control.h"
#include "engine/thumbs.h"
#include "src/content.h"
#include "src/db.h"
#include "src/util.h"
#include "src/xjson.h"

#define SCHEDULE_MAX_ITEMS 5000
#define CONTENT_MAX_ROWS 10000

/* A string argument, NULL when missing or empty. */
static const char *
arg_text(json_t *req, const char *key)
{
	const char *s = json_string_value(json_object_get(req, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

/* The worker's connection. */
static sqlite3 *
db_of(struct api *api, char **cause)
{
	if (api->console_db == NULL && db_open(api->db_path, 0, &api->console_db, cause) != 0)
		return NULL;
	return api->console_db;
}

/* schedule.get: items overlapping [from_ms, to_ms) with the latest as-run status. */
static json_t *
cmd_schedule_get(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api *api = arg;
	const char *number = arg_text(req, "number");
	json_int_t from = ctl_arg_int(req, "from_ms", now_ms() - 3600000);
	json_int_t to = ctl_arg_int(req, "to_ms", from + 6 * 3600000);
	sqlite3_stmt *st;
	sqlite3 *db;
	json_t *items, *it;

	(void)peer;
	if (number == NULL) {
		set_cause(cause, "schedule.get: no channel number");
		return NULL;
	}
	if (to <= from) {
		set_cause(cause, "schedule.get: to_ms must come after from_ms");
		return NULL;
	}
	if ((db = db_of(api, cause)) == NULL)
		return NULL;
	st = db_prepare(db, "SELECT c.id FROM channels c WHERE c.number = ?1", cause);
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		set_cause(cause, "no channel %s", number);
		return NULL;
	}
	sqlite3_finalize(st);
	st = db_prepare(db, "SELECT si.id, si.start_ms, si.end_ms, si.kind, "
	    "coalesce(si.title, ''), si.media_file_id, (SELECT pl.status FROM playout_logs pl "
	    "WHERE pl.schedule_item_id = si.id ORDER BY pl.id DESC LIMIT 1) FROM schedule_items si "
	    "JOIN channels c ON c.id = si.channel_id WHERE c.number = ?1 AND si.end_ms > ?2 AND "
	    "si.start_ms < ?3 ORDER BY si.start_ms LIMIT ?4", cause);
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int(st, 4, SCHEDULE_MAX_ITEMS);
	items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		it = xjson_pack("{s:I, s:I, s:I, s:s, s:s}", "id",
		    (json_int_t)sqlite3_column_int64(st, 0), "start_ms",
		    (json_int_t)sqlite3_column_int64(st, 1), "end_ms",
		    (json_int_t)sqlite3_column_int64(st, 2), "kind", db_text(st, 3), "title",
		    db_text(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			json_object_set_new(it, "media_file_id",
			    json_integer(sqlite3_column_int64(st, 5)));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			json_object_set_new(it, "asrun", json_string(db_text(st, 6)));
		json_array_append_new(items, it);
	}
	sqlite3_finalize(st);
	return xjson_pack("{s:s, s:I, s:I, s:o}", "number", number, "from_ms", from, "to_ms", to,
	    "items", items);
}

/* content.list: the library, searched, filtered and sorted. */
static json_t *
cmd_content_list(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api *api = arg;
	struct content_query q;
	struct content_row *rows = NULL;
	size_t n = 0, i;
	sqlite3 *db;
	json_t *items;
	long total;

	(void)peer;
	if ((db = db_of(api, cause)) == NULL)
		return NULL;
	memset(&q, 0, sizeof q);
	q.search = arg_text(req, "query");
	q.type = arg_text(req, "type");
	q.source = arg_text(req, "source");
	q.rating = arg_text(req, "rating");
	q.daypart = arg_text(req, "daypart");
	q.sort = arg_text(req, "sort");
	q.desc = json_is_true(json_object_get(req, "desc"));
	q.limit = (long)ctl_arg_int(req, "limit", 500);
	if (q.limit < 1 || q.limit > CONTENT_MAX_ROWS)
		q.limit = CONTENT_MAX_ROWS;
	q.offset = (long)ctl_arg_int(req, "offset", 0);
	if (content_list(db, &q, &rows, &n, cause) != 0)
		return NULL;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, xjson_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:i}",
		    "id", (json_int_t)rows[i].id, "title", rows[i].title, "type", rows[i].type,
		    "source", rows[i].source, "rating", rows[i].rating, "validation",
		    rows[i].validation, "duration_ms", (json_int_t)rows[i].duration_ms,
		    "chapters", (int)rows[i].chapters));
	total = n > 0 ? rows[0].total : 0;
	content_rows_free(&rows, n);
	return xjson_pack("{s:o, s:I, s:I}", "items", items, "total", (json_int_t)total, "offset",
	    (json_int_t)q.offset);
}

/* channel.thumb: the newest small picture (asking for one keeps them coming). */
static json_t *
cmd_channel_thumb(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api *api = arg;
	const char *number = arg_text(req, "number");
	uint8_t *rgb = NULL;
	int w = 0, h = 0, size;
	int64_t air = 0;
	char *b64;
	json_t *r;

	(void)peer;
	if (api->thumbs == NULL) {
		set_cause(cause, "this engine keeps no thumbnails");
		return NULL;
	}
	if (number == NULL) {
		set_cause(cause, "channel.thumb: no channel number");
		return NULL;
	}
	if (thumbs_get(api->thumbs, number, (int)ctl_arg_int(req, "width", 80),
	    (int)ctl_arg_int(req, "height", 45), &rgb, &w, &h, &air) != 0) {
		set_cause(cause, "channel %s: no picture yet (is it on the air?)", number);
		return NULL;
	}
	size = AV_BASE64_SIZE(w * h * 3);
	b64 = xmalloc((size_t)size);
	av_base64_encode(b64, size, rgb, w * h * 3);
	free(rgb);
	r = xjson_pack("{s:s, s:i, s:i, s:I, s:s}", "number", number, "width", w, "height", h,
	    "air_ms", (json_int_t)air, "rgb", b64);
	free(b64);
	return r;
}

void
api_console_register(struct control *c, struct api *api)
{
	control_add(c, "schedule.get", cmd_schedule_get, api);
	control_add(c, "content.list", cmd_content_list, api);
	control_add(c, "channel.thumb", cmd_channel_thumb, api);
}
