/*
 * season.c: parse seasons and date ranges, and test a date against them.
 */
#include "src/season.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/tz.h"
#include "src/util.h"

/* Named seasons as month-day ranges. */
static const struct {
	const char *name;
	int from, to;
} named[] = {
	{ "spring", 320, 620 },
	{ "summer", 621, 922 },
	{ "fall", 923, 1220 },
	{ "autumn", 923, 1220 },
	{ "winter", 1221, 319 },
	{ "holiday", 1120, 106 },
	{ "holidays", 1120, 106 },
	{ "christmas", 1201, 1226 },
	{ "halloween", 1001, 1031 },
	{ "thanksgiving", 1115, 1130 },
	{ "january", 101, 131 },
	{ "february", 201, 229 },
	{ "march", 301, 331 },
	{ "april", 401, 430 },
	{ "may", 501, 531 },
	{ "june", 601, 630 },
	{ "july", 701, 731 },
	{ "august", 801, 831 },
	{ "september", 901, 930 },
	{ "october", 1001, 1031 },
	{ "november", 1101, 1130 },
	{ "december", 1201, 1231 },
};

/* One date: "MM-DD" (*absolute 0, month*100+day) or "YYYY-MM-DD" (a day number). */
static int
parse_date(const char *s, int32_t *out, int *absolute)
{
	int y, m, d, len = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &len) == 3 && s[len] == '\0' && len == 10) {
		if (m < 1 || m > 12 || d < 1 || d > 31)
			return -1;
		*out = (int32_t)tz_days_from_civil(y, m, d);
		*absolute = 1;
		return 0;
	}
	if (sscanf(s, "%2d-%2d%n", &m, &d, &len) == 2 && s[len] == '\0' && len == 5) {
		if (m < 1 || m > 12 || d < 1 || d > 31)
			return -1;
		*out = m * 100 + d;
		*absolute = 0;
		return 0;
	}
	return -1;
}

/* One part of a spec into range i of out. */
static int
parse_part(const char *p, struct season *out)
{
	char a[32], b[32];
	const char *dots;
	int absa, absb, i = out->n;
	size_t k;

	for (k = 0; k < nitems(named); k++) {
		if (strcasecmp(p, named[k].name) == 0) {
			out->r[i].from = named[k].from;
			out->r[i].to = named[k].to;
			out->r[i].absolute = 0;
			out->n++;
			return 0;
		}
	}
	if ((dots = strstr(p, "..")) != NULL) {
		if ((size_t)(dots - p) >= sizeof a || strlen(dots + 2) >= sizeof b)
			return -1;
		memcpy(a, p, (size_t)(dots - p));
		a[dots - p] = '\0';
		snprintf(b, sizeof b, "%s", dots + 2);
	} else {
		if (strlen(p) >= sizeof a)
			return -1;
		snprintf(a, sizeof a, "%s", p);
		snprintf(b, sizeof b, "%s", p);
	}
	if (parse_date(strtrim(a), &out->r[i].from, &absa) != 0 ||
	    parse_date(strtrim(b), &out->r[i].to, &absb) != 0 || absa != absb)
		return -1;
	if (absa && out->r[i].to < out->r[i].from)
		return -1;
	out->r[i].absolute = absa;
	out->n++;
	return 0;
}

/* Parse. */
int
season_parse(const char *spec, struct season *out, char **cause)
{
	char *copy, *p, *save = NULL;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (spec == NULL)
		return 0;
	copy = xstrdup(spec);
	for (p = strtok_r(copy, ",;", &save); p != NULL; p = strtok_r(NULL, ",;", &save)) {
		p = strtrim(p);
		if (*p == '\0')
			continue;
		if (out->n == SEASON_MAX_RANGES) {
			set_cause(cause, "'%s': at most %d seasons or date ranges", spec,
			    SEASON_MAX_RANGES);
			rc = -1;
			break;
		}
		if (parse_part(p, out) != 0) {
			set_cause(cause, "'%s': not a season or date range (spring, summer, fall, "
			    "winter, holiday, christmas, halloween, a month, MM-DD..MM-DD or "
			    "YYYY-MM-DD..YYYY-MM-DD)", p);
			rc = -1;
			break;
		}
	}
	free(copy);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

/* Test a date. */
int
season_contains(const struct season *s, int year, int month, int day)
{
	int32_t md = month * 100 + day, dn = 0;
	int i, have_dn = 0;

	if (s == NULL || s->n == 0)
		return 1;
	for (i = 0; i < s->n; i++) {
		if (s->r[i].absolute) {
			if (!have_dn) {
				dn = (int32_t)tz_days_from_civil(year, month, day);
				have_dn = 1;
			}
			if (dn >= s->r[i].from && dn <= s->r[i].to)
				return 1;
		} else if (s->r[i].from <= s->r[i].to) {
			if (md >= s->r[i].from && md <= s->r[i].to)
				return 1;
		} else if (md >= s->r[i].from || md <= s->r[i].to)
			return 1;
	}
	return 0;
}
