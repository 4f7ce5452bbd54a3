/*
 * mediagen.h: synthetic media made in-process. One call renders a clip from
 * a spec: a libavfilter source chain for the picture (smptebars, testsrc2,
 * mandelbrot, ...) and one for the sound (sine, anoisesrc, ...), drawtext
 * titles, a running seven-segment clock of the media position that a
 * program can read back, and stretches of black and digital silence,
 * encoded with libx264 and AC-3 (or another audio encoder) into an MP4.
 * The demo library, tests and benchmarks use it to make media.
 *
 * Output is deterministic: the same spec gives the same bytes on the same
 * FFmpeg build (one x264 thread, bitexact muxing and audio, sources with
 * fixed seeds: anoisesrc, life and cellauto take a seed= option, and the
 * caller must give one). A file is written as PATH.part and renamed into
 * place when complete, so a killed run never leaves a short file under the
 * real name. The spec's fingerprint is stored in the file's comment tag;
 * mediagen_check() tells whether a file on disk is a complete rendering of
 * a spec without decoding it.
 *
 * Why AC-3 by default: it is the sound of ATSC broadcast and US cable, and
 * FFmpeg's AC-3 encoder costs about a seventh of its AAC encoder here (AAC
 * took 0.85 s of CPU per minute of stereo, as much as the whole picture
 * chain), which is what keeps the demo library inside its time budget.
 */
#ifndef RV_ENGINE_MEDIAGEN_H
#define RV_ENGINE_MEDIAGEN_H

#include <stdint.h>

/* Where a line of text sits, at a margin from the edges it names. */
enum mediagen_anchor {
	MEDIAGEN_CENTER,
	MEDIAGEN_TOP,
	MEDIAGEN_BOTTOM,
	MEDIAGEN_TOP_LEFT,
	MEDIAGEN_TOP_RIGHT,
	MEDIAGEN_BOTTOM_LEFT,
	MEDIAGEN_BOTTOM_RIGHT,
};

/* One line of text burned into the picture. */
struct mediagen_text {
	const char *text;               /* shown as is (no % expansion); NULL with clock */
	int clock;                      /* 1: the media position, "hh:mm:ss.ff", in
					   seven-segment digits size px high */
	enum mediagen_anchor anchor;
	int dy;                         /* pixels down (+) or up (-) from the anchor */
	int size;                       /* font size, pixels */
	const char *color;              /* FFmpeg colour ("white", "0xFFD000"); NULL white */
	int box;                        /* 1: a translucent dark box behind it */
	int mono;                       /* 1: monospaced font */
	int64_t from_ms;                /* shown in [from_ms, to_ms) of the media */
	int64_t to_ms;                  /* 0: to the end */
};

/* A stretch of black picture and digital silence. */
struct mediagen_gap {
	int64_t start_ms;
	int64_t duration_ms;
};

struct mediagen_spec {
	int width, height;              /* pixels */
	int fps_num, fps_den;           /* frame rate; the clock counts frames of round(fps) */
	int64_t duration_ms;            /* rounded to whole frames for the picture */
	/*
	 * The picture: a filter chain with one open output, e.g.
	 * "smptebars=size=640x360:rate=25". It is converted to the size, rate
	 * and yuv420p if it does not already produce them (cheapest when it
	 * does).
	 */
	const char *video;
	/*
	 * 1: the picture never changes. Its first frame is rendered once with
	 * the texts shown throughout (no clock, no times) and repeated; only
	 * timed texts and the clock are drawn per frame. Much cheaper.
	 */
	int still;
	/* The sound: a chain with one open output ("sine=frequency=440"); NULL: silence. */
	const char *audio;
	double gain_db;                 /* applied to the sound */
	int sample_rate;                /* 0: 48000 */
	int channels;                   /* 0: 2 */
	const struct mediagen_text *texts;
	int ntexts;
	const struct mediagen_gap *gaps;
	int ngaps;
	const int64_t *keyframes_ms;    /* frames forced to be IDR (e.g. chapter points) */
	int nkeyframes;
	int keyint;                     /* frames between keyframes; 0: 2 seconds */
	const char *preset;             /* x264 preset; NULL: "ultrafast" */
	int qp;                         /* constant quantiser; 0: 23 (cheaper than CRF) */
	const char *audio_codec;        /* encoder name; NULL: "ac3" (see below) */
	int audio_kbps;                 /* 0: 192 */
	const char *title;              /* the file's title tag; may be NULL */
	const char *font;               /* font file; NULL: DejaVu Sans Bold, else fontconfig */
	const char *mono_font;          /* NULL: DejaVu Sans Mono Bold, else fontconfig */

	/* Called now and then from the rendering thread; may be NULL. */
	void (*progress)(void *arg, int64_t done_ms, int64_t total_ms);
	void *progress_arg;
};

/* What a file holds, as its container says. */
struct mediagen_info {
	int64_t duration_ms;            /* the container's duration, as ffprobe reports it */
	int64_t size;                   /* bytes */
	int64_t mtime;                  /* seconds since the epoch */
	int width, height;
	double fps;
	char video_codec[32];           /* "h264" */
	char audio_codec[32];           /* "ac3", "aac" */
	int nstreams;
};

/*
 * Render spec into path (the container from its extension: .mp4, .mkv,
 * .mov). 0, or a negative AVERROR with *cause naming the path.
 */
int mediagen_make(const struct mediagen_spec *spec, const char *path, char **cause);

/*
 * 1 if path is a complete rendering of spec (fingerprint, streams, size and
 * duration, every indexed packet inside the file), with *info filled; 0 if
 * it is missing, short, damaged or made from another spec (*cause says why);
 * never decodes.
 */
int mediagen_check(const struct mediagen_spec *spec, const char *path,
    struct mediagen_info *info, char **cause);

/* Read what a media file holds. 0, or a negative AVERROR with *cause. */
int mediagen_probe(const char *path, struct mediagen_info *info, char **cause);

/*
 * Render the first frame of spec's picture (RGBA: a source such as
 * "color=c=black@0:size=160x90" keeps its transparency) with its texts
 * as a PNG at path, rewriting the file only if its bytes differ. Returns
 * 1 if written, 0 if it was already identical, negative on error.
 */
int mediagen_still(const struct mediagen_spec *spec, const char *path, char **cause);

/*
 * Read a clock drawn by mediagen (text t of spec) back from a decoded
 * picture's luma plane, which may have been scaled to frame_width x
 * frame_height (a channel's output). The frame number it shows in *frame;
 * 0, or -1 if the digits cannot be read (a black gap, something drawn
 * over it, a picture that is not this clip). Lets a test prove which
 * frame of a file a viewer is watching.
 */
int mediagen_read_clock(const uint8_t *luma, int linesize, int frame_width, int frame_height,
    const struct mediagen_spec *spec, const struct mediagen_text *t, int64_t *frame);

/* The spec's fingerprint, 64 hex digits (what the comment tag carries). */
void mediagen_fingerprint(const struct mediagen_spec *spec, char out[65]);

#endif
