/*
 * test_util.c: the small helpers in src/util.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/util.h"
#include "src/xjson.h"
#include "tests/unit/check_tap.h"

START_TEST(durations_parse)
{
	int64_t ms;

	ck_assert_int_eq(parse_duration_ms("90", &ms), 0);
	ck_assert_int_eq(ms, 90000);
	ck_assert_int_eq(parse_duration_ms("1:30", &ms), 0);
	ck_assert_int_eq(ms, 90000);
	ck_assert_int_eq(parse_duration_ms("1:02:03.5", &ms), 0);
	ck_assert_int_eq(ms, 3723500);
	ck_assert_int_eq(parse_duration_ms("500ms", &ms), 0);
	ck_assert_int_eq(ms, 500);
	ck_assert_int_eq(parse_duration_ms("2m", &ms), 0);
	ck_assert_int_eq(ms, 120000);
	ck_assert_int_eq(parse_duration_ms("12.25s", &ms), 0);
	ck_assert_int_eq(ms, 12250);
	ck_assert_int_ne(parse_duration_ms("", &ms), 0);
	ck_assert_int_ne(parse_duration_ms("abc", &ms), 0);
	ck_assert_int_ne(parse_duration_ms("1:60", &ms), 0);
	ck_assert_int_ne(parse_duration_ms("-5", &ms), 0);
	ck_assert_int_ne(parse_duration_ms("1:2:3:4", &ms), 0);
	ck_assert_int_ne(parse_duration_ms("5x", &ms), 0);
}
END_TEST

START_TEST(durations_format)
{
	char buf[32];

	ck_assert_str_eq(fmt_duration(buf, sizeof buf, 0, 30), "00:00:00.00");
	ck_assert_str_eq(fmt_duration(buf, sizeof buf, 3723500, 30), "01:02:03.15");
	ck_assert_str_eq(fmt_duration(buf, sizeof buf, 1001, 25), "00:00:01.00");
	ck_assert_str_eq(fmt_duration(buf, sizeof buf, 59999, 30), "00:00:59.29");
	ck_assert_str_eq(fmt_duration(buf, sizeof buf, -1500, 30), "-00:00:01.15");
	ck_assert_str_eq(fmt_duration(buf, sizeof buf, 100LL * 3600000, 30), "100:00:00.00");
}
END_TEST

START_TEST(utc_format)
{
	char buf[32];

	ck_assert_str_eq(fmt_utc(buf, sizeof buf, 0), "1970-01-01T00:00:00Z");
	ck_assert_str_eq(fmt_utc(buf, sizeof buf, 1795467600123LL), "2026-11-23T21:00:00Z");
}
END_TEST

START_TEST(ints)
{
	long long v;

	ck_assert_int_eq(parse_int("42", 0, 100, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_ne(parse_int("101", 0, 100, &v), 0);
	ck_assert_int_ne(parse_int("4x", 0, 100, &v), 0);
	ck_assert_int_ne(parse_int("", 0, 100, &v), 0);
	ck_assert_int_ne(parse_int("99999999999999999999", 0, 100, &v), 0);
}
END_TEST

START_TEST(mkdir_parents)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s/a/b/c", check_tmpdir());
	ck_assert_int_eq(mkdir_p(path, 0700), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(mkdir_p(path, 0700), 0);
}
END_TEST

START_TEST(trim)
{
	char s[] = "  \t hello world \n";

	ck_assert_str_eq(strtrim(s), "hello world");
}
END_TEST

START_TEST(xjson)
{
	json_t *o = json_pack("{s:i}", "a", 1), *v;
	char *dump;

	/* jansson gives up on a title cut in the middle of a character... */
	ck_assert_ptr_null(json_pack("{s:s}", "title", "Caf\xc3"));
	/* ...xjson_pack keeps it, with the bad byte as '?', and every other kind of value. */
	v = xjson_pack("{s:s, s:s?, s:[i, I, b, f, n], s:o, s:O, s:o?, s:s}", "title", "Caf\xc3",
	    "none", NULL, "list", 7, (json_int_t)1 << 40, 1, 0.5, "obj", json_pack("{s:s}", "k",
	    "v"), "kept", o, "null", NULL, "\xe9t\xe9", "key");
	ck_assert_ptr_nonnull(v);
	dump = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT);
	ck_assert_str_eq(dump, "{\"?t?\":\"key\",\"kept\":{\"a\":1},\"list\":[7,1099511627776,"
	    "true,0.5,null],\"none\":null,\"null\":null,\"obj\":{\"k\":\"v\"},\"title\":\"Caf?\"}");
	free(dump);
	json_decref(v);
	ck_assert_int_eq(o->refcount, 1);
	json_decref(o);
	ck_assert_str_eq(json_string_value(v = xjson_str("a\xff")), "a?");
	json_decref(v);
	ck_assert_ptr_null(xjson_pack("{s:q}", "a"));
	ck_assert_ptr_null(xjson_pack("{s:i", "a", 1));
}
END_TEST

START_TEST(utf8_cut)
{
	char b[8];

	/* "é" is 2 bytes, "€" 3, "𝄞" 4: never cut in the middle. */
	ck_assert_str_eq(utf8_copy(b, sizeof b, "abcdef\xc3\xa9"), "abcdef");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "abcde\xc3\xa9"), "abcde\xc3\xa9");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "abcde\xe2\x82\xac"), "abcde");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "abcd\xe2\x82\xac"), "abcd\xe2\x82\xac");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "abcd\xf0\x9d\x84\x9e"), "abcd");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "abc\xf0\x9d\x84\x9e"), "abc\xf0\x9d\x84\x9e");
	/* Bytes that are not UTF-8 (Latin-1, a cut character, overlong, surrogate) become '?'. */
	ck_assert_str_eq(utf8_copy(b, sizeof b, "Caf\xe9"), "Caf?");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "a\xe2\x82"), "a??");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "\xc0\xaf"), "??");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "\xed\xa0\x80"), "???");
	ck_assert_str_eq(utf8_copy(b, sizeof b, "\xf4\x90\x80\x80"), "????");
	ck_assert_str_eq(utf8_copy(b, sizeof b, NULL), "");
	ck_assert_str_eq(utf8_copy(b, 1, "abc"), "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, durations_parse);
	tcase_add_test(tc, durations_format);
	tcase_add_test(tc, utc_format);
	tcase_add_test(tc, ints);
	tcase_add_test(tc, mkdir_parents);
	tcase_add_test(tc, trim);
	tcase_add_test(tc, utf8_cut);
	tcase_add_test(tc, xjson);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
