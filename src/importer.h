/*
 * importer.h: every source of content behind one table of operations, in
 * the manner of curl's struct Curl_ssl backends. A backend is one file
 * (src/plex.c, src/jellyfin.c, src/tmm.c) that fills a const struct
 * importer, and one line in importers[] (src/importer.c); everything that
 * drives imports (the CLI's source, sync, sync-all and discover, the
 * control socket, the console's sync and settings dialogs) walks the
 * table and treats every backend the same way.
 *
 * Two families:
 *
 *   servers  (IMPORTER_SERVER: Plex, Jellyfin, Emby) live in
 *            content_sources (a URL, a secret, maybe a user) and give a
 *            client: libraries, then movies, shows and each show's
 *            episodes in pages, in one shape (struct srv_item). The shared
 *            engine in src/sync.c does the rest for all of them: the
 *            incremental sync (unchanged shows skipped without fetching
 *            their episodes), path mapping per source, marks, removals
 *            with the library's safety rules (import_may_remove), history.
 *   folders  (IMPORTER_FOLDER: TMM/Kodi .nfo trees) live in their own
 *            table and scan themselves (.scan), with the same safety
 *            rules and the same progress and history.
 *
 * A source is named by its name, by its id (a server's content_sources id),
 * or as "KIND:NAME" / "KIND:ID" ("tmm:3", "jellyfin:den") when a name or
 * number could mean two sources.
 */
#ifndef RV_IMPORTER_H
#define RV_IMPORTER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/guid.h"
#include "src/import.h"
#include "src/sources.h"

#define IMPORTER_SERVER 0x1     /* a media server in content_sources */
#define IMPORTER_FOLDER 0x2     /* .nfo folders on this machine */
#define IMPORTER_USER   0x4     /* a server read as one of its users (--user) */

/* What the operator gave to add a source (NULL / -1: not given). */
struct source_spec {
	const char *name;
	const char *url;                /* servers */
	const char *secret;             /* servers: token or API key */
	const char *user;               /* IMPORTER_USER servers */
	const char *path;               /* folders */
	int subdirs;                    /* folders: scan subfolders (-1: default, yes) */
};

/* A library of a server. */
struct srv_library {
	char *key;                      /* the server's id for it */
	char *title;                    /* "TV Shows" */
	char *type;                     /* "movie", "show", or what else the server says */
	long items;                     /* movies or shows; -1: unknown */
	long episodes;                  /* show libraries; -1: unknown */
};

/* A chapter, an intro or the credits, as a server or a file marks them. */
enum mark_kind {
	MARK_CHAPTER,
	MARK_INTRO,
	MARK_CREDITS,
};

struct srv_mark {
	enum mark_kind kind;
	int64_t start_ms;
	int64_t end_ms;                 /* 0: not given (a chapter's start is enough) */
	char *title;                    /* chapters; may be NULL */
};

#define SRV_MAX_GUIDS 8

/* A movie, show or episode as a server lists it; NULL/0/-1: not given. */
struct srv_item {
	char *key;                      /* the server's id; NULL: the item could not be read */
	char *type;                     /* "movie", "show", "episode", ... */
	char *title;
	char *show_title;               /* episodes */
	char *show_key;                 /* episodes: their show's key */
	char *content_rating;
	char *summary;
	char *genre;                    /* "Action, Drama" */
	char *director;
	char *studio;                   /* a show's network or studio */
	char *air_date;                 /* YYYY-MM-DD */
	char *file;                     /* the path as the server sees it */
	char *audio_langs;              /* "eng,fra" */
	char *subtitle_langs;
	int year;
	int season;
	int episode;
	int64_t stamp;                  /* the server's change stamp; 0: none */
	int64_t duration_ms;
	int64_t file_size;
	long leaf_count;                /* shows: episodes */
	struct guid guids[SRV_MAX_GUIDS];
	size_t nguids;
	struct srv_mark *marks;
	size_t nmarks;
	int marks_known;                /* SRV_MARKS_*: what the listing told (maybe none) */
};

#define SRV_MARKS_CHAPTERS 0x1      /* its chapters are known */
#define SRV_MARKS_SPANS    0x2      /* its intro and credits are known */

void srv_item_clear(struct srv_item *it);
/* Add a mark to an item (title copied; may be NULL). */
void srv_item_mark(struct srv_item *it, enum mark_kind kind, int64_t start_ms, int64_t end_ms,
    const char *title);
void srv_libraries_free(struct srv_library **libs, size_t n);

/*
 * A page of items: fn(arg, items, n, offset, total); total is the
 * listing's size (-1: unknown). fn may take an item (copy the struct, then
 * zero the original) and returns 0 to go on, else a code that ends the
 * listing and is returned.
 */
typedef int (*srv_page_fn)(void *arg, struct srv_item *items, size_t n, long offset,
    long total);

/* How to reach a server. */
struct srv_opts {
	const char *url;
	const char *secret;             /* never logged */
	const char *user;               /* NULL: the server's default */
	long connect_timeout_ms;        /* 0: 10 s */
	long stall_timeout_ms;          /* 0: 30 s */
	int retries;                    /* -1: 3 */
	long backoff_ms;                /* 0: 500 ms, doubled each retry */
	atomic_int *cancel;
};

struct srv_conn;
struct tmm_opts;

struct importer {
	const char *name;               /* its kind: "plex", "tmm"; the source_type column */
	const char *label;              /* "Plex" */
	int flags;                      /* IMPORTER_* */
	const char *add_usage;          /* the options of 'source add NAME' */
	const char *secret_flag;        /* servers: "token", "api-key" */
	const char *secret_noun;        /* servers: "token", "API key" */
	const char *url_example;        /* servers: "http://host:32400" */
	const char *key_noun;           /* servers: what it calls an item's key ("ratingKey") */

	/* The registry. 0, or -1 with *cause. */
	int (*add)(sqlite3 *db, const struct importer *imp, const struct source_spec *spec,
	    int64_t *id, char **cause);
	int (*list)(sqlite3 *db, const struct importer *imp, struct source **out, size_t *n,
	    char **cause);
	/* Remove the source and every file imported from it (kept restorable). */
	int (*remove)(sqlite3 *db, const struct source *s, long *files, char **cause);

	/* Servers: a client for one thread. */
	struct srv_conn *(*open)(const struct srv_opts *o);
	void (*close)(struct srv_conn **cp);
	long (*requests)(const struct srv_conn *c);
	/* The server's name and version. */
	int (*identify)(struct srv_conn *c, char **name, char **version, char **cause);
	/* Its libraries; with count set, how many items each holds. */
	int (*libraries)(struct srv_conn *c, int count, struct srv_library **out, size_t *n,
	    char **cause);
	/* The movies (shows 0) or shows (1) of a library; title: only those (near) it. */
	int (*items)(struct srv_conn *c, const struct srv_library *lib, int shows,
	    const char *title, int page_size, srv_page_fn fn, void *arg, char **cause);
	/* The episodes of a show. */
	int (*episodes)(struct srv_conn *c, const struct srv_item *show, int page_size,
	    srv_page_fn fn, void *arg, char **cause);
	/*
	 * Optional: the keys (in it->show_key) of the episodes of a library
	 * changed at or after since (a change stamp), so their shows are read
	 * even when the show itself looks unchanged. NULL: not supported.
	 */
	int (*changed)(struct srv_conn *c, const struct srv_library *lib, int64_t since,
	    int page_size, srv_page_fn fn, void *arg, char **cause);
	/* Optional: the marks of a new or changed item its listing left out. */
	int (*marks)(struct srv_conn *c, struct srv_item *it, char **cause);
	/*
	 * Optional: marks for many items at once (in parallel). What could not
	 * be read is left as it was: marks then asks for it alone, and warns.
	 */
	void (*marks_many)(struct srv_conn *c, struct srv_item **items, size_t n);

	/* Folders: check one (is it there, mounted, how many .nfo) and scan it. */
	int (*test)(sqlite3 *db, const struct source *s, char **report, char **cause);
	int (*scan)(sqlite3 *db, const struct source *s, const struct tmm_opts *o,
	    const struct import_progress *prog, struct import_stats *st, char **cause);
};

/* Every importer, in the order they are synced; NULL-terminated. */
extern const struct importer *const importers[];

/* An importer by kind ("plex"); NULL if none. */
const struct importer *importer_find(const char *name);
/* "plex, jellyfin, emby, tmm": the kinds, for messages and usage. */
const char *importer_kinds(int flags);

/*
 * Find a source of any kind by name, id or KIND:NAME / KIND:ID (the kind
 * first when given). A name two sources share is refused, naming both
 * spellings. 0, or -1 with *cause.
 */
int source_find(sqlite3 *db, const char *key, struct source *out, char **cause);
/* Every source of every importer with one of flags (0: all), in table order. */
int sources_all(sqlite3 *db, int flags, struct source **out, size_t *n, char **cause);
/* "tmm:3", "jellyfin:den": a name for s that source_find always finds, in buf. */
const char *source_ref(const struct source *s, char *buf, size_t len);
/* Add a source of kind (checks the spec against the importer). */
int source_add(sqlite3 *db, const char *kind, const struct source_spec *spec, int64_t *id,
    char **cause);

#endif
