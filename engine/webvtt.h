/*
 * webvtt.h: a channel's subtitle rendition: the cues of what it airs, cut
 * into WebVTT segments that line up with its video segments (each says
 * with X-TIMESTAMP-MAP where it sits on the TS clock), so an HLS player
 * switches them on and off. A cue that spans a segment boundary is in both
 * segments with the same times, which players take as one.
 *
 * Times are the channel's: microseconds from its first frame. One thread
 * (the channel's).
 */
#ifndef RV_ENGINE_WEBVTT_H
#define RV_ENGINE_WEBVTT_H

#include <stddef.h>
#include <stdint.h>

struct webvtt;

struct webvtt *webvtt_new(void);
/* A cue from start_us to end_us showing text (ASS text: tags are dropped). */
void webvtt_add(struct webvtt *w, int64_t start_us, int64_t end_us, const char *ass_text);
/*
 * The WebVTT document of the segment [from_us, to_us) whose first frame
 * has the 90 kHz time stamp pts in the TS (wrapped at 2^33 here); a new
 * buffer of *len bytes. Cues over before from_us are forgotten.
 */
uint8_t *webvtt_segment(struct webvtt *w, int64_t from_us, int64_t to_us, int64_t pts,
    size_t *len);
/* ASS text as WebVTT cue text: override tags dropped, \N a new line, <&> escaped; new. */
char *webvtt_text(const char *ass);
/* Free; accepts NULL, sets *wp NULL. */
void webvtt_free(struct webvtt **wp);

#endif
