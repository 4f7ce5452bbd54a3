/*
 * test_db.c: opening, migrating and refusing databases (src/db.c), and the
 * schema's constraints.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/db.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/* One row in every table of schema 1. */
static const char v1_rows[] =
    "INSERT INTO content_sources (id, source_type, source_name, plex_server_url, plex_token)"
    "  VALUES (1, 'plex', 'Home', 'http://p:32400', 'tok');"
    "INSERT INTO tmm_directories (id, directory_path) VALUES (1, '/media/tmm');"
    "INSERT INTO plex_path_replacements (plex_media_source_id, plex_path, local_path)"
    "  VALUES (1, '/data', '/mnt/data');"
    "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type, source_id,"
    "  source_key) VALUES (1, '/mnt/a.mkv', 1320000, 'episode', 'plex', 1, '101'),"
    "  (2, '/mnt/b.mkv', 1320000, 'episode', 'plex', 1, '102'),"
    "  (3, '/mnt/m.mkv', 5400000, 'movie', 'plex', 1, '200'),"
    "  (4, '/c/cola.mp4', 30000, 'clip', 'manual', NULL, NULL);"
    "INSERT INTO shows (id, title, year, plex_rating_key, source_type, source_id)"
    "  VALUES (1, 'Battlestar Galactica', 1978, '11', 'plex', 1),"
    "  (2, 'Battlestar Galactica', 2003, '12', 'plex', 1);"
    "INSERT INTO show_guids (show_id, provider, external_id) VALUES (1, 'tvdb', '71173'),"
    "  (2, 'tvdb', '73545');"
    "INSERT INTO episodes (media_file_id, show_id, episode_title, season_number,"
    "  episode_number) VALUES (1, 1, 'Saga of a Star World', 1, 1), (2, 2, '33', 1, 1);"
    "INSERT INTO movies (id, media_file_id, title, year) VALUES (1, 3, 'Reign of Fire', 2002);"
    "INSERT INTO movie_guids (movie_id, provider, external_id) VALUES (1, 'imdb', 'tt0253556');"
    "INSERT INTO content_scheduling_metadata (media_file_id, content_type, commercial_company)"
    "  VALUES (4, 'commercial', 'Cola Co');"
    "INSERT INTO chapter_markers (id, media_file_id, timestamp_ms) VALUES (1, 1, 420000);"
    "INSERT INTO commercial_breaks (media_file_id, chapter_marker_id, commercial_content_id,"
    "  start_time, end_time) VALUES (1, 1, 4, 420000, 450000);"
    "INSERT INTO media_segments (media_file_id, segment_path, start_time, end_time,"
    "  chapter_marker_id) VALUES (1, '/seg/1.ts', 0, 420000, 1);"
    "INSERT INTO channels (id, number, name) VALUES (1, '4.1', 'Retro One');"
    "INSERT INTO schedules (id, channel_id, start_time, end_time, schedule_type, show_id)"
    "  VALUES (1, 1, '20:00', '21:00', 'series', 1);"
    "INSERT INTO schedule_items (id, channel_id, start_ms, end_ms, kind, media_file_id, in_ms,"
    "  out_ms, schedule_id) VALUES (1, 1, 0, 420000, 'programme', 1, 0, 420000, 1);"
    "INSERT INTO playout_logs (channel_id, schedule_item_id, content_id, start_time, status)"
    "  VALUES (1, 1, 1, 0, 'aired');"
    "INSERT INTO sync_history (source_type, source_name, sync_type, start_time, status)"
    "  VALUES ('plex', 'Home', 'full', '2026-01-01T00:00:00Z', 'success');"
    "INSERT INTO system_config (key, value) VALUES ('station.call_sign', 'KRVU');"
    "INSERT INTO emergency_alerts (id, event_code, locations, purge, issue_time, station_id,"
    "  message) VALUES (1, 'RWT', '000000', '0015', '3271200', 'KRVU/TV ', 'Test');"
    "INSERT INTO emergency_alert_log (alert_id, channel_id, started_ms) VALUES (1, 1, 0);";

/* A fresh path in a fresh directory. */
static char *
tmp_db(void)
{
	char *path;

	xasprintf(&path, "%s/rv.db", check_tmpdir());
	return path;
}

/* The whole file, for before/after comparisons. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Assert db_open refuses path with a message containing what, file untouched. */
static void
assert_refused(const char *path, int flags, const char *what)
{
	size_t len1, len2;
	char *before = slurp(path, &len1), *after, *cause = NULL;
	sqlite3 *db = NULL;

	ck_assert_int_eq(db_open(path, flags, &db, &cause), -1);
	ck_assert_ptr_null(db);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, what) != NULL, "cause '%s' lacks '%s'", cause, what);
	ck_assert_msg(strstr(cause, path) != NULL, "cause '%s' lacks the path", cause);
	after = slurp(path, &len2);
	ck_assert_uint_eq(len1, len2);
	ck_assert(memcmp(before, after, len1) == 0);
	free(before);
	free(after);
	free(cause);
}

/* Raw SQLite, not through db_open. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static char *dump_table_cols(sqlite3 *db, const char *table, const char *only);

/* Every row of table, as text, in rowid order, using the given columns. */
static char *
dump_table(sqlite3 *db, const char *table)
{
	return dump_table_cols(db, table, NULL);
}

/* The same, for the columns (a comma list, NULL: all) a table had before an upgrade. */
static char *
dump_table_cols(sqlite3 *db, const char *table, const char *only)
{
	sqlite3_stmt *st;
	char *sql, *cols = xstrdup(""), *n, *out = NULL;

	if (only != NULL)
		xasprintf(&sql, "SELECT name FROM pragma_table_info('%s') WHERE instr(',' || '%s' || "
		    "',', ',' || name || ',') > 0", table, only);
	else
		xasprintf(&sql, "SELECT name FROM pragma_table_info('%s')", table);
	st = db_prepare(db, sql, NULL);
	free(sql);
	while (sqlite3_step(st) == SQLITE_ROW) {
		xasprintf(&n, "%s%squote(\"%s\")", cols, *cols ? "||','||" : "", db_text(st, 0));
		free(cols);
		cols = n;
	}
	sqlite3_finalize(st);
	xasprintf(&sql, "SELECT group_concat(%s, ';') FROM (SELECT * FROM \"%s\" ORDER BY rowid)",
	    cols, table);
	st = db_prepare(db, sql, NULL);
	ck_assert_ptr_nonnull(st);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = xstrdup(db_text(st, 0));
	sqlite3_finalize(st);
	free(sql);
	free(cols);
	return out;
}

START_TEST(create_new)
{
	char *path = tmp_db(), *cause = NULL;
	sqlite3 *db;
	struct stat st;

	ck_assert_int_eq(db_open(path, DB_CREATE, &db, &cause), 0);
	ck_assert_int_eq(db_schema_version(db), db_latest_version());
	ck_assert_int_eq(db_scalar(db, "PRAGMA application_id", 0), DB_APPLICATION_ID);
	ck_assert_int_eq(db_scalar(db, "PRAGMA foreign_keys", 0), 1);
	ck_assert_int_gt(db_scalar(db, "PRAGMA busy_timeout", 0), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = "
	    "'emergency_alerts'", 0), 1);
	db_close(&db);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	free(path);
}
END_TEST

START_TEST(missing_without_create)
{
	char *path = tmp_db(), *cause = NULL;
	sqlite3 *db;

	ck_assert_int_eq(db_open(path, 0, &db, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no database"));
	ck_assert_int_eq(access(path, F_OK), -1);
	free(cause);
	free(path);
}
END_TEST

START_TEST(wal_mode)
{
	char *path = tmp_db();
	sqlite3 *db;
	sqlite3_stmt *st;

	ck_assert_int_eq(db_open(path, DB_CREATE, &db, NULL), 0);
	st = db_prepare(db, "PRAGMA journal_mode", NULL);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq(db_text(st, 0), "wal");
	sqlite3_finalize(st);
	db_close(&db);
	free(path);
}
END_TEST

START_TEST(upgrade_keeps_rows)
{
	char *path = tmp_db(), *cause = NULL;
	const char *tables[64];
	char *before[64], *columns[64];
	sqlite3_stmt *st, *st2;
	sqlite3 *db;
	int n = 0, i;
	char *after, *sql;

	/* A database at migration 1 with a row in every table. */
	ck_assert_int_eq(db_open_upto(path, DB_CREATE, 1, &db, &cause), 0);
	ck_assert_int_eq(db_schema_version(db), 1);
	ck_assert_int_eq(db_exec(db, v1_rows, &cause), 0);
	st = db_prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
	    NULL);
	while (sqlite3_step(st) == SQLITE_ROW && n < 64) {
		tables[n] = xstrdup(db_text(st, 0));
		before[n] = dump_table(db, tables[n]);
		xasprintf(&sql, "SELECT group_concat(name) FROM pragma_table_info('%s')", tables[n]);
		columns[n] = xstrdup("");
		st2 = db_prepare(db, sql, NULL);
		if (sqlite3_step(st2) == SQLITE_ROW) {
			free(columns[n]);
			columns[n] = xstrdup(db_text(st2, 0));
		}
		sqlite3_finalize(st2);
		free(sql);
		ck_assert_msg(before[n] != NULL && *before[n] != '\0', "table %s is empty",
		    tables[n]);
		n++;
	}
	sqlite3_finalize(st);
	ck_assert_int_ge(n, 20);
	db_close(&db);

	/* Upgrade to the latest and compare. */
	ck_assert_int_eq(db_open(path, 0, &db, &cause), 0);
	ck_assert_int_eq(db_schema_version(db), db_latest_version());
	for (i = 0; i < n; i++) {
		/* Later migrations may add columns; the old ones keep every value. */
		after = dump_table_cols(db, tables[i], columns[i]);
		ck_assert_msg(after != NULL && strcmp(before[i], after) == 0,
		    "table %s changed: %s -> %s", tables[i], before[i], after);
		free(after);
		free(columns[i]);
		free(before[i]);
		free((char *)tables[i]);
	}
	db_close(&db);
	free(path);
}
END_TEST

START_TEST(newer_refused)
{
	char *path = tmp_db(), *sql;
	sqlite3 *db;

	ck_assert_int_eq(db_open(path, DB_CREATE, &db, NULL), 0);
	db_close(&db);
	xasprintf(&sql, "PRAGMA journal_mode = DELETE; PRAGMA user_version = %d",
	    db_latest_version() + 1);
	raw_exec(path, sql);
	free(sql);
	assert_refused(path, 0, "newer Retrovue");
	free(path);
}
END_TEST

START_TEST(foreign_sqlite_refused)
{
	char *path = tmp_db();

	raw_exec(path, "CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine')");
	assert_refused(path, DB_CREATE, "not a Retrovue database");
	free(path);
}
END_TEST

START_TEST(not_sqlite_refused)
{
	char *path = tmp_db();
	FILE *f = fopen(path, "w");

	fputs("this is a shopping list, not a database\n", f);
	fclose(f);
	assert_refused(path, DB_CREATE, "not a SQLite database");
	free(path);
}
END_TEST

START_TEST(corrupt_refused)
{
	char *path = tmp_db();
	sqlite3 *db;
	char junk[512];
	int fd, i;

	ck_assert_int_eq(db_open(path, DB_CREATE, &db, NULL), 0);
	for (i = 0; i < 300; i++) {
		char *sql;

		xasprintf(&sql, "INSERT INTO system_config (key, value) VALUES ('k%d', "
		    "printf('%%.500c', 'x'))", i);
		ck_assert_int_eq(db_exec(db, sql, NULL), 0);
		free(sql);
	}
	ck_assert_int_eq(db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); "
	    "PRAGMA journal_mode = DELETE", NULL), 0);
	db_close(&db);

	/* Scribble over the header of a page in the middle of the file. */
	memset(junk, 0x5a, sizeof junk);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, junk, sizeof junk, 4096 * 20), (ssize_t)sizeof junk);
	close(fd);
	assert_refused(path, DB_VERIFY, "corrupt");
	free(path);
}
END_TEST

START_TEST(shows_disambiguated)
{
	char *path = tmp_db(), *cause = NULL;
	sqlite3 *db;

	ck_assert_int_eq(db_open(path, DB_CREATE, &db, NULL), 0);
	ck_assert_int_eq(db_exec(db, "INSERT INTO shows (title, year, source_type) VALUES "
	    "('Battlestar Galactica', 1978, 'plex'), ('Battlestar Galactica', 2003, 'plex')",
	    NULL), 0);
	ck_assert_int_eq(db_exec(db, "INSERT INTO shows (title, year, source_type) VALUES "
	    "('Battlestar Galactica', 1978, 'tmm')", &cause), -1);
	ck_assert_int_eq(db_exec(db, "INSERT INTO show_guids (show_id, provider, external_id) "
	    "VALUES (1, 'tvdb', '1'), (2, 'tvdb', '1')", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "UNIQUE"));
	free(cause);
	db_close(&db);
	free(path);
}
END_TEST

START_TEST(cascades)
{
	char *path = tmp_db(), *cause = NULL, *report = NULL;
	sqlite3 *db;

	ck_assert_int_eq(db_open(path, DB_CREATE, &db, NULL), 0);
	ck_assert_int_eq(db_exec(db, v1_rows, &cause), 0);
	/* An episode may not point at a show that is not there. */
	ck_assert_int_eq(db_exec(db, "INSERT INTO episodes (media_file_id, show_id) VALUES (3, 99)",
	    &cause), -1);
	/* Deleting a file takes what hangs off it; the as-run log keeps its row. */
	ck_assert_int_eq(db_exec(db, "DELETE FROM media_files WHERE id = 1", &cause), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM episodes WHERE media_file_id = 1",
	    -1), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM chapter_markers", -1), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM commercial_breaks", -1), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM playout_logs WHERE content_id IS "
	    "NULL", -1), 1);
	/* Removing a source removes its media, shows and path rules. */
	ck_assert_int_eq(db_exec(db, "DELETE FROM content_sources WHERE id = 1", &cause), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM media_files", -1), 1);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM shows", -1), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM plex_path_replacements", -1), 0);
	ck_assert_int_eq(db_check(db, &report), 0);
	free(report);
	free(cause);
	db_close(&db);
	free(path);
}
END_TEST

START_TEST(readonly_needs_migrated)
{
	char *path = tmp_db(), *cause = NULL;
	sqlite3 *db;

	ck_assert_int_eq(db_open(path, DB_CREATE, &db, NULL), 0);
	db_close(&db);
	ck_assert_int_eq(db_open(path, DB_READONLY, &db, &cause), 0);
	ck_assert_int_eq(db_exec(db, "INSERT INTO system_config (key) VALUES ('x')", &cause), -1);
	db_close(&db);
	free(cause);
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("db");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, create_new);
	tcase_add_test(tc, missing_without_create);
	tcase_add_test(tc, wal_mode);
	tcase_add_test(tc, upgrade_keeps_rows);
	tcase_add_test(tc, newer_refused);
	tcase_add_test(tc, foreign_sqlite_refused);
	tcase_add_test(tc, not_sqlite_refused);
	tcase_add_test(tc, corrupt_refused);
	tcase_add_test(tc, shows_disambiguated);
	tcase_add_test(tc, cascades);
	tcase_add_test(tc, readonly_needs_migrated);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
