/*
 * test_tz.c: time zones and slot boundaries (src/tz.c) across DST changes,
 * checked against the C library's own localtime_r.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/tz.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

#define H 3600000LL
#define M 60000LL

/* UTC ms of a UTC civil time. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return (tz_days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL) * 1000;
}

/* The zone, or fail. */
static const struct tz *
zone(const char *name)
{
	char *cause = NULL;
	const struct tz *z = tz_get(name, &cause);

	ck_assert_msg(z != NULL, "%s: %s", name, cause);
	return z;
}

START_TEST(civil_days)
{
	int y, m, d;

	ck_assert_int_eq(tz_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(tz_days_from_civil(2000, 3, 1), 11017);
	tz_civil_from_days(11017, &y, &m, &d);
	ck_assert(y == 2000 && m == 3 && d == 1);
	tz_civil_from_days(-1, &y, &m, &d);
	ck_assert(y == 1969 && m == 12 && d == 31);
}
END_TEST

START_TEST(utc_zone)
{
	const struct tz *z = zone("UTC");
	struct tz_civil c;

	ck_assert_int_eq(tz_offset(z, 1700000000), 0);
	tz_local(z, utc(2024, 2, 29, 23, 59) + 1500, &c);
	ck_assert(c.year == 2024 && c.month == 2 && c.day == 29 && c.hour == 23 &&
	    c.minute == 59 && c.second == 1 && c.wday == 4);
	ck_assert_int_eq(tz_slot_next(z, utc(2024, 1, 1, 0, 0), 30), utc(2024, 1, 1, 0, 30));
	ck_assert_int_eq(tz_slot_floor(z, utc(2024, 1, 1, 0, 29) + 59999, 30),
	    utc(2024, 1, 1, 0, 0));
	ck_assert(zone("") == z);
}
END_TEST

START_TEST(new_york_spring_forward)
{
	const struct tz *z = zone("America/New_York");
	int64_t t;
	struct tz_civil c;

	/* 2024-03-10 02:00 EST became 03:00 EDT at 07:00Z. */
	ck_assert_int_eq(tz_offset(z, utc(2024, 3, 10, 6, 59) / 1000), -5 * 3600);
	ck_assert_int_eq(tz_offset(z, utc(2024, 3, 10, 7, 0) / 1000), -4 * 3600);
	t = tz_slot_next(z, utc(2024, 3, 10, 6, 0), 30);        /* from 01:00 EST */
	ck_assert_int_eq(t, utc(2024, 3, 10, 6, 30));           /* 01:30 EST */
	t = tz_slot_next(z, t, 30);
	ck_assert_int_eq(t, utc(2024, 3, 10, 7, 0));            /* 03:00 EDT */
	tz_local(z, t, &c);
	ck_assert(c.hour == 3 && c.minute == 0 && c.isdst && c.offset == -4 * 3600);
	t = tz_slot_next(z, t, 30);
	ck_assert_int_eq(t, utc(2024, 3, 10, 7, 30));
	ck_assert_int_eq(tz_slot_floor(z, utc(2024, 3, 10, 7, 10), 30), utc(2024, 3, 10, 7, 0));
	ck_assert_int_eq(tz_slot_floor(z, utc(2024, 3, 10, 6, 59), 30), utc(2024, 3, 10, 6, 30));
	/* Hour slots: 01:00 EST then 03:00 EDT, one real hour apart. */
	ck_assert_int_eq(tz_slot_next(z, utc(2024, 3, 10, 6, 0), 60), utc(2024, 3, 10, 7, 0));
	/* 02:30 does not exist: it means 03:30 EDT. */
	ck_assert_int_eq(tz_utc(z, 2024, 3, 10, 2, 30, 0), utc(2024, 3, 10, 7, 30));
	ck_assert_int_eq(tz_utc(z, 2024, 3, 10, 1, 30, 0), utc(2024, 3, 10, 6, 30));
}
END_TEST

START_TEST(new_york_fall_back)
{
	const struct tz *z = zone("America/New_York");
	int64_t want[] = { utc(2024, 11, 3, 5, 30), utc(2024, 11, 3, 6, 0),
	    utc(2024, 11, 3, 6, 30), utc(2024, 11, 3, 7, 0) };
	int64_t t = utc(2024, 11, 3, 5, 0);                     /* 01:00 EDT */
	struct tz_civil c;
	size_t i;

	for (i = 0; i < 4; i++) {
		t = tz_slot_next(z, t, 30);
		ck_assert_int_eq(t, want[i]);
	}
	/* 01:00 happens twice: the first is EDT. */
	tz_local(z, utc(2024, 11, 3, 6, 0), &c);
	ck_assert(c.hour == 1 && c.minute == 0 && !c.isdst);
	ck_assert_int_eq(tz_utc(z, 2024, 11, 3, 1, 30, 0), utc(2024, 11, 3, 5, 30));
	ck_assert_int_eq(tz_utc(z, 2024, 11, 3, 3, 0, 0), utc(2024, 11, 3, 8, 0));
}
END_TEST

START_TEST(far_future_rule)
{
	const struct tz *z = zone("America/New_York");

	/* Past the file's table, from its POSIX rule: 2100-03-14 and 2100-11-07. */
	ck_assert_int_eq(tz_offset(z, utc(2100, 3, 14, 6, 59) / 1000), -5 * 3600);
	ck_assert_int_eq(tz_offset(z, utc(2100, 3, 14, 7, 0) / 1000), -4 * 3600);
	ck_assert_int_eq(tz_offset(z, utc(2100, 11, 7, 5, 59) / 1000), -4 * 3600);
	ck_assert_int_eq(tz_offset(z, utc(2100, 11, 7, 6, 0) / 1000), -5 * 3600);
}
END_TEST

START_TEST(odd_zones)
{
	const struct tz *z;
	int64_t t;

	/* Kathmandu is +05:45: local :00 and :30 are :15 and :45 UTC. */
	z = zone("Asia/Kathmandu");
	ck_assert_int_eq(tz_slot_next(z, utc(2024, 6, 1, 0, 0), 30), utc(2024, 6, 1, 0, 15));
	/* Lord Howe moves by 30 minutes: 2024-04-07 02:00 +11 -> 01:30 +10:30. */
	z = zone("Australia/Lord_Howe");
	t = tz_slot_next(z, utc(2024, 4, 6, 14, 0), 30);        /* from 01:00 local */
	ck_assert_int_eq(t, utc(2024, 4, 6, 14, 30));           /* 01:30 +11 */
	t = tz_slot_next(z, t, 30);
	ck_assert_int_eq(t, utc(2024, 4, 6, 15, 0));            /* 01:30 +10:30 again */
	t = tz_slot_next(z, t, 30);
	ck_assert_int_eq(t, utc(2024, 4, 6, 15, 30));           /* 02:00 +10:30 */
	/* Sydney: southern summer. */
	z = zone("Australia/Sydney");
	ck_assert_int_eq(tz_offset(z, utc(2024, 1, 15, 0, 0) / 1000), 11 * 3600);
	ck_assert_int_eq(tz_offset(z, utc(2024, 7, 15, 0, 0) / 1000), 10 * 3600);
}
END_TEST

START_TEST(bad_names)
{
	char *cause = NULL;

	ck_assert_ptr_null(tz_get("Mars/Olympus_Mons", &cause));
	ck_assert_ptr_nonnull(strstr(cause, "Mars/Olympus_Mons"));
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(tz_get("../../etc/passwd", &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(tz_get("/etc/localtime", &cause));
	free(cause);
}
END_TEST

START_TEST(matches_libc)
{
	static const char *zones[] = { "America/New_York", "Europe/London", "Europe/Dublin",
	    "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham",
	    "America/St_Johns", "Africa/Casablanca" };
	uint64_t x = 88172645463325252ULL;
	struct tm tm;
	time_t t;
	size_t i;
	int k;

	for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		const struct tz *z = zone(zones[i]);

		setenv("TZ", zones[i], 1);
		tzset();
		for (k = 0; k < 2000; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			t = (time_t)(946684800 + (int64_t)(x % (60ULL * 365 * 86400)));
			localtime_r(&t, &tm);
			ck_assert_msg(tz_offset(z, t) == tm.tm_gmtoff, "%s at %lld: %d vs %ld",
			    zones[i], (long long)t, tz_offset(z, t), tm.tm_gmtoff);
		}
	}
	unsetenv("TZ");
}
END_TEST

START_TEST(slots_consistent)
{
	static const char *zones[] = { "America/New_York", "Europe/London",
	    "Australia/Lord_Howe", "Asia/Kathmandu" };
	static const int slots[] = { 5, 30, 60, 45 };
	size_t i, j;
	int64_t t, f, n;

	for (i = 0; i < 4; i++) {
		const struct tz *z = zone(zones[i]);

		for (j = 0; j < 4; j++) {
			for (t = utc(2024, 3, 1, 0, 0); t < utc(2024, 12, 1, 0, 0); t += 7 * H + 17 * M + 1234) {
				f = tz_slot_floor(z, t, slots[j]);
				n = tz_slot_next(z, t, slots[j]);
				ck_assert(f <= t && t < n);
				ck_assert(tz_is_boundary(z, f, slots[j]));
				ck_assert(tz_is_boundary(z, n, slots[j]));
				ck_assert_int_eq(tz_slot_next(z, f, slots[j]) >= n ? 1 : 0, 1);
				ck_assert_int_eq(tz_slot_floor(z, n, slots[j]), n);
				ck_assert(n - f <= 2LL * slots[j] * M);
			}
		}
	}
}
END_TEST

/* Thread body: load zones and query them. */
static void *
hammer(void *arg)
{
	static const char *zones[] = { "Europe/Paris", "America/Chicago", "Asia/Tokyo" };
	int64_t t = utc(2025, 1, 1, 0, 0);
	long ok = 1;
	int k;

	(void)arg;
	for (k = 0; k < 3000; k++) {
		const struct tz *z = tz_get(zones[k % 3], NULL);

		if (z == NULL)
			ok = 0;
		else
			t = tz_slot_next(z, t, 30);
	}
	return (void *)ok;
}

START_TEST(threads)
{
	pthread_t th[8];
	void *r;
	int i;

	for (i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, hammer, NULL);
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], &r);
		ck_assert(r == (void *)1);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tz");
	TCase *tc = tcase_create("tz");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, civil_days);
	tcase_add_test(tc, utc_zone);
	tcase_add_test(tc, new_york_spring_forward);
	tcase_add_test(tc, new_york_fall_back);
	tcase_add_test(tc, far_future_rule);
	tcase_add_test(tc, odd_zones);
	tcase_add_test(tc, bad_names);
	tcase_add_test(tc, matches_libc);
	tcase_add_test(tc, slots_consistent);
	tcase_add_test(tc, threads);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
