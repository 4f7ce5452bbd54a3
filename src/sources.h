/*
 * sources.h: the sources content is imported from. Servers (Plex,
 * Jellyfin, Emby) live in content_sources, whatever their kind: the
 * registry functions here serve every server importer (src/importer.h).
 * Their secret (a token, an API key) is registered with the logger as
 * soon as it is read and is never part of a message. A struct source
 * also describes a TMM folder (src/tmm.c fills it), so every kind can be
 * listed, tested, synced and removed the same way.
 */
#ifndef RV_SOURCES_H
#define RV_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct importer;
struct source_spec;

struct source {
	int64_t id;                     /* its row: content_sources, or tmm_directories */
	const struct importer *imp;     /* its kind; NULL for "manual" and "demo" */
	char *type;                     /* "plex", "jellyfin", "emby", "tmm", "manual", "demo" */
	char *name;
	char *url;                      /* servers */
	char *token;                    /* servers: secret; NULL if none stored */
	char *user;                     /* Jellyfin, Emby: whose libraries; NULL: default */
	char *path;                     /* folders */
	int subdirs;                    /* folders */
	int64_t device;                 /* folders: st_dev its files were on; 0: not known */
	char *last_sync;                /* ISO-8601 or NULL */
	int enabled;
};

/*
 * Add a server of importer imp (its name, URL, secret and user checked).
 * *id gets the new row. 0, or -1 with *cause.
 */
int sources_add(sqlite3 *db, const struct importer *imp, const struct source_spec *spec,
    int64_t *id, char **cause);
/* Add a Plex server (sources_add for Plex). */
int sources_add_plex(sqlite3 *db, const char *name, const char *url, const char *token,
    int64_t *id, char **cause);
/* Find a server source by id or name. 0, or -1 with *cause. */
int sources_get(sqlite3 *db, const char *id_or_name, struct source *out, char **cause);
/*
 * The Plex source for url, created (named after the URL, no token stored)
 * if there is none and create is set: the --plex-url and PLEX_BASE_URL way
 * of naming a server. Without create, a source not yet stored comes back
 * with id 0. 0, or -1 with *cause.
 */
int sources_for_url(sqlite3 *db, const char *url, int create, struct source *out,
    char **cause);
/* Every server source of a type (NULL: all), by id. */
int sources_list(sqlite3 *db, const char *type, struct source **out, size_t *n, char **cause);
/* The importer's list: its servers. */
int sources_list_kind(sqlite3 *db, const struct importer *imp, struct source **out,
    size_t *n, char **cause);
/*
 * Remove a server source and every file imported from it (kept
 * restorable). *files: how many went.
 */
int sources_remove(sqlite3 *db, const struct source *s, long *files, char **cause);
/* Record a sync. */
int sources_touch(sqlite3 *db, int64_t id, char **cause);
/* Free one source's strings, or an array from sources_list. */
void source_clear(struct source *s);
void sources_free(struct source **list, size_t n);
/* Check a URL: http(s)://host[:port][/path]. 0, or -1 with *cause. */
int sources_check_url(const char *url, char **cause);
/* Check a source's name: not empty, not a number. 0, or -1 with *cause. */
int sources_check_name(const char *name, char **cause);

#endif
