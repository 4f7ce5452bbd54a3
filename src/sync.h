/*
 * sync.h: importing from every source (src/importer.h) into the library,
 * incrementally. This is the engine every server importer shares (Plex,
 * Jellyfin, Emby: the backend only lists), and the one entry for folders
 * too (a TMM scan), so a sync, a test or a discover treats every kind the
 * same way.
 *
 * Servers: every chosen movie and show library is listed page by page. A
 * movie or episode whose change stamp (Plex updatedAt, Jellyfin/Emby
 * DateLastSaved) equals the stored one is skipped; a show whose stamp and
 * episode count are unchanged (and, where the server can say so, none of
 * whose episodes changed since the library's last complete read) is
 * skipped without fetching its episodes; a missing stamp means "process
 * it". Paths are mapped by the rules of the item's source (src/pathmap.h);
 * the marks a server gives (chapters, intro, credits) are stored with its
 * name as their source. Each show (with its episodes) and each page of
 * movies is written in one transaction, so a sync killed at any moment
 * leaves a consistent database and the next one finishes the job. Items
 * gone from a library that was read completely are removed with
 * everything hanging off them (kept restorable: src/removed.h); a library
 * that failed half way removes nothing, and one that would lose more than
 * the safety limit (import_may_remove) removes nothing unless forced. All
 * of a library's removals wait until its whole listing is read.
 *
 * Every run of every source is recorded in sync_history (counts, times,
 * the error). Only one sync runs at a time per database (a lock file
 * beside it). Functions here use only the connection they are given and
 * can run on any thread; set *cancel to stop them between items.
 */
#ifndef RV_SYNC_H
#define RV_SYNC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/guid.h"
#include "src/import.h"
#include "src/importer.h"

struct sync_request {
	int servers;                    /* sync server sources (Plex, Jellyfin, Emby) */
	int folders;                    /* sync folder sources (TMM directories) */
	const char *kind;               /* only sources of this kind ("jellyfin"); NULL: all */
	const char *source;             /* one source of any kind (src/importer.h's
					   source_find); NULL: every enabled one */
	const char *const *libraries;   /* server libraries by title or key */
	size_t nlibraries;              /* 0: every movie and show library */
	const char *const *tmm_dirs;    /* TMM directories by id, name or path */
	size_t ntmm;                    /* 0: every enabled one */
	const char *title;              /* only shows and movies with this title */
	int year;                       /* and this year; 0: any */
	int page_size;                  /* items per request; 0: 200 */
	int force;                      /* ignore change stamps and mtimes: process everything;
					   and remove what is gone even beyond the safety limit
					   (import_may_remove) or from a folder that looks
					   empty or unmounted */
	int dry_run;                    /* report what would change, change nothing */
	const char *url;                /* --plex-url: this Plex server (a source is made for it) */
	const char *token;              /* --plex-token: used instead of the stored one */
	long connect_timeout_ms;        /* 0: 10 s */
	long timeout_ms;                /* no data for this long fails a request; 0: 30 s */
	int retries;                    /* -1: 3 */
	long backoff_ms;                /* 0: 500 ms, doubled each retry */
	atomic_int *cancel;
};

/*
 * Run a sync. Totals over every source go to *stats. Returns 0 when
 * everything chosen was synced, 1 when some items or libraries failed
 * (warnings said which; the rest was imported), -1 when nothing could be
 * done (*cause: no source, the server refused the token, another sync
 * is running, ...).
 */
int sync_run(sqlite3 *db, const struct sync_request *req, const struct import_progress *prog,
    struct import_stats *stats, char **cause);

/* A show found on a server. */
struct sync_found {
	char *kind;                     /* "Plex", "Jellyfin" */
	char *source;                   /* source name */
	char *library;                  /* library title */
	char *key;                      /* the show's key on its server */
	char *title;
	int year;
	long episodes;                  /* -1: unknown */
	int exact;                      /* the title matched exactly (case aside) */
	struct guid guids[8];
	size_t nguids;
};

/*
 * Look for shows titled req->title (and req->year) in the show libraries
 * of the chosen server sources, asking the servers (nothing is written).
 * Exact matches come first; near ones (the server's own search) follow
 * with exact 0. 0, or -1 with *cause.
 */
int sync_discover(sqlite3 *db, const struct sync_request *req, struct sync_found **out,
    size_t *n, char **cause);
void sync_found_free(struct sync_found **list, size_t n);

/* What testing a source found. */
struct sync_test {
	char *kind;                     /* "Plex" */
	char *source;                   /* its name */
	char *server;                   /* servers: its name and version */
	char *version;
	struct srv_library *libs;       /* servers: its libraries with their sizes */
	size_t nlibs;
	char *report;                   /* folders: what the check found */
};

/*
 * Test one source (req->source, --plex-url, or the only one there is): a
 * server's name, version and libraries with their sizes; a folder's
 * state. 0, or -1 with *cause.
 */
int sync_test_source(sqlite3 *db, const struct sync_request *req, struct sync_test *out,
    char **cause);
void sync_test_clear(struct sync_test *t);

#endif
