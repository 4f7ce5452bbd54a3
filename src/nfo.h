/*
 * nfo.h: reading Kodi/TinyMediaManager .nfo files (libxml2). A file holds
 * a <movie>, a <tvshow>, or one or more <episodedetails> (Kodi writes a
 * multi-episode file as several roots); or only a link (Radarr, old
 * Kodi); or XML followed by a link. Real files are often a little broken:
 * a byte order mark, junk after the XML, several roots, a missing or wrong
 * encoding declaration, a truncated end, a decimal comma. Each is read as
 * well as it can be, with a warning naming the file and the line; only a
 * file with nothing usable in it is an error.
 *
 * The <retrovue> element carries Retrovue's scheduling fields (see the
 * README): <type>, <daypart>, <seasonal>, <rating>, <company>, <category>,
 * <duration>, <expires>, <demographic>, <warnings>, <notes>, <year> (the
 * production year the scheduler's eras read, over the item's own),
 * <series> (the series a bumper belongs to), and any number of
 * <chapter time="hh:mm:ss.s">title</chapter>.
 *
 * No global state: files can be read on several threads at once.
 */
#ifndef RV_NFO_H
#define RV_NFO_H

#include <stddef.h>
#include <stdint.h>

#include "src/guid.h"

#define NFO_MAX_GUIDS 8

enum nfo_kind {
	NFO_MOVIE,
	NFO_TVSHOW,
	NFO_EPISODE,
};

struct nfo_chapter {
	int64_t ms;
	char *title;                    /* may be NULL */
};

/* The <retrovue> element. NULL/-1: not given. */
struct nfo_retrovue {
	int present;
	char *content_type;             /* normalised: commercial, bumper, station_id, ... */
	char *daypart;
	char *seasonal;
	char *rating;
	char *company;
	char *category;
	int commercial_duration;        /* seconds */
	char *expires;                  /* YYYY-MM-DD */
	char *demographic;
	char *warnings;
	char *notes;
	int year;                       /* 0: not given */
	char *series;
	struct nfo_chapter *chapters;
	size_t nchapters;
};

struct nfo_item {
	enum nfo_kind kind;
	int line;                       /* where the element starts */
	char *title;
	char *show_title;               /* <showtitle> */
	char *plot;
	char *rating;                   /* <mpaa> or <certification>, as written */
	char *genre;                    /* "Action, Drama" */
	char *director;
	char *studio;
	char *aired;                    /* YYYY-MM-DD (episodes) */
	int year;                       /* 0: unknown */
	int season;                     /* -1: unknown */
	int episode;
	int episode_end;                /* <episodenumberend>; -1 */
	int runtime_min;                /* 0: unknown */
	double duration_s;              /* streamdetails; 0: unknown */
	double community_rating;        /* -1: unknown */
	struct guid guids[NFO_MAX_GUIDS];
	size_t nguids;
	struct nfo_retrovue rv;
};

struct nfo_file {
	struct nfo_item *items;
	size_t n;
	int url_only;                   /* no XML: only links (ids in guids) */
	struct guid guids[NFO_MAX_GUIDS];       /* ids from links */
	size_t nguids;
};

/* Called for each problem: the file, the line (0: the whole file) and what. */
typedef void (*nfo_warn_fn)(void *arg, const char *path, int line, const char *msg);

/*
 * Read path. 0 when something usable was found (items, or ids from
 * links), -1 with *cause when not (unreadable, empty, no known element).
 */
int nfo_parse_file(const char *path, struct nfo_file *out, nfo_warn_fn warn, void *arg,
    char **cause);
/* The same from memory; path names it in warnings. */
int nfo_parse_buffer(const char *buf, size_t len, const char *path, struct nfo_file *out,
    nfo_warn_fn warn, void *arg, char **cause);
void nfo_file_clear(struct nfo_file *f);

/* A scheduling role as written in <type> ("station-id", "Commercial") normalised; NULL if unknown. */
const char *nfo_content_type(const char *s);

#endif
