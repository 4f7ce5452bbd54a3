/*
 * test_source.c: the per-item decoder (engine/source.c) on the files real
 * libraries have: a recording whose picture size, aspect ratio, frame
 * rate, sample rate and channel layout change at its ad breaks; time
 * stamps that jump; a variable frame rate; interlacing that starts
 * part-way; sound that starts late or ends early, a picture that does;
 * no sound, no picture; a container that lies about its duration; joins
 * that seek, that cannot seek, or that land at the start; an unknown
 * loudness; and paths that are not local files.
 *
 * The media are "clock" files made with ffmpeg (tests/media.sh): the
 * picture's luma and the sound's beeps say which instant of the file is
 * on air. Each file is read as the channel reads it (a picture, then the
 * sound up to that picture's end, silence when the sound is out of reach)
 * and every output frame and every 10 ms of sound is checked against the
 * instant it should show.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <unistd.h>

#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>

#include "engine/source.h"
#include "src/media.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

#define W 320
#define H 180
#define FPS 30
#define SPF (48000 / FPS)               /* samples a frame */
#define WIN 480                         /* 10 ms */

static char *dir;

/* Run a shell command with tests/media.sh loaded; 0 on success. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	const char *src = getenv("TESTS_HELPERS");
	char *cmd, *full;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	xasprintf(&full, ". '%s/media.sh' && cd '%s' && %s", src != NULL ? src : "tests/helpers", dir,
	    cmd);
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

/* What aired, frame by frame and sample by sample. */
struct air {
	int n;                          /* frames */
	double y[2400];                 /* luma in the middle of each */
	double edge[2400];              /* luma at the left edge */
	double comb[2400];              /* interlacing combs in the middle band */
	int bright[2400];               /* pixels over 200 (text) */
	float *pcm;                     /* left channel */
	int64_t ns;
	int end;                        /* what source_video returned last */
	int audio_eof;                  /* frame at which the sound ended */
	int eagain;
	int64_t max_decoded_call;       /* most pictures decoded by one source_video */
	int64_t max_queued_packets;
	struct source_stats opened;
	double lufs, lufs_s, gain;
	double origin;                  /* item time of the clock's instant 0 (within a second) */
};

/*
 * Where the clock's 0 is in item time: the first picture's time after the
 * file's start (an AAC encoder's priming puts the sound's first samples
 * a little before it; MP4 hides them). Within the second: a stream that
 * starts whole seconds late still beats in time.
 */
static double
origin(const char *path)
{
	char *cmd, line[256];
	double fs = 0, vs = NAN, v;
	FILE *p;

	xasprintf(&cmd, "ffprobe -v error -show_entries format=start_time:stream=codec_type,"
	    "start_time -of compact '%s'", path);
	p = popen(cmd, "r");
	free(cmd);
	while (p != NULL && fgets(line, sizeof line, p) != NULL) {
		if (strncmp(line, "format|", 7) == 0 && sscanf(line, "format|start_time=%lf",
		    &v) == 1)
			fs = v;
		else if (strstr(line, "codec_type=video|start_time=") != NULL && isnan(vs))
			vs = strtod(strstr(line, "start_time=") + 11, NULL);
	}
	if (p != NULL)
		pclose(p);
	return isnan(vs) ? 0 : fmod(vs - fs, 1.0);
}

/* The default configuration. */
static struct source_conf
conf(double gain_db)
{
	struct source_conf sc;

	memset(&sc, 0, sizeof sc);
	sc.width = W;
	sc.height = H;
	sc.fps_num = FPS;
	sc.fps_den = 1;
	sc.gain_db = gain_db;
	sc.loudness_target = -24;
	sc.title = "The Clock Hour";
	return sc;
}

/* Mean luma of a w x h box at (x, y). */
static double
box(const AVFrame *f, int x, int y, int w, int h)
{
	double s = 0;
	int i, j;

	for (j = y; j < y + h; j++)
		for (i = x; i < x + w; i++)
			s += f->data[0][(size_t)j * f->linesize[0] + i];
	return s / (w * h);
}

/* How combed the middle band is: lines against the mean of their neighbours. */
static double
combing(const AVFrame *f)
{
	double s = 0;
	int i, j;

	for (j = 41; j < H - 41; j++)
		for (i = 0; i < W; i++) {
			const uint8_t *p = f->data[0] + (size_t)j * f->linesize[0] + i;

			s += fabs(p[0] - (p[-f->linesize[0]] + p[f->linesize[0]]) / 2.0);
		}
	return s / ((H - 82) * W);
}

/* Append n samples of f (from off) or silence (f NULL). */
static void
add_pcm(struct air *a, const AVFrame *f, int off, int64_t n)
{
	a->pcm = xreallocarray(a->pcm, (size_t)(a->ns + n), sizeof *a->pcm);
	if (f != NULL)
		memcpy(a->pcm + a->ns, (const float *)f->extended_data[0] + off, (size_t)n * 4);
	else
		memset(a->pcm + a->ns, 0, (size_t)n * 4);
	a->ns += n;
}

/*
 * Air path from offset_us for at most frames frames as the channel does
 * (engine/channel.c: a picture, then the sound up to its end; silence when
 * the sound lags half a second, the samples it covered dropped when they
 * come). 0, or -1 when it does not open (*cause).
 */
static int
air(const char *path, int64_t offset_us, struct source_conf sc, int frames, struct air *a,
    char **cause)
{
	struct source *s;
	struct source_stats st;
	AVFrame *f = av_frame_alloc();
	int64_t target, src_n = 0, drop, before;
	int ret, k, i, n;

	memset(a, 0, sizeof *a);
	a->audio_eof = -1;
	a->origin = origin(path);
	if (source_open(&s, path, offset_us, &sc, cause) < 0) {
		av_frame_free(&f);
		return -1;
	}
	source_stats(s, &a->opened);
	for (k = 0; k < frames && k < (int)nitems(a->y); k++) {
		source_stats(s, &st);
		before = st.decoded;
		ret = source_video(s, f, cause);
		source_stats(s, &st);
		if (st.decoded - before > a->max_decoded_call)
			a->max_decoded_call = st.decoded - before;
		if (st.queued_packets > a->max_queued_packets)
			a->max_queued_packets = st.queued_packets;
		a->end = ret;
		if (ret < 0)
			break;
		ck_assert_int_eq(f->width, W);
		ck_assert_int_eq(f->height, H);
		a->y[k] = box(f, W / 2 - 8, H / 2 - 8, 16, 16);
		a->edge[k] = box(f, 2, H / 2 - 8, 8, 16);
		a->comb[k] = combing(f);
		for (i = 0; i < W * H; i++)
			a->bright[k] += f->data[0][(size_t)(i / W) * f->linesize[0] + i % W] > 200;
		av_frame_unref(f);
		a->n = k + 1;
		target = (int64_t)(k + 1) * SPF;
		while (a->ns < target) {
			if (a->audio_eof >= 0) {
				add_pcm(a, NULL, 0, target - a->ns);
				break;
			}
			ret = source_audio(s, f, cause);
			if (ret == AVERROR(EAGAIN)) {
				a->eagain++;
				if (target - a->ns > 24000)
					add_pcm(a, NULL, 0, target - a->ns);
				break;
			}
			if (ret < 0) {
				a->audio_eof = k;
				continue;
			}
			ck_assert_int_eq(f->sample_rate, 48000);
			ck_assert_int_eq(f->ch_layout.nb_channels, 2);
			ck_assert_int_eq(f->format, AV_SAMPLE_FMT_FLTP);
			drop = a->ns - src_n;
			src_n += f->nb_samples;
			if (drop < 0)
				drop = 0;
			if (drop < f->nb_samples) {
				n = f->nb_samples - (int)drop;
				add_pcm(a, f, (int)drop, n);
			}
			av_frame_unref(f);
		}
	}
	/* RV_TEST_DUMP=DIR keeps what aired of the sound (raw float, 48 kHz) for a look. */
	if (getenv("RV_TEST_DUMP") != NULL) {
		char *dn;
		FILE *d;

		xasprintf(&dn, "%s/%s.f32", getenv("RV_TEST_DUMP"), strrchr(path, '/') + 1);
		d = fopen(dn, "wb");
		free(dn);

		fwrite(a->pcm, 4, (size_t)a->ns, d);
		fclose(d);
		fprintf(stderr, "# %s: %d EAGAIN\n", path, a->eagain);
	}
	source_measured_loudness(s, &a->lufs, &a->lufs_s);
	a->gain = source_gain(s);
	source_free(&s);
	av_frame_free(&f);
	return 0;
}

/* The clock's phase (0..1) that a luma says; -1 for black. */
static double
phase(double y)
{
	if (y < 24)
		return -1;
	return (y - 30) / 192;
}

/* Distance of two phases on the circle. */
static double
circ(double a, double b)
{
	double d = fabs(a - b);

	return d > 0.5 ? 1 - d : d;
}

/*
 * Frames in [from, to) that do not show their instant (item time k/fps
 * plus off_s, within tol s); a black frame counts.
 */
static int
video_off(const struct air *a, int from, int to, double off_s, double tol)
{
	double want, got;
	int k, bad = 0;

	for (k = from; k < to && k < a->n; k++) {
		want = fmod((double)k / FPS + off_s - a->origin + 1.0, 1.0);
		got = phase(a->y[k]);
		if (got < 0 || circ(want, got) > tol) {
			if (bad < 5)
				fprintf(stderr, "# frame %d: phase %.3f, want %.3f\n", k, got, want);
			bad++;
		}
	}
	return bad;
}

/* The class of a window of sound: 2 beep, 1 tone, 0 silence, -1 neither. */
static int
sound_class(const float *x, double amp)
{
	double s = 0, rms;
	int i;

	for (i = 0; i < WIN; i++)
		s += (double)x[i] * x[i];
	rms = sqrt(s / WIN) / amp;
	if (rms > 0.2)
		return 2;
	if (rms > 0.05 && rms < 0.15)
		return 1;
	if (rms < 0.005)
		return 0;
	return -1;
}

/*
 * 10 ms windows in [from_s, to_s) of the sound that are not what the
 * clock says at their time (item time plus off_s), the sound scaled by
 * amp; windows next to a beep's edges are not judged.
 */
static int
audio_off(const struct air *a, double from_s, double to_s, double off_s, double amp)
{
	int64_t w;
	double t, ph;
	int bad = 0, want, got;

	for (w = (int64_t)(from_s * 100); w < (int64_t)(to_s * 100) && (w + 1) * WIN <= a->ns;
	    w++) {
		t = (double)w / 100 + off_s - a->origin + 1.0;
		ph = fmod(t, 1.0);
		/* From the file's start, before its first instant: an encoder's priming. */
		if (off_s == 0 && (double)w / 100 < a->origin)
			continue;
		if (ph > 0.985 || ph < 0.015 || (ph > 0.085 && ph < 0.115))
			continue;
		want = ph < 0.1 ? 2 : 1;
		got = sound_class(a->pcm + w * WIN, amp);
		if (got != want) {
			if (bad < 5)
				fprintf(stderr, "# sound at %.2f s: class %d, want %d\n",
				    (double)w / 100, got, want);
			bad++;
		}
	}
	return bad;
}

/* Windows in [from_s, to_s) that are silent. */
static int
silent(const struct air *a, double from_s, double to_s)
{
	int64_t w;
	int n = 0;

	for (w = (int64_t)(from_s * 100); w < (int64_t)(to_s * 100) && (w + 1) * WIN <= a->ns;
	    w++) {
		if ((double)w / 100 < a->origin)
			continue;       /* an encoder's priming */
		if (sound_class(a->pcm + w * WIN, 1.0) == 0) {
			if (n < 5)
				fprintf(stderr, "# silence at %.2f s\n", (double)w / 100);
			n++;
		}
	}
	return n;
}

/* ffmpeg's own integrated loudness of a file. */
static double
ebur128(const char *path)
{
	char *cmd, line[256];
	double v = NAN;
	FILE *p;

	xasprintf(&cmd, "ffmpeg -nostats -i '%s' -af aresample=48000,aformat=channel_layouts="
	    "stereo,ebur128 -f null - 2>&1", path);
	p = popen(cmd, "r");
	free(cmd);
	while (p != NULL && fgets(line, sizeof line, p) != NULL)
		sscanf(line, " I: %lf LUFS", &v);
	if (p != NULL)
		pclose(p);
	return v;
}

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

/* The recording that changes format every 2 s airs without a hitch. */
START_TEST(test_changing)
{
	struct air a;
	char *cause = NULL;

	ck_assert_int_eq(sh("make_changing chg.ts"), 0);
	ck_assert_int_eq(air(in_dir("chg.ts"), 0, conf(0), 300, &a, &cause), 0);
	/* Every frame shows its instant: no freeze at a change, no jump. */
	ck_assert_int_eq(video_off(&a, 0, 240, 0, 0.06), 0);
	/*
	 * Every 10 ms of sound is the clock's: no silence, and in step with the
	 * picture. (Where the parts meet, the first's last sound (the encoder's
	 * padding) overlaps the next by a few ms: that much of the next is cut.)
	 */
	ck_assert_int_eq(audio_off(&a, 0, 1.98, 0, 1.0), 0);
	ck_assert_int_eq(audio_off(&a, 2.07, 3.98, 0, 1.0), 0);
	ck_assert_int_eq(audio_off(&a, 4.07, 5.98, 0, 1.0), 0);
	ck_assert_int_eq(audio_off(&a, 6.07, 7.95, 0, 1.0), 0);
	ck_assert_int_eq(silent(&a, 0, 1.98) + silent(&a, 2.07, 3.98) + silent(&a, 4.07, 5.98) +
	    silent(&a, 6.07, 7.95), 0);
	/* 4:3 is pillarboxed; 16:9 HD and anamorphic 16:9 SD fill the frame. */
	ck_assert(a.edge[30] < 20);
	ck_assert(a.edge[90] > 30);
	ck_assert(a.edge[150] > 30);
	ck_assert(a.edge[210] < 20);
	/* It ends with the file (8 s) and the sound lasts as long. */
	ck_assert_int_eq(a.end, AVERROR_EOF);
	ck_assert(a.n >= 238 && a.n <= 242);
	ck_assert(a.audio_eof >= 236);
	ck_assert_int_eq(a.eagain, 0);
	free(a.pcm);
}
END_TEST

/* Joined inside the HD part: the join's instant, at once. */
START_TEST(test_changing_join)
{
	struct air a;
	char *cause = NULL;

	ck_assert_int_eq(sh("make_changing chg.ts"), 0);
	ck_assert_int_eq(air(in_dir("chg.ts"), 3500000, conf(0), 300, &a, &cause), 0);
	ck_assert_int_eq(video_off(&a, 0, a.n, 3.5, 0.06), 0);
	ck_assert_int_eq(audio_off(&a, 0, 0.48, 3.5, 1.0), 0);
	ck_assert_int_eq(audio_off(&a, 0.57, 2.48, 3.5, 1.0), 0);
	ck_assert_int_eq(audio_off(&a, 2.57, 4.45, 3.5, 1.0), 0);
	ck_assert(a.n >= 133 && a.n <= 137);
	free(a.pcm);
}
END_TEST

/* Two recordings spliced: the time stamps jump back; it carries on. */
START_TEST(test_ts_jump)
{
	struct air a;
	char *cause = NULL;

	ck_assert_int_eq(sh("make_clock_part a.ts 0 3 320 240 25 1 48000 stereo && "
	    "make_clock_part b.ts 0 3 320 240 25 1 48000 stereo && cat a.ts b.ts > j.ts"), 0);
	ck_assert_int_eq(air(in_dir("j.ts"), 0, conf(0), 300, &a, &cause), 0);
	ck_assert_int_eq(video_off(&a, 0, 180, 0, 0.06), 0);
	/* In step after the splice (where the first part's last sound overlaps a little). */
	ck_assert_int_eq(audio_off(&a, 0, 2.95, 0, 1.0), 0);
	ck_assert_int_eq(audio_off(&a, 3.1, 5.95, 0, 1.0), 0);
	ck_assert(a.n >= 178 && a.n <= 182);
	free(a.pcm);
}
END_TEST

/* A variable frame rate: 50 fps, then one frame in four, then one in two. */
START_TEST(test_vfr)
{
	struct air a;
	char *cause = NULL;

	ck_assert_int_eq(sh("ffmpeg -v error -y -f lavfi -i \"$(clock_video 320 180 50 6)\" "
	    "-f lavfi -i \"$(clock_audio 48000 stereo 6)\" -vf \"select='lt(t,2)+"
	    "between(t,2,3.99)*not(mod(n,4))+gte(t,4)*not(mod(n,2))'\" -fps_mode vfr "
	    "-c:v libx264 -preset ultrafast -c:a aac vfr.mkv"), 0);
	ck_assert_int_eq(air(in_dir("vfr.mkv"), 0, conf(0), 300, &a, &cause), 0);
	/* A picture lasts up to 80 ms here: each frame shows its instant within that. */
	ck_assert_int_eq(video_off(&a, 0, a.n, 0, 0.1), 0);
	ck_assert_int_eq(audio_off(&a, 0, 5.95, 0, 1.0), 0);
	ck_assert(a.n >= 178 && a.n <= 182);
	free(a.pcm);
}
END_TEST

/* Interlaced pictures from the third second on are deinterlaced there. */
START_TEST(test_interlace_partway)
{
	struct air a;
	char *cause = NULL, line[64];
	double raw = 0, before = 0, after = 0, c;
	FILE *p;
	int k, n = 0;

	ck_assert_int_eq(sh("bar='color=c=gray:s=320x180:r=50:d=%%s[bg];color=c=white:s=24x180[b];"
	    "[bg][b]overlay=x=mod(t*400\\,296):y=0:shortest=1'; "
	    "ffmpeg -v error -y -f lavfi -i \"$(echo \"$bar\" | sed s/%%s/2/),select=not(mod(n\\,2))\" "
	    "-f lavfi -i \"$(clock_audio 48000 stereo 2)\" -c:v libx264 -preset ultrafast -g 25 "
	    "-c:a aac -f mpegts p.ts && "
	    "ffmpeg -v error -y -f lavfi -i \"$(echo \"$bar\" | sed s/%%s/3/),"
	    "tinterlace=mode=interleave_top,setfield=tff\" -f lavfi -i \"$(clock_audio 48000 "
	    "stereo 3)\" -c:v libx264 -preset ultrafast -g 25 -flags +ildct+ilme -x264opts tff=1 "
	    "-c:a aac -output_ts_offset 2 -f mpegts i.ts && cat p.ts i.ts > pi.ts"), 0);
	/* The file's own pictures are combed in the interlaced part. */
	ck_assert_int_eq(sh("ffmpeg -v error -ss 3 -t 1 -i pi.ts -f rawvideo -pix_fmt gray - | "
	    "python3 -c \"import sys; d=sys.stdin.buffer.read(); W,H=320,180; n=len(d)//(W*H); "
	    "print(sum(abs(d[k*W*H+y*W+x]-(d[k*W*H+(y-1)*W+x]+d[k*W*H+(y+1)*W+x])/2) "
	    "for k in range(n) for y in range(41,H-41) for x in range(W))/(n*(H-82)*W))\" "
	    "> raw.txt"), 0);
	p = fopen(in_dir("raw.txt"), "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, p));
	fclose(p);
	raw = strtod(line, NULL);
	ck_assert_int_eq(air(in_dir("pi.ts"), 0, conf(0), 150, &a, &cause), 0);
	for (k = 10; k < 50; k++)
		before = fmax(before, a.comb[k]);
	for (k = 75; k < 140 && k < a.n; k++) {
		c = a.comb[k];
		after = fmax(after, c);
		n++;
	}
	fprintf(stderr, "# combing: progressive %.2f, interlaced file %.2f, aired %.2f\n", before,
	    raw, after);
	ck_assert(n > 50);
	ck_assert(raw > 4 * (before + 0.5));
	ck_assert(after < raw / 3);
	free(a.pcm);
}
END_TEST

/* The sound starts 2 s after the picture: silence, then in step. */
START_TEST(test_audio_late)
{
	struct air a;
	char *cause = NULL;

	ck_assert_int_eq(sh("ffmpeg -v error -y -f lavfi -i \"$(clock_video 320 180 25 6)\" "
	    "-itsoffset 2 -f lavfi -i \"$(clock_audio 48000 stereo 4)\" -c:v libx264 -preset "
	    "ultrafast -c:a aac al.mkv"), 0);
	ck_assert_int_eq(air(in_dir("al.mkv"), 0, conf(0), 300, &a, &cause), 0);
	ck_assert_int_eq(video_off(&a, 0, a.n, 0, 0.06), 0);
	ck_assert(silent(&a, 0.02, 1.97) >= 190);
	ck_assert_int_eq(audio_off(&a, 2.05, 5.95, 0, 1.0), 0);
	ck_assert(a.n >= 178 && a.n <= 182);
	free(a.pcm);
}
END_TEST

/* The picture starts 2 s after the sound: black, then in step. */
START_TEST(test_video_late)
{
	struct air a;
	char *cause = NULL;
	int k;

	ck_assert_int_eq(sh("ffmpeg -v error -y -itsoffset 2 -f lavfi -i \"$(clock_video 320 180 25 "
	    "4)\" -f lavfi -i \"$(clock_audio 48000 stereo 6)\" -c:v libx264 -preset ultrafast "
	    "-c:a aac vl.mkv"), 0);
	ck_assert_int_eq(air(in_dir("vl.mkv"), 0, conf(0), 300, &a, &cause), 0);
	for (k = 0; k < 58; k++)
		ck_assert_msg(a.y[k] < 20, "frame %d is black (luma %.1f)", k, a.y[k]);
	ck_assert_int_eq(video_off(&a, 61, a.n, 0, 0.06), 0);
	ck_assert_int_eq(audio_off(&a, 0, 5.95, 0, 1.0), 0);
	ck_assert(a.n >= 178 && a.n <= 182);
	free(a.pcm);
}
END_TEST

/* No sound at all: the picture, and the sound ends at once. */
START_TEST(test_video_only)
{
	struct air a;
	char *cause = NULL;

	ck_assert_int_eq(sh("make_clock vo.mkv 3 320 180 25 -map 0:v -c:v libx264 -preset "
	    "ultrafast"), 0);
	ck_assert_int_eq(air(in_dir("vo.mkv"), 0, conf(0), 300, &a, &cause), 0);
	ck_assert_int_eq(video_off(&a, 0, a.n, 0, 0.06), 0);
	ck_assert_int_eq(a.audio_eof, 0);
	ck_assert(a.n >= 88 && a.n <= 92);
	ck_assert_int_eq(a.end, AVERROR_EOF);
	free(a.pcm);
}
END_TEST

/* No picture: a card with the item's title while the sound plays. */
START_TEST(test_audio_only)
{
	struct air a;
	char *cause = NULL;
	int k;

	ck_assert_int_eq(sh("ffmpeg -v error -y -f lavfi -i \"$(clock_audio 44100 stereo 3)\" "
	    "-c:a aac ao.m4a"), 0);
	ck_assert_int_eq(air(in_dir("ao.m4a"), 0, conf(0), 300, &a, &cause), 0);
	ck_assert_int_eq(audio_off(&a, 0, 2.95, 0, 1.0), 0);
	for (k = 0; k < a.n; k++) {
		ck_assert(a.bright[k] > 200);           /* the title's letters */
		ck_assert(a.bright[k] == a.bright[0]);  /* a still */
	}
	ck_assert(a.n >= 88 && a.n <= 92);
	ck_assert_int_eq(a.end, AVERROR_EOF);
	free(a.pcm);
}
END_TEST

/* A container that says 8 s of a file cut at 4 s, and one that says 2 s of 6. */
START_TEST(test_wrong_duration)
{
	struct air a;
	char *cause = NULL;

	ck_assert_int_eq(sh("make_clock full.mkv 8 320 180 25 -c:v libx264 -preset ultrafast "
	    "-c:a aac && head -c $(($(stat -c %%s full.mkv) / 2)) full.mkv > cut.mkv && "
	    "ffprobe -v error -show_entries format=duration -of csv=p=0 cut.mkv | grep -q '^8\\.'"),
	    0);
	ck_assert_int_eq(air(in_dir("cut.mkv"), 0, conf(0), 300, &a, &cause), 0);
	ck_assert_int_eq(a.end, AVERROR_EOF);
	ck_assert(a.n > 60 && a.n < 150);
	ck_assert_int_eq(video_off(&a, 0, a.n - 2, 0, 0.06), 0);
	free(a.pcm);

	ck_assert_int_eq(sh("make_clock long.mkv 6 320 180 25 -c:v libx264 -preset ultrafast "
	    "-c:a aac && python3 -c \"import struct,sys; d=bytearray(open('long.mkv','rb').read()); "
	    "i=d.find(b'\\x44\\x89\\x88'); d[i+3:i+11]=struct.pack('>d',2000.0); "
	    "open('short.mkv','wb').write(d)\" && ffprobe -v error -show_entries format=duration "
	    "-of csv=p=0 short.mkv | grep -q '^2\\.'"), 0);
	ck_assert_int_eq(air(in_dir("short.mkv"), 0, conf(0), 300, &a, &cause), 0);
	ck_assert(a.n >= 178 && a.n <= 182);
	ck_assert_int_eq(video_off(&a, 0, 180, 0, 0.06), 0);
	ck_assert_int_eq(audio_off(&a, 0, 5.95, 0, 1.0), 0);
	free(a.pcm);
}
END_TEST

/* The sound ends at 2 s of 12: silence after, the picture goes on, bounded queues. */
START_TEST(test_audio_ends_early)
{
	struct air a;
	char *cause = NULL;

	ck_assert_int_eq(sh("ffmpeg -v error -y -f lavfi -i \"$(clock_video 320 180 25 12)\" "
	    "-f lavfi -i \"$(clock_audio 48000 stereo 2)\" -c:v libx264 -preset ultrafast "
	    "-c:a aac ae.mkv"), 0);
	ck_assert_int_eq(air(in_dir("ae.mkv"), 0, conf(0), 400, &a, &cause), 0);
	ck_assert_int_eq(video_off(&a, 0, a.n, 0, 0.06), 0);
	ck_assert_int_eq(audio_off(&a, 0, 1.95, 0, 1.0), 0);
	ck_assert(silent(&a, 2.05, 11.9) >= 980);
	ck_assert(a.n >= 358 && a.n <= 362);
	ck_assert_int_eq(a.end, AVERROR_EOF);
	/* At most ~10 s of 25 fps pictures wait while the sound is looked for. */
	ck_assert_msg(a.max_queued_packets < 320, "%lld packets queued",
	    (long long)a.max_queued_packets);
	ck_assert(a.max_decoded_call <= 12);
	free(a.pcm);
}
END_TEST

/* The picture ends at 2 s of 5: the last one held a moment, then black; then the end. */
START_TEST(test_video_ends_early)
{
	struct air a;
	char *cause = NULL;
	int k;

	ck_assert_int_eq(sh("ffmpeg -v error -y -f lavfi -i \"$(clock_video 320 180 25 2)\" "
	    "-f lavfi -i \"$(clock_audio 48000 stereo 5)\" -c:v libx264 -preset ultrafast "
	    "-c:a aac ve.mkv"), 0);
	ck_assert_int_eq(air(in_dir("ve.mkv"), 0, conf(0), 400, &a, &cause), 0);
	ck_assert_int_eq(video_off(&a, 0, 59, 0, 0.06), 0);
	for (k = 95; k < 148; k++)
		ck_assert_msg(a.y[k] < 20, "frame %d black (luma %.1f)", k, a.y[k]);
	ck_assert_int_eq(audio_off(&a, 0, 4.95, 0, 1.0), 0);
	ck_assert(a.n >= 148 && a.n <= 152);
	ck_assert_int_eq(a.end, AVERROR_EOF);
	free(a.pcm);
}
END_TEST

/*
 * Joining 25.5 s into files that cannot seek there: an AVI without its
 * index (the seek lands at the start) and a NUT without syncpoints (the
 * seek fails). Open skips what is far before the join without decoding
 * it; the first frame is at once the right one.
 */
START_TEST(test_join_no_seek)
{
	static const char *files[] = { "noidx.avi", "nosync.nut" };
	struct air a;
	char *cause = NULL;
	size_t i;

	ck_assert_int_eq(sh("make_clock full.avi 30 160 120 25 -c:v mpeg4 -g 25 -q:v 3 -c:a mp2 && "
	    "python3 -c \"d=open('full.avi','rb').read(); open('noidx.avi','wb')."
	    "write(d[:d.rfind(b'idx1')])\" && "
	    "make_clock nosync.nut 30 160 120 25 -c:v mpeg4 -g 25 -q:v 3 -c:a mp2 "
	    "-syncpoints none -f_strict experimental -strict experimental"), 0);
	for (i = 0; i < nitems(files); i++) {
		ck_assert_int_eq(air(in_dir(files[i]), 25500000, conf(0), 200, &a, &cause), 0);
		fprintf(stderr, "# %s: open decoded %lld pictures, skipped %lld packets\n", files[i],
		    (long long)a.opened.decoded, (long long)a.opened.skipped);
		ck_assert(a.opened.decoded <= 12 * 25 + 25);
		ck_assert(a.max_decoded_call <= 12);
		/* The NUT's failed seek leaves it a frame or two past the join. */
		ck_assert_int_eq(video_off(&a, 0, 135, 25.5, i == 0 ? 0.06 : 0.1), 0);
		/* Where the NUT's failed seek left it, a few ms of sound may be missing. */
		ck_assert_int_eq(audio_off(&a, 0.1, 4.4, 25.5, 1.0), 0);
		ck_assert(a.n >= 133 && a.n <= 137);
		free(a.pcm);
	}
	ck_assert(a.opened.decoded > 0);
	ck_assert_int_eq(air(in_dir("noidx.avi"), 25500000, conf(0), 1, &a, &cause), 0);
	ck_assert(a.opened.skipped > 200);
	free(a.pcm);
}
END_TEST

/* An unknown loudness is measured ahead: the right gain from the first second. */
START_TEST(test_unknown_loudness)
{
	struct air a, ref;
	char *cause = NULL;
	double theirs, want, k;

	ck_assert_int_eq(sh("make_clock quiet.mp4 12 320 180 25 -af volume=-18dB -c:v libx264 "
	    "-preset ultrafast -c:a aac"), 0);
	theirs = ebur128(in_dir("quiet.mp4"));
	ck_assert(isfinite(theirs));
	ck_assert_int_eq(air(in_dir("quiet.mp4"), 0, conf(NAN), 360, &a, &cause), 0);
	fprintf(stderr, "# ebur128 %.2f LUFS, measured %.2f over %.1f s, gain %.2f dB\n", theirs,
	    a.lufs, a.lufs_s, a.gain);
	ck_assert(fabs(a.lufs - theirs) < 0.5);
	ck_assert(a.lufs_s > 11);
	want = -24 - theirs;
	ck_assert(fabs(a.gain - want) < 0.6);
	/* The sound is that much louder than the file's from the start. */
	ck_assert_int_eq(air(in_dir("quiet.mp4"), 0, conf(0), 360, &ref, &cause), 0);
	k = pow(10, want / 20);
	ck_assert_int_eq(audio_off(&a, 0, 11.9, 0, k * pow(10, -18.0 / 20)), 0);
	ck_assert_int_eq(audio_off(&ref, 0, 11.9, 0, pow(10, -18.0 / 20)), 0);
	free(a.pcm);
	free(ref.pcm);
	/* A known loudness is a fixed gain. */
	ck_assert_int_eq(air(in_dir("quiet.mp4"), 0, conf(6), 90, &a, &cause), 0);
	ck_assert(fabs(a.gain - 6) < 1e-9);
	ck_assert_int_eq(audio_off(&a, 0, 2.9, 0, 2 * pow(10, -18.0 / 20)), 0);
	free(a.pcm);
}
END_TEST

/* Only local regular files open: URLs, devices, pipes and directories are refused. */
START_TEST(test_refused)
{
	static const char *urls[][2] = { { "http://127.0.0.1:", "/x.ts" },
	    { "tcp://127.0.0.1:", "?listen" }, { "udp://127.0.0.1:", "" },
	    { "rtmp://127.0.0.1:", "/live" }, { "pipe:", "" }, { "data:,", "" } };
	struct source_conf sc = conf(0);
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	struct source *s = NULL;
	char *cause = NULL, url[256], fifo[4096];
	size_t i;
	int ls, c;

	/* A listener that must never hear from us. */
	ls = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(listen(ls, 4), 0);
	getsockname(ls, (struct sockaddr *)&sa, &len);
	fcntl(ls, F_SETFL, O_NONBLOCK);
	for (i = 0; i < nitems(urls); i++) {
		snprintf(url, sizeof url, "%s%d%s", urls[i][0], ntohs(sa.sin_port), urls[i][1]);
		ck_assert_int_eq(source_open(&s, url, 0, &sc, &cause), -1);
		ck_assert_msg(strstr(cause, "refused: only local files") != NULL, "%s", cause);
		ck_assert(strstr(cause, url) != NULL);
		freep(&cause);
	}
	/* A playlist on disk that points at the network opens nothing there. */
	ck_assert_int_eq(sh("printf '#EXTM3U\\n#EXT-X-TARGETDURATION:2\\n#EXTINF:2,\\n"
	    "http://127.0.0.1:%d/seg.ts\\n#EXT-X-ENDLIST\\n' > list.m3u8",
	    ntohs(sa.sin_port)), 0);
	ck_assert_int_eq(source_open(&s, in_dir("list.m3u8"), 0, &sc, &cause), -1);
	freep(&cause);
	c = accept(ls, NULL, NULL);
	ck_assert_msg(c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), "something connected");
	close(ls);

	snprintf(fifo, sizeof fifo, "%s/fifo.ts", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(source_open(&s, fifo, 0, &sc, &cause), -1);
	ck_assert_msg(strstr(cause, "not a regular file (a pipe)") != NULL, "%s", cause);
	freep(&cause);
	ck_assert_int_eq(source_open(&s, "/dev/zero", 0, &sc, &cause), -1);
	ck_assert_msg(strstr(cause, "not a regular file (a device)") != NULL, "%s", cause);
	freep(&cause);
	ck_assert_int_eq(source_open(&s, dir, 0, &sc, &cause), -1);
	ck_assert_msg(strstr(cause, "not a regular file (a directory)") != NULL, "%s", cause);
	freep(&cause);
	ck_assert_int_eq(source_open(&s, in_dir("none.mkv"), 0, &sc, &cause), -1);
	ck_assert_msg(strstr(cause, "No such file") != NULL, "%s", cause);
	freep(&cause);

	/* A file whose name has a colon, and a file: URL, are files. */
	ck_assert_int_eq(sh("make_clock './a:b.mkv' 1 160 90 25 -c:v libx264 -preset ultrafast "
	    "-c:a aac"), 0);
	ck_assert_int_eq(source_open(&s, in_dir("a:b.mkv"), 0, &sc, &cause), 0);
	source_free(&s);
	snprintf(url, sizeof url, "file:%s", in_dir("a:b.mkv"));
	ck_assert_int_eq(source_open(&s, url, 0, &sc, &cause), 0);
	source_free(&s);
	snprintf(url, sizeof url, "file://%s", in_dir("a:b.mkv"));
	ck_assert_int_eq(source_open(&s, url, 0, &sc, &cause), 0);
	source_free(&s);
}
END_TEST

/* The probe and the validation open the same way. */
START_TEST(test_refused_probe)
{
	struct media_info mi;
	struct media_analyse_opts o;
	struct media_analysis an;
	char *cause = NULL;

	ck_assert_int_eq(media_probe("http://127.0.0.1:1/x.mkv", &mi, NULL, &cause), -1);
	ck_assert_msg(strstr(cause, "refused: only local files are opened, not http: URLs") !=
	    NULL, "%s", cause);
	freep(&cause);
	memset(&o, 0, sizeof o);
	o.what = MEDIA_LOUDNESS;
	ck_assert_int_eq(media_analyse("/dev/zero", &o, &an, &cause), -1);
	ck_assert_msg(strstr(cause, "not a regular file") != NULL, "%s", cause);
	freep(&cause);
}
END_TEST

/* The analysis (validate, chapter detection) goes across the changes too. */
START_TEST(test_analyse_changing)
{
	struct media_analyse_opts o;
	struct media_analysis an;
	char *cause = NULL;

	ck_assert_int_eq(sh("make_changing chg.ts"), 0);
	memset(&o, 0, sizeof o);
	o.what = MEDIA_LOUDNESS | MEDIA_BLACK | MEDIA_SILENCE;
	ck_assert_msg(media_analyse(in_dir("chg.ts"), &o, &an, &cause) == 0, "%s", cause);
	ck_assert(isfinite(an.loudness_lufs));
	/* The clock is darkest as each second begins: a "black" moment in every part. */
	ck_assert_int_eq((int)an.nblack, 8);
	ck_assert(an.black[7].start_ms > 6900 && an.black[7].start_ms < 7100);
	ck_assert_int_eq((int)an.nsilence, 0);
	ck_assert(an.end_ms > 7900 && an.end_ms < 8200);
	ck_assert(an.file_end_ms > 7900 && an.file_end_ms < 8200);
	media_analysis_clear(&an);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("source");
	TCase *tc = tcase_create("source");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_changing);
	tcase_add_test(tc, test_changing_join);
	tcase_add_test(tc, test_ts_jump);
	tcase_add_test(tc, test_vfr);
	tcase_add_test(tc, test_interlace_partway);
	tcase_add_test(tc, test_audio_late);
	tcase_add_test(tc, test_video_late);
	tcase_add_test(tc, test_video_only);
	tcase_add_test(tc, test_audio_only);
	tcase_add_test(tc, test_wrong_duration);
	tcase_add_test(tc, test_audio_ends_early);
	tcase_add_test(tc, test_video_ends_early);
	tcase_add_test(tc, test_join_no_seek);
	tcase_add_test(tc, test_unknown_loudness);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_refused_probe);
	tcase_add_test(tc, test_analyse_changing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_tap_run(suite());
}
