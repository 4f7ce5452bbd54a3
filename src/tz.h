/*
 * tz.h: IANA time zones without the C library's global TZ state. Zones are
 * read from the system's TZif files (TZDIR, else /usr/share/zoneinfo), the
 * POSIX rule at the end of a file is expanded into explicit transitions up
 * to 2200, and every query is a binary search on immutable data: safe from
 * any thread, never touches TZ, tzset() or localtime().
 *
 * Slots: a channel's programmes start at local times that are multiples of
 * its slot length from local midnight (:00 and :30 for 30-minute slots).
 * tz_slot_floor/tz_slot_next find those instants in UTC across DST changes:
 * on a spring-forward night the local 02:00 and 02:30 slots do not exist;
 * on a fall-back night 01:00 and 01:30 happen twice.
 */
#ifndef RV_TZ_H
#define RV_TZ_H

#include <stddef.h>
#include <stdint.h>

struct tz;

/* A broken-down local time. */
struct tz_civil {
	int year, month, day;           /* month 1-12, day 1-31 */
	int hour, minute, second;
	int wday;                       /* 0 Sunday .. 6 Saturday */
	int offset;                     /* seconds east of UTC in effect */
	int isdst;
};

/*
 * The zone called name ("America/New_York", "UTC"). Zones are loaded once
 * and cached for the life of the process; the pointer stays valid. NULL
 * with *cause when there is no such zone or its file is unreadable.
 */
const struct tz *tz_get(const char *name, char **cause);
/*
 * The machine's zone name: $TZ if it names a zone, else the target of
 * /etc/localtime, else /etc/timezone, else "UTC". Written into buf.
 */
const char *tz_system_name(char *buf, size_t len);
/* The zone's name. */
const char *tz_name(const struct tz *tz);

/* Offset from UTC in seconds (east positive) at UTC second t. */
int tz_offset(const struct tz *tz, int64_t t);
/* Local civil time at UTC millisecond t_ms. */
void tz_local(const struct tz *tz, int64_t t_ms, struct tz_civil *out);
/*
 * UTC millisecond of a local civil time. An ambiguous time (fall back) is
 * its first occurrence; a time that does not exist (spring forward) is
 * moved forward by the size of the gap.
 */
int64_t tz_utc(const struct tz *tz, int year, int month, int day, int hour, int minute,
    int second);

/* The latest slot boundary at or before t_ms. */
int64_t tz_slot_floor(const struct tz *tz, int64_t t_ms, int slot_minutes);
/* The earliest slot boundary strictly after t_ms. */
int64_t tz_slot_next(const struct tz *tz, int64_t t_ms, int slot_minutes);
/* Is t_ms a slot boundary? */
int tz_is_boundary(const struct tz *tz, int64_t t_ms, int slot_minutes);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t tz_days_from_civil(int year, int month, int day);
void tz_civil_from_days(int64_t days, int *year, int *month, int *day);

#endif
