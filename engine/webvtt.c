/*
 * webvtt.c: cues into WebVTT segments.
 */
#include "engine/webvtt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

#define MAX_CUES 256                    /* cues kept; more at once is a broken file */

struct cue {
	int64_t start_us, end_us;
	char *text;                     /* WebVTT cue text */
};

struct webvtt {
	struct cue *c;                  /* by start */
	size_t n, cap;
};

/* New. */
struct webvtt *
webvtt_new(void)
{
	return xcalloc(1, sizeof(struct webvtt));
}

/* Append s[0..n) to a growing buffer. */
static void
put(char **b, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*b = xreallocarray(*b, 1, *cap);
	}
	memcpy(*b + *len, s, n);
	*len += n;
	(*b)[*len] = '\0';
}

/* ASS text to cue text. */
char *
webvtt_text(const char *ass)
{
	char *b = NULL;
	size_t len = 0, cap = 0;
	const char *p;

	put(&b, &len, &cap, "", 0);
	for (p = ass; *p != '\0'; p++) {
		if (*p == '{' && strchr(p, '}') != NULL) {
			p = strchr(p, '}');     /* an override block: {\i1}, {\pos(..)} */
			continue;
		}
		if (*p == '\\' && (p[1] == 'N' || p[1] == 'n')) {
			put(&b, &len, &cap, "\n", 1);
			p++;
		} else if (*p == '\\' && p[1] == 'h') {
			put(&b, &len, &cap, " ", 1);
			p++;
		} else if (*p == '&')
			put(&b, &len, &cap, "&amp;", 5);
		else if (*p == '<')
			put(&b, &len, &cap, "&lt;", 4);
		else if (*p == '>')
			put(&b, &len, &cap, "&gt;", 4);
		else if (*p == '\r')
			continue;
		else
			put(&b, &len, &cap, p, 1);
	}
	/* No blank lines (they end a cue) and no "-->" inside. */
	while (len > 0 && b[len - 1] == '\n')
		b[--len] = '\0';
	while ((p = strstr(b, "\n\n")) != NULL)
		memmove(b + (p - b), p + 1, strlen(p));
	while ((p = strstr(b, "-->")) != NULL)
		b[p - b + 2] = ')';
	return b;
}

/* Add. */
void
webvtt_add(struct webvtt *w, int64_t start_us, int64_t end_us, const char *ass_text)
{
	char *text;
	size_t at;

	if (end_us <= start_us || ass_text == NULL)
		return;
	text = webvtt_text(ass_text);
	if (*text == '\0' || w->n == MAX_CUES) {
		free(text);
		return;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->c = xreallocarray(w->c, w->cap, sizeof *w->c);
	}
	at = w->n;
	while (at > 0 && w->c[at - 1].start_us > start_us)
		at--;
	memmove(w->c + at + 1, w->c + at, (w->n - at) * sizeof *w->c);
	w->c[at].start_us = start_us;
	w->c[at].end_us = end_us;
	w->c[at].text = text;
	w->n++;
}

/* A cue time: hh:mm:ss.mmm (hours as many digits as they need). */
static void
stamp(char *buf, size_t len, int64_t us)
{
	int64_t ms = us < 0 ? 0 : (us + 500) / 1000;

	snprintf(buf, len, "%02lld:%02lld:%02lld.%03lld", (long long)(ms / 3600000),
	    (long long)(ms / 60000 % 60), (long long)(ms / 1000 % 60), (long long)(ms % 1000));
}

/* A segment. */
uint8_t *
webvtt_segment(struct webvtt *w, int64_t from_us, int64_t to_us, int64_t pts, size_t *len)
{
	char *b = NULL, line[128], a[32], z[32];
	size_t blen = 0, cap = 0, i, k;

	stamp(a, sizeof a, from_us);
	snprintf(line, sizeof line, "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:%lld,LOCAL:%s\n\n",
	    (long long)(pts & ((1LL << 33) - 1)), a);
	put(&b, &blen, &cap, line, strlen(line));
	for (i = 0; i < w->n; i++) {
		if (w->c[i].start_us >= to_us)
			break;
		if (w->c[i].end_us <= from_us)
			continue;
		stamp(a, sizeof a, w->c[i].start_us);
		stamp(z, sizeof z, w->c[i].end_us);
		snprintf(line, sizeof line, "%s --> %s\n", a, z);
		put(&b, &blen, &cap, line, strlen(line));
		put(&b, &blen, &cap, w->c[i].text, strlen(w->c[i].text));
		put(&b, &blen, &cap, "\n\n", 2);
	}
	/* Segments come in order: what ended before this one is not needed again. */
	for (i = k = 0; i < w->n; i++) {
		if (w->c[i].end_us <= from_us)
			free(w->c[i].text);
		else
			w->c[k++] = w->c[i];
	}
	w->n = k;
	*len = blen;
	return (uint8_t *)b;
}

/* Free. */
void
webvtt_free(struct webvtt **wp)
{
	struct webvtt *w;
	size_t i;

	if (wp == NULL || (w = *wp) == NULL)
		return;
	for (i = 0; i < w->n; i++)
		free(w->c[i].text);
	free(w->c);
	freep(wp);
}
