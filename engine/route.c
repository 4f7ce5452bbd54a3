/*
 * route.c: map a method and path to a resource and an action. Paths come
 * decoded (libmicrohttpd undoes %-escapes), so traversal is refused here on
 * the decoded text: "..", "//" and backslashes never reach a route.
 */
#include "engine/route.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *path;
	enum route_kind kind;
} fixed[] = {
	{ "/", ROUTE_HOME },
	{ "/api/status", ROUTE_STATUS },
	{ "/device.xml", ROUTE_DEVICE },
	{ "/discover.json", ROUTE_DISCOVER },
	{ "/healthz", ROUTE_HEALTHZ },
	{ "/iptv/channels.m3u", ROUTE_M3U },
	{ "/iptv/xmltv.xml", ROUTE_XMLTV },
	{ "/lineup.json", ROUTE_LINEUP },
	{ "/lineup.post", ROUTE_LINEUP_POST },
	{ "/lineup_status.json", ROUTE_LINEUP_STATUS },
};

static const char *names[] = {
	[ROUTE_NONE] = "none",
	[ROUTE_PLAYLIST] = "playlist",
	[ROUTE_SEGMENT] = "segment",
	[ROUTE_STREAM] = "stream",
	[ROUTE_STATUS] = "status",
	[ROUTE_HEALTHZ] = "healthz",
	[ROUTE_M3U] = "m3u",
	[ROUTE_XMLTV] = "xmltv",
	[ROUTE_LOGO] = "logo",
	[ROUTE_DISCOVER] = "discover",
	[ROUTE_LINEUP] = "lineup",
	[ROUTE_LINEUP_STATUS] = "lineup_status",
	[ROUTE_DEVICE] = "device",
	[ROUTE_LINEUP_POST] = "lineup_post",
	[ROUTE_HOME] = "home",
};

/* A guide number: digits, at most one inner dot, at most 15 characters. */
int
route_valid_number(const char *s, size_t len)
{
	size_t i, dots = 0;

	if (len == 0 || len > 15 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return dots <= 1;
}

/* Copy a checked number into r. */
static void
set_number(struct route *r, const char *s, size_t len)
{
	memcpy(r->number, s, len);
	r->number[len] = '\0';
}

/* Is s[0..len) a track's name (lower-case letters and digits, a letter first)? */
static int
valid_track(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= sizeof ((struct route *)0)->track || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	}
	return 1;
}

/* "SEQ.EXT" (at most 18 digits: no overflow; ext "ts", or for a track "vtt"). */
static enum route_kind
segment_name(const char *seg, int track, struct route *r)
{
	const char *dot = strrchr(seg, '.');
	size_t i, n;
	int64_t seq = 0;

	if (dot == NULL || (strcmp(dot, ".ts") != 0 && !(track && strcmp(dot, ".vtt") == 0)))
		return ROUTE_NONE;
	n = (size_t)(dot - seg);
	if (n == 0 || n > 18)
		return ROUTE_NONE;
	for (i = 0; i < n; i++) {
		if (seg[i] < '0' || seg[i] > '9')
			return ROUTE_NONE;
		seq = seq * 10 + (seg[i] - '0');
	}
	r->seq = seq;
	snprintf(r->ext, sizeof r->ext, "%s", dot + 1);
	return ROUTE_SEGMENT;
}

/* The /channel/ routes; rest follows "/channel/". */
static enum route_kind
channel_route(const char *rest, struct route *r)
{
	const char *slash = strchr(rest, '/'), *seg, *sub;
	size_t len = strlen(rest);

	if (slash == NULL) {
		if (len > 3 && strcmp(rest + len - 3, ".ts") == 0 &&
		    route_valid_number(rest, len - 3)) {
			set_number(r, rest, len - 3);
			return ROUTE_STREAM;
		}
		return ROUTE_NONE;
	}
	if (!route_valid_number(rest, (size_t)(slash - rest)))
		return ROUTE_NONE;
	set_number(r, rest, (size_t)(slash - rest));
	seg = slash + 1;
	if ((sub = strchr(seg, '/')) != NULL) {
		/* A track's folder. */
		if (!valid_track(seg, (size_t)(sub - seg)) || strchr(sub + 1, '/') != NULL)
			return ROUTE_NONE;
		memcpy(r->track, seg, (size_t)(sub - seg));
		r->track[sub - seg] = '\0';
		if (strcmp(sub + 1, "index.m3u8") == 0)
			return ROUTE_PLAYLIST;
		return segment_name(sub + 1, 1, r);
	}
	if (strcmp(seg, "index.m3u8") == 0) {
		r->index = 1;
		return ROUTE_PLAYLIST;
	}
	if (strcmp(seg, "main.m3u8") == 0)
		return ROUTE_PLAYLIST;
	return segment_name(seg, 0, r);
}

/* /iptv/logos/N.EXT; name follows "/iptv/logos/". */
static enum route_kind
logo_route(const char *name, struct route *r)
{
	const char *dot = strrchr(name, '.');
	size_t elen;

	if (strchr(name, '/') != NULL || dot == NULL ||
	    !route_valid_number(name, (size_t)(dot - name)))
		return ROUTE_NONE;
	/* "4.1.png": the last dot starts the extension. */
	elen = strlen(dot);
	if (elen < 2 || elen >= sizeof r->ext)
		return ROUTE_NONE;
	set_number(r, name, (size_t)(dot - name));
	memcpy(r->ext, dot, elen + 1);
	return ROUTE_LOGO;
}

/* The resource of a path. */
static enum route_kind
resource(const char *url, struct route *r)
{
	size_t i;

	if (url[0] != '/' || strstr(url, "..") != NULL || strstr(url, "//") != NULL ||
	    strchr(url, '\\') != NULL)
		return ROUTE_NONE;
	if (strncmp(url, "/channel/", 9) == 0)
		return channel_route(url + 9, r);
	if (strncmp(url, "/iptv/logos/", 12) == 0)
		return logo_route(url + 12, r);
	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		if (strcmp(url, fixed[i].path) == 0)
			return fixed[i].kind;
	}
	return ROUTE_NONE;
}

/* Route. */
enum route_action
route_request(const char *method, const char *url, struct route *r)
{
	memset(r, 0, sizeof *r);
	if (method == NULL || url == NULL)
		return r->action = ROUTE_NOT_FOUND;
	r->kind = resource(url, r);
	if (r->kind == ROUTE_NONE)
		return r->action = ROUTE_NOT_FOUND;
	if (strcmp(method, "OPTIONS") == 0)
		return r->action = ROUTE_OPTIONS;
	if (strcmp(method, "HEAD") == 0) {
		r->head = 1;
		return r->action = ROUTE_SERVE;
	}
	if (strcmp(method, "GET") == 0)
		return r->action = ROUTE_SERVE;
	if (strcmp(method, "POST") == 0 && r->kind == ROUTE_LINEUP_POST)
		return r->action = ROUTE_SERVE;
	return r->action = ROUTE_NOT_ALLOWED;
}

/* CORS. */
int
route_cors(enum route_kind kind)
{
	switch (kind) {
	case ROUTE_PLAYLIST:
	case ROUTE_SEGMENT:
	case ROUTE_STREAM:
	case ROUTE_M3U:
	case ROUTE_XMLTV:
	case ROUTE_LOGO:
		return 1;
	default:
		return 0;
	}
}

/* Name. */
const char *
route_kind_name(enum route_kind kind)
{
	if ((size_t)kind >= sizeof names / sizeof names[0] || names[kind] == NULL)
		return "?";
	return names[kind];
}
