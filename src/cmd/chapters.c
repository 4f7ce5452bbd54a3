/*
 * cmd/chapters.c: retrovue chapters list|add|remove|detect — act breaks.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/chapters.h"
#include "src/cmd/cmd.h"
#include "src/cmd/libopts.h"
#include "src/util.h"
#include "tui/progress.h"

static atomic_int chapters_cancel;

/* An id argument. */
static int
id_arg(const char *s, int64_t *id)
{
	long long v;

	if (parse_int(s, 1, INT64_MAX, &v) != 0)
		return -1;
	*id = v;
	return 0;
}

/* chapters list ID */
static int
chapters_list_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct chapter *ch = NULL, *sp = NULL;
	sqlite3 *db;
	char *cause = NULL, t[32], u[32];
	size_t n = 0, ns = 0, i;
	int64_t id;

	if (argc != 2 || id_arg(argv[1], &id) != 0) {
		fprintf(stderr, "usage: retrovue chapters list ID\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (chapters_list(db, id, &ch, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (chapters_spans(db, id, &sp, &ns, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		chapters_free(&ch, n);
		return 1;
	}
	if (n == 0 && ns == 0)
		printf("No chapter markers on %lld\n", (long long)id);
	for (i = 0; i < n; i++)
		printf("%s  %-9s %s\n", chapters_time(t, sizeof t, ch[i].ms), ch[i].source,
		    ch[i].title != NULL ? ch[i].title : "");
	/* Intro and credits: no break inside them. */
	for (i = 0; i < ns; i++)
		printf("%s  %-9s %s to %s (no break inside)\n", chapters_time(t, sizeof t, sp[i].ms),
		    sp[i].source, sp[i].title, chapters_time(u, sizeof u, sp[i].end_ms));
	chapters_free(&ch, n);
	chapters_free(&sp, ns);
	return 0;
}

/* chapters add ID TIME [TITLE] */
static int
chapters_add_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3 *db;
	char *cause = NULL, t[32];
	int64_t id, ms, cid;

	if ((argc != 3 && argc != 4) || id_arg(argv[1], &id) != 0 ||
	    parse_duration_ms(argv[2], &ms) != 0) {
		fprintf(stderr, "usage: retrovue chapters add ID TIME [TITLE]   (TIME: 12:30, "
		    "0:12:30.5, 750s)\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (chapters_add(db, id, ms, argc == 4 ? argv[3] : NULL, "manual", &cid, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("Added a marker at %s on %lld\n", chapters_time(t, sizeof t, ms), (long long)id);
	return 0;
}

/* chapters remove ID TIME */
static int
chapters_remove_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3 *db;
	char *cause = NULL, t[32];
	int64_t id, ms;

	if (argc != 3 || id_arg(argv[1], &id) != 0 || parse_duration_ms(argv[2], &ms) != 0) {
		fprintf(stderr, "usage: retrovue chapters remove ID TIME\n");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (chapters_remove(db, id, ms, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("Removed the marker at %s on %lld\n", chapters_time(t, sizeof t, ms),
	    (long long)id);
	return 0;
}

/* Decoding progress. */
static void
on_progress(void *arg, int64_t done, int64_t total)
{
	char t[32], label[64];

	fmt_duration(t, sizeof t, done, 0);
	t[8] = '\0';
	snprintf(label, sizeof label, "Scanning for black and silence, %s", t);
	progress_set(arg, 0, (long)(done / 1000), total > 0 ? (long)(total / 1000) : 1, label);
}

/* chapters detect ID [--save] [--margin S] [--min-black S] [--min-gap S] [--noise DB] */
static int
chapters_detect_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "save", no_argument, NULL, 's' },
		{ "margin", required_argument, NULL, 'm' },
		{ "min-black", required_argument, NULL, 'b' },
		{ "min-silence", required_argument, NULL, 'l' },
		{ "min-gap", required_argument, NULL, 'g' },
		{ "noise", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct chapters_detect_opts o;
	struct chapter_point *p = NULL;
	struct progress *bar;
	sqlite3 *db;
	char *cause = NULL, *path = NULL, t[32], a[32], b[32], c1[32], c2[32], *end;
	int64_t id, dur, ms;
	size_t n = 0, i;
	int c, save = 0, added = 0;
	double v;

	memset(&o, 0, sizeof o);
	o.margin_s = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's') {
			save = 1;
			continue;
		}
		if (c == 'n') {
			v = strtod(optarg, &end);
			if (end == optarg || v >= 0 || v < -120)
				goto usage;
			o.silence_db = v;
			continue;
		}
		if (c == '?' || parse_duration_ms(optarg, &ms) != 0)
			goto usage;
		v = (double)ms / 1000;
		switch (c) {
		case 'm': o.margin_s = v; break;
		case 'b': o.min_black_s = v; break;
		case 'l': o.min_silence_s = v; break;
		case 'g': o.min_gap_s = v; break;
		default: goto usage;
		}
	}
	if (optind + 1 != argc || id_arg(argv[optind], &id) != 0)
		goto usage;
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (chapters_file(db, id, &path, &dur, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	libopts_catch_interrupt(&chapters_cancel);
	o.cancel = &chapters_cancel;
	/* A bar on a terminal; a log file gets just the result. */
	bar = isatty(STDERR_FILENO) ? progress_new(stderr, 1) : NULL;
	o.progress = bar != NULL ? on_progress : NULL;
	o.arg = bar;
	c = chapters_detect(path, &o, &p, &n, &cause);
	progress_free(&bar);
	free(path);
	if (c != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (n == 0)
		printf("No break points found (no black that coincides with silence)\n");
	for (i = 0; i < n; i++)
		printf("%s  black %s-%s, silence %s-%s\n", chapters_time(t, sizeof t, p[i].ms),
		    chapters_time(a, sizeof a, p[i].black_start_ms), chapters_time(b, sizeof b,
		    p[i].black_end_ms), chapters_time(c1, sizeof c1, p[i].silence_start_ms),
		    chapters_time(c2, sizeof c2, p[i].silence_end_ms));
	if (save && !ctx->dry_run) {
		if (chapters_save_detected(db, id, p, n, &added, &cause) != 0) {
			cmd_error("%s", cause);
			free(cause);
			free(p);
			return 1;
		}
		printf("Saved %d marker%s (replacing earlier detected ones)\n", added,
		    added == 1 ? "" : "s");
	} else if (n > 0)
		printf("Proposed only; 'retrovue chapters detect %lld --save' stores them\n",
		    (long long)id);
	free(p);
	return 0;
usage:
	fprintf(stderr, "usage: retrovue chapters detect ID [--save] [--margin SEC] "
	    "[--min-black SEC] [--min-silence SEC] [--min-gap SEC] [--noise DB]\n");
	return 2;
}

static const struct cmd_sub chapters_subs[] = {
	{ "list", "ID", chapters_list_cmd },
	{ "add", "ID TIME [TITLE]", chapters_add_cmd },
	{ "remove", "ID TIME", chapters_remove_cmd },
	{ "detect", "ID [--save] [--margin SEC] [--min-black SEC]", chapters_detect_cmd },
	{ NULL, NULL, NULL },
};

/* Dispatch. */
static int
chapters_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_chapters_entry, chapters_subs, argc, argv);
}

const struct cmd_entry cmd_chapters_entry = {
	.name = "chapters",
	.usage = "list|add|remove|detect",
	.summary = "chapter markers (act breaks); detect them from black and silence",
	.flags = CMD_NO_DB,
	.exec = chapters_exec,
	.subs = chapters_subs,
};
