/*
 * route.h: the HTTP request router, apart from the server so it can be
 * tested and fuzzed on its own: a method and a (decoded) URL path in, what
 * to do out. It never allocates and never touches the director.
 */
#ifndef RV_ENGINE_ROUTE_H
#define RV_ENGINE_ROUTE_H

#include <stddef.h>
#include <stdint.h>

/* The resource a path names. */
enum route_kind {
	ROUTE_NONE,                     /* no such resource */
	ROUTE_PLAYLIST,                 /* /channel/N/index.m3u8, main.m3u8, TRACK/index.m3u8 */
	ROUTE_SEGMENT,                  /* /channel/N/SEQ.ts, TRACK/SEQ.EXT */
	ROUTE_STREAM,                   /* /channel/N.ts */
	ROUTE_STATUS,                   /* /api/status */
	ROUTE_HEALTHZ,                  /* /healthz */
	ROUTE_M3U,                      /* /iptv/channels.m3u */
	ROUTE_XMLTV,                    /* /iptv/xmltv.xml */
	ROUTE_LOGO,                     /* /iptv/logos/N.EXT */
	ROUTE_DISCOVER,                 /* /discover.json */
	ROUTE_LINEUP,                   /* /lineup.json */
	ROUTE_LINEUP_STATUS,            /* /lineup_status.json */
	ROUTE_DEVICE,                   /* /device.xml */
	ROUTE_LINEUP_POST,              /* /lineup.post (Plex's rescan) */
	ROUTE_HOME,                     /* / (the station's page) */
};

/* What to answer. */
enum route_action {
	ROUTE_SERVE,                    /* serve kind (GET, HEAD, or the POST it takes) */
	ROUTE_OPTIONS,                  /* 204 with the CORS headers */
	ROUTE_NOT_ALLOWED,              /* 405 with Allow */
	ROUTE_NOT_FOUND,                /* 404 */
};

struct route {
	enum route_kind kind;
	enum route_action action;
	int head;                       /* HEAD: headers only, start nothing */
	char number[16];                /* guide number (channel routes, logos) */
	int64_t seq;                    /* segment number */
	char ext[8];                    /* logo extension with its dot (".png"); a track's
	                                   segment's ("ts") */
	/*
	 * Playlists and segments: index.m3u8 is the channel's index (its
	 * master playlist when it has renditions, else its playlist);
	 * main.m3u8 always its playlist; a track (a rendition: "sap") has its
	 * own folder, TRACK/index.m3u8 and TRACK/SEQ.EXT.
	 */
	int index;                      /* index.m3u8 of the channel */
	char track[16];                 /* a track's, or "" */
};

/* Route a request; fills *r and returns r->action. */
enum route_action route_request(const char *method, const char *url, struct route *r);
/* Is s[0..len) a guide number ("4", "4.1")? */
int route_valid_number(const char *s, size_t len);
/*
 * Does a web page's player fetch this resource (so its answers carry the
 * CORS headers)? Playlists, segments, streams, the guide and logos.
 */
int route_cors(enum route_kind kind);
/* A kind's name for logs ("playlist"). */
const char *route_kind_name(enum route_kind kind);

#endif
