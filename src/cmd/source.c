/*
 * cmd/source.c: retrovue source add|list|test|remove — Plex servers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmd.h"
#include "src/cmd/libopts.h"
#include "src/log.h"
#include "src/removed.h"
#include "src/sources.h"
#include "src/sync.h"
#include "src/util.h"

/* source add plex --name N --url URL --token TOKEN */
static int
source_add(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *url = NULL, *token = NULL;
	sqlite3 *db;
	char *cause = NULL;
	int64_t id;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case 't':
			token = optarg;
			log_add_secret(token);
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc || strcmp(argv[optind], "plex") != 0)
		goto usage;
	if (url == NULL)
		url = ctx->plex_url;
	if (token == NULL)
		token = ctx->plex_token;
	if (name == NULL || url == NULL)
		goto usage;
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	if (sources_add_plex(db, name, url, token, &id, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("Added Plex source %lld '%s' (%s)%s\n", (long long)id, name, url,
	    token == NULL ? "; no token: give one with --plex-token or PLEX_TOKEN" : "");
	return 0;
usage:
	fprintf(stderr, "usage: retrovue source add plex --name NAME --url URL --token TOKEN\n");
	return 2;
}

/* source list: the token is shown only as set or not. */
static int
source_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct source *list = NULL;
	sqlite3 *db;
	char *cause = NULL;
	size_t n = 0, i;

	if (argc != 1) {
		fprintf(stderr, "usage: retrovue source list\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (sources_list(db, NULL, &list, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (n == 0)
		printf("No sources. Add a Plex server with 'retrovue source add plex --name NAME "
		    "--url URL --token TOKEN'.\n");
	else
		printf("%-4s %-6s %-20s %-32s %-9s %-8s %s\n", "ID", "TYPE", "NAME", "URL", "TOKEN",
		    "ENABLED", "LAST SYNC");
	for (i = 0; i < n; i++)
		printf("%-4lld %-6s %-20s %-32s %-9s %-8s %s\n", (long long)list[i].id, list[i].type,
		    list[i].name, list[i].url != NULL ? list[i].url : "-",
		    list[i].token != NULL ? "********" : "(none)", list[i].enabled ? "yes" : "no",
		    list[i].last_sync != NULL ? list[i].last_sync : "never");
	sources_free(&list, n);
	return 0;
}

/* source test [NAME]: connect, list libraries with their sizes. */
static int
source_test(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { LIBOPTS_LONG, { NULL, 0, NULL, 0 } };
	struct sync_library_info *libs = NULL;
	struct libopts lo;
	sqlite3 *db;
	char *cause = NULL, *server = NULL, *version = NULL;
	size_t n = 0, i;
	int c;

	libopts_init(&lo, ctx, NULL);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (libopts_option(&lo, c, optarg) != 1) {
			fprintf(stderr, "usage: retrovue source test [NAME|ID] [options]\n"
			    LIBOPTS_USAGE);
			return 2;
		}
	}
	if (optind < argc - 1) {
		fprintf(stderr, "usage: retrovue source test [NAME|ID] [options]\n");
		return 2;
	}
	if (optind == argc - 1)
		lo.req.source = argv[optind];
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	if (sync_test_source(db, &lo.req, &server, &version, &libs, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("Connected to %s (Plex Media Server %s)\n", server != NULL ? server : "Plex",
	    version != NULL ? version : "?");
	printf("%-6s %-24s %-8s %s\n", "KEY", "LIBRARY", "TYPE", "ITEMS");
	for (i = 0; i < n; i++) {
		printf("%-6s %-24s %-8s ", libs[i].key, libs[i].title, libs[i].type);
		if (libs[i].items < 0)
			printf("-");
		else if (strcmp(libs[i].type, "show") == 0)
			printf("%ld shows, %ld episodes", libs[i].items, libs[i].episodes);
		else
			printf("%ld movies", libs[i].items);
		printf("\n");
	}
	sync_library_info_free(&libs, n);
	free(server);
	free(version);
	return 0;
}

/* source remove NAME|ID */
static int
source_remove(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct source s;
	sqlite3 *db;
	char *cause = NULL;
	long files = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: retrovue source remove NAME|ID\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (sources_get(db, argv[1], &s, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (ctx->dry_run) {
		printf("Would remove source %lld '%s' and everything imported from it\n",
		    (long long)s.id, s.name);
		source_clear(&s);
		return 0;
	}
	if (sources_remove(db, s.id, &files, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		source_clear(&s);
		return 1;
	}
	printf("Removed source %lld '%s' and %ld file%s imported from it (restorable for %d "
	    "days: 'retrovue content removed')\n", (long long)s.id, s.name, files,
	    files == 1 ? "" : "s", removed_grace_days(db));
	log_info("source %s removed from the command line with %ld files", s.name, files);
	source_clear(&s);
	/* As the console does: what it aired leaves the schedules' unlocked future. */
	if (files > 0)
		cmd_reschedule(ctx, db);
	return 0;
}

static const struct cmd_sub source_subs[] = {
	{ "add", "plex --name NAME --url URL --token TOKEN", source_add },
	{ "list", "", source_list },
	{ "test", "[NAME|ID] [--timeout SEC]", source_test },
	{ "remove", "NAME|ID", source_remove },
	{ NULL, NULL, NULL },
};

/* Dispatch. */
static int
source_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_source_entry, source_subs, argc, argv);
}

const struct cmd_entry cmd_source_entry = {
	.name = "source",
	.usage = "add|list|test|remove",
	.summary = "Plex servers to import from",
	.flags = CMD_NO_DB,
	.exec = source_exec,
	.subs = source_subs,
};
