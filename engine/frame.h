/*
 * frame.h: one picture from a media file at a given time, for the
 * console's chapter editor: seek to the keyframe at or before the time,
 * decode up to the frame that covers it, scale it to fit a box, RGB24.
 * Keeps no state between calls; runs on any thread (the job pool).
 */
#ifndef RV_ENGINE_FRAME_H
#define RV_ENGINE_FRAME_H

#include <stdatomic.h>
#include <stdint.h>

struct frame_rgb {
	uint8_t *rgb;                   /* width * height * 3 bytes, owned */
	int width, height;              /* fits the box asked for, aspect kept */
	int64_t ms;                     /* the frame's own time from the file's start */
	int64_t duration_ms;            /* the file's length (0: unknown) */
	double fps;                     /* the video's frame rate (0: unknown) */
};

/*
 * Decode the frame of path shown at ms (clamped into the file) scaled to
 * fit max_w x max_h (each 16..1920). *cancel (may be NULL) non-zero stops
 * the decode. 0, or -1 with *cause.
 */
int frame_grab(const char *path, int64_t ms, int max_w, int max_h, atomic_int *cancel,
    struct frame_rgb *out, char **cause);
/* Free the picture. */
void frame_rgb_clear(struct frame_rgb *f);

#endif
