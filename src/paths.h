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
/* Create the data directory and the database's folder (0700) if missing. */
int paths_make_data_dir(const struct paths *p, char **cause);
/* A new string: data_dir/name. */
char *paths_join(const struct paths *p, const char *name);
void paths_free(struct paths *p);

#endif
