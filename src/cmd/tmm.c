/*
 * cmd/tmm.c: retrovue tmm add|list|remove — TinyMediaManager/Kodi folders.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/removed.h"
#include "src/tmm.h"
#include "src/util.h"

/* tmm add DIR [--name N] [--no-subdirs] */
static int
tmm_add_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "no-subdirs", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	sqlite3 *db;
	char *cause = NULL;
	int64_t id;
	int c, subdirs = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 's':
			subdirs = 0;
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	if (tmm_add(db, argv[optind], name, subdirs, &id, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("Added TMM directory %lld: %s%s; import it with 'retrovue sync-all --tmm %lld'\n",
	    (long long)id, argv[optind], subdirs ? "" : " (no subdirectories)", (long long)id);
	return 0;
usage:
	fprintf(stderr, "usage: retrovue tmm add DIR [--name NAME] [--no-subdirs]\n");
	return 2;
}

/* tmm list */
static int
tmm_list_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tmm_dir *list = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *cause = NULL;
	size_t n = 0, i;
	long files;

	if (argc != 1) {
		fprintf(stderr, "usage: retrovue tmm list\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (tmm_list(db, &list, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (n == 0)
		printf("No TMM directories. Add one with 'retrovue tmm add DIR'.\n");
	else
		printf("%-4s %-16s %-7s %-7s %-6s %-20s %s\n", "ID", "NAME", "SUBDIRS", "ENABLED",
		    "FILES", "LAST SCAN", "PATH");
	st = db_prepare(db, "SELECT count(*) FROM media_files WHERE tmm_directory_id = ?", NULL);
	for (i = 0; i < n; i++) {
		files = 0;
		if (st != NULL) {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, list[i].id);
			if (sqlite3_step(st) == SQLITE_ROW)
				files = (long)sqlite3_column_int64(st, 0);
		}
		printf("%-4lld %-16s %-7s %-7s %-6ld %-20s %s\n", (long long)list[i].id,
		    list[i].name != NULL ? list[i].name : "-", list[i].subdirs ? "yes" : "no",
		    list[i].enabled ? "yes" : "no", files, list[i].last_scan != NULL ?
		    list[i].last_scan : "never", list[i].path);
	}
	sqlite3_finalize(st);
	tmm_dirs_free(&list, n);
	return 0;
}

/* tmm remove ID|NAME|DIR */
static int
tmm_remove_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tmm_dir d;
	sqlite3 *db;
	char *cause = NULL;
	long files = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: retrovue tmm remove ID|NAME|DIR\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (tmm_get(db, argv[1], &d, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (ctx->dry_run) {
		printf("Would remove TMM directory %lld (%s) and everything imported from it\n",
		    (long long)d.id, d.path);
		tmm_dir_clear(&d);
		return 0;
	}
	if (tmm_remove(db, d.id, &files, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		tmm_dir_clear(&d);
		return 1;
	}
	printf("Removed TMM directory %lld (%s) and %ld file%s imported from it (restorable for "
	    "%d days: 'retrovue content removed')\n", (long long)d.id, d.path, files,
	    files == 1 ? "" : "s", removed_grace_days(db));
	log_info("TMM directory %s removed from the command line with %ld files", d.path, files);
	tmm_dir_clear(&d);
	/* As the console does: what it aired leaves the schedules' unlocked future. */
	if (files > 0)
		cmd_reschedule(ctx, db);
	return 0;
}

static const struct cmd_sub tmm_subs[] = {
	{ "add", "DIR [--name NAME] [--no-subdirs]", tmm_add_cmd },
	{ "list", "", tmm_list_cmd },
	{ "remove", "ID|NAME|DIR", tmm_remove_cmd },
	{ NULL, NULL, NULL },
};

/* Dispatch. */
static int
tmm_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_tmm_entry, tmm_subs, argc, argv);
}

const struct cmd_entry cmd_tmm_entry = {
	.name = "tmm",
	.usage = "add|list|remove",
	.summary = "TinyMediaManager/Kodi .nfo folders to import (sync-all scans them)",
	.flags = CMD_NO_DB,
	.exec = tmm_exec,
	.subs = tmm_subs,
};
