/*
 * cmd/pathmap.c: retrovue pathmap add|list|remove|test — Plex path mapping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/pathmap.h"
#include "src/sources.h"
#include "src/util.h"

/* --source NAME|ID as an id; 0 if none given, -1 on error (printed). */
static int64_t
source_arg(sqlite3 *db, const char *arg)
{
	struct source s;
	char *cause = NULL;
	int64_t id;

	if (arg == NULL)
		return 0;
	if (sources_get(db, arg, &s, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return -1;
	}
	id = s.id;
	source_clear(&s);
	return id;
}

/* Split argv into positional arguments and --source. */
static int
parse(int argc, char **argv, const char **source, char **pos, int max, int *npos)
{
	int i;

	*npos = 0;
	*source = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
			*source = argv[++i];
		else if (strncmp(argv[i], "--source=", 9) == 0)
			*source = argv[i] + 9;
		else if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc && *npos < max; i++)
				pos[(*npos)++] = argv[i];
			break;
		} else if (argv[i][0] == '-' && argv[i][1] == '-')
			return -1;
		else if (*npos < max)
			pos[(*npos)++] = argv[i];
		else
			return -1;
	}
	return 0;
}

/* pathmap add PLEX_PREFIX LOCAL_PREFIX [--source ID] */
static int
pathmap_add_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *source;
	char *pos[2], *cause = NULL;
	sqlite3 *db;
	int64_t sid, id;
	int n, remapped = 0;

	if (parse(argc, argv, &source, pos, 2, &n) != 0 || n != 2) {
		fprintf(stderr, "usage: retrovue pathmap add PLEX_PREFIX LOCAL_PREFIX [--source ID]\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 1)) == NULL || (sid = source_arg(db, source)) < 0)
		return 1;
	if (pathmap_add(db, sid, pos[0], pos[1], &id, &remapped, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("Mapping %lld: %s -> %s%s; %d stored path%s changed\n", (long long)id, pos[0],
	    pos[1], sid > 0 ? " (that source only)" : "", remapped, remapped == 1 ? "" : "s");
	return 0;
}

/* pathmap list */
static int
pathmap_list_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct pathmap pm;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *cause = NULL, name[128];
	size_t i;

	if (argc != 1) {
		fprintf(stderr, "usage: retrovue pathmap list\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (pathmap_load(db, &pm, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (pm.n == 0)
		printf("No path mappings. Add one with 'retrovue pathmap add PLEX_PREFIX "
		    "LOCAL_PREFIX'.\n");
	else
		printf("%-4s %-16s %-36s %s\n", "ID", "SOURCE", "PLEX PATH", "LOCAL PATH");
	st = db_prepare(db, "SELECT source_name FROM content_sources WHERE id = ?", NULL);
	for (i = 0; i < pm.n; i++) {
		snprintf(name, sizeof name, "(all)");
		if (st != NULL && pm.rules[i].source_id > 0) {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, pm.rules[i].source_id);
			if (sqlite3_step(st) == SQLITE_ROW)
				snprintf(name, sizeof name, "%s", db_text(st, 0));
		}
		printf("%-4lld %-16s %-36s %s\n", (long long)pm.rules[i].id, name,
		    pm.rules[i].plex_path, pm.rules[i].local_path);
	}
	sqlite3_finalize(st);
	pathmap_clear(&pm);
	return 0;
}

/* pathmap remove ID */
static int
pathmap_remove_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3 *db;
	char *cause = NULL;
	long long id;
	int remapped = 0;

	if (argc != 2 || parse_int(argv[1], 1, INT64_MAX, &id) != 0) {
		fprintf(stderr, "usage: retrovue pathmap remove ID\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (pathmap_remove(db, id, &remapped, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("Removed mapping %lld; %d stored path%s changed\n", id, remapped,
	    remapped == 1 ? "" : "s");
	return 0;
}

/* pathmap test PATH [--source ID]: what a path becomes, and whether it is there. */
static int
pathmap_test_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct pathmap_rule *used;
	struct pathmap pm;
	const char *source;
	char *pos[1], *cause = NULL, *mapped;
	sqlite3 *db;
	int64_t sid;
	int n;

	if (parse(argc, argv, &source, pos, 1, &n) != 0 || n != 1) {
		fprintf(stderr, "usage: retrovue pathmap test PATH [--source ID]\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL || (sid = source_arg(db, source)) < 0)
		return 1;
	if (pathmap_load(db, &pm, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	mapped = pathmap_map(&pm, sid, pos[0], &used);
	if (mapped == NULL)
		printf("%s\n  no mapping applies; used as it is (%s)\n", pos[0],
		    file_exists(pos[0]) ? "exists" : "not found on this machine");
	else
		printf("%s\n  -> %s\n  by mapping %lld (%s -> %s); %s\n", pos[0], mapped,
		    (long long)used->id, used->plex_path, used->local_path, file_exists(mapped) ?
		    "the file exists" : "not found on this machine");
	free(mapped);
	pathmap_clear(&pm);
	return 0;
}

static const struct cmd_sub pathmap_subs[] = {
	{ "add", "PLEX_PREFIX LOCAL_PREFIX [--source ID]", pathmap_add_cmd },
	{ "list", "", pathmap_list_cmd },
	{ "remove", "ID", pathmap_remove_cmd },
	{ "test", "PATH [--source ID]", pathmap_test_cmd },
	{ NULL, NULL, NULL },
};

/* Dispatch. */
static int
pathmap_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_pathmap_entry, pathmap_subs, argc, argv);
}

const struct cmd_entry cmd_pathmap_entry = {
	.name = "pathmap",
	.usage = "add|list|remove|test",
	.summary = "map the paths Plex reports to paths this machine opens",
	.flags = CMD_NO_DB,
	.exec = pathmap_exec,
	.subs = pathmap_subs,
};
