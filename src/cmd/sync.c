/*
 * cmd/sync.c: retrovue sync and sync-all — import from every source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmd.h"
#include "src/cmd/libopts.h"
#include "src/importer.h"
#include "src/sync.h"
#include "src/util.h"

static atomic_int sync_cancel;

/* Run a request with progress; the exit status. */
static int
run(struct cmd_ctx *ctx, struct libopts *lo)
{
	struct import_progress prog;
	struct import_stats st;
	struct libprogress *lp;
	sqlite3 *db;
	char *cause = NULL;
	int64_t t0 = mono_us();
	int rc;

	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	libopts_catch_interrupt(&sync_cancel);
	lp = libprogress_new(&prog, lo->req.dry_run, &sync_cancel);
	rc = sync_run(db, &lo->req, &prog, &st, &cause);
	libprogress_free(&lp);
	if (rc >= 0 || st.processed > 0 || st.held > 0 || st.kept > 0)
		libopts_print_stats(&st, lo->req.dry_run, (double)(mono_us() - t0) / 1e6);
	/* What left the library leaves the schedules' unlocked future too. */
	if (st.removed > 0 && !lo->req.dry_run)
		cmd_reschedule(ctx, db);
	if (rc != 0) {
		cmd_error("%s%s", rc > 0 ? "finished with problems: " : "",
		    cause != NULL ? cause : "sync failed");
		free(cause);
		return 1;
	}
	free(cause);
	return 0;
}

/* sync --title T [--year Y]: the shows and movies with that title. */
static int
sync_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		LIBOPTS_LONG,
		{ "title", required_argument, NULL, LIBOPT_TITLE },
		{ "year", required_argument, NULL, LIBOPT_YEAR },
		{ "force", no_argument, NULL, LIBOPT_FORCE },
		{ "dry-run", no_argument, NULL, LIBOPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct libopts lo;
	int c, r;

	libopts_init(&lo, ctx, &sync_cancel);
	lo.req.folders = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((r = libopts_option(&lo, c, optarg)) < 0)
			return 2;
		if (r == 0) {
			fprintf(stderr, "usage: retrovue sync --title TITLE [--year YEAR] [--force] "
			    "[--dry-run] [options]\n" LIBOPTS_USAGE);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc || lo.req.title == NULL) {
		fprintf(stderr, "usage: retrovue sync --title TITLE [--year YEAR] [--force] "
		    "[--dry-run] [options]\n" LIBOPTS_USAGE);
		return 2;
	}
	return run(ctx, &lo);
}

/* sync-all: every source, or the libraries and directories named. */
static int
sync_all_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		LIBOPTS_LONG,
		{ "tmm", required_argument, NULL, LIBOPT_TMM },
		{ "force", no_argument, NULL, LIBOPT_FORCE },
		{ "dry-run", no_argument, NULL, LIBOPT_DRY_RUN },
		{ "only", required_argument, NULL, 'o' },
		{ "plex-only", no_argument, NULL, 'p' },
		{ "tmm-only", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: retrovue sync-all [--library NAME]... [--tmm DIR]... "
	    "[--only KIND] [--force] [--dry-run] [options]\n" LIBOPTS_USAGE
	    "  --tmm DIR            a TMM directory by id, name or path (repeatable)\n"
	    "  --only KIND          only the sources of one kind (plex, jellyfin, emby, tmm);\n"
	    "                       --plex-only and --tmm-only say the same\n"
	    "  --force              process everything, changed or not, and remove what is gone\n"
	    "                       even beyond the safety limit or from a folder that looks\n"
	    "                       empty or unmounted\n";
	const struct importer *only = NULL;
	struct libopts lo;
	int c, r;

	libopts_init(&lo, ctx, &sync_cancel);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'o' || c == 'p' || c == 't') {
			if (only != NULL || (only = importer_find(c == 'o' ? optarg : c == 'p' ?
			    "plex" : "tmm")) == NULL) {
				if (only == NULL)
					cmd_error("'%s' is not a kind of source (there are: %s)", optarg,
					    importer_kinds(0));
				fputs(usage, stderr);
				return 2;
			}
			continue;
		}
		if ((r = libopts_option(&lo, c, optarg)) < 0)
			return 2;
		if (r == 0) {
			fputs(usage, stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	/* Naming libraries, a source or directories syncs just those. */
	if (lo.req.nlibraries > 0 || lo.req.source != NULL || ctx->plex_url != NULL)
		lo.req.folders = lo.req.ntmm > 0;
	if (lo.req.ntmm > 0)
		lo.req.servers = lo.req.nlibraries > 0 || lo.req.source != NULL ||
		    ctx->plex_url != NULL;
	if (only != NULL) {
		lo.req.kind = only->name;
		lo.req.servers = (only->flags & IMPORTER_SERVER) != 0;
		lo.req.folders = (only->flags & IMPORTER_FOLDER) != 0;
	}
	return run(ctx, &lo);
}

/* The options, for --help. */
static void
sync_help(FILE *f)
{
	fputs("  --title TITLE        the shows and movies with this title\n"
	    "  --year YEAR          and this year\n"
	    "  --force              process everything, changed or not, and remove what is gone\n"
	    "                       even beyond the safety limit\n"
	    "  --dry-run            say what would change, change nothing\n" LIBOPTS_USAGE, f);
}

/* The options, for --help. */
static void
sync_all_help(FILE *f)
{
	fputs("  --tmm DIR            a TMM directory by id, name or path (repeatable)\n"
	    "  --only KIND          only the sources of one kind (plex, jellyfin, emby, tmm)\n"
	    "  --plex-only, --tmm-only\n"
	    "  --force              process everything, changed or not, and remove what is gone\n"
	    "                       even beyond the safety limit or from a folder that looks\n"
	    "                       empty or unmounted\n"
	    "  --dry-run            say what would change, change nothing\n" LIBOPTS_USAGE, f);
}

const struct cmd_entry cmd_sync_entry = {
	.name = "sync",
	.usage = "--title TITLE [--year YEAR] [--force] [--dry-run] [options]",
	.summary = "import the shows and movies with one title from the servers",
	.flags = CMD_NO_DB,
	.exec = sync_exec,
	.help = sync_help,
};

const struct cmd_entry cmd_sync_all_entry = {
	.name = "sync-all",
	.usage = "[--library NAME]... [--tmm DIR]... [--only KIND] [--page-size N] [--force] "
	    "[--dry-run]",
	.summary = "import everything (or what is named) from every source, incrementally",
	.flags = CMD_NO_DB,
	.exec = sync_all_exec,
	.help = sync_all_help,
};
