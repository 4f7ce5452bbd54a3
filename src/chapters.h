/*
 * chapters.h: chapter markers (act breaks, where commercial breaks may
 * fall): listing, adding and removing them, and proposing them from the
 * media itself: a good break point is black picture that coincides with
 * silence (libavfilter's blackdetect and silencedetect).
 */
#ifndef RV_CHAPTERS_H
#define RV_CHAPTERS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct chapter {
	int64_t id;
	int64_t ms;                     /* from the start of the file */
	char *title;                    /* may be NULL */
	char *source;                   /* manual, nfo, detected, demo, file, or the importer */
	int64_t end_ms;                 /* chapters_spans: the span's end; 0 for a chapter */
};

int chapters_list(sqlite3 *db, int64_t mf_id, struct chapter **out, size_t *n, char **cause);
void chapters_free(struct chapter **list, size_t n);
/* A file's intro and end credits spans (media_markers): title "intro" or "credits". */
int chapters_spans(sqlite3 *db, int64_t mf_id, struct chapter **out, size_t *n, char **cause);
/* Add a marker (ms must lie inside the file). 0, or -1 with *cause. */
int chapters_add(sqlite3 *db, int64_t mf_id, int64_t ms, const char *title, const char *source,
    int64_t *id, char **cause);
/* Remove the marker at ms (within half a second). 0, or -1 with *cause. */
int chapters_remove(sqlite3 *db, int64_t mf_id, int64_t ms, char **cause);
/*
 * Make the file's markers exactly these (ms, title, source; a NULL source
 * is "manual"), in one transaction: markers already there at the same
 * time and title stay as they are. *changed: markers added plus removed.
 * 0, or -1 with *cause naming the bad marker (nothing is changed then).
 */
int chapters_replace(sqlite3 *db, int64_t mf_id, const struct chapter *list, size_t n,
    int *changed, char **cause);

struct chapters_detect_opts {
	double min_black_s;             /* shortest black; 0: 0.2 s */
	double min_silence_s;           /* shortest silence; 0: 0.2 s */
	double margin_s;                /* no break this close to the start or end; <0: 30 s */
	double min_gap_s;               /* between breaks; 0: 60 s */
	double silence_db;              /* 0: -50 dB */
	double black_pix_th;            /* 0: 0.10 */
	atomic_int *cancel;
	void (*progress)(void *arg, int64_t done_ms, int64_t total_ms);
	void *arg;
};

/* A proposed break: black and silence overlap here. */
struct chapter_point {
	int64_t ms;                     /* the middle of the overlap */
	int64_t black_start_ms;
	int64_t black_end_ms;
	int64_t silence_start_ms;
	int64_t silence_end_ms;
};

/* Decode path and propose break points. 0, or -1 with *cause. */
int chapters_detect(const char *path, const struct chapters_detect_opts *o,
    struct chapter_point **out, size_t *n, char **cause);
/* Replace the file's 'detected' markers with these. *added: how many. */
int chapters_save_detected(sqlite3 *db, int64_t mf_id, const struct chapter_point *p, size_t n,
    int *added, char **cause);
/* ms as "h:mm:ss.mmm" in buf (24 bytes is enough). */
char *chapters_time(char *buf, size_t len, int64_t ms);
/* The path and duration of a media file. 0, or -1 with *cause. */
int chapters_file(sqlite3 *db, int64_t mf_id, char **path, int64_t *duration_ms, char **cause);

#endif
