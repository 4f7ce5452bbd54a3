/*
 * director.c: the Program Director.
 *
 * Concurrency: one mutex (d->lock) guards the slot array and each slot's
 * fields except its status block (own mutex) and ring (own mutex). It
 * guards memory only: nothing holds it across a SQLite call, a thread
 * join, or anything else that may wait, so every HTTP request (each takes
 * it briefly in director_tune) answers while the database is locked by a
 * long write or a pipeline is slow to stop.
 *
 * Work that waits is collected under the lock and done outside it:
 *  - Starting: channel_start only spawns the thread (the pipeline opens
 *    its files on its own), so HTTP threads start channels under d->lock
 *    and a tune-in never waits for the tick.
 *  - Stopping: a pipeline is taken off its slot under the lock (s->ch
 *    becomes NULL, s->stopping is set, channel_stop asks the thread to
 *    end) and joined outside it by whoever took it off: the director's
 *    thread (idle, removed, finished pipelines), director_stop_channel,
 *    director_shutdown, director_free. Until the join is over the slot is
 *    not started again (its ring is not re-begun under the old thread);
 *    a tune-in meanwhile queues a waiter on the slot (director_tune never
 *    joins) and the slot restarts once the old thread is gone.
 *  - The database: the director's thread alone uses d->db (settings,
 *    channel list, saved sequence numbers, schedule extension), always
 *    without the lock; the results are applied under it.
 *
 * The thread ("rv-director") ticks twice a second, or when woken: it
 * reaps finished pipelines, stops idle ones, starts always-on ones, counts
 * viewers, saves media sequence numbers, reloads on request, extends the
 * schedules. Slots are never freed before director_free, so a ring
 * pointer handed out stays valid. Lock order: d->lock, then a status
 * lock, a ring lock or a channel's lock; never the other way. Waiters'
 * suspend() runs under d->lock, wake() without it.
 */
#include "engine/director.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/channel.h"
#include "src/asrun.h"
#include "src/chanset.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/log.h"
#include "src/util.h"
#include "src/thread.h"

#define TICK_MS 500
#define HLS_CLIENTS 32
#define RETRY_MS 10000                  /* a failed channel waits this long */
#define SEQ_MARGIN 16                   /* numbers skipped after a restart */
#define SEQ_SAVE_STEP (SEQ_MARGIN / 2)  /* a running channel's number saved this often */
#define PLUGINS_MAX 8
#define HEALTH_STALL_MS 60000           /* no tick for this long: unhealthy */
#define EXTEND_EVERY_MS 60000           /* look at the horizons this often */

struct hls_client {
	uint64_t key;
	int64_t seen_ms;
};

struct slot {
	struct channel_conf conf;
	struct ring *ring;
	struct status_block status;
	struct channel *ch;             /* the pipeline on the air, or NULL */
	int stopping;                   /* a pipeline taken off is being joined */
	char *restart;                  /* start again after the join: why (or NULL) */
	struct ring_waiter *waiters;    /* tune-ins waiting for the join */
	int present;                    /* in the database and enabled */
	int64_t last_seen_ms;           /* last viewer activity */
	int ts_clients;
	struct hls_client hls[HLS_CLIENTS];
	int64_t retry_ms;               /* failing: not before */
	int64_t refused_log_ms;
	int64_t saved_seq;              /* next_seq saved in system_config (-1: unknown) */
	int64_t extend_fail_ms;         /* the last extension failed then */
};

/* A pipeline taken off its slot, to be joined outside the lock. */
struct stopped {
	struct slot *s;
	struct channel *ch;
};

/* A sequence number to save outside the lock. */
struct seq_save {
	struct slot *s;
	int64_t channel_id;
	int64_t next;                   /* -1 once the save failed */
};

struct director {
	struct director_opts opts;      /* in force */
	struct director_opts given;     /* what the caller fixed (zero: from settings) */
	char *db_path;
	sqlite3 *db;                    /* the director thread's (and setup's); no lock */
	pthread_mutex_t lock;
	pthread_cond_t wake;            /* the director's thread: work to do */
	pthread_cond_t joined;          /* a slot's stopping ended */
	struct slot **slots;
	size_t nslots;
	struct stopped *reap;           /* finished pipelines for the thread to join */
	size_t nreap;
	int stop;                       /* written atomically */
	int shutdown;                   /* no more starts; written atomically */
	int reload;
	int running;                    /* written atomically */
	int64_t tick_ms;                /* UTC, ms: the thread's last tick (atomic) */
	int64_t extended_ms;            /* horizons last looked at (thread only) */
	pthread_t thread;
	const struct tail_plugin *plugins[PLUGINS_MAX];
	void *globals[PLUGINS_MAX];
	int nplugins;
};

/* The channel list as read from the database (outside the lock). */
struct chan_list {
	struct channel_conf *list;
	int64_t *seq;                   /* saved sequence number of each */
	size_t n;
};

/* An integer setting from system_config, or dflt. */
static long long
setting_int(sqlite3 *db, const char *key, long long dflt, long long min, long long max)
{
	sqlite3_stmt *st;
	long long v = dflt, n;

	st = db_prepare(db, "SELECT value FROM system_config WHERE key = ?1", NULL);
	if (st == NULL)
		return dflt;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (parse_int(db_text(st, 0), min, max, &n) == 0)
			v = n;
		else
			log_warn("setting %s: '%s' is not a number from %lld to %lld; using %lld",
			    key, db_text(st, 0), min, max, dflt);
	}
	sqlite3_finalize(st);
	return v;
}

/* A text setting (copied into buf), or dflt. */
static void
setting_text(sqlite3 *db, const char *key, const char *dflt, char *buf, size_t len)
{
	sqlite3_stmt *st;

	snprintf(buf, len, "%s", dflt);
	st = db_prepare(db, "SELECT value FROM system_config WHERE key = ?1", NULL);
	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && *db_text(st, 0) != '\0')
		snprintf(buf, len, "%s", db_text(st, 0));
	sqlite3_finalize(st);
}

/* Settings from the database. */
void
director_opts_load(struct director_opts *o, sqlite3 *db)
{
	static const char *presets[] = { "ultrafast", "superfast", "veryfast", "faster", "fast",
	    "medium", "slow", "slower", "veryslow" };
	char buf[32];
	size_t i;

#define SETTING(f, key, dflt, min, max) \
	if (o->f <= 0) \
		o->f = (int)setting_int(db, key, dflt, min, max)
	SETTING(max_channels, "engine.max_channels", 4, 1, 10000);
	SETTING(idle_timeout_s, "engine.idle_timeout_s", 60, 1, 86400);
	SETTING(segment_ms, "engine.segment_ms", 2000, 1000, 10000);
	SETTING(lead_ms, "engine.lead_ms", 3 * o->segment_ms, 200, 30000);
	SETTING(list_size, "engine.playlist_size", 6, 3, 100);
	SETTING(keep, "engine.keep_segments", 6, 1, 100);
	SETTING(decode_threads, "engine.decode_threads", 1, 1, 16);
#undef SETTING
	if (o->preset[0] == '\0') {
		setting_text(db, "engine.x264_preset", "veryfast", buf, sizeof buf);
		for (i = 0; i < nitems(presets); i++) {
			if (strcmp(buf, presets[i]) == 0)
				break;
		}
		if (i == nitems(presets)) {
			log_warn("setting engine.x264_preset: '%s' is not an x264 preset; using "
			    "veryfast", buf);
			snprintf(buf, sizeof buf, "veryfast");
		}
		snprintf(o->preset, sizeof o->preset, "%s", buf);
	}
	if (o->loudness_target == 0) {          /* 0 LUFS is no target: not given */
		setting_text(db, "engine.loudness_target", "-24", buf, sizeof buf);
		o->loudness_target = strtod(buf, NULL);
		if (!isfinite(o->loudness_target) || o->loudness_target < -70 ||
		    o->loudness_target >= 0)
			o->loudness_target = -24;
	}
}

/* Slot by guide number; caller holds the lock. */
static struct slot *
find_locked(struct director *d, const char *number)
{
	size_t i;

	for (i = 0; i < d->nslots; i++) {
		if (strcmp(d->slots[i]->conf.number, number) == 0)
			return d->slots[i];
	}
	return NULL;
}

/* The saved sequence counter of a channel (director thread, no lock). */
static int64_t
saved_seq(struct director *d, int64_t channel_id)
{
	char key[64];

	snprintf(key, sizeof key, "engine.hls_seq.%lld", (long long)channel_id);
	return setting_int(d->db, key, 0, 0, INT64_MAX);
}

/* Save a channel's next sequence number (director thread, no lock). */
static int
save_seq(struct director *d, int64_t channel_id, int64_t next)
{
	sqlite3_stmt *st;
	char key[64];
	int ret = 0;

	snprintf(key, sizeof key, "engine.hls_seq.%lld", (long long)channel_id);
	st = db_prepare(d->db, "INSERT INTO system_config (key, value, description, updated_at) "
	    "VALUES (?1, ?2, 'next HLS media sequence number (engine)', "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) ON CONFLICT (key) DO UPDATE SET "
	    "value = excluded.value, updated_at = excluded.updated_at", NULL);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, next);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_warn("saving the media sequence of channel %lld: %s", (long long)channel_id,
		    sqlite3_errmsg(d->db));
		ret = -1;
	}
	sqlite3_finalize(st);
	return ret;
}

/* Read the channel list and their saved sequence numbers (no lock). */
static int
read_channels(struct director *d, struct chan_list *cl, char **cause)
{
	size_t i;

	memset(cl, 0, sizeof *cl);
	if (channels_load(d->db, &cl->list, &cl->n, cause) != 0)
		return -1;
	cl->seq = xcalloc(cl->n + 1, sizeof *cl->seq);
	for (i = 0; i < cl->n; i++) {
		if (chanset_has(d->given.owned, cl->list[i].number))
			cl->seq[i] = saved_seq(d, cl->list[i].id);
	}
	return 0;
}

/* Free a list read by read_channels. */
static void
chan_list_clear(struct chan_list *cl)
{
	channels_free(&cl->list, cl->n);
	free(cl->seq);
	memset(cl, 0, sizeof *cl);
}

/* Take a channel list into the slots; caller holds the lock. */
static void
apply_channels_locked(struct director *d, const struct chan_list *cl)
{
	struct slot *s;
	size_t i;

	for (i = 0; i < d->nslots; i++)
		d->slots[i]->present = 0;
	for (i = 0; i < cl->n; i++) {
		if (!chanset_has(d->given.owned, cl->list[i].number))
			continue;               /* another daemon's */
		if ((s = find_locked(d, cl->list[i].number)) == NULL) {
			s = xcalloc(1, sizeof *s);
			pthread_mutex_init(&s->status.lock, NULL);
			s->ring = ring_new(cl->list[i].number, d->opts.list_size, d->opts.keep);
			d->slots = xreallocarray(d->slots, d->nslots + 1, sizeof *d->slots);
			d->slots[d->nslots++] = s;
			s->saved_seq = cl->seq[i];
		} else
			channel_conf_clear(&s->conf);
		channel_conf_copy(&s->conf, &cl->list[i]);
		s->present = cl->list[i].enabled != 0;
		pthread_mutex_lock(&s->status.lock);
		s->status.s.channel_id = s->conf.id;
		utf8_copy(s->status.s.number, sizeof s->status.s.number, s->conf.number);
		utf8_copy(s->status.s.name, sizeof s->status.s.name, s->conf.name);
		s->status.s.always_on = s->conf.always_on;
		if (s->ch == NULL && !s->stopping && s->status.s.state != CHAN_FAILING)
			s->status.s.media_seq = -1;
		pthread_mutex_unlock(&s->status.lock);
	}
}

/* New director. */
struct director *
director_new(const struct director_opts *opts, char **cause)
{
	struct director *d = xcalloc(1, sizeof *d);
	struct chan_list cl;
	pthread_condattr_t ca;
	size_t i;

	d->opts = d->given = *opts;
	d->db_path = xstrdup(opts->db_path);
	d->opts.db_path = d->given.db_path = d->db_path;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &ca);
	pthread_cond_init(&d->joined, &ca);
	pthread_condattr_destroy(&ca);
	if (db_open(d->db_path, 0, &d->db, cause) != 0)
		goto fail;
	director_opts_load(&d->opts, d->db);
	if (read_channels(d, &cl, cause) != 0)
		goto fail;
	pthread_mutex_lock(&d->lock);
	apply_channels_locked(d, &cl);
	pthread_mutex_unlock(&d->lock);
	chan_list_clear(&cl);
	/* No thread runs yet: the slots are ours to read without the lock. */
	for (i = 0; i < d->nslots; i++) {
		if (asrun_close_stale(d->db, d->slots[i]->conf.id, NULL) != 0)
			log_warn("channel %s: cannot close stale as-run rows",
			    d->slots[i]->conf.number);
	}
	return d;

fail:
	director_free(&d);
	return NULL;
}

/* Register a plug-in. */
void
director_add_plugin(struct director *d, const struct tail_plugin *plugin, void *global)
{
	pthread_mutex_lock(&d->lock);
	if (d->nplugins < PLUGINS_MAX) {
		d->plugins[d->nplugins] = plugin;
		d->globals[d->nplugins] = global;
		d->nplugins++;
	} else
		log_error("too many tail plug-ins; %s is not loaded", plugin->name);
	pthread_mutex_unlock(&d->lock);
}

/*
 * Start a slot's pipeline; caller holds the lock. Quick: no database, no
 * wait (the pipeline opens everything on its own thread).
 */
static int
start_locked(struct director *d, struct slot *s, const char *why, char **cause)
{
	struct channel_opts co;
	int64_t min_seq;

	if (s->ch != NULL)
		return 0;
	if (s->stopping) {              /* the old thread is not joined yet */
		set_cause(cause, "channel %s is still going off the air", s->conf.number);
		return -1;
	}
	memset(&co, 0, sizeof co);
	co.db_path = d->db_path;
	co.conf = &s->conf;
	co.segment_ms = d->opts.segment_ms;
	co.lead_ms = d->opts.lead_ms;
	co.preset = d->opts.preset;
	co.loudness_target = d->opts.loudness_target;
	co.decode_threads = d->opts.decode_threads;
	co.plugins = d->plugins;
	co.globals = d->globals;
	co.nplugins = d->nplugins;
	/*
	 * Media sequence numbers never go backwards: on from the ring's own
	 * count, the saved one (a daemon restart; a running channel's is saved
	 * every SEQ_SAVE_STEP numbers, less than the margin), and the clock
	 * in seconds (a crash after the last save; a channel makes under one
	 * segment a second once past its start).
	 */
	min_seq = now_ms() / 1000;
	if (s->saved_seq > 0 && s->saved_seq + SEQ_MARGIN > min_seq)
		min_seq = s->saved_seq + SEQ_MARGIN;
	s->ch = channel_start(&co, s->ring, &s->status, min_seq, cause);
	if (s->ch == NULL)
		return -1;
	s->last_seen_ms = now_ms();
	log_info("channel %s (%s): starting (%s)", s->conf.number, s->conf.name, why);
	return 0;
}

/* Count active pipelines (those being stopped too); caller holds the lock. */
static int
active_locked(struct director *d)
{
	size_t i;
	int n = 0;

	for (i = 0; i < d->nslots; i++)
		n += d->slots[i]->ch != NULL || d->slots[i]->stopping;
	return n;
}

/*
 * Take a slot's pipeline off and ask it to stop; caller holds the lock
 * and joins the pipeline without it, then calls stopped_locked.
 */
static struct channel *
take_off_locked(struct slot *s, const char *reason)
{
	struct channel *ch = s->ch;

	if (ch == NULL)
		return NULL;
	s->ch = NULL;
	s->stopping++;
	channel_stop(ch, reason);
	return ch;
}

/* Join a pipeline taken off (no lock held); 1 if it had failed. */
static int
join(struct slot *s, struct channel **chp)
{
	int failed;

	channel_free(chp, NULL);
	pthread_mutex_lock(&s->status.lock);
	failed = s->status.s.state == CHAN_FAILING;
	pthread_mutex_unlock(&s->status.lock);
	return failed;
}

/*
 * A slot's old pipeline is joined: reset its status, start it again if a
 * viewer or the operator asked meanwhile, and hand back the waiters to
 * wake (without the lock). Caller holds the lock.
 */
static struct ring_waiter *
stopped_locked(struct director *d, struct slot *s, int failed)
{
	struct ring_waiter *w;
	char *why, *cause = NULL;
	int64_t now = now_ms();

	s->stopping--;
	pthread_mutex_lock(&s->status.lock);
	if (s->status.s.state != CHAN_FAILING)
		s->status.s.state = CHAN_IDLE;
	s->status.s.started_ms = 0;
	s->status.s.fps = s->status.s.speed = s->status.s.load = 0;
	s->status.s.bitrate_bps = 0;
	s->status.s.media_seq = -1;
	s->status.s.slate = 0;
	memset(&s->status.s.item, 0, sizeof s->status.s.item);
	memset(&s->status.s.next, 0, sizeof s->status.s.next);
	pthread_mutex_unlock(&s->status.lock);
	if (failed)
		s->retry_ms = now + RETRY_MS;
	if (s->stopping > 0)
		return NULL;            /* another take-off is still joining */
	why = s->restart;
	s->restart = NULL;
	if (why != NULL && s->present && !d->shutdown && now >= s->retry_ms &&
	    active_locked(d) < d->opts.max_channels && start_locked(d, s, why, &cause) != 0) {
		log_error("%s", cause);
		status_set_error(&s->status, cause);
		free(cause);
		s->retry_ms = now + RETRY_MS;
	}
	free(why);
	w = s->waiters;
	s->waiters = NULL;
	pthread_cond_broadcast(&d->joined);
	return w;
}

/* Join the pipelines of list (no lock held), then finish their slots. */
static void
join_list(struct director *d, struct stopped *list, size_t n)
{
	struct ring_waiter *wake = NULL, *w, *last;
	int *failed = xcalloc(n + 1, sizeof *failed);
	size_t i;

	for (i = 0; i < n; i++)
		failed[i] = join(list[i].s, &list[i].ch);
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < n; i++) {
		if ((w = stopped_locked(d, list[i].s, failed[i])) == NULL)
			continue;
		for (last = w; last->next != NULL; last = last->next)
			;
		last->next = wake;
		wake = w;
	}
	pthread_mutex_unlock(&d->lock);
	ring_waiters_wake(wake);
	free(failed);
}

/* Viewers of a slot now; caller holds the lock. */
static int
hls_viewers_locked(struct director *d, struct slot *s, int64_t now)
{
	int64_t window = 3LL * d->opts.segment_ms + 4000;
	int i, n = 0;

	for (i = 0; i < HLS_CLIENTS; i++) {
		if (s->hls[i].key != 0 && now - s->hls[i].seen_ms <= window)
			n++;
	}
	return n;
}

/* Note an HLS client; caller holds the lock. */
static void
hls_seen_locked(struct slot *s, uint64_t key, int64_t now)
{
	int i, oldest = 0;

	if (key == 0)
		key = 1;
	for (i = 0; i < HLS_CLIENTS; i++) {
		if (s->hls[i].key == key) {
			s->hls[i].seen_ms = now;
			return;
		}
		if (s->hls[i].seen_ms < s->hls[oldest].seen_ms)
			oldest = i;
	}
	s->hls[oldest].key = key;
	s->hls[oldest].seen_ms = now;
}

/* Hand a finished pipeline to the director's thread; caller holds the lock. */
static void
reap_locked(struct director *d, struct slot *s)
{
	d->reap = xreallocarray(d->reap, d->nreap + 1, sizeof *d->reap);
	d->reap[d->nreap].s = s;
	d->reap[d->nreap].ch = take_off_locked(s, NULL);
	d->nreap++;
	pthread_cond_broadcast(&d->wake);
}

/* A viewer's request. */
enum director_result
director_tune(struct director *d, const char *number, int flags, uint64_t client,
    struct ring **ring, struct ring_waiter *w)
{
	struct slot *s;
	enum director_result res = DIRECTOR_OK;
	char *cause = NULL;
	const char *why;
	int64_t now = now_ms();
	int n;

	*ring = NULL;
	pthread_mutex_lock(&d->lock);
	s = find_locked(d, number);
	if (s == NULL && !chanset_has(d->given.owned, number)) {
		res = DIRECTOR_NOT_HERE;
		goto out;
	}
	if (s == NULL || !s->present) {
		res = DIRECTOR_NO_CHANNEL;
		goto out;
	}
	if (d->shutdown) {
		res = DIRECTOR_FAILING;
		goto out;
	}
	/* A pipeline that ended: the director's thread joins it (never here). */
	if (s->ch != NULL && channel_done(s->ch))
		reap_locked(d, s);
	why = flags & TUNE_TS ? "a viewer tuned in to the TS stream" : "a viewer tuned in";
	if (s->stopping && !(flags & TUNE_NO_START) && w != NULL && now >= s->retry_ms) {
		/* Going off the air: on again once the old thread is joined. */
		if (s->restart == NULL)
			s->restart = xstrdup(why);
		s->last_seen_ms = now;
		w->next = s->waiters;
		s->waiters = w;
		w->suspend(w->arg);
		res = DIRECTOR_WAIT;
		goto out;
	}
	if (s->ch == NULL && !(flags & TUNE_NO_START)) {
		if (now < s->retry_ms || s->stopping) {
			res = DIRECTOR_FAILING;
			goto out;
		}
		if ((n = active_locked(d)) >= d->opts.max_channels) {
			if (now - s->refused_log_ms > 10000) {
				log_warn("channel %s: refused a viewer: %d channels are already on "
				    "the air (the limit, --max-channels)", number, n);
				s->refused_log_ms = now;
			}
			res = DIRECTOR_BUSY;
			goto out;
		}
		if (start_locked(d, s, why, &cause) != 0) {
			log_error("%s", cause);
			status_set_error(&s->status, cause);
			free(cause);
			s->retry_ms = now + RETRY_MS;
			res = DIRECTOR_FAILING;
			goto out;
		}
	}
	s->last_seen_ms = now;
	if (flags & TUNE_HLS)
		hls_seen_locked(s, client, now);
	if (flags & TUNE_TS)
		s->ts_clients++;
	*ring = s->ring;
out:
	pthread_mutex_unlock(&d->lock);
	return res;
}

/* A TS connection closed. */
void
director_untune(struct director *d, const char *number)
{
	struct slot *s;

	pthread_mutex_lock(&d->lock);
	if ((s = find_locked(d, number)) != NULL && s->ts_clients > 0) {
		s->ts_clients--;
		s->last_seen_ms = now_ms();
	}
	pthread_mutex_unlock(&d->lock);
}

/*
 * Extend schedules that run out soon (when the scheduler provides it).
 * The director's thread; the lock is taken only to read and mark slots.
 */
static void
extend_schedules(struct director *d, int64_t now)
{
	struct { int64_t id; char number[16]; } *todo;
	char *cause = NULL;
	int64_t until;
	size_t i, n = 0;
	struct slot *sl;

	pthread_mutex_lock(&d->lock);
	if (d->opts.extend == NULL || d->shutdown || now - d->extended_ms < EXTEND_EVERY_MS) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	d->extended_ms = now;
	until = now + (d->opts.extend_ahead_ms > 0 ? d->opts.extend_ahead_ms : 6 * 3600000LL);
	todo = xcalloc(d->nslots + 1, sizeof *todo);
	for (i = 0; i < d->nslots; i++) {
		if (!d->slots[i]->present || now - d->slots[i]->extend_fail_ms < 10 * EXTEND_EVERY_MS)
			continue;
		todo[n].id = d->slots[i]->conf.id;
		snprintf(todo[n].number, sizeof todo[n].number, "%s", d->slots[i]->conf.number);
		n++;
	}
	pthread_mutex_unlock(&d->lock);
	for (i = 0; i < n; i++) {
		if (finelog_horizon(d->db, todo[i].id) >= until)
			continue;
		if (d->opts.extend(d->db, todo[i].id, until, &cause) == 0) {
			log_debug("channel %s: schedule extended", todo[i].number);
			continue;
		}
		log_warn("channel %s: extending the schedule: %s", todo[i].number,
		    cause != NULL ? cause : "failed");
		freep(&cause);
		todo[i].id = -todo[i].id - 1;           /* mark the failure */
	}
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < n; i++) {
		if (todo[i].id < 0 && (sl = find_locked(d, todo[i].number)) != NULL)
			sl->extend_fail_ms = now;
	}
	pthread_mutex_unlock(&d->lock);
	free(todo);
}

/* Reload settings and channels (the director's thread, no lock held). */
static void
reload(struct director *d)
{
	struct director_opts opts;
	struct chan_list cl;
	char *cause = NULL;
	size_t n;

	opts = d->given;                /* given is never written after director_new */
	opts.db_path = d->db_path;
	director_opts_load(&opts, d->db);
	if (read_channels(d, &cl, &cause) != 0) {
		log_error("reload: %s", cause);
		free(cause);
		pthread_mutex_lock(&d->lock);
		d->opts = opts;
		pthread_mutex_unlock(&d->lock);
		return;
	}
	pthread_mutex_lock(&d->lock);
	d->opts = opts;
	apply_channels_locked(d, &cl);
	n = d->nslots;
	pthread_mutex_unlock(&d->lock);
	chan_list_clear(&cl);
	log_info("reloaded: %zu channels; settings apply to channels as they start", n);
}

/*
 * Under the lock: take off what must stop (into *off), start what must
 * start, count viewers, and note the sequence numbers to save (into
 * *save).
 */
static void
tick_locked(struct director *d, int64_t now, struct stopped **off, size_t *noff,
    struct seq_save **save, size_t *nsave)
{
	struct slot *s;
	char *cause = NULL;
	const char *why;
	int64_t next;
	size_t i;
	int hv, starting;

	/* Finished pipelines taken off by tune-ins. */
	*off = d->reap;
	*noff = d->nreap;
	d->reap = NULL;
	d->nreap = 0;
	*off = xreallocarray(*off, *noff + d->nslots + 1, sizeof **off);
	*save = xcalloc(d->nslots + 1, sizeof **save);
	*nsave = 0;
	for (i = 0; i < d->nslots; i++) {
		s = d->slots[i];
		pthread_mutex_lock(&s->status.lock);
		starting = s->status.s.state == CHAN_STARTING &&
		    now - s->status.s.started_ms < 30000;
		pthread_mutex_unlock(&s->status.lock);
		why = NULL;
		if (s->ch != NULL && channel_done(s->ch))
			why = "";
		else if (s->ch != NULL && !s->present)
			why = "the channel was removed or disabled";
		else if (s->ch != NULL && !s->conf.always_on && s->ts_clients == 0 && !starting &&
		    now - s->last_seen_ms > (int64_t)d->opts.idle_timeout_s * 1000) {
			/* (Not while starting: a viewer waits for the first segment.) */
			log_info("channel %s: no viewers for %d s; stopping", s->conf.number,
			    d->opts.idle_timeout_s);
			why = "no viewers (idle timeout)";
		}
		if (why != NULL) {
			(*off)[*noff].s = s;
			(*off)[*noff].ch = take_off_locked(s, *why != '\0' ? why : NULL);
			(*noff)++;
		}
		if (s->ch == NULL && !s->stopping && s->present && s->conf.always_on &&
		    now >= s->retry_ms && !d->shutdown) {
			if (active_locked(d) >= d->opts.max_channels) {
				if (now - s->refused_log_ms > 60000) {
					log_warn("channel %s: always on, but %d channels are already on "
					    "the air (--max-channels)", s->conf.number,
					    d->opts.max_channels);
					s->refused_log_ms = now;
				}
			} else if (start_locked(d, s, "always on", &cause) != 0) {
				log_error("%s", cause);
				status_set_error(&s->status, cause);
				freep(&cause);
				s->retry_ms = now + RETRY_MS;
			}
		}
		hv = hls_viewers_locked(d, s, now);
		pthread_mutex_lock(&s->status.lock);
		s->status.s.hls_viewers = hv;
		s->status.s.ts_viewers = s->ts_clients;
		s->status.s.viewers = hv + s->ts_clients;
		if (s->ch == NULL && !s->stopping && s->status.s.state == CHAN_FAILING &&
		    now >= s->retry_ms && !s->conf.always_on)
			s->status.s.state = CHAN_IDLE;
		pthread_mutex_unlock(&s->status.lock);
		/*
		 * A running channel's number is saved every few segments (a write
		 * a segment would keep the database busy for nothing), an idle
		 * one's exactly.
		 */
		next = ring_next_seq(s->ring);
		if (next > 0 && next != s->saved_seq && (next - s->saved_seq >= SEQ_SAVE_STEP ||
		    (s->ch == NULL && !s->stopping))) {
			(*save)[*nsave].s = s;
			(*save)[*nsave].channel_id = s->conf.id;
			(*save)[*nsave].next = next;
			(*nsave)++;
		}
	}
}

/* One tick of housekeeping (the director's thread, no lock held). */
static void
tick(struct director *d)
{
	struct stopped *off;
	struct seq_save *save;
	int64_t now = now_ms();
	size_t noff, nsave, i;
	int again;

	pthread_mutex_lock(&d->lock);
	again = d->reload;
	d->reload = 0;
	pthread_mutex_unlock(&d->lock);
	if (again)
		reload(d);

	pthread_mutex_lock(&d->lock);
	tick_locked(d, now, &off, &noff, &save, &nsave);
	pthread_mutex_unlock(&d->lock);

	join_list(d, off, noff);
	for (i = 0; i < nsave; i++) {
		if (save_seq(d, save[i].channel_id, save[i].next) != 0)
			save[i].next = -1;
	}
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < nsave; i++) {
		if (save[i].next > 0)
			save[i].s->saved_seq = save[i].next;
	}
	pthread_mutex_unlock(&d->lock);
	free(off);
	free(save);
	extend_schedules(d, now_ms());
}

/* Thread body. */
static void *
director_main(void *arg)
{
	struct director *d = arg;
	struct timespec ts;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		__atomic_store_n(&d->tick_ms, now_ms(), __ATOMIC_RELAXED);
		pthread_mutex_unlock(&d->lock);
		tick(d);
		pthread_mutex_lock(&d->lock);
		if (d->stop || d->nreap > 0 || d->reload)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&d->wake, &d->lock, &ts);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* Start the thread. */
int
director_start(struct director *d, char **cause)
{
	int ret;

	__atomic_store_n(&d->tick_ms, now_ms(), __ATOMIC_RELAXED);  /* healthy from the start */
	ret = thread_start(&d->thread, "rv-director", director_main, d);
	if (ret != 0) {
		set_cause(cause, "cannot start the director thread: %s", strerror(ret));
		return -1;
	}
	__atomic_store_n(&d->running, 1, __ATOMIC_RELEASE);
	return 0;
}

/* Health: no lock at all, so it answers whatever the director is doing. */
int
director_health(struct director *d, char *buf, size_t len)
{
	int64_t now = now_ms(), tick = __atomic_load_n(&d->tick_ms, __ATOMIC_RELAXED);

	if (!__atomic_load_n(&d->running, __ATOMIC_ACQUIRE))
		snprintf(buf, len, "the director has not started");
	else if (__atomic_load_n(&d->shutdown, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&d->stop, __ATOMIC_RELAXED))
		snprintf(buf, len, "the daemon is shutting down");
	else if (now - tick > HEALTH_STALL_MS)
		snprintf(buf, len, "the director is stuck: its last tick was %lld s ago",
		    (long long)((now - tick) / 1000));
	else {
		snprintf(buf, len, "ok");
		return 0;
	}
	return -1;
}

/* Reload on the next tick. */
void
director_reload(struct director *d)
{
	pthread_mutex_lock(&d->lock);
	d->reload = 1;
	pthread_cond_broadcast(&d->wake);
	pthread_mutex_unlock(&d->lock);
}

/*
 * Take every pipeline off, join them without the lock, and wait for those
 * another thread is joining. Caller holds the lock; it is let go meanwhile.
 */
static void
stop_all_locked(struct director *d, const char *reason)
{
	struct stopped *off;
	size_t i, n = 0;
	int busy;

	off = xcalloc(d->nslots + 1, sizeof *off);
	for (i = 0; i < d->nslots; i++) {
		if (d->slots[i]->ch != NULL) {
			off[n].s = d->slots[i];
			off[n].ch = take_off_locked(d->slots[i], reason);
			n++;
		}
	}
	pthread_mutex_unlock(&d->lock);
	join_list(d, off, n);
	free(off);
	pthread_mutex_lock(&d->lock);
	for (;;) {
		/* Finished pipelines a tune-in took off, not yet joined. */
		if (d->nreap > 0 && !d->running) {
			off = d->reap;
			n = d->nreap;
			d->reap = NULL;
			d->nreap = 0;
			pthread_mutex_unlock(&d->lock);
			join_list(d, off, n);
			free(off);
			pthread_mutex_lock(&d->lock);
		}
		busy = 0;
		for (i = 0; i < d->nslots; i++)
			busy |= d->slots[i]->stopping;
		if (!busy)
			break;
		pthread_cond_wait(&d->joined, &d->lock);
	}
}

/* Stop every channel, start no more. */
void
director_shutdown(struct director *d)
{
	pthread_mutex_lock(&d->lock);
	__atomic_store_n(&d->shutdown, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&d->wake);
	stop_all_locked(d, "the daemon stopped");
	pthread_mutex_unlock(&d->lock);
}

/* Stop everything and free. */
void
director_free(struct director **dp)
{
	struct director *d;
	struct slot *s;
	int64_t next;
	size_t i;

	if (dp == NULL || (d = *dp) == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	__atomic_store_n(&d->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&d->wake);
	pthread_mutex_unlock(&d->lock);
	if (d->running)
		pthread_join(d->thread, NULL);
	__atomic_store_n(&d->running, 0, __ATOMIC_RELEASE);
	pthread_mutex_lock(&d->lock);
	stop_all_locked(d, "the daemon stopped");
	pthread_mutex_unlock(&d->lock);
	/* Only this thread is left. */
	for (i = 0; i < d->nslots; i++) {
		s = d->slots[i];
		next = ring_next_seq(s->ring);
		if (d->db != NULL && next > 0 && next != s->saved_seq)
			save_seq(d, s->conf.id, next);
		ring_free(&s->ring);
		channel_conf_clear(&s->conf);
		pthread_mutex_destroy(&s->status.lock);
		free(s->restart);
		free(s);
	}
	free(d->slots);
	free(d->reap);
	db_close(&d->db);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->wake);
	pthread_cond_destroy(&d->joined);
	free(d->db_path);
	freep(dp);
}

/* Start by hand. */
int
director_start_channel(struct director *d, const char *number, char **cause)
{
	struct slot *s;
	int ret = 0;

	pthread_mutex_lock(&d->lock);
	s = find_locked(d, number);
	if (s == NULL || !s->present) {
		set_cause(cause, "no enabled channel %s", number);
		ret = -1;
	} else if (d->shutdown) {
		set_cause(cause, "the daemon is stopping");
		ret = -1;
	} else if (s->stopping) {
		/* On again as soon as the old pipeline is joined. */
		free(s->restart);
		s->restart = xstrdup("started by the operator");
		s->retry_ms = 0;
	} else if (s->ch == NULL) {
		if (active_locked(d) >= d->opts.max_channels) {
			set_cause(cause, "%d channels are already on the air (the limit)",
			    d->opts.max_channels);
			ret = -1;
		} else
			ret = start_locked(d, s, "started by the operator", cause);
	}
	if (ret == 0 && s != NULL)
		s->last_seen_ms = now_ms();
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/* Stop by hand: joined on the caller's thread, without the lock. */
int
director_stop_channel(struct director *d, const char *number, char **cause)
{
	struct stopped off;
	struct slot *s;

	pthread_mutex_lock(&d->lock);
	if ((s = find_locked(d, number)) == NULL) {
		pthread_mutex_unlock(&d->lock);
		set_cause(cause, "no channel %s", number);
		return -1;
	}
	free(s->restart);               /* the operator's word is the last */
	s->restart = NULL;
	off.s = s;
	off.ch = take_off_locked(s, "stopped by the operator");
	pthread_mutex_unlock(&d->lock);
	if (off.ch != NULL)
		join_list(d, &off, 1);
	return 0;
}

/* Copy every status. */
size_t
director_status(struct director *d, struct channel_status **out)
{
	size_t i, n = 0;
	struct slot *s;
	int64_t now = now_ms();

	pthread_mutex_lock(&d->lock);
	*out = xcalloc(d->nslots + 1, sizeof **out);
	for (i = 0; i < d->nslots; i++) {
		s = d->slots[i];
		if (!s->present)
			continue;
		pthread_mutex_lock(&s->status.lock);
		(*out)[n] = s->status.s;
		pthread_mutex_unlock(&s->status.lock);
		(*out)[n].hls_viewers = hls_viewers_locked(d, s, now);
		(*out)[n].ts_viewers = s->ts_clients;
		(*out)[n].viewers = (*out)[n].hls_viewers + s->ts_clients;
		n++;
	}
	pthread_mutex_unlock(&d->lock);
	return n;
}

/* Copy the enabled channels. */
int
director_channels(struct director *d, struct channel_conf **out, size_t *n)
{
	size_t i;

	pthread_mutex_lock(&d->lock);
	*out = xcalloc(d->nslots + 1, sizeof **out);
	*n = 0;
	for (i = 0; i < d->nslots; i++) {
		if (d->slots[i]->present)
			channel_conf_copy(&(*out)[(*n)++], &d->slots[i]->conf);
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

/* Active count and limit. */
int
director_active(struct director *d, int *max)
{
	int n;

	pthread_mutex_lock(&d->lock);
	n = active_locked(d);
	if (max != NULL)
		*max = d->opts.max_channels;
	pthread_mutex_unlock(&d->lock);
	return n;
}

/* Settings in force. */
void
director_get_opts(struct director *d, struct director_opts *out)
{
	pthread_mutex_lock(&d->lock);
	*out = d->opts;
	pthread_mutex_unlock(&d->lock);
}
