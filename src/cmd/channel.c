/*
 * cmd/channel.c: retrovue channel add|list|show|edit|remove|enable|disable.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/chanedit.h"
#include "src/channels.h"
#include "src/cmd/chanopts.h"
#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/rating.h"
#include "src/sched.h"
#include "src/tz.h"
#include "src/util.h"

#define OPTIONS_USAGE \
	"[--call-sign CS] [--description TEXT] [--rating-limit R|none] [--unrated yes|no]\n" \
	"      [--demographic D|none] [--timezone Area/City] [--slot-minutes N] [--logo PATH]\n" \
	"      [--bug PATH] [--format WxH[@FPS]] [--video-kbps N] [--audio-kbps N]\n" \
	"      [--language eng] [--act-length DUR] [--break-margin DUR] [--bumpers yes|no]\n" \
	"      [--station-ids MINUTES] [--group TEXT] [--always-on yes|no]\n" \
	"      [--type regular|guide] [--guide-source N|none] [--music-dir DIR|none]\n" \
	"      [--guide-hours H] [--off-air HH:MM-HH:MM|none] [--anthem FILE|none]\n" \
	"      [--test-card bars|card] [--rating-cards yes|no] [--next-bumpers yes|no]"

enum {
	O_CALL = 256, O_DESC, O_LIMIT, O_UNRATED, O_DEMO, O_TZ, O_SLOT, O_LOGO, O_BUG, O_FORMAT,
	O_VKBPS, O_AKBPS, O_LANG, O_ACT, O_MARGIN, O_BUMPERS, O_IDS, O_GROUP, O_ALWAYS,
	O_NUMBER, O_NAME, O_TYPE, O_GSOURCE, O_MUSIC, O_GHOURS, O_OFFAIR, O_ANTHEM, O_TESTCARD,
	O_RCARDS, O_NEXTB,
};

static const struct option edit_options[] = {
	{ "call-sign", required_argument, NULL, O_CALL },
	{ "description", required_argument, NULL, O_DESC },
	{ "rating-limit", required_argument, NULL, O_LIMIT },
	{ "unrated", required_argument, NULL, O_UNRATED },
	{ "demographic", required_argument, NULL, O_DEMO },
	{ "timezone", required_argument, NULL, O_TZ },
	{ "slot-minutes", required_argument, NULL, O_SLOT },
	{ "logo", required_argument, NULL, O_LOGO },
	{ "bug", required_argument, NULL, O_BUG },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "video-kbps", required_argument, NULL, O_VKBPS },
	{ "audio-kbps", required_argument, NULL, O_AKBPS },
	{ "language", required_argument, NULL, O_LANG },
	{ "act-length", required_argument, NULL, O_ACT },
	{ "break-margin", required_argument, NULL, O_MARGIN },
	{ "bumpers", required_argument, NULL, O_BUMPERS },
	{ "station-ids", required_argument, NULL, O_IDS },
	{ "group", required_argument, NULL, O_GROUP },
	{ "always-on", required_argument, NULL, O_ALWAYS },
	{ "type", required_argument, NULL, O_TYPE },
	{ "guide-source", required_argument, NULL, O_GSOURCE },
	{ "music-dir", required_argument, NULL, O_MUSIC },
	{ "guide-hours", required_argument, NULL, O_GHOURS },
	{ "off-air", required_argument, NULL, O_OFFAIR },
	{ "anthem", required_argument, NULL, O_ANTHEM },
	{ "test-card", required_argument, NULL, O_TESTCARD },
	{ "rating-cards", required_argument, NULL, O_RCARDS },
	{ "next-bumpers", required_argument, NULL, O_NEXTB },
	{ "number", required_argument, NULL, O_NUMBER },
	{ "name", required_argument, NULL, O_NAME },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int channel_add(struct cmd_ctx *, int, char **);
static int channel_list(struct cmd_ctx *, int, char **);
static int channel_show(struct cmd_ctx *, int, char **);
static int channel_edit(struct cmd_ctx *, int, char **);
static int channel_remove(struct cmd_ctx *, int, char **);
static int channel_enable(struct cmd_ctx *, int, char **);
static int channel_disable(struct cmd_ctx *, int, char **);

static const struct cmd_sub channel_subs[] = {
	{ "add", "NUMBER NAME " OPTIONS_USAGE, channel_add },
	{ "list", "", channel_list },
	{ "show", "NUMBER", channel_show },
	{ "edit", "NUMBER [--number N] [--name NAME] " OPTIONS_USAGE, channel_edit },
	{ "remove", "NUMBER", channel_remove },
	{ "enable", "NUMBER", channel_enable },
	{ "disable", "NUMBER", channel_disable },
	{ NULL, NULL, NULL },
};

/* Print a subcommand's usage; exit status 2. */
static int
usage(const char *sub)
{
	const struct cmd_sub *s;

	for (s = channel_subs; s->name != NULL; s++) {
		if (strcmp(s->name, sub) == 0)
			fprintf(stderr, "usage: retrovue channel %s %s\n", s->name, s->usage);
	}
	return 2;
}

/* "none" or "" clears a text value. */
static const char *
text_opt(const char *s)
{
	return strcasecmp(s, "none") == 0 ? "" : s;
}

/* --off-air HH:MM-HH:MM (sign-off to sign-on) or none. */
static int
offair_opt(const char *s, struct chanedit *e)
{
	static char off[32], on[32];
	int a, b, c, d, n = 0;

	if (strcasecmp(s, "none") == 0 || *s == '\0') {
		e->signoff_time = e->signon_time = "";
		return 0;
	}
	if (sscanf(s, "%2d:%2d-%2d:%2d%n", &a, &b, &c, &d, &n) != 4 || s[n] != '\0' ||
	    a > 23 || b > 59 || c > 23 || d > 59)
		return chanopts_bad("--off-air", s, "sign-off and sign-on times like 02:00-06:00");
	snprintf(off, sizeof off, "%02d:%02d", a, b);
	snprintf(on, sizeof on, "%02d:%02d", c, d);
	e->signoff_time = off;
	e->signon_time = on;
	return 0;
}

/* An integer option. */
static int
int_opt(const char *opt, const char *s, long long min, long long max, int *out)
{
	long long v;

	if (parse_int(s, min, max, &v) != 0) {
		cmd_error("--%s: '%s' is not a number from %lld to %lld", opt, s, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* A duration option in whole seconds. */
static int
secs_opt(const char *opt, const char *s, int *out)
{
	int64_t ms;

	if (parse_duration_ms(s, &ms) != 0 || ms % 1000 != 0 || ms / 1000 > 14400) {
		cmd_error("--%s: '%s' is not a duration in whole seconds (like 8:00 or 90)", opt, s);
		return -1;
	}
	*out = (int)(ms / 1000);
	return 0;
}

/* "1280x720", "640x360@25", "1920x1080@29.97", "@30000/1001". */
static int
format_opt(const char *s, struct chanedit *e)
{
	const char *at = strchr(s, '@');
	int w, h, n = 0, num, den;
	double fps;

	if (at != s) {
		if (sscanf(s, "%dx%d%n", &w, &h, &n) != 2 || (s[n] != '\0' && s[n] != '@'))
			goto bad;
		e->width = w;
		e->height = h;
	}
	if (at != NULL) {
		if (sscanf(at + 1, "%d/%d%n", &num, &den, &n) == 2 && at[1 + n] == '\0') {
			e->fps_num = num;
			e->fps_den = den;
		} else if (sscanf(at + 1, "%lf%n", &fps, &n) == 1 && at[1 + n] == '\0' && fps > 0 &&
		    fps <= 120) {
			if (fps - (int)fps < 0.001) {
				e->fps_num = (int)fps;
				e->fps_den = 1;
			} else {
				/* 29.97, 23.976, 59.94: the NTSC rates. */
				e->fps_num = (int)(fps * 1001 + 0.5);
				e->fps_num = (e->fps_num + 500) / 1000 * 1000;
				e->fps_den = 1001;
			}
		} else
			goto bad;
	}
	return 0;
bad:
	cmd_error("--format: '%s' is not like 1280x720, 640x360@25 or 1920x1080@29.97", s);
	return -1;
}

/* Parse the options shared by add and edit into e (argv from optind). */
static int
parse_edit(int argc, char **argv, struct chanedit *e, int allow_rename)
{
	int c, v;

	while ((c = getopt_long(argc, argv, "h", edit_options, NULL)) != -1) {
		switch (c) {
		case O_CALL:
			e->call_sign = text_opt(optarg);
			break;
		case O_DESC:
			e->description = text_opt(optarg);
			break;
		case O_LIMIT:
			e->rating_limit = text_opt(optarg);
			break;
		case O_UNRATED:
			if ((e->unrated_ok = chanopts_yesno("--unrated", optarg)) < 0)
				return -1;
			break;
		case O_DEMO:
			e->demographic = text_opt(optarg);
			break;
		case O_TZ:
			e->timezone = optarg;
			break;
		case O_SLOT:
			if (int_opt("slot-minutes", optarg, 1, 1440, &e->slot_minutes) != 0)
				return -1;
			break;
		case O_LOGO:
			e->logo_path = text_opt(optarg);
			break;
		case O_BUG:
			e->bug_path = text_opt(optarg);
			break;
		case O_FORMAT:
			if (format_opt(optarg, e) != 0)
				return -1;
			break;
		case O_VKBPS:
			if (int_opt("video-kbps", optarg, 100, 100000, &e->video_kbps) != 0)
				return -1;
			break;
		case O_AKBPS:
			if (int_opt("audio-kbps", optarg, 32, 512, &e->audio_kbps) != 0)
				return -1;
			break;
		case O_LANG:
			e->audio_language = text_opt(optarg);
			break;
		case O_ACT:
			if (secs_opt("act-length", optarg, &e->act_seconds) != 0)
				return -1;
			break;
		case O_MARGIN:
			if (secs_opt("break-margin", optarg, &e->break_margin_s) != 0)
				return -1;
			break;
		case O_BUMPERS:
			if ((e->bumpers = chanopts_yesno("--bumpers", optarg)) < 0)
				return -1;
			break;
		case O_IDS:
			if (strcasecmp(optarg, "no") == 0 || strcasecmp(optarg, "none") == 0)
				e->station_id_minutes = 0;
			else if (int_opt("station-ids", optarg, 0, 1440, &e->station_id_minutes) != 0)
				return -1;
			break;
		case O_GROUP:
			e->guide_group = text_opt(optarg);
			break;
		case O_ALWAYS:
			if ((v = chanopts_yesno("--always-on", optarg)) < 0)
				return -1;
			e->always_on = v;
			break;
		case O_TYPE:
			e->channel_type = optarg;
			break;
		case O_GSOURCE:
			e->guide_source = text_opt(optarg);
			break;
		case O_MUSIC:
			e->guide_music_dir = text_opt(optarg);
			break;
		case O_GHOURS:
			if (int_opt("guide-hours", optarg, 1, 12, &e->guide_hours) != 0)
				return -1;
			break;
		case O_OFFAIR:
			if (offair_opt(optarg, e) != 0)
				return -1;
			break;
		case O_ANTHEM:
			e->anthem_path = text_opt(optarg);
			break;
		case O_TESTCARD:
			e->test_card = optarg;
			break;
		case O_RCARDS:
			if ((e->rating_cards = chanopts_yesno("--rating-cards", optarg)) < 0)
				return -1;
			break;
		case O_NEXTB:
			if ((e->next_bumpers = chanopts_yesno("--next-bumpers", optarg)) < 0)
				return -1;
			break;
		case O_NUMBER:
		case O_NAME:
			if (!allow_rename) {
				cmd_error("the number and name are arguments of channel add");
				return -1;
			}
			if (c == O_NUMBER)
				e->number = optarg;
			else
				e->name = optarg;
			break;
		default:
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
	e.number = argv[optind];
	e.name = argv[optind + 1];
	if (e.timezone == NULL)
		e.timezone = tz_system_name(tzbuf, sizeof tzbuf);
	if (ctx->dry_run) {
		if (chanedit_check(&e, &cause) != 0) {
			cmd_error("%s", cause);
			free(cause);
			return 1;
		}
		printf("would add channel %s %s\n", e.number, e.name);
		return 0;
	}
	if ((db = cmd_db(ctx, 1)) == NULL)
		return 1;
	if (chanedit_add(db, &e, &id, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("added channel %s %s (%s, %d-minute slots)\n", e.number, e.name, e.timezone,
	    e.slot_minutes > 0 ? e.slot_minutes : 30);
	return 0;
}

/* The output format as text. */
static void
format_text(const struct channel_conf *c, char *buf, size_t len)
{
	if (c->fps_den == 1)
		snprintf(buf, len, "%dx%d@%d", c->width, c->height, c->fps_num);
	else
		snprintf(buf, len, "%dx%d@%.4g", c->width, c->height,
		    (double)c->fps_num / c->fps_den);
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
		format_text(&chans[i], fmt, sizeof fmt);
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
	sqlite3_stmt *st;
	char fmt[40];
	sqlite3 *db;

	if (argc != 2)
		return usage(argv[0]);
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[1], &c) != 0)
		return 1;
	format_text(&c, fmt, sizeof fmt);
	printf("number:        %s\nname:          %s\n", c.number, c.name);
	printf("call sign:     %s\n", c.call_sign ? c.call_sign : "-");
	printf("description:   %s\n", c.description ? c.description : "-");
	printf("time zone:     %s\nslot length:   %d minutes\n", c.timezone, c.slot_minutes);
	printf("rating limit:  %s\n", c.rating_limit ? c.rating_limit : "none");
	printf("demographic:   %s\n", c.demographic ? c.demographic : "any");
	printf("format:        %s, video %d kb/s, audio %d kb/s\n", fmt, c.video_kbps,
	    c.audio_kbps);
	printf("logo:          %s\nbug:           %s\n", c.logo_path ? c.logo_path : "-",
	    c.bug_path ? c.bug_path : "-");
	printf("language:      %s\n", c.audio_language ? c.audio_language : "-");
	st = db_prepare(db, "SELECT act_seconds, break_margin_s, bumpers, station_id_minutes, "
	    "unrated_ok, coalesce(guide_group, 'Retrovue'), signoff_time, signon_time, "
	    "anthem_path, test_card, rating_cards, next_bumpers FROM channels WHERE id = ?1",
	    NULL);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, c.id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			printf("acts:          about %d:%02d between breaks, none within %d s of "
			    "either end\n", sqlite3_column_int(st, 0) / 60, sqlite3_column_int(st, 0) % 60,
			    sqlite3_column_int(st, 1));
			printf("bumpers:       %s\n", sqlite3_column_int(st, 2) ? "yes" : "no");
			if (sqlite3_column_int(st, 3) > 0)
				printf("station IDs:   every %d minutes\n", sqlite3_column_int(st, 3));
			else
				printf("station IDs:   none\n");
			printf("unrated:       %s\n", sqlite3_column_int(st, 4) ? "allowed" :
			    "not allowed");
			printf("guide group:   %s\n", db_text(st, 5));
			if (sqlite3_column_type(st, 6) != SQLITE_NULL)
				printf("off the air:   %s to %s, %s\n", db_text(st, 6), db_text(st, 7),
				    strcmp(db_text(st, 9), "card") == 0 ? "test card" :
				    "colour bars and tone");
			else
				printf("off the air:   never\n");
			printf("anthem:        %s\n", sqlite3_column_type(st, 8) != SQLITE_NULL ?
			    db_text(st, 8) : "-");
			printf("rating cards:  %s\nnext bumpers:  %s\n", sqlite3_column_int(st, 10) ?
			    "yes" : "no", sqlite3_column_int(st, 11) ? "generated when no bumper fits" :
			    "no");
		}
		sqlite3_finalize(st);
	}
	if (c.guide) {
		struct channel_conf src;

		printf("type:          guide (the next %d hour%s of every channel)\n", c.guide_hours,
		    c.guide_hours == 1 ? "" : "s");
		if (c.guide_source_id != 0 && channels_get(db, c.guide_source_id, &src, NULL) == 0) {
			printf("guide source:  channel %s %s\n", src.number, src.name);
			channel_conf_clear(&src);
		} else
			printf("guide source:  none (promos, else the station's card)\n");
		printf("music:         %s\n", c.guide_music_dir != NULL ? c.guide_music_dir :
		    "none (silence)");
	} else
		printf("type:          regular\n");
	printf("always on:     %s\nenabled:       %s\n", c.always_on ? "yes" : "no",
	    c.enabled ? "yes" : "no");
	channel_conf_clear(&c);
	return 0;
}

/* channel edit NUMBER [options]. */
static int
channel_edit(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf c;
	struct chanedit e;
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
		printf("channel %s: saved\n", e.number != NULL ? e.number : c.number);
		rc = rebuild(db, c.id, e.number != NULL ? e.number : c.number);
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
	e.enabled = on;
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
};
