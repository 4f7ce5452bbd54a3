/*
 * removed.c: the archive of removed items and bringing them back.
 *
 * Snapshots are made by SQLite's JSON functions from the tables' own
 * column lists (PRAGMA table_info), so a column added by a later
 * migration is kept without touching this file, and file paths that are
 * not UTF-8 survive byte for byte. Restoring reads the snapshot back with
 * json_extract, column by column, for the columns the table still has.
 * The coarse schedule's slots that played a file (a movie slot) or its
 * show (a series slot, which SQLite deletes with the show) are kept in the
 * snapshot too, and come back when the file does.
 */
#include "src/removed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/db.h"
#include "src/library.h"
#include "src/log.h"
#include "src/strbuf.h"
#include "src/sysconf.h"
#include "src/util.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
/* removed_at of rows still within the grace period (?days bound by the caller). */
#define CUTOFF(p) "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || " p " || ' days')"
#define MATCH_GUIDS 8

enum {
	R_MATCH,
	R_GUIDS,
	R_DEDUPE,
	R_CHAPTERS,
	R_DELETE,
	R_FILE_SLOTS,
	R_SHOW_SLOTS,
	R_COUNT,
};

struct removed {
	sqlite3 *db;
	int days;                       /* grace period */
	sqlite3_stmt *archive[REMOVED_NSCOPES];
	sqlite3_stmt *st[R_COUNT];
	sqlite3_stmt *csm[2];           /* removed_apply: stored values win, merge */
};

static const char *const scope_where[REMOVED_NSCOPES] = {
	[REMOVED_FILE] = "mf.id = ?1",
	[REMOVED_SOURCE] = "mf.source_id = ?1",
	[REMOVED_TMM_DIR] = "mf.tmm_directory_id = ?1",
};

static const char *const sql[R_COUNT] = {
	/* Same source and key, same path, or an external id in common (episodes: same number). */
	[R_MATCH] = "SELECT r.id FROM removed_items r WHERE r.media_type = ?1 AND "
	    "r.removed_at >= " CUTOFF("?9") " AND ((r.source_type = ?2 AND r.source_key = ?5 AND "
	    "r.source_id IS ?3 AND r.tmm_directory_id IS ?4) OR r.file_path = ?6 OR (EXISTS "
	    "(SELECT 1 FROM removed_item_guids g WHERE g.removed_id = r.id AND g.guid IN (?10, "
	    "?11, ?12, ?13, ?14, ?15, ?16, ?17)) AND (r.media_type <> 'episode' OR "
	    "(r.season_number IS ?7 AND r.episode_number IS ?8)))) ORDER BY r.id DESC LIMIT 1",
	/* The external ids of the rows just written (ids above ?1). */
	[R_GUIDS] = "INSERT OR IGNORE INTO removed_item_guids (removed_id, guid) "
	    "SELECT r.id, g.provider || '://' || g.external_id FROM removed_items r JOIN movies m "
	    "ON m.media_file_id = r.media_file_id JOIN movie_guids g ON g.movie_id = m.id WHERE "
	    "r.id > ?1 UNION ALL SELECT r.id, m.guid_primary FROM removed_items r JOIN movies m ON "
	    "m.media_file_id = r.media_file_id WHERE r.id > ?1 AND m.guid_primary IS NOT NULL "
	    "UNION ALL SELECT r.id, e.guid_primary FROM removed_items r JOIN episodes e ON "
	    "e.media_file_id = r.media_file_id WHERE r.id > ?1 AND e.guid_primary IS NOT NULL",
	/* An older row of the same file gives way to the new one. */
	[R_DEDUPE] = "DELETE FROM removed_items WHERE id <= ?1 AND EXISTS (SELECT 1 FROM "
	    "removed_items n WHERE n.id > ?1 AND n.file_path = removed_items.file_path AND "
	    "n.source_type = removed_items.source_type AND n.source_key IS "
	    "removed_items.source_key AND n.media_type = removed_items.media_type)",
	[R_CHAPTERS] = "INSERT OR IGNORE INTO chapter_markers (media_file_id, chapter_title, "
	    "timestamp_ms, source) SELECT ?2, json_extract(j.value, '$.chapter_title'), "
	    "json_extract(j.value, '$.timestamp_ms'), coalesce(json_extract(j.value, '$.source'), "
	    "'manual') FROM removed_items r, json_each(r.snapshot, '$.chapter_markers') j WHERE "
	    "r.id = ?1 AND json_extract(j.value, '$.timestamp_ms') IS NOT NULL",
	[R_DELETE] = "DELETE FROM removed_items WHERE id = ?1",
	/* Slots that played the file itself, on channels that still exist, not there already. */
	[R_FILE_SLOTS] = "INSERT INTO schedules (channel_id, days, start_time, end_time, "
	    "schedule_type, show_id, content_id, rule, priority) SELECT "
	    "json_extract(j.value, '$.channel_id'), json_extract(j.value, '$.days'), "
	    "json_extract(j.value, '$.start_time'), json_extract(j.value, '$.end_time'), "
	    "json_extract(j.value, '$.schedule_type'), (SELECT id FROM shows WHERE id = "
	    "json_extract(j.value, '$.show_id')), ?2, json_extract(j.value, '$.rule'), "
	    "json_extract(j.value, '$.priority') FROM removed_items r, json_each(r.snapshot, "
	    "'$.file_schedules') j WHERE r.id = ?1 AND EXISTS (SELECT 1 FROM channels WHERE id = "
	    "json_extract(j.value, '$.channel_id')) AND NOT EXISTS (SELECT 1 FROM schedules s "
	    "WHERE s.content_id = ?2 AND s.channel_id = json_extract(j.value, '$.channel_id') AND "
	    "s.start_time = json_extract(j.value, '$.start_time') AND s.days = "
	    "json_extract(j.value, '$.days'))",
	/*
	 * The series slots of an episode's show that went with it, for the show
	 * it has now (its id in the rotation's list too), unless it has some.
	 */
	[R_SHOW_SLOTS] = "INSERT INTO schedules (channel_id, days, start_time, end_time, "
	    "schedule_type, show_id, content_id, rule, priority) SELECT "
	    "json_extract(j.value, '$.channel_id'), json_extract(j.value, '$.days'), "
	    "json_extract(j.value, '$.start_time'), json_extract(j.value, '$.end_time'), "
	    "json_extract(j.value, '$.schedule_type'), e.show_id, (SELECT id FROM media_files "
	    "WHERE id = json_extract(j.value, '$.content_id')), CASE WHEN json_type(json_extract("
	    "j.value, '$.rule'), '$.shows') = 'array' THEN json_set(json_extract(j.value, "
	    "'$.rule'), '$.shows', json((SELECT json_group_array(CASE WHEN k.value = "
	    "json_extract(j.value, '$.show_id') THEN e.show_id ELSE k.value END) FROM "
	    "json_each(json_extract(j.value, '$.rule'), '$.shows') k))) ELSE "
	    "json_extract(j.value, '$.rule') END, json_extract(j.value, '$.priority') FROM "
	    "removed_items r JOIN episodes e ON e.media_file_id = ?2, json_each(r.snapshot, "
	    "'$.show_schedules') j WHERE r.id = ?1 AND EXISTS (SELECT 1 FROM channels WHERE id = "
	    "json_extract(j.value, '$.channel_id')) AND NOT EXISTS (SELECT 1 FROM schedules s "
	    "WHERE s.show_id = e.show_id)",
};

/* Prepare statement i of st[] once. */
static sqlite3_stmt *
stmt(struct removed *r, int i, char **cause)
{
	if (r->st[i] == NULL)
		r->st[i] = db_prepare(r->db, sql[i], cause);
	return r->st[i];
}

/* Step a bound statement that returns no rows, then reset it. 0 or -1 with *cause. */
static int
step_done(sqlite3 *db, sqlite3_stmt *st, const char *what, char **cause)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		set_cause(cause, "%s: %s", what, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* The grace period. */
int
removed_grace_days(sqlite3 *db)
{
	return (int)sysconf_int(db, "library.removed_grace_days", REMOVED_GRACE_DAYS, 0, 36500);
}

/* New set of statements. */
struct removed *
removed_new(sqlite3 *db)
{
	struct removed *r = xcalloc(1, sizeof *r);

	r->db = db;
	r->days = removed_grace_days(db);
	return r;
}

/* Finalise. */
void
removed_free(struct removed **rp)
{
	struct removed *r;
	int i;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	for (i = 0; i < REMOVED_NSCOPES; i++)
		sqlite3_finalize(r->archive[i]);
	for (i = 0; i < R_COUNT; i++)
		sqlite3_finalize(r->st[i]);
	sqlite3_finalize(r->csm[0]);
	sqlite3_finalize(r->csm[1]);
	free(r);
	*rp = NULL;
}

/* The columns of table, in order; *n the count. */
static char **
columns(sqlite3 *db, const char *table, size_t *n)
{
	sqlite3_stmt *st;
	char *q, **cols = NULL;

	*n = 0;
	xasprintf(&q, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", table);
	st = db_prepare(db, q, NULL);
	free(q);
	if (st == NULL)
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		cols = xreallocarray(cols, *n + 1, sizeof *cols);
		cols[(*n)++] = xstrdup(db_text(st, 0));
	}
	sqlite3_finalize(st);
	return cols;
}

/* Free a column list. */
static void
columns_free(char **cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cols[i]);
	free(cols);
}

/* "json_object('a', t."a", ...)": every column of table's row t. */
static char *
row_object(sqlite3 *db, const char *table, const char *alias)
{
	struct strbuf s = { 0 };
	char **cols;
	size_t ncols, i;

	cols = columns(db, table, &ncols);
	strbuf_add(&s, "json_object(");
	for (i = 0; i < ncols; i++)
		strbuf_add(&s, "%s'%s', %s.\"%s\"", i > 0 ? ", " : "", cols[i], alias, cols[i]);
	strbuf_add(&s, ")");
	columns_free(cols, ncols);
	return strbuf_take(&s);
}

/* The archiving INSERT for files matching where (on media_files mf, ?1), ?2 the reason. */
static char *
archive_sql(sqlite3 *db, const char *where)
{
	char *file = row_object(db, "media_files", "mf"), *movie = row_object(db, "movies", "t");
	char *ep = row_object(db, "episodes", "t"), *show = row_object(db, "shows", "t");
	char *csm = row_object(db, "content_scheduling_metadata", "t");
	char *chap = row_object(db, "chapter_markers", "t"), *q;
	char *slot = row_object(db, "schedules", "t");

	xasprintf(&q, "INSERT INTO removed_items (media_file_id, reason, media_type, title, "
	    "source_type, source_id, tmm_directory_id, library_key, source_key, file_path, "
	    "season_number, episode_number, chapters, snapshot) SELECT mf.id, ?2, mf.media_type, "
	    "%s, mf.source_type, mf.source_id, mf.tmm_directory_id, mf.library_key, mf.source_key, "
	    "mf.file_path, (SELECT season_number FROM episodes WHERE media_file_id = mf.id), "
	    "(SELECT episode_number FROM episodes WHERE media_file_id = mf.id), (SELECT count(*) "
	    "FROM chapter_markers WHERE media_file_id = mf.id), json_object("
	    "'media_files', json(%s), "
	    "'movies', json((SELECT %s FROM movies t WHERE t.media_file_id = mf.id)), "
	    "'movie_guids', json((SELECT json_group_array(json_object('provider', g.provider, "
	    "'external_id', g.external_id)) FROM movie_guids g JOIN movies m ON m.id = g.movie_id "
	    "WHERE m.media_file_id = mf.id)), "
	    "'episodes', json((SELECT %s FROM episodes t WHERE t.media_file_id = mf.id)), "
	    "'show', json((SELECT %s FROM shows t JOIN episodes e ON e.show_id = t.id WHERE "
	    "e.media_file_id = mf.id)), "
	    "'show_guids', json((SELECT json_group_array(json_object('provider', g.provider, "
	    "'external_id', g.external_id)) FROM show_guids g JOIN episodes e ON e.show_id = "
	    "g.show_id WHERE e.media_file_id = mf.id)), "
	    "'content_scheduling_metadata', json((SELECT %s FROM content_scheduling_metadata t "
	    "WHERE t.media_file_id = mf.id)), "
	    "'chapter_markers', json((SELECT json_group_array(json(%s)) FROM chapter_markers t "
	    "WHERE t.media_file_id = mf.id)), "
	    "'file_schedules', json((SELECT json_group_array(json(%s)) FROM schedules t WHERE "
	    "t.content_id = mf.id)), "
	    "'show_schedules', json((SELECT json_group_array(json(%s)) FROM schedules t JOIN "
	    "episodes e ON e.show_id = t.show_id WHERE e.media_file_id = mf.id))) FROM "
	    "media_files mf WHERE %s",
	    LIBRARY_TITLE_SQL, file, movie, ep, show, csm, chap, slot, slot, where);
	free(file);
	free(movie);
	free(ep);
	free(show);
	free(csm);
	free(chap);
	free(slot);
	return q;
}

/* Archive the files of a scope. */
int
removed_archive(struct removed *r, enum removed_scope scope, int64_t id, const char *reason,
    long *n, char **cause)
{
	sqlite3_stmt *st;
	int64_t before;
	char *q;

	if (n != NULL)
		*n = 0;
	if (r->archive[scope] == NULL) {
		q = archive_sql(r->db, scope_where[scope]);
		r->archive[scope] = db_prepare(r->db, q, cause);
		free(q);
		if (r->archive[scope] == NULL)
			return -1;
	}
	before = db_scalar(r->db, "SELECT coalesce(max(id), 0) FROM removed_items", 0);
	st = r->archive[scope];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
	if (step_done(r->db, st, "keeping the removed item", cause) != 0)
		return -1;
	if (n != NULL)
		*n = sqlite3_changes(r->db);
	if ((st = stmt(r, R_GUIDS, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	if (step_done(r->db, st, "keeping the removed item's ids", cause) != 0)
		return -1;
	if ((st = stmt(r, R_DEDUPE, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	return step_done(r->db, st, "keeping the removed item", cause);
}

/* Archive a source or directory. */
int
removed_keep(sqlite3 *db, enum removed_scope scope, int64_t id, const char *reason,
    char **cause)
{
	struct removed *r;
	int rc;

	if (removed_purge(db, cause) != 0)
		return -1;
	r = removed_new(db);
	rc = removed_archive(r, scope, id, reason, NULL, cause);
	removed_free(&r);
	return rc;
}

/* Bind text or NULL for empty. */
static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Find a row for an arriving item. */
int64_t
removed_match(struct removed *r, const struct removed_key *k)
{
	sqlite3_stmt *st;
	char buf[GUID_ID_MAX + 16];
	int64_t id = 0;
	size_t i;

	if (!db_scalar(r->db, "SELECT EXISTS (SELECT 1 FROM removed_items)", 0) ||
	    (st = stmt(r, R_MATCH, NULL)) == NULL)
		return 0;
	bind_text(st, 1, k->media_type);
	bind_text(st, 2, k->source_type);
	if (k->source_id > 0)
		sqlite3_bind_int64(st, 3, k->source_id);
	if (k->tmm_dir_id > 0)
		sqlite3_bind_int64(st, 4, k->tmm_dir_id);
	bind_text(st, 5, k->source_key);
	bind_text(st, 6, k->file_path);
	if (k->season >= 0)
		sqlite3_bind_int(st, 7, k->season);
	if (k->episode >= 0)
		sqlite3_bind_int(st, 8, k->episode);
	sqlite3_bind_int(st, 9, r->days);
	for (i = 0; i < k->nguids && i < MATCH_GUIDS; i++)
		bind_text(st, 10 + (int)i, guid_format(&k->guids[i], buf, sizeof buf));
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return id;
}

/*
 * "UPDATE content_scheduling_metadata SET c = ..." for every column but
 * the keys and stamps: the stored value (merge: only where ours is NULL).
 */
static char *
csm_sql(sqlite3 *db, int merge)
{
	struct strbuf s = { 0 };
	char **cols;
	size_t ncols, i;
	int k = 0;

	cols = columns(db, "content_scheduling_metadata", &ncols);
	strbuf_add(&s, "UPDATE content_scheduling_metadata SET ");
	for (i = 0; i < ncols; i++) {
		if (strcmp(cols[i], "id") == 0 || strcmp(cols[i], "media_file_id") == 0 ||
		    strcmp(cols[i], "created_at") == 0 || strcmp(cols[i], "updated_at") == 0)
			continue;
		if (merge)
			strbuf_add(&s, "%s\"%s\" = coalesce(\"%s\", json_extract(r.snapshot, "
			    "'$.content_scheduling_metadata.%s'))", k++ > 0 ? ", " : "", cols[i],
			    cols[i], cols[i]);
		else if (strcmp(cols[i], "content_type") == 0)
			strbuf_add(&s, "%s\"%s\" = coalesce(json_extract(r.snapshot, "
			    "'$.content_scheduling_metadata.%s'), \"%s\")", k++ > 0 ? ", " : "",
			    cols[i], cols[i], cols[i]);
		else
			strbuf_add(&s, "%s\"%s\" = json_extract(r.snapshot, "
			    "'$.content_scheduling_metadata.%s')", k++ > 0 ? ", " : "", cols[i],
			    cols[i]);
	}
	strbuf_add(&s, ", updated_at = %s FROM (SELECT snapshot FROM removed_items WHERE "
	    "id = ?1 AND json_type(snapshot, '$.content_scheduling_metadata') = 'object') r WHERE "
	    "media_file_id = ?2", NOW);
	columns_free(cols, ncols);
	return strbuf_take(&s);
}

/* Scheduling metadata and chapter markers of row rid onto mf_id. */
int
removed_apply(struct removed *r, int64_t rid, int64_t mf_id, int merge, long *chapters,
    char **cause)
{
	sqlite3_stmt *st;
	char *q;
	int slots;

	if (chapters != NULL)
		*chapters = 0;
	/* A file written before scheduling rows existed for all: make one. */
	st = db_prepare(r->db, "INSERT OR IGNORE INTO content_scheduling_metadata (media_file_id, "
	    "content_type) SELECT ?1, coalesce(json_extract(snapshot, "
	    "'$.content_scheduling_metadata.content_type'), 'interstitial') FROM removed_items "
	    "WHERE id = ?2", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	sqlite3_bind_int64(st, 2, rid);
	if (step_done(r->db, st, "restoring scheduling metadata", cause) != 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (r->csm[merge] == NULL) {
		q = csm_sql(r->db, merge);
		r->csm[merge] = db_prepare(r->db, q, cause);
		free(q);
		if (r->csm[merge] == NULL)
			return -1;
	}
	st = r->csm[merge];
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, mf_id);
	if (step_done(r->db, st, "restoring scheduling metadata", cause) != 0)
		return -1;
	if ((st = stmt(r, R_CHAPTERS, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, mf_id);
	if (step_done(r->db, st, "restoring chapter markers", cause) != 0)
		return -1;
	if (chapters != NULL)
		*chapters = sqlite3_changes(r->db);
	if ((st = stmt(r, R_FILE_SLOTS, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, mf_id);
	if (step_done(r->db, st, "restoring the slots that played it", cause) != 0)
		return -1;
	slots = sqlite3_changes(r->db);
	if ((st = stmt(r, R_SHOW_SLOTS, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, mf_id);
	if (step_done(r->db, st, "restoring the slots of its show", cause) != 0)
		return -1;
	slots += sqlite3_changes(r->db);
	if (slots > 0)
		log_info("removed item %lld: %d schedule slot%s that played it came back",
		    (long long)rid, slots, slots == 1 ? "" : "s");
	if ((st = stmt(r, R_DELETE, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	return step_done(r->db, st, "dropping the removed item", cause);
}

/* A live file for row rid. */
int64_t
removed_live_file(sqlite3 *db, int64_t rid)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	st = db_prepare(db, "SELECT mf.id FROM removed_items r JOIN media_files mf ON "
	    "mf.media_type = r.media_type AND ((mf.source_type = r.source_type AND mf.source_key = "
	    "r.source_key AND mf.source_id IS r.source_id AND mf.tmm_directory_id IS "
	    "r.tmm_directory_id) OR mf.file_path = r.file_path) WHERE r.id = ?1 ORDER BY "
	    "mf.id DESC LIMIT 1", NULL);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, rid);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/*
 * Insert into table the object at path of row rid's snapshot (or, with
 * each, one row per element of the array there). Columns the table has
 * and the JSON has are copied; fixed[] columns get vals[] instead; "id"
 * is kept only when keep_id and free. *rowid: the new row. 0 or -1.
 */
static int
insert_from(sqlite3 *db, int64_t rid, const char *table, const char *path, int each,
    const char *const *fixed, const int64_t *vals, size_t nfixed, int keep_id,
    int64_t *rowid, char **cause)
{
	sqlite3_stmt *st;
	struct strbuf names = { 0 }, values = { 0 };
	char **cols, *q, *src;
	size_t ncols, i, k;
	int rc = -1, use, count = 0;

	cols = columns(db, table, &ncols);
	xasprintf(&q, "SELECT key FROM removed_items r, json_each(r.snapshot, '%s%s') WHERE "
	    "r.id = ?1", path, each ? "[0]" : "");
	st = db_prepare(db, q, cause);
	free(q);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	src = each ? "j.value" : "r.snapshot";
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *key = db_text(st, 0);

		for (i = 0, use = 0; i < ncols && !use; i++)
			use = strcmp(cols[i], key) == 0;
		for (k = 0; k < nfixed && use; k++)
			use = strcmp(fixed[k], key) != 0;
		if (!use || (strcmp(key, "id") == 0 && !keep_id))
			continue;
		strbuf_item(&names, ", ", "\"%s\"", key);
		if (strcmp(key, "id") == 0)
			/* The old id if it is still free. */
			strbuf_item(&values, ", ", "(SELECT CASE WHEN EXISTS (SELECT 1 FROM \"%s\" "
			    "WHERE id = json_extract(%s, '%s.id')) THEN NULL ELSE json_extract(%s, "
			    "'%s.id') END)", table, src, each ? "$" : path, src, each ? "$" : path);
		else
			strbuf_item(&values, ", ", "json_extract(%s, '%s.%s')", src,
			    each ? "$" : path, key);
		count++;
	}
	sqlite3_finalize(st);
	for (k = 0; k < nfixed; k++) {
		strbuf_item(&names, ", ", "\"%s\"", fixed[k]);
		strbuf_item(&values, ", ", "?%zu", k + 2);
		count++;
	}
	if (each)
		xasprintf(&q, "INSERT OR IGNORE INTO \"%s\" (%s) SELECT %s FROM removed_items r, "
		    "json_each(r.snapshot, '%s') j WHERE r.id = ?1", table, strbuf_str(&names),
		    strbuf_str(&values), path);
	else
		xasprintf(&q, "INSERT INTO \"%s\" (%s) SELECT %s FROM removed_items r WHERE r.id = ?1",
		    table, strbuf_str(&names), strbuf_str(&values));
	st = db_prepare(db, q, cause);
	free(q);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	for (k = 0; k < nfixed; k++)
		sqlite3_bind_int64(st, (int)k + 2, vals[k]);
	if (sqlite3_step(st) != SQLITE_DONE)
		set_cause(cause, "restoring %s: %s", table, sqlite3_errmsg(db));
	else {
		rc = 0;
		if (rowid != NULL)
			*rowid = sqlite3_last_insert_rowid(db);
	}
	sqlite3_finalize(st);
out:
	strbuf_free(&names);
	strbuf_free(&values);
	columns_free(cols, ncols);
	return rc;
}

/* A restored episode's show: the one it had, one with its title and year or key, or it again. */
static int
restore_show(sqlite3 *db, int64_t rid, int64_t *show_id, char **cause)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	st = db_prepare(db, "SELECT s.id FROM removed_items r, shows s WHERE r.id = ?1 AND "
	    "((s.id = json_extract(r.snapshot, '$.show.id') AND s.title = json_extract(r.snapshot, "
	    "'$.show.title')) OR (s.title = json_extract(r.snapshot, '$.show.title') AND s.year IS "
	    "json_extract(r.snapshot, '$.show.year')) OR s.plex_rating_key = "
	    "json_extract(r.snapshot, '$.show.plex_rating_key')) ORDER BY s.id = "
	    "json_extract(r.snapshot, '$.show.id') DESC LIMIT 1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (id == 0) {
		if (insert_from(db, rid, "shows", "$.show", 0, NULL, NULL, 0, 1, &id, cause) != 0)
			return -1;
		if (insert_from(db, rid, "show_guids", "$.show_guids", 1,
		    (const char *const[]){ "show_id" }, &id, 1, 0, NULL, cause) != 0)
			return -1;
	}
	*show_id = id;
	return 0;
}

/* Bring a row back. */
int
removed_restore(sqlite3 *db, int64_t rid, int64_t *mf_id, long *chapters, char **cause)
{
	struct removed *r = NULL;
	sqlite3_stmt *st;
	int64_t id = 0, movie = 0, show = 0, src = 0, dir = 0;
	char *type = NULL, *what = NULL;
	int rc = -1, gone = 0;

	st = db_prepare(db, "SELECT media_type, coalesce(source_id, 0), "
	    "coalesce(tmm_directory_id, 0), source_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
	    "content_sources WHERE id = source_id) OR tmm_directory_id IS NOT NULL AND NOT EXISTS "
	    "(SELECT 1 FROM tmm_directories WHERE id = tmm_directory_id), title FROM removed_items "
	    "WHERE id = ?1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		type = xstrdup(db_text(st, 0));
		src = sqlite3_column_int64(st, 1);
		dir = sqlite3_column_int64(st, 2);
		gone = sqlite3_column_int(st, 3);
		what = xstrdup(db_text(st, 4));
	}
	sqlite3_finalize(st);
	if (type == NULL) {
		set_cause(cause, "no removed item %lld (see 'retrovue content removed')",
		    (long long)rid);
		return -1;
	}
	if (gone) {
		set_cause(cause, "'%s' came from a %s that was removed since; add it again and "
		    "sync: the item's scheduling metadata and chapter markers come back with it",
		    what, src > 0 ? "Plex source" : dir > 0 ? "TMM directory" : "source");
		goto out;
	}
	r = removed_new(db);
	if ((id = removed_live_file(db, rid)) > 0) {
		/* It came back by itself: fill in what it lacks. */
		rc = removed_apply(r, rid, id, 1, chapters, cause);
		goto done;
	}
	if (insert_from(db, rid, "media_files", "$.media_files", 0, NULL, NULL, 0, 1, &id,
	    cause) != 0)
		goto out;
	if (strcmp(type, "movie") == 0) {
		if (insert_from(db, rid, "movies", "$.movies", 0, (const char *const[]){
		    "media_file_id" }, &id, 1, 0, &movie, cause) != 0 ||
		    insert_from(db, rid, "movie_guids", "$.movie_guids", 1, (const char *const[]){
		    "movie_id" }, &movie, 1, 0, NULL, cause) != 0)
			goto out;
	} else if (strcmp(type, "episode") == 0) {
		int64_t v[2];

		if (restore_show(db, rid, &show, cause) != 0)
			goto out;
		v[0] = id;
		v[1] = show;
		if (insert_from(db, rid, "episodes", "$.episodes", 0, (const char *const[]){
		    "media_file_id", "show_id" }, v, 2, 0, NULL, cause) != 0)
			goto out;
	}
	rc = removed_apply(r, rid, id, 0, chapters, cause);
done:
	if (rc == 0)
		*mf_id = id;
out:
	removed_free(&r);
	free(type);
	free(what);
	return rc;
}

/* Purge old rows. */
int
removed_purge(sqlite3 *db, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "DELETE FROM removed_items WHERE removed_at < " CUTOFF("?1"), cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, removed_grace_days(db));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc != 0)
		set_cause(cause, "purging removed items: %s", sqlite3_errmsg(db));
	else if (sqlite3_changes(db) > 0)
		log_info("purged %d removed item%s older than the grace period", sqlite3_changes(db),
		    sqlite3_changes(db) == 1 ? "" : "s");
	sqlite3_finalize(st);
	return rc;
}

/* The list. */
int
removed_list(sqlite3 *db, struct removed_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct removed_row *list = NULL, *x;
	size_t count = 0;

	*rows = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT r.id, r.media_file_id, r.removed_at, strftime("
	    "'%Y-%m-%dT%H:%M:%SZ', r.removed_at, '+' || ?1 || ' days'), r.reason, r.media_type, "
	    "r.title, r.source_type || coalesce(':' || coalesce((SELECT source_name FROM "
	    "content_sources WHERE id = r.source_id), (SELECT coalesce(name, directory_path) FROM "
	    "tmm_directories WHERE id = r.tmm_directory_id), CASE WHEN r.source_id IS NOT NULL OR "
	    "r.tmm_directory_id IS NOT NULL THEN '(removed)' END), ''), r.file_path, r.chapters "
	    "FROM removed_items r WHERE r.removed_at >= " CUTOFF("?1") " ORDER BY r.id DESC",
	    cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, removed_grace_days(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		list = xreallocarray(list, count + 1, sizeof *list);
		x = &list[count++];
		x->id = sqlite3_column_int64(st, 0);
		x->media_file_id = sqlite3_column_int64(st, 1);
		x->removed_at = xstrdup(db_text(st, 2));
		x->expires = xstrdup(db_text(st, 3));
		x->reason = xstrdup(db_text(st, 4));
		x->media_type = xstrdup(db_text(st, 5));
		x->title = xstrdup(db_text(st, 6));
		x->source = xstrdup(db_text(st, 7));
		x->file_path = xstrdup(db_text(st, 8));
		x->chapters = (long)sqlite3_column_int64(st, 9);
	}
	sqlite3_finalize(st);
	*rows = list;
	*n = count;
	return 0;
}

/* Free the list. */
void
removed_rows_free(struct removed_row **rows, size_t n)
{
	size_t i;

	if (rows == NULL || *rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*rows)[i].removed_at);
		free((*rows)[i].expires);
		free((*rows)[i].reason);
		free((*rows)[i].media_type);
		free((*rows)[i].title);
		free((*rows)[i].source);
		free((*rows)[i].file_path);
	}
	free(*rows);
	*rows = NULL;
}
