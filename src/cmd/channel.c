/*
 * cmd/channel.c: retrovue channel add|list|show|edit|remove|enable|disable.
 * The options of add and edit, their usage and 'show' come from the table
 * of channel settings (src/chanfield.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/chanedit.h"
#include "src/chanfield.h"
#include "src/channels.h"
#include "src/cmd/chanopts.h"
#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/sched.h"
#include "src/tz.h"
#include "src/util.h"

static int channel_add(struct cmd_ctx *, int, char **);
static int channel_list(struct cmd_ctx *, int, char **);
static int channel_show(struct cmd_ctx *, int, char **);
static int channel_edit(struct cmd_ctx *, int, char **);
static int channel_remove(struct cmd_ctx *, int, char **);
static int channel_enable(struct cmd_ctx *, int, char **);
static int channel_disable(struct cmd_ctx *, int, char **);

/* add and edit: their usage is made from the table (channel_usage). */
static const struct cmd_sub channel_subs[] = {
	{ "add", "NUMBER NAME [options]", channel_add },
	{ "list", "", channel_list },
	{ "show", "NUMBER", channel_show },
	{ "edit", "NUMBER [options]", channel_edit },
	{ "remove", "NUMBER", channel_remove },
	{ "enable", "NUMBER", channel_enable },
	{ "disable", "NUMBER", channel_disable },
	{ NULL, NULL, NULL },
};

/*
 * head, then [--flag ARG] for each setting with a flag (those taken as
 * arguments only with args), wrapped under the "usage: retrovue channel
 * edit" that comes before it.
 */
static const char *
options_usage(char *buf, size_t len, const char *head, int args)
{
	const struct chanfield *f;
	char opt[128], arg[128];
	size_t off, line;

	off = (size_t)snprintf(buf, len, "%s", head);
	line = 28 + off;
	for (f = chanfields; f < chanfields + nchanfields && off < len; f++) {
		if (f->flag == NULL || ((f->flags & CHANFIELD_ARG) && !args))
			continue;
		snprintf(opt, sizeof opt, "[--%s %s]", f->flag, chanfield_arg(f, arg, sizeof arg));
		if (line + 1 + strlen(opt) > 92) {
			off += (size_t)snprintf(buf + off, len - off, "\n     ");
			line = 5;
		}
		off += (size_t)snprintf(buf + off, len - off, " %s", opt);
		line += 1 + strlen(opt);
	}
	return buf;
}

/* The usage of add and edit, with every flag. */
static const char *
channel_usage(const struct cmd_sub *s)
{
	static char add[4096], edit[4096];

	if (s->exec == channel_add)
		return options_usage(add, sizeof add, "NUMBER NAME", 0);
	if (s->exec == channel_edit)
		return options_usage(edit, sizeof edit, "NUMBER", 1);
	return NULL;
}

/* The settings, for 'retrovue channel --help'. */
static void
channel_help(FILE *out)
{
	const struct chanfield *f;
	char opt[128], arg[128];

	fprintf(out, "Options of add and edit (\"none\" unsets what may be unset):\n");
	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (f->flag == NULL)
			continue;
		snprintf(opt, sizeof opt, "--%s %s", f->flag, chanfield_arg(f, arg, sizeof arg));
		fprintf(out, "  %-30s %s\n", opt, f->help != NULL ? f->help : f->label);
	}
}

/* Print a subcommand's usage; exit status 2. */
static int
usage(const char *sub)
{
	const struct cmd_sub *s;

	for (s = channel_subs; s->name != NULL; s++) {
		if (strcmp(s->name, sub) == 0)
			fprintf(stderr, "usage: retrovue channel %s %s\n", s->name,
			    cmd_sub_usage(&cmd_channel_entry, s));
	}
	return 2;
}

/* Parse the options shared by add and edit into e (argv from optind). */
static int
parse_edit(int argc, char **argv, struct chanedit *e, int allow_rename)
{
	struct option opts[CHANFIELDS_MAX + 2];
	const struct chanfield *f;
	char *cause = NULL;
	size_t n = 0;
	int c;

	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (f->flag == NULL)
			continue;
		opts[n].name = f->flag;
		opts[n].has_arg = required_argument;
		opts[n].flag = NULL;
		opts[n++].val = 256 + (int)(f - chanfields);
	}
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c < 256)
			return -1;
		f = &chanfields[c - 256];
		if ((f->flags & CHANFIELD_ARG) && !allow_rename) {
			cmd_error("the number and name are arguments of channel add");
			return -1;
		}
		if (chanedit_parse(e, f, optarg, &cause) != 0) {
			cmd_error("--%s: %s", f->flag, cause);
			free(cause);
			return -1;
		}
	}
	return 0;
}

/* Rebuild a channel's future after a change, if it has one. */
static int
rebuild(sqlite3 *db, int64_t id, const char *number)
{
	char *cause = NULL;
	int n;

	if (finelog_horizon(db, id) == 0)
		return 0;
	if ((n = sched_rebuild(db, id, now_ms(), &cause)) < 0) {
		cmd_error("channel %s: rebuilding the schedule: %s", number, cause);
		free(cause);
		return -1;
	}
	printf("channel %s: schedule rebuilt after the next 10 minutes (%d items)\n", number, n);
	return 0;
}

/* channel add NUMBER NAME [options]. */
static int
channel_add(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct chanedit e;
	char *cause = NULL, tzbuf[128];
	sqlite3 *db;
	int64_t id;

	chanedit_init(&e);
	optind = 0;
	if (parse_edit(argc, argv, &e, 0) != 0 || argc - optind != 2)
		return usage(argv[0]);
	chanedit_set_str(&e, "number", argv[optind]);
	chanedit_set_str(&e, "name", argv[optind + 1]);
	if (chanedit_str(&e, "timezone") == NULL)
		chanedit_set_str(&e, "timezone", tz_system_name(tzbuf, sizeof tzbuf));
	if (ctx->dry_run) {
		if (chanedit_check(&e, &cause) != 0) {
			cmd_error("%s", cause);
			free(cause);
			return 1;
		}
		printf("would add channel %s %s\n", argv[optind], argv[optind + 1]);
		return 0;
	}
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	if (chanedit_add(db, &e, &id, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("added channel %s %s (%s, %lld-minute slots)\n", argv[optind], argv[optind + 1],
	    chanedit_str(&e, "timezone"), chanedit_int(&e, "slot_minutes", 30));
	return 0;
}

/* channel list. */
static int
channel_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf *chans;
	const struct tz *tz;
	char *cause = NULL, fmt[40], until[32];
	sqlite3 *db;
	size_t n, i;
	int64_t end;

	if (argc != 1)
		return usage(argv[0]);
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (channels_load(db, &chans, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if (n == 0) {
		printf("no channels (add one with 'retrovue channel add NUMBER NAME')\n");
		return 0;
	}
	printf("%-7s %-20s %-6s %-20s %-5s %-14s %-7s %-3s %s\n", "NUMBER", "NAME", "CALL", "ZONE",
	    "SLOT", "FORMAT", "LIMIT", "ON", "SCHEDULED TO");
	for (i = 0; i < n; i++) {
		chanfield_format(chans[i].width, chans[i].height, chans[i].fps_num,
		    chans[i].fps_den, fmt, sizeof fmt);
		end = finelog_horizon(db, chans[i].id);
		tz = tz_get(chans[i].timezone, NULL);
		if (end == 0 || tz == NULL)
			snprintf(until, sizeof until, "-");
		else
			chanopts_local(tz, end, until, sizeof until);
		printf("%-7s %-20s %-6s %-20s %3dm  %-14s %-7s %-3s %s\n", chans[i].number,
		    chans[i].name, chans[i].call_sign ? chans[i].call_sign : "-", chans[i].timezone,
		    chans[i].slot_minutes, fmt, chans[i].rating_limit ? chans[i].rating_limit : "-",
		    chans[i].enabled ? "yes" : "no", until);
	}
	channels_free(&chans, n);
	return 0;
}

/* channel show NUMBER: every setting. */
static int
channel_show(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf c;
	sqlite3 *db;

	if (argc != 2)
		return usage(argv[0]);
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[1], &c) != 0)
		return 1;
	chanfield_print(stdout, c.vals, db);
	channel_conf_clear(&c);
	return 0;
}

/* channel edit NUMBER [options]. */
static int
channel_edit(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf c;
	struct chanedit e;
	const char *number;
	char *cause = NULL;
	sqlite3 *db;
	int rc;

	chanedit_init(&e);
	optind = 0;
	if (parse_edit(argc, argv, &e, 1) != 0 || argc - optind != 1)
		return usage(argv[0]);
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[optind], &c) != 0)
		return 1;
	if (ctx->dry_run) {
		rc = chanedit_check(&e, &cause);
		if (rc == 0)
			printf("channel %s: the changes are valid (dry run: not saved)\n", c.number);
	} else if ((rc = chanedit_update(db, c.id, &e, &cause)) == 0) {
		number = chanedit_str(&e, "number") != NULL ? chanedit_str(&e, "number") : c.number;
		printf("channel %s: saved\n", number);
		rc = rebuild(db, c.id, number);
		/* A new era: say at once if the library cannot fill it. */
		if (rc == 0 && chanedit_str(&e, "era") != NULL)
			chanopts_era_note(db, c.id, now_ms() + SCHED_LOCK_MS, finelog_horizon(db, c.id));
	}
	if (cause != NULL) {
		cmd_error("channel %s: %s", c.number, cause);
		free(cause);
	}
	channel_conf_clear(&c);
	return rc == 0 ? 0 : 1;
}

/* channel remove NUMBER. */
static int
channel_remove(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf c;
	char *cause = NULL;
	sqlite3 *db;
	int rc = 0;

	if (argc != 2)
		return usage(argv[0]);
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[1], &c) != 0)
		return 1;
	if (ctx->dry_run)
		printf("would remove channel %s %s with its schedule and logs\n", c.number, c.name);
	else if (chanedit_remove(db, c.id, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		rc = 1;
	} else
		printf("removed channel %s %s with its schedule and logs\n", c.number, c.name);
	channel_conf_clear(&c);
	return rc;
}

/* channel enable|disable NUMBER. */
static int
set_enabled(struct cmd_ctx *ctx, int argc, char **argv, int on)
{
	struct channel_conf c;
	struct chanedit e;
	char *cause = NULL;
	sqlite3 *db;
	int rc = 0;

	if (argc != 2)
		return usage(argv[0]);
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[1], &c) != 0)
		return 1;
	chanedit_init(&e);
	chanedit_set_int(&e, "enabled", on);
	if (!ctx->dry_run && chanedit_update(db, c.id, &e, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		rc = 1;
	} else
		printf("channel %s %s%s\n", c.number, on ? "enabled" : "disabled",
		    ctx->dry_run ? " (dry run)" : "");
	channel_conf_clear(&c);
	return rc;
}

/* channel enable. */
static int
channel_enable(struct cmd_ctx *ctx, int argc, char **argv)
{
	return set_enabled(ctx, argc, argv, 1);
}

/* channel disable. */
static int
channel_disable(struct cmd_ctx *ctx, int argc, char **argv)
{
	return set_enabled(ctx, argc, argv, 0);
}

/* Dispatch. */
static int
channel_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_channel_entry, channel_subs, argc, argv);
}

const struct cmd_entry cmd_channel_entry = {
	.name = "channel",
	.usage = "add|list|show|edit|remove|enable|disable ...",
	.summary = "add, list, change and remove channels",
	.flags = CMD_NO_DB,
	.exec = channel_exec,
	.subs = channel_subs,
	.help = channel_help,
	.usage_of = channel_usage,
};
