/*
 * asrun.h: the as-run log (table playout_logs): what actually aired, when,
 * for how long, and why not when it failed. The engine writes it; the
 * scheduler, the console and 'retrovue asrun' read it.
 */
#ifndef RV_ASRUN_H
#define RV_ASRUN_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/finelog.h"

/* Statuses of an as-run row. */
#define ASRUN_PLAYING     "playing"     /* on air now */
#define ASRUN_AIRED       "aired"       /* played to its out point */
#define ASRUN_PARTIAL     "partial"     /* joined late or cut short */
#define ASRUN_FAILED      "failed"      /* could not be played at all */
#define ASRUN_SLATE       "slate"       /* the slate aired in its place */
#define ASRUN_INTERRUPTED "interrupted" /* stopped by an alert or shutdown */

/*
 * Record that item started airing at actual_start_ms. item may be NULL for
 * airtime with nothing scheduled (then title says what aired). Returns the
 * row id, or -1 with *cause.
 */
int64_t asrun_begin(sqlite3 *db, int64_t channel_id, const struct fine_item *item,
    const char *title, int64_t actual_start_ms, char **cause);
/* Close a row: end time, status, and errors (NULL if none). */
int asrun_end(sqlite3 *db, int64_t row, int64_t actual_end_ms, const char *status,
    const char *errors, char **cause);
/* Mark rows left "playing" by a process that died as interrupted. */
int asrun_close_stale(sqlite3 *db, int64_t channel_id, char **cause);

/* One row of the as-run log. */
struct asrun_row {
	int64_t id;
	int64_t channel_id;
	int64_t schedule_item_id;       /* 0 if none (or rebuilt away) */
	int64_t content_id;             /* media file, 0 if none */
	char *title;                    /* may be NULL */
	int64_t scheduled_start_ms;     /* 0 if unscheduled */
	int64_t start_ms;               /* actual */
	int64_t end_ms;                 /* actual; 0 while on air */
	int64_t duration_ms;            /* actual; 0 while on air */
	char *status;                   /* ASRUN_* */
	char *errors;                   /* may be NULL */
};

/* Rows of a channel that started in [from_ms, to_ms), oldest first. */
int asrun_list(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    struct asrun_row **out, size_t *n, char **cause);
/* Free a list; sets *rows to NULL. */
void asrun_rows_free(struct asrun_row **rows, size_t n);

#endif
