/*
 * source.h: what one item airs, normalised to the channel's format. A file
 * source demuxes and decodes the file from an offset and runs the per-item
 * filter graph (deinterlace, constant frame rate, scale and pad keeping the
 * display aspect ratio, yuv420p; audio resampled to 48 kHz stereo with the
 * item's loudness gain). The slate source draws the "technical
 * difficulties" card with lavfi sources and silence.
 *
 * Frames come out numbered from the item's join point: video frame k is
 * item time k/fps, audio samples are contiguous from item time 0.
 */
#ifndef RV_ENGINE_SOURCE_H
#define RV_ENGINE_SOURCE_H

#include <stdint.h>

#include <libavformat/avio.h>
#include <libavutil/frame.h>

struct source_conf {
	int width, height;
	int fps_num, fps_den;
	const char *language;           /* preferred audio language (ISO 639-2), or NULL */
	double gain_db;                 /* audio gain, 0 for none */
	int decode_threads;
	AVIOInterruptCB interrupt;      /* stops a blocking read */
	int no_video;                   /* audio only (music): a file without video is fine */
	int no_audio;                   /* picture only (a preview) */
};

struct source;

/*
 * Open path so that item time 0 is offset_us into the file (seeking to the
 * keyframe before it and dropping what precedes it). *cause names the file.
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
 * The next video frame (into frame): 0, AVERROR_EOF at the end,
 * AVERROR(EAGAIN) when the file has no video for now, or an error (*cause).
 */
int source_video(struct source *s, AVFrame *frame, char **cause);
/*
 * The next audio frame (fltp stereo 48 kHz): 0, AVERROR_EOF when there is
 * no more (or no audio at all), AVERROR(EAGAIN) when the audio lags the
 * video too far in the file, or an error.
 */
int source_audio(struct source *s, AVFrame *frame, char **cause);
/* The first read error met (the file is truncated or damaged), or NULL. */
const char *source_error(struct source *s);
/* 1 for the slate. */
int source_is_slate(struct source *s);
/* Free; accepts NULL, sets *sp to NULL. */
void source_free(struct source **sp);

#endif
