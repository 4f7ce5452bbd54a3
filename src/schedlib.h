/*
 * schedlib.h: a read-only snapshot of the library as the scheduler sees it:
 * every playable file with its role on air, length, rating level, daypart,
 * advertiser and chapter markers, and every series with its episodes in
 * order. Loaded once (a few queries) and shared by the builds of many
 * channels; never changed after loading, so threads may share one.
 * Files marked missing or broken by validation, and files of zero length,
 * are left out.
 */
#ifndef RV_SCHEDLIB_H
#define RV_SCHEDLIB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct tz;

enum sl_kind {
	SL_EPISODE,
	SL_MOVIE,
	SL_COMMERCIAL,
	SL_BUMPER,
	SL_STATION_ID,
	SL_PROMO,
	SL_INTERSTITIAL,
	SL_INTRO,
	SL_OUTRO,
	SL_OTHER,
	SL_KIND_COUNT,
};

/*
 * What a bumper is for: content_scheduling_metadata.commercial_category
 * 'out' or 'in', or scheduling_notes containing "break-in" (into the
 * break) or "break-out" (back to the show).
 */
#define SL_ROLE_ANY 0           /* either side of a break, or filler */
#define SL_ROLE_OUT 1           /* into a break: "we'll be right back" */
#define SL_ROLE_IN  2           /* back from it: "and now back to our show" */

/*
 * A station's own clips for generated items, by scheduling_notes:
 * an interstitial with "rating-card" (and the content_rating it
 * announces), an outro with "sign-off", an intro with "sign-on". They
 * air only in those places.
 */
#define SL_CARD_NONE    0
#define SL_CARD_RATING  1
#define SL_CARD_SIGNOFF 2
#define SL_CARD_SIGNON  3

struct sl_item {
	int64_t id;                     /* media_files.id */
	int64_t duration_ms;
	enum sl_kind kind;
	int level;                      /* rating level (src/rating.h) or RATING_UNRATED */
	int daypart;                    /* enum daypart, or -1 for any */
	int demographic;                /* interned string, 0 none */
	int company;                    /* interned, 0 none */
	int category;                   /* interned, 0 none */
	int32_t expires;                /* last day it may air (days since epoch), or INT32_MAX */
	int role;                       /* SL_ROLE_* for bumpers */
	int card;                       /* SL_CARD_* */
	int seasonal;                   /* index in seasons (seasonal_preference), or -1 */
	int32_t show;                   /* index in shows, or -1 */
	int season, episode;
	int year;
	uint32_t mk_off, mk_n;          /* chapter markers made by hand (manual, nfo): marks[mk_off..] */
	uint32_t dt_off, dt_n;          /* detected black+silent points */
	uint32_t sv_off, sv_n;          /* chapters from a server or the file (plex, jellyfin, file...) */
	int64_t intro_ms, intro_end_ms; /* the intro's span, 0 0 if unknown: no break inside */
	int64_t credits_ms;             /* where the end credits start (the content ends), 0 unknown */
	char *title;                    /* episode title, movie title, or the file's name */
	char *genre;                    /* movie genre (episodes: see the show) */
};

struct sl_show {
	int64_t id;
	char *title;
	char *genre;
	int level;                      /* the show's own rating level */
	int32_t *eps;                   /* item indexes in air order (no specials) */
	size_t n_eps;
};

struct strmap;

struct schedlib {
	struct sl_item *items;          /* by id */
	size_t n;
	struct sl_show *shows;          /* by id */
	size_t n_shows;
	int64_t *marks;                 /* ms into the file, ascending per file */
	size_t n_marks;
	int32_t *by_kind[SL_KIND_COUNT];        /* item indexes of each kind, by id */
	size_t n_kind[SL_KIND_COUNT];
	struct season *seasons;         /* distinct seasonal preferences */
	size_t n_seasons;
	char **strings;                 /* interned; [0] is "" */
	size_t n_strings;
	struct strmap *intern;          /* strings' indexes, without case */
};

/* A channel's scheduling settings (channels table, migrations 1 and 2). */
struct sched_channel {
	int64_t id;
	char number[16];
	const struct tz *tz;            /* its zone (cached, never freed) */
	int slot_minutes;
	int limit;                      /* rating level limit, or RATING_UNRATED for none */
	int unrated_ok;
	int demographic;                /* interned in the library it was loaded with, 0 any */
	char *demographic_text;
	int64_t act_ms;
	int64_t margin_ms;
	int bumpers;
	int station_id_minutes;         /* 0: none */
	int fps_num, fps_den;
	int enabled;
	int guide;                      /* a guide channel: generated guide items only */
	int signoff_min, signon_min;    /* local minutes of sign-off and sign-on, -1: none */
	int rating_cards;
	int next_bumpers;
	int credits;                    /* SCHED_CREDITS_*: end credits in a tight slot */
};

#define SCHED_CREDITS_KEEP    0     /* aired whole */
#define SCHED_CREDITS_SQUEEZE 1     /* what fits of them */
#define SCHED_CREDITS_CUT     2     /* the programme ends where they start */

/*
 * Load a channel's settings; lib (may be NULL) interns its demographic.
 * 0, 1 if there is no such channel, -1 with *cause.
 */
int schedlib_channel(sqlite3 *db, const struct schedlib *lib, int64_t channel_id,
    struct sched_channel *out, char **cause);
/* Free its strings. */
void schedlib_channel_clear(struct sched_channel *ch);
/* Is a file allowed on the channel (rating and demographic)? */
int schedlib_allowed(const struct sched_channel *ch, const struct sl_item *it);
/* Is it in season on the local date (no seasonal preference: always)? */
int schedlib_in_season(const struct schedlib *lib, const struct sl_item *it, int year,
    int month, int day);

/* Load the library. 0, or -1 with *cause. */
int schedlib_load(sqlite3 *db, struct schedlib **out, char **cause);
/* Free; sets *lib to NULL. */
void schedlib_free(struct schedlib **lib);
/* The item with this media file id, or NULL. */
const struct sl_item *schedlib_item(const struct schedlib *lib, int64_t id);
/* Index of the series with this id, or -1. */
int schedlib_show(const struct schedlib *lib, int64_t show_id);
/* Interned string id of s (0 if s is NULL, empty, or never seen). */
int schedlib_string(const struct schedlib *lib, const char *s);
/* "Show / Episode", "Movie", or the file's name: a new string. */
char *schedlib_title(const struct schedlib *lib, const struct sl_item *it);

#endif
