/*
 * alarm.c: the dead air, black and frozen picture detectors.
 *
 * The picture is read on a lattice of at most 256 x 144 luma samples
 * (every 5th pixel of every 5th line at 720p), summed into a 32 x 18 grid
 * of blocks: one pass gives the dark share (BLACK) and the block means
 * (FROZEN). Block means shrug off coding noise (a re-sent keyframe of a
 * still picture moves them by a fraction of a level) and still see a clock
 * digit change in a corner (tens of levels in its block). The sound costs
 * one pass for its peak. Everything is measured on the channel's thread as
 * the frames leave the tail; about 40,000 byte reads a picture.
 */
#include "engine/alarm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libavutil/pixfmt.h>
#include <libavutil/samplefmt.h>

#include "src/util.h"

#define LATTICE_W 256                   /* at most this many samples across */
#define LATTICE_H 144                   /* and down */
#define BLOCKS_X 32
#define BLOCKS_Y 18
#define MOVED_LEVELS 2                  /* a block mean this far off: the picture moved */
#define BLACK_SHARE 98                  /* percent of the samples dark: black */
#define SILENT_PEAK 0.001f              /* -60 dBFS */
#define SEGMENTS_MAX 8
#define EVENTS_MAX 16

/* What the schedule says from at_us on. */
struct segment {
	int64_t at_us, start_us, end_us;
	unsigned exempt;
};

/* One detector. */
struct detector {
	int64_t since_us;               /* the condition began then; -1: not now */
	int64_t last_us;                /* the end of the last frame looked at */
	int up;                         /* raised */
};

struct alarm {
	struct alarm_conf conf;
	struct detector det[ALARM_KINDS];
	struct segment seg[SEGMENTS_MAX];
	int nseg;
	struct alarm_event ev[EVENTS_MAX];
	int ev_head, nev;

	/* The picture's lattice, made for its size. */
	int width, height, nx, ny, sx, sy;
	uint8_t bx[LATTICE_W], by[LATTICE_H];   /* the block of each column, each row */
	int x0[BLOCKS_X + 1];                   /* the first column of each block, and the end */
	uint32_t count[BLOCKS_X * BLOCKS_Y];    /* samples per block */
	uint32_t sum[BLOCKS_X * BLOCKS_Y], ref[BLOCKS_X * BLOCKS_Y];
	int have_ref;
	int64_t ref_us;                 /* air time of the reference picture */
	int64_t prev_us;                /* air time of the last picture */
	int64_t cost_ns;
};

/* The calling thread's CPU time, ns (what the detectors cost, not the machine's load). */
static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* New detectors. */
struct alarm *
alarm_new(const struct alarm_conf *conf)
{
	struct alarm *a;
	int k, any = 0;

	for (k = 0; k < ALARM_KINDS; k++)
		any |= conf->after_us[k] > 0;
	if (!any)
		return NULL;
	a = xcalloc(1, sizeof *a);
	a->conf = *conf;
	for (k = 0; k < ALARM_KINDS; k++)
		a->det[k].since_us = -1;
	return a;
}

/* Free. */
void
alarm_free(struct alarm **ap)
{
	freep(ap);
}

/* A segment. */
void
alarm_segment(struct alarm *a, int64_t at_us, int64_t start_us, int64_t end_us,
    unsigned exempt)
{
	struct segment *s;

	if (a == NULL)
		return;
	/* Segments the detector is past (the next began before both streams' frames). */
	if (a->nseg == SEGMENTS_MAX) {
		memmove(a->seg, a->seg + 1, (SEGMENTS_MAX - 1) * sizeof *a->seg);
		a->nseg--;
	}
	s = &a->seg[a->nseg++];
	s->at_us = at_us;
	s->start_us = start_us;
	s->end_us = end_us;
	s->exempt = exempt;
}

/* The segment that covers t (none yet: nothing exempt, no boundary). */
static const struct segment *
segment_at(struct alarm *a, int64_t t)
{
	static const struct segment none;
	int i;

	for (i = a->nseg - 1; i >= 0; i--) {
		if (a->seg[i].at_us <= t)
			break;
	}
	if (i < 0)
		return a->nseg > 0 ? &a->seg[0] : &none;
	/* Older segments are behind both streams for good once two are past. */
	if (i >= 2) {
		memmove(a->seg, a->seg + (i - 1), (size_t)(a->nseg - (i - 1)) * sizeof *a->seg);
		a->nseg -= i - 1;
		i = 1;
	}
	return &a->seg[i];
}

/* Is t within the grace of a scheduled boundary of s? */
static int
near_boundary(const struct segment *s, int64_t t)
{
	return (s->start_us > 0 && t >= s->start_us - ALARM_GRACE_US &&
	    t < s->start_us + ALARM_GRACE_US) || (s->end_us > 0 &&
	    t >= s->end_us - ALARM_GRACE_US && t < s->end_us + ALARM_GRACE_US);
}

/* Queue an event (the oldest goes when the queue is full). */
static void
push_event(struct alarm *a, enum alarm_kind k, int raised, int64_t since, int64_t at)
{
	struct alarm_event *e;

	if (a->nev == EVENTS_MAX) {
		a->ev_head = (a->ev_head + 1) % EVENTS_MAX;
		a->nev--;
	}
	e = &a->ev[(a->ev_head + a->nev++) % EVENTS_MAX];
	e->kind = k;
	e->raised = raised;
	e->since_us = since;
	e->at_us = at;
}

/*
 * One observation of detector k: whether its condition holds over [t, end),
 * and since when it has held at the latest (began: the frozen picture was
 * first shown before it was first seen again).
 */
static void
observe(struct alarm *a, enum alarm_kind k, int cond, int64_t t, int64_t end, int64_t began)
{
	struct detector *d = &a->det[k];
	const struct segment *s;

	if (a->conf.after_us[k] <= 0)
		return;
	s = segment_at(a, t);
	d->last_us = end;
	if (!cond || (s->exempt & ALARM_EXEMPT(k))) {
		if (d->up)
			push_event(a, k, 0, d->since_us, t);
		d->up = 0;
		d->since_us = -1;
		return;
	}
	if (d->since_us < 0) {
		/* The scheduled black of a break does not start a stretch. */
		if (k != ALARM_FROZEN && near_boundary(s, t))
			return;
		/* A picture frozen since a stretch where it did not count: from there. */
		d->since_us = began > s->at_us ? began : s->at_us;
	}
	if (!d->up && end - d->since_us >= a->conf.after_us[k]) {
		d->up = 1;
		push_event(a, k, 1, d->since_us, d->since_us + a->conf.after_us[k]);
	}
}

/* Lay the lattice over a picture of w x h. */
static void
lattice(struct alarm *a, int w, int h)
{
	int i, j;

	a->width = w;
	a->height = h;
	a->sx = (w + LATTICE_W - 1) / LATTICE_W;
	a->sy = (h + LATTICE_H - 1) / LATTICE_H;
	a->nx = w / a->sx;
	a->ny = h / a->sy;
	memset(a->count, 0, sizeof a->count);
	for (i = 0; i < a->nx; i++)
		a->bx[i] = (uint8_t)(i * BLOCKS_X / a->nx);
	for (j = 0; j < a->ny; j++)
		a->by[j] = (uint8_t)(j * BLOCKS_Y / a->ny);
	for (i = 0, j = 0; i <= BLOCKS_X; i++) {
		while (j < a->nx && a->bx[j] < i)
			j++;
		a->x0[i] = j;
	}
	for (j = 0; j < a->ny; j++) {
		for (i = 0; i < a->nx; i++)
			a->count[a->by[j] * BLOCKS_X + a->bx[i]]++;
	}
	a->have_ref = 0;
}

/* Look at a picture. */
void
alarm_video(struct alarm *a, const AVFrame *f, int64_t wall_us)
{
	const uint8_t *row;
	uint32_t *bs;
	int64_t t0, frame_us, diff, began;
	int i, j, b, dark = 0, black, moved = 0, dark_max;

	if (a == NULL || f->data[0] == NULL || f->width <= 0 || f->height <= 0)
		return;
	t0 = now_ns();
	if (f->width != a->width || f->height != a->height)
		lattice(a, f->width, f->height);
	/* Limited range black is 16; 10% of the range above it is dark. */
	dark_max = f->color_range == AVCOL_RANGE_JPEG ? 25 : 37;
	memset(a->sum, 0, sizeof a->sum);
	for (j = 0; j < a->ny; j++) {
		row = f->data[0] + (size_t)(j * a->sy + a->sy / 2) * (size_t)f->linesize[0] +
		    a->sx / 2;
		bs = a->sum + a->by[j] * BLOCKS_X;
		/* Block by block: the sums in registers, not through memory. */
		for (b = 0; b < BLOCKS_X; b++) {
			uint32_t sum = 0;
			int n = 0;

			for (i = a->x0[b]; i < a->x0[b + 1]; i++) {
				uint8_t y = row[i * a->sx];

				sum += y;
				n += y <= dark_max;
			}
			bs[b] += sum;
			dark += n;
		}
	}
	black = (int64_t)dark * 100 >= (int64_t)BLACK_SHARE * a->nx * a->ny;
	if (a->have_ref) {
		for (b = 0; b < BLOCKS_X * BLOCKS_Y && !moved; b++) {
			diff = (int64_t)a->sum[b] - (int64_t)a->ref[b];
			moved = llabs(diff) > (int64_t)MOVED_LEVELS * a->count[b];
		}
	}
	frame_us = a->prev_us > 0 && wall_us > a->prev_us && wall_us - a->prev_us < 1000000 ?
	    wall_us - a->prev_us : 0;
	a->prev_us = wall_us;
	if (!a->have_ref || moved || black) {
		memcpy(a->ref, a->sum, sizeof a->ref);
		a->have_ref = 1;
		a->ref_us = wall_us;
	}
	observe(a, ALARM_BLACK, black, wall_us, wall_us + frame_us, wall_us);
	began = a->ref_us;
	observe(a, ALARM_FROZEN, a->ref_us < wall_us, wall_us, wall_us + frame_us, began);
	a->cost_ns += now_ns() - t0;
}

/* Look at samples. */
void
alarm_audio(struct alarm *a, const AVFrame *f, int64_t wall_us)
{
	const float *x;
	float peak = 0, v;
	int64_t t0;
	int c, i, n, planes;

	if (a == NULL || f->nb_samples <= 0 || f->sample_rate <= 0)
		return;
	if (f->format != AV_SAMPLE_FMT_FLTP && f->format != AV_SAMPLE_FMT_FLT)
		return;
	t0 = now_ns();
	planes = f->format == AV_SAMPLE_FMT_FLTP ? f->ch_layout.nb_channels : 1;
	n = f->format == AV_SAMPLE_FMT_FLTP ? f->nb_samples :
	    f->nb_samples * f->ch_layout.nb_channels;
	for (c = 0; c < planes && peak < SILENT_PEAK; c++) {
		x = (const float *)f->extended_data[c];
		for (i = 0; i < n; i++) {
			v = fabsf(x[i]);
			peak = v > peak ? v : peak;
		}
	}
	observe(a, ALARM_DEAD_AIR, peak < SILENT_PEAK, wall_us, wall_us +
	    (int64_t)f->nb_samples * 1000000 / f->sample_rate, wall_us);
	a->cost_ns += now_ns() - t0;
}

/* Next event. */
int
alarm_next(struct alarm *a, struct alarm_event *ev)
{
	if (a == NULL || a->nev == 0)
		return 0;
	*ev = a->ev[a->ev_head];
	a->ev_head = (a->ev_head + 1) % EVENTS_MAX;
	a->nev--;
	return 1;
}

/* The longest alarm up. */
int
alarm_longest(const struct alarm *a, int64_t from_us, int64_t *held_us)
{
	int64_t held, start;
	int k, best = -1;

	*held_us = 0;
	for (k = 0; a != NULL && k < ALARM_KINDS; k++) {
		if (!a->det[k].up)
			continue;
		start = a->det[k].since_us > from_us ? a->det[k].since_us : from_us;
		held = a->det[k].last_us - start;
		if (best < 0 || held > *held_us) {
			best = k;
			*held_us = held;
		}
	}
	return best;
}

/* Up since. */
int64_t
alarm_up(const struct alarm *a, enum alarm_kind kind)
{
	if (a == NULL || (unsigned)kind >= ALARM_KINDS || !a->det[kind].up)
		return 0;
	return a->det[kind].since_us;
}

/* Cost. */
int64_t
alarm_cost_ns(const struct alarm *a)
{
	return a != NULL ? a->cost_ns : 0;
}
