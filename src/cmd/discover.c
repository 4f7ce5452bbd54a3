/*
 * cmd/discover.c: retrovue discover --title T [--year Y] — which shows the
 * servers (Plex, Jellyfin, Emby) have under a title, told apart by year
 * and external ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmd.h"
#include "src/cmd/libopts.h"
#include "src/sync.h"
#include "src/util.h"

/* Print one show: "Battlestar Galactica (1978) [TVDB:71173 TMDB:501]". */
static void
print_found(const struct sync_found *f)
{
	static const char *const names[] = { "TVDB", "TMDB", "IMDB", "PLEX" };
	size_t i, k;
	int any = 0;

	printf("%s", f->title);
	if (f->year > 0)
		printf(" (%d)", f->year);
	printf(" [");
	/* In priority order, whatever order the server gave them. */
	for (k = 0; k < GUID_NPROVIDERS; k++) {
		for (i = 0; i < f->nguids; i++) {
			if ((size_t)f->guids[i].provider != k)
				continue;
			printf("%s%s:%s", any ? " " : "", names[k], f->guids[i].id);
			any = 1;
		}
	}
	printf("]  %s / %s, %s id %s", f->source, f->library, f->kind, f->key);
	if (f->episodes >= 0)
		printf(", %ld episode%s", f->episodes, f->episodes == 1 ? "" : "s");
	printf("\n");
}

/* discover. */
static int
discover_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		LIBOPTS_LONG,
		{ "title", required_argument, NULL, LIBOPT_TITLE },
		{ "year", required_argument, NULL, LIBOPT_YEAR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: retrovue discover --title TITLE [--year YEAR] "
	    "[options]\n" LIBOPTS_USAGE;
	struct sync_found *found = NULL;
	struct libopts lo;
	sqlite3 *db;
	char *cause = NULL;
	size_t n = 0, i, exact = 0;
	int c, r;

	libopts_init(&lo, ctx, NULL);
	lo.req.folders = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((r = libopts_option(&lo, c, optarg)) < 0)
			return 2;
		if (r == 0) {
			fputs(usage, stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc || lo.req.title == NULL) {
		fputs(usage, stderr);
		return 2;
	}
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	if (sync_discover(db, &lo.req, &found, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	for (i = 0; i < n; i++)
		exact += found[i].exact;
	if (exact == 0) {
		printf("No show titled '%s'%s.\n", lo.req.title, lo.req.year ? " that year" : "");
		if (n > 0)
			printf("Similar titles:\n");
	}
	for (i = 0; i < n; i++) {
		if (exact > 0 && !found[i].exact)
			break;
		if (exact == 0)
			printf("  ");
		print_found(&found[i]);
	}
	sync_found_free(&found, n);
	return exact > 0 ? 0 : 1;
}

/* The options, for --help. */
static void
discover_help(FILE *f)
{
	fputs(LIBOPTS_USAGE, f);
}

const struct cmd_entry cmd_discover_entry = {
	.name = "discover",
	.usage = "--title TITLE [--year YEAR] [options]",
	.summary = "list the servers' shows with a title, told apart by year and ids",
	.flags = CMD_NO_DB,
	.exec = discover_exec,
	.help = discover_help,
};
