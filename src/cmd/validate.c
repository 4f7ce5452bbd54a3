/*
 * cmd/validate.c: retrovue validate [--all | ID...] — check media files
 * and measure their loudness, in parallel.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/cmd/cmd.h"
#include "src/cmd/libopts.h"
#include "src/util.h"
#include "src/validate.h"
#include "tui/progress.h"

static atomic_int validate_cancel;

struct out {
	struct progress *bar;
	int quiet;
};

/* Progress bar. */
static void
on_progress(void *arg, long done, long total, const char *label)
{
	struct out *o = arg;
	char line[256];

	snprintf(line, sizeof line, "Validating (%ld/%ld)", done, total);
	progress_set(o->bar, 0, done, total, line);
}

/* One line per file that is not fine (or every file without --quiet). */
static void
on_result(void *arg, const struct validate_result *r)
{
	struct out *o = arg;

	if (o->quiet && strcmp(r->status, "ok") == 0)
		return;
	progress_message(o->bar, "%-7s %6lld  %s: %s", r->status, (long long)r->id, r->title,
	    r->message != NULL ? r->message : "");
}

/* validate. */
static int
validate_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "no-loudness", no_argument, NULL, 'L' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct validate_opts vo;
	struct validate_stats st;
	struct out o;
	int64_t *ids = NULL;
	sqlite3 *db;
	char *cause = NULL;
	long long n;
	int c, i, rc;

	memset(&vo, 0, sizeof vo);
	memset(&o, 0, sizeof o);
	vo.loudness = 1;
	while ((c = getopt_long(argc, argv, "hj:q", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			vo.all = 1;
			break;
		case 'L':
			vo.loudness = 0;
			break;
		case 'j':
			if (parse_int(optarg, 1, 256, &n) != 0)
				goto usage;
			vo.threads = (int)n;
			break;
		case 'q':
			o.quiet = 1;
			break;
		default:
			goto usage;
		}
	}
	if (vo.all && optind < argc)
		goto usage;
	if (optind < argc) {
		ids = xcalloc((size_t)(argc - optind), sizeof *ids);
		for (i = optind; i < argc; i++) {
			if (parse_int(argv[i], 1, INT64_MAX, &n) != 0) {
				free(ids);
				goto usage;
			}
			ids[vo.nids++] = n;
		}
		vo.ids = ids;
	}
	if ((db = cmd_db(ctx, 0)) == NULL) {
		free(ids);
		return 1;
	}
	libopts_catch_interrupt(&validate_cancel);
	vo.cancel = &validate_cancel;
	vo.progress = on_progress;
	vo.result = on_result;
	vo.arg = &o;
	o.bar = progress_new(stdout, 1);
	rc = validate_run(db, &vo, &st, &cause);
	progress_free(&o.bar);
	free(ids);
	/* Files found missing come out of the schedules' unlocked future. */
	if (st.missing > 0)
		cmd_reschedule(ctx, db);
	if (rc != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (st.total == 0)
		printf("Nothing to validate%s.\n", vo.all || vo.nids ? "" :
		    " (every file was checked; use --all to check them again)");
	else
		printf("Validated %ld file%s: %ld ok, %ld with warnings, %ld missing, %ld errors\n",
		    st.total, st.total == 1 ? "" : "s", st.ok, st.warning, st.missing, st.error);
	return st.missing + st.error > 0 ? 1 : 0;
usage:
	fprintf(stderr, "usage: retrovue validate [--all | ID...] [--no-loudness] [--jobs N] "
	    "[--quiet]\n");
	return 2;
}

const struct cmd_entry cmd_validate_entry = {
	.name = "validate",
	.usage = "[--all | ID...] [--no-loudness] [--jobs N] [--quiet]",
	.summary = "check media files open and play, and measure their loudness",
	.flags = CMD_NO_DB,
	.exec = validate_exec,
};
