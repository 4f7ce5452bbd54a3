/*
 * removed.h: what left the library, kept restorable (removed_items).
 *
 * Before a media file is deleted (a sync found it gone, its Plex source or
 * TMM directory was removed) its rows are copied into removed_items as one
 * JSON snapshot: the file, its movie or episode (and show), external ids,
 * scheduling metadata, chapter markers, and the coarse schedule's slots
 * that played it or its show. For the grace period
 * (system_config 'library.removed_grace_days', 30) an importer that adds
 * the same file again (same source and key, same path, or the same
 * external id) gets its scheduling metadata and chapter markers back, and
 * 'retrovue content restore ID' brings the whole item back by hand. Older
 * rows are purged. Functions use only the connection they are given and
 * run in the caller's transaction.
 */
#ifndef RV_REMOVED_H
#define RV_REMOVED_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/guid.h"

#define REMOVED_GRACE_DAYS 30

/* Which files an archive call takes. */
enum removed_scope {
	REMOVED_FILE,                   /* one media file by id */
	REMOVED_SOURCE,                 /* every file of a Plex source */
	REMOVED_TMM_DIR,                /* every file of a TMM directory */
	REMOVED_NSCOPES,
};

/* An item arriving in the library, to know it again. NULL/0/-1: unknown. */
struct removed_key {
	const char *media_type;
	const char *source_type;
	int64_t source_id;
	int64_t tmm_dir_id;
	const char *source_key;
	const char *file_path;
	int season;
	int episode;
	const struct guid *guids;
	size_t nguids;
};

struct removed;

/* Statements for one connection (prepared when first used). */
struct removed *removed_new(sqlite3 *db);
/* Finalise; accepts NULL and sets *rp to NULL. */
void removed_free(struct removed **rp);

/*
 * Copy the files of scope id (a file, a source, a directory) into
 * removed_items before the caller deletes them; reason says why
 * ("sync of TMM directory TV"). An older row for the same file is
 * replaced. *n: how many (may be NULL). 0, or -1 with *cause.
 */
int removed_archive(struct removed *r, enum removed_scope scope, int64_t id,
    const char *reason, long *n, char **cause);
/*
 * removed_archive for a whole source or directory about to be deleted,
 * with its own statements; old rows are purged first. 0, or -1.
 */
int removed_keep(sqlite3 *db, enum removed_scope scope, int64_t id, const char *reason,
    char **cause);
/* The newest row within the grace period that k matches, or 0. */
int64_t removed_match(struct removed *r, const struct removed_key *k);
/*
 * Give mf_id the scheduling metadata and chapter markers of row rid, put
 * back the slots that played it or its show (on channels that still
 * exist, when the file or show has none), and drop the row. merge: keep what mf_id already has and only fill in (a
 * file that is already in the library); else the stored values win (a
 * file just added). *chapters: markers added (may be NULL).
 */
int removed_apply(struct removed *r, int64_t rid, int64_t mf_id, int merge, long *chapters,
    char **cause);
/* A live file the row matches (same source and key, or same path), or 0. */
int64_t removed_live_file(sqlite3 *db, int64_t rid);

/*
 * Bring row rid back as a media file with its movie or episode (its show
 * made again if it went), ids, scheduling metadata and chapter markers;
 * the row goes. Refused when its source or directory was removed. Does
 * not bump the library's revision. *mf_id gets the file. 0, or -1.
 */
int removed_restore(sqlite3 *db, int64_t rid, int64_t *mf_id, long *chapters, char **cause);

/* Delete rows older than the grace period. */
int removed_purge(sqlite3 *db, char **cause);
/* The grace period in days (library.removed_grace_days). */
int removed_grace_days(sqlite3 *db);

struct removed_row {
	int64_t id;
	int64_t media_file_id;          /* the id it had */
	char *removed_at;               /* ISO-8601 UTC */
	char *expires;                  /* when it is purged */
	char *reason;
	char *media_type;
	char *title;
	char *source;                   /* "tmm:TV", "plex:home", "manual" */
	char *file_path;
	long chapters;
};

/* Every row within the grace period, newest first. 0, or -1 with *cause. */
int removed_list(sqlite3 *db, struct removed_row **rows, size_t *n, char **cause);
void removed_rows_free(struct removed_row **rows, size_t n);

#endif
