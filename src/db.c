/*
 * db.c: open the database and migrate it.
 *
 * The order of db_open matters: everything that might refuse the file
 * (not SQLite, not ours, too new, corrupt) is decided with reads only;
 * the first write (WAL mode, then the migrations) happens after. The
 * migrations run in one transaction and set user_version and
 * application_id in it, so a crash leaves the old schema whole.
 */
#include "src/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/log.h"
#include "src/migrations.h"
#include "src/util.h"

/* The schema version this build knows. */
int
db_latest_version(void)
{
	return migrations_count;
}

/* Run SQL with no results. */
int
db_exec(sqlite3 *db, const char *sql, char **cause)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		if (cause != NULL)
			set_cause(cause, "%s", err != NULL ? err : sqlite3_errmsg(db));
		else
			log_error("database: %s", err != NULL ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* BEGIN IMMEDIATE: take the write lock now, waiting up to the busy timeout. */
int
db_begin(sqlite3 *db, char **cause)
{
	return db_exec(db, "BEGIN IMMEDIATE", cause);
}

/* COMMIT. */
int
db_commit(sqlite3 *db, char **cause)
{
	return db_exec(db, "COMMIT", cause);
}

/* ROLLBACK, if a transaction is open. */
void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* Prepare or report. */
sqlite3_stmt *
db_prepare(sqlite3 *db, const char *sql, char **cause)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		if (cause != NULL)
			set_cause(cause, "%s", sqlite3_errmsg(db));
		else
			log_error("database: %s: %s", sqlite3_errmsg(db), sql);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* First column of the first row, or dflt. */
int64_t
db_scalar(sqlite3 *db, const char *sql, int64_t dflt)
{
	sqlite3_stmt *st;
	int64_t v = dflt;

	if ((st = db_prepare(db, sql, NULL)) == NULL)
		return dflt;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Column text or "". */
const char *
db_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

/* Like db_scalar but silent: -1 when the read fails. */
static int64_t
scalar_quiet(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* PRAGMA user_version. */
int
db_schema_version(sqlite3 *db)
{
	return (int)db_scalar(db, "PRAGMA user_version", -1);
}

/* Close and clear. */
void
db_close(sqlite3 **db)
{
	if (db == NULL || *db == NULL)
		return;
	sqlite3_close_v2(*db);
	*db = NULL;
}

/*
 * Look at the file before SQLite does: missing (created when allowed),
 * or something that is not a regular file. The file itself is never opened
 * here: closing any descriptor of a database file drops every POSIX lock
 * the process holds on it, which would break the other connections of a
 * running daemon. SQLite itself says when a file is not a database.
 */
static int
check_file(const char *path, int flags, char **cause)
{
	struct stat st;
	int fd;

	if (stat(path, &st) != 0) {
		if (errno != ENOENT) {
			set_cause(cause, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (!(flags & DB_CREATE) || (flags & DB_READONLY)) {
			set_cause(cause, "%s: no database here (run 'retrovue demo' or "
			    "'retrovue db init' to create one)", path);
			return -1;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			set_cause(cause, "cannot create %s: %s", path, strerror(errno));
			return -1;
		}
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		set_cause(cause, "%s: not a regular file", path);
		return -1;
	}
	return 0;
}

/* Run PRAGMA quick_check; 0 if the answer is "ok". */
static int
quick_check(sqlite3 *db, const char *path, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, "PRAGMA quick_check(1)", cause)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || strcmp(db_text(st, 0), "ok") != 0) {
		set_cause(cause, "%s: the database is corrupt (%s); left untouched — restore a "
		    "backup", path, rc == SQLITE_ROW ? db_text(st, 0) : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Apply migrations (current, upto] in one transaction. */
static int
migrate(sqlite3 *db, const char *path, int upto, char **cause)
{
	char *sql, *err = NULL;
	int v, i;

	if (db_exec(db, "PRAGMA foreign_keys = OFF", cause) != 0)
		return -1;
	if (db_begin(db, cause) != 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	v = db_schema_version(db);
	for (i = v; i < upto; i++) {
		if (sqlite3_exec(db, migrations[i].sql, NULL, NULL, &err) != SQLITE_OK) {
			set_cause(cause, "%s: migration %d (%s) failed: %s", path,
			    migrations[i].version, migrations[i].name, err);
			sqlite3_free(err);
			goto fail;
		}
		log_info("database %s: applied migration %d (%s)", path,
		    migrations[i].version, migrations[i].name);
	}
	if (v < upto) {
		xasprintf(&sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
		    upto, DB_APPLICATION_ID);
		i = db_exec(db, sql, cause);
		free(sql);
		if (i != 0)
			goto fail;
		if (db_scalar(db, "SELECT count(*) FROM pragma_foreign_key_check", 0) != 0) {
			set_cause(cause, "%s: migration left broken foreign keys", path);
			goto fail;
		}
	}
	if (db_commit(db, cause) != 0)
		goto fail;
	return 0;

fail:
	db_rollback(db);
	return -1;
}

/* Open, refuse what is not ours, migrate to upto. */
int
db_open_upto(const char *path, int flags, int upto, sqlite3 **out, char **cause)
{
	sqlite3 *db = NULL;
	int64_t app_id, objects;
	int version, oflags, rc;

	*out = NULL;
	if (upto < 0 || upto > migrations_count)
		upto = migrations_count;
	if (check_file(path, flags, cause) != 0)
		return -1;

	oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(path, &db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		set_cause(cause, "%s: %s", path, db != NULL ? sqlite3_errmsg(db) :
		    sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_extended_result_codes(db, 1);

	/* Reads only until the file is known to be ours and healthy. */
	objects = scalar_quiet(db, "SELECT count(*) FROM sqlite_master");
	if (objects < 0) {
		if (sqlite3_errcode(db) == SQLITE_NOTADB)
			set_cause(cause, "%s: not a SQLite database (left untouched)", path);
		else
			set_cause(cause, "%s: the database is corrupt or unreadable (%s); left "
			    "untouched", path, sqlite3_errmsg(db));
		goto fail;
	}
	app_id = scalar_quiet(db, "PRAGMA application_id");
	version = (int)scalar_quiet(db, "PRAGMA user_version");
	if (app_id != DB_APPLICATION_ID && !(app_id == 0 && version == 0 && objects == 0)) {
		set_cause(cause, "%s: not a Retrovue database (left untouched)", path);
		goto fail;
	}
	if (version > migrations_count) {
		set_cause(cause, "%s: written by a newer Retrovue (schema %d; this one knows up "
		    "to %d); left untouched — upgrade Retrovue", path, version, migrations_count);
		goto fail;
	}
	if (((flags & DB_VERIFY) || (version < upto && objects > 0)) &&
	    quick_check(db, path, cause) != 0)
		goto fail;

	if (flags & DB_READONLY) {
		if (version < upto) {
			set_cause(cause, "%s: schema %d needs upgrading; open it read-write first",
			    path, version);
			goto fail;
		}
	} else {
		if (db_exec(db, "PRAGMA journal_mode = WAL", cause) != 0)
			goto fail;
		if (db_exec(db, "PRAGMA synchronous = NORMAL", cause) != 0)
			goto fail;
		if (version < upto && migrate(db, path, upto, cause) != 0)
			goto fail;
	}
	if (db_exec(db, "PRAGMA foreign_keys = ON", cause) != 0)
		goto fail;
	*out = db;
	return 0;

fail:
	db_close(&db);
	return -1;
}

/* Open and migrate to the latest schema. */
int
db_open(const char *path, int flags, sqlite3 **out, char **cause)
{
	return db_open_upto(path, flags, migrations_count, out, cause);
}

/* Append a line to a growing report. */
static void
report_add(char **report, const char *line)
{
	char *n;

	xasprintf(&n, "%s%s\n", *report != NULL ? *report : "", line);
	free(*report);
	*report = n;
}

/* integrity_check + foreign_key_check. */
int
db_check(sqlite3 *db, char **report)
{
	sqlite3_stmt *st;
	char *line;
	int problems = 0, rc;

	*report = NULL;
	if ((st = db_prepare(db, "PRAGMA integrity_check", NULL)) == NULL) {
		report_add(report, sqlite3_errmsg(db));
		return 1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (strcmp(db_text(st, 0), "ok") == 0)
			continue;
		report_add(report, db_text(st, 0));
		problems++;
	}
	if (rc != SQLITE_DONE) {
		report_add(report, sqlite3_errmsg(db));
		problems++;
	}
	sqlite3_finalize(st);

	st = db_prepare(db, "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check",
	    NULL);
	if (st == NULL) {
		report_add(report, sqlite3_errmsg(db));
		return problems + 1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		xasprintf(&line, "foreign key: %s row %lld refers to a missing %s row",
		    db_text(st, 0), (long long)sqlite3_column_int64(st, 1), db_text(st, 2));
		report_add(report, line);
		free(line);
		problems++;
	}
	sqlite3_finalize(st);
	return problems;
}
