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
on_event(void *arg, json_t *ev)
{
	struct slots *s = arg;
	const char *name = json_string_value(json_object_get(ev, "event"));
	const char *number = json_string_value(json_object_get(ev, "number"));

	json_t *v;

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

void
dlg_slots(struct console *con, const char *channel_number)
{
	const struct coarse_opt *opts[64];
	struct form_field f[ADD_FIXED + 64];
	struct slots s;
	WINDOW *w = NULL;
	json_t *v, *r;
	char *cause = NULL, q[128];
	int key, done = 0, covered, nopts, k;

	if (channel_number == NULL || *channel_number == '\0') {
		console_message(con, "Choose a channel first");
		return;
	}
	memset(&s, 0, sizeof s);
	s.con = con;
	s.list.sel = -1;
	utf8_copy(s.number, sizeof s.number, channel_number);
	load(&s);
	if (s.data == NULL) {
		console_message(con, "Schedule of channel %s: %s", s.number, s.status);
		return;
	}
	console_on_event(con, on_event, &s);
	while (!done) {
		if (console_screen(&w) == NULL)
			break;
		if (s.reload) {
			s.reload = 0;
			load(&s);
		}
		draw(w, &s);
		wnoutrefresh(w);
		if ((key = console_screen_key(con, &w)) == ERR)
			continue;
		covered = 0;
		v = s.list.sel >= 0 ? json_array_get(json_object_get(s.data, "slots"),
		    (size_t)s.list.sel) : NULL;
		memset(f, 0, sizeof f);
		switch (key) {
		case 27:
		case 'q':
			done = 1;
			break;
		case 'a':
			f[0].label = "Days (daily, mon-fri, sat,sun)";
			f[1].label = "Start (HH:MM)";
			f[2].label = "End (HH:MM; empty: one slot)";
			f[3].label = "Plays";
			f[3].choices = slot_types;
			f[4].label = "Series";
			f[4].choices = s.show_names;
			nopts = add_opts(opts);
			for (k = 0; k < nopts; k++) {
				f[ADD_FIXED + k].label = opts[k]->label;
				if (opts[k]->type == COARSE_OPT_FLAG)
					f[ADD_FIXED + k].choices = yesno;
			}
			w_input_set(&f[0].in, "daily");
			w_input_set(&f[3].in, "series");
			form_run(con, "Add a slot", f, ADD_FIXED + nopts, NULL, 0, add_submit, &s);
			covered = 1;
			break;
		case 'm':
			if (v == NULL)
				break;
			f[0].label = "Days";
			f[1].label = "Start (HH:MM)";
			f[2].label = "End (HH:MM)";
			w_input_set(&f[0].in, json_string_value(json_object_get(v, "days_text")));
			w_input_set(&f[1].in, json_string_value(json_object_get(v, "start")));
			w_input_set(&f[2].in, json_string_value(json_object_get(v, "end")));
			form_run(con, "Move the slot", f, 3, NULL, 0, move_submit, &s);
			covered = 1;
			break;
		case 'd':
		case KEY_DC:
			if (v == NULL)
				break;
			snprintf(q, sizeof q, "Remove slot %lld (%s %s-%s)?",
			    (long long)json_integer_value(json_object_get(v, "id")),
			    json_string_value(json_object_get(v, "days_text")),
			    json_string_value(json_object_get(v, "start")),
			    json_string_value(json_object_get(v, "end")));
			covered = 1;
			if (!w_confirm(con, "Schedule", q))
				break;
			r = console_call(con, "slots.remove", xjson_pack("{s:s, s:I}", "number",
			    s.number, "slot", json_integer_value(json_object_get(v, "id"))), &cause);
			if (r == NULL) {
				utf8_copy(s.status, sizeof s.status, cause);
				freep(&cause);
			} else {
				changed(&s, r, "Slot removed");
				json_decref(r);
			}
			break;
		case 'r':
			s.reload = 1;
			break;
		case KEY_NPAGE:
			s.log_top += 10;
			break;
		case KEY_PPAGE:
			s.log_top = s.log_top > 10 ? s.log_top - 10 : 0;
			break;
		default:
			w_list_key(&s.list, key, 5);
			break;
		}
		if (covered) {
			delwin(w);
			w = NULL;
		}
	}
	console_on_event(con, NULL, NULL);
	if (w != NULL)
		delwin(w);
	json_decref(s.data);
	free(s.show_names);
	console_redraw(con);
}
