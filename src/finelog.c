/*
 * finelog.c: read the fine log.
 */
#include "src/finelog.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/db.h"
#include "src/util.h"

static const char *kind_names[] = {
	[ITEM_PROGRAMME] = "programme",
	[ITEM_COMMERCIAL] = "commercial",
	[ITEM_BUMPER] = "bumper",
	[ITEM_STATION_ID] = "station_id",
	[ITEM_PROMO] = "promo",
	[ITEM_INTERSTITIAL] = "interstitial",
	[ITEM_FILLER] = "filler",
	[ITEM_SLATE] = "slate",
	[ITEM_SIGNOFF] = "signoff",
	[ITEM_SIGNON] = "signon",
	[ITEM_OFFAIR] = "offair",
	[ITEM_RATING_CARD] = "rating_card",
	[ITEM_NEXT_BUMPER] = "next_bumper",
	[ITEM_GUIDE] = "guide",
};

#define ITEM_SELECT "SELECT s.id, s.channel_id, s.start_ms, s.end_ms, s.kind, " \
	"s.media_file_id, m.file_path, s.in_ms, s.out_ms, s.programme_start_ms, s.act, " \
	"s.title, m.loudness_lufs, s.schedule_id, m.audio_track FROM schedule_items s " \
	"LEFT JOIN media_files m ON m.id = s.media_file_id "

/* Kind name. */
const char *
item_kind_name(enum item_kind kind)
{
	if ((unsigned)kind >= nitems(kind_names))
		return "?";
	return kind_names[kind];
}

/* Kind from name. */
int
item_kind_parse(const char *s, enum item_kind *out)
{
	size_t i;

	for (i = 0; i < nitems(kind_names); i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum item_kind)i;
			return 0;
		}
	}
	return -1;
}

/* Copy of a text column or NULL. */
static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Fill an item from an ITEM_SELECT row. */
static void
from_row(sqlite3_stmt *st, struct fine_item *it)
{
	memset(it, 0, sizeof *it);
	it->id = sqlite3_column_int64(st, 0);
	it->channel_id = sqlite3_column_int64(st, 1);
	it->start_ms = sqlite3_column_int64(st, 2);
	it->end_ms = sqlite3_column_int64(st, 3);
	if (item_kind_parse(db_text(st, 4), &it->kind) != 0)
		it->kind = ITEM_FILLER;
	it->media_file_id = sqlite3_column_int64(st, 5);
	it->file_path = it->media_file_id != 0 ? col_str(st, 6) : NULL;
	it->in_ms = sqlite3_column_int64(st, 7);
	it->out_ms = sqlite3_column_int64(st, 8);
	it->programme_start_ms = sqlite3_column_int64(st, 9);
	it->act = sqlite3_column_int(st, 10);
	it->title = col_str(st, 11);
	it->schedule_id = sqlite3_column_int64(st, 13);
	it->loudness_lufs = sqlite3_column_type(st, 12) == SQLITE_NULL ? NAN :
	    sqlite3_column_double(st, 12);
	it->audio_track = it->media_file_id != 0 ? col_str(st, 14) : NULL;
}

/* Items overlapping [from, to). */
int
finelog_items(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    struct fine_item **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, ITEM_SELECT "WHERE s.channel_id = ?1 AND s.end_ms > ?2 AND "
	    "s.start_ms < ?3 ORDER BY s.start_ms", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		from_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading the fine log: %s", sqlite3_errmsg(db));
		fine_items_free(out, *n);
		*n = 0;
		return -1;
	}
	return 0;
}

/* One item from a query bound with (channel, t). */
static int
one_item(sqlite3 *db, const char *sql, int64_t channel_id, int64_t t_ms,
    struct fine_item *out, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	sqlite3_bind_int64(st, 2, t_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		from_row(st, out);
	else if (rc != SQLITE_DONE)
		set_cause(cause, "reading the fine log: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* The item covering t. */
int
finelog_item_at(sqlite3 *db, int64_t channel_id, int64_t t_ms, struct fine_item *out,
    char **cause)
{
	return one_item(db, ITEM_SELECT "WHERE s.channel_id = ?1 AND s.start_ms <= ?2 AND "
	    "s.end_ms > ?2 ORDER BY s.start_ms DESC LIMIT 1", channel_id, t_ms, out, cause);
}

/* The first item starting at or after t. */
int
finelog_next(sqlite3 *db, int64_t channel_id, int64_t t_ms, struct fine_item *out,
    char **cause)
{
	return one_item(db, ITEM_SELECT "WHERE s.channel_id = ?1 AND s.start_ms >= ?2 "
	    "ORDER BY s.start_ms LIMIT 1", channel_id, t_ms, out, cause);
}

/* End of the last item. */
int64_t
finelog_horizon(sqlite3 *db, int64_t channel_id)
{
	sqlite3_stmt *st;
	int64_t end = 0;

	st = db_prepare(db, "SELECT max(end_ms) FROM schedule_items WHERE channel_id = ?1",
	    NULL);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, channel_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		end = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return end;
}

/* A guide item? */
int
fine_item_is_guide(const struct fine_item *item)
{
	return item->kind == GUIDE_ITEM_KIND && item->media_file_id == 0 &&
	    item->title != NULL && strcmp(item->title, GUIDE_ITEM_TITLE) == 0;
}

/* Deep copy. */
void
fine_item_copy(struct fine_item *dst, const struct fine_item *src)
{
	*dst = *src;
	dst->file_path = src->file_path != NULL ? xstrdup(src->file_path) : NULL;
	dst->title = src->title != NULL ? xstrdup(src->title) : NULL;
	dst->audio_track = src->audio_track != NULL ? xstrdup(src->audio_track) : NULL;
}

/* Free strings. */
void
fine_item_clear(struct fine_item *item)
{
	if (item == NULL)
		return;
	free(item->file_path);
	free(item->title);
	free(item->audio_track);
	memset(item, 0, sizeof *item);
}

/* Free an array. */
void
fine_items_free(struct fine_item **items, size_t n)
{
	size_t i;

	if (items == NULL || *items == NULL)
		return;
	for (i = 0; i < n; i++)
		fine_item_clear(&(*items)[i]);
	freep(items);
}
