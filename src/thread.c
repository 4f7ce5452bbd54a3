/*
 * thread.c: named worker threads with the terminal signals blocked.
 */
#include "src/thread.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

/* Name the calling thread. */
void
thread_name(const char *name)
{
#ifdef HAVE_PTHREAD_SETNAME_NP
	char buf[16];

	snprintf(buf, sizeof buf, "%s", name);
	pthread_setname_np(pthread_self(), buf);
#else
	(void)name;
#endif
}

struct start {
	void *(*fn)(void *);
	void *arg;
	char name[16];
};

/* The new thread: name itself, then run. */
static void *
trampoline(void *p)
{
	struct start s = *(struct start *)p;

	free(p);
	thread_name(s.name);
	return s.fn(s.arg);
}

/* Start a named thread with every signal blocked (it inherits the mask). */
int
thread_start(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg)
{
	struct start *s;
	sigset_t all, old;
	int ret;

	if ((s = malloc(sizeof *s)) == NULL)
		return ENOMEM;
	s->fn = fn;
	s->arg = arg;
	snprintf(s->name, sizeof s->name, "%s", name);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(thread, NULL, trampoline, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret != 0)
		free(s);
	return ret;
}
