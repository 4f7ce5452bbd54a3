/*
 * output.h: a channel's one persistent encoder pair (libx264 and AAC, and
 * a second AAC for a second audio program) and its MPEG-TS segmenter.
 * Frames are numbered by the output itself (video by frame index, audio
 * by sample index) so the stream is continuous whatever the items were;
 * a keyframe is forced at every segment boundary and each finished
 * segment is published into the channel's ring.
 */
#ifndef RV_ENGINE_OUTPUT_H
#define RV_ENGINE_OUTPUT_H

#include <stdint.h>

#include <libavutil/frame.h>

#include "engine/ring.h"

#define OUTPUT_SAMPLE_RATE 48000

struct output_conf {
	const char *name;               /* service name in the TS */
	int width, height;
	int fps_num, fps_den;
	int video_kbps, audio_kbps;
	int segment_ms;                 /* steady segment length */
	int catchup_ms;                 /* segment length while catching up (0: steady) */
	const char *preset;             /* x264 preset */
	int64_t t0_us;                  /* wall clock of frame 0, UTC us */
	int sar_num, sar_den;           /* the pixels' shape (0: square) */
	const char *language;           /* of the main audio (ISO 639-2), or NULL */
	/*
	 * A second audio program (output_sap) in this language, or NULL: a
	 * second AAC stream in the TS (its own PID and language descriptor),
	 * and alone in an audio-only TS segment per segment, attached to the
	 * ring's track OUTPUT_SAP_TRACK (the HLS rendition).
	 */
	const char *sap_language;
};

#define OUTPUT_SAP_TRACK "sap"

struct output;

/* Open the encoders and the muxer, publishing into ring. */
int output_open(struct output **out, const struct output_conf *conf, struct ring *ring,
    char **cause);
/*
 * Encode one video frame (yuv420p, the channel's size; its pts is
 * ignored: it becomes the next frame). The frame is not taken.
 */
int output_video(struct output *o, AVFrame *frame, char **cause);
/* Encode audio samples (fltp stereo 48 kHz, any count). Not taken. */
int output_audio(struct output *o, AVFrame *frame, char **cause);
/* The same for the second audio program (an error without one). */
int output_sap(struct output *o, AVFrame *frame, char **cause);
/*
 * The channel is catching up with its lead (a cold start, or after it fell
 * behind): segments from the next boundary are catchup_ms long, so players
 * get each part of the burst as soon as it is encoded. Off: steady length.
 */
void output_catchup(struct output *o, int on);
/* Video frames and audio samples taken so far. */
int64_t output_video_count(struct output *o);
int64_t output_audio_count(struct output *o);
int64_t output_sap_count(struct output *o);
/* Bytes of TS produced so far. */
int64_t output_bytes(struct output *o);
/* Wall-clock time (UTC us) of video frame index v. */
int64_t output_frame_time(const struct output_conf *conf, int64_t v);
/* Number of video frames whose time is before t_us (UTC). */
int64_t output_frames_before(const struct output_conf *conf, int64_t t_us);
/* Number of audio samples before t_us (UTC). */
int64_t output_samples_before(const struct output_conf *conf, int64_t t_us);
/* Close (the unfinished segment is dropped); accepts NULL, sets *op NULL. */
void output_close(struct output **op);

#endif
