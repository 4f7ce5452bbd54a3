/*
 * pool.c: the job pool.
 *
 * Concurrency: one mutex guards the queue, the running count and the stop
 * flag. Workers wait on `work`; pool_wait waits on `idle`, signalled when
 * the last job finishes with the queue empty. Jobs run without the lock.
 * Workers block the terminal signals so they are delivered to the main
 * thread only.
 */
#include "engine/pool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "src/log.h"
#include "src/util.h"
#include "src/thread.h"

struct job {
	void (*fn)(void *);
	void *arg;
	struct job *next;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work;
	pthread_cond_t idle;
	struct job *head, *tail;
	int running;            /* jobs being run now */
	int stop;
	int nthreads;
	pthread_t *threads;
	char name[16];
};

/* Worker loop: take a job, run it, repeat until stopped and drained. */
static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct job *j;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->head == NULL && !p->stop)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->head == NULL) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		j = p->head;
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->running++;
		pthread_mutex_unlock(&p->lock);

		j->fn(j->arg);
		free(j);

		pthread_mutex_lock(&p->lock);
		p->running--;
		if (p->running == 0 && p->head == NULL)
			pthread_cond_broadcast(&p->idle);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* Start the workers. */
struct pool *
pool_new(const char *name, int nthreads)
{
	struct pool *p = xcalloc(1, sizeof *p);
	long cores;
	int i;

	if (nthreads <= 0) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = cores > 0 ? (int)cores : 1;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->idle, NULL);
	snprintf(p->name, sizeof p->name, "rv-%s", name);
	p->threads = xcalloc((size_t)nthreads, sizeof *p->threads);

	for (i = 0; i < nthreads; i++) {
		if (thread_start(&p->threads[i], p->name, worker, p) != 0) {
			log_error("%s: cannot start a worker thread", p->name);
			break;
		}
	}
	p->nthreads = i;
	return p;
}

/* Queue a job. */
int
pool_submit(struct pool *p, void (*fn)(void *), void *arg)
{
	struct job *j;

	pthread_mutex_lock(&p->lock);
	if (p->stop || p->nthreads == 0) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	j = xmalloc(sizeof *j);
	j->fn = fn;
	j->arg = arg;
	j->next = NULL;
	if (p->tail != NULL)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Wait for quiet. */
void
pool_wait(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->head != NULL || p->running > 0)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

/* Jobs queued or running. */
int
pool_pending(struct pool *p)
{
	struct job *j;
	int n;

	pthread_mutex_lock(&p->lock);
	n = p->running;
	for (j = p->head; j != NULL; j = j->next)
		n++;
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* Drain, join, free. */
void
pool_free(struct pool **pp)
{
	struct pool *p;
	int i;

	if (pp == NULL || (p = *pp) == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->idle);
	free(p->threads);
	freep(pp);
}
