/*
 * content.h: the content library as the operator sees it: adding files
 * by hand (commercials, bumpers, station IDs... probed for their
 * duration), editing metadata, listing and searching, and everything
 * about one item.
 */
#ifndef RV_CONTENT_H
#define RV_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/library.h"

/* The roles a file can have on air, as stored (content_scheduling_metadata.content_type). */
extern const char *const content_types[];
/* A role as typed ("station-id", "Commercial") normalised; NULL if unknown. */
const char *content_type_parse(const char *s);

struct content_add {
	const char *type;               /* a content type (required) */
	const char *title;              /* NULL: from the file name */
	int year;                       /* the production year; 0: from the name, "Ad (1987).mp4" */
	const char *show;               /* episodes: "Title" or "Title (Year)" */
	int season;                     /* episodes; -1 */
	int episode;
	struct lib_sched sched;         /* company, category, daypart, ... */
};

/*
 * Add a file: probe it, store it as a manual item. *id gets the media
 * file. A file already in the library is refused (naming its id). 0, or
 * -1 with *cause.
 */
int content_add_file(sqlite3 *db, const char *path, const struct content_add *a, int64_t *id,
    char **cause);

/*
 * Set metadata: key=value pairs (title, type, daypart, seasonal, rating,
 * company, category, duration, expires, demographic, warnings, notes,
 * year: the production year the scheduler's eras read, series: the series
 * a bumper belongs to, summary, genre). All or nothing. 0, or -1 with
 * *cause naming the bad pair.
 */
int content_set(sqlite3 *db, int64_t id, char *const *pairs, size_t n, char **cause);
/* Is there a series titled title, or "Title (Year)", in the library? */
int content_series_known(sqlite3 *db, const char *title);
/* The keys content_set knows, for usage messages. */
extern const char *const content_set_keys;

struct content_row {
	int64_t id;
	char *title;
	char *type;                     /* content type */
	char *source;                   /* "plex:Home", "tmm:Movies", "manual" */
	char *path;
	char *rating;
	char *validation;
	int64_t duration_ms;
	double loudness_lufs;           /* NAN: not measured */
	long chapters;
	long total;                     /* rows matching the query, limit aside */
};

struct content_query {
	const char *type;               /* content type, or NULL */
	const char *source;             /* source type (plex, tmm, manual), source or directory name */
	const char *search;             /* in titles and paths */
	const char *sort;               /* title, duration, type, source, added, modified, id, loudness */
	const char *rating;             /* content rating ("PG"), or NULL */
	const char *daypart;            /* daypart preference, or NULL */
	int desc;
	long limit;                     /* 0: no limit */
	long offset;                    /* rows to skip */
};

int content_list(sqlite3 *db, const struct content_query *q, struct content_row **rows,
    size_t *n, char **cause);
void content_rows_free(struct content_row **rows, size_t n);

/* One labelled value of content_show. */
struct content_field {
	char *key;
	char *value;
};

/* Everything about one item, in display order. 0, or -1 with *cause. */
int content_show(sqlite3 *db, int64_t id, struct content_field **fields, size_t *n,
    char **cause);
void content_fields_free(struct content_field **fields, size_t n);

/*
 * Bring a removed item back (removed_items row id, see src/removed.h):
 * the file, its movie or episode, scheduling metadata and chapter
 * markers, in one transaction. *mf_id: the file; *chapters: markers
 * restored. 0, or -1 with *cause (no such row, its source was removed).
 */
int content_restore(sqlite3 *db, int64_t id, int64_t *mf_id, long *chapters, char **cause);

#endif
