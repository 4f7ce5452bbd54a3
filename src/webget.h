/*
 * webget.h: GET requests to a media server's HTTP API with libcurl, the
 * way every server client (src/plex.c, src/jellyfin.c) needs them: one
 * handle per client, connect and stall timeouts, retries with exponential
 * backoff on 5xx and 429 answers, timeouts and refused or dropped
 * connections, cancellation between and during requests, a cap on the
 * size of an answer, and errors that name the request ("GET /Items?...:
 * HTTP 401 unauthorized: the server refused the API key"). Secrets travel
 * in the headers given (never in a URL, so no message can show them);
 * they are registered with the logger and wiped when the client is freed.
 *
 * A struct webget belongs to one thread at a time; several may run at once.
 */
#ifndef RV_WEBGET_H
#define RV_WEBGET_H

#include <stdatomic.h>
#include <stddef.h>

struct webget_opts {
	const char *url;                /* "http://host:8096": base of every path */
	const char *label;              /* "Plex": in retry warnings */
	const char *secret_noun;        /* "token", "API key": in 401/403 messages */
	const char *const *headers;     /* "Name: value" lines, NULL-terminated (copied) */
	const char *secret;             /* the secret inside a header, registered with the log */
	long connect_timeout_ms;        /* 0: 10 s */
	long stall_timeout_ms;          /* no byte for this long: 0: 30 s */
	int retries;                    /* extra attempts; -1: 3 */
	long backoff_ms;                /* first retry delay, doubled each time; 0: 500 ms */
	atomic_int *cancel;             /* set non-zero to stop; may be NULL */
};

struct webget;

/* Remember the server; nothing is sent yet. A query in url is dropped. */
struct webget *webget_new(const struct webget_opts *o);
/* Free, wiping the headers; accepts NULL and sets *wp to NULL. */
void webget_free(struct webget **wp);
/* Requests made so far. */
long webget_requests(const struct webget *w);
/* The base URL (no trailing slash). */
const char *webget_base(const struct webget *w);
/* Cancelled? */
int webget_cancelled(const struct webget *w);

/*
 * GET path (with its query): 0 with *body (NUL-terminated, to free) and
 * *len on a 2xx answer; else -1 with *cause naming the request, and
 * *status (may be NULL) the HTTP status (0: no answer).
 */
int webget_get(struct webget *w, const char *path, char **body, size_t *len, long *status,
    char **cause);

/* Escape s for a URL query. Returns a new string. */
char *webget_escape(const char *s);

#endif
