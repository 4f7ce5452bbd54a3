/*
 * http.h: the viewers' HTTP server (libmicrohttpd, its own thread pool):
 * HLS playlists and segments, the endless MPEG-TS stream per channel, the
 * guide (M3U, XMLTV and the channel logos they point at), /api/status,
 * /healthz, the station's page (/), and the HDHomeRun emulation.
 * engine/route.c maps the paths.
 */
#ifndef RV_ENGINE_HTTP_H
#define RV_ENGINE_HTTP_H

#include <stddef.h>

#include "engine/director.h"
#include "engine/docs.h"
#include "engine/hdhr.h"

struct http_opts {
	const char *bind;               /* numeric address, NULL: every address */
	int port;                       /* 0: any free port */
	int threads;                    /* pool size (4) */
	int max_connections;            /* (4096) */
	int per_ip;                     /* connections per client address (64) */
	int timeout_s;                  /* idle connection timeout (15) */
	/*
	 * Who may connect: ranges and named sets (src/netacl.h); NULL or
	 * empty: NETACL_DEFAULT. Anyone else is refused at connect.
	 */
	const char *allow;
	struct hdhr_info hdhr;
	/*
	 * The guide (M3U, XMLTV) and the database's health for /healthz, made
	 * off the HTTP threads (the caller keeps it alive and calls
	 * docs_close before http_stop). NULL: the guide routes answer 503
	 * and /healthz looks at the director alone.
	 */
	struct docs *docs;
};

struct http;

/* Listen and serve. NULL with *cause (the port is taken, ...). */
struct http *http_start(const struct http_opts *opts, struct director *d, char **cause);
/* The port it listens on. */
int http_port(struct http *h);
/*
 * Who may connect from now on (http_opts.allow's syntax; connections open
 * stay). Bad entries are named in the log and left out; a list with
 * nothing valid falls back to the default, never to everyone.
 */
void http_set_allow(struct http *h, const char *allow);
/*
 * Stop serving: call after director_shutdown (so no stream waits for a
 * segment that will not come) and before director_free.
 */
void http_stop(struct http **hp);

#endif
