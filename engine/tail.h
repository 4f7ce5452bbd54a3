/*
 * tail.h: a channel's persistent tail graph, between the per-item
 * normaliser and the encoder. It is built once per channel start and
 * carries what must flow smoothly across items: the audio limiter now, and
 * the graphics and emergency alerts that plug in through struct
 * tail_plugin (bug, lower thirds, alert crawl as video filters; alert audio
 * replacing the programme's audio frame by frame).
 *
 * A plug-in is registered once with the director (director_add_plugin) and
 * opened on every channel that starts. Everything here runs on the
 * channel's thread; a plug-in keeps its own lock for state it shares with
 * the rest of the program and reads it in poll().
 *
 * An overlay never takes a channel off the air: a plug-in's chain that
 * cannot be built (a corrupt picture, no font) or that fails on a test
 * frame is left out, with one line in the log, and the limiter and format
 * chain always stay; a graph that fails while it runs is built again
 * without the plug-in chains, and the frames and samples it held are made
 * good (the last picture again, silence) so the A/V count stays exact.
 */
#ifndef RV_ENGINE_TAIL_H
#define RV_ENGINE_TAIL_H

#include <stdint.h>

#include <libavutil/frame.h>

struct channel_conf;

/* What the tail carries: the channel's output format. */
struct tail_format {
	int width, height;
	int fps_num, fps_den;
	int sample_rate;                /* 48000, stereo, fltp */
	int sap;                        /* a second audio program (tail_sap_in) */
};

struct tail;

/* What poll() asks of the channel. */
#define TAIL_KEEP    0              /* nothing changed */
#define TAIL_REBUILD 1              /* the chains changed: rebuild the tail graph */

struct tail_plugin {
	const char *name;
	/*
	 * A channel starts: return this plug-in's state for it, or NULL to
	 * stay out of this channel. global is what was registered.
	 */
	void *(*open)(void *global, const struct channel_conf *conf,
	    const struct tail_format *fmt);
	/*
	 * The plug-in's part of the video (or audio) tail graph: a filter
	 * graph description reading the pad labelled [in] and writing [out]
	 * (for example "movie=bug.png[b];[in][b]overlay=W-w-40:40[out]").
	 * *desc is new (free()d by the tail) or NULL for nothing. Name the
	 * filters that receive commands (drawtext@crawl).
	 */
	int (*video_chain)(void *state, const char *in, const char *out, char **desc);
	int (*audio_chain)(void *state, const char *in, const char *out, char **desc);
	/*
	 * Optional: the tail built its graph without this plug-in's chain
	 * (video or audio), because that chain could not be built or failed
	 * on its first frame, now or at an earlier build with the same
	 * description. The tail has said why in the log, once; it tries the
	 * chain again when its description changes. Commands to its filters
	 * would fail meanwhile.
	 */
	void (*dropped)(void *state, int video);
	/*
	 * Before each video frame: apply pending changes (tail_command,
	 * tail_set_text) and return TAIL_KEEP or TAIL_REBUILD.
	 */
	int (*poll)(void *state, struct tail *t, int64_t wall_us);
	/*
	 * Each frame after the tail graph, just before the encoder: look at
	 * it (thumbnails) or change it in place; audio_frame may overwrite the
	 * samples (alert audio replaces the programme, after the limiter, so
	 * alert tones bypass the programme gain). A hook that writes calls
	 * av_frame_make_writable() first, and only when it writes: most
	 * frames are only looked at, and a copy of every 720p frame is not
	 * free. wall_us is the frame's air time, UTC.
	 */
	void (*video_frame)(void *state, AVFrame *frame, int64_t wall_us);
	void (*audio_frame)(void *state, AVFrame *frame, int64_t wall_us);
	/*
	 * Optional: a frame of another audio programme of the channel (a
	 * second audio program, SAP), from tail_sap_out: the plug-in may
	 * overwrite it as audio_frame did the main programme's sound of that
	 * air time (an emergency alert replaces every programme's sound). It
	 * only looks at the state the main hooks keep.
	 */
	void (*program_audio)(void *state, AVFrame *frame, int64_t wall_us);
	/* The channel stops. */
	void (*close)(void *state);
};

/* A tail for fmt with the given plug-ins (n of them, each with a global). */
int tail_new(struct tail **out, const struct tail_format *fmt,
    const struct channel_conf *conf, const struct tail_plugin *const *plugins,
    void *const *globals, int n, char **cause);
/* Free (closing the plug-ins); accepts NULL, sets *tp to NULL. */
void tail_free(struct tail **tp);

/*
 * Send a command to a named filter of the tail graphs (for a plug-in's
 * poll: "overlay@gfxbug", "enable", "0"). 0 or an AVERROR.
 */
int tail_command(struct tail *t, const char *target, const char *cmd, const char *arg);
/*
 * Set a drawtext filter's text in the video graph as it runs (the text as
 * is: no filtergraph quoting). Not drawtext's "reinit" command: in FFmpeg
 * 5.1 that loses the old options' strings at every change.
 */
int tail_set_text(struct tail *t, const char *target, const char *text);

/* Ask the plug-ins, rebuild if one asks; call before each video frame. */
int tail_poll(struct tail *t, int64_t wall_us, char **cause);

/*
 * Push a video frame (taken: unreferenced) and pull what comes out: *out
 * gets frames one at a time through tail_video_out. Same for audio.
 */
int tail_video_in(struct tail *t, AVFrame *frame, char **cause);
/* 0 with a frame (after the plug-ins' frame hooks), AVERROR(EAGAIN), or error. */
int tail_video_out(struct tail *t, AVFrame *frame, int64_t wall_us);
int tail_audio_in(struct tail *t, AVFrame *frame, char **cause);
int tail_audio_out(struct tail *t, AVFrame *frame, int64_t wall_us);
/*
 * The second audio program (fmt.sap): through a limiter of its own (the
 * plug-ins' audio chains are the programme's), and out through the
 * program_audio hooks (not audio_frame), so an alert replaces both.
 * The caller pulls it no further ahead than the programme's audio.
 */
int tail_sap_in(struct tail *t, AVFrame *frame, char **cause);
int tail_sap_out(struct tail *t, AVFrame *frame, int64_t wall_us);

#endif
