/*
 * guid.c: external identifiers.
 */
#include "src/guid.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const provider_names[GUID_NPROVIDERS] = {
	[GUID_TVDB] = "tvdb",
	[GUID_TMDB] = "tmdb",
	[GUID_IMDB] = "imdb",
	[GUID_PLEX] = "plex",
};

/* Names sources use for each provider. */
static const struct {
	const char *name;
	enum guid_provider p;
} aliases[] = {
	{ "tvdb", GUID_TVDB },
	{ "thetvdb", GUID_TVDB },
	{ "tmdb", GUID_TMDB },
	{ "themoviedb", GUID_TMDB },
	{ "moviedb", GUID_TMDB },
	{ "imdb", GUID_IMDB },
	{ "plex", GUID_PLEX },
};

/* Provider name. */
const char *
guid_provider_name(enum guid_provider p)
{
	return (unsigned)p < GUID_NPROVIDERS ? provider_names[p] : "?";
}

/* Provider by name, case-insensitive. */
int
guid_provider_parse(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		if (strcasecmp(aliases[i].name, name) == 0)
			return (int)aliases[i].p;
	}
	return -1;
}

/* Copy an id of n bytes, trimmed; -1 if empty, too long or not printable. */
static int
copy_id(struct guid *out, const char *s, size_t n)
{
	size_t i;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '/'))
		n--;
	if (n == 0 || n >= sizeof out->id)
		return -1;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x21 || s[i] == 0x7f)
			return -1;
	}
	memcpy(out->id, s, n);
	out->id[n] = '\0';
	return 0;
}

/* Parse "scheme://id[?query]". */
int
guid_parse(const char *s, struct guid *out)
{
	const char *sep, *id, *end, *agent;
	char scheme[64];
	size_t n;
	int p;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if ((sep = strstr(s, "://")) == NULL || (n = (size_t)(sep - s)) == 0 ||
	    n >= sizeof scheme)
		return -1;
	memcpy(scheme, s, n);
	scheme[n] = '\0';
	/* com.plexapp.agents.NAME and tv.plex.agents.NAME: the last part. */
	agent = strrchr(scheme, '.');
	agent = agent != NULL ? agent + 1 : scheme;
	if ((p = guid_provider_parse(agent)) < 0)
		return -1;
	id = sep + 3;
	end = id + strcspn(id, "?#");
	out->provider = (enum guid_provider)p;
	if (copy_id(out, id, (size_t)(end - id)) != 0)
		return -1;
	/* An IMDb id is "tt" and digits; anything else is not one. */
	if (out->provider == GUID_IMDB && (strncmp(out->id, "tt", 2) != 0 ||
	    !isdigit((unsigned char)out->id[2])))
		return -1;
	return 0;
}

/* Digits (or "tt" and digits) after needle in url, into out. */
static int
id_after(const char *url, const char *needle, int imdb, struct guid *out)
{
	const char *p = strstr(url, needle), *q;

	if (p == NULL)
		return -1;
	p += strlen(needle);
	q = p;
	if (imdb) {
		if (strncmp(q, "tt", 2) != 0)
			return -1;
		q += 2;
	}
	if (!isdigit((unsigned char)*q))
		return -1;
	while (isdigit((unsigned char)*q))
		q++;
	return copy_id(out, p, (size_t)(q - p));
}

/* Web links as Radarr, Sonarr and Kodi write them into .nfo files. */
int
guid_from_url(const char *url, struct guid *out)
{
	if (url == NULL)
		return -1;
	if (strstr(url, "imdb.com/") != NULL) {
		out->provider = GUID_IMDB;
		return id_after(url, "/title/", 1, out);
	}
	if (strstr(url, "themoviedb.org/") != NULL) {
		out->provider = GUID_TMDB;
		if (id_after(url, "/movie/", 0, out) == 0 || id_after(url, "/tv/", 0, out) == 0)
			return 0;
		return -1;
	}
	if (strstr(url, "thetvdb.com") != NULL) {
		out->provider = GUID_TVDB;
		if (id_after(url, "id=", 0, out) == 0 || id_after(url, "/series/", 0, out) == 0)
			return 0;
		return -1;
	}
	return -1;
}

/* Lowest provider number wins: the enum is in priority order. */
int
guid_primary(const struct guid *g, size_t n)
{
	size_t i;
	int best = -1;

	for (i = 0; i < n; i++) {
		if (best < 0 || g[i].provider < g[best].provider)
			best = (int)i;
	}
	return best;
}

/* Append unless this provider is already known. */
int
guid_add(struct guid *list, size_t *n, size_t max, const struct guid *g)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (list[i].provider == g->provider)
			return 0;
	}
	if (*n >= max)
		return 0;
	list[(*n)++] = *g;
	return 1;
}

/* "provider://id". */
char *
guid_format(const struct guid *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s://%s", guid_provider_name(g->provider), g->id);
	return buf;
}
