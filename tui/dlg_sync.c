/*
 * dlg_sync.c: the sync dialog. Choose everything, or some sources of any
 * kind (src/importer.h): servers (Plex, Jellyfin, Emby; or some of their
 * libraries, listed by testing the source) and TMM folders, every one
 * driven the same way; the sync runs in the daemon's job pool, one request after
 * another, while two bars show the library and the item and the changes
 * scroll by. The sync history sits below. A sync that held removals back
 * (more than the safety limit, or a folder that looked empty or
 * unmounted) asks, once the queue is done, whether to remove them; yes
 * runs those requests again with "force".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/widgets.h"

#define MAX_ROWS 128
#define MAX_MSGS 200

enum row_kind { ROW_ALL, ROW_SERVER, ROW_LIBRARY, ROW_FOLDER };

struct row {
	enum row_kind kind;
	char name[128];                 /* a source's ref ("plex:1"), or a library's title */
	char label[160];
	int source;                     /* ROW_LIBRARY: the row of its source */
	int on;
};

struct sync {
	struct console *con;
	struct row rows[MAX_ROWS];
	int nrows;
	struct w_list list;
	json_t *queue;                  /* requests still to start */
	json_t *current;                /* the request running */
	json_t *held;                   /* requests that held removals back */
	long held_files;
	int asking;                     /* "Remove them anyway?" is open */
	int64_t job;                    /* the sync running (0 none, -1 starting) */
	int64_t test_job;               /* listing a source's libraries */
	int test_row;
	char lib_label[160], item_label[160];
	long lib_done, lib_total, item_done, item_total;
	int lib_index, lib_count;
	char *msgs[MAX_MSGS];
	int nmsgs;
	json_t *history;
	char status[256];
};

/* Add a line to the messages. */
static void
msg(struct sync *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
msg(struct sync *s, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	xvasprintf(&m, fmt, ap);
	va_end(ap);
	if (s->nmsgs == MAX_MSGS) {
		free(s->msgs[0]);
		memmove(s->msgs, s->msgs + 1, (MAX_MSGS - 1) * sizeof *s->msgs);
		s->nmsgs--;
	}
	s->msgs[s->nmsgs++] = m;
}

/* A row. */
static void
add_row(struct sync *s, enum row_kind kind, const char *name, const char *label, int source)
{
	struct row *r;

	if (s->nrows == MAX_ROWS)
		return;
	r = &s->rows[s->nrows++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->source = source;
	utf8_copy(r->name, sizeof r->name, name);
	utf8_copy(r->label, sizeof r->label, label);
}

/* Sources of every kind, and the history. */
static void
load(struct sync *s)
{
	json_t *r, *v;
	char *cause = NULL, label[160];
	const char *family;
	size_t i;
	int server;

	s->nrows = 0;
	add_row(s, ROW_ALL, "", "Everything: every enabled source (servers and TMM folders)", -1);
	s->rows[0].on = 1;
	if ((r = console_call(s->con, "sources.list", NULL, &cause)) != NULL) {
		json_array_foreach(json_object_get(r, "sources"), i, v) {
			family = json_string_value(json_object_get(v, "family"));
			server = family == NULL || strcmp(family, "server") == 0;
			if (server)
				snprintf(label, sizeof label, "%-8s %s (%s)  'l' lists its libraries",
				    json_string_value(json_object_get(v, "label")),
				    json_string_value(json_object_get(v, "name")),
				    json_string_value(json_object_get(v, "url")));
			else
				snprintf(label, sizeof label, "%-8s %s (%s)",
				    json_string_value(json_object_get(v, "label")),
				    json_string_value(json_object_get(v, "name")),
				    json_string_value(json_object_get(v, "path")));
			add_row(s, server ? ROW_SERVER : ROW_FOLDER,
			    json_string_value(json_object_get(v, "ref")), label, -1);
		}
		json_decref(r);
	} else {
		utf8_copy(s->status, sizeof s->status, cause);
		freep(&cause);
	}
	s->list.count = s->nrows;
	if (s->list.sel < 0)
		s->list.sel = 0;
	json_decref(s->history);
	s->history = console_call(s->con, "sync.history", xjson_pack("{s:i}", "limit", 10),
	    &cause);
	free(cause);
}

/* Turn the ticks into requests: everything, or one per source (some libraries of a server). */
static void
build_queue(struct sync *s)
{
	json_t *libs, *req;
	int i, k, any_lib;

	json_decref(s->queue);
	s->queue = json_array();
	if (s->rows[0].on) {
		json_array_append_new(s->queue, json_object());
		return;
	}
	for (i = 1; i < s->nrows; i++) {
		if (s->rows[i].kind == ROW_FOLDER && s->rows[i].on)
			json_array_append_new(s->queue, xjson_pack("{s:s}", "source",
			    s->rows[i].name));
		if (s->rows[i].kind != ROW_SERVER)
			continue;
		libs = json_array();
		any_lib = 0;
		for (k = i + 1; k < s->nrows && s->rows[k].kind == ROW_LIBRARY; k++)
			if (s->rows[k].on) {
				json_array_append_new(libs, json_string(s->rows[k].name));
				any_lib = 1;
			}
		if (!s->rows[i].on && !any_lib) {
			json_decref(libs);
			continue;
		}
		req = xjson_pack("{s:b, s:s}", "folders", 0, "source", s->rows[i].name);
		if (!s->rows[i].on)
			json_object_set_new(req, "libraries", libs);
		else
			json_decref(libs);
		json_array_append_new(s->queue, req);
	}
}

/* Start the next queued request. */
static void
next(struct sync *s)
{
	json_t *req, *r;
	char *cause = NULL;

	if (s->job != 0 || s->queue == NULL || json_array_size(s->queue) == 0)
		return;
	req = json_incref(json_array_get(s->queue, 0));
	json_array_remove(s->queue, 0);
	json_decref(s->current);
	s->current = json_deep_copy(req);
	s->job = -1;
	s->lib_done = s->lib_total = s->item_done = s->item_total = 0;
	s->lib_label[0] = s->item_label[0] = '\0';
	r = console_call(s->con, "sync.start", req, &cause);
	if (r == NULL) {
		msg(s, "not started: %s", cause);
		free(cause);
		s->job = 0;
		return;
	}
	s->job = json_integer_value(json_object_get(r, "job"));
	json_decref(r);
}

/* Control events. */
static void
on_event(void *arg, struct console *con, json_t *ev)
{
	struct sync *s = arg;
	const char *name = json_string_value(json_object_get(ev, "event"));
	const char *level = json_string_value(json_object_get(ev, "level"));
	json_int_t job = json_integer_value(json_object_get(ev, "job"));
	json_t *r, *lib;
	size_t i;
	int at;

	(void)con;
	if (name == NULL || job == 0)
		return;
	if (job == s->test_job && strcmp(name, "job.done") == 0) {
		s->test_job = 0;
		if ((r = json_object_get(ev, "result")) == NULL) {
			snprintf(s->status, sizeof s->status, "Testing the source: %s",
			    json_string_value(json_object_get(ev, "error")));
			return;
		}
		at = s->test_row + 1;
		while (at < s->nrows && s->rows[at].kind == ROW_LIBRARY) {
			memmove(&s->rows[at], &s->rows[at + 1], (size_t)(s->nrows - at - 1) *
			    sizeof *s->rows);
			s->nrows--;
		}
		json_array_foreach(json_object_get(r, "libraries"), i, lib) {
			char label[160];

			if (s->nrows == MAX_ROWS)
				break;
			memmove(&s->rows[at + 1], &s->rows[at], (size_t)(s->nrows - at) *
			    sizeof *s->rows);
			s->nrows++;
			memset(&s->rows[at], 0, sizeof s->rows[at]);
			s->rows[at].kind = ROW_LIBRARY;
			s->rows[at].source = s->test_row;
			utf8_copy(s->rows[at].name, sizeof s->rows[at].name,
			    json_string_value(json_object_get(lib, "title")));
			snprintf(label, sizeof label, "      library %s (%s, %lld items)",
			    json_string_value(json_object_get(lib, "title")),
			    json_string_value(json_object_get(lib, "type")),
			    (long long)json_integer_value(json_object_get(lib, "items")));
			utf8_copy(s->rows[at].label, sizeof s->rows[at].label, label);
			at++;
		}
		s->list.count = s->nrows;
		snprintf(s->status, sizeof s->status, "%s %s: %zu libraries",
		    json_string_value(json_object_get(r, "server")),
		    json_string_value(json_object_get(r, "version")),
		    json_array_size(json_object_get(r, "libraries")));
		return;
	}
	if (job != s->job)
		return;
	if (strcmp(name, "job.progress") == 0) {
		const char *m = json_string_value(json_object_get(ev, "message"));

		if (level != NULL && strcmp(level, "library") == 0) {
			s->lib_done = (long)json_integer_value(json_object_get(ev, "done"));
			s->lib_total = (long)json_integer_value(json_object_get(ev, "total"));
			s->lib_index = (int)json_integer_value(json_object_get(ev, "index"));
			s->lib_count = (int)json_integer_value(json_object_get(ev, "count"));
			utf8_copy(s->lib_label, sizeof s->lib_label, m != NULL ? m : "");
		} else {
			s->item_done = (long)json_integer_value(json_object_get(ev, "done"));
			s->item_total = (long)json_integer_value(json_object_get(ev, "total"));
			utf8_copy(s->item_label, sizeof s->item_label, m != NULL ? m : "");
		}
	} else if (strcmp(name, "job.message") == 0) {
		msg(s, "%-8s %s", level != NULL ? level : "", json_string_value(json_object_get(ev,
		    "text")));
	} else if (strcmp(name, "job.done") == 0) {
		s->job = 0;
		if ((r = json_object_get(ev, "result")) != NULL) {
			json_int_t held = json_integer_value(json_object_get(r, "held"));

			msg(s, "done: %s, %lld added, %lld updated, %lld removed, %lld unchanged, "
			    "%lld failed", json_string_value(json_object_get(r, "status")),
			    (long long)json_integer_value(json_object_get(r, "added")),
			    (long long)json_integer_value(json_object_get(r, "updated")),
			    (long long)json_integer_value(json_object_get(r, "removed")),
			    (long long)json_integer_value(json_object_get(r, "skipped")),
			    (long long)json_integer_value(json_object_get(r, "failed")));
			if (held > 0 && s->current != NULL) {
				msg(s, "held     %lld file%s gone from the source not removed (see the "
				    "warnings)", (long long)held, held == 1 ? "" : "s");
				if (s->held == NULL)
					s->held = json_array();
				json_array_append(s->held, s->current);
				s->held_files += (long)held;
			}
		} else
			msg(s, "failed: %s", json_string_value(json_object_get(ev, "error")));
		if (json_array_size(s->queue) == 0) {
			char *cause = NULL;

			json_decref(s->history);
			s->history = console_call(s->con, "sync.history", xjson_pack("{s:i}", "limit",
			    10), &cause);
			free(cause);
		}
	}
}

/* Draw. */
static void
draw(WINDOW *w, struct sync *s)
{
	int rows = getmaxy(w), cols = getmaxx(w), y, i, list_rows, msg_rows, uni;
	char line[256];
	json_t *h;
	size_t k;

	uni = console_unicode(s->con);
	werase(w);
	w_frame(w, "Sync", 1);
	list_rows = s->nrows < 8 ? s->nrows : 8;
	s->list.count = s->nrows;
	w_list_fix(&s->list, list_rows);
	for (i = s->list.top, y = 1; i < s->nrows && y < 1 + list_rows; i++, y++) {
		snprintf(line, sizeof line, "[%c] %s", s->rows[i].on ? 'x' : ' ', s->rows[i].label);
		if (i == s->list.sel)
			wattron(w, w_attr(CP_SELECT));
		w_put(w, y, 2, cols - 4, line, 1);
		wattroff(w, w_attr(CP_SELECT));
	}
	y = 2 + list_rows;
	snprintf(line, sizeof line, "Library %d/%d %s", s->lib_index, s->lib_count, s->lib_label);
	w_put(w, y, 2, cols / 2 - 2, s->job != 0 ? line : "Library", 1);
	w_bar(w, y, cols / 2, cols / 2 - 10, s->lib_total > 0 ? (double)s->lib_done /
	    s->lib_total : 0, uni);
	snprintf(line, sizeof line, "%ld/%ld", s->lib_done, s->lib_total > 0 ? s->lib_total : 0);
	w_put(w, y, cols - 10, 9, line, 1);
	y++;
	snprintf(line, sizeof line, "Item %s", s->item_label);
	w_put(w, y, 2, cols / 2 - 2, line, 1);
	w_bar(w, y, cols / 2, cols / 2 - 10, s->item_total > 0 ? (double)s->item_done /
	    s->item_total : 0, uni);
	snprintf(line, sizeof line, "%ld/%ld", s->item_done, s->item_total > 0 ? s->item_total :
	    0);
	w_put(w, y, cols - 10, 9, line, 1);
	y += 2;
	msg_rows = rows - y - 16;
	if (msg_rows < 3)
		msg_rows = 3;
	wattron(w, A_BOLD);
	w_put(w, y++, 2, cols - 4, "Changes", 1);
	wattroff(w, A_BOLD);
	for (i = s->nmsgs > msg_rows ? s->nmsgs - msg_rows : 0; i < s->nmsgs && y < rows - 2;
	    i++)
		w_put(w, y++, 2, cols - 4, s->msgs[i], 1);
	y = rows - 14 > y ? rows - 14 : y + 1;
	if (y < rows - 3) {
		wattron(w, A_BOLD);
		w_put(w, y++, 2, cols - 4, "History", 1);
		wattroff(w, A_BOLD);
		json_array_foreach(json_object_get(s->history, "history"), k, h) {
			if (y >= rows - 3)
				break;
			snprintf(line, sizeof line, "%s  %-8s %-20.20s %-9s +%lld ~%lld -%lld  %s",
			    json_string_value(json_object_get(h, "start")),
			    json_string_value(json_object_get(h, "source_type")),
			    json_string_value(json_object_get(h, "source")),
			    json_string_value(json_object_get(h, "status")),
			    (long long)json_integer_value(json_object_get(h, "added")),
			    (long long)json_integer_value(json_object_get(h, "updated")),
			    (long long)json_integer_value(json_object_get(h, "removed")),
			    json_string_value(json_object_get(h, "error")));
			w_put(w, y++, 2, cols - 4, line, 1);
		}
	}
	w_put(w, rows - 3, 2, cols - 4, s->status, 1);
	wattron(w, w_attr(CP_DIM));
	w_put(w, rows - 2, 2, cols - 4, s->job != 0 ? "Running...  c cancel  Esc close (the sync "
	    "goes on)" : "Space tick  l list a source's libraries  Enter/s start  r reload  Esc "
	    "close", 1);
	wattroff(w, w_attr(CP_DIM));
}

/* The answer to "Remove them anyway?": run the held requests again with force, or not. */
static void
force_answered(void *arg, struct console *con, int yes)
{
	struct sync *s = arg;
	json_t *req;
	size_t i;

	(void)con;
	if (yes) {
		json_array_foreach(s->held, i, req) {
			json_object_set_new(req, "force", json_true());
			json_array_append(s->queue, req);
		}
		msg(s, "removing them: syncing again with force");
	} else
		msg(s, "kept: nothing was removed");
	json_array_clear(s->held);
	s->held_files = 0;
	s->asking = 0;
}

/*
 * The queue is done and some requests held removals back: ask, and run
 * them again with "force" if the operator says so.
 */
static void
ask_force(struct sync *s)
{
	char q[512];

	snprintf(q, sizeof q, "%ld file%s gone from the sources: more than the safety limit, or "
	    "a folder looked empty or unmounted (see Changes). Remove %s anyway?", s->held_files,
	    s->held_files == 1 ? " is" : "s are", s->held_files == 1 ? "it" : "them");
	s->asking = 1;
	form_confirm_word(s->con, "Not removed", q, "REMOVE", force_answered, s);
}

/* On top: start the next queued request; when all are done, ask about what was held. */
static void
update(void *state, struct console *con)
{
	struct sync *s = state;

	(void)con;
	if (s->job == 0)
		next(s);
	if (s->job == 0 && !s->asking && json_array_size(s->queue) == 0 &&
	    json_array_size(s->held) > 0)
		ask_force(s);
}

/* Draw (the kind's). */
static void
sync_draw(void *state, struct console *con, WINDOW *w)
{
	(void)con;
	draw(w, state);
}

/* The selected row, or NULL. */
static struct row *
selected(struct sync *s)
{
	return s->list.sel >= 0 && s->list.sel < s->nrows ? &s->rows[s->list.sel] : NULL;
}

/* Space: tick or untick the row ("Everything" unticks the rest, and the other way). */
static int
tick(void *state, struct console *con, int key)
{
	struct sync *s = state;
	struct row *row = selected(s);
	int i;

	(void)con;
	(void)key;
	if (row == NULL || s->job != 0)
		return 1;
	row->on = !row->on;
	if (row->kind == ROW_ALL && row->on)
		for (i = 1; i < s->nrows; i++)
			s->rows[i].on = 0;
	else if (row->on)
		s->rows[0].on = 0;
	return 1;
}

/* l: list the selected server's libraries (a job: the answer comes as job.done). */
static int
libraries(void *state, struct console *con, int key)
{
	struct sync *s = state;
	struct row *row = selected(s);
	char *cause = NULL;
	json_t *r;

	(void)key;
	if (row == NULL || row->kind != ROW_SERVER || s->test_job != 0)
		return 1;
	r = console_call(con, "sources.test", xjson_pack("{s:s}", "source", row->name), &cause);
	if (r == NULL) {
		utf8_copy(s->status, sizeof s->status, cause);
		freep(&cause);
		return 1;
	}
	s->test_job = json_integer_value(json_object_get(r, "job"));
	s->test_row = s->list.sel;
	snprintf(s->status, sizeof s->status, "Asking %s for its libraries...", row->name);
	json_decref(r);
	return 1;
}

/* Enter, s: start syncing what is ticked. */
static int
start(void *state, struct console *con, int key)
{
	struct sync *s = state;
	int i;

	(void)con;
	(void)key;
	if (s->job != 0)
		return 1;
	build_queue(s);
	if (json_array_size(s->queue) == 0)
		snprintf(s->status, sizeof s->status, "Tick what to sync first");
	else {
		for (i = 0; i < s->nmsgs; i++)
			free(s->msgs[i]);
		s->nmsgs = 0;
		s->status[0] = '\0';
	}
	return 1;
}

/* c: cancel the sync running and what is queued after it. */
static int
cancel(void *state, struct console *con, int key)
{
	struct sync *s = state;
	char *cause = NULL;

	(void)key;
	if (s->job > 0) {
		json_decref(console_call(con, "job.cancel", xjson_pack("{s:I}", "job",
		    (json_int_t)s->job), &cause));
		freep(&cause);
		json_array_clear(s->queue);
		msg(s, "cancelling...");
	}
	return 1;
}

/* r: read the sources, directories and history again (not while syncing). */
static int
reload(void *state, struct console *con, int key)
{
	struct sync *s = state;

	(void)con;
	(void)key;
	if (s->job == 0)
		load(s);
	return 1;
}

/* Move in the list. */
static int
select_row(void *state, struct console *con, int key)
{
	(void)con;
	w_list_key(&((struct sync *)state)->list, key, 8);
	return 1;
}

/* Esc, q: close (a sync running goes on in the station). */
static int
close_key(void *state, struct console *con, int key)
{
	(void)key;
	console_dialog_close(con, state);
	return 1;
}

/* Everything, the sources and directories, the history. */
static void *
sync_open(struct console *con)
{
	struct sync *s = xcalloc(1, sizeof *s);

	s->con = con;
	s->list.sel = -1;
	load(s);
	return s;
}

/* Closed: free. */
static void
sync_close(void *state, struct console *con)
{
	struct sync *s = state;
	int i;

	(void)con;
	for (i = 0; i < s->nmsgs; i++)
		free(s->msgs[i]);
	json_decref(s->queue);
	json_decref(s->current);
	json_decref(s->held);
	json_decref(s->history);
	free(s);
}

static const struct key_bind sync_keys[] = {
	{ { KEY_UP, KEY_DOWN, 'k', 'j', KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, 'g', 'G' },
	    "select a row", NULL, select_row, NULL, 0 },
	{ { ' ' }, "tick or untick: everything, a source, a library, a folder", NULL, tick,
	    NULL, 0 },
	{ { 'l' }, "list the selected server's libraries (to tick some)", NULL, libraries,
	    NULL, 0 },
	{ { '\n', 's' }, "start syncing what is ticked", NULL, start, NULL, 0 },
	{ { 'c' }, "cancel the sync running", NULL, cancel, NULL, 0 },
	{ { 'r' }, "read the sources and the history again", NULL, reload, NULL, 0 },
	{ { 27, 'q' }, "close (a sync running goes on)", NULL, close_key, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind dlg_sync = {
	.name = "Sync (F5)",
	.keys = sync_keys,
	.open = sync_open,
	.draw = sync_draw,
	.update = update,
	.event = on_event,
	.close = sync_close,
};
