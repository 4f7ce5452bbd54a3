/*
 * import.h: what every importer (a server sync, a TMM scan) reports back
 * while it runs: two levels of progress, the changes it made and
 * warnings, all through callbacks so the command line can draw bars and
 * the console can fill a pane. Callbacks run on the importer's thread;
 * any may be NULL. And what they share to write: transactions, the
 * safety limit on removals, and removing what a run no longer found.
 */
#ifndef RV_IMPORT_H
#define RV_IMPORT_H

#include <sqlite3.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct library;
struct strmap;

enum import_change {
	IMPORT_ADDED,
	IMPORT_UPDATED,
	IMPORT_REMOVED,
};

struct import_progress {
	/*
	 * Library level: library index (1-based) of count, its name ("TV
	 * Shows"), and how far into it (done of total shows or movies; total
	 * -1 while unknown).
	 */
	void (*library)(void *arg, int index, int count, const char *name, long done, long total);
	/* Item level: "Show / Episode" or "Movie", done of total (-1: unknown). */
	void (*item)(void *arg, long done, long total, const char *label);
	/*
	 * A real change to the database: what is "movie", "show", "episode"
	 * or "file"; mf_id the media file (0 for shows). Never called for
	 * items that were looked at and left alone.
	 */
	void (*change)(void *arg, enum import_change kind, const char *what, const char *title,
	    int64_t mf_id);
	/* A problem that did not stop the run ("file.nfo:12: ..."). */
	void (*warning)(void *arg, const char *message);
	void *arg;
	atomic_int *cancel;             /* non-zero: stop at the next item; may be NULL */
};

struct import_stats {
	long processed;                 /* items looked at */
	long added;
	long updated;
	long removed;
	long skipped;                   /* unchanged */
	long failed;                    /* items or libraries that could not be read */
	long requests;                  /* HTTP requests made */
	long held;                      /* removals held back: more than the limit (--force) */
	long kept;                      /* removals left undone: the source was not read
					   completely or looked unmounted */
};

/* Defaults of system_config library.remove_limit_percent and _items. */
#define IMPORT_REMOVE_LIMIT_PERCENT 10
#define IMPORT_REMOVE_LIMIT_ITEMS 50

/*
 * An importer's writes: one transaction at a time (a show, a folder), and
 * the first database error, which stops the whole run.
 */
struct import_tx {
	sqlite3 *db;
	const struct import_progress *prog;
	int dry_run;                    /* every transaction is rolled back */
	long *failed;                   /* the importer's count of failed items */
	int changed;                    /* the open transaction changed something */
	char *dberr;                    /* "database: ...": everything stops */
};

/*
 * May a run remove n of the total files a library (a Plex library, a TMM
 * directory) holds? Yes when forced, or when n is at most
 * library.remove_limit_percent (10) of total, at least one file, at most
 * library.remove_limit_items (50) and not all of them. Otherwise it warns
 * naming the library, adds n to st->held and answers 0: a server that
 * suddenly answers with far fewer items, or a disk half there, never
 * empties the library.
 */
int import_may_remove(sqlite3 *db, const struct import_progress *prog, const char *library,
    long n, long total, int force, struct import_stats *st);

/* A warning: to the progress callback if there is one (and the log), else the log. */
void import_warn(const struct import_progress *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A change made in the open transaction, told to the progress callback. */
void import_change(struct import_tx *t, enum import_change kind, const char *what,
    const char *title, int64_t mf_id);
/* Note a database error that stops the run (the first one is kept). */
void import_db_error(struct import_tx *t, const char *what, const char *cause);
/* Begin a transaction; -1 (and dberr set) if the database refuses. */
int import_tx_begin(struct import_tx *t);
/*
 * End it: commit when ok (bumping the library's revision if anything
 * changed), roll back when not ok or in a dry run; -1 on failure.
 */
int import_tx_end(struct import_tx *t, int ok);
/*
 * A write failed: counted and warned about, 0, when only that item is
 * lost; -1 when SQLite dropped the whole transaction (dberr set).
 */
int import_write_failed(struct import_tx *t, const char *what, const char *cause);

/*
 * What a run did not see: sql selects (id, key) with ?1 = a and ?2 = b
 * (b NULL: left unbound); a row whose key is in seen with its seen flag
 * set stays. *ids (to free) and *n get the others, *total the rows. 0, or
 * -1 (dberr set).
 */
int import_unseen(struct import_tx *t, const char *sql, int64_t a, const char *b,
    struct strmap *seen, int64_t **ids, size_t *n, long *total);
/*
 * Remove files ids[0..n) in the open transaction, each first kept
 * restorable with reason, and told as removed changes of what ("movie",
 * "file"). *removed counts them. 0, or -1 when the database gave up.
 */
int import_remove_files(struct import_tx *t, struct library *lib, const int64_t *ids,
    size_t n, const char *reason, const char *what, long *removed);
/*
 * Remove the shows sql selects (id, key, display name; ?1 = a, ?2 = b)
 * whose key seen does not hold and that have no episode left, in the open
 * transaction. *removed counts them. 0, or -1 when the database gave up.
 */
int import_remove_shows(struct import_tx *t, struct library *lib, const char *sql,
    int64_t a, const char *b, struct strmap *seen, long *removed);

#endif
