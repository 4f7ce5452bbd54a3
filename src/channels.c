/*
 * channels.c: read channel definitions.
 */
#include "src/channels.h"

#include <stdlib.h>
#include <string.h>

#include "src/db.h"
#include "src/util.h"

#define CHANNEL_COLUMNS "id, number, name, call_sign, description, target_demographic, " \
	"content_rating_limit, timezone, logo_path, bug_path, audio_language, slot_minutes, " \
	"width, height, fps_num, fps_den, video_bitrate_kbps, audio_bitrate_kbps, always_on, " \
	"enabled, channel_type = 'guide', guide_source_id, guide_music_dir, guide_hours " \
	"FROM channels"

/* A text column, copied, or NULL. */
static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Fill c from the current row of a CHANNEL_COLUMNS query. */
static void
from_row(sqlite3_stmt *st, struct channel_conf *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->number = col_str(st, 1);
	c->name = col_str(st, 2);
	c->call_sign = col_str(st, 3);
	c->description = col_str(st, 4);
	c->demographic = col_str(st, 5);
	c->rating_limit = col_str(st, 6);
	c->timezone = col_str(st, 7);
	c->logo_path = col_str(st, 8);
	c->bug_path = col_str(st, 9);
	c->audio_language = col_str(st, 10);
	c->slot_minutes = sqlite3_column_int(st, 11);
	c->width = sqlite3_column_int(st, 12);
	c->height = sqlite3_column_int(st, 13);
	c->fps_num = sqlite3_column_int(st, 14);
	c->fps_den = sqlite3_column_int(st, 15);
	c->video_kbps = sqlite3_column_int(st, 16);
	c->audio_kbps = sqlite3_column_int(st, 17);
	c->always_on = sqlite3_column_int(st, 18);
	c->enabled = sqlite3_column_int(st, 19);
	c->guide = sqlite3_column_int(st, 20);
	c->guide_source_id = sqlite3_column_int64(st, 21);
	c->guide_music_dir = col_str(st, 22);
	c->guide_hours = sqlite3_column_int(st, 23);
	if (c->timezone == NULL)
		c->timezone = xstrdup("UTC");
}

/* All channels, numerically ordered. */
int
channels_load(sqlite3 *db, struct channel_conf **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT " CHANNEL_COLUMNS " ORDER BY CAST(number AS REAL), number",
	    cause);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		from_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading channels: %s", sqlite3_errmsg(db));
		channels_free(out, *n);
		*n = 0;
		return -1;
	}
	return 0;
}

/* Run a one-row channel query bound to one value. */
static int
find_one(sqlite3 *db, const char *where, const char *text, int64_t id,
    struct channel_conf *out, char **cause)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	xasprintf(&sql, "SELECT " CHANNEL_COLUMNS " WHERE %s", where);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		from_row(st, out);
	else if (rc != SQLITE_DONE)
		set_cause(cause, "reading channel: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* By guide number. */
int
channels_find(sqlite3 *db, const char *number, struct channel_conf *out, char **cause)
{
	return find_one(db, "number = ?1", number, 0, out, cause);
}

/* By id. */
int
channels_get(sqlite3 *db, int64_t id, struct channel_conf *out, char **cause)
{
	return find_one(db, "id = ?1", NULL, id, out, cause);
}

/* Deep copy. */
void
channel_conf_copy(struct channel_conf *dst, const struct channel_conf *src)
{
	*dst = *src;
#define DUP(f) dst->f = src->f != NULL ? xstrdup(src->f) : NULL
	DUP(number);
	DUP(name);
	DUP(call_sign);
	DUP(description);
	DUP(demographic);
	DUP(rating_limit);
	DUP(timezone);
	DUP(logo_path);
	DUP(bug_path);
	DUP(audio_language);
	DUP(guide_music_dir);
#undef DUP
}

/* Free one conf's strings. */
void
channel_conf_clear(struct channel_conf *c)
{
	if (c == NULL)
		return;
	free(c->number);
	free(c->name);
	free(c->call_sign);
	free(c->description);
	free(c->demographic);
	free(c->rating_limit);
	free(c->timezone);
	free(c->logo_path);
	free(c->bug_path);
	free(c->audio_language);
	free(c->guide_music_dir);
	memset(c, 0, sizeof *c);
}

/* Free a list. */
void
channels_free(struct channel_conf **list, size_t n)
{
	size_t i;

	if (list == NULL || *list == NULL)
		return;
	for (i = 0; i < n; i++)
		channel_conf_clear(&(*list)[i]);
	freep(list);
}
