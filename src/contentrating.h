/*
 * contentrating.h: content ratings as Plex and .nfo files write them (G,
 * PG-13, TV-MA, "Rated R", gb/15, Australia:M, "ab 12", bare ages) turned
 * into one normalised name and a level on the project's scale.
 *
 * The level is the minimum viewer age the rating implies: 0 (G, TV-Y,
 * TV-G, U), 7 (TV-Y7), 8 (PG, TV-PG), 12 (12, 12A), 13 (PG-13, AU M),
 * 14 (TV-14, CA 14A), 15 (15, MA15+), 16, 17 (R, TV-MA), 18 (NC-17, 18,
 * R18+, X). A channel's limit is then one comparison. -1: not rated or
 * not understood.
 */
#ifndef RV_CONTENTRATING_H
#define RV_CONTENTRATING_H

#include <stddef.h>

#define RATING_LEVEL_UNKNOWN (-1)
#define RATING_LEVEL_MAX 18

/*
 * Parse raw. norm gets the normalised name: US names as they are (G, PG,
 * PG-13, R, NC-17, TV-Y, TV-Y7, TV-G, TV-PG, TV-14, TV-MA); other
 * countries' ratings the US name of the same level (TV names when tv is
 * set); "NR" for not rated. Returns 0 when understood, -1 when not (then
 * norm holds the trimmed text and *level is -1). norm may be NULL.
 */
int contentrating_parse(const char *raw, int tv, char *norm, size_t len, int *level);
/* The US name for a level (movie or TV scale); "NR" for -1. */
const char *contentrating_name(int level, int tv);

#endif
