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

#define RING_TRACKS 4

/* An immutable, reference-counted byte buffer: a TS segment or a playlist. */
struct segment {
	int refs;                       /* atomic */
	int64_t seq;                    /* media sequence number */
	int64_t start_ms;               /* wall clock of its first frame, UTC ms */
	int64_t duration_us;
	size_t len;
	uint8_t *data;                  /* owned */
	struct segment *parts[RING_TRACKS];     /* its tracks' parts (references), or NULL */
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
 * Producer: bytes of the segment being written, as the muxer writes them
 * (the same bytes ring_publish gets when it is done).
 */
void ring_append(struct ring *r, const uint8_t *data, size_t len);
/* Off the air: drop the segments, wake every waiter. */
void ring_end(struct ring *r);

/*
 * Tracks: renditions beside the segments (a second audio program's
 * audio-only TS, subtitles), up to RING_TRACKS, each named by a word of
 * lower-case letters and digits. The producer attaches each track's part
 * of a segment (data taken; its file extension ext, "ts") before it
 * publishes the segment; the track's playlist lists the same segments,
 * numbered and timed alike, its parts named SEQ.ext relative to it.
 * ring_begin forgets the tracks.
 */
void ring_attach(struct ring *r, const char *track, const char *ext, uint8_t *data,
    size_t len);
/*
 * Producer: the master playlist (text taken; NULL: none), given at the
 * index (ring_index) instead of the main playlist; set before the first
 * segment. ring_begin forgets it.
 */
void ring_set_master(struct ring *r, char *text);

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
 * The index: the master playlist when there is one, else the playlist;
 * as ring_playlist (it waits for the first playlist either way).
 */
enum ring_result ring_index(struct ring *r, struct segment **out, struct ring_waiter *w);
/*
 * A track's playlist: RING_OK with a reference, RING_WAIT (w queued) while
 * there is no playlist yet, RING_GONE when the channel has no such track,
 * or RING_OFF.
 */
enum ring_result ring_track_playlist(struct ring *r, const char *track, struct segment **out,
    struct ring_waiter *w);
/* A track's part of segment seq: RING_OK with a reference, RING_GONE, or RING_OFF. */
enum ring_result ring_track_get(struct ring *r, const char *track, int64_t seq,
    struct segment **out);
/* A track's file extension ("ts"), or NULL when the ring has no such track now. */
const char *ring_track_ext(struct ring *r, const char *track, char *buf, size_t len);
/* Wake every waiter now (shutdown). */
void ring_wake_all(struct ring *r);

#endif
