/*
 * test_library.c: writing the library (src/library.c): real changes told
 * apart from timestamp-only ones, ratings by hand kept, shows told apart by
 * (title, year) and ratingKey, removals cascading, a file's chapter markers
 * replaced as a whole; removed files kept restorable (src/removed.c) and
 * the removal limit of the importers (src/import.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/chapters.h"
#include "src/db.h"
#include "src/import.h"
#include "src/library.h"
#include "src/rating.h"
#include "src/removed.h"
#include "tests/unit/check_tap.h"

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
	ck_assert_int_eq(library_remove_file(lib, id, "test", &cause), 0);
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

/* A movie with two external ids, a daypart set by hand and a chapter marker. */
static int64_t
put_heat(struct library *lib, const char *key, const char *path, const char *daypart)
{
	static const struct lib_origin o = { "plex", 1, 0, "1", "Movies" };
	struct guid g[2] = { { GUID_IMDB, "tt0113277" }, { GUID_PLEX, "movie/5d7768" } };
	struct lib_item it;
	struct lib_sched sch;
	enum lib_result res;
	char *cause = NULL;
	int64_t id = 0;
	int changed;

	memset(&it, 0, sizeof it);
	it.file_path = path;
	it.source_key = key;
	it.media_type = "movie";
	it.title = "Heat";
	it.year = 1995;
	it.duration_ms = 10200000;
	it.season = it.episode = -1;
	it.guids = g;
	it.nguids = 2;
	ck_assert_msg(library_put_movie(lib, &o, &it, &id, &res, &cause) == 0, "%s", cause);
	ck_assert_int_eq(res, LIB_ADDED);
	if (daypart != NULL) {
		memset(&sch, 0, sizeof sch);
		sch.commercial_duration = -1;
		sch.daypart = daypart;
		ck_assert_int_eq(library_set_sched(lib, id, &sch, &changed, &cause), 0);
	}
	return id;
}

/* An episode of "Show" (1990), S01E<n>, with one guid. */
static int64_t
put_episode(struct library *lib, int n, const char *guid_id, const char *path)
{
	static const struct lib_origin o = { "tmm", 0, 0, NULL, "TV" };
	struct guid g = { GUID_TVDB, "" };
	struct lib_show s;
	struct lib_item it;
	enum lib_result res;
	char *cause = NULL, key[64];
	int64_t show, id = 0;
	int owned;

	memset(&s, 0, sizeof s);
	s.title = "Show";
	s.year = 1990;
	s.total_episodes = -1;
	ck_assert_int_eq(library_put_show(lib, &o, &s, &show, &owned, &res, &cause), 0);
	snprintf(g.id, sizeof g.id, "%s", guid_id);
	snprintf(key, sizeof key, "%s.nfo", path);
	memset(&it, 0, sizeof it);
	it.file_path = path;
	it.source_key = key;
	it.media_type = "episode";
	it.title = "Pilot";
	it.season = 1;
	it.episode = n;
	it.duration_ms = 1320000;
	it.guids = &g;
	it.nguids = 1;
	ck_assert_msg(library_put_episode(lib, &o, show, &it, &id, &res, &cause) == 0, "%s", cause);
	return id;
}

START_TEST(removed_come_back)
{
	struct library *lib;
	char *cause = NULL, *s;
	sqlite3 *db = open_db();
	int64_t id, back, show, mf;
	long chapters;
	int removed;

	lib = library_new(db, &cause);
	id = put_heat(lib, "77", "/m/heat.mkv", "late_night");
	ck_assert_int_eq(db_exec(db, "INSERT INTO chapter_markers (media_file_id, timestamp_ms, "
	    "chapter_title) VALUES (1, 61000, 'Act 2')", NULL), 0);
	ck_assert_int_eq(library_remove_file(lib, id, "sync of Plex source home", &cause), 0);
	s = text(db, "SELECT reason || '|' || title || '|' || chapters || '|' || (SELECT "
	    "group_concat(guid, ' ') FROM (SELECT guid FROM removed_item_guids ORDER BY guid)) "
	    "FROM removed_items");
	ck_assert_str_eq(s, "sync of Plex source home|Heat (1995)|1|imdb://tt0113277 "
	    "plex://movie/5d7768");
	free(s);
	ck_assert_int_eq(library_restored(lib, NULL), 0);

	/* Back under another key and path, known by its Plex GUID. */
	back = put_heat(lib, "99077", "/moved/heat.mkv", NULL);
	ck_assert_int_eq(library_restored(lib, &chapters), 1);
	ck_assert_int_eq(chapters, 1);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM removed_items", -1), 0);
	s = text(db, "SELECT daypart_preference || '|' || (SELECT chapter_title || '@' || "
	    "timestamp_ms FROM chapter_markers WHERE media_file_id = c.media_file_id) FROM "
	    "content_scheduling_metadata c");
	ck_assert_str_eq(s, "late_night|Act 2@61000");
	free(s);

	/* Past the grace period a returning file is new, and the row is purged. */
	ck_assert_int_eq(library_remove_file(lib, back, "test", &cause), 0);
	ck_assert_int_eq(db_exec(db, "UPDATE removed_items SET removed_at = strftime("
	    "'%Y-%m-%dT%H:%M:%SZ', 'now', '-31 days')", NULL), 0);
	library_free(&lib);
	lib = library_new(db, &cause);
	put_heat(lib, "77", "/m/heat.mkv", NULL);
	ck_assert_int_eq(library_restored(lib, NULL), 0);
	ck_assert_int_eq(removed_purge(db, &cause), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM removed_items", -1), 0);

	/* Episodes: the same external id with another number is another episode. */
	id = put_episode(lib, 1, "268592/1/1", "/tv/e1.mkv");
	ck_assert_int_eq(db_exec(db, "INSERT INTO chapter_markers (media_file_id, timestamp_ms) "
	    "SELECT id, 5000 FROM media_files WHERE file_path = '/tv/e1.mkv'", NULL), 0);
	ck_assert_int_eq(library_remove_file(lib, id, "test", &cause), 0);
	put_episode(lib, 2, "268592/1/1", "/tv/e2.mkv");
	ck_assert_int_eq(library_restored(lib, NULL), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM removed_items", -1), 1);

	/* By hand: the file, its episode and its show (gone meanwhile) come back. */
	show = db_scalar(db, "SELECT id FROM shows", 0);
	ck_assert_int_eq(db_exec(db, "DELETE FROM media_files WHERE file_path = '/tv/e2.mkv'",
	    NULL), 0);
	ck_assert_int_eq(library_remove_show_if_empty(lib, show, &removed, &cause), 0);
	ck_assert_int_eq(removed, 1);
	ck_assert_int_eq(removed_restore(db, db_scalar(db, "SELECT id FROM removed_items", 0), &mf,
	    &chapters, &cause), 0);
	ck_assert_int_eq(mf, id);
	ck_assert_int_eq(chapters, 1);
	s = text(db, "SELECT s.id || ' ' || s.title || ' ' || s.year || ' S' || e.season_number || "
	    "'E' || e.episode_number || ' ' || mf.file_path || ' ' || c.content_type FROM "
	    "media_files mf JOIN episodes e ON e.media_file_id = mf.id JOIN shows s ON s.id = "
	    "e.show_id JOIN content_scheduling_metadata c ON c.media_file_id = mf.id");
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM removed_items", -1), 0);
	free(cause);
	cause = NULL;
	{
		char want[128];

		snprintf(want, sizeof want, "%lld Show 1990 S1E1 /tv/e1.mkv episode",
		    (long long)show);
		ck_assert_str_eq(s, want);
	}
	free(s);
	/* A row whose source went cannot come back by hand. */
	ck_assert_int_eq(library_remove_file(lib, mf, "test", &cause), 0);
	ck_assert_int_eq(db_exec(db, "UPDATE removed_items SET tmm_directory_id = 42", NULL), 0);
	ck_assert_int_eq(removed_restore(db, db_scalar(db, "SELECT id FROM removed_items", 0), &mf,
	    &chapters, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "TMM directory that was removed"));
	free(cause);
	library_free(&lib);
	db_close(&db);
}
END_TEST

START_TEST(remove_limit)
{
	struct import_stats st;
	sqlite3 *db = open_db();

	memset(&st, 0, sizeof st);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 0, 0, 0, &st), 1);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 1, 3, 0, &st), 1);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 2, 3, 0, &st), 0);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 1, 1, 0, &st), 0);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 10, 100, 0, &st), 1);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 11, 100, 0, &st), 0);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 50, 1000, 0, &st), 1);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 51, 1000, 0, &st), 0);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 3, 3, 1, &st), 1);
	ck_assert_int_eq(st.held, 2 + 1 + 11 + 51);
	/* The limits are settings. */
	ck_assert_int_eq(db_exec(db, "INSERT INTO system_config (key, value) VALUES "
	    "('library.remove_limit_percent', '50'), ('library.remove_limit_items', '5')", NULL), 0);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 2, 4, 0, &st), 1);
	ck_assert_int_eq(import_may_remove(db, NULL, "x", 6, 100, 0, &st), 0);
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
	tcase_add_test(tc, removed_come_back);
	tcase_add_test(tc, remove_limit);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
