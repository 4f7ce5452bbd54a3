/*
 * cmd/asrun.c: retrovue asrun CHANNEL [--from TIME] [--hours N] — what
 * actually aired, against what was scheduled.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/asrun.h"
#include "src/cmd/chanopts.h"
#include "src/cmd/cmd.h"
#include "src/tz.h"
#include "src/util.h"

enum { O_FROM = 256, O_HOURS };

/* Print the as-run log of a channel. */
static int
asrun_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, O_FROM },
		{ "hours", required_argument, NULL, O_HOURS },
		{ NULL, 0, NULL, 0 },
	};
	struct channel_conf c;
	struct asrun_row *rows;
	const struct tz *tz;
	const char *from_s = "-24h";
	char *cause = NULL, b1[32], b2[32], b3[32], late[32];
	long long hours = 0;
	int64_t now = now_ms(), from, to;
	size_t n, i;
	sqlite3 *db;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_FROM:
			from_s = optarg;
			break;
		case O_HOURS:
			if (parse_int(optarg, 1, 24 * 366, &hours) != 0) {
				chanopts_bad("--hours", optarg, "a number of hours");
				return 2;
			}
			break;
		default:
			return cmd_usage(&cmd_asrun_entry);
		}
	}
	if (argc - optind != 1)
		return cmd_usage(&cmd_asrun_entry);
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[optind], &c) != 0)
		return 1;
	if ((tz = tz_get(c.timezone, &cause)) == NULL || chanopts_time(from_s, tz, now,
	    &from) != 0) {
		if (cause != NULL)
			cmd_error("%s", cause);
		free(cause);
		channel_conf_clear(&c);
		return 1;
	}
	to = hours > 0 ? from + hours * 3600000LL : now + 1;
	if (asrun_list(db, c.id, from, to, &rows, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		channel_conf_clear(&c);
		return 1;
	}
	printf("channel %s %s as run, %s to %s (%s)\n", c.number, c.name,
	    chanopts_local(tz, from, b1, sizeof b1), chanopts_local(tz, to, b2, sizeof b2),
	    c.timezone);
	if (n == 0)
		printf("nothing aired in that time\n");
	else
		printf("%-19s  %-11s  %-9s  %-12s %-11s  %s\n", "STARTED", "DURATION", "LATE",
		    "STATUS", "SCHEDULED", "TITLE");
	for (i = 0; i < n; i++) {
		struct asrun_row *r = &rows[i];

		if (r->scheduled_start_ms != 0)
			snprintf(late, sizeof late, "%+.3fs",
			    (double)(r->start_ms - r->scheduled_start_ms) / 1000);
		else
			snprintf(late, sizeof late, "-");
		printf("%-19s  %-11s  %-9s  %-12s %-11s  %s%s%s\n",
		    chanopts_local(tz, r->start_ms, b1, sizeof b1),
		    r->end_ms != 0 ? fmt_duration(b2, sizeof b2, r->duration_ms,
		    (double)c.fps_num / c.fps_den) : "on air", late, r->status,
		    r->scheduled_start_ms != 0 ? chanopts_local(tz, r->scheduled_start_ms, b3,
		    sizeof b3) + 11 : "-", r->title ? r->title : "(untitled)",
		    r->errors ? ": " : "", r->errors ? r->errors : "");
	}
	asrun_rows_free(&rows, n);
	channel_conf_clear(&c);
	return 0;
}

const struct cmd_entry cmd_asrun_entry = {
	.name = "asrun",
	.usage = "CHANNEL [--from TIME] [--hours N]",
	.summary = "what a channel actually aired (the as-run log)",
	.flags = CMD_NO_DB,
	.exec = asrun_exec,
};
