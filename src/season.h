/*
 * season.h: seasons and date ranges, for seasonal content
 * (content_scheduling_metadata.seasonal_preference) and for coarse slots
 * that are active only on some dates (schedules.rule "dates").
 *
 * A spec is a list separated by commas of:
 *   spring summer fall (autumn) winter      by the calendar (03-20, 06-21,
 *                                           09-23, 12-21)
 *   holiday (holidays)   11-20..01-06       christmas 12-01..12-26
 *   halloween            10-01..10-31       thanksgiving 11-15..11-30
 *   january .. december  the month
 *   MM-DD or MM-DD..MM-DD                   every year (may run past 12-31)
 *   YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD    those days only
 * Dates are local to the channel; both ends are included.
 */
#ifndef RV_SEASON_H
#define RV_SEASON_H

#include <stdint.h>

#define SEASON_MAX_RANGES 8

struct season {
	int n;
	struct {
		int32_t from, to;       /* month*100+day, or days since the epoch */
		int absolute;           /* 1: from/to are days since the epoch */
	} r[SEASON_MAX_RANGES];
};

/* Parse a spec. 0, or -1 with *cause naming the part it did not understand. */
int season_parse(const char *spec, struct season *out, char **cause);
/* Is the local date (year, month 1-12, day) in the season? An empty season holds every day. */
int season_contains(const struct season *s, int year, int month, int day);

#endif
