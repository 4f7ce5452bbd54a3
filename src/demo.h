/*
 * demo.h: the built-in demo library, as data, and its registration in the
 * database. Four series, three short movies, twelve commercials, four
 * bumpers, two station IDs and a channel bug: enough for a scheduler to
 * build real-looking channels with no Plex at all. The files themselves
 * are rendered by the engine (engine/mediagen.h) from what is described
 * here; src/cmd/demo.c wires the two.
 *
 * Conventions the rest of Retrovue may rely on:
 * - Files live under DATA_DIR/demo/ in Plex's naming ("TV Shows/Title
 *   (Year)/Season 01/Title (Year) - s01e01 - Episode.mp4", "Movies/...").
 * - Each act break is one second of black picture and digital silence
 *   centred on its chapter marker: the marker at M ms sits in the gap
 *   [M - 500, M + 500), and frame M is a keyframe. Cutting at M leaves half
 *   a second of black on each side of a commercial break.
 * - Programmes carry a burned-in clock of the media position, "hh:mm:ss.ff"
 *   (ff: frames at DEMO_FPS), top right, in seven-segment digits
 *   DEMO_CLOCK_SIZE pixels high; engine/mediagen.h's mediagen_read_clock()
 *   reads it back from a decoded (even rescaled) picture.
 * - Bumpers say in scheduling_notes whether they go into a break
 *   ("break-in": "We'll be right back") or come out of one ("break-out").
 */
#ifndef RV_DEMO_H
#define RV_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/*
 * The format of every demo file: 640x360, 25 fps, H.264 + AC-3 in MP4.
 * The sound is mono, as most television of the demo's era was (and a
 * third cheaper to encode than stereo).
 */
#define DEMO_WIDTH 640
#define DEMO_HEIGHT 360
#define DEMO_FPS 25
#define DEMO_SAMPLE_RATE 48000
#define DEMO_CHANNELS 1
#define DEMO_AUDIO_KBPS 96

#define DEMO_DIR "demo"                 /* under the data directory */
#define DEMO_SOURCE_NAME "Retrovue demo"        /* content_sources.source_name */
#define DEMO_BUG_FILE "Graphics/bug.png"        /* under DEMO_DIR */
#define DEMO_GAP_MS 1000                /* black and silence at each act break */
#define DEMO_CLOCK_SIZE 26              /* digit height of the clock, pixels */
#define DEMO_MAX_BREAKS 4
#define DEMO_MAX_OVERLAYS 32

enum demo_kind {
	DEMO_EPISODE,
	DEMO_MOVIE,
	DEMO_COMMERCIAL,
	DEMO_BUMPER,
	DEMO_STATION_ID,
};

/* How a file looks and sounds: libavfilter source chains at the demo format. */
struct demo_look {
	const char *video;              /* e.g. "smptebars=size=640x360:rate=25" */
	int still;                      /* 1: the picture never changes (rendered once) */
	const char *audio;              /* e.g. "sine=frequency=1000:sample_rate=48000" */
	double gain_db;                 /* loudness differs between files, as on air */
	const char *accent;             /* colour of titles */
};

struct demo_show {
	const char *title;
	int year;
	const char *genre;
	const char *rating;             /* TV-G, TV-PG, TV-14, ... */
	const char *daypart;            /* morning, afternoon, prime, late_night; NULL any */
	const char *demographic;        /* family, adult, children, seniors */
	const char *studio;
	const char *summary;
	struct demo_look look;
};

struct demo_item {
	const char *key;                /* media_files.source_key: stable identity */
	const char *file;               /* path under DATA_DIR/demo */
	enum demo_kind kind;
	const struct demo_show *show;   /* episodes */
	int season, episode;            /* episodes */
	const char *title;              /* episode or movie title; product; bumper text */
	int year;                       /* movies; commercials and clips: made in (eras) */
	int64_t duration_ms;            /* whole frames at DEMO_FPS */
	int64_t breaks_ms[DEMO_MAX_BREAKS];     /* chapter markers, ascending */
	int nbreaks;
	struct demo_look look;          /* movies and clips; episodes: .video may vary the show's */
	const char *rating;             /* movies and clips; episodes take the show's */
	const char *daypart;
	const char *demographic;
	const char *genre;
	const char *summary;
	const char *director;
	const char *studio;
	const char *air_date;           /* episodes, YYYY-MM-DD */
	/* Commercials. */
	const char *company;
	const char *category;           /* food, automotive, retail, toys, travel, finance, ... */
	const char *slogan;
	const char *call;               /* the call to action: a phone number, "At MegaMart" */
	const char *expires;            /* YYYY-MM-DD: last day it may air; NULL never */
	const char *notes;              /* scheduling_notes */
};

/* Where a line of text sits (the engine's anchors, in the same order). */
enum demo_anchor {
	DEMO_CENTER,
	DEMO_TOP,
	DEMO_BOTTOM,
	DEMO_TOP_LEFT,
	DEMO_TOP_RIGHT,
	DEMO_BOTTOM_LEFT,
	DEMO_BOTTOM_RIGHT,
};

/* A line of text burned into a file. */
struct demo_overlay {
	char text[160];                 /* empty with clock */
	int clock;                      /* the media position, hh:mm:ss.ff */
	enum demo_anchor anchor;
	int dy;                         /* pixels down from the anchor */
	int size;                       /* pixels */
	const char *color;              /* NULL: white */
	int box;
	int mono;
	int64_t from_ms, to_ms;         /* to 0: the end */
};

/* A stretch of black and silence. */
struct demo_gap {
	int64_t start_ms;
	int64_t duration_ms;
};

/* What a file on disk turned out to be (filled by the caller from a probe). */
struct demo_file {
	int present;                    /* 0: not made (failed); its rows are left alone */
	int64_t duration_ms;
	int64_t size;
	int64_t mtime;
	int width, height;
	double fps;
	const char *video_codec;
	const char *audio_codec;
};

/* What demo_register did. */
struct demo_stats {
	int shows, episodes, movies, commercials, bumpers, station_ids;
	int markers;
	int64_t total_ms;               /* of the registered files */
	int64_t changes;                /* rows inserted, updated or deleted */
};

/* The library: items in a fixed order, and the series they belong to. */
const struct demo_item *demo_items(size_t *n);
const struct demo_show *demo_shows(size_t *n);

/* The item's look: its own, or its show's with the item's video if set. */
struct demo_look demo_item_look(const struct demo_item *it);
/* Its rating, daypart and demographic (the show's for episodes). */
const char *demo_item_rating(const struct demo_item *it);
/* A label for messages: "Signal and Noise S01E02", "Crunchy O's (:30)". */
void demo_item_label(const struct demo_item *it, char *buf, size_t len);
/* The lines of text burned into the item; returns how many (<= max). */
int demo_overlays(const struct demo_item *it, struct demo_overlay *out, int max);
/* Its black and silent gaps, one per act break; returns how many. */
int demo_gaps(const struct demo_item *it, struct demo_gap *out, int max);
/* The channel bug: a transparent picture with the station's mark. */
struct demo_look demo_bug_look(int *width, int *height);
int demo_bug_overlays(struct demo_overlay *out, int max);

/* New strings: DATA_DIR/demo/FILE and the bug's path. */
char *demo_path(const char *data_dir, const struct demo_item *it);
char *demo_bug_path(const char *data_dir);


/*
 * Register items (files[i] describes items[i] on disk; paths made with
 * demo_path(data_dir, ...)) in one transaction: the content source,
 * media_files, shows, episodes, movies, scheduling metadata and chapter
 * markers. Idempotent: an unchanged library changes no row. Demo rows for
 * items no longer in the library are removed. 0, or -1 with *cause.
 */
int demo_register(sqlite3 *db, const char *data_dir, const struct demo_item *items,
    const struct demo_file *files, size_t n, struct demo_stats *stats, char **cause);

#endif
