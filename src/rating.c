/*
 * rating.c: map the ratings libraries carry onto one scale (see rating.h).
 */
#include "src/rating.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rating_name {
	const char *name;
	int level;
	const char *system;
};

/* US names (upper case, as normalised). */
static const struct rating_name us_ratings[] = {
	{ "TV-Y", RATING_TV_Y, "VCHIP" },
	{ "TV-Y7", RATING_TV_Y7, "VCHIP" },
	{ "TV-Y7-FV", RATING_TV_Y7, "VCHIP" },
	{ "TV-G", RATING_G, "VCHIP" },
	{ "TV-PG", RATING_PG, "VCHIP" },
	{ "TV-14", RATING_TV14, "VCHIP" },
	{ "TV-MA", RATING_R, "VCHIP" },
	{ "G", RATING_G, "MPAA" },
	{ "PG", RATING_PG, "MPAA" },
	{ "PG-13", RATING_PG13, "MPAA" },
	{ "R", RATING_R, "MPAA" },
	{ "NC-17", RATING_NC17, "MPAA" },
	{ "X", RATING_ADULT, "MPAA" },
	{ "XXX", RATING_ADULT, "MPAA" },
	{ "AO", RATING_ADULT, "MPAA" },
	{ "ADULT", RATING_ADULT, "MPAA" },
	{ "M", RATING_PG, "MPAA" },             /* 1968-1970, became GP then PG */
	{ "GP", RATING_PG, "MPAA" },
	{ "APPROVED", RATING_G, "MPAA" },       /* Production Code era */
	{ "PASSED", RATING_G, "MPAA" },
};

/* Spellings that mean "no rating". */
static const char *unrated_names[] = {
	"", "NR", "NOT RATED", "NOTRATED", "UNRATED", "UR", "N/A", "NA", "NONE", "UNKNOWN",
	"TV-NR", "E", "EXEMPT",
};

/* Country ratings that are not just an age, by country code. */
static const struct {
	const char *country;
	const char *value;
	int level;
} country_ratings[] = {
	{ "gb", "U", 0 }, { "gb", "UC", 0 }, { "gb", "PG", 8 }, { "gb", "12A", 12 },
	{ "gb", "R18", 18 },
	{ "au", "G", 0 }, { "au", "PG", 8 }, { "au", "M", 13 }, { "au", "MA", 15 },
	{ "au", "MA15+", 15 }, { "au", "R", 18 }, { "au", "R18+", 18 }, { "au", "X", 18 },
	{ "au", "X18+", 18 }, { "au", "C", 0 }, { "au", "P", 0 },
	{ "ca", "G", 0 }, { "ca", "PG", 8 }, { "ca", "14A", 14 }, { "ca", "18A", 18 },
	{ "ca", "R", 18 }, { "ca", "A", 18 }, { "ca", "C", 0 }, { "ca", "C8", 8 },
	{ "ca", "14+", 14 }, { "ca", "18+", 18 },
	{ "nz", "G", 0 }, { "nz", "PG", 8 }, { "nz", "M", 13 }, { "nz", "R", 18 },
	{ "fr", "TP", 0 }, { "fr", "U", 0 },
	{ "ie", "G", 0 }, { "ie", "PG", 8 },
	{ "nl", "AL", 0 },
};

/* Rating boards by country code, for XMLTV's system attribute. */
static const struct {
	const char *country;
	const char *system;
} country_systems[] = {
	{ "gb", "BBFC" }, { "de", "FSK" }, { "fr", "CSA" }, { "au", "ACB" },
	{ "ca", "CHVRS" }, { "nz", "OFLC" }, { "ie", "IFCO" }, { "nl", "Kijkwijzer" },
	{ "br", "ClassInd" }, { "jp", "Eirin" }, { "kr", "KMRB" }, { "es", "ICAA" },
	{ "it", "AGCOM" }, { "se", "SMFR" }, { "dk", "MR" }, { "no", "Medietilsynet" },
	{ "fi", "KAVI" }, { "at", "JMK" }, { "ch", "FSK" }, { "in", "CBFC" },
	{ "mx", "RTC" },
};

/* Names of the levels, by minimum age. */
static const char *level_names[RATING_MAX + 1] = {
	[0] = "G/TV-G", [1] = "age 1", [2] = "age 2", [3] = "age 3", [4] = "age 4",
	[5] = "age 5", [6] = "age 6", [7] = "TV-Y7", [8] = "PG/TV-PG", [9] = "age 9",
	[10] = "age 10", [11] = "age 11", [12] = "age 12", [13] = "PG-13", [14] = "TV-14",
	[15] = "age 15", [16] = "age 16", [17] = "R/TV-MA", [18] = "NC-17",
};

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

/* The level a minimum age stands for: the age, at most RATING_MAX. */
static int
age_level(int age)
{
	return age > RATING_MAX ? RATING_MAX : age;
}

/* The first run of digits in s as an age, or -1. */
static int
find_age(const char *s)
{
	while (*s != '\0' && !isdigit((unsigned char)*s))
		s++;
	if (*s == '\0')
		return -1;
	return atoi(s) > 99 ? -1 : atoi(s);
}

/* An age alone, upper case: "12", "16+", "FSK 16", "AB 12", "AGE 7"; else -1. */
static int
bare_age(const char *s)
{
	int n = 0, age;

	if (strncmp(s, "FSK", 3) == 0 || strncmp(s, "AGE", 3) == 0)
		s += 3;
	else if (strncmp(s, "AB", 2) == 0)
		s += 2;
	while (isspace((unsigned char)*s))
		s++;
	if (sscanf(s, "%2d%n", &age, &n) != 1 || !isdigit((unsigned char)*s) || age < 0)
		return -1;
	if (s[n] == '+')
		n++;
	return s[n] == '\0' ? age : -1;
}

/* Copy s upper-cased, without surrounding space, into buf. */
static void
upper_copy(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	while (*s != '\0' && n + 1 < len)
		buf[n++] = (char)toupper((unsigned char)*s++);
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
}

/* Is name one of the "no rating" spellings? */
static int
is_unrated(const char *name)
{
	size_t i;

	for (i = 0; i < NITEMS(unrated_names); i++) {
		if (strcmp(name, unrated_names[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * A US rating in upper case, tolerating missing dashes ("PG13", "TV14",
 * "TVMA") and trailing reasons ("R FOR VIOLENCE").
 */
static int
parse_us(const char *up, struct rating *out)
{
	char tok[24], squeezed[24];
	size_t i, n = 0;
	const char *p;

	/* The first word is the rating; the rest is a reason. */
	for (p = up; *p != '\0' && !isspace((unsigned char)*p) && n + 1 < sizeof tok; p++)
		tok[n++] = *p;
	tok[n] = '\0';
	for (i = 0; i < NITEMS(us_ratings); i++) {
		if (strcmp(tok, us_ratings[i].name) == 0)
			goto found;
	}
	/* Without dashes: compare both with their dashes taken out. */
	for (n = 0, p = tok; *p != '\0'; p++) {
		if (*p != '-' && *p != '_' && *p != ' ')
			squeezed[n++] = *p;
	}
	squeezed[n] = '\0';
	for (i = 0; i < NITEMS(us_ratings); i++) {
		char want[24];
		size_t m = 0;

		for (p = us_ratings[i].name; *p != '\0'; p++) {
			if (*p != '-')
				want[m++] = *p;
		}
		want[m] = '\0';
		if (strcmp(squeezed, want) == 0)
			goto found;
	}
	return -1;

found:
	out->level = us_ratings[i].level;
	snprintf(out->name, sizeof out->name, "%s", us_ratings[i].name);
	snprintf(out->system, sizeof out->system, "%s", us_ratings[i].system);
	return 0;
}

/* A country's rating: cc is lower case, value upper case. */
static int
parse_country(const char *cc, const char *value, struct rating *out)
{
	size_t i;
	int age, level = RATING_UNRATED;

	if (strcmp(cc, "us") == 0)
		return parse_us(value, out);
	if (is_unrated(value))
		return -1;
	for (i = 0; i < NITEMS(country_ratings); i++) {
		if (strcmp(cc, country_ratings[i].country) == 0 &&
		    strcmp(value, country_ratings[i].value) == 0) {
			level = country_ratings[i].level;
			break;
		}
	}
	if (level == RATING_UNRATED) {
		if (strcmp(value, "U") == 0 || strcmp(value, "TP") == 0 ||
		    strcmp(value, "AL") == 0 || strcmp(value, "ALL") == 0 ||
		    strcmp(value, "G") == 0)
			level = RATING_G;
		else if (strcmp(value, "PG") == 0)
			level = RATING_PG;
		else if (strcmp(value, "PG-13") == 0 || strcmp(value, "PG13") == 0)
			level = RATING_PG13;
		else if (strcmp(value, "X") == 0)
			level = RATING_ADULT;
		else if ((age = find_age(value)) >= 0)
			level = age_level(age);
		else
			return -1;
	}
	out->level = level;
	snprintf(out->name, sizeof out->name, "%s/%s", cc, value);
	/* Unknown boards go by the country code, upper case. */
	snprintf(out->system, sizeof out->system, "%c%c", toupper((unsigned char)cc[0]),
	    toupper((unsigned char)cc[1]));
	for (i = 0; i < NITEMS(country_systems); i++) {
		if (strcmp(cc, country_systems[i].country) == 0)
			snprintf(out->system, sizeof out->system, "%s", country_systems[i].system);
	}
	return 0;
}

/* Parse a rating. */
int
rating_parse(const char *text, struct rating *out)
{
	char up[64], cc[3], *p, *value;
	int age;

	memset(out, 0, sizeof *out);
	out->level = RATING_UNRATED;
	if (text == NULL)
		return -1;
	upper_copy(up, sizeof up, text);
	p = up;
	/* .nfo files: "Rated PG-13", "Rated R for violence". */
	if (strncmp(p, "RATED ", 6) == 0)
		p += 6;
	/* "MPAA:R", "MPAA R". */
	if (strncmp(p, "MPAA", 4) == 0 && (p[4] == ':' || p[4] == ' '))
		p += 5;
	while (isspace((unsigned char)*p))
		p++;
	if (is_unrated(p))
		return -1;
	/* Country prefixes: Plex "gb/15", Kodi "US:PG-13", "Germany:16" is not handled. */
	if (isalpha((unsigned char)p[0]) && isalpha((unsigned char)p[1]) &&
	    (p[2] == '/' || p[2] == ':')) {
		cc[0] = (char)tolower((unsigned char)p[0]);
		cc[1] = (char)tolower((unsigned char)p[1]);
		cc[2] = '\0';
		value = p + 3;
		while (isspace((unsigned char)*value))
			value++;
		if (strncmp(value, "RATED ", 6) == 0)
			value += 6;
		if (parse_country(cc, value, out) == 0)
			return 0;
		goto unrated;
	}
	if (strncmp(p, "USA:", 4) == 0)
		p += 4;
	if (parse_us(p, out) == 0)
		return 0;
	/* A bare age ("12", "16+", "FSK 16", "ab 12"). */
	if ((age = bare_age(p)) >= 0) {
		out->level = age_level(age);
		snprintf(out->name, sizeof out->name, "%d", age);
		snprintf(out->system, sizeof out->system, "age");
		return 0;
	}
unrated:
	memset(out, 0, sizeof *out);
	out->level = RATING_UNRATED;
	return -1;
}

/* Level of a rating text. */
int
rating_level(const char *text)
{
	struct rating r;

	rating_parse(text, &r);
	return r.level;
}

/* US names of a level. */
const char *
rating_level_name(int level)
{
	if (level < 0 || level > RATING_MAX)
		return "unrated";
	return level_names[level];
}

/* The name on a rating card. */
const char *
rating_card_name(int level, int tv, char *buf, size_t len)
{
	const char *name = rating_level_name(level), *slash = strchr(name, '/');

	if (slash == NULL)
		snprintf(buf, len, "%s", name);
	else if (tv)
		snprintf(buf, len, "%s", slash + 1);
	else
		snprintf(buf, len, "%.*s", (int)(slash - name), name);
	return buf;
}

/* Limit check. */
int
rating_allows(int limit, int level, int unrated_ok)
{
	if (limit < 0)
		return 1;
	if (level < 0)
		return unrated_ok;
	return level <= limit;
}
