/*
 * sync.h: importing from Plex servers and TMM directories into the
 * library, incrementally.
 *
 * Plex: every chosen movie and show library is listed page by page. A
 * movie or episode whose updatedAt equals the stored updated_at_plex is
 * skipped; a show whose updatedAt and episode count are unchanged is
 * skipped without fetching its episodes; a missing updatedAt means
 * "process it". Each show (with its episodes) and each page of movies is
 * written in one transaction, so a sync killed at any moment leaves a
 * consistent database and the next one finishes the job. Items gone from
 * a library that was read completely are removed with everything hanging
 * off them (kept restorable: src/removed.h); a library that failed half
 * way removes nothing, and one that would lose more than the safety limit
 * (import_may_remove) removes nothing unless forced. All of a library's
 * removals wait until its whole listing is read.
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

struct sync_request {
	int plex;                       /* sync Plex sources */
	int tmm;                        /* sync TMM directories */
	const char *source;             /* one Plex source (id or name); NULL: every enabled one */
	const char *const *libraries;   /* Plex libraries by title or section key */
	size_t nlibraries;              /* 0: every movie and show library */
	const char *const *tmm_dirs;    /* TMM directories by id, name or path */
	size_t ntmm;                    /* 0: every enabled one */
	const char *title;              /* only shows and movies with this title */
	int year;                       /* and this year; 0: any */
	int page_size;                  /* items per request; 0: 200 */
	int force;                      /* ignore updatedAt and mtimes: process everything;
					   and remove what is gone even beyond the safety limit
					   (import_may_remove) or from a folder that looks
					   empty or unmounted */
	int dry_run;                    /* report what would change, change nothing */
	const char *url;                /* --plex-url: this server (a source is made for it) */
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

/* A show found on a Plex server. */
struct sync_found {
	char *source;                   /* source name */
	char *library;                  /* library title */
	char *rating_key;
	char *title;
	int year;
	long episodes;                  /* -1: unknown */
	int exact;                      /* the title matched exactly (case aside) */
	struct guid guids[8];
	size_t nguids;
};

/*
 * Look for shows titled req->title (and req->year) in the show libraries
 * of the chosen sources, asking the server (nothing is written). Exact
 * matches come first; near ones (the server's substring match) follow
 * with exact 0. 0, or -1 with *cause.
 */
int sync_discover(sqlite3 *db, const struct sync_request *req, struct sync_found **out,
    size_t *n, char **cause);
void sync_found_free(struct sync_found **list, size_t n);

/* Test a source: server name and version, then each library with its type and size. */
struct sync_library_info {
	char *key;
	char *title;
	char *type;
	long items;                     /* movies or shows; -1 unknown */
	long episodes;                  /* show libraries; -1 unknown */
};
int sync_test_source(sqlite3 *db, const struct sync_request *req, char **server,
    char **version, struct sync_library_info **libs, size_t *n, char **cause);
void sync_library_info_free(struct sync_library_info **libs, size_t n);

#endif
