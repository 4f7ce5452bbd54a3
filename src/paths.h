/*
 * paths.h: where Retrovue keeps its files. The data directory holds the
 * database, the demo library, the control socket and the lock file.
 */
#ifndef RV_PATHS_H
#define RV_PATHS_H

struct paths {
	char *data_dir;         /* owned */
	char *db_path;          /* owned */
};

/*
 * Resolve the data directory and database path from the settled settings
 * (either may be NULL). Without a data directory, the database's folder is
 * the data directory; without either, $XDG_DATA_HOME/retrovue, else
 * ~/.local/share/retrovue. Returns 0, or -1 with *cause set.
 */
int paths_resolve(struct paths *p, const char *data_dir, const char *db_path, char **cause);
/*
 * Create the data directory and the database's folder (0700) if missing,
 * then paths_check them.
 */
int paths_make_data_dir(const struct paths *p, char **cause);
/*
 * Refuse a data directory or database folder that other users can write
 * to (group or world writable): anyone could replace the database, the
 * lock files or the control socket. Folders that do not exist yet pass.
 * 0, or -1 with *cause saying how to fix it.
 */
int paths_check(const struct paths *p, char **cause);
/* A new string: data_dir/name. */
char *paths_join(const struct paths *p, const char *name);
void paths_free(struct paths *p);

#endif
