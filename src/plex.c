/*
 * plex.c: the Plex client (HTTP through src/webget.h, JSON with jansson,
 * XML with libxml2 turned into the same JSON shape) and Plex as an
 * importer.
 */
#include "src/plex.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "src/iso639.h"
#include "src/log.h"
#include "src/sources.h"
#include "src/strbuf.h"
#include "src/util.h"
#include "src/webget.h"

#define MAX_PAGES 1000000

struct plex {
	struct webget *w;               /* its headers hold the token */
	int listed_marks;               /* some listing carried Chapter or Marker arrays */
};

static pthread_once_t plex_once = PTHREAD_ONCE_INIT;

/* Process-wide set-up of libxml2, once, whichever thread comes first. */
static void
plex_init_once(void)
{
	xmlInitParser();
}

/* Remember the server; a token in the URL's query is taken out of it. */
struct plex *
plex_new(const struct plex_opts *opts)
{
	struct plex *p = xcalloc(1, sizeof *p);
	struct webget_opts wo;
	const char *token = opts->token, *q, *t;
	const char *headers[6];
	char *tok = NULL, *hdr = NULL;
	size_t n = 0;

	pthread_once(&plex_once, plex_init_once);
	if (opts->url != NULL && (q = strchr(opts->url, '?')) != NULL &&
	    (t = strstr(q, "X-Plex-Token=")) != NULL && token == NULL) {
		t += strlen("X-Plex-Token=");
		tok = xstrndup(t, strcspn(t, "&#"));
		token = tok;
	}
	headers[n++] = "Accept: application/json";
	headers[n++] = "X-Plex-Product: Retrovue";
	headers[n++] = "X-Plex-Version: " PACKAGE_VERSION;
	headers[n++] = "X-Plex-Client-Identifier: retrovue";
	if (token != NULL && *token != '\0') {
		log_add_secret(token);
		xasprintf(&hdr, "X-Plex-Token: %s", token);
		headers[n++] = hdr;
	}
	headers[n] = NULL;
	memset(&wo, 0, sizeof wo);
	wo.url = opts->url;
	wo.label = "Plex";
	wo.secret_noun = "token";
	wo.headers = headers;
	wo.secret = token;
	wo.connect_timeout_ms = opts->connect_timeout_ms;
	wo.stall_timeout_ms = opts->stall_timeout_ms;
	wo.retries = opts->retries;
	wo.backoff_ms = opts->backoff_ms;
	wo.cancel = opts->cancel;
	p->w = webget_new(&wo);
	if (hdr != NULL) {
		explicit_bzero(hdr, strlen(hdr));
		free(hdr);
	}
	if (tok != NULL) {
		explicit_bzero(tok, strlen(tok));
		free(tok);
	}
	return p;
}

/* Free. */
void
plex_free(struct plex **pp)
{
	if (pp == NULL || *pp == NULL)
		return;
	webget_free(&(*pp)->w);
	free(*pp);
	*pp = NULL;
}

/* Requests so far. */
long
plex_requests(const struct plex *p)
{
	return webget_requests(p->w);
}

/* GET and parse. */
int
plex_get(struct plex *p, const char *path, json_t **out, char **cause)
{
	char *body, *why = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if (webget_get(p->w, path, &body, &len, NULL, cause) != 0)
		return -1;
	rc = plex_parse_body(body, len, out, &why);
	if (rc != 0) {
		set_cause(cause, "GET %s: %s", path, why);
		free(why);
	}
	free(body);
	return rc;
}

/*
 * XML to JSON the way Plex does it: attributes become members, child
 * elements arrays named after their tag; items (Video, Track, Photo, and
 * Directory elements that have a ratingKey) go into "Metadata".
 */
static json_t *
xml_to_json(xmlNode *el, int container)
{
	json_t *o = json_object(), *arr, *v;
	xmlAttr *a;
	xmlNode *c;
	xmlChar *val;
	const char *name;

	for (a = el->properties; a != NULL; a = a->next) {
		val = xmlNodeGetContent((xmlNode *)a);
		if (val != NULL && (v = json_string((const char *)val)) != NULL)
			json_object_set_new(o, (const char *)a->name, v);
		xmlFree(val);
	}
	for (c = el->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		name = (const char *)c->name;
		if (container && (strcmp(name, "Video") == 0 || strcmp(name, "Track") == 0 ||
		    strcmp(name, "Photo") == 0 || (strcmp(name, "Directory") == 0 &&
		    xmlHasProp(c, (const xmlChar *)"ratingKey") != NULL)))
			name = "Metadata";
		if ((arr = json_object_get(o, name)) == NULL || !json_is_array(arr)) {
			arr = json_array();
			json_object_set_new(o, name, arr);
		}
		json_array_append_new(arr, xml_to_json(c, 0));
	}
	return o;
}

/* Parse JSON or XML. */
int
plex_parse_body(const char *body, size_t len, json_t **out, char **cause)
{
	json_error_t err;
	xmlDoc *doc;
	xmlNode *root;
	const xmlError *xe;
	const char *s = body;
	json_t *j;
	size_t skip = 0;

	*out = NULL;
	if (body == NULL)
		len = 0;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	while (skip < len && isspace((unsigned char)s[skip]))
		skip++;
	if (skip >= len) {
		set_cause(cause, "empty answer");
		return -1;
	}
	if (s[skip] == '{') {
		j = json_loadb(s + skip, len - skip, JSON_REJECT_DUPLICATES, &err);
		if (j == NULL) {
			set_cause(cause, "malformed JSON at line %d, column %d: %s", err.line,
			    err.column, err.text);
			return -1;
		}
		if (!json_is_object(j)) {
			json_decref(j);
			set_cause(cause, "malformed JSON: not an object");
			return -1;
		}
		*out = j;
		return 0;
	}
	if (s[skip] != '<') {
		set_cause(cause, "not a Plex answer (neither JSON nor XML)");
		return -1;
	}
	if (len - skip >= 5 && (strncasecmp(s + skip, "<html", 5) == 0 ||
	    strncasecmp(s + skip, "<!doc", 5) == 0)) {
		set_cause(cause, "not a Plex answer (an HTML page)");
		return -1;
	}
	xmlResetLastError();
	doc = xmlReadMemory(s + skip, (int)(len - skip), "plex.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		xe = xmlGetLastError();
		if (xe != NULL && xe->message != NULL) {
			char *m = xstrdup(xe->message);

			memmove(m, strtrim(m), strlen(strtrim(m)) + 1);
			set_cause(cause, "malformed XML at line %d: %s", xe->line, m);
			free(m);
		} else
			set_cause(cause, "malformed XML");
		xmlFreeDoc(doc);
		return -1;
	}
	j = json_object();
	json_object_set_new(j, (const char *)root->name, xml_to_json(root, 1));
	xmlFreeDoc(doc);
	*out = j;
	return 0;
}

/* The MediaContainer of a document (or the document itself). */
static json_t *
container(json_t *doc)
{
	json_t *mc;

	if (!json_is_object(doc))
		return NULL;
	mc = json_object_get(doc, "MediaContainer");
	return json_is_object(mc) ? mc : doc;
}

/* The Metadata array. */
json_t *
plex_metadata(json_t *doc)
{
	json_t *m = json_object_get(container(doc), "Metadata");

	return json_is_array(m) ? m : NULL;
}

/* A string member as a new string (numbers are written out); NULL if absent. */
static char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	char *s;

	if (json_is_string(v))
		return json_string_length(v) > 0 ? xstrdup(json_string_value(v)) : NULL;
	if (json_is_integer(v)) {
		xasprintf(&s, "%lld", (long long)json_integer_value(v));
		return s;
	}
	if (json_is_real(v) && isfinite(json_real_value(v))) {
		xasprintf(&s, "%g", json_real_value(v));
		return s;
	}
	return NULL;
}

/* An integer member (number or numeric string). 0, or -1 if absent or not one. */
static int
jint(json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	long long n;
	double d;
	char *end;

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
		errno = 0;
		n = strtoll(json_string_value(v), &end, 10);
		if (errno != 0 || end == json_string_value(v) || (*end != '\0' && *end != '.'))
			return -1;
		*out = n;
		return 0;
	}
	return -1;
}

/* Element i of an array; a lone object counts as an array of one. */
static json_t *
jat(json_t *v, size_t i)
{
	if (json_is_array(v))
		return json_array_get(v, i);
	return i == 0 && json_is_object(v) ? v : NULL;
}

/* The "tag" members of an array of tags, joined with ", " (at most max). */
static char *
tags(json_t *o, const char *key, int max)
{
	json_t *arr = json_object_get(o, key), *t, *v;
	struct strbuf b = { 0 };
	size_t i;
	int count = 0;

	for (i = 0; (t = jat(arr, i)) != NULL && count < max; i++) {
		v = json_object_get(t, "tag");
		if (!json_is_string(v) || json_string_length(v) == 0)
			continue;
		strbuf_item(&b, ", ", "%s", json_string_value(v));
		count++;
	}
	return count > 0 ? strbuf_take(&b) : NULL;
}

/* The languages of a part's audio (streamType 2) and subtitle (3) streams. */
static void
streams(json_t *part, struct srv_item *it)
{
	json_t *st;
	int64_t type;
	char *code;
	size_t i;

	for (i = 0; (st = jat(json_object_get(part, "Stream"), i)) != NULL; i++) {
		if (jint(st, "streamType", &type) != 0 || (type != 2 && type != 3))
			continue;
		if ((code = jstr(st, "languageCode")) == NULL)
			continue;
		iso639_list_add(type == 2 ? &it->audio_langs : &it->subtitle_langs, code);
		free(code);
	}
}

/* The Chapter and Marker arrays, when the answer has them. */
static void
marks(json_t *m, struct srv_item *it)
{
	json_t *arr, *e;
	int64_t a, b;
	char *type, *tag;
	size_t i;

	if ((arr = json_object_get(m, "Chapter")) != NULL) {
		it->marks_known |= SRV_MARKS_CHAPTERS;
		for (i = 0; (e = jat(arr, i)) != NULL; i++) {
			if (jint(e, "startTimeOffset", &a) != 0 || a < 0)
				continue;
			if (jint(e, "endTimeOffset", &b) != 0)
				b = 0;
			tag = jstr(e, "tag");
			srv_item_mark(it, MARK_CHAPTER, a, b, tag);
			free(tag);
		}
	}
	if ((arr = json_object_get(m, "Marker")) != NULL) {
		it->marks_known |= SRV_MARKS_SPANS;
		for (i = 0; (e = jat(arr, i)) != NULL; i++) {
			if (jint(e, "startTimeOffset", &a) != 0 || jint(e, "endTimeOffset", &b) != 0 ||
			    a < 0 || b <= a || (type = jstr(e, "type")) == NULL)
				continue;
			if (strcmp(type, "intro") == 0)
				srv_item_mark(it, MARK_INTRO, a, b, NULL);
			else if (strcmp(type, "credits") == 0)
				srv_item_mark(it, MARK_CREDITS, a, b, NULL);
			free(type);
		}
	}
}

/* Read one item. */
int
plex_item_parse(json_t *m, struct srv_item *it)
{
	json_t *media, *part, *g;
	struct guid guid;
	int64_t v;
	char *s;
	size_t i, j;

	memset(it, 0, sizeof *it);
	it->season = it->episode = -1;
	it->leaf_count = -1;
	if (!json_is_object(m) || (it->key = jstr(m, "ratingKey")) == NULL)
		return -1;
	it->type = jstr(m, "type");
	it->title = jstr(m, "title");
	it->show_title = jstr(m, "grandparentTitle");
	it->show_key = jstr(m, "grandparentRatingKey");
	it->content_rating = jstr(m, "contentRating");
	it->summary = jstr(m, "summary");
	it->studio = jstr(m, "studio");
	it->air_date = jstr(m, "originallyAvailableAt");
	it->genre = tags(m, "Genre", 8);
	it->director = tags(m, "Director", 4);
	if (jint(m, "year", &v) == 0 && v > 1800 && v < 3000)
		it->year = (int)v;
	if (jint(m, "parentIndex", &v) == 0 && v >= 0 && v < 100000)
		it->season = (int)v;
	if (jint(m, "index", &v) == 0 && v >= 0 && v < 1000000)
		it->episode = (int)v;
	if (jint(m, "updatedAt", &v) == 0 && v > 0)
		it->stamp = v;
	if (jint(m, "duration", &v) == 0 && v > 0)
		it->duration_ms = v;
	if (jint(m, "leafCount", &v) == 0 && v >= 0)
		it->leaf_count = (long)v;

	/* The guid attribute, then the Guid children of the new agents. */
	if ((s = jstr(m, "guid")) != NULL) {
		if (guid_parse(s, &guid) == 0)
			guid_add(it->guids, &it->nguids, PLEX_MAX_GUIDS, &guid);
		free(s);
	}
	for (i = 0; (g = jat(json_object_get(m, "Guid"), i)) != NULL; i++) {
		if ((s = jstr(g, "id")) == NULL)
			continue;
		if (guid_parse(s, &guid) == 0)
			guid_add(it->guids, &it->nguids, PLEX_MAX_GUIDS, &guid);
		free(s);
	}

	/* The first version (Media) with a file; its first part. */
	for (i = 0; (media = jat(json_object_get(m, "Media"), i)) != NULL; i++) {
		for (j = 0; (part = jat(json_object_get(media, "Part"), j)) != NULL; j++) {
			if (!json_is_string(json_object_get(part, "file")) ||
			    (it->file = jstr(part, "file")) == NULL)
				continue;
			if (jint(part, "size", &v) == 0 && v > 0)
				it->file_size = v;
			if (it->duration_ms == 0 && jint(part, "duration", &v) == 0 && v > 0)
				it->duration_ms = v;
			streams(part, it);
			break;
		}
		if (it->file != NULL) {
			if (it->duration_ms == 0 && jint(media, "duration", &v) == 0 && v > 0)
				it->duration_ms = v;
			break;
		}
	}
	marks(m, it);
	return 0;
}

/* Free an item's strings. */
void
plex_item_clear(struct srv_item *it)
{
	srv_item_clear(it);
}

/* "path?" or "path&" for appending a query. */
static char
query_sep(const char *path)
{
	return strchr(path, '?') != NULL ? '&' : '?';
}

/* Every page of a container. */
int
plex_get_paged(struct plex *p, const char *path, int page_size,
    int (*fn)(void *arg, json_t *items, long offset, long total), void *arg, char **cause)
{
	json_t *doc, *items, *empty = json_array(), *mc;
	int64_t v;
	long offset = 0, total, n, pages;
	char *req;
	int rc = 0;

	for (pages = 0; pages < MAX_PAGES; pages++) {
		if (page_size > 0)
			xasprintf(&req, "%s%cX-Plex-Container-Start=%ld&X-Plex-Container-Size=%d",
			    path, query_sep(path), offset, page_size);
		else
			req = xstrdup(path);
		rc = plex_get(p, req, &doc, cause);
		free(req);
		if (rc != 0)
			break;
		mc = container(doc);
		total = jint(mc, "totalSize", &v) == 0 && v >= 0 ? (long)v : -1;
		if ((items = plex_metadata(doc)) == NULL)
			items = empty;
		n = (long)json_array_size(items);
		rc = fn(arg, items, offset, total);
		json_decref(doc);
		if (rc != 0)
			break;
		offset += n;
		if (page_size <= 0 || n == 0)
			break;
		if (total >= 0 ? offset >= total : n < page_size || n > page_size)
			break;
	}
	json_decref(empty);
	return rc;
}

/* Size of a container. */
int
plex_count(struct plex *p, const char *path, long *count, char **cause)
{
	json_t *doc, *mc;
	int64_t v;
	char *req;
	int rc;

	xasprintf(&req, "%s%cX-Plex-Container-Start=0&X-Plex-Container-Size=0", path,
	    query_sep(path));
	rc = plex_get(p, req, &doc, cause);
	free(req);
	if (rc != 0)
		return -1;
	mc = container(doc);
	if (jint(mc, "totalSize", &v) == 0 || jint(mc, "size", &v) == 0)
		*count = (long)v;
	else
		*count = -1;
	json_decref(doc);
	return 0;
}

/* Name and version. */
int
plex_identity(struct plex *p, char **name, char **version, char **cause)
{
	json_t *doc, *mc;

	if (plex_get(p, "/", &doc, cause) != 0)
		return -1;
	mc = container(doc);
	*name = jstr(mc, "friendlyName");
	*version = jstr(mc, "version");
	json_decref(doc);
	return 0;
}

/* Library sections. */
int
plex_sections(struct plex *p, struct plex_section **out, size_t *n, char **cause)
{
	json_t *doc, *dirs, *d;
	struct plex_section *s = NULL;
	size_t i, count = 0;
	char *key;

	*out = NULL;
	*n = 0;
	if (plex_get(p, "/library/sections", &doc, cause) != 0)
		return -1;
	dirs = json_object_get(container(doc), "Directory");
	for (i = 0; (d = jat(dirs, i)) != NULL; i++) {
		if ((key = jstr(d, "key")) == NULL)
			continue;
		s = xreallocarray(s, count + 1, sizeof *s);
		s[count].key = key;
		s[count].type = jstr(d, "type");
		s[count].title = jstr(d, "title");
		if (s[count].type == NULL)
			s[count].type = xstrdup("unknown");
		if (s[count].title == NULL)
			s[count].title = xstrdup(key);
		count++;
	}
	json_decref(doc);
	*out = s;
	*n = count;
	return 0;
}

/* Free sections. */
void
plex_sections_free(struct plex_section **s, size_t n)
{
	size_t i;

	if (s == NULL || *s == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*s)[i].key);
		free((*s)[i].type);
		free((*s)[i].title);
	}
	free(*s);
	*s = NULL;
}

/* URL-escape. */
char *
plex_escape(const char *s)
{
	return webget_escape(s);
}

/* Plex as an importer: its client in the shape of every server's. */

/* The client. */
static struct srv_conn *
plex_open(const struct srv_opts *o)
{
	struct plex_opts po;

	memset(&po, 0, sizeof po);
	po.url = o->url;
	po.token = o->secret;
	po.connect_timeout_ms = o->connect_timeout_ms;
	po.stall_timeout_ms = o->stall_timeout_ms;
	po.retries = o->retries;
	po.backoff_ms = o->backoff_ms;
	po.cancel = o->cancel;
	return (struct srv_conn *)plex_new(&po);
}

static void
plex_close(struct srv_conn **cp)
{
	plex_free((struct plex **)cp);
}

static long
plex_srv_requests(const struct srv_conn *c)
{
	return c != NULL ? plex_requests((const struct plex *)c) : 0;
}

static int
plex_srv_identify(struct srv_conn *c, char **name, char **version, char **cause)
{
	char *n = NULL, *v = NULL;

	if (plex_identity((struct plex *)c, &n, &v, cause) != 0)
		return -1;
	*name = n != NULL ? n : xstrdup("Plex");
	xasprintf(version, "Plex Media Server %s", v != NULL ? v : "?");
	free(v);
	return 0;
}

/* The sections; with count, their sizes. */
static int
plex_srv_libraries(struct srv_conn *c, int count, struct srv_library **out, size_t *n,
    char **cause)
{
	struct plex *p = (struct plex *)c;
	struct plex_section *secs = NULL;
	struct srv_library *libs;
	size_t nsecs = 0, i;
	char *path;
	int movie, rc = 0;

	*out = NULL;
	*n = 0;
	if (plex_sections(p, &secs, &nsecs, cause) != 0)
		return -1;
	libs = xcalloc(nsecs ? nsecs : 1, sizeof *libs);
	for (i = 0; i < nsecs; i++) {
		libs[i].key = secs[i].key;
		libs[i].title = secs[i].title;
		libs[i].type = secs[i].type;
		libs[i].items = libs[i].episodes = -1;
		secs[i].key = secs[i].title = secs[i].type = NULL;
		movie = strcmp(libs[i].type, "movie") == 0;
		if (!count || rc != 0 || (!movie && strcmp(libs[i].type, "show") != 0))
			continue;
		xasprintf(&path, "/library/sections/%s/all?type=%d", libs[i].key, movie ? 1 : 2);
		rc = plex_count(p, path, &libs[i].items, cause);
		free(path);
		if (rc == 0 && !movie) {
			xasprintf(&path, "/library/sections/%s/all?type=4", libs[i].key);
			rc = plex_count(p, path, &libs[i].episodes, cause);
			free(path);
		}
	}
	plex_sections_free(&secs, nsecs);
	if (rc != 0) {
		srv_libraries_free(&libs, nsecs);
		return -1;
	}
	*out = libs;
	*n = nsecs;
	return 0;
}

/* A listing's pages, parsed. */
struct plex_pages {
	struct plex *p;
	srv_page_fn fn;
	void *arg;
};

static int
plex_page(void *arg, json_t *items, long offset, long total)
{
	struct plex_pages *pp = arg;
	struct srv_item *it;
	size_t n = json_array_size(items), i;
	int rc;

	it = xcalloc(n ? n : 1, sizeof *it);
	for (i = 0; i < n; i++) {
		if (plex_item_parse(json_array_get(items, i), &it[i]) != 0)
			srv_item_clear(&it[i]);         /* key NULL: unreadable */
		else if (it[i].marks_known)
			pp->p->listed_marks = 1;
	}
	rc = pp->fn(pp->arg, it, n, offset, total);
	for (i = 0; i < n; i++)
		srv_item_clear(&it[i]);
	free(it);
	return rc;
}

/* Movies or shows of a section. */
static int
plex_srv_items(struct srv_conn *c, const struct srv_library *lib, int shows, const char *title,
    int page_size, srv_page_fn fn, void *arg, char **cause)
{
	struct plex_pages pp = { (struct plex *)c, fn, arg };
	char *path, *esc;
	int rc;

	if (title != NULL) {
		esc = plex_escape(title);
		xasprintf(&path, "/library/sections/%s/all?type=%d&includeGuids=1%s&title=%s",
		    lib->key, shows ? 2 : 1, shows ? "" : "&includeChapters=1&includeMarkers=1", esc);
		free(esc);
	} else
		xasprintf(&path, "/library/sections/%s/all?type=%d&includeGuids=1%s", lib->key,
		    shows ? 2 : 1, shows ? "" : "&includeChapters=1&includeMarkers=1");
	rc = plex_get_paged(pp.p, path, page_size, plex_page, &pp, cause);
	free(path);
	return rc;
}

/* A show's episodes. */
static int
plex_srv_episodes(struct srv_conn *c, const struct srv_item *show, int page_size,
    srv_page_fn fn, void *arg, char **cause)
{
	struct plex_pages pp = { (struct plex *)c, fn, arg };
	char *path;
	int rc;

	xasprintf(&path, "/library/metadata/%s/allLeaves?includeChapters=1&includeMarkers=1",
	    show->key);
	rc = plex_get_paged(pp.p, path, page_size, plex_page, &pp, cause);
	free(path);
	return rc;
}

/*
 * The marks of one item. A server whose listings carried marks has given
 * them already (an item without is an item without); else ask for it.
 */
static int
plex_srv_marks(struct srv_conn *c, struct srv_item *it, char **cause)
{
	struct plex *p = (struct plex *)c;
	struct srv_item full;
	json_t *doc, *meta;
	char *path;
	size_t i;

	if (p->listed_marks) {
		it->marks_known = SRV_MARKS_CHAPTERS | SRV_MARKS_SPANS;
		return 0;
	}
	xasprintf(&path, "/library/metadata/%s?includeChapters=1&includeMarkers=1", it->key);
	if (plex_get(p, path, &doc, cause) != 0) {
		free(path);
		return -1;
	}
	free(path);
	meta = plex_metadata(doc);
	if (meta != NULL && plex_item_parse(json_array_get(meta, 0), &full) == 0) {
		for (i = 0; i < full.nmarks; i++)
			srv_item_mark(it, full.marks[i].kind, full.marks[i].start_ms,
			    full.marks[i].end_ms, full.marks[i].title);
		srv_item_clear(&full);
	}
	/* An answer to includeChapters/includeMarkers without them: the item has none. */
	it->marks_known = SRV_MARKS_CHAPTERS | SRV_MARKS_SPANS;
	json_decref(doc);
	return 0;
}

const struct importer importer_plex = {
	.name = "plex",
	.label = "Plex",
	.flags = IMPORTER_SERVER,
	.add_usage = "--name NAME --url URL --token TOKEN",
	.secret_flag = "token",
	.secret_noun = "token",
	.url_example = "http://host:32400",
	.key_noun = "ratingKey",
	.add = sources_add,
	.list = sources_list_kind,
	.remove = sources_remove,
	.open = plex_open,
	.close = plex_close,
	.requests = plex_srv_requests,
	.identify = plex_srv_identify,
	.libraries = plex_srv_libraries,
	.items = plex_srv_items,
	.episodes = plex_srv_episodes,
	.marks = plex_srv_marks,
};
