/*
 * pane_schedule.c: the schedule log of the selected channel, like a
 * traffic log: time, type, title, duration; the item on the air
 * highlighted, the as-run result of past items, the view following the
 * clock until the operator scrolls away (f or End follows again).
 */
#include <stdlib.h>
#include <string.h>

#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/pane.h"
#include "tui/widgets.h"

#define BEFORE_MS (3 * 3600 * 1000LL)     /* the log shows this much of the past */
#define AFTER_MS (12 * 3600 * 1000LL)     /* and of the future */
#define REFRESH_MS 30000

struct schedule {
	char number[16];                /* the channel the items are of */
	json_t *items;                  /* array from schedule.get */
	int64_t fetched_ms;
	int64_t on_air_id;              /* the item on the air at the last draw */
	int follow;
	int want_fetch;
	int pending;                    /* a request is out */
	struct w_list list;
	char error[256];
	char title[64];
};

static void *
sch_open(struct console *con)
{
	struct schedule *s = xcalloc(1, sizeof *s);

	(void)con;
	s->follow = 1;
	s->want_fetch = 1;
	s->list.sel = -1;
	return s;
}

static void
sch_close(void *state)
{
	struct schedule *s = state;

	json_decref(s->items);
	free(s);
}

/* The log arrived. */
static void
fetched(void *arg, struct console *con, json_t *r, const char *cause)
{
	struct schedule *s = arg;

	s->pending = 0;
	console_pane_dirty(con, &pane_schedule);
	if (r == NULL) {
		utf8_copy(s->error, sizeof s->error, cause != NULL ? cause : "failed");
		return;
	}
	/* An answer for a channel no longer selected is dropped: another is coming. */
	if (strcmp(json_string_value(json_object_get(r, "number")) != NULL ?
	    json_string_value(json_object_get(r, "number")) : "", s->number) != 0)
		return;
	s->error[0] = '\0';
	json_decref(s->items);
	s->items = json_incref(json_object_get(r, "items"));
	s->list.count = (int)json_array_size(s->items);
}

/* Ask for the selected channel's log around now (in the job pool). */
static void
fetch(struct schedule *s, struct console *con, int64_t now)
{
	s->want_fetch = 0;
	s->fetched_ms = now;
	utf8_copy(s->number, sizeof s->number, console_channel(con));
	if (s->number[0] == '\0')
		return;
	s->pending = 1;
	console_call_async(con, "schedule.get", xjson_pack("{s:s, s:I, s:I}", "number",
	    s->number, "from_ms", (json_int_t)(now - BEFORE_MS), "to_ms",
	    (json_int_t)(now + AFTER_MS)), fetched, s);
}

/* The index of the item on the air at t, or -1. */
static int
on_air_index(struct schedule *s, int64_t t)
{
	json_t *it;
	size_t i;

	json_array_foreach(s->items, i, it) {
		if (json_integer_value(json_object_get(it, "start_ms")) <= t &&
		    t < json_integer_value(json_object_get(it, "end_ms")))
			return (int)i;
	}
	return -1;
}

static void
sch_draw(void *state, struct console *con, WINDOW *w, int focus)
{
	struct schedule *s = state;
	int rows = getmaxy(w) - 2, cols = getmaxx(w) - 2, i, air, title_w, type_w, dur_w, narrow;
	unsigned int attr;
	char line[512], tbuf[16], dbuf[20];
	const char *asrun, *kind;
	int64_t t = console_now(con), start, end;
	json_t *it;

	if (s->error[0] != '\0') {
		w_put(w, 1, 1, cols, s->error, 1);
		return;
	}
	if (s->list.count == 0) {
		w_put(w, 1, 1, cols, "No schedule here. 'retrovue schedule build' makes one.", 1);
		return;
	}
	air = on_air_index(s, t);
	if (s->follow && air >= 0) {
		s->list.sel = air;
		/* The item on the air about a third of the way down. */
		s->list.top = air - (rows - 1) / 3;
	}
	w_list_fix(&s->list, rows - 1);
	/* Narrow: short types and durations, so the titles keep their room. */
	narrow = cols < 70;
	type_w = narrow ? 4 : 10;
	dur_w = narrow ? 8 : 11;
	title_w = cols - 9 - (type_w + 1) - (dur_w + 1) - 8;
	if (title_w < 4)
		title_w = 4;
	wattron(w, w_attr(CP_DIM));
	snprintf(line, sizeof line, "%-8s %-*s %-*s %*s %s", "Time", type_w, "Type", title_w,
	    "Title", dur_w, "Duration", "As-run");
	w_put(w, 1, 1, cols, line, 1);
	wattroff(w, w_attr(CP_DIM));
	for (i = s->list.top; i < s->list.count && i - s->list.top < rows - 1; i++) {
		it = json_array_get(s->items, (size_t)i);
		start = json_integer_value(json_object_get(it, "start_ms"));
		end = json_integer_value(json_object_get(it, "end_ms"));
		asrun = json_string_value(json_object_get(it, "asrun"));
		kind = json_string_value(json_object_get(it, "kind"));
		if (i == air)
			asrun = "ON AIR";
		else if (asrun == NULL)
			asrun = end <= t ? "-" : "";
		if (narrow)
			w_hms(end - start, dbuf, sizeof dbuf);
		else
			w_hmsf(end - start, dbuf, sizeof dbuf);
		snprintf(line, sizeof line, "%-8s %-*.*s %-*.*s %*s %s",
		    w_clock(start, tbuf, sizeof tbuf), type_w, type_w, kind != NULL ? kind : "",
		    title_w, title_w, json_string_value(json_object_get(it, "title")) != NULL ?
		    json_string_value(json_object_get(it, "title")) : "", dur_w, dbuf, asrun);
		attr = A_NORMAL;
		if (i == air)
			attr = w_attr(CP_ONAIR) | A_REVERSE;
		else if (end <= t)
			attr = w_attr(CP_DIM);
		if (i == s->list.sel && focus)
			attr = w_attr(CP_SELECT);
		wattron(w, attr);
		w_put(w, 2 + i - s->list.top, 1, cols, line, 1);
		wattroff(w, attr);
		if (end <= t && strcmp(asrun, "aired") != 0 && strcmp(asrun, "-") != 0 &&
		    strcmp(asrun, "playing") != 0 && i != s->list.sel) {
			/* A failed or partial airing stands out. */
			wattron(w, w_attr(CP_WARN));
			w_put(w, 2 + i - s->list.top, 1 + 9 + type_w + 1 + title_w + 1 + dur_w + 1,
			    (int)strlen(asrun), asrun, 0);
			wattroff(w, w_attr(CP_WARN));
		}
	}
}

/* f, End: follow the clock again. */
static int
sch_follow(void *state, struct console *con, int key)
{
	(void)con;
	(void)key;
	((struct schedule *)state)->follow = 1;
	return 1;
}

/* r: fetch the log again. */
static int
sch_reload(void *state, struct console *con, int key)
{
	(void)con;
	(void)key;
	((struct schedule *)state)->want_fetch = 1;
	return 1;
}

/* Move in the log (it stops following the clock). */
static int
sch_move(void *state, struct console *con, int key)
{
	struct schedule *s = state;

	if (!w_list_key(&s->list, key, console_pane_rows(con, &pane_schedule) - 1))
		return 0;
	s->follow = 0;
	return 1;
}

static const struct key_bind sch_keys[] = {
	{ { KEY_UP, KEY_DOWN, 'k', 'j', KEY_PPAGE, KEY_NPAGE, KEY_HOME, 'g', 'G' },
	    "move (stops following the clock)", "Up/Down:move", sch_move, NULL, 0 },
	{ { 'f', KEY_END }, "follow the clock again", "f:follow", sch_follow, NULL, 0 },
	{ { 'r' }, "fetch the log again", "r:reload", sch_reload, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

static int
sch_tick(void *state, struct console *con, int64_t now)
{
	struct schedule *s = state;
	int air;

	if (strcmp(s->number, console_channel(con)) != 0) {
		s->follow = 1;
		s->want_fetch = 1;
		if (s->pending) {
			/* Show the new channel's number while its log comes. */
			utf8_copy(s->number, sizeof s->number, console_channel(con));
			s->pending = 0;
		}
	}
	if (!s->pending && (s->want_fetch || now - s->fetched_ms > REFRESH_MS)) {
		fetch(s, con, now);
		return 1;
	}
	/* The clock moved to the next item: draw again. */
	air = on_air_index(s, console_now(con));
	if (air >= 0 && json_integer_value(json_object_get(json_array_get(s->items, (size_t)air),
	    "id")) != s->on_air_id) {
		s->on_air_id = json_integer_value(json_object_get(json_array_get(s->items,
		    (size_t)air), "id"));
		s->want_fetch = 1;      /* and fetch the as-run of what just ended */
		return 1;
	}
	return 0;
}

/* Schedules changed elsewhere (another console, the CLI): fetch again. */
static int
sch_event(void *state, struct console *con, json_t *ev)
{
	struct schedule *s = state;
	const char *name = json_string_value(json_object_get(ev, "event"));

	(void)con;
	if (name != NULL && (strncmp(name, "schedule", 8) == 0 || strncmp(name, "slots", 5) == 0 ||
	    strncmp(name, "content", 7) == 0)) {
		s->want_fetch = 1;
		return 1;
	}
	return 0;
}

/* The frame's title: the channel, and whether the view follows the clock. */
static const char *
sch_title(void *state)
{
	struct schedule *s = state;

	snprintf(s->title, sizeof s->title, "Schedule log: channel %s%s", s->number,
	    s->follow ? "" : " (not following: f)");
	return s->title;
}

const struct pane_kind pane_schedule = {
	.title = sch_title,
	.name = "Schedule log",
	.keys = sch_keys,
	.open = sch_open,
	.close = sch_close,
	.draw = sch_draw,
	.tick = sch_tick,
	.event = sch_event,
};
