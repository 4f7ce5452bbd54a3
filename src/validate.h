/*
 * validate.h: checking media files. Each file is opened with libavformat:
 * does it exist (after path mapping), open, have video and/or audio; its
 * codecs, resolution, frame rate; is its duration within 2% of the one the
 * library has; and (optionally) its integrated loudness is measured with
 * libavfilter's ebur128, so the engine can apply a per-item gain. Results
 * go to media_files (validation_*, codecs, loudness_lufs).
 *
 * Files are checked on several threads (plain pthreads); the database is
 * written only on the calling thread, through the connection given, and
 * the callbacks run there too. Set *cancel to stop.
 */
#ifndef RV_VALIDATE_H
#define RV_VALIDATE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/media.h"

struct validate_result {
	int64_t id;
	const char *path;
	const char *title;
	const char *status;             /* "ok", "warning", "missing", "error" */
	const char *message;
	const struct media_info *info;  /* NULL unless the file opened */
	double loudness_lufs;           /* NAN if not measured */
};

struct validate_opts {
	int all;                        /* every file (else files not yet checked) */
	const int64_t *ids;             /* these files only */
	size_t nids;
	int loudness;                   /* measure loudness (decodes the audio) */
	int threads;                    /* 0: one per core */
	double tolerance;               /* duration; 0: 0.02 (2%) */
	atomic_int *cancel;
	void (*progress)(void *arg, long done, long total, const char *label);
	void (*result)(void *arg, const struct validate_result *r);
	void *arg;
};

struct validate_stats {
	long total;
	long ok;
	long warning;
	long missing;
	long error;
};

/* Validate. 0 (whatever the files' verdicts), or -1 with *cause. */
int validate_run(sqlite3 *db, const struct validate_opts *o, struct validate_stats *st,
    char **cause);

#endif
