/*
 * chapters.c: chapter markers.
 */
#include "src/chapters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/db.h"
#include "src/library.h"
#include "src/media.h"
#include "src/util.h"

/* "h:mm:ss.mmm". */
char *
chapters_time(char *buf, size_t len, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	snprintf(buf, len, "%lld:%02lld:%02lld.%03lld", (long long)(ms / 3600000),
	    (long long)(ms / 60000 % 60), (long long)(ms / 1000 % 60), (long long)(ms % 1000));
	return buf;
}

/* Path and duration. */
int
chapters_file(sqlite3 *db, int64_t mf_id, char **path, int64_t *duration_ms, char **cause)
{
	sqlite3_stmt *st;
	int found = 0;

	*path = NULL;
	*duration_ms = 0;
	if ((st = db_prepare(db, "SELECT file_path, duration_ms FROM media_files WHERE id = ?",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*path = xstrdup(db_text(st, 0));
		*duration_ms = sqlite3_column_int64(st, 1);
		found = 1;
	}
	sqlite3_finalize(st);
	if (!found) {
		set_cause(cause, "no media file %lld", (long long)mf_id);
		return -1;
	}
	return 0;
}

/* List. */
int
chapters_list(sqlite3 *db, int64_t mf_id, struct chapter **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct chapter *list = NULL;
	size_t count = 0;
	const unsigned char *t;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT id, timestamp_ms, chapter_title, source FROM chapter_markers "
	    "WHERE media_file_id = ? ORDER BY timestamp_ms", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		list = xreallocarray(list, count + 1, sizeof *list);
		list[count].id = sqlite3_column_int64(st, 0);
		list[count].ms = sqlite3_column_int64(st, 1);
		list[count].end_ms = 0;
		t = sqlite3_column_text(st, 2);
		list[count].title = t != NULL ? xstrdup((const char *)t) : NULL;
		list[count].source = xstrdup(db_text(st, 3));
		count++;
	}
	sqlite3_finalize(st);
	*out = list;
	*n = count;
	return 0;
}

/* Intro and credits spans. */
int
chapters_spans(sqlite3 *db, int64_t mf_id, struct chapter **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct chapter *list = NULL;
	size_t count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT id, start_ms, end_ms, kind, source FROM media_markers "
	    "WHERE media_file_id = ? ORDER BY start_ms", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		list = xreallocarray(list, count + 1, sizeof *list);
		list[count].id = sqlite3_column_int64(st, 0);
		list[count].ms = sqlite3_column_int64(st, 1);
		list[count].end_ms = sqlite3_column_int64(st, 2);
		list[count].title = xstrdup(db_text(st, 3));
		list[count].source = xstrdup(db_text(st, 4));
		count++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading the intro and credits of %lld: %s", (long long)mf_id,
		    sqlite3_errmsg(db));
		chapters_free(&list, count);
		return -1;
	}
	*out = list;
	*n = count;
	return 0;
}

/* Free. */
void
chapters_free(struct chapter **list, size_t n)
{
	size_t i;

	if (list == NULL || *list == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*list)[i].title);
		free((*list)[i].source);
	}
	free(*list);
	*list = NULL;
}

/* Add. */
int
chapters_add(sqlite3 *db, int64_t mf_id, int64_t ms, const char *title, const char *source,
    int64_t *id, char **cause)
{
	sqlite3_stmt *st;
	char *path, a[32], b[32];
	int64_t dur;
	int rc;

	if (chapters_file(db, mf_id, &path, &dur, cause) != 0)
		return -1;
	free(path);
	if (ms < 0 || (dur > 0 && ms >= dur)) {
		set_cause(cause, "%s is outside the file (it lasts %s)", chapters_time(a, sizeof a,
		    ms), chapters_time(b, sizeof b, dur));
		return -1;
	}
	st = db_prepare(db, "INSERT INTO chapter_markers (media_file_id, chapter_title, "
	    "timestamp_ms, source) VALUES (?, ?, ?, ?)", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	if (title != NULL && *title != '\0')
		sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, ms);
	sqlite3_bind_text(st, 4, source != NULL ? source : "manual", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if ((rc & 0xff) == SQLITE_CONSTRAINT)
			set_cause(cause, "there is already a marker at %s", chapters_time(a, sizeof a,
			    ms));
		else
			set_cause(cause, "adding the marker: %s", sqlite3_errmsg(db));
		return -1;
	}
	*id = sqlite3_last_insert_rowid(db);
	library_bump_revision(db);
	return 0;
}

/* Remove the marker nearest ms, within 500 ms. */
int
chapters_remove(sqlite3 *db, int64_t mf_id, int64_t ms, char **cause)
{
	sqlite3_stmt *st;
	char a[32];
	int rc;

	st = db_prepare(db, "DELETE FROM chapter_markers WHERE id = (SELECT id FROM chapter_markers "
	    "WHERE media_file_id = ?1 AND abs(timestamp_ms - ?2) <= 500 ORDER BY "
	    "abs(timestamp_ms - ?2) LIMIT 1)", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	sqlite3_bind_int64(st, 2, ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "removing the marker: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_changes(db) == 0) {
		set_cause(cause, "no marker at %s on file %lld", chapters_time(a, sizeof a, ms),
		    (long long)mf_id);
		return -1;
	}
	library_bump_revision(db);
	return 0;
}

/* Same time, same title? */
static int
same_marker(const struct chapter *a, const struct chapter *b)
{
	const char *ta = a->title != NULL ? a->title : "", *tb = b->title != NULL ? b->title : "";

	return a->ms == b->ms && strcmp(ta, tb) == 0;
}

/* Replace the whole list. */
int
chapters_replace(sqlite3 *db, int64_t mf_id, const struct chapter *list, size_t n,
    int *changed, char **cause)
{
	struct chapter *old = NULL;
	sqlite3_stmt *del = NULL;
	size_t nold = 0, i, k;
	int64_t id;
	int rc = -1;

	*changed = 0;
	if (db_begin(db, cause) != 0)
		return -1;
	if (chapters_list(db, mf_id, &old, &nold, cause) != 0)
		goto out;
	if ((del = db_prepare(db, "DELETE FROM chapter_markers WHERE id = ?", cause)) == NULL)
		goto out;
	for (i = 0; i < nold; i++) {
		for (k = 0; k < n && !same_marker(&old[i], &list[k]); k++)
			;
		if (k < n)
			continue;
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, old[i].id);
		if (sqlite3_step(del) != SQLITE_DONE) {
			set_cause(cause, "removing the marker: %s", sqlite3_errmsg(db));
			goto out;
		}
		(*changed)++;
	}
	for (k = 0; k < n; k++) {
		for (i = 0; i < nold && !same_marker(&old[i], &list[k]); i++)
			;
		if (i < nold)
			continue;
		if (chapters_add(db, mf_id, list[k].ms, list[k].title, list[k].source != NULL ?
		    list[k].source : "manual", &id, cause) != 0)
			goto out;
		(*changed)++;
	}
	if (library_bump_revision(db) != 0 || db_commit(db, cause) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		db_rollback(db);
	sqlite3_finalize(del);
	chapters_free(&old, nold);
	return rc;
}

/* Detect. */
int
chapters_detect(const char *path, const struct chapters_detect_opts *o,
    struct chapter_point **out, size_t *n, char **cause)
{
	struct media_analyse_opts ao;
	struct media_analysis an;
	struct chapter_point *pts = NULL, p;
	const struct media_span *b, *s;
	int64_t min_black, margin, gap, start, end, total;
	size_t i, k, count = 0;

	*out = NULL;
	*n = 0;
	memset(&ao, 0, sizeof ao);
	ao.what = MEDIA_BLACK | MEDIA_SILENCE;
	ao.silence_db = o->silence_db;
	ao.silence_min_s = o->min_silence_s > 0 ? o->min_silence_s : 0.2;
	ao.black_pix_th = o->black_pix_th;
	ao.cancel = o->cancel;
	ao.progress = o->progress;
	ao.arg = o->arg;
	if (media_analyse(path, &ao, &an, cause) != 0)
		return -1;
	min_black = (int64_t)((o->min_black_s > 0 ? o->min_black_s : 0.2) * 1000);
	margin = (int64_t)((o->margin_s >= 0 ? o->margin_s : 30) * 1000);
	gap = (int64_t)((o->min_gap_s > 0 ? o->min_gap_s : 60) * 1000);
	total = an.end_ms;
	for (i = 0; i < an.nblack; i++) {
		b = &an.black[i];
		if (b->end_ms - b->start_ms < min_black)
			continue;
		for (k = 0; k < an.nsilence; k++) {
			s = &an.silence[k];
			start = b->start_ms > s->start_ms ? b->start_ms : s->start_ms;
			end = b->end_ms < s->end_ms ? b->end_ms : s->end_ms;
			if (end <= start)
				continue;
			p.ms = start + (end - start) / 2;
			p.black_start_ms = b->start_ms;
			p.black_end_ms = b->end_ms;
			p.silence_start_ms = s->start_ms;
			p.silence_end_ms = s->end_ms;
			if (p.ms < margin || (total > 0 && p.ms > total - margin))
				break;
			if (count > 0 && p.ms - pts[count - 1].ms < gap)
				break;
			pts = xreallocarray(pts, count + 1, sizeof *pts);
			pts[count++] = p;
			break;
		}
	}
	media_analysis_clear(&an);
	*out = pts;
	*n = count;
	return 0;
}

/* Replace detected markers. */
int
chapters_save_detected(sqlite3 *db, int64_t mf_id, const struct chapter_point *p, size_t n,
    int *added, char **cause)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	size_t i;
	int rc = -1;

	*added = 0;
	if (db_begin(db, cause) != 0)
		return -1;
	del = db_prepare(db, "DELETE FROM chapter_markers WHERE media_file_id = ? AND source = "
	    "'detected'", cause);
	ins = db_prepare(db, "INSERT OR IGNORE INTO chapter_markers (media_file_id, chapter_title, "
	    "timestamp_ms, source) VALUES (?, ?, ?, 'detected')", cause);
	if (del == NULL || ins == NULL)
		goto out;
	sqlite3_bind_int64(del, 1, mf_id);
	if (sqlite3_step(del) != SQLITE_DONE)
		goto dberr;
	for (i = 0; i < n; i++) {
		char title[32];

		snprintf(title, sizeof title, "Break %zu", i + 1);
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, mf_id);
		sqlite3_bind_text(ins, 2, title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 3, p[i].ms);
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto dberr;
		*added += sqlite3_changes(db);
	}
	if (library_bump_revision(db) != 0 || db_commit(db, cause) != 0)
		goto out;
	rc = 0;
	goto out;
dberr:
	set_cause(cause, "saving markers: %s", sqlite3_errmsg(db));
out:
	if (rc != 0)
		db_rollback(db);
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return rc;
}
