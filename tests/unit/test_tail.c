/*
 * test_tail.c: the tail graph degrades, never fails: a plug-in chain that
 * cannot be built, or that fails on its first frame (a PNG that does not
 * decode), is left out with one log line and tried again when it
 * changes, while the other plug-ins stay; a graph that fails as it runs
 * (the third picture of a sequence does not decode) is built again
 * without the plug-in chains, and every frame pushed still comes out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>

#include "engine/tail.h"
#include "src/channels.h"
#include "src/log.h"
#include "src/strbuf.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/* An 8x8 red PNG, and the same with its picture data scrambled (checksum right). */
static const unsigned char png_good[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
	0x44, 0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x06, 0x00, 0x00,
	0x00, 0xc4, 0x0f, 0xbe, 0x8b, 0x00, 0x00, 0x00, 0x12, 0x49, 0x44, 0x41, 0x54, 0x78,
	0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x1f, 0x66, 0x18, 0x19, 0x0a, 0x00, 0xc2,
	0xd7, 0x7f, 0x81, 0x2f, 0x71, 0xe0, 0x01, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
	0x44, 0xae, 0x42, 0x60, 0x82
};
static const unsigned char png_bad[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
	0x44, 0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x06, 0x00, 0x00,
	0x00, 0xc4, 0x0f, 0xbe, 0x8b, 0x00, 0x00, 0x00, 0x12, 0x49, 0x44, 0x41, 0x54, 0x78,
	0x9c, 0xc6, 0x5d, 0x6a, 0x65, 0x55, 0xba, 0xba, 0xc3, 0xbd, 0xbc, 0xaf, 0xa5, 0xc2,
	0xd7, 0x7f, 0x81, 0xa8, 0xb5, 0xa9, 0x38, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
	0x44, 0xae, 0x42, 0x60, 0x82
};

/* A fake plug-in: a chain template with two %s (in, out), or NULL. */
struct fake {
	const char *chain;
	int dropped;
	int rebuild;                    /* ask for one at the next poll */
};

/* The template with its first %s made in, its second out, and %% made %. */
static char *
expand(const char *tmpl, const char *in, const char *out)
{
	struct strbuf b = { 0 };
	int n = 0;

	for (; *tmpl != '\0'; tmpl++) {
		if (tmpl[0] == '%' && tmpl[1] == 's') {
			strbuf_add(&b, "%s", n++ == 0 ? in : out);
			tmpl++;
		} else if (tmpl[0] == '%' && tmpl[1] == '%') {
			strbuf_add(&b, "%%");
			tmpl++;
		} else {
			strbuf_add(&b, "%c", *tmpl);
		}
	}
	return strbuf_take(&b);
}

static int
fake_video_chain(void *state, const char *in, const char *out, char **desc)
{
	struct fake *f = state;

	*desc = f->chain != NULL ? expand(f->chain, in, out) : NULL;
	return 0;
}

static void
fake_dropped(void *state, int video)
{
	((struct fake *)state)->dropped++;
}

static int
fake_poll(void *state, struct tail *t, int64_t wall_us)
{
	struct fake *f = state;

	if (!f->rebuild)
		return TAIL_KEEP;
	f->rebuild = 0;
	return TAIL_REBUILD;
}

static void *
fake_open(void *global, const struct channel_conf *conf, const struct tail_format *fmt)
{
	return global;
}

static const struct tail_plugin plug_a = {
	.name = "first", .open = fake_open, .video_chain = fake_video_chain,
	.dropped = fake_dropped, .poll = fake_poll,
};
static const struct tail_plugin plug_b = {
	.name = "second", .open = fake_open, .video_chain = fake_video_chain,
	.dropped = fake_dropped, .poll = fake_poll,
};

static char dir[4200];

/* Write a file into the test's directory; its path. */
static char *
put(const char *name, const unsigned char *data, size_t len)
{
	char *path;
	FILE *f;

	xasprintf(&path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* Log lines since seq that contain s. */
static int
log_count(uint64_t since, const char *s)
{
	struct log_entry e[64];
	size_t n, i;
	int c = 0;

	while ((n = log_ring_read(since, e, 64)) > 0) {
		for (i = 0; i < n; i++) {
			if (strstr(e[i].text, s) != NULL)
				c++;
		}
		since = e[n - 1].seq;
	}
	return c;
}

/* A tail of 64x36 at 25 fps with the two fakes. */
static struct tail *
new_tail(struct fake *a, struct fake *b)
{
	static const struct tail_plugin *plugins[] = { &plug_a, &plug_b };
	struct tail_format fmt = { 64, 36, 25, 1, 48000, 0 };
	struct channel_conf conf;
	void *globals[2] = { a, b };
	struct tail *t = NULL;
	char *cause = NULL;

	memset(&conf, 0, sizeof conf);
	conf.number = (char *)"5";
	ck_assert_msg(tail_new(&t, &fmt, &conf, plugins, globals, 2, &cause) == 0, "%s", cause);
	return t;
}

/* Push n grey frames (from pts) and pull what comes out; the count out. */
static int
run_frames(struct tail *t, int64_t pts, int n)
{
	AVFrame *f = av_frame_alloc(), *o = av_frame_alloc();
	char *cause = NULL;
	int i, out = 0;

	for (i = 0; i < n; i++) {
		ck_assert_int_eq(tail_poll(t, (pts + i) * 40000, &cause), 0);
		f->format = AV_PIX_FMT_YUV420P;
		f->width = 64;
		f->height = 36;
		ck_assert_int_ge(av_frame_get_buffer(f, 0), 0);
		memset(f->data[0], 100, (size_t)f->linesize[0] * 36);
		memset(f->data[1], 128, (size_t)f->linesize[1] * 18);
		memset(f->data[2], 128, (size_t)f->linesize[2] * 18);
		f->pts = pts + i;
		ck_assert_msg(tail_video_in(t, f, &cause) >= 0, "%s", cause);
		while (tail_video_out(t, o, (pts + i) * 40000) >= 0) {
			ck_assert_int_eq(o->width, 64);
			av_frame_unref(o);
			out++;
		}
	}
	av_frame_free(&f);
	av_frame_free(&o);
	return out;
}

static void
setup(void)
{
	snprintf(dir, sizeof dir, "%s", check_tmpdir());
	log_open("test", 0, LOGL_ERROR);
	log_route_ffmpeg();
}

START_TEST(a_chain_that_cannot_be_built_is_left_out)
{
	struct fake a = { "[%s]nosuchfilter[%s]", 0, 0 }, b = { "[%s]drawbox@b=t=2[%s]", 0, 0 };
	uint64_t since = log_ring_last();
	struct tail *t;

	setup();
	t = new_tail(&a, &b);
	ck_assert_int_eq(a.dropped, 1);
	ck_assert_int_eq(b.dropped, 0);
	ck_assert_int_eq(tail_command(t, "drawbox@b", "t", "3"), 0);  /* the other stays */
	ck_assert_int_eq(run_frames(t, 0, 5), 5);
	/* Built again as it is: left out again, quietly. */
	a.rebuild = 1;
	ck_assert_int_eq(run_frames(t, 5, 5), 5);
	ck_assert_int_eq(a.dropped, 2);
	ck_assert_int_eq(log_count(since, "channel 5: the first overlay is off"), 1);
	ck_assert_int_eq(log_count(since, "the channel stays on the air"), 1);
	ck_assert_int_eq(log_count(since, "ffmpeg:"), 0);      /* FFmpeg's lines folded in */
	/* Changed: tried again, and in. */
	a.chain = "[%s]drawbox@a=t=1[%s]";
	a.rebuild = 1;
	ck_assert_int_eq(run_frames(t, 10, 5), 5);
	ck_assert_int_eq(a.dropped, 2);
	ck_assert_int_eq(tail_command(t, "drawbox@a", "t", "2"), 0);
	tail_free(&t);
	ck_assert_ptr_null(t);
}
END_TEST

START_TEST(a_picture_that_does_not_decode_is_left_out)
{
	struct fake a = { NULL, 0, 0 }, b = { "[%s]drawbox@b=t=2[%s]", 0, 0 };
	char *bad, *chain;
	uint64_t since = log_ring_last();
	struct tail *t;

	setup();
	bad = put("bad.png", png_bad, sizeof png_bad);
	xasprintf(&chain, "movie=filename=%s:loop=0,trim=end_frame=1[pic];[%%s][pic]"
	    "overlay=eof_action=repeat[%%s]", bad);
	a.chain = chain;
	t = new_tail(&a, &b);
	ck_assert_int_eq(a.dropped, 1);
	ck_assert_int_eq(b.dropped, 0);
	ck_assert_int_eq(run_frames(t, 0, 5), 5);
	ck_assert_int_eq(log_count(since, "the first overlay is off"), 1);
	ck_assert_int_eq(log_count(since, "inflate"), 1);      /* FFmpeg's reason, in that line */
	tail_free(&t);
	free(chain);
	free(bad);
}
END_TEST

START_TEST(a_graph_that_fails_as_it_runs_is_built_again)
{
	struct fake a = { NULL, 0, 0 }, b = { "[%s]drawbox@b=t=2[%s]", 0, 0 };
	char *p, *chain;
	uint64_t since = log_ring_last();
	struct tail *t;
	int i;

	setup();
	/* A picture sequence whose third picture does not decode. */
	for (i = 1; i <= 6; i++) {
		char name[16];

		snprintf(name, sizeof name, "seq%d.png", i);
		p = i == 3 ? put(name, png_bad, sizeof png_bad) : put(name, png_good,
		    sizeof png_good);
		free(p);
	}
	xasprintf(&chain, "movie=filename=%s/seq%%%%d.png:format_name=image2[pic];[%%s][pic]"
	    "overlay=shortest=1[%%s]", dir);
	a.chain = chain;
	t = new_tail(&a, &b);
	ck_assert_int_eq(a.dropped, 0);         /* its first frame is fine */
	ck_assert_int_eq(run_frames(t, 0, 12), 12);     /* every frame still comes out */
	ck_assert_int_eq(a.dropped, 1);
	ck_assert_int_eq(b.dropped, 1);         /* the graph lost both chains */
	ck_assert_int_eq(log_count(since, "the graph failed as it ran"), 2);
	ck_assert_int_eq(run_frames(t, 12, 5), 5);
	tail_free(&t);
	free(chain);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tail");
	TCase *tc = tcase_create("tail");

	tcase_add_test(tc, a_chain_that_cannot_be_built_is_left_out);
	tcase_add_test(tc, a_picture_that_does_not_decode_is_left_out);
	tcase_add_test(tc, a_graph_that_fails_as_it_runs_is_built_again);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
