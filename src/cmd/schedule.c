/*
 * cmd/schedule.c: retrovue schedule add|list|remove|show|build|rebuild|check
 * — the coarse schedule, and the fine log as a traffic log.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/channels.h"
#include "src/cmd/chanopts.h"
#include "src/cmd/cmd.h"
#include "src/coarse.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/rating.h"
#include "src/sched.h"
#include "src/schedcheck.h"
#include "src/season.h"
#include "src/strbuf.h"
#include "src/tz.h"
#include "src/util.h"

static int schedule_add(struct cmd_ctx *, int, char **);
static int schedule_list(struct cmd_ctx *, int, char **);
static int schedule_remove(struct cmd_ctx *, int, char **);
static int schedule_show(struct cmd_ctx *, int, char **);
static int schedule_build(struct cmd_ctx *, int, char **);
static int schedule_rebuild(struct cmd_ctx *, int, char **);
static int schedule_check(struct cmd_ctx *, int, char **);

/* schedule add's when and what; its options follow from coarse_opts[] (schedule_usage). */
#define ADD_USAGE "CHANNEL [--days mon-fri] (--at HH:MM [--until HH:MM] | --daypart NAME)\n" \
	"      (--series TITLE... | --shuffle TITLE | --episode 'TITLE S01E02' | --movie TITLE\n" \
	"      | --movies | --fill [--series TITLE...])"

static const struct cmd_sub schedule_subs[] = {
	{ "add", ADD_USAGE " [options]", schedule_add },
	{ "list", "CHANNEL", schedule_list },
	{ "remove", "CHANNEL SLOT-ID", schedule_remove },
	{ "show", "CHANNEL [--from TIME] [--hours N]", schedule_show },
	{ "build", "[CHANNEL] [--hours N]", schedule_build },
	{ "rebuild", "CHANNEL", schedule_rebuild },
	{ "check", "CHANNEL [--from TIME] [--hours N]", schedule_check },
	{ NULL, NULL, NULL },
};

/* Print a subcommand's usage; exit status 2. */
static int
usage(const char *sub)
{
	const struct cmd_sub *s;

	for (s = schedule_subs; s->name != NULL; s++) {
		if (strcmp(s->name, sub) == 0)
			fprintf(stderr, "usage: retrovue schedule %s %s\n", s->name,
			    cmd_sub_usage(&cmd_schedule_entry, s));
	}
	return 2;
}

/*
 * Look a title up with sql (binding ?1 title, ?2 year or NULL) returning
 * (id, label) rows. "Title (1978)" narrows by year; "id:N" is an id (sql_id).
 */
static int
find_titled(sqlite3 *db, const char *what, const char *text, const char *sql,
    const char *sql_id, int64_t *id)
{
	sqlite3_stmt *st;
	struct strbuf list = { 0 };
	char *title = xstrdup(text), *open;
	long long v;
	int year = 0, count = 0;

	if (strncmp(text, "id:", 3) == 0) {
		free(title);
		if (parse_int(text + 3, 1, INT64_MAX, &v) != 0)
			return chanopts_bad(what, text, "id:NUMBER");
		st = db_prepare(db, sql_id, NULL);
		sqlite3_bind_int64(st, 1, v);
		count = st != NULL && sqlite3_step(st) == SQLITE_ROW;
		if (st != NULL)
			sqlite3_finalize(st);
		if (!count) {
			cmd_error("no %s with id %lld", what, v);
			return -1;
		}
		*id = v;
		return 0;
	}
	open = strrchr(title, '(');
	if (open != NULL && sscanf(open, "(%4d)", &year) == 1 && year > 1800) {
		*open = '\0';
		strtrim(title);
	} else
		year = 0;
	st = db_prepare(db, sql, NULL);
	if (st == NULL) {
		free(title);
		return -1;
	}
	sqlite3_bind_text(st, 1, strtrim(title), -1, SQLITE_TRANSIENT);
	if (year > 0)
		sqlite3_bind_int(st, 2, year);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		strbuf_item(&list, ", ", "%s [id:%lld]", db_text(st, 1), (long long)*id);
		count++;
	}
	sqlite3_finalize(st);
	free(title);
	if (count == 1) {
		strbuf_free(&list);
		return 0;
	}
	if (count == 0)
		cmd_error("no %s called '%s'", what, text);
	else
		cmd_error("'%s' is more than one %s: %s; add the year or use id:N", text, what,
		    strbuf_str(&list));
	strbuf_free(&list);
	return -1;
}

/* A series by title. */
static int
find_show(sqlite3 *db, const char *text, int64_t *id)
{
	return find_titled(db, "series", text,
	    "SELECT id, title || coalesce(' (' || year || ')', '') FROM shows WHERE title = ?1 "
	    "COLLATE NOCASE AND (?2 IS NULL OR year = ?2) ORDER BY id",
	    "SELECT id FROM shows WHERE id = ?1", id);
}

/* A movie by title: its media file id. */
static int
find_movie(sqlite3 *db, const char *text, int64_t *id)
{
	return find_titled(db, "movie", text,
	    "SELECT media_file_id, title || coalesce(' (' || year || ')', '') FROM movies WHERE "
	    "title = ?1 COLLATE NOCASE AND (?2 IS NULL OR year = ?2) ORDER BY id",
	    "SELECT media_file_id FROM movies WHERE media_file_id = ?1", id);
}

/* An episode, "Title S01E02": its media file id. */
static int
find_episode(sqlite3 *db, const char *text, int64_t *id)
{
	char *title = xstrdup(text), *p;
	sqlite3_stmt *st;
	int64_t show;
	int season, episode, rc = -1;

	p = title + strlen(title);
	while (p > title && p[-1] != ' ')
		p--;
	if (p == title || sscanf(p, "%*1[Ss]%d%*1[Ee]%d", &season, &episode) != 2) {
		free(title);
		return chanopts_bad("--episode", text, "'TITLE S01E02'");
	}
	*p = '\0';
	strtrim(title);
	if (find_show(db, title, &show) == 0) {
		st = db_prepare(db, "SELECT media_file_id FROM episodes WHERE show_id = ?1 AND "
		    "season_number = ?2 AND episode_number = ?3", NULL);
		sqlite3_bind_int64(st, 1, show);
		sqlite3_bind_int(st, 2, season);
		sqlite3_bind_int(st, 3, episode);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*id = sqlite3_column_int64(st, 0);
			rc = 0;
		} else
			cmd_error("%s has no S%02dE%02d", title, season, episode);
		sqlite3_finalize(st);
	}
	free(title);
	return rc;
}

/* Rebuild after a change and say so. */
static int
rebuild(sqlite3 *db, const struct channel_conf *c)
{
	char *cause = NULL;
	int n;

	if ((n = sched_rebuild(db, c->id, now_ms(), &cause)) < 0) {
		cmd_error("channel %s: rebuilding the schedule: %s", c->number, cause);
		free(cause);
		return -1;
	}
	printf("channel %s: schedule rebuilt after the next 10 minutes (%d items)\n", c->number,
	    n);
	return 0;
}

enum {
	O_DAYS = 256, O_AT, O_UNTIL, O_DAYPART, O_SERIES, O_SHUFFLE, O_EPISODE, O_MOVIE, O_MOVIES,
	O_FILL, O_FROM, O_HOURS,
	O_OPT = 512,                    /* + a row of coarse_opts[] */
};

/* What schedule add takes besides the slot's options: when, and what it plays. */
static const struct option add_options[] = {
	{ "days", required_argument, NULL, O_DAYS },
	{ "at", required_argument, NULL, O_AT },
	{ "until", required_argument, NULL, O_UNTIL },
	{ "daypart", required_argument, NULL, O_DAYPART },
	{ "series", required_argument, NULL, O_SERIES },
	{ "shuffle", required_argument, NULL, O_SHUFFLE },
	{ "episode", required_argument, NULL, O_EPISODE },
	{ "movie", required_argument, NULL, O_MOVIE },
	{ "movies", no_argument, NULL, O_MOVIES },
	{ "fill", no_argument, NULL, O_FILL },
};

/* schedule add's usage: when, what, then the options of coarse_opts[]. */
static const char *
schedule_usage(const struct cmd_sub *sub)
{
	static char buf[4096];
	const struct coarse_opt *o;
	char opt[128];
	size_t off, line;

	if (sub->exec != schedule_add)
		return NULL;
	off = (size_t)snprintf(buf, sizeof buf, "%s", ADD_USAGE);
	line = 6 + strlen(strrchr(ADD_USAGE, '\n') + 1);
	for (o = coarse_opts; o < coarse_opts + ncoarse_opts && off < sizeof buf; o++) {
		snprintf(opt, sizeof opt, "[--%s%s%s]", o->flag, o->arg != NULL ? " " : "",
		    o->arg != NULL ? o->arg : "");
		if (line + 1 + strlen(opt) > 92) {
			off += (size_t)snprintf(buf + off, sizeof buf - off, "\n     ");
			line = 5;
		}
		off += (size_t)snprintf(buf + off, sizeof buf - off, " %s", opt);
		line += 1 + strlen(opt);
	}
	return buf;
}

/* The slot options, for 'retrovue schedule --help'. */
static void
schedule_help(FILE *out)
{
	const struct coarse_opt *o;
	char opt[128];

	fprintf(out, "Options of a slot (schedule add):\n");
	for (o = coarse_opts; o < coarse_opts + ncoarse_opts; o++) {
		snprintf(opt, sizeof opt, "--%s%s%s", o->flag, o->arg != NULL ? " " : "",
		    o->arg != NULL ? o->arg : "");
		fprintf(out, "  %-22s %s\n", opt, o->help);
	}
}

/* schedule add. */
static int
schedule_add(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct option opts[nitems(add_options) + 64 + 1];
	const struct coarse_opt *o;
	struct coarse_slot s;
	struct channel_conf c;
	const char *series[32], *days = "daily", *at = NULL, *until = NULL, *daypart = NULL;
	const char *shuffle = NULL, *episode = NULL, *movie = NULL;
	char *cause = NULL, *what, dbuf[64];
	int n_series = 0, types = 0, ch, rc = 2, dp;
	size_t i, n = 0;
	sqlite3 *db;
	int64_t id;

	memset(&s, 0, sizeof s);
	memset(&c, 0, sizeof c);
	s.max_level = RATING_UNRATED;
	s.type = COARSE_SERIES;
	for (i = 0; i < nitems(add_options); i++)
		opts[n++] = add_options[i];
	for (o = coarse_opts; o < coarse_opts + ncoarse_opts && n < nitems(opts) - 1; o++)
		opts[n++] = (struct option){ o->flag, o->arg != NULL ? required_argument :
		    no_argument, NULL, O_OPT + (int)(o - coarse_opts) };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_DAYS:
			days = optarg;
			break;
		case O_AT:
			at = optarg;
			break;
		case O_UNTIL:
			until = optarg;
			break;
		case O_DAYPART:
			daypart = optarg;
			break;
		case O_SERIES:
			if (n_series == (int)nitems(series)) {
				cmd_error("--series: at most %zu series", nitems(series));
				goto out;
			}
			series[n_series++] = optarg;
			break;
		case O_SHUFFLE:
			shuffle = optarg;
			s.type = COARSE_SHUFFLE;
			types++;
			break;
		case O_EPISODE:
			episode = optarg;
			s.type = COARSE_EPISODE;
			types++;
			break;
		case O_MOVIE:
			movie = optarg;
			s.type = COARSE_MOVIE;
			types++;
			break;
		case O_MOVIES:
			s.type = COARSE_MOVIES;
			types++;
			break;
		case O_FILL:
			s.type = COARSE_FILL;
			types++;
			break;
		default:
			if (ch < O_OPT || ch >= O_OPT + (int)ncoarse_opts) {
				rc = usage("add");
				goto out;
			}
			o = &coarse_opts[ch - O_OPT];
			if (coarse_opt_parse(o, optarg, &s, &cause) != 0) {
				cmd_error("--%s: %s", o->flag, cause);
				freep(&cause);
				goto out;
			}
			break;
		}
	}
	if (argc - optind != 1) {
		rc = usage("add");
		goto out;
	}
	if (types > 1 || (types == 0 && n_series == 0)) {
		cmd_error("say what the slot plays: one of --series, --shuffle, --episode, --movie, "
		    "--movies or --fill");
		goto out;
	}
	if (n_series > 0 && s.type != COARSE_SERIES && s.type != COARSE_FILL) {
		cmd_error("--series goes with a series slot or --fill");
		goto out;
	}
	if (coarse_opt_check(&s, 1, &cause) != 0) {
		cmd_error("%s", cause);
		freep(&cause);
		goto out;
	}
	if ((at == NULL) == (daypart == NULL)) {
		cmd_error("give the slot's time: --at HH:MM or --daypart NAME");
		goto out;
	}
	if (coarse_parse_days(days, &s.days, &cause) != 0) {
		cmd_error("--days: %s", cause);
		freep(&cause);
		goto out;
	}
	rc = 1;
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[optind], &c) != 0)
		goto out;
	s.channel_id = c.id;
	if (daypart != NULL) {
		if ((dp = coarse_daypart_parse(daypart)) < 0) {
			chanopts_bad("--daypart", daypart, "morning, afternoon, prime or late_night");
			goto out;
		}
		coarse_daypart_span(dp, &s.start_min, &s.end_min);
		s.daypart = xstrdup(coarse_daypart_name(dp));
	} else {
		if (coarse_parse_time(at, &s.start_min) != 0 || s.start_min >= 1440) {
			chanopts_bad("--at", at, "a time HH:MM");
			goto out;
		}
		if (until == NULL)
			s.end_min = (s.start_min + c.slot_minutes) % 1440;
		else if (coarse_parse_time(until, &s.end_min) != 0) {
			chanopts_bad("--until", until, "a time HH:MM");
			goto out;
		}
		if (s.end_min == 0)
			s.end_min = 1440;
		if (s.start_min % c.slot_minutes != 0)
			fprintf(stderr, "retrovue: note: %s is not on channel %s's %d-minute slots; "
			    "the slot starts at the next boundary\n", at, c.number, c.slot_minutes);
	}
	if (n_series > 0) {
		s.shows = xreallocarray(NULL, (size_t)n_series, sizeof *s.shows);
		for (i = 0; i < (size_t)n_series; i++) {
			if (find_show(db, series[i], &s.shows[i]) != 0)
				goto out;
		}
		s.n_shows = (size_t)n_series;
		if (s.type == COARSE_SERIES)
			s.show_id = s.shows[0];
	}
	if ((shuffle != NULL && find_show(db, shuffle, &s.show_id) != 0) ||
	    (episode != NULL && find_episode(db, episode, &s.content_id) != 0) ||
	    (movie != NULL && find_movie(db, movie, &s.content_id) != 0))
		goto out;
	if (ctx->dry_run) {
		printf("would add to channel %s: %s\n", c.number, coarse_type_name(s.type));
		rc = 0;
		goto out;
	}
	if (coarse_add(db, &s, &id, &cause) != 0) {
		cmd_error("channel %s: %s", c.number, cause);
		free(cause);
		goto out;
	}
	what = coarse_describe(db, &s);
	printf("channel %s: slot %lld, %s %02d:%02d-%02d:%02d, %s\n", c.number, (long long)id,
	    coarse_format_days(s.days, dbuf, sizeof dbuf), s.start_min / 60, s.start_min % 60,
	    s.end_min / 60, s.end_min % 60, what);
	free(what);
	rc = rebuild(db, &c) == 0 ? 0 : 1;
out:
	coarse_slot_clear(&s);
	channel_conf_clear(&c);
	return rc;
}

/* schedule list CHANNEL. */
static int
schedule_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct coarse_slot *slots;
	struct channel_conf c;
	char *cause = NULL, *what, dbuf[64], times[32];
	sqlite3 *db;
	size_t n, i;

	if (argc != 2)
		return usage("list");
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[1], &c) != 0)
		return 1;
	if (coarse_load(db, c.id, &slots, &n, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		channel_conf_clear(&c);
		return 1;
	}
	printf("channel %s %s (%s, %d-minute slots)\n", c.number, c.name, c.timezone,
	    c.slot_minutes);
	if (n == 0)
		printf("no slots: everything allowed fills the day (add one with 'retrovue schedule "
		    "add')\n");
	else
		printf("%-5s %-16s %-12s %-4s %s\n", "SLOT", "DAYS", "TIME", "PRI", "PLAYS");
	for (i = 0; i < n; i++) {
		what = coarse_describe(db, &slots[i]);
		snprintf(times, sizeof times, "%02d:%02d-%02d:%02d", slots[i].start_min / 60,
		    slots[i].start_min % 60, slots[i].end_min / 60, slots[i].end_min % 60);
		printf("%-5lld %-16s %-12s %-4d %s%s%s%s\n", (long long)slots[i].id,
		    coarse_format_days(slots[i].days, dbuf, sizeof dbuf), times, slots[i].priority,
		    what, slots[i].daypart ? " (" : "", slots[i].daypart ? slots[i].daypart : "",
		    slots[i].daypart ? ")" : "");
		free(what);
	}
	coarse_free(&slots, n);
	channel_conf_clear(&c);
	return 0;
}

/* schedule remove CHANNEL ID. */
static int
schedule_remove(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf c;
	char *cause = NULL;
	long long id;
	sqlite3 *db;
	int rc = 0;

	if (argc != 3)
		return usage("remove");
	if (parse_int(argv[2], 1, INT64_MAX, &id) != 0) {
		chanopts_bad("slot", argv[2], "a slot number (see 'retrovue schedule list')");
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[1], &c) != 0)
		return 1;
	if (ctx->dry_run)
		printf("would remove slot %lld of channel %s\n", id, c.number);
	else if (coarse_remove(db, c.id, id, &cause) != 0) {
		cmd_error("channel %s: %s", c.number, cause);
		free(cause);
		rc = 1;
	} else {
		printf("channel %s: removed slot %lld\n", c.number, id);
		rc = rebuild(db, &c) == 0 ? 0 : 1;
	}
	channel_conf_clear(&c);
	return rc;
}

/* Parse --from and --hours for a channel; defaults from now, dflt hours. */
static int
range_opts(int argc, char **argv, const char *sub, char **number, const char **from,
    int *hours, int dflt)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, O_FROM },
		{ "hours", required_argument, NULL, O_HOURS },
		{ NULL, 0, NULL, 0 },
	};
	long long v;
	int ch;

	*from = "now";
	*hours = dflt;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_FROM:
			*from = optarg;
			break;
		case O_HOURS:
			if (parse_int(optarg, 1, 24 * 31, &v) != 0) {
				chanopts_bad("--hours", optarg, "a number of hours from 1 to 744");
				return 2;
			}
			*hours = (int)v;
			break;
		default:
			return usage(sub);
		}
	}
	if (argc - optind != 1)
		return usage(sub);
	*number = argv[optind];
	return 0;
}

/* Local time of day with frames: "20:00:00.00". */
static const char *
tod(const struct tz *tz, int64_t t, double fps, char *buf, size_t len)
{
	struct tz_civil c;
	int64_t ms;

	tz_local(tz, t, &c);
	ms = (c.hour * 3600LL + c.minute * 60LL + c.second) * 1000 + ((t % 1000) + 1000) % 1000;
	return fmt_duration(buf, len, ms, fps);
}

/* schedule show CHANNEL: the traffic log. */
static int
schedule_show(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf c;
	const struct tz *tz;
	sqlite3_stmt *st;
	const char *from_s, *company, *category, *title;
	char *number, *cause = NULL, b1[32], b2[32], b3[32], b4[32], day[16], last_day[16] = "";
	char *line;
	int64_t now = now_ms(), from, to;
	struct tz_civil lc;
	double fps;
	int hours, rc, count = 0;
	sqlite3 *db;

	if ((rc = range_opts(argc, argv, "show", &number, &from_s, &hours, 3)) != 0)
		return rc;
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, number, &c) != 0)
		return 1;
	if ((tz = tz_get(c.timezone, &cause)) == NULL || chanopts_time(from_s, tz, now,
	    &from) != 0) {
		if (cause != NULL)
			cmd_error("%s", cause);
		free(cause);
		channel_conf_clear(&c);
		return 1;
	}
	to = from + hours * 3600000LL;
	fps = (double)c.fps_num / c.fps_den;
	/* The log reaches as far as asked (when that is in the next month). */
	if (!ctx->dry_run && to > now && to - now <= 31 * 24 * 3600000LL &&
	    finelog_horizon(db, c.id) < to &&
	    sched_extend(db, c.id, now, to - now > SCHED_HORIZON_MS ? to - now : 0, &cause) < 0) {
		cmd_error("%s", cause);
		free(cause);
		channel_conf_clear(&c);
		return 1;
	}
	st = db_prepare(db, "SELECT s.start_ms, s.end_ms, s.kind, s.in_ms, s.out_ms, s.act, "
	    "s.title, c.commercial_company, c.commercial_category FROM schedule_items s "
	    "LEFT JOIN content_scheduling_metadata c ON c.media_file_id = s.media_file_id "
	    "WHERE s.channel_id = ?1 AND s.end_ms > ?2 AND s.start_ms < ?3 ORDER BY s.start_ms",
	    &cause);
	if (st == NULL) {
		cmd_error("%s", cause);
		free(cause);
		channel_conf_clear(&c);
		return 1;
	}
	sqlite3_bind_int64(st, 1, c.id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	printf("channel %s %s, %s to %s (%s)\n", c.number, c.name,
	    chanopts_local(tz, from, b1, sizeof b1), chanopts_local(tz, to, b2, sizeof b2),
	    c.timezone);
	printf("  %-11s  %-12s %-11s  %-11s  %-11s  %s\n", "START", "TYPE", "DURATION", "IN", "OUT",
	    "TITLE");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t s0 = sqlite3_column_int64(st, 0), s1 = sqlite3_column_int64(st, 1);
		const char *kind = db_text(st, 2);

		tz_local(tz, s0, &lc);
		snprintf(day, sizeof day, "%04d-%02d-%02d", lc.year, lc.month, lc.day);
		if (strcmp(day, last_day) != 0) {
			printf("%s\n", day);
			snprintf(last_day, sizeof last_day, "%s", day);
		}
		title = (const char *)sqlite3_column_text(st, 6);
		company = (const char *)sqlite3_column_text(st, 7);
		category = (const char *)sqlite3_column_text(st, 8);
		if (strcmp(kind, "programme") == 0 && sqlite3_column_int(st, 5) > 0)
			xasprintf(&line, "%s (act %d)", title ? title : "?", sqlite3_column_int(st, 5));
		else if (strcmp(kind, "commercial") == 0 && company != NULL)
			xasprintf(&line, "%s: %s%s%s%s", company, title ? title : "",
			    category ? " (" : "", category ? category : "", category ? ")" : "");
		else
			xasprintf(&line, "%s", title ? title : "");
		printf("%c %-11s  %-12s %-11s  %-11s  %-11s  %s\n", s0 <= now && now < s1 ? '>' : ' ',
		    tod(tz, s0, fps, b1, sizeof b1), kind,
		    fmt_duration(b2, sizeof b2, s1 - s0, fps),
		    fmt_duration(b3, sizeof b3, sqlite3_column_int64(st, 3), fps),
		    fmt_duration(b4, sizeof b4, sqlite3_column_int64(st, 4), fps), line);
		free(line);
		count++;
	}
	sqlite3_finalize(st);
	if (count == 0)
		printf("nothing scheduled (add slots with 'retrovue schedule add', then 'retrovue "
		    "schedule build')\n");
	channel_conf_clear(&c);
	return 0;
}

/* schedule build [CHANNEL] [--hours N]: extend now. */
static int
schedule_build(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hours", required_argument, NULL, O_HOURS },
		{ NULL, 0, NULL, 0 },
	};
	struct channel_conf c;
	const struct tz *tz;
	char *cause = NULL, until[32];
	long long hours = 48;
	int ch, n;
	sqlite3 *db;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != O_HOURS || parse_int(optarg, 1, 24 * 31, &hours) != 0)
			return usage("build");
	}
	if (argc - optind > 1)
		return usage("build");
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if (argc - optind == 0) {
		if ((n = sched_extend_all(db, now_ms(), hours * 3600000LL, &cause)) < 0) {
			cmd_error("%s", cause);
			free(cause);
			return 1;
		}
		printf("%d items added to the enabled channels' schedules\n", n);
		return 0;
	}
	if (chanopts_find(db, argv[optind], &c) != 0)
		return 1;
	if ((n = sched_extend(db, c.id, now_ms(), hours * 3600000LL, &cause)) < 0) {
		cmd_error("%s", cause);
		free(cause);
		channel_conf_clear(&c);
		return 1;
	}
	tz = tz_get(c.timezone, NULL);
	printf("channel %s: %d items added; scheduled to %s\n", c.number, n,
	    tz != NULL ? chanopts_local(tz, finelog_horizon(db, c.id), until, sizeof until) : "?");
	channel_conf_clear(&c);
	return 0;
}

/* schedule rebuild CHANNEL. */
static int
schedule_rebuild(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf c;
	sqlite3 *db;
	int rc;

	if (argc != 2)
		return usage("rebuild");
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, argv[1], &c) != 0)
		return 1;
	rc = rebuild(db, &c) == 0 ? 0 : 1;
	channel_conf_clear(&c);
	return rc;
}

/* schedule check CHANNEL: the invariant checker on the stored log. */
static int
schedule_check(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf c;
	const struct tz *tz;
	const char *from_s;
	char *number, *cause = NULL, *report = NULL;
	int64_t from;
	int hours, rc, problems;
	sqlite3 *db;

	if ((rc = range_opts(argc, argv, "check", &number, &from_s, &hours, 48)) != 0)
		return rc;
	if ((db = cmd_db(ctx, 0)) == NULL || chanopts_find(db, number, &c) != 0)
		return 1;
	if ((tz = tz_get(c.timezone, &cause)) == NULL ||
	    chanopts_time(from_s, tz, now_ms(), &from) != 0) {
		if (cause != NULL)
			cmd_error("%s", cause);
		free(cause);
		channel_conf_clear(&c);
		return 1;
	}
	problems = schedcheck_channel(db, c.id, from, from + hours * 3600000LL, &report, &cause);
	if (problems < 0) {
		cmd_error("%s", cause);
		free(cause);
		rc = 1;
	} else if (problems > 0) {
		fputs(report, stdout);
		cmd_error("channel %s: %d problem%s in the fine log", c.number, problems,
		    problems == 1 ? "" : "s");
		rc = 1;
	} else
		printf("channel %s: fine log ok for %d hours\n", c.number, hours);
	free(report);
	channel_conf_clear(&c);
	return rc;
}

/* Dispatch. */
static int
schedule_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_schedule_entry, schedule_subs, argc, argv);
}

const struct cmd_entry cmd_schedule_entry = {
	.name = "schedule",
	.usage = "add|list|remove|show|build|rebuild|check ...",
	.summary = "the coarse schedule and the traffic log",
	.flags = CMD_NO_DB,
	.exec = schedule_exec,
	.subs = schedule_subs,
	.help = schedule_help,
	.usage_of = schedule_usage,
};
