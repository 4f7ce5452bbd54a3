/*
 * pool.h: a small pool of worker threads for slow background jobs (sync,
 * validation, detection, thumbnails, seeks) so neither the console nor the
 * director ever blocks on them.
 */
#ifndef RV_ENGINE_POOL_H
#define RV_ENGINE_POOL_H

struct pool;

/* Start nthreads workers (0: one per core) named "rv-NAME". */
struct pool *pool_new(const char *name, int nthreads);
/* Queue fn(arg). Returns 0, or -1 if the pool is shutting down. */
int pool_submit(struct pool *p, void (*fn)(void *), void *arg);
/* Block until the queue is empty and no job runs. */
void pool_wait(struct pool *p);
/* Jobs queued or running. */
int pool_pending(struct pool *p);
/* Run what is queued, join the workers, free; accepts NULL, sets *pp NULL. */
void pool_free(struct pool **pp);

#endif
