/*
 * pathmap.h: path mapping for every server (Plex, Jellyfin, Emby). A
 * server reports the paths it sees ("/media/tv/Show/S01E01.mkv"); rules,
 * for one source or for all, rewrite a prefix into the path this
 * machine opens ("/mnt/nas/tv/..." or "R:\tv\..."). Prefixes match whole
 * path segments ("/media/tv" never rewrites "/media/tvshows/x"); the
 * longest matching prefix wins, a rule for the item's own source beating
 * a rule for every source at equal length. A Windows-style prefix (drive
 * letter, UNC "\\server" or any backslash) matches case-insensitively with
 * '\' and '/' as one separator; the rest of the path keeps its case and
 * takes the separators of the local prefix. Rules live in
 * plex_path_replacements and are re-applied to every stored path when one
 * is added, changed or removed.
 */
#ifndef RV_PATHMAP_H
#define RV_PATHMAP_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct pathmap_rule {
	int64_t id;
	int64_t source_id;              /* 0: every server source */
	char *plex_path;                /* owned */
	char *local_path;               /* owned */
};

struct pathmap {
	struct pathmap_rule *rules;     /* owned */
	size_t n;
};

/*
 * Map path for an item of source_id. Returns a new string, or NULL when no
 * rule applies; *used (if not NULL) gets the rule.
 */
char *pathmap_map(const struct pathmap *pm, int64_t source_id, const char *path,
    const struct pathmap_rule **used);
/* Add a rule to pm (copies the strings); for tests and callers without a database. */
void pathmap_push(struct pathmap *pm, int64_t id, int64_t source_id, const char *plex_path,
    const char *local_path);
/* Free the rules; pm can be reused. */
void pathmap_clear(struct pathmap *pm);

/* Load every rule. 0, or -1 with *cause. */
int pathmap_load(sqlite3 *db, struct pathmap *pm, char **cause);
/*
 * Add a rule, or change the local path of the rule with the same source
 * and prefix, then re-map stored paths. *id gets the rule, *remapped the
 * number of files whose path changed. 0, or -1 with *cause.
 */
int pathmap_add(sqlite3 *db, int64_t source_id, const char *plex_path, const char *local_path,
    int64_t *id, int *remapped, char **cause);
/* Remove rule id and re-map stored paths. 0, or -1 with *cause. */
int pathmap_remove(sqlite3 *db, int64_t id, int *remapped, char **cause);
/*
 * Re-map the stored path of every server's file from the path it reported;
 * a file whose path changes goes back to 'unchecked'. Runs in the
 * caller's transaction if one is open. 0, or -1 with *cause.
 */
int pathmap_reapply(sqlite3 *db, int *remapped, char **cause);

#endif
