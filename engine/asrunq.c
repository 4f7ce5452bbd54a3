/*
 * asrunq.c: the channel's database writer.
 *
 * Concurrency: the channel thread appends operations to a FIFO under the
 * queue's mutex and signals; the writer thread takes the whole FIFO at
 * once and writes it without the mutex, in order, so a row's end always
 * follows its beginning. Only the writer touches the connection and the
 * token -> row map. A write that finds the database busy (its 5 s busy
 * timeout ran out: a long write elsewhere) is tried again for up to
 * BUSY_GIVE_UP_MS, later rows waiting behind it; any other failure is
 * logged and the row is dropped. The FIFO is bounded (QUEUE_MAX): past it,
 * new operations are dropped with a warning rather than growing forever
 * while the database is unreachable.
 */
#include "engine/asrunq.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/asrun.h"
#include "src/db.h"
#include "src/log.h"
#include "src/thread.h"
#include "src/util.h"

#define QUEUE_MAX 4096
#define BUSY_RETRY_MS 1000
#define BUSY_GIVE_UP_MS 60000

enum op_kind { OP_BEGIN, OP_END, OP_LOUDNESS };

struct op {
	enum op_kind kind;
	int64_t token;
	int64_t channel_id;
	struct fine_item item;          /* OP_BEGIN with an item (id != 0 or a path) */
	int has_item;
	char *title;
	int64_t t_ms;                   /* start or end */
	char *status, *errors;
	int64_t media_file_id;
	double lufs;
	struct op *next;
};

/* An open row: its token and the id it got. */
struct row {
	int64_t token, id;
};

struct asrunq {
	char *db_path;
	char label[48];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct op *head, *tail;         /* under lock */
	int n;                          /* queued, under lock */
	int writing;                    /* taken by the writer, not done (under lock) */
	int stop;                       /* under lock */
	int64_t next_token;             /* under lock */
	int64_t dropped;                /* under lock */

	/* Writer only. */
	sqlite3 *db;
	struct row *rows;
	size_t nrows;
};

/* Free one operation. */
static void
op_free(struct op *o)
{
	fine_item_clear(&o->item);
	free(o->title);
	free(o->status);
	free(o->errors);
	free(o);
}

/* Append an operation (taken), or drop it when the queue is full. */
static void
push(struct asrunq *q, struct op *o)
{
	pthread_mutex_lock(&q->lock);
	if (q->n >= QUEUE_MAX || q->stop) {
		if (q->dropped++ % 100 == 0)
			log_warn("%s: the as-run writer is %d rows behind (is the database "
			    "reachable?); dropping rows", q->label, q->n);
		pthread_mutex_unlock(&q->lock);
		op_free(o);
		return;
	}
	if (q->tail != NULL)
		q->tail->next = o;
	else
		q->head = o;
	q->tail = o;
	q->n++;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
}

/* The row id of a token (0: unknown). */
static int64_t
row_of(struct asrunq *q, int64_t token, int remove)
{
	size_t i;
	int64_t id;

	for (i = 0; i < q->nrows; i++) {
		if (q->rows[i].token != token)
			continue;
		id = q->rows[i].id;
		if (remove)
			q->rows[i] = q->rows[--q->nrows];
		return id;
	}
	return 0;
}

/*
 * Store a loudness measured on the air, unless validation has measured the
 * file since (its figure, from the whole file, is better).
 */
static int
store_loudness(sqlite3 *db, int64_t media_file_id, double lufs, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "UPDATE media_files SET loudness_lufs = ?2 WHERE id = ?1 AND "
	    "loudness_lufs IS NULL", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, media_file_id);
	sqlite3_bind_double(st, 2, lufs);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_cause(cause, "storing the loudness of file %lld: %s", (long long)media_file_id,
		    sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Is the connection's last failure a busy or locked database? */
static int
busy(struct asrunq *q)
{
	int rc = sqlite3_errcode(q->db) & 0xff;

	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* Write one operation: 0 done (or dropped), 1 busy (try again later). */
static int
write_op(struct asrunq *q, struct op *o)
{
	char *cause = NULL;
	int64_t id;
	int ret = 0;

	switch (o->kind) {
	case OP_BEGIN:
		id = asrun_begin(q->db, o->channel_id, o->has_item ? &o->item : NULL, o->title,
		    o->t_ms, &cause);
		if (id < 0 && busy(q)) {
			ret = 1;
			break;
		}
		if (id < 0)
			break;
		q->rows = xreallocarray(q->rows, q->nrows + 1, sizeof *q->rows);
		q->rows[q->nrows].token = o->token;
		q->rows[q->nrows].id = id;
		q->nrows++;
		break;
	case OP_END:
		if ((id = row_of(q, o->token, 0)) == 0)
			break;          /* its beginning could not be written */
		if (asrun_end(q->db, id, o->t_ms, o->status, o->errors, &cause) != 0 && busy(q)) {
			ret = 1;
			break;
		}
		row_of(q, o->token, 1);
		break;
	case OP_LOUDNESS:
		if (store_loudness(q->db, o->media_file_id, o->lufs, &cause) != 0 && busy(q))
			ret = 1;
		break;
	}
	if (ret == 0 && cause != NULL)
		log_warn("%s: %s", q->label, cause);
	free(cause);
	return ret;
}

/* Sleep ms, or less if the queue is told to stop. */
static void
nap(struct asrunq *q, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->lock);
	if (!q->stop)
		pthread_cond_timedwait(&q->wake, &q->lock, &ts);
	pthread_mutex_unlock(&q->lock);
}

/* Write a batch in order; a busy database is waited for, within limits. */
static void
write_batch(struct asrunq *q, struct op *batch)
{
	struct op *o;
	int64_t since = 0;
	int stop;

	while ((o = batch) != NULL) {
		if (write_op(q, o) == 1) {
			pthread_mutex_lock(&q->lock);
			stop = q->stop;
			pthread_mutex_unlock(&q->lock);
			if (since == 0)
				since = mono_us();
			if (!stop && mono_us() - since < BUSY_GIVE_UP_MS * 1000LL) {
				nap(q, BUSY_RETRY_MS);
				continue;
			}
			log_warn("%s: the database stayed busy for %d s; an as-run row is lost",
			    q->label, (int)((mono_us() - since) / 1000000));
		}
		since = 0;
		batch = o->next;
		op_free(o);
		pthread_mutex_lock(&q->lock);
		q->writing--;
		pthread_mutex_unlock(&q->lock);
	}
}

/* The writer thread. */
static void *
writer_main(void *arg)
{
	struct asrunq *q = arg;
	struct op *batch;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (q->head == NULL && !q->stop)
			pthread_cond_wait(&q->wake, &q->lock);
		batch = q->head;
		q->head = q->tail = NULL;
		q->writing += q->n;
		q->n = 0;
		if (batch == NULL && q->stop) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		pthread_mutex_unlock(&q->lock);
		write_batch(q, batch);
	}
	return NULL;
}

/* New writer. */
struct asrunq *
asrunq_new(const char *db_path, const char *label, const char *name, char **cause)
{
	struct asrunq *q = xcalloc(1, sizeof *q);
	pthread_condattr_t ca;
	int ret;

	q->db_path = xstrdup(db_path);
	snprintf(q->label, sizeof q->label, "%s", label);
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (db_open(db_path, 0, &q->db, cause) != 0)
		goto fail;
	if ((ret = thread_start(&q->thread, name, writer_main, q)) != 0) {
		set_cause(cause, "%s: cannot start the as-run writer: %s", label, strerror(ret));
		goto fail;
	}
	return q;

fail:
	db_close(&q->db);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->wake);
	free(q->db_path);
	free(q);
	return NULL;
}

/* Queue a beginning. */
int64_t
asrunq_begin(struct asrunq *q, int64_t channel_id, const struct fine_item *item,
    const char *title, int64_t start_ms)
{
	struct op *o = xcalloc(1, sizeof *o);
	int64_t token;

	o->kind = OP_BEGIN;
	o->channel_id = channel_id;
	if (item != NULL) {
		fine_item_copy(&o->item, item);
		o->has_item = 1;
	}
	o->title = title != NULL ? xstrdup(title) : NULL;
	o->t_ms = start_ms;
	pthread_mutex_lock(&q->lock);
	token = o->token = ++q->next_token;
	pthread_mutex_unlock(&q->lock);
	push(q, o);
	return token;
}

/* Queue an end. */
void
asrunq_end(struct asrunq *q, int64_t token, int64_t end_ms, const char *status,
    const char *errors)
{
	struct op *o;

	if (token <= 0)
		return;
	o = xcalloc(1, sizeof *o);
	o->kind = OP_END;
	o->token = token;
	o->t_ms = end_ms;
	o->status = xstrdup(status);
	o->errors = errors != NULL ? xstrdup(errors) : NULL;
	push(q, o);
}

/* Queue a loudness. */
void
asrunq_loudness(struct asrunq *q, int64_t media_file_id, double lufs)
{
	struct op *o;

	if (media_file_id <= 0 || !isfinite(lufs))
		return;
	o = xcalloc(1, sizeof *o);
	o->kind = OP_LOUDNESS;
	o->media_file_id = media_file_id;
	o->lufs = lufs;
	push(q, o);
}

/* Pending count. */
int
asrunq_pending(struct asrunq *q)
{
	int n;

	pthread_mutex_lock(&q->lock);
	n = q->n + q->writing;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* Flush, stop, free. */
void
asrunq_free(struct asrunq **qp)
{
	struct asrunq *q;

	if (qp == NULL || (q = *qp) == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	db_close(&q->db);
	free(q->rows);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->wake);
	free(q->db_path);
	freep(qp);
}
