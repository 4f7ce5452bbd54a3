/*
 * dlg_slots.c: the schedule editor: a channel's coarse slots by day and
 * time (add, move, remove) above the fine log they make for the next
 * hours. Every change rebuilds the channel's unlocked future in the
 * daemon (slots.*), and the log shown is read again after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/coarse.h"
#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/widgets.h"

static const char *const slot_types[] = { "series", "shuffle", "movies", "fill", NULL };
static const char *const yesno[] = { "", "yes", "no", NULL };

struct slots {
	struct console *con;
	char number[32];
	json_t *data;                   /* slots.list's result (owned) */
	struct w_list list;
	int log_top;
	char status[512];
	int reload;
	const char **show_names;        /* choices for the series field */
	int64_t rebuild_job;            /* the fine log being rebuilt */
	char done_what[64];             /* what the rebuild follows ("Slot added") */
	json_int_t ask_slot;            /* the slot "Remove?" asks about */
};

/* Fetch the slots, the log and the series. */
static void
load(struct slots *s)
{
	char *cause = NULL;
	json_t *r, *v;
	size_t i, n;

	r = console_call(s->con, "slots.list", xjson_pack("{s:s, s:i}", "number", s->number,
	    "hours", 12), &cause);
	if (r == NULL) {
		utf8_copy(s->status, sizeof s->status, cause);
		free(cause);
		return;
	}
	json_decref(s->data);
	s->data = r;
	s->list.count = (int)json_array_size(json_object_get(r, "slots"));
	if (s->list.sel < 0 && s->list.count > 0)
		s->list.sel = 0;
	free(s->show_names);
	n = json_array_size(json_object_get(r, "shows"));
	s->show_names = xcalloc(n + 2, sizeof *s->show_names);
	s->show_names[0] = "";
	json_array_foreach(json_object_get(r, "shows"), i, v)
		s->show_names[i + 1] = json_string_value(json_object_get(v, "title"));
}

/* The id of the series titled t, or 0. */
static json_int_t
show_id(struct slots *s, const char *t)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(s->data, "shows"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "title")), t) == 0)
			return json_integer_value(json_object_get(v, "id"));
	return 0;
}

/* Local "HH:MM" of a UTC time (the console's zone). */
static const char *
clock_hm(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%a %H:%M:%S", &tm);
	return buf;
}

/* Draw. */
static void
draw(WINDOW *w, struct slots *s)
{
	int rows = getmaxy(w), cols = getmaxx(w), y, i, slot_rows;
	char line[512], title[128], a[32];
	json_t *v, *slots = json_object_get(s->data, "slots"), *log;
	size_t k;

	werase(w);
	snprintf(title, sizeof title, "Schedule: channel %s %s (%s, %lld-minute slots)",
	    s->number, json_string_value(json_object_get(s->data, "name")),
	    json_string_value(json_object_get(s->data, "timezone")),
	    (long long)json_integer_value(json_object_get(s->data, "slot_minutes")));
	w_frame(w, title, 1);
	slot_rows = (rows - 6) / 3;
	wattron(w, A_BOLD);
	w_put(w, 1, 2, cols - 4, "Slot  Days            Start  End    What", 1);
	wattroff(w, A_BOLD);
	s->list.count = (int)json_array_size(slots);
	w_list_fix(&s->list, slot_rows);
	for (i = s->list.top, y = 2; i < s->list.count && y < 2 + slot_rows; i++, y++) {
		v = json_array_get(slots, (size_t)i);
		snprintf(line, sizeof line, "%-5lld %-15.15s %-6s %-6s %s",
		    (long long)json_integer_value(json_object_get(v, "id")),
		    json_string_value(json_object_get(v, "days_text")),
		    json_string_value(json_object_get(v, "start")),
		    json_string_value(json_object_get(v, "end")),
		    json_string_value(json_object_get(v, "what")));
		if (i == s->list.sel)
			wattron(w, w_attr(CP_SELECT));
		w_put(w, y, 2, cols - 4, line, 1);
		wattroff(w, w_attr(CP_SELECT));
	}
	if (s->list.count == 0)
		w_put(w, 2, 2, cols - 4, "(no slots: 'a' adds one)", 1);
	y = 3 + slot_rows;
	mvwhline(w, y - 1, 1, ACS_HLINE, cols - 2);
	wattron(w, A_BOLD);
	w_put(w, y++, 2, cols - 4, "The fine log (next 12 hours)", 1);
	wattroff(w, A_BOLD);
	log = json_object_get(s->data, "log");
	if (s->log_top >= (int)json_array_size(log))
		s->log_top = 0;
	for (k = (size_t)s->log_top; k < json_array_size(log) && y < rows - 3; k++, y++) {
		v = json_array_get(log, k);
		snprintf(line, sizeof line, "%s  %-10s %s", clock_hm(json_integer_value(
		    json_object_get(v, "start_ms")), a, sizeof a),
		    json_string_value(json_object_get(v, "kind")),
		    json_string_value(json_object_get(v, "title")));
		if (strcmp(json_string_value(json_object_get(v, "kind")), "programme") != 0)
			wattron(w, w_attr(CP_DIM));
		w_put(w, y, 2, cols - 4, line, 1);
		wattroff(w, w_attr(CP_DIM));
	}
	w_put(w, rows - 3, 2, cols - 4, s->status, 1);
	wattron(w, w_attr(CP_DIM));
	w_put(w, rows - 2, 2, cols - 4, "Up/Down slot  a add  m move  d remove  PgUp/PgDn the log  "
	    "r reload  Esc close", 1);
	wattroff(w, w_attr(CP_DIM));
}

/* Report what a change did. */
static void
changed(struct slots *s, json_t *r, const char *what)
{
	utf8_copy(s->done_what, sizeof s->done_what, what);
	snprintf(s->status, sizeof s->status, "%s; rebuilding the fine log...", what);
	s->rebuild_job = json_integer_value(json_object_get(r, "job"));
	s->reload = 1;
}

/* The add form: days, start, end, what it plays, the series, then these options. */
#define ADD_FIXED 5

/* The slot options of src/coarse.h the add form offers (those with a label). */
static int
add_opts(const struct coarse_opt **out)
{
	const struct coarse_opt *o;
	int n = 0;

	for (o = coarse_opts; o < coarse_opts + ncoarse_opts; o++) {
		if (o->label != NULL)
			out[n++] = o;
	}
	return n;
}

/* Submit: add a slot. */
static int
add_submit(void *arg, struct form_field *f, int n, char *err, size_t len)
{
	const struct coarse_opt *opts[64];
	struct slots *s = arg;
	char *cause = NULL;
	json_t *args, *r;
	json_int_t show = show_id(s, f[4].in.buf);
	int k;

	args = xjson_pack("{s:s, s:s, s:s, s:s}", "number", s->number, "days", f[0].in.buf,
	    "start", f[1].in.buf, "type", f[3].in.buf);
	if (f[2].in.buf[0] != '\0')
		json_object_set_new(args, "end", json_string(f[2].in.buf));
	if (show > 0)
		json_object_set_new(args, strcmp(f[3].in.buf, "fill") == 0 ? "shows" : "show_id",
		    strcmp(f[3].in.buf, "fill") == 0 ? xjson_pack("[I]", show) :
		    json_integer(show));
	/* The options as typed (a flag as yes/no): the daemon reads them as the CLI does. */
	add_opts(opts);
	for (k = ADD_FIXED; k < n; k++) {
		if (f[k].in.buf[0] == '\0')
			continue;
		if (opts[k - ADD_FIXED]->type == COARSE_OPT_FLAG)
			json_object_set_new(args, opts[k - ADD_FIXED]->name,
			    json_boolean(strcmp(f[k].in.buf, "yes") == 0));
		else
			json_object_set_new(args, opts[k - ADD_FIXED]->name, json_string(f[k].in.buf));
	}
	if ((r = console_call(s->con, "slots.add", args, &cause)) == NULL) {
		snprintf(err, len, "%s", cause != NULL ? cause : "refused");
		free(cause);
		return -1;
	}
	changed(s, r, "Slot added");
	json_decref(r);
	return 0;
}

/* Submit: move the selected slot. */
static int
move_submit(void *arg, struct form_field *f, int n, char *err, size_t len)
{
	struct slots *s = arg;
	json_t *v = json_array_get(json_object_get(s->data, "slots"), (size_t)s->list.sel), *r;
	char *cause = NULL;

	r = console_call(s->con, "slots.move", xjson_pack("{s:s, s:I, s:s, s:s, s:s}", "number",
	    s->number, "slot", json_integer_value(json_object_get(v, "id")), "days", f[0].in.buf,
	    "start", f[1].in.buf, "end", f[2].in.buf), &cause);
	if (r == NULL) {
		snprintf(err, len, "%s", cause != NULL ? cause : "refused");
		free(cause);
		return -1;
	}
	changed(s, r, "Slot moved");
	json_decref(r);
	return 0;
}

/* Control events: another console changed this channel's slots. */
static void
on_event(void *arg, struct console *con, json_t *ev)
{
	struct slots *s = arg;
	const char *name = json_string_value(json_object_get(ev, "event"));
	const char *number = json_string_value(json_object_get(ev, "number"));

	json_t *v;

	(void)con;
	if (name == NULL)
		return;
	if (strcmp(name, "job.done") == 0 && s->rebuild_job != 0 &&
	    json_integer_value(json_object_get(ev, "job")) == s->rebuild_job) {
		s->rebuild_job = 0;
		v = json_array_get(json_object_get(json_object_get(ev, "result"), "rebuilt"), 0);
		if (v == NULL || json_object_get(v, "error") != NULL)
			snprintf(s->status, sizeof s->status, "%s; rebuilding the fine log failed: %s",
			    s->done_what, v != NULL ? json_string_value(json_object_get(v, "error")) :
			    json_string_value(json_object_get(ev, "error")));
		else
			snprintf(s->status, sizeof s->status, "%s; the fine log was rebuilt (%lld "
			    "items)", s->done_what, (long long)json_integer_value(json_object_get(v,
			    "items")));
		s->reload = 1;
		return;
	}
	if ((strcmp(name, "slots.changed") == 0 || strcmp(name, "schedule.changed") == 0) &&
	    number != NULL && strcmp(number, s->number) == 0)
		s->reload = 1;
}

/* The selected slot, or NULL. */
static json_t *
selected(struct slots *s)
{
	return s->list.sel >= 0 ? json_array_get(json_object_get(s->data, "slots"),
	    (size_t)s->list.sel) : NULL;
}

/* a: add a slot. */
static int
add_slot(void *state, struct console *con, int key)
{
	struct slots *s = state;
	const struct coarse_opt *opts[64];
	struct form_field f[ADD_FIXED + 64];
	int nopts, k;

	(void)key;
	memset(f, 0, sizeof f);
	f[0].label = "Days (daily, mon-fri, sat,sun)";
	f[1].label = "Start (HH:MM)";
	f[2].label = "End (HH:MM; empty: one slot)";
	f[3].label = "Plays";
	f[3].choices = slot_types;
	f[4].label = "Series";
	f[4].choices = s->show_names;
	nopts = add_opts(opts);
	for (k = 0; k < nopts; k++) {
		f[ADD_FIXED + k].label = opts[k]->label;
		if (opts[k]->type == COARSE_OPT_FLAG)
			f[ADD_FIXED + k].choices = yesno;
	}
	w_input_set(&f[0].in, "daily");
	w_input_set(&f[3].in, "series");
	form_open(con, "Add a slot", f, ADD_FIXED + nopts, NULL, 0, add_submit, NULL, s);
	return 1;
}

/* m: move the selected slot. */
static int
move_slot(void *state, struct console *con, int key)
{
	struct slots *s = state;
	struct form_field f[3];
	json_t *v = selected(s);

	(void)key;
	if (v == NULL)
		return 1;
	memset(f, 0, sizeof f);
	f[0].label = "Days";
	f[1].label = "Start (HH:MM)";
	f[2].label = "End (HH:MM)";
	w_input_set(&f[0].in, json_string_value(json_object_get(v, "days_text")));
	w_input_set(&f[1].in, json_string_value(json_object_get(v, "start")));
	w_input_set(&f[2].in, json_string_value(json_object_get(v, "end")));
	form_open(con, "Move the slot", f, 3, NULL, 0, move_submit, NULL, s);
	return 1;
}

/* The answer to "Remove slot N?". */
static void
remove_answered(void *arg, struct console *con, int yes)
{
	struct slots *s = arg;
	char *cause = NULL;
	json_t *r;

	if (!yes)
		return;
	r = console_call(con, "slots.remove", xjson_pack("{s:s, s:I}", "number", s->number, "slot",
	    s->ask_slot), &cause);
	if (r == NULL) {
		utf8_copy(s->status, sizeof s->status, cause);
		freep(&cause);
	} else {
		changed(s, r, "Slot removed");
		json_decref(r);
	}
}

/* d, Del: remove the selected slot, after a question. */
static int
remove_slot(void *state, struct console *con, int key)
{
	struct slots *s = state;
	json_t *v = selected(s);
	char q[128];

	(void)key;
	if (v == NULL)
		return 1;
	s->ask_slot = json_integer_value(json_object_get(v, "id"));
	snprintf(q, sizeof q, "Remove slot %lld (%s %s-%s)?", (long long)s->ask_slot,
	    json_string_value(json_object_get(v, "days_text")),
	    json_string_value(json_object_get(v, "start")),
	    json_string_value(json_object_get(v, "end")));
	form_confirm(con, "Schedule", q, remove_answered, s);
	return 1;
}

/* r: read the slots and the log again. */
static int
reload(void *state, struct console *con, int key)
{
	(void)con;
	(void)key;
	((struct slots *)state)->reload = 1;
	return 1;
}

/* PgUp/PgDn: scroll the fine log. */
static int
scroll_log(void *state, struct console *con, int key)
{
	struct slots *s = state;

	(void)con;
	if (key == KEY_NPAGE)
		s->log_top += 10;
	else
		s->log_top = s->log_top > 10 ? s->log_top - 10 : 0;
	return 1;
}

/* Move in the slots. */
static int
select_row(void *state, struct console *con, int key)
{
	(void)con;
	w_list_key(&((struct slots *)state)->list, key, 5);
	return 1;
}

/* Esc, q: close. */
static int
close_key(void *state, struct console *con, int key)
{
	(void)key;
	console_dialog_close(con, state);
	return 1;
}

/* On top: read again when something changed. */
static void
update(void *state, struct console *con)
{
	struct slots *s = state;

	(void)con;
	if (s->reload) {
		s->reload = 0;
		load(s);
	}
}

/* Draw (the kind's). */
static void
slots_draw(void *state, struct console *con, WINDOW *w)
{
	(void)con;
	draw(w, state);
}

/* The slots of channel_number, or NULL (the status bar says why). */
static struct slots *
slots_new(struct console *con, const char *channel_number)
{
	struct slots *s;

	if (channel_number == NULL || *channel_number == '\0') {
		console_message(con, "Choose a channel first");
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->con = con;
	s->list.sel = -1;
	utf8_copy(s->number, sizeof s->number, channel_number);
	load(s);
	if (s->data == NULL) {
		console_message(con, "Schedule of channel %s: %s", s->number, s->status);
		free(s);
		return NULL;
	}
	return s;
}

/* Opened by a key: the selected channel's. */
static void *
slots_open(struct console *con)
{
	return slots_new(con, console_channel(con));
}

void
dlg_slots_open(struct console *con, const char *channel_number)
{
	struct slots *s = slots_new(con, channel_number);

	if (s != NULL)
		console_dialog_open(con, &dlg_slots, s);
}

/* Closed: free. */
static void
slots_close(void *state, struct console *con)
{
	struct slots *s = state;

	(void)con;
	json_decref(s->data);
	free(s->show_names);
	free(s);
}

static const struct key_bind slots_keys[] = {
	{ { KEY_UP, KEY_DOWN, 'k', 'j', KEY_HOME, KEY_END, 'g', 'G' }, "select a slot", NULL,
	    select_row, NULL, 0 },
	{ { 'a' }, "add a slot", NULL, add_slot, NULL, 0 },
	{ { 'm' }, "move the selected slot (days, start, end)", NULL, move_slot, NULL, 0 },
	{ { 'd', KEY_DC }, "remove the selected slot (asks first)", NULL, remove_slot, NULL, 0 },
	{ { KEY_PPAGE, KEY_NPAGE }, "scroll the fine log", NULL, scroll_log, NULL, 0 },
	{ { 'r' }, "read the slots and the log again", NULL, reload, NULL, 0 },
	{ { 27, 'q' }, "close", NULL, close_key, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind dlg_slots = {
	.name = "Schedule slots (e)",
	.keys = slots_keys,
	.open = slots_open,
	.draw = slots_draw,
	.update = update,
	.event = on_event,
	.close = slots_close,
};
