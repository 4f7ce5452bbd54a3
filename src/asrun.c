/*
 * asrun.c: write the as-run log.
 */
#include "src/asrun.h"

#include <stdlib.h>
#include <string.h>

#include "src/db.h"
#include "src/util.h"

/* Insert a "playing" row. */
int64_t
asrun_begin(sqlite3 *db, int64_t channel_id, const struct fine_item *item,
    const char *title, int64_t actual_start_ms, char **cause)
{
	sqlite3_stmt *st;
	int64_t id = -1;

	st = db_prepare(db, "INSERT INTO playout_logs (channel_id, schedule_item_id, content_id, "
	    "title, scheduled_start_ms, start_time, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "'playing')", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	if (item != NULL) {
		sqlite3_bind_int64(st, 2, item->id);
		if (item->media_file_id != 0)
			sqlite3_bind_int64(st, 3, item->media_file_id);
		sqlite3_bind_int64(st, 5, item->start_ms);
		if (title == NULL)
			title = item->title;
	}
	if (title != NULL)
		sqlite3_bind_text(st, 4, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, actual_start_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db);
	else
		set_cause(cause, "as-run log: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return id;
}

/* Close a row. */
int
asrun_end(sqlite3 *db, int64_t row, int64_t actual_end_ms, const char *status,
    const char *errors, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "UPDATE playout_logs SET end_time = ?2, actual_duration = "
	    "max(0, ?2 - start_time), status = ?3, errors = ?4 WHERE id = ?1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, row);
	sqlite3_bind_int64(st, 2, actual_end_ms);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	if (errors != NULL)
		sqlite3_bind_text(st, 4, errors, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_cause(cause, "as-run log: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Rows still "playing" from a process that is gone become "interrupted". */
int
asrun_close_stale(sqlite3 *db, int64_t channel_id, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "UPDATE playout_logs SET status = 'interrupted', "
	    "errors = coalesce(errors, "
	    "'the playout process stopped without closing this item') "
	    "WHERE channel_id = ?1 AND status = 'playing'", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Text column copied, or NULL. */
static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Read rows. */
int
asrun_list(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    struct asrun_row **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct asrun_row *r;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT id, channel_id, schedule_item_id, content_id, title, "
	    "scheduled_start_ms, start_time, end_time, actual_duration, status, errors "
	    "FROM playout_logs WHERE channel_id = ?1 AND start_time >= ?2 AND start_time < ?3 "
	    "ORDER BY start_time, id", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		r = &(*out)[(*n)++];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		r->channel_id = sqlite3_column_int64(st, 1);
		r->schedule_item_id = sqlite3_column_int64(st, 2);
		r->content_id = sqlite3_column_int64(st, 3);
		r->title = col_str(st, 4);
		r->scheduled_start_ms = sqlite3_column_int64(st, 5);
		r->start_ms = sqlite3_column_int64(st, 6);
		r->end_ms = sqlite3_column_int64(st, 7);
		r->duration_ms = sqlite3_column_int64(st, 8);
		r->status = col_str(st, 9);
		r->errors = col_str(st, 10);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading the as-run log: %s", sqlite3_errmsg(db));
		asrun_rows_free(out, *n);
		*n = 0;
		return -1;
	}
	return 0;
}

/* Free rows. */
void
asrun_rows_free(struct asrun_row **rows, size_t n)
{
	size_t i;

	if (rows == NULL || *rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*rows)[i].title);
		free((*rows)[i].status);
		free((*rows)[i].errors);
	}
	freep(rows);
}
