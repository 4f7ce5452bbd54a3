/*
 * asrunq.h: a channel's database writer. The channel thread hands it the
 * as-run rows (and what it measured of a file as it aired) and goes on at
 * once; a thread of its own ("rv-chN-log") writes them with its own
 * connection, so a database held by a long write elsewhere (a schedule
 * build, a sync) never holds up the picture. Rows are known by a token
 * the queue gives at once; it becomes the row's id when the row is written.
 */
#ifndef RV_ENGINE_ASRUNQ_H
#define RV_ENGINE_ASRUNQ_H

#include <stdint.h>

#include "src/finelog.h"

struct asrunq;

/* A writer for db_path; label names it in messages and its thread (name). */
struct asrunq *asrunq_new(const char *db_path, const char *label, const char *name,
    char **cause);
/*
 * Queue "item (may be NULL: title says what aired) started at start_ms".
 * Returns the row's token (> 0), which asrunq_end takes.
 */
int64_t asrunq_begin(struct asrunq *q, int64_t channel_id, const struct fine_item *item,
    const char *title, int64_t start_ms);
/* Queue the row's end (token <= 0: nothing); errors may be NULL. */
void asrunq_end(struct asrunq *q, int64_t token, int64_t end_ms, const char *status,
    const char *errors);
/* Queue a file's integrated loudness, measured as it aired. */
void asrunq_loudness(struct asrunq *q, int64_t media_file_id, double lufs);
/* Rows queued and not yet written (for tests and the log). */
int asrunq_pending(struct asrunq *q);
/*
 * Write what is queued, stop the thread, free. Accepts NULL, sets *qp NULL.
 * Waits for the database as long as its busy timeout allows per row.
 */
void asrunq_free(struct asrunq **qp);

#endif
