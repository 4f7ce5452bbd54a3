/*
 * test_guide.c: the guide (src/guide.c). The XMLTV is checked by the
 * independent tools a guide consumer would use: xmllint against the XMLTV
 * DTD and Debian's tv_validate_file; its content and the M3U's shape are
 * checked by parsing them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "src/guide.h"
#include "src/sched.h"
#include "tests/unit/sched_fixture.h"

#define NOW fx_utc(2024, 6, 3, 12, 5)

/* The XMLTV DTD from the fixtures. */
static const char *
dtd_path(void)
{
	static char path[4096];
	const char *dir = getenv("FIXTURES");

	snprintf(path, sizeof path, "%s/xmltv/xmltv.dtd", dir != NULL && *dir ? dir :
	    FIXTURES_DIR);
	return path;
}

/* Write buf to a new file; its path. */
static char *
save(const char *buf, size_t len, const char *name)
{
	char *path;
	FILE *f;

	xasprintf(&path, "%s/%s", check_tmpdir(), name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
	return path;
}

/* Run a shell command; its exit status. */
static int
run(const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	int st;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Two channels with series, movies and awkward text. */
static sqlite3 *
guide_db(int64_t *a, int64_t *b)
{
	sqlite3 *db = fx_db();
	int64_t show, odd, m[2] = { 440000, 880000 };
	struct chanedit e;
	char *cause = NULL;
	int i;

	fx_pool(db);
	show = fx_show(db, "Cheers & Jeers", "TV-PG");
	for (i = 0; i < 4; i++)
		fx_episode(db, show, 2, i + 1, 1320000, m, 2);
	/* Hostile text: control characters, broken UTF-8, markup, an empty summary. */
	odd = fx_show(db, "Bad\001Bytes \xc3\x28 <b>", "gb/15");
	fx_episode(db, odd, 1, 1, 1500000, NULL, 0);
	fx_exec(db, "UPDATE episodes SET summary = '   ', episode_title = 'Caf\xc3\xa9 \xef\xbf\xbd', "
	    "air_date = NULL WHERE show_id = %lld", (long long)odd);
	fx_movie(db, "The \"Quoted\" Film", 95 * MIN_MS, "PG-13", "Drama, Comedy");
	*a = fx_channel(db, "4.1", "America/New_York", 30);
	*b = fx_channel(db, "12", "Europe/London", 30);
	chanedit_init(&e);
	chanedit_set_str(&e, "call_sign", "KRVU");
	chanedit_set_str(&e, "logo_path", "https://example.com/logo.png");
	ck_assert(chanedit_update(db, *a, &e, &cause) == 0);
	fx_slot(db, *a, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	fx_slot(db, *a, "daily", "13:00", "13:30", COARSE_SERIES, odd, 0);
	fx_slot(db, *b, "daily", "00:00", "24:00", COARSE_MOVIES, 0, 0);
	return db;
}

START_TEST(xmltv_validates)
{
	int64_t a, b;
	sqlite3 *db = guide_db(&a, &b);
	char *cause = NULL, *xml, *path;
	size_t len;

	ck_assert(sched_extend(db, a, NOW, 6 * HOUR_MS, &cause) > 0);
	ck_assert(sched_extend(db, b, NOW, 6 * HOUR_MS, &cause) > 0);
	/* A third, enabled channel with nothing scheduled still gets a programme. */
	fx_channel(db, "99", "UTC", 30);
	ck_assert_msg(guide_xmltv(db, NOW, 6, "http://tv.local:8080", &xml, &len, &cause) == 0,
	    "%s", cause);
	ck_assert_uint_eq(strlen(xml), len);
	path = save(xml, len, "guide.xml");
	/* The DOCTYPE names xmltv.dtd beside the file, as consumers keep it. */
	ck_assert_int_eq(run("cp '%s' \"$(dirname '%s')/xmltv.dtd\"", dtd_path(), path), 0);
	ck_assert_int_eq(run("xmllint --noout --dtdvalid '%s' '%s'", dtd_path(), path), 0);
	ck_assert_int_eq(run("tv_validate_file --dtd-file '%s' '%s' >&2", dtd_path(), path), 0);
	free(xml);
	free(path);
	db_close(&db);
}
END_TEST

/* The string value of an XPath expression over doc. */
static char *
xpath_str(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	xmlChar *s;
	char *out;

	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	ck_assert_ptr_nonnull(o);
	s = xmlXPathCastToString(o);
	out = xstrdup((const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return out;
}

/* Assert an XPath expression's value. */
static void
expect(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xpath_str(doc, expr);

	ck_assert_msg(strcmp(got, want) == 0, "%s: '%s', want '%s'", expr, got, want);
	free(got);
}

START_TEST(xmltv_content)
{
	int64_t a, b, blocks;
	sqlite3 *db = guide_db(&a, &b);
	char *cause = NULL, *xml, buf[64];
	xmlDocPtr doc;
	size_t len;

	ck_assert(sched_extend(db, a, NOW, 6 * HOUR_MS, &cause) > 0);
	ck_assert(sched_extend(db, b, NOW, 6 * HOUR_MS, &cause) > 0);
	ck_assert(guide_xmltv(db, NOW, 6, NULL, &xml, &len, &cause) == 0);
	doc = xmlReadMemory(xml, (int)len, "guide.xml", NULL, 0);
	ck_assert_ptr_nonnull(doc);

	expect(doc, "string(/tv/channel[1]/@id)", "4.1.retrovue");
	expect(doc, "string(/tv/channel[1]/display-name[1])", "4.1 Test Channel");
	expect(doc, "string(/tv/channel[1]/display-name[4])", "KRVU");
	expect(doc, "string(/tv/channel[1]/icon/@src)", "https://example.com/logo.png");
	expect(doc, "string(/tv/channel[2]/@id)", "12.retrovue");
	/* One programme per block of the fine log in the six hours. */
	blocks = db_scalar(db, "SELECT count(*) FROM schedule_items WHERE channel_id = 1 AND "
	    "programme_start_ms = start_ms AND end_ms > 1717416300000 AND start_ms < "
	    "1717437900000", -1);
	ck_assert_int_ge(blocks, 12);
	snprintf(buf, sizeof buf, "%lld", (long long)blocks);
	expect(doc, "string(count(/tv/programme[@channel='4.1.retrovue']))", buf);
	/* Local times with the zone's offset; the first programme began at 08:00 EDT. */
	expect(doc, "string(/tv/programme[1]/@start)", "20240603080000 -0400");
	expect(doc, "string(/tv/programme[1]/@stop)", "20240603083000 -0400");
	expect(doc, "string(/tv/programme[1]/title)", "Cheers & Jeers");
	expect(doc, "string(/tv/programme[1]/sub-title)", "Episode 1");
	expect(doc, "string(/tv/programme[1]/episode-num[@system='xmltv_ns'])", "1.0.");
	expect(doc, "string(/tv/programme[1]/episode-num[@system='onscreen'])", "S02E01");
	expect(doc, "string(/tv/programme[1]/rating/@system)", "VCHIP");
	expect(doc, "string(/tv/programme[1]/rating/value)", "TV-PG");
	expect(doc, "string(/tv/programme[1]/category)", "Comedy");
	expect(doc, "string(/tv/programme[1]/date)", "19870902");
	expect(doc, "string(/tv/programme[1]/previously-shown/@start)", "19870902");
	expect(doc, "string(/tv/programme[1]/desc)", "In which things happen & <stuff>.");
	/* The hostile programme: no empty desc, control bytes gone, bad UTF-8 replaced. */
	expect(doc, "string(count(/tv/programme[starts-with(title, 'Bad')]/desc))", "0");
	expect(doc, "string(/tv/programme[starts-with(title, 'Bad')]/title)", "BadBytes ?( <b>");
	expect(doc, "string(/tv/programme[starts-with(title, 'Bad')]/sub-title)", "Caf\xc3\xa9 ?");
	expect(doc, "string(/tv/programme[starts-with(title, 'Bad')]/rating/@system)", "BBFC");
	expect(doc, "string(/tv/programme[starts-with(title, 'Bad')]/rating/value)", "15");
	/* The movie channel: London time, the film's categories and its rating. */
	expect(doc, "string(/tv/programme[@channel='12.retrovue'][1]/@start)",
	    "20240603130000 +0100");
	expect(doc, "string(/tv/programme[@channel='12.retrovue'][1]/title)",
	    "The \"Quoted\" Film");
	expect(doc, "string(/tv/programme[@channel='12.retrovue'][1]/category[1])", "Movie");
	expect(doc, "string(/tv/programme[@channel='12.retrovue'][1]/category[3])", "Comedy");
	expect(doc, "string(/tv/programme[@channel='12.retrovue'][1]/rating/@system)", "MPAA");
	expect(doc, "string(/tv/programme[@channel='12.retrovue'][1]/date)", "1984");
	xmlFreeDoc(doc);
	free(xml);

	/* Disabled channels are not listed. */
	fx_exec(db, "UPDATE channels SET enabled = 0 WHERE id = %lld", (long long)b);
	ck_assert(guide_xmltv(db, NOW, 3, NULL, &xml, &len, &cause) == 0);
	ck_assert_ptr_null(strstr(xml, "12.retrovue"));
	free(xml);
	ck_assert_int_eq(guide_xmltv(db, NOW, 0, NULL, &xml, &len, &cause), -1);
	free(cause);
	db_close(&db);
}
END_TEST

START_TEST(previously_shown_here)
{
	sqlite3 *db = fx_db();
	int64_t show, ch;
	char *cause = NULL, *xml;
	size_t len;

	fx_pool(db);
	show = fx_show(db, "Reruns", "TV-G");
	fx_episode(db, show, 1, 1, 1320000, NULL, 0);
	fx_exec(db, "UPDATE episodes SET air_date = NULL");
	ch = fx_channel(db, "30", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	ck_assert(sched_extend(db, ch, NOW, 2 * HOUR_MS, &cause) > 0);
	ck_assert(guide_xmltv(db, NOW, 2, NULL, &xml, &len, &cause) == 0);
	/* The one episode airs every half hour: from the second on, a rerun here. */
	ck_assert_ptr_nonnull(strstr(xml, "<previously-shown start=\"20240603120000 +0000\" "
	    "channel=\"30.retrovue\"/>"));
	free(xml);
	db_close(&db);
}
END_TEST

START_TEST(m3u_shape)
{
	int64_t a, b;
	sqlite3 *db = guide_db(&a, &b);
	char *cause = NULL, *m3u, *line, *save_p, *copy;
	size_t len;
	int n = 0, extinf = 0, urls = 0;

	fx_exec(db, "UPDATE channels SET guide_group = 'Movies \"HD\"' WHERE id = %lld",
	    (long long)b);
	ck_assert(guide_m3u(db, "http://tv.local:8080/", 0, &m3u, &len, &cause) == 0);
	copy = xstrdup(m3u);
	for (line = strtok_r(copy, "\n", &save_p); line != NULL;
	    line = strtok_r(NULL, "\n", &save_p), n++) {
		if (n == 0) {
			ck_assert_str_eq(line, "#EXTM3U url-tvg=\"http://tv.local:8080/iptv/xmltv.xml\" "
			    "x-tvg-url=\"http://tv.local:8080/iptv/xmltv.xml\"");
			continue;
		}
		if (n % 2 == 1) {
			ck_assert_msg(strncmp(line, "#EXTINF:-1 tvg-id=\"", 19) == 0, "%s", line);
			extinf++;
		} else {
			ck_assert_msg(strncmp(line, "http://tv.local:8080/channel/", 29) == 0, "%s",
			    line);
			urls++;
		}
	}
	free(copy);
	ck_assert_int_eq(extinf, 2);
	ck_assert_int_eq(urls, 2);
	ck_assert_ptr_nonnull(strstr(m3u, "#EXTINF:-1 tvg-id=\"4.1.retrovue\" tvg-name=\"Test "
	    "Channel\" tvg-chno=\"4.1\" tvg-logo=\"https://example.com/logo.png\" "
	    "group-title=\"Retrovue\",4.1 Test Channel\nhttp://tv.local:8080/channel/4.1.ts\n"));
	ck_assert_ptr_nonnull(strstr(m3u, "tvg-id=\"12.retrovue\" tvg-name=\"Test Channel\" "
	    "tvg-chno=\"12\" group-title=\"Movies 'HD'\",12 Test Channel\n"));
	free(m3u);
	ck_assert(guide_m3u(db, "https://tv.example", GUIDE_M3U_HLS, &m3u, &len, &cause) == 0);
	ck_assert_ptr_nonnull(strstr(m3u, "\nhttps://tv.example/channel/12/index.m3u8\n"));
	free(m3u);
	ck_assert_int_eq(guide_m3u(db, "ftp://x", 0, &m3u, &len, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(guide_m3u(db, "http://a\" b", 0, &m3u, &len, &cause), -1);
	free(cause);
	db_close(&db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("guide");
	TCase *tc = tcase_create("guide");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, xmltv_validates);
	tcase_add_test(tc, xmltv_content);
	tcase_add_test(tc, previously_shown_here);
	tcase_add_test(tc, m3u_shape);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
