/*
 * library.h: writing the content library: media files with their movie or
 * episode rows, shows, external ids and the scheduling metadata, for every
 * importer (Plex, TMM .nfo, manual). Writes compare before they change a
 * row, so callers learn whether anything really changed (and only then
 * tell the operator). Statements are prepared once per struct library;
 * one struct library belongs to one thread and its connection.
 *
 * Removal: deleting a media file (after keeping it restorable, see
 * src/removed.h) cascades to its movie or episode,
 * scheduling metadata, chapter markers and commercial breaks; the fine
 * log (schedule_items) keeps its rows with media_file_id set to NULL (ON
 * DELETE SET NULL), which the scheduler reads as "this programme is gone";
 * and every committed change to the library increments the system_config
 * value 'content.revision', which the scheduler can poll.
 */
#ifndef RV_LIBRARY_H
#define RV_LIBRARY_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/guid.h"

/* Where an item comes from. */
struct lib_origin {
	const char *source_type;        /* "plex", "tmm", "manual" */
	int64_t source_id;              /* content_sources id, 0: none */
	int64_t tmm_dir_id;             /* tmm_directories id, 0: none */
	const char *library_key;        /* Plex section key, or NULL */
	const char *library_name;       /* "TV Shows", or NULL */
};

/* A file and what it is (movie, episode or clip). NULL/0: unknown. */
struct lib_item {
	const char *file_path;          /* the path this machine opens */
	const char *source_path;        /* what the source reported */
	const char *source_key;         /* Plex ratingKey, .nfo path, ... */
	const char *media_type;         /* "movie", "episode", "clip" */
	const char *content_type;       /* scheduling role; NULL: from media_type */
	int64_t duration_ms;
	int64_t file_size;
	int64_t file_mtime;
	const char *nfo_path;
	int64_t nfo_mtime;
	int64_t nfo_size;
	const char *title;
	int year;
	const char *rating;             /* as the source wrote it */
	const char *summary;
	const char *genre;
	const char *director;
	const char *studio;
	const char *air_date;
	const char *rating_key;         /* Plex ratingKey of the movie or episode */
	int season;                     /* -1: unknown */
	int episode;
	int64_t updated_at;             /* the server's change stamp; 0: none */
	const struct guid *guids;
	size_t nguids;
	const char *audio_langs;        /* as a server reports its streams: "eng,fra" */
	const char *subtitle_langs;
};

/* A show. */
struct lib_show {
	const char *title;
	int year;                       /* 0: unknown */
	const char *rating;
	const char *summary;
	const char *genre;
	const char *studio;
	const char *rating_key;         /* Plex */
	long total_episodes;            /* -1: unknown */
	const struct guid *guids;
	size_t nguids;
	const char *nfo_path;           /* TMM */
	int64_t nfo_mtime;
	int64_t nfo_size;
};

/* Scheduling metadata set by hand or by a <retrovue> element. NULL/-1: leave. */
struct lib_sched {
	const char *content_type;
	const char *daypart;
	const char *seasonal;
	const char *rating;             /* any spelling; normalised and levelled */
	const char *company;
	const char *category;
	int commercial_duration;        /* seconds; -1: leave */
	const char *expiration;         /* YYYY-MM-DD */
	const char *demographic;
	const char *warnings;
	const char *notes;
};

enum lib_result {
	LIB_UNCHANGED,
	LIB_ADDED,
	LIB_UPDATED,
};

struct library;

struct library *library_new(sqlite3 *db, char **cause);
/* Finalise the statements; accepts NULL and sets *lp to NULL. */
void library_free(struct library **lp);
sqlite3 *library_db(struct library *lib);

/*
 * Insert (*mf_id 0) or update (*mf_id given) a file and its movie row (or
 * just the file for media_type "clip"). *mf_id gets the id, *res what
 * happened. 0, or -1 with *cause.
 */
int library_put_movie(struct library *lib, const struct lib_origin *o,
    const struct lib_item *it, int64_t *mf_id, enum lib_result *res, char **cause);
/* The same for an episode of show_id. */
int library_put_episode(struct library *lib, const struct lib_origin *o, int64_t show_id,
    const struct lib_item *it, int64_t *mf_id, enum lib_result *res, char **cause);
/* A clip: a media file with no movie or episode row (commercials, bumpers...). */
int library_put_clip(struct library *lib, const struct lib_origin *o,
    const struct lib_item *it, int64_t *mf_id, enum lib_result *res, char **cause);

/*
 * Find the show for (title, year) and this origin, or create it. Plex
 * shows are found first by (source, ratingKey), TMM shows by their
 * tvshow.nfo, then any by (title, year). A show that belongs to another
 * origin is shared, not changed: *owned is then 0. 0, or -1 with *cause.
 */
int library_put_show(struct library *lib, const struct lib_origin *o, const struct lib_show *s,
    int64_t *show_id, int *owned, enum lib_result *res, char **cause);
/* Record the Plex updatedAt of a show once its episodes are written. */
int library_show_stamp(struct library *lib, int64_t show_id, int64_t updated_at, char **cause);

/* A break point, intro or credits mark to store (src/importer.h's marks in this shape). */
struct lib_mark {
	int kind;                       /* 0 chapter, 1 intro, 2 credits (enum mark_kind) */
	int64_t start_ms;
	int64_t end_ms;                 /* intro, credits; 0 for chapters */
	const char *title;
};

#define LIB_MARKS_CHAPTERS 0x1      /* replace the source's chapter markers */
#define LIB_MARKS_SPANS    0x2      /* replace its intro and credits spans */

/*
 * Make the marks a source gives a file exactly these: for what (LIB_MARKS_*),
 * the rows of that source (chapter_markers, media_markers) are replaced;
 * rows of other sources (by hand, detected, another source) stay. Marks
 * past the end of the file (duration_ms, 0: unknown), inside its first
 * second, or of no length are left out. *changed: 1 if the rows changed.
 */
int library_put_marks(struct library *lib, int64_t mf_id, const char *source, int what,
    const struct lib_mark *m, size_t n, int64_t duration_ms, int *changed, char **cause);

/* Set the scheduling metadata fields given in s. *changed: 1 if any changed. */
int library_set_sched(struct library *lib, int64_t mf_id, const struct lib_sched *s,
    int *changed, char **cause);
/*
 * Delete a media file and everything hanging off it, first keeping it
 * restorable in removed_items (src/removed.h) with the reason ("sync of
 * TMM directory TV"). When the same file is already in the library under
 * another key, what it lacks of this one's scheduling metadata and
 * chapter markers passes to it.
 */
int library_remove_file(struct library *lib, int64_t mf_id, const char *reason,
    char **cause);
/*
 * Did the last put add a file the library had until recently? Then its
 * scheduling metadata and chapter markers came back (*chapters: how many
 * markers). 1 or 0.
 */
int library_restored(struct library *lib, long *chapters);
/* Delete a show with no episodes left. *removed: 1 if it was deleted. */
int library_remove_show_if_empty(struct library *lib, int64_t show_id, int *removed,
    char **cause);
/*
 * Remove an origin, a server source (REMOVED_SOURCE) or a TMM directory
 * (REMOVED_TMM_DIR), with every file imported from it, in one
 * transaction: the files are first kept restorable with reason ("Plex
 * source home removed"); a show that also has episodes from elsewhere
 * passes to that origin, the origin's other shows go; delete_sql deletes
 * the origin's own row (?1: id). *files: how many files went. 0, or -1
 * with *cause.
 */
int library_remove_origin(sqlite3 *db, int scope, int64_t id, const char *reason,
    const char *delete_sql, long *files, char **cause);
/* Increment system_config 'content.revision' (in the caller's transaction). */
int library_bump_revision(sqlite3 *db);
/*
 * A content rating as sources write it, on the project's scale
 * (src/rating.h): *name gets the normalised name, *level the level. Kodi's
 * country words ("Australia:M", "UK:15") are read as the country codes
 * rating_parse knows ("au/M", "gb/15"). 0, or -1 if unrated or unknown.
 */
int library_rating(const char *raw, char *name, size_t len, int *level);
/* The display title of a media file ("Show S01E02 Title", the movie, the clip): new, or NULL. */
char *library_title(sqlite3 *db, int64_t mf_id);

/* An SQL expression for the display title of the media_files row "mf". */
#define LIBRARY_TITLE_SQL \
	"coalesce((SELECT s.title || printf(' S%02dE%02d', coalesce(e.season_number, 0), " \
	"coalesce(e.episode_number, 0)) || coalesce(' ' || e.episode_title, '') FROM episodes e " \
	"JOIN shows s ON s.id = e.show_id WHERE e.media_file_id = mf.id), (SELECT m.title || " \
	"coalesce(' (' || m.year || ')', '') FROM movies m WHERE m.media_file_id = mf.id), " \
	"mf.title, mf.file_path)"

#endif
