/*
 * guid.h: external identifiers of movies and shows (TVDB, TMDB, IMDb,
 * Plex) as Plex agents, Kodi .nfo files and web links write them, and the
 * choice of the primary one (TVDB > TMDB > IMDb > Plex).
 */
#ifndef RV_GUID_H
#define RV_GUID_H

#include <stddef.h>

enum guid_provider {
	GUID_TVDB,
	GUID_TMDB,
	GUID_IMDB,
	GUID_PLEX,
	GUID_NPROVIDERS,
};

#define GUID_ID_MAX 96

struct guid {
	enum guid_provider provider;
	char id[GUID_ID_MAX];           /* "268592", "tt0165832", "movie/5d77..." */
};

/*
 * Parse a Plex guid: "com.plexapp.agents.thetvdb://268592/1/1?lang=en",
 * "imdb://tt0253556", "plex://show/abc". 0, or -1 for agents that name
 * no external database (local://, com.plexapp.agents.none://) and junk.
 */
int guid_parse(const char *s, struct guid *out);
/* Parse a web link: imdb.com/title/tt..., themoviedb.org/movie/N, thetvdb.com ...id=N. */
int guid_from_url(const char *url, struct guid *out);
/* A provider by name as sources spell it ("TVDB", "themoviedb", "imdb"); -1 if unknown. */
int guid_provider_parse(const char *name);
/* "tvdb", "tmdb", "imdb", "plex". */
const char *guid_provider_name(enum guid_provider p);
/* Index of the primary guid (TVDB > TMDB > IMDb > Plex), -1 if n is 0. */
int guid_primary(const struct guid *g, size_t n);
/* Add g to list (of at most max) unless the provider is already there; 1 if added. */
int guid_add(struct guid *list, size_t *n, size_t max, const struct guid *g);
/* "tvdb://268592" into buf. */
char *guid_format(const struct guid *g, char *buf, size_t len);

#endif
