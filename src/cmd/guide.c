/*
 * cmd/guide.c: retrovue guide xmltv|m3u — print the programme guide and the
 * channel list exactly as the HTTP server serves them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd/chanopts.h"
#include "src/cmd/cmd.h"
#include "src/guide.h"
#include "src/sched.h"
#include "src/tz.h"
#include "src/util.h"

enum { O_HOURS = 256, O_FROM, O_BASE, O_NO_EXTEND, O_HLS, O_OUTPUT };

static int guide_xmltv_cmd(struct cmd_ctx *, int, char **);
static int guide_m3u_cmd(struct cmd_ctx *, int, char **);

static const struct cmd_sub guide_subs[] = {
	{ "xmltv", "[--hours N] [--from TIME] [--base-url URL] [--no-extend] [-o FILE]",
	    guide_xmltv_cmd },
	{ "m3u", "--base-url URL [--hls] [-o FILE]", guide_m3u_cmd },
	{ NULL, NULL, NULL },
};

/* Usage of a subcommand; 2. */
static int
usage(const char *sub)
{
	const struct cmd_sub *s;

	for (s = guide_subs; s->name != NULL; s++) {
		if (strcmp(s->name, sub) == 0)
			fprintf(stderr, "usage: retrovue guide %s %s\n", s->name, s->usage);
	}
	return 2;
}

/* Write buf to path ("-" or NULL: stdout). */
static int
output(const char *path, const char *buf, size_t len)
{
	FILE *f = stdout;

	if (path != NULL && strcmp(path, "-") != 0 && (f = fopen(path, "w")) == NULL) {
		cmd_error("%s: %s", path, strerror(errno));
		return 1;
	}
	if (fwrite(buf, 1, len, f) != len || (f != stdout ? fclose(f) : fflush(f)) != 0) {
		cmd_error("%s: %s", path != NULL ? path : "stdout", strerror(errno));
		return 1;
	}
	return 0;
}

/* guide xmltv. */
static int
guide_xmltv_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hours", required_argument, NULL, O_HOURS },
		{ "from", required_argument, NULL, O_FROM },
		{ "base-url", required_argument, NULL, O_BASE },
		{ "no-extend", no_argument, NULL, O_NO_EXTEND },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from_s = "now", *base = NULL, *path = NULL;
	char *cause = NULL, *buf;
	long long hours = 48;
	int64_t now = now_ms(), from;
	int ch, extend = 1, rc;
	size_t len;
	sqlite3 *db;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case O_HOURS:
			if (parse_int(optarg, 1, 24 * 31, &hours) != 0)
				return chanopts_bad("--hours", optarg, "a number of hours from 1 to 744"),
				    2;
			break;
		case O_FROM:
			from_s = optarg;
			break;
		case O_BASE:
			base = optarg;
			break;
		case O_NO_EXTEND:
			extend = 0;
			break;
		case 'o':
			path = optarg;
			break;
		default:
			return usage("xmltv");
		}
	}
	if (argc != optind)
		return usage("xmltv");
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	/* Times without a zone are the machine's. */
	if (chanopts_time(from_s, tz_get(NULL, NULL), now, &from) != 0)
		return 1;
	if (extend && !ctx->dry_run && from + hours * 3600000LL > now &&
	    sched_extend_all(db, now, from + hours * 3600000LL - now > SCHED_HORIZON_MS ?
	    from + hours * 3600000LL - now : 0, &cause) < 0) {
		/* A channel that cannot be built is listed with what it has. */
		cmd_error("%s", cause);
		freep(&cause);
	}
	if (guide_xmltv(db, from, (int)hours, base, &buf, &len, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	rc = output(path, buf, len);
	free(buf);
	return rc;
}

/* guide m3u. */
static int
guide_m3u_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base-url", required_argument, NULL, O_BASE },
		{ "hls", no_argument, NULL, O_HLS },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base = NULL, *path = NULL;
	char *cause = NULL, *buf;
	int ch, flags = 0, rc;
	size_t len;
	sqlite3 *db;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case O_BASE:
			base = optarg;
			break;
		case O_HLS:
			flags |= GUIDE_M3U_HLS;
			break;
		case 'o':
			path = optarg;
			break;
		default:
			return usage("m3u");
		}
	}
	if (argc != optind || base == NULL)
		return usage("m3u");
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (guide_m3u(db, base, flags, &buf, &len, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	rc = output(path, buf, len);
	free(buf);
	return rc;
}

/* Dispatch. */
static int
guide_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_guide_entry, guide_subs, argc, argv);
}

const struct cmd_entry cmd_guide_entry = {
	.name = "guide",
	.usage = "xmltv|m3u ...",
	.summary = "print the programme guide (XMLTV) or the channel list (M3U)",
	.flags = CMD_NO_DB,
	.exec = guide_exec,
	.subs = guide_subs,
};
