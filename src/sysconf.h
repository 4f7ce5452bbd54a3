/*
 * sysconf.h: station-wide settings stored in the system_config table
 * (alert audio mode, station id, ...), read and written by key.
 */
#ifndef RV_SYSCONF_H
#define RV_SYSCONF_H

#include <sqlite3.h>

/* The value of key as a new string, or a copy of dflt (may be NULL). */
char *sysconf_get(sqlite3 *db, const char *key, const char *dflt);
/*
 * The value of key as an integer in [min, max], or dflt when unset or
 * not such a number (warned about in the log).
 */
long long sysconf_int(sqlite3 *db, const char *key, long long dflt, long long min,
    long long max);
/* Set key (with a description when first created). 0, or -1 with *cause. */
int sysconf_set(sqlite3 *db, const char *key, const char *value, const char *description,
    char **cause);

#endif
