/*
 * rating.h: content ratings on one scale. Every rating a library can carry
 * (MPAA "PG-13", TV Parental Guidelines "TV-14", Plex's country-prefixed
 * "gb/15" or "de/16", .nfo's "Rated R" or "US:PG-13", a bare "12") maps to
 * a level, so a channel's rating limit is one integer comparison.
 *
 * The level is the minimum viewer age the rating implies (the same scale
 * as the content importer's contentrating): 0 G, TV-G, TV-Y, U; 7 TV-Y7;
 * 8 PG, TV-PG; 12 12, 12A; 13 PG-13; 14 TV-14, 14A; 15 15, MA15+; 16;
 * 17 R, TV-MA; 18 NC-17, 18, R18+, X.
 *
 * Unrated ("NR", "Not Rated", empty) is RATING_UNRATED (-1): not a level;
 * what a channel does with unrated content is the scheduler's policy.
 * Importers store rating.name in content_scheduling_metadata.content_rating
 * and rating.level in rating_level. The module has no state: thread-safe.
 */
#ifndef RV_RATING_H
#define RV_RATING_H

#include <stddef.h>

#define RATING_UNRATED  (-1)
#define RATING_G        0               /* also TV-Y, TV-G */
#define RATING_TV_Y     0
#define RATING_TV_Y7    7
#define RATING_PG       8               /* also TV-PG */
#define RATING_PG13     13
#define RATING_TV14     14
#define RATING_R        17              /* also TV-MA */
#define RATING_NC17     18              /* also X, adults only */
#define RATING_ADULT    18
#define RATING_MAX      18

struct rating {
	int level;                      /* 0 .. RATING_MAX, or RATING_UNRATED */
	char name[24];                  /* normalised: "PG-13", "TV-14", "gb/15" */
	char system[16];                /* "MPAA", "VCHIP", "BBFC", "FSK", ...; "" unrated */
};

/*
 * Parse a rating as libraries write it. 0 with *out filled, or -1 when it is
 * unrated or unrecognised (then out->level is RATING_UNRATED and out->name
 * empty).
 */
int rating_parse(const char *text, struct rating *out);
/* The level of text, or RATING_UNRATED. */
int rating_level(const char *text);
/* The names of a level: "R/TV-MA", "PG-13", "age 15"; "unrated" for RATING_UNRATED. */
const char *rating_level_name(int level);
/*
 * The rating a rating card announces for a level: the television name for
 * tv ("TV-PG"), the film name otherwise ("PG"), into buf.
 */
const char *rating_card_name(int level, int tv, char *buf, size_t len);
/*
 * Whether content at level may air under limit (a level, or RATING_UNRATED
 * for no limit). Unrated content passes only when unrated_ok is set.
 */
int rating_allows(int limit, int level, int unrated_ok);

#endif
