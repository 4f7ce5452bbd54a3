/*
 * opener.c: the channel's file opener.
 *
 * Concurrency: one mutex guards the list of asks; the channel thread adds,
 * takes and prunes them, the opener thread opens the one needed first
 * without the mutex held (source_open may block for seconds) and stores
 * the result under it, broadcasting `done` for opener_wait. An ask pruned
 * while its file is opening is marked dropped and its source is freed by
 * the opener thread when the open returns. A failure found ahead of time
 * is believed only while it is fresh: taken later, the file is tried again
 * (a folder that was away may be back). A file opened too late for its
 * join is not opened again for the next ask of the same item: that ask
 * seeks it (a disk that took seconds to spin up is not waited for twice).
 * Sources cross threads only
 * through this handover, so the channel thread owns a taken source alone.
 */
#include "engine/opener.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/log.h"
#include "src/thread.h"
#include "src/util.h"

#define STALE_FAILURE_US 2000000        /* an older failure is tried again when taken */

enum job_state { JOB_QUEUED, JOB_OPENING, JOB_READY, JOB_FAILED };

struct job {
	int64_t item_id, join_us, offset_us;
	char *path;
	char *title;                    /* conf.title's copy: the item is gone by the open */
	char *audio;                    /* conf.audio_override's copy */
	struct source_conf conf;
	enum job_state state;
	int dropped;                    /* pruned while opening: free the result */
	int reseek;                     /* src is open already (for an earlier join): seek it */
	struct source *src;
	char *cause;
	int64_t asked_us;               /* mono */
	int64_t done_us;                /* mono, when the open returned */
	struct job *next;
};

struct opener {
	char label[48];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;            /* the thread: an ask, or stop */
	pthread_cond_t done;            /* waiters: an open finished */
	struct job *jobs;               /* in ask order */
	int stop;
};

/* Free a job and what it holds. */
static void
job_free(struct job *j)
{
	source_free(&j->src);
	free(j->cause);
	free(j->path);
	free(j->title);
	free(j->audio);
	free(j);
}

/* The job for an ask; caller holds the lock. */
static struct job *
find_locked(struct opener *o, int64_t item_id, int64_t join_us)
{
	struct job *j;

	for (j = o->jobs; j != NULL; j = j->next) {
		if (j->item_id == item_id && j->join_us == join_us && !j->dropped)
			return j;
	}
	return NULL;
}

/* Unlink j; caller holds the lock. */
static void
unlink_locked(struct opener *o, struct job *j)
{
	struct job **pp;

	for (pp = &o->jobs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			return;
		}
	}
}

/* A queued ask for the same item as j, to join later; caller holds the lock. */
static struct job *
later_ask_locked(struct opener *o, const struct job *j)
{
	struct job *k;

	for (k = o->jobs; k != NULL; k = k->next) {
		if (k != j && k->item_id == j->item_id && k->state == JOB_QUEUED && !k->dropped &&
		    !k->reseek && k->join_us > j->join_us)
			return k;
	}
	return NULL;
}

/* The queued ask needed first (the earliest join); caller holds the lock. */
static struct job *
next_locked(struct opener *o)
{
	struct job *j, *best = NULL;

	for (j = o->jobs; j != NULL; j = j->next) {
		if (j->state == JOB_QUEUED && !j->dropped && (best == NULL ||
		    j->join_us < best->join_us))
			best = j;
	}
	return best;
}

/* The thread: open the ask needed first, again and again. */
static void *
opener_main(void *arg)
{
	struct opener *o = arg;
	struct source *src;
	struct job *j, *later;
	char *cause;
	int64_t t0;
	int ret;

	pthread_mutex_lock(&o->lock);
	for (;;) {
		j = next_locked(o);
		if (j == NULL) {
			if (o->stop)
				break;
			pthread_cond_wait(&o->wake, &o->lock);
			continue;
		}
		j->state = JOB_OPENING;
		pthread_mutex_unlock(&o->lock);

		src = NULL;
		cause = NULL;
		t0 = mono_us();
		if (j->reseek) {
			src = j->src;
			j->src = NULL;
			ret = source_seek(src, j->offset_us, &cause);
			if (ret < 0)
				source_free(&src);
		} else
			ret = source_open(&src, j->path, j->offset_us, &j->conf, &cause);
		if (mono_us() - t0 > 2000000)
			log_warn("%s: %s took %.1f s to open", o->label, j->path,
			    (double)(mono_us() - t0) / 1e6);

		/*
		 * What the open decoded and freed (probes, the pictures before the
		 * join) stays in this thread's malloc arena unless given back.
		 */
		malloc_trim(0);

		pthread_mutex_lock(&o->lock);
		if (j->dropped) {
			unlink_locked(o, j);
			source_free(&src);
			free(cause);
			job_free(j);
		} else if (ret < 0) {
			j->state = JOB_FAILED;
			j->done_us = mono_us();
			j->cause = cause != NULL ? cause : xstrdup("cannot open the file");
		} else if ((later = later_ask_locked(o, j)) != NULL) {
			/* Opened too late for its join: the newer ask seeks it. */
			later->src = src;
			later->reseek = 1;
			unlink_locked(o, j);
			job_free(j);
		} else {
			j->state = JOB_READY;
			j->src = src;
		}
		pthread_cond_broadcast(&o->done);
	}
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

/* New opener. */
struct opener *
opener_new(const char *label, const char *name, char **cause)
{
	struct opener *o = xcalloc(1, sizeof *o);
	pthread_condattr_t ca;
	int ret;

	snprintf(o->label, sizeof o->label, "%s", label);
	pthread_mutex_init(&o->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->wake, &ca);
	pthread_cond_init(&o->done, &ca);
	pthread_condattr_destroy(&ca);
	if ((ret = thread_start(&o->thread, name, opener_main, o)) != 0) {
		set_cause(cause, "%s: cannot start the file opener: %s", label, strerror(ret));
		pthread_mutex_destroy(&o->lock);
		pthread_cond_destroy(&o->wake);
		pthread_cond_destroy(&o->done);
		free(o);
		return NULL;
	}
	return o;
}

/* Ask. */
void
opener_want(struct opener *o, int64_t item_id, int64_t join_us, const char *path,
    int64_t offset_us, const struct source_conf *conf)
{
	struct source *src = NULL;
	struct job *j, **pp;

	pthread_mutex_lock(&o->lock);
	if (find_locked(o, item_id, join_us) != NULL) {
		pthread_mutex_unlock(&o->lock);
		return;
	}
	/*
	 * An older ask for the same item that has not started is superseded; one
	 * that is open (too late for its join) gives its file to this ask.
	 */
	for (pp = &o->jobs; *pp != NULL;) {
		j = *pp;
		if (j->item_id == item_id && !j->dropped && j->join_us < join_us &&
		    (j->state == JOB_QUEUED || j->state == JOB_READY)) {
			if (j->state == JOB_READY || j->reseek) {
				src = j->src;
				j->src = NULL;
			}
			*pp = j->next;
			job_free(j);
		} else
			pp = &j->next;
	}
	j = xcalloc(1, sizeof *j);
	j->item_id = item_id;
	j->join_us = join_us;
	j->offset_us = offset_us;
	j->path = xstrdup(path);
	j->conf = *conf;
	j->title = conf->title != NULL ? xstrdup(conf->title) : NULL;
	j->conf.title = j->title;
	j->audio = conf->audio_override != NULL ? xstrdup(conf->audio_override) : NULL;
	j->conf.audio_override = j->audio;
	j->asked_us = mono_us();
	j->src = src;
	j->reseek = src != NULL;
	*pp = j;                        /* last */
	pthread_cond_signal(&o->wake);
	pthread_mutex_unlock(&o->lock);
}

/* Take an ask's result. */
enum opener_state
opener_take(struct opener *o, int64_t item_id, int64_t join_us, struct source **src,
    char **cause)
{
	enum opener_state st;
	struct job *j;

	*src = NULL;
	pthread_mutex_lock(&o->lock);
	if ((j = find_locked(o, item_id, join_us)) == NULL)
		st = OPENER_UNKNOWN;
	else if (j->state == JOB_QUEUED || j->state == JOB_OPENING)
		st = OPENER_PENDING;
	else if (j->state == JOB_FAILED && mono_us() - j->done_us > STALE_FAILURE_US) {
		/* Found missing ahead of time: the folder may be back by now. */
		freep(&j->cause);
		j->state = JOB_QUEUED;
		pthread_cond_signal(&o->wake);
		st = OPENER_PENDING;
	} else {
		st = j->state == JOB_READY ? OPENER_READY : OPENER_FAILED;
		*src = j->src;
		j->src = NULL;
		if (cause != NULL) {
			*cause = j->cause;
			j->cause = NULL;
		}
		unlink_locked(o, j);
		job_free(j);
	}
	pthread_mutex_unlock(&o->lock);
	return st;
}

/* Wait while pending. */
enum opener_state
opener_wait(struct opener *o, int64_t item_id, int64_t join_us, int64_t timeout_us)
{
	enum opener_state st = OPENER_UNKNOWN;
	struct timespec ts;
	struct job *j;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_us / 1000000;
	ts.tv_nsec += (long)(timeout_us % 1000000) * 1000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&o->lock);
	for (;;) {
		if ((j = find_locked(o, item_id, join_us)) == NULL) {
			st = OPENER_UNKNOWN;
			break;
		}
		if (j->state == JOB_READY || j->state == JOB_FAILED) {
			st = j->state == JOB_READY ? OPENER_READY : OPENER_FAILED;
			break;
		}
		st = OPENER_PENDING;
		if (timeout_us <= 0 || o->stop ||
		    pthread_cond_timedwait(&o->done, &o->lock, &ts) != 0)
			break;
	}
	pthread_mutex_unlock(&o->lock);
	return st;
}

/* Forget asks whose time is past. */
void
opener_prune(struct opener *o, int64_t join_us)
{
	struct job *j, **pp;

	pthread_mutex_lock(&o->lock);
	for (pp = &o->jobs; *pp != NULL;) {
		j = *pp;
		if (j->join_us >= join_us || j->dropped) {
			pp = &j->next;
			continue;
		}
		if (j->state == JOB_OPENING) {
			j->dropped = 1;         /* the thread frees it */
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		job_free(j);
	}
	pthread_mutex_unlock(&o->lock);
}

/* Asks outstanding. */
int
opener_count(struct opener *o)
{
	struct job *j;
	int n = 0;

	pthread_mutex_lock(&o->lock);
	for (j = o->jobs; j != NULL; j = j->next)
		n += !j->dropped;
	pthread_mutex_unlock(&o->lock);
	return n;
}

/* Stop and free. */
void
opener_free(struct opener **op)
{
	struct opener *o;
	struct job *j, *next;

	if (op == NULL || (o = *op) == NULL)
		return;
	pthread_mutex_lock(&o->lock);
	o->stop = 1;
	/* Nothing queued is opened now: only the open in progress finishes. */
	for (j = o->jobs; j != NULL; j = j->next) {
		if (j->state == JOB_QUEUED)
			j->state = JOB_FAILED;
	}
	pthread_cond_broadcast(&o->wake);
	pthread_cond_broadcast(&o->done);
	pthread_mutex_unlock(&o->lock);
	pthread_join(o->thread, NULL);
	for (j = o->jobs; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->wake);
	pthread_cond_destroy(&o->done);
	freep(op);
}
