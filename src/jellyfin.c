/*
 * jellyfin.c: Jellyfin and Emby as importers. Jellyfin grew out of Emby
 * and both keep its HTTP API (the "MediaBrowser" API): the same items,
 * fields and paging, so one client serves both, with a few differences
 * held in a struct mb_dialect: how the API key is sent (Jellyfin: the
 * Authorization header of the MediaBrowser scheme; Emby: X-Emby-Token),
 * where a user's items are listed, and where intro and credits are kept
 * (Jellyfin: media segments, one request per item; Emby: chapters marked
 * IntroStart, IntroEnd and CreditsStart).
 *
 * A server is read as one of its users: --user NAME, else its first
 * administrator. Libraries are the user's views; movies and series are
 * listed with the fields Retrovue keeps (provider ids, rating, genres,
 * studios or networks, overview, path, size, run time, streams,
 * chapters, DateLastSaved), paged with StartIndex and Limit. Every
 * request goes through src/webget.h: timeouts, retries with backoff,
 * errors naming the request; the API key is only ever in a header.
 *
 * Change stamps: an item's DateLastSaved in milliseconds. A series is
 * skipped when its stamp and episode count (RecursiveItemCount) are
 * unchanged and none of its episodes was saved since the library's last
 * complete read (MinDateLastSaved, .changed).
 */
#include "src/jellyfin.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "src/guid.h"
#include "src/importer.h"
#include "src/iso639.h"
#include "src/log.h"
#include "src/sources.h"
#include "src/thread.h"
#include "src/strbuf.h"
#include "src/util.h"
#include "src/webget.h"

#define MAX_PAGES 1000000
#define TICKS_PER_MS 10000LL
#define SEGMENT_404S 3                  /* this many in a row: the server has no segments API */
#define SEGMENT_THREADS 4               /* media segment requests at once */

/* Where the two servers differ. */
struct mb_dialect {
	const char *label;              /* "Jellyfin" */
	int auth_header;                /* the key in Authorization: MediaBrowser Token="..." */
	int user_paths;                 /* items under /Users/ID/Items (else /Items?userId=ID) */
	int segments;                   /* intro/credits from /MediaSegments/ID */
	int chapter_marks;              /* intro/credits from chapters' MarkerType */
};

static const struct mb_dialect jellyfin = {
	.label = "Jellyfin",
	.auth_header = 1,
	.segments = 1,
};

static const struct mb_dialect emby = {
	.label = "Emby",
	.user_paths = 1,
	.chapter_marks = 1,
};

struct mb {
	const struct mb_dialect *d;
	struct webget *w;
	struct webget_opts wo;          /* to open more clients (segments in parallel) */
	char *url;
	char *secret;                   /* wiped at close */
	char *headers[4];               /* wiped at close */
	struct webget *pool[SEGMENT_THREADS];   /* opened when first wanted */
	char *user;                     /* the user asked for, or NULL */
	char *user_id;                  /* found at the first request that needs it */
	int no_segments;                /* the server has no media segments API */
	int segments_ok;                /* it answered a media segments request */
	int seg404;                     /* media segment requests answered 404 in a row */
};

/* The fields asked for with every item. */
#define ITEM_FIELDS "ProviderIds,Path,Genres,Studios,OfficialRating,Overview,DateLastSaved," \
	"MediaSources,MediaStreams,Chapters,RecursiveItemCount,PremiereDate,ProductionYear"

/* JSON, read leniently: what is missing, null or of another type is absent. */

/* A string member as a new string (numbers written out); NULL if absent or empty. */
static char *
mb_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	char *s;

	if (json_is_string(v))
		return json_string_length(v) > 0 ? xstrdup(json_string_value(v)) : NULL;
	if (json_is_integer(v)) {
		xasprintf(&s, "%lld", (long long)json_integer_value(v));
		return s;
	}
	return NULL;
}

/* An integer member (a number or a numeric string). 0, or -1 if absent. */
static int
mb_int(json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	double d;
	char *end;
	long long n;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (!isfinite(d) || d > 9e18 || d < -9e18)
			return -1;
		*out = (int64_t)d;
		return 0;
	}
	if (json_is_string(v)) {
		n = strtoll(json_string_value(v), &end, 10);
		if (end == json_string_value(v) || *end != '\0')
			return -1;
		*out = n;
		return 0;
	}
	return -1;
}

/* An ISO 8601 time ("2024-01-05T10:11:12.1234567Z", "+01:00") in ms; 0 if not one. */
static int64_t
mb_time(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key)), *p;
	struct tm tm;
	int64_t ms = 0, scale = 100;
	int y, mo, d, h, mi, sec, n = 0, oh, om;
	time_t t;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	    &n) != 6 || y < 1800 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	p = s + n;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2)
		t -= (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
	return (int64_t)t * 1000 + ms;
}

/* The Name members of an array of objects, or its strings, joined with ", ". */
static char *
mb_names(json_t *o, const char *key, int max)
{
	json_t *arr = json_object_get(o, key), *e, *v;
	struct strbuf b = { 0 };
	size_t i;
	int count = 0;

	json_array_foreach(arr, i, e) {
		if (count >= max)
			break;
		v = json_is_object(e) ? json_object_get(e, "Name") : e;
		if (!json_is_string(v) || json_string_length(v) == 0)
			continue;
		strbuf_item(&b, ", ", "%s", json_string_value(v));
		count++;
	}
	return count > 0 ? strbuf_take(&b) : NULL;
}

/* The languages of an item's audio and subtitle streams. */
static void
mb_streams(json_t *streams, struct srv_item *it)
{
	json_t *st;
	const char *type, *lang;
	size_t i;

	json_array_foreach(streams, i, st) {
		type = json_string_value(json_object_get(st, "Type"));
		lang = json_string_value(json_object_get(st, "Language"));
		if (type == NULL || lang == NULL)
			continue;
		if (strcmp(type, "Audio") == 0)
			iso639_list_add(&it->audio_langs, lang);
		else if (strcmp(type, "Subtitle") == 0)
			iso639_list_add(&it->subtitle_langs, lang);
	}
}

/* Chapters; Emby's marker chapters give the intro and the credits. */
static void
mb_chapters(const struct mb *m, json_t *o, struct srv_item *it)
{
	json_t *arr = json_object_get(o, "Chapters"), *c;
	const char *type;
	int64_t t, intro = -1;
	char *name;
	size_t i;

	if (!json_is_array(arr))
		return;
	it->marks_known |= SRV_MARKS_CHAPTERS;
	if (m->d->chapter_marks)
		it->marks_known |= SRV_MARKS_SPANS;
	json_array_foreach(arr, i, c) {
		if (mb_int(c, "StartPositionTicks", &t) != 0 || t < 0)
			continue;
		t /= TICKS_PER_MS;
		type = json_string_value(json_object_get(c, "MarkerType"));
		if (m->d->chapter_marks && type != NULL && strcmp(type, "Chapter") != 0) {
			if (strcmp(type, "IntroStart") == 0)
				intro = t;
			else if (strcmp(type, "IntroEnd") == 0 && intro >= 0 && t > intro) {
				srv_item_mark(it, MARK_INTRO, intro, t, NULL);
				intro = -1;
			} else if (strcmp(type, "CreditsStart") == 0 && it->duration_ms > t)
				srv_item_mark(it, MARK_CREDITS, t, it->duration_ms, NULL);
			continue;
		}
		name = mb_str(c, "Name");
		srv_item_mark(it, MARK_CHAPTER, t, 0, name);
		free(name);
	}
}

/* The provider ids Retrovue knows, as guids. */
static void
mb_guids(json_t *o, struct srv_item *it)
{
	static const char *const keys[][2] = {
		{ "Tvdb", "tvdb" }, { "Tmdb", "tmdb" }, { "Imdb", "imdb" },
	};
	json_t *ids = json_object_get(o, "ProviderIds");
	struct guid g;
	char *v, buf[GUID_ID_MAX + 16];
	size_t i;

	for (i = 0; i < nitems(keys); i++) {
		if ((v = mb_str(ids, keys[i][0])) == NULL)
			continue;
		snprintf(buf, sizeof buf, "%s://%s", keys[i][1], v);
		if (guid_parse(buf, &g) == 0)
			guid_add(it->guids, &it->nguids, SRV_MAX_GUIDS, &g);
		free(v);
	}
}

/* One item. 0, or -1 if it has no Id (it->key NULL). */
static int
mb_item(const struct mb *m, json_t *o, struct srv_item *it)
{
	static const struct {
		const char *mb;
		const char *rv;
	} types[] = {
		{ "Movie", "movie" }, { "Series", "show" }, { "Episode", "episode" },
		{ "Season", "season" },
	};
	json_t *src;
	const char *type;
	int64_t v;
	size_t i;
	char *s;

	memset(it, 0, sizeof *it);
	it->season = it->episode = -1;
	it->leaf_count = -1;
	if (!json_is_object(o) || (it->key = mb_str(o, "Id")) == NULL)
		return -1;
	if ((type = json_string_value(json_object_get(o, "Type"))) != NULL) {
		for (i = 0; i < nitems(types) && it->type == NULL; i++)
			if (strcmp(type, types[i].mb) == 0)
				it->type = xstrdup(types[i].rv);
		if (it->type == NULL)
			it->type = xstrdup(type);
	}
	it->title = mb_str(o, "Name");
	it->show_title = mb_str(o, "SeriesName");
	it->show_key = mb_str(o, "SeriesId");
	it->content_rating = mb_str(o, "OfficialRating");
	it->summary = mb_str(o, "Overview");
	it->genre = mb_names(o, "Genres", 8);
	it->studio = mb_names(o, "Studios", 3);
	if ((s = mb_str(o, "PremiereDate")) != NULL && strlen(s) >= 10) {
		s[10] = '\0';
		it->air_date = s;
	} else
		free(s);
	if (mb_int(o, "ProductionYear", &v) == 0 && v > 1800 && v < 3000)
		it->year = (int)v;
	if (mb_int(o, "ParentIndexNumber", &v) == 0 && v >= 0 && v < 100000)
		it->season = (int)v;
	if (mb_int(o, "IndexNumber", &v) == 0 && v >= 0 && v < 1000000)
		it->episode = (int)v;
	it->stamp = mb_time(o, "DateLastSaved");
	if (mb_int(o, "RunTimeTicks", &v) == 0 && v > 0)
		it->duration_ms = v / TICKS_PER_MS;
	if (mb_int(o, "RecursiveItemCount", &v) == 0 && v >= 0)
		it->leaf_count = (long)v;
	mb_guids(o, it);
	/* The file: the item's Path, else its first media source's. */
	src = json_array_get(json_object_get(o, "MediaSources"), 0);
	it->file = mb_str(o, "Path");
	if (it->file == NULL && json_is_object(src))
		it->file = mb_str(src, "Path");
	if (json_is_object(src) && mb_int(src, "Size", &v) == 0 && v > 0)
		it->file_size = v;
	if (it->duration_ms == 0 && json_is_object(src) && mb_int(src, "RunTimeTicks", &v) == 0 &&
	    v > 0)
		it->duration_ms = v / TICKS_PER_MS;
	if (json_is_array(json_object_get(o, "MediaStreams")))
		mb_streams(json_object_get(o, "MediaStreams"), it);
	else if (json_is_object(src))
		mb_streams(json_object_get(src, "MediaStreams"), it);
	mb_chapters(m, o, it);
	return 0;
}

/* GET and parse a JSON object with client w (m->w or one of the pool's). */
static int
mb_get_with(const struct mb *m, struct webget *w, const char *path, json_t **out, long *status,
    char **cause)
{
	json_error_t err;
	char *body;
	size_t len;

	*out = NULL;
	if (webget_get(w, path, &body, &len, status, cause) != 0)
		return -1;
	*out = json_loadb(body, len, 0, &err);
	free(body);
	if (*out == NULL) {
		set_cause(cause, "GET %s: malformed JSON at line %d, column %d: %s", path, err.line,
		    err.column, err.text);
		return -1;
	}
	if (!json_is_object(*out) && !json_is_array(*out)) {
		json_decref(*out);
		*out = NULL;
		set_cause(cause, "GET %s: not a %s answer", path, m->d->label);
		return -1;
	}
	return 0;
}

/* GET and parse a JSON object. */
static int
mb_get(struct mb *m, const char *path, json_t **out, long *status, char **cause)
{
	return mb_get_with(m, m->w, path, out, status, cause);
}

/* The user whose libraries are read: the one asked for, else the first administrator. */
static int
mb_user(struct mb *m, char **cause)
{
	json_t *doc, *u, *policy;
	const char *name, *id, *pick = NULL;
	char *names = NULL, *n;
	size_t i;

	if (m->user_id != NULL)
		return 0;
	if (mb_get(m, "/Users", &doc, NULL, cause) != 0)
		return -1;
	json_array_foreach(doc, i, u) {
		name = json_string_value(json_object_get(u, "Name"));
		id = json_string_value(json_object_get(u, "Id"));
		policy = json_object_get(u, "Policy");
		if (name == NULL || id == NULL)
			continue;
		if (m->user != NULL) {
			if (strcasecmp(name, m->user) == 0)
				pick = id;
			xasprintf(&n, "%s%s%s", names != NULL ? names : "", names != NULL ? ", " : "",
			    name);
			free(names);
			names = n;
		} else if (pick == NULL && json_is_true(json_object_get(policy, "IsAdministrator")) &&
		    !json_is_true(json_object_get(policy, "IsDisabled")))
			pick = id;
		if (pick != NULL && m->user != NULL)
			break;
	}
	if (pick == NULL && m->user == NULL && json_array_size(doc) > 0)
		pick = json_string_value(json_object_get(json_array_get(doc, 0), "Id"));
	if (pick != NULL)
		m->user_id = xstrdup(pick);
	else if (m->user != NULL)
		set_cause(cause, "GET /Users: no user '%s' on the server (there are: %s)", m->user,
		    names != NULL ? names : "none");
	else
		set_cause(cause, "GET /Users: the server has no user to read the libraries as");
	free(names);
	json_decref(doc);
	return m->user_id != NULL ? 0 : -1;
}

/* "/Items?userId=ID&" or "/Users/ID/Items?": a listing's path before its query. */
static char *
items_path(const struct mb *m)
{
	char *p;

	if (m->d->user_paths)
		xasprintf(&p, "/Users/%s/Items?", m->user_id);
	else
		xasprintf(&p, "/Items?userId=%s&", m->user_id);
	return p;
}

/* Every page of a query result: fn for each page of parsed items. */
static int
mb_paged(struct mb *m, const char *path, int page_size, srv_page_fn fn, void *arg,
    char **cause)
{
	json_t *doc, *items;
	struct srv_item *it;
	int64_t v;
	long offset = 0, total, n, pages;
	char *req;
	size_t i;
	int rc = 0;

	if (page_size <= 0)
		page_size = 200;
	for (pages = 0; pages < MAX_PAGES; pages++) {
		xasprintf(&req, "%s&StartIndex=%ld&Limit=%d", path, offset, page_size);
		rc = mb_get(m, req, &doc, NULL, cause);
		free(req);
		if (rc != 0)
			break;
		total = mb_int(doc, "TotalRecordCount", &v) == 0 && v >= 0 ? (long)v : -1;
		items = json_object_get(doc, "Items");
		n = (long)json_array_size(items);
		it = xcalloc(n > 0 ? (size_t)n : 1, sizeof *it);
		for (i = 0; i < (size_t)n; i++)
			if (mb_item(m, json_array_get(items, i), &it[i]) != 0)
				srv_item_clear(&it[i]);         /* key NULL: unreadable */
		rc = fn(arg, it, (size_t)n, offset, total);
		for (i = 0; i < (size_t)n; i++)
			srv_item_clear(&it[i]);
		free(it);
		json_decref(doc);
		if (rc != 0)
			break;
		offset += n;
		if (n == 0 || (total >= 0 ? offset >= total : n < page_size))
			break;
	}
	return rc;
}

/* The client. */
static struct mb *
mb_open(const struct mb_dialect *d, const struct srv_opts *o)
{
	struct mb *m = xcalloc(1, sizeof *m);
	size_t n = 0;

	m->d = d;
	m->user = o->user != NULL ? xstrdup(o->user) : NULL;
	m->url = xstrdup(o->url != NULL ? o->url : "");
	m->secret = o->secret != NULL ? xstrdup(o->secret) : NULL;
	m->headers[n++] = xstrdup("Accept: application/json");
	if (d->auth_header) {
		xasprintf(&m->headers[n++], "Authorization: MediaBrowser Client=\"Retrovue\", "
		    "Device=\"Retrovue\", DeviceId=\"retrovue\", Version=\"%s\"%s%s%s",
		    PACKAGE_VERSION, o->secret != NULL ? ", Token=\"" : "", o->secret != NULL ?
		    o->secret : "", o->secret != NULL ? "\"" : "");
	} else {
		m->headers[n++] = xstrdup("X-Emby-Client: Retrovue");
		if (o->secret != NULL)
			xasprintf(&m->headers[n++], "X-Emby-Token: %s", o->secret);
	}
	m->headers[n] = NULL;
	m->wo.url = m->url;
	m->wo.label = d->label;
	m->wo.secret_noun = "API key";
	m->wo.headers = (const char *const *)m->headers;
	m->wo.secret = m->secret;
	m->wo.connect_timeout_ms = o->connect_timeout_ms;
	m->wo.stall_timeout_ms = o->stall_timeout_ms;
	m->wo.retries = o->retries;
	m->wo.backoff_ms = o->backoff_ms;
	m->wo.cancel = o->cancel;
	m->w = webget_new(&m->wo);
	return m;
}

/* Free. */
static void
mb_close(struct srv_conn **cp)
{
	struct mb *m;
	size_t i;

	if (cp == NULL || (m = (struct mb *)*cp) == NULL)
		return;
	webget_free(&m->w);
	for (i = 0; i < SEGMENT_THREADS; i++)
		webget_free(&m->pool[i]);
	for (i = 0; m->headers[i] != NULL; i++) {
		explicit_bzero(m->headers[i], strlen(m->headers[i]));
		free(m->headers[i]);
	}
	if (m->secret != NULL)
		explicit_bzero(m->secret, strlen(m->secret));
	free(m->secret);
	free(m->url);
	free(m->user);
	free(m->user_id);
	free(m);
	*cp = NULL;
}

static struct srv_conn *
jellyfin_open(const struct srv_opts *o)
{
	return (struct srv_conn *)mb_open(&jellyfin, o);
}

static struct srv_conn *
emby_open(const struct srv_opts *o)
{
	return (struct srv_conn *)mb_open(&emby, o);
}

static long
mb_requests(const struct srv_conn *c)
{
	const struct mb *m = (const struct mb *)c;
	long n;
	size_t i;

	if (m == NULL)
		return 0;
	n = webget_requests(m->w);
	for (i = 0; i < SEGMENT_THREADS; i++)
		n += m->pool[i] != NULL ? webget_requests(m->pool[i]) : 0;
	return n;
}

/* The server's name and version (and that the key works). */
static int
mb_identify(struct srv_conn *c, char **name, char **version, char **cause)
{
	struct mb *m = (struct mb *)c;
	json_t *doc;
	char *v;

	if (mb_get(m, "/System/Info", &doc, NULL, cause) != 0)
		return -1;
	*name = mb_str(doc, "ServerName");
	if (*name == NULL)
		*name = xstrdup(m->d->label);
	v = mb_str(doc, "Version");
	xasprintf(version, "%s %s", m->d->label, v != NULL ? v : "?");
	free(v);
	json_decref(doc);
	if (mb_user(m, cause) != 0) {
		freep(name);
		freep(version);
		return -1;
	}
	return 0;
}

/* How many items of types a library holds. */
static int
mb_count(struct mb *m, const char *lib, const char *types, long *count, char **cause)
{
	json_t *doc;
	int64_t v;
	char *path, *base = items_path(m);
	int rc;

	xasprintf(&path, "%sParentId=%s&IncludeItemTypes=%s&Recursive=true&Limit=0&"
	    "EnableTotalRecordCount=true", base, lib, types);
	free(base);
	rc = mb_get(m, path, &doc, NULL, cause);
	free(path);
	if (rc != 0)
		return -1;
	*count = mb_int(doc, "TotalRecordCount", &v) == 0 ? (long)v : -1;
	json_decref(doc);
	return 0;
}

/* The user's libraries (views); with count, their sizes. */
static int
mb_libraries(struct srv_conn *c, int count, struct srv_library **out, size_t *n, char **cause)
{
	struct mb *m = (struct mb *)c;
	struct srv_library *libs = NULL;
	json_t *doc = NULL, *views, *v;
	const char *ct;
	char *path, *key, *err = NULL;
	size_t i, k = 0;
	long status = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (mb_user(m, cause) != 0)
		return -1;
	if (!m->d->user_paths) {
		/* Jellyfin 10.9 and later; older ones have the Emby path. */
		xasprintf(&path, "/UserViews?userId=%s", m->user_id);
		rc = mb_get(m, path, &doc, &status, &err);
		free(path);
		if (rc != 0 && status != 404) {
			set_cause(cause, "%s", err);
			free(err);
			return -1;
		}
		free(err);
	}
	if (doc == NULL) {
		xasprintf(&path, "/Users/%s/Views", m->user_id);
		rc = mb_get(m, path, &doc, NULL, cause);
		free(path);
		if (rc != 0)
			return -1;
	}
	views = json_object_get(doc, "Items");
	libs = xcalloc(json_array_size(views) ? json_array_size(views) : 1, sizeof *libs);
	json_array_foreach(views, i, v) {
		if ((key = mb_str(v, "Id")) == NULL)
			continue;
		ct = json_string_value(json_object_get(v, "CollectionType"));
		libs[k].key = key;
		libs[k].title = mb_str(v, "Name");
		if (libs[k].title == NULL)
			libs[k].title = xstrdup(key);
		libs[k].type = xstrdup(ct == NULL ? "mixed" : strcmp(ct, "movies") == 0 ? "movie" :
		    strcmp(ct, "tvshows") == 0 ? "show" : ct);
		libs[k].items = libs[k].episodes = -1;
		if (count && rc == 0 && strcmp(libs[k].type, "movie") == 0)
			rc = mb_count(m, key, "Movie", &libs[k].items, cause);
		else if (count && rc == 0 && strcmp(libs[k].type, "show") == 0) {
			rc = mb_count(m, key, "Series", &libs[k].items, cause);
			if (rc == 0)
				rc = mb_count(m, key, "Episode", &libs[k].episodes, cause);
		}
		k++;
	}
	json_decref(doc);
	if (rc != 0) {
		srv_libraries_free(&libs, k);
		return -1;
	}
	*out = libs;
	*n = k;
	return 0;
}

/* Movies or series of a library (those near title, when given). */
static int
mb_items(struct srv_conn *c, const struct srv_library *lib, int shows, const char *title,
    int page_size, srv_page_fn fn, void *arg, char **cause)
{
	struct mb *m = (struct mb *)c;
	char *path, *base, *esc = NULL;
	int rc;

	if (mb_user(m, cause) != 0)
		return -1;
	base = items_path(m);
	if (title != NULL)
		esc = webget_escape(title);
	xasprintf(&path, "%sParentId=%s&IncludeItemTypes=%s&Recursive=true&Fields=%s&"
	    "SortBy=SortName,ProductionYear&SortOrder=Ascending&EnableTotalRecordCount=true%s%s",
	    base, lib->key, shows ? "Series" : "Movie", ITEM_FIELDS, esc != NULL ?
	    "&SearchTerm=" : "", esc != NULL ? esc : "");
	rc = mb_paged(m, path, page_size, fn, arg, cause);
	free(path);
	free(base);
	free(esc);
	return rc;
}

/* A series' episodes, in order. */
static int
mb_episodes(struct srv_conn *c, const struct srv_item *show, int page_size, srv_page_fn fn,
    void *arg, char **cause)
{
	struct mb *m = (struct mb *)c;
	char *path;
	int rc;

	if (mb_user(m, cause) != 0)
		return -1;
	xasprintf(&path, "/Shows/%s/Episodes?userId=%s&Fields=%s&EnableTotalRecordCount=true",
	    show->key, m->user_id, ITEM_FIELDS);
	rc = mb_paged(m, path, page_size, fn, arg, cause);
	free(path);
	return rc;
}

/* The episodes of a library saved at or after since (ms): their series changed. */
static int
mb_changed(struct srv_conn *c, const struct srv_library *lib, int64_t since, int page_size,
    srv_page_fn fn, void *arg, char **cause)
{
	struct mb *m = (struct mb *)c;
	struct tm tm;
	time_t t;
	char *path, *base, when[64];
	int rc;

	if (mb_user(m, cause) != 0)
		return -1;
	/* Just after the newest stamp of the last complete read. */
	since += 1;
	t = (time_t)(since / 1000);
	gmtime_r(&t, &tm);
	snprintf(when, sizeof when, "%04d-%02d-%02dT%02d%%3A%02d%%3A%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(since % 1000));
	base = items_path(m);
	xasprintf(&path, "%sParentId=%s&IncludeItemTypes=Episode&Recursive=true&"
	    "MinDateLastSaved=%s&Fields=DateLastSaved&EnableImages=false&"
	    "EnableTotalRecordCount=true", base, lib->key, when);
	rc = mb_paged(m, path, page_size, fn, arg, cause);
	free(path);
	free(base);
	return rc;
}

/* Read an item's media segments with client w: its intro and credits. */
static int
segments_read(const struct mb *m, struct webget *w, struct srv_item *it, long *status,
    char **cause)
{
	json_t *doc, *seg;
	const char *type;
	int64_t a, b;
	char *path;
	size_t i;
	int rc;

	xasprintf(&path, "/MediaSegments/%s", it->key);
	rc = mb_get_with(m, w, path, &doc, status, cause);
	free(path);
	if (rc != 0)
		return -1;
	json_array_foreach(json_object_get(doc, "Items"), i, seg) {
		type = json_string_value(json_object_get(seg, "Type"));
		if (type == NULL || mb_int(seg, "StartTicks", &a) != 0 ||
		    mb_int(seg, "EndTicks", &b) != 0 || a < 0 || b <= a)
			continue;
		if (strcmp(type, "Intro") == 0)
			srv_item_mark(it, MARK_INTRO, a / TICKS_PER_MS, b / TICKS_PER_MS, NULL);
		else if (strcmp(type, "Outro") == 0)
			srv_item_mark(it, MARK_CREDITS, a / TICKS_PER_MS, b / TICKS_PER_MS, NULL);
	}
	it->marks_known |= SRV_MARKS_SPANS;
	json_decref(doc);
	return 0;
}

/* Jellyfin's media segments of an item: its intro and credits. */
static int
jellyfin_marks(struct srv_conn *c, struct srv_item *it, char **cause)
{
	struct mb *m = (struct mb *)c;
	long status = 0;

	if (m->no_segments)
		return 0;
	if (segments_read(m, m->w, it, &status, cause) != 0) {
		/* A server before 10.10 has no such API: stop asking after a few. */
		if (status == 404) {
			if (++m->seg404 >= SEGMENT_404S) {
				m->no_segments = 1;
				log_info("%s %s: no media segments API (404); intro and credits are not "
				    "read from it", m->d->label, webget_base(m->w));
			}
			freep(cause);
			return 0;
		}
		return -1;
	}
	m->seg404 = 0;
	m->segments_ok = 1;
	return 0;
}

/* One thread of jellyfin_marks_many: items from a shared counter. */
struct seg_run {
	const struct mb *m;
	struct webget *w;
	struct srv_item **items;
	size_t n;
	atomic_size_t *next;
};

static void *
seg_worker(void *arg)
{
	struct seg_run *r = arg;
	char *err;
	size_t i;

	while ((i = atomic_fetch_add(r->next, 1)) < r->n && !webget_cancelled(r->w)) {
		err = NULL;
		/* A failure leaves the item as it was: it is asked for again alone, and warned. */
		if (segments_read(r->m, r->w, r->items[i], NULL, &err) != 0)
			free(err);
	}
	return NULL;
}

/*
 * The media segments of many items, SEGMENT_THREADS requests at once (one
 * request per item is all the API offers). Until the server has answered
 * one, they are asked one at a time: a server without the API says 404.
 */
static void
jellyfin_marks_many(struct srv_conn *c, struct srv_item **items, size_t n)
{
	struct mb *m = (struct mb *)c;
	struct seg_run runs[SEGMENT_THREADS];
	pthread_t threads[SEGMENT_THREADS];
	atomic_size_t next;
	size_t i = 0, k, started = 0;
	char *err;

	while (i < n && !m->no_segments && !m->segments_ok) {
		err = NULL;
		if (jellyfin_marks(c, items[i++], &err) != 0)
			free(err);
	}
	if (m->no_segments || i >= n)
		return;
	atomic_init(&next, 0);
	for (k = 0; k < SEGMENT_THREADS && k < n - i; k++) {
		if (m->pool[k] == NULL)
			m->pool[k] = webget_new(&m->wo);
		runs[k].m = m;
		runs[k].w = m->pool[k];
		runs[k].items = items + i;
		runs[k].n = n - i;
		runs[k].next = &next;
		if (thread_start(&threads[k], "rv-segments", seg_worker, &runs[k]) != 0)
			break;
		started++;
	}
	/* No thread: this one does them (with the first client). */
	if (started == 0)
		seg_worker(&runs[0]);
	for (k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
}

const struct importer importer_jellyfin = {
	.name = "jellyfin",
	.label = "Jellyfin",
	.flags = IMPORTER_SERVER | IMPORTER_USER,
	.add_usage = "--name NAME --url URL --api-key KEY [--user NAME]",
	.secret_flag = "api-key",
	.secret_noun = "API key",
	.url_example = "http://host:8096",
	.key_noun = "Id",
	.add = sources_add,
	.list = sources_list_kind,
	.remove = sources_remove,
	.open = jellyfin_open,
	.close = mb_close,
	.requests = mb_requests,
	.identify = mb_identify,
	.libraries = mb_libraries,
	.items = mb_items,
	.episodes = mb_episodes,
	.changed = mb_changed,
	.marks = jellyfin_marks,
	.marks_many = jellyfin_marks_many,
};

const struct importer importer_emby = {
	.name = "emby",
	.label = "Emby",
	.flags = IMPORTER_SERVER | IMPORTER_USER,
	.add_usage = "--name NAME --url URL --api-key KEY [--user NAME]",
	.secret_flag = "api-key",
	.secret_noun = "API key",
	.url_example = "http://host:8096",
	.key_noun = "Id",
	.add = sources_add,
	.list = sources_list_kind,
	.remove = sources_remove,
	.open = emby_open,
	.close = mb_close,
	.requests = mb_requests,
	.identify = mb_identify,
	.libraries = mb_libraries,
	.items = mb_items,
	.episodes = mb_episodes,
	.changed = mb_changed,
};
