/*
 * nfo.c: Kodi .nfo files.
 *
 * The bytes are repaired before libxml2 sees them, keeping every line
 * where it was so its line numbers stay true: a byte order mark is
 * dropped, junk or a link after the last root is cut off, the text is
 * made UTF-8, XML declarations are blanked, and the whole is wrapped in
 * one synthetic root so several <episodedetails> parse as siblings.
 */
#include "src/nfo.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "src/util.h"

#define MAX_NFO (8 * 1024 * 1024)
#define WRAP_OPEN "<rv-nfo>"
#define WRAP_CLOSE "</rv-nfo>"
#define MAX_XML_WARNINGS 3

static pthread_once_t nfo_once = PTHREAD_ONCE_INIT;

/* libxml2's process-wide set-up, once, before any thread parses. */
static void
nfo_init_once(void)
{
	xmlInitParser();
}

struct ctx {
	const char *path;
	nfo_warn_fn warn;
	void *arg;
	int xml_errors;
};

/* Warn with a printf format. */
static void __attribute__((format(printf, 3, 4)))
warnf(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (c->warn == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	c->warn(c->arg, c->path, line, msg);
	free(msg);
}

/* 1-based line of offset off in buf. */
static int
line_of(const char *buf, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off; i++) {
		if (buf[i] == '\n')
			line++;
	}
	return line;
}

/* Convert from enc to UTF-8 with iconv. NULL if the encoding is unknown or the bytes are not in it. */
static char *
to_utf8(const char *buf, size_t len, const char *enc, size_t *outlen)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	char *out, *in = (char *)buf, *o;
	size_t cap = len * 4 + 16, inleft = len, oleft = cap;

	if (cd == (iconv_t)-1)
		return NULL;
	out = xmalloc(cap + 1);
	o = out;
	if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
		iconv_close(cd);
		free(out);
		return NULL;
	}
	iconv_close(cd);
	*outlen = cap - oleft;
	out[*outlen] = '\0';
	return out;
}

/* The encoding named by an XML declaration at the start of buf, or "" if none. */
static void
declared_encoding(const char *buf, size_t len, char *enc, size_t enclen)
{
	const char *end, *p, *q;
	char quote;

	enc[0] = '\0';
	if (len < 5 || strncmp(buf, "<?xml", 5) != 0)
		return;
	if ((end = memchr(buf, '>', len < 512 ? len : 512)) == NULL)
		return;
	for (p = buf; p < end; p++) {
		if (strncmp(p, "encoding", 8) != 0)
			continue;
		p += 8;
		while (p < end && (isspace((unsigned char)*p) || *p == '='))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return;
		quote = *p++;
		if ((q = memchr(p, quote, (size_t)(end - p))) == NULL)
			return;
		snprintf(enc, enclen, "%.*s", (int)(q - p), p);
		return;
	}
}

/* Is enc a name of UTF-8? */
static int
is_utf8_name(const char *enc)
{
	return strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0;
}

/* Replace every "<?xml ... ?>" with spaces, keeping newlines. */
static void
blank_declarations(char *buf, size_t len)
{
	char *p = buf, *end;

	while ((p = strstr(p, "<?xml")) != NULL) {
		if ((end = strstr(p, "?>")) == NULL)
			end = buf + len - 2;
		for (; p < end + 2; p++) {
			if (*p != '\n')
				*p = ' ';
		}
	}
}

/* Links in text: their ids into f->guids. Returns how many were understood. */
static int
read_links(const char *text, struct nfo_file *f, char *first, size_t firstlen)
{
	const char *p = text, *e;
	struct guid g;
	char url[1024];
	int found = 0;

	first[0] = '\0';
	while ((p = strstr(p, "http")) != NULL) {
		e = p;
		while (*e != '\0' && !isspace((unsigned char)*e) && *e != '<')
			e++;
		snprintf(url, sizeof url, "%.*s", (int)(e - p), p);
		if (guid_from_url(url, &g) == 0) {
			if (guid_add(f->guids, &f->nguids, NFO_MAX_GUIDS, &g) && first[0] == '\0')
				snprintf(first, firstlen, "%s %s", guid_provider_name(g.provider), g.id);
			found++;
		}
		p = e;
	}
	return found;
}

/* libxml2 errors: the first few become warnings. */
static void
on_xml_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr pctx = data;
	struct ctx *c = pctx->_private;
	char *m;

	if (e == NULL || e->level < XML_ERR_ERROR || ++c->xml_errors > MAX_XML_WARNINGS)
		return;
	m = xstrdup(e->message != NULL ? e->message : "malformed XML");
	memmove(m, strtrim(m), strlen(strtrim(m)) + 1);
	/* "rv-nfo" is our wrapper: a truncated file is what the operator sees. */
	if (strstr(m, "rv-nfo") != NULL)
		warnf(c, e->line, "the XML ends before its elements are closed (truncated?)");
	else
		warnf(c, e->line, "malformed XML: %s", m);
	free(m);
}

/* Case-insensitive element name test. */
static int
named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

/* Trimmed text of an element, or NULL if empty. */
static char *
text_of(const xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s;

	if (t == NULL)
		return NULL;
	s = xstrdup((const char *)t);
	xmlFree(t);
	memmove(s, strtrim(s), strlen(strtrim(s)) + 1);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/* The first direct child named name. */
static xmlNode *
child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n->children; c != NULL; c = c->next) {
		if (named(c, name))
			return c;
	}
	return NULL;
}

/* Text of the first direct child named name. */
static char *
child_text(const xmlNode *n, const char *name)
{
	xmlNode *c = child(n, name);

	return c != NULL ? text_of(c) : NULL;
}

/* All direct children named name, joined with ", ", trailing commas trimmed. */
static char *
join_children(const xmlNode *n, const char *name, int max)
{
	xmlNode *c;
	char *out = NULL, *t, *j;
	size_t len;
	int count = 0;

	for (c = n->children; c != NULL && count < max; c = c->next) {
		if (!named(c, name) || (t = text_of(c)) == NULL)
			continue;
		len = strlen(t);
		while (len > 0 && (t[len - 1] == ',' || isspace((unsigned char)t[len - 1])))
			t[--len] = '\0';
		if (len > 0) {
			xasprintf(&j, "%s%s%s", out != NULL ? out : "", out != NULL ? ", " : "", t);
			free(out);
			out = j;
			count++;
		}
		free(t);
	}
	return out;
}

/*
 * A number from an element: "120", "120 min", "7.5", "7,5" (with a
 * warning). 0, or -1 if absent or not a number (warned unless empty).
 */
static int
num_of(struct ctx *c, const xmlNode *n, double *out)
{
	char *t, *end, *comma;
	double v;

	if (n == NULL || (t = text_of(n)) == NULL)
		return -1;
	if ((comma = strchr(t, ',')) != NULL && strchr(t, '.') == NULL &&
	    isdigit((unsigned char)comma[1])) {
		warnf(c, xmlGetLineNo(n), "<%s> '%s' has a decimal comma; read as %.*s.%s",
		    n->name, t, (int)(comma - t), t, comma + 1);
		*comma = '.';
	}
	errno = 0;
	v = strtod(t, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == t || errno != 0 || !isfinite(v) || (*end != '\0' && strcasecmp(end, "min") != 0 &&
	    strcasecmp(end, "minutes") != 0 && strcasecmp(end, "mins") != 0)) {
		warnf(c, xmlGetLineNo(n), "<%s> '%s' is not a number; ignored", n->name, t);
		free(t);
		return -1;
	}
	free(t);
	*out = v;
	return 0;
}

/* An integer child in [min, max], or dflt. */
static int
int_child(struct ctx *c, const xmlNode *n, const char *name, int min, int max, int dflt)
{
	xmlNode *e = child(n, name);
	double v;

	if (e == NULL || num_of(c, e, &v) != 0)
		return dflt;
	if (v < min || v > max || v != floor(v)) {
		warnf(c, xmlGetLineNo(e), "<%s> %g is out of range; ignored", e->name, v);
		return dflt;
	}
	return (int)v;
}

/* Parse a date "YYYY-MM-DD"; "DD-MM-YYYY" and "DD.MM.YYYY" are read with a warning. */
static char *
date_of(struct ctx *c, const xmlNode *n, int *year)
{
	char *t = text_of(n), *out;
	int y, m, d;

	if (t == NULL)
		return NULL;
	if (strlen(t) >= 10 && t[4] == '-' && t[7] == '-' && sscanf(t, "%4d-%2d-%2d", &y, &m,
	    &d) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		out = NULL;
	} else if (strlen(t) == 10 && (t[2] == '-' || t[2] == '.' || t[2] == '/') &&
	    (sscanf(t, "%2d-%2d-%4d", &d, &m, &y) == 3 || sscanf(t, "%2d.%2d.%4d", &d, &m,
	    &y) == 3 || sscanf(t, "%2d/%2d/%4d", &d, &m, &y) == 3) && m >= 1 && m <= 12 &&
	    d >= 1 && d <= 31 && y > 1800) {
		warnf(c, xmlGetLineNo(n), "<%s> '%s' is not YYYY-MM-DD; read as %04d-%02d-%02d",
		    n->name, t, y, m, d);
	} else {
		warnf(c, xmlGetLineNo(n), "<%s> '%s' is not a date; ignored", n->name, t);
		free(t);
		return NULL;
	}
	free(t);
	if (year != NULL && *year == 0 && y > 1800 && y < 3000)
		*year = y;
	xasprintf(&out, "%04d-%02d-%02d", y, m, d);
	return out;
}

/* A uniqueid or id value with an uncertain type: tt... is IMDb, numbers TVDB for TV. */
static int
guess_guid(enum nfo_kind kind, const char *v, struct guid *g)
{
	if (strncmp(v, "tt", 2) == 0 && isdigit((unsigned char)v[2])) {
		g->provider = GUID_IMDB;
	} else if (kind != NFO_MOVIE && strspn(v, "0123456789") == strlen(v)) {
		g->provider = GUID_TVDB;
	} else
		return -1;
	snprintf(g->id, sizeof g->id, "%s", v);
	return 0;
}

/* Add an id of a known provider. */
static void
add_id(struct nfo_item *it, enum guid_provider p, const char *v)
{
	struct guid g;

	if (v == NULL || *v == '\0' || strlen(v) >= sizeof g.id)
		return;
	if (p == GUID_IMDB && strncmp(v, "tt", 2) != 0)
		return;
	g.provider = p;
	snprintf(g.id, sizeof g.id, "%s", v);
	guid_add(it->guids, &it->nguids, NFO_MAX_GUIDS, &g);
}

/* External ids: <uniqueid type=...>, <imdbid>/<tmdbid>/<tvdbid>, <id>. */
static void
read_ids(const xmlNode *root, struct nfo_item *it)
{
	static const struct {
		const char *name;
		enum guid_provider p;
	} direct[] = {
		{ "imdbid", GUID_IMDB }, { "imdb_id", GUID_IMDB }, { "imdb", GUID_IMDB },
		{ "tmdbid", GUID_TMDB }, { "tmdb_id", GUID_TMDB }, { "tvdbid", GUID_TVDB },
		{ "tvdb_id", GUID_TVDB },
	};
	const xmlNode *n;
	xmlChar *type;
	struct guid g;
	char *v;
	size_t i;
	int p;

	for (n = root->children; n != NULL; n = n->next) {
		if (!named(n, "uniqueid") || (v = text_of(n)) == NULL)
			continue;
		type = xmlGetProp(n, (const xmlChar *)"type");
		p = type != NULL ? guid_provider_parse((const char *)type) : -1;
		if (p >= 0)
			add_id(it, (enum guid_provider)p, v);
		else if (guess_guid(it->kind, v, &g) == 0)
			guid_add(it->guids, &it->nguids, NFO_MAX_GUIDS, &g);
		xmlFree(type);
		free(v);
	}
	for (i = 0; i < nitems(direct); i++) {
		if ((v = child_text(root, direct[i].name)) != NULL) {
			add_id(it, direct[i].p, v);
			free(v);
		}
	}
	if ((n = child(root, "id")) != NULL) {
		static const char *const attrs[] = { "IMDB", "TMDB", "TVDB" };

		for (i = 0; i < nitems(attrs); i++) {
			type = xmlGetProp(n, (const xmlChar *)attrs[i]);
			if (type != NULL)
				add_id(it, (enum guid_provider)guid_provider_parse(attrs[i]),
				    (const char *)type);
			xmlFree(type);
		}
		if ((v = text_of(n)) != NULL) {
			if (guess_guid(it->kind, v, &g) == 0)
				guid_add(it->guids, &it->nguids, NFO_MAX_GUIDS, &g);
			free(v);
		}
	}
}

/* Scheduling roles, as written and as stored. */
const char *
nfo_content_type(const char *s)
{
	static const struct {
		const char *in, *out;
	} types[] = {
		{ "movie", "movie" }, { "episode", "episode" }, { "commercial", "commercial" },
		{ "ad", "commercial" }, { "advert", "commercial" }, { "bumper", "bumper" },
		{ "station_id", "station_id" }, { "station-id", "station_id" },
		{ "stationid", "station_id" }, { "ident", "station_id" }, { "intro", "intro" },
		{ "outro", "outro" }, { "interstitial", "interstitial" }, { "filler", "interstitial" },
		{ "promo", "promo" }, { "trailer", "promo" },
	};
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < nitems(types); i++) {
		if (strcasecmp(types[i].in, s) == 0)
			return types[i].out;
	}
	return NULL;
}

/* The <retrovue> element. */
static void
read_retrovue(struct ctx *c, const xmlNode *rv, struct nfo_retrovue *r)
{
	const xmlNode *n;
	xmlChar *time;
	int64_t ms;
	char *v;
	int y, m, d;
	double dur;

	r->present = 1;
	r->commercial_duration = -1;
	if ((v = child_text(rv, "type")) != NULL || (v = child_text(rv, "contenttype")) != NULL) {
		if (nfo_content_type(v) != NULL)
			r->content_type = xstrdup(nfo_content_type(v));
		else
			warnf(c, xmlGetLineNo(child(rv, "type") != NULL ? child(rv, "type") :
			    child(rv, "contenttype")), "<retrovue> type '%s' is not one of movie, "
			    "episode, commercial, bumper, station_id, intro, outro, interstitial, "
			    "promo; ignored", v);
		free(v);
	}
	r->daypart = child_text(rv, "daypart");
	r->seasonal = child_text(rv, "seasonal");
	r->rating = child_text(rv, "rating");
	r->company = child_text(rv, "company");
	r->category = child_text(rv, "category");
	r->demographic = child_text(rv, "demographic");
	r->warnings = child_text(rv, "warnings");
	r->notes = child_text(rv, "notes");
	if ((n = child(rv, "duration")) != NULL && num_of(c, n, &dur) == 0) {
		if (dur > 0 && dur < 86400)
			r->commercial_duration = (int)lround(dur);
		else
			warnf(c, xmlGetLineNo(n), "<duration> %g is out of range; ignored", dur);
	}
	if ((n = child(rv, "expires")) != NULL && (v = text_of(n)) != NULL) {
		if (sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3 && strlen(v) == 10 && m >= 1 &&
		    m <= 12 && d >= 1 && d <= 31)
			r->expires = v;
		else {
			warnf(c, xmlGetLineNo(n), "<expires> '%s' is not YYYY-MM-DD; ignored", v);
			free(v);
		}
	}
	for (n = rv->children; n != NULL; n = n->next) {
		if (!named(n, "chapter"))
			continue;
		time = xmlGetProp(n, (const xmlChar *)"time");
		if (time == NULL || parse_duration_ms((const char *)time, &ms) != 0) {
			warnf(c, xmlGetLineNo(n), "<chapter> needs time=\"hh:mm:ss\"%s%s%s; ignored",
			    time != NULL ? " (not '" : "", time != NULL ? (const char *)time : "",
			    time != NULL ? "')" : "");
			xmlFree(time);
			continue;
		}
		xmlFree(time);
		r->chapters = xreallocarray(r->chapters, r->nchapters + 1, sizeof *r->chapters);
		r->chapters[r->nchapters].ms = ms;
		r->chapters[r->nchapters++].title = text_of(n);
	}
}

/* One root element. */
static void
read_item(struct ctx *c, const xmlNode *root, enum nfo_kind kind, struct nfo_item *it)
{
	const xmlNode *n, *sd, *v;
	char *s, *slash;
	double d;

	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->line = xmlGetLineNo(root);
	it->season = it->episode = it->episode_end = -1;
	it->community_rating = -1;
	if ((it->title = child_text(root, "title")) == NULL)
		it->title = child_text(root, "originaltitle");
	it->show_title = child_text(root, "showtitle");
	if ((it->plot = child_text(root, "plot")) == NULL)
		it->plot = child_text(root, "outline");
	if ((it->rating = child_text(root, "mpaa")) == NULL &&
	    (it->rating = child_text(root, "certification")) != NULL &&
	    (slash = strstr(it->rating, " / ")) != NULL)
		*slash = '\0';      /* "US:PG-13 / US:Rated PG-13": the first */
	it->genre = join_children(root, "genre", 8);
	it->director = join_children(root, "director", 4);
	if ((it->studio = child_text(root, "studio")) == NULL)
		it->studio = child_text(root, "studios");
	it->year = int_child(c, root, "year", 1800, 2999, 0);
	if (kind == NFO_EPISODE) {
		if ((n = child(root, "aired")) != NULL && (s = text_of(n)) != NULL) {
			free(s);
			it->aired = date_of(c, n, &it->year);
		}
		if (it->aired == NULL && (n = child(root, "premiered")) != NULL &&
		    (s = text_of(n)) != NULL) {
			free(s);
			it->aired = date_of(c, n, &it->year);
		}
		it->season = int_child(c, root, "season", 0, 100000, -1);
		it->episode = int_child(c, root, "episode", 0, 1000000, -1);
		it->episode_end = int_child(c, root, "episodenumberend", 0, 1000000, -1);
		if (it->episode_end <= it->episode)
			it->episode_end = -1;
	} else if (it->year == 0 && (n = child(root, "premiered")) != NULL) {
		free(date_of(c, n, &it->year));
	}
	if ((n = child(root, "runtime")) != NULL && num_of(c, n, &d) == 0 && d > 0 && d < 10000)
		it->runtime_min = (int)lround(d);
	if ((n = child(root, "communityrating")) != NULL && num_of(c, n, &d) == 0)
		it->community_rating = d;
	if ((n = child(root, "rating")) != NULL && child(n, "value") == NULL &&
	    num_of(c, n, &d) == 0 && it->community_rating < 0)
		it->community_rating = d;
	/* fileinfo/streamdetails/video: durationinseconds, else duration in minutes. */
	if ((n = child(root, "fileinfo")) != NULL && (sd = child(n, "streamdetails")) != NULL &&
	    (v = child(sd, "video")) != NULL) {
		if ((n = child(v, "durationinseconds")) != NULL && num_of(c, n, &d) == 0 && d > 0)
			it->duration_s = d;
		else if ((n = child(v, "duration")) != NULL && num_of(c, n, &d) == 0 && d > 0)
			it->duration_s = d * 60;
	}
	read_ids(root, it);
	if ((n = child(root, "retrovue")) != NULL)
		read_retrovue(c, n, &it->rv);
}

/* Free an item. */
static void
item_clear(struct nfo_item *it)
{
	size_t i;

	free(it->title);
	free(it->show_title);
	free(it->plot);
	free(it->rating);
	free(it->genre);
	free(it->director);
	free(it->studio);
	free(it->aired);
	free(it->rv.content_type);
	free(it->rv.daypart);
	free(it->rv.seasonal);
	free(it->rv.rating);
	free(it->rv.company);
	free(it->rv.category);
	free(it->rv.expires);
	free(it->rv.demographic);
	free(it->rv.warnings);
	free(it->rv.notes);
	for (i = 0; i < it->rv.nchapters; i++)
		free(it->rv.chapters[i].title);
	free(it->rv.chapters);
	memset(it, 0, sizeof *it);
}

/* Free a file. */
void
nfo_file_clear(struct nfo_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		item_clear(&f->items[i]);
	free(f->items);
	memset(f, 0, sizeof *f);
}

/* The end of the last closing root tag, or 0 if there is none. */
static size_t
last_root_end(const char *buf, size_t len)
{
	static const char *const tags[] = { "</movie>", "</tvshow>", "</episodedetails>" };
	const char *p, *best = NULL;
	size_t i, n;

	for (i = 0; i < nitems(tags); i++) {
		n = strlen(tags[i]);
		for (p = buf; (p = strstr(p, tags[i])) != NULL; p += n) {
			if (best == NULL || p + n > best)
				best = p + n;
		}
	}
	return best != NULL ? (size_t)(best - buf) : 0;
}

/* Parse from memory. */
int
nfo_parse_buffer(const char *in, size_t len, const char *path, struct nfo_file *f,
    nfo_warn_fn warn, void *arg, char **cause)
{
	struct ctx c = { path, warn, arg, 0 };
	xmlParserCtxtPtr pctx = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root, *n;
	char *buf = NULL, *conv, *wrapped = NULL, enc[64], first[128], *p;
	size_t blen, end, bad, wlen, i, roots = 0;
	int line, second_line = 0;
	const char *second_name = NULL;
	enum nfo_kind kind;

	memset(f, 0, sizeof *f);
	pthread_once(&nfo_once, nfo_init_once);
	/* UTF-16 with a byte order mark: to UTF-8 first. */
	if (len >= 2 && ((unsigned char)in[0] == 0xff && (unsigned char)in[1] == 0xfe)) {
		if ((buf = to_utf8(in + 2, len - 2, "UTF-16LE", &blen)) == NULL) {
			set_cause(cause, "%s: not valid UTF-16", path);
			return -1;
		}
	} else if (len >= 2 && ((unsigned char)in[0] == 0xfe && (unsigned char)in[1] == 0xff)) {
		if ((buf = to_utf8(in + 2, len - 2, "UTF-16BE", &blen)) == NULL) {
			set_cause(cause, "%s: not valid UTF-16", path);
			return -1;
		}
	} else {
		if (len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0) {
			in += 3;
			len -= 3;
		}
		buf = xstrndup(in, len);
		blen = strlen(buf);
		if (blen < len) {
			line = line_of(in, blen);
			warnf(&c, line, "a NUL byte in the file; read up to it");
		}
	}

	for (i = 0; i < blen && isspace((unsigned char)buf[i]); i++)
		;
	if (i == blen) {
		set_cause(cause, "%s: empty", path);
		goto fail;
	}
	/* Not XML: a file of links (Radarr, Kodi's URL .nfo). */
	if (buf[i] != '<') {
		f->url_only = 1;
		if (read_links(buf, f, first, sizeof first) == 0) {
			set_cause(cause, "%s:%d: neither XML nor a link to IMDb, TMDB or TVDB", path,
			    line_of(buf, i));
			goto fail;
		}
		warnf(&c, line_of(buf, i), "not XML but a link (%s); the rest comes from the file "
		    "name", first);
		free(buf);
		return 0;
	}

	/* Anything after the last root: a link (Kodi's combined .nfo) or junk. */
	if ((end = last_root_end(buf, blen)) > 0) {
		for (i = end; i < blen && isspace((unsigned char)buf[i]); i++)
			;
		if (i < blen) {
			line = line_of(buf, i);
			if (read_links(buf + i, f, first, sizeof first) > 0)
				warnf(&c, line, "a link after the XML (%s); read it as well", first);
			else
				warnf(&c, line, "%zu bytes of junk after the XML; ignored", blen - i);
			buf[end] = '\0';
			blen = end;
		}
	}

	/* Make it UTF-8. */
	declared_encoding(buf + strspn(buf, " \t\r\n"), blen, enc, sizeof enc);
	bad = utf8_valid(buf, blen);
	if (bad < blen) {
		const char *from = enc[0] != '\0' && !is_utf8_name(enc) ? enc : "WINDOWS-1252";

		if (enc[0] == '\0' || is_utf8_name(enc))
			warnf(&c, line_of(buf, bad), "not valid UTF-8 (%s); read as Windows-1252",
			    enc[0] != '\0' ? "though it says so" : "and no encoding declared");
		if ((conv = to_utf8(buf, blen, from, &blen)) == NULL &&
		    (conv = to_utf8(buf, blen, "ISO-8859-1", &blen)) == NULL) {
			set_cause(cause, "%s: cannot read its text as %s", path, from);
			goto fail;
		}
		free(buf);
		buf = conv;
	} else if (enc[0] != '\0' && !is_utf8_name(enc) && strcasecmp(enc, "us-ascii") != 0 &&
	    strcasecmp(enc, "ascii") != 0) {
		for (i = 0; i < blen && (unsigned char)buf[i] < 0x80; i++)
			;
		if (i < blen)
			warnf(&c, line_of(buf, i), "declares %s but the text is UTF-8; read as UTF-8",
			    enc);
	}
	blank_declarations(buf, blen);

	/* Wrap, keeping line 1 on line 1, and parse. */
	wlen = strlen(WRAP_OPEN) + blen + strlen(WRAP_CLOSE);
	wrapped = xmalloc(wlen + 1);
	snprintf(wrapped, wlen + 1, "%s%s%s", WRAP_OPEN, buf, WRAP_CLOSE);
	if ((pctx = xmlNewParserCtxt()) == NULL) {
		set_cause(cause, "%s: out of memory", path);
		goto fail;
	}
	pctx->_private = &c;
	pctx->sax->serror = on_xml_error;
	pctx->sax->error = NULL;
	pctx->sax->warning = NULL;
	pctx->vctxt.error = NULL;
	pctx->vctxt.warning = NULL;
	doc = xmlCtxtReadMemory(pctx, wrapped, (int)wlen, path, "UTF-8", XML_PARSE_NONET |
	    XML_PARSE_RECOVER | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING);
	if (c.xml_errors > MAX_XML_WARNINGS)
		warnf(&c, 0, "%d more XML errors", c.xml_errors - MAX_XML_WARNINGS);
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		set_cause(cause, "%s: not readable as XML", path);
		goto fail;
	}

	for (n = root->children; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE && (p = text_of(n)) != NULL) {
			warnf(&c, xmlGetLineNo(n), "text outside the XML elements ('%.40s'); ignored", p);
			free(p);
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (named(n, "movie"))
			kind = NFO_MOVIE;
		else if (named(n, "tvshow"))
			kind = NFO_TVSHOW;
		else if (named(n, "episodedetails"))
			kind = NFO_EPISODE;
		else {
			warnf(&c, xmlGetLineNo(n), "<%s> is not a Kodi <movie>, <tvshow> or "
			    "<episodedetails>; ignored", n->name);
			continue;
		}
		if (++roots == 2) {
			second_line = xmlGetLineNo(n);
			second_name = (const char *)n->name;
		}
		if (f->n > 0 && f->items[0].kind != kind) {
			warnf(&c, xmlGetLineNo(n), "<%s> after a <%s> in one file; ignored", n->name,
			    kind == NFO_MOVIE ? "movie" : kind == NFO_TVSHOW ? "tvshow" :
			    "episodedetails");
			continue;
		}
		f->items = xreallocarray(f->items, f->n + 1, sizeof *f->items);
		read_item(&c, n, kind, &f->items[f->n++]);
	}
	if (roots > 1)
		warnf(&c, second_line, "a second <%s>: %zu roots in one file (a multi-episode file "
		    "is not well-formed XML); read them all", second_name, roots);
	if (f->n == 0 && f->nguids == 0) {
		set_cause(cause, "%s: no <movie>, <tvshow> or <episodedetails> in it", path);
		goto fail;
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pctx);
	free(wrapped);
	free(buf);
	return 0;
fail:
	xmlFreeDoc(doc);
	if (pctx != NULL)
		xmlFreeParserCtxt(pctx);
	free(wrapped);
	free(buf);
	nfo_file_clear(f);
	return -1;
}

/* Read a file. */
int
nfo_parse_file(const char *path, struct nfo_file *out, nfo_warn_fn warn, void *arg,
    char **cause)
{
	struct stat sb;
	FILE *fp;
	char *buf;
	size_t n;
	int rc;

	memset(out, 0, sizeof *out);
	if ((fp = fopen(path, "rb")) == NULL) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		set_cause(cause, "%s: not a regular file", path);
		fclose(fp);
		return -1;
	}
	if (sb.st_size > MAX_NFO) {
		set_cause(cause, "%s: %lld bytes is too large for an .nfo", path,
		    (long long)sb.st_size);
		fclose(fp);
		return -1;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	n = fread(buf, 1, (size_t)sb.st_size, fp);
	if (ferror(fp)) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	buf[n] = '\0';
	rc = nfo_parse_buffer(buf, n, path, out, warn, arg, cause);
	free(buf);
	return rc;
}
