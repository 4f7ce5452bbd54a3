/*
 * channel.c: the channel worker.
 *
 * Time is the schedule: the channel numbers its output frames from t0 (the
 * wall-clock time it started) and frame v airs at t0 + v/fps. For each
 * frame it asks the fine log what covers that instant, so joining at any
 * moment lands at the right place of the right item, and items change
 * exactly at their scheduled times. An item is aired from its join point
 * until the first frame at or after its end; audio is counted in samples
 * and padded or cut to the same instant, so both streams meet at every
 * boundary and the one encoder pair runs on without a break.
 *
 * Encoding runs ahead of the clock by the lead (three segments by
 * default): a cold channel encodes as fast as it can until it is that far
 * ahead, then paces, so a player that starts three segments behind the
 * live edge has a real buffer from its first frame (DESIGN.md, "Start
 * with a buffer"). The status block shows the item on the air by the
 * clock, not the one being encoded.
 *
 * The channel thread never waits for a disk or the database: files are
 * opened by the channel's opener thread (engine/opener.c) PREFETCH_US
 * before their time, and as-run rows go to the channel's writer thread
 * (engine/asrunq.c). When a file is not open at its time, the channel
 * waits while its lead allows, then airs the slate and joins the item
 * later at the right offset. When a file cannot be opened, or ends (or
 * breaks) more than a second early, the slate airs until the item's end;
 * when nothing is scheduled, the slate airs until something is. Every
 * item, slate and gap gets an as-run row.
 *
 * A second audio program (SAP) is a second audio lane counted like the
 * first (ch->a2): an item with a track in the SAP language fills it from
 * the source's second reader, padded and cut to the same boundaries;
 * anything else (an item without one, a slate, a card, the guide) airs
 * its main audio there too, sample for sample.
 *
 * Concurrency: the thread owns everything here except `stop` and `reason`
 * (under lock, with `wake` to cut a pacing sleep short), the status block
 * (its own mutex), the ring (its own mutex), and what it hands to the
 * opener and the writer (their own mutexes). The interrupt callback reads
 * `stop` atomically so a blocking read (here or in the opener) ends when
 * the channel stops. Terminal signals are blocked in the threads.
 */
#include "engine/channel.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libavutil/frame.h>
#include <libavutil/mathematics.h>
#include <libavutil/pixfmt.h>
#include <libavutil/samplefmt.h>

#include "engine/asrunq.h"
#include "engine/cards.h"
#include "engine/guidech.h"
#include "engine/master.h"
#include "engine/opener.h"
#include "engine/output.h"
#include "engine/source.h"
#include "src/asrun.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/log.h"
#include "src/thread.h"
#include "src/util.h"

#define TRUNCATED_US 1000000            /* ending earlier than this is a failure */
#define AUDIO_PAD_US 500000             /* audio may lag this long before silence */
#define GAP_CHUNK_US 10000000           /* re-read the fine log this often in a gap */
#define PREFETCH_US 15000000            /* open files this long before their air time */
#define LOOKAHEAD_US 1000000            /* look for files to open this often (air time) */
#define FIRST_OPEN_WAIT_US 1000000      /* a cold start waits this long for its first file */
#define MIN_LEAD_US 2000000             /* a late file is waited for while the lead is above */
#define RETRY_JOIN_US 1000000           /* a file still not open: try to join it this much later */
#define STATUS_PENDING 8
#define CATCHUP_SEGMENT_MS 500          /* segment length while catching up with the lead */
#define CATCHUP_DONE_US 250000          /* caught up: within this of the lead */
#define BACKDATE_MS 1000                /* a cold start joins the schedule this long ago */
#define LOUDNESS_KEEP_S 30.0            /* a loudness measured on the air this long is kept */
#define SLATE_LINE1 "We are experiencing technical difficulties"
#define SLATE_LINE2 "Please stand by"

struct channel {
	struct channel_conf conf;
	struct channel_opts opts;
	char *db_path;
	char *preset;
	struct ring *ring;
	struct status_block *status;
	int64_t min_seq;
	char label[32];

	pthread_t thread;
	int started;                    /* the thread was created */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;                       /* atomic read in the interrupt callback */
	int done;
	char *reason;
	struct opener *opener;          /* opens files ahead (its own thread) */
	struct asrunq *log;             /* writes the as-run rows (its own thread) */

	/* Thread-only state. */
	sqlite3 *db;
	struct output_conf oconf;
	struct output *out;
	struct tail *tail;
	int64_t mono0;                  /* mono_us() at t0 */
	int64_t v;                      /* next video frame index */
	int64_t a;                      /* audio samples pushed into the tail */
	int sap;                        /* a second audio program */
	int sap_mirror;                 /* this play's SAP is its main audio */
	int64_t sap_ahead;              /* mirroring: SAP samples already there, to skip */
	int64_t a2;                     /* SAP samples pushed into the tail */
	char main_lang[8];              /* the first of the channel's languages, or "" */
	AVFrame *frame, *last;          /* last: the picture to hold, near a play's end */
	AVFrame *black;                 /* made on first use */
	struct guidech *guide;          /* a guide channel's listings, opened on first use */
	int64_t busy_us;                /* work time in the current stats window */
	int64_t win_start, win_v;       /* stats window start (mono) and frames then */
	int64_t look_v;                 /* look ahead for files to open at this frame */
	int catchup;                    /* behind the lead: short segments */
	int64_t lead_us;                /* the lead now: lead_ms, less while a file is late */
	/* What the status block will show, each from its air time (oldest first). */
	struct status_change {
		int64_t at_us;          /* UTC */
		struct status_item item, next;
		int slate;
	} pend[STATUS_PENDING];
	int npend;
};

/* State of one play (an item's file, a slate, or the guide's listings). */
struct play {
	struct source *src;
	struct guidech *guide;          /* instead of src: borrowed from the channel */
	int64_t v_end, a_end;           /* exclusive */
	int64_t a_item0;                /* a when this play started */
	int64_t a_src;                  /* samples the source has given */
	int audio_eof;
	int64_t a2_item0, a2_src;       /* the same for the SAP lane (its own source) */
	int sap_eof;
};

/* Is a stop requested? */
static int
stopping(struct channel *ch)
{
	return __atomic_load_n(&ch->stop, __ATOMIC_ACQUIRE);
}

/* AVIO interrupt callback. */
static int
interrupted(void *arg)
{
	return stopping(arg);
}

/* Copy at most n bytes of s into dst. */
static void
copy_str(char *dst, size_t n, const char *s)
{
	utf8_copy(dst, n, s);
}

/* Fill a status item from a fine item (NULL: a gap). */
static void
status_item_from(struct status_item *si, const struct fine_item *it, const char *title)
{
	memset(si, 0, sizeof *si);
	if (it == NULL) {
		copy_str(si->title, sizeof si->title, title);
		copy_str(si->kind, sizeof si->kind, "slate");
		return;
	}
	si->id = it->id;
	copy_str(si->title, sizeof si->title, title != NULL ? title : it->title != NULL ?
	    it->title : it->file_path);
	copy_str(si->kind, sizeof si->kind, item_kind_name(it->kind));
	si->start_ms = it->start_ms;
	si->end_ms = it->end_ms;
}

/* Wall-clock time now (UTC us), on the channel's own clock. */
static int64_t
wall_now(struct channel *ch)
{
	return ch->oconf.t0_us + (mono_us() - ch->mono0);
}

/* Put a change into the status block; caller holds the status lock. */
static void
apply_change_locked(struct channel *ch, const struct status_change *c)
{
	ch->status->s.item = c->item;
	ch->status->s.next = c->next;
	ch->status->s.slate = c->slate;
}

/*
 * The item that starts airing at the current frame and the one after it,
 * for the status block from that frame's air time on (encoding runs ahead
 * of the clock: the status shows what is on the air now).
 */
static void
status_now(struct channel *ch, const struct fine_item *it, const char *title, int slate)
{
	struct status_change *c;
	struct fine_item next;
	char *cause = NULL;
	int64_t at = output_frame_time(&ch->oconf, ch->v);
	int64_t from = it != NULL ? it->end_ms : at / 1000;
	int r;

	r = finelog_next(ch->db, ch->conf.id, from, &next, &cause);
	free(cause);
	if (ch->npend == STATUS_PENDING) {
		/* Items shorter than the lead: the oldest change is due anyway. */
		pthread_mutex_lock(&ch->status->lock);
		apply_change_locked(ch, &ch->pend[0]);
		pthread_mutex_unlock(&ch->status->lock);
		memmove(ch->pend, ch->pend + 1, (STATUS_PENDING - 1) * sizeof *ch->pend);
		ch->npend--;
	}
	c = &ch->pend[ch->npend++];
	c->at_us = at;
	status_item_from(&c->item, it, title);
	c->slate = slate;
	if (r == 0) {
		status_item_from(&c->next, &next, NULL);
		fine_item_clear(&next);
	} else
		memset(&c->next, 0, sizeof c->next);
}

/* Changes whose air time has come; caller holds the status lock. */
static void
status_due_locked(struct channel *ch, int64_t now_us)
{
	int k = 0;

	while (k < ch->npend && ch->pend[k].at_us <= now_us)
		apply_change_locked(ch, &ch->pend[k++]);
	if (k > 0) {
		memmove(ch->pend, ch->pend + k, (size_t)(ch->npend - k) * sizeof *ch->pend);
		ch->npend -= k;
	}
}

/* Every frame: progress; once a second: fps, speed, load, position, bitrate. */
static void
status_tick(struct channel *ch)
{
	struct channel_status *s = &ch->status->s;
	int64_t now = mono_us(), span = now - ch->win_start, air, dur, wall;
	size_t len;

	air = output_frame_time(&ch->oconf, ch->v) / 1000;
	wall = ch->oconf.t0_us + (now - ch->mono0);
	if (span < 1000000 && ch->win_start != 0) {
		/* Every frame: how far the channel has got, for precise rates. */
		pthread_mutex_lock(&ch->status->lock);
		s->air_ms = air;
		s->frames = ch->v;
		if (ch->npend > 0 && ch->pend[0].at_us <= wall)
			status_due_locked(ch, wall);
		pthread_mutex_unlock(&ch->status->lock);
		return;
	}
	ring_last_stats(ch->ring, &len, &dur);
	pthread_mutex_lock(&ch->status->lock);
	status_due_locked(ch, wall);
	if (ch->win_start != 0 && span > 0) {
		s->fps = (double)(ch->v - ch->win_v) * 1e6 / (double)span;
		s->speed = s->fps * ch->conf.fps_den / ch->conf.fps_num;
		s->load = (double)ch->busy_us / (double)span;
	}
	s->air_ms = air;
	s->frames = ch->v;
	if (s->item.end_ms > 0) {
		s->position_ms = wall / 1000 - s->item.start_ms;
		s->remaining_ms = s->item.end_ms - wall / 1000;
	} else
		s->position_ms = s->remaining_ms = 0;
	s->bitrate_bps = dur > 0 ? (int64_t)((double)len * 8 * 1e6 / (double)dur) : 0;
	s->media_seq = ring_live_seq(ch->ring);
	if (s->state == CHAN_STARTING && s->media_seq >= 0)
		s->state = CHAN_ON_AIR;
	pthread_mutex_unlock(&ch->status->lock);
	ch->win_start = now;
	ch->win_v = ch->v;
	ch->busy_us = 0;
}

/*
 * Sleep until frame v may be encoded (lead_ms ahead of its air time): a
 * channel behind its lead (a cold start) runs as fast as it can.
 */
static int
pace(struct channel *ch)
{
	int64_t due, now;
	struct timespec ts;

	due = ch->mono0 + (output_frame_time(&ch->oconf, ch->v) - ch->oconf.t0_us) - ch->lead_us;
	/* Short segments while well behind the lead, steady ones once there. */
	now = mono_us();
	if (ch->catchup && now - due < CATCHUP_DONE_US) {
		ch->catchup = 0;
		output_catchup(ch->out, 0);
	} else if (!ch->catchup && now - due > (int64_t)ch->opts.segment_ms * 1000) {
		ch->catchup = 1;
		output_catchup(ch->out, 1);
	}
	pthread_mutex_lock(&ch->lock);
	while (!ch->stop && (now = mono_us()) < due) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (due - now) / 1000000;
		ts.tv_nsec += ((due - now) % 1000000) * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&ch->wake, &ch->lock, &ts);
	}
	pthread_mutex_unlock(&ch->lock);
	return stopping(ch);
}

/* Encode what the tail has ready. */
static int
drain_tail(struct channel *ch, char **cause)
{
	int64_t wall;
	int ret;

	for (;;) {
		wall = output_frame_time(&ch->oconf, output_video_count(ch->out));
		ret = tail_video_out(ch->tail, ch->frame, wall);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			break;
		if (ret < 0)
			return ret;
		ret = output_video(ch->out, ch->frame, cause);
		av_frame_unref(ch->frame);
		if (ret < 0)
			return ret;
	}
	for (;;) {
		wall = ch->oconf.t0_us + av_rescale(output_audio_count(ch->out), 1000000,
		    OUTPUT_SAMPLE_RATE);
		ret = tail_audio_out(ch->tail, ch->frame, wall);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			break;
		if (ret < 0)
			return ret;
		ret = output_audio(ch->out, ch->frame, cause);
		av_frame_unref(ch->frame);
		if (ret < 0)
			return ret;
	}
	/* The SAP no further than the programme: an alert's hooks see both in step. */
	while (ch->sap && output_sap_count(ch->out) < output_audio_count(ch->out)) {
		wall = ch->oconf.t0_us + av_rescale(output_sap_count(ch->out), 1000000,
		    OUTPUT_SAMPLE_RATE);
		ret = tail_sap_out(ch->tail, ch->frame, wall);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			break;
		if (ret < 0)
			return ret;
		ret = output_sap(ch->out, ch->frame, cause);
		av_frame_unref(ch->frame);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int push_samples(struct channel *ch, int prog, AVFrame *f, int off, int n,
    char **cause);

/* Push a frame into lane prog (0 the programme, 1 the SAP), numbered by its count. */
static int
push_lane(struct channel *ch, int prog, AVFrame *f, char **cause)
{
	AVFrame *copy;
	int ret, k;

	if (prog == 0 && ch->sap && ch->sap_mirror && ch->sap_ahead > 0) {
		/* The SAP's lane ran ahead of the programme's (a play cut short). */
		k = ch->sap_ahead < f->nb_samples ? (int)ch->sap_ahead : f->nb_samples;
		ch->sap_ahead -= k;
		if (k < f->nb_samples && (ret = push_samples(ch, 1, f, k, f->nb_samples - k,
		    cause)) < 0) {
			av_frame_unref(f);
			return ret;
		}
	} else if (prog == 0 && ch->sap && ch->sap_mirror) {
		/* The SAP airs the programme's audio: the same samples. */
		if ((copy = av_frame_clone(f)) == NULL)
			return AVERROR(ENOMEM);
		copy->pts = ch->a2;
		ch->a2 += copy->nb_samples;
		ret = tail_sap_in(ch->tail, copy, cause);
		av_frame_free(&copy);
		if (ret < 0) {
			av_frame_unref(f);
			return ret;
		}
	}
	if (prog == 1) {
		f->pts = ch->a2;
		ch->a2 += f->nb_samples;
		return tail_sap_in(ch->tail, f, cause);
	}
	f->pts = ch->a;
	ch->a += f->nb_samples;
	return tail_audio_in(ch->tail, f, cause);
}

/* Push n samples of f starting at offset off into lane prog. */
static int
push_samples(struct channel *ch, int prog, AVFrame *f, int off, int n, char **cause)
{
	AVFrame *part;
	int ret;

	if (n <= 0)
		return 0;
	if (off == 0 && n == f->nb_samples)
		return push_lane(ch, prog, f, cause);
	part = av_frame_alloc();
	part->format = f->format;
	part->sample_rate = f->sample_rate;
	av_channel_layout_copy(&part->ch_layout, &f->ch_layout);
	part->nb_samples = n;
	if ((ret = av_frame_get_buffer(part, 0)) < 0) {
		av_frame_free(&part);
		return ret;
	}
	av_samples_copy(part->extended_data, f->extended_data, 0, off, n,
	    f->ch_layout.nb_channels, f->format);
	ret = push_lane(ch, prog, part, cause);
	av_frame_free(&part);
	return ret;
}

/* Push n samples of silence into lane prog. */
static int
push_silence(struct channel *ch, int prog, int64_t n, char **cause)
{
	AVFrame *f;
	int k, ret = 0;

	while (n > 0 && ret >= 0) {
		k = n > 1024 ? 1024 : (int)n;
		f = av_frame_alloc();
		f->format = AV_SAMPLE_FMT_FLTP;
		f->sample_rate = OUTPUT_SAMPLE_RATE;
		av_channel_layout_default(&f->ch_layout, 2);
		f->nb_samples = k;
		if ((ret = av_frame_get_buffer(f, 0)) >= 0) {
			av_samples_set_silence(f->extended_data, 0, k, 2, AV_SAMPLE_FMT_FLTP);
			ret = push_lane(ch, prog, f, cause);
		}
		av_frame_free(&f);
		n -= k;
	}
	return ret;
}

/*
 * Bring lane prog (0 the programme, 1 the SAP from its own reader) up to
 * sample target (within the play's end).
 */
static int
fill_audio(struct channel *ch, struct play *p, int prog, int64_t target, char **cause)
{
	int64_t *pos = prog ? &ch->a2 : &ch->a, *got = prog ? &p->a2_src : &p->a_src;
	int64_t item0 = prog ? p->a2_item0 : p->a_item0, emitted, drop;
	int *eof = prog ? &p->sap_eof : &p->audio_eof;
	AVFrame *f;
	int ret, n;

	if (target > p->a_end)
		target = p->a_end;
	f = av_frame_alloc();
	ret = 0;
	while (*pos < target) {
		if (*eof) {
			ret = push_silence(ch, prog, target - *pos, cause);
			break;
		}
		ret = prog ? source_sap_audio(p->src, f, cause) : p->guide != NULL ?
		    guidech_audio(p->guide, f, cause) : source_audio(p->src, f, cause);
		if (ret == AVERROR(EAGAIN)) {
			ret = 0;
			if (target - *pos > (int64_t)OUTPUT_SAMPLE_RATE * AUDIO_PAD_US / 1000000)
				ret = push_silence(ch, prog, target - *pos, cause);
			break;
		}
		if (ret < 0) {
			if (ret != AVERROR_EOF && cause != NULL && *cause != NULL) {
				log_warn("%s: %s; %ssilence until the item ends", ch->label, *cause,
				    prog ? "second audio program: " : "");
				freep(cause);
			}
			*eof = 1;
			ret = 0;
			continue;
		}
		/* Samples already covered by silence while the audio lagged. */
		emitted = *pos - item0;
		drop = emitted - *got;
		if (drop < 0)
			drop = 0;
		*got += f->nb_samples;
		if (drop < f->nb_samples) {
			n = f->nb_samples - (int)drop;
			if (n > p->a_end - *pos)
				n = (int)(p->a_end - *pos);
			ret = push_samples(ch, prog, f, (int)drop, n, cause);
		}
		av_frame_unref(f);
		if (ret < 0)
			break;
	}
	av_frame_free(&f);
	return ret;
}

/*
 * A play begins (or goes on): its SAP is its own lane when its source
 * has a track in the SAP language, else the programme's audio (the
 * lanes are level at every play's start: each ends at the play's end).
 */
static int
sap_begin(struct channel *ch, struct play *p, char **cause)
{
	int main_idx, sap_idx = -1;

	if (!ch->sap)
		return 0;
	if (p->src != NULL)
		source_audio_streams(p->src, &main_idx, &sap_idx);
	/*
	 * Not level (a play that stopped short): silence brings the SAP up; a
	 * SAP ahead skips as much of the audio it mirrors (its own reader's
	 * play starts where it is and ends with the other at the play's end).
	 */
	ch->sap_mirror = 0;
	if (ch->a2 < ch->a && push_silence(ch, 1, ch->a - ch->a2, cause) < 0)
		return -1;
	ch->sap_mirror = sap_idx < 0;
	ch->sap_ahead = ch->sap_mirror && ch->a2 > ch->a ? ch->a2 - ch->a : 0;
	return 0;
}

static void lookahead(struct channel *ch);

/* One frame's duration, us. */
static int64_t
frame_us(const struct channel *ch)
{
	return av_rescale(1000000, ch->conf.fps_den, ch->conf.fps_num);
}

/* A black picture in the channel's format (a reference into f). */
static int
black_frame(struct channel *ch, AVFrame *f)
{
	size_t h;
	int ret;

	if (ch->black == NULL) {
		ch->black = av_frame_alloc();
		ch->black->format = AV_PIX_FMT_YUV420P;
		ch->black->width = ch->conf.width;
		ch->black->height = ch->conf.height;
		ch->black->sample_aspect_ratio = (AVRational){ 1, 1 };
		if ((ret = av_frame_get_buffer(ch->black, 0)) < 0) {
			av_frame_free(&ch->black);
			return ret;
		}
		h = (size_t)ch->conf.height;
		memset(ch->black->data[0], 16, (size_t)ch->black->linesize[0] * h);
		memset(ch->black->data[1], 128, (size_t)ch->black->linesize[1] * ((h + 1) / 2));
		memset(ch->black->data[2], 128, (size_t)ch->black->linesize[2] * ((h + 1) / 2));
	}
	return av_frame_ref(f, ch->black);
}

/*
 * Air p until v reaches p->v_end. Returns 0 when the play completed, 1 if
 * the source ended or broke early (the caller airs the slate), -1 on an
 * encoder error (*cause), -2 when stopped.
 */
static int
run_play(struct channel *ch, struct play *p, char **cause)
{
	int64_t t0, remaining;
	int ret, early = 0, held;

	if (sap_begin(ch, p, cause) < 0)
		return -1;
	while (ch->v < p->v_end || ch->a < p->a_end ||
	    (ch->sap && !ch->sap_mirror && ch->a2 < p->a_end)) {
		if (pace(ch))
			return -2;
		t0 = mono_us();
		if (ch->v >= ch->look_v)
			lookahead(ch);
		if (tail_poll(ch->tail, output_frame_time(&ch->oconf, ch->v), cause) < 0)
			return -1;
		if (ch->v < p->v_end) {
			if (early)
				ret = AVERROR_EOF;
			else if (p->guide != NULL)
				ret = guidech_video(p->guide, ch->frame, output_frame_time(&ch->oconf,
				    ch->v), cause);
			else
				ret = source_video(p->src, ch->frame, cause);
			remaining = output_frame_time(&ch->oconf, p->v_end) -
			    output_frame_time(&ch->oconf, ch->v);
			held = 0;
			if (ret == AVERROR(EAGAIN)) {
				/* No video for now: hold the last picture (black if none). */
				ret = ch->last->buf[0] != NULL ? av_frame_ref(ch->frame, ch->last) :
				    black_frame(ch, ch->frame);
				held = 1;
			} else if (ret < 0 && ret != AVERROR_EXIT) {
				if (remaining > TRUNCATED_US || ch->last->buf[0] == NULL) {
					if (ret != AVERROR_EOF && cause != NULL && *cause == NULL)
						set_cause(cause, "decoding: %s", av_err2str(ret));
					return 1;
				}
				/* A few frames short: hold the last picture. */
				early = 1;
				if (cause != NULL)
					freep(cause);
				ret = av_frame_ref(ch->frame, ch->last);
			}
			if (ret < 0)
				return stopping(ch) ? -2 : -1;
			/*
			 * Keep the picture only where it may be held (the play's last
			 * second, a gap in the video): a frame the channel still holds
			 * is copied by every overlay that draws on it.
			 */
			if (!held) {
				av_frame_unref(ch->last);
				if (remaining <= TRUNCATED_US + 2 * frame_us(ch))
					av_frame_ref(ch->last, ch->frame);
			}
			ch->frame->pts = ch->v;
			ch->v++;
			if (tail_video_in(ch->tail, ch->frame, cause) < 0)
				return -1;
		}
		if (fill_audio(ch, p, 0, output_samples_before(&ch->oconf,
		    output_frame_time(&ch->oconf, ch->v)), cause) < 0)
			return -1;
		if (ch->sap && !ch->sap_mirror && fill_audio(ch, p, 1,
		    output_samples_before(&ch->oconf, output_frame_time(&ch->oconf, ch->v)),
		    cause) < 0)
			return -1;
		if (drain_tail(ch, cause) < 0)
			return -1;
		ch->busy_us += mono_us() - t0;
		status_tick(ch);
	}
	return 0;
}

/* Close an as-run row (through the writer: the channel never waits on SQLite). */
static void
asrun_close(struct channel *ch, int64_t row, const char *status, const char *errors)
{
	if (row > 0)
		asrunq_end(ch->log, row, output_frame_time(&ch->oconf, ch->v) / 1000, status,
		    errors);
}

/* Open an as-run row at the current frame (item may be NULL); its token. */
static int64_t
asrun_open(struct channel *ch, const struct fine_item *it, const char *title)
{
	return asrunq_begin(ch->log, ch->conf.id, it, title,
	    output_frame_time(&ch->oconf, ch->v) / 1000);
}

/* The stop reason, for the as-run log. */
static char *
stop_reason(struct channel *ch)
{
	char *r;

	pthread_mutex_lock(&ch->lock);
	r = xstrdup(ch->reason != NULL ? ch->reason : "the channel stopped");
	pthread_mutex_unlock(&ch->lock);
	return r;
}

/*
 * Close a row cut by a stop: at the clock, not at the frame being encoded
 * (what was encoded ahead of the clock never aired).
 */
static void
asrun_interrupted(struct channel *ch, int64_t row)
{
	int64_t end = output_frame_time(&ch->oconf, ch->v);
	char *reason;

	if (row <= 0)
		return;
	if (end > wall_now(ch))
		end = wall_now(ch);
	reason = stop_reason(ch);
	asrunq_end(ch->log, row, end / 1000, ASRUN_INTERRUPTED, reason);
	free(reason);
}

/*
 * A channel's picture shape: its aspect policy (SOURCE_FIT...) and its
 * display aspect ratio (0:0 when its pixels are square).
 */
static void
channel_shape(const struct channel_conf *c, int *aspect, int *dar_num, int *dar_den)
{
	const char *p = channel_conf_str(c, "aspect"), *d = channel_conf_str(c, "display_aspect");

	*aspect = p != NULL && strcmp(p, "stretch") == 0 ? SOURCE_STRETCH :
	    p != NULL && strcmp(p, "zoom") == 0 ? SOURCE_ZOOM : SOURCE_FIT;
	if (d == NULL || sscanf(d, "%d:%d", dar_num, dar_den) != 2 || *dar_num <= 0 ||
	    *dar_den <= 0)
		*dar_num = *dar_den = 0;
}

/* A channel's pixel shape from its display aspect (0:0 square). */
static void
channel_sar(const struct channel_conf *c, int *num, int *den)
{
	int aspect, dn, dd;

	channel_shape(c, &aspect, &dn, &dd);
	*num = *den = 0;
	if (dn > 0 && dd > 0)
		av_reduce(num, den, (int64_t)dn * c->height, (int64_t)dd * c->width, 1 << 16);
}

/* Source settings for this channel. */
static void
source_conf(struct channel *ch, struct source_conf *sc, double gain_db)
{
	memset(sc, 0, sizeof *sc);
	sc->width = ch->conf.width;
	sc->height = ch->conf.height;
	sc->fps_num = ch->conf.fps_num;
	sc->fps_den = ch->conf.fps_den;
	sc->language = ch->conf.audio_language;
	sc->sap_language = channel_conf_str(&ch->conf, "sap_language");
	channel_shape(&ch->conf, &sc->aspect, &sc->dar_num, &sc->dar_den);
	sc->gain_db = gain_db;
	sc->loudness_target = ch->opts.loudness_target;
	sc->decode_threads = ch->opts.decode_threads;
	sc->interrupt.callback = interrupted;
	sc->interrupt.opaque = ch;
}

/* Air the slate until end_us; it (may be NULL) is the item it replaces. */
static int
air_slate(struct channel *ch, const struct fine_item *it, const char *why, int64_t end_us,
    char **cause)
{
	struct source_conf sc;
	struct play p;
	char title[200];
	int64_t row;
	int ret;

	memset(&p, 0, sizeof p);
	source_conf(ch, &sc, 0);
	if (source_open_slate(&p.src, SLATE_LINE1, SLATE_LINE2, &sc, cause) < 0)
		return -1;
	if (it != NULL && it->kind == ITEM_SLATE)
		snprintf(title, sizeof title, "%s", it->title != NULL ? it->title : "Slate");
	else
		snprintf(title, sizeof title, "Technical difficulties slate%s%s",
		    it != NULL && it->title != NULL ? " for " : "",
		    it != NULL && it->title != NULL ? it->title : "");
	status_now(ch, it, it != NULL ? title : "Technical difficulties slate (nothing scheduled)",
	    1);
	row = asrun_open(ch, it, title);
	p.v_end = output_frames_before(&ch->oconf, end_us);
	p.a_end = output_samples_before(&ch->oconf, end_us);
	p.a_item0 = ch->a;
	p.a2_item0 = ch->a2;
	ret = run_play(ch, &p, cause);
	if (ret == -2) {
		asrun_interrupted(ch, row);
	} else
		asrun_close(ch, row, ASRUN_SLATE, why);
	source_free(&p.src);
	return ret == 1 ? 0 : ret;
}

/* Air a guide channel's item: the listings, until the item's end. */
static int
air_guide(struct channel *ch, struct fine_item *it, char **cause)
{
	struct source_conf sc;
	struct play p;
	char *why = NULL;
	int64_t end_us = it->end_ms * 1000, row, late_ms;
	int ret;

	memset(&p, 0, sizeof p);
	late_ms = output_frame_time(&ch->oconf, ch->v) / 1000 - it->start_ms;
	if (ch->guide == NULL) {
		source_conf(ch, &sc, 0);
		if (guidech_open(&ch->guide, ch->db, &ch->conf, &sc, cause) < 0) {
			why = *cause;
			*cause = NULL;
			log_error("%s: %s", ch->label, why);
			status_set_error(ch->status, why);
			ret = air_slate(ch, it, why, end_us, cause);
			free(why);
			return ret;
		}
	}
	status_now(ch, it, NULL, 0);
	row = asrun_open(ch, it, NULL);
	p.guide = ch->guide;
	p.v_end = output_frames_before(&ch->oconf, end_us);
	p.a_end = output_samples_before(&ch->oconf, end_us);
	p.a_item0 = ch->a;
	p.a2_item0 = ch->a2;
	log_info("%s: on air: %s", ch->label, it->title);
	ret = run_play(ch, &p, cause);
	if (ret == -2) {
		asrun_interrupted(ch, row);
		return 0;
	}
	if (ret == 1) {
		/* The listings cannot be drawn: say so, and the slate until the item ends. */
		why = cause != NULL && *cause != NULL ? *cause : xstrdup("the guide failed");
		if (cause != NULL)
			*cause = NULL;
		log_error("%s: %s", ch->label, why);
		status_set_error(ch->status, why);
		asrun_close(ch, row, ASRUN_PARTIAL, why);
		guidech_free(&ch->guide);
		ret = air_slate(ch, it, why, end_us, cause);
		free(why);
		return ret;
	}
	if (ret == 0)
		asrun_close(ch, row, late_ms > 1000 ? ASRUN_PARTIAL : ASRUN_AIRED,
		    late_ms > 1000 ? "joined the listings late" : NULL);
	return ret;
}

/*
 * Air a generated item (bars, a card, a bumper) drawn by engine/cards.c;
 * the slate if it cannot be drawn. 0, -1, or -2 when stopped.
 */
static int
air_card(struct channel *ch, struct fine_item *it, char **cause)
{
	struct source_conf sc;
	struct play p;
	char *why = NULL, at[32];
	int64_t join_us, end_us = it->end_ms * 1000, row, late_ms;
	int ret;

	memset(&p, 0, sizeof p);
	join_us = output_frame_time(&ch->oconf, ch->v);
	late_ms = join_us / 1000 - it->start_ms;
	source_conf(ch, &sc, 0);
	status_now(ch, it, NULL, 0);
	if (cards_open(&p.src, ch->db, &ch->conf, it, late_ms > 0 ? late_ms : 0, &sc,
	    &why) < 0) {
		log_error("%s: %s", ch->label, why);
		ret = air_slate(ch, it, why, end_us, cause);
		free(why);
		return ret;
	}
	row = asrun_open(ch, it, NULL);
	p.v_end = output_frames_before(&ch->oconf, end_us);
	p.a_end = output_samples_before(&ch->oconf, end_us);
	p.a_item0 = ch->a;
	p.a2_item0 = ch->a2;
	log_info("%s: on air: %s (%s, generated)", ch->label, it->title != NULL ? it->title :
	    item_kind_name(it->kind), item_kind_name(it->kind));
	ret = run_play(ch, &p, cause);
	if (ret == -2) {
		asrun_interrupted(ch, row);
		ret = 0;
	} else if (ret == 0 && late_ms > 1000) {
		xasprintf(&why, "joined %s into the item", fmt_duration(at, sizeof at, late_ms, 0));
		asrun_close(ch, row, ASRUN_PARTIAL, why);
		free(why);
	} else if (ret == 0)
		asrun_close(ch, row, ASRUN_AIRED, NULL);
	else if (ret == 1) {
		/* A card never ends early; a graph that broke leaves the slate. */
		asrun_close(ch, row, ASRUN_FAILED, "the card could not be drawn");
		source_free(&p.src);
		return air_slate(ch, it, "the card could not be drawn", end_us, cause);
	}
	source_free(&p.src);
	return ret;
}

/*
 * Source settings for a file item: the channel's, with the item's loudness
 * gain (NAN when its loudness was never measured: the source measures it
 * as it airs) and its title (for a file without a picture).
 */
static void
item_source_conf(struct channel *ch, const struct fine_item *it, struct source_conf *sc)
{
	double gain = NAN;

	if (isfinite(it->loudness_lufs)) {
		gain = ch->opts.loudness_target - it->loudness_lufs;
		gain = gain > 20 ? 20 : gain < -30 ? -30 : gain;
	}
	source_conf(ch, sc, gain);
	sc->title = it->title;
	sc->audio_override = it->audio_track;
}

/* The air time of the first frame at or after t_us. */
static int64_t
frame_at(struct channel *ch, int64_t t_us)
{
	return output_frame_time(&ch->oconf, output_frames_before(&ch->oconf, t_us));
}

/* Ask the opener for item it's file, to air from join_us. */
static void
want(struct channel *ch, const struct fine_item *it, int64_t join_us)
{
	struct source_conf sc;

	item_source_conf(ch, it, &sc);
	opener_want(ch->opener, it->id, join_us, it->file_path,
	    it->in_ms * 1000 + (join_us - it->start_ms * 1000), &sc);
}

/* Is this item one whose file the opener opens (not a card, the guide, a slate)? */
static int
opens_file(const struct channel *ch, const struct fine_item *it)
{
	return it->file_path != NULL && !(ch->conf.guide && fine_item_is_guide(it));
}

/*
 * Every LOOKAHEAD_US of air time: ask the opener for the files of the items
 * that start within PREFETCH_US, so each is open before its time.
 */
static void
lookahead(struct channel *ch)
{
	struct fine_item *items;
	char *cause = NULL;
	int64_t pos = output_frame_time(&ch->oconf, ch->v);
	size_t n, i;

	ch->look_v = output_frames_before(&ch->oconf, pos + LOOKAHEAD_US);
	if (finelog_items(ch->db, ch->conf.id, pos / 1000, (pos + PREFETCH_US) / 1000, &items,
	    &n, &cause) != 0) {
		log_warn("%s: looking ahead: %s", ch->label, cause);
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		if (items[i].start_ms * 1000 > pos && opens_file(ch, &items[i]))
			want(ch, &items[i], frame_at(ch, items[i].start_ms * 1000));
	}
	fine_items_free(&items, n);
}

/*
 * The item's file, open to join at the current frame. The opener has it
 * ready when it was asked for ahead; if not, the channel waits while its
 * lead allows (a cold start: FIRST_OPEN_WAIT_US), then airs the slate (one
 * as-run row) and asks again for a later join, until the file is open or
 * the item is over. 0 with *srcp; 1 with *why when the file cannot be
 * opened (or did not open before the item ended); -2 stopped; -1 error.
 */
static int
open_item(struct channel *ch, const struct fine_item *it, struct source **srcp, char **why,
    char **cause)
{
	struct source_conf sc;
	struct play p;
	enum opener_state st;
	char *note, len[32];
	int64_t join, next, end_us = it->end_ms * 1000, waited0 = 0, row = -1, budget;
	int ret = 0;

	memset(&p, 0, sizeof p);
	*srcp = NULL;
	for (;;) {
		join = output_frame_time(&ch->oconf, ch->v);
		if (join >= end_us) {
			xasprintf(why, "%s did not open before the item ended (waited %s)",
			    it->file_path, fmt_duration(len, sizeof len, (join - waited0) / 1000, 0));
			ret = 1;
			break;
		}
		st = opener_take(ch->opener, it->id, join, srcp, why);
		if (st == OPENER_UNKNOWN) {
			want(ch, it, join);
			st = OPENER_PENDING;
		}
		budget = ch->v == 0 ? FIRST_OPEN_WAIT_US : join - wall_now(ch) - MIN_LEAD_US;
		if (st == OPENER_PENDING && p.src == NULL && budget > 0 &&
		    opener_wait(ch->opener, it->id, join, budget) != OPENER_PENDING)
			st = opener_take(ch->opener, it->id, join, srcp, why);
		if (st == OPENER_READY)
			break;
		if (st == OPENER_FAILED) {
			ret = 1;
			break;
		}
		if (stopping(ch)) {
			ret = -2;
			break;
		}
		/*
		 * Not open yet: the slate until a later join point, and ask for that
		 * one. Meanwhile the channel keeps only a short lead, so the item
		 * joins soon after its file is open.
		 */
		if (p.src == NULL) {
			source_conf(ch, &sc, 0);
			if (source_open_slate(&p.src, SLATE_LINE1, SLATE_LINE2, &sc, cause) < 0)
				return -1;
			waited0 = join;
			log_warn("%s: %s is not open yet; the slate airs until it is", ch->label,
			    it->file_path);
			xasprintf(&note, "Technical difficulties slate for %s", it->title != NULL ?
			    it->title : it->file_path);
			status_now(ch, it, note, 1);
			row = asrun_open(ch, it, note);
			free(note);
			p.a_item0 = ch->a;
			p.a2_item0 = ch->a2;
		}
		next = frame_at(ch, join + RETRY_JOIN_US < end_us ? join + RETRY_JOIN_US : end_us);
		if (next < end_us)
			want(ch, it, next);
		p.v_end = output_frames_before(&ch->oconf, next);
		p.a_end = output_samples_before(&ch->oconf, next);
		ch->lead_us = MIN_LEAD_US < ch->lead_us ? MIN_LEAD_US : ch->lead_us;
		ret = run_play(ch, &p, cause);
		ch->lead_us = (int64_t)ch->opts.lead_ms * 1000;
		if (ret != 0)
			break;
	}
	opener_prune(ch->opener, output_frame_time(&ch->oconf, ch->v));
	if (p.src != NULL) {
		if (ret == -2) {
			asrun_interrupted(ch, row);
		} else {
			xasprintf(&note, "waited %s for %s to open", fmt_duration(len, sizeof len,
			    (output_frame_time(&ch->oconf, ch->v) - waited0) / 1000, 0), it->file_path);
			asrun_close(ch, row, ASRUN_SLATE, note);
			free(note);
		}
		source_free(&p.src);
	}
	return ret;
}

/*
 * A file whose loudness was never measured was measured as it aired: keep
 * the figure (through the writer) once it stands on enough of the file, so
 * its next airing starts at the right level. Validation's figure, from the
 * whole file, replaces it later.
 */
static void
note_loudness(struct channel *ch, const struct fine_item *it, struct source *src)
{
	double lufs, secs;

	if (src == NULL || it->media_file_id <= 0 || isfinite(it->loudness_lufs) ||
	    source_measured_loudness(src, &lufs, &secs) != 0 || !isfinite(lufs))
		return;
	if (secs < LOUDNESS_KEEP_S && secs < 0.8 * (double)(it->end_ms - it->start_ms) / 1000)
		return;
	log_info("%s: %s measured at %.1f LUFS on the air (%.0f s); kept", ch->label,
	    it->file_path, lufs, secs);
	asrunq_loudness(ch->log, it->media_file_id, lufs);
}

/* Air one item from the current frame to its end. */
static int
air_item(struct channel *ch, struct fine_item *it, char **cause)
{
	struct play p;
	char *why = NULL, at[32], len[32];
	int64_t join_us, offset_us, end_us = it->end_ms * 1000, row = -1, late_ms, first_us;
	int ret;

	if (ch->conf.guide && fine_item_is_guide(it))
		return air_guide(ch, it, cause);
	memset(&p, 0, sizeof p);
	if (it->file_path == NULL && it->media_file_id == 0 && it->kind != ITEM_SLATE &&
	    ITEM_KIND_GENERATED(it->kind) && it->kind != ITEM_GUIDE)
		return air_card(ch, it, cause);
	first_us = output_frame_time(&ch->oconf, ch->v);
	if (it->file_path == NULL) {
		/* A planned slate, or an item whose file left the library. */
		if (it->kind != ITEM_SLATE) {
			xasprintf(&why, "%s item %lld (%s) has no media file (removed from the "
			    "library?)", item_kind_name(it->kind), (long long)it->id,
			    it->title != NULL ? it->title : "untitled");
			log_warn("%s: %s", ch->label, why);
		}
		ret = 1;
		goto slate;
	}
	ret = open_item(ch, it, &p.src, &why, cause);
	if (ret == -2) {
		ret = 0;
		goto done;
	}
	if (ret < 0)
		goto done;
	join_us = output_frame_time(&ch->oconf, ch->v);
	late_ms = join_us / 1000 - it->start_ms;
	status_now(ch, it, NULL, 0);
	row = asrun_open(ch, it, NULL);
	if (ret == 1) {
		log_error("%s: %s", ch->label, why);
		status_set_error(ch->status, why);
		asrun_close(ch, row, ASRUN_FAILED, why);
		row = -1;
		goto slate;
	}
	offset_us = it->in_ms * 1000 + (join_us - it->start_ms * 1000);
	p.v_end = output_frames_before(&ch->oconf, end_us);
	p.a_end = output_samples_before(&ch->oconf, end_us);
	p.a_item0 = ch->a;
	p.a2_item0 = ch->a2;
	log_info("%s: on air: %s (%s) from %s", ch->label, it->title != NULL ?
	    it->title : it->file_path, it->file_path,
	    fmt_duration(at, sizeof at, offset_us / 1000, 0));
	ret = run_play(ch, &p, cause);
	if (ret == 1) {
		xasprintf(&why, "%s ended %s into the item (%s scheduled)%s%s%s: "
		    "the file is truncated or damaged", it->file_path,
		    fmt_duration(at, sizeof at, output_frame_time(&ch->oconf,
		    ch->v) / 1000 - it->start_ms, 0), fmt_duration(len, sizeof len,
		    it->end_ms - it->start_ms, 0),
		    source_error(p.src) != NULL || (cause != NULL && *cause != NULL) ?
		    " (" : "", source_error(p.src) != NULL ? source_error(p.src) :
		    cause != NULL && *cause != NULL ? *cause : "",
		    source_error(p.src) != NULL || (cause != NULL && *cause != NULL) ?
		    ")" : "");
		freep(cause);
		log_error("%s: %s", ch->label, why);
		status_set_error(ch->status, why);
		asrun_close(ch, row, ASRUN_PARTIAL, why);
		row = -1;
		goto slate;
	}
	if (ret == 0) {
		if (late_ms > 1000) {
			char *note;

			xasprintf(&note, "joined %s into the item%s", fmt_duration(at, sizeof at,
			    late_ms, 0), join_us - first_us > 1000000 ?
			    " (the file was late to open)" : "");
			asrun_close(ch, row, ASRUN_PARTIAL, note);
			free(note);
		} else
			asrun_close(ch, row, ASRUN_AIRED, NULL);
	}
	goto done;

slate:
	/* The slate airs in the item's place until its end. */
	source_free(&p.src);
	ret = air_slate(ch, it, why, end_us, cause);
done:
	if (ret == -2) {
		asrun_interrupted(ch, row);
		ret = 0;
	}
	note_loudness(ch, it, p.src);
	source_free(&p.src);
	free(why);
	return ret;
}

/* The main loop: what covers the next frame, aired until it ends. */
static int
air(struct channel *ch, char **cause)
{
	struct fine_item it, next;
	int64_t t_us, end_us;
	char *why;
	int r, ret;

	while (!stopping(ch)) {
		t_us = output_frame_time(&ch->oconf, ch->v);
		r = finelog_item_at(ch->db, ch->conf.id, t_us / 1000, &it, cause);
		if (r == 0) {
			ret = air_item(ch, &it, cause);
			fine_item_clear(&it);
		} else if (r == 1) {
			r = finelog_next(ch->db, ch->conf.id, t_us / 1000, &next, cause);
			end_us = t_us + GAP_CHUNK_US;
			if (r == 0) {
				if (next.start_ms * 1000 < end_us)
					end_us = next.start_ms * 1000;
				fine_item_clear(&next);
			}
			why = "nothing is scheduled";
			ret = air_slate(ch, NULL, why, end_us, cause);
		} else {
			log_error("%s: %s", ch->label, *cause);
			freep(cause);
			ret = air_slate(ch, NULL, "the fine log cannot be read", t_us + 2000000,
			    cause);
		}
		if (ret == -2)
			break;
		if (ret < 0)
			return -1;
	}
	return 0;
}

/*
 * A channel with a second audio program: the master playlist, its variant
 * (main.m3u8: the video, the main audio and the SAP's PID) with two audio
 * renditions, the main one in the variant's segments and the SAP on its
 * own (sap/index.m3u8, engine/output.c).
 */
static void
publish_master(struct channel *ch)
{
	struct master_variant v;
	struct master_rendition r[2];
	const char *sap = channel_conf_str(&ch->conf, "sap_language");
	char name[64];

	memset(&v, 0, sizeof v);
	memset(r, 0, sizeof r);
	v.uri = "main.m3u8";
	v.width = ch->conf.width;
	v.height = ch->conf.height;
	v.fps_num = ch->conf.fps_num;
	v.fps_den = ch->conf.fps_den;
	v.video_kbps = ch->conf.video_kbps;
	v.audio_kbps = ch->conf.audio_kbps;
	v.audio_streams = 2;
	r[0].type = r[1].type = MASTER_AUDIO;
	r[0].language = ch->main_lang[0] != '\0' ? ch->main_lang : NULL;
	r[0].name = r[0].language == NULL ? "Main" : NULL;
	r[0].dflt = 1;
	r[1].language = sap;
	snprintf(name, sizeof name, "%s (SAP)", master_language_name(sap));
	r[1].name = name;
	r[1].uri = OUTPUT_SAP_TRACK "/index.m3u8";
	ring_set_master(ch->ring, master_playlist(&v, r, 2));
}

/* Thread body. */
static void *
channel_main(void *arg)
{
	struct channel *ch = arg;
	struct tail_format tf;
	char *cause = NULL;
	char name[16];

	if (db_open(ch->db_path, 0, &ch->db, &cause) != 0)
		goto fail;
	snprintf(name, sizeof name, "rv-ch%s-open", ch->conf.number);
	if ((ch->opener = opener_new(ch->label, name, &cause)) == NULL)
		goto fail;
	snprintf(name, sizeof name, "rv-ch%s-log", ch->conf.number);
	if ((ch->log = asrunq_new(ch->db_path, ch->label, name, &cause)) == NULL)
		goto fail;
	if (output_open(&ch->out, &ch->oconf, ch->ring, &cause) < 0)
		goto fail;
	if (ch->sap)
		publish_master(ch);
	ch->catchup = 1;                /* a cold start: the burst */
	output_catchup(ch->out, 1);
	memset(&tf, 0, sizeof tf);
	tf.width = ch->conf.width;
	tf.height = ch->conf.height;
	tf.fps_num = ch->conf.fps_num;
	tf.fps_den = ch->conf.fps_den;
	tf.sample_rate = OUTPUT_SAMPLE_RATE;
	tf.sap = ch->sap;
	if (tail_new(&ch->tail, &tf, &ch->conf, ch->opts.plugins, ch->opts.globals,
	    ch->opts.nplugins, &cause) < 0)
		goto fail;
	ch->frame = av_frame_alloc();
	ch->last = av_frame_alloc();
	if (air(ch, &cause) < 0)
		goto fail;
	log_info("%s: off the air", ch->label);
	goto out;

fail:
	log_error("%s: %s", ch->label, cause != NULL ? cause : "failed");
	pthread_mutex_lock(&ch->status->lock);
	ch->status->s.state = CHAN_FAILING;
	pthread_mutex_unlock(&ch->status->lock);
	status_set_error(ch->status, cause != NULL ? cause : "failed");
	free(cause);
out:
	opener_free(&ch->opener);
	guidech_free(&ch->guide);
	av_frame_free(&ch->frame);
	av_frame_free(&ch->last);
	av_frame_free(&ch->black);
	output_close(&ch->out);
	tail_free(&ch->tail);
	ring_end(ch->ring);
	asrunq_free(&ch->log);          /* what is queued is written */
	db_close(&ch->db);
	pthread_mutex_lock(&ch->lock);
	ch->done = 1;
	pthread_mutex_unlock(&ch->lock);
	return NULL;
}

/* Start. */
struct channel *
channel_start(const struct channel_opts *opts, struct ring *ring,
    struct status_block *status, int64_t min_seq, char **cause)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	const struct channel_conf *c = opts->conf;
	pthread_condattr_t ca;
	int64_t wall_ms;
	char name[16];
	int ret;

	ch->opts = *opts;
	channel_conf_copy(&ch->conf, c);
	if (ch->conf.name == NULL)
		ch->conf.name = xstrdup(c->number);
	ch->db_path = xstrdup(opts->db_path);
	ch->preset = xstrdup(opts->preset != NULL ? opts->preset : "veryfast");
	ch->opts.conf = &ch->conf;
	ch->opts.db_path = ch->db_path;
	ch->lead_us = (int64_t)opts->lead_ms * 1000;
	ch->opts.preset = ch->preset;
	ch->ring = ring;
	ch->status = status;
	ch->min_seq = min_seq;
	snprintf(ch->label, sizeof ch->label, "channel %s", c->number);
	pthread_mutex_init(&ch->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ch->wake, &ca);
	pthread_condattr_destroy(&ca);

	/*
	 * The channel joins the schedule a moment before now, so a cold
	 * start's first viewer plays that far behind the clock with that much
	 * more buffer, as later viewers do.
	 */
	wall_ms = now_ms() - BACKDATE_MS;
	ch->mono0 = mono_us() - BACKDATE_MS * 1000;
	memset(&ch->oconf, 0, sizeof ch->oconf);
	ch->oconf.name = ch->conf.name;
	ch->oconf.width = c->width;
	ch->oconf.height = c->height;
	ch->oconf.fps_num = c->fps_num;
	ch->oconf.fps_den = c->fps_den;
	ch->oconf.video_kbps = c->video_kbps;
	ch->oconf.audio_kbps = c->audio_kbps;
	ch->oconf.segment_ms = opts->segment_ms;
	ch->oconf.catchup_ms = opts->segment_ms > CATCHUP_SEGMENT_MS ? CATCHUP_SEGMENT_MS : 0;
	ch->oconf.preset = ch->preset;
	ch->oconf.t0_us = wall_ms * 1000;
	/* The audio streams' languages; the second audio program. */
	snprintf(ch->main_lang, sizeof ch->main_lang, "%.3s", c->audio_language != NULL ?
	    c->audio_language : "");
	ch->oconf.language = ch->main_lang[0] != '\0' ? ch->main_lang : NULL;
	ch->oconf.sap_language = channel_conf_str(&ch->conf, "sap_language");
	ch->sap = ch->oconf.sap_language != NULL && *ch->oconf.sap_language != '\0';
	channel_sar(&ch->conf, &ch->oconf.sar_num, &ch->oconf.sar_den);

	pthread_mutex_lock(&status->lock);
	status->s.state = CHAN_STARTING;
	status->s.started_ms = wall_ms + BACKDATE_MS;
	status->s.frames = 0;
	status->s.fps = status->s.speed = status->s.load = 0;
	pthread_mutex_unlock(&status->lock);
	ring_begin(ring, min_seq, (opts->segment_ms + 999) / 1000);

	snprintf(name, sizeof name, "rv-ch%s", c->number);
	if ((ret = thread_start(&ch->thread, name, channel_main, ch)) != 0) {
		set_cause(cause, "channel %s: cannot start a thread: %s", c->number, strerror(ret));
		ring_end(ring);
		ch->done = 1;
		channel_free(&ch, NULL);
		return NULL;
	}
	ch->started = 1;
	return ch;
}

/* Ask to stop. */
void
channel_stop(struct channel *ch, const char *reason)
{
	pthread_mutex_lock(&ch->lock);
	if (ch->reason == NULL && reason != NULL)
		ch->reason = xstrdup(reason);
	__atomic_store_n(&ch->stop, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&ch->wake);
	pthread_mutex_unlock(&ch->lock);
}

/* Finished? */
int
channel_done(struct channel *ch)
{
	int done;

	pthread_mutex_lock(&ch->lock);
	done = ch->done;
	pthread_mutex_unlock(&ch->lock);
	return done;
}

/* Stop, join, free. */
void
channel_free(struct channel **chp, const char *reason)
{
	struct channel *ch;

	if (chp == NULL || (ch = *chp) == NULL)
		return;
	channel_stop(ch, reason);
	if (ch->started)
		pthread_join(ch->thread, NULL);
	pthread_mutex_destroy(&ch->lock);
	pthread_cond_destroy(&ch->wake);
	channel_conf_clear(&ch->conf);
	free(ch->db_path);
	free(ch->preset);
	free(ch->reason);
	freep(chp);
}
