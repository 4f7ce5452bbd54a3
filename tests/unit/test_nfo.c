/*
 * test_nfo.c: reading every .nfo fixture (src/nfo.c), the malformed ones
 * with a warning naming the file and line, and the <retrovue> element.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/nfo.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

static char warnings[16384];
static int nwarnings;

/* Collect "file:line: message" lines. */
static void
on_warn(void *arg, const char *path, int line, const char *msg)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(warnings);

	snprintf(warnings + n, sizeof warnings - n, "%s:%d: %s\n", base != NULL ? base + 1 : path,
	    line, msg);
	nwarnings++;
}

/* Parse a fixture; expect success. */
static void
parse(const char *rel, struct nfo_file *f)
{
	const char *dir = getenv("FIXTURES") != NULL ? getenv("FIXTURES") : FIXTURES_DIR;
	char path[4096], *cause = NULL;

	warnings[0] = '\0';
	nwarnings = 0;
	snprintf(path, sizeof path, "%s/nfo/%s", dir, rel);
	ck_assert_msg(nfo_parse_file(path, f, on_warn, NULL, &cause) == 0, "%s: %s", rel,
	    cause != NULL ? cause : "?");
}

/* Is g among the item's ids? */
static int
has_id(const struct nfo_item *it, enum guid_provider p, const char *id)
{
	size_t i;

	for (i = 0; i < it->nguids; i++) {
		if (it->guids[i].provider == p && strcmp(it->guids[i].id, id) == 0)
			return 1;
	}
	return 0;
}

START_TEST(movies)
{
	struct nfo_file f;

	parse("movie/jellyfin_justice_league.movie.nfo", &f);
	ck_assert_int_eq((int)f.n, 1);
	ck_assert_int_eq(f.items[0].kind, NFO_MOVIE);
	ck_assert_str_eq(f.items[0].title, "Justice League");
	ck_assert_int_eq(f.items[0].year, 2017);
	ck_assert_int_eq(f.items[0].runtime_min, 120);
	ck_assert_str_eq(f.items[0].rating, "Australia:M");
	ck_assert_str_eq(f.items[0].genre, "Action, Adventure, Fantasy, Sci-Fi");
	ck_assert_str_eq(f.items[0].director, "Zack Snyder");
	ck_assert_str_eq(f.items[0].studio, "DC Comics");
	ck_assert(has_id(&f.items[0], GUID_IMDB, "tt0974015"));
	ck_assert(has_id(&f.items[0], GUID_TMDB, "141052"));
	ck_assert_int_eq(nwarnings, 0);
	nfo_file_clear(&f);

	parse("movie/tmm_kodi17.0_batman_begins.movie.nfo", &f);
	ck_assert_str_eq(f.items[0].title, "Batman Begins");
	ck_assert_str_eq(f.items[0].rating, "Rated PG-13");
	ck_assert_int_eq(f.items[0].runtime_min, 140);
	ck_assert(has_id(&f.items[0], GUID_IMDB, "tt0372784"));
	ck_assert(has_id(&f.items[0], GUID_TMDB, "272"));
	ck_assert_int_eq(nwarnings, 0);
	nfo_file_clear(&f);

	parse("movie/tmm_written_9_2009.movie.nfo", &f);
	ck_assert_str_eq(f.items[0].title, "9");
	ck_assert_int_eq(f.items[0].year, 2009);
	ck_assert_str_eq(f.items[0].rating, "ab 12");
	ck_assert(f.items[0].duration_s > 0);
	ck_assert_int_eq(f.items[0].runtime_min, 79);
	nfo_file_clear(&f);

	parse("movie/emby_28_days_later.movie.nfo", &f);
	ck_assert_str_eq(f.items[0].title, "28 Days Later");
	ck_assert_int_eq(f.items[0].year, 2002);
	ck_assert_str_eq(f.items[0].rating, "R");
	ck_assert(has_id(&f.items[0], GUID_TMDB, "170"));
	ck_assert(has_id(&f.items[0], GUID_IMDB, "tt0289043"));
	/* The plot is CDATA after a byte order mark. */
	ck_assert_ptr_nonnull(strstr(f.items[0].plot, "Twenty-eight days"));
	ck_assert_int_eq(nwarnings, 0);
	nfo_file_clear(&f);
}
END_TEST

START_TEST(shows)
{
	struct nfo_file f;

	parse("tvshow/jellyfin_american_gods.tvshow.nfo", &f);
	ck_assert_int_eq(f.items[0].kind, NFO_TVSHOW);
	ck_assert_str_eq(f.items[0].title, "American Gods");
	ck_assert_int_eq(f.items[0].year, 2017);
	ck_assert_str_eq(f.items[0].rating, "Australia:MA");
	ck_assert(has_id(&f.items[0], GUID_TMDB, "46639"));
	ck_assert(has_id(&f.items[0], GUID_TVDB, "253573"));
	ck_assert_int_eq(nwarnings, 0);
	nfo_file_clear(&f);

	parse("tvshow/tmm_kodi17.0_21_jump_street.tvshow.nfo", &f);
	ck_assert_str_eq(f.items[0].title, "21 Jump Street");
	ck_assert_int_eq(f.items[0].year, 1987);
	ck_assert_str_eq(f.items[0].rating, "TV-PG");
	/* type="unknown" on a show: TVDB, the scraper Kodi 17 used. */
	ck_assert(has_id(&f.items[0], GUID_TVDB, "77585"));
	nfo_file_clear(&f);
}
END_TEST

START_TEST(episodes)
{
	struct nfo_file f;

	parse("episode/jellyfin_american_gods_s01e01_the_bone_orchard.nfo", &f);
	ck_assert_int_eq(f.items[0].kind, NFO_EPISODE);
	ck_assert_str_eq(f.items[0].title, "The Bone Orchard");
	ck_assert_str_eq(f.items[0].show_title, "American Gods");
	ck_assert_int_eq(f.items[0].season, 1);
	ck_assert_int_eq(f.items[0].episode, 1);
	ck_assert_str_eq(f.items[0].aired, "2017-04-30");
	ck_assert_str_eq(f.items[0].rating, "16");
	ck_assert(has_id(&f.items[0], GUID_IMDB, "tt5017734"));
	nfo_file_clear(&f);

	parse("episode/sonarr_written_s01e08_streamdetails.nfo", &f);
	ck_assert_int_eq(f.items[0].season, 1);
	ck_assert_int_eq(f.items[0].episode, 8);
	ck_assert(f.items[0].duration_s > 1420 && f.items[0].duration_s < 1422);
	nfo_file_clear(&f);

	parse("episode/tmm3_written_breaking_bad_S01E01.nfo", &f);
	ck_assert_str_eq(f.items[0].rating, "TV-MA");
	ck_assert(f.items[0].duration_s == 0);
	ck_assert(has_id(&f.items[0], GUID_TVDB, "349232"));
	nfo_file_clear(&f);

	parse("episode/tmm_written_futurama_S01E01.nfo", &f);
	ck_assert_str_eq(f.items[0].rating, "TV-14");
	ck_assert_str_eq(f.items[0].director, "Rich Moore, Gregg Vanzo");
	nfo_file_clear(&f);
}
END_TEST

/* Each malformed sample: read what can be read, warn naming file and line. */
START_TEST(odd)
{
	struct nfo_file f;

	parse("odd/ersatztv_episode_bom_comment_trailing_garbage.nfo", &f);
	ck_assert_int_eq((int)f.n, 1);
	ck_assert_str_eq(f.items[0].title, "Test Title");
	ck_assert_ptr_nonnull(strstr(warnings,
	    "ersatztv_episode_bom_comment_trailing_garbage.nfo:6: "));
	ck_assert_ptr_nonnull(strstr(warnings, "junk after the XML"));
	nfo_file_clear(&f);

	parse("odd/jellyfin_communityrating_decimal_comma.movie.nfo", &f);
	ck_assert_str_eq(f.items[0].title, "Test Movie");
	ck_assert(f.items[0].community_rating > 7.49 && f.items[0].community_rating < 7.51);
	ck_assert_ptr_nonnull(strstr(warnings, "jellyfin_communityrating_decimal_comma.movie.nfo:4: "
	    "<communityrating> '7,5' has a decimal comma; read as 7.5"));
	nfo_file_clear(&f);

	parse("odd/jellyfin_imdb_url_only.nfo", &f);
	ck_assert_int_eq(f.url_only, 1);
	ck_assert_int_eq((int)f.n, 0);
	ck_assert_int_eq((int)f.nguids, 1);
	ck_assert_str_eq(f.guids[0].id, "tt0944947");
	ck_assert_ptr_nonnull(strstr(warnings, "jellyfin_imdb_url_only.nfo:1: not XML but a link "
	    "(imdb tt0944947)"));
	nfo_file_clear(&f);

	parse("odd/jellyfin_radarr_url_only.nfo", &f);
	ck_assert_int_eq((int)f.nguids, 2);
	ck_assert_int_eq(f.guids[0].provider, GUID_TMDB);
	ck_assert_str_eq(f.guids[0].id, "583689");
	ck_assert_str_eq(f.guids[1].id, "tt4154796");
	ck_assert_ptr_nonnull(strstr(warnings, "jellyfin_radarr_url_only.nfo:1: "));
	nfo_file_clear(&f);

	parse("odd/tmm_just_imdb_url.nfo", &f);
	ck_assert_str_eq(f.guids[0].id, "tt0499549");
	ck_assert_ptr_nonnull(strstr(warnings, "tmm_just_imdb_url.nfo:1: "));
	nfo_file_clear(&f);

	parse("odd/jellyfin_stargate_atlantis_S01E01-E04_multi_root.nfo", &f);
	ck_assert_int_eq((int)f.n, 4);
	ck_assert_str_eq(f.items[0].title, "Rising");
	ck_assert_int_eq(f.items[3].episode, 4);
	/* The second root starts at line 24 (where xmllint stops). */
	ck_assert_ptr_nonnull(strstr(warnings, "jellyfin_stargate_atlantis_S01E01-E04_multi_root.nfo:24:"
	    " a second <episodedetails>: 4 roots"));
	nfo_file_clear(&f);

	parse("odd/tmm_kodi17.0_two_episodedetails_roots.nfo", &f);
	ck_assert_int_eq((int)f.n, 2);
	ck_assert_str_eq(f.items[0].title, "Pilot (1)");
	ck_assert_str_eq(f.items[0].show_title, "21 Jump Street");
	ck_assert_int_eq(f.items[1].episode, 2);
	ck_assert_ptr_nonnull(strstr(warnings, "tmm_kodi17.0_two_episodedetails_roots.nfo:126: "
	    "a second <episodedetails>"));
	nfo_file_clear(&f);
}
END_TEST

/* Parse a string. */
static int
parse_str(const char *s, struct nfo_file *f, char **cause)
{
	warnings[0] = '\0';
	nwarnings = 0;
	return nfo_parse_buffer(s, strlen(s), "mem.nfo", f, on_warn, NULL, cause);
}

START_TEST(broken)
{
	struct nfo_file f;
	char *cause = NULL;

	/* Truncated: what was there is read, with the line. */
	ck_assert_int_eq(parse_str("<?xml version=\"1.0\"?>\n<movie>\n  <title>Half</title>\n"
	    "  <year>1999</year>\n  <plot>It stops", &f, &cause), 0);
	ck_assert_str_eq(f.items[0].title, "Half");
	ck_assert_int_eq(f.items[0].year, 1999);
	ck_assert_ptr_nonnull(strstr(warnings, "mem.nfo:5: "));
	nfo_file_clear(&f);

	/* A URL line after the XML (Kodi's combined .nfo). */
	ck_assert_int_eq(parse_str("<movie><title>Heat</title></movie>\n"
	    "https://www.imdb.com/title/tt0113277/\n", &f, &cause), 0);
	ck_assert_str_eq(f.items[0].title, "Heat");
	ck_assert_int_eq((int)f.nguids, 1);
	ck_assert_str_eq(f.guids[0].id, "tt0113277");
	ck_assert_ptr_nonnull(strstr(warnings, "mem.nfo:2: a link after the XML (imdb tt0113277)"));
	nfo_file_clear(&f);

	/* Latin-1 bytes in a file that says UTF-8. */
	ck_assert_int_eq(parse_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<movie>\n"
	    "<title>Am\xe9lie</title>\n</movie>\n", &f, &cause), 0);
	ck_assert_str_eq(f.items[0].title, "Am\xc3\xa9lie");
	ck_assert_ptr_nonnull(strstr(warnings, "mem.nfo:3: not valid UTF-8 (though it says so); "
	    "read as Windows-1252"));
	nfo_file_clear(&f);

	/* No declaration and Latin-1. */
	ck_assert_int_eq(parse_str("<movie><title>Caf\xe9</title></movie>", &f, &cause), 0);
	ck_assert_str_eq(f.items[0].title, "Caf\xc3\xa9");
	ck_assert_ptr_nonnull(strstr(warnings, "no encoding declared"));
	nfo_file_clear(&f);

	/* Declared ISO-8859-1 and really so: read silently. */
	ck_assert_int_eq(parse_str("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><movie>"
	    "<title>Caf\xe9</title></movie>", &f, &cause), 0);
	ck_assert_str_eq(f.items[0].title, "Caf\xc3\xa9");
	ck_assert_int_eq(nwarnings, 0);
	nfo_file_clear(&f);

	/* Declared ISO-8859-1 but written in UTF-8. */
	ck_assert_int_eq(parse_str("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<movie>"
	    "<title>Caf\xc3\xa9</title></movie>", &f, &cause), 0);
	ck_assert_str_eq(f.items[0].title, "Caf\xc3\xa9");
	ck_assert_ptr_nonnull(strstr(warnings, "mem.nfo:2: declares ISO-8859-1 but the text is UTF-8"));
	nfo_file_clear(&f);

	/* Bad values are warned about and left out. */
	ck_assert_int_eq(parse_str("<episodedetails>\n<title>X</title>\n<season>two</season>\n"
	    "<episode>3</episode>\n<aired>19-08-2009</aired>\n</episodedetails>", &f, &cause), 0);
	ck_assert_int_eq(f.items[0].season, -1);
	ck_assert_int_eq(f.items[0].episode, 3);
	ck_assert_str_eq(f.items[0].aired, "2009-08-19");
	ck_assert_ptr_nonnull(strstr(warnings, "mem.nfo:3: <season> 'two' is not a number"));
	ck_assert_ptr_nonnull(strstr(warnings, "mem.nfo:5: <aired> '19-08-2009' is not YYYY-MM-DD"));
	nfo_file_clear(&f);

	/* Nothing usable: an error naming the file. */
	ck_assert_int_ne(parse_str("", &f, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "mem.nfo"));
	freep(&cause);
	ck_assert_int_ne(parse_str("just some words\n", &f, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "mem.nfo:1: neither XML nor a link"));
	freep(&cause);
	ck_assert_int_ne(parse_str("<html><body>hi</body></html>", &f, &cause), 0);
	ck_assert_ptr_nonnull(strstr(warnings, "<html> is not a Kodi"));
	freep(&cause);
	/* An entity bomb or external entity is not expanded. */
	ck_assert_int_eq(parse_str("<!DOCTYPE movie [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	    "<movie><title>&x;</title></movie>", &f, &cause) == 0 ? 0 : 0, 0);
	if (f.n > 0 && f.items[0].title != NULL)
		ck_assert_ptr_null(strstr(f.items[0].title, "root:"));
	nfo_file_clear(&f);
	freep(&cause);
}
END_TEST

START_TEST(retrovue_element)
{
	struct nfo_file f;
	char *cause = NULL;

	ck_assert_int_eq(parse_str("<movie>\n<title>Cola</title>\n<retrovue>\n"
	    "  <type>Commercial</type>\n  <daypart>prime</daypart>\n  <seasonal>holiday</seasonal>\n"
	    "  <rating>TV-G</rating>\n  <company>Coca-Cola</company>\n  <category>food</category>\n"
	    "  <duration>30</duration>\n  <expires>2031-12-31</expires>\n"
	    "  <demographic>family</demographic>\n  <warnings>none</warnings>\n"
	    "  <notes>Before 9 pm</notes>\n  <chapter time=\"0:10\">Logo</chapter>\n"
	    "  <chapter time=\"bad\"/>\n  <chapter time=\"00:00:20.5\"/>\n</retrovue>\n</movie>",
	    &f, &cause), 0);
	ck_assert_int_eq(f.items[0].rv.present, 1);
	ck_assert_str_eq(f.items[0].rv.content_type, "commercial");
	ck_assert_str_eq(f.items[0].rv.daypart, "prime");
	ck_assert_str_eq(f.items[0].rv.seasonal, "holiday");
	ck_assert_str_eq(f.items[0].rv.rating, "TV-G");
	ck_assert_str_eq(f.items[0].rv.company, "Coca-Cola");
	ck_assert_str_eq(f.items[0].rv.category, "food");
	ck_assert_int_eq(f.items[0].rv.commercial_duration, 30);
	ck_assert_str_eq(f.items[0].rv.expires, "2031-12-31");
	ck_assert_str_eq(f.items[0].rv.demographic, "family");
	ck_assert_str_eq(f.items[0].rv.notes, "Before 9 pm");
	ck_assert_int_eq((int)f.items[0].rv.nchapters, 2);
	ck_assert_int_eq((int)f.items[0].rv.chapters[0].ms, 10000);
	ck_assert_str_eq(f.items[0].rv.chapters[0].title, "Logo");
	ck_assert_int_eq((int)f.items[0].rv.chapters[1].ms, 20500);
	ck_assert_ptr_nonnull(strstr(warnings, "mem.nfo:16: <chapter> needs time="));
	nfo_file_clear(&f);

	ck_assert_int_eq(parse_str("<movie><retrovue><type>jingle</type><expires>soon</expires>"
	    "</retrovue></movie>", &f, &cause), 0);
	ck_assert_ptr_null(f.items[0].rv.content_type);
	ck_assert_ptr_null(f.items[0].rv.expires);
	ck_assert_ptr_nonnull(strstr(warnings, "type 'jingle' is not one of"));
	ck_assert_ptr_nonnull(strstr(warnings, "<expires> 'soon' is not YYYY-MM-DD"));
	nfo_file_clear(&f);
	/* A bumper's series and the year its era is read from. */
	ck_assert_int_eq(parse_str("<movie><title>Cheers will be right back</title><year>2004</year>"
	    "<retrovue><type>bumper</type><series>Cheers</series><year>1986</year></retrovue>"
	    "</movie>", &f, &cause), 0);
	ck_assert_str_eq(f.items[0].rv.series, "Cheers");
	ck_assert_int_eq(f.items[0].rv.year, 1986);
	ck_assert_int_eq(f.items[0].year, 2004);
	nfo_file_clear(&f);
	ck_assert_int_eq(parse_str("<movie><retrovue><year>86</year></retrovue></movie>", &f,
	    &cause), 0);
	ck_assert_int_eq(f.items[0].rv.year, 0);
	ck_assert_ptr_null(f.items[0].rv.series);
	ck_assert_ptr_nonnull(strstr(warnings, "<year> 86 is out of range"));
	nfo_file_clear(&f);
	ck_assert_str_eq(nfo_content_type("station-id"), "station_id");
	ck_assert_ptr_null(nfo_content_type("x"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("nfo");
	TCase *tc = tcase_create("nfo");

	tcase_add_test(tc, movies);
	tcase_add_test(tc, shows);
	tcase_add_test(tc, episodes);
	tcase_add_test(tc, odd);
	tcase_add_test(tc, broken);
	tcase_add_test(tc, retrovue_element);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
