/*
 * chanopts.h: what the channel, schedule, guide and asrun commands share:
 * finding a channel by number, reading times in a channel's zone, yes/no
 * options, the note on what a channel's era came to.
 */
#ifndef RV_CHANOPTS_H
#define RV_CHANOPTS_H

#include <stdint.h>

#include <sqlite3.h>

#include "src/channels.h"

struct tz;

/* Channel by number into *c; prints why not and returns -1. */
int chanopts_find(sqlite3 *db, const char *number, struct channel_conf *c);
/*
 * A time for --from: "now", "+2h", "-30m", "+1d", "HH:MM" (today), "YYYY-MM-DD",
 * "YYYY-MM-DD HH:MM[:SS]" or with 'T' (local to tz), any of the dated forms
 * with a trailing 'Z' (UTC). 0 with *out, or -1 after printing why.
 */
int chanopts_time(const char *s, const struct tz *tz, int64_t now, int64_t *out);
/* "yes"/"no"/"on"/"off"/"1"/"0": 1 or 0; -1 after printing why. */
int chanopts_yesno(const char *opt, const char *s);
/* A local time "YYYY-MM-DD HH:MM:SS" (or "HH:MM:SS.ff" with fps) in tz into buf. */
const char *chanopts_local(const struct tz *tz, int64_t t_ms, char *buf, size_t len);
/* Print the option's complaint and return -1: "--hours: 'x' is not ...". */
int chanopts_bad(const char *opt, const char *value, const char *want);
/*
 * Print "note: ..." lines when clips of other eras filled breaks that
 * prefer an era in [from_ms, to_ms) of the stored fine log
 * (schedcheck_era_note); nothing otherwise.
 */
void chanopts_era_note(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms);

#endif
