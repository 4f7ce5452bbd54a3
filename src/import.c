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
