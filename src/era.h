/*
 * era.h: a channel's era (channels.era, 'retrovue channel edit --era'):
 * the years whose commercials, bumpers and station IDs its breaks prefer.
 *
 *   1980-1989     those years, both ends included
 *   1980s         the decade: 1980-1989
 *   1987          that year alone
 *   programme     the decade of the programme each break is in (a film
 *                 of 1984 prefers 1980-1989); "program" is the same
 *   none, ""      no preference
 *
 * A clip is of an era when its production year is known and inside it; a
 * clip with no year belongs to no era. The preference is the scheduler's
 * (src/sched.c) and its checker's (src/schedcheck.c).
 */
#ifndef RV_ERA_H
#define RV_ERA_H

#include <stddef.h>

#define ERA_MIN_YEAR 1800
#define ERA_MAX_YEAR 2999

struct era {
	int lo, hi;                     /* years, both included; 0: none */
	int programme;                  /* the programme's own decade */
};

/* Parse as typed (above) into *e. 0, or -1 with *cause. */
int era_parse(const char *s, struct era *e, char **cause);
/* The form to store: "1980-1989", "programme", or "" for none. */
const char *era_format(const struct era *e, char *buf, size_t len);
/*
 * The years a break prefers: the channel's era, or with "programme" the
 * decade of prog_year (0: unknown, then none). 1 with *lo and *hi, or 0
 * when a break has no preference.
 */
int era_range(const struct era *e, int prog_year, int *lo, int *hi);

#endif
