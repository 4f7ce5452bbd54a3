/*
 * ring.h: a channel's output in memory. The encoder publishes MPEG-TS
 * segments into a ring; HTTP threads take references to them (a segment
 * being sent is never freed), read the live HLS playlist made from them,
 * and follow them one after another for the endless MPEG-TS stream.
 *
 * A ring belongs to a channel slot and outlives the channel's pipeline, so
 * media sequence numbers keep growing across a channel's restarts.
 */
#ifndef RV_ENGINE_RING_H
#define RV_ENGINE_RING_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sides: the segments of a rendition beside the main ones (engine/master.h),
 * one per main segment, with the same number and times, listed in a
 * playlist of their own (a WebVTT subtitle segment, "SEQ.vtt").
 */
#define RING_SIDES 2
#define RING_SIDE_SUBTITLES 0

/* An immutable, reference-counted byte buffer: a TS segment or a playlist. */
struct segment {
	int refs;                       /* atomic */
	int64_t seq;                    /* media sequence number */
	int64_t start_ms;               /* wall clock of its first frame, UTC ms */
	int64_t duration_us;
	size_t len;
	uint8_t *data;                  /* owned */
	struct segment *side[RING_SIDES];       /* a main segment's sides (owned refs), or NULL */
};

/* Take a reference. */
struct segment *segment_ref(struct segment *s);
/* Drop a reference (the last frees); accepts NULL, sets *sp to NULL. */
void segment_unref(struct segment **sp);

/*
 * A connection waiting for the next segment. suspend() runs under the
 * ring's lock when the wait starts; wake() runs once, without the lock,
 * when a segment is published or the ring goes off the air. The waiter
 * (owned by the caller) must stay valid until wake() has run.
 */
struct ring_waiter {
	void (*suspend)(void *arg);
	void (*wake)(void *arg);
	void *arg;
	struct ring_waiter *next;
};

/* Wake each waiter of a list taken off its queue (call without any lock). */
void ring_waiters_wake(struct ring_waiter *w);

/* What ring_get found. */
enum ring_result {
	RING_OK,                        /* *out holds a reference */
	RING_WAIT,                      /* not yet produced: the waiter is queued */
	RING_GONE,                      /* too old: it left the ring */
	RING_OFF,                       /* the channel is not on the air */
};

struct ring;

/*
 * A ring for channel name: list_size steady segments' worth of media in
 * the playlist, and keep more that stay fetchable after they leave it.
 * (Short catch-up segments count by their duration.) The first playlist
 * is given once a second of media is published.
 */
struct ring *ring_new(const char *name, int list_size, int keep);
/* Free (no producer may run, no waiter may be queued); sets *rp to NULL. */
void ring_free(struct ring **rp);

/*
 * Producer: go on the air. Sequence numbers continue from the last
 * published one, or start at min_seq if that is larger. target_s is the
 * playlist's EXT-X-TARGETDURATION.
 */
void ring_begin(struct ring *r, int64_t min_seq, int target_s);
/* Publish a segment (takes data); returns its sequence number. */
int64_t ring_publish(struct ring *r, uint8_t *data, size_t len, int64_t start_ms,
    int64_t duration_us);
/*
 * Publish a segment and its sides (side[k] of side_len[k] bytes, taken;
 * NULL for a side that is off). Returns its sequence number.
 */
int64_t ring_publish_sides(struct ring *r, uint8_t *data, size_t len, int64_t start_ms,
    int64_t duration_us, uint8_t *const *side, const size_t *side_len);
/*
 * Producer: side k is on for this airing (ring_begin turns every side off):
 * its segments are named SEQ.ext ("vtt") in its playlist.
 */
void ring_side_on(struct ring *r, int k, const char *ext);
/* Producer: the master playlist for this airing (copied; ring_begin drops it). */
void ring_set_master(struct ring *r, const char *text);
/*
 * Producer: bytes of the segment being written, as the muxer writes them
 * (the same bytes ring_publish gets when it is done).
 */
void ring_append(struct ring *r, const uint8_t *data, size_t len);
/* Off the air: drop the segments, wake every waiter. */
void ring_end(struct ring *r);

/* The next sequence number the ring will give. */
int64_t ring_next_seq(struct ring *r);
/* Sequence number of the newest segment, -1 if none. */
int64_t ring_live_seq(struct ring *r);
/*
 * The segment on the air at wall_ms (UTC): the newest that starts at or
 * before it (else the oldest there is); -1 if the ring is empty. A stream
 * joining there gets what runs ahead of the clock as its buffer.
 */
int64_t ring_seq_at(struct ring *r, int64_t wall_ms);
/* 1 while a producer is on the air. */
int ring_on_air(struct ring *r);
/* Bytes and duration of the newest segment (for the output bitrate). */
void ring_last_stats(struct ring *r, size_t *len, int64_t *duration_us);

/*
 * Segment seq: RING_OK with a reference in *out; RING_WAIT (only if w is
 * not NULL: w is queued and suspended) when it is the next to come.
 */
enum ring_result ring_get(struct ring *r, int64_t seq, struct segment **out,
    struct ring_waiter *w);
/*
 * The endless stream: copy up to max bytes of segment seq from offset off,
 * whether it is published or still being written. RING_OK with *n bytes
 * (*n == 0: seq is complete and read to its end, go on to seq + 1);
 * RING_WAIT when nothing new is there yet (w queued and suspended, woken
 * as bytes arrive); RING_GONE when seq left the ring; RING_OFF.
 */
enum ring_result ring_read(struct ring *r, int64_t seq, size_t off, uint8_t *buf, size_t max,
    size_t *n, struct ring_waiter *w);
/*
 * The playlist: RING_OK with a reference in *out, or RING_WAIT (w queued)
 * while no segment exists yet, or RING_OFF.
 */
enum ring_result ring_playlist(struct ring *r, struct segment **out, struct ring_waiter *w);
/*
 * Side k's segment seq: RING_OK with a reference in *out, RING_GONE when
 * there is none (the side is off, or seq is not here), or RING_OFF.
 */
enum ring_result ring_get_side(struct ring *r, int k, int64_t seq, struct segment **out);
/*
 * Side k's playlist (the main one's segments, named SEQ.ext): RING_OK with
 * a reference, RING_GONE when the side is off, RING_WAIT (w queued) while
 * no segment exists yet, or RING_OFF.
 */
enum ring_result ring_side_playlist(struct ring *r, int k, struct segment **out,
    struct ring_waiter *w);
/* The master playlist: RING_OK with a reference, else RING_OFF. */
enum ring_result ring_master(struct ring *r, struct segment **out);
/* Wake every waiter now (shutdown). */
void ring_wake_all(struct ring *r);

#endif
