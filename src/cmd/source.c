/*
 * cmd/source.c: retrovue source add|list|test|remove — every kind of
 * source (src/importer.h): Plex, Jellyfin and Emby servers, TMM folders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmd.h"
#include "src/cmd/libopts.h"
#include "src/importer.h"
#include "src/log.h"
#include "src/removed.h"
#include "src/sources.h"
#include "src/sync.h"
#include "src/util.h"

/* "source add KIND OPTIONS" for every kind, one line each. */
static void
add_usage(FILE *f)
{
	size_t i;

	for (i = 0; importers[i] != NULL; i++)
		fprintf(f, "%s retrovue source add %s %s\n", i == 0 ? "usage:" : "      ",
		    importers[i]->name, importers[i]->add_usage);
}

/* source add KIND --name N [--url URL] [--token T|--api-key K] [--user U] [--path DIR] */
static int
source_add_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "api-key", required_argument, NULL, 'k' },
		{ "user", required_argument, NULL, 'U' },
		{ "path", required_argument, NULL, 'p' },
		{ "no-subdirs", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const struct importer *imp;
	struct source_spec spec;
	const char *secret_flag = NULL;
	sqlite3 *db;
	char *cause = NULL;
	int64_t id;
	int c;

	memset(&spec, 0, sizeof spec);
	spec.subdirs = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			spec.name = optarg;
			break;
		case 'u':
			spec.url = optarg;
			break;
		case 't':
		case 'k':
			log_add_secret(optarg);
			spec.secret = optarg;
			secret_flag = c == 't' ? "token" : "api-key";
			break;
		case 'U':
			spec.user = optarg;
			break;
		case 'p':
			spec.path = optarg;
			break;
		case 's':
			spec.subdirs = 0;
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	if ((imp = importer_find(argv[optind])) == NULL) {
		cmd_error("'%s' is not a kind of source (there are: %s)", argv[optind],
		    importer_kinds(0));
		goto usage;
	}
	if (secret_flag != NULL && (imp->secret_flag == NULL ||
	    strcmp(secret_flag, imp->secret_flag) != 0)) {
		if (imp->secret_flag == NULL)
			cmd_error("a %s source takes no --%s", imp->label, secret_flag);
		else
			cmd_error("a %s source takes --%s, not --%s", imp->label, imp->secret_flag,
			    secret_flag);
		return 2;
	}
	/* PLEX_BASE_URL and PLEX_TOKEN (or --plex-url, --plex-token) name a Plex server. */
	if (strcmp(imp->name, "plex") == 0) {
		if (spec.url == NULL)
			spec.url = ctx->plex_url;
		if (spec.secret == NULL)
			spec.secret = ctx->plex_token;
	}
	if ((imp->flags & IMPORTER_SERVER) && (spec.name == NULL || spec.url == NULL))
		goto usage;
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	if (imp->add(db, imp, &spec, &id, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (imp->flags & IMPORTER_FOLDER)
		printf("Added %s directory %s:%lld '%s': %s%s; import it with 'retrovue sync-all "
		    "--source %s:%lld'\n", imp->label, imp->name, (long long)id, spec.name != NULL ?
		    spec.name : spec.path, spec.path, spec.subdirs == 0 ? " (no subdirectories)" : "",
		    imp->name, (long long)id);
	else
		printf("Added %s source %lld '%s' (%s%s%s)%s%s%s\n", imp->label, (long long)id,
		    spec.name, spec.url, spec.user != NULL ? ", user " : "", spec.user != NULL ?
		    spec.user : "", spec.secret == NULL ? "; no " : "", spec.secret == NULL ?
		    imp->secret_noun : "", spec.secret == NULL ? strcmp(imp->name, "plex") == 0 ?
		    ": give one with --plex-token or PLEX_TOKEN" : ": give one with --api-key" : "");
	return 0;
usage:
	add_usage(stderr);
	return 2;
}

/* source list: every kind; secrets only as set or not. */
static int
source_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct source *list = NULL;
	sqlite3 *db;
	char *cause = NULL, id[48], where[512];
	size_t n = 0, i;

	if (argc != 1) {
		fprintf(stderr, "usage: retrovue source list\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (sources_all(db, 0, &list, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (n == 0)
		printf("No sources. Add one with 'retrovue source add KIND ...' (%s; see "
		    "'retrovue source add --help').\n", importer_kinds(0));
	else
		printf("%-7s %-8s %-20s %-32s %-9s %-8s %s\n", "ID", "TYPE", "NAME", "URL OR PATH",
		    "SECRET", "ENABLED", "LAST SYNC");
	for (i = 0; i < n; i++) {
		/* A folder's bare number would name a server: it goes by KIND:ID. */
		if (list[i].imp != NULL && (list[i].imp->flags & IMPORTER_FOLDER))
			source_ref(&list[i], id, sizeof id);
		else
			snprintf(id, sizeof id, "%lld", (long long)list[i].id);
		if (list[i].path != NULL)
			snprintf(where, sizeof where, "%s%s", list[i].path, list[i].subdirs ? "" :
			    " (no subdirs)");
		else
			snprintf(where, sizeof where, "%s%s%s", list[i].url != NULL ? list[i].url : "-",
			    list[i].user != NULL ? " as " : "", list[i].user != NULL ? list[i].user :
			    "");
		printf("%-7s %-8s %-20s %-32s %-9s %-8s %s\n", id, list[i].type, list[i].name, where,
		    list[i].path != NULL ? "-" : list[i].token != NULL ? "********" : "(none)",
		    list[i].enabled ? "yes" : "no", list[i].last_sync != NULL ? list[i].last_sync :
		    "never");
	}
	sources_free(&list, n);
	return 0;
}

/* source test [NAME]: connect, list libraries with their sizes; or check a folder. */
static int
source_test(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { LIBOPTS_LONG, { NULL, 0, NULL, 0 } };
	struct sync_test t;
	struct srv_library *l;
	struct libopts lo;
	sqlite3 *db;
	char *cause = NULL;
	size_t i;
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
	if (sync_test_source(db, &lo.req, &t, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (t.report != NULL) {
		printf("%s %s: %s\n", t.kind, t.source, t.report);
		sync_test_clear(&t);
		return 0;
	}
	printf("Connected to %s (%s)\n", t.server != NULL ? t.server : t.kind,
	    t.version != NULL ? t.version : "?");
	printf("%-6s %-24s %-8s %s\n", "KEY", "LIBRARY", "TYPE", "ITEMS");
	for (i = 0; i < t.nlibs; i++) {
		l = &t.libs[i];
		printf("%-6s %-24s %-8s ", l->key, l->title, l->type);
		if (l->items < 0)
			printf("-");
		else if (strcmp(l->type, "show") == 0)
			printf("%ld shows, %ld episodes", l->items, l->episodes);
		else
			printf("%ld movies", l->items);
		printf("\n");
	}
	sync_test_clear(&t);
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
		fprintf(stderr, "usage: retrovue source remove NAME|ID|KIND:NAME\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (source_find(db, argv[1], &s, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (s.imp == NULL) {
		cmd_error("%s: files added by hand are removed with 'retrovue content'", s.name);
		source_clear(&s);
		return 1;
	}
	if (ctx->dry_run) {
		printf("Would remove %s source %lld '%s' and everything imported from it\n",
		    s.imp->label, (long long)s.id, s.name);
		source_clear(&s);
		return 0;
	}
	if (s.imp->remove(db, &s, &files, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		source_clear(&s);
		return 1;
	}
	printf("Removed %s source %lld '%s' and %ld file%s imported from it (restorable for %d "
	    "days: 'retrovue content removed')\n", s.imp->label, (long long)s.id, s.name, files,
	    files == 1 ? "" : "s", removed_grace_days(db));
	log_info("%s source %s removed from the command line with %ld files", s.imp->label,
	    s.name, files);
	source_clear(&s);
	/* As the console does: what it aired leaves the schedules' unlocked future. */
	if (files > 0)
		cmd_reschedule(ctx, db);
	return 0;
}

static const struct cmd_sub source_subs[] = {
	{ "add", "KIND --name NAME ...", source_add_cmd },
	{ "list", "", source_list },
	{ "test", "[NAME|ID] [--timeout SEC]", source_test },
	{ "remove", "NAME|ID|KIND:NAME", source_remove },
	{ NULL, NULL, NULL },
};

/* The add line names every kind with its options. */
static const char *
source_usage_of(const struct cmd_sub *sub)
{
	static char buf[1024];
	size_t i, at = 0;

	if (strcmp(sub->name, "add") != 0)
		return sub->usage;
	for (i = 0; importers[i] != NULL && at < sizeof buf; i++)
		at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s %s", i > 0 ?
		    "\n  retrovue source add " : "", importers[i]->name,
		    importers[i]->add_usage);
	return buf;
}

/* Dispatch. */
static int
source_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_source_entry, source_subs, argc, argv);
}

const struct cmd_entry cmd_source_entry = {
	.name = "source",
	.usage = "add|list|test|remove",
	.summary = "sources to import from: Plex, Jellyfin and Emby servers, TMM folders",
	.flags = CMD_NO_DB,
	.exec = source_exec,
	.subs = source_subs,
	.usage_of = source_usage_of,
};
