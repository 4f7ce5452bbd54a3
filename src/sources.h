/*
 * sources.h: Plex servers to import from (content_sources). The token is
 * a secret: it is registered with the logger as soon as it is read and is
 * never part of a message.
 */
#ifndef RV_SOURCES_H
#define RV_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct source {
	int64_t id;
	char *type;                     /* "plex", "tmm", "manual", "demo" */
	char *name;
	char *url;                      /* Plex server URL */
	char *token;                    /* secret; NULL if none stored */
	char *last_sync;                /* ISO-8601 or NULL */
	int enabled;
};

/* Add a Plex server. *id gets the new row. 0, or -1 with *cause. */
int sources_add_plex(sqlite3 *db, const char *name, const char *url, const char *token,
    int64_t *id, char **cause);
/* Find a source by id or name. 0, or -1 with *cause. */
int sources_get(sqlite3 *db, const char *id_or_name, struct source *out, char **cause);
/*
 * The Plex source for url, created (named after the URL, no token stored)
 * if there is none and create is set: the --plex-url and PLEX_BASE_URL way
 * of naming a server. Without create, a source not yet stored comes back
 * with id 0. 0, or -1 with *cause.
 */
int sources_for_url(sqlite3 *db, const char *url, int create, struct source *out,
    char **cause);
/* Every source of a type (NULL: all), by id. */
int sources_list(sqlite3 *db, const char *type, struct source **out, size_t *n, char **cause);
/* Remove a source and every file imported from it. *files: how many went. */
int sources_remove(sqlite3 *db, int64_t id, long *files, char **cause);
/* Record a sync. */
int sources_touch(sqlite3 *db, int64_t id, char **cause);
/* Free one source's strings, or an array from sources_list. */
void source_clear(struct source *s);
void sources_free(struct source **list, size_t n);
/* Check a URL: http(s)://host[:port][/path]. 0, or -1 with *cause. */
int sources_check_url(const char *url, char **cause);

#endif
