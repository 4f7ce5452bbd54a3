/*
 * asrun.c: write the as-run log.
 */
#include "src/asrun.h"

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
