/*
 * docs.c: the guide and the health check, made off the HTTP threads.
 *
 * Concurrency: one mutex (dc->lock) guards the items (one per guide kind,
 * one for the health check): their counters, waiters and latest result.
 * It guards memory only. Three threads:
 *  - "rv-docs" looks at the database for the guide kinds on its own
 *    connection (data_version, then a build when something changed or the
 *    document is too old) and owns that connection;
 *  - "rv-health" opens the database afresh and reads it, for /healthz, so
 *    a long guide build never delays a health answer;
 *  - "rv-docs-wd" wakes waiters whose deadline passed, whatever the other
 *    two are stuck in.
 * A request's waiter wants a look that *starts* after the request came
 * (want = started + 1), so an answer is never older than the request,
 * and every request that arrives during one look shares the next. A look
 * that built something holds the next one back three times the CPU time
 * it took (a client looping on the guide costs at most a quarter of a core),
 * health checks come at most every HEALTH_EVERY_MS. Lock order: dc->lock
 * only (suspend() runs under it: MHD's own lock comes after).
 */
#include "engine/docs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/db.h"
#include "src/log.h"
#include "src/util.h"
#include "src/thread.h"

#define ITEM_HEALTH DOCS_KINDS          /* the items: the kinds, then the health check */
#define NITEMS (DOCS_KINDS + 1)
#define HEALTH_EVERY_MS 50              /* health checks at most this often */
#define BUILD_HOLD 3                    /* after a build of B, no look for B x this */
#define WAIT_MS 3000
#define HEALTH_WAIT_MS 2000

/* Waiter states. */
enum {
	W_NEW,                          /* not queued yet */
	W_QUEUED,
	W_DONE,                         /* the look it wanted is over */
	W_LATE,                         /* its deadline passed first */
	W_CLOSED,                       /* going down */
};

struct docs_doc {
	int refs;                       /* atomic */
	char *data;
	size_t len;
	size_t *marks;                  /* offsets of the stand-in base URL */
	size_t nmarks;
	size_t plen;                    /* the stand-in's length */
};

struct item {
	uint64_t started, done;         /* looks begun and finished */
	uint64_t asked;                 /* the highest want of a waiter */
	int64_t busy_us;                /* monotonic: a look runs since (0: none) */
	int64_t next_us;                /* monotonic: no look before */
	struct docs_waiter *waiters;
	/* The latest result. */
	struct docs_doc *doc;           /* the last document built (kinds) */
	int64_t version;                /* data_version it was built at */
	uint64_t db_gen;                /* of that connection */
	int64_t built_ms;               /* UTC */
	int ok;                         /* the last look succeeded */
	char why[256];                  /* else why */
	char logged[256];               /* the failure last logged */
};

struct lane {
	struct docs *dc;
	int first, last;                /* its items */
	const char *name;
	pthread_t thread;
	int started;
};

struct docs {
	struct docs_opts opts;
	char *db_path;
	char standin[64];               /* the base URL the guide is built with */
	pthread_mutex_t lock;
	pthread_cond_t work;            /* lanes: a waiter is queued */
	pthread_cond_t watch;           /* the watchdog: a deadline is new */
	struct item items[NITEMS];
	int closed, stop;
	struct lane lanes[2];
	pthread_t watchdog;
	int watchdog_started;
	/* rv-docs's own. */
	sqlite3 *db;
	uint64_t db_gen;                /* bumped at each (re)open */
	dev_t dev;
	ino_t ino;
};

/* A deadline for a condition variable on CLOCK_MONOTONIC, us from now. */
static void
deadline(struct timespec *ts, int64_t us)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	if (us > 3600LL * 1000000)
		us = 3600LL * 1000000;
	ts->tv_sec += (time_t)(us / 1000000);
	ts->tv_nsec += (long)(us % 1000000) * 1000;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* This thread's CPU time in microseconds. */
static int64_t
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Take a reference. */
struct docs_doc *
docs_doc_ref(struct docs_doc *doc)
{
	__atomic_add_fetch(&doc->refs, 1, __ATOMIC_RELAXED);
	return doc;
}

/* Drop a reference. */
void
docs_doc_unref(struct docs_doc **docp)
{
	struct docs_doc *doc;

	if (docp == NULL || (doc = *docp) == NULL)
		return;
	*docp = NULL;
	if (__atomic_sub_fetch(&doc->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	free(doc->data);
	free(doc->marks);
	free(doc);
}

/* A document of data (taken), with the stand-in's places found. */
static struct docs_doc *
doc_new(char *data, size_t len, const char *standin)
{
	struct docs_doc *doc = xcalloc(1, sizeof *doc);
	size_t cap = 0;
	char *p = data, *end = data + len;

	doc->refs = 1;
	doc->data = data;
	doc->len = len;
	doc->plen = strlen(standin);
	while ((p = memmem(p, (size_t)(end - p), standin, doc->plen)) != NULL) {
		if (doc->nmarks == cap) {
			cap = cap ? cap * 2 : 16;
			doc->marks = xreallocarray(doc->marks, cap, sizeof *doc->marks);
		}
		doc->marks[doc->nmarks++] = (size_t)(p - data);
		p += doc->plen;
	}
	return doc;
}

/* Size with the base in place. */
uint64_t
docs_doc_size(const struct docs_doc *doc, size_t base_len)
{
	return (uint64_t)doc->len - doc->nmarks * doc->plen + doc->nmarks * base_len;
}

/*
 * One part of the output at *o (advanced past it): what of it lies at pos
 * and after, up to room bytes into dst.
 */
static size_t
copy_part(const char *src, size_t len, uint64_t *o, uint64_t pos, char *dst, size_t room)
{
	uint64_t start = *o;
	size_t off, n;

	*o += len;
	if (room == 0 || pos >= start + len || pos < start)
		return 0;
	off = (size_t)(pos - start);
	n = len - off < room ? len - off : room;
	memcpy(dst, src + off, n);
	return n;
}

/* Read with the base in place. */
size_t
docs_doc_read(const struct docs_doc *doc, const char *base_url, size_t base_len, uint64_t pos,
    char *buf, size_t max)
{
	uint64_t o = 0;
	size_t n = 0, s = 0, k, end;

	for (k = 0; k <= doc->nmarks && n < max; k++) {
		end = k < doc->nmarks ? doc->marks[k] : doc->len;
		n += copy_part(doc->data + s, end - s, &o, pos + n, buf + n, max - n);
		if (k < doc->nmarks)
			n += copy_part(base_url, base_len, &o, pos + n, buf + n, max - n);
		s = end + doc->plen;
	}
	return n;
}

/* Pull the waiters of an item that want at most upto (all: UINT64_MAX). */
static struct docs_waiter *
take_waiters(struct item *it, uint64_t upto, int state)
{
	struct docs_waiter **wp = &it->waiters, *w, *list = NULL;

	while ((w = *wp) != NULL) {
		if (w->want <= upto) {
			*wp = w->next;
			w->state = state;
			w->next = list;
			list = w;
		} else
			wp = &w->next;
	}
	return list;
}

/* Wake a list of waiters (no lock held). */
static void
wake_list(struct docs_waiter *w)
{
	struct docs_waiter *next;

	for (; w != NULL; w = next) {
		next = w->next;
		w->next = NULL;
		w->wake(w->arg);
	}
}

/* The guide connection, (re)opened when the file is not the one it has. */
static int
guide_db(struct docs *dc, char **cause)
{
	struct stat st;

	if (stat(dc->db_path, &st) != 0) {
		set_cause(cause, "the database %s: %s", dc->db_path, strerror(errno));
		db_close(&dc->db);
		return -1;
	}
	if (dc->db != NULL && st.st_dev == dc->dev && st.st_ino == dc->ino)
		return 0;
	db_close(&dc->db);
	if (db_open(dc->db_path, 0, &dc->db, cause) != 0)
		return -1;
	dc->dev = st.st_dev;
	dc->ino = st.st_ino;
	dc->db_gen++;
	return 0;
}

/* PRAGMA data_version, or -1. */
static int64_t
data_version(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "PRAGMA data_version", NULL);
	int64_t v = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Look at the database for a guide kind (rv-docs, no lock held): keep the
 * document (0), build a new one into *out (1), or fail (-1, *cause).
 * it_* are the item's result when the look began.
 */
static int
look_guide(struct docs *dc, int kind, const struct item *cur, struct docs_doc **out,
    int64_t *version, int64_t *built_ms, char **cause)
{
	const struct docs_source *src = &dc->opts.src[kind];
	char *data = NULL;
	size_t len = 0;
	int64_t now;

	if (guide_db(dc, cause) != 0)
		return -1;
	if ((*version = data_version(dc->db)) < 0) {
		set_cause(cause, "the database cannot be read: %s", sqlite3_errmsg(dc->db));
		return -1;
	}
	now = now_ms();
	if (cur->doc != NULL && cur->version == *version && cur->db_gen == dc->db_gen &&
	    (src->max_age_ms <= 0 || (now >= cur->built_ms &&
	    now - cur->built_ms < src->max_age_ms)))
		return 0;
	if (src->build(src->arg, dc->db, now, dc->standin, &data, &len, cause) != 0) {
		free(data);
		return -1;
	}
	*out = doc_new(data, len, dc->standin);
	*built_ms = now;
	return 1;
}

/* Open the database afresh and read it (rv-health, no lock held). */
static int
look_health(struct docs *dc, char *buf, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	char *cause = NULL;
	int ret = -1;

	if (db_open(dc->db_path, DB_READONLY, &db, &cause) != 0) {
		snprintf(buf, len, "the database cannot be opened: %s", cause);
		free(cause);
		return -1;
	}
	if ((st = db_prepare(db, "SELECT count(*) FROM channels", &cause)) == NULL) {
		snprintf(buf, len, "the database cannot be read: %s", cause);
		free(cause);
	} else {
		if (sqlite3_step(st) == SQLITE_ROW)
			ret = 0;
		else
			snprintf(buf, len, "the database cannot be read: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
	}
	db_close(&db);
	return ret;
}

/* Run one look at item i and publish it; caller holds the lock (let go meanwhile). */
static void
look(struct docs *dc, int i)
{
	static const char *names[DOCS_KINDS] = { "M3U channel list", "XMLTV guide" };
	struct item *it = &dc->items[i], cur;
	struct docs_doc *doc = NULL;
	struct docs_waiter *w;
	char *cause = NULL, why[256] = "";
	int64_t t0 = mono_us(), cpu0 = cpu_us(), version = 0, built_ms = 0;
	uint64_t n;
	int rc;

	n = ++it->started;
	it->busy_us = t0;
	cur = *it;                      /* the fields look_guide reads; doc stays alive: ours */
	pthread_mutex_unlock(&dc->lock);
	if (i == ITEM_HEALTH) {
		rc = look_health(dc, why, sizeof why);
	} else {
		rc = look_guide(dc, i, &cur, &doc, &version, &built_ms, &cause);
		if (rc < 0) {
			snprintf(why, sizeof why, "%s", cause != NULL ? cause : "failed");
			free(cause);
		}
	}
	pthread_mutex_lock(&dc->lock);
	it->busy_us = 0;
	it->ok = rc >= 0;
	snprintf(it->why, sizeof it->why, "%s", why);
	if (i == ITEM_HEALTH)
		it->next_us = t0 + HEALTH_EVERY_MS * 1000LL;
	else if (rc == 1) {
		docs_doc_unref(&it->doc);
		it->doc = doc;
		it->version = version;
		it->db_gen = dc->db_gen;
		it->built_ms = built_ms;
		/* CPU time: a build waiting on a lock costs nothing meanwhile. */
		it->next_us = mono_us() + (cpu_us() - cpu0) * BUILD_HOLD;
	}
	it->done = n;
	w = take_waiters(it, n, W_DONE);
	pthread_mutex_unlock(&dc->lock);
	if (i != ITEM_HEALTH && rc < 0 && strcmp(why, it->logged) != 0) {
		log_error("guide: the %s cannot be made: %s", names[i], why);
		snprintf(it->logged, sizeof it->logged, "%s", why);     /* rv-docs alone */
	} else if (i != ITEM_HEALTH && rc >= 0)
		it->logged[0] = '\0';
	if (rc == 1)
		log_debug("guide: %s built (%zu bytes, %lld ms)", names[i], doc->len,
		    (long long)(mono_us() - t0) / 1000);
	wake_list(w);
	pthread_mutex_lock(&dc->lock);
}

/* A lane's thread: look at its items when a waiter wants it. */
static void *
lane_main(void *arg)
{
	struct lane *ln = arg;
	struct docs *dc = ln->dc;
	struct timespec ts;
	int64_t now, until;
	int i, pick;

	pthread_mutex_lock(&dc->lock);
	while (!dc->stop) {
		now = mono_us();
		until = INT64_MAX;
		pick = -1;
		for (i = ln->first; i <= ln->last && pick < 0; i++) {
			if (dc->items[i].asked <= dc->items[i].started)
				continue;
			if (now >= dc->items[i].next_us)
				pick = i;
			else if (dc->items[i].next_us < until)
				until = dc->items[i].next_us;
		}
		if (pick >= 0) {
			look(dc, pick);
			continue;
		}
		if (until == INT64_MAX)
			pthread_cond_wait(&dc->work, &dc->lock);
		else {
			deadline(&ts, until - now);
			pthread_cond_timedwait(&dc->work, &dc->lock, &ts);
		}
	}
	pthread_mutex_unlock(&dc->lock);
	return NULL;
}

/* The watchdog's thread: wake the waiters whose deadline passed. */
static void *
watchdog_main(void *arg)
{
	struct docs *dc = arg;
	struct docs_waiter **wp, *w, *late;
	struct timespec ts;
	int64_t now, earliest;
	int i;

	pthread_mutex_lock(&dc->lock);
	while (!dc->stop) {
		now = mono_us();
		earliest = INT64_MAX;
		late = NULL;
		for (i = 0; i < NITEMS; i++) {
			wp = &dc->items[i].waiters;
			while ((w = *wp) != NULL) {
				if (w->deadline_us <= now) {
					*wp = w->next;
					w->state = W_LATE;
					w->next = late;
					late = w;
					continue;
				}
				if (w->deadline_us < earliest)
					earliest = w->deadline_us;
				wp = &w->next;
			}
		}
		if (late != NULL) {
			pthread_mutex_unlock(&dc->lock);
			wake_list(late);
			pthread_mutex_lock(&dc->lock);
			continue;
		}
		if (earliest == INT64_MAX)
			pthread_cond_wait(&dc->watch, &dc->lock);
		else {
			deadline(&ts, earliest - now);
			pthread_cond_timedwait(&dc->watch, &dc->lock, &ts);
		}
	}
	pthread_mutex_unlock(&dc->lock);
	return NULL;
}

/* A stand-in base URL no document contains by chance. */
static void
make_standin(char *buf, size_t len)
{
	uint64_t r;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (uint64_t)mono_us() * 6364136223846793005ULL ^ (uint64_t)getpid();
	snprintf(buf, len, "http://rv-base-%016llx.invalid", (unsigned long long)r);
}

/* New, with its threads. */
struct docs *
docs_new(const struct docs_opts *opts, char **cause)
{
	struct docs *dc = xcalloc(1, sizeof *dc);
	pthread_condattr_t ca;
	int i;

	dc->opts = *opts;
	dc->db_path = xstrdup(opts->db_path);
	dc->opts.db_path = dc->db_path;
	if (dc->opts.wait_ms <= 0)
		dc->opts.wait_ms = WAIT_MS;
	if (dc->opts.health_wait_ms <= 0)
		dc->opts.health_wait_ms = HEALTH_WAIT_MS;
	make_standin(dc->standin, sizeof dc->standin);
	pthread_mutex_init(&dc->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&dc->work, &ca);
	pthread_cond_init(&dc->watch, &ca);
	pthread_condattr_destroy(&ca);
	dc->lanes[0] = (struct lane){ dc, 0, DOCS_KINDS - 1, "rv-docs", 0, 0 };
	dc->lanes[1] = (struct lane){ dc, ITEM_HEALTH, ITEM_HEALTH, "rv-health", 0, 0 };
	for (i = 0; i < 2; i++) {
		if (thread_start(&dc->lanes[i].thread, dc->lanes[i].name, lane_main,
		    &dc->lanes[i]) != 0) {
			set_cause(cause, "cannot start the %s thread", dc->lanes[i].name);
			goto fail;
		}
		dc->lanes[i].started = 1;
	}
	if (thread_start(&dc->watchdog, "rv-docs-wd", watchdog_main, dc) != 0) {
		set_cause(cause, "cannot start the rv-docs-wd thread");
		goto fail;
	}
	dc->watchdog_started = 1;
	return dc;

fail:
	docs_free(&dc);
	return NULL;
}

/* Wake every waiter, take no more. */
void
docs_close(struct docs *dc)
{
	struct docs_waiter *all = NULL, *w, *last;
	int i;

	if (dc == NULL)
		return;
	pthread_mutex_lock(&dc->lock);
	dc->closed = 1;
	for (i = 0; i < NITEMS; i++) {
		if ((w = take_waiters(&dc->items[i], UINT64_MAX, W_CLOSED)) == NULL)
			continue;
		for (last = w; last->next != NULL; last = last->next)
			;
		last->next = all;
		all = w;
	}
	pthread_mutex_unlock(&dc->lock);
	wake_list(all);
}

/* Stop and free. */
void
docs_free(struct docs **dcp)
{
	struct docs *dc;
	int i;

	if (dcp == NULL || (dc = *dcp) == NULL)
		return;
	docs_close(dc);
	pthread_mutex_lock(&dc->lock);
	dc->stop = 1;
	pthread_cond_broadcast(&dc->work);
	pthread_cond_broadcast(&dc->watch);
	pthread_mutex_unlock(&dc->lock);
	for (i = 0; i < 2; i++) {
		if (dc->lanes[i].started)
			pthread_join(dc->lanes[i].thread, NULL);
	}
	if (dc->watchdog_started)
		pthread_join(dc->watchdog, NULL);
	for (i = 0; i < NITEMS; i++)
		docs_doc_unref(&dc->items[i].doc);
	db_close(&dc->db);
	pthread_mutex_destroy(&dc->lock);
	pthread_cond_destroy(&dc->work);
	pthread_cond_destroy(&dc->watch);
	free(dc->db_path);
	freep(dcp);
}

/* Queue w on item i for a look that starts from now on; caller holds the lock. */
static void
queue_locked(struct docs *dc, int i, struct docs_waiter *w, int wait_ms)
{
	struct item *it = &dc->items[i];

	w->want = it->started + 1;
	w->deadline_us = mono_us() + wait_ms * 1000LL;
	w->state = W_QUEUED;
	w->next = it->waiters;
	it->waiters = w;
	if (it->asked < w->want)
		it->asked = w->want;
	w->suspend(w->arg);
	pthread_cond_broadcast(&dc->work);
	pthread_cond_broadcast(&dc->watch);
}

/*
 * Where a request for item i stands (caller holds the lock): DOCS_WAIT
 * (queued now), or the look is over (DOCS_OK), or the item is stuck
 * (DOCS_NONE with why).
 */
static enum docs_result
stand_locked(struct docs *dc, int i, struct docs_waiter *w, int wait_ms, char *why,
    size_t len)
{
	struct item *it = &dc->items[i];
	int64_t busy = it->busy_us > 0 ? mono_us() - it->busy_us : 0;

	if (dc->closed || w->state == W_CLOSED) {
		snprintf(why, len, "shutting down");
		return DOCS_NONE;
	}
	switch (w->state) {
	case W_NEW:
		if (busy >= wait_ms * 1000LL)
			break;          /* stuck already: no use waiting */
		queue_locked(dc, i, w, wait_ms);
		return DOCS_WAIT;
	case W_QUEUED:                  /* (woken by someone else: not ours) */
		return DOCS_WAIT;
	case W_DONE:
		return DOCS_OK;
	case W_LATE:
		if (it->done >= w->want)
			return DOCS_OK; /* over just now */
		break;
	}
	snprintf(why, len, "the database has not answered for %.1f s",
	    (double)(busy > 0 ? busy : wait_ms * 1000LL) / 1e6);
	return DOCS_NONE;
}

/* A guide document. */
enum docs_result
docs_get(struct docs *dc, enum docs_kind kind, struct docs_waiter *w, struct docs_doc **doc,
    char *why, size_t len)
{
	struct item *it;
	enum docs_result r;

	*doc = NULL;
	if (dc == NULL || kind < 0 || kind >= DOCS_KINDS || dc->opts.src[kind].build == NULL) {
		snprintf(why, len, "not available");
		return DOCS_NONE;
	}
	it = &dc->items[kind];
	pthread_mutex_lock(&dc->lock);
	r = stand_locked(dc, kind, w, dc->opts.wait_ms, why, len);
	if (r == DOCS_WAIT || dc->closed || w->state == W_CLOSED) {
		pthread_mutex_unlock(&dc->lock);
		return r;
	}
	if (it->doc != NULL) {
		/* Looked at (or stuck): the latest document built. */
		*doc = docs_doc_ref(it->doc);
		r = DOCS_OK;
	} else {
		if (r == DOCS_OK)       /* the look failed, and none was ever built */
			snprintf(why, len, "%s", it->why);
		r = DOCS_NONE;
	}
	pthread_mutex_unlock(&dc->lock);
	return r;
}

/* The database's health. */
enum docs_result
docs_health(struct docs *dc, struct docs_waiter *w, char *why, size_t len)
{
	struct item *it = &dc->items[ITEM_HEALTH];
	enum docs_result r;

	pthread_mutex_lock(&dc->lock);
	r = stand_locked(dc, ITEM_HEALTH, w, dc->opts.health_wait_ms, why, len);
	if (r == DOCS_OK && !it->ok) {
		snprintf(why, len, "%s", it->why);
		r = DOCS_NONE;
	}
	pthread_mutex_unlock(&dc->lock);
	return r;
}
