/*
 * master.c: the master playlist's text.
 */
#include "engine/master.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

/* An attribute's quoted value may hold neither '"' nor a line break. */
static char *
quoted(const char *s)
{
	char *q = xstrdup(s != NULL ? s : ""), *p;

	for (p = q; *p != '\0'; p++) {
		if (*p == '"' || *p == '\n' || *p == '\r')
			*p = '\'';
	}
	return q;
}

/* The group of a type the list has, or NULL. */
static const char *
group_of(const struct master_rendition *r, size_t n, enum master_type type)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].type == type)
			return r[i].group;
	}
	return NULL;
}

/* Append to a growing string. */
static void
add(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add(char **s, const char *fmt, ...)
{
	char *more, *joined;
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(&more, fmt, ap);
	va_end(ap);
	xasprintf(&joined, "%s%s", *s, more);
	free(*s);
	free(more);
	*s = joined;
}

/* The playlist. */
char *
master_playlist(const struct master_variant *v, const struct master_rendition *r, size_t n)
{
	char *s = xstrdup("#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-INDEPENDENT-SEGMENTS\n"), *a, *b;
	const char *audio = group_of(r, n, MASTER_AUDIO), *subs = group_of(r, n, MASTER_SUBTITLES);
	size_t i;

	for (i = 0; i < n; i++) {
		a = quoted(r[i].group);
		b = quoted(r[i].name);
		add(&s, "#EXT-X-MEDIA:TYPE=%s,GROUP-ID=\"%s\",NAME=\"%s\"",
		    r[i].type == MASTER_AUDIO ? "AUDIO" : "SUBTITLES", a, b);
		free(a);
		free(b);
		if (r[i].language != NULL && *r[i].language != '\0') {
			a = quoted(r[i].language);
			add(&s, ",LANGUAGE=\"%s\"", a);
			free(a);
		}
		add(&s, ",DEFAULT=%s,AUTOSELECT=%s", r[i].is_default ? "YES" : "NO",
		    r[i].autoselect || r[i].is_default ? "YES" : "NO");
		if (r[i].type == MASTER_SUBTITLES)
			add(&s, ",FORCED=%s", r[i].forced ? "YES" : "NO");
		if (r[i].channels != NULL)
			add(&s, ",CHANNELS=\"%s\"", r[i].channels);
		if (r[i].uri != NULL) {
			a = quoted(r[i].uri);
			add(&s, ",URI=\"%s\"", a);
			free(a);
		}
		add(&s, "\n");
	}
	add(&s, "#EXT-X-STREAM-INF:BANDWIDTH=%lld", (long long)v->bandwidth);
	if (v->width > 0 && v->height > 0)
		add(&s, ",RESOLUTION=%dx%d", v->width, v->height);
	if (v->fps_num > 0 && v->fps_den > 0)
		add(&s, ",FRAME-RATE=%.3f", (double)v->fps_num / v->fps_den);
	if (v->codecs != NULL)
		add(&s, ",CODECS=\"%s\"", v->codecs);
	if (audio != NULL) {
		a = quoted(audio);
		add(&s, ",AUDIO=\"%s\"", a);
		free(a);
	}
	if (subs != NULL) {
		a = quoted(subs);
		add(&s, ",SUBTITLES=\"%s\"", a);
		free(a);
	}
	add(&s, "\n%s\n", v->uri);
	return s;
}
