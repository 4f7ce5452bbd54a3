/*
 * test_library.c: writing the library (src/library.c): real changes told
 * apart from timestamp-only ones, ratings by hand kept, shows told apart by
 * (title, year) and ratingKey, removals cascading, a file's chapter markers
 * replaced as a whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/chapters.h"
#include "src/db.h"
#include "src/library.h"
#include "src/rating.h"
#include "tests/check_tap.h"

/* A fresh database. */
static sqlite3 *
open_db(void)
{
	char path[4200], *cause = NULL;
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/lib.db", check_tmpdir());
	ck_assert_msg(db_open(path, DB_CREATE, &db, &cause) == 0, "%s", cause);
	ck_assert_int_eq(db_exec(db, "INSERT INTO content_sources (id, source_type, source_name) "
	    "VALUES (1, 'plex', 'home'), (2, 'plex', 'cabin')", NULL), 0);
	return db;
}

/* One text value. */
static char *
text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql, NULL);
	char *out = NULL;

	ck_assert_ptr_nonnull(st);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup(db_text(st, 0));
	sqlite3_finalize(st);
	return out != NULL ? out : strdup("(none)");
}

START_TEST(ratings)
{
	char name[32];
	int level;

	ck_assert_int_eq(library_rating("Australia:M", name, sizeof name, &level), 0);
	ck_assert_str_eq(name, "au/M");
	ck_assert_int_eq(level, 13);
	ck_assert_int_eq(library_rating("UK:15", name, sizeof name, &level), 0);
	ck_assert_str_eq(name, "gb/15");
	ck_assert_int_eq(level, 15);
	ck_assert_int_eq(library_rating("Germany:16", name, sizeof name, &level), 0);
	ck_assert_int_eq(level, 16);
	ck_assert_int_eq(library_rating("United Kingdom:12A", name, sizeof name, &level), 0);
	ck_assert_int_eq(level, 12);
	ck_assert_int_eq(library_rating("USA:PG-13", name, sizeof name, &level), 0);
	ck_assert_str_eq(name, "PG-13");
	ck_assert_int_eq(library_rating("Rated R", name, sizeof name, &level), 0);
	ck_assert_int_eq(level, RATING_R);
	ck_assert_int_eq(library_rating("gb/12A", name, sizeof name, &level), 0);
	ck_assert_int_eq(level, 12);
	ck_assert_int_eq(library_rating("TV-MA", name, sizeof name, &level), 0);
	ck_assert_int_eq(level, 17);
	ck_assert_int_ne(library_rating("NR", name, sizeof name, &level), 0);
	ck_assert_int_eq(level, RATING_UNRATED);
	ck_assert_int_ne(library_rating(NULL, name, sizeof name, &level), 0);
	ck_assert_int_ne(library_rating("Narnia:Z", name, sizeof name, &level), 0);
	ck_assert_str_eq(name, "");
}
END_TEST

START_TEST(chapters_replace_all)
{
	struct lib_origin o = { "plex", 1, 0, "1", "Movies" };
	struct chapter want[3], *got = NULL;
	struct lib_item it;
	struct library *lib;
	enum lib_result res;
	char *cause = NULL;
	sqlite3 *db = open_db();
	int64_t id = 0, kept, other;
	size_t n = 0;
	int changed;

	lib = library_new(db, &cause);
	memset(&it, 0, sizeof it);
	it.file_path = it.source_path = "/m/heat.mkv";
	it.source_key = "77";
	it.media_type = "movie";
	it.title = "Heat";
	it.duration_ms = 600000;
	it.season = it.episode = -1;
	ck_assert_int_eq(library_put_movie(lib, &o, &it, &id, &res, &cause), 0);
	ck_assert_int_eq(chapters_add(db, id, 60000, "Act 2", "nfo", &kept, &cause), 0);
	ck_assert_int_eq(chapters_add(db, id, 120000, "Act 3", "nfo", &other, &cause), 0);
	memset(want, 0, sizeof want);
	want[0].ms = 60000;
	want[0].title = "Act 2";
	want[1].ms = 90000;
	want[2].ms = 700000;            /* past the end: refused, nothing changes */
	ck_assert_int_eq(chapters_replace(db, id, want, 3, &changed, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "outside the file"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(chapters_list(db, id, &got, &n, &cause), 0);
	ck_assert_int_eq(n, 2);
	chapters_free(&got, n);
	/* Act 2 stays as it was, Act 3 goes, 1:30 comes as a manual marker. */
	ck_assert_int_eq(chapters_replace(db, id, want, 2, &changed, &cause), 0);
	ck_assert_int_eq(changed, 2);
	ck_assert_int_eq(chapters_list(db, id, &got, &n, &cause), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(got[0].id, kept);
	ck_assert_str_eq(got[0].source, "nfo");
	ck_assert_int_eq(got[1].ms, 90000);
	ck_assert_ptr_null(got[1].title);
	ck_assert_str_eq(got[1].source, "manual");
	chapters_free(&got, n);
	/* The same list again changes nothing. */
	ck_assert_int_eq(chapters_replace(db, id, want, 2, &changed, &cause), 0);
	ck_assert_int_eq(changed, 0);
	library_free(&lib);
	db_close(&db);
}
END_TEST

START_TEST(changes)
{
	struct lib_origin o = { "plex", 1, 0, "1", "Movies" };
	struct lib_item it;
	struct library *lib;
	enum lib_result res;
	struct lib_sched sch;
	char *cause = NULL, *s;
	sqlite3 *db = open_db();
	int64_t id = 0, id2;
	int changed;

	lib = library_new(db, &cause);
	ck_assert_ptr_nonnull(lib);
	memset(&it, 0, sizeof it);
	it.file_path = "/m/heat.mkv";
	it.source_path = "/m/heat.mkv";
	it.source_key = "77";
	it.media_type = "movie";
	it.title = "Heat";
	it.year = 1995;
	it.rating = "R";
	it.duration_ms = 10200000;
	it.updated_at = 100;
	it.season = it.episode = -1;
	ck_assert_int_eq(library_put_movie(lib, &o, &it, &id, &res, &cause), 0);
	ck_assert_int_eq(res, LIB_ADDED);
	ck_assert_int_gt(id, 0);
	id2 = id;
	/* The same again: unchanged. A new updatedAt alone is no change, but is stored. */
	it.updated_at = 200;
	ck_assert_int_eq(library_put_movie(lib, &o, &it, &id, &res, &cause), 0);
	ck_assert_int_eq(res, LIB_UNCHANGED);
	ck_assert_int_eq(id, id2);
	s = text(db, "SELECT updated_at_plex FROM movies");
	ck_assert_str_eq(s, "200");
	free(s);
	/* A real change. */
	it.title = "Heat (1995)";
	ck_assert_int_eq(library_put_movie(lib, &o, &it, &id, &res, &cause), 0);
	ck_assert_int_eq(res, LIB_UPDATED);
	/* A new path resets the validation. */
	db_exec(db, "UPDATE media_files SET validation_status = 'ok'", NULL);
	it.file_path = "/n/heat.mkv";
	ck_assert_int_eq(library_put_movie(lib, &o, &it, &id, &res, &cause), 0);
	ck_assert_int_eq(res, LIB_UPDATED);
	s = text(db, "SELECT validation_status FROM media_files");
	ck_assert_str_eq(s, "unchecked");
	free(s);

	/* A rating set by hand stays while the source's own rating is the same... */
	memset(&sch, 0, sizeof sch);
	sch.commercial_duration = -1;
	sch.rating = "TV-14";
	ck_assert_int_eq(library_set_sched(lib, id, &sch, &changed, &cause), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(library_put_movie(lib, &o, &it, &id, &res, &cause), 0);
	s = text(db, "SELECT content_rating || ' ' || rating_level FROM content_scheduling_metadata");
	ck_assert_str_eq(s, "TV-14 14");
	free(s);
	/* ...and follows the source when that changes. */
	it.rating = "PG-13";
	ck_assert_int_eq(library_put_movie(lib, &o, &it, &id, &res, &cause), 0);
	ck_assert_int_eq(res, LIB_UPDATED);
	s = text(db, "SELECT content_rating || ' ' || rating_level FROM content_scheduling_metadata");
	ck_assert_str_eq(s, "PG-13 13");
	free(s);
	ck_assert_int_eq(library_set_sched(lib, id, &sch, &changed, &cause), 0);
	sch.rating = "TV-14";
	ck_assert_int_eq(library_set_sched(lib, id, &sch, &changed, &cause), 0);
	ck_assert_int_eq(changed, 0);

	/* Removal cascades; the fine log keeps its row without the file. */
	db_exec(db, "INSERT INTO chapter_markers (media_file_id, timestamp_ms) VALUES (1, 1000);"
	    "INSERT INTO channels (id, number, name) VALUES (1, '2', 'x');"
	    "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, out_ms) "
	    "VALUES (1, 0, 10, 'programme', 1, 10)", NULL);
	ck_assert_int_eq(library_remove_file(lib, id, &cause), 0);
	s = text(db, "SELECT (SELECT count(*) FROM movies) || (SELECT count(*) FROM "
	    "content_scheduling_metadata) || (SELECT count(*) FROM chapter_markers) || "
	    "(SELECT count(*) FROM schedule_items WHERE media_file_id IS NULL)");
	ck_assert_str_eq(s, "0001");
	free(s);
	ck_assert_int_eq(library_bump_revision(db), 0);
	ck_assert_int_eq(library_bump_revision(db), 0);
	s = text(db, "SELECT value FROM system_config WHERE key = 'content.revision'");
	ck_assert_str_eq(s, "2");
	free(s);
	library_free(&lib);
	ck_assert_ptr_null(lib);
	db_close(&db);
}
END_TEST

START_TEST(shows)
{
	struct lib_origin home = { "plex", 1, 0, "2", "TV" }, cabin = { "plex", 2, 0, "5", "TV" };
	struct lib_origin tmm = { "tmm", 0, 0, NULL, "TMM" };
	struct lib_show s;
	struct library *lib;
	enum lib_result res;
	char *cause = NULL;
	sqlite3 *db = open_db();
	int64_t a, b, c, d, e;
	int owned, removed;

	lib = library_new(db, &cause);
	memset(&s, 0, sizeof s);
	s.total_episodes = -1;
	s.title = "Battlestar Galactica";
	s.year = 1978;
	s.rating_key = "1001";
	ck_assert_int_eq(library_put_show(lib, &home, &s, &a, &owned, &res, &cause), 0);
	ck_assert_int_eq(res, LIB_ADDED);
	s.year = 2003;
	s.rating_key = "1002";
	ck_assert_int_eq(library_put_show(lib, &home, &s, &b, &owned, &res, &cause), 0);
	ck_assert_int_eq(res, LIB_ADDED);
	ck_assert_int_ne(a, b);
	/* The same ratingKey is the same show, even renamed. */
	s.title = "Battlestar Galactica (Reimagined)";
	ck_assert_int_eq(library_put_show(lib, &home, &s, &c, &owned, &res, &cause), 0);
	ck_assert_int_eq(c, b);
	ck_assert_int_eq(res, LIB_UPDATED);
	ck_assert_int_eq(owned, 1);
	/* Renamed onto another show's (title, year): the old name is kept, no failure. */
	s.title = "Battlestar Galactica";
	s.year = 1978;
	ck_assert_int_eq(library_put_show(lib, &home, &s, &c, &owned, &res, &cause), 0);
	ck_assert_int_eq(c, b);
	ck_assert_int_eq((int)db_scalar(db, "SELECT count(*) FROM shows", 0), 2);
	/* Another server's item with the same ratingKey is another show, or shares by title. */
	s.title = "Lost";
	s.year = 2004;
	s.rating_key = "1001";
	ck_assert_int_eq(library_put_show(lib, &cabin, &s, &d, &owned, &res, &cause), 0);
	ck_assert_int_ne(d, a);
	ck_assert_int_eq(res, LIB_ADDED);
	/* A TMM show with a Plex show's title and year shares it, unchanged. */
	s.title = "Battlestar Galactica";
	s.year = 1978;
	s.rating_key = NULL;
	s.summary = "from an .nfo";
	ck_assert_int_eq(library_put_show(lib, &tmm, &s, &e, &owned, &res, &cause), 0);
	ck_assert_int_eq(e, a);
	ck_assert_int_eq(owned, 0);
	ck_assert_int_eq(res, LIB_UNCHANGED);
	/* Empty shows can go; the guids go with them. */
	ck_assert_int_eq(library_remove_show_if_empty(lib, d, &removed, &cause), 0);
	ck_assert_int_eq(removed, 1);
	library_free(&lib);
	db_close(&db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("library");
	TCase *tc = tcase_create("library");

	tcase_add_test(tc, ratings);
	tcase_add_test(tc, chapters_replace_all);
	tcase_add_test(tc, changes);
	tcase_add_test(tc, shows);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
