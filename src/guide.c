/*
 * guide.c: XMLTV and M3U from the fine log.
 */
#include "src/guide.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "src/channels.h"
#include "src/chanset.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/rating.h"
#include "src/tz.h"
#include "src/util.h"

#define DAY_MS (24 * 3600 * 1000LL)

/* Text column copied, or NULL when NULL or blank. */
static char *
col_str(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	const char *p;

	if (t == NULL)
		return NULL;
	for (p = t; isspace((unsigned char)*p); p++)
		;
	return *p != '\0' ? xstrdup(t) : NULL;
}

/* The programmes of a channel. */
int
guide_programmes(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    struct guide_programme **out, size_t *n, char **cause)
{
	struct guide_programme *p;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* Blocks are at most a day long: look a day either side for their items. */
	st = db_prepare(db,
	    "WITH b AS (SELECT coalesce(programme_start_ms, start_ms) AS ps, max(end_ms) AS pe, "
	    "  min(CASE WHEN kind = 'programme' THEN media_file_id END) AS mf, "
	    "  max(CASE WHEN kind = ?4 AND media_file_id IS NULL AND title = ?5 THEN title END) "
	    "  AS gt, max(kind IN ('signoff', 'offair', 'signon')) AS off "
	    "  FROM schedule_items WHERE channel_id = ?1 AND start_ms >= ?2 - 86400000 AND "
	    "  start_ms < ?3 + 86400000 GROUP BY ps HAVING pe > ?2 AND ps < ?3) "
	    "SELECT b.ps, b.pe, b.mf, coalesce(sh.title, mv.title), e.episode_title, "
	    "  coalesce(e.summary, mv.summary, sh.show_summary), coalesce(mv.genre, sh.genre), "
	    "  coalesce(c.content_rating, e.rating, mv.rating, sh.show_rating), "
	    "  e.season_number, e.episode_number, mv.year, e.air_date, "
	    "  mv.media_file_id IS NOT NULL, "
	    "  (SELECT max(a.start_ms) FROM sched_airings a WHERE a.channel_id = ?1 AND "
	    "   a.media_file_id = b.mf AND a.start_ms < b.ps), m.file_path, b.gt, b.off "
	    "FROM b LEFT JOIN media_files m ON m.id = b.mf "
	    "LEFT JOIN episodes e ON e.media_file_id = b.mf "
	    "LEFT JOIN shows sh ON sh.id = e.show_id "
	    "LEFT JOIN movies mv ON mv.media_file_id = b.mf "
	    "LEFT JOIN content_scheduling_metadata c ON c.media_file_id = b.mf "
	    "ORDER BY b.ps", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	sqlite3_bind_text(st, 4, item_kind_name(GUIDE_ITEM_KIND), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, GUIDE_ITEM_TITLE, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		p = &(*out)[(*n)++];
		memset(p, 0, sizeof *p);
		p->start_ms = sqlite3_column_int64(st, 0);
		p->end_ms = sqlite3_column_int64(st, 1);
		p->media_file_id = sqlite3_column_int64(st, 2);
		p->title = col_str(st, 3);
		if (p->title == NULL && p->media_file_id != 0) {
			/* A file with no title anywhere: its name. */
			const char *path = (const char *)sqlite3_column_text(st, 14);
			const char *b = path != NULL ? strrchr(path, '/') : NULL;

			p->title = xstrdup(b != NULL ? b + 1 : path != NULL ? path : "Untitled");
		}
		if (p->title == NULL && p->media_file_id == 0)
			p->title = col_str(st, 15);     /* a guide channel's listings */
		p->off_air = sqlite3_column_int(st, 16) && p->media_file_id == 0;
		if (p->title == NULL && p->off_air)
			p->title = xstrdup("Off air");
		if (p->title == NULL)
			p->title = xstrdup("To Be Announced");
		p->sub_title = col_str(st, 4);
		p->desc = col_str(st, 5);
		p->genre = col_str(st, 6);
		p->rating = col_str(st, 7);
		p->season = sqlite3_column_int(st, 8);
		p->episode = sqlite3_column_int(st, 9);
		p->year = sqlite3_column_int(st, 10);
		p->air_date = col_str(st, 11);
		p->is_movie = sqlite3_column_int(st, 12);
		p->previous_ms = sqlite3_column_int64(st, 13);
		if (p->off_air && p->desc == NULL)
			p->desc = xstrdup("The station has signed off for the night: colour bars and "
			    "tone until sign-on.");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading the guide: %s", sqlite3_errmsg(db));
		guide_programmes_free(out, *n);
		*n = 0;
		return -1;
	}
	return 0;
}

/* Free. */
void
guide_programmes_free(struct guide_programme **list, size_t n)
{
	size_t i;
	struct guide_programme *p;

	if (list == NULL || *list == NULL)
		return;
	for (i = 0; i < n; i++) {
		p = &(*list)[i];
		free(p->title);
		free(p->sub_title);
		free(p->desc);
		free(p->genre);
		free(p->rating);
		free(p->air_date);
	}
	freep(list);
}

/* XMLTV channel id. */
const char *
guide_channel_id(const char *number, char *buf, size_t len)
{
	snprintf(buf, len, "%s.retrovue", number);
	return buf;
}

/*
 * Text safe for XML and for tv_validate_file: valid UTF-8 (bad bytes
 * become '?'), no control characters but tab and newline.
 */
static char *
clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;
	char *out = xmalloc(left + 1), *o = out;

	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p >= 0x20 || *p == '\t' || *p == '\n')
				*o++ = (char)*p;
			p++;
			left--;
			continue;
		}
		n = utf8_char(p, left);
		/* Invalid UTF-8, C1 controls and U+FFFD (a decoder's "?") become '?'. */
		if (n == 0 || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) ||
		    (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] == 0xbd)) {
			*o++ = '?';
			n = n > 0 ? n : 1;
		} else {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
		left -= n;
	}
	*o = '\0';
	return out;
}

/* Write <name [attr="value"]>text</name>, text cleaned; skipped when text is NULL. */
static int
write_el(xmlTextWriterPtr w, const char *name, const char *attr, const char *value,
    const char *text)
{
	char *c;
	int rc = 0;

	if (text == NULL)
		return 0;
	c = clean(text);
	if (xmlTextWriterStartElement(w, BAD_CAST name) < 0 ||
	    (attr != NULL && xmlTextWriterWriteAttribute(w, BAD_CAST attr, BAD_CAST value) < 0) ||
	    xmlTextWriterWriteString(w, BAD_CAST c) < 0 || xmlTextWriterEndElement(w) < 0)
		rc = -1;
	free(c);
	return rc;
}

/* "YYYYMMDDhhmmss +hhmm" in the channel's zone. */
static const char *
xmltv_time(const struct tz *tz, int64_t t_ms, char *buf, size_t len)
{
	struct tz_civil c;
	int off;

	tz_local(tz, t_ms, &c);
	off = c.offset / 60;
	snprintf(buf, len, "%04d%02d%02d%02d%02d%02d %c%02d%02d", c.year, c.month, c.day, c.hour,
	    c.minute, c.second, off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
	return buf;
}

/* A logo reference: a URL as is, a file through the server, or file:. */
static char *
logo_url(const char *path, const char *number, const char *base_url)
{
	const char *ext;
	char *url;

	if (strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0)
		return xstrdup(path);
	if (base_url == NULL || *base_url == '\0') {
		xasprintf(&url, "file://%s", path);
		return url;
	}
	ext = strrchr(path, '.');
	if (ext == NULL || strchr(ext, '/') != NULL)
		ext = "";
	xasprintf(&url, "%s/iptv/logos/%s%s", base_url, number, ext);
	return url;
}

/* The two-letter code of a channel's language, or NULL. */
static const char *
lang2(const char *iso639_2)
{
	static const char *map[][2] = {
		{ "eng", "en" }, { "fre", "fr" }, { "fra", "fr" }, { "ger", "de" }, { "deu", "de" },
		{ "spa", "es" }, { "ita", "it" }, { "dut", "nl" }, { "nld", "nl" }, { "por", "pt" },
		{ "swe", "sv" }, { "nor", "no" }, { "dan", "da" }, { "fin", "fi" }, { "jpn", "ja" },
	};
	size_t i;

	if (iso639_2 == NULL)
		return "en";
	for (i = 0; i < nitems(map); i++) {
		if (strcmp(iso639_2, map[i][0]) == 0)
			return map[i][1];
	}
	return NULL;
}

/* Write one <channel>. */
static int
write_channel(xmlTextWriterPtr w, const struct channel_conf *c, const char *base_url)
{
	char id[64], *s, *url;
	int rc = 0;

	guide_channel_id(c->number, id, sizeof id);
	xmlTextWriterStartElement(w, BAD_CAST "channel");
	xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST id);
	xasprintf(&s, "%s %s", c->number, c->name);
	rc |= write_el(w, "display-name", NULL, NULL, s);
	free(s);
	rc |= write_el(w, "display-name", NULL, NULL, c->number);
	rc |= write_el(w, "display-name", NULL, NULL, c->name);
	if (c->call_sign != NULL)
		rc |= write_el(w, "display-name", NULL, NULL, c->call_sign);
	if (c->logo_path != NULL) {
		url = logo_url(c->logo_path, c->number, base_url);
		s = clean(url);
		xmlTextWriterStartElement(w, BAD_CAST "icon");
		xmlTextWriterWriteAttribute(w, BAD_CAST "src", BAD_CAST s);
		xmlTextWriterEndElement(w);
		free(s);
		free(url);
	}
	if (xmlTextWriterEndElement(w) < 0)
		rc = -1;
	return rc;
}

/* Write one <programme>. */
static int
write_programme(xmlTextWriterPtr w, const struct channel_conf *c, const struct tz *tz,
    const struct guide_programme *p)
{
	const char *lang = lang2(c->audio_language), *sep = ",|/;", *q;
	char id[64], t1[40], t2[40], buf[64], *g, *tok, *save, *tt;
	struct rating r;
	int rc = 0, y, mo, d;

	guide_channel_id(c->number, id, sizeof id);
	xmlTextWriterStartElement(w, BAD_CAST "programme");
	xmlTextWriterWriteAttribute(w, BAD_CAST "start",
	    BAD_CAST xmltv_time(tz, p->start_ms, t1, sizeof t1));
	xmlTextWriterWriteAttribute(w, BAD_CAST "stop",
	    BAD_CAST xmltv_time(tz, p->end_ms, t2, sizeof t2));
	xmlTextWriterWriteAttribute(w, BAD_CAST "channel", BAD_CAST id);
	rc |= write_el(w, "title", lang ? "lang" : NULL, lang, p->title);
	rc |= write_el(w, "sub-title", lang ? "lang" : NULL, lang, p->sub_title);
	rc |= write_el(w, "desc", lang ? "lang" : NULL, lang, p->desc);
	if (p->air_date != NULL && sscanf(p->air_date, "%4d-%2d-%2d", &y, &mo, &d) == 3) {
		snprintf(buf, sizeof buf, "%04d%02d%02d", y, mo, d);
		rc |= write_el(w, "date", NULL, NULL, buf);
	} else if (p->year > 0) {
		snprintf(buf, sizeof buf, "%04d", p->year);
		rc |= write_el(w, "date", NULL, NULL, buf);
	}
	if (p->is_movie)
		rc |= write_el(w, "category", lang ? "lang" : NULL, lang, "Movie");
	if (p->genre != NULL) {
		g = xstrdup(p->genre);
		for (tok = strtok_r(g, sep, &save); tok != NULL; tok = strtok_r(NULL, sep, &save)) {
			tt = strtrim(tok);
			if (*tt != '\0')
				rc |= write_el(w, "category", lang ? "lang" : NULL, lang, tt);
		}
		free(g);
	}
	if (p->season > 0 && p->episode > 0) {
		snprintf(buf, sizeof buf, "%d.%d.", p->season - 1, p->episode - 1);
		rc |= write_el(w, "episode-num", "system", "xmltv_ns", buf);
		snprintf(buf, sizeof buf, "S%02dE%02d", p->season, p->episode);
		rc |= write_el(w, "episode-num", "system", "onscreen", buf);
	}
	/* A rerun: first aired long ago, or aired here before. */
	if (p->air_date != NULL && sscanf(p->air_date, "%4d-%2d-%2d", &y, &mo, &d) == 3) {
		snprintf(buf, sizeof buf, "%04d%02d%02d", y, mo, d);
		xmlTextWriterStartElement(w, BAD_CAST "previously-shown");
		xmlTextWriterWriteAttribute(w, BAD_CAST "start", BAD_CAST buf);
		xmlTextWriterEndElement(w);
	} else if (p->previous_ms != 0) {
		xmlTextWriterStartElement(w, BAD_CAST "previously-shown");
		xmlTextWriterWriteAttribute(w, BAD_CAST "start",
		    BAD_CAST xmltv_time(tz, p->previous_ms, t1, sizeof t1));
		xmlTextWriterWriteAttribute(w, BAD_CAST "channel", BAD_CAST id);
		xmlTextWriterEndElement(w);
	}
	if (p->rating != NULL && rating_parse(p->rating, &r) == 0) {
		q = strchr(r.name, '/');
		xmlTextWriterStartElement(w, BAD_CAST "rating");
		xmlTextWriterWriteAttribute(w, BAD_CAST "system", BAD_CAST r.system);
		rc |= write_el(w, "value", NULL, NULL, q != NULL ? q + 1 : r.name);
		xmlTextWriterEndElement(w);
	}
	if (xmlTextWriterEndElement(w) < 0)
		rc = -1;
	return rc;
}

/* The channels, those outside only marked disabled. */
static int
load_only(sqlite3 *db, const struct chanset *only, struct channel_conf **chans, size_t *n,
    char **cause)
{
	size_t i;

	if (channels_load(db, chans, n, cause) != 0)
		return -1;
	for (i = 0; i < *n; i++) {
		if (!chanset_has(only, (*chans)[i].number))
			(*chans)[i].enabled = 0;
	}
	return 0;
}

/* XMLTV for every channel. */
int
guide_xmltv(sqlite3 *db, int64_t from_ms, int hours, const char *base_url, char **out,
    size_t *len, char **cause)
{
	return guide_xmltv_only(db, NULL, from_ms, hours, base_url, out, len, cause);
}

/* XMLTV. */
int
guide_xmltv_only(sqlite3 *db, const struct chanset *only, int64_t from_ms, int hours,
    const char *base_url, char **out, size_t *len, char **cause)
{
	struct channel_conf *chans = NULL;
	struct guide_programme *progs = NULL, tba;
	const struct tz *tz;
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	size_t n = 0, np = 0, i, j;
	int64_t to = from_ms + (int64_t)hours * 3600000;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (hours <= 0 || hours > 24 * 31) {
		set_cause(cause, "guide hours must be 1 to 744");
		return -1;
	}
	if (load_only(db, only, &chans, &n, cause) != 0)
		return -1;
	if ((buf = xmlBufferCreate()) == NULL || (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		set_cause(cause, "out of memory writing the guide");
		goto fail;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterWriteDTD(w, BAD_CAST "tv", NULL, BAD_CAST "xmltv.dtd", NULL) < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "tv") < 0) {
		set_cause(cause, "writing the guide failed");
		goto fail;
	}
	xmlTextWriterWriteAttribute(w, BAD_CAST "source-info-name", BAD_CAST "Retrovue");
	xmlTextWriterWriteAttribute(w, BAD_CAST "generator-info-name",
	    BAD_CAST "Retrovue " PACKAGE_VERSION);
	for (i = 0; i < n; i++) {
		if (chans[i].enabled && write_channel(w, &chans[i], base_url) != 0) {
			set_cause(cause, "writing channel %s to the guide failed", chans[i].number);
			goto fail;
		}
	}
	for (i = 0; i < n; i++) {
		if (!chans[i].enabled)
			continue;
		if ((tz = tz_get(chans[i].timezone, cause)) == NULL)
			goto fail;
		if (guide_programmes(db, chans[i].id, from_ms, to, &progs, &np, cause) != 0)
			goto fail;
		if (np == 0) {
			/* Every channel listed has programmes: a placeholder for one with none. */
			memset(&tba, 0, sizeof tba);
			tba.start_ms = from_ms - from_ms % 1800000;
			tba.end_ms = to;
			tba.title = (char *)"To Be Announced";
			if (write_programme(w, &chans[i], tz, &tba) != 0)
				goto fail_write;
		}
		for (j = 0; j < np; j++) {
			if (write_programme(w, &chans[i], tz, &progs[j]) != 0)
				goto fail_write;
		}
		guide_programmes_free(&progs, np);
	}
	if (xmlTextWriterEndDocument(w) < 0) {
		set_cause(cause, "writing the guide failed");
		goto fail;
	}
	xmlFreeTextWriter(w);
	w = NULL;
	*len = (size_t)xmlBufferLength(buf);
	*out = xmalloc(*len + 1);
	memcpy(*out, xmlBufferContent(buf), *len);
	(*out)[*len] = '\0';
	rc = 0;
	goto fail;

fail_write:
	set_cause(cause, "writing channel %s's programmes failed", chans[i].number);
fail:
	guide_programmes_free(&progs, np);
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	channels_free(&chans, n);
	return rc;
}

/* An M3U attribute value: no quotes, no line breaks. */
static char *
m3u_attr(const char *s)
{
	char *c = clean(s != NULL ? s : ""), *p;

	for (p = c; *p != '\0'; p++) {
		if (*p == '"')
			*p = '\'';
		else if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	}
	return c;
}

/* Append to a growing buffer. */
static void __attribute__((format(printf, 3, 4)))
append(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *s;
	size_t n;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	n = strlen(s);
	*buf = xreallocarray(*buf, *len + n + 1, 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
	free(s);
}

/* A channel's M3U group-title, cleaned: its guide_group, else "Retrovue". */
static char *
channel_group(sqlite3 *db, int64_t channel_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT guide_group FROM channels WHERE id = ?1", NULL);
	char *g = NULL;

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, channel_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			g = col_str(st, 0);
		sqlite3_finalize(st);
	}
	if (g == NULL)
		g = xstrdup("Retrovue");
	else {
		char *c = m3u_attr(g);

		free(g);
		g = c;
	}
	return g;
}

/* M3U for every channel. */
int
guide_m3u(sqlite3 *db, const char *base_url, int flags, char **out, size_t *len, char **cause)
{
	return guide_m3u_only(db, NULL, base_url, flags, out, len, cause);
}

/* M3U. */
int
guide_m3u_only(sqlite3 *db, const struct chanset *only, const char *base_url, int flags,
    char **out, size_t *len, char **cause)
{
	struct channel_conf *chans;
	char id[64], *base, *name, *group, *logo, *e;
	size_t n, i;

	*out = NULL;
	*len = 0;
	if (base_url == NULL || (strncmp(base_url, "http://", 7) != 0 &&
	    strncmp(base_url, "https://", 8) != 0) || strpbrk(base_url, "\" \r\n") != NULL) {
		set_cause(cause, "the base URL must be like http://host:port");
		return -1;
	}
	base = xstrdup(base_url);
	for (e = base + strlen(base); e > base && e[-1] == '/'; e--)
		e[-1] = '\0';
	if (load_only(db, only, &chans, &n, cause) != 0) {
		free(base);
		return -1;
	}
	append(out, len, "#EXTM3U url-tvg=\"%s/iptv/xmltv.xml\" x-tvg-url=\"%s/iptv/xmltv.xml\"\n",
	    base, base);
	for (i = 0; i < n; i++) {
		if (!chans[i].enabled)
			continue;
		name = m3u_attr(chans[i].name);
		group = channel_group(db, chans[i].id);
		logo = NULL;
		if (chans[i].logo_path != NULL) {
			char *u = logo_url(chans[i].logo_path, chans[i].number, base);

			logo = m3u_attr(u);
			free(u);
		}
		append(out, len, "#EXTINF:-1 tvg-id=\"%s\" tvg-name=\"%s\" tvg-chno=\"%s\"",
		    guide_channel_id(chans[i].number, id, sizeof id), name, chans[i].number);
		if (logo != NULL)
			append(out, len, " tvg-logo=\"%s\"", logo);
		append(out, len, " group-title=\"%s\",%s %s\n", group, chans[i].number, name);
		if (flags & GUIDE_M3U_HLS)
			append(out, len, "%s/channel/%s/index.m3u8\n", base, chans[i].number);
		else
			append(out, len, "%s/channel/%s.ts\n", base, chans[i].number);
		free(name);
		free(group);
		free(logo);
	}
	channels_free(&chans, n);
	free(base);
	return 0;
}
