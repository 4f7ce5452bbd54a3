/*
 * tmm.h: TinyMediaManager/Kodi directories (tmm_directories) and their
 * import. A scan walks the directory (and its subdirectories unless told
 * not to) for .nfo files: tvshow.nfo makes a show, movie .nfo files a
 * movie, episode .nfo files (one or several <episodedetails>) an episode
 * of the show whose tvshow.nfo is in a folder above, or named by
 * <showtitle>. Each .nfo is matched with its media file (same base name;
 * for movie.nfo the video in the folder). Unchanged files (mtime and size
 * of the .nfo and the media file) are skipped; files whose .nfo or media
 * file disappeared are removed. A bad .nfo gives a warning naming the file
 * and line, and the scan goes on.
 *
 * A flaky disk never empties the library: any error other than "no such
 * file" while scanning (a folder, a stat, an unreadable .nfo or video)
 * makes the scan incomplete and nothing is removed; a directory with no
 * .nfo left, or one back on its parent's device while its files were on
 * another (an unmounted mount point), removes nothing and says why; and a
 * scan that would remove more than the limit (import_may_remove) stops
 * before removing. --force lifts the last three. What is removed stays
 * restorable (src/removed.h).
 */
#ifndef RV_TMM_H
#define RV_TMM_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/import.h"

struct importer;
/* TMM folders as an importer (src/importer.h). */
extern const struct importer importer_tmm;

struct tmm_dir {
	int64_t id;
	char *path;
	char *name;
	char *description;
	int subdirs;
	int enabled;
	char *last_scan;
	int64_t device;                 /* st_dev its files were on; 0: not known */
};

/*
 * Add a directory (made absolute; it must exist and must not lie inside
 * or contain one already added). 0, or -1 with *cause.
 */
int tmm_add(sqlite3 *db, const char *path, const char *name, int subdirs, int64_t *id,
    char **cause);
/* By id, name or path. */
int tmm_get(sqlite3 *db, const char *key, struct tmm_dir *out, char **cause);
int tmm_list(sqlite3 *db, struct tmm_dir **out, size_t *n, char **cause);
/* Remove a directory and every file imported from it. *files: how many went. */
int tmm_remove(sqlite3 *db, int64_t id, long *files, char **cause);
void tmm_dir_clear(struct tmm_dir *d);
void tmm_dirs_free(struct tmm_dir **list, size_t n);

struct tmm_opts {
	int force;                      /* read every .nfo, changed or not; remove even when
					   the directory looks empty or unmounted, or more than
					   the limit */
	int dry_run;                    /* change nothing */
	int index;                      /* library progress: this directory's place */
	int count;                      /* ... of this many */
};

/*
 * Scan one directory into the library. 0 (warnings may have been given),
 * or -1 with *cause when the directory cannot be read at all or the
 * database fails (nothing is removed then).
 */
int tmm_scan(sqlite3 *db, const struct tmm_dir *d, const struct tmm_opts *o,
    const struct import_progress *prog, struct import_stats *st, char **cause);

#endif
