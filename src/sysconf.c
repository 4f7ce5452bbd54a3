/*
 * sysconf.c: station-wide settings in system_config.
 */
#include "src/sysconf.h"

#include <stdlib.h>

#include "src/db.h"
#include "src/log.h"
#include "src/util.h"

/* Read a setting. */
char *
sysconf_get(sqlite3 *db, const char *key, const char *dflt)
{
	sqlite3_stmt *st;
	char *v = NULL;

	st = db_prepare(db, "SELECT value FROM system_config WHERE key = ?1", NULL);
	if (st != NULL) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = xstrdup(db_text(st, 0));
		sqlite3_finalize(st);
	}
	if (v == NULL && dflt != NULL)
		v = xstrdup(dflt);
	return v;
}

/* Read an integer setting. */
long long
sysconf_int(sqlite3 *db, const char *key, long long dflt, long long min, long long max)
{
	char *v = sysconf_get(db, key, NULL);
	long long n = dflt;

	if (v != NULL && parse_int(v, min, max, &n) != 0) {
		log_warn("system_config %s = '%s' is not a number from %lld to %lld; using %lld",
		    key, v, min, max, dflt);
		n = dflt;
	}
	free(v);
	return n;
}

/* Write a setting. */
int
sysconf_set(sqlite3 *db, const char *key, const char *value, const char *description,
    char **cause)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "INSERT INTO system_config (key, value, description) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
	    "description = coalesce(excluded.description, description), "
	    "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (description != NULL)
		sqlite3_bind_text(st, 3, description, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_cause(cause, "setting %s: %s", key, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
