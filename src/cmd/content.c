/*
 * cmd/content.c: retrovue content add|set|list|show — the library by hand.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/cmd.h"
#include "src/content.h"
#include "src/removed.h"
#include "src/util.h"

/* Tell the operator when a bumper names a series the library does not have (yet). */
static void
series_note(sqlite3 *db, const char *series)
{
	if (series != NULL && *series != '\0' && !content_series_known(db, series))
		fprintf(stderr, "note: no series '%s' in the library: a bumper of it airs only once "
		    "the series is there\n", series);
}

/* content add FILE... --type TYPE [metadata] */
static int
content_add_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "title", required_argument, NULL, 'T' },
		{ "year", required_argument, NULL, 'y' },
		{ "show", required_argument, NULL, 'S' },
		{ "season", required_argument, NULL, 's' },
		{ "episode", required_argument, NULL, 'e' },
		{ "company", required_argument, NULL, 'c' },
		{ "category", required_argument, NULL, 'C' },
		{ "daypart", required_argument, NULL, 'd' },
		{ "seasonal", required_argument, NULL, 'z' },
		{ "rating", required_argument, NULL, 'r' },
		{ "demographic", required_argument, NULL, 'D' },
		{ "warnings", required_argument, NULL, 'w' },
		{ "notes", required_argument, NULL, 'n' },
		{ "expires", required_argument, NULL, 'x' },
		{ "duration", required_argument, NULL, 'u' },
		{ "series", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct content_add a;
	sqlite3 *db;
	char *cause = NULL, *title;
	long long v;
	int64_t id, ms;
	int c, i, failed = 0;

	memset(&a, 0, sizeof a);
	a.season = a.episode = -1;
	a.sched.commercial_duration = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': a.type = optarg; break;
		case 'T': a.title = optarg; break;
		case 'S': a.show = optarg; break;
		case 'c': a.sched.company = optarg; break;
		case 'C': a.sched.category = optarg; break;
		case 'd': a.sched.daypart = optarg; break;
		case 'z': a.sched.seasonal = optarg; break;
		case 'r': a.sched.rating = optarg; break;
		case 'D': a.sched.demographic = optarg; break;
		case 'w': a.sched.warnings = optarg; break;
		case 'n': a.sched.notes = optarg; break;
		case 'x': a.sched.expiration = optarg; break;
		case 'R': a.sched.series = optarg; break;
		case 'y':
			if (parse_int(optarg, 1800, 2999, &v) != 0)
				goto usage;
			a.year = (int)v;
			break;
		case 's':
		case 'e':
			if (parse_int(optarg, 0, 100000, &v) != 0)
				goto usage;
			*(c == 's' ? &a.season : &a.episode) = (int)v;
			break;
		case 'u':
			if (parse_duration_ms(optarg, &ms) != 0 || ms < 1000)
				goto usage;
			a.sched.commercial_duration = (int)((ms + 500) / 1000);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || a.type == NULL)
		goto usage;
	if (a.title != NULL && argc - optind > 1) {
		cmd_error("--title names one file; give one file with it");
		return 2;
	}
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	series_note(db, a.sched.series);
	for (i = optind; i < argc; i++) {
		if (content_add_file(db, argv[i], &a, &id, &cause) != 0) {
			cmd_error("%s", cause);
			freep(&cause);
			failed++;
			continue;
		}
		title = library_title(db, id);
		printf("Added %lld: %s (%s)\n", (long long)id, title, content_type_parse(a.type));
		free(title);
	}
	return failed > 0 ? 1 : 0;
usage:
	fprintf(stderr, "usage: retrovue content add FILE... --type TYPE [--title T] [--company C] "
	    "[--category C]\n       [--daypart D] [--seasonal S] [--rating R] [--demographic D] "
	    "[--warnings W]\n       [--notes N] [--expires YYYY-MM-DD] [--duration SEC] [--year Y]\n"
	    "       [--series \"TITLE\"] (a bumper for that series' breaks)\n"
	    "       [--show \"TITLE (YEAR)\" --season N --episode N]\n"
	    "TYPE: movie episode commercial bumper station-id intro outro interstitial promo\n");
	return 2;
}

/* content set ID key=value... */
static int
content_set_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3 *db;
	char *cause = NULL;
	long long id;
	int i;

	if (argc < 3 || parse_int(argv[1], 1, INT64_MAX, &id) != 0) {
		fprintf(stderr, "usage: retrovue content set ID key=value...\nkeys: %s\n",
		    content_set_keys);
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (content_set(db, id, argv + 2, (size_t)(argc - 2), &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		if (strncmp(argv[i], "series=", 7) == 0)
			series_note(db, argv[i] + 7);
	}
	printf("Updated %lld\n", id);
	return 0;
}

/* content list [--type T] [--source S] [--search TEXT] [--sort F] [--desc] [--limit N] */
static int
content_list_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "source", required_argument, NULL, 's' },
		{ "search", required_argument, NULL, 'q' },
		{ "sort", required_argument, NULL, 'o' },
		{ "desc", no_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'l' },
		{ "paths", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct content_query q;
	struct content_row *rows = NULL;
	sqlite3 *db;
	char *cause = NULL, dur[32], lufs[16];
	size_t n = 0, i;
	long long v;
	int c, paths = 0;

	memset(&q, 0, sizeof q);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': q.type = optarg; break;
		case 's': q.source = optarg; break;
		case 'q': q.search = optarg; break;
		case 'o': q.sort = optarg; break;
		case 'd': q.desc = 1; break;
		case 'p': paths = 1; break;
		case 'l':
			if (parse_int(optarg, 1, 100000000, &v) != 0)
				goto usage;
			q.limit = (long)v;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (content_list(db, &q, &rows, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("%-6s %-12s %-11s %-6s %-9s %-6s %-3s %-16s %s\n", "ID", "TYPE", "DURATION",
	    "RATING", "CHECK", "LUFS", "CH", "SOURCE", "TITLE");
	for (i = 0; i < n; i++) {
		fmt_duration(dur, sizeof dur, rows[i].duration_ms, 0);
		dur[8] = '\0';
		if (isnan(rows[i].loudness_lufs))
			snprintf(lufs, sizeof lufs, "-");
		else
			snprintf(lufs, sizeof lufs, "%.1f", rows[i].loudness_lufs);
		printf("%-6lld %-12s %-11s %-6s %-9s %-6s %-3ld %-16s %s%s%s\n", (long long)rows[i].id,
		    rows[i].type, dur, rows[i].rating[0] != '\0' ? rows[i].rating : "-",
		    rows[i].validation, lufs, rows[i].chapters, rows[i].source, rows[i].title,
		    paths ? "\n       " : "", paths ? rows[i].path : "");
	}
	printf("%zu item%s\n", n, n == 1 ? "" : "s");
	content_rows_free(&rows, n);
	return 0;
usage:
	fprintf(stderr, "usage: retrovue content list [--type T] [--source S] [--search TEXT] "
	    "[--sort title|duration|type|source|added|modified|id|loudness|validation|rating] "
	    "[--desc] [--limit N] [--paths]\n");
	return 2;
}

/* content show ID */
static int
content_show_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct content_field *f = NULL;
	sqlite3 *db;
	char *cause = NULL;
	size_t n = 0, i;
	long long id;

	if (argc != 2 || parse_int(argv[1], 1, INT64_MAX, &id) != 0) {
		fprintf(stderr, "usage: retrovue content show ID\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (content_show(db, id, &f, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%-18s %s\n", f[i].key, f[i].value);
	content_fields_free(&f, n);
	return 0;
}

/* content removed: what left the library and can still come back. */
static int
content_removed_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct removed_row *r = NULL;
	sqlite3 *db;
	char *cause = NULL;
	size_t n = 0, i;

	if (argc != 1) {
		fprintf(stderr, "usage: retrovue content removed\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if ((!ctx->dry_run && removed_purge(db, &cause) != 0) ||
	    removed_list(db, &r, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (n == 0) {
		printf("No removed items (they are kept %d days)\n", removed_grace_days(db));
		return 0;
	}
	printf("%-5s %-20s %-8s %-16s %-4s %-20s %s\n", "ID", "REMOVED", "TYPE", "SOURCE", "CHAP",
	    "KEPT UNTIL", "TITLE");
	for (i = 0; i < n; i++)
		printf("%-5lld %-20s %-8s %-16s %-4ld %-20s %s\n    %s (%s)\n", (long long)r[i].id,
		    r[i].removed_at, r[i].media_type, r[i].source, r[i].chapters, r[i].expires,
		    r[i].title, r[i].file_path, r[i].reason);
	removed_rows_free(&r, n);
	return 0;
}

/* content restore ID...: bring removed items back. */
static int
content_restore_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3 *db;
	char *cause = NULL;
	long long id;
	int64_t mf;
	long chapters;
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: retrovue content restore ID... (see 'retrovue content "
		    "removed')\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (parse_int(argv[i], 1, INT64_MAX, &id) != 0) {
			cmd_error("'%s' is not the id of a removed item (see 'retrovue content removed')",
			    argv[i]);
			return 2;
		}
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		parse_int(argv[i], 1, INT64_MAX, &id);
		if (ctx->dry_run) {
			printf("Would restore removed item %lld\n", id);
			continue;
		}
		if (content_restore(db, id, &mf, &chapters, &cause) != 0) {
			cmd_error("%s", cause);
			freep(&cause);
			failed = 1;
			continue;
		}
		printf("Restored removed item %lld as file %lld, with its scheduling metadata and "
		    "%ld chapter marker%s\n", id, (long long)mf, chapters, chapters == 1 ? "" : "s");
	}
	return failed;
}

static const struct cmd_sub content_subs[] = {
	{ "add", "FILE... --type TYPE [--title T] [--company C] ...", content_add_cmd },
	{ "set", "ID key=value...", content_set_cmd },
	{ "list", "[--type T] [--source S] [--search TEXT] [--sort FIELD]", content_list_cmd },
	{ "show", "ID", content_show_cmd },
	{ "removed", "", content_removed_cmd },
	{ "restore", "ID...", content_restore_cmd },
	{ NULL, NULL, NULL },
};

/* Dispatch. */
static int
content_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_content_entry, content_subs, argc, argv);
}

const struct cmd_entry cmd_content_entry = {
	.name = "content",
	.usage = "add|set|list|show|removed|restore",
	.summary = "add commercials, bumpers and other files; edit, list and show the library",
	.flags = CMD_NO_DB,
	.exec = content_exec,
	.subs = content_subs,
};
