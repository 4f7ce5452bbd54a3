/*
 * http.c: the HTTP server.
 *
 * libmicrohttpd runs the sockets on its own pool of threads (epoll). No
 * handler ever blocks: a playlist request for a channel that is just
 * starting, and an endless TS stream that has sent every segment there
 * is, suspend their connection on the channel's ring and are resumed by
 * the channel's thread when the next segment is published (or when the
 * channel goes off the air). Segments are sent straight from the ring's
 * refcounted buffers; the response's free callback drops the reference.
 * A TS client that falls so far behind that its next segment has left the
 * ring is dropped: the encoder never waits for anyone.
 */
#include "engine/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "engine/route.h"
#include "src/chanset.h"
#include "src/log.h"
#include "src/netacl.h"
#include "src/tz.h"
#include "src/util.h"

#define TS_BLOCK (64 * 1024)
#define REQUEST_MEMORY (32 * 1024)      /* per connection: a longer header is refused */

#define CT_M3U8 "application/vnd.apple.mpegurl"
#define CT_TS "video/mp2t"
#define CT_VTT "text/vtt; charset=utf-8"
#define CT_JSON "application/json"
#define CT_XML "application/xml; charset=utf-8"
#define CT_M3U "audio/x-mpegurl; charset=utf-8"
#define CT_TEXT "text/plain; charset=utf-8"
#define CT_HTML "text/html; charset=utf-8"

#define CC_NONE "no-cache"
#define CC_SEGMENT "public, max-age=3600, immutable"

/* Open connections from one client (an IPv4 address, an IPv6 /64). */
struct peer_count {
	char addr[64];
	int n;
};

/* One connection's state (MHD's socket context). */
struct conn_state {
	char key[64];                   /* the client it is counted for */
	int cors;                       /* the request being answered wants CORS headers */
};

struct http {
	struct MHD_Daemon *mhd;
	struct director *d;
	struct http_opts opts;
	int port;
	int stopping;                   /* atomic */
	uint64_t segment_requests;      /* atomic: HLS segments served */

	/* Connection accounting for the limits (under lock). */
	pthread_mutex_t lock;
	struct peer_count *peers;       /* addresses with connections open */
	size_t npeers;
	int open;                       /* connections open */
	uint64_t refused;               /* refused by a limit, ever */
	uint64_t refused_logged;        /* of which already said in the log */
	int64_t refused_log_ms;         /* when the log last said so */
	uint64_t mhd_errors;            /* libmicrohttpd's complaints (oversize...) */
	int64_t mhd_log_ms;
	char health_logged[256];        /* /healthz's last reason in the log */
	int64_t health_log_ms;
	uint64_t denied;                /* refused by http.allow, ever */
	uint64_t denied_logged;
	int64_t denied_log_ms;

	struct netacl allow;            /* who may connect (under lock: SIGHUP changes it) */
	char *allow_text;               /* as configured, for the log (under lock) */
};

/* Per-request state (MHD's con_cls). */
struct request {
	struct http *h;
	struct MHD_Connection *conn;
	struct ring *ring;
	struct ring_waiter waiter;
	int waiting;                    /* suspended for the first segment */
	struct docs_waiter dwait;       /* suspended for the guide or a health check */
};

/* An endless TS client: owned by its response. */
struct tsclient {
	struct http *h;
	struct MHD_Connection *conn;
	struct ring *ring;
	struct ring_waiter waiter;
	size_t off;                     /* into segment next_seq */
	int64_t next_seq;
	char number[16];
	char peer[64];
};

#define LIMIT_LOG_MS 5000             /* say refusals at most this often */

/*
 * MHD's own messages into our log. What a client did wrong (a header over
 * the memory limit, a bad request line, the connection limit) is a warning,
 * said at most every few seconds with the count since.
 */
static void __attribute__((format(printf, 2, 0)))
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http *h = cls;
	int64_t now = now_ms();
	uint64_t n;
	char buf[400];
	size_t len;

	vsnprintf(buf, sizeof buf, fmt, ap);
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	if (h == NULL || (strcasestr(buf, "limit") == NULL && strcasestr(buf, "memory") == NULL &&
	    strcasestr(buf, "too ") == NULL && strcasestr(buf, "malformed") == NULL)) {
		log_debug("http: %s", buf);
		return;
	}
	pthread_mutex_lock(&h->lock);
	n = ++h->mhd_errors;
	if (now - h->mhd_log_ms < LIMIT_LOG_MS) {
		pthread_mutex_unlock(&h->lock);
		return;
	}
	h->mhd_log_ms = now;
	pthread_mutex_unlock(&h->lock);
	log_warn("http: limit: %s (%llu such so far)", buf, (unsigned long long)n);
}

/* The numeric address of sa into buf (an IPv4-mapped one as IPv4). */
static void
addr_name(const struct sockaddr *sa, char *buf, size_t len)
{
	uint8_t a[16];

	if (netacl_addr(sa, a) != 0)
		snprintf(buf, len, "?");
	else
		netacl_addr_text(a, buf, len);
}

/* The count of an address; caller holds the lock. NULL if none. */
static struct peer_count *
find_peer_locked(struct http *h, const char *addr)
{
	size_t i;

	for (i = 0; i < h->npeers; i++) {
		if (strcmp(h->peers[i].addr, addr) == 0)
			return &h->peers[i];
	}
	return NULL;
}

/*
 * May sa connect at all (http.allow)? A refusal is counted, and said in
 * the log now and then (not every time).
 */
static int
allowed(struct http *h, const struct sockaddr *sa)
{
	char addr[INET6_ADDRSTRLEN], *list = NULL;
	int64_t now = now_ms();
	uint64_t n = 0;
	int ok;

	pthread_mutex_lock(&h->lock);
	if (!(ok = netacl_allows(&h->allow, sa))) {
		h->denied++;
		if (now - h->denied_log_ms >= LIMIT_LOG_MS) {
			n = h->denied - h->denied_logged;
			h->denied_logged = h->denied;
			h->denied_log_ms = now;
			list = xstrdup(h->allow_text);
		}
	}
	pthread_mutex_unlock(&h->lock);
	if (n > 0) {
		addr_name(sa, addr, sizeof addr);
		log_warn("http: refused a connection from %s: not in http.allow (%s); %llu "
		    "refused since the last such line", addr, list, (unsigned long long)n);
	}
	free(list);
	return ok;
}

/*
 * Accept or refuse a new connection: who may connect at all (http.allow),
 * then the limits on connections in all and from one client (an IPv4
 * address, an IPv6 /64). Refusals are counted and logged (rate-limited).
 */
static enum MHD_Result
accept_policy(void *cls, const struct sockaddr *sa, socklen_t salen)
{
	struct http *h = cls;
	struct peer_count *p;
	char addr[64], why[160] = "";
	int64_t now = now_ms();
	uint64_t n = 0;

	if (!allowed(h, sa))
		return MHD_NO;
	netacl_peer_key(sa, addr, sizeof addr);
	pthread_mutex_lock(&h->lock);
	if (h->open >= h->opts.max_connections)
		snprintf(why, sizeof why, "%d connections are open (http.max_connections)", h->open);
	else if ((p = find_peer_locked(h, addr)) != NULL && p->n >= h->opts.per_ip)
		snprintf(why, sizeof why, "%d connections are open from that %s "
		    "(http.per_ip_connections)", p->n, strchr(addr, '/') != NULL ?
		    "network" : "address");
	if (why[0] != '\0') {
		h->refused++;
		if (now - h->refused_log_ms >= LIMIT_LOG_MS) {
			n = h->refused - h->refused_logged;
			h->refused_logged = h->refused;
			h->refused_log_ms = now;
		}
	}
	pthread_mutex_unlock(&h->lock);
	if (n > 0)
		log_warn("http: limit: refused a connection from %s: %s; %llu refused since the "
		    "last such line", addr, why, (unsigned long long)n);
	return why[0] == '\0' ? MHD_YES : MHD_NO;
}

/* Count connections opening and closing, per client; keep each one's state. */
static void
notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http *h = cls;
	const union MHD_ConnectionInfo *ci;
	struct conn_state *cs = *socket_context;
	struct peer_count *p;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		cs = xcalloc(1, sizeof *cs);
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		netacl_peer_key(ci != NULL ? ci->client_addr : NULL, cs->key, sizeof cs->key);
		*socket_context = cs;
	}
	if (cs == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	p = find_peer_locked(h, cs->key);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		if (p == NULL) {
			h->peers = xreallocarray(h->peers, h->npeers + 1, sizeof *h->peers);
			p = &h->peers[h->npeers++];
			snprintf(p->addr, sizeof p->addr, "%s", cs->key);
			p->n = 0;
		}
		p->n++;
		h->open++;
	} else if (p != NULL) {
		h->open--;
		if (--p->n == 0)
			*p = h->peers[--h->npeers];     /* last one moves into its place */
	}
	pthread_mutex_unlock(&h->lock);
	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		free(cs);
		*socket_context = NULL;
	}
}

/* Suspend callback for waiters. */
static void
suspend_conn(void *arg)
{
	struct request *r = arg;

	MHD_suspend_connection(r->conn);
}

/* Wake callback for waiters. */
static void
resume_conn(void *arg)
{
	struct request *r = arg;

	MHD_resume_connection(r->conn);
}

/* Same, for TS clients. */
static void
ts_suspend(void *arg)
{
	struct tsclient *c = arg;

	MHD_suspend_connection(c->conn);
}

static void
ts_resume(void *arg)
{
	struct tsclient *c = arg;

	MHD_resume_connection(c->conn);
}

/* The client's address as text. */
static void
peer_name(struct MHD_Connection *conn, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	sa = ci != NULL ? ci->client_addr : NULL;
	addr_name(sa, buf, len);
}

/* A viewer key: the client address and user agent (FNV-1a). */
static uint64_t
viewer_key(struct MHD_Connection *conn)
{
	const char *ua = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_USER_AGENT);
	char peer[64];
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	peer_name(conn, peer, sizeof peer);
	for (p = peer; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (p = ua != NULL ? ua : ""; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/* Headers every answer carries. */
static void
common_headers(struct MHD_Response *resp, const char *type, const char *cache)
{
	if (type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_SERVER, "Retrovue/" PACKAGE_VERSION);
}

/*
 * The CORS headers, on the answers a web page's player fetches (playlists,
 * segments, streams, the guide, logos) and only there: the status, the
 * health check and the station's page are nobody else's business.
 */
static void
cors_headers(struct MHD_Connection *conn, struct MHD_Response *resp)
{
	const union MHD_ConnectionInfo *ci;
	const struct conn_state *cs;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	cs = ci != NULL ? ci->socket_context : NULL;
	if (cs == NULL || !cs->cors || MHD_get_response_header(resp,
	    MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN) != NULL)
		return;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
	MHD_add_response_header(resp, "Access-Control-Expose-Headers", "Content-Length");
}

/* Queue a response and drop our reference to it. */
static enum MHD_Result
send_response(struct MHD_Connection *conn, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;

	cors_headers(conn, resp);
	ret = MHD_queue_response(conn, status, resp);

	MHD_destroy_response(resp);
	return ret;
}

/* Answer with a copy of len bytes. */
static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned status, const char *type, const char *cache,
    const void *data, size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	common_headers(resp, type, cache);
	return send_response(conn, status, resp);
}

/* Answer with a malloc'd buffer (taken). */
static enum MHD_Result
reply_owned(struct MHD_Connection *conn, unsigned status, const char *type, char *data,
    size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(data);
		return MHD_NO;
	}
	common_headers(resp, type, CC_NONE);
	return send_response(conn, status, resp);
}

/* A short text answer ("404 not found\n"). */
static enum MHD_Result
reply_text(struct MHD_Connection *conn, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum MHD_Result
reply_text(struct MHD_Connection *conn, unsigned status, const char *fmt, ...)
{
	struct MHD_Response *resp;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	resp = MHD_create_response_from_buffer(strlen(msg), msg, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(msg);
		return MHD_NO;
	}
	common_headers(resp, CT_TEXT, CC_NONE);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "5");
	return send_response(conn, status, resp);
}

/* Free callback of a segment response. */
static void
segment_done(void *cls)
{
	struct segment *s = cls;

	segment_unref(&s);
}

/* Answer with a ring buffer (the reference is taken). */
static enum MHD_Result
reply_segment(struct MHD_Connection *conn, const char *type, const char *cache,
    struct segment *s)
{
	struct MHD_Response *resp;

	/*
	 * Straight from the ring's buffer (MHD writes headers and body with
	 * writev); measured here, twice as fast as its sendfile() path.
	 */
	resp = MHD_create_response_from_buffer_with_free_callback_cls(s->len, s->data,
	    segment_done, s);
	if (resp == NULL) {
		segment_unref(&s);
		return MHD_NO;
	}
	common_headers(resp, type, cache);
	return send_response(conn, MHD_HTTP_OK, resp);
}

/* The base URL a client reached us by. */
static void
base_url(struct http *h, struct MHD_Connection *conn, char *buf, size_t len)
{
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	const union MHD_ConnectionInfo *ci;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char addr[64];
	size_t i;

	if (host != NULL && *host != '\0' && strlen(host) < 200) {
		for (i = 0; host[i] != '\0'; i++) {
			if (!((host[i] >= 'a' && host[i] <= 'z') || (host[i] >= 'A' &&
			    host[i] <= 'Z') || (host[i] >= '0' && host[i] <= '9') ||
			    strchr(".-:[]", host[i]) != NULL))
				break;
		}
		if (host[i] == '\0') {
			snprintf(buf, len, "http://%s", host);
			return;
		}
	}
	snprintf(addr, sizeof addr, "127.0.0.1");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL && getsockname(ci->connect_fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr,
			    sizeof addr);
		else if (ss.ss_family == AF_INET6) {
			addr[0] = '[';
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr + 1,
			    sizeof addr - 2);
			strcat(addr, "]");
		}
	}
	snprintf(buf, len, "http://%s:%d", addr, h->port);
}

/* Why a channel cannot be had, as an answer. */
static enum MHD_Result
tune_failed(struct http *h, struct MHD_Connection *conn, enum director_result res,
    const char *number)
{
	struct director_opts o;

	switch (res) {
	case DIRECTOR_NO_CHANNEL:
		return reply_text(conn, MHD_HTTP_NOT_FOUND, "no channel %s\n", number);
	case DIRECTOR_NOT_HERE:
		director_get_opts(h->d, &o);
		return reply_text(conn, MHD_HTTP_NOT_FOUND, "channel %s is not served by this "
		    "Retrovue daemon (it serves channels %s)\n", number, chanset_text(o.owned));
	case DIRECTOR_BUSY:
		return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "every tuner is busy: channel %s cannot start now\n", number);
	default:
		return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "channel %s cannot go on the air now (see /api/status)\n", number);
	}
}

/* A playlist of the ring: the index, the main one, or a track's. */
static enum ring_result
ring_list(struct ring *ring, const struct route *r, struct segment **pl, struct ring_waiter *w)
{
	if (r->track[0] != '\0')
		return ring_track_playlist(ring, r->track, pl, w);
	return r->index ? ring_index(ring, pl, w) : ring_playlist(ring, pl, w);
}

/* GET /channel/N/index.m3u8 (main.m3u8, TRACK/index.m3u8). */
static enum MHD_Result
serve_playlist(struct http *h, struct request *req, const struct route *r)
{
	struct segment *pl = NULL;
	enum director_result res;
	enum ring_result rr;

	if (!req->waiting) {
		req->waiter.suspend = suspend_conn;
		req->waiter.wake = resume_conn;
		req->waiter.arg = req;
		res = director_tune(h->d, r->number, TUNE_HLS | (r->head ? TUNE_NO_START : 0),
		    viewer_key(req->conn), &req->ring, &req->waiter);
		if (res == DIRECTOR_WAIT)
			return MHD_YES;         /* resumed when the channel is back: ask again */
		if (res != DIRECTOR_OK)
			return tune_failed(h, req->conn, res, r->number);
		rr = ring_list(req->ring, r, &pl, r->head ? NULL : &req->waiter);
		if (rr == RING_WAIT) {
			req->waiting = 1;
			return MHD_YES;
		}
	} else
		rr = ring_list(req->ring, r, &pl, NULL);
	if (rr == RING_GONE)
		return reply_text(req->conn, MHD_HTTP_NOT_FOUND, "channel %s has no %s rendition\n",
		    r->number, r->track);
	if (rr != RING_OK)
		return reply_text(req->conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "channel %s is not on the air (see /api/status)\n", r->number);
	return reply_segment(req->conn, CT_M3U8, CC_NONE, pl);
}

/* GET /channel/N/SEQ.ts (TRACK/SEQ.EXT). */
static enum MHD_Result
serve_segment(struct http *h, struct request *req, const struct route *r)
{
	struct segment *s = NULL;
	enum director_result res;
	enum ring_result rr = RING_GONE;
	struct ring *ring;
	char ext[8];
	const char *have;

	res = director_tune(h->d, r->number, TUNE_HLS | TUNE_NO_START, viewer_key(req->conn),
	    &ring, NULL);
	if (res == DIRECTOR_NOT_HERE)
		return tune_failed(h, req->conn, res, r->number);
	if (res == DIRECTOR_OK) {
		if (r->track[0] == '\0')
			rr = ring_get(ring, r->seq, &s, NULL);
		else if ((have = ring_track_ext(ring, r->track, ext, sizeof ext)) != NULL &&
		    strcmp(have, r->ext) == 0)
			rr = ring_track_get(ring, r->track, r->seq, &s);
	}
	if (rr != RING_OK)
		return reply_text(req->conn, MHD_HTTP_NOT_FOUND,
		    "segment %lld%s%s of channel %s is not (or no longer) here\n", (long long)r->seq,
		    r->track[0] != '\0' ? " of rendition " : "", r->track, r->number);
	__atomic_add_fetch(&h->segment_requests, 1, __ATOMIC_RELAXED);
	return reply_segment(req->conn, strcmp(r->ext, "vtt") == 0 ? CT_VTT : CT_TS,
	    CC_SEGMENT, s);
}

/* Content reader of the endless TS stream: segments, and the one being written. */
static ssize_t
ts_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct tsclient *c = cls;
	enum ring_result rr;
	size_t n;

	for (;;) {
		if (__atomic_load_n(&c->h->stopping, __ATOMIC_ACQUIRE))
			return MHD_CONTENT_READER_END_OF_STREAM;
		rr = ring_read(c->ring, c->next_seq, c->off, (uint8_t *)buf, max, &n, &c->waiter);
		switch (rr) {
		case RING_OK:
			if (n == 0) {           /* that segment is done: the next */
				c->next_seq++;
				c->off = 0;
				continue;
			}
			c->off += n;
			return (ssize_t)n;
		case RING_WAIT:
			return 0;               /* suspended until more is written */
		case RING_GONE:
			log_info("channel %s: dropping TS client %s: it fell behind the ring",
			    c->number, c->peer);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		case RING_OFF:
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
	}
}

/* The TS stream's response is done. */
static void
ts_free(void *cls)
{
	struct tsclient *c = cls;

	log_debug("channel %s: TS client %s left", c->number, c->peer);
	director_untune(c->h->d, c->number);
	free(c);
}

/* GET /channel/N.ts. */
static enum MHD_Result
serve_stream(struct http *h, struct request *req, const char *number, int head)
{
	struct MHD_Response *resp;
	struct tsclient *c;
	enum director_result res;
	struct ring *ring;
	int64_t live;

	if (head) {
		res = director_tune(h->d, number, TUNE_NO_START, 0, &ring, NULL);
		if (res != DIRECTOR_OK)
			return tune_failed(h, req->conn, res, number);
		return reply(req->conn, MHD_HTTP_OK, CT_TS, "no-cache, no-store", "", 0);
	}
	req->waiter.suspend = suspend_conn;
	req->waiter.wake = resume_conn;
	req->waiter.arg = req;
	res = director_tune(h->d, number, TUNE_TS, 0, &ring, &req->waiter);
	if (res == DIRECTOR_WAIT)
		return MHD_YES;                 /* resumed when the channel is back: ask again */
	if (res != DIRECTOR_OK)
		return tune_failed(h, req->conn, res, number);
	c = xcalloc(1, sizeof *c);
	c->h = h;
	c->conn = req->conn;
	c->ring = ring;
	c->waiter.suspend = ts_suspend;
	c->waiter.wake = ts_resume;
	c->waiter.arg = c;
	snprintf(c->number, sizeof c->number, "%s", number);
	peer_name(req->conn, c->peer, sizeof c->peer);
	/*
	 * Join at the start of the segment on the air now: what the channel
	 * has encoded ahead of the clock becomes the client's buffer. Before
	 * the first segment, wait for it.
	 */
	live = ring_seq_at(ring, now_ms());
	c->next_seq = live >= 0 ? live : ring_next_seq(ring);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, TS_BLOCK, ts_read, c, ts_free);
	if (resp == NULL) {
		ts_free(c);
		return MHD_NO;
	}
	common_headers(resp, CT_TS, "no-cache, no-store");
	log_debug("channel %s: TS client %s joined at segment %lld", number, c->peer,
	    (long long)c->next_seq);
	return send_response(req->conn, MHD_HTTP_OK, resp);
}

/* A status item as JSON (null for none). */
static json_t *
item_json(const struct status_item *it, int64_t now)
{
	char when[40];
	json_t *o;

	if (it->title[0] == '\0' && it->id == 0)
		return json_null();
	o = json_object();
	json_object_set_new(o, "id", it->id != 0 ? json_integer(it->id) : json_null());
	json_object_set_new(o, "title", json_string(it->title));
	json_object_set_new(o, "kind", json_string(it->kind));
	if (it->end_ms > 0) {
		json_object_set_new(o, "start", json_string(fmt_utc(when, sizeof when,
		    it->start_ms)));
		json_object_set_new(o, "end", json_string(fmt_utc(when, sizeof when,
		    it->end_ms)));
		json_object_set_new(o, "start_ms", json_integer(it->start_ms));
		json_object_set_new(o, "end_ms", json_integer(it->end_ms));
		if (now >= 0) {
			json_object_set_new(o, "position_ms", json_integer(now < it->start_ms ? 0 :
			    now - it->start_ms));
			json_object_set_new(o, "remaining_ms", json_integer(now > it->end_ms ? 0 :
			    it->end_ms - now));
		}
	}
	return o;
}

/* GET /api/status. */
static enum MHD_Result
serve_status(struct http *h, struct MHD_Connection *conn)
{
	struct channel_status *st;
	json_t *root = json_object(), *arr = json_array(), *c, *urls;
	int64_t now = now_ms();
	char when[40], *path, *text;
	size_t n, i;
	int active, max;

	n = director_status(h->d, &st);
	active = director_active(h->d, &max);
	json_object_set_new(root, "version", json_string(PACKAGE_VERSION));
	json_object_set_new(root, "time", json_string(fmt_utc(when, sizeof when, now)));
	json_object_set_new(root, "active_channels", json_integer(active));
	json_object_set_new(root, "max_channels", json_integer(max));
	json_object_set_new(root, "segment_requests", json_integer((json_int_t)
	    __atomic_load_n(&h->segment_requests, __ATOMIC_RELAXED)));
	pthread_mutex_lock(&h->lock);
	json_object_set_new(root, "http", json_pack("{s:i, s:i, s:I, s:I, s:I}", "connections",
	    h->open, "max_connections", h->opts.max_connections, "refused",
	    (json_int_t)h->refused, "rejected_requests", (json_int_t)h->mhd_errors,
	    "not_allowed", (json_int_t)h->denied));
	pthread_mutex_unlock(&h->lock);
	for (i = 0; i < n; i++) {
		c = json_object();
		json_object_set_new(c, "number", json_string(st[i].number));
		json_object_set_new(c, "name", json_string(st[i].name));
		json_object_set_new(c, "state", json_string(chan_state_name(st[i].state)));
		json_object_set_new(c, "always_on", json_boolean(st[i].always_on));
		json_object_set_new(c, "slate", json_boolean(st[i].slate));
		json_object_set_new(c, "item", st[i].state == CHAN_IDLE ? json_null() :
		    item_json(&st[i].item, now));
		json_object_set_new(c, "next", st[i].state == CHAN_IDLE ? json_null() :
		    item_json(&st[i].next, -1));
		json_object_set_new(c, "fps", json_real(st[i].fps));
		json_object_set_new(c, "speed", json_real(st[i].speed));
		json_object_set_new(c, "load", json_real(st[i].load));
		json_object_set_new(c, "viewers", json_integer(st[i].viewers));
		json_object_set_new(c, "hls_viewers", json_integer(st[i].hls_viewers));
		json_object_set_new(c, "ts_viewers", json_integer(st[i].ts_viewers));
		json_object_set_new(c, "bitrate_kbps", json_integer(st[i].bitrate_bps / 1000));
		json_object_set_new(c, "media_sequence", st[i].media_seq >= 0 ?
		    json_integer(st[i].media_seq) : json_null());
		json_object_set_new(c, "frames", json_integer(st[i].frames));
		json_object_set_new(c, "lead_ms", st[i].started_ms > 0 ?
		    json_integer(st[i].air_ms - now) : json_null());
		json_object_set_new(c, "started", st[i].started_ms > 0 ?
		    json_string(fmt_utc(when, sizeof when, st[i].started_ms)) : json_null());
		json_object_set_new(c, "last_error", st[i].last_error[0] != '\0' ?
		    json_string(st[i].last_error) : json_null());
		json_object_set_new(c, "last_error_time", st[i].last_error_ms > 0 ?
		    json_string(fmt_utc(when, sizeof when, st[i].last_error_ms)) : json_null());
		urls = json_object();
		xasprintf(&path, "/channel/%s/index.m3u8", st[i].number);
		json_object_set_new(urls, "hls", json_string(path));
		free(path);
		xasprintf(&path, "/channel/%s.ts", st[i].number);
		json_object_set_new(urls, "ts", json_string(path));
		free(path);
		json_object_set_new(c, "urls", urls);
		json_array_append_new(arr, c);
	}
	free(st);
	json_object_set_new(root, "channels", arr);
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "status\n");
	return reply_owned(conn, MHD_HTTP_OK, CT_JSON, text, strlen(text));
}

/* The HDHomeRun documents. */
static enum MHD_Result
serve_hdhr(struct http *h, struct MHD_Connection *conn, const char *url)
{
	struct channel_conf *list;
	char base[256], *doc;
	size_t n;

	base_url(h, conn, base, sizeof base);
	if (strcmp(url, "/discover.json") == 0)
		doc = hdhr_discover_json(&h->opts.hdhr, base);
	else if (strcmp(url, "/lineup.json") == 0) {
		director_channels(h->d, &list, &n);
		doc = hdhr_lineup_json(list, n, base);
		channels_free(&list, n);
	} else if (strcmp(url, "/lineup_status.json") == 0)
		doc = hdhr_lineup_status_json();
	else {
		doc = hdhr_device_xml(&h->opts.hdhr, base);
		return reply_owned(conn, MHD_HTTP_OK, CT_XML, doc, strlen(doc));
	}
	return reply_owned(conn, MHD_HTTP_OK, CT_JSON, doc, strlen(doc));
}

/* A guide document on its way out, with the client's base URL in its links. */
struct doc_reply {
	struct docs_doc *doc;
	size_t base_len;
	char base[256];
};

/* Content reader of a guide document. */
static ssize_t
doc_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct doc_reply *r = cls;
	size_t n = docs_doc_read(r->doc, r->base, r->base_len, pos, buf, max);

	return n > 0 ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

/* A guide document's response is done. */
static void
doc_free(void *cls)
{
	struct doc_reply *r = cls;

	docs_doc_unref(&r->doc);
	free(r);
}

/* Answer with a document (the reference is taken). */
static enum MHD_Result
reply_doc(struct http *h, struct MHD_Connection *conn, const char *type,
    struct docs_doc *doc)
{
	struct MHD_Response *resp;
	struct doc_reply *r = xcalloc(1, sizeof *r);

	r->doc = doc;
	base_url(h, conn, r->base, sizeof r->base);
	r->base_len = strlen(r->base);
	resp = MHD_create_response_from_callback(docs_doc_size(doc, r->base_len), 32 * 1024,
	    doc_read, r, doc_free);
	if (resp == NULL) {
		doc_free(r);
		return MHD_NO;
	}
	common_headers(resp, type, CC_NONE);
	return send_response(conn, MHD_HTTP_OK, resp);
}

/*
 * The guide routes: the document the builder made (never a query here),
 * waiting suspended while it looks at the database.
 */
static enum MHD_Result
serve_guide(struct http *h, struct request *req, int xmltv)
{
	struct docs_doc *doc = NULL;
	char why[256];

	req->dwait.suspend = suspend_conn;
	req->dwait.wake = resume_conn;
	req->dwait.arg = req;
	switch (docs_get(h->opts.docs, xmltv ? DOCS_XMLTV : DOCS_M3U, &req->dwait, &doc, why,
	    sizeof why)) {
	case DOCS_WAIT:
		return MHD_YES;         /* resumed when the builder is done */
	case DOCS_NONE:
		return reply_text(req->conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "the guide is not available now: %s\n", why);
	case DOCS_OK:
		break;
	}
	return reply_doc(h, req->conn, xmltv ? CT_XML : CT_M3U, doc);
}

/* GET /iptv/logos/N.EXT: a channel's logo file (the guide points here). */
static enum MHD_Result
serve_logo(struct http *h, struct MHD_Connection *conn, const char *number, const char *dot)
{
	static const char *types[][2] = { { ".png", "image/png" }, { ".jpg", "image/jpeg" },
	    { ".jpeg", "image/jpeg" }, { ".gif", "image/gif" }, { ".svg", "image/svg+xml" },
	    { ".webp", "image/webp" } };
	struct channel_conf *list;
	const char *ext, *type = NULL;
	char *data = NULL;
	size_t n, i, len = 0;
	FILE *f;
	long size;

	director_channels(h->d, &list, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].number, number) != 0 ||
		    list[i].logo_path == NULL || strstr(list[i].logo_path, "://") != NULL)
			continue;
		/* The file named in the database, never one named by the URL. */
		ext = strrchr(list[i].logo_path, '.');
		if (ext == NULL || strchr(ext, '/') != NULL || strcasecmp(ext, dot) != 0)
			break;
		for (size_t k = 0; k < nitems(types); k++) {
			if (strcasecmp(ext, types[k][0]) == 0)
				type = types[k][1];
		}
		if (type == NULL || (f = fopen(list[i].logo_path, "rb")) == NULL)
			break;
		if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && size < 8 << 20 &&
		    fseek(f, 0, SEEK_SET) == 0) {
			data = xmalloc((size_t)size);
			len = fread(data, 1, (size_t)size, f);
		}
		fclose(f);
		break;
	}
	channels_free(&list, n);
	if (data == NULL || len == 0) {
		free(data);
		return reply_text(conn, MHD_HTTP_NOT_FOUND, "no logo %s%s\n", number, dot);
	}
	return reply_owned(conn, MHD_HTTP_OK, type, data, len);
}

/* Log an unhealthy answer: when the reason changes, else once a minute. */
static void
health_log(struct http *h, const char *why)
{
	int64_t now = now_ms();
	int say;

	pthread_mutex_lock(&h->lock);
	say = strcmp(why, h->health_logged) != 0 || now - h->health_log_ms >= 60000;
	if (say) {
		snprintf(h->health_logged, sizeof h->health_logged, "%s", why);
		h->health_log_ms = now;
	}
	pthread_mutex_unlock(&h->lock);
	if (say)
		log_warn("healthz: unhealthy: %s", why);
}

/*
 * GET /healthz: 200 when the director and the database are fine, else 503
 * with the reason. The database is checked by the docs' thread; this one
 * waits suspended, and answers 503 when the check does not come back.
 */
static enum MHD_Result
serve_healthz(struct http *h, struct request *req)
{
	struct channel_status *st;
	char why[256] = "ok", *text;
	json_t *root, *chans;
	unsigned status = MHD_HTTP_OK;
	size_t n, i;

	req->dwait.suspend = suspend_conn;
	req->dwait.wake = resume_conn;
	req->dwait.arg = req;
	if (director_health(h->d, why, sizeof why) != 0)
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
	else if (h->opts.docs != NULL) {
		switch (docs_health(h->opts.docs, &req->dwait, why, sizeof why)) {
		case DOCS_WAIT:
			return MHD_YES;
		case DOCS_NONE:
			status = MHD_HTTP_SERVICE_UNAVAILABLE;
			break;
		case DOCS_OK:
			snprintf(why, sizeof why, "ok");
			break;
		}
	}
	root = json_object();
	chans = json_object();
	json_object_set_new(root, "status", json_string(status == MHD_HTTP_OK ? "ok" :
	    "unhealthy"));
	if (status != MHD_HTTP_OK) {
		json_object_set_new(root, "reason", json_string(why));
		health_log(h, why);
	}
	n = director_status(h->d, &st);
	for (i = 0; i < n; i++)
		json_object_set_new(chans, st[i].number, json_string(chan_state_name(st[i].state)));
	free(st);
	json_object_set_new(root, "channels", chans);
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		return reply_text(req->conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "healthz\n");
	return reply_owned(req->conn, status, CT_JSON, text, strlen(text));
}

/* Text into an HTML page: escaped, invalid UTF-8 and control bytes replaced. */
static void
html_text(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, left = strlen(s);

	while (*p != '\0') {
		if ((n = utf8_char(p, left)) == 0) {
			fputs("\xef\xbf\xbd", f);     /* U+FFFD */
			p++;
			left--;
			continue;
		}
		left -= n;
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if (n == 1 && (*p < 0x20 || *p == 0x7f))
				fputc(' ', f);
			else
				fwrite(p, 1, n, f);
		}
		p += n;
	}
}

/* "20:00" in zone tz (UTC when NULL) into buf. */
static const char *
local_hhmm(const struct tz *tz, int64_t ms, char *buf, size_t len)
{
	struct tz_civil c;
	time_t t;
	struct tm tm;

	if (tz != NULL) {
		tz_local(tz, ms, &c);
		snprintf(buf, len, "%02d:%02d", c.hour, c.minute);
	} else {
		t = (time_t)(ms / 1000);
		gmtime_r(&t, &tm);
		snprintf(buf, len, "%02d:%02d", tm.tm_hour, tm.tm_min);
	}
	return buf;
}

/* One programme cell of the station's page: title and times, or a dash. */
static void
home_item(FILE *f, const struct status_item *it, const struct tz *tz)
{
	char a[16], b[16], when[40];

	fputs("<td>", f);
	if (it->title[0] == '\0' && it->start_ms == 0) {
		fputs("&#8212;</td>", f);
		return;
	}
	html_text(f, it->title[0] != '\0' ? it->title : it->kind);
	if (it->end_ms > it->start_ms && it->start_ms > 0)
		fprintf(f, "<br><small title=\"from %s\">%s&#8211;%s</small>",
		    fmt_utc(when, sizeof when, it->start_ms), local_hhmm(tz, it->start_ms, a,
		    sizeof a), local_hhmm(tz, it->end_ms, b, sizeof b));
	fputs("</td>", f);
}

/*
 * GET /: the station's page. What is on each channel comes from the
 * director's status copies (no database on this thread); a channel off
 * the air until someone tunes in says so.
 */
static enum MHD_Result
serve_home(struct http *h, struct MHD_Connection *conn)
{
	struct channel_status *st;
	struct channel_conf *conf;
	const struct tz *tz;
	size_t n, nconf, i, k, len = 0;
	char *page = NULL;
	FILE *f;

	n = director_status(h->d, &st);
	director_channels(h->d, &conf, &nconf);
	if ((f = open_memstream(&page, &len)) == NULL) {
		free(st);
		channels_free(&conf, nconf);
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>", f);
	html_text(f, h->opts.hdhr.friendly_name);
	fputs("</title>\n<style>\nbody { font-family: sans-serif; margin: 1.5em; }\n"
	    "table { border-collapse: collapse; }\n"
	    "th, td { text-align: left; vertical-align: top; padding: 0.3em 0.8em; "
	    "border-bottom: 1px solid #ccc; }\n"
	    "small { color: #555; }\n</style>\n</head>\n<body>\n<h1>", f);
	html_text(f, h->opts.hdhr.friendly_name);
	fprintf(f, "</h1>\n<p>%zu channel%s. Watch one in VLC, mpv or any HLS player; "
	    "<a href=\"/iptv/channels.m3u\">the channel list (M3U)</a> is for IPTV players and "
	    "<a href=\"/iptv/xmltv.xml\">the guide (XMLTV)</a> for their programme guide. "
	    "Plex Live TV finds this station as an HDHomeRun tuner.</p>\n", n, n == 1 ? "" : "s");
	if (n == 0)
		fputs("<p>No channels yet.</p>\n", f);
	else
		fputs("<table>\n<thead><tr><th>Channel</th><th>Now</th><th>Next</th>"
		    "<th>Watch</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < n; i++) {
		tz = NULL;
		for (k = 0; k < nconf; k++) {
			if (strcmp(conf[k].number, st[i].number) == 0 && conf[k].timezone != NULL)
				tz = tz_get(conf[k].timezone, NULL);
		}
		fputs("<tr><td><b>", f);
		html_text(f, st[i].number);
		fputs("</b> ", f);
		html_text(f, st[i].name);
		fputs("</td>", f);
		if (st[i].state == CHAN_IDLE && st[i].item.start_ms == 0 && st[i].item.title[0] ==
		    '\0')
			fputs("<td colspan=\"2\"><small>Off the air until someone tunes in: it "
			    "starts where its schedule is.</small></td>", f);
		else {
			home_item(f, &st[i].item, tz);
			home_item(f, &st[i].next, tz);
		}
		/* Numbers are digits and one dot (route_valid_number): safe in a URL. */
		fputs("<td><a href=\"/channel/", f);
		html_text(f, st[i].number);
		fputs("/index.m3u8\">HLS</a> &#183; <a href=\"/channel/", f);
		html_text(f, st[i].number);
		fputs(".ts\">MPEG-TS</a></td></tr>\n", f);
	}
	if (n > 0)
		fputs("</tbody>\n</table>\n", f);
	fputs("<p><small>Times are each channel's local time. <a href=\"/iptv/channels.m3u\">"
	    "channels.m3u</a> &#183; <a href=\"/iptv/xmltv.xml\">xmltv.xml</a> &#183; Retrovue "
	    PACKAGE_VERSION "</small></p>\n</body>\n</html>\n", f);
	fclose(f);
	free(st);
	channels_free(&conf, nconf);
	return reply_owned(conn, MHD_HTTP_OK, CT_HTML, page, len);
}

/* Serve a routed request. */
static enum MHD_Result
serve(struct http *h, struct request *req, const struct route *r)
{
	struct MHD_Connection *conn = req->conn;

	switch (r->kind) {
	case ROUTE_PLAYLIST:
		return serve_playlist(h, req, r);
	case ROUTE_SEGMENT:
		return serve_segment(h, req, r);
	case ROUTE_STREAM:
		return serve_stream(h, req, r->number, r->head);
	case ROUTE_STATUS:
		return serve_status(h, conn);
	case ROUTE_HEALTHZ:
		return serve_healthz(h, req);
	case ROUTE_M3U:
		return serve_guide(h, req, 0);
	case ROUTE_XMLTV:
		return serve_guide(h, req, 1);
	case ROUTE_LOGO:
		return serve_logo(h, conn, r->number, r->ext);
	case ROUTE_DISCOVER:
		return serve_hdhr(h, conn, "/discover.json");
	case ROUTE_LINEUP:
		return serve_hdhr(h, conn, "/lineup.json");
	case ROUTE_LINEUP_STATUS:
		return serve_hdhr(h, conn, "/lineup_status.json");
	case ROUTE_DEVICE:
		return serve_hdhr(h, conn, "/device.xml");
	case ROUTE_LINEUP_POST:
		return reply(conn, MHD_HTTP_OK, CT_TEXT, CC_NONE, "", 0);
	case ROUTE_HOME:
		return serve_home(h, conn);
	case ROUTE_NONE:
		break;
	}
	return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* Whether the answers on conn now carry the CORS headers. */
static void
set_cors(struct MHD_Connection *conn, int on)
{
	const union MHD_ConnectionInfo *ci;
	struct conn_state *cs;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && (cs = ci->socket_context) != NULL)
		cs->cors = on;
}

/* MHD's access handler. */
static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http *h = cls;
	struct request *req = *con_cls;
	struct MHD_Response *resp;
	struct route r;

	if (req == NULL) {
		/*
		 * Only the headers so far. Answering now would make MHD close the
		 * connection after the answer (no keep-alive): answer on the next call.
		 */
		req = xcalloc(1, sizeof *req);
		req->h = h;
		req->conn = conn;
		*con_cls = req;
		set_cors(conn, 0);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;          /* no route takes a body */
		return MHD_YES;
	}
	if (__atomic_load_n(&h->stopping, __ATOMIC_ACQUIRE))
		return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting down\n");
	switch (route_request(method, url, &r)) {
	case ROUTE_SERVE:
		set_cors(conn, route_cors(r.kind));
		return serve(h, req, &r);
	case ROUTE_OPTIONS:
		set_cors(conn, route_cors(r.kind));
		resp = MHD_create_response_from_buffer(0, (void *)(uintptr_t)"",
		    MHD_RESPMEM_PERSISTENT);
		common_headers(resp, NULL, CC_NONE);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, OPTIONS");
		if (route_cors(r.kind)) {
			MHD_add_response_header(resp, "Access-Control-Allow-Methods",
			    "GET, HEAD, OPTIONS");
			MHD_add_response_header(resp, "Access-Control-Allow-Headers",
			    "Range, Origin, Accept, Content-Type");
			MHD_add_response_header(resp, "Access-Control-Max-Age", "86400");
		}
		return send_response(conn, MHD_HTTP_NO_CONTENT, resp);
	case ROUTE_NOT_ALLOWED:
		resp = MHD_create_response_from_buffer(0, (void *)(uintptr_t)"",
		    MHD_RESPMEM_PERSISTENT);
		common_headers(resp, NULL, CC_NONE);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, OPTIONS");
		return send_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
	case ROUTE_NOT_FOUND:
		break;
	}
	return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* A request is over. */
static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;

	free(req);
	*con_cls = NULL;
}

/*
 * Undo %-escapes in place, as MHD would, but leave "%00" as it is: a NUL
 * would cut the path short ("/index.m3u8%00.ts" must not be the playlist).
 */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *r = s, *w = s;
	unsigned v;

	while (*r != '\0') {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2]) &&
		    sscanf(r + 1, "%2x", &v) == 1 && v != 0) {
			*w++ = (char)v;
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* Set who may connect. */
void
http_set_allow(struct http *h, const char *text)
{
	struct netacl a = { 0 };
	char *cause = NULL;

	if (text == NULL || *text == '\0')
		text = NETACL_DEFAULT;
	if (netacl_parse(text, &a, &cause) > 0) {
		log_warn("setting http.allow: %s; %s", cause, a.n > 0 ? "those are left out" :
		    "using the default (" NETACL_DEFAULT ")");
		free(cause);
		if (a.n == 0) {
			text = NETACL_DEFAULT;
			netacl_parse(text, &a, NULL);
		}
	}
	pthread_mutex_lock(&h->lock);
	netacl_clear(&h->allow);
	h->allow = a;
	free(h->allow_text);
	h->allow_text = xstrdup(text);
	h->denied_log_ms = 0;           /* the first refusal under a new list is said */
	pthread_mutex_unlock(&h->lock);
	log_info("http: clients may connect from %s", text);
}

/* Start. */
struct http *
http_start(const struct http_opts *opts, struct director *d, char **cause)
{
	struct http *h = xcalloc(1, sizeof *h);
	struct addrinfo hints, *ai = NULL;
	const union MHD_DaemonInfo *info;
	unsigned flags;
	char port[16];
	int ret;

	h->opts = *opts;
	h->d = d;
	pthread_mutex_init(&h->lock, NULL);
	http_set_allow(h, opts->allow);
	if (h->opts.threads <= 0)
		h->opts.threads = 4;
	if (h->opts.max_connections <= 0)
		h->opts.max_connections = 4096;
	if (h->opts.per_ip <= 0)
		h->opts.per_ip = 64;
	if (h->opts.timeout_s <= 0)
		h->opts.timeout_s = 15;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (opts->bind != NULL) {
		memset(&hints, 0, sizeof hints);
		hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
		hints.ai_socktype = SOCK_STREAM;
		snprintf(port, sizeof port, "%d", opts->port);
		if ((ret = getaddrinfo(opts->bind, port, &hints, &ai)) != 0) {
			set_cause(cause, "--bind %s: not a numeric address (%s)", opts->bind,
			    gai_strerror(ret));
			pthread_mutex_destroy(&h->lock);
			netacl_clear(&h->allow);
			free(h->allow_text);
			free(h);
			return NULL;
		}
		/* "::" is every address of both families, as everywhere on Linux. */
		if (ai->ai_family == AF_INET6)
			flags |= IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)(void *)
			    ai->ai_addr)->sin6_addr) ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	} else
		flags |= MHD_USE_DUAL_STACK;

	for (;;) {
		/*
		 * The limits are ours (accept_policy, which logs); MHD's own
		 * connection limit sits above them as a backstop.
		 */
		h->mhd = MHD_start_daemon(flags, (uint16_t)opts->port, accept_policy, h, handle, h,
		    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)h->opts.threads,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)h->opts.max_connections + 64,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)h->opts.timeout_s,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQUEST_MEMORY,
		    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
		    MHD_OPTION_NOTIFY_COMPLETED, completed, h,
		    MHD_OPTION_NOTIFY_CONNECTION, notify_connection, h,
		    MHD_OPTION_UNESCAPE_CALLBACK, unescape, h,
		    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
		    ai != NULL ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_END,
		    ai != NULL ? ai->ai_addr : NULL,
		    MHD_OPTION_END);
		if (h->mhd != NULL || !(flags & MHD_USE_DUAL_STACK))
			break;
		flags &= ~(unsigned)MHD_USE_DUAL_STACK;         /* no IPv6 here */
	}
	if (ai != NULL)
		freeaddrinfo(ai);
	if (h->mhd == NULL) {
		set_cause(cause, "cannot listen on %s port %d (in use, or not allowed)",
		    opts->bind != NULL ? opts->bind : "every address", opts->port);
		pthread_mutex_destroy(&h->lock);
		netacl_clear(&h->allow);
		free(h->allow_text);
		free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL && info->port != 0 ? info->port : opts->port;
	return h;
}

/* Port. */
int
http_port(struct http *h)
{
	return h->port;
}

/* Stop. */
void
http_stop(struct http **hp)
{
	struct http *h;

	if (hp == NULL || (h = *hp) == NULL)
		return;
	__atomic_store_n(&h->stopping, 1, __ATOMIC_RELEASE);
	MHD_stop_daemon(h->mhd);
	pthread_mutex_destroy(&h->lock);
	free(h->peers);
	netacl_clear(&h->allow);
	free(h->allow_text);
	freep(hp);
}
