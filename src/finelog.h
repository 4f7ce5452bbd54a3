/*
 * finelog.h: reading the fine log (table schedule_items), the contract
 * between the scheduler, which writes it, and the engine, which airs it.
 *
 * An item airs [in_ms, out_ms) of its file starting at start_ms (UTC);
 * end_ms - start_ms == out_ms - in_ms. Items of one channel neither overlap
 * nor leave gaps. A generated item (a slate, bars, a card) has no file.
 */
#ifndef RV_FINELOG_H
#define RV_FINELOG_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

enum item_kind {
	ITEM_PROGRAMME,
	ITEM_COMMERCIAL,
	ITEM_BUMPER,
	ITEM_STATION_ID,
	ITEM_PROMO,
	ITEM_INTERSTITIAL,
	ITEM_FILLER,
	ITEM_SLATE,
	ITEM_SIGNOFF,                   /* the sign-off programme */
	ITEM_SIGNON,                    /* the sign-on clip */
	ITEM_OFFAIR,                    /* bars and tone, or a test card, while off the air */
	ITEM_RATING_CARD,               /* "The following program is rated ..." */
	ITEM_NEXT_BUMPER,               /* "Coming up next: TITLE" */
	ITEM_GUIDE,                     /* a guide channel's listing */
};

/* A guide channel's items: generated (no file), one per slot, this kind and title. */
#define GUIDE_ITEM_KIND  ITEM_GUIDE
#define GUIDE_ITEM_TITLE "Program Guide"

/*
 * Kinds the engine can draw itself: generated when they have no media
 * file (a station may have its own sign-off clip or rating card).
 */
#define ITEM_KIND_GENERATED(k) ((k) == ITEM_SLATE || (k) >= ITEM_SIGNOFF)

struct fine_item {
	int64_t id;
	int64_t channel_id;
	int64_t start_ms;               /* UTC, ms */
	int64_t end_ms;                 /* UTC, ms, exclusive */
	enum item_kind kind;
	int64_t media_file_id;          /* 0: generated */
	char *file_path;                /* owned; NULL when generated */
	int64_t in_ms;                  /* source in point, ms into the file */
	int64_t out_ms;                 /* source out point, exclusive */
	int64_t programme_start_ms;     /* the guide programme it belongs to, or 0 */
	int act;                        /* act number within a programme, or 0 */
	int64_t schedule_id;            /* the coarse slot that placed it, or 0 */
	char *title;                    /* owned; display title, may be NULL */
	double loudness_lufs;           /* measured integrated loudness, NAN if unknown */
	char *audio_track;              /* owned; the operator's audio choice ("spa", "2"), or NULL */
};

/* "programme", "commercial", ... */
const char *item_kind_name(enum item_kind kind);
/* Parse a kind name; 0 on success. */
int item_kind_parse(const char *s, enum item_kind *out);

/*
 * The items of a channel that overlap [from_ms, to_ms), in time order.
 * *out is a new array of *n items (free with fine_items_free).
 */
int finelog_items(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    struct fine_item **out, size_t *n, char **cause);
/* The item on air at t_ms: 0 found, 1 nothing scheduled, -1 error. */
int finelog_item_at(sqlite3 *db, int64_t channel_id, int64_t t_ms, struct fine_item *out,
    char **cause);
/* The first item starting at or after t_ms: 0 found, 1 none, -1 error. */
int finelog_next(sqlite3 *db, int64_t channel_id, int64_t t_ms, struct fine_item *out,
    char **cause);
/* The end of the last item of a channel (0 if it has none). */
int64_t finelog_horizon(sqlite3 *db, int64_t channel_id);

/* Is it a guide channel's item (generated, GUIDE_ITEM_KIND and _TITLE)? */
int fine_item_is_guide(const struct fine_item *item);

/* Deep copy. */
void fine_item_copy(struct fine_item *dst, const struct fine_item *src);
/* Free one item's strings. */
void fine_item_clear(struct fine_item *item);
/* Free an array from finelog_items; sets *items to NULL. */
void fine_items_free(struct fine_item **items, size_t n);

#endif
