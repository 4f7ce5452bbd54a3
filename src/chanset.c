/*
 * chanset.c: channel number sets for --channels.
 */
#include "src/chanset.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/util.h"

#define CHANSET_MAX 256                 /* terms in one set */

/* One term: a range of whole numbers [lo, hi], or one exact number. */
struct term {
	long lo, hi;                    /* range; lo < 0: exact */
	char exact[16];
};

struct chanset {
	char *text;
	int all;
	struct term *terms;
	size_t n;
};

/* Parse a whole number of at most 6 digits from s[0..len); -1 if not one. */
static long
whole(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 6)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Is s[0..len) a guide number ("4" or "4.1")? */
static int
guide_number(const char *s, size_t len)
{
	const char *dot = memchr(s, '.', len);

	if (len == 0 || len > 15)
		return 0;
	if (dot == NULL)
		return whole(s, len) >= 0;
	return whole(s, (size_t)(dot - s)) >= 0 &&
	    whole(dot + 1, len - (size_t)(dot - s) - 1) >= 0;
}

/* Parse. */
struct chanset *
chanset_parse(const char *text, char **cause)
{
	struct chanset *cs = xcalloc(1, sizeof *cs);
	const char *p, *end, *dash;
	struct term t;
	size_t len;

	if (text == NULL || *text == '\0' || strcasecmp(text, "all") == 0) {
		cs->text = xstrdup("all");
		cs->all = 1;
		return cs;
	}
	cs->text = xstrdup(text);
	for (p = text; ; p = end + 1) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		while (p < end && *p == ' ')
			p++;
		len = (size_t)(end - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		memset(&t, 0, sizeof t);
		dash = memchr(p, '-', len);
		if (dash != NULL) {
			t.lo = whole(p, (size_t)(dash - p));
			t.hi = whole(dash + 1, len - (size_t)(dash - p) - 1);
			if (t.lo < 0 || t.hi < 0 || t.hi < t.lo)
				goto bad;
		} else if (guide_number(p, len)) {
			t.lo = t.hi = -1;
			memcpy(t.exact, p, len);
		} else
			goto bad;
		if (cs->n == CHANSET_MAX) {
			set_cause(cause, "--channels %s: more than %d terms", text, CHANSET_MAX);
			goto fail;
		}
		cs->terms = xreallocarray(cs->terms, cs->n + 1, sizeof *cs->terms);
		cs->terms[cs->n++] = t;
		if (*end == '\0')
			break;
	}
	return cs;

bad:
	set_cause(cause, "--channels %s: '%.*s' is not a channel number or a range like "
	    "2-9 (give a list such as 2-9,12,4.1, or all)", text, (int)len, p);
fail:
	chanset_free(&cs);
	return NULL;
}

/* Membership. */
int
chanset_has(const struct chanset *cs, const char *number)
{
	const char *dot;
	size_t i, len;
	long major;

	if (cs == NULL || cs->all)
		return 1;
	if (number == NULL || !guide_number(number, strlen(number)))
		return 0;
	dot = strchr(number, '.');
	len = dot != NULL ? (size_t)(dot - number) : strlen(number);
	major = whole(number, len);
	for (i = 0; i < cs->n; i++) {
		if (cs->terms[i].lo < 0) {
			if (strcmp(cs->terms[i].exact, number) == 0)
				return 1;
		} else if (major >= cs->terms[i].lo && major <= cs->terms[i].hi)
			return 1;
	}
	return 0;
}

const char *
chanset_text(const struct chanset *cs)
{
	return cs == NULL ? "all" : cs->text;
}

int
chanset_all(const struct chanset *cs)
{
	return cs == NULL || cs->all;
}

/* Free. */
void
chanset_free(struct chanset **csp)
{
	struct chanset *cs;

	if (csp == NULL || (cs = *csp) == NULL)
		return;
	free(cs->text);
	free(cs->terms);
	freep(csp);
}
