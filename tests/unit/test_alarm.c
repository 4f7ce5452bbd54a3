/*
 * test_alarm.c: master control's detectors (engine/alarm.c) on frames and
 * samples made here: dead air, black and a frozen picture raised once
 * their threshold has passed and cleared when they end, at the air times
 * of the frames; a still picture with coding noise is frozen, a moving
 * one is not, black is not frozen; the exemptions the schedule gives (a
 * still card), the act-break black of a second at a scheduled boundary,
 * the automatic action's longest alarm, and detectors that are all off.
 */
#include <string.h>

#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
#include <libavutil/samplefmt.h>

#include "engine/alarm.h"
#include "tests/unit/check_tap.h"

#define W 320
#define H 180
#define FRAME_US 40000                  /* 25 fps */
#define T0 1800000000000000LL           /* an air time, UTC us */

/* A picture: a flat grey of luma y, with a bright square at x (-1: none). */
static AVFrame *
picture(int y, int x)
{
	AVFrame *f = av_frame_alloc();
	int i, j;

	f->format = AV_PIX_FMT_YUV420P;
	f->width = W;
	f->height = H;
	ck_assert_int_ge(av_frame_get_buffer(f, 0), 0);
	for (j = 0; j < H; j++) {
		memset(f->data[0] + j * f->linesize[0], y, W);
		for (i = x; x >= 0 && i < x + 40 && i < W && j < 40; i++)
			f->data[0][j * f->linesize[0] + i] = 235;
	}
	memset(f->data[1], 128, (size_t)f->linesize[1] * H / 2);
	memset(f->data[2], 128, (size_t)f->linesize[2] * H / 2);
	return f;
}

/* 1024 samples of fltp stereo, a square wave of this peak. */
static AVFrame *
samples(float peak)
{
	AVFrame *f = av_frame_alloc();
	int c, i;

	f->format = AV_SAMPLE_FMT_FLTP;
	f->sample_rate = 48000;
	f->nb_samples = 1024;
	av_channel_layout_default(&f->ch_layout, 2);
	ck_assert_int_ge(av_frame_get_buffer(f, 0), 0);
	for (c = 0; c < 2; c++) {
		for (i = 0; i < 1024; i++)
			((float *)f->extended_data[c])[i] = (i / 24) % 2 ? peak : -peak;
	}
	return f;
}

/* Detectors with these thresholds in seconds (0: off). */
static struct alarm *
detectors(int dead_air_s, int black_s, int frozen_s)
{
	struct alarm_conf c;

	c.after_us[ALARM_DEAD_AIR] = dead_air_s * 1000000LL;
	c.after_us[ALARM_BLACK] = black_s * 1000000LL;
	c.after_us[ALARM_FROZEN] = frozen_s * 1000000LL;
	return alarm_new(&c);
}

/*
 * Air n pictures from frame number *k on: moving (the square walks), still
 * (the same picture, its grey off by one level every other frame, as
 * coding noise moves it), or black.
 */
enum look { MOVING, STILL, BLACK };
static void
air_video(struct alarm *a, int64_t *k, int n, enum look look)
{
	AVFrame *f;
	int i;

	for (i = 0; i < n; i++, (*k)++) {
		if (look == MOVING)
			f = picture(100, (int)(*k * 8 % (W - 40)));
		else if (look == STILL)
			f = picture(100 + (int)(*k % 2), 120);
		else
			f = picture(16, -1);
		alarm_video(a, f, T0 + *k * FRAME_US);
		av_frame_free(&f);
	}
}

/* Air sound (peak) from sample *s on until air time until_s. */
static void
air_audio(struct alarm *a, int64_t *s, double until_s, float peak)
{
	AVFrame *f = samples(peak);
	int64_t end = (int64_t)(until_s * 48000);

	for (; *s < end; *s += 1024)
		alarm_audio(a, f, T0 + *s * 1000000 / 48000);
	av_frame_free(&f);
}

/* The next event must be this one (times within a frame of these). */
static void
expect(struct alarm *a, enum alarm_kind kind, int raised, int64_t since_us, int64_t at_us)
{
	struct alarm_event ev;

	ck_assert_msg(alarm_next(a, &ev), "no event (wanted %s %s)", alarm_kind_name(kind),
	    raised ? "raised" : "cleared");
	ck_assert_int_eq(ev.kind, kind);
	ck_assert_int_eq(ev.raised, raised);
	ck_assert_msg(llabs(ev.since_us - T0 - since_us) <= FRAME_US, "%s since %lld us, not %lld",
	    alarm_kind_name(kind), (long long)(ev.since_us - T0), (long long)since_us);
	ck_assert_msg(llabs(ev.at_us - T0 - at_us) <= FRAME_US, "%s at %lld us, not %lld",
	    alarm_kind_name(kind), (long long)(ev.at_us - T0), (long long)at_us);
}

static void
expect_none(struct alarm *a)
{
	struct alarm_event ev;

	ck_assert_msg(!alarm_next(a, &ev), "an unexpected event: %s %s",
	    alarm_kind_name(ev.kind), ev.raised ? "raised" : "cleared");
}

START_TEST(dead_air)
{
	struct alarm *a = detectors(2, 0, 0);
	int64_t s = 0;

	air_audio(a, &s, 1, 0.5f);
	air_audio(a, &s, 2.5, 0.0005f);        /* -66 dBFS for 1.5 s: under the threshold */
	air_audio(a, &s, 3.5, 0.5f);
	expect_none(a);
	air_audio(a, &s, 6.5, 0);               /* 3.5 s to 6.5 s: 3 s of silence */
	ck_assert(alarm_up(a, ALARM_DEAD_AIR) >= T0 + 3500000);
	air_audio(a, &s, 7.5, 0.01f);           /* -40 dBFS: sound */
	expect(a, ALARM_DEAD_AIR, 1, 3500000, 5500000);
	expect(a, ALARM_DEAD_AIR, 0, 3500000, 6500000);
	expect_none(a);
	ck_assert_int_eq(alarm_up(a, ALARM_DEAD_AIR), 0);
	ck_assert(alarm_cost_ns(a) > 0);
	alarm_free(&a);
	ck_assert_ptr_null(a);
}
END_TEST

START_TEST(black_is_not_frozen)
{
	struct alarm *a = detectors(0, 2, 2);
	int64_t k = 0;

	air_video(a, &k, 25, MOVING);
	air_video(a, &k, 25, BLACK);            /* 1 s: under the threshold */
	air_video(a, &k, 25, MOVING);
	expect_none(a);
	air_video(a, &k, 100, BLACK);           /* 3 s to 7 s */
	ck_assert(alarm_up(a, ALARM_BLACK) > 0);
	air_video(a, &k, 25, MOVING);
	expect(a, ALARM_BLACK, 1, 3000000, 5000000);
	expect(a, ALARM_BLACK, 0, 3000000, 7000000);
	expect_none(a);
	alarm_free(&a);
}
END_TEST

START_TEST(frozen)
{
	struct alarm *a = detectors(0, 2, 3);
	int64_t k = 0, held;

	air_video(a, &k, 50, MOVING);
	air_video(a, &k, 50, STILL);            /* 2 s: under the threshold */
	air_video(a, &k, 25, MOVING);
	expect_none(a);
	air_video(a, &k, 125, STILL);           /* 5 s to 10 s, its noise a level */
	ck_assert_int_eq(alarm_longest(a, T0, &held), ALARM_FROZEN);
	ck_assert_msg(held >= 4900000 && held <= 5100000, "held %lld", (long long)held);
	/* The automatic action counts from the item's start when it began later. */
	alarm_longest(a, T0 + 9000000, &held);
	ck_assert_msg(held >= 900000 && held <= 1100000, "held %lld", (long long)held);
	air_video(a, &k, 5, MOVING);
	expect(a, ALARM_FROZEN, 1, 5000000, 8000000);
	expect(a, ALARM_FROZEN, 0, 5000000, 10000000);
	expect_none(a);
	ck_assert_int_eq(alarm_longest(a, T0, &held), -1);
	alarm_free(&a);
}
END_TEST

START_TEST(exempt_stills)
{
	struct alarm *a = detectors(1, 1, 2);
	int64_t k = 0, s = 0;

	/* A still card, silent, that the schedule says is one: nothing. */
	alarm_segment(a, T0, T0, T0 + 6000000, ALARM_EXEMPT(ALARM_FROZEN) |
	    ALARM_EXEMPT(ALARM_BLACK) | ALARM_EXEMPT(ALARM_DEAD_AIR));
	air_video(a, &k, 150, STILL);
	air_audio(a, &s, 6, 0);
	expect_none(a);
	/* The programme after it freezes on the same picture: counted from its start. */
	alarm_segment(a, T0 + 6000000, T0 + 6000000, T0 + 60000000, 0);
	air_video(a, &k, 75, STILL);
	expect(a, ALARM_FROZEN, 1, 6000000, 8000000);
	/* A card again: the alarm no longer applies, it clears. */
	alarm_segment(a, T0 + 9000000, T0 + 9000000, T0 + 12000000, ALARM_EXEMPT(ALARM_FROZEN));
	air_video(a, &k, 25, STILL);
	expect(a, ALARM_FROZEN, 0, 6000000, 9000000);
	expect_none(a);
	alarm_free(&a);
}
END_TEST

START_TEST(act_break_black)
{
	struct alarm *a = detectors(1, 1, 0);
	int64_t k = 0, s = 0;

	/* An act ends at 4 s, a break follows: a second of black and silence around it. */
	alarm_segment(a, T0, T0, T0 + 4000000, 0);
	alarm_segment(a, T0 + 4000000, T0 + 4000000, T0 + 34000000, 0);
	air_video(a, &k, 88, MOVING);           /* to 3.52 s */
	air_audio(a, &s, 3.5, 0.3f);
	air_video(a, &k, 24, BLACK);            /* 3.52 s to 4.48 s */
	air_audio(a, &s, 4.5, 0);
	air_video(a, &k, 50, MOVING);
	air_audio(a, &s, 6.5, 0.3f);
	expect_none(a);
	/* Black later in the act is an alarm. */
	air_video(a, &k, 75, BLACK);            /* 6.48 s to 9.48 s */
	air_video(a, &k, 1, MOVING);
	expect(a, ALARM_BLACK, 1, 6480000, 7480000);
	expect(a, ALARM_BLACK, 0, 6480000, 9480000);
	expect_none(a);
	alarm_free(&a);
}
END_TEST

START_TEST(all_off)
{
	struct alarm *a = detectors(0, 0, 0);
	struct alarm_event ev;
	AVFrame *f = picture(16, -1);
	int64_t held;

	ck_assert_ptr_null(a);
	/* A channel without detectors calls them all the same. */
	alarm_segment(a, T0, 0, 0, 0);
	alarm_video(a, f, T0);
	av_frame_free(&f);
	f = samples(0);
	alarm_audio(a, f, T0);
	av_frame_free(&f);
	ck_assert_int_eq(alarm_next(a, &ev), 0);
	ck_assert_int_eq(alarm_longest(a, 0, &held), -1);
	ck_assert_int_eq(alarm_up(a, ALARM_BLACK), 0);
	ck_assert_int_eq(alarm_cost_ns(a), 0);
	alarm_free(&a);
	/* One detector on, the others off: only it reports. */
	a = detectors(0, 0, 1);
	f = picture(16, -1);
	alarm_video(a, f, T0);
	alarm_video(a, f, T0 + 3000000);
	av_frame_free(&f);
	expect_none(a);
	ck_assert_str_eq(alarm_kind_name(ALARM_DEAD_AIR), "DEAD AIR");
	ck_assert_str_eq(alarm_kind_key(ALARM_FROZEN), "frozen");
	alarm_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alarm");
	TCase *tc = tcase_create("alarm");

	tcase_add_test(tc, dead_air);
	tcase_add_test(tc, black_is_not_frozen);
	tcase_add_test(tc, frozen);
	tcase_add_test(tc, exempt_stills);
	tcase_add_test(tc, act_break_black);
	tcase_add_test(tc, all_off);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
