/*
 * thread.h: starting a worker thread the way every thread of Retrovue
 * starts: named (so top and gdb show "rv-ch12"), with the terminal signals
 * blocked (only the main thread handles SIGINT, SIGTERM and SIGHUP).
 */
#ifndef RV_THREAD_H
#define RV_THREAD_H

#include <pthread.h>

/*
 * Start fn(arg) on a new thread named name (cut to 15 bytes). 0, or an
 * errno value (the thread did not start).
 */
int thread_start(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg);
/* Name the calling thread (cut to 15 bytes). */
void thread_name(const char *name);

#endif
