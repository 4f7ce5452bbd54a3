/*
 * coarse.c: the coarse schedule: parse, check, store, load and match slots.
 */
#include "src/coarse.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "src/db.h"
#include "src/rating.h"
#include "src/strbuf.h"
#include "src/tz.h"
#include "src/util.h"
#include "src/xjson.h"

static const char *type_names[] = {
	[COARSE_SERIES] = "series",
	[COARSE_SHUFFLE] = "shuffle",
	[COARSE_EPISODE] = "episode",
	[COARSE_MOVIE] = "movie",
	[COARSE_MOVIES] = "movies",
	[COARSE_FILL] = "fill",
};

static const char *day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static const struct {
	const char *name;
	int start, end;
} dayparts[] = {
	[DAYPART_MORNING] = { "morning", 6 * 60, 12 * 60 },
	[DAYPART_AFTERNOON] = { "afternoon", 12 * 60, 18 * 60 },
	[DAYPART_PRIME] = { "prime", 18 * 60, 23 * 60 },
	[DAYPART_LATE_NIGHT] = { "late_night", 23 * 60, 6 * 60 },
};

#define OPT(m) offsetof(struct coarse_slot, m)

/* A slot's options (src/coarse.h): schedule add's usage lists them in this order. */
const struct coarse_opt coarse_opts[] = {
	{ .name = "genre", .flag = "genre", .arg = "G", .rule = "genre", .type = COARSE_OPT_TEXT,
	  .off = OPT(genre), .label = "Genre (movies)",
	  .help = "movies, fill: programmes whose genre has this" },
	{ .name = "max_rating", .flag = "max-rating", .arg = "R", .rule = "max_rating",
	  .type = COARSE_OPT_RATING, .off = OPT(max_rating), .label = "Highest rating",
	  .help = "movies, fill, shuffle: nothing rated above this (TV-PG, PG-13)" },
	{ .name = "episodes_only", .flag = "episodes-only", .rule = "kinds",
	  .rule_on = "episodes", .type = COARSE_OPT_FLAG, .value = COARSE_KIND_EPISODES,
	  .off = OPT(kinds), .help = "fill: episodes only" },
	{ .name = "movies_only", .flag = "movies-only", .rule = "kinds", .rule_on = "movies",
	  .type = COARSE_OPT_FLAG, .value = COARSE_KIND_MOVIES, .off = OPT(kinds),
	  .help = "fill: movies only" },
	{ .name = "priority", .flag = "priority", .arg = "N", .type = COARSE_OPT_INT,
	  .min = -1000, .max = 1000, .off = OPT(priority),
	  .help = "where slots overlap, the higher priority plays" },
	{ .name = "dates", .flag = "dates", .arg = "SPEC", .rule = "dates",
	  .type = COARSE_OPT_DATES, .off = OPT(dates_text),
	  .help = "only on these dates: december, 10-25..10-31, 2026-07-04" },
	{ .name = "marathon", .flag = "marathon", .rule = "marathon", .type = COARSE_OPT_FLAG,
	  .value = 1, .off = OPT(marathon),
	  .help = "series: one series in order all through, beating every other slot" },
	{ .name = "chance", .flag = "chance", .arg = "PERCENT", .rule = "chance",
	  .type = COARSE_OPT_INT, .min = 1, .max = 100, .dflt = 100, .needs = "marathon",
	  .off = OPT(chance), .help = "a marathon: the share of its days it runs on" },
	{ .name = "own_position", .flag = "own-position", .rule = "position", .rule_on = "own",
	  .type = COARSE_OPT_FLAG, .value = 1, .off = OPT(own_position),
	  .help = "series: its own place in the series, apart from the channel's" },
	{ .name = "start_at", .flag = "start-at", .arg = "S01E01", .rule = "from",
	  .type = COARSE_OPT_EPISODE, .needs = "own_position", .implies = "own_position",
	  .off = OPT(from_season), .help = "own position: the episode it begins at" },
};

const size_t ncoarse_opts = nitems(coarse_opts);

/* An option's int member. */
static int *
opt_int(const struct coarse_opt *o, const struct coarse_slot *s)
{
	return (int *)((char *)s + o->off);
}

/* An option's text member. */
static char **
opt_text(const struct coarse_opt *o, const struct coarse_slot *s)
{
	return (char **)((char *)s + o->off);
}

/* An option by name, or NULL. */
static const struct coarse_opt *
opt_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(coarse_opts); i++) {
		if (strcmp(coarse_opts[i].name, name) == 0)
			return &coarse_opts[i];
	}
	return NULL;
}

/* Is an option given (set to something other than nothing)? */
static int
opt_given(const struct coarse_opt *o, const struct coarse_slot *s)
{
	switch (o->type) {
	case COARSE_OPT_FLAG:
		return *opt_int(o, s) == o->value;
	case COARSE_OPT_INT:
		return *opt_int(o, s) != 0 && *opt_int(o, s) != o->dflt;
	case COARSE_OPT_EPISODE:
		return s->from_season > 0 || s->from_episode > 0;
	default:
		return *opt_text(o, s) != NULL;
	}
}

/* Parse one option. */
int
coarse_opt_parse(const struct coarse_opt *o, const char *text, struct coarse_slot *s,
    char **cause)
{
	struct season dates;
	long long v;
	int a, b;

	switch (o->type) {
	case COARSE_OPT_FLAG:
		*opt_int(o, s) = o->value;
		break;
	case COARSE_OPT_INT:
		if (parse_int(text, o->min, o->max, &v) != 0) {
			set_cause(cause, "'%s' is not a number from %d to %d", text, o->min, o->max);
			return -1;
		}
		*opt_int(o, s) = (int)v;
		break;
	case COARSE_OPT_EPISODE:
		if (coarse_parse_episode(text, &a, &b) != 0) {
			set_cause(cause, "'%s' is not an episode like S02E05", text);
			return -1;
		}
		s->from_season = a;
		s->from_episode = b;
		break;
	case COARSE_OPT_RATING:
		if (rating_level(text) == RATING_UNRATED) {
			set_cause(cause, "'%s' is not a rating like TV-PG", text);
			return -1;
		}
		s->max_level = rating_level(text);
		free(*opt_text(o, s));
		*opt_text(o, s) = xstrdup(text);
		break;
	case COARSE_OPT_DATES:
		if (season_parse(text, &dates, cause) != 0)
			return -1;
		s->dates = dates;
		free(*opt_text(o, s));
		*opt_text(o, s) = xstrdup(text);
		break;
	case COARSE_OPT_TEXT:
		free(*opt_text(o, s));
		*opt_text(o, s) = xstrdup(text);
		break;
	}
	if (o->implies != NULL)
		*opt_int(opt_find(o->implies), s) = opt_find(o->implies)->value;
	return 0;
}

/* Options from JSON. */
int
coarse_opt_from_json(json_t *obj, struct coarse_slot *s, char **cause)
{
	const struct coarse_opt *o;
	char *why = NULL, buf[32];
	json_t *x;

	for (o = coarse_opts; o < coarse_opts + nitems(coarse_opts); o++) {
		if ((x = json_object_get(obj, o->name)) == NULL || json_is_null(x) ||
		    (o->type == COARSE_OPT_FLAG && json_is_false(x)))
			continue;
		if (json_is_integer(x) && o->type == COARSE_OPT_INT) {
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(x));
			if (coarse_opt_parse(o, buf, s, &why) != 0)
				goto bad;
		} else if (json_is_string(x) || (json_is_true(x) && o->type == COARSE_OPT_FLAG)) {
			if (coarse_opt_parse(o, json_is_string(x) ? json_string_value(x) : "", s,
			    &why) != 0)
				goto bad;
		} else {
			set_cause(cause, "%s: give %s", o->name, o->type == COARSE_OPT_FLAG ? "true" :
			    o->type == COARSE_OPT_INT ? "a number" : "a string");
			return -1;
		}
	}
	return 0;
bad:
	set_cause(cause, "%s: %s", o->name, why);
	free(why);
	return -1;
}

/* Options that need another. */
int
coarse_opt_check(const struct coarse_slot *s, int by_flag, char **cause)
{
	const struct coarse_opt *o, *n;

	for (o = coarse_opts; o < coarse_opts + nitems(coarse_opts); o++) {
		if (o->needs == NULL || !opt_given(o, s) || opt_given((n = opt_find(o->needs)), s))
			continue;
		if (by_flag)
			set_cause(cause, "--%s goes with --%s", o->flag, n->flag);
		else
			set_cause(cause, "%s goes with %s", o->name, n->name);
		return -1;
	}
	return 0;
}

/* An option's value as JSON, or NULL when it has none. */
static json_t *
opt_value(const struct coarse_opt *o, const struct coarse_slot *s, int for_rule)
{
	char ep[32];

	if (!opt_given(o, s))
		return NULL;
	switch (o->type) {
	case COARSE_OPT_FLAG:
		return for_rule && o->rule_on != NULL ? json_string(o->rule_on) : json_true();
	case COARSE_OPT_INT:
		return json_integer(*opt_int(o, s));
	case COARSE_OPT_EPISODE:
		snprintf(ep, sizeof ep, "S%02dE%02d", s->from_season, s->from_episode);
		return json_string(ep);
	default:
		return xjson_str(*opt_text(o, s));
	}
}

/* Options into a slot's JSON. */
void
coarse_opt_json(const struct coarse_slot *s, json_t *o)
{
	const struct coarse_opt *opt;
	json_t *v;

	for (opt = coarse_opts; opt < coarse_opts + nitems(coarse_opts); opt++) {
		if ((v = opt_value(opt, s, 0)) == NULL)
			v = opt->type == COARSE_OPT_FLAG ? json_false() :
			    opt->type == COARSE_OPT_INT ? json_integer(*opt_int(opt, s)) : json_null();
		json_object_set_new(o, opt->name, v);
	}
}

/* Type name. */
const char *
coarse_type_name(enum coarse_type type)
{
	if ((unsigned)type >= nitems(type_names))
		return "?";
	return type_names[type];
}

/* Type from name. */
int
coarse_type_parse(const char *s, enum coarse_type *out)
{
	size_t i;

	for (i = 0; i < nitems(type_names); i++) {
		if (strcmp(s, type_names[i]) == 0) {
			*out = (enum coarse_type)i;
			return 0;
		}
	}
	return -1;
}

/* Day index of a three-letter (or longer) English day name, or -1. */
static int
day_index(const char *s, size_t len)
{
	static const char *full[] = { "sunday", "monday", "tuesday", "wednesday", "thursday",
	    "friday", "saturday" };
	char buf[16];
	size_t i;

	if (len < 2 || len >= sizeof buf)
		return -1;
	for (i = 0; i < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[len] = '\0';
	for (i = 0; i < 7; i++) {
		if (strcmp(buf, day_names[i]) == 0 || strcmp(buf, full[i]) == 0 ||
		    (len >= 3 && strncmp(full[i], buf, len) == 0))
			return (int)i;
	}
	return -1;
}

/* Days of the week. */
int
coarse_parse_days(const char *s, int *mask, char **cause)
{
	const char *p = s, *comma, *dash;
	int m = 0, a, b, d;

	if (strcasecmp(s, "daily") == 0 || strcasecmp(s, "all") == 0 ||
	    strcasecmp(s, "everyday") == 0) {
		*mask = 0x7f;
		return 0;
	}
	if (strcasecmp(s, "weekdays") == 0) {
		*mask = 0x3e;
		return 0;
	}
	if (strcasecmp(s, "weekends") == 0) {
		*mask = 0x41;
		return 0;
	}
	while (*p != '\0') {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		dash = memchr(p, '-', (size_t)(comma - p));
		if (dash != NULL) {
			a = day_index(p, (size_t)(dash - p));
			b = day_index(dash + 1, (size_t)(comma - dash - 1));
		} else
			a = b = day_index(p, (size_t)(comma - p));
		if (a < 0 || b < 0) {
			set_cause(cause, "'%s' is not a list of days (like mon-fri, sat,sun, daily)",
			    s);
			return -1;
		}
		for (d = a;; d = (d + 1) % 7) {         /* fri-mon wraps */
			m |= 1 << d;
			if (d == b)
				break;
		}
		p = *comma == ',' ? comma + 1 : comma;
	}
	if (m == 0) {
		set_cause(cause, "no days given");
		return -1;
	}
	*mask = m;
	return 0;
}

/* Days as text. */
const char *
coarse_format_days(int mask, char *buf, size_t len)
{
	static const char *cap[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	size_t off = 0;
	int d, e;

	mask &= 0x7f;
	if (mask == 0x7f)
		snprintf(buf, len, "daily");
	else if (mask == 0x3e)
		snprintf(buf, len, "Mon-Fri");
	else if (mask == 0x41)
		snprintf(buf, len, "Sat,Sun");
	else {
		buf[0] = '\0';
		/* Runs of three or more become ranges, Monday first. */
		for (d = 1; d <= 7; d++) {
			if (!(mask & (1 << (d % 7))))
				continue;
			for (e = d; e + 1 <= 7 && (mask & (1 << ((e + 1) % 7))); e++)
				;
			if (e - d >= 2) {
				off += (size_t)snprintf(buf + off, len > off ? len - off : 0, "%s%s-%s",
				    off ? "," : "", cap[d % 7], cap[e % 7]);
				d = e;
			} else
				off += (size_t)snprintf(buf + off, len > off ? len - off : 0, "%s%s",
				    off ? "," : "", cap[d % 7]);
		}
	}
	return buf;
}

/* HH:MM. */
int
coarse_parse_time(const char *s, int *minutes)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] != '\0' || !isdigit((unsigned char)s[0]))
		return -1;
	if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

/* Daypart by name. */
int
coarse_daypart_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < nitems(dayparts); i++) {
		if (strcasecmp(s, dayparts[i].name) == 0)
			return (int)i;
	}
	if (strcasecmp(s, "evening") == 0 || strcasecmp(s, "prime_time") == 0 ||
	    strcasecmp(s, "primetime") == 0)
		return DAYPART_PRIME;
	if (strcasecmp(s, "late") == 0 || strcasecmp(s, "late-night") == 0 ||
	    strcasecmp(s, "overnight") == 0 || strcasecmp(s, "night") == 0)
		return DAYPART_LATE_NIGHT;
	if (strcasecmp(s, "daytime") == 0)
		return DAYPART_AFTERNOON;
	return -1;
}

/* Daypart name. */
const char *
coarse_daypart_name(int daypart)
{
	if (daypart < 0 || daypart >= DAYPART_COUNT)
		return "any";
	return dayparts[daypart].name;
}

/* Daypart of a minute. */
int
coarse_daypart_at(int minute)
{
	if (minute >= 6 * 60 && minute < 12 * 60)
		return DAYPART_MORNING;
	if (minute >= 12 * 60 && minute < 18 * 60)
		return DAYPART_AFTERNOON;
	if (minute >= 18 * 60 && minute < 23 * 60)
		return DAYPART_PRIME;
	return DAYPART_LATE_NIGHT;
}

/* Span of a daypart. */
void
coarse_daypart_span(int daypart, int *start_min, int *end_min)
{
	*start_min = dayparts[daypart].start;
	*end_min = dayparts[daypart].end;
}

/* Free members. */
void
coarse_slot_clear(struct coarse_slot *s)
{
	if (s == NULL)
		return;
	free(s->shows);
	free(s->max_rating);
	free(s->genre);
	free(s->daypart);
	free(s->dates_text);
	memset(s, 0, sizeof *s);
}

/* Free an array. */
void
coarse_free(struct coarse_slot **slots, size_t n)
{
	size_t i;

	if (slots == NULL || *slots == NULL)
		return;
	for (i = 0; i < n; i++)
		coarse_slot_clear(&(*slots)[i]);
	freep(slots);
}

/* Read the JSON options of a row into s. */
void
coarse_parse_rule(const char *text, struct coarse_slot *s)
{
	const struct coarse_opt *o;
	json_t *root, *v, *e;
	size_t i;
	int a, b;

	s->max_level = RATING_UNRATED;
	if (text == NULL || *text == '\0')
		return;
	if ((root = json_loads(text, 0, NULL)) == NULL || !json_is_object(root)) {
		json_decref(root);
		return;
	}
	if ((v = json_object_get(root, "shows")) != NULL && json_is_array(v) &&
	    json_array_size(v) > 0) {
		s->shows = xreallocarray(NULL, json_array_size(v), sizeof *s->shows);
		json_array_foreach(v, i, e) {
			if (json_is_integer(e))
				s->shows[s->n_shows++] = json_integer_value(e);
		}
	}
	if ((v = json_object_get(root, "daypart")) != NULL && json_is_string(v))
		s->daypart = xstrdup(json_string_value(v));
	for (o = coarse_opts; o < coarse_opts + nitems(coarse_opts); o++) {
		if (o->rule == NULL)
			continue;
		v = json_object_get(root, o->rule);
		switch (o->type) {
		case COARSE_OPT_FLAG:
			if (o->rule_on != NULL ? json_is_string(v) &&
			    strcmp(json_string_value(v), o->rule_on) == 0 : json_is_true(v))
				*opt_int(o, s) = o->value;
			break;
		case COARSE_OPT_INT:
			*opt_int(o, s) = json_is_integer(v) && json_integer_value(v) >= o->min &&
			    json_integer_value(v) <= o->max ? (int)json_integer_value(v) : o->dflt;
			break;
		case COARSE_OPT_EPISODE:
			if (json_is_string(v) && coarse_parse_episode(json_string_value(v), &a, &b) == 0) {
				s->from_season = a;
				s->from_episode = b;
			}
			break;
		case COARSE_OPT_DATES:
			if (json_is_string(v) && season_parse(json_string_value(v), &s->dates, NULL) == 0)
				*opt_text(o, s) = xstrdup(json_string_value(v));
			break;
		case COARSE_OPT_RATING:
			if (json_is_string(v)) {
				*opt_text(o, s) = xstrdup(json_string_value(v));
				s->max_level = rating_level(json_string_value(v));
			}
			break;
		case COARSE_OPT_TEXT:
			if (json_is_string(v))
				*opt_text(o, s) = xstrdup(json_string_value(v));
			break;
		}
	}
	json_decref(root);
}

/* "S02E05", "s2e5" or "2x05". */
int
coarse_parse_episode(const char *s, int *season, int *episode)
{
	int a, b, len = 0;

	if (s == NULL)
		return -1;
	if ((sscanf(s, "%*1[sS]%d%*1[eE]%d%n", &a, &b, &len) == 2 ||
	    sscanf(s, "%dx%d%n", &a, &b, &len) == 2) && s[len] == '\0' && a >= 0 && b >= 0) {
		*season = a;
		*episode = b;
		return 0;
	}
	return -1;
}

/* The JSON options of s, or NULL if it has none. */
static char *
format_rule(const struct coarse_slot *s)
{
	const struct coarse_opt *o;
	json_t *root = json_object(), *a, *v;
	char *text = NULL;
	size_t i;

	if (s->n_shows > 0) {
		a = json_array();
		for (i = 0; i < s->n_shows; i++)
			json_array_append_new(a, json_integer(s->shows[i]));
		json_object_set_new(root, "shows", a);
	}
	if (s->daypart != NULL)
		json_object_set_new(root, "daypart", xjson_str(s->daypart));
	for (o = coarse_opts; o < coarse_opts + nitems(coarse_opts); o++) {
		if (o->rule == NULL || (o->needs != NULL && !opt_given(opt_find(o->needs), s)) ||
		    (v = opt_value(o, s, 1)) == NULL)
			continue;
		json_object_set_new(root, o->rule, v);
	}
	if (json_object_size(root) > 0)
		text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return text;
}

/* Load slots. */
int
coarse_load(sqlite3 *db, int64_t channel_id, struct coarse_slot **out, size_t *n,
    char **cause)
{
	sqlite3_stmt *st;
	struct coarse_slot *s;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT id, channel_id, days, start_time, end_time, schedule_type, "
	    "show_id, content_id, rule, priority FROM schedules WHERE channel_id = ?1 ORDER BY id",
	    cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		s = &(*out)[*n];
		memset(s, 0, sizeof *s);
		s->id = sqlite3_column_int64(st, 0);
		s->channel_id = sqlite3_column_int64(st, 1);
		s->days = sqlite3_column_int(st, 2) & 0x7f;
		if (coarse_parse_time(db_text(st, 3), &s->start_min) != 0 ||
		    coarse_parse_time(db_text(st, 4), &s->end_min) != 0 ||
		    coarse_type_parse(db_text(st, 5), &s->type) != 0 || s->start_min >= 1440) {
			/* A row written by hand that makes no sense is left out, loudly. */
			set_cause(cause, "schedule slot %lld has bad times or type ('%s'-'%s' %s)",
			    (long long)s->id, db_text(st, 3), db_text(st, 4), db_text(st, 5));
			sqlite3_finalize(st);
			coarse_free(out, *n);
			*n = 0;
			return -1;
		}
		if (s->end_min == 0)
			s->end_min = 1440;
		s->show_id = sqlite3_column_int64(st, 6);
		s->content_id = sqlite3_column_int64(st, 7);
		coarse_parse_rule((const char *)sqlite3_column_text(st, 8), s);
		s->priority = sqlite3_column_int(st, 9);
		if (s->n_shows == 0 && s->show_id != 0) {
			s->shows = xmalloc(sizeof *s->shows);
			s->shows[0] = s->show_id;
			s->n_shows = 1;
		}
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading the schedule: %s", sqlite3_errmsg(db));
		coarse_free(out, *n);
		*n = 0;
		return -1;
	}
	return 0;
}

/* One integer from a query bound with one id; dflt if no row. */
static int64_t
scalar_id(sqlite3 *db, const char *sql, int64_t id, int64_t dflt, int *found)
{
	sqlite3_stmt *st = db_prepare(db, sql, NULL);
	int64_t v = dflt;

	if (found != NULL)
		*found = 0;
	if (st == NULL)
		return dflt;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (found != NULL)
			*found = 1;
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

/* One text from a query bound with one id, copied, or NULL. */
static char *
text_id(sqlite3 *db, const char *sql, int64_t id)
{
	sqlite3_stmt *st = db_prepare(db, sql, NULL);
	char *v = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* The effective rating level of a media file: its metadata, else its own. */
static int
file_level(sqlite3 *db, int64_t media_id)
{
	sqlite3_stmt *st;
	int level = RATING_UNRATED, i;

	st = db_prepare(db, "SELECT c.rating_level, c.content_rating, e.rating, mv.rating, "
	    "s.show_rating FROM media_files m "
	    "LEFT JOIN content_scheduling_metadata c ON c.media_file_id = m.id "
	    "LEFT JOIN episodes e ON e.media_file_id = m.id "
	    "LEFT JOIN shows s ON s.id = e.show_id "
	    "LEFT JOIN movies mv ON mv.media_file_id = m.id WHERE m.id = ?1", NULL);
	if (st == NULL)
		return RATING_UNRATED;
	sqlite3_bind_int64(st, 1, media_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		/* By the rating's name first, as the scheduler does (src/schedlib.c). */
		for (i = 1; i < 5 && level == RATING_UNRATED; i++)
			level = rating_level((const char *)sqlite3_column_text(st, i));
		if (level == RATING_UNRATED && sqlite3_column_type(st, 1) == SQLITE_NULL &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL && sqlite3_column_int(st, 0) >= 0 &&
		    sqlite3_column_int(st, 0) <= RATING_MAX)
			level = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return level;
}

/* Is level allowed on the channel? Sets *cause if not. */
static int
check_limit(sqlite3 *db, int64_t channel_id, int level, const char *what, char **cause)
{
	char *limit = text_id(db, "SELECT content_rating_limit FROM channels WHERE id = ?1",
	    channel_id);
	int unrated_ok = (int)scalar_id(db, "SELECT unrated_ok FROM channels WHERE id = ?1",
	    channel_id, 1, NULL);
	int ok = limit == NULL || rating_allows(rating_level(limit), level, unrated_ok);

	if (!ok)
		set_cause(cause, "%s is rated %s, above the channel's limit %s", what,
		    rating_level_name(level), limit);
	free(limit);
	return ok ? 0 : -1;
}

/* Check and insert a slot. */
int
coarse_add(sqlite3 *db, const struct coarse_slot *s, int64_t *id, char **cause)
{
	sqlite3_stmt *st;
	char *rule, *title, *what;
	int found, rc, level;
	size_t i;

	scalar_id(db, "SELECT id FROM channels WHERE id = ?1", s->channel_id, 0, &found);
	if (!found) {
		set_cause(cause, "no channel with id %lld", (long long)s->channel_id);
		return -1;
	}
	if (s->days < 1 || s->days > 0x7f || s->start_min < 0 || s->start_min >= 1440 ||
	    s->end_min < 1 || s->end_min > 1440) {
		set_cause(cause, "a slot needs days and a start and end time");
		return -1;
	}
	if (s->max_rating != NULL && rating_level(s->max_rating) == RATING_UNRATED) {
		set_cause(cause, "'%s' is not a rating", s->max_rating);
		return -1;
	}
	if (s->dates_text != NULL) {
		struct season check;

		if (season_parse(s->dates_text, &check, cause) != 0)
			return -1;
	}
	if ((s->marathon || s->own_position) && s->type != COARSE_SERIES) {
		set_cause(cause, "%s is for series slots", s->marathon ? "a marathon" :
		    "an own position");
		return -1;
	}
	if (s->marathon && (s->n_shows > 1)) {
		set_cause(cause, "a marathon runs one series");
		return -1;
	}
	if (s->chance < 0 || s->chance > 100) {
		set_cause(cause, "a marathon's chance is a percentage (1-100), not %d", s->chance);
		return -1;
	}
	switch (s->type) {
	case COARSE_SERIES:
	case COARSE_SHUFFLE:
	case COARSE_FILL:
		if (s->type != COARSE_FILL && s->show_id == 0 && s->n_shows == 0) {
			set_cause(cause, "a %s slot needs a series", coarse_type_name(s->type));
			return -1;
		}
		for (i = 0; i < s->n_shows || (i == 0 && s->show_id != 0); i++) {
			int64_t show = s->n_shows > 0 ? s->shows[i] : s->show_id;

			title = text_id(db, "SELECT title FROM shows WHERE id = ?1", show);
			if (title == NULL) {
				set_cause(cause, "no series with id %lld", (long long)show);
				return -1;
			}
			free(title);
			if (s->type == COARSE_FILL)
				continue;
			/* Every episode above the limit means nothing could air. */
			if (scalar_id(db, "SELECT count(*) FROM episodes WHERE show_id = ?1", show, 0,
			    NULL) == 0) {
				set_cause(cause, "series %lld has no episodes", (long long)show);
				return -1;
			}
			title = text_id(db, "SELECT show_rating FROM shows WHERE id = ?1", show);
			level = rating_level(title);
			free(title);
			title = text_id(db, "SELECT title FROM shows WHERE id = ?1", show);
			rc = level == RATING_UNRATED ? 0 :
			    check_limit(db, s->channel_id, level, title, cause);
			free(title);
			if (rc != 0)
				return -1;
		}
		break;
	case COARSE_EPISODE:
	case COARSE_MOVIE:
		if (s->content_id == 0) {
			set_cause(cause, "an %s slot needs its content", coarse_type_name(s->type));
			return -1;
		}
		title = text_id(db, s->type == COARSE_EPISODE ?
		    "SELECT coalesce(s.title || ' / ' || e.episode_title, s.title) FROM episodes e "
		    "JOIN shows s ON s.id = e.show_id WHERE e.media_file_id = ?1" :
		    "SELECT title FROM movies WHERE media_file_id = ?1", s->content_id);
		if (title == NULL) {
			set_cause(cause, "media file %lld is not a%s", (long long)s->content_id,
			    s->type == COARSE_EPISODE ? "n episode" : " movie");
			return -1;
		}
		xasprintf(&what, "%s", title);
		free(title);
		rc = check_limit(db, s->channel_id, file_level(db, s->content_id), what, cause);
		free(what);
		if (rc != 0)
			return -1;
		break;
	case COARSE_MOVIES:
		if (db_scalar(db, "SELECT count(*) FROM movies", 0) == 0) {
			set_cause(cause, "the library has no movies");
			return -1;
		}
		break;
	}

	rule = format_rule(s);
	st = db_prepare(db, "INSERT INTO schedules (channel_id, days, start_time, end_time, "
	    "schedule_type, show_id, content_id, rule, priority) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9)", cause);
	if (st == NULL) {
		free(rule);
		return -1;
	}
	{
		char start[16], end[16];

		snprintf(start, sizeof start, "%02d:%02d", s->start_min / 60, s->start_min % 60);
		snprintf(end, sizeof end, "%02d:%02d", s->end_min / 60, s->end_min % 60);
		sqlite3_bind_int64(st, 1, s->channel_id);
		sqlite3_bind_int(st, 2, s->days);
		sqlite3_bind_text(st, 3, start, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, end, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_text(st, 5, coarse_type_name(s->type), -1, SQLITE_STATIC);
	if (s->show_id != 0 || s->n_shows > 0)
		sqlite3_bind_int64(st, 6, s->show_id != 0 ? s->show_id : s->shows[0]);
	if (s->content_id != 0)
		sqlite3_bind_int64(st, 7, s->content_id);
	if (rule != NULL)
		sqlite3_bind_text(st, 8, rule, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 9, s->priority);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_cause(cause, "saving the slot: %s", sqlite3_errmsg(db));
	else if (id != NULL)
		*id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	free(rule);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Delete a slot. */
int
coarse_remove(sqlite3 *db, int64_t channel_id, int64_t id, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "DELETE FROM schedules WHERE id = ?1 AND channel_id = ?2", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, channel_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_cause(cause, "removing the slot: %s", sqlite3_errmsg(db));
	else if (sqlite3_changes(db) == 0) {
		set_cause(cause, "the channel has no slot %lld", (long long)id);
		rc = SQLITE_NOTFOUND;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Does s cover (wday, minute)? */
static int
covers(const struct coarse_slot *s, int wday, int minute)
{
	int prev = (wday + 6) % 7;

	if (s->start_min < s->end_min)
		return (s->days & (1 << wday)) && minute >= s->start_min && minute < s->end_min;
	/* Past midnight: the evening part today, the morning part from yesterday. */
	return ((s->days & (1 << wday)) && minute >= s->start_min) ||
	    ((s->days & (1 << prev)) && minute < s->end_min);
}

/* Does a beat b? */
static int
beats(const struct coarse_slot *a, const struct coarse_slot *b)
{
	int afill = a->type == COARSE_FILL, bfill = b->type == COARSE_FILL;

	if (a->marathon != b->marathon)
		return a->marathon;
	if (afill != bfill)
		return bfill;
	if (a->priority != b->priority)
		return a->priority > b->priority;
	return a->id > b->id;
}

/* The governing slot. */
const struct coarse_slot *
coarse_match(const struct coarse_slot *slots, size_t n, int wday, int minute)
{
	const struct coarse_slot *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (covers(&slots[i], wday, minute) && (best == NULL || beats(&slots[i], best)))
			best = &slots[i];
	}
	return best;
}

/* splitmix64, for marathon chances. */
static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Active on the date it starts? */
int
coarse_active_on(const struct coarse_slot *s, int year, int month, int day)
{
	int64_t dn;

	if (year == 0)
		return 1;
	if (!season_contains(&s->dates, year, month, day))
		return 0;
	if (s->marathon && s->chance > 0 && s->chance < 100) {
		dn = tz_days_from_civil(year, month, day);
		if ((int)(mix64(mix64((uint64_t)s->id) ^ (uint64_t)dn) % 100) >= s->chance)
			return 0;
	}
	return 1;
}

/* The governing slot on a date. */
const struct coarse_slot *
coarse_match_date(const struct coarse_slot *slots, size_t n, int year, int month, int day,
    int wday, int minute)
{
	const struct coarse_slot *best = NULL, *s;
	int py, pm, pd;
	size_t i;

	for (i = 0; i < n; i++) {
		s = &slots[i];
		if (!covers(s, wday, minute) || (best != NULL && !beats(s, best)))
			continue;
		if (year != 0 && (s->dates.n > 0 || s->marathon)) {
			/* The date the slot started: yesterday for the morning part of a late slot. */
			if (s->start_min >= s->end_min && minute < s->end_min &&
			    !((s->days & (1 << wday)) && minute >= s->start_min)) {
				tz_civil_from_days(tz_days_from_civil(year, month, day) - 1, &py, &pm,
				    &pd);
				if (!coarse_active_on(s, py, pm, pd))
					continue;
			} else if (!coarse_active_on(s, year, month, day))
				continue;
		}
		best = s;
	}
	return best;
}

/* Human description. */
char *
coarse_describe(sqlite3 *db, const struct coarse_slot *s)
{
	struct strbuf out = { 0 };
	char *t;
	size_t i;

	strbuf_add(&out, "%s", coarse_type_name(s->type));
	switch (s->type) {
	case COARSE_SERIES:
	case COARSE_SHUFFLE:
	case COARSE_FILL:
		for (i = 0; i < s->n_shows; i++) {
			t = text_id(db, "SELECT title || coalesce(' (' || year || ')', '') FROM shows "
			    "WHERE id = ?1", s->shows[i]);
			strbuf_add(&out, "%s%s", i == 0 ? " " : ", ", t ? t : "(removed series)");
			free(t);
		}
		break;
	case COARSE_EPISODE:
		t = text_id(db, "SELECT s.title || printf(' S%02dE%02d', e.season_number, "
		    "e.episode_number) || coalesce(' ' || e.episode_title, '') FROM episodes e "
		    "JOIN shows s ON s.id = e.show_id WHERE e.media_file_id = ?1", s->content_id);
		strbuf_add(&out, " %s", t ? t : "(removed episode)");
		free(t);
		break;
	case COARSE_MOVIE:
		t = text_id(db, "SELECT title || coalesce(' (' || year || ')', '') FROM movies "
		    "WHERE media_file_id = ?1", s->content_id);
		strbuf_add(&out, " %s", t ? t : "(removed movie)");
		free(t);
		break;
	case COARSE_MOVIES:
		break;
	}
	if (s->type == COARSE_FILL && s->kinds != 0)
		strbuf_add(&out, ", %s only", s->kinds == COARSE_KIND_EPISODES ? "episodes" :
		    "movies");
	if (s->genre != NULL)
		strbuf_add(&out, ", genre %s", s->genre);
	if (s->max_rating != NULL)
		strbuf_add(&out, ", rated <= %s", s->max_rating);
	if (s->marathon) {
		if (s->chance > 0 && s->chance < 100)
			strbuf_add(&out, ", marathon (%d%% of days)", s->chance);
		else
			strbuf_add(&out, ", marathon");
	}
	if (s->own_position) {
		if (s->from_season > 0 || s->from_episode > 0)
			strbuf_add(&out, ", own position from S%02dE%02d", s->from_season,
			    s->from_episode);
		else
			strbuf_add(&out, ", own position");
	}
	if (s->dates_text != NULL)
		strbuf_add(&out, ", dates %s", s->dates_text);
	return strbuf_take(&out);
}
