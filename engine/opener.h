/*
 * opener.h: a channel's file opener. Opening a file is the one step of
 * playout that can take seconds for reasons outside Retrovue (a NAS disk
 * spinning up, a slow network share, a long stream probe), so a thread of
 * the channel's own ("rv-chN-open") opens, probes and seeks each file well
 * before its time, and the channel thread only takes what is ready.
 *
 * An ask is known by its item and its join point (the air time of the
 * first frame it will give): the same item asked again for a later join
 * (the file was late, the channel joins it later) is a new ask.
 */
#ifndef RV_ENGINE_OPENER_H
#define RV_ENGINE_OPENER_H

#include <stdint.h>

#include "engine/source.h"

enum opener_state {
	OPENER_UNKNOWN,                 /* never asked (or forgotten) */
	OPENER_PENDING,                 /* asked, not open yet */
	OPENER_READY,                   /* open: *src */
	OPENER_FAILED,                  /* cannot be opened: *cause */
};

struct opener;

/* An opener; label names it in messages, name is its thread's. */
struct opener *opener_new(const char *label, const char *name, char **cause);
/*
 * Ask for path opened so that its first frame is offset_us into the file,
 * to air from join_us (UTC us). conf is copied with its title; its other
 * strings (the language) must outlive the opener. Asking again for the
 * same item and join does nothing.
 */
void opener_want(struct opener *o, int64_t item_id, int64_t join_us, const char *path,
    int64_t offset_us, const struct source_conf *conf);
/*
 * What became of an ask. READY gives the source (*src, now the caller's);
 * FAILED gives the reason (*cause, the caller's). Either ends the ask.
 */
enum opener_state opener_take(struct opener *o, int64_t item_id, int64_t join_us,
    struct source **src, char **cause);
/* Wait up to timeout_us while the ask is pending; its state then. */
enum opener_state opener_wait(struct opener *o, int64_t item_id, int64_t join_us,
    int64_t timeout_us);
/* Forget the asks that were to join before join_us (their time is past). */
void opener_prune(struct opener *o, int64_t join_us);
/* Asks not taken yet (queued, opening or ready). */
int opener_count(struct opener *o);
/*
 * Stop the thread and free what was never taken; accepts NULL, sets *op
 * NULL. An open in progress ends through the sources' interrupt callback.
 */
void opener_free(struct opener **op);

#endif
