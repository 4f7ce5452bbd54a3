/*
 * cmd.c: the table of subcommands and what they share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/log.h"
#include "src/sched.h"
#include "src/util.h"

static const struct cmd_entry *cmd_table[] = {
	&cmd_alert_entry,
	&cmd_asrun_entry,
	&cmd_channel_entry,
	&cmd_chapters_entry,
	&cmd_config_entry,
	&cmd_console_entry,
	&cmd_content_entry,
	&cmd_ctl_entry,
	&cmd_daemon_entry,
	&cmd_db_entry,
	&cmd_demo_entry,
	&cmd_discover_entry,
	&cmd_graphics_entry,
	&cmd_guide_entry,
	&cmd_pathmap_entry,
	&cmd_schedule_entry,
	&cmd_source_entry,
	&cmd_sync_all_entry,
	&cmd_sync_entry,
	&cmd_tmm_entry,
	&cmd_validate_entry,
};

/* Find by name. */
const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(cmd_table); i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	}
	return NULL;
}

/* One line per subcommand. */
void
cmd_print_list(FILE *f)
{
	size_t i;

	for (i = 0; i < nitems(cmd_table); i++)
		fprintf(f, "  %-12s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
}

/* usage line, exit status 2. */
int
cmd_usage(const struct cmd_entry *entry)
{
	fprintf(stderr, "usage: retrovue %s %s\n", entry->name, entry->usage);
	return 2;
}

/* --help or -h? */
static int
is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* A command's usage, or one sub-command's, on stdout. */
int
cmd_help(const struct cmd_entry *entry, int argc, char **argv)
{
	const struct cmd_sub *s;

	if (argc >= 3 && entry->subs != NULL && is_help(argv[2])) {
		for (s = entry->subs; s->name != NULL; s++) {
			if (strcmp(s->name, argv[1]) == 0) {
				printf("usage: retrovue %s %s %s\n", entry->name, s->name,
				    cmd_sub_usage(entry, s));
				return 1;
			}
		}
	}
	if (argc < 2 || !is_help(argv[1]))
		return 0;
	if (entry->subs != NULL) {
		printf("usage:\n");
		for (s = entry->subs; s->name != NULL; s++)
			printf("  retrovue %s %s %s\n", entry->name, s->name, cmd_sub_usage(entry, s));
	} else
		printf("usage: retrovue %s %s\n", entry->name, entry->usage);
	printf("\n%s\n", entry->summary);
	if (entry->help != NULL) {
		printf("\n");
		entry->help(stdout);
	}
	return 1;
}

/* Error line on stderr, with secrets masked. */
void
cmd_error(const char *fmt, ...)
{
	va_list ap;
	char *msg, *safe;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	safe = log_redact(msg);
	fprintf(stderr, "retrovue: %s\n", safe);
	free(safe);
	free(msg);
}

/* Open (and migrate) the database once per run. */
sqlite3 *
cmd_db(struct cmd_ctx *ctx, int create)
{
	char *cause = NULL;
	int flags = DB_VERIFY;

	if (ctx->db != NULL)
		return ctx->db;
	if (!create && paths_check(&ctx->paths, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return NULL;
	}
	if (create) {
		flags |= DB_CREATE;
		if (paths_make_data_dir(&ctx->paths, &cause) != 0) {
			cmd_error("%s", cause);
			free(cause);
			return NULL;
		}
	}
	if (db_open(ctx->paths.db_path, flags, &ctx->db, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return NULL;
	}
	log_debug("database %s (schema %d)", ctx->paths.db_path, db_schema_version(ctx->db));
	return ctx->db;
}

/* Replace removed or missing content in every channel's unlocked future. */
void
cmd_reschedule(struct cmd_ctx *ctx, sqlite3 *db)
{
	char *cause = NULL;
	int n;

	if ((n = sched_extend_all(db, now_ms(), 0, &cause)) < 0) {
		cmd_error("rescheduling after the change: %s", cause);
		free(cause);
		return;
	}
	if (n > 0)
		printf("Rescheduled: %d fine log item%s written\n", n, n == 1 ? "" : "s");
}

/* A sub-command's usage. */
const char *
cmd_sub_usage(const struct cmd_entry *entry, const struct cmd_sub *s)
{
	const char *u = entry->usage_of != NULL ? entry->usage_of(s) : NULL;

	return u != NULL ? u : s->usage;
}

/* Route "NAME SUB args..." to the sub's function. */
int
cmd_dispatch(struct cmd_ctx *ctx, const struct cmd_entry *entry,
    const struct cmd_sub *subs, int argc, char **argv)
{
	const struct cmd_sub *s;

	if (argc >= 2) {
		for (s = subs; s->name != NULL; s++) {
			if (strcmp(s->name, argv[1]) == 0)
				return s->exec(ctx, argc - 1, argv + 1);
		}
		if (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0)
			cmd_error("%s: unknown subcommand '%s'", entry->name, argv[1]);
	}
	fprintf(stderr, "usage:\n");
	for (s = subs; s->name != NULL; s++)
		fprintf(stderr, "  retrovue %s %s %s\n", entry->name, s->name,
		    cmd_sub_usage(entry, s));
	return 2;
}
