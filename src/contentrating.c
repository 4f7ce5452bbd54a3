/*
 * contentrating.c: content rating names to levels.
 */
#include "src/contentrating.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rating {
	const char *name;       /* upper case, no spaces, hyphens or '+' */
	int level;
	const char *norm;       /* NULL: the level's name */
};

/* US film (MPA) and TV (parental guidelines). */
static const struct rating us[] = {
	{ "G", 0, "G" }, { "PG", 8, "PG" }, { "PG13", 13, "PG-13" }, { "R", 17, "R" },
	{ "NC17", 18, "NC-17" }, { "X", 18, "NC-17" }, { "XXX", 18, "NC-17" },
	{ "ADULT", 18, "NC-17" }, { "TVY", 0, "TV-Y" }, { "TVY7", 7, "TV-Y7" },
	{ "TVY7FV", 7, "TV-Y7" }, { "TVG", 0, "TV-G" }, { "TVPG", 8, "TV-PG" },
	{ "TV14", 14, "TV-14" }, { "TVMA", 17, "TV-MA" }, { "M", 8, "PG" },
	{ "GP", 8, "PG" },
	{ NULL, 0, NULL },
};
static const struct rating gb[] = {
	{ "U", 0, NULL }, { "UC", 0, NULL }, { "PG", 8, NULL }, { "12", 12, NULL },
	{ "12A", 12, NULL }, { "15", 15, NULL }, { "18", 18, NULL }, { "R18", 18, NULL },
	{ NULL, 0, NULL },
};
static const struct rating au[] = {
	{ "G", 0, NULL }, { "PG", 8, NULL }, { "M", 13, NULL }, { "MA", 15, NULL },
	{ "MA15", 15, NULL }, { "R", 18, NULL }, { "R18", 18, NULL }, { "X", 18, NULL },
	{ "X18", 18, NULL }, { "C", 0, NULL }, { "P", 0, NULL },
	{ NULL, 0, NULL },
};
static const struct rating ca[] = {
	{ "G", 0, NULL }, { "PG", 8, NULL }, { "14A", 14, NULL }, { "18A", 18, NULL },
	{ "R", 18, NULL }, { "A", 18, NULL }, { "C", 0, NULL }, { "C8", 8, NULL },
	{ "14", 14, NULL }, { "18", 18, NULL },
	{ NULL, 0, NULL },
};
/* Words for "no rating". */
static const char *const unrated[] = {
	"NR", "NOTRATED", "UNRATED", "NONE", "E", "EXEMPT", "APPROVED", "PASSED", "NA", "N/A",
	"TBC", "TBA", NULL,
};

/* Countries by the names Plex (two letters) and Kodi (words) use. */
static const struct {
	const char *name;
	const struct rating *table;
} countries[] = {
	{ "us", us }, { "usa", us }, { "unitedstates", us }, { "gb", gb }, { "uk", gb },
	{ "unitedkingdom", gb }, { "au", au }, { "australia", au }, { "ca", ca },
	{ "canada", ca },
};

/* The US name of a level. */
const char *
contentrating_name(int level, int tv)
{
	if (level < 0)
		return "NR";
	if (tv) {
		if (level == 0)
			return "TV-G";
		if (level <= 7)
			return "TV-Y7";
		if (level <= 10)
			return "TV-PG";
		if (level <= 14)
			return "TV-14";
		return "TV-MA";
	}
	if (level == 0)
		return "G";
	if (level <= 10)
		return "PG";
	if (level <= 14)
		return "PG-13";
	if (level <= 17)
		return "R";
	return "NC-17";
}

/* Upper case without spaces, hyphens, underscores, dots or '+'. */
static void
squeeze(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < len; s++) {
		if (*s == ' ' || *s == '-' || *s == '_' || *s == '+' || *s == '.')
			continue;
		out[n++] = (char)toupper((unsigned char)*s);
	}
	out[n] = '\0';
}

/* Look key up in table. */
static const struct rating *
lookup(const struct rating *t, const char *key)
{
	for (; t->name != NULL; t++) {
		if (strcmp(t->name, key) == 0)
			return t;
	}
	return NULL;
}

/* A bare age: "16", "12+", "FSK16", "AB12"; -1 if not one. */
static int
bare_age(const char *key)
{
	const char *p = key;
	char *end;
	long v;

	if (strncmp(p, "FSK", 3) == 0)
		p += 3;
	else if (strncmp(p, "AB", 2) == 0)
		p += 2;
	else if (strncmp(p, "AGE", 3) == 0)
		p += 3;
	if (!isdigit((unsigned char)*p))
		return -1;
	v = strtol(p, &end, 10);
	if (*end != '\0' || v < 0 || v > 99)
		return -1;
	return v > RATING_LEVEL_MAX ? RATING_LEVEL_MAX : (int)v;
}

/* Write out. */
static void
put(char *norm, size_t len, const char *s)
{
	if (norm != NULL && len > 0)
		snprintf(norm, len, "%s", s);
}

/* Parse a rating. */
int
contentrating_parse(const char *raw, int tv, char *norm, size_t len, int *level)
{
	const struct rating *table = us, *r;
	char buf[64], country[32], key[64], *colon;
	const char *val;
	size_t i, n;
	int age;

	*level = RATING_LEVEL_UNKNOWN;
	put(norm, len, "");
	if (raw == NULL)
		return -1;
	while (isspace((unsigned char)*raw))
		raw++;
	snprintf(buf, sizeof buf, "%s", raw);
	n = strlen(buf);
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (n == 0)
		return -1;
	put(norm, len, buf);

	val = buf;
	if (strncasecmp(val, "rated ", 6) == 0)
		val += 6;
	/* "gb/15" (Plex) or "Australia:M" (Kodi): a country, then the rating. */
	colon = strpbrk((char *)val, "/:");
	country[0] = '\0';
	if (colon != NULL) {
		*colon = '\0';
		squeeze(val, country, sizeof country);
		val = colon + 1;
		for (i = 0; country[i] != '\0'; i++)
			country[i] = (char)tolower((unsigned char)country[i]);
		table = NULL;
		for (i = 0; i < sizeof countries / sizeof countries[0]; i++) {
			if (strcmp(countries[i].name, country) == 0)
				table = countries[i].table;
		}
	}
	squeeze(val, key, sizeof key);
	if (key[0] == '\0')
		return -1;
	for (i = 0; unrated[i] != NULL; i++) {
		if (strcmp(unrated[i], key) == 0) {
			put(norm, len, "NR");
			return 0;
		}
	}
	if (table != NULL && (r = lookup(table, key)) != NULL) {
		*level = r->level;
		put(norm, len, r->norm != NULL ? r->norm : contentrating_name(r->level, tv));
		return 0;
	}
	/* Another country's table we do not have: its ages still read. */
	if ((age = bare_age(key)) >= 0) {
		*level = age;
		put(norm, len, contentrating_name(age, tv));
		return 0;
	}
	/* A country we do not know with a US-looking name ("de/PG"). */
	if (table == NULL && (r = lookup(us, key)) != NULL) {
		*level = r->level;
		put(norm, len, r->norm);
		return 0;
	}
	return -1;
}
