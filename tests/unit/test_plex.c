/*
 * test_plex.c: reading Plex answers (src/plex.c) from the real captures:
 * JSON and XML, and the same items with every field missing, null or of
 * another type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/plex.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/* Read a fixture into memory. */
static char *
slurp(const char *rel, size_t *len)
{
	const char *dir = getenv("FIXTURES") != NULL ? getenv("FIXTURES") : FIXTURES_DIR;
	char path[4096], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof path, "%s/plex/%s", dir, rel);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	ck_assert_int_eq((long)fread(buf, 1, (size_t)n, f), n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Parse a fixture document. */
static json_t *
doc(const char *rel)
{
	size_t len;
	char *buf = slurp(rel, &len), *cause = NULL;
	json_t *j = NULL;

	ck_assert_msg(plex_parse_body(buf, len, &j, &cause) == 0, "%s: %s", rel, cause);
	free(buf);
	return j;
}

START_TEST(json_movies)
{
	json_t *d = doc("json/library_sections_1_all.movies.json");
	struct srv_item it;

	ck_assert_int_eq((int)json_array_size(plex_metadata(d)), 4);
	ck_assert_int_eq(plex_item_parse(json_array_get(plex_metadata(d), 0), &it), 0);
	ck_assert_str_eq(it.key, "55");
	ck_assert_str_eq(it.type, "movie");
	ck_assert_str_eq(it.title, "Big Buck Bunny");
	ck_assert_int_eq(it.year, 2008);
	ck_assert_str_eq(it.content_rating, "G");
	ck_assert_int_eq((int)it.stamp, 1579514152);
	ck_assert_int_eq((int)it.duration_ms, 5062);
	ck_assert_str_eq(it.file, "/data/Movies/Big Buck Bunny (2008).mkv");
	ck_assert_int_eq((int)it.file_size, 13400382);
	ck_assert_str_eq(it.genre, "Animation, Comedy");
	ck_assert_str_eq(it.director, "Sacha Goedegebure");
	ck_assert_int_eq((int)it.nguids, 1);
	ck_assert_int_eq(it.guids[0].provider, GUID_IMDB);
	ck_assert_str_eq(it.guids[0].id, "tt1254207");
	plex_item_clear(&it);
	json_decref(d);
}
END_TEST

START_TEST(json_new_agent)
{
	json_t *d = doc("json/library_metadata_1036.movie_plex_agent_guids.json");
	struct srv_item it;

	ck_assert_int_eq(plex_item_parse(json_array_get(plex_metadata(d), 0), &it), 0);
	ck_assert_str_eq(it.content_rating, "gb/12");
	ck_assert_int_eq((int)it.nguids, 4);
	ck_assert_int_eq(it.guids[guid_primary(it.guids, it.nguids)].provider, GUID_TVDB);
	ck_assert_str_eq(it.guids[guid_primary(it.guids, it.nguids)].id, "1709");
	ck_assert_str_eq(it.file, "/mnt/media/Libraries/movies/Reign of Fire (2002)/Reign of Fire (2002).mp4");
	plex_item_clear(&it);
	json_decref(d);

	d = doc("json/library_metadata_159637.movie_two_media.json");
	ck_assert_int_eq(plex_item_parse(json_array_get(plex_metadata(d), 0), &it), 0);
	ck_assert_ptr_nonnull(strstr(it.file, "Black Panther Wakanda Forever (2022).mkv"));
	plex_item_clear(&it);
	json_decref(d);
}
END_TEST

START_TEST(json_shows_episodes)
{
	json_t *d = doc("json/library_sections_2_all.shows.json");
	struct srv_item it;

	ck_assert_int_eq(plex_item_parse(json_array_get(plex_metadata(d), 0), &it), 0);
	ck_assert_str_eq(it.type, "show");
	ck_assert_str_eq(it.title, "The 100");
	ck_assert_int_eq(it.year, 2014);
	ck_assert_int_eq((int)it.leaf_count, 18);
	ck_assert_int_eq(it.guids[0].provider, GUID_TVDB);
	ck_assert_str_eq(it.guids[0].id, "268592");
	plex_item_clear(&it);
	json_decref(d);

	d = doc("json/library_metadata_89_children.episodes.json");
	ck_assert_int_eq(plex_item_parse(json_array_get(plex_metadata(d), 2), &it), 0);
	ck_assert_str_eq(it.type, "episode");
	ck_assert_str_eq(it.title, "Earth Kills");
	ck_assert_str_eq(it.show_title, "The 100");
	ck_assert_str_eq(it.show_key, "22");
	ck_assert_int_eq(it.season, 1);
	ck_assert_int_eq(it.episode, 3);
	ck_assert_str_eq(it.guids[0].id, "268592/1/3");
	plex_item_clear(&it);
	json_decref(d);

	d = doc("json/library_metadata_22_children.seasons.json");
	ck_assert_int_eq(plex_item_parse(json_array_get(plex_metadata(d), 0), &it), 0);
	ck_assert_str_eq(it.type, "season");
	ck_assert_ptr_null(it.file);
	plex_item_clear(&it);
	json_decref(d);
}
END_TEST

START_TEST(xml)
{
	json_t *d = doc("xml/library_sections.movie_show_artist.xml"), *dirs, *mc;
	struct srv_item it;
	size_t i;

	/* Sections: Directory elements without a ratingKey stay "Directory". */
	mc = json_object_get(d, "MediaContainer");
	dirs = json_object_get(mc, "Directory");
	ck_assert_int_eq((int)json_array_size(dirs), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(dirs, 1), "title")),
	    "TV Shows");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(
	    json_array_get(dirs, 1), "Location"), 0), "path")), "/storage/tvshows");
	json_decref(d);

	/* A 2016 movie listing: Video elements, no guids. */
	d = doc("xml/library_sections_2_all.movies.pms2016.xml");
	ck_assert_int_eq((int)json_array_size(plex_metadata(d)), 16);
	for (i = 0; i < 16; i++) {
		ck_assert_int_eq(plex_item_parse(json_array_get(plex_metadata(d), i), &it), 0);
		ck_assert_ptr_nonnull(it.file);
		ck_assert(it.stamp > 0);
		plex_item_clear(&it);
	}
	ck_assert_int_eq(plex_item_parse(json_array_get(plex_metadata(d), 1), &it), 0);
	ck_assert_str_eq(it.title, "Deadpool");
	ck_assert_str_eq(it.content_rating, "R");
	ck_assert_int_eq(it.year, 2016);
	ck_assert_int_eq((int)it.nguids, 0);
	plex_item_clear(&it);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(d, "MediaContainer"),
	    "totalSize")), "255");
	json_decref(d);
}
END_TEST

START_TEST(bad_bodies)
{
	static const char *const bad[] = {
		"", "   ", "{", "{\"MediaContainer\": [1,2", "[1,2,3]", "<MediaContainer",
		"<?xml version=\"1.0\"?><MediaContainer><Video></MediaContainer>",
		"<!DOCTYPE html><html></html>", "<html><body>502</body></html>", "null", "hello",
		"{\"a\": 1, \"a\": 2}",
	};
	char *cause = NULL;
	json_t *j;
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		ck_assert_msg(plex_parse_body(bad[i], strlen(bad[i]), &j, &cause) != 0, "%s", bad[i]);
		ck_assert_ptr_null(j);
		ck_assert_ptr_nonnull(cause);
		freep(&cause);
	}
	ck_assert_int_ne(plex_parse_body("{\"x\": 1", 7, &j, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "malformed JSON at line 1"));
	freep(&cause);
	ck_assert_int_ne(plex_parse_body("<a>\n<b>\n</a>", 12, &j, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "malformed XML at line 3"));
	freep(&cause);
	ck_assert_int_ne(plex_parse_body(NULL, 0, &j, &cause), 0);
	freep(&cause);
	ck_assert_ptr_null(plex_metadata(NULL));
}
END_TEST

/* Replace every member of every item, in turn, by each odd value; parse must survive. */
static void
mangle(const char *rel)
{
	json_t *odd[7], *d, *items, *m, *copy, *saved;
	struct srv_item it;
	const char *key;
	size_t i, k, n;
	void *iter;

	d = doc(rel);
	odd[0] = json_null();
	odd[1] = json_integer(-1);
	odd[2] = json_real(1e300);
	odd[3] = json_string("");
	odd[4] = json_array();
	odd[5] = json_pack("{s:s}", "tag", "x");
	odd[6] = json_pack("[{s:[i]}]", "Part", 3);
	items = plex_metadata(d);
	for (i = 0; i < json_array_size(items); i++) {
		m = json_array_get(items, i);
		for (iter = json_object_iter(m); iter != NULL; iter = json_object_iter_next(m, iter)) {
			key = json_object_iter_key(iter);
			for (k = 0; k < nitems(odd); k++) {
				copy = json_deep_copy(m);
				json_object_set(copy, key, odd[k]);
				if (plex_item_parse(copy, &it) == 0)
					ck_assert_ptr_nonnull(it.key);
				plex_item_clear(&it);
				json_object_del(copy, key);
				plex_item_parse(copy, &it);
				plex_item_clear(&it);
				json_decref(copy);
			}
		}
		/* Inside Media and Part too. */
		saved = json_deep_copy(m);
		n = json_array_size(json_object_get(m, "Media"));
		for (k = 0; k < n; k++) {
			json_t *media = json_array_get(json_object_get(m, "Media"), k);

			json_object_set_new(media, "Part", json_string("oops"));
			plex_item_parse(m, &it);
			plex_item_clear(&it);
			json_object_set_new(media, "Part", json_pack("[n, i, {s:n}]", 7, "file"));
			plex_item_parse(m, &it);
			plex_item_clear(&it);
		}
		/* No version has a usable file: none is made up. */
		if (n > 0) {
			ck_assert_int_eq(plex_item_parse(m, &it), 0);
			ck_assert_ptr_null(it.file);
			plex_item_clear(&it);
		}
		json_decref(saved);
	}
	for (k = 0; k < nitems(odd); k++)
		json_decref(odd[k]);
	ck_assert_int_ne(plex_item_parse(NULL, &it), 0);
	plex_item_clear(&it);
	ck_assert_int_ne(plex_item_parse(json_array_get(items, 99999), &it), 0);
	plex_item_clear(&it);
	json_decref(d);
}

START_TEST(odd_fields)
{
	mangle("json/library_sections_1_all.movies.json");
	mangle("json/library_sections_2_all.shows.json");
	mangle("json/library_metadata_89_children.episodes.json");
	mangle("json/library_metadata_1036.movie_plex_agent_guids.json");
	mangle("json/library_metadata_159637.movie_two_media.json");
	mangle("xml/library_sections_2_all.movies.pms2016.xml");
}
END_TEST

START_TEST(escape)
{
	char *e = plex_escape("Battlestar Galactica & Co/é");

	ck_assert_str_eq(e, "Battlestar%20Galactica%20%26%20Co%2F%C3%A9");
	free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("plex");
	TCase *tc = tcase_create("plex");

	tcase_add_test(tc, json_movies);
	tcase_add_test(tc, json_new_agent);
	tcase_add_test(tc, json_shows_episodes);
	tcase_add_test(tc, xml);
	tcase_add_test(tc, bad_bodies);
	tcase_add_test(tc, odd_fields);
	tcase_add_test(tc, escape);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
