/*
 * test_rating.c: the rating scale (src/rating.c): US film and TV ratings,
 * country prefixes as Plex and .nfo files write them, unrated spellings,
 * and limit checks.
 */
#include <stdio.h>
#include <string.h>

#include "src/rating.h"
#include "tests/unit/check_tap.h"

/* Assert text parses to level, name and system. */
static void
expect(const char *text, int level, const char *name, const char *system)
{
	struct rating r;

	ck_assert_msg(rating_parse(text, &r) == 0, "'%s' did not parse", text);
	ck_assert_msg(r.level == level, "'%s': level %d, want %d", text, r.level, level);
	ck_assert_msg(strcmp(r.name, name) == 0, "'%s': name '%s', want '%s'", text, r.name,
	    name);
	ck_assert_msg(strcmp(r.system, system) == 0, "'%s': system '%s', want '%s'", text,
	    r.system, system);
	ck_assert_int_eq(rating_level(text), level);
}

START_TEST(us_film_and_tv)
{
	expect("G", RATING_G, "G", "MPAA");
	expect("PG", RATING_PG, "PG", "MPAA");
	expect("PG-13", RATING_PG13, "PG-13", "MPAA");
	expect("R", RATING_R, "R", "MPAA");
	expect("NC-17", RATING_NC17, "NC-17", "MPAA");
	expect("TV-Y", RATING_TV_Y, "TV-Y", "VCHIP");
	expect("TV-Y7", RATING_TV_Y7, "TV-Y7", "VCHIP");
	expect("TV-Y7-FV", RATING_TV_Y7, "TV-Y7-FV", "VCHIP");
	expect("TV-G", RATING_G, "TV-G", "VCHIP");
	expect("TV-PG", RATING_PG, "TV-PG", "VCHIP");
	expect("TV-14", RATING_TV14, "TV-14", "VCHIP");
	expect("TV-MA", RATING_R, "TV-MA", "VCHIP");
	expect("X", RATING_ADULT, "X", "MPAA");
	expect("Approved", RATING_G, "APPROVED", "MPAA");
}
END_TEST

START_TEST(spellings)
{
	expect("pg-13", RATING_PG13, "PG-13", "MPAA");
	expect("  tv-14 ", RATING_TV14, "TV-14", "VCHIP");
	expect("PG13", RATING_PG13, "PG-13", "MPAA");
	expect("TV14", RATING_TV14, "TV-14", "VCHIP");
	expect("TVMA", RATING_R, "TV-MA", "VCHIP");
	expect("NC17", RATING_NC17, "NC-17", "MPAA");
	expect("Rated PG-13", RATING_PG13, "PG-13", "MPAA");
	expect("Rated R for strong violence and language", RATING_R, "R", "MPAA");
	expect("MPAA:R", RATING_R, "R", "MPAA");
	expect("US:PG-13", RATING_PG13, "PG-13", "MPAA");
	expect("us/TV-MA", RATING_R, "TV-MA", "VCHIP");
	expect("US:Rated PG", RATING_PG, "PG", "MPAA");
}
END_TEST

START_TEST(countries)
{
	expect("gb/U", RATING_G, "gb/U", "BBFC");
	expect("gb/PG", RATING_PG, "gb/PG", "BBFC");
	expect("gb/12", 12, "gb/12", "BBFC");
	expect("gb/12A", 12, "gb/12A", "BBFC");
	expect("gb/15", 15, "gb/15", "BBFC");
	expect("gb/18", RATING_NC17, "gb/18", "BBFC");
	expect("gb/R18", RATING_ADULT, "gb/R18", "BBFC");
	expect("de/0", RATING_G, "de/0", "FSK");
	expect("de/6", 6, "de/6", "FSK");
	expect("de/12", 12, "de/12", "FSK");
	expect("de/16", 16, "de/16", "FSK");
	expect("DE:18", RATING_NC17, "de/18", "FSK");
	expect("fr/-10", 10, "fr/-10", "CSA");
	expect("fr/TP", RATING_G, "fr/TP", "CSA");
	expect("au/M", RATING_PG13, "au/M", "ACB");
	expect("au/MA15+", 15, "au/MA15+", "ACB");
	expect("ca/14A", RATING_TV14, "ca/14A", "CHVRS");
	expect("ca/18A", 18, "ca/18A", "CHVRS");
	expect("nz/R16", 16, "nz/R16", "OFLC");
	/* An unknown board goes by its country code. */
	expect("pt/M/12", 12, "pt/M/12", "PT");
	expect("16", 16, "16", "age");
	expect("21", RATING_MAX, "21", "age");
	expect("FSK 12", 12, "12", "age");
	expect("ab 6", 6, "6", "age");
	expect("16+", 16, "16", "age");
	expect("de/PG-13", RATING_PG13, "de/PG-13", "FSK");
}
END_TEST

START_TEST(unrated)
{
	static const char *texts[] = { "", "NR", "Not Rated", "Unrated", "N/A", "gb/NR",
	    "banana", "gb/banana", "TV-NR", "  ", "Rated", "de/", "us/ZZ", "PG-17", "R2D2",
	    "123", "12abc" };
	struct rating r;
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		ck_assert_msg(rating_parse(texts[i], &r) == -1, "'%s' parsed", texts[i]);
		ck_assert_int_eq(r.level, RATING_UNRATED);
		ck_assert_str_eq(r.name, "");
	}
	ck_assert_int_eq(rating_parse(NULL, &r), -1);
	ck_assert_int_eq(rating_level(NULL), RATING_UNRATED);
}
END_TEST

START_TEST(order_and_limits)
{
	/* The level is the minimum age: the scale orders what a parent would. */
	ck_assert_int_eq(rating_level("TV-Y"), 0);
	ck_assert_int_eq(rating_level("G"), rating_level("TV-G"));
	ck_assert_int_lt(rating_level("TV-G"), rating_level("TV-Y7"));
	ck_assert_int_lt(rating_level("TV-Y7"), rating_level("PG"));
	ck_assert_int_eq(rating_level("PG"), rating_level("TV-PG"));
	ck_assert_int_lt(rating_level("TV-PG"), rating_level("gb/12A"));
	ck_assert_int_lt(rating_level("gb/12A"), rating_level("PG-13"));
	ck_assert_int_lt(rating_level("PG-13"), rating_level("TV-14"));
	ck_assert_int_lt(rating_level("TV-14"), rating_level("gb/15"));
	ck_assert_int_lt(rating_level("gb/15"), rating_level("R"));
	ck_assert_int_eq(rating_level("R"), rating_level("TV-MA"));
	ck_assert_int_lt(rating_level("TV-MA"), rating_level("NC-17"));
	ck_assert_int_eq(rating_level("NC-17"), rating_level("X"));

	ck_assert(rating_allows(RATING_TV14, rating_level("TV-PG"), 0));
	ck_assert(rating_allows(RATING_TV14, rating_level("PG-13"), 0));
	ck_assert(!rating_allows(RATING_TV14, rating_level("R"), 1));
	ck_assert(!rating_allows(RATING_TV14, rating_level("gb/15"), 1));
	ck_assert(!rating_allows(RATING_PG13, rating_level("TV-14"), 1));
	ck_assert(rating_allows(RATING_UNRATED, rating_level("NC-17"), 0));
	ck_assert(rating_allows(RATING_PG, RATING_UNRATED, 1));
	ck_assert(!rating_allows(RATING_PG, RATING_UNRATED, 0));

	ck_assert_str_eq(rating_level_name(RATING_PG13), "PG-13");
	ck_assert_str_eq(rating_level_name(RATING_R), "R/TV-MA");
	ck_assert_str_eq(rating_level_name(15), "age 15");
	ck_assert_str_eq(rating_level_name(RATING_UNRATED), "unrated");
	ck_assert_str_eq(rating_level_name(99), "unrated");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rating");
	TCase *tc = tcase_create("rating");

	tcase_add_test(tc, us_film_and_tv);
	tcase_add_test(tc, spellings);
	tcase_add_test(tc, countries);
	tcase_add_test(tc, unrated);
	tcase_add_test(tc, order_and_limits);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
