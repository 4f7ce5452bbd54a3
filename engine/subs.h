/*
 * subs.h: the subtitles of one airing of a file (engine/source.c's item):
 * the track it burns into the picture and the text track it hands out as
 * cues for the channel's WebVTT rendition, chosen by src/subtitles.h from
 * the channel's mode and languages and the item's own choice.
 *
 * Text (SubRip, ASS/SSA, mov_text, WebVTT) is drawn with libass at the
 * channel's size, in the channel's font (ASS keeps its own styles); pictures
 * (PGS, DVB, VobSub) are scaled from the size they were made for to where
 * the video lies in the frame. Each track is read by a reader of its own
 * (the file again, or the sidecar) a little ahead of the picture, so the
 * source's demuxing is untouched; at a join the reader starts LOOKBACK
 * before it, so the subtitle on screen at the join point shows.
 *
 * Threads: subs_open may block (it opens and reads; the opener's thread);
 * the rest runs on the channel's thread and reads a bounded amount.
 */
#ifndef RV_ENGINE_SUBS_H
#define RV_ENGINE_SUBS_H

#include <stdint.h>

#include <libavformat/avio.h>
#include <libavutil/frame.h>

#include "src/subtitles.h"

struct AVFormatContext;

/* A channel's and an item's subtitle settings (copied by value: no pointers). */
struct subs_conf {
	int mode;                       /* enum subs_mode; SUBS_OFF: none at all */
	char languages[64];             /* "eng,spa", "" any */
	char audio_language[8];         /* the channel's sound, "" */
	struct subs_track track;        /* the item's own track (no stream, no name: none) */
	char font[512];                 /* the channel's font file, "" the default */
};

/* A subtitle for the rendition. */
struct subs_cue {
	int64_t start_us, end_us;       /* item time */
	const char *text;               /* ASS text ("{\i1}Hi\Nthere"); valid until the next call */
};

struct subs;

/*
 * The subtitles of the file at path (ic: the source's open context; its
 * start time is the file's), aired from offset_us into it, in frames of
 * width x height. 0 with *out NULL when there is nothing to air; -1 with
 * *cause (the item airs without subtitles).
 */
int subs_open(struct subs **out, const struct subs_conf *c, const char *path,
    struct AVFormatContext *ic, int64_t offset_us, int width, int height,
    const AVIOInterruptCB *interrupt, char **cause);
/*
 * Where the picture lies in the frame (x, y, w, h) and its source size
 * (what picture subtitles made without a size of their own were made for).
 */
void subs_picture(struct subs *s, int x, int y, int w, int h, int src_w, int src_h);
/*
 * Burn what shows at item time t_us into frame (yuv420p, the channel's
 * size; made writable when something is drawn). 0, or an error.
 */
int subs_burn(struct subs *s, AVFrame *frame, int64_t t_us);
/* The next cue of the rendition that has started by t_us: 1 with *cue, else 0. */
int subs_cue(struct subs *s, int64_t t_us, struct subs_cue *cue);
/* Air from another offset (a seek): what was read is dropped. 0, or -1 with *cause. */
int subs_seek(struct subs *s, int64_t offset_us, char **cause);
/* What airs, for the log ("English (subrip, stream 2)"). */
const char *subs_what(struct subs *s);
/* Free; accepts NULL, sets *sp NULL. */
void subs_free(struct subs **sp);

#endif
