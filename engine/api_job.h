/*
 * api_job.h: the job runner of the control socket's editing commands
 * (engine/api_lib.h). Slow work never runs on the control worker: a
 * command queues a job in one of five pools and answers {job, kind} at
 * once; the job reports through events, to every attached console (or to
 * the asker only, for a private job):
 *
 *   job.progress {job, kind, done, total, message[, level, index, count]}
 *   job.message  {job, kind, level, text}
 *   job.done     {job, kind, peer, result | error[, cancelled]}
 *
 * Pools: "rv-seek" (one thread: the chapter editor's pictures, so a seek
 * never waits behind a sync), "rv-job" (two: detection, sync, source
 * tests), "rv-sched" (one: fine log rebuilds, one at a time), "rv-edit"
 * (one: library-wide changes, a source's or a directory's removal and a
 * path mapping's re-mapping, in the order they were asked for) and
 * "rv-chan" (one: channels started and stopped by hand, in order; a stop
 * waits for the channel's thread). A job opens its own connection.
 *
 * Concurrency: the runner's lock guards the list of jobs and the control
 * socket; events go out under it, so none is sent once api_jobs_stop has
 * let go of the socket. A job's cancel flag is the only thing others
 * write while it runs.
 */
#ifndef RV_ENGINE_API_JOB_H
#define RV_ENGINE_API_JOB_H

#include <stdatomic.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

struct control;
struct api_jobs;

enum api_pool {
	API_POOL_SEEK,
	API_POOL_WORK,
	API_POOL_SCHED,
	API_POOL_EDIT,
	API_POOL_CHAN,
	API_POOL_COUNT,
};

struct api_job;

/* A slow command's work, on the job's own connection (NULL with API_JOB_NO_DB). */
typedef json_t *(*api_job_body)(struct api_job *j, sqlite3 *db, char **cause);

struct api_job {
	struct api_jobs *js;
	int64_t id;
	const char *kind;               /* job.done's "kind" (a static string) */
	char peer[64];                  /* who asked */
	int private_events;             /* events to the asker only (a picture) */
	atomic_int cancel;
	int64_t last_us;                /* last progress event */
	json_t *args;                   /* the request (owned), or NULL */
	void *arg;                      /* the command's state (struct api_lib) */
	/* What some kinds carry besides the request. */
	int64_t mf_id;                  /* a media file */
	int64_t ms;                     /* frame */
	int width, height;              /* frame */
	char *path;                     /* frame, detect: the media file (owned) */
	int64_t channel_id;             /* rebuild: one channel (or mf_id: its channels) */
	char number[16];                /* rebuild: the channel's number */
	api_job_body body;              /* a slow command's (api_job_later) */
	int flags;                      /* API_JOB_NO_DB */
	struct api_job *next;
};

#define API_JOB_NO_DB 0x1               /* api_job_later: the body needs no connection */

/* The runner: events to c, jobs on connections to db_path. */
struct api_jobs *api_jobs_new(struct control *c, const char *db_path);
/* Cancel every job, wait for them, and send no event after. */
void api_jobs_stop(struct api_jobs *js);
/* Stop and free; accepts NULL, sets *jsp NULL. */
void api_jobs_free(struct api_jobs **jsp);
/* An event to every attached console (takes ev). */
void api_jobs_event(struct api_jobs *js, json_t *ev);
/* An event to the consoles of one peer only (takes ev). */
void api_jobs_send(struct api_jobs *js, const char *peer, json_t *ev);
/* The id of a queued or running job of kind, or 0. */
int64_t api_jobs_running(struct api_jobs *js, const char *kind);
/* Cancel the jobs of kind that peer asked for (a newer one supersedes them). */
void api_jobs_supersede(struct api_jobs *js, const char *kind, const char *peer);
/* Cancel job id: 0, or -1 when no such job is queued or running. */
int api_jobs_cancel(struct api_jobs *js, int64_t id);

/* A new job on the list, not yet queued; fill it, then api_job_submit. */
struct api_job *api_job_new(struct api_jobs *js, const char *kind, const char *peer);
/*
 * Queue fn(j) on a pool (j is fn's from then on): {job, kind} as the
 * command's reply, or NULL with *cause (the job is freed).
 */
json_t *api_job_submit(struct api_job *j, enum api_pool pool, void (*fn)(void *),
    char **cause);
/* A connection of the job's own (close it with db_close): 0, or -1 with *cause. */
int api_job_db(struct api_job *j, sqlite3 **db, char **cause);
/* job.done with a result (taken) or an error, then free the job. */
void api_job_done(struct api_job *j, json_t *result, const char *error);
/* job.progress, at most five a second unless forced; extra (taken) is merged in. */
void api_job_progress(struct api_job *j, int force, json_int_t done, json_int_t total,
    const char *message, json_t *extra);
/*
 * A slow command: a job of kind (the command's name) on pool that runs
 * body with a copy of the request on a connection of its own, arg its
 * state; job.done carries body's result or cause. The reply as
 * api_job_submit's.
 */
json_t *api_job_later(struct api_jobs *js, const char *kind, enum api_pool pool,
    api_job_body body, int flags, void *arg, json_t *req, const char *peer, char **cause);

#endif
