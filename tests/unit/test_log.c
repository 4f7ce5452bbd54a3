/*
 * test_log.c: the logger's ring, secret masking and the FFmpeg route.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/log.h>

#include "src/log.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/* The newest ring entry's text. */
static const char *
last_text(void)
{
	static struct log_entry e;

	ck_assert_int_eq(log_ring_read(log_ring_last() - 1, &e, 1), 1);
	return e.text;
}

START_TEST(ring_order)
{
	struct log_entry e[3];
	uint64_t base;

	log_open("test", 0, LOGL_ERROR);
	base = log_ring_last();
	log_info("one");
	log_warn("two");
	log_error("three");
	ck_assert_uint_eq(log_ring_read(base, e, 3), 3);
	ck_assert_str_eq(e[0].text, "one");
	ck_assert_str_eq(e[1].text, "two");
	ck_assert_str_eq(e[2].text, "three");
	ck_assert_int_eq(e[1].level, LOGL_WARN);
	ck_assert_uint_eq(e[2].seq, base + 3);
	/* Asking for fewer gives the newest ones. */
	ck_assert_uint_eq(log_ring_read(base, e, 1), 1);
	ck_assert_str_eq(e[0].text, "three");
}
END_TEST

START_TEST(ring_wraps)
{
	struct log_entry *e = xcalloc(LOG_RING_SIZE, sizeof *e);
	int i;

	log_open("test", 0, LOGL_ERROR);
	for (i = 0; i < LOG_RING_SIZE + 10; i++)
		log_info("line %d", i);
	ck_assert_uint_eq(log_ring_read(0, e, LOG_RING_SIZE), LOG_RING_SIZE);
	ck_assert_str_eq(e[0].text, "line 10");
	ck_assert_str_eq(e[LOG_RING_SIZE - 1].text, "line 4105");
	free(e);
}
END_TEST

START_TEST(debug_filtered)
{
	uint64_t base;

	log_open("test", 0, LOGL_ERROR);
	log_set_debug(0);
	base = log_ring_last();
	log_debug("hidden");
	ck_assert_uint_eq(log_ring_last(), base);
	log_set_debug(1);
	log_debug("shown");
	ck_assert_uint_eq(log_ring_last(), base + 1);
	log_set_debug(0);
}
END_TEST

START_TEST(secret_masked)
{
	char *r;

	log_open("test", 0, LOGL_ERROR);
	log_add_secret("s3cr3t-T0KEN");
	log_info("connecting with token s3cr3t-T0KEN to plex");
	ck_assert_ptr_null(strstr(last_text(), "s3cr3t-T0KEN"));
	ck_assert_ptr_nonnull(strstr(last_text(), "to plex"));
	r = log_redact("error: s3cr3t-T0KEN");
	ck_assert_str_eq(r, "error: ************");
	free(r);
}
END_TEST

START_TEST(token_values_masked)
{
	log_open("test", 0, LOGL_ERROR);
	log_info("GET http://plex:32400/library?X-Plex-Token=abcDEF123&page=2");
	ck_assert_str_eq(last_text(), "GET http://plex:32400/library?X-Plex-Token=*********&page=2");
	log_info("header x-plex-token: zzz999 sent");
	ck_assert_str_eq(last_text(), "header x-plex-token: ****** sent");
	log_info("{\"X-Plex-Token\": \"qq11\"}");
	ck_assert_ptr_null(strstr(last_text(), "qq11"));
	log_info("header X-Emby-Token: emb7k3y sent");
	ck_assert_str_eq(last_text(), "header X-Emby-Token: ******* sent");
	log_info("GET http://jf:8096/Items?api_key=jfk3y99&Limit=5");
	ck_assert_str_eq(last_text(), "GET http://jf:8096/Items?api_key=*******&Limit=5");
}
END_TEST

START_TEST(ffmpeg_lines_joined)
{
	log_open("test", 0, LOGL_ERROR);
	log_route_ffmpeg();
	av_log(NULL, AV_LOG_WARNING, "partial ");
	av_log(NULL, AV_LOG_WARNING, "line %d\n", 7);
	ck_assert_str_eq(last_text(), "ffmpeg: partial line 7");
	av_log(NULL, AV_LOG_DEBUG, "too quiet\n");
	ck_assert_str_eq(last_text(), "ffmpeg: partial line 7");
}
END_TEST

/* Log from a thread. */
static void *
spam(void *arg)
{
	int i;

	for (i = 0; i < 2000; i++)
		log_info("thread %ld line %d", (long)(intptr_t)arg, i);
	return NULL;
}

START_TEST(threads)
{
	pthread_t t[4];
	uint64_t base;
	long i;

	log_open("test", 0, LOGL_ERROR);
	base = log_ring_last();
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, spam, (void *)(intptr_t)i);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ck_assert_uint_eq(log_ring_last(), base + 8000);
	ck_assert_ptr_nonnull(strstr(last_text(), "line 1999"));
}
END_TEST

START_TEST(levels)
{
	enum log_level l;

	ck_assert_int_eq(log_level_parse("warn", &l), 0);
	ck_assert_int_eq(l, LOGL_WARN);
	ck_assert_int_eq(log_level_parse("DEBUG", &l), 0);
	ck_assert_int_eq(l, LOGL_DEBUG);
	ck_assert_int_ne(log_level_parse("loud", &l), 0);
	ck_assert_str_eq(log_level_name(LOGL_ERROR), "error");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_test(tc, ring_order);
	tcase_add_test(tc, ring_wraps);
	tcase_add_test(tc, debug_filtered);
	tcase_add_test(tc, secret_masked);
	tcase_add_test(tc, token_values_masked);
	tcase_add_test(tc, ffmpeg_lines_joined);
	tcase_add_test(tc, threads);
	tcase_add_test(tc, levels);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
