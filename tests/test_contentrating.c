/*
 * test_contentrating.c: content ratings to names and levels.
 */
#include <stdio.h>
#include <string.h>

#include "src/contentrating.h"
#include "tests/check_tap.h"

/* raw (movie or tv) -> norm, level. */
static void
expect(const char *raw, int tv, const char *norm, int level)
{
	char buf[32];
	int l;

	ck_assert_msg(contentrating_parse(raw, tv, buf, sizeof buf, &l) == 0, "'%s' not understood",
	    raw);
	ck_assert_msg(strcmp(buf, norm) == 0, "'%s' -> '%s', not '%s'", raw, buf, norm);
	ck_assert_msg(l == level, "'%s' -> level %d, not %d", raw, l, level);
}

START_TEST(us_movies)
{
	expect("G", 0, "G", 0);
	expect("PG", 0, "PG", 8);
	expect("PG-13", 0, "PG-13", 13);
	expect("pg13", 0, "PG-13", 13);
	expect("R", 0, "R", 17);
	expect("NC-17", 0, "NC-17", 18);
	expect("Rated PG-13", 0, "PG-13", 13);
	expect("  Rated R  ", 0, "R", 17);
	expect("us/PG", 0, "PG", 8);
	expect("USA:PG-13", 0, "PG-13", 13);
}
END_TEST

START_TEST(us_tv)
{
	expect("TV-Y", 1, "TV-Y", 0);
	expect("TV-Y7", 1, "TV-Y7", 7);
	expect("TV-Y7-FV", 1, "TV-Y7", 7);
	expect("TV-G", 1, "TV-G", 0);
	expect("TV-PG", 1, "TV-PG", 8);
	expect("TV-14", 1, "TV-14", 14);
	expect("tv14", 1, "TV-14", 14);
	expect("TV-MA", 1, "TV-MA", 17);
}
END_TEST

START_TEST(countries)
{
	expect("gb/15", 0, "R", 15);
	expect("gb/12A", 0, "PG-13", 12);
	expect("gb/12", 0, "PG-13", 12);
	expect("gb/U", 0, "G", 0);
	expect("gb/18", 1, "TV-MA", 18);
	expect("UK:PG", 0, "PG", 8);
	expect("Australia:M", 0, "PG-13", 13);
	expect("Australia:MA", 1, "TV-MA", 15);
	expect("au/MA15+", 0, "R", 15);
	expect("au/R18+", 0, "NC-17", 18);
	expect("ca/14A", 0, "PG-13", 14);
	expect("de/12", 0, "PG-13", 12);
	expect("de/FSK 16", 0, "R", 16);
	expect("ab 12", 0, "PG-13", 12);
	expect("16", 1, "TV-MA", 16);
	expect("12+", 0, "PG-13", 12);
}
END_TEST

START_TEST(unrated_and_junk)
{
	char buf[32];
	int l;

	expect("NR", 0, "NR", -1);
	expect("Not Rated", 0, "NR", -1);
	expect("Unrated", 1, "NR", -1);
	ck_assert_int_ne(contentrating_parse(NULL, 0, buf, sizeof buf, &l), 0);
	ck_assert_int_ne(contentrating_parse("", 0, buf, sizeof buf, &l), 0);
	ck_assert_int_ne(contentrating_parse("   ", 0, buf, sizeof buf, &l), 0);
	ck_assert_int_ne(contentrating_parse("Banana", 0, buf, sizeof buf, &l), 0);
	ck_assert_str_eq(buf, "Banana");
	ck_assert_int_eq(l, -1);
	ck_assert_int_ne(contentrating_parse("fr/", 0, buf, sizeof buf, &l), 0);
	/* Levels keep their order across scales. */
	ck_assert_str_eq(contentrating_name(-1, 0), "NR");
	ck_assert_str_eq(contentrating_name(0, 1), "TV-G");
	ck_assert_str_eq(contentrating_name(13, 0), "PG-13");
	ck_assert_str_eq(contentrating_name(18, 0), "NC-17");
	/* A long value does not overflow. */
	ck_assert_int_ne(contentrating_parse("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0, buf, 8, &l), 0);
	ck_assert_int_eq((int)strlen(buf), 7);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("contentrating");
	TCase *tc = tcase_create("contentrating");

	tcase_add_test(tc, us_movies);
	tcase_add_test(tc, us_tv);
	tcase_add_test(tc, countries);
	tcase_add_test(tc, unrated_and_junk);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
