/*
 * test_guid.c: GUID parsing (src/guid.c) and the primary id choice.
 */
#include <stdio.h>
#include <string.h>

#include "src/guid.h"
#include "tests/unit/check_tap.h"

/* Parse s and expect provider and id. */
static void
expect(const char *s, enum guid_provider p, const char *id)
{
	struct guid g;

	ck_assert_msg(guid_parse(s, &g) == 0, "%s did not parse", s);
	ck_assert_str_eq(guid_provider_name(g.provider), guid_provider_name(p));
	ck_assert_str_eq(g.id, id);
}

START_TEST(legacy_agents)
{
	expect("com.plexapp.agents.thetvdb://12345", GUID_TVDB, "12345");
	expect("com.plexapp.agents.themoviedb://54321", GUID_TMDB, "54321");
	expect("com.plexapp.agents.imdb://tt0165832?lang=en", GUID_IMDB, "tt0165832");
	expect("com.plexapp.agents.thetvdb://268592/1/1?lang=en", GUID_TVDB, "268592/1/1");
	expect("com.plexapp.agents.thetvdb://268592?lang=en", GUID_TVDB, "268592");
	expect("  com.plexapp.agents.tmdb://99  ", GUID_TMDB, "99");
}
END_TEST

START_TEST(new_agents)
{
	expect("imdb://tt0123456", GUID_IMDB, "tt0123456");
	expect("tmdb://6278", GUID_TMDB, "6278");
	expect("tvdb://1709", GUID_TVDB, "1709");
	expect("plex://show/abcdef", GUID_PLEX, "show/abcdef");
	expect("plex://movie/5d776830f59e58002189813a", GUID_PLEX, "movie/5d776830f59e58002189813a");
	expect("TVDB://42", GUID_TVDB, "42");
}
END_TEST

START_TEST(rejects)
{
	static const char *const bad[] = {
		"", "   ", "local://123", "com.plexapp.agents.none://abc", "tv.plex.agents.none://x",
		"com.plexapp.agents.hama://anidb-1", "imdb://", "imdb://12345", "tvdb://?lang=en",
		"no scheme", "://x", "tvdb://a b", "tmdb:/123", "plex:", NULL,
	};
	struct guid g;
	int i;

	for (i = 0; bad[i] != NULL; i++)
		ck_assert_msg(guid_parse(bad[i], &g) != 0, "'%s' parsed", bad[i]);
	ck_assert_int_ne(guid_parse(NULL, &g), 0);
}
END_TEST

START_TEST(urls)
{
	struct guid g;

	ck_assert_int_eq(guid_from_url("https://www.imdb.com/title/tt0944947/", &g), 0);
	ck_assert_int_eq(g.provider, GUID_IMDB);
	ck_assert_str_eq(g.id, "tt0944947");
	ck_assert_int_eq(guid_from_url("https://www.themoviedb.org/movie/583689", &g), 0);
	ck_assert_int_eq(g.provider, GUID_TMDB);
	ck_assert_str_eq(g.id, "583689");
	ck_assert_int_eq(guid_from_url("https://www.themoviedb.org/tv/1399-game-of-thrones", &g), 0);
	ck_assert_str_eq(g.id, "1399");
	ck_assert_int_eq(guid_from_url("http://thetvdb.com/?tab=series&id=77585", &g), 0);
	ck_assert_int_eq(g.provider, GUID_TVDB);
	ck_assert_str_eq(g.id, "77585");
	ck_assert_int_ne(guid_from_url("https://www.imdb.com/name/nm0000123/", &g), 0);
	ck_assert_int_ne(guid_from_url("https://example.com/movie/1", &g), 0);
}
END_TEST

START_TEST(primary)
{
	struct guid g[4] = { 0 };
	size_t n = 0;
	struct guid x;

	ck_assert_int_eq(guid_primary(g, 0), -1);
	guid_parse("plex://movie/abc", &x);
	guid_add(g, &n, 4, &x);
	ck_assert_int_eq(guid_primary(g, n), 0);
	guid_parse("imdb://tt0000001", &x);
	guid_add(g, &n, 4, &x);
	ck_assert_int_eq(guid_primary(g, n), 1);
	guid_parse("tmdb://5", &x);
	guid_add(g, &n, 4, &x);
	ck_assert_int_eq(guid_primary(g, n), 2);
	guid_parse("tvdb://7", &x);
	guid_add(g, &n, 4, &x);
	ck_assert_int_eq(guid_primary(g, n), 3);
	/* One per provider, and never past the end. */
	guid_parse("tvdb://8", &x);
	ck_assert_int_eq(guid_add(g, &n, 4, &x), 0);
	ck_assert_int_eq((int)n, 4);
	{
		char buf[64];

		ck_assert_str_eq(guid_format(&g[3], buf, sizeof buf), "tvdb://7");
	}
	ck_assert_int_eq(guid_provider_parse("TheMovieDB"), GUID_TMDB);
	ck_assert_int_eq(guid_provider_parse("Imdb"), GUID_IMDB);
	ck_assert_int_eq(guid_provider_parse("unknown"), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("guid");
	TCase *tc = tcase_create("guid");

	tcase_add_test(tc, legacy_agents);
	tcase_add_test(tc, new_agents);
	tcase_add_test(tc, rejects);
	tcase_add_test(tc, urls);
	tcase_add_test(tc, primary);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
