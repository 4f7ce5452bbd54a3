/*
 * sched.h: the scheduler. It expands a channel's coarse schedule
 * (src/coarse.h) into its fine log (src/finelog.h): programmes split into
 * acts at chapter markers, commercial pods with bumpers, station IDs,
 * filler up to every slot boundary, all at absolute UTC times.
 *
 * Deterministic: the fine log is a function of the database (library,
 * coarse schedule, what was placed before) and of the time a build starts;
 * two builds from the same state write the same items. Choices that look
 * random come from a hash of the channel, the slot and the candidates.
 *
 * The locked window: nothing that starts before now + SCHED_LOCK_MS is ever
 * rebuilt. A rebuild starts at the first programme that begins at or after
 * the lock; the programme on air, and its acts and breaks, stay as they are.
 *
 * Every build is checked (src/schedcheck.h) before it is committed; a build
 * that fails the check is rolled back and reported.
 *
 * Threads: each function uses only the connection it is given (one per
 * thread), writes in one BEGIN IMMEDIATE transaction, and keeps no state
 * between calls. On that connection a build raises the page cache to 16 MB
 * if it is smaller, and skips CHECK constraints (not NOT NULL, UNIQUE or
 * foreign keys) while inserting rows it has just checked itself. Called
 * inside the caller's transaction, a build uses a savepoint instead. The
 * fine log's foreign keys are checked at commit (migration 7); a build
 * that leaves one unresolved fails then and there, not at the commit.
 *
 * The engine's director calls sched_extend_all (or sched_extend per
 * channel) on its tick; the CLI and the console call sched_rebuild after
 * an edit.
 */
#ifndef RV_SCHED_H
#define RV_SCHED_H

#include <stdint.h>

#include <sqlite3.h>

#include "src/schedlib.h"

#define SCHED_HORIZON_MS    (48LL * 3600 * 1000)        /* default look-ahead */
#define SCHED_LOCK_MS       (10LL * 60 * 1000)          /* never rebuilt under a viewer */
#define SCHED_RETAIN_MS     (7LL * 24 * 3600 * 1000)    /* fine log kept this long */

/*
 * Make channel_id's fine log reach now_ms + horizon_ms (0: the default).
 * Idempotent and cheap when the log already reaches that far (two indexed
 * queries, no library load). Also replaces content that a sync removed (or
 * validation marked missing) in the unlocked future, and forgets fine log
 * older than SCHED_RETAIN_MS. A channel with an empty or stale log starts
 * at the slot boundary at or before now_ms. Returns the number of items
 * written (0: nothing to do), or -1 with *cause.
 */
int sched_extend(sqlite3 *db, int64_t channel_id, int64_t now_ms, int64_t horizon_ms,
    char **cause);
/*
 * Throw away the fine log after the locked window and build it again to at
 * least now_ms + SCHED_HORIZON_MS (or as far as it reached before). Call
 * after editing the channel, its coarse schedule or the library. Returns
 * the number of items written, or -1 with *cause.
 */
int sched_rebuild(sqlite3 *db, int64_t channel_id, int64_t now_ms, char **cause);
/*
 * sched_extend for every enabled channel, loading the library once and
 * writing in one transaction (a savepoint per channel); no write lock is
 * taken when no channel needs anything. A channel that fails is logged
 * and rolled back alone; returns the items written, or -1 with *cause if
 * any channel failed (the others are still extended). Each channel is
 * built on a thread of its own while the one before it is written (the
 * builds touch no database); the page cache is 64 MB while it runs.
 */
int sched_extend_all(sqlite3 *db, int64_t now_ms, int64_t horizon_ms, char **cause);
/*
 * The engine director's hook (struct director_opts.extend): extend the
 * channel to until_ms, and at least SCHED_HORIZON_MS past now so the hook
 * runs seldom. 0, or -1 with *cause.
 */
int sched_extend_until(sqlite3 *db, int64_t channel_id, int64_t until_ms, char **cause);
/* sched_extend with a library already loaded (many channels in a row). */
int sched_extend_lib(sqlite3 *db, const struct schedlib *lib, int64_t channel_id,
    int64_t now_ms, int64_t horizon_ms, char **cause);

/*
 * The programme boundaries of a channel around t_ms: the start of the
 * programme on air at t_ms and of the next one (0 if unknown). For the
 * engine's "up next" and the console.
 */
int sched_programme_at(sqlite3 *db, int64_t channel_id, int64_t t_ms, int64_t *start_ms,
    int64_t *next_ms);

#endif
