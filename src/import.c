/*
 * import.c: what the importers (Plex sync, TMM scan) share: warnings,
 * changes, and their transactions.
 */
#include "src/import.h"

#include <stdarg.h>
#include <stdlib.h>

#include "src/db.h"
#include "src/library.h"
#include "src/log.h"
#include "src/sysconf.h"
#include "src/util.h"

void
import_warn(const struct import_progress *prog, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	/* The log keeps every warning; stderr shows it once, through the callback if any. */
	if (prog != NULL && prog->warning != NULL) {
		log_info("warning: %s", msg);
		prog->warning(prog->arg, msg);
	} else
		log_warn("%s", msg);
	free(msg);
}

void
import_change(struct import_tx *t, enum import_change kind, const char *what,
    const char *title, int64_t mf_id)
{
	t->changed = 1;
	if (t->prog != NULL && t->prog->change != NULL)
		t->prog->change(t->prog->arg, kind, what, title, mf_id);
}

void
import_db_error(struct import_tx *t, const char *what, const char *cause)
{
	if (t->dberr != NULL)
		return;
	if (what != NULL)
		xasprintf(&t->dberr, "database: %s: %s", what, cause);
	else
		xasprintf(&t->dberr, "database: %s", cause);
}

int
import_tx_begin(struct import_tx *t)
{
	char *cause = NULL;

	t->changed = 0;
	if (db_begin(t->db, &cause) != 0) {
		import_db_error(t, NULL, cause);
		free(cause);
		return -1;
	}
	return 0;
}

int
import_tx_end(struct import_tx *t, int ok)
{
	char *cause = NULL;

	if (!ok || t->dry_run) {
		db_rollback(t->db);
		return ok ? 0 : -1;
	}
	if ((t->changed && library_bump_revision(t->db) != 0) ||
	    db_commit(t->db, &cause) != 0) {
		import_db_error(t, NULL, cause != NULL ? cause : "the library's revision could "
		    "not be updated");
		free(cause);
		db_rollback(t->db);
		return -1;
	}
	return 0;
}

int
import_write_failed(struct import_tx *t, const char *what, const char *cause)
{
	(*t->failed)++;
	if (sqlite3_get_autocommit(t->db)) {
		import_db_error(t, what, cause);
		return -1;
	}
	import_warn(t->prog, "%s: %s", what, cause);
	return 0;
}

int
import_may_remove(sqlite3 *db, const struct import_progress *prog, const char *library,
    long n, long total, int force, struct import_stats *st)
{
	long long pct, cap, limit;

	if (n <= 0 || force)
		return 1;
	pct = sysconf_int(db, "library.remove_limit_percent", IMPORT_REMOVE_LIMIT_PERCENT, 0,
	    100);
	cap = sysconf_int(db, "library.remove_limit_items", IMPORT_REMOVE_LIMIT_ITEMS, 0,
	    1000000000);
	limit = total * pct / 100;
	if (limit < 1)
		limit = 1;
	if (limit > cap)
		limit = cap;
	if (n <= limit && n < total)
		return 1;
	if (n >= total && total == 1)
		import_warn(prog, "%s: its only file would be removed; nothing was removed. Is a "
		    "disk unmounted or the server rebuilding its library? If it is really gone, sync "
		    "again with --force", library);
	else if (n >= total)
		import_warn(prog, "%s: all of its %ld files would be removed; nothing was removed. "
		    "Is a disk unmounted or the server rebuilding its library? If they are really "
		    "gone, sync again with --force", library, total);
	else
		import_warn(prog, "%s: %ld of its %ld files would be removed, more than the limit "
		    "of %lld (%lld%% of a library, at most %lld); nothing was removed. Is a disk "
		    "unmounted or the server rebuilding its library? If they are really gone, sync "
		    "again with --force", library, n, total, limit, pct, cap);
	st->held += n;
	return 0;
}
