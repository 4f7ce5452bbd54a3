/*
 * alertdlg.c: the emergency alert dialog. One key from anywhere opens it;
 * the operator chooses the event, the locations, how long it is valid
 * (the purge time), how long it stays on screen at least (empty: as long
 * as the message takes), the display, the message and the channels (all
 * by default), and confirms by
 * typing SEND or the event code, so no stray key can put an alert on the
 * air. Clearing asks first too.
 *
 * The form carries a key for the station: sending it again after an
 * unanswered send (the outcome unknown) never airs it twice; changing any
 * field makes it another alert, with a new key.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/alert.h"
#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/pane.h"
#include "tui/widgets.h"

/* The events an operator reaches for; any valid code can be typed over. */
static const char *const events[] = {
	"RWT", "RMT", "DMO", "EAN", "TOR", "SVR", "FFW", "FLW", "WSW", "BZW", "HUW", "TSW",
	"EQW", "FRW", "CAE", "CEM", "EVI", "SPW", "CDW", "LAE", "NPT",
};

enum {
	F_EVENT, F_LOCATIONS, F_DURATION, F_SHOWN, F_DISPLAY, F_MESSAGE, F_CHANNELS, F_SEND,
	F_COUNT
};

static const char *const labels[F_COUNT] = {
	"Event", "Locations", "Valid for", "On screen", "Display", "Message", "Channels", "",
};

struct form {
	size_t event;
	struct w_input in[F_COUNT];     /* text of the text fields */
	int display;                    /* 0 crawl, 1 slate */
	int field;
	char error[400];
	char key[33];                   /* this alert's key */
	int key_sent;                   /* the key went out: an edit needs a new one */
};

/* The form changed: once its key has gone out, it is another alert. */
static void
edited(struct form *f)
{
	if (f->key_sent) {
		alert_new_key(f->key);
		f->key_sent = 0;
	}
}

/* Who is at the keyboard, for the record. */
static void
sent_by(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(getuid());

	snprintf(buf, len, "console (%s)", pw != NULL ? pw->pw_name : "unknown user");
}

/* Draw the fields. */
static void
draw_form(WINDOW *w, struct form *f)
{
	int cols = getmaxx(w), i, y, vx = 14, vw = cols - vx - 2;
	char line[256];
	const char *name;

	for (i = 0; i < F_COUNT; i++) {
		y = 2 + i * 2;
		if (i == F_SEND) {
			wattron(w, i == f->field ? w_attr(CP_ALERT) : A_BOLD);
			w_put(w, y, vx, vw, "[ Send the alert... ]", 1);
			wattroff(w, w_attr(CP_ALERT) | A_BOLD);
			break;
		}
		wattron(w, i == f->field ? A_BOLD : A_NORMAL);
		w_put(w, y, 2, vx - 3, labels[i], 1);
		wattroff(w, A_BOLD);
		switch (i) {
		case F_EVENT:
			name = alert_event_name(events[f->event]);
			snprintf(line, sizeof line, "< %s  %s >", events[f->event],
			    name != NULL ? name : "");
			wattron(w, i == f->field ? w_attr(CP_SELECT) : A_NORMAL);
			w_put(w, y, vx, vw, line, 1);
			wattroff(w, w_attr(CP_SELECT));
			break;
		case F_DISPLAY:
			snprintf(line, sizeof line, "< %s >", f->display ? "full-screen slate" :
			    "red banner with a crawl");
			wattron(w, i == f->field ? w_attr(CP_SELECT) : A_NORMAL);
			w_put(w, y, vx, vw, line, 1);
			wattroff(w, w_attr(CP_SELECT));
			break;
		default:
			w_input_draw(w, &f->in[i], y, vx, vw, i == f->field);
			break;
		}
	}
	wattron(w, w_attr(CP_DIM));
	w_put(w, 5, vx, vw, "PSSCCC codes, comma separated (000000: everywhere)", 1);
	w_put(w, 7, vx, vw, "HHMM the alert stays valid (0015 = 15 minutes)", 1);
	w_put(w, 9, vx, vw, "empty: as long as the message takes; or longer: 5:00", 1);
	w_put(w, 15, vx, vw, "\"all\" or channel numbers: 2,4", 1);
	wattroff(w, w_attr(CP_DIM));
	wattron(w, w_attr(CP_FAULT));
	w_put(w, getmaxy(w) - 3, 2, cols - 4, f->error, 1);
	wattroff(w, w_attr(CP_FAULT));
	w_put(w, getmaxy(w) - 2, 2, cols - 4,
	    "Tab/Up/Down: field  Left/Right: choose  Enter: next/send  Esc: cancel", 1);
}

/* The operator typed SEND (or not): send it; the dialog closes once the station has it. */
static void
confirmed(void *arg, struct console *con, int yes)
{
	struct form *f = arg;
	char who[96], *cause = NULL;
	const char *code = events[f->event];
	enum ctl_outcome outcome;
	int64_t shown = 0;
	json_t *r;

	if (!yes)
		return;
	if (f->in[F_SHOWN].len > 0 && (parse_duration_ms(f->in[F_SHOWN].buf, &shown) != 0 ||
	    shown < 1000)) {
		snprintf(f->error, sizeof f->error, "On screen: '%s' is not a duration like 90 or "
		    "5:00 (empty: as long as the message takes)", f->in[F_SHOWN].buf);
		return;
	}
	sent_by(who, sizeof who);
	f->key_sent = 1;
	r = console_request(con, "alert.send", xjson_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	    "s:s, s:I}", "event", code, "locations", f->in[F_LOCATIONS].buf, "purge",
	    f->in[F_DURATION].buf, "display", f->display ? "slate" : "crawl", "message",
	    f->in[F_MESSAGE].buf, "channels", f->in[F_CHANNELS].len > 0 ?
	    f->in[F_CHANNELS].buf : "all", "sent_by", who, "key", f->key, "duration",
	    (json_int_t)((shown + 999) / 1000)), &outcome, &cause);
	if (r == NULL) {
		if (outcome == CTL_REFUSED)
			snprintf(f->error, sizeof f->error, "Refused: %s", cause);
		else if (outcome == CTL_UNKNOWN)
			snprintf(f->error, sizeof f->error, "Unknown (no answer): see `retrovue "
			    "alert list`; Send again never airs it twice");
		else
			snprintf(f->error, sizeof f->error, "Not sent: %s", cause != NULL ? cause :
			    "no connection to the station");
		free(cause);
		return;
	}
	console_message(con, "ALERT %s %s (id %lld) to %s: %s", code,
	    json_is_true(json_object_get(r, "duplicate")) ? "was already sent" : "sent",
	    (long long)json_integer_value(json_object_get(r, "id")),
	    json_string_value(json_object_get(r, "channels")),
	    json_string_value(json_object_get(r, "state")) != NULL ?
	    json_string_value(json_object_get(r, "state")) : "on the air");
	json_decref(r);
	console_dialog_close(con, f);
}

/* Ask for the typed confirmation. */
static void
send_alert(struct console *con, struct form *f)
{
	char what[700], words[32];
	const char *code = events[f->event];

	snprintf(what, sizeof what, "%s on channels %s for %s (HHMM).", code,
	    f->in[F_CHANNELS].len > 0 ? f->in[F_CHANNELS].buf : "all", f->in[F_DURATION].buf);
	snprintf(words, sizeof words, "SEND|%s", code);
	form_confirm_word(con, "Air the emergency alert", what, words, confirmed, f);
}

/* A new form: the test message everywhere for 15 minutes, a fresh key. */
static void *
alert_open(struct console *con)
{
	struct form *f = xcalloc(1, sizeof *f);

	(void)con;
	w_input_set(&f->in[F_LOCATIONS], "000000");
	w_input_set(&f->in[F_DURATION], "0015");
	w_input_set(&f->in[F_MESSAGE], "This is a test of the Emergency Alert System. "
	    "This is only a test.");
	w_input_set(&f->in[F_CHANNELS], "all");
	alert_new_key(f->key);
	return f;
}

/* Its size: the fields, two rows each, and the error and hint lines. */
static void
alert_size(void *state, int *rows, int *cols)
{
	(void)state;
	*rows = 2 + F_COUNT * 2 + 3;
	*cols = 78;
}

/* Draw. */
static void
alert_draw(void *state, struct console *con, WINDOW *w)
{
	(void)con;
	w_frame(w, "EMERGENCY ALERT", 1);
	draw_form(w, state);
}

/* Esc: cancel. */
static int
alert_key_cancel(void *state, struct console *con, int key)
{
	(void)key;
	console_dialog_close(con, state);
	return 1;
}

/* Tab, Down: the next field; Shift-Tab, Up: the previous. */
static int
alert_key_move(void *state, struct console *con, int key)
{
	struct form *f = state;

	(void)con;
	f->error[0] = '\0';
	if (key == '\t' || key == KEY_DOWN)
		f->field = (f->field + 1) % F_COUNT;
	else
		f->field = (f->field + F_COUNT - 1) % F_COUNT;
	return 1;
}

/* Enter: the next field; on Send, the typed confirmation. */
static int
alert_key_enter(void *state, struct console *con, int key)
{
	struct form *f = state;

	(void)key;
	f->error[0] = '\0';
	if (f->field == F_SEND)
		send_alert(con, f);
	else
		f->field++;
	return 1;
}

/* Left/Right: the event, or the display. */
static int
alert_key_choose(void *state, struct console *con, int key)
{
	struct form *f = state;

	(void)con;
	f->error[0] = '\0';
	if (f->field == F_EVENT) {
		f->event = (f->event + (key == KEY_RIGHT ? 1 : nitems(events) - 1)) % nitems(events);
		edited(f);
	} else if (f->field == F_DISPLAY) {
		f->display = !f->display;
		edited(f);
	}
	return 1;
}

/* Typing into a field; Space flips the display. */
static void
alert_key(void *state, struct console *con, int key)
{
	struct form *f = state;

	(void)con;
	f->error[0] = '\0';
	if (f->field == F_EVENT || f->field == F_DISPLAY) {
		if (key == ' ' && f->field == F_DISPLAY) {
			f->display = !f->display;
			edited(f);
		}
		return;
	}
	if (f->field != F_SEND && w_input_key(&f->in[f->field], key))
		edited(f);
}

/* Backspace, Ctrl-U (named here for the help screen). */
static int
alert_key_edit(void *state, struct console *con, int key)
{
	alert_key(state, con, key);
	return 1;
}

/* Free the form. */
static void
alert_close(void *state, struct console *con)
{
	(void)con;
	free(state);
}

static const struct key_bind alert_keys[] = {
	{ { '\t', KEY_DOWN }, "next field", NULL, alert_key_move, NULL, 0 },
	{ { KEY_BTAB, KEY_UP }, "previous field", NULL, alert_key_move, NULL, 0 },
	{ { KEY_LEFT, KEY_RIGHT }, "choose the event or the display (Space flips the display)",
	    NULL, alert_key_choose, NULL, 0 },
	{ { '\n' }, "next field; on Send: type SEND or the event code to air it", NULL,
	    alert_key_enter, NULL, 0 },
	{ { KEY_BACKSPACE, 127, 8, 21 }, "delete a character; Ctrl-U clears the field", NULL,
	    alert_key_edit, NULL, 0 },
	{ { 27 }, "cancel: nothing airs", NULL, alert_key_cancel, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind dlg_alert = {
	.name = "Emergency alert",
	.keys = alert_keys,
	.open = alert_open,
	.size = alert_size,
	.draw = alert_draw,
	.key = alert_key,
	.close = alert_close,
};

/* The answer to "Clear the alert?". */
static void
clear_answered(void *arg, struct console *con, int yes)
{
	char who[96], *cause = NULL;
	json_t *r;

	(void)arg;
	if (!yes)
		return;
	sent_by(who, sizeof who);
	r = console_call(con, "alert.clear", xjson_pack("{s:s}", "sent_by", who), &cause);
	if (r == NULL)
		console_message(con, "cannot clear: %s", cause);
	else
		console_message(con, "alert cleared");
	json_decref(r);
	free(cause);
}

void
dlg_alert_clear(struct console *con)
{
	json_t *st = console_status(con), *alert;
	char q[200];

	alert = st != NULL ? json_object_get(st, "alert") : NULL;
	if (!json_is_object(alert)) {
		console_message(con, "no alert is on the air");
		return;
	}
	snprintf(q, sizeof q, "Clear the %s alert on channels %s? The end-of-message airs now.",
	    json_string_value(json_object_get(alert, "event")),
	    json_string_value(json_object_get(alert, "channels")));
	form_confirm(con, "Clear the alert", q, clear_answered, NULL);
}
