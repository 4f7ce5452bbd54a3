/*
 * plex.h: a Plex Media Server client. It asks for JSON
 * (Accept: application/json) and also reads the XML Plex sends by default,
 * converting it to the same JSON shape, so the rest of the program sees
 * one form. Requests carry the token in an X-Plex-Token header (never in
 * a URL, so no message can show it), have connect and stall timeouts, and
 * are retried with exponential backoff on 5xx answers, timeouts and
 * refused or dropped connections. Large listings are fetched in pages
 * (X-Plex-Container-Start/Size).
 *
 * Items are read defensively: a field that is missing, null or of the
 * wrong type is treated as absent, never as a crash. Listings ask for
 * chapters and intro/credits markers (includeChapters, includeMarkers);
 * a server that leaves them out of listings is asked item by item, for
 * the new and changed items only.
 *
 * A struct plex belongs to one thread at a time; several may run at once.
 */
#ifndef RV_PLEX_H
#define RV_PLEX_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "src/guid.h"
#include "src/importer.h"

#define PLEX_MAX_GUIDS SRV_MAX_GUIDS

/* Plex as an importer (src/importer.h). */
extern const struct importer importer_plex;

struct plex_opts {
	const char *url;                /* "http://host:32400" */
	const char *token;              /* secret; may be NULL */
	long connect_timeout_ms;        /* 0: 10 s */
	long stall_timeout_ms;          /* no byte for this long: 0: 30 s */
	int retries;                    /* extra attempts; -1: 3 */
	long backoff_ms;                /* first retry delay, doubled each time; 0: 500 ms */
	atomic_int *cancel;             /* set non-zero to stop; may be NULL */
};

struct plex;

/* A library section. */
struct plex_section {
	char *key;                      /* "2" */
	char *type;                     /* "movie", "show", "artist", "photo" */
	char *title;                    /* "TV Shows" */
};

/* Connect nothing yet: just remember where and how. */
struct plex *plex_new(const struct plex_opts *opts);
/* Free; accepts NULL and sets *pp to NULL. */
void plex_free(struct plex **pp);
/* Requests made so far (for tests and the benchmark). */
long plex_requests(const struct plex *p);

/*
 * GET path (with its query) and parse the body. *out gets the whole
 * document ({"MediaContainer": {...}}). 0, or -1 with *cause naming the
 * request and what went wrong (401, 404, timeout, malformed body, ...).
 */
int plex_get(struct plex *p, const char *path, json_t **out, char **cause);
/*
 * Fetch every page of a container: fn(arg, items, offset, total) for
 * each page, where items is the page's Metadata array (possibly empty)
 * and total the container's totalSize (-1 if unknown). fn returns 0 to
 * go on, non-zero to stop (that value is returned). page_size 0 fetches
 * in one request. -1 with *cause on a failed request.
 */
int plex_get_paged(struct plex *p, const char *path, int page_size,
    int (*fn)(void *arg, json_t *items, long offset, long total), void *arg, char **cause);
/* The size of a container without its items (totalSize, or size). -1 with *cause. */
int plex_count(struct plex *p, const char *path, long *count, char **cause);

/* The server's name and version (GET /). */
int plex_identity(struct plex *p, char **name, char **version, char **cause);
/* The library sections. Free with plex_sections_free. */
int plex_sections(struct plex *p, struct plex_section **out, size_t *n, char **cause);
void plex_sections_free(struct plex_section **s, size_t n);

/* Parse a body (JSON, or XML converted). 0, or -1 with *cause. */
int plex_parse_body(const char *body, size_t len, json_t **out, char **cause);
/* The Metadata array of a parsed document (or of its MediaContainer); NULL if none. */
json_t *plex_metadata(json_t *doc);
/*
 * Read one Metadata object: its fields, the languages of its first
 * file's audio and subtitle streams, and its Chapter and Marker arrays
 * (intro, credits) when the answer carries them. 0, or -1 if it has no
 * ratingKey.
 */
int plex_item_parse(json_t *meta, struct srv_item *out);
/* Free the strings of an item and zero it. */
void plex_item_clear(struct srv_item *it);

/* Escape s for a URL query. Returns a new string. */
char *plex_escape(const char *s);

#endif
