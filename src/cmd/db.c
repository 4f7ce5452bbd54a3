/*
 * cmd/db.c: retrovue db init|info|check|backup — the database itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/util.h"

/* db init: create (or upgrade) the database and say where it is. */
static int
db_init(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3 *db;

	if (argc != 1)
		return cmd_usage(&cmd_db_entry);
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	printf("%s: schema %d\n", ctx->paths.db_path, db_schema_version(db));
	return 0;
}

/* db info: path, schema version, row counts per table. */
static int
db_info(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	struct stat sb;
	char *sql;
	const char *name;

	if (argc != 1)
		return cmd_usage(&cmd_db_entry);
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	printf("path:           %s\n", ctx->paths.db_path);
	if (stat(ctx->paths.db_path, &sb) == 0)
		printf("size:           %lld bytes, mode %04o\n", (long long)sb.st_size,
		    (unsigned)(sb.st_mode & 07777));
	printf("data directory: %s\n", ctx->paths.data_dir);
	printf("schema version: %d (this build knows %d)\n", db_schema_version(db),
	    db_latest_version());
	printf("\n%-32s %10s\n", "table", "rows");

	st = db_prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
	    "name NOT LIKE 'sqlite_%' ORDER BY name", NULL);
	if (st == NULL)
		return 1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = db_text(st, 0);
		xasprintf(&sql, "SELECT count(*) FROM \"%s\"", name);
		printf("%-32s %10lld\n", name, (long long)db_scalar(db, sql, -1));
		free(sql);
	}
	sqlite3_finalize(st);
	return 0;
}

/* db check: integrity and foreign keys; exit 1 on any problem. */
static int
db_check_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *cause = NULL, *report = NULL;
	sqlite3 *db = NULL;
	int problems;

	if (argc != 1)
		return cmd_usage(&cmd_db_entry);
	/* Not cmd_db(): a check must report corruption, not refuse to open. */
	if (db_open(ctx->paths.db_path, DB_READONLY, &db, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	problems = db_check(db, &report);
	db_close(&db);
	if (problems == 0) {
		printf("%s: ok\n", ctx->paths.db_path);
		return 0;
	}
	fprintf(stderr, "%s", report);
	cmd_error("%s: %d problem%s found", ctx->paths.db_path, problems,
	    problems == 1 ? "" : "s");
	free(report);
	return 1;
}

/*
 * db backup FILE: a consistent copy of the live database with SQLite's
 * online backup API, a few pages at a time so a running daemon keeps
 * writing. The copy is written beside FILE and renamed into place.
 */
static int
db_backup(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3 *db, *dst = NULL;
	sqlite3_backup *b;
	char *tmp;
	int rc, fd;

	if (argc != 2)
		return cmd_usage(&cmd_db_entry);
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	xasprintf(&tmp, "%s.tmp-%d", argv[1], (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		cmd_error("backup: cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return 1;
	}
	close(fd);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		cmd_error("backup: %s: %s", tmp, sqlite3_errmsg(dst));
		goto fail;
	}
	if ((b = sqlite3_backup_init(dst, "main", db, "main")) == NULL) {
		cmd_error("backup: %s", sqlite3_errmsg(dst));
		goto fail;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		cmd_error("backup to %s failed: %s", argv[1], sqlite3_errstr(rc));
		goto fail;
	}
	if (db_exec(dst, "PRAGMA journal_mode = DELETE", NULL) != 0)
		goto fail;
	sqlite3_close(dst);
	dst = NULL;
	if (rename(tmp, argv[1]) != 0) {
		cmd_error("backup: cannot rename %s to %s: %s", tmp, argv[1], strerror(errno));
		goto fail;
	}
	printf("%s: backed up to %s (schema %d)\n", ctx->paths.db_path, argv[1],
	    db_schema_version(db));
	free(tmp);
	return 0;

fail:
	if (dst != NULL)
		sqlite3_close(dst);
	unlink(tmp);
	free(tmp);
	return 1;
}

static const struct cmd_sub db_subs[] = {
	{ "init", "", db_init },
	{ "info", "", db_info },
	{ "check", "", db_check_cmd },
	{ "backup", "FILE", db_backup },
	{ NULL, NULL, NULL },
};

/* Dispatch db's subcommands. */
static int
db_exec_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_db_entry, db_subs, argc, argv);
}

const struct cmd_entry cmd_db_entry = {
	.name = "db",
	.usage = "init|info|check|backup FILE",
	.summary = "create, describe, check or back up the database",
	.flags = CMD_NO_DB,
	.exec = db_exec_cmd,
	.subs = db_subs,
};
