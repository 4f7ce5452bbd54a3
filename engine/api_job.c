/*
 * api_job.c: the editing commands' job runner (engine/api_job.h): the
 * pools, the list of queued and running jobs, their events.
 */
#include "engine/api_job.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/control.h"
#include "engine/pool.h"
#include "src/db.h"
#include "src/util.h"
#include "src/xjson.h"

#define PROGRESS_EVERY_US 200000        /* at most five progress events a second */

struct api_jobs {
	pthread_mutex_t lock;           /* guards jobs, next_id, ctl */
	struct control *ctl;            /* NULL once stopped */
	struct api_job *jobs;           /* queued or running */
	int64_t next_id;
	char *db_path;
	struct pool *pools[API_POOL_COUNT];
};

/* The pools: a name ("rv-NAME") and a number of threads each. */
static const struct {
	const char *name;
	int threads;
} pool_conf[API_POOL_COUNT] = {
	[API_POOL_SEEK] = { "seek", 1 },
	[API_POOL_WORK] = { "job", 2 },
	[API_POOL_SCHED] = { "sched", 1 },
	[API_POOL_EDIT] = { "edit", 1 },
	[API_POOL_CHAN] = { "chan", 1 },
};

/* New. */
struct api_jobs *
api_jobs_new(struct control *c, const char *db_path)
{
	struct api_jobs *js = xcalloc(1, sizeof *js);
	int i;

	js->ctl = c;
	js->db_path = xstrdup(db_path);
	pthread_mutex_init(&js->lock, NULL);
	for (i = 0; i < API_POOL_COUNT; i++)
		js->pools[i] = pool_new(pool_conf[i].name, pool_conf[i].threads);
	return js;
}

/* Cancel every job, wait, and send nothing more. */
void
api_jobs_stop(struct api_jobs *js)
{
	struct api_job *j;
	int i;

	if (js == NULL)
		return;
	pthread_mutex_lock(&js->lock);
	for (j = js->jobs; j != NULL; j = j->next)
		atomic_store(&j->cancel, 1);
	pthread_mutex_unlock(&js->lock);
	for (i = 0; i < API_POOL_COUNT; i++)
		pool_wait(js->pools[i]);
	pthread_mutex_lock(&js->lock);
	js->ctl = NULL;
	pthread_mutex_unlock(&js->lock);
}

/* Free. */
void
api_jobs_free(struct api_jobs **jsp)
{
	struct api_jobs *js;
	int i;

	if (jsp == NULL || (js = *jsp) == NULL)
		return;
	api_jobs_stop(js);
	for (i = 0; i < API_POOL_COUNT; i++)
		pool_free(&js->pools[i]);
	pthread_mutex_destroy(&js->lock);
	free(js->db_path);
	freep(jsp);
}

/* Broadcast an event. */
void
api_jobs_event(struct api_jobs *js, json_t *ev)
{
	pthread_mutex_lock(&js->lock);
	if (js->ctl != NULL)
		control_broadcast(js->ctl, ev);
	else
		json_decref(ev);
	pthread_mutex_unlock(&js->lock);
}

/* An event to one peer. */
void
api_jobs_send(struct api_jobs *js, const char *peer, json_t *ev)
{
	pthread_mutex_lock(&js->lock);
	if (js->ctl != NULL)
		control_send(js->ctl, peer, ev);
	else
		json_decref(ev);
	pthread_mutex_unlock(&js->lock);
}

/* A job of kind, by id. */
int64_t
api_jobs_running(struct api_jobs *js, const char *kind)
{
	struct api_job *j;
	int64_t id = 0;

	pthread_mutex_lock(&js->lock);
	for (j = js->jobs; j != NULL && id == 0; j = j->next) {
		if (strcmp(j->kind, kind) == 0)
			id = j->id;
	}
	pthread_mutex_unlock(&js->lock);
	return id;
}

/* Cancel a peer's jobs of kind. */
void
api_jobs_supersede(struct api_jobs *js, const char *kind, const char *peer)
{
	struct api_job *j;

	pthread_mutex_lock(&js->lock);
	for (j = js->jobs; j != NULL; j = j->next) {
		if (strcmp(j->kind, kind) == 0 && strcmp(j->peer, peer) == 0)
			atomic_store(&j->cancel, 1);
	}
	pthread_mutex_unlock(&js->lock);
}

/* Cancel one job. */
int
api_jobs_cancel(struct api_jobs *js, int64_t id)
{
	struct api_job *j;
	int found = 0;

	pthread_mutex_lock(&js->lock);
	for (j = js->jobs; j != NULL; j = j->next) {
		if (j->id == id) {
			atomic_store(&j->cancel, 1);
			found = 1;
		}
	}
	pthread_mutex_unlock(&js->lock);
	return found ? 0 : -1;
}

/* Unlink and free a job. */
static void
job_free(struct api_job *j)
{
	struct api_jobs *js = j->js;
	struct api_job **p;

	pthread_mutex_lock(&js->lock);
	for (p = &js->jobs; *p != NULL; p = &(*p)->next) {
		if (*p == j) {
			*p = j->next;
			break;
		}
	}
	pthread_mutex_unlock(&js->lock);
	free(j->path);
	json_decref(j->args);
	free(j);
}

/* A new job on the list. */
struct api_job *
api_job_new(struct api_jobs *js, const char *kind, const char *peer)
{
	struct api_job *j = xcalloc(1, sizeof *j);

	j->js = js;
	j->kind = kind;
	snprintf(j->peer, sizeof j->peer, "%s", peer);
	atomic_init(&j->cancel, 0);
	pthread_mutex_lock(&js->lock);
	j->id = ++js->next_id;
	j->next = js->jobs;
	js->jobs = j;
	pthread_mutex_unlock(&js->lock);
	return j;
}

/* Queue a job; its id as the command's result. */
json_t *
api_job_submit(struct api_job *j, enum api_pool pool, void (*fn)(void *), char **cause)
{
	int64_t id = j->id;
	const char *kind = j->kind;

	/* From here the job may run and be freed at any moment. */
	if (pool_submit(j->js->pools[pool], fn, j) != 0) {
		set_cause(cause, "the engine is shutting down");
		job_free(j);
		return NULL;
	}
	return xjson_pack("{s:I, s:s}", "job", (json_int_t)id, "kind", kind);
}

/* The job's own connection. */
int
api_job_db(struct api_job *j, sqlite3 **db, char **cause)
{
	return db_open(j->js->db_path, 0, db, cause);
}

/* job.done; then free the job. */
void
api_job_done(struct api_job *j, json_t *result, const char *error)
{
	json_t *ev;

	ev = xjson_pack("{s:s, s:I, s:s, s:s}", "event", "job.done", "job", (json_int_t)j->id,
	    "kind", j->kind, "peer", j->peer);
	if (result != NULL)
		json_object_set_new(ev, "result", result);
	else {
		json_object_set_new(ev, "error", xjson_str(error != NULL ? error : "failed"));
		if (atomic_load(&j->cancel))
			json_object_set_new(ev, "cancelled", json_true());
	}
	if (j->private_events)
		api_jobs_send(j->js, j->peer, ev);
	else
		api_jobs_event(j->js, ev);
	job_free(j);
}

/* job.progress, at most every PROGRESS_EVERY_US unless forced. */
void
api_job_progress(struct api_job *j, int force, json_int_t done, json_int_t total,
    const char *message, json_t *extra)
{
	int64_t t = mono_us();
	json_t *ev;

	if (!force && t - j->last_us < PROGRESS_EVERY_US) {
		json_decref(extra);
		return;
	}
	j->last_us = t;
	ev = xjson_pack("{s:s, s:I, s:s, s:I, s:I, s:s}", "event", "job.progress", "job",
	    (json_int_t)j->id, "kind", j->kind, "done", done, "total", total, "message",
	    message != NULL ? message : "");
	if (extra != NULL) {
		json_object_update(ev, extra);
		json_decref(extra);
	}
	if (j->private_events)
		api_jobs_send(j->js, j->peer, ev);
	else
		api_jobs_event(j->js, ev);
}

/* Job: a slow command's body on a connection of its own. */
static void
later_run(void *arg)
{
	struct api_job *j = arg;
	sqlite3 *db = NULL;
	char *cause = NULL;
	json_t *r = NULL;

	if (atomic_load(&j->cancel))
		set_cause(&cause, "cancelled before it started");
	else if ((j->flags & API_JOB_NO_DB) || api_job_db(j, &db, &cause) == 0)
		r = j->body(j, db, &cause);
	db_close(&db);
	if (r == NULL && cause == NULL)
		set_cause(&cause, "failed");
	api_job_done(j, r, cause);
	free(cause);
}

/* Queue a slow command. */
json_t *
api_job_later(struct api_jobs *js, const char *kind, enum api_pool pool, api_job_body body,
    int flags, void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_job *j = api_job_new(js, kind, peer);

	j->args = json_deep_copy(req);
	j->flags = flags;
	j->body = body;
	j->arg = arg;
	return api_job_submit(j, pool, later_run, cause);
}
