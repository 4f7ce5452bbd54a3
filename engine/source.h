/*
 * source.h: what one item airs, normalised to the channel's format. A file
 * source demuxes and decodes the file from an offset and normalises it
 * (frames flagged interlaced are deinterlaced, a constant frame rate,
 * scaled and padded keeping the display aspect ratio, yuv420p; audio
 * resampled to 48 kHz stereo with the item's loudness gain). Whatever
 * changes inside the file (picture size, aspect ratio, frame rate, sample
 * rate, channel layout, interlacing, a gap or a late stream) continues at
 * its time. A file without video airs a card with the item's title. The
 * slate source draws the "technical difficulties" card with lavfi sources
 * and silence.
 *
 * Frames come out numbered from the item's join point: video frame k is
 * item time k/fps, audio samples are contiguous from item time 0.
 *
 * Threads: source_open() may block (it opens, probes, seeks and decodes up
 * to the join point; run it on a helper thread, with the interrupt
 * callback); source_video() and source_audio() do a bounded amount of
 * work and buffer a bounded amount (QUEUE_US of compressed data ahead of
 * what has aired), for the channel's thread. One thread at a time per
 * source.
 */
#ifndef RV_ENGINE_SOURCE_H
#define RV_ENGINE_SOURCE_H

#include <stdint.h>

#include <libavformat/avio.h>
#include <libavutil/frame.h>

struct source_conf {
	int width, height;
	int fps_num, fps_den;
	/*
	 * The audio: the item's own choice (audio_override: a language "spa",
	 * or the file's Nth audio track "2"), else the first language of the
	 * list (ISO 639-2, "eng,spa") the file has, else its default track,
	 * else its first; commentary and audio description only when asked
	 * for by name or number. Borrowed: used by open only.
	 */
	const char *language;           /* the channel's list, or NULL */
	const char *audio_override;     /* the item's, or NULL */
	/*
	 * The second audio program (SAP, source_sap_audio): the file's track
	 * in this language (ISO 639-2), or the main audio when it has none;
	 * NULL: no SAP. Borrowed: used by open only.
	 */
	const char *sap_language;
	/*
	 * Audio gain in dB (0: none), from the file's stored loudness. NAN: the
	 * loudness is unknown; the source then measures it (its first seconds
	 * at open, then as it airs) and sets the gain to reach
	 * loudness_target itself, ramped and clamped.
	 */
	double gain_db;
	double loudness_target;         /* LUFS, for gain_db NAN; 0: -24 */
	const char *title;              /* the item's title, for a file without video; or NULL */
	int decode_threads;
	AVIOInterruptCB interrupt;      /* stops a blocking read */
	int no_video;                   /* audio only (music): no picture at all */
	int no_audio;                   /* picture only (a preview) */
	/*
	 * Picture shape: the channel's display aspect ratio (dar_num:dar_den,
	 * 0: its pixels are square) and what a picture of another shape gets
	 * (SOURCE_FIT letter- or pillarboxed, SOURCE_STRETCH to the frame,
	 * SOURCE_ZOOM filled and cropped). Anamorphic pictures (non-square
	 * pixels) keep their shape in each. HDR (PQ, HLG) and wide-gamut
	 * pictures are tone mapped to 8-bit SDR BT.709; every picture comes
	 * out BT.709.
	 */
	int aspect;
	int dar_num, dar_den;
};

enum { SOURCE_FIT, SOURCE_STRETCH, SOURCE_ZOOM };

struct source;

/*
 * Open path so that item time 0 is offset_us into the file: seek to the
 * keyframe before it and decode up to it (or, when the file cannot seek,
 * skip packets without decoding to the first keyframe near it). May take
 * a while. Only local regular files open (src/media.h). *cause names the
 * file.
 */
int source_open(struct source **out, const char *path, int64_t offset_us,
    const struct source_conf *conf, char **cause);
/*
 * Move an open file source so that item time 0 is offset_us into the file
 * (a seek, no new open: a file that was slow to open is not waited for
 * twice). What was decoded before is dropped. 0, or -1 with *cause.
 */
int source_seek(struct source *s, int64_t offset_us, char **cause);
/* The slate: bars with the two lines of text, and silence. */
int source_open_slate(struct source **out, const char *line1, const char *line2,
    const struct source_conf *conf, char **cause);

/*
 * A generated item (engine/cards.c): a still picture drawn once by
 * video_desc, and the sound of audio_desc (NULL: silence). Both are lavfi
 * descriptions of source filters with one unlabelled output; the audio
 * must come out as fltp stereo at 48 kHz. name is for messages.
 */
int source_open_generated(struct source **out, const char *name, const char *video_desc,
    const char *audio_desc, const struct source_conf *conf, char **cause);

/*
 * The next video frame (into frame): 0, AVERROR_EOF at the end (of both
 * streams: a picture that ends before the sound gives black), or an error
 * (*cause). A file source never makes the caller wait for data: where the
 * file has no picture yet it gives black (or the last picture).
 */
int source_video(struct source *s, AVFrame *frame, char **cause);
/*
 * The next audio frame (fltp stereo 48 kHz): 0, AVERROR_EOF when there is
 * no more (or no audio at all), AVERROR(EAGAIN) when the file's audio is
 * not within reach for now (it lies too far ahead of the picture in the
 * file: fill with silence; the samples the caller covers are its to drop
 * when they come), or an error.
 */
int source_audio(struct source *s, AVFrame *frame, char **cause);
/*
 * The next audio frame of the second audio program, as source_audio.
 * AVERROR(ENOENT) when the SAP is the main audio (the item has no track
 * in the SAP language, or no SAP was asked for): the caller airs the
 * main audio there too. Its loudness is measured and normalised as it
 * airs, on its own.
 */
int source_sap_audio(struct source *s, AVFrame *frame, char **cause);
/* The file's audio tracks aired (stream indexes; -1: none; sap -1 when it is the main). */
void source_audio_streams(struct source *s, int *main, int *sap);
/*
 * The file's integrated loudness (LUFS) as measured from the join point
 * over what has aired so far (and what open measured ahead), and how many
 * seconds that covers. 0, or -1 while nothing audible was measured.
 */
int source_measured_loudness(struct source *s, double *lufs, double *seconds);
/* The gain (dB) the audio gets now. */
double source_gain(struct source *s);

/* What a source has done and holds, for tests and the log. */
struct source_stats {
	int64_t decoded;                /* video frames decoded */
	int64_t skipped;                /* packets skipped undecoded before the join */
	int64_t queued_bytes;           /* compressed packets waiting, both streams */
	int64_t queued_packets;
};
void source_stats(struct source *s, struct source_stats *st);
/* The first read error met (the file is truncated or damaged), or NULL. */
const char *source_error(struct source *s);
/* 1 for the slate. */
int source_is_slate(struct source *s);
/* Free; accepts NULL, sets *sp to NULL. */
void source_free(struct source **sp);

#endif
