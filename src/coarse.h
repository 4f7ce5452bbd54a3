/*
 * coarse.h: the coarse schedule (table schedules): what a channel plays in
 * each slot, by day of week and local time in the channel's zone.
 *
 *   series   a series in order, continuing where it left off on this
 *            channel; several series rotate slot by slot
 *   shuffle  random episodes of a series
 *   episode  one episode
 *   movie    one movie (taking as many slots as it needs)
 *   movies   a movie block: movies chosen by genre and rating
 *   fill     what plays in time nothing else claims: random episodes and/or
 *            movies, optionally under a rating; with series given, episodes
 *            of those series only
 *
 * A slot runs [start, end) local minutes; end <= start runs past midnight
 * (the days are the days it starts). Where slots overlap, a marathon beats
 * everything, any non-fill slot beats a fill slot, then the higher
 * priority, then the newer slot.
 *
 * Options of any slot, one row each in coarse_opts[] (src/coarse.c) that
 * drives 'retrovue schedule add' (--flag), the control socket's slots.add
 * and slots.list (the name), the console's slot form (the label) and the
 * JSON kept in schedules.rule (the rule key):
 *   genre     movies, fill: the genre contains this
 *   max_rating  movies, fill, shuffle: nothing rated above it
 *   episodes_only, movies_only   fill: one kind only (rule "kinds")
 *   priority  where slots overlap, the higher wins (a column)
 *   dates     active only on these dates (src/season.h: "december",
 *             "10-25..10-31", "2026-07-04"), the date the slot starts
 *   marathon  a series slot that takes its whole span for one series, in
 *             order, beating every other slot
 *   chance    with marathon: on each of its days it runs with this chance
 *             in percent (chosen by a hash of the date, so it is stable)
 *   own_position  (rule "position": "own") a series slot keeps its own
 *             place in the series (syndication), apart from the channel's
 *             other slots
 *   start_at  (rule "from": "S02E05") where an own-position slot begins
 *
 * Adding a slot option: a member of struct coarse_slot (what the
 * scheduler reads) and a row in coarse_opts[] naming it (offsetof) with
 * its flag, name, rule key, type and help; a label puts it in the
 * console's form. No migration: options live in schedules.rule.
 */
#ifndef RV_COARSE_H
#define RV_COARSE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "src/season.h"

enum coarse_type {
	COARSE_SERIES,
	COARSE_SHUFFLE,
	COARSE_EPISODE,
	COARSE_MOVIE,
	COARSE_MOVIES,
	COARSE_FILL,
};

/* What a fill slot may choose. */
#define COARSE_KIND_EPISODES 0x1
#define COARSE_KIND_MOVIES   0x2

/* Dayparts, by local start time. */
enum daypart {
	DAYPART_MORNING,                /* 06:00-12:00 */
	DAYPART_AFTERNOON,              /* 12:00-18:00 */
	DAYPART_PRIME,                  /* 18:00-23:00 */
	DAYPART_LATE_NIGHT,             /* 23:00-06:00 */
	DAYPART_COUNT,
};

struct coarse_slot {
	int64_t id;
	int64_t channel_id;
	int days;                       /* bit 0 Sunday .. bit 6 Saturday */
	int start_min;                  /* local minutes after midnight, 0-1439 */
	int end_min;                    /* 1-1440; <= start_min: past midnight */
	enum coarse_type type;
	int64_t show_id;                /* series, shuffle: the (first) series */
	int64_t content_id;             /* episode, movie: the media file */
	int priority;
	/* Options, kept as JSON in schedules.rule. */
	int64_t *shows;                 /* series rotation, fill: these series */
	size_t n_shows;
	char *max_rating;               /* movies, fill, shuffle: at most this; NULL none */
	int max_level;                  /* its level, or -1 */
	char *genre;                    /* movies, fill: genre contains this; NULL any */
	int kinds;                      /* fill: COARSE_KIND_*; 0 means both */
	char *daypart;                  /* the daypart it was made from, for display */
	char *dates_text;               /* dates: as given, NULL for every date */
	struct season dates;            /* dates: parsed */
	int marathon;
	int chance;                     /* marathon: percent of its days, 100 every day */
	int own_position;               /* series: its own place in the series */
	int from_season, from_episode;  /* own position: where it begins (0: the start) */
};

/* Kinds of option value. */
enum coarse_opt_type {
	COARSE_OPT_TEXT,                /* char *, any printable text */
	COARSE_OPT_RATING,              /* char *, a rating; max_level follows it */
	COARSE_OPT_DATES,               /* char * dates_text; dates follows it */
	COARSE_OPT_INT,                 /* int, from min to max */
	COARSE_OPT_FLAG,                /* int, value when given (a flag without argument) */
	COARSE_OPT_EPISODE,             /* "S02E05": from_season, from_episode */
};

struct coarse_opt {
	const char *name;               /* slots.add and slots.list key */
	const char *flag;               /* schedule add --flag */
	const char *arg;                /* its argument in the usage; NULL: none (FLAG) */
	const char *rule;               /* its key in schedules.rule; NULL: a column */
	const char *rule_on;            /* FLAG: the rule's text for it (NULL: true) */
	enum coarse_opt_type type;
	int min, max;                   /* INT */
	int dflt;                       /* INT: when the rule has none (not stored) */
	int value;                      /* FLAG: the member's value when given */
	const char *needs;              /* another option it goes with */
	const char *implies;            /* a FLAG option giving it gives too */
	size_t off;                     /* its member of struct coarse_slot */
	const char *label;              /* the console's slot form; NULL: not there */
	const char *help;               /* a line of 'retrovue schedule --help' */
};

extern const struct coarse_opt coarse_opts[];
extern const size_t ncoarse_opts;

/*
 * An option's value as typed (text ignored for a FLAG) into s; text is
 * copied (free it with coarse_slot_clear). 0, or -1 with *cause saying
 * what is wrong with text (without the option's name).
 */
int coarse_opt_parse(const struct coarse_opt *o, const char *text, struct coarse_slot *s,
    char **cause);
/*
 * The options a JSON object gives under their names (strings as typed,
 * numbers, true for a FLAG) into s. 0, or -1 with *cause naming the key.
 */
int coarse_opt_from_json(json_t *obj, struct coarse_slot *s, char **cause);
/* What options say together: one given without the one it needs (CLI: by --flag). */
int coarse_opt_check(const struct coarse_slot *s, int by_flag, char **cause);
/* Add s's options to a slot's JSON object o under their names. */
void coarse_opt_json(const struct coarse_slot *s, json_t *o);

/* "series", ...; and back (0 on success). */
const char *coarse_type_name(enum coarse_type type);
int coarse_type_parse(const char *s, enum coarse_type *out);

/*
 * Days: "daily", "weekdays", "weekends", "mon-fri", "sat,sun", "tue",
 * "mon,wed-fri". 0 with *mask, or -1 with *cause.
 */
int coarse_parse_days(const char *s, int *mask, char **cause);
/* "daily", "Mon-Fri", "Sat,Sun", "Mon,Wed,Fri" into buf. */
const char *coarse_format_days(int mask, char *buf, size_t len);
/* "HH:MM" (00:00 to 24:00) into minutes; 0 or -1. */
int coarse_parse_time(const char *s, int *minutes);

/*
 * A slot's JSON options as stored ({"shows": [..], "max_rating": "TV-PG",
 * "genre": .., ...}) into s; what is not understood is left at its default.
 */
void coarse_parse_rule(const char *text, struct coarse_slot *s);

/* A daypart by name (aliases: evening, late, overnight); -1 if none. */
int coarse_daypart_parse(const char *s);
const char *coarse_daypart_name(int daypart);
/* The daypart a local minute of the day falls in. */
int coarse_daypart_at(int minute);
/* The local span of a daypart. */
void coarse_daypart_span(int daypart, int *start_min, int *end_min);

/* A channel's slots, by id. */
int coarse_load(sqlite3 *db, int64_t channel_id, struct coarse_slot **out, size_t *n,
    char **cause);
/*
 * Check a slot against the library and its channel (the series, episode or
 * movie exists; it is within the channel's rating limit) and store it; its
 * id in *id.
 */
int coarse_add(sqlite3 *db, const struct coarse_slot *slot, int64_t *id, char **cause);
/* Remove slot id of a channel. */
int coarse_remove(sqlite3 *db, int64_t channel_id, int64_t id, char **cause);
/* Free an array from coarse_load; sets *slots to NULL. */
void coarse_free(struct coarse_slot **slots, size_t n);
/* Free one slot's members. */
void coarse_slot_clear(struct coarse_slot *slot);

/* The slot that governs local day wday at minute, or NULL (dates and chance ignored). */
const struct coarse_slot *coarse_match(const struct coarse_slot *slots, size_t n, int wday,
    int minute);
/*
 * The slot that governs the local time (year, month, day, wday, minute),
 * with dates and marathon chances; channel_id seeds the chances.
 */
const struct coarse_slot *coarse_match_date(const struct coarse_slot *slots, size_t n,
    int year, int month, int day, int wday, int minute);
/* Is slot s active on the local date it starts (dates, marathon chance)? */
int coarse_active_on(const struct coarse_slot *s, int year, int month, int day);
/* "S02E05" or "2x05" into season and episode; 0 or -1. */
int coarse_parse_episode(const char *s, int *season, int *episode);
/* A line saying what the slot plays ("series Cheers, Taxi"); a new string. */
char *coarse_describe(sqlite3 *db, const struct coarse_slot *slot);

#endif
