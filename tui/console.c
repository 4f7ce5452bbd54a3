/*
 * console.c: the console's frame: the terminal, the main loop, the layout
 * of the panes, the stack of open dialogs, the title and status bars, the
 * console's key table, and the control connection every pane and dialog
 * talks through.
 *
 * The loop, the only one: poll() on the terminal, the job pool's answers
 * and the control socket with a timeout up to the next due work (the
 * status twice a second, the clock each second). A key goes to the top
 * dialog when one is open (its table, the keys that work anywhere, its
 * key function), else to the focused pane (its table, its key function)
 * and then to the console's table. Events from the station go to every
 * pane and every open dialog. Panes are only redrawn when they say they
 * changed, dialogs at each turn, and ncurses sends only the cells that
 * differ, so an idle console costs next to nothing. A dialog never
 * blocks the loop to wait for an answer: the monitors and the bars go on
 * updating under it, and F9 opens the emergency alert over any of them.
 *
 * The terminal is restored on every exit: console_run's own exit, atexit,
 * and the fatal signals (which call endwin and re-raise).
 */
#include "tui/console.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/control.h"
#include "engine/pool.h"
#include "src/log.h"
#include "src/util.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/pane.h"
#include "tui/thumb.h"
#include "tui/widgets.h"

#define STATUS_EVERY_MS 500
#define CALL_TIMEOUT_MS 5000
#define RECONNECT_MS 2000
#define MIN_COLS 60
#define MIN_LINES 16
#define DIALOGS_MAX 8                   /* dialogs open over each other */

enum { P_MONITORS, P_SCHEDULE, P_CONTENT, P_LOG, P_COUNT };

const struct pane_kind *const console_panes[P_COUNT + 1] = {
	&pane_monitors, &pane_schedule, &pane_content, &pane_log, NULL,
};

struct pane {
	const struct pane_kind *kind;
	void *state;
	WINDOW *win;                    /* NULL when not shown in this layout */
	int dirty;
};

/* An open dialog. */
struct dialog {
	const struct dlg_kind *kind;
	void *state;                    /* the kind's; freed by kind->close */
	WINDOW *win;                    /* made when first drawn, again after a resize */
	int done;                       /* it asked to close */
};

/* A call in the job pool, and then its answer. */
struct async {
	struct console *con;
	char *cmd;
	json_t *args;
	json_t *result;
	char *cause;
	void (*done)(void *, struct console *, json_t *, const char *);
	void *arg;
	struct async *next;
};

struct console {
	struct console_opts opts;
	struct pool *pool;              /* one worker: calls run in order */
	struct ctl_client *pool_cl;     /* the worker's own connection */
	int done_pipe[2];               /* the worker says an answer is there */
	pthread_mutex_t done_lock;
	struct async *done_head, *done_tail;
	struct ctl_client *cl;
	int64_t next_connect_ms;
	json_t *status;
	int64_t status_ms;              /* the station's time in it */
	int64_t status_mono_ms;         /* when it came */
	int64_t next_status_ms;
	int status_pending;             /* a status request is out */
	struct pane panes[P_COUNT];
	int focus;
	WINDOW *title, *bar, *input;
	int too_small;
	int layout_dirty;
	int bars_dirty;
	char message[256];
	int64_t message_until;
	int64_t last_clock_s;
	struct dialog dialogs[DIALOGS_MAX];     /* bottom first */
	int ndialogs;
	char channel[16];
	int64_t content_id;
	int unicode;
	int quit;
	int empty_reads;                /* stdin readable without a key, in a row */
	char warning[512];              /* the station's warning last shown */
};

static volatile sig_atomic_t got_quit;
static int curses_on;

/* Milliseconds on the monotonic clock. */
static int64_t
mono_ms(void)
{
	return mono_us() / 1000;
}

/* Restore the terminal (idempotent). */
static void
restore_terminal(void)
{
	if (curses_on && !isendwin()) {
		endwin();
		fflush(stdout);
	}
	curses_on = 0;
}

/* A fatal signal: the terminal first, then die as the signal says. */
static void
fatal_signal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* SIGTERM, SIGHUP (the SSH connection went): leave the loop. */
static void
quit_signal(int sig)
{
	(void)sig;
	got_quit = 1;
}

/* Install the handlers. */
static void
install_signals(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < nitems(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
	sa.sa_handler = quit_signal;
	sa.sa_flags = 0;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	atexit(restore_terminal);
}

/* Colours, if any. */
static void
init_colors(void)
{
	int bg = -1;

	if (!has_colors())
		return;
	start_color();
	if (use_default_colors() != OK)
		bg = COLOR_BLACK;
	init_pair(CP_NORMAL, -1 == bg ? -1 : COLOR_WHITE, bg);
	init_pair(CP_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(CP_FRAME, COLOR_BLUE, bg);
	init_pair(CP_FOCUS, COLOR_CYAN, bg);
	init_pair(CP_SELECT, COLOR_BLACK, COLOR_WHITE);
	init_pair(CP_ONAIR, COLOR_GREEN, bg);
	init_pair(CP_IDLE, COLOR_WHITE, bg);
	init_pair(CP_STARTING, COLOR_YELLOW, bg);
	init_pair(CP_ALERT, COLOR_WHITE, COLOR_RED);
	init_pair(CP_FAULT, COLOR_RED, bg);
	init_pair(CP_DIM, COLOR_BLUE, bg);
	init_pair(CP_BAR, COLOR_GREEN, bg);
	init_pair(CP_WARN, COLOR_YELLOW, bg);
}

/* Connect (or reconnect) to the station and subscribe to its events. */
static int
connect_station(struct console *con, char **cause)
{
	json_t *r;

	ctl_close(&con->cl);
	if ((con->cl = ctl_connect(con->opts.socket_path, cause)) == NULL)
		return -1;
	if ((r = ctl_call(con->cl, "subscribe", NULL, CALL_TIMEOUT_MS, cause)) == NULL) {
		ctl_close(&con->cl);
		return -1;
	}
	json_decref(r);
	return 0;
}

/* The connection failed: note it and try again later. */
static void
lost_station(struct console *con)
{
	if (con->cl == NULL)
		return;
	ctl_close(&con->cl);
	con->next_connect_ms = mono_ms() + RECONNECT_MS;
	console_message(con, "lost the station's control socket; reconnecting");
	con->bars_dirty = 1;
}

json_t *
console_call(struct console *con, const char *cmd, json_t *args, char **cause)
{
	enum ctl_outcome outcome;

	return console_request(con, cmd, args, &outcome, cause);
}

json_t *
console_request(struct console *con, const char *cmd, json_t *args, enum ctl_outcome *outcome,
    char **cause)
{
	json_t *r;

	*outcome = CTL_NOT_SENT;
	if (con->cl == NULL) {
		json_decref(args);
		set_cause(cause, "not connected to the station");
		return NULL;
	}
	r = ctl_request(con->cl, cmd, args, CALL_TIMEOUT_MS, outcome, cause);
	if (r == NULL && *outcome != CTL_REFUSED)
		lost_station(con);
	return r;
}

/* In the worker: make the call on the worker's connection, queue the answer. */
static void
async_run(void *arg)
{
	struct async *a = arg;
	struct console *con = a->con;
	char b = 1;

	if (con->pool_cl == NULL)
		con->pool_cl = ctl_connect(con->opts.socket_path, &a->cause);
	if (con->pool_cl != NULL) {
		a->result = ctl_call(con->pool_cl, a->cmd, a->args, CALL_TIMEOUT_MS, &a->cause);
		a->args = NULL;
		if (a->result == NULL && a->cause != NULL &&
		    (strstr(a->cause, "closed the control") != NULL ||
		    strstr(a->cause, "cannot talk") != NULL))
			ctl_close(&con->pool_cl);       /* reconnect on the next call */
	}
	pthread_mutex_lock(&con->done_lock);
	if (con->done_tail != NULL)
		con->done_tail->next = a;
	else
		con->done_head = a;
	con->done_tail = a;
	pthread_mutex_unlock(&con->done_lock);
	if (write(con->done_pipe[1], &b, 1) < 0 && errno != EAGAIN)
		log_warn("console: cannot wake the main loop: %s", strerror(errno));
}

/* Free an answered call. */
static void
async_free(struct async *a)
{
	free(a->cmd);
	json_decref(a->args);
	json_decref(a->result);
	free(a->cause);
	free(a);
}

void
console_call_async(struct console *con, const char *cmd, json_t *args,
    void (*done)(void *, struct console *, json_t *, const char *), void *arg)
{
	struct async *a = xcalloc(1, sizeof *a);

	a->con = con;
	a->cmd = xstrdup(cmd);
	a->args = args;
	a->done = done;
	a->arg = arg;
	if (pool_submit(con->pool, async_run, a) != 0)
		async_free(a);
}

/* On the console's thread: hand the answers to their callers. */
static void
async_deliver(struct console *con)
{
	struct async *a, *next;
	char drain[64];

	while (read(con->done_pipe[0], drain, sizeof drain) > 0)
		;
	pthread_mutex_lock(&con->done_lock);
	a = con->done_head;
	con->done_head = con->done_tail = NULL;
	pthread_mutex_unlock(&con->done_lock);
	for (; a != NULL; a = next) {
		next = a->next;
		a->done(a->arg, con, a->result, a->cause);
		async_free(a);
	}
}

void
console_pane_dirty(struct console *con, const struct pane_kind *kind)
{
	int i;

	for (i = 0; i < P_COUNT; i++) {
		if (console_panes[i] == kind)
			con->panes[i].dirty = 1;
	}
}

void
console_message(struct console *con, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(con->message, sizeof con->message, fmt, ap);
	va_end(ap);
	con->message_until = mono_ms() + 6000;
	con->bars_dirty = 1;
}

const char *
console_channel(struct console *con)
{
	return con->channel;
}

int64_t
console_content(struct console *con)
{
	return con->content_id;
}

int
console_unicode(struct console *con)
{
	return con->unicode;
}

int
console_colors(struct console *con)
{
	(void)con;
	return has_colors();
}

json_t *
console_status(struct console *con)
{
	return con->status;
}

void
console_select_channel(struct console *con, const char *number)
{
	if (strcmp(con->channel, number) == 0)
		return;
	snprintf(con->channel, sizeof con->channel, "%s", number);
	con->panes[P_SCHEDULE].dirty = 1;
	con->bars_dirty = 1;
}

void
console_select_content(struct console *con, int64_t id)
{
	con->content_id = id;
}

void
console_dirty(struct console *con)
{
	int i;

	for (i = 0; i < P_COUNT; i++)
		con->panes[i].dirty = 1;
	con->bars_dirty = 1;
}

int
console_thumb_mode(struct console *con)
{
	if (con->opts.sixels)
		return THUMB_SIXELS;
	return con->unicode ? THUMB_SYMBOLS : THUMB_ASCII;
}

int64_t
console_now(struct console *con)
{
	if (con->status == NULL)
		return now_ms();
	return con->status_ms + (mono_ms() - con->status_mono_ms);
}

/* The status arrived: keep it, tell the panes. */
static void
status_done(void *arg, struct console *con, json_t *st, const char *cause)
{
	size_t before = con->status != NULL ?
	    json_array_size(json_object_get(con->status, "channels")) : (size_t)-1;
	const char *w;
	int i;

	(void)arg;
	con->status_pending = 0;
	if (st == NULL)
		return;
	json_decref(con->status);
	con->status = json_incref(st);
	con->status_ms = json_integer_value(json_object_get(st, "time_ms"));
	con->status_mono_ms = mono_ms();
	if (json_array_size(json_object_get(st, "channels")) != before)
		con->layout_dirty = 1;  /* the monitors need another size */
	/* A new warning from the station is said once in full; the title keeps a tag. */
	w = json_string_value(json_object_get(st, "warning"));
	if (strcmp(w != NULL ? w : "", con->warning) != 0) {
		snprintf(con->warning, sizeof con->warning, "%s", w != NULL ? w : "");
		if (w != NULL)
			console_message(con, "WARNING: %s", w);
	}
	if (con->channel[0] == '\0') {
		json_t *first = json_array_get(json_object_get(st, "channels"), 0);

		if (first != NULL)
			console_select_channel(con,
			    json_string_value(json_object_get(first, "number")));
	}
	for (i = 0; i < P_COUNT; i++) {
		if (console_panes[i]->status != NULL &&
		    console_panes[i]->status(con->panes[i].state, con, st))
			con->panes[i].dirty = 1;
	}
	con->bars_dirty = 1;
	(void)cause;
}

/* Ask for the status (in the job pool; one request at a time). */
static void
fetch_status(struct console *con)
{
	con->next_status_ms = mono_ms() + STATUS_EVERY_MS;
	if (con->status_pending)
		return;
	con->status_pending = 1;
	console_call_async(con, "status", NULL, status_done, NULL);
}

/* Hand an event to the panes and the open dialogs. */
static void
dispatch_event(struct console *con, json_t *ev)
{
	const char *name = json_string_value(json_object_get(ev, "event"));
	int i;

	if (name != NULL && (strncmp(name, "alert", 5) == 0 || strcmp(name, "status") == 0 ||
	    strncmp(name, "channel", 7) == 0))
		con->next_status_ms = 0;        /* fetch the status now */
	for (i = 0; i < P_COUNT; i++) {
		if (console_panes[i]->event != NULL && console_panes[i]->event(con->panes[i].state, con, ev))
			con->panes[i].dirty = 1;
	}
	for (i = 0; i < con->ndialogs; i++) {
		if (con->dialogs[i].kind->event != NULL)
			con->dialogs[i].kind->event(con->dialogs[i].state, con, ev);
	}
}

/* Lay the panes out for the terminal's size. */
static void
layout(struct console *con)
{
	int rows = LINES - 2, cols = COLS, mon_rows, bottom, left_w, log_rows, i, nch, per_row;
	int tile_h, tile_rows;

	json_t *chans;

	for (i = 0; i < P_COUNT; i++) {
		if (con->panes[i].win != NULL)
			delwin(con->panes[i].win);
		con->panes[i].win = NULL;
		con->panes[i].dirty = 1;
	}
	if (con->title != NULL)
		delwin(con->title);
	if (con->bar != NULL)
		delwin(con->bar);
	con->title = con->bar = NULL;
	/* The dialogs are made again at the new size when next drawn. */
	for (i = 0; i < con->ndialogs; i++) {
		if (con->dialogs[i].win != NULL)
			delwin(con->dialogs[i].win);
		con->dialogs[i].win = NULL;
	}
	con->layout_dirty = 0;
	con->bars_dirty = 1;
	thumb_reset();
	clearok(curscr, TRUE);
	con->too_small = COLS < MIN_COLS || LINES < MIN_LINES;
	if (con->too_small)
		return;
	con->title = newwin(1, cols, 0, 0);
	con->bar = newwin(1, cols, LINES - 1, 0);

	/* Monitors: as many tile rows as the channels need, at most about half. */
	chans = con->status != NULL ? json_object_get(con->status, "channels") : NULL;
	nch = chans != NULL ? (int)json_array_size(chans) : 3;
	if (nch < 1)
		nch = 1;
	per_row = cols / 26;
	if (per_row < 1)
		per_row = 1;
	if (per_row > nch)
		per_row = nch;
	tile_rows = (nch + per_row - 1) / per_row;
	/* Tiles up to 14 rows (room for a picture), the monitors up to half the screen. */
	tile_h = (rows / 2 - 2) / tile_rows;
	if (tile_h > 14)
		tile_h = 14;
	if (tile_h < 5)
		tile_h = 5;
	mon_rows = tile_rows * tile_h + 2;
	if (mon_rows > (rows < 30 ? rows * 2 / 5 : rows / 2))
		mon_rows = rows < 30 ? rows * 2 / 5 : rows / 2;
	if (mon_rows < 7)
		mon_rows = 7;
	con->panes[P_MONITORS].win = newwin(mon_rows, cols, 1, 0);
	bottom = rows - mon_rows;

	if (cols >= 100) {
		/* Schedule | content side by side; the log under them when tall enough. */
		log_rows = bottom >= 22 ? bottom / 3 : 0;
		left_w = cols >= 160 ? cols * 2 / 5 : cols / 2;
		con->panes[P_SCHEDULE].win = newwin(bottom - log_rows, left_w, 1 + mon_rows, 0);
		if (log_rows > 0) {
			con->panes[P_CONTENT].win = newwin(bottom - log_rows, cols - left_w,
			    1 + mon_rows, left_w);
			con->panes[P_LOG].win = newwin(log_rows, cols, 1 + mon_rows + bottom -
			    log_rows, 0);
		} else {
			/* The log takes the content browser's place while focused. */
			i = con->focus == P_LOG ? P_LOG : P_CONTENT;
			con->panes[i].win = newwin(bottom, cols - left_w, 1 + mon_rows, left_w);
		}
	} else {
		/* One pane at a time under the monitors: the focused one, else the schedule. */
		i = con->focus != P_MONITORS ? con->focus : P_SCHEDULE;
		con->panes[i].win = newwin(bottom, cols, 1 + mon_rows, 0);
	}
	for (i = 0; i < P_COUNT; i++) {
		if (con->panes[i].win != NULL)
			keypad(con->panes[i].win, TRUE);
	}
}

/* The title bar: who we are, the mode, the station, an alert. */
static void
draw_title(struct console *con)
{
	json_t *st = con->status, *chans, *alert, *c;
	char line[512], left[128];
	int onair = 0, viewers = 0, n = 0;
	size_t i;

	werase(con->title);
	wbkgd(con->title, (chtype)w_attr(CP_TITLE));
	if (st != NULL) {
		chans = json_object_get(st, "channels");
		json_array_foreach(chans, i, c) {
			n++;
			if (strcmp(json_string_value(json_object_get(c, "state")), "on air") == 0)
				onair++;
			viewers += (int)json_integer_value(json_object_get(c, "viewers"));
		}
	}
	snprintf(left, sizeof left, " RETROVUE %s ", PACKAGE_VERSION);
	wattron(con->title, A_BOLD);
	w_put(con->title, 0, 0, COLS, left, 0);
	wattroff(con->title, A_BOLD);
	if (con->cl == NULL)
		snprintf(line, sizeof line, "| not connected to %s", con->opts.socket_path);
	else
		snprintf(line, sizeof line, "| %s | %s | %d ch, %d on air, %d viewers",
		    strcmp(con->opts.mode, "standalone") == 0 ? (COLS >= 120 ?
		    "standalone: the engine runs in this console" : "standalone") :
		    COLS >= 120 ? "attached to the daemon" : "attached",
		    st != NULL ? json_string_value(json_object_get(st, "http")) : "",
		    n, onair, viewers);
	w_put(con->title, 0, (int)strlen(left), COLS - (int)strlen(left), line, 0);
	alert = st != NULL ? json_object_get(st, "alert") : NULL;
	if (json_is_object(alert)) {
		char rem[16];

		snprintf(line, sizeof line, " ALERT %s %s ",
		    json_string_value(json_object_get(alert, "event")),
		    w_hms(json_integer_value(json_object_get(alert, "ends_ms")) -
		    console_now(con), rem, sizeof rem));
		wattron(con->title, w_attr(CP_ALERT) | A_BLINK);
		w_put(con->title, 0, COLS - (int)strlen(line), (int)strlen(line), line, 0);
		wattroff(con->title, w_attr(CP_ALERT) | A_BLINK);
	} else if (con->warning[0] != '\0') {
		snprintf(line, sizeof line, " PUBLIC + SAME AUDIO ");
		wattron(con->title, w_attr(CP_ALERT));
		w_put(con->title, 0, COLS - (int)strlen(line), (int)strlen(line), line, 0);
		wattroff(con->title, w_attr(CP_ALERT));
	}
	wnoutrefresh(con->title);
}

/* The status bar: the keys at hand, a message, the clock. */
static void
draw_bar(struct console *con)
{
	char clock[16], hints[256];
	int cw;

	werase(con->bar);
	wbkgd(con->bar, (chtype)w_attr(CP_TITLE));
	w_clock(now_ms(), clock, sizeof clock);
	cw = (int)strlen(clock) + 2;
	if (con->message[0] != '\0' && mono_ms() < con->message_until) {
		wattron(con->bar, A_BOLD);
		w_put(con->bar, 0, 1, COLS - cw - 2, con->message, 0);
		wattroff(con->bar, A_BOLD);
	} else {
		/* The focused pane's keys, then the console's: the hints of their tables. */
		hints[0] = '\0';
		keys_bar(console_panes[con->focus]->keys, hints, sizeof hints);
		keys_bar(console_keys, hints, sizeof hints);
		w_put(con->bar, 0, 1, COLS - cw - 2, hints, 0);
	}
	w_put(con->bar, 0, COLS - cw, cw, clock, 0);
	wnoutrefresh(con->bar);
}

/* Too small: say so in the middle. */
static void
draw_too_small(void)
{
	char line[80];

	erase();
	snprintf(line, sizeof line, "Terminal too small (%dx%d)", COLS, LINES);
	mvaddstr(LINES / 2 - 1 > 0 ? LINES / 2 - 1 : 0, 0, line);
	snprintf(line, sizeof line, "need %dx%d; q quits", MIN_COLS, MIN_LINES);
	mvaddstr(LINES / 2 > 0 ? LINES / 2 : 0, 0, line);
	wnoutrefresh(stdscr);
}

void
console_dialog_open(struct console *con, const struct dlg_kind *kind, void *state)
{
	struct dialog *d;

	if (con->quit || con->ndialogs == DIALOGS_MAX) {
		/* Quitting, or piled too deep: it closes at once (its opener hears "cancelled"). */
		if (!con->quit)
			console_message(con, "too many dialogs open: close one first");
		kind->close(state, con);
		return;
	}
	d = &con->dialogs[con->ndialogs++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->state = state;
}

void
console_dialog_close(struct console *con, void *state)
{
	int i;

	for (i = 0; i < con->ndialogs; i++) {
		if (con->dialogs[i].state == state)
			con->dialogs[i].done = 1;
	}
}

const struct dlg_kind *
console_dialog_top(struct console *con, const struct dlg_kind *skip)
{
	int i;

	for (i = con->ndialogs - 1; i >= 0; i--) {
		if (con->dialogs[i].kind != skip)
			return con->dialogs[i].kind;
	}
	return NULL;
}

/* Whether a dialog of kind is open. */
static int
dialog_open(struct console *con, const struct dlg_kind *kind)
{
	int i;

	for (i = 0; i < con->ndialogs; i++) {
		if (con->dialogs[i].kind == kind)
			return 1;
	}
	return 0;
}

/* Close the dialogs that are done, the top first (each tells its opener). */
static void
reap_dialogs(struct console *con)
{
	struct dialog d;
	int i;

	for (i = con->ndialogs - 1; i >= 0; i--) {
		if (!con->dialogs[i].done)
			continue;
		d = con->dialogs[i];
		memmove(&con->dialogs[i], &con->dialogs[i + 1], (size_t)(con->ndialogs - i - 1) *
		    sizeof *con->dialogs);
		con->ndialogs--;
		if (d.win != NULL)
			delwin(d.win);
		/* It may open another (on top) or close its opener: look again from the top. */
		d.kind->close(d.state, con);
		i = con->ndialogs;
		/* What it covered shows again. */
		console_dirty(con);
		clearok(curscr, TRUE);
		touchwin(stdscr);
		wnoutrefresh(stdscr);
	}
}

/* Quitting: close every dialog, the top first. */
static void
close_dialogs(struct console *con)
{
	int i, rounds = 0;

	while (con->ndialogs > 0 && rounds++ < DIALOGS_MAX * 2) {
		for (i = 0; i < con->ndialogs; i++)
			con->dialogs[i].done = 1;
		reap_dialogs(con);
	}
}

/* The open dialogs from the topmost full-screen one up, each in its window. */
static void
draw_dialogs(struct console *con)
{
	struct dialog *d;
	int base = 0, i, rows, cols;

	for (i = con->ndialogs - 1; i > 0; i--) {
		if (con->dialogs[i].kind->size == NULL) {
			base = i;
			break;
		}
	}
	for (i = base; i < con->ndialogs; i++) {
		d = &con->dialogs[i];
		if (d->win == NULL) {
			if (d->kind->size == NULL)
				d->win = newwin(LINES, COLS, 0, 0);
			else {
				rows = 10;
				cols = 60;
				d->kind->size(d->state, &rows, &cols);
				d->win = w_dialog(rows, cols, NULL);
			}
			if (d->win == NULL)
				continue;
		}
		werase(d->win);
		d->kind->draw(d->state, con, d->win);
		wnoutrefresh(d->win);
	}
}

/* Whether a full-screen dialog hides the panes. */
static int
panes_hidden(struct console *con)
{
	int i;

	for (i = 0; i < con->ndialogs; i++) {
		if (con->dialogs[i].kind->size == NULL)
			return 1;
	}
	return 0;
}

/* Draw what changed, then the dialogs on top, then the screen. */
static void
render(struct console *con)
{
	struct dialog *top;
	struct pane *p;
	int i;

	reap_dialogs(con);
	/* The top dialog gets ready (reloads, starts queued work, may ask something). */
	if (con->ndialogs > 0) {
		top = &con->dialogs[con->ndialogs - 1];
		if (top->kind->update != NULL && !top->done)
			top->kind->update(top->state, con);
		reap_dialogs(con);
	}
	if (con->layout_dirty)
		layout(con);
	if (con->too_small) {
		draw_too_small();
		doupdate();
		return;
	}
	if (!panes_hidden(con)) {
		for (i = 0; i < P_COUNT; i++) {
			p = &con->panes[i];
			if (p->win == NULL || !p->dirty)
				continue;
			werase(p->win);
			p->kind->draw(p->state, con, p->win, i == con->focus && con->ndialogs == 0);
			w_frame(p->win, p->kind->title != NULL ? p->kind->title(p->state) :
			    p->kind->name, i == con->focus);
			wnoutrefresh(p->win);
			p->dirty = 0;
		}
		if (con->bars_dirty) {
			draw_title(con);
			draw_bar(con);
			con->bars_dirty = 0;
		}
	}
	draw_dialogs(con);
	doupdate();
	thumb_flush();
}

/* Wait for a key, a station event or due work; ERR on timeout. */
static int
pump(struct console *con, int max_wait_ms)
{
	struct pollfd pfd[3];
	int64_t now = mono_ms(), wait;
	int n = 2, key, closed, i;
	json_t *ev;

	if (got_quit) {
		con->quit = 1;
		return ERR;
	}
	/* Due work: reconnect, status, the clock, the panes' own fetching. */
	if (con->cl == NULL && now >= con->next_connect_ms) {
		char *cause = NULL;

		if (connect_station(con, &cause) == 0) {
			console_message(con, "connected to the station again");
			con->next_status_ms = 0;
		} else
			con->next_connect_ms = now + RECONNECT_MS;
		free(cause);
	}
	if (con->cl != NULL && now >= con->next_status_ms)
		fetch_status(con);
	if (now / 1000 != con->last_clock_s) {
		con->last_clock_s = now / 1000;
		con->bars_dirty = 1;
	}
	for (i = 0; i < P_COUNT; i++) {
		if (console_panes[i]->tick != NULL &&
		    console_panes[i]->tick(con->panes[i].state, con, now_ms()) &&
		    con->panes[i].win != NULL)
			con->panes[i].dirty = 1;
	}
	/* Events queued while a call waited for its reply. */
	while (con->cl != NULL && (ev = ctl_next_event(con->cl, &closed)) != NULL) {
		dispatch_event(con, ev);
		json_decref(ev);
	}
	render(con);

	if ((key = wgetch(con->input)) != ERR)
		return key;
	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = con->done_pipe[0];
	pfd[1].events = POLLIN;
	if (con->cl != NULL) {
		pfd[2].fd = ctl_fd(con->cl);
		pfd[2].events = POLLIN;
		n = 3;
	}
	wait = con->cl != NULL ? con->next_status_ms - now : RECONNECT_MS;
	if (wait > 1000 - now % 1000)
		wait = 1000 - now % 1000;
	if (wait > max_wait_ms)
		wait = max_wait_ms;
	if (wait < 0)
		wait = 0;
	if (poll(pfd, (nfds_t)n, (int)wait) < 0 && errno != EINTR)
		return ERR;
	if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* The terminal went away (the SSH connection dropped): leave. */
		got_quit = 1;
		return ERR;
	}
	if (pfd[1].revents & POLLIN)
		async_deliver(con);
	if (n == 3 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR))) {
		while ((ev = ctl_next_event(con->cl, &closed)) != NULL) {
			dispatch_event(con, ev);
			json_decref(ev);
		}
		if (closed)
			lost_station(con);
	}
	key = wgetch(con->input);
	/* Readable again and again with no key: the terminal is gone. */
	if (key == ERR && (pfd[0].revents & POLLIN)) {
		if (++con->empty_reads > 100)
			got_quit = 1;
	} else
		con->empty_reads = 0;
	return key;
}

/* The answer to "Quit?". */
static void
quit_answered(void *arg, struct console *con, int yes)
{
	(void)arg;
	if (yes)
		con->quit = 1;
}

/* Quit: attached leaves everything on the air; standalone asks when people watch. */
static int
key_quit(void *state, struct console *con, int key)
{
	char q[160];
	int v;

	(void)state;
	(void)key;
	if (con->opts.viewers == NULL || (v = con->opts.viewers(con->opts.viewers_arg)) == 0) {
		con->quit = 1;
		return 1;
	}
	snprintf(q, sizeof q, "%d viewer%s watching. Quitting takes every channel off the air. "
	    "Quit?", v, v == 1 ? " is" : "s are");
	form_confirm(con, "Quit", q, quit_answered, NULL);
	return 1;
}

/* Move the focus to pane i (re-laying out when it changes what is shown). */
static void
set_focus(struct console *con, int i)
{
	int was = con->focus;

	con->focus = (i + P_COUNT) % P_COUNT;
	if (con->panes[con->focus].win == NULL)
		con->layout_dirty = 1;
	con->panes[was].dirty = 1;
	con->panes[con->focus].dirty = 1;
	/* The operator moved: the new pane's keys matter more than an old message. */
	if (con->focus != was)
		con->message_until = 0;
	con->bars_dirty = 1;
}

void
console_focus(struct console *con, const struct pane_kind *kind)
{
	int i;

	for (i = 0; i < P_COUNT; i++) {
		if (console_panes[i] == kind)
			set_focus(con, i);
	}
}

int
console_pane_rows(struct console *con, const struct pane_kind *kind)
{
	int i;

	for (i = 0; i < P_COUNT; i++) {
		if (console_panes[i] == kind && con->panes[i].win != NULL)
			return getmaxy(con->panes[i].win) - 2;
	}
	return 10;
}

/* Tab, Right, l: the next pane. */
static int
key_next_pane(void *state, struct console *con, int key)
{
	(void)state;
	(void)key;
	set_focus(con, con->focus + 1);
	return 1;
}

/* Shift-Tab, Left, h: the previous pane. */
static int
key_prev_pane(void *state, struct console *con, int key)
{
	(void)state;
	(void)key;
	set_focus(con, con->focus - 1);
	return 1;
}

/* 1-4: that pane. */
static int
key_jump_pane(void *state, struct console *con, int key)
{
	(void)state;
	set_focus(con, key - '1');
	return 1;
}

/* X: clear the alert on the air (it asks first). */
static int
key_alert_clear(void *state, struct console *con, int key)
{
	(void)state;
	(void)key;
	dlg_alert_clear(con);
	return 1;
}

/* Ctrl-L: lay out and draw everything again. */
static int
key_redraw(void *state, struct console *con, int key)
{
	(void)state;
	(void)key;
	con->layout_dirty = 1;
	return 1;
}

/*
 * The console's keys: after the focused pane's, or (those marked
 * anywhere) over any dialog. The status bar shows the hints, the help
 * screen every row.
 */
const struct key_bind console_keys[] = {
	{ { '\t' }, "next pane", "Tab:pane", key_next_pane, NULL, 0 },
	{ { KEY_BTAB }, "previous pane", NULL, key_prev_pane, NULL, 0 },
	{ { '1', '2', '3', '4' }, "jump to a pane: monitors, schedule log, content, log", NULL,
	    key_jump_pane, NULL, 0 },
	{ { KEY_LEFT, 'h' }, "previous pane (in the panes that do not use them)", NULL,
	    key_prev_pane, NULL, 0 },
	{ { KEY_RIGHT, 'l' }, "next pane (in the panes that do not use them)", NULL,
	    key_next_pane, NULL, 0 },
	{ { '!' }, "emergency alert: choose, type SEND to air it", "!:alert", NULL, &dlg_alert, 0 },
	{ { KEY_F(9) }, "emergency alert, from anywhere: over any dialog too", NULL, NULL,
	    &dlg_alert, 1 },
	{ { 'X' }, "clear the alert on the air (asks first)", "X:clear alert", key_alert_clear,
	    NULL, 0 },
	{ { '?' }, "these keys", "?:keys", NULL, &dlg_keys, 0 },
	{ { KEY_F(1) }, "these keys, over any dialog too (opens at the dialog's)", NULL, NULL,
	    &dlg_keys, 1 },
	{ { 'q', KEY_F(10) }, "quit (attached: the channels stay on the air)", "q:quit", key_quit,
	    NULL, 0 },
	{ { KEY_F(5) }, "sync the library: Plex sources, TMM directories", NULL, NULL, &dlg_sync,
	    0 },
	{ { KEY_F(2) }, "settings: Plex sources, path mappings, TMM directories, channels", NULL,
	    NULL, &dlg_settings, 0 },
	{ { 'e' }, "the selected channel's schedule slots", NULL, NULL, &dlg_slots, 0 },
	{ { 'c' }, "the chapters of the item selected in the content browser", NULL, NULL,
	    &dlg_chapters, 0 },
	{ { 12 }, "redraw the screen (anywhere)", NULL, key_redraw, NULL, 1 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

/* Run a row: its function, or open its dialog (one of each kind at a time). */
static int
run_bind(struct console *con, const struct key_bind *b, void *state, int key)
{
	void *ds;

	if (b->dialog != NULL) {
		if (!dialog_open(con, b->dialog) && (ds = b->dialog->open(con)) != NULL)
			console_dialog_open(con, b->dialog, ds);
		return 1;
	}
	return b->fn(state, con, key);
}

/* A key: to the top dialog, else the focused pane, else the console's table. */
static void
handle_key(struct console *con, int key)
{
	const struct key_bind *b, *any;
	struct dialog *d;
	struct pane *p;

	if (key == '\r' || key == KEY_ENTER)
		key = '\n';
	any = keys_find(console_keys, key);
	if (any != NULL && !any->anywhere)
		any = NULL;
	if (con->ndialogs > 0) {
		d = &con->dialogs[con->ndialogs - 1];
		if ((b = keys_find(d->kind->keys, key)) != NULL && run_bind(con, b, d->state, key))
			return;
		if (any != NULL)
			run_bind(con, any, NULL, key);
		else if (d->kind->key != NULL)
			d->kind->key(d->state, con, key);
		return;
	}
	if (con->too_small) {
		/* Nothing shows: only quitting works. */
		if ((b = keys_find(console_keys, key)) != NULL && b->fn == key_quit)
			run_bind(con, b, NULL, key);
		return;
	}
	if (any != NULL) {
		run_bind(con, any, NULL, key);
		return;
	}
	p = &con->panes[con->focus];
	if (p->kind->typing != NULL && p->kind->typing(p->state)) {
		p->kind->key(p->state, con, key);
		p->dirty = 1;
		con->bars_dirty = 1;
		return;
	}
	if (((b = keys_find(p->kind->keys, key)) != NULL && run_bind(con, b, p->state, key)) ||
	    (p->kind->key != NULL && p->kind->key(p->state, con, key))) {
		p->dirty = 1;
		con->bars_dirty = 1;
		return;
	}
	if ((b = keys_find(console_keys, key)) != NULL)
		run_bind(con, b, NULL, key);
}

/* Is the locale's charset UTF-8? */
static int
utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int
console_run(const struct console_opts *opts, char **cause)
{
	struct console *con = xcalloc(1, sizeof *con);
	int key, i, log_flags;

	con->opts = *opts;
	if (connect_station(con, cause) != 0) {
		free(con);
		return -1;
	}

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		set_cause(cause, "the console needs a terminal (use 'retrovue --daemon' to run "
		    "headless, or a subcommand)");
		ctl_close(&con->cl);
		free(con);
		return -1;
	}
	/* Nothing may print under the screen: the log goes to the ring only. */
	log_flags = log_get_flags();
	log_set_flags(log_flags & ~LOG_TO_STDERR);
	install_signals();
	if (initscr() == NULL) {
		set_cause(cause, "cannot start the terminal (TERM=%s)",
		    getenv("TERM") != NULL ? getenv("TERM") : "unset");
		log_set_flags(log_flags);
		ctl_close(&con->cl);
		free(con);
		return -1;
	}
	curses_on = 1;
	con->unicode = utf8_locale();
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	init_colors();
	/* The job pool for slow calls, and the pipe its answers wake us with. */
	if (pipe2(con->done_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		restore_terminal();
		fprintf(stderr, "retrovue: pipe: %s\n", strerror(errno));
		abort();
	}
	pthread_mutex_init(&con->done_lock, NULL);
	con->pool = pool_new("con", 1);
	con->input = newwin(1, 1, 0, 0);
	keypad(con->input, TRUE);
	wtimeout(con->input, 0);
	for (i = 0; i < P_COUNT; i++) {
		con->panes[i].kind = console_panes[i];
		con->panes[i].state = console_panes[i]->open(con);
	}
	fetch_status(con);
	con->layout_dirty = 1;
	log_info("console: %s on %s", opts->mode, opts->socket_path);

	while (!con->quit) {
		key = pump(con, 1000);
		if (key == ERR)
			continue;
		if (key == KEY_RESIZE) {
			con->layout_dirty = 1;
			continue;
		}
		handle_key(con, key);
		reap_dialogs(con);
	}

	/* Every dialog closes (its opener hears "cancelled"), then the panes. */
	close_dialogs(con);
	/* The worker finishes its call; answers nobody waits for any more are dropped. */
	pool_free(&con->pool);
	ctl_close(&con->pool_cl);
	while (con->done_head != NULL) {
		struct async *a = con->done_head;

		con->done_head = a->next;
		async_free(a);
	}
	close(con->done_pipe[0]);
	close(con->done_pipe[1]);
	pthread_mutex_destroy(&con->done_lock);
	for (i = 0; i < P_COUNT; i++) {
		if (con->panes[i].win != NULL)
			delwin(con->panes[i].win);
		console_panes[i]->close(con->panes[i].state);
	}
	if (con->title != NULL)
		delwin(con->title);
	if (con->bar != NULL)
		delwin(con->bar);
	delwin(con->input);
	restore_terminal();
	thumb_reset();
	log_set_flags(log_flags);
	json_decref(con->status);
	ctl_close(&con->cl);
	free(con);
	return 0;
}
