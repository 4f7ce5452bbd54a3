/*
 * sched.c: expand the coarse schedule into the fine log.
 *
 * A build walks a channel's slot boundaries from a start time. At each
 * boundary the governing coarse slot picks a programme; the programme takes
 * as many slots as it needs (its block). The block is laid out as
 * act, pod, act, pod, ..., act, station break: the acts are the programme
 * cut at its chosen break points; each pod is bumper out, commercials,
 * (station ID,) bumper in; the station break fills exactly to the block's
 * end with commercials, promos, interstitials, bumpers, a slate for what is
 * left, and the station ID last when the next programme starts on an ID
 * mark (the top of the hour by default). So every programme starts exactly
 * on its boundary.
 *
 * Pools (commercials, bumpers, IDs, promos) rotate least-recently-aired
 * first, seeded from the channel's recent fine log, so rotation is fair
 * across days and spots do not repeat within an hour while the pool allows.
 * Programme choices for shuffles, movie blocks and fill prefer what has not
 * aired for longest (sched_airings), then what fits the time available.
 *
 * Realism (migration 5): a boundary in the channel's off-air hours starts
 * an off-air block (sign-off, bars, sign-on) that runs to sign-on; a rated
 * programme's block opens with its rating card, out of the break time; a
 * channel with no bumper clips closes each station break with a generated
 * "coming up next". Seasonal content airs only in season (and is preferred
 * there); slots may be dated, marathons beat other slots, and a series
 * slot may keep its own place in the series. Other channels' programmes
 * and commercials (struct occupancy) are avoided: a programme never airs
 * while another channel airs the same file, a commercial only when the
 * pool has nothing else.
 */
#include "src/sched.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/channels.h"
#include "src/coarse.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/log.h"
#include "src/rating.h"
#include "src/schedcheck.h"
#include "src/season.h"
#include "src/tz.h"
#include "src/util.h"
#include "src/thread.h"

#define HOUR_MS         3600000LL
#define DAY_MS          (24 * HOUR_MS)
#define AIRINGS_KEEP_MS (30 * DAY_MS)   /* repeat avoidance looks this far back */
#define SPOT_HISTORY_MS DAY_MS          /* pool rotation is seeded from this much log */
#define NEVER           INT64_MIN
#define SAMPLE          48              /* candidates examined in a large pool */
#define ROLE_NEUTRAL    3               /* pick_rot: only bumpers with no role */
#define ROLE_ONLY       4               /* pick_rot: flag, only bumpers of exactly this role */
#define SPOT_LISTS      (1 + DAYPART_COUNT)     /* commercial rotations */
#define SIGNOFF_MS      60000           /* a generated sign-off card */
#define SIGNON_MS       30000           /* a generated sign-on card */
#define RATING_CARD_MS  5000            /* a generated rating card */
#define NEXT_BUMPER_MS  10000           /* a generated "coming up next" bumper */
#define NEXT_BUMPER_MIN 5000            /* ... at least this long */

/* One fine log item being built. */
struct out_item {
	int64_t start, end;
	enum item_kind kind;
	int64_t media;                  /* 0: generated */
	int64_t in, out;
	int64_t sched_id;
	int64_t prog;
	int act;
	const char *title;              /* the library's, a literal, or in titles; may be NULL */
};

/* One programme placed. */
struct airing {
	int64_t start, end;
	const char *mode;
	int64_t media;
	int64_t show_id;
	int season, episode;
	int64_t sched_id;
};

/* A pool rotated least-recently-aired first: a linked list in air order. */
struct rot {
	int32_t *item;                  /* library item index of each member */
	int64_t *last;                  /* its last start on this channel, or NEVER */
	int32_t *prev, *next;
	int32_t head, tail;
	size_t n;
};

/* media id -> last start, open addressing. */
struct i64map {
	int64_t *keys;                  /* 0: empty */
	int64_t *vals;
	size_t cap, n;
};

/*
 * The channel's last series placement before the build, per series and
 * slot (sched_airings, read once in build_init so the build itself never
 * touches the database).
 */
struct placed {
	int64_t show_id;                /* 0: none recorded */
	int64_t sched_id;               /* 0: no slot */
	int season, episode;
	int64_t start;
};

/* Per coarse slot (and one more for "nothing planned"): candidates and rotation. */
struct slotstate {
	int32_t *cands;
	size_t n_cands;
	int built;
	int64_t last_show;              /* series rotation: show placed last, 0 none */
	int last_show_known;
	int *progress;                  /* own position: per series, next position, -1 unknown */
	int32_t *seasonal;              /* candidates with a seasonal preference */
	size_t n_seasonal;
};

/*
 * What other channels air where (no simultaneous repeats): spans of media
 * files by file, and for commercials (which air all the time) also by
 * 5-minute bucket (a span is listed in every bucket it touches), so a
 * lookup reads only what airs near that time. Loaded from the fine log for
 * the build's range; sched_extend_all adds each channel's build as it goes.
 */
#define OCC_BUCKET_MS   300000LL

struct span {
	int64_t media;
	int64_t start, end;
	int64_t channel;
	int32_t next;                   /* the next span in the same list, -1 none */
};

struct occ_index {
	struct i64map head;             /* key -> index + 1 of its newest span */
	struct span *v;
	size_t n, cap;
	int64_t bucket_ms;              /* 0: one list per file */
};

struct occupancy {
	struct occ_index prog;          /* programmes, by block */
	struct occ_index ads;           /* commercials, bucketed */
};

/* A pod being filled: its time and what it already holds. */
struct pod {
	int64_t t;
	int32_t day;                    /* local day number */
	int daypart;
	int companies[32], categories[32];
	int n_companies, n_categories;
};

struct build {
	sqlite3 *db;
	const struct schedlib *lib;
	struct sched_channel ch;
	int64_t slot_ms;
	struct coarse_slot *slots;
	size_t n_slots;
	struct slotstate *ss;           /* n_slots + 1 */
	struct rot spots[SPOT_LISTS];   /* commercials: any daypart, then one per daypart */
	int64_t spot_min[SPOT_LISTS];   /* the shortest in each, 0 if empty */
	struct rot bumpers, ids, fillers;
	int64_t min_spot;               /* shortest commercial allowed, 0 if none */
	struct i64map recent;           /* programmes: media id -> last start */
	int *progress;                  /* per series: next position in eps, -1 unknown */
	int64_t *own_slots;             /* ids of the slots with their own series position */
	size_t n_own;
	struct placed *placed;          /* the series placed before from */
	size_t n_placed;
	struct occupancy *occ;          /* other channels' files: own_occ or a shared one */
	struct occupancy own_occ;
	int signed_on;                  /* the item before is programming, not off-air */
	int64_t from;
	struct out_item *items;
	size_t n, cap;
	struct airing *air;
	size_t n_air, cap_air;
	char **titles;                  /* programme titles the items point to */
	size_t n_titles;
};

/* splitmix64. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A hash of three values. */
static uint64_t
hash3(uint64_t a, uint64_t b, uint64_t c)
{
	return mix(mix(mix(a) ^ b) ^ c);
}

/* i64map: find slot. */
static size_t
map_slot(const struct i64map *m, int64_t key)
{
	size_t i = mix((uint64_t)key) & (m->cap - 1);

	while (m->keys[i] != 0 && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* i64map: value or dflt. */
static int64_t
map_get(const struct i64map *m, int64_t key, int64_t dflt)
{
	size_t i;

	if (m->cap == 0)
		return dflt;
	i = map_slot(m, key);
	return m->keys[i] == key ? m->vals[i] : dflt;
}

/* i64map: set. */
static void
map_set(struct i64map *m, int64_t key, int64_t val)
{
	size_t i, oldcap = m->cap;
	int64_t *ok = m->keys, *ov = m->vals;

	if ((m->n + 1) * 2 > m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->keys = xcalloc(m->cap, sizeof *m->keys);
		m->vals = xcalloc(m->cap, sizeof *m->vals);
		m->n = 0;
		for (i = 0; i < oldcap; i++) {
			if (ok[i] != 0)
				map_set(m, ok[i], ov[i]);
		}
		free(ok);
		free(ov);
	}
	i = map_slot(m, key);
	if (m->keys[i] == 0)
		m->n++;
	m->keys[i] = key;
	m->vals[i] = val;
}

/* i64map: free. */
static void
map_free(struct i64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* The hash key of media's bucket b (never 0: media ids start at 1). */
static int64_t
occ_key(int64_t media, int64_t b)
{
	return (int64_t)(((uint64_t)media << 24) | ((uint64_t)b & 0xffffff));
}

/* The first and last bucket of [start, end) in x. */
static void
occ_buckets(const struct occ_index *x, int64_t start, int64_t end, int64_t *b0, int64_t *b1)
{
	if (x->bucket_ms == 0)
		*b0 = *b1 = 0;
	else {
		*b0 = start / x->bucket_ms;
		*b1 = (end - 1) / x->bucket_ms;
	}
}

/* Note that channel airs media over [start, end). */
static void
occ_add(struct occ_index *x, int64_t media, int64_t start, int64_t end, int64_t channel)
{
	struct span *sp;
	int64_t b, b0, b1, key;

	if (media == 0 || end <= start)
		return;
	occ_buckets(x, start, end, &b0, &b1);
	for (b = b0; b <= b1; b++) {
		if (x->n == x->cap) {
			x->cap = x->cap ? x->cap * 2 : 1024;
			x->v = xreallocarray(x->v, x->cap, sizeof *x->v);
		}
		key = occ_key(media, b);
		sp = &x->v[x->n];
		sp->media = media;
		sp->start = start;
		sp->end = end;
		sp->channel = channel;
		sp->next = (int32_t)map_get(&x->head, key, 0) - 1;
		map_set(&x->head, key, (int64_t)++x->n);
	}
}

/* Does a channel other than channel air media during [start, end)? */
static int
occ_busy(const struct occ_index *x, int64_t media, int64_t start, int64_t end,
    int64_t channel)
{
	int64_t b, b0, b1;
	int32_t i;

	if (x->n == 0 || end <= start)
		return 0;
	occ_buckets(x, start, end, &b0, &b1);
	for (b = b0; b <= b1; b++) {
		for (i = (int32_t)map_get(&x->head, occ_key(media, b), 0) - 1; i >= 0;
		    i = x->v[i].next) {
			if (x->v[i].media == media && x->v[i].channel != channel &&
			    x->v[i].start < end && x->v[i].end > start)
				return 1;
		}
	}
	return 0;
}

/* An empty occupancy. */
static void
occ_init(struct occupancy *o)
{
	memset(o, 0, sizeof *o);
	o->ads.bucket_ms = OCC_BUCKET_MS;
}

/* Free an occupancy's contents. */
static void
occ_clear(struct occupancy *o)
{
	map_free(&o->prog.head);
	free(o->prog.v);
	map_free(&o->ads.head);
	free(o->ads.v);
	occ_init(o);
}

/*
 * Load what the other channels air over [from, to): programmes (by their
 * blocks, from sched_airings) and commercials (from the fine log).
 */
static int
occ_load(sqlite3 *db, struct occupancy *o, int64_t channel_id, int64_t from, int64_t to,
    char **cause)
{
	sqlite3_stmt *st;
	int rc, k;

	for (k = 0; k < 2; k++) {
		st = db_prepare(db, k == 0 ?
		    "SELECT a.media_file_id, a.start_ms, coalesce(a.end_ms, a.start_ms + 3600000), "
		    "a.channel_id FROM channels c JOIN sched_airings a ON a.channel_id = c.id AND "
		    "a.start_ms >= ?2 - 86400000 AND a.start_ms < ?3 WHERE c.id <> ?1 AND "
		    "coalesce(a.end_ms, a.start_ms + 3600000) > ?2 AND a.media_file_id IS NOT NULL" :
		    "SELECT s.media_file_id, s.start_ms, s.end_ms, s.channel_id FROM channels c "
		    "JOIN schedule_items s ON s.channel_id = c.id AND s.start_ms >= ?2 - 600000 AND "
		    "s.start_ms < ?3 WHERE c.id <> ?1 AND s.kind = 'commercial' AND s.end_ms > ?2",
		    cause);
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, channel_id);
		sqlite3_bind_int64(st, 2, from);
		sqlite3_bind_int64(st, 3, to);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			occ_add(k == 0 ? &o->prog : &o->ads, sqlite3_column_int64(st, 0),
			    sqlite3_column_int64(st, 1),
			    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			set_cause(cause, "reading the other channels' schedules: %s",
			    sqlite3_errmsg(db));
			return -1;
		}
	}
	return 0;
}

/* Sort key for building a rotation. */
struct rot_seed {
	int32_t item;
	int64_t last;
	uint64_t h;
};

/* Oldest first, never-aired first of all, then by hash. */
static int
cmp_seed(const void *a, const void *b)
{
	const struct rot_seed *x = a, *y = b;

	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

/*
 * Build a rotation of the allowed items of kinds, ordered by history:
 * with daypart -1 every one, else those of daypart - 1 (0: no preference);
 * none that expired before day.
 */
static void
rot_init(struct build *b, struct rot *r, const enum sl_kind *kinds, size_t nk,
    const struct i64map *history, int daypart, int32_t day)
{
	const struct schedlib *lib = b->lib;
	struct rot_seed *seed;
	size_t i, k, n = 0, total = 0;
	const struct sl_item *it;

	memset(r, 0, sizeof *r);
	r->head = r->tail = -1;
	for (k = 0; k < nk; k++)
		total += lib->n_kind[kinds[k]];
	if (total == 0)
		return;
	seed = xreallocarray(NULL, total, sizeof *seed);
	for (k = 0; k < nk; k++) {
		for (i = 0; i < lib->n_kind[kinds[k]]; i++) {
			int32_t idx = lib->by_kind[kinds[k]][i];

			it = &lib->items[idx];
			if (!schedlib_allowed(&b->ch, it) || it->expires < day ||
			    it->card != SL_CARD_NONE)
				continue;
			if (daypart >= 0 && it->daypart + 1 != daypart)
				continue;
			seed[n].item = idx;
			seed[n].last = map_get(history, it->id, NEVER);
			seed[n].h = hash3((uint64_t)b->ch.id, (uint64_t)it->id, 0x706f6f6c);
			n++;
		}
	}
	qsort(seed, n, sizeof *seed, cmp_seed);
	r->n = n;
	r->item = xreallocarray(NULL, n + 1, sizeof *r->item);
	r->last = xreallocarray(NULL, n + 1, sizeof *r->last);
	r->prev = xreallocarray(NULL, n + 1, sizeof *r->prev);
	r->next = xreallocarray(NULL, n + 1, sizeof *r->next);
	for (i = 0; i < n; i++) {
		r->item[i] = seed[i].item;
		r->last[i] = seed[i].last;
		r->prev[i] = (int32_t)i - 1;
		r->next[i] = i + 1 < n ? (int32_t)i + 1 : -1;
	}
	r->head = n > 0 ? 0 : -1;
	r->tail = n > 0 ? (int32_t)n - 1 : -1;
	free(seed);
}

/* Move member m to the tail (most recently aired) at time t. */
static void
rot_touch(struct rot *r, int32_t m, int64_t t)
{
	r->last[m] = t;
	if (r->tail == m)
		return;
	if (r->prev[m] >= 0)
		r->next[r->prev[m]] = r->next[m];
	else
		r->head = r->next[m];
	r->prev[r->next[m]] = r->prev[m];
	r->prev[m] = r->tail;
	r->next[m] = -1;
	r->next[r->tail] = m;
	r->tail = m;
}

/* Free a rotation. */
static void
rot_free(struct rot *r)
{
	free(r->item);
	free(r->last);
	free(r->prev);
	free(r->next);
	memset(r, 0, sizeof *r);
}

/* The library item of member m. */
static const struct sl_item *
rot_item(const struct build *b, const struct rot *r, int32_t m)
{
	return &b->lib->items[r->item[m]];
}

/* Is it in season on local day number day? */
static int
in_season_day(const struct build *b, const struct sl_item *it, int32_t day)
{
	int y, m, d;

	if (it->seasonal < 0)
		return 1;
	tz_civil_from_days(day, &y, &m, &d);
	return schedlib_in_season(b->lib, it, y, m, d);
}

/* Is it in season at UTC time t? */
static int
in_season_at(const struct build *b, const struct sl_item *it, int64_t t)
{
	struct tz_civil c;

	if (it->seasonal < 0)
		return 1;
	tz_local(b->ch.tz, t, &c);
	return schedlib_in_season(b->lib, it, c.year, c.month, c.day);
}

/* Set up a pod at time t. */
static void
pod_init(const struct build *b, struct pod *p, int64_t t)
{
	struct tz_civil c;

	memset(p, 0, sizeof *p);
	tz_local(b->ch.tz, t, &c);
	p->t = t;
	p->day = (int32_t)tz_days_from_civil(c.year, c.month, c.day);
	p->daypart = coarse_daypart_at(c.hour * 60 + c.minute);
}

/* Is v in the first n of set? */
static int
in_set(const int *set, int n, int v)
{
	int i;

	for (i = 0; i < n; i++) {
		if (set[i] == v)
			return 1;
	}
	return 0;
}

/* The rotation and member of a spot handle from pick_spot. */
#define SPOT_ROT(b, h)  (&(b)->spots[(h) % SPOT_LISTS])
#define SPOT_M(h)       ((int32_t)((h) / SPOT_LISTS))

/*
 * The first eligible member of spot list l, or -1. Pass 0: not aired within
 * the hour, nor on another channel meanwhile; pass 1: not on another
 * channel; pass 2: any.
 */
static int32_t
first_spot(const struct build *b, int l, const struct pod *p, int64_t t, int64_t max_ms,
    int strict, int pass)
{
	const struct rot *r = &b->spots[l];
	const struct sl_item *it;
	int32_t m;

	if (b->spot_min[l] == 0 || b->spot_min[l] > max_ms)
		return -1;
	for (m = r->head; m >= 0; m = r->next[m]) {
		if (pass == 0 && r->last[m] != NEVER && r->last[m] > t - HOUR_MS)
			return -1;      /* the rest aired even more recently */
		it = rot_item(b, r, m);
		if (it->duration_ms > max_ms || it->expires < p->day || !in_season_day(b, it, p->day))
			continue;
		if (strict && ((it->company != 0 &&
		    in_set(p->companies, p->n_companies, it->company)) ||
		    (it->category != 0 && in_set(p->categories, p->n_categories, it->category))))
			continue;
		/* Not on another channel at the same moment, while the pool allows. */
		if (pass < 2 && occ_busy(&b->occ->ads, it->id, t, t + it->duration_ms, b->ch.id))
			continue;
		return m;
	}
	return -1;
}

/*
 * The commercial to air next in pod p: at most max_ms long, not expired,
 * for the daypart (from the list of spots for any daypart and the list for
 * this one); with strict, no company or category already in the pod. Least
 * recently aired first; one aired within the hour only if nothing else
 * fits, one on another channel at the same moment only if nothing at all
 * else fits. A handle for SPOT_ROT/SPOT_M, or -1.
 */
static int32_t
pick_spot(const struct build *b, const struct pod *p, int64_t t, int64_t max_ms, int strict)
{
	int lists[2] = { 0, 1 + p->daypart }, pass, k, best_l = -1;
	int32_t m, best = -1;
	const struct sl_item *it, *bi = NULL;
	int64_t last;

	for (pass = 0; pass < 3 && best < 0; pass++) {
		for (k = 0; k < 2; k++) {
			if ((m = first_spot(b, lists[k], p, t, max_ms, strict, pass)) < 0)
				continue;
			it = rot_item(b, &b->spots[lists[k]], m);
			last = b->spots[lists[k]].last[m];
			if (best < 0 || last < b->spots[best_l].last[best] ||
			    (last == b->spots[best_l].last[best] && it->id < bi->id)) {
				best = m;
				best_l = lists[k];
				bi = it;
			}
		}
	}
	return best < 0 ? -1 : best * SPOT_LISTS + best_l;
}

/* Note a commercial in pod p. */
static void
pod_add(struct pod *p, const struct sl_item *it)
{
	if (it->company != 0 && p->n_companies < (int)nitems(p->companies))
		p->companies[p->n_companies++] = it->company;
	if (it->category != 0 && p->n_categories < (int)nitems(p->categories))
		p->categories[p->n_categories++] = it->category;
}

/*
 * A member of r at most max_ms long, least recently aired first; role
 * filters bumpers (SL_ROLE_ANY: any); skip is a member not to take. With
 * hour_rule, one aired within the hour only if nothing else fits.
 */
static int32_t
pick_rot(const struct build *b, const struct rot *r, int64_t t, int64_t max_ms, int role,
    int32_t skip, int hour_rule, const struct pod *p)
{
	const struct sl_item *it;
	int32_t m;
	int pass;

	for (pass = hour_rule ? 0 : 1; pass < 2; pass++) {
		for (m = r->head; m >= 0; m = r->next[m]) {
			if (pass == 0 && r->last[m] != NEVER && r->last[m] > t - HOUR_MS)
				break;
			it = rot_item(b, r, m);
			if (m == skip || it->duration_ms > max_ms || !in_season_at(b, it, t))
				continue;
			if (role & ROLE_ONLY ? it->role != (role & ~ROLE_ONLY) :
			    role == ROLE_NEUTRAL ? it->role != SL_ROLE_ANY :
			    role != SL_ROLE_ANY && it->role != SL_ROLE_ANY && it->role != role)
				continue;
			if (p != NULL && (it->expires < p->day ||
			    (it->daypart >= 0 && it->daypart != p->daypart)))
				continue;
			return m;
		}
	}
	return -1;
}

/* Append an item of dur ms at *t; advances *t. title must outlive the build. */
static void
emit(struct build *b, int64_t *t, int64_t dur, enum item_kind kind, const struct sl_item *it,
    int64_t in, const char *title, int64_t sched_id, int64_t prog, int act)
{
	struct out_item *o;

	if (dur <= 0)
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->items = xreallocarray(b->items, b->cap, sizeof *b->items);
	}
	o = &b->items[b->n++];
	o->start = *t;
	o->end = *t + dur;
	o->kind = kind;
	o->media = it != NULL ? it->id : 0;
	o->in = in;
	o->out = in + dur;
	o->sched_id = sched_id;
	o->prog = prog;
	o->act = act;
	o->title = title;
	*t += dur;
}

/* The fine log kind of a library item used as filler. */
static enum item_kind
filler_kind(const struct sl_item *it)
{
	switch (it->kind) {
	case SL_COMMERCIAL:
		return ITEM_COMMERCIAL;
	case SL_BUMPER:
		return ITEM_BUMPER;
	case SL_STATION_ID:
		return ITEM_STATION_ID;
	case SL_PROMO:
		return ITEM_PROMO;
	case SL_INTERSTITIAL:
		return ITEM_INTERSTITIAL;
	default:
		return ITEM_FILLER;
	}
}

/* Emit member m of r at *t and mark it aired. */
static void
emit_member(struct build *b, struct rot *r, int32_t m, int64_t *t, int64_t sched_id,
    int64_t prog)
{
	const struct sl_item *it = rot_item(b, r, m);

	rot_touch(r, m, *t);
	emit(b, t, it->duration_ms, filler_kind(it), it, 0, it->title, sched_id, prog, 0);
}

/*
 * A commercial break inside a programme at *t, at most target ms long:
 * bumper out, commercials, the station ID if want_id, bumper in. Bumpers
 * only around at least one commercial.
 */
static void
fill_pod(struct build *b, int64_t *t, int64_t target, int want_id, int64_t sched_id,
    int64_t prog)
{
	struct pod p;
	int32_t bo = -1, bi = -1, id = -1, m, ads[64];
	int64_t left = target, bumpers = 0, tt;
	int n_ads = 0, i;

	pod_init(b, &p, *t);
	if (b->ch.bumpers && b->min_spot > 0) {
		/* Bumpers made for their side of the break first, else neutral ones. */
		bo = pick_rot(b, &b->bumpers, *t, left, SL_ROLE_OUT | ROLE_ONLY, -1, 0, NULL);
		if (bo < 0)
			bo = pick_rot(b, &b->bumpers, *t, left, ROLE_NEUTRAL, -1, 0, NULL);
		if (bo >= 0) {
			int64_t rest = left - rot_item(b, &b->bumpers, bo)->duration_ms;

			bi = pick_rot(b, &b->bumpers, *t, rest, SL_ROLE_IN | ROLE_ONLY, bo, 0, NULL);
			if (bi < 0)
				bi = pick_rot(b, &b->bumpers, *t, rest, ROLE_NEUTRAL, bo, 0, NULL);
		}
		if (bo >= 0 && bi >= 0)
			bumpers = rot_item(b, &b->bumpers, bo)->duration_ms +
			    rot_item(b, &b->bumpers, bi)->duration_ms;
		if (bo < 0 || bi < 0 || bumpers + b->min_spot > left) {
			bo = bi = -1;
			bumpers = 0;
		}
	}
	left -= bumpers;
	if (want_id && (id = pick_rot(b, &b->ids, *t, left, SL_ROLE_ANY, -1, 0, NULL)) >= 0)
		left -= rot_item(b, &b->ids, id)->duration_ms;
	/* The commercials, timed as if the bumper out were already placed. */
	tt = *t + (bo >= 0 ? rot_item(b, &b->bumpers, bo)->duration_ms : 0);
	while (n_ads < (int)nitems(ads) &&
	    (m = pick_spot(b, &p, tt, left, 1)) >= 0) {
		const struct sl_item *it = rot_item(b, SPOT_ROT(b, m), SPOT_M(m));

		rot_touch(SPOT_ROT(b, m), SPOT_M(m), tt);
		pod_add(&p, it);
		ads[n_ads++] = m;
		left -= it->duration_ms;
		tt += it->duration_ms;
	}
	if (n_ads == 0)
		bo = bi = -1;
	if (bo >= 0)
		emit_member(b, &b->bumpers, bo, t, sched_id, prog);
	for (i = 0; i < n_ads; i++) {
		const struct sl_item *it = rot_item(b, SPOT_ROT(b, ads[i]), SPOT_M(ads[i]));

		emit(b, t, it->duration_ms, ITEM_COMMERCIAL, it, 0, it->title, sched_id, prog, 0);
	}
	if (id >= 0)
		emit_member(b, &b->ids, id, t, sched_id, prog);
	if (bi >= 0)
		emit_member(b, &b->bumpers, bi, t, sched_id, prog);
}

/*
 * The station break from *t to exactly end: commercials in pods (a promo,
 * interstitial or bumper between pods when their companies or categories
 * run out), then promos, interstitials and bumpers, each once, then a
 * generated "coming up next" bumper (if next_bumper, or for what is left
 * when the channel allows them; else a slate for what is left), and the
 * station ID last if want_id. With ads unset (a block with no programme)
 * only the slate and the ID.
 */
static int offair_at(const struct build *b, int64_t t, int64_t *signon);

static void
fill_station_break(struct build *b, int64_t *t, int64_t end, int want_id, int ads,
    int next_bumper, int64_t sched_id, int64_t prog, const char *slate_title)
{
	struct pod p;
	int32_t id = -1, m, sep;
	int64_t left = end - *t, id_ms = 0, nb_ms = 0;
	unsigned char *used;
	struct rot *r;
	int k;

	if (want_id && (id = pick_rot(b, &b->ids, end, left, SL_ROLE_ANY, -1, 0, NULL)) >= 0) {
		id_ms = rot_item(b, &b->ids, id)->duration_ms;
		left -= id_ms;
	}
	if (next_bumper && left >= NEXT_BUMPER_MIN) {
		nb_ms = left < NEXT_BUMPER_MS ? left : NEXT_BUMPER_MS;
		left -= nb_ms;
		id_ms += nb_ms;         /* reserved at the end, with the ID */
	}
	pod_init(b, &p, *t);
	while (ads && left > 0) {
		if ((m = pick_spot(b, &p, *t, left, 1)) >= 0) {
			pod_add(&p, rot_item(b, SPOT_ROT(b, m), SPOT_M(m)));
			emit_member(b, SPOT_ROT(b, m), SPOT_M(m), t, sched_id, prog);
			left = end - id_ms - *t;
			continue;
		}
		/* The pod has used up its advertisers: a separator starts another. */
		if (b->min_spot == 0 || left < b->min_spot)
			break;
		sep = pick_rot(b, &b->fillers, *t, left - b->min_spot, SL_ROLE_ANY, -1, 1, &p);
		r = &b->fillers;
		if (sep < 0) {
			sep = pick_rot(b, &b->bumpers, *t, left - b->min_spot, ROLE_NEUTRAL, -1, 0,
			    NULL);
			r = &b->bumpers;
		}
		if (sep < 0 ||
		    pick_spot(b, &p, *t + rot_item(b, r, sep)->duration_ms,
		    left - rot_item(b, r, sep)->duration_ms, 0) < 0)
			break;
		emit_member(b, r, sep, t, sched_id, prog);
		pod_init(b, &p, *t);
		left = end - id_ms - *t;
	}
	/*
	 * Promos and interstitials, then bumpers that are not "we'll be right
	 * back" or "back to the show": each at most once here.
	 */
	for (k = 0; ads && k < 2; k++) {
		r = k == 0 ? &b->fillers : &b->bumpers;
		if (r->n == 0)
			continue;
		used = xcalloc(r->n, 1);
		for (;;) {
			left = end - id_ms - *t;
			for (m = r->head; m >= 0; m = r->next[m]) {
				const struct sl_item *it = rot_item(b, r, m);

				if (!used[m] && it->duration_ms <= left && it->expires >= p.day &&
				    it->role == SL_ROLE_ANY && in_season_day(b, it, p.day))
					break;
			}
			if (m < 0)
				break;
			used[m] = 1;
			emit_member(b, r, m, t, sched_id, prog);
		}
		free(used);
	}
	left = end - id_ms - *t;
	/*
	 * What the pool could not fill goes to the generated "coming up next"
	 * bumper rather than to a slate, when the channel allows bumpers.
	 */
	if (left > 0 && nb_ms > 0) {
		nb_ms += left;
		left = 0;
	} else if (ads && left >= NEXT_BUMPER_MIN && b->ch.bumpers && b->ch.next_bumpers &&
	    !offair_at(b, end, NULL)) {
		nb_ms = left;
		left = 0;
	}
	if (left > 0)
		emit(b, t, left, ITEM_SLATE, NULL, 0, slate_title, sched_id, prog, 0);
	if (nb_ms > 0)
		emit(b, t, nb_ms, ITEM_NEXT_BUMPER, NULL, 0, "Coming up next", sched_id, prog, 0);
	if (id >= 0)
		emit_member(b, &b->ids, id, t, sched_id, prog);
}

/* Is t a station ID mark? */
static int
id_mark(const struct build *b, int64_t t)
{
	return b->ch.station_id_minutes > 0 &&
	    tz_is_boundary(b->ch.tz, t, b->ch.station_id_minutes);
}

/*
 * Choose m markers of mk[0..k) nearest the ideal points D*i/(m+1), in order
 * and at least gap apart, minimising the total distance. Writes m points
 * into out; returns how many it could place.
 */
static int
choose_markers(const int64_t *mk, int k, int m, int64_t dur, int64_t gap, int64_t *out)
{
	int64_t *cost, *ideal, best, c;
	int *from, i, j, jj, bj, placed;

	for (; m > 0; m--) {
		cost = xreallocarray(NULL, (size_t)(m * k), sizeof *cost);
		from = xreallocarray(NULL, (size_t)(m * k), sizeof *from);
		ideal = xreallocarray(NULL, (size_t)m, sizeof *ideal);
		for (i = 0; i < m; i++)
			ideal[i] = dur * (i + 1) / (m + 1);
		for (i = 0; i < m; i++) {
			for (j = 0; j < k; j++) {
				c = llabs(mk[j] - ideal[i]);
				cost[i * k + j] = INT64_MAX;
				from[i * k + j] = -1;
				if (i == 0) {
					cost[j] = c;
					continue;
				}
				for (jj = 0; jj < j; jj++) {
					if (cost[(i - 1) * k + jj] == INT64_MAX || mk[j] - mk[jj] < gap)
						continue;
					if (cost[(i - 1) * k + jj] + c < cost[i * k + j]) {
						cost[i * k + j] = cost[(i - 1) * k + jj] + c;
						from[i * k + j] = jj;
					}
				}
			}
		}
		best = INT64_MAX;
		bj = -1;
		for (j = 0; j < k; j++) {
			if (cost[(m - 1) * k + j] < best) {
				best = cost[(m - 1) * k + j];
				bj = j;
			}
		}
		placed = 0;
		if (bj >= 0) {
			for (i = m - 1, j = bj; i >= 0; j = from[i * k + j], i--)
				out[i] = mk[j];
			placed = m;
		}
		free(cost);
		free(from);
		free(ideal);
		if (placed)
			return placed;
	}
	return 0;
}

/*
 * How long programme it airs on this channel: whole, or with its end
 * credits (it->credits_ms) cut, or squeezed to what the block its content
 * needs holds after one spot per break (the channel's credits setting).
 */
static int64_t
air_len(const struct build *b, const struct sl_item *it)
{
	int64_t c = it->credits_ms, blk, n, air;

	if (c <= 0 || c >= it->duration_ms || b->ch.credits == SCHED_CREDITS_KEEP)
		return it->duration_ms;
	if (b->ch.credits == SCHED_CREDITS_CUT)
		return c;
	blk = (c + b->slot_ms - 1) / b->slot_ms * b->slot_ms;
	n = b->ch.act_ms > 0 ? (c + b->ch.act_ms / 2) / b->ch.act_ms - 1 : 0;
	air = blk - (n > 0 ? n + 1 : 1) * b->min_spot;
	return air >= it->duration_ms ? it->duration_ms : air > c ? air : c;
}

/* Is p inside the intro (a break there would cut it)? */
static int
in_intro(const struct sl_item *it, int64_t p)
{
	return it->intro_end_ms > 0 && p > it->intro_ms && p < it->intro_end_ms;
}

/*
 * Break points of a programme of item it with room for at most n breaks:
 * its markers made by hand nearest the ideal points; else the ideal
 * points, moved to a detected black+silent point nearby if there is one;
 * else, without detected points, the chapters a server or the file gave
 * nearest the ideal points. None within the channel's margin of the start
 * or end, none inside the intro or the end credits (a break may come just
 * before them): the ideal points spread over the content before them.
 */
static int
break_points(const struct build *b, const struct sl_item *it, int n, int64_t *out)
{
	const int64_t *marks = b->lib->marks;
	int64_t dur = air_len(b, it), margin = b->ch.margin_ms, lo = margin, hi = dur - margin;
	int64_t valid[256], p, best, gap = margin > 0 ? margin : 1, prev, cend = dur;
	uint32_t off = it->mk_off, cnt = it->mk_n, j;
	int k = 0, i, got = 0;

	if (it->credits_ms > 0 && it->credits_ms < dur) {
		cend = it->credits_ms;
		if (hi > cend)
			hi = cend;
	}
	if (n <= 0 || hi <= lo)
		return 0;
	if (cnt == 0 && it->dt_n == 0) {
		off = it->sv_off;
		cnt = it->sv_n;
	}
	for (j = 0; j < cnt && k < (int)nitems(valid); j++) {
		p = marks[off + j];
		if (p >= lo && p <= hi && !in_intro(it, p))
			valid[k++] = p;
	}
	if (k > 0)
		return choose_markers(valid, k, n < k ? n : k, cend, gap, out);
	prev = 0;
	for (i = 0; i < n; i++) {
		p = cend * (i + 1) / (n + 1);
		best = -1;
		for (j = 0; j < it->dt_n; j++) {
			int64_t d = marks[it->dt_off + j];

			if (llabs(d - p) <= b->ch.act_ms / 4 && !in_intro(it, d) &&
			    (best < 0 || llabs(d - p) < llabs(best - p)))
				best = d;
		}
		if (best >= 0 && best >= lo && best <= hi)
			p = best;
		if (in_intro(it, p))
			p = it->intro_end_ms;
		if (p < lo || p > hi || p - prev < gap || dur - p < gap)
			continue;
		out[got++] = p;
		prev = p;
	}
	return got;
}

/*
 * Is boundary t inside the channel's off-air hours? If so *signon (may be
 * NULL) gets the sign-on instant that ends them (a slot boundary).
 */
static int
offair_at(const struct build *b, int64_t t, int64_t *signon)
{
	int off = b->ch.signoff_min, on = b->ch.signon_min, m, y, mo, d;
	struct tz_civil c;
	int64_t s;

	if (off < 0)
		return 0;
	tz_local(b->ch.tz, t, &c);
	m = c.hour * 60 + c.minute;
	if (off < on ? (m < off || m >= on) : (m < off && m >= on))
		return 0;
	if (signon != NULL) {
		y = c.year;
		mo = c.month;
		d = c.day;
		if (m >= on)
			tz_civil_from_days(tz_days_from_civil(y, mo, d) + 1, &y, &mo, &d);
		s = tz_utc(b->ch.tz, y, mo, d, on / 60, on % 60, 0);
		if (!tz_is_boundary(b->ch.tz, s, b->ch.slot_minutes))
			s = tz_slot_next(b->ch.tz, s, b->ch.slot_minutes);
		if (s <= t)
			s = tz_slot_next(b->ch.tz, t, b->ch.slot_minutes);
		*signon = s;
	}
	return 1;
}

/*
 * The station's own clip for a generated item (SL_CARD_*; for a rating
 * card, of that level), at most max_ms long: the lowest id, or NULL.
 */
static const struct sl_item *
card_clip(const struct build *b, int card, int level, int64_t max_ms)
{
	static const enum sl_kind kind_of[] = {
		[SL_CARD_RATING] = SL_INTERSTITIAL,
		[SL_CARD_SIGNOFF] = SL_OUTRO,
		[SL_CARD_SIGNON] = SL_INTRO,
	};
	enum sl_kind k = kind_of[card];
	const struct sl_item *it;
	size_t i;

	for (i = 0; i < b->lib->n_kind[k]; i++) {
		it = &b->lib->items[b->lib->by_kind[k][i]];
		if (it->card == card && (level < 0 || it->level == level) &&
		    it->duration_ms <= max_ms && schedlib_allowed(&b->ch, it))
			return it;
	}
	return NULL;
}

/*
 * The off-air block [t0, t1): the sign-off (when the channel was on the
 * air before), bars or the test card, the sign-on ending exactly at t1.
 */
static void
emit_offair(struct build *b, int64_t t0, int64_t t1)
{
	const struct sl_item *off = NULL, *on;
	int64_t t = t0, off_ms = 0, on_ms, span = t1 - t0;

	on = card_clip(b, SL_CARD_SIGNON, -1, span / 3);
	on_ms = on != NULL ? on->duration_ms : SIGNON_MS;
	if (b->signed_on) {
		off = card_clip(b, SL_CARD_SIGNOFF, -1, span / 3);
		off_ms = off != NULL ? off->duration_ms : SIGNOFF_MS;
	}
	if (off_ms + on_ms + 1000 > span) {
		off = on = NULL;
		off_ms = on_ms = 0;
	}
	if (off_ms > 0)
		emit(b, &t, off_ms, ITEM_SIGNOFF, off, 0, off != NULL ? off->title : "Sign-off", 0,
		    t0, 0);
	emit(b, &t, t1 - on_ms - t, ITEM_OFFAIR, NULL, 0, "Off air", 0, t0, 0);
	if (on_ms > 0)
		emit(b, &t, on_ms, ITEM_SIGNON, on, 0, on != NULL ? on->title : "Sign-on", 0, t0, 0);
	b->signed_on = 0;
}

/* Keep a title for the build's lifetime; returns it. */
static char *
keep_title(struct build *b, char *title)
{
	b->titles = xreallocarray(b->titles, b->n_titles + 1, sizeof *b->titles);
	b->titles[b->n_titles++] = title;
	return title;
}

/* Lay out one block [t0, t1) around programme it (NULL: nothing to air). */
static void
emit_block(struct build *b, int64_t t0, int64_t t1, const struct sl_item *it,
    int64_t sched_id)
{
	int64_t points[64], marks[16], pod_at[65], t = t0, in = 0, out, budget, share, d, best;
	int64_t card_ms = 0, dur;
	int n_ideal, n_budget, n, i, j, n_marks = 0, want[65], bi, next_bumper;
	const struct sl_item *card = NULL;
	char *title, *card_title = NULL, rating[32];

	memset(want, 0, sizeof want);
	b->signed_on = 1;
	next_bumper = b->ch.bumpers && b->ch.next_bumpers && b->bumpers.n == 0 &&
	    !offair_at(b, t1, NULL);
	if (it == NULL) {
		fill_station_break(b, &t, t1, id_mark(b, t1), 0, 0, sched_id, t0, "To Be Announced");
		return;
	}
	dur = air_len(b, it);
	budget = t1 - t0 - dur;
	/* The rating card opens the block; its time comes out of the breaks. */
	if (b->ch.rating_cards && it->level != RATING_UNRATED) {
		card = card_clip(b, SL_CARD_RATING, it->level, budget);
		card_ms = card != NULL ? card->duration_ms : RATING_CARD_MS;
		if (card_ms > budget)
			card_ms = 0;
		else if (card == NULL) {
			xasprintf(&card_title, "Rated %s", rating_card_name(it->level,
			    it->kind == SL_EPISODE, rating, sizeof rating));
			keep_title(b, card_title);
		}
		budget -= card_ms;
	}
	n_ideal = (int)((dur + b->ch.act_ms / 2) / b->ch.act_ms) - 1;
	n_budget = b->min_spot > 0 ? (int)(budget / b->min_spot) - 1 : 0;
	n = n_ideal < n_budget ? n_ideal : n_budget;
	if (n > (int)nitems(points))
		n = (int)nitems(points);
	n = break_points(b, it, n, points);
	share = budget / (n + 1);

	/* Station ID marks inside the block go to the nearest pod. */
	if (b->ch.station_id_minutes > 0) {
		int64_t mk = tz_slot_next(b->ch.tz, t0, b->ch.station_id_minutes);

		for (; mk < t1 && n_marks < (int)nitems(marks);
		    mk = tz_slot_next(b->ch.tz, mk, b->ch.station_id_minutes))
			marks[n_marks++] = mk;
	}
	for (i = 0; i < n; i++)
		pod_at[i] = t0 + points[i] + (int64_t)i * share;
	pod_at[n] = t1 - share;
	for (j = 0; j < n_marks; j++) {
		best = INT64_MAX;
		bi = n;
		for (i = 0; i <= n; i++) {
			d = llabs(pod_at[i] - marks[j]);
			if (d < best) {
				best = d;
				bi = i;
			}
		}
		want[bi] = 1;
	}
	if (id_mark(b, t1))
		want[n] = 1;

	title = keep_title(b, schedlib_title(b->lib, it));
	if (card_ms > 0)
		emit(b, &t, card_ms, ITEM_RATING_CARD, card, 0, card != NULL ? card->title :
		    card_title, sched_id, t0, 0);
	for (i = 0; i <= n; i++) {
		out = i < n ? points[i] : dur;
		emit(b, &t, out - in, ITEM_PROGRAMME, it, in, title, sched_id, t0, i + 1);
		in = out;
		if (i < n)
			fill_pod(b, &t, share, want[i], sched_id, t0);
	}
	fill_station_break(b, &t, t1, want[n], 1, next_bumper, sched_id, t0, NULL);
}

/* Would item it be shown in the ratings of slot s (its own max rating)? */
static int
slot_allows(const struct build *b, const struct coarse_slot *s, const struct sl_item *it)
{
	if (!schedlib_allowed(&b->ch, it))
		return 0;
	if (s != NULL && s->max_level >= 0 && !rating_allows(s->max_level, it->level, 1))
		return 0;
	return 1;
}

/* Does genre text contain want (case-insensitive)? */
static int
genre_has(const char *genre, const char *want)
{
	return want == NULL || (genre != NULL && strcasestr(genre, want) != NULL);
}

/* Is show index si one of the slot's series? */
static int
slot_has_show(const struct build *b, const struct coarse_slot *s, int si)
{
	size_t i;

	for (i = 0; i < s->n_shows; i++) {
		if (si >= 0 && b->lib->shows[si].id == s->shows[i])
			return 1;
	}
	return 0;
}

/* Add item index idx to a slot's candidates (and to its seasonal ones). */
static void
cand_add(const struct build *b, struct slotstate *ss, size_t *cap, int32_t idx)
{
	if (ss->n_cands == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		ss->cands = xreallocarray(ss->cands, *cap, sizeof *ss->cands);
	}
	ss->cands[ss->n_cands++] = idx;
	if (b->lib->items[idx].seasonal >= 0 && ss->n_seasonal < SAMPLE) {
		ss->seasonal = xreallocarray(ss->seasonal, ss->n_seasonal + 1,
		    sizeof *ss->seasonal);
		ss->seasonal[ss->n_seasonal++] = idx;
	}
}

/* The candidates of slot s (NULL: nothing planned), built once per build. */
static struct slotstate *
candidates(struct build *b, const struct coarse_slot *s)
{
	struct slotstate *ss = &b->ss[s != NULL ? (size_t)(s - b->slots) : b->n_slots];
	const struct schedlib *lib = b->lib;
	const struct sl_item *it;
	size_t i, cap = 0;
	int kinds = COARSE_KIND_EPISODES | COARSE_KIND_MOVIES;

	if (ss->built)
		return ss;
	ss->built = 1;
	if (s != NULL && s->type == COARSE_FILL && s->kinds != 0)
		kinds = s->kinds;
	else if (s != NULL && s->type == COARSE_FILL && s->n_shows > 0)
		kinds = COARSE_KIND_EPISODES;   /* "episodes of these series" */
	if (s != NULL && s->type == COARSE_MOVIES)
		kinds = COARSE_KIND_MOVIES;
	if (s != NULL && (s->type == COARSE_SHUFFLE || s->type == COARSE_SERIES))
		kinds = COARSE_KIND_EPISODES;
	if (kinds & COARSE_KIND_EPISODES) {
		for (i = 0; i < lib->n_kind[SL_EPISODE]; i++) {
			it = &lib->items[lib->by_kind[SL_EPISODE][i]];
			if (s != NULL && s->n_shows > 0 && !slot_has_show(b, s, it->show))
				continue;
			if (s != NULL && s->genre != NULL && (it->show < 0 ||
			    !genre_has(lib->shows[it->show].genre, s->genre)))
				continue;
			if (slot_allows(b, s, it))
				cand_add(b, ss, &cap, lib->by_kind[SL_EPISODE][i]);
		}
	}
	if (kinds & COARSE_KIND_MOVIES) {
		for (i = 0; i < lib->n_kind[SL_MOVIE]; i++) {
			it = &lib->items[lib->by_kind[SL_MOVIE][i]];
			if (s != NULL && s->genre != NULL && !genre_has(it->genre, s->genre))
				continue;
			if (slot_allows(b, s, it))
				cand_add(b, ss, &cap, lib->by_kind[SL_MOVIE][i]);
		}
	}
	return ss;
}

/* The length of the block a programme of dur would take (ignoring DST). */
static int64_t
block_len(const struct build *b, int64_t dur)
{
	int64_t n = (dur + b->slot_ms - 1) / b->slot_ms;

	return (n < 1 ? 1 : n) * b->slot_ms;
}

/*
 * Is it free to air from t for len: in season on that local date and not
 * on another channel at the same time?
 */
static int
may_air(const struct build *b, const struct sl_item *it, int64_t t, int64_t len)
{
	return in_season_at(b, it, t) && !occ_busy(&b->occ->prog, it->id, t, t + len, b->ch.id);
}

/*
 * Pick from a slot's candidates for a block at t: the least recently aired,
 * preferring what fits in avail and fills at least half its block, and
 * then seasonal content in its season (unless it aired in the last three
 * days). Nothing out of season, nothing another channel airs meanwhile.
 * Large pools are sampled; the seasonal candidates are always looked at.
 */
static int32_t
choose_lra(struct build *b, const struct slotstate *ss, int64_t t, int64_t avail,
    uint64_t seed)
{
	const int32_t *cands = ss->cands;
	const struct sl_item *it;
	int64_t last, best_last = 0, bl;
	uint64_t h, best_h = 0;
	int32_t best = -1, idx;
	size_t k, n = ss->n_cands, probes = n <= SAMPLE ? n : SAMPLE;
	int tier, best_tier = 6;

	for (k = 0; k < probes + ss->n_seasonal; k++) {
		if (k < probes)
			idx = n <= SAMPLE ? cands[k] : cands[mix(seed + k) % n];
		else
			idx = ss->seasonal[k - probes];
		it = &b->lib->items[idx];
		bl = block_len(b, air_len(b, it));
		last = map_get(&b->recent, it->id, NEVER);
		tier = (bl > avail ? 2 : air_len(b, it) * 2 < bl ? 1 : 0) * 2 +
		    !(it->seasonal >= 0 && (last == NEVER || last < t - 3 * DAY_MS));
		h = hash3(seed, (uint64_t)it->id, 0);
		/* Only a candidate that would win is looked up in the other channels. */
		if ((best < 0 || tier < best_tier || (tier == best_tier && (last < best_last ||
		    (last == best_last && h < best_h)))) && may_air(b, it, t, bl)) {
			best = idx;
			best_tier = tier;
			best_last = last;
			best_h = h;
		}
	}
	return best;
}

/* The coarse slot governing boundary t. */
static const struct coarse_slot *
slot_at(const struct build *b, int64_t t)
{
	struct tz_civil c;

	tz_local(b->ch.tz, t, &c);
	return coarse_match_date(b->slots, b->n_slots, c.year, c.month, c.day, c.wday,
	    c.hour * 60 + c.minute);
}

/* How long from t the same slot governs (up to a day). */
static int64_t
slot_avail(const struct build *b, const struct coarse_slot *s, int64_t t)
{
	int64_t u = t;

	do
		u = tz_slot_next(b->ch.tz, u, b->ch.slot_minutes);
	while (u - t < DAY_MS && slot_at(b, u) == s && !offair_at(b, u, NULL));
	return u - t;
}

/* Is slot id one with its own series position? */
static int
own_slot(const struct build *b, int64_t id)
{
	size_t i;

	for (i = 0; i < b->n_own; i++) {
		if (b->own_slots[i] == id)
			return 1;
	}
	return 0;
}

/* The position array for series in slot s: the slot's own, or the channel's. */
static int *
progress_of(struct build *b, const struct coarse_slot *s)
{
	struct slotstate *ss;
	size_t i;

	if (s == NULL || !s->own_position)
		return b->progress;
	ss = &b->ss[s - b->slots];
	if (ss->progress == NULL) {
		ss->progress = xreallocarray(NULL, b->lib->n_shows + 1, sizeof *ss->progress);
		for (i = 0; i < b->lib->n_shows; i++)
			ss->progress[i] = -1;
	}
	return ss->progress;
}

/*
 * Next position of series si for slot s: after the last episode placed by
 * the channel's series slots, or by s alone when it keeps its own position
 * (from its "from" episode the first time).
 */
static int
series_position(struct build *b, const struct coarse_slot *s, int si)
{
	const struct sl_show *show = &b->lib->shows[si];
	const struct sl_item *it;
	const struct placed *last = NULL, *p;
	int *progress = progress_of(b, s), own = s != NULL && s->own_position;
	int season = -1, episode = -1, after = 1;
	size_t i;

	if (progress[si] >= 0)
		return progress[si];
	progress[si] = 0;
	for (i = 0; i < b->n_placed; i++) {
		p = &b->placed[i];
		if (p->show_id != show->id)
			continue;
		/* A slot that keeps its own place reads only its own; the channel's ignores those. */
		if (own ? p->sched_id != s->id : p->sched_id != 0 && own_slot(b, p->sched_id))
			continue;
		if (last == NULL || p->start > last->start)
			last = p;
	}
	if (last != NULL) {
		season = last->season;
		episode = last->episode;
	}
	if (season < 0 && own && (s->from_season > 0 || s->from_episode > 0)) {
		season = s->from_season;
		episode = s->from_episode;
		after = 0;
	}
	if (season < 0)
		return 0;
	for (i = 0; i < show->n_eps; i++) {
		it = &b->lib->items[show->eps[i]];
		if (it->season > season || (it->season == season && (after ?
		    it->episode > episode : it->episode >= episode)))
			break;
	}
	progress[si] = i < show->n_eps ? (int)i : 0;
	return progress[si];
}

/*
 * The next episode of series si in order that may air in slot s at t
 * (skipping what is out of season or on another channel meanwhile);
 * advances; -1 if none.
 */
static int32_t
next_episode(struct build *b, const struct coarse_slot *s, int si, int64_t t)
{
	const struct sl_show *show = &b->lib->shows[si];
	const struct sl_item *it;
	int *progress = progress_of(b, s);
	size_t k, pos;

	if (show->n_eps == 0)
		return -1;
	pos = (size_t)series_position(b, s, si);
	for (k = 0; k < show->n_eps; k++) {
		int32_t idx = show->eps[(pos + k) % show->n_eps];

		it = &b->lib->items[idx];
		if (slot_allows(b, s, it) && may_air(b, it, t, block_len(b, air_len(b, it)))) {
			progress[si] = (int)((pos + k + 1) % show->n_eps);
			return idx;
		}
	}
	return -1;
}

/* Which of a rotation's series is next: the one after the last it placed. */
static int
next_rotation_show(struct build *b, const struct coarse_slot *s)
{
	struct slotstate *ss = &b->ss[s - b->slots];
	int64_t latest = INT64_MIN;
	size_t i;

	if (s->n_shows <= 1)
		return 0;
	if (!ss->last_show_known) {
		ss->last_show_known = 1;
		for (i = 0; i < b->n_placed; i++) {
			if (b->placed[i].sched_id == s->id && b->placed[i].start > latest) {
				latest = b->placed[i].start;
				ss->last_show = b->placed[i].show_id;
			}
		}
	}
	for (i = 0; i < s->n_shows; i++) {
		if (s->shows[i] == ss->last_show)
			return (int)((i + 1) % s->n_shows);
	}
	return 0;
}

/* Choose the programme for the block starting at t. */
static const struct sl_item *
choose(struct build *b, int64_t t, const char **mode, int64_t *sched_id)
{
	const struct coarse_slot *s = slot_at(b, t);
	const struct sl_item *it = NULL;
	struct slotstate *ss;
	uint64_t seed = hash3((uint64_t)b->ch.id, (uint64_t)t, 0x70726f67);
	int32_t idx = -1;
	size_t k;
	int si, first;

	*sched_id = s != NULL ? s->id : 0;
	*mode = s != NULL ? coarse_type_name(s->type) : "fill";
	if (s != NULL) {
		switch (s->type) {
		case COARSE_SERIES:
			first = next_rotation_show(b, s);
			for (k = 0; k < s->n_shows && idx < 0; k++) {
				si = schedlib_show(b->lib, s->shows[(first + k) % s->n_shows]);
				if (si >= 0)
					idx = next_episode(b, s, si, t);
			}
			if (idx >= 0) {
				b->ss[s - b->slots].last_show =
				    b->lib->shows[b->lib->items[idx].show].id;
				return &b->lib->items[idx];
			}
			break;
		case COARSE_EPISODE:
		case COARSE_MOVIE:
			it = schedlib_item(b->lib, s->content_id);
			if (it != NULL && slot_allows(b, s, it) &&
			    may_air(b, it, t, block_len(b, air_len(b, it))))
				return it;
			break;
		case COARSE_SHUFFLE:
		case COARSE_MOVIES:
		case COARSE_FILL:
			ss = candidates(b, s);
			idx = choose_lra(b, ss, t, slot_avail(b, s, t), seed);
			if (idx >= 0)
				return &b->lib->items[idx];
			break;
		}
		log_debug("channel %s: slot %lld has nothing to air at %lld; filling",
		    b->ch.number, (long long)s->id, (long long)t);
	}
	/* Nothing planned, or nothing the plan allows: anything that may air. */
	*mode = "fill";
	ss = candidates(b, NULL);
	idx = choose_lra(b, ss, t, slot_avail(b, s, t), seed);
	return idx >= 0 ? &b->lib->items[idx] : NULL;
}

/* Record a placed programme. */
static void
record_airing(struct build *b, int64_t t, int64_t end, const char *mode,
    const struct sl_item *it, int64_t sched_id)
{
	struct airing *a;

	map_set(&b->recent, it->id, t);
	if (b->n_air == b->cap_air) {
		b->cap_air = b->cap_air ? b->cap_air * 2 : 256;
		b->air = xreallocarray(b->air, b->cap_air, sizeof *b->air);
	}
	a = &b->air[b->n_air++];
	a->start = t;
	a->end = end;
	a->mode = mode;
	a->media = it->id;
	a->show_id = it->show >= 0 ? b->lib->shows[it->show].id : 0;
	a->season = it->season;
	a->episode = it->episode;
	a->sched_id = sched_id;
}

/* Build blocks from boundary t until to. */
static void
build_range(struct build *b, int64_t t, int64_t to)
{
	const struct sl_item *it;
	const char *mode;
	int64_t end, sched_id;

	while (t < to) {
		if (b->ch.guide) {
			/* A guide channel: the listings, one generated item per slot. */
			end = tz_slot_next(b->ch.tz, t, b->ch.slot_minutes);
			emit(b, &t, end - t, GUIDE_ITEM_KIND, NULL, 0, GUIDE_ITEM_TITLE, 0, t, 0);
			continue;
		}
		if (offair_at(b, t, &end)) {
			emit_offair(b, t, end);
			t = end;
			continue;
		}
		it = choose(b, t, &mode, &sched_id);
		end = t;
		do
			end = tz_slot_next(b->ch.tz, end, b->ch.slot_minutes);
		while (it != NULL && end - t < air_len(b, it));
		emit_block(b, t, end, it, sched_id);
		if (it != NULL)
			record_airing(b, t, end, mode, it, sched_id);
		t = end;
	}
}

/* media id -> last start from a query bound (channel, from, to). */
static int
load_history(sqlite3 *db, const char *sql, int64_t channel_id, int64_t from, int64_t to,
    struct i64map *m, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		map_set(m, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading the channel's history: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/*
 * The channel's last series placement before from for each series and
 * slot: where series continue and rotations resume.
 */
static int
load_placed(struct build *b, char **cause)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	st = db_prepare(b->db, "SELECT show_id, schedule_id, season_number, episode_number, "
	    "max(start_ms) FROM sched_airings WHERE channel_id = ?1 AND mode = 'series' AND "
	    "start_ms < ?2 GROUP BY show_id, schedule_id", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, b->ch.id);
	sqlite3_bind_int64(st, 2, b->from);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct placed *p;

		if (b->n_placed == cap) {
			cap = cap ? cap * 2 : 32;
			b->placed = xreallocarray(b->placed, cap, sizeof *b->placed);
		}
		p = &b->placed[b->n_placed++];
		p->show_id = sqlite3_column_int64(st, 0);
		p->sched_id = sqlite3_column_int64(st, 1);
		p->season = sqlite3_column_int(st, 2);
		p->episode = sqlite3_column_int(st, 3);
		p->start = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading the channel's series history: %s", sqlite3_errmsg(b->db));
		return -1;
	}
	return 0;
}

/* Set up a build of channel ch starting at from. */
static int
build_init(struct build *b, sqlite3 *db, const struct schedlib *lib, int64_t channel_id,
    int64_t from, int64_t to, struct occupancy *shared, char **cause)
{
	static const enum sl_kind spots[] = { SL_COMMERCIAL };
	static const enum sl_kind bumpers[] = { SL_BUMPER };
	static const enum sl_kind ids[] = { SL_STATION_ID };
	static const enum sl_kind fillers[] = { SL_PROMO, SL_INTERSTITIAL };
	struct i64map hist;
	struct pod p;
	size_t i;
	int l;

	memset(b, 0, sizeof *b);
	memset(&hist, 0, sizeof hist);
	b->db = db;
	b->lib = lib;
	b->from = from;
	if (schedlib_channel(db, lib, channel_id, &b->ch, cause) != 0)
		return -1;
	b->slot_ms = (int64_t)b->ch.slot_minutes * 60000;
	if (coarse_load(db, channel_id, &b->slots, &b->n_slots, cause) != 0)
		return -1;
	b->ss = xcalloc(b->n_slots + 1, sizeof *b->ss);
	for (i = 0; i < b->n_slots; i++) {
		if (b->slots[i].own_position) {
			b->own_slots = xreallocarray(b->own_slots, b->n_own + 1,
			    sizeof *b->own_slots);
			b->own_slots[b->n_own++] = b->slots[i].id;
		}
	}
	if (shared != NULL)
		b->occ = shared;
	else {
		b->occ = &b->own_occ;
		occ_init(b->occ);
		if (occ_load(db, b->occ, channel_id, from, to, cause) != 0)
			return -1;
	}
	b->progress = xreallocarray(NULL, lib->n_shows + 1, sizeof *b->progress);
	for (i = 0; i < lib->n_shows; i++)
		b->progress[i] = -1;
	if (load_placed(b, cause) != 0 ||
	    load_history(db, "SELECT media_file_id, max(start_ms) FROM schedule_items WHERE "
	    "channel_id = ?1 AND start_ms >= ?2 AND start_ms < ?3 AND media_file_id IS NOT NULL "
	    "AND kind <> 'programme' GROUP BY media_file_id",
	    channel_id, from - SPOT_HISTORY_MS, from, &hist, cause) != 0 ||
	    load_history(db, "SELECT media_file_id, max(start_ms) FROM sched_airings "
	    "WHERE channel_id = ?1 AND start_ms >= ?2 AND start_ms < ?3 AND "
	    "media_file_id IS NOT NULL GROUP BY media_file_id",
	    channel_id, from - AIRINGS_KEEP_MS, from, &b->recent, cause) != 0) {
		map_free(&hist);
		return -1;
	}
	pod_init(b, &p, from);
	for (l = 0; l < SPOT_LISTS; l++) {
		rot_init(b, &b->spots[l], spots, nitems(spots), &hist, l, p.day);
		for (i = 0; i < b->spots[l].n; i++) {
			int64_t d = rot_item(b, &b->spots[l], (int32_t)i)->duration_ms;

			if (b->spot_min[l] == 0 || d < b->spot_min[l])
				b->spot_min[l] = d;
		}
		if (b->spot_min[l] != 0 && (b->min_spot == 0 || b->spot_min[l] < b->min_spot))
			b->min_spot = b->spot_min[l];
	}
	rot_init(b, &b->bumpers, bumpers, nitems(bumpers), &hist, -1, p.day);
	rot_init(b, &b->ids, ids, nitems(ids), &hist, -1, p.day);
	rot_init(b, &b->fillers, fillers, nitems(fillers), &hist, -1, p.day);
	map_free(&hist);
	return 0;
}

/* Free a build. */
static void
build_free(struct build *b)
{
	size_t i;

	for (i = 0; i < b->n_titles; i++)
		free(b->titles[i]);
	free(b->titles);
	free(b->items);
	free(b->air);
	for (i = 0; b->ss != NULL && i <= b->n_slots; i++) {
		free(b->ss[i].cands);
		free(b->ss[i].progress);
		free(b->ss[i].seasonal);
	}
	free(b->own_slots);
	free(b->placed);
	occ_clear(&b->own_occ);
	free(b->ss);
	free(b->progress);
	coarse_free(&b->slots, b->n_slots);
	for (i = 0; i < SPOT_LISTS; i++)
		rot_free(&b->spots[i]);
	rot_free(&b->bumpers);
	rot_free(&b->ids);
	rot_free(&b->fillers);
	map_free(&b->recent);
	schedlib_channel_clear(&b->ch);
}

/* Tell the channels built after this one what it airs where. */
static void
occ_note_build(struct occupancy *o, const struct build *b)
{
	size_t i;

	for (i = 0; i < b->n_air; i++)
		occ_add(&o->prog, b->air[i].media, b->air[i].start, b->air[i].end, b->ch.id);
	for (i = 0; i < b->n; i++) {
		if (b->items[i].kind == ITEM_COMMERCIAL)
			occ_add(&o->ads, b->items[i].media, b->items[i].start, b->items[i].end,
			    b->ch.id);
	}
}

/*
 * No simultaneous repeats, against what the other channels air: each
 * programme placed. Adds lines to *report; returns the number found.
 */
static int
build_check_simultaneous(const struct build *b, char **report)
{
	char when[32], *n;
	size_t i;
	int found = 0;

	for (i = 0; i < b->n_air; i++) {
		if (!occ_busy(&b->occ->prog, b->air[i].media, b->air[i].start, b->air[i].end,
		    b->ch.id))
			continue;
		xasprintf(&n, "%schannel %s at %s: file %lld airs on another channel at the same "
		    "time\n", *report != NULL ? *report : "", b->ch.number,
		    fmt_utc(when, sizeof when, b->air[i].start), (long long)b->air[i].media);
		free(*report);
		*report = n;
		found++;
	}
	return found;
}

/* Check the built items, joined to the item before them if it ends at from. */
static int
build_check(struct build *b, const struct fine_item *before, char **cause)
{
	struct fine_item *fi;
	char *report = NULL;
	size_t i, off = before != NULL ? 1 : 0;
	int problems;

	fi = xcalloc(b->n + off, sizeof *fi);
	if (before != NULL) {
		fi[0] = *before;
		fi[0].file_path = NULL;
	}
	for (i = 0; i < b->n; i++) {
		struct out_item *o = &b->items[i];

		fi[i + off].channel_id = b->ch.id;
		fi[i + off].start_ms = o->start;
		fi[i + off].end_ms = o->end;
		fi[i + off].kind = o->kind;
		fi[i + off].media_file_id = o->media;
		fi[i + off].in_ms = o->in;
		fi[i + off].out_ms = o->out;
		fi[i + off].programme_start_ms = o->prog;
		fi[i + off].act = o->act;
		fi[i + off].schedule_id = o->sched_id;
		fi[i + off].title = (char *)o->title;      /* borrowed: fi is freed shallowly */
	}
	problems = schedcheck_items_slots(b->lib, &b->ch, b->slots, b->n_slots, fi, b->n + off,
	    &report);
	problems += build_check_simultaneous(b, &report);
	free(fi);
	if (problems > 0) {
		set_cause(cause, "channel %s: the new fine log breaks %d rule%s (not saved):\n%s",
		    b->ch.number, problems, problems == 1 ? "" : "s", report);
		free(report);
		return -1;
	}
	return 0;
}

/* Bind item o as the row at parameter p + 1 of an insert statement. */
static void
bind_item(sqlite3_stmt *st, int p, int64_t channel_id, const struct out_item *o)
{
	sqlite3_bind_int64(st, p + 1, channel_id);
	sqlite3_bind_int64(st, p + 2, o->start);
	sqlite3_bind_int64(st, p + 3, o->end);
	sqlite3_bind_text(st, p + 4, item_kind_name(o->kind), -1, SQLITE_STATIC);
	if (o->media != 0)
		sqlite3_bind_int64(st, p + 5, o->media);
	else
		sqlite3_bind_null(st, p + 5);
	sqlite3_bind_int64(st, p + 6, o->in);
	sqlite3_bind_int64(st, p + 7, o->out);
	if (o->sched_id != 0)
		sqlite3_bind_int64(st, p + 8, o->sched_id);
	else
		sqlite3_bind_null(st, p + 8);
	sqlite3_bind_int64(st, p + 9, o->prog);
	if (o->act != 0)
		sqlite3_bind_int(st, p + 10, o->act);
	else
		sqlite3_bind_null(st, p + 10);
	if (o->title != NULL)
		sqlite3_bind_text(st, p + 11, o->title, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, p + 11);
}

/*
 * Fine log rows per INSERT. The items' foreign keys are checked at commit
 * (migration 7) and a conflict stops the statement (OR FAIL) rather than
 * undoing it, so SQLite keeps no statement journal; beyond a few dozen rows
 * a statement saves nothing more.
 */
#define ROWS_PER_INSERT 64
#define ITEM_COLUMNS    11

/* The INSERT of n fine log rows. */
static sqlite3_stmt *
prepare_items(sqlite3 *db, int n, char **cause)
{
	static const char head[] = "INSERT OR FAIL INTO schedule_items (channel_id, start_ms, "
	    "end_ms, kind, media_file_id, in_ms, out_ms, schedule_id, programme_start_ms, act, "
	    "title) VALUES ", row[] = "(?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	char *sql = xmalloc(sizeof head + (size_t)n * sizeof row), *e;
	int k;

	e = sql + strlen(strcpy(sql, head));
	for (k = 0; k < n; k++) {
		if (k > 0)
			*e++ = ',';
		e = stpcpy(e, row);
	}
	st = db_prepare(db, sql, cause);
	free(sql);
	return st;
}

/*
 * 1 if this transaction holds a foreign key reference not yet resolved
 * (SQLite says whether, not how many), else 0.
 */
static int
open_references(sqlite3 *db)
{
	int cur = 0, hi;

	sqlite3_db_status(db, SQLITE_DBSTATUS_DEFERRED_FKS, &cur, &hi, 0);
	return cur;
}

/* Write the built items and airings. */
static int
build_write(struct build *b, char **cause)
{
	sqlite3_stmt *many, *one, *sa;
	size_t i;
	int k, rc = SQLITE_DONE, open = open_references(b->db);

	/*
	 * The schema's CHECK (kind IN (...)) makes SQLite build a temporary
	 * b-tree for every row, most of the cost of a week's insert. The rows
	 * were made from a fixed table of kinds and have just passed the
	 * checker, so CHECK constraints are skipped for this insert only; NOT
	 * NULL, UNIQUE and foreign keys are still enforced.
	 */
	db_exec(b->db, "PRAGMA ignore_check_constraints = ON", NULL);
	many = prepare_items(b->db, ROWS_PER_INSERT, cause);
	one = prepare_items(b->db, 1, cause);
	sa = db_prepare(b->db, "INSERT INTO sched_airings (channel_id, start_ms, mode, "
	    "media_file_id, show_id, season_number, episode_number, schedule_id, end_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", cause);
	if (many == NULL || one == NULL || sa == NULL)
		goto out;
	for (i = 0; i + ROWS_PER_INSERT <= b->n && rc == SQLITE_DONE; i += ROWS_PER_INSERT) {
		for (k = 0; k < ROWS_PER_INSERT; k++)
			bind_item(many, k * ITEM_COLUMNS, b->ch.id, &b->items[i + k]);
		rc = sqlite3_step(many);
		sqlite3_reset(many);
	}
	for (; i < b->n && rc == SQLITE_DONE; i++) {
		bind_item(one, 0, b->ch.id, &b->items[i]);
		rc = sqlite3_step(one);
		sqlite3_reset(one);
	}
	for (i = 0; i < b->n_air && rc == SQLITE_DONE; i++) {
		struct airing *a = &b->air[i];

		sqlite3_reset(sa);
		sqlite3_clear_bindings(sa);
		sqlite3_bind_int64(sa, 1, b->ch.id);
		sqlite3_bind_int64(sa, 2, a->start);
		sqlite3_bind_text(sa, 3, a->mode, -1, SQLITE_STATIC);
		sqlite3_bind_int64(sa, 4, a->media);
		if (a->show_id != 0) {
			sqlite3_bind_int64(sa, 5, a->show_id);
			sqlite3_bind_int(sa, 6, a->season);
			sqlite3_bind_int(sa, 7, a->episode);
		}
		if (a->sched_id != 0)
			sqlite3_bind_int64(sa, 8, a->sched_id);
		sqlite3_bind_int64(sa, 9, a->end);
		rc = sqlite3_step(sa);
	}
	if (rc != SQLITE_DONE)
		set_cause(cause, "channel %s: writing the fine log: %s", b->ch.number,
		    sqlite3_errmsg(b->db));
	else if (!open && open_references(b->db)) {
		/*
		 * Checked at commit by SQLite; refused here, for this channel
		 * alone. (A caller's transaction that already held one is left
		 * to its own commit.)
		 */
		set_cause(cause, "channel %s: writing the fine log: it refers to a file, slot or "
		    "channel that is not in the database", b->ch.number);
		rc = SQLITE_CONSTRAINT;
	}
out:
	sqlite3_finalize(many);
	sqlite3_finalize(one);
	sqlite3_finalize(sa);
	db_exec(b->db, "PRAGMA ignore_check_constraints = OFF", NULL);
	return many != NULL && one != NULL && sa != NULL && rc == SQLITE_DONE ? 0 : -1;
}

/* Run SQL bound with (channel, t); 0 or -1. */
static int
exec2(sqlite3 *db, const char *sql, int64_t channel_id, int64_t t, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	sqlite3_bind_int64(st, 2, t);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		set_cause(cause, "updating the fine log: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* An integer from SQL bound with (channel, t), or dflt for no row or NULL. */
static int64_t
scalar2(sqlite3 *db, const char *sql, int64_t channel_id, int64_t t, int64_t dflt)
{
	sqlite3_stmt *st = db_prepare(db, sql, NULL);
	int64_t v = dflt;

	if (st == NULL)
		return dflt;
	sqlite3_bind_int64(st, 1, channel_id);
	sqlite3_bind_int64(st, 2, t);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Items from lock on that can no longer air: removed or missing files. A
 * guide channel's generated items have no file by design.
 */
#define DAMAGED "FROM schedule_items s LEFT JOIN media_files m ON m.id = s.media_file_id " \
	"WHERE s.channel_id = ?1 AND s.start_ms >= ?2 AND ((s.media_file_id IS NULL AND " \
	"s.kind NOT IN ('slate', 'signoff', 'signon', 'offair', 'rating_card', 'next_bumper', " \
	"'guide')) OR m.validation_status IN ('missing', 'error'))"

/* The first programme start at or after t (blocks begin where programme_start_ms = start). */
#define BLOCK_AT_OR_AFTER "SELECT min(start_ms) FROM schedule_items WHERE channel_id = ?1 " \
	"AND start_ms >= ?2 AND (programme_start_ms IS NULL OR programme_start_ms = start_ms)"

/*
 * Where a build must start (INT64_MAX: nothing to do): the end of the log
 * when it falls short of target; for a rebuild the first programme at or
 * after the lock; the first programme at or after the lock that holds
 * content which can no longer air. *end is the log's end now.
 */
static int64_t
work_from(sqlite3 *db, int64_t channel_id, int64_t now, int64_t target, int rebuild,
    int64_t *end)
{
	int64_t lock = now + SCHED_LOCK_MS, cut = INT64_MAX;

	*end = finelog_horizon(db, channel_id);
	if (rebuild)
		cut = scalar2(db, BLOCK_AT_OR_AFTER, channel_id, lock, INT64_MAX);
	else {
		cut = scalar2(db, "SELECT min(coalesce(s.programme_start_ms, s.start_ms)) "
		    DAMAGED " AND coalesce(s.programme_start_ms, s.start_ms) >= ?2", channel_id,
		    lock, INT64_MAX);
		/* Damage inside the programme on air: its items become slate, nothing more. */
		if (cut == INT64_MAX && scalar2(db, "SELECT count(*) " DAMAGED, channel_id, lock,
		    0) > 0)
			cut = *end;
	}
	if (*end < target && *end < cut)
		cut = *end;
	if (rebuild && cut > *end)
		cut = *end;
	return cut;
}

/* Commit (or roll back) a build's transaction or savepoint. */
static int
end_transaction(sqlite3 *db, int nested, int commit, char **cause)
{
	if (!nested) {
		if (commit)
			return db_commit(db, cause);
		db_rollback(db);
		return 0;
	}
	if (!commit)
		db_exec(db, "ROLLBACK TO sched_extend", NULL);
	return db_exec(db, "RELEASE sched_extend", commit ? cause : NULL);
}

/*
 * One channel's extend or rebuild, in three steps: plan (reads the
 * database), build (memory only: it may run on another thread while the
 * previous channel is written) and save (writes).
 */
struct job {
	int64_t channel_id, now, target;
	int rebuild;
	int64_t cut, end, start, to;
	struct fine_item before;        /* the item that ends where the build starts */
	int have_before;
	struct build b;
	int planned;                    /* b is set up */
	int built;                      /* b is complete and passed the checker */
	char *cause;                    /* why the build failed */
	struct occupancy *shared;       /* sched_extend_all's, or NULL */
};

/* Start a job (nothing is read yet). */
static void
job_init(struct job *j, int64_t channel_id, int64_t now, int64_t horizon, int rebuild,
    struct occupancy *shared)
{
	memset(j, 0, sizeof *j);
	j->channel_id = channel_id;
	j->now = now;
	j->target = now + (horizon > 0 ? horizon : SCHED_HORIZON_MS);
	j->rebuild = rebuild;
	j->shared = shared;
}

/* Free what a job holds. */
static void
job_clear(struct job *j)
{
	if (j->have_before)
		fine_item_clear(&j->before);
	if (j->planned)
		build_free(&j->b);
	free(j->cause);
	memset(j, 0, sizeof *j);
}

/*
 * Plan a job: where it starts and ends, what it follows, and its build set
 * up. Reads only (the caller holds the write lock), so it may run before
 * the previous channel's build is saved. *libp is loaded into *own if
 * needed. 1: work to do, 0: none, -1: error.
 */
static int
job_plan(sqlite3 *db, const struct schedlib **libp, struct schedlib **own, struct job *j,
    char **cause)
{
	struct sched_channel ch;
	struct build *b = &j->b;

	j->cut = work_from(db, j->channel_id, j->now, j->target, j->rebuild, &j->end);
	if (j->cut == INT64_MAX)
		return 0;
	if (*libp == NULL) {
		if (schedlib_load(db, own, cause) != 0)
			return -1;
		*libp = *own;
	}
	j->to = j->rebuild && j->end > j->target ? j->end : j->target;
	j->start = j->cut < j->end ? j->cut : j->end;
	if (schedlib_channel(db, NULL, j->channel_id, &ch, cause) != 0)
		return -1;
	if (j->start == 0 || j->start < j->now - SCHED_LOCK_MS) {
		/* Empty or stale: start with the programme that would be on now. */
		int64_t f = tz_slot_floor(ch.tz, j->now, ch.slot_minutes);

		if (f > j->start)
			j->start = f;
	}
	schedlib_channel_clear(&ch);
	if (finelog_item_at(db, j->channel_id, j->start - 1, &j->before, NULL) == 0) {
		j->have_before = j->before.end_ms == j->start;
		if (!j->have_before)
			fine_item_clear(&j->before);
	}
	j->planned = 1;
	if (build_init(b, db, *libp, j->channel_id, j->start, j->to, j->shared, cause) != 0)
		return -1;
	/* A channel that was on the air signs off; one that starts off the air does not. */
	b->signed_on = j->have_before && j->before.kind != ITEM_OFFAIR &&
	    j->before.kind != ITEM_SIGNOFF;
	if (!tz_is_boundary(b->ch.tz, j->start, b->ch.slot_minutes)) {
		/* The slot length or zone changed: the last programme's break runs to the next boundary. */
		int64_t aligned = tz_slot_next(b->ch.tz, j->start, b->ch.slot_minutes), t = j->start;

		emit(b, &t, aligned - j->start, b->ch.guide ? GUIDE_ITEM_KIND : ITEM_SLATE, NULL, 0,
		    b->ch.guide ? GUIDE_ITEM_TITLE : NULL, 0,
		    j->have_before ? j->before.programme_start_ms : j->start, 0);
	}
	return 1;
}

/*
 * Build a planned job and check it; on success tell the channels built
 * after it what it airs. Touches only the job and the shared occupancy.
 */
static void
job_build(struct job *j)
{
	struct build *b = &j->b;

	build_range(b, b->n > 0 ? b->items[b->n - 1].end : j->start, j->to);
	if (build_check(b, j->have_before ? &j->before : NULL, &j->cause) != 0)
		return;
	j->built = 1;
	if (j->shared != NULL)
		occ_note_build(j->shared, b);
}

/* pthread entry for job_build. */
static void *
job_build_thread(void *arg)
{
	job_build(arg);
	return NULL;
}

/* Save a built job in the caller's transaction; 0 or -1. */
static int
job_save(sqlite3 *db, struct job *j, char **cause)
{
	int64_t lock = j->now + SCHED_LOCK_MS, now = j->now, id = j->channel_id;
	char when[32];

	/*
	 * Removed content inside the programme on air becomes slate (the engine
	 * would air one anyway); everything after it is rebuilt.
	 */
	if (!j->rebuild && exec2(db, "UPDATE schedule_items SET kind = 'slate', "
	    "media_file_id = NULL, in_ms = 0, out_ms = end_ms - start_ms, "
	    "title = 'Please stand by' WHERE id IN (SELECT s.id " DAMAGED
	    " AND coalesce(s.programme_start_ms, s.start_ms) < ?2)", id, lock, cause) != 0)
		return -1;
	if (j->cut < j->end &&
	    (exec2(db, "DELETE FROM schedule_items WHERE channel_id = ?1 AND start_ms >= ?2",
	    id, j->cut, cause) != 0 ||
	    exec2(db, "DELETE FROM sched_airings WHERE channel_id = ?1 AND start_ms >= ?2",
	    id, j->cut, cause) != 0))
		return -1;
	if (build_write(&j->b, cause) != 0)
		return -1;
	/* Forget what is long past (now and then); keep each series' last placement. */
	if (scalar2(db, "SELECT min(start_ms) FROM schedule_items WHERE channel_id = ?1", id, 0,
	    INT64_MAX) < now - SCHED_RETAIN_MS - HOUR_MS &&
	    (exec2(db, "DELETE FROM schedule_items WHERE channel_id = ?1 AND start_ms < ?2 AND "
	    "end_ms < ?2", id, now - SCHED_RETAIN_MS, cause) != 0 ||
	    exec2(db, "DELETE FROM sched_airings WHERE channel_id = ?1 AND start_ms < ?2 AND "
	    "id NOT IN (SELECT max(id) FROM sched_airings WHERE channel_id = ?1 AND "
	    "mode = 'series' GROUP BY show_id, schedule_id)", id, now - AIRINGS_KEEP_MS,
	    cause) != 0))
		return -1;
	log_info("channel %s: %s %zu items from %s", j->b.ch.number, j->rebuild ? "rebuilt" :
	    "built", j->b.n, fmt_utc(when, sizeof when, j->start));
	return 0;
}

/*
 * A week of a channel is thousands of rows in two indexes: SQLite's
 * default 2 MB page cache would spill and re-read them. A cold start of
 * many channels writes more still: it gets BULK_CACHE while it lasts.
 */
#define BUILD_CACHE_KIB 16384
#define BULK_CACHE_KIB  65536

/* Set the page cache to kib KiB (SQLite frees what is over it). */
static void
set_cache(sqlite3 *db, int kib)
{
	char sql[48];

	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", kib);
	db_exec(db, sql, NULL);
}

static void
cache_for_builds(sqlite3 *db)
{
	int64_t size = db_scalar(db, "PRAGMA cache_size", 0);

	if (size > -BUILD_CACHE_KIB && size < 4096)
		set_cache(db, BUILD_CACHE_KIB);
}

/*
 * Extend or rebuild one channel in a transaction of its own (a savepoint
 * inside the caller's). *libp is loaded into *own if needed. The number of
 * items written, or -1.
 */
static int
extend(sqlite3 *db, const struct schedlib **libp, struct schedlib **own, int64_t channel_id,
    int64_t now, int64_t horizon, int rebuild, char **cause)
{
	struct job j;
	int64_t end;
	int rc, nested = !sqlite3_get_autocommit(db);

	job_init(&j, channel_id, now, horizon, rebuild, NULL);
	/* Nothing to do is found without taking the write lock. */
	if (work_from(db, channel_id, now, j.target, rebuild, &end) == INT64_MAX)
		return 0;
	cache_for_builds(db);
	if (nested ? db_exec(db, "SAVEPOINT sched_extend", cause) : db_begin(db, cause))
		return -1;
	/* Planned under the write lock: another connection may have built meanwhile. */
	if ((rc = job_plan(db, libp, own, &j, cause)) > 0) {
		job_build(&j);
		if (!j.built)
			set_cause(cause, "%s", j.cause);
		if (j.built && job_save(db, &j, cause) == 0 &&
		    end_transaction(db, nested, 1, cause) == 0) {
			rc = (int)j.b.n;
			job_clear(&j);
			return rc;
		}
		rc = -1;
	}
	end_transaction(db, nested, 0, NULL);
	job_clear(&j);
	return rc;
}

/* Extend one channel. */
int
sched_extend(sqlite3 *db, int64_t channel_id, int64_t now_ms, int64_t horizon_ms,
    char **cause)
{
	const struct schedlib *lib = NULL;
	struct schedlib *own = NULL;
	int rc;

	rc = extend(db, &lib, &own, channel_id, now_ms, horizon_ms, 0, cause);
	schedlib_free(&own);
	return rc;
}

/* The director's hook. */
int
sched_extend_until(sqlite3 *db, int64_t channel_id, int64_t until_ms, char **cause)
{
	int64_t now = now_ms(), horizon = until_ms - now;

	if (horizon < SCHED_HORIZON_MS)
		horizon = SCHED_HORIZON_MS;
	return sched_extend(db, channel_id, now, horizon, cause) < 0 ? -1 : 0;
}

/* Extend with a loaded library. */
int
sched_extend_lib(sqlite3 *db, const struct schedlib *lib, int64_t channel_id,
    int64_t now_ms, int64_t horizon_ms, char **cause)
{
	struct schedlib *own = NULL;
	int rc;

	rc = extend(db, &lib, &own, channel_id, now_ms, horizon_ms, 0, cause);
	schedlib_free(&own);
	return rc;
}

/* Rebuild after an edit. */
int
sched_rebuild(sqlite3 *db, int64_t channel_id, int64_t now_ms, char **cause)
{
	const struct schedlib *lib = NULL;
	struct schedlib *own = NULL;
	int rc;

	rc = extend(db, &lib, &own, channel_id, now_ms, SCHED_HORIZON_MS, 1, cause);
	schedlib_free(&own);
	return rc;
}

/* sched_extend_all's state: the channels and how they went. */
struct all {
	sqlite3 *db;
	const struct schedlib *lib;
	struct schedlib *own;
	struct occupancy occ;
	int64_t now, horizon;
	int total, failed;
	char *first_cause;
};

/* Count a channel that failed: logged, and the first one's cause kept. */
static void
all_failed(struct all *a, char **why)
{
	log_error("%s", *why);
	if (a->failed++ == 0)
		a->first_cause = *why;
	else
		free(*why);
	*why = NULL;
}

/* Plan channel_id into j; 1 if it has work (and a build set up). */
static int
all_plan(struct all *a, struct job *j, int64_t channel_id)
{
	char *why = NULL;
	int rc;

	job_init(j, channel_id, a->now, a->horizon, 0, &a->occ);
	if ((rc = job_plan(a->db, &a->lib, &a->own, j, &why)) < 0)
		all_failed(a, &why);
	if (rc <= 0)
		job_clear(j);
	return rc > 0;
}

/* Save a built job in a savepoint of its own: one failure spoils no other channel. */
static void
all_save(struct all *a, struct job *j)
{
	char *why = NULL;

	if (!j->built) {
		why = j->cause;
		j->cause = NULL;
		all_failed(a, &why);
		return;
	}
	if (db_exec(a->db, "SAVEPOINT sched_extend", &why) != 0 || job_save(a->db, j, &why) != 0 ||
	    end_transaction(a->db, 1, 1, &why) != 0) {
		end_transaction(a->db, 1, 0, NULL);
		all_failed(a, &why);
		return;
	}
	a->total += (int)j->b.n;
}

/*
 * Plan the first enabled channel from *i on that has work into j, leaving
 * *i past it; 0 when none is left.
 */
static int
all_plan_next(struct all *a, const struct channel_conf *chans, size_t n, size_t *i,
    struct job *j)
{
	while (*i < n) {
		const struct channel_conf *c = &chans[(*i)++];

		if (c->enabled && all_plan(a, j, c->id))
			return 1;
	}
	return 0;
}

/*
 * Every enabled channel, in order, in one transaction. Each channel's week
 * is built while the one before it is written (the write takes longer, so
 * the build costs nothing): the builds still run one after another in
 * channel order, each seeing what the ones before it air, so the result is
 * the same as one at a time.
 */
static int
extend_all(sqlite3 *db, int64_t now_ms, int64_t horizon_ms, char **cause)
{
	struct channel_conf *chans;
	struct job jobs[2], *cur = &jobs[0], *next = &jobs[1], *swap;
	struct all a;
	pthread_t worker;
	size_t n, i;
	int64_t end;
	int have_cur, have_next, threaded;

	if (channels_load(db, &chans, &n, cause) != 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.db = db;
	a.now = now_ms;
	a.horizon = horizon_ms > 0 ? horizon_ms : SCHED_HORIZON_MS;
	for (i = 0; i < n; i++) {
		if (chans[i].enabled && work_from(db, chans[i].id, now_ms, now_ms + a.horizon, 0,
		    &end) != INT64_MAX)
			break;
	}
	if (i == n) {
		channels_free(&chans, n);
		return 0;
	}
	/*
	 * One transaction for all (each channel in a savepoint of its own): a
	 * cold start writes the pages the channels share once, not once each.
	 */
	if (db_begin(db, cause) != 0) {
		channels_free(&chans, n);
		return -1;
	}
	/* What every channel airs around the window, shared by the builds below. */
	occ_init(&a.occ);
	if (occ_load(db, &a.occ, 0, now_ms - DAY_MS, now_ms + a.horizon + DAY_MS, cause) != 0) {
		db_rollback(db);
		occ_clear(&a.occ);
		channels_free(&chans, n);
		return -1;
	}
	memset(jobs, 0, sizeof jobs);
	i = 0;
	have_cur = 0;
	do {
		/* Plan the next channel with work while nothing else runs. */
		have_next = all_plan_next(&a, chans, n, &i, next);
		/* Build it beside the save of the one before (on this thread if none). */
		threaded = have_next && have_cur &&
		    thread_start(&worker, "rv-build", job_build_thread, next) == 0;
		if (have_next && !threaded)
			job_build(next);
		if (have_cur) {
			all_save(&a, cur);
			job_clear(cur);
		}
		if (threaded)
			pthread_join(worker, NULL);
		swap = cur;
		cur = next;
		next = swap;
		have_cur = have_next;
	} while (have_cur);
	channels_free(&chans, n);
	schedlib_free(&a.own);
	occ_clear(&a.occ);
	if (db_commit(db, a.failed ? NULL : cause) != 0) {
		db_rollback(db);
		if (!a.failed)
			return -1;
	}
	if (a.failed) {
		set_cause(cause, "%s", a.first_cause);
		free(a.first_cause);
		return -1;
	}
	return a.total;
}

/* Every enabled channel, with the bulk page cache while it runs. */
int
sched_extend_all(sqlite3 *db, int64_t now_ms, int64_t horizon_ms, char **cause)
{
	int rc, bulk;

	cache_for_builds(db);
	bulk = db_scalar(db, "PRAGMA cache_size", 0) == -BUILD_CACHE_KIB;
	if (bulk)
		set_cache(db, BULK_CACHE_KIB);
	rc = extend_all(db, now_ms, horizon_ms, cause);
	if (bulk)
		set_cache(db, BUILD_CACHE_KIB);
	return rc;
}

/* Programme on air at t and the next one. */
int
sched_programme_at(sqlite3 *db, int64_t channel_id, int64_t t_ms, int64_t *start_ms,
    int64_t *next_ms)
{
	struct fine_item it;

	*start_ms = *next_ms = 0;
	if (finelog_item_at(db, channel_id, t_ms, &it, NULL) != 0)
		return -1;
	*start_ms = it.programme_start_ms != 0 ? it.programme_start_ms : it.start_ms;
	fine_item_clear(&it);
	*next_ms = scalar2(db, BLOCK_AT_OR_AFTER, channel_id, t_ms + 1, 0);
	return 0;
}
