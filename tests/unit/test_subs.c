/*
 * test_subs.c: subtitles, from the library to the picture: sidecar names
 * (src/subtitles.c), which track airs for each mode and language list,
 * language codes (src/iso639.c), and each kind of track burned in by the
 * per-item source (engine/source.c with engine/subs.c): SubRip, ASS,
 * mov_text and WebVTT inside files, SubRip and ASS sidecars (one of them
 * forced, one not UTF-8), DVD (VobSub) and DVB pictures with forced
 * events, a join in the middle of a subtitle, and the cues of the
 * rendition.
 *
 * The pictures are flat grey (Y 128) and every subtitle is brighter than
 * Y 200 somewhere (white text, yellow boxes), so a subtitle on screen is
 * bright pixels in the lower part of the frame. Each output frame's item
 * time says whether one should be there.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>

#include "engine/source.h"
#include "src/iso639.h"
#include "src/subtitles.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

#define W 320
#define H 180
#define FPS 30
#define SECONDS 10
#define BOX ((W / 2 - 4) * (H / 10 - 4))      /* the yellow of mksubs's box */

static char *dir;

/* Run a shell command in dir; 0 on success. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char *cmd, *full;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	xasprintf(&full, "cd '%s' && %s", dir, cmd);
	rc = system(full);
	free(cmd);
	free(full);
	return rc;
}

/* dir/name (static buffer). */
static const char *
in_dir(const char *name)
{
	static char buf[4][4096];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

/* Write a file in dir. */
static void
put_file(const char *name, const char *text)
{
	FILE *f = fopen(in_dir(name), "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* SubRip: "Hello" 1-3 s, "World" 5-8 s. */
#define SRT "1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\n00:00:05,000 --> 00:00:08,000\nWorld\n"
/* Only the second one, as a forced track would have it. */
#define SRT_FORCED "1\n00:00:05,000 --> 00:00:08,000\nWorld\n"
/* ASS: the same times, text in a yellow box. */
#define ASS "[Script Info]\nScriptType: v4.00+\nPlayResX: 320\nPlayResY: 180\n\n" \
	"[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, " \
	"OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, " \
	"Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n" \
	"Style: Box,DejaVu Sans,20,&H0000FFFF,&H0000FFFF,&H0000FFFF,&H0000FFFF,0,0,0,0,100,100," \
	"0,0,3,4,0,2,10,10,10,1\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, " \
	"MarginR, MarginV, Effect, Text\n" \
	"Dialogue: 0,0:00:01.00,0:00:03.00,Box,,0,0,0,,Hello\n" \
	"Dialogue: 0,0:00:05.00,0:00:08.00,Box,,0,0,0,,World\n"

/* The grey picture with a tone, SECONDS long, as name (any container). */
static void
make_video(const char *name, const char *more)
{
	ck_assert_int_eq(sh("ffmpeg -v error -y -f lavfi -i color=c=0x808080:s=%dx%d:r=25:d=%d "
	    "-f lavfi -i sine=d=%d %s -c:v libx264 -preset ultrafast -g 25 -c:a aac %s",
	    W, H, SECONDS, SECONDS, more != NULL ? more : "", name), 0);
}

/* What aired: bright pixels low in each frame, and the cues. */
struct air {
	int n;
	int bright[SECONDS * FPS + 10];
	int ncues;
	int64_t cue_start[32], cue_end[32];     /* relative to the frame that gave them, made absolute */
	char cue_text[32][64];
};

/* Source settings: the channel's format, subtitles as given. */
static struct source_conf
conf(int mode, const char *langs)
{
	struct source_conf c;

	memset(&c, 0, sizeof c);
	c.width = W;
	c.height = H;
	c.fps_num = FPS;
	c.fps_den = 1;
	c.gain_db = 0;
	c.subs.mode = mode;
	snprintf(c.subs.languages, sizeof c.subs.languages, "%s", langs != NULL ? langs : "");
	c.subs.track.stream_index = -1;
	return c;
}

/* Air path from offset_us for n frames. */
static void
air(const char *path, int64_t offset_us, const struct source_conf *c, int n, struct air *a)
{
	struct source *src = NULL;
	struct subs_cue cue;
	char *cause = NULL;
	AVFrame *f = av_frame_alloc();
	int i, x, y, ret;

	memset(a, 0, sizeof *a);
	ret = source_open(&src, path, offset_us, c, &cause);
	if (ret != 0)
		fprintf(stderr, "%s\n", cause);
	ck_assert_int_eq(ret, 0);
	for (i = 0; i < n; i++) {
		ret = source_video(src, f, &cause);
		if (ret == AVERROR_EOF)
			break;
		ck_assert_int_eq(ret, 0);
		for (y = H * 55 / 100; y < H; y++) {
			for (x = 0; x < W; x++)
				a->bright[i] += f->data[0][y * f->linesize[0] + x] > 200;
		}
		av_frame_unref(f);
		while (a->ncues < 32 && source_subtitle_cue(src, &cue) == 1) {
			a->cue_start[a->ncues] = cue.start_us + (int64_t)i * 1000000 / FPS;
			a->cue_end[a->ncues] = cue.end_us + (int64_t)i * 1000000 / FPS;
			snprintf(a->cue_text[a->ncues], sizeof a->cue_text[0], "%s", cue.text);
			a->ncues++;
		}
	}
	a->n = i;
	av_frame_free(&f);
	source_free(&src);
}

/* Is item time t (s) inside one of the spans "a-b,c-d", 2 frames clear of the edges? */
static int
in_spans(double t, const double *spans, int n, int *edge)
{
	double m = 2.0 / FPS;
	int i;

	*edge = 0;
	for (i = 0; i < n; i += 2) {
		if (fabs(t - spans[i]) < m || fabs(t - spans[i + 1]) < m)
			*edge = 1;
		if (t >= spans[i] && t < spans[i + 1])
			return 1;
	}
	return 0;
}

/*
 * Subtitles show exactly in the spans (file times, seconds) and nowhere
 * else; offset is the join's file time.
 */
static void
check_spans(const struct air *a, double offset, const double *spans, int n)
{
	int i, edge, want, on = 0, off = 0;
	double t;

	ck_assert_int_gt(a->n, 10);
	for (i = 0; i < a->n; i++) {
		t = offset + (double)i / FPS;
		want = in_spans(t, spans, n, &edge);
		if (edge)
			continue;
		if (want && a->bright[i] < 20)
			ck_abort_msg("no subtitle at %.3f s (%d bright pixels)", t, a->bright[i]);
		if (!want && a->bright[i] > 0)
			ck_abort_msg("a subtitle at %.3f s (%d bright pixels)", t, a->bright[i]);
		if (want)
			on++;
		else
			off++;
	}
	ck_assert_int_gt(on + off, 0);
}

static const double both[] = { 1, 3, 5, 8 };
static const double second[] = { 5, 8 };

static void
setup(void)
{
	dir = check_tmpdir();
}

static void
teardown(void)
{
	sh("rm -rf '%s'", dir);
}

/* The tool that makes picture subtitles (tests/helpers/mksubs.c). */
static const char *
mksubs(void)
{
	const char *m = getenv("MKSUBS");

	return m != NULL ? m : "tests/helpers/mksubs";
}

START_TEST(test_sidecar_names)
{
	struct subs_track t;

	ck_assert(subs_sidecar_parse("Movie (1999).mkv", "Movie (1999).en.srt", &t));
	ck_assert_str_eq(t.language, "eng");
	ck_assert_str_eq(t.codec, "subrip");
	ck_assert(!t.forced && !t.hearing_impaired && !t.bitmap);
	ck_assert_int_eq(t.stream_index, -1);
	ck_assert(subs_sidecar_parse("Movie (1999).mkv", "Movie (1999).eng.forced.srt", &t));
	ck_assert(t.forced);
	ck_assert_str_eq(t.language, "eng");
	ck_assert(subs_sidecar_parse("Show.S01E02.mp4", "Show.S01E02.French.SDH.ass", &t));
	ck_assert_str_eq(t.language, "fre");
	ck_assert(t.hearing_impaired);
	ck_assert_str_eq(t.codec, "ass");
	ck_assert(subs_sidecar_parse("a.mkv", "a.pt-BR.default.vtt", &t));
	ck_assert_str_eq(t.language, "por");
	ck_assert(t.is_default);
	ck_assert(subs_sidecar_parse("a.mkv", "a.srt", &t));
	ck_assert_str_eq(t.language, "");
	ck_assert(subs_sidecar_parse("a.mkv", "a.en.commentary.srt", &t));
	ck_assert_str_eq(t.title, "commentary");
	ck_assert(subs_sidecar_parse("a.mkv", "a.de.idx", &t));
	ck_assert(t.bitmap);
	ck_assert_str_eq(t.language, "ger");
	ck_assert(!subs_sidecar_parse("a.mkv", "ab.en.srt", &t));
	ck_assert(!subs_sidecar_parse("a.mkv", "a.en.txt", &t));
	ck_assert(!subs_sidecar_parse("a.mkv", "a.nfo", &t));
	ck_assert(!subs_sidecar_parse("a.b.mkv", "a.en.srt", &t));
}
END_TEST

START_TEST(test_languages)
{
	char b[8];

	ck_assert_str_eq(iso639_norm("en", b, sizeof b), "eng");
	ck_assert_str_eq(iso639_norm("FRA", b, sizeof b), "fre");
	ck_assert_str_eq(iso639_norm("German", b, sizeof b), "ger");
	ck_assert_str_eq(iso639_norm("zh-Hans", b, sizeof b), "chi");
	ck_assert_str_eq(iso639_norm("tlh", b, sizeof b), "tlh");
	ck_assert_ptr_null(iso639_norm("und", b, sizeof b));
	ck_assert_ptr_null(iso639_norm("x", b, sizeof b));
	ck_assert_ptr_null(iso639_norm("e1g", b, sizeof b));
	ck_assert(iso639_same("deu", "ger"));
	ck_assert(!iso639_same("eng", "spa"));
	ck_assert(!iso639_same("", ""));
	ck_assert_str_eq(iso639_bcp47("spa", b, sizeof b), "es");
	ck_assert_str_eq(iso639_name("fre"), "French");
}
END_TEST

/* A track for the choice tests. */
static struct subs_track
tr(int idx, const char *lang, int forced, int sdh, int bitmap, int dflt)
{
	struct subs_track t;

	memset(&t, 0, sizeof t);
	t.stream_index = idx;
	snprintf(t.language, sizeof t.language, "%s", lang);
	t.forced = forced;
	t.hearing_impaired = sdh;
	t.bitmap = bitmap;
	t.is_default = dflt;
	return t;
}

/* The choice for mode and languages. */
static struct subs_choice
pick(const struct subs_track *t, size_t n, int mode, const char *langs, const char *audio,
    const struct subs_track *own)
{
	struct subs_prefs p = { .mode = mode, .languages = langs, .audio_language = audio,
	    .track = own };
	struct subs_choice c;

	subs_choose(t, n, &p, &c);
	return c;
}

START_TEST(test_choose)
{
	struct subs_track t[6], own;
	struct subs_choice c;

	t[0] = tr(2, "eng", 1, 0, 0, 0);        /* English forced */
	t[1] = tr(3, "eng", 0, 1, 0, 0);        /* English SDH */
	t[2] = tr(4, "eng", 0, 0, 0, 0);        /* English */
	t[3] = tr(5, "spa", 0, 0, 0, 1);        /* Spanish, default */
	t[4] = tr(6, "fre", 0, 0, 1, 0);        /* French pictures */
	t[5] = tr(7, "", 0, 0, 0, 0);           /* unknown */

	c = pick(t, 6, SUBS_OFF, "eng", NULL, NULL);
	ck_assert_int_eq(c.burn, -1);
	ck_assert_int_eq(c.cue, -1);
	/* always: the full track before SDH before forced; in list order. */
	c = pick(t, 6, SUBS_ALWAYS, "eng", NULL, NULL);
	ck_assert_int_eq(c.burn, 2);
	c = pick(t, 6, SUBS_ALWAYS, "ita,spa,eng", NULL, NULL);
	ck_assert_int_eq(c.burn, 3);
	c = pick(t, 6, SUBS_ALWAYS, "", NULL, NULL);
	ck_assert_int_eq(c.burn, 3);            /* no list: the default one */
	c = pick(t, 6, SUBS_ALWAYS, "ita", NULL, NULL);
	ck_assert_int_eq(c.burn, 5);            /* none wanted: one of unknown language */
	c = pick(t, 5, SUBS_ALWAYS, "ita", NULL, NULL);
	ck_assert_int_eq(c.burn, -1);
	/* forced: only the forced track, never the full one. */
	c = pick(t, 6, SUBS_FORCED, "eng", NULL, NULL);
	ck_assert_int_eq(c.burn, 0);
	ck_assert(!c.burn_forced_only);
	c = pick(t, 6, SUBS_FORCED, "", "eng", NULL);
	ck_assert_int_eq(c.burn, 0);
	/* No forced track: the picture track's forced events. */
	c = pick(t, 6, SUBS_FORCED, "fre", NULL, NULL);
	ck_assert_int_eq(c.burn, 4);
	ck_assert(c.burn_forced_only);
	c = pick(t + 1, 3, SUBS_FORCED, "eng", NULL, NULL);
	ck_assert_int_eq(c.burn, -1);
	/* selectable: forced burned in, the full text track offered. */
	c = pick(t, 6, SUBS_SELECTABLE, "eng", NULL, NULL);
	ck_assert_int_eq(c.burn, 0);
	ck_assert_int_eq(c.cue, 2);
	c = pick(t, 6, SUBS_SELECTABLE, "fre,eng", NULL, NULL);
	ck_assert_int_eq(c.cue, 2);             /* French is pictures: the next text track */
	/* The item's own track. */
	own = tr(5, "", 0, 0, 0, 0);
	c = pick(t, 6, SUBS_ALWAYS, "eng", NULL, &own);
	ck_assert_int_eq(c.burn, 3);
	c = pick(t, 6, SUBS_FORCED, "eng", NULL, &own);
	ck_assert_int_eq(c.burn, 3);
	ck_assert(c.burn_forced_only);
	c = pick(t, 6, SUBS_SELECTABLE, "eng", NULL, &own);
	ck_assert_int_eq(c.cue, 3);
	own = tr(-1, "", 0, 0, 0, 0);
	snprintf(own.file_name, sizeof own.file_name, "gone.srt");
	c = pick(t, 6, SUBS_ALWAYS, "eng", NULL, &own);
	ck_assert_int_eq(c.burn, 2);            /* a track no longer there: by language */
}
END_TEST

START_TEST(test_srt_embedded)
{
	struct source_conf c = conf(SUBS_ALWAYS, "eng");
	struct air a;

	put_file("s.srt", SRT);
	make_video("v.mkv", "-i s.srt -map 0 -map 1 -map 2 -c:s srt -metadata:s:s:0 language=eng");
	air(in_dir("v.mkv"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, both, 4);
	/* Off: nothing. */
	c = conf(SUBS_OFF, "eng");
	air(in_dir("v.mkv"), 0, &c, 6 * FPS, &a);
	check_spans(&a, 0, NULL, 0);
	/* Another language only: nothing either. */
	c = conf(SUBS_ALWAYS, "spa");
	air(in_dir("v.mkv"), 0, &c, 6 * FPS, &a);
	check_spans(&a, 0, NULL, 0);
}
END_TEST

START_TEST(test_ass_embedded)
{
	struct source_conf c = conf(SUBS_ALWAYS, "");
	struct air a;
	int i, most = 0;

	put_file("s.ass", ASS);
	make_video("v.mkv", "-i s.ass -map 0 -map 1 -map 2 -c:s ass");
	air(in_dir("v.mkv"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, both, 4);
	/* Its own style: a box, much more than letters. */
	for (i = 0; i < a.n; i++)
		most = a.bright[i] > most ? a.bright[i] : most;
	ck_assert_int_gt(most, 1500);
}
END_TEST

START_TEST(test_mov_text)
{
	struct source_conf c = conf(SUBS_ALWAYS, "eng");
	struct air a;

	put_file("s.srt", SRT);
	make_video("v.mp4", "-i s.srt -map 0 -map 1 -map 2 -c:s mov_text -metadata:s:s:0 "
	    "language=eng");
	air(in_dir("v.mp4"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, both, 4);
}
END_TEST

START_TEST(test_webvtt_embedded)
{
	struct source_conf c = conf(SUBS_ALWAYS, "eng");
	struct air a;

	put_file("s.srt", SRT);
	make_video("v.mkv", "-i s.srt -map 0 -map 1 -map 2 -c:s webvtt -metadata:s:s:0 "
	    "language=eng");
	air(in_dir("v.mkv"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, both, 4);
}
END_TEST

START_TEST(test_sidecars)
{
	struct source_conf c = conf(SUBS_FORCED, "eng");
	struct air a;

	make_video("v.mp4", NULL);
	put_file("v.en.srt", SRT);
	put_file("v.en.forced.srt", SRT_FORCED);
	/* Forced: only the forced sidecar's line. */
	air(in_dir("v.mp4"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, second, 2);
	/* Always: the full one. */
	c = conf(SUBS_ALWAYS, "eng");
	air(in_dir("v.mp4"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, both, 4);
	/* An ASS sidecar in another language, chosen by the list. */
	put_file("v.fr.ass", ASS);
	c = conf(SUBS_ALWAYS, "fre,eng");
	air(in_dir("v.mp4"), 0, &c, 4 * FPS, &a);
	ck_assert_int_gt(a.bright[2 * FPS], 1000);
}
END_TEST

START_TEST(test_sidecar_latin1)
{
	struct source_conf c = conf(SUBS_ALWAYS, "");
	struct air a;

	make_video("v.mkv", NULL);
	/* "Déjà vu" in Windows-1252: not UTF-8. */
	put_file("v.srt", "1\n00:00:01,000 --> 00:00:03,000\nD\xe9j\xe0 vu\n\n"
	    "2\n00:00:05,000 --> 00:00:08,000\nWorld\n");
	air(in_dir("v.mkv"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, both, 4);
}
END_TEST

START_TEST(test_dvdsub_forced)
{
	struct source_conf c = conf(SUBS_FORCED, "eng");
	struct air a;
	int i, most = 0;

	ck_assert_int_eq(sh("%s dvdsub p.mkv %d %d 1-3 5-8:forced", mksubs(), W, H), 0);
	make_video("v.mkv", "-i p.mkv -map 0 -map 1 -map 2 -c:s copy");
	/* Forced: the forced event only (a picture track flags them one by one). */
	air(in_dir("v.mkv"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, second, 2);
	/* Always: both, a box of half the width and a tenth of the height. */
	c = conf(SUBS_ALWAYS, "eng");
	air(in_dir("v.mkv"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, both, 4);
	for (i = 0; i < a.n; i++)
		most = a.bright[i] > most ? a.bright[i] : most;
	ck_assert_int_gt(most, BOX * 8 / 10);
}
END_TEST

START_TEST(test_dvbsub)
{
	struct source_conf c = conf(SUBS_ALWAYS, "eng");
	struct air a;

	ck_assert_int_eq(sh("%s dvbsub p.ts %d %d 1-3 5-8:forced", mksubs(), W, H), 0);
	make_video("v.ts", "-i p.ts -map 0 -map 1 -map 2 -c:s copy");
	air(in_dir("v.ts"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, both, 4);
}
END_TEST

START_TEST(test_scaled_bitmaps)
{
	struct source_conf c = conf(SUBS_ALWAYS, "eng");
	struct air a;
	int i, most = 0;

	/* Made for a 640x360 picture, aired at 320x180: a quarter of the pixels. */
	ck_assert_int_eq(sh("%s dvdsub p.mkv 640 360 1-3", mksubs()), 0);
	ck_assert_int_eq(sh("ffmpeg -v error -y -f lavfi -i color=c=0x808080:s=640x360:r=25:d=4 "
	    "-i p.mkv -map 0 -map 1 -c:v libx264 -preset ultrafast -c:s copy v.mkv"), 0);
	air(in_dir("v.mkv"), 0, &c, 4 * FPS, &a);
	for (i = 0; i < a.n; i++)
		most = a.bright[i] > most ? a.bright[i] : most;
	ck_assert_int_gt(most, BOX * 8 / 10);
	ck_assert_int_lt(most, BOX * 13 / 10);
}
END_TEST

START_TEST(test_join)
{
	struct source_conf c = conf(SUBS_ALWAYS, "eng");
	struct air a;

	put_file("s.srt", SRT);
	ck_assert_int_eq(sh("ffmpeg -v error -y -f lavfi -i color=c=0x808080:s=%dx%d:r=25:d=%d "
	    "-f lavfi -i sine=d=%d -i s.srt -map 0 -map 1 -map 2 -c:v libx264 -preset ultrafast "
	    "-g 250 -c:a aac -c:s srt v.mkv", W, H, SECONDS, SECONDS), 0);
	/* Joined at 6.5 s: "World" (5-8 s) shows from the first frame. */
	air(in_dir("v.mkv"), 6500000, &c, 3 * FPS, &a);
	check_spans(&a, 6.5, second, 2);
	ck_assert_int_gt(a.bright[0], 20);
	/* A picture track too. */
	ck_assert_int_eq(sh("%s dvdsub p.mkv %d %d 1-3 5-8", mksubs(), W, H), 0);
	ck_assert_int_eq(sh("ffmpeg -v error -y -i v.mkv -i p.mkv -map 0:v -map 0:a -map 1 "
	    "-c copy w.mkv"), 0);
	air(in_dir("w.mkv"), 6500000, &c, 3 * FPS, &a);
	check_spans(&a, 6.5, second, 2);
	ck_assert_int_gt(a.bright[0], 20);
	/* A sidecar. */
	put_file("w.en.srt", SRT);
	c = conf(SUBS_ALWAYS, "eng");
	c.subs.track.stream_index = -1;
	snprintf(c.subs.track.file_name, sizeof c.subs.track.file_name, "w.en.srt");
	air(in_dir("w.mkv"), 2000000, &c, 3 * FPS, &a);
	check_spans(&a, 2, both, 4);
	ck_assert_int_gt(a.bright[0], 20);
}
END_TEST

START_TEST(test_cues)
{
	struct source_conf c = conf(SUBS_SELECTABLE, "eng");
	struct air a;

	put_file("s.srt", SRT);
	put_file("f.srt", SRT_FORCED);
	make_video("v.mkv", "-i s.srt -i f.srt -map 0 -map 1 -map 2 -map 3 -c:s srt "
	    "-metadata:s:s:0 language=eng -metadata:s:s:1 language=eng -disposition:s:1 forced");
	air(in_dir("v.mkv"), 0, &c, SECONDS * FPS, &a);
	/* The forced line is burned in; the rendition has the other (not the same twice). */
	check_spans(&a, 0, second, 2);
	ck_assert_int_eq(a.ncues, 1);
	ck_assert_str_eq(a.cue_text[0], "Hello");
	ck_assert(llabs(a.cue_start[0] - 1000000) < 40000);
	ck_assert(llabs(a.cue_end[0] - 3000000) < 40000);
	/* Without a forced track: nothing burned, both lines as cues. */
	make_video("u.mkv", "-i s.srt -map 0 -map 1 -map 2 -c:s srt -metadata:s:s:0 language=eng");
	air(in_dir("u.mkv"), 0, &c, SECONDS * FPS, &a);
	check_spans(&a, 0, NULL, 0);
	ck_assert_int_eq(a.ncues, 2);
	ck_assert_str_eq(a.cue_text[1], "World");
	ck_assert(llabs(a.cue_start[1] - 5000000) < 40000);
	/* Joined inside "World": it is the first cue, from before the join. */
	air(in_dir("u.mkv"), 6000000, &c, 2 * FPS, &a);
	ck_assert_int_eq(a.ncues, 1);
	ck_assert(llabs(a.cue_start[0] + 1000000) < 40000);
}
END_TEST

START_TEST(test_bad_track)
{
	struct source_conf c = conf(SUBS_ALWAYS, "eng");
	struct air a;

	/* A sidecar that is not subtitles at all: the item airs without. */
	make_video("v.mkv", NULL);
	put_file("v.en.srt", "this is not SubRip\n\x01\x02\x03");
	air(in_dir("v.mkv"), 0, &c, 2 * FPS, &a);
	check_spans(&a, 0, NULL, 0);
	ck_assert_int_eq(a.n, 2 * FPS);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("subs");
	TCase *tc = tcase_create("subs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sidecar_names);
	tcase_add_test(tc, test_languages);
	tcase_add_test(tc, test_choose);
	tcase_add_test(tc, test_srt_embedded);
	tcase_add_test(tc, test_ass_embedded);
	tcase_add_test(tc, test_mov_text);
	tcase_add_test(tc, test_webvtt_embedded);
	tcase_add_test(tc, test_sidecars);
	tcase_add_test(tc, test_sidecar_latin1);
	tcase_add_test(tc, test_dvdsub_forced);
	tcase_add_test(tc, test_dvbsub);
	tcase_add_test(tc, test_scaled_bitmaps);
	tcase_add_test(tc, test_join);
	tcase_add_test(tc, test_cues);
	tcase_add_test(tc, test_bad_track);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_tap_run(suite());
}
