/*
 * test_pathmap.c: Plex path mapping (src/pathmap.c), edge cases, and
 * re-mapping stored paths when rules change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/db.h"
#include "src/pathmap.h"
#include "tests/unit/check_tap.h"

/* Map with pm and compare (NULL: no rule applies). */
static void
expect(const struct pathmap *pm, int64_t source, const char *in, const char *out)
{
	char *got = pathmap_map(pm, source, in, NULL);

	if (out == NULL)
		ck_assert_msg(got == NULL, "'%s' mapped to '%s'", in, got);
	else {
		ck_assert_msg(got != NULL, "'%s' did not map", in);
		ck_assert_msg(strcmp(got, out) == 0, "'%s' -> '%s', not '%s'", in, got, out);
	}
	free(got);
}

START_TEST(prefixes)
{
	struct pathmap pm = { NULL, 0 };

	pathmap_push(&pm, 1, 0, "/media/movies", "R:\\movies");
	pathmap_push(&pm, 2, 0, "/media/tv", "\\\\server\\share\\tv");
	pathmap_push(&pm, 3, 0, "/othermedia/Other Movies", "R:\\other");
	/* The brief's examples. */
	expect(&pm, 1, "/media/movies/ActionMovie.mp4", "R:\\movies\\ActionMovie.mp4");
	expect(&pm, 1, "/media/tv/ShowName/S01E01.mp4", "\\\\server\\share\\tv\\ShowName\\S01E01.mp4");
	expect(&pm, 1, "/othermedia/Other Movies/Godzilla", "R:\\other\\Godzilla");
	/* Whole segments only. */
	expect(&pm, 1, "/media/tvshows/x.mkv", NULL);
	expect(&pm, 1, "/media/movies2/x.mkv", NULL);
	/* The prefix itself. */
	expect(&pm, 1, "/media/tv", "\\\\server\\share\\tv");
	/* POSIX prefixes are case-sensitive. */
	expect(&pm, 1, "/Media/tv/x.mkv", NULL);
	expect(&pm, 1, "/nothing/here", NULL);
	expect(&pm, 1, "", NULL);
	pathmap_clear(&pm);
}
END_TEST

START_TEST(longest_wins)
{
	struct pathmap pm = { NULL, 0 };

	pathmap_push(&pm, 1, 0, "/media", "/mnt/a");
	pathmap_push(&pm, 2, 0, "/media/tv/kids", "/mnt/kids");
	pathmap_push(&pm, 3, 0, "/media/tv", "/mnt/tv");
	expect(&pm, 1, "/media/tv/kids/Bluey/e1.mkv", "/mnt/kids/Bluey/e1.mkv");
	expect(&pm, 1, "/media/tv/Lost/e1.mkv", "/mnt/tv/Lost/e1.mkv");
	expect(&pm, 1, "/media/movies/m.mkv", "/mnt/a/movies/m.mkv");
	expect(&pm, 1, "/media/tv/kidsplus/x.mkv", "/mnt/tv/kidsplus/x.mkv");
	pathmap_clear(&pm);
}
END_TEST

START_TEST(sources)
{
	struct pathmap pm = { NULL, 0 };
	const struct pathmap_rule *used;
	char *got;

	pathmap_push(&pm, 1, 0, "/data", "/mnt/all");
	pathmap_push(&pm, 2, 7, "/data", "/mnt/seven");
	pathmap_push(&pm, 3, 8, "/data/Movies", "/mnt/eight");
	/* A rule for the item's own source beats one for all at the same length. */
	expect(&pm, 7, "/data/x", "/mnt/seven/x");
	expect(&pm, 1, "/data/x", "/mnt/all/x");
	/* Rules of other sources do not apply. */
	expect(&pm, 7, "/data/Movies/m.mkv", "/mnt/seven/Movies/m.mkv");
	expect(&pm, 8, "/data/Movies/m.mkv", "/mnt/eight/m.mkv");
	got = pathmap_map(&pm, 8, "/data/Movies/m.mkv", &used);
	ck_assert_ptr_nonnull(used);
	ck_assert_int_eq(used->id, 3);
	free(got);
	pathmap_clear(&pm);
}
END_TEST

START_TEST(windows)
{
	struct pathmap pm = { NULL, 0 };

	pathmap_push(&pm, 1, 0, "D:\\Media\\TV", "/mnt/nas/tv");
	pathmap_push(&pm, 2, 0, "\\\\NAS\\Movies\\", "/mnt/movies/");
	pathmap_push(&pm, 3, 0, "E:/Films", "F:\\Films");
	/* Case-insensitive, either separator; the rest keeps its case, takes '/'. */
	expect(&pm, 1, "D:\\Media\\TV\\Show\\S01E01.mkv", "/mnt/nas/tv/Show/S01E01.mkv");
	expect(&pm, 1, "d:/media/tv/Show/S01E01.MKV", "/mnt/nas/tv/Show/S01E01.MKV");
	expect(&pm, 1, "D:\\MEDIA\\tv\\A b\\c.mkv", "/mnt/nas/tv/A b/c.mkv");
	expect(&pm, 1, "D:\\Media\\TVShows\\x.mkv", NULL);
	/* UNC, trailing separators on both sides. */
	expect(&pm, 1, "\\\\nas\\movies\\Alien (1979)\\Alien.mkv", "/mnt/movies/Alien (1979)/Alien.mkv");
	expect(&pm, 1, "//NAS/Movies/x.mkv", "/mnt/movies/x.mkv");
	/* Windows to Windows: backslashes. */
	expect(&pm, 1, "e:\\films\\Heat\\heat.mkv", "F:\\Films\\Heat\\heat.mkv");
	expect(&pm, 1, "E:/Films/Heat/heat.mkv", "F:\\Films\\Heat\\heat.mkv");
	pathmap_clear(&pm);
}
END_TEST

START_TEST(roots)
{
	struct pathmap pm = { NULL, 0 };

	pathmap_push(&pm, 1, 0, "/", "/mnt/root");
	pathmap_push(&pm, 2, 0, "C:\\", "/mnt/c");
	pathmap_push(&pm, 3, 0, "/strip", "");
	expect(&pm, 1, "/a/b.mkv", "/mnt/root/a/b.mkv");
	expect(&pm, 1, "c:\\x\\y.mkv", "/mnt/c/x/y.mkv");
	expect(&pm, 1, "/strip/movies/x.mkv", "/movies/x.mkv");
	pathmap_clear(&pm);
}
END_TEST

/* Insert a Plex media file with a reported path. */
static void
add_file(sqlite3 *db, int64_t source, const char *key, const char *path)
{
	char sql[512];

	snprintf(sql, sizeof sql, "INSERT INTO media_files (file_path, source_path, media_type, "
	    "source_type, source_id, source_key, validation_status) VALUES ('%s', '%s', 'movie', "
	    "'plex', %lld, '%s', 'ok')", path, path, (long long)source, key);
	ck_assert_int_eq(db_exec(db, sql, NULL), 0);
}

/* file_path of a key. */
static char *
path_of(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT file_path, validation_status FROM media_files "
	    "WHERE source_key = ?", NULL);
	char *out = NULL;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup(db_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

START_TEST(reapply)
{
	char path[4200], *cause = NULL, *p;
	sqlite3 *db;
	int64_t id1, id2;
	int n;

	snprintf(path, sizeof path, "%s/pm.db", check_tmpdir());
	ck_assert_int_eq(db_open(path, DB_CREATE, &db, &cause), 0);
	ck_assert_int_eq(db_exec(db, "INSERT INTO content_sources (id, source_type, source_name) "
	    "VALUES (1, 'plex', 'a'), (2, 'plex', 'b')", NULL), 0);
	add_file(db, 1, "m1", "/media/movies/A.mkv");
	add_file(db, 2, "m2", "/media/movies/B.mkv");
	add_file(db, 1, "t1", "/media/tv/Lost/1.mkv");

	ck_assert_int_eq(pathmap_add(db, 0, "/media/movies/", "/mnt/m", &id1, &n, &cause), 0);
	ck_assert_int_eq(n, 2);
	p = path_of(db, "m1");
	ck_assert_str_eq(p, "/mnt/m/A.mkv");
	free(p);
	ck_assert_int_eq((int)db_scalar(db, "SELECT count(*) FROM media_files WHERE "
	    "validation_status = 'unchecked'", -1), 2);
	/* The same prefix again changes the rule rather than adding one. */
	ck_assert_int_eq(pathmap_add(db, 0, "/media/movies", "/srv/m", &id2, &n, &cause), 0);
	ck_assert_int_eq(id1, id2);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq((int)db_scalar(db, "SELECT count(*) FROM plex_path_replacements", -1), 1);
	/* A source-only rule beats it for that source. */
	ck_assert_int_eq(pathmap_add(db, 2, "/media/movies", "/b/m", &id2, &n, &cause), 0);
	ck_assert_int_eq(n, 1);
	p = path_of(db, "m2");
	ck_assert_str_eq(p, "/b/m/B.mkv");
	free(p);
	p = path_of(db, "t1");
	ck_assert_str_eq(p, "/media/tv/Lost/1.mkv");
	free(p);
	/* Removing a rule puts paths back. */
	ck_assert_int_eq(pathmap_remove(db, id2, &n, &cause), 0);
	ck_assert_int_eq(n, 1);
	p = path_of(db, "m2");
	ck_assert_str_eq(p, "/srv/m/B.mkv");
	free(p);
	ck_assert_int_eq(pathmap_remove(db, id1, &n, &cause), 0);
	p = path_of(db, "m1");
	ck_assert_str_eq(p, "/media/movies/A.mkv");
	free(p);
	ck_assert_int_ne(pathmap_remove(db, 999, &n, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "no path mapping 999"));
	free(cause);
	cause = NULL;
	ck_assert_int_ne(pathmap_add(db, 0, "", "/x", &id1, &n, &cause), 0);
	free(cause);
	db_close(&db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pathmap");
	TCase *tc = tcase_create("pathmap");

	tcase_add_test(tc, prefixes);
	tcase_add_test(tc, longest_wins);
	tcase_add_test(tc, sources);
	tcase_add_test(tc, windows);
	tcase_add_test(tc, roots);
	tcase_add_test(tc, reapply);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
