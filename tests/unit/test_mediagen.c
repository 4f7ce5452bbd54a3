/*
 * test_mediagen.c: synthetic media (engine/mediagen.c): the same spec gives
 * the same bytes, durations are exact, black and silence land where asked
 * (checked by decoding), forced keyframes, the clock runs, the check
 * function tells complete files from short or foreign ones, and stills
 * keep their transparency.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>

#include <libavutil/imgutils.h>

#include "engine/mediagen.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

#define W 320
#define H 180

static const struct mediagen_text texts[] = {
	{ .text = "MEDIAGEN TEST", .anchor = MEDIAGEN_CENTER, .size = 24 },
	{ .text = "a card", .anchor = MEDIAGEN_BOTTOM, .size = 16, .from_ms = 0, .to_ms = 800 },
	{ .clock = 1, .anchor = MEDIAGEN_TOP_RIGHT, .size = 20 },
};
#define CLOCK (&texts[2])
static const struct mediagen_gap gaps[] = { { 1000, 400 } };
static const int64_t keys[] = { 1200 };

/* A 2.4 s clip with a gap at [1.0, 1.4) s and a keyframe at 1.2 s. */
static struct mediagen_spec
tiny_spec(void)
{
	struct mediagen_spec s;

	memset(&s, 0, sizeof s);
	s.width = W;
	s.height = H;
	s.fps_num = 25;
	s.fps_den = 1;
	s.duration_ms = 2400;
	s.video = "smptebars=size=320x180:rate=25";
	s.audio = "sine=frequency=440:sample_rate=48000";
	s.gain_db = -3;
	s.texts = texts;
	s.ntexts = (int)nitems(texts);
	s.gaps = gaps;
	s.ngaps = 1;
	s.keyframes_ms = keys;
	s.nkeyframes = 1;
	s.keyint = 250;
	s.title = "tiny";
	return s;
}

/* dir/name. */
static char *
in_tmp(const char *name)
{
	char *p;

	xasprintf(&p, "%s/%s", check_tmpdir(), name);
	return p;
}

/* Whole file into memory. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* What decoding a file finds. */
struct decoded {
	int frames;
	int key_at[128];                /* 1 if frame n was a keyframe packet */
	double luma[128];               /* mean Y of frame n */
	double clock_diff;              /* mean |dY| between frames 5 and 6, clock corner */
	double still_diff;              /* the same, bottom left */
	int64_t clock[128];             /* the clock read from frame n; -1 unreadable */
	int64_t clock_720p;             /* frame 45's clock, read after scaling to 1280x720 */
	int64_t samples;
	float peak_in_gap;              /* middle of the gap */
	float peak_outside;
};

/* Mean of |a - b| over a rectangle of two luma planes. */
static double
region_diff(const uint8_t *a, const uint8_t *b, int stride, int x0, int y0, int w, int h)
{
	double sum = 0;
	int x, y;

	for (y = y0; y < y0 + h; y++)
		for (x = x0; x < x0 + w; x++)
			sum += abs(a[y * stride + x] - b[y * stride + x]);
	return sum / (w * h);
}

/* Frame f scaled to 1280x720, and its clock read there. */
static int64_t
clock_scaled(const AVFrame *f, const struct mediagen_spec *spec)
{
	struct SwsContext *sws;
	uint8_t *dst[4];
	int dst_ls[4];
	int64_t n = -1;

	sws = sws_getContext(f->width, f->height, f->format, 1280, 720, AV_PIX_FMT_YUV420P,
	    SWS_BICUBIC, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(sws);
	ck_assert_int_ge(av_image_alloc(dst, dst_ls, 1280, 720, AV_PIX_FMT_YUV420P, 32), 0);
	sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, dst_ls);
	if (mediagen_read_clock(dst[0], dst_ls[0], 1280, 720, spec, CLOCK, &n) != 0)
		n = -1;
	av_freep(&dst[0]);
	sws_freeContext(sws);
	return n;
}

/* Decode every frame and sample of path. */
static void
decode(const char *path, struct decoded *d)
{
	struct mediagen_spec spec = tiny_spec();
	AVFormatContext *ic = NULL;
	AVCodecContext *dec[2] = { NULL, NULL };
	AVPacket *pkt = av_packet_alloc();
	AVFrame *fr = av_frame_alloc();
	uint8_t *prev = NULL;
	unsigned i;
	int si, c, n, ret;
	int64_t s, gs = 1000 * 48 + 2400, ge = 1400 * 48 - 2400;   /* 50 ms in from each edge */
	float v;

	memset(d, 0, sizeof *d);
	ck_assert_int_eq(avformat_open_input(&ic, path, NULL, NULL), 0);
	ck_assert_int_ge(avformat_find_stream_info(ic, NULL), 0);
	ck_assert_uint_eq(ic->nb_streams, 2);
	for (i = 0; i < 2; i++) {
		const AVCodec *codec = avcodec_find_decoder(ic->streams[i]->codecpar->codec_id);

		dec[i] = avcodec_alloc_context3(codec);
		avcodec_parameters_to_context(dec[i], ic->streams[i]->codecpar);
		dec[i]->pkt_timebase = ic->streams[i]->time_base;
		ck_assert_int_eq(avcodec_open2(dec[i], codec, NULL), 0);
	}
	for (;;) {
		ret = av_read_frame(ic, pkt);
		si = ret < 0 ? -1 : pkt->stream_index;
		for (i = 0; i < 2; i++) {
			if (ret < 0)
				avcodec_send_packet(dec[i], NULL);
			else if ((int)i == si) {
				if (dec[i]->codec_type == AVMEDIA_TYPE_VIDEO &&
				    (pkt->flags & AV_PKT_FLAG_KEY)) {
					n = (int)av_rescale_q(pkt->pts, ic->streams[i]->time_base,
					    (AVRational){ 1, 25 });
					if (n >= 0 && n < 128)
						d->key_at[n] = 1;
				}
				avcodec_send_packet(dec[i], pkt);
			} else
				continue;
			while (avcodec_receive_frame(dec[i], fr) == 0) {
				if (dec[i]->codec_type == AVMEDIA_TYPE_VIDEO) {
					double sum = 0;
					int x, y;

					for (y = 0; y < fr->height; y++)
						for (x = 0; x < fr->width; x++)
							sum += fr->data[0][y * fr->linesize[0] + x];
					if (d->frames < 128) {
						d->luma[d->frames] = sum / (fr->width * fr->height);
						if (mediagen_read_clock(fr->data[0], fr->linesize[0],
						    fr->width, fr->height, &spec, CLOCK,
						    &d->clock[d->frames]) != 0)
							d->clock[d->frames] = -1;
					}
					if (d->frames == 45)
						d->clock_720p = clock_scaled(fr, &spec);
					if (d->frames == 5) {
						prev = xmalloc((size_t)fr->linesize[0] * fr->height);
						memcpy(prev, fr->data[0], (size_t)fr->linesize[0] * fr->height);
					} else if (d->frames == 6) {
						d->clock_diff = region_diff(prev, fr->data[0], fr->linesize[0],
						    W - 80, 0, 80, 30);
						d->still_diff = region_diff(prev, fr->data[0], fr->linesize[0],
						    0, H - 40, 80, 40);
					}
					d->frames++;
				} else {
					for (n = 0; n < fr->nb_samples; n++) {
						s = d->samples + n;
						for (c = 0; c < fr->ch_layout.nb_channels; c++) {
							v = fabsf(((float *)fr->extended_data[c])[n]);
							if (s >= gs && s < ge) {
								if (v > d->peak_in_gap)
									d->peak_in_gap = v;
							} else if (v > d->peak_outside)
								d->peak_outside = v;
						}
					}
					d->samples += fr->nb_samples;
				}
			}
		}
		if (ret < 0)
			break;
		av_packet_unref(pkt);
	}
	free(prev);
	av_frame_free(&fr);
	av_packet_free(&pkt);
	avcodec_free_context(&dec[0]);
	avcodec_free_context(&dec[1]);
	avformat_close_input(&ic);
}

START_TEST(same_bytes_twice)
{
	struct mediagen_spec s = tiny_spec();
	char *a = in_tmp("a.mp4"), *b = in_tmp("b.mp4"), *cause = NULL;
	uint8_t *x, *y;
	size_t xl, yl;

	ck_assert_int_eq(mediagen_make(&s, a, &cause), 0);
	ck_assert_int_eq(mediagen_make(&s, b, &cause), 0);
	x = slurp(a, &xl);
	y = slurp(b, &yl);
	ck_assert_uint_gt(xl, 1000);
	ck_assert_uint_eq(xl, yl);
	ck_assert_mem_eq(x, y, xl);
	ck_assert_int_ne(access(a, F_OK), -1);
	free(x);
	free(y);
	free(a);
	free(b);
}
END_TEST

START_TEST(exact_durations_gap_and_keyframe)
{
	struct mediagen_spec s = tiny_spec();
	struct mediagen_info info;
	struct decoded d;
	char *p = in_tmp("d.mp4"), *part, *cause = NULL;
	int n;

	ck_assert_int_eq(mediagen_make(&s, p, &cause), 0);
	xasprintf(&part, "%s.part", p);
	ck_assert_int_eq(access(part, F_OK), -1);
	ck_assert_int_eq(mediagen_probe(p, &info, &cause), 0);
	ck_assert_int_eq(info.duration_ms, 2400);
	ck_assert_str_eq(info.video_codec, "h264");
	ck_assert_str_eq(info.audio_codec, "ac3");
	ck_assert_int_eq(info.width, W);
	ck_assert_int_eq(info.height, H);

	decode(p, &d);
	ck_assert_int_eq(d.frames, 60);
	/* Every sample, within one codec frame of padding the decoder may add. */
	ck_assert_int_ge(d.samples, 2400 * 48);
	ck_assert_int_lt(d.samples, 2400 * 48 + 1536);
	/* Frames 25..34 are [1.0, 1.4) s: black (limited range: Y 16). */
	for (n = 0; n < 60; n++) {
		if (n >= 25 && n < 35)
			ck_assert_msg(d.luma[n] < 17.5, "frame %d luma %.1f", n, d.luma[n]);
		else
			ck_assert_msg(d.luma[n] > 40, "frame %d luma %.1f", n, d.luma[n]);
	}
	ck_assert_msg(d.peak_in_gap < 1e-3, "peak in gap %f", d.peak_in_gap);
	ck_assert_msg(d.peak_outside > 0.05, "peak outside %f", d.peak_outside);
	/* The forced keyframe at 1.2 s, and the first. */
	ck_assert_int_eq(d.key_at[0], 1);
	ck_assert_int_eq(d.key_at[30], 1);
	ck_assert_int_eq(d.key_at[31], 0);
	/* The clock shows each frame's number, also read from a 720p copy. */
	for (n = 0; n < 60; n++) {
		if (n >= 25 && n < 35)
			ck_assert_int_eq(d.clock[n], -1);
		else
			ck_assert_msg(d.clock[n] == n, "frame %d shows %lld", n, (long long)d.clock[n]);
	}
	ck_assert_int_eq(d.clock_720p, 45);
	/* The clock changes from frame to frame; a corner without text does not. */
	ck_assert_msg(d.clock_diff > 1.0, "clock diff %f", d.clock_diff);
	ck_assert_msg(d.still_diff < 0.5, "still diff %f", d.still_diff);
	free(part);
	free(p);
}
END_TEST

/* The clock counts minutes too: a 1 fps clip past the minute. */
START_TEST(clock_counts_minutes)
{
	static const struct mediagen_text clk[] = {
		{ .clock = 1, .anchor = MEDIAGEN_CENTER, .size = 24 },
	};
	struct mediagen_spec s = tiny_spec();
	AVFormatContext *ic = NULL;
	AVCodecContext *dec;
	const AVCodec *codec;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *fr = av_frame_alloc();
	char *p = in_tmp("min.mp4"), *cause = NULL;
	int64_t n = -1, want = 0;
	int ok = 0;

	s.fps_num = 1;
	s.duration_ms = 62000;
	s.texts = clk;
	s.ntexts = 1;
	s.ngaps = 0;
	s.nkeyframes = 0;
	s.audio = NULL;
	s.keyint = 10;
	ck_assert_int_eq(mediagen_make(&s, p, &cause), 0);
	ck_assert_int_eq(avformat_open_input(&ic, p, NULL, NULL), 0);
	ck_assert_int_ge(avformat_find_stream_info(ic, NULL), 0);
	codec = avcodec_find_decoder(ic->streams[0]->codecpar->codec_id);
	dec = avcodec_alloc_context3(codec);
	avcodec_parameters_to_context(dec, ic->streams[0]->codecpar);
	ck_assert_int_eq(avcodec_open2(dec, codec, NULL), 0);
	while (av_read_frame(ic, pkt) >= 0) {
		if (pkt->stream_index == 0)
			avcodec_send_packet(dec, pkt);
		av_packet_unref(pkt);
		while (avcodec_receive_frame(dec, fr) == 0) {
			ck_assert_int_eq(mediagen_read_clock(fr->data[0], fr->linesize[0], fr->width,
			    fr->height, &s, clk, &n), 0);
			ck_assert_int_eq(n, want);
			want++;
			ok++;
		}
	}
	avcodec_send_packet(dec, NULL);
	while (avcodec_receive_frame(dec, fr) == 0) {
		ck_assert_int_eq(mediagen_read_clock(fr->data[0], fr->linesize[0], fr->width,
		    fr->height, &s, clk, &n), 0);
		ck_assert_int_eq(n, want++);
		ok++;
	}
	ck_assert_int_eq(ok, 62);       /* the last one read 00:01:01.00 */
	av_frame_free(&fr);
	av_packet_free(&pkt);
	avcodec_free_context(&dec);
	avformat_close_input(&ic);
	free(p);
}
END_TEST

START_TEST(check_tells_good_from_bad)
{
	struct mediagen_spec s = tiny_spec(), other;
	struct mediagen_info info;
	struct stat sb;
	char *p = in_tmp("c.mp4"), *cause = NULL;

	ck_assert_int_eq(mediagen_check(&s, p, &info, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "missing"));
	freep(&cause);

	ck_assert_int_eq(mediagen_make(&s, p, &cause), 0);
	ck_assert_int_eq(mediagen_check(&s, p, &info, &cause), 1);
	ck_assert_int_eq(info.duration_ms, 2400);

	other = s;
	other.gain_db = -6;
	ck_assert_int_eq(mediagen_check(&other, p, &info, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "another description"));
	freep(&cause);

	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(truncate(p, sb.st_size / 2), 0);
	ck_assert_int_eq(mediagen_check(&s, p, &info, &cause), 0);
	ck_assert_ptr_nonnull(cause);
	freep(&cause);
	ck_assert_int_eq(truncate(p, 0), 0);
	ck_assert_int_eq(mediagen_check(&s, p, &info, &cause), 0);
	freep(&cause);

	/* Remade, it checks again. */
	ck_assert_int_eq(mediagen_make(&s, p, &cause), 0);
	ck_assert_int_eq(mediagen_check(&s, p, &info, &cause), 1);
	free(p);
}
END_TEST

START_TEST(bad_specs_fail_cleanly)
{
	struct mediagen_spec s = tiny_spec();
	char *p = in_tmp("bad.mp4"), *q = in_tmp("bad.xyz"), *part, *cause = NULL;

	s.video = "nosuchsource=size=320x180";
	ck_assert_int_lt(mediagen_make(&s, p, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "nosuchsource"));
	freep(&cause);

	s = tiny_spec();
	s.audio = "sine=frequency=440,sine=frequency=220";     /* sine has no input */
	ck_assert_int_lt(mediagen_make(&s, p, &cause), 0);
	ck_assert_ptr_nonnull(cause);
	freep(&cause);

	s = tiny_spec();
	s.width = 321;
	ck_assert_int_lt(mediagen_make(&s, p, &cause), 0);
	freep(&cause);

	s = tiny_spec();
	s.duration_ms = 0;
	ck_assert_int_lt(mediagen_make(&s, p, &cause), 0);
	freep(&cause);

	s = tiny_spec();
	ck_assert_int_lt(mediagen_make(&s, q, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "container"));
	freep(&cause);

	/* Nothing is left behind. */
	ck_assert_int_eq(access(p, F_OK), -1);
	xasprintf(&part, "%s.part", p);
	ck_assert_int_eq(access(part, F_OK), -1);
	free(part);
	free(p);
	free(q);
}
END_TEST

START_TEST(still_png_has_alpha)
{
	static const struct mediagen_text mark[] = {
		{ .text = "RV", .anchor = MEDIAGEN_CENTER, .size = 30, .color = "white@0.8" },
	};
	struct mediagen_spec s;
	AVFormatContext *ic = NULL;
	AVCodecContext *dec;
	const AVCodec *codec;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *fr = av_frame_alloc();
	char *p = in_tmp("bug.png"), *cause = NULL;
	int x, y, clear = 0, opaque = 0, a;

	memset(&s, 0, sizeof s);
	s.width = 96;
	s.height = 48;
	s.video = "color=c=black@0.0:size=96x48";
	s.still = 1;
	s.texts = mark;
	s.ntexts = 1;
	ck_assert_int_eq(mediagen_still(&s, p, &cause), 1);
	ck_assert_int_eq(mediagen_still(&s, p, &cause), 0);

	ck_assert_int_eq(avformat_open_input(&ic, p, NULL, NULL), 0);
	ck_assert_int_ge(avformat_find_stream_info(ic, NULL), 0);
	codec = avcodec_find_decoder(ic->streams[0]->codecpar->codec_id);
	dec = avcodec_alloc_context3(codec);
	avcodec_parameters_to_context(dec, ic->streams[0]->codecpar);
	ck_assert_int_eq(avcodec_open2(dec, codec, NULL), 0);
	ck_assert_int_eq(av_read_frame(ic, pkt), 0);
	ck_assert_int_eq(avcodec_send_packet(dec, pkt), 0);
	ck_assert_int_eq(avcodec_receive_frame(dec, fr), 0);
	ck_assert_int_eq(fr->format, AV_PIX_FMT_RGBA);
	ck_assert_int_eq(fr->width, 96);
	for (y = 0; y < fr->height; y++)
		for (x = 0; x < fr->width; x++) {
			a = fr->data[0][y * fr->linesize[0] + x * 4 + 3];
			clear += a == 0;
			opaque += a > 100;
		}
	ck_assert_int_gt(clear, 96 * 48 / 2);
	ck_assert_int_gt(opaque, 20);
	av_frame_free(&fr);
	av_packet_free(&pkt);
	avcodec_free_context(&dec);
	avformat_close_input(&ic);
	free(p);
}
END_TEST

START_TEST(fingerprint_follows_the_spec)
{
	struct mediagen_spec s = tiny_spec(), t = tiny_spec();
	char a[65], b[65];

	mediagen_fingerprint(&s, a);
	mediagen_fingerprint(&t, b);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(strlen(a), 64);
	t.progress_arg = &t;            /* not part of the output */
	mediagen_fingerprint(&t, b);
	ck_assert_str_eq(a, b);
	t.duration_ms = 2440;
	mediagen_fingerprint(&t, b);
	ck_assert_str_ne(a, b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mediagen");
	TCase *tc = tcase_create("mediagen");

	av_log_set_level(AV_LOG_FATAL);         /* the tests expect errors */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, same_bytes_twice);
	tcase_add_test(tc, exact_durations_gap_and_keyframe);
	tcase_add_test(tc, clock_counts_minutes);
	tcase_add_test(tc, check_tells_good_from_bad);
	tcase_add_test(tc, bad_specs_fail_cleanly);
	tcase_add_test(tc, still_png_has_alpha);
	tcase_add_test(tc, fingerprint_follows_the_spec);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
