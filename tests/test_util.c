/*
 * test_util.c: the small helpers in src/util.c.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "src/util.h"
#include "tests/check_tap.h"

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
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
