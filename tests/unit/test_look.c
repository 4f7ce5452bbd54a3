/*
 * test_look.c: the looks, through a real tail graph. A flat grey picture
 * comes out of the CRT look with dark scan lines every other line (at
 * 180 lines: one every two), darker corners and glowing highlights; out
 * of the VHS look a grey/red edge has its colour shifted right of its
 * light and smeared, the bottom lines shifted right again (head
 * switching), and the noise changes from frame to frame; clean changes
 * nothing. A channel takes the look under the alerts or over them, as
 * its look_alerts says, never both.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>

#include "engine/look.h"
#include "src/chanfield.h"
#include "src/channels.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

#define W 320
#define H 180

static const struct tail_format fmt = { W, H, 30, 1, 48000, 0 };

/* A channel with a look. */
static void
conf_with(struct channel_conf *c, const char *look, int strength, int alerts)
{
	memset(c, 0, sizeof *c);
	c->number = "7";
	c->vals = xcalloc(nchanfields, sizeof *c->vals);
	c->vals[chanfield_index("look")].s = look;
	c->vals[chanfield_index("look_strength")].i = strength;
	c->vals[chanfield_index("look_alerts")].i = alerts;
}

static int block;                       /* picture(): a white square this big in the middle */

/* A picture of fm: luma grey, red right of x = edge (edge >= width: none). */
static AVFrame *
picture(const struct tail_format *fm, int edge, int luma)
{
	AVFrame *f = av_frame_alloc();
	int x, y;

	f->format = AV_PIX_FMT_YUV420P;
	f->width = fm->width;
	f->height = fm->height;
	ck_assert_int_eq(av_frame_get_buffer(f, 0), 0);
	for (y = 0; y < f->height; y++) {
		for (x = 0; x < f->width; x++)
			f->data[0][y * f->linesize[0] + x] = (uint8_t)(x >= edge ? 81 :
			    abs(x - f->width / 2) < block / 2 && abs(y - f->height / 2) < block / 2 ?
			    235 : luma);
	}
	for (y = 0; y < f->height / 2; y++) {
		for (x = 0; x < f->width / 2; x++) {
			f->data[1][y * f->linesize[1] + x] = (uint8_t)(x * 2 >= edge ? 90 : 128);
			f->data[2][y * f->linesize[2] + x] = (uint8_t)(x * 2 >= edge ? 240 : 128);
		}
	}
	return f;
}

/* Run frames of fm through a tail with the look plug-in (under or over); the last out. */
static AVFrame *
through_fmt(const struct tail_format *fm, const char *look, int strength, int over, int edge,
    int luma, int frames)
{
	const struct tail_plugin *plugins[1] = { over ? &look_over_plugin : &look_plugin };
	void *globals[1] = { NULL };
	struct channel_conf c;
	struct tail *t = NULL;
	AVFrame *in, *out = av_frame_alloc(), *last = NULL;
	char *cause = NULL;
	int i;

	conf_with(&c, look, strength, over);
	ck_assert_msg(tail_new(&t, fm, &c, plugins, globals, 1, &cause) == 0, "%s", cause);
	for (i = 0; i < frames; i++) {
		ck_assert_int_eq(tail_poll(t, 1000000LL * i / 30, NULL), 0);
		in = picture(fm, edge, luma);
		in->pts = i;
		ck_assert_int_eq(tail_video_in(t, in, NULL), 0);
		av_frame_free(&in);
		while (tail_video_out(t, out, 1000000LL * i / 30) == 0) {
			av_frame_free(&last);
			last = av_frame_clone(out);
			av_frame_unref(out);
		}
	}
	av_frame_free(&out);
	tail_free(&t);
	free(c.vals);
	ck_assert_ptr_nonnull(last);
	return last;
}

/* The same at 320x180. */
static AVFrame *
through(const char *look, int strength, int over, int edge, int luma, int frames)
{
	return through_fmt(&fmt, look, strength, over, edge, luma, frames);
}

/* Mean luma of row y over columns [x0, x1). */
static double
row_mean(const AVFrame *f, int y, int x0, int x1)
{
	double s = 0;
	int x;

	for (x = x0; x < x1; x++)
		s += f->data[0][y * f->linesize[0] + x];
	return s / (x1 - x0);
}

/* How much rows differ from their neighbour (1) and from the row after (2). */
static void
periodicity(const AVFrame *f, double *d1, double *d2)
{
	int y;

	*d1 = *d2 = 0;
	for (y = 60; y < 120; y++) {
		*d1 += fabs(row_mean(f, y, 100, 220) - row_mean(f, y + 1, 100, 220));
		*d2 += fabs(row_mean(f, y, 100, 220) - row_mean(f, y + 2, 100, 220));
	}
	*d1 /= 60;
	*d2 /= 60;
}

START_TEST(crt_scan_lines)
{
	AVFrame *f = through("crt", 50, 0, W, 128, 3);
	double d1, d2, centre, corner;

	periodicity(f, &d1, &d2);
	/* Every other line darker: neighbours differ, lines two apart do not. */
	ck_assert_msg(d1 > 20 && d2 < 3, "neighbours differ by %.1f, lines two apart by %.1f",
	    d1, d2);
	/* A gentle vignette and the tube's rounded corners. */
	centre = (row_mean(f, 90, 150, 170) + row_mean(f, 91, 150, 170)) / 2;
	corner = (row_mean(f, 1, 0, 3) + row_mean(f, 2, 0, 3)) / 2;
	ck_assert_msg(corner < centre * 0.6, "corner %.1f, centre %.1f", corner, centre);
	ck_assert_msg(row_mean(f, 91, 150, 170) > 100, "the picture stays bright: %.1f",
	    row_mean(f, 91, 150, 170));
	av_frame_free(&f);

	/* Stronger: deeper lines. */
	f = through("crt", 100, 0, W, 128, 2);
	periodicity(f, &d2, &centre);
	ck_assert_msg(d2 > d1 * 1.3, "strength 100: %.1f, strength 50: %.1f", d2, d1);
	av_frame_free(&f);
}
END_TEST

START_TEST(crt_bloom)
{
	AVFrame *f;
	double near, far;

	/* A white square on dark grey: its glow lights the grey around it. */
	block = 40;
	f = through("crt", 50, 0, W, 60, 2);
	block = 0;
	near = (row_mean(f, 90, 183, 187) + row_mean(f, 91, 183, 187)) / 2;
	far = (row_mean(f, 90, 230, 234) + row_mean(f, 91, 230, 234)) / 2;
	ck_assert_msg(near > far + 8, "beside the highlight %.1f, away from it %.1f", near, far);
	av_frame_free(&f);
}
END_TEST

/*
 * Where a row goes half way from the left value to the right one (plane
 * p; in luma pixels), after it first comes near the left value (the head
 * switching band starts black).
 */
static double
crossing(const AVFrame *f, int p, int y, int lo, int hi)
{
	const uint8_t *r = f->data[p] + y * f->linesize[p];
	int x, w = p == 0 ? W : W / 2;
	double mid = (lo + hi) / 2.0;

	for (x = 0; x < w && abs(r[x] - lo) > abs(hi - lo) / 4.0; x++)
		;
	for (x++; x < w; x++) {
		if ((r[x - 1] - mid) * (r[x] - mid) <= 0 && r[x] != r[x - 1])
			return (x - 1 + (mid - r[x - 1]) / (r[x] - r[x - 1])) * (p == 0 ? 1 : 2);
	}
	return -1;
}

/*
 * The grey/red edge in the bottom lines (the head-switching band): their
 * mean, smoothed over 5 pixels against the band's noise, after its black
 * start.
 */
static double
band_edge(const AVFrame *f)
{
	double m[W], s;
	int x, k, y, grey = 0;

	for (x = 0; x < W; x++) {
		for (m[x] = 0, y = H - 3; y < H; y++)
			m[x] += f->data[0][y * f->linesize[0] + x] / 3.0;
	}
	for (x = 2; x < W - 2; x++) {
		for (s = 0, k = -2; k <= 2; k++)
			s += m[x + k] / 5;
		if (s > 160)
			grey = 1;
		else if (grey && s < 130)
			return x;
	}
	return -1;
}

START_TEST(vhs_chroma_and_band)
{
	AVFrame *f = through("vhs", 50, 0, 160, 180, 3), *g;
	double yl = crossing(f, 0, 80, 180, 81), vl = crossing(f, 2, 40, 128, 240);
	double band = band_edge(f);
	const uint8_t *v = f->data[2] + 40 * f->linesize[2];
	int x, smear = 0, diff = 0;

	/* The colour lands right of the light, by a few pixels. */
	ck_assert_msg(yl > 150 && yl < 170, "luma edge at %.1f", yl);
	ck_assert_msg(vl - yl >= 2, "chroma edge at %.1f, luma edge at %.1f", vl, yl);
	/* And bleeds: the chroma climbs over several samples. */
	for (x = 0; x < W / 2; x++) {
		if (v[x] > 140 && v[x] < 228)
			smear++;
	}
	ck_assert_msg(smear >= 3, "chroma edge %d samples wide", smear);
	/* Head switching: the bottom lines are shifted right. */
	ck_assert_msg(band - yl >= 3, "bottom lines' edge at %.1f, above at %.1f", band, yl);
	/* Tape noise: the next frame's grain differs. */
	g = through("vhs", 50, 0, 160, 180, 4);
	for (x = 0; x < 100; x++)
		diff += f->data[0][60 * f->linesize[0] + x] != g->data[0][60 * g->linesize[0] + x];
	ck_assert_msg(diff > 30, "%d of 100 pixels changed", diff);
	av_frame_free(&f);
	av_frame_free(&g);
}
END_TEST

START_TEST(clean_and_placement)
{
	struct channel_conf c;
	AVFrame *f = through("clean", 50, 0, 160, 180, 2);
	double d1, d2;

	periodicity(f, &d1, &d2);
	ck_assert(d1 < 0.01);
	ck_assert_double_eq_tol(crossing(f, 2, 40, 128, 240), crossing(f, 0, 80, 180, 81), 1.01);
	av_frame_free(&f);

	/* look_alerts no: under the alerts only; yes: over them only. */
	conf_with(&c, "crt", 50, 0);
	ck_assert_ptr_nonnull(f = look_plugin.open(NULL, &c, &fmt));
	look_plugin.close(f);
	ck_assert_ptr_null(look_over_plugin.open(NULL, &c, &fmt));
	c.vals[chanfield_index("look_alerts")].i = 1;
	ck_assert_ptr_null(look_plugin.open(NULL, &c, &fmt));
	ck_assert_ptr_nonnull(f = look_over_plugin.open(NULL, &c, &fmt));
	look_over_plugin.close(f);
	c.vals[chanfield_index("look")].s = "clean";
	ck_assert_ptr_null(look_over_plugin.open(NULL, &c, &fmt));
	free(c.vals);
	/* A channel read without its settings (no look) is clean. */
	memset(&c, 0, sizeof c);
	c.number = "8";
	ck_assert_ptr_null(look_plugin.open(NULL, &c, &fmt));
	ck_assert_ptr_null(look_chain("sepia", 50, &fmt, "a", "b"));
}
END_TEST

/* Each look at its extremes and at odd sizes builds and runs. */
START_TEST(every_size)
{
	static const struct tail_format sizes[] = {
		{ 64, 64, 25, 1, 48000, 0 }, { 640, 360, 30000, 1001, 48000, 0 },
		{ 1280, 720, 30, 1, 48000, 0 }, { 720, 576, 25, 1, 48000, 0 },
	};
	static const char *const looks[] = { "crt", "vhs" };
	static const int strengths[] = { 1, 100 };
	const struct tail_format *fm;
	AVFrame *f;
	size_t i, j, k;
	int x, y, changed;

	for (i = 0; i < nitems(sizes); i++)
		for (j = 0; j < nitems(looks); j++)
			for (k = 0; k < nitems(strengths); k++) {
				/* The chain was kept (a dropped one would leave the grey as it is). */
				fm = &sizes[i];
				f = through_fmt(fm, looks[j], strengths[k], 0, fm->width, 128, 2);
				ck_assert_int_eq(f->width, fm->width);
				ck_assert_int_eq(f->height, fm->height);
				changed = 0;
				for (y = 0; y < fm->height; y++)
					for (x = 0; x < fm->width; x++)
						changed += f->data[0][y * f->linesize[0] + x] != 128;
				ck_assert_msg(changed > fm->width * fm->height / 4, "%s %d at %dx%d: %d "
				    "pixels changed", looks[j], strengths[k], fm->width, fm->height,
				    changed);
				av_frame_free(&f);
			}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("look");
	TCase *tc = tcase_create("look");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, crt_scan_lines);
	tcase_add_test(tc, crt_bloom);
	tcase_add_test(tc, vhs_chroma_and_band);
	tcase_add_test(tc, clean_and_placement);
	tcase_add_test(tc, every_size);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
