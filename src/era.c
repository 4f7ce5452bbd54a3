/*
 * era.c: a channel's era as typed, stored and applied (see era.h).
 */
#include "src/era.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "src/util.h"

/* A year from exactly four digits, or -1. */
static int
year_of(const char *s, size_t n)
{
	int y = 0;
	size_t i;

	if (n != 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	return y >= ERA_MIN_YEAR && y <= ERA_MAX_YEAR ? y : -1;
}

/* Parse. */
int
era_parse(const char *s, struct era *e, char **cause)
{
	const char *dash;
	size_t n;

	memset(e, 0, sizeof *e);
	if (s == NULL || *s == '\0' || strcasecmp(s, "none") == 0)
		return 0;
	if (strcasecmp(s, "programme") == 0 || strcasecmp(s, "program") == 0) {
		e->programme = 1;
		return 0;
	}
	n = strlen(s);
	if (n == 5 && (s[4] == 's' || s[4] == 'S') && (e->lo = year_of(s, 4)) > 0 &&
	    e->lo % 10 == 0)
		e->hi = e->lo + 9;
	else if ((dash = strchr(s, '-')) != NULL) {
		e->lo = year_of(s, (size_t)(dash - s));
		e->hi = year_of(dash + 1, strlen(dash + 1));
	} else
		e->lo = e->hi = year_of(s, n);
	if (e->lo <= 0 || e->hi <= 0 || e->hi > ERA_MAX_YEAR) {
		set_cause(cause, "era '%s' is not years like 1980-1989, a decade like 1980s, or "
		    "programme", s);
		memset(e, 0, sizeof *e);
		return -1;
	}
	if (e->hi < e->lo) {
		set_cause(cause, "era '%s' ends before it starts", s);
		memset(e, 0, sizeof *e);
		return -1;
	}
	return 0;
}

/* As stored. */
const char *
era_format(const struct era *e, char *buf, size_t len)
{
	if (e->programme)
		snprintf(buf, len, "programme");
	else if (e->lo > 0)
		snprintf(buf, len, "%04d-%04d", e->lo, e->hi);
	else if (len > 0)
		buf[0] = '\0';
	return buf;
}

/* The years a break prefers. */
int
era_range(const struct era *e, int prog_year, int *lo, int *hi)
{
	if (e->programme) {
		if (prog_year < ERA_MIN_YEAR || prog_year > ERA_MAX_YEAR)
			return 0;
		*lo = prog_year - prog_year % 10;
		*hi = *lo + 9;
		return 1;
	}
	if (e->lo <= 0)
		return 0;
	*lo = e->lo;
	*hi = e->hi;
	return 1;
}
