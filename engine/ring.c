/*
 * ring.c: segments in memory.
 *
 * Concurrency: one mutex per ring guards the segment array, the playlist
 * snapshot, the sequence counter and the waiter list. Segments themselves
 * are immutable once published and carry an atomic reference count, so an
 * HTTP thread holds a segment (or a playlist snapshot) without the lock for
 * as long as it sends it; the producer drops its own reference when the
 * segment leaves the ring and the last sender frees it. Waiters are woken
 * outside the lock.
 *
 * The segment being written is also readable as it grows (the "open"
 * bytes, a copy of what the muxer wrote so far), so the endless TS stream
 * flows continuously instead of in segment-sized bursts; its readers are
 * woken at most every OPEN_WAKE_US as bytes arrive, and when it is
 * published the same bytes become the immutable segment.
 *
 * Tracks (a second audio program's rendition) ride on the segments: the
 * part attached before a publish belongs to that segment (it holds a
 * reference), so a track's segments leave the ring with the main ones
 * and its playlist, built with the main one, lists the same numbers and
 * times.
 */
#include "engine/ring.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

struct ring {
	pthread_mutex_t lock;
	char name[32];
	int list_size;                  /* steady segments in the playlist */
	int keep;                       /* and after it, still fetchable */
	int cap;                        /* room for short (catch-up) segments too */
	struct segment **segs;          /* oldest first, n of cap */
	int n;
	int64_t next_seq;
	int target_s;
	int on_air;
	int64_t aired_us;               /* media published since ring_begin */
	struct segment *playlist;       /* snapshot for the current segments */
	struct ring_waiter *waiters;    /* for the next segment */
	struct ring_waiter *plwaiters;  /* for the first playlist */
	struct ring_waiter *readers;    /* stream readers, for more open bytes */
	uint8_t *open;                  /* segment next_seq as written so far */
	size_t open_len, open_cap;
	int64_t open_woken_us;          /* last wake for open bytes (mono) */
	struct track {
		char name[16];
		char ext[8];
		struct segment *pending;        /* attached to the next segment */
		struct segment *playlist;
	} tracks[RING_TRACKS];
	int ntracks;
	struct segment *master;         /* the master playlist, or NULL */
};

#define OPEN_WAKE_US 40000
#define SHORT_SEGMENTS 4                /* catch-up segments per steady one, at most */
#define FIRST_PLAYLIST_US 1000000       /* media before the first playlist is given */

/* Take a reference. */
struct segment *
segment_ref(struct segment *s)
{
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

/* Drop a reference. */
void
segment_unref(struct segment **sp)
{
	struct segment *s;
	int i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	*sp = NULL;
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		for (i = 0; i < RING_TRACKS; i++)
			segment_unref(&s->parts[i]);
		free(s->data);
		free(s);
	}
}

/* A new segment holding data, one reference. */
static struct segment *
segment_new(uint8_t *data, size_t len)
{
	struct segment *s = xcalloc(1, sizeof *s);

	s->refs = 1;
	s->data = data;
	s->len = len;
	return s;
}

/* A new ring. */
struct ring *
ring_new(const char *name, int list_size, int keep)
{
	struct ring *r = xcalloc(1, sizeof *r);

	pthread_mutex_init(&r->lock, NULL);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->list_size = list_size < 3 ? 3 : list_size;
	r->keep = keep < 1 ? 1 : keep;
	r->cap = (r->list_size + r->keep) * SHORT_SEGMENTS;
	r->segs = xcalloc((size_t)r->cap, sizeof *r->segs);
	r->target_s = 2;
	return r;
}

/* Drop every segment; caller holds the lock. */
static void
clear_locked(struct ring *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		segment_unref(&r->segs[i]);
	r->n = 0;
	segment_unref(&r->playlist);
	for (i = 0; i < r->ntracks; i++) {
		segment_unref(&r->tracks[i].pending);
		segment_unref(&r->tracks[i].playlist);
	}
	r->open_len = 0;
}

/* Forget the tracks and the master playlist; caller holds the lock. */
static void
forget_tracks_locked(struct ring *r)
{
	int i;

	for (i = 0; i < r->ntracks; i++) {
		segment_unref(&r->tracks[i].pending);
		segment_unref(&r->tracks[i].playlist);
	}
	memset(r->tracks, 0, sizeof r->tracks);
	r->ntracks = 0;
	segment_unref(&r->master);
}

/* Free. */
void
ring_free(struct ring **rp)
{
	struct ring *r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	clear_locked(r);
	forget_tracks_locked(r);
	free(r->segs);
	free(r->open);
	pthread_mutex_destroy(&r->lock);
	freep(rp);
}

/* Append list b to list a; returns the joined list. */
static struct ring_waiter *
join_lists(struct ring_waiter *a, struct ring_waiter *b)
{
	struct ring_waiter *last;

	if (a == NULL)
		return b;
	for (last = a; last->next != NULL; last = last->next)
		;
	last->next = b;
	return a;
}

/*
 * Detach the waiter lists as one; caller holds the lock. The playlist's
 * waiters only when there is a playlist to give them (or all is ending).
 */
static struct ring_waiter *
take_waiters_locked(struct ring *r, int playlist)
{
	struct ring_waiter *w;

	w = join_lists(r->readers, r->waiters);
	r->readers = r->waiters = NULL;
	if (playlist) {
		w = join_lists(w, r->plwaiters);
		r->plwaiters = NULL;
	}
	return w;
}

/* Wake a detached list (without the lock). */
void
ring_waiters_wake(struct ring_waiter *w)
{
	struct ring_waiter *next;

	for (; w != NULL; w = next) {
		next = w->next;
		w->next = NULL;
		w->wake(w->arg);
	}
}

/* Queue and suspend a waiter on list *list; caller holds the lock. */
static void
wait_locked(struct ring_waiter **list, struct ring_waiter *w)
{
	w->suspend(w->arg);
	w->next = *list;
	*list = w;
}

/* Go on the air. */
void
ring_begin(struct ring *r, int64_t min_seq, int target_s)
{
	pthread_mutex_lock(&r->lock);
	clear_locked(r);
	forget_tracks_locked(r);
	if (min_seq > r->next_seq)
		r->next_seq = min_seq;
	r->target_s = target_s < 1 ? 1 : target_s;
	r->on_air = 1;
	r->aired_us = 0;
	pthread_mutex_unlock(&r->lock);
}

/*
 * The oldest segment of the playlist: as many of the newest as make
 * list_size steady segments' worth of media (more when some are short
 * catch-up segments, so the playlist always spans the same time).
 */
static int
first_listed_locked(struct ring *r)
{
	int64_t span = (int64_t)r->list_size * r->target_s * 1000000, sum = 0;
	int first = r->n;

	while (first > 0 && sum < span) {
		first--;
		sum += r->segs[first]->duration_us;
	}
	return first;
}

/*
 * A playlist of the segments from first: the main one (track -1), or a
 * track's (from its first segment with a part, to the last before a
 * segment without one); NULL when it would list nothing.
 */
static struct segment *
playlist_locked(struct ring *r, int first, int track)
{
	char *buf, *p, when[40];
	const char *ext = track < 0 ? "ts" : r->tracks[track].ext;
	size_t cap;
	int i, last = r->n, len;
	struct segment *s, *pl;
	time_t secs;
	struct tm tm;

	if (track >= 0) {
		while (first < r->n && r->segs[first]->parts[track] == NULL)
			first++;
		for (last = first; last < r->n && r->segs[last]->parts[track] != NULL; last++)
			;
	}
	if (first >= last)
		return NULL;
	cap = 256 + (size_t)(last - first) * 128;
	p = buf = xmalloc(cap);
	len = snprintf(p, cap, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n"
	    "#EXT-X-MEDIA-SEQUENCE:%lld\n#EXT-X-INDEPENDENT-SEGMENTS\n", r->target_s,
	    (long long)r->segs[first]->seq);
	p += len;
	for (i = first; i < last; i++) {
		s = r->segs[i];
		secs = (time_t)(s->start_ms / 1000);
		gmtime_r(&secs, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		len = snprintf(p, cap - (size_t)(p - buf),
		    "#EXT-X-PROGRAM-DATE-TIME:%s.%03dZ\n#EXTINF:%.3f,\n%lld.%s\n", when,
		    (int)(s->start_ms % 1000), (double)s->duration_us / 1e6, (long long)s->seq,
		    ext);
		p += len;
	}
	pl = segment_new((uint8_t *)buf, (size_t)(p - buf));
	pl->seq = r->segs[last - 1]->seq;
	return pl;
}

/* Rebuild the playlist snapshots (the main one, each track's); caller holds the lock. */
static void
build_playlist_locked(struct ring *r)
{
	int first = first_listed_locked(r), i;
	struct segment *pl;

	segment_unref(&r->playlist);
	r->playlist = playlist_locked(r, first, -1);
	for (i = 0; i < r->ntracks; i++) {
		pl = playlist_locked(r, first, i);
		if (pl != NULL || r->tracks[i].playlist == NULL) {
			segment_unref(&r->tracks[i].playlist);
			r->tracks[i].playlist = pl;
		}
	}
}

/* Drop the oldest segment; caller holds the lock. */
static void
drop_oldest_locked(struct ring *r)
{
	segment_unref(&r->segs[0]);
	memmove(r->segs, r->segs + 1, (size_t)(r->n - 1) * sizeof *r->segs);
	r->n--;
}

/* Media held in the ring; caller holds the lock. */
static int64_t
held_us_locked(struct ring *r)
{
	int64_t sum = 0;
	int i;

	for (i = 0; i < r->n; i++)
		sum += r->segs[i]->duration_us;
	return sum;
}

/* Publish. */
int64_t
ring_publish(struct ring *r, uint8_t *data, size_t len, int64_t start_ms, int64_t duration_us)
{
	struct segment *s = segment_new(data, len);
	struct ring_waiter *w;
	int64_t seq;
	int i;

	s->start_ms = start_ms;
	s->duration_us = duration_us;
	pthread_mutex_lock(&r->lock);
	seq = s->seq = r->next_seq++;
	for (i = 0; i < r->ntracks; i++) {
		s->parts[i] = r->tracks[i].pending;
		r->tracks[i].pending = NULL;
		if (s->parts[i] != NULL) {
			s->parts[i]->seq = seq;
			s->parts[i]->start_ms = start_ms;
			s->parts[i]->duration_us = duration_us;
		}
	}
	if (r->n == r->cap)
		drop_oldest_locked(r);
	r->segs[r->n++] = s;
	/* Past the playlist, keep `keep` steady segments' worth of media. */
	while (r->n > 1 && held_us_locked(r) - r->segs[0]->duration_us >=
	    (int64_t)(r->list_size + r->keep) * r->target_s * 1000000)
		drop_oldest_locked(r);
	r->open_len = 0;
	r->aired_us += duration_us;
	/* The first playlist waits for a second of media: a player's first buffer. */
	if (r->aired_us >= FIRST_PLAYLIST_US || r->playlist != NULL)
		build_playlist_locked(r);
	w = take_waiters_locked(r, r->playlist != NULL);
	pthread_mutex_unlock(&r->lock);
	ring_waiters_wake(w);
	return seq;
}

/* The index of track name, or -1; caller holds the lock. */
static int
track_locked(struct ring *r, const char *name)
{
	int i;

	for (i = 0; i < r->ntracks; i++) {
		if (strcmp(r->tracks[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* A track's part of the next segment. */
void
ring_attach(struct ring *r, const char *track, const char *ext, uint8_t *data, size_t len)
{
	struct segment *s = segment_new(data, len);
	int i;

	pthread_mutex_lock(&r->lock);
	if ((i = track_locked(r, track)) < 0 && r->ntracks < RING_TRACKS) {
		i = r->ntracks++;
		snprintf(r->tracks[i].name, sizeof r->tracks[i].name, "%s", track);
		snprintf(r->tracks[i].ext, sizeof r->tracks[i].ext, "%s", ext);
	}
	if (i >= 0) {
		segment_unref(&r->tracks[i].pending);
		r->tracks[i].pending = s;
		s = NULL;
	}
	pthread_mutex_unlock(&r->lock);
	segment_unref(&s);
}

/* The master playlist. */
void
ring_set_master(struct ring *r, char *text)
{
	struct segment *s = text != NULL ? segment_new((uint8_t *)text, strlen(text)) : NULL;

	pthread_mutex_lock(&r->lock);
	segment_unref(&r->master);
	r->master = s;
	pthread_mutex_unlock(&r->lock);
}

/* Bytes of the segment being written. */
void
ring_append(struct ring *r, const uint8_t *data, size_t len)
{
	struct ring_waiter *w = NULL;
	int64_t now = mono_us();

	pthread_mutex_lock(&r->lock);
	if (r->open_len + len > r->open_cap) {
		r->open_cap = (r->open_len + len) * 2;
		r->open = xreallocarray(r->open, 1, r->open_cap);
	}
	memcpy(r->open + r->open_len, data, len);
	r->open_len += len;
	if (r->readers != NULL && now - r->open_woken_us >= OPEN_WAKE_US) {
		r->open_woken_us = now;
		w = r->readers;
		r->readers = NULL;
	}
	pthread_mutex_unlock(&r->lock);
	ring_waiters_wake(w);
}

/* Off the air. */
void
ring_end(struct ring *r)
{
	struct ring_waiter *w;

	pthread_mutex_lock(&r->lock);
	r->on_air = 0;
	clear_locked(r);
	w = take_waiters_locked(r, 1);
	pthread_mutex_unlock(&r->lock);
	ring_waiters_wake(w);
}

/* Wake everyone. */
void
ring_wake_all(struct ring *r)
{
	struct ring_waiter *w;

	pthread_mutex_lock(&r->lock);
	w = take_waiters_locked(r, 1);
	pthread_mutex_unlock(&r->lock);
	ring_waiters_wake(w);
}

/* Next sequence number. */
int64_t
ring_next_seq(struct ring *r)
{
	int64_t seq;

	pthread_mutex_lock(&r->lock);
	seq = r->next_seq;
	pthread_mutex_unlock(&r->lock);
	return seq;
}

/* Newest sequence number. */
int64_t
ring_live_seq(struct ring *r)
{
	int64_t seq;

	pthread_mutex_lock(&r->lock);
	seq = r->n > 0 ? r->segs[r->n - 1]->seq : -1;
	pthread_mutex_unlock(&r->lock);
	return seq;
}

/* The segment airing at wall_ms. */
int64_t
ring_seq_at(struct ring *r, int64_t wall_ms)
{
	int64_t seq = -1;
	int i;

	pthread_mutex_lock(&r->lock);
	if (r->n > 0) {
		seq = r->segs[0]->seq;
		for (i = 0; i < r->n; i++) {
			if (r->segs[i]->start_ms <= wall_ms)
				seq = r->segs[i]->seq;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return seq;
}

/* On the air? */
int
ring_on_air(struct ring *r)
{
	int on;

	pthread_mutex_lock(&r->lock);
	on = r->on_air;
	pthread_mutex_unlock(&r->lock);
	return on;
}

/* Size and duration of the newest segment. */
void
ring_last_stats(struct ring *r, size_t *len, int64_t *duration_us)
{
	pthread_mutex_lock(&r->lock);
	*len = r->n > 0 ? r->segs[r->n - 1]->len : 0;
	*duration_us = r->n > 0 ? r->segs[r->n - 1]->duration_us : 0;
	pthread_mutex_unlock(&r->lock);
}

/* One segment by number. */
enum ring_result
ring_get(struct ring *r, int64_t seq, struct segment **out, struct ring_waiter *w)
{
	enum ring_result res;
	int64_t first;

	*out = NULL;
	pthread_mutex_lock(&r->lock);
	first = r->n > 0 ? r->segs[0]->seq : r->next_seq;
	if (seq >= first && seq < r->next_seq && r->n > 0) {
		*out = segment_ref(r->segs[seq - first]);
		res = RING_OK;
	} else if (!r->on_air)
		res = RING_OFF;
	else if (seq == r->next_seq && w != NULL) {
		wait_locked(&r->waiters, w);
		res = RING_WAIT;
	} else
		res = RING_GONE;
	pthread_mutex_unlock(&r->lock);
	return res;
}

/* Read the stream: published or still being written. */
enum ring_result
ring_read(struct ring *r, int64_t seq, size_t off, uint8_t *buf, size_t max, size_t *n,
    struct ring_waiter *w)
{
	enum ring_result res = RING_OK;
	const uint8_t *src = NULL;
	size_t len = 0;
	int64_t first;

	*n = 0;
	pthread_mutex_lock(&r->lock);
	first = r->n > 0 ? r->segs[0]->seq : r->next_seq;
	if (seq >= first && seq < r->next_seq && r->n > 0) {
		src = r->segs[seq - first]->data;
		len = r->segs[seq - first]->len;
	} else if (!r->on_air)
		res = RING_OFF;
	else if (seq == r->next_seq) {
		src = r->open;
		len = r->open_len;
		if (off >= len) {
			res = RING_WAIT;
			if (w != NULL) {
				w->suspend(w->arg);
				w->next = r->readers;
				r->readers = w;
			}
		}
	} else
		res = RING_GONE;
	if (res == RING_OK && off < len) {
		*n = len - off < max ? len - off : max;
		memcpy(buf, src + off, *n);
	}
	pthread_mutex_unlock(&r->lock);
	return res;
}

/* The playlist snapshot. */
enum ring_result
ring_playlist(struct ring *r, struct segment **out, struct ring_waiter *w)
{
	enum ring_result res;

	*out = NULL;
	pthread_mutex_lock(&r->lock);
	if (r->playlist != NULL) {
		*out = segment_ref(r->playlist);
		res = RING_OK;
	} else if (r->on_air && w != NULL) {
		/* Starting: the first second of media is a fraction of a second away. */
		wait_locked(&r->plwaiters, w);
		res = RING_WAIT;
	} else
		res = RING_OFF;
	pthread_mutex_unlock(&r->lock);
	return res;
}

/* The index: the master, or the playlist. */
enum ring_result
ring_index(struct ring *r, struct segment **out, struct ring_waiter *w)
{
	enum ring_result res = ring_playlist(r, out, w);

	if (res != RING_OK)
		return res;
	pthread_mutex_lock(&r->lock);
	if (r->master != NULL) {
		segment_unref(out);
		*out = segment_ref(r->master);
	}
	pthread_mutex_unlock(&r->lock);
	return res;
}

/* A track's playlist. */
enum ring_result
ring_track_playlist(struct ring *r, const char *track, struct segment **out,
    struct ring_waiter *w)
{
	enum ring_result res;
	int i;

	*out = NULL;
	pthread_mutex_lock(&r->lock);
	i = track_locked(r, track);
	if (i >= 0 && r->tracks[i].playlist != NULL) {
		*out = segment_ref(r->tracks[i].playlist);
		res = RING_OK;
	} else if (!r->on_air)
		res = RING_OFF;
	else if ((i >= 0 || (r->playlist == NULL && r->master != NULL)) && w != NULL) {
		/* Starting (the track's first part comes with the first segments). */
		wait_locked(&r->plwaiters, w);
		res = RING_WAIT;
	} else
		res = RING_GONE;
	pthread_mutex_unlock(&r->lock);
	return res;
}

/* A track's part of a segment. */
enum ring_result
ring_track_get(struct ring *r, const char *track, int64_t seq, struct segment **out)
{
	enum ring_result res = RING_GONE;
	int64_t first;
	int i;

	*out = NULL;
	pthread_mutex_lock(&r->lock);
	first = r->n > 0 ? r->segs[0]->seq : r->next_seq;
	i = track_locked(r, track);
	if (i >= 0 && seq >= first && seq < r->next_seq && r->n > 0 &&
	    r->segs[seq - first]->parts[i] != NULL) {
		*out = segment_ref(r->segs[seq - first]->parts[i]);
		res = RING_OK;
	} else if (!r->on_air)
		res = RING_OFF;
	pthread_mutex_unlock(&r->lock);
	return res;
}

/* A track's file extension. */
const char *
ring_track_ext(struct ring *r, const char *track, char *buf, size_t len)
{
	const char *ext = NULL;
	int i;

	pthread_mutex_lock(&r->lock);
	if ((i = track_locked(r, track)) >= 0) {
		snprintf(buf, len, "%s", r->tracks[i].ext);
		ext = buf;
	}
	pthread_mutex_unlock(&r->lock);
	return ext;
}
