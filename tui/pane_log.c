/*
 * pane_log.c: the station's log ring (the log command, polled once a
 * second while the pane is on the screen), with a level filter.
 */
#include <stdlib.h>
#include <string.h>

#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/pane.h"
#include "tui/widgets.h"

#define KEEP 2000
#define POLL_MS 1000

static const char *const levels[] = { "error", "warning", "info", "debug" };

struct logpane {
	json_t *lines;                  /* the newest KEEP lines, oldest first */
	json_int_t last;                /* the newest sequence seen */
	int level;                      /* show this level and above (index in levels) */
	int follow;
	int top;                        /* first shown line among the filtered, when not following */
	int64_t polled_ms;
	int pending;                    /* a request is out */
	char title[64];
};

static void *
log_open(struct console *con)
{
	struct logpane *l = xcalloc(1, sizeof *l);

	(void)con;
	l->lines = json_array();
	l->level = 2;
	l->follow = 1;
	return l;
}

static void
log_close(void *state)
{
	struct logpane *l = state;

	json_decref(l->lines);
	free(l);
}

/* The rank of a level name (0 error .. 3 debug). */
static int
rank(const char *level)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (level != NULL && strcmp(level, levels[i]) == 0)
			return i;
	}
	return 3;
}

/* The lines the filter lets through (indexes into l->lines); count returned. */
static int
filtered(struct logpane *l, int **idx)
{
	json_t *e;
	size_t i;
	int n = 0;

	*idx = xcalloc(json_array_size(l->lines) + 1, sizeof **idx);
	json_array_foreach(l->lines, i, e) {
		if (rank(json_string_value(json_object_get(e, "level"))) <= l->level)
			(*idx)[n++] = (int)i;
	}
	return n;
}

static void
log_draw(void *state, struct console *con, WINDOW *w, int focus)
{
	struct logpane *l = state;
	int rows = getmaxy(w) - 2, cols = getmaxx(w) - 2, n, i, first, r;
	unsigned int attr;
	char line[640], clock[16];
	const char *lv;
	int *idx;
	json_t *e;

	(void)con;
	(void)focus;
	n = filtered(l, &idx);
	first = l->follow ? n - rows : l->top;
	if (first > n - rows)
		first = n - rows;
	if (first < 0)
		first = 0;
	l->top = first;
	for (r = 0, i = first; i < n && r < rows; i++, r++) {
		e = json_array_get(l->lines, (size_t)idx[i]);
		lv = json_string_value(json_object_get(e, "level"));
		snprintf(line, sizeof line, "%s %-7s %s", w_clock(json_integer_value(
		    json_object_get(e, "time_ms")), clock, sizeof clock), lv != NULL ? lv : "",
		    json_string_value(json_object_get(e, "text")) != NULL ?
		    json_string_value(json_object_get(e, "text")) : "");
		attr = rank(lv) == 0 ? w_attr(CP_FAULT) : rank(lv) == 1 ? w_attr(CP_WARN) :
		    rank(lv) == 3 ? w_attr(CP_DIM) : A_NORMAL;
		wattron(w, attr);
		w_put(w, 1 + r, 1, cols, line, 1);
		wattroff(w, attr);
	}
	free(idx);
}

/* v: the next level (error, warning, info, debug). */
static int
log_level(void *state, struct console *con, int key)
{
	struct logpane *l = state;

	(void)con;
	(void)key;
	l->level = (l->level + 1) % 4;
	return 1;
}

/* f, End, G: follow the newest lines. */
static int
log_follow(void *state, struct console *con, int key)
{
	(void)con;
	(void)key;
	((struct logpane *)state)->follow = 1;
	return 1;
}

/* Scroll. */
static int
log_scroll(void *state, struct console *con, int key)
{
	struct logpane *l = state;
	int rows = console_pane_rows(con, &pane_log);

	switch (key) {
	case KEY_UP:
	case 'k':
		l->follow = 0;
		l->top = l->top > 0 ? l->top - 1 : 0;
		break;
	case KEY_DOWN:
	case 'j':
		l->top++;
		break;
	case KEY_PPAGE:
		l->follow = 0;
		l->top = l->top > rows ? l->top - rows : 0;
		break;
	case KEY_NPAGE:
		l->top += rows;
		break;
	default:
		l->follow = 0;
		l->top = 0;
		break;
	}
	return 1;
}

static const struct key_bind log_keys[] = {
	{ { 'v' }, "level: error, warning, info, debug", "v:level", log_level, NULL, 0 },
	{ { KEY_UP, KEY_DOWN, 'k', 'j', KEY_PPAGE, KEY_NPAGE, KEY_HOME, 'g' }, "scroll",
	    "Up/Down:scroll", log_scroll, NULL, 0 },
	{ { 'f', KEY_END, 'G' }, "follow the newest lines", "f:follow", log_follow, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

/* New lines arrived. */
static void
fetched(void *arg, struct console *con, json_t *r, const char *cause)
{
	struct logpane *l = arg;
	json_t *lines;
	size_t n;

	(void)cause;
	l->pending = 0;
	if (r == NULL)
		return;
	lines = json_object_get(r, "lines");
	n = json_array_size(lines);
	if (n == 0)
		return;
	json_array_extend(l->lines, lines);
	l->last = json_integer_value(json_object_get(json_array_get(lines, n - 1), "seq"));
	while (json_array_size(l->lines) > KEEP)
		json_array_remove(l->lines, 0);
	console_pane_dirty(con, &pane_log);
}

/* Ask for the lines newer than the last seen (in the job pool). */
static int
log_tick(void *state, struct console *con, int64_t now)
{
	struct logpane *l = state;

	if (l->pending || now - l->polled_ms < POLL_MS)
		return 0;
	l->polled_ms = now;
	l->pending = 1;
	console_call_async(con, "log", xjson_pack("{s:I, s:i}", "after", l->last, "limit", 500),
	    fetched, l);
	return 0;
}

static const char *
log_title(void *state)
{
	struct logpane *l = state;

	snprintf(l->title, sizeof l->title, "Log (%s and above%s)", levels[l->level],
	    l->follow ? "" : ", scrolled: f follows");
	return l->title;
}

const struct pane_kind pane_log = {
	.name = "Log",
	.keys = log_keys,
	.open = log_open,
	.close = log_close,
	.draw = log_draw,
	.tick = log_tick,
	.title = log_title,
};
