/*
 * pane_monitors.c: the channel monitors, a tile per channel: number, call
 * sign, state in colour (ON AIR, IDLE, STARTING, ALERT with the time left,
 * FAULT, and over them all master control's alarms, DEAD AIR, BLACK or
 * FROZEN with how long, blinking), now and next with a remaining-time bar,
 * viewers, encoder fps and speed, bitrate, the alarms and the last error,
 * and when the tile is big enough a thumbnail of the picture on the air
 * (channel.thumb, once a second).
 */
#include <stdlib.h>
#include <string.h>

#include <libavutil/base64.h>

#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/pane.h"
#include "tui/thumb.h"
#include "tui/widgets.h"

#define TILE_MIN_W 26
#define THUMB_EVERY_MS 1000

struct thumb {
	char number[16];
	uint8_t *rgb;
	int width, height;
	int64_t fetched_ms;             /* console clock, 0 never */
	int wanted;                     /* a tile showed room for it in the last draw */
	int pending;                    /* a request is out */
	int cells_w, cells_h;           /* the thumbnail's size in cells */
};

struct monitors {
	int sel;
	int top_row;                    /* first tile row shown */
	int per_row;                    /* tiles per row in the last draw */
	int nch;
	char *last;                     /* the channels' JSON at the last draw */
	struct thumb *thumbs;
	size_t nthumbs;
	char stopping[16];              /* the channel "Stop?" asks about */
};

static void *
mon_open(struct console *con)
{
	(void)con;
	return xcalloc(1, sizeof(struct monitors));
}

static void
mon_close(void *state)
{
	struct monitors *m = state;
	size_t i;

	for (i = 0; i < m->nthumbs; i++)
		free(m->thumbs[i].rgb);
	free(m->thumbs);
	free(m->last);
	free(m);
}

/* The thumbnail record of a channel (made on first use). */
static struct thumb *
thumb_of(struct monitors *m, const char *number)
{
	size_t i;

	for (i = 0; i < m->nthumbs; i++) {
		if (strcmp(m->thumbs[i].number, number) == 0)
			return &m->thumbs[i];
	}
	m->thumbs = xreallocarray(m->thumbs, m->nthumbs + 1, sizeof *m->thumbs);
	memset(&m->thumbs[m->nthumbs], 0, sizeof *m->thumbs);
	snprintf(m->thumbs[m->nthumbs].number, sizeof m->thumbs[0].number, "%s", number);
	return &m->thumbs[m->nthumbs++];
}

/* A field as a string ("" if absent). */
static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/*
 * The time left of the alert aimed at this channel, or -1: the engine's
 * figure when the channel airs it, else the alert's own end when the
 * channel is one of its targets (it airs it as soon as it starts).
 */
static int64_t
alert_left(struct console *con, json_t *c)
{
	json_t *alert = json_object_get(console_status(con), "alert");
	const char *chans, *p, *number = jstr(c, "number");
	size_t n = strlen(number);
	int64_t left;

	if (json_object_get(c, "alert_remaining_ms") != NULL)
		return json_integer_value(json_object_get(c, "alert_remaining_ms"));
	if (!json_is_object(alert))
		return -1;
	left = json_integer_value(json_object_get(alert, "ends_ms")) - console_now(con);
	if (left <= 0)
		return -1;
	chans = jstr(alert, "channels");
	if (*chans == '\0' || strcmp(chans, "all") == 0)
		return left;
	for (p = chans; (p = strstr(p, number)) != NULL; p += n) {
		if ((p == chans || p[-1] == ',' || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return left;
	}
	return -1;
}

/*
 * The alarms up on a channel: the longest one's name and how long it has
 * lasted into badge ("DEAD AIR 00:00:12", "+1" when there are more), every
 * one of them into line. 0 when none is up.
 */
static int
alarms_text(struct console *con, json_t *c, char *badge, size_t blen, char *line,
    size_t llen)
{
	json_t *alarms = json_object_get(c, "alarms"), *a;
	const char *longest = NULL;
	char t[32];
	int64_t since, oldest = 0, now = console_now(con);
	size_t i, n = json_array_size(alarms), off = 0;

	*line = '\0';
	for (i = 0; i < n; i++) {
		a = json_array_get(alarms, i);
		since = json_integer_value(json_object_get(a, "since_ms"));
		if (longest == NULL || since < oldest) {
			longest = jstr(a, "name");
			oldest = since;
		}
		if (off < llen)
			off += (size_t)snprintf(line + off, llen - off, "%s%s %s", i > 0 ? "  " : "",
			    jstr(a, "name"), w_hms(now - since, t, sizeof t));
	}
	if (longest == NULL)
		return 0;
	snprintf(badge, blen, " %s %s%s ", longest, w_hms(now - oldest, t, sizeof t),
	    n > 1 ? " +1" : "");
	if (n > 2)
		badge[strlen(badge) - 2] = (char)('0' + n - 1);
	return 1;
}

/* State word and colour. */
static const char *
state_badge(json_t *c, int64_t alert, int *pair)
{
	const char *st = jstr(c, "state");

	if (alert >= 0) {
		*pair = CP_ALERT;
		return "ALERT";
	}
	if (strcmp(st, "on air") == 0) {
		*pair = CP_ONAIR;
		return json_is_true(json_object_get(c, "slate")) ? "ON AIR (slate)" : "ON AIR";
	}
	if (strcmp(st, "starting") == 0) {
		*pair = CP_STARTING;
		return "STARTING";
	}
	if (strcmp(st, "failing") == 0) {
		*pair = CP_FAULT;
		return "FAULT";
	}
	*pair = CP_IDLE;
	return "IDLE";
}

/* One tile at (y, x), h rows by w columns. */
static void
draw_tile(struct monitors *m, struct console *con, WINDOW *win, json_t *c, int y, int x,
    int h, int w, int selected)
{
	json_t *now = json_object_get(c, "now"), *next = json_object_get(c, "next");
	char line[256], a[48], b[32], alarms[128];
	const char *badge;
	int pair, used, row = y, unicode = console_unicode(con), alarm;
	int64_t start, end, t = console_now(con), rem, alert;
	struct thumb *th;
	double done;

	/* Header: number and call sign, the state on the right. */
	alert = alert_left(con, c);
	badge = state_badge(c, alert, &pair);
	alarm = alarms_text(con, c, a, sizeof a, alarms, sizeof alarms);
	if (alarm) {
		/* Master control's alarm: nothing on the tile says more. */
		pair = CP_FAULT;
		badge = a;
	} else if (alert >= 0) {
		snprintf(a, sizeof a, " ALERT %s ", w_hms(alert, b, sizeof b));
		badge = a;
	} else {
		snprintf(a, sizeof a, " %s ", badge);
		badge = a;
	}
	wattron(win, selected ? w_attr(CP_SELECT) : A_BOLD);
	snprintf(line, sizeof line, " %s %s", jstr(c, "number"), jstr(c, "name"));
	w_put(win, row, x, w - 1, line, 1);
	wattroff(win, selected ? w_attr(CP_SELECT) : A_BOLD);
	used = (int)strlen(badge);
	if (used < w - 4) {
		wattron(win, w_attr(pair) | (pair == CP_ALERT || alarm ? A_BLINK : 0) |
		    (pair != CP_ALERT && pair != CP_IDLE ? A_REVERSE : 0));
		w_put(win, row, x + w - 1 - used, used, badge, 0);
		wattroff(win, w_attr(pair) | A_BLINK | A_REVERSE);
	}
	if (++row >= y + h)
		return;

	/* Now, with the bar and the time left. */
	if (json_is_object(now)) {
		snprintf(line, sizeof line, "Now  %s", *jstr(now, "title") != '\0' ?
		    jstr(now, "title") : jstr(now, "kind"));
		w_put(win, row, x, w - 1, line, 1);
		start = json_integer_value(json_object_get(now, "start_ms"));
		end = json_integer_value(json_object_get(now, "end_ms"));
		if (++row >= y + h)
			return;
		rem = end - t;
		done = end > start ? (double)(t - start) / (double)(end - start) : 0;
		snprintf(line, sizeof line, " -%s", w_hms(rem, a, sizeof a));
		used = (int)strlen(line);
		w_bar(win, row, x + 1, w - 2 - used, done, unicode);
		w_put(win, row, x + w - 1 - used, used, line, 0);
	} else
		w_put(win, row, x, w - 1, "Now  (nothing scheduled)", 1);
	if (++row >= y + h)
		return;
	if (json_is_object(next)) {
		snprintf(line, sizeof line, "Next %s %s", w_clock(json_integer_value(
		    json_object_get(next, "start_ms")), a, sizeof a), *jstr(next, "title") != '\0' ?
		    jstr(next, "title") : jstr(next, "kind"));
		wattron(win, w_attr(CP_DIM));
		w_put(win, row, x, w - 1, line, 1);
		wattroff(win, w_attr(CP_DIM));
		if (++row >= y + h)
			return;
	}

	/* Encoder figures. */
	if (strcmp(jstr(c, "state"), "idle") != 0) {
		snprintf(line, sizeof line, "%lld viewers  %.1f fps  %.2fx  %.2f Mb/s",
		    (long long)json_integer_value(json_object_get(c, "viewers")),
		    json_real_value(json_object_get(c, "fps")),
		    json_real_value(json_object_get(c, "speed")),
		    (double)json_integer_value(json_object_get(c, "bitrate_bps")) / 1e6);
	} else
		snprintf(line, sizeof line, "idle: starts on the first viewer");
	w_put(win, row, x, w - 1, line, 1);
	if (++row >= y + h)
		return;
	if (alarm) {
		wattron(win, w_attr(CP_FAULT) | A_BOLD);
		w_put(win, row, x, w - 1, alarms, 1);
		wattroff(win, w_attr(CP_FAULT) | A_BOLD);
		if (++row >= y + h)
			return;
	}
	if (*jstr(c, "last_error") != '\0') {
		wattron(win, w_attr(CP_FAULT));
		w_put(win, row, x, w - 1, jstr(c, "last_error"), 1);
		wattroff(win, w_attr(CP_FAULT));
		if (++row >= y + h)
			return;
	}

	/* The picture, when there is room and something on the air. */
	th = thumb_of(m, jstr(c, "number"));
	th->wanted = 0;
	if (y + h - row >= 5 && w >= 24 && strcmp(jstr(c, "state"), "on air") == 0) {
		th->wanted = 1;
		th->cells_h = y + h - row;
		th->cells_w = th->cells_h * 32 / 9;     /* 16:9 with cells twice as tall */
		if (th->cells_w > w - 2)
			th->cells_w = w - 2;
		if (th->rgb != NULL)
			thumb_draw(win, row, x + (w - 1 - th->cells_w) / 2, th->cells_h,
			    th->cells_w, th->rgb, th->width, th->height,
			    (enum thumb_mode)console_thumb_mode(con));
	}
}

static void
mon_draw(void *state, struct console *con, WINDOW *win, int focus)
{
	struct monitors *m = state;
	json_t *st = console_status(con), *chans, *c;
	int rows = getmaxy(win) - 2, cols = getmaxx(win) - 2, per_row, tile_w, tile_h, nrows;
	int shown_rows, i, r, k;
	size_t n;

	(void)focus;
	/* Only the tiles drawn now ask for pictures. */
	for (i = 0; i < (int)m->nthumbs; i++)
		m->thumbs[i].wanted = 0;
	chans = st != NULL ? json_object_get(st, "channels") : NULL;
	n = json_array_size(chans);
	m->nch = (int)n;
	if (n == 0) {
		w_put(win, 1, 2, cols - 2, st == NULL ? "waiting for the station..." :
		    "No channels. Add one with 'retrovue channel add' or 'retrovue demo'.", 0);
		return;
	}
	per_row = cols / TILE_MIN_W;
	if (per_row < 1)
		per_row = 1;
	if (per_row > (int)n)
		per_row = (int)n;
	m->per_row = per_row;
	tile_w = cols / per_row;
	nrows = ((int)n + per_row - 1) / per_row;
	tile_h = rows / nrows;
	if (tile_h < 5)
		tile_h = rows >= 5 ? 5 : rows;
	if (tile_h > 18)
		tile_h = 18;
	shown_rows = rows / tile_h;
	if (shown_rows < 1)
		shown_rows = 1;
	if (m->sel >= (int)n)
		m->sel = (int)n - 1;
	r = m->sel / per_row;
	if (r < m->top_row)
		m->top_row = r;
	if (r >= m->top_row + shown_rows)
		m->top_row = r - shown_rows + 1;
	for (k = 0; k < shown_rows * per_row; k++) {
		i = m->top_row * per_row + k;
		if (i >= (int)n)
			break;
		c = json_array_get(chans, (size_t)i);
		draw_tile(m, con, win, c, 1 + (k / per_row) * tile_h, 1 + (k % per_row) * tile_w,
		    tile_h - (tile_h > 5 ? 1 : 0), tile_w, i == m->sel);
	}
	if (nrows > shown_rows) {
		char more[48];

		snprintf(more, sizeof more, " %d-%d of %zu ", m->top_row * per_row + 1,
		    (m->top_row + shown_rows) * per_row < (int)n ?
		    (m->top_row + shown_rows) * per_row : (int)n, n);
		w_put(win, rows + 1, cols - (int)strlen(more), (int)strlen(more), more, 0);
	}
}

/* Select channel i. */
static void
select_tile(struct monitors *m, struct console *con, int i)
{
	json_t *c;

	if (m->nch == 0)
		return;
	if (i < 0)
		i = 0;
	if (i >= m->nch)
		i = m->nch - 1;
	m->sel = i;
	c = json_array_get(json_object_get(console_status(con), "channels"), (size_t)i);
	if (c != NULL)
		console_select_channel(con, jstr(c, "number"));
}

/* Start or stop a channel (a job: its end, or why it failed, comes as job.done: mon_event). */
static void
start_stop(struct console *con, const char *number, int start)
{
	char *cause = NULL;
	json_t *r;

	r = console_call(con, start ? "channel.start" : "channel.stop",
	    xjson_pack("{s:s}", "number", number), &cause);
	if (r == NULL)
		console_message(con, "channel %s: %s", number, cause);
	else
		console_message(con, "channel %s: %s...", number, start ? "starting" : "stopping");
	json_decref(r);
	free(cause);
}

/* The answer to "Stop channel N?". */
static void
stop_answered(void *arg, struct console *con, int yes)
{
	struct monitors *m = arg;

	if (yes)
		start_stop(con, m->stopping, 0);
}

/* Arrows, hjkl: select a channel (the schedule log follows). */
static int
mon_move(void *state, struct console *con, int key)
{
	struct monitors *m = state;
	int per = m->per_row > 0 ? m->per_row : 1;

	switch (key) {
	case KEY_LEFT:
	case 'h':
		select_tile(m, con, m->sel - 1);
		break;
	case KEY_RIGHT:
	case 'l':
		select_tile(m, con, m->sel + 1);
		break;
	case KEY_UP:
	case 'k':
		select_tile(m, con, m->sel - per);
		break;
	default:
		select_tile(m, con, m->sel + per);
		break;
	}
	return 1;
}

/* u: start the selected channel. */
static int
mon_start(void *state, struct console *con, int key)
{
	(void)state;
	(void)key;
	if (*console_channel(con) != '\0')
		start_stop(con, console_channel(con), 1);
	return 1;
}

/* d: stop it, after a question. */
static int
mon_stop(void *state, struct console *con, int key)
{
	struct monitors *m = state;
	char q[128];

	(void)key;
	if (*console_channel(con) == '\0')
		return 1;
	utf8_copy(m->stopping, sizeof m->stopping, console_channel(con));
	snprintf(q, sizeof q, "Stop channel %s? Viewers lose the picture.", m->stopping);
	form_confirm(con, "Stop channel", q, stop_answered, m);
	return 1;
}

/* Enter: the selected channel's schedule log. */
static int
mon_enter(void *state, struct console *con, int key)
{
	struct monitors *m = state;

	(void)key;
	select_tile(m, con, m->sel);
	console_focus(con, &pane_schedule);
	return 1;
}

static const struct key_bind mon_keys[] = {
	{ { KEY_LEFT, KEY_RIGHT, KEY_UP, KEY_DOWN, 'h', 'l', 'k', 'j' },
	    "select a channel (its schedule log follows)", "arrows:channel", mon_move, NULL, 0 },
	{ { 'u' }, "start the channel", "u:start", mon_start, NULL, 0 },
	{ { 'd' }, "stop the channel (asks first)", "d:stop", mon_stop, NULL, 0 },
	{ { '\n' }, "the channel's schedule log", "Enter:schedule", mon_enter, NULL, 0 },
	{ { 'e' }, "the channel's schedule slots", "e:slots", NULL, &dlg_slots, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

/* A picture arrived. */
static void
thumb_done(void *arg, struct console *con, json_t *r, const char *cause)
{
	struct monitors *m = arg;
	const char *b64, *number;
	struct thumb *th;
	int len, w, h;

	(void)cause;
	if (r == NULL || (number = json_string_value(json_object_get(r, "number"))) == NULL)
		return;
	th = thumb_of(m, number);
	th->pending = 0;
	b64 = json_string_value(json_object_get(r, "rgb"));
	w = (int)json_integer_value(json_object_get(r, "width"));
	h = (int)json_integer_value(json_object_get(r, "height"));
	if (b64 == NULL || w <= 0 || h <= 0 || w > 1920 || h > 1080)
		return;
	th->rgb = xreallocarray(th->rgb, (size_t)w * (size_t)h * 3 + 3, 1);
	len = av_base64_decode(th->rgb, b64, w * h * 3 + 3);
	if (len >= w * h * 3) {
		th->width = w;
		th->height = h;
		console_pane_dirty(con, &pane_monitors);
	}
}

/* Ask for the pictures that are due (in the job pool). */
static int
mon_tick(void *state, struct console *con, int64_t now)
{
	struct monitors *m = state;
	struct thumb *th;
	size_t i;
	int w;

	for (i = 0; i < m->nthumbs; i++) {
		th = &m->thumbs[i];
		/* A lost answer (an error names no channel) is given up after a while. */
		if (th->pending && now - th->fetched_ms < 2 * THUMB_EVERY_MS)
			continue;
		if (!th->wanted || now - th->fetched_ms < THUMB_EVERY_MS)
			continue;
		th->fetched_ms = now;
		th->pending = 1;
		w = th->cells_w * 4 > 160 ? 160 : th->cells_w * 4;
		console_call_async(con, "channel.thumb", xjson_pack("{s:s, s:i, s:i}", "number",
		    th->number, "width", w, "height", w * 9 / 16), thumb_done, m);
	}
	return 0;
}

/* A new status: draw again if the channels changed (the bars move each second anyway). */
static int
mon_status(void *state, struct console *con, json_t *status)
{
	struct monitors *m = state;
	json_t *c, *alert = json_object_get(status, "alert"), *both;
	size_t i;
	char *s;
	int changed;

	/* The channels and the alert (the tiles show it): compare with the last draw. */
	both = xjson_pack("{s:O, s:O}", "channels", json_object_get(status, "channels"),
	    "alert", alert != NULL ? alert : json_null());
	s = json_dumps(both, JSON_COMPACT);
	json_decref(both);
	/* An alert counts down on every tile: draw each time. */
	changed = s == NULL || m->last == NULL || strcmp(s, m->last) != 0 ||
	    json_is_object(alert);

	free(m->last);
	m->last = s;
	/* Keep the selection on the console's channel. */
	json_array_foreach(json_object_get(status, "channels"), i, c) {
		if (strcmp(jstr(c, "number"), console_channel(con)) == 0)
			m->sel = (int)i;
	}
	return changed;
}

/* A channel started or stopped by hand: say how it went. */
static int
mon_event(void *state, struct console *con, json_t *ev)
{
	const char *name = json_string_value(json_object_get(ev, "event"));
	const char *kind = json_string_value(json_object_get(ev, "kind"));
	json_t *r = json_object_get(ev, "result");

	(void)state;
	if (name == NULL || kind == NULL || strcmp(name, "job.done") != 0 ||
	    strncmp(kind, "channel.", 8) != 0)
		return 0;
	if (r == NULL)
		console_message(con, "%s: %s", kind, json_string_value(json_object_get(ev, "error")));
	else
		console_message(con, "channel %s: %s", json_string_value(json_object_get(r,
		    "number")), strcmp(kind, "channel.start") == 0 ? "started" : "stopped");
	return 0;
}

const struct pane_kind pane_monitors = {
	.name = "Channel monitors",
	.keys = mon_keys,
	.open = mon_open,
	.close = mon_close,
	.draw = mon_draw,
	.tick = mon_tick,
	.status = mon_status,
	.event = mon_event,
};
