/*
 * import.h: what every importer (Plex sync, TMM scan) reports back while
 * it runs: two levels of progress, the changes it made and warnings, all
 * through callbacks so the command line can draw bars and the console can
 * fill a pane. Callbacks run on the importer's thread; any may be NULL.
 */
#ifndef RV_IMPORT_H
#define RV_IMPORT_H

#include <stdatomic.h>
#include <stdint.h>

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
};

#endif
