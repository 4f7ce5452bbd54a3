/*
 * progress.h: progress bars for commands run from a terminal. On a
 * terminal, one or two bars redrawn in place (library and item, as the
 * brief's sync shows them); elsewhere, plain lines at each change of
 * label. Messages ("Added episode: ...") print above the bars.
 */
#ifndef RV_TUI_PROGRESS_H
#define RV_TUI_PROGRESS_H

#include <stdio.h>

struct progress;

/* Start drawing on f with nbars (1 or 2) bars. */
struct progress *progress_new(FILE *f, int nbars);
/* Set bar (0 or 1) to done/total with a label ("TV Shows (1/3)"). */
void progress_set(struct progress *p, int bar, long done, long total, const char *label);
/* Print a line above the bars. */
void progress_message(struct progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Erase the bars and free; accepts NULL and sets *pp to NULL. */
void progress_free(struct progress **pp);

#endif
