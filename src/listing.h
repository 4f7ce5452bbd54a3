/*
 * listing.h: the model of the guide channel's listings: at a time T, which
 * channels the grid lists (every enabled regular channel, in number
 * order), and for each the programmes that overlap the window shown (from
 * the half hour at or before T, so many hours long), with their titles as
 * the XMLTV guide gives them. The engine's guide source (engine/guidech.c)
 * draws it; it re-reads it once a minute or when the database changes.
 */
#ifndef RV_LISTING_H
#define RV_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/tz.h"

#define LISTING_STEP_MS (30 * 60000LL)  /* the grid's time columns */

struct listing_prog {
	int64_t start_ms, end_ms;       /* UTC, the programme (may reach outside the window) */
	char *title;
};

struct listing_row {
	int64_t channel_id;
	char *number;
	char *label;                    /* call sign, else the name */
	struct listing_prog *progs;     /* in time order, covering the window (gaps: TBA) */
	size_t n;
};

struct listing {
	int64_t from_ms, to_ms;         /* the window, UTC */
	struct listing_row *rows;
	size_t n;
};

/* The window's start for now_ms: the half hour at or before it, local time. */
int64_t listing_window_start(const struct tz *tz, int64_t now_ms);
/*
 * Load the rows of every enabled regular channel for [from_ms, from_ms +
 * hours). 0, or -1 with *cause (nothing to free then).
 */
int listing_load(sqlite3 *db, int64_t from_ms, int hours, struct listing *out,
    char **cause);
/* The programme of a row on air at t_ms, or NULL. */
const struct listing_prog *listing_on_at(const struct listing_row *row, int64_t t_ms);
/* Free the rows; accepts an empty listing. */
void listing_free(struct listing *l);

#endif
