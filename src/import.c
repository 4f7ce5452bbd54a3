/*
 * import.c: what the importers (server syncs, TMM scans) share: warnings,
 * changes, their transactions, and removing what a run did not find.
 */
#include "src/import.h"

#include <stdarg.h>
#include <stdlib.h>

#include "src/db.h"
#include "src/library.h"
#include "src/log.h"
#include "src/strmap.h"
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

/* Prepare sql with ?1 = a, ?2 = b (unbound when NULL); NULL with dberr set. */
static sqlite3_stmt *
prepare_ab(struct import_tx *t, const char *sql, int64_t a, const char *b)
{
	sqlite3_stmt *st;
	char *cause = NULL;

	if ((st = db_prepare(t->db, sql, &cause)) == NULL) {
		import_db_error(t, NULL, cause);
		free(cause);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, a);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	return st;
}

/* Is key in seen, seen? */
static int
was_seen(struct strmap *seen, const sqlite3_stmt *st, int col)
{
	struct strmap_val *v;

	if (sqlite3_column_type((sqlite3_stmt *)st, col) == SQLITE_NULL)
		return 0;
	v = strmap_get(seen, db_text((sqlite3_stmt *)st, col));
	return v != NULL && v->seen;
}

int
import_unseen(struct import_tx *t, const char *sql, int64_t a, const char *b,
    struct strmap *seen, int64_t **ids, size_t *n, long *total)
{
	sqlite3_stmt *st;

	*ids = NULL;
	*n = 0;
	*total = 0;
	if ((st = prepare_ab(t, sql, a, b)) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		(*total)++;
		if (was_seen(seen, st, 1))
			continue;
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return 0;
}

int
import_remove_files(struct import_tx *t, struct library *lib, const int64_t *ids, size_t n,
    const char *reason, const char *what, long *removed)
{
	char *cause = NULL, *title;
	size_t i;
	int ok = 1;

	for (i = 0; i < n && ok; i++) {
		title = library_title(t->db, ids[i]);
		if (library_remove_file(lib, ids[i], reason, &cause) != 0) {
			ok = import_write_failed(t, title, cause) == 0;
			freep(&cause);
		} else {
			(*removed)++;
			import_change(t, IMPORT_REMOVED, what, title, ids[i]);
		}
		free(title);
	}
	return ok ? 0 : -1;
}

int
import_remove_shows(struct import_tx *t, struct library *lib, const char *sql, int64_t a,
    const char *b, struct strmap *seen, long *removed)
{
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	char **names = NULL, *cause = NULL;
	size_t n = 0, i;
	int gone, ok = 1;

	if ((st = prepare_ab(t, sql, a, b)) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (was_seen(seen, st, 1))
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		names = xreallocarray(names, n + 1, sizeof *names);
		ids[n] = sqlite3_column_int64(st, 0);
		names[n++] = xstrdup(db_text(st, 2));
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		if (ok && library_remove_show_if_empty(lib, ids[i], &gone, &cause) != 0) {
			ok = import_write_failed(t, names[i], cause) == 0;
			freep(&cause);
		} else if (ok && gone) {
			(*removed)++;
			import_change(t, IMPORT_REMOVED, "show", names[i], 0);
		}
		free(names[i]);
	}
	free(names);
	free(ids);
	return ok ? 0 : -1;
}
