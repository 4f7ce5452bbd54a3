/*
 * docs.h: the documents clients ask for over and over, made off the HTTP
 * threads: the guide (M3U channel list, XMLTV) and the database's health
 * for /healthz. A builder thread with a connection of its own makes the
 * guide and keeps it until the database changes (PRAGMA data_version) or,
 * for the XMLTV guide, until its window has moved on; another thread
 * checks the database's health on request. An HTTP thread never runs a
 * query for these: it takes a document (a reference) or queues a waiter
 * that suspends its connection, and is woken when the builder is done, or
 * by a watchdog when a deadline passes while the database is stuck.
 *
 * The guide depends on the address a client reached us by (its Host
 * header); it is built once with a stand-in base URL, and the client's is
 * put in its place as the document is sent (docs_doc_read).
 */
#ifndef RV_ENGINE_DOCS_H
#define RV_ENGINE_DOCS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

enum docs_kind {
	DOCS_M3U,                       /* /iptv/channels.m3u */
	DOCS_XMLTV,                     /* /iptv/xmltv.xml */
	DOCS_KINDS
};

/*
 * How one kind is built: on the builder's connection, for the time now_ms,
 * with base_url in the links; *out is a new buffer of *len bytes. 0, or -1
 * with *cause.
 */
struct docs_source {
	int (*build)(void *arg, sqlite3 *db, int64_t now_ms, const char *base_url, char **out,
	    size_t *len, char **cause);
	void *arg;
	int64_t max_age_ms;             /* built again at least this often (0: on changes only) */
};

struct docs_opts {
	const char *db_path;
	struct docs_source src[DOCS_KINDS];     /* a NULL build: that kind answers "not available" */
	int wait_ms;                    /* longest a request waits for the builder (3000) */
	int health_wait_ms;             /* ... for a health check (2000) */
};

/*
 * A request waiting for a document. The caller zeroes it once per request
 * and sets suspend, wake and arg; suspend() runs under the docs lock when
 * the wait starts, wake() once without it. The waiter must stay valid
 * until wake() has run. The rest is docs' own.
 */
struct docs_waiter {
	void (*suspend)(void *arg);
	void (*wake)(void *arg);
	void *arg;
	int state;
	uint64_t want;
	int64_t deadline_us;
	struct docs_waiter *next;
};

/* What a request got. */
enum docs_result {
	DOCS_OK,                        /* *doc holds a reference (health: healthy) */
	DOCS_WAIT,                      /* the waiter is queued: ask again when woken */
	DOCS_NONE,                      /* nothing to give: the reason is in why */
};

/* A built document: immutable and reference counted. */
struct docs_doc;

struct docs;

/* Start the threads. NULL with *cause. */
struct docs *docs_new(const struct docs_opts *opts, char **cause);
/*
 * Going down: wake every waiter (they get DOCS_NONE, "shutting down") and
 * take no more. Call before the HTTP server stops.
 */
void docs_close(struct docs *dc);
/* Stop the threads and free (after the HTTP server); sets *dcp NULL. */
void docs_free(struct docs **dcp);

/*
 * The document of kind, as of a look at the database made after the
 * request began. When the builder is stuck past the deadline: the last
 * document built (older), else DOCS_NONE.
 */
enum docs_result docs_get(struct docs *dc, enum docs_kind kind, struct docs_waiter *w,
    struct docs_doc **doc, char *why, size_t len);
/*
 * The database's health, checked (opened and read afresh) after the
 * request began: DOCS_OK, DOCS_NONE with the reason (also when the check
 * has not answered by the deadline), or DOCS_WAIT.
 */
enum docs_result docs_health(struct docs *dc, struct docs_waiter *w, char *why, size_t len);

/* Size of doc once base_url (of base_len bytes) stands in its links. */
uint64_t docs_doc_size(const struct docs_doc *doc, size_t base_len);
/* Copy up to max bytes of that from pos into buf; returns the count. */
size_t docs_doc_read(const struct docs_doc *doc, const char *base_url, size_t base_len,
    uint64_t pos, char *buf, size_t max);
/* Take a reference. */
struct docs_doc *docs_doc_ref(struct docs_doc *doc);
/* Drop a reference (the last frees); accepts NULL, sets *docp NULL. */
void docs_doc_unref(struct docs_doc **docp);

#endif
