/*
 * dlg_settings.c: the settings dialog, four tabs: servers of every kind
 * the importer table has (Plex, Jellyfin, Emby: the token or API key is
 * typed masked and never shown again; test the connection), path
 * mappings (add, remove, test where a server's path lands here), TMM
 * directories (add, remove), channels (add, edit, enable or disable).
 * Every change goes through the control socket, so other consoles see it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/chanfield.h"
#include "src/importer.h"
#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/widgets.h"

enum tab { TAB_SOURCES, TAB_PATHS, TAB_TMM, TAB_CHANNELS, TAB_COUNT };

static const char *const tab_names[] = { "Servers", "Path mappings", "TMM directories",
	"Channels" };
static const char *const tab_keys[] = {
	"a add  d remove  t test the connection",
	"a add  d remove  t test a path",
	"a add  d remove",
	"a add  e edit  Space enable/disable  s schedule slots",
};
static const char *const list_cmds[] = { "sources.list", "paths.list", "tmm.list",
	"channels.list" };
static const char *const list_keys[] = { "sources", "paths", "dirs", "channels" };
static const char *const yesno[] = { "yes", "no", NULL };

struct settings {
	struct console *con;
	enum tab tab;
	json_t *items;                  /* the tab's list (owned) */
	struct w_list list;
	int64_t test_job;
	int64_t edit_job;               /* a removal or a mapping being applied */
	char status[512];
	int reload;
	enum tab ask_tab;               /* the row "Remove?" asks about */
	json_int_t ask_id;
};

/* Fetch the tab's list. */
static void
load(struct settings *s)
{
	json_t *r;
	char *cause = NULL;

	json_decref(s->items);
	s->items = NULL;
	r = console_call(s->con, list_cmds[s->tab], s->tab == TAB_SOURCES ? xjson_pack("{s:b}",
	    "folders", 0) : NULL, &cause);
	if (r == NULL) {
		utf8_copy(s->status, sizeof s->status, cause);
		free(cause);
		s->items = json_array();
	} else {
		s->items = json_incref(json_object_get(r, list_keys[s->tab]));
		json_decref(r);
	}
	s->list.count = (int)json_array_size(s->items);
	if (s->list.sel < 0 && s->list.count > 0)
		s->list.sel = 0;
}

/* One row's text. */
static void
row_text(struct settings *s, json_t *v, char *buf, size_t len)
{
	switch (s->tab) {
	case TAB_SOURCES:
		snprintf(buf, len, "%-4lld %-8s %-20.20s %-34.34s%s%-10.10s secret %-8s %s",
		    (long long)json_integer_value(json_object_get(v, "id")),
		    json_string_value(json_object_get(v, "label")),
		    json_string_value(json_object_get(v, "name")),
		    json_string_value(json_object_get(v, "url")),
		    *json_string_value(json_object_get(v, "user")) != '\0' ? " as " : "    ",
		    json_string_value(json_object_get(v, "user")),
		    json_is_true(json_object_get(v, "has_token")) ? "********" : "(none)",
		    json_string_value(json_object_get(v, "last_sync")));
		break;
	case TAB_PATHS:
		snprintf(buf, len, "%-4lld %-36.36s -> %-36.36s %s",
		    (long long)json_integer_value(json_object_get(v, "id")),
		    json_string_value(json_object_get(v, "plex_path")),
		    json_string_value(json_object_get(v, "local_path")),
		    json_integer_value(json_object_get(v, "source")) == 0 ? "every source" :
		    "one source");
		break;
	case TAB_TMM:
		snprintf(buf, len, "%-4lld %-20.20s %-50.50s %s",
		    (long long)json_integer_value(json_object_get(v, "id")),
		    json_string_value(json_object_get(v, "name")),
		    json_string_value(json_object_get(v, "path")),
		    json_string_value(json_object_get(v, "last_scan")));
		break;
	default:
		snprintf(buf, len, "%-6s %-24.24s %-8s %-16.16s %dx%d@%d/%d %d-min slots  %s",
		    json_string_value(json_object_get(v, "number")),
		    json_string_value(json_object_get(v, "name")),
		    json_string_value(json_object_get(v, "call_sign")),
		    json_string_value(json_object_get(v, "timezone")),
		    (int)json_integer_value(json_object_get(v, "width")),
		    (int)json_integer_value(json_object_get(v, "height")),
		    (int)json_integer_value(json_object_get(v, "fps_num")),
		    (int)json_integer_value(json_object_get(v, "fps_den")),
		    (int)json_integer_value(json_object_get(v, "slot_minutes")),
		    json_is_true(json_object_get(v, "enabled")) ? "enabled" : "DISABLED");
		break;
	}
}

/* Draw. */
static void
draw(WINDOW *w, struct settings *s)
{
	int rows = getmaxy(w), cols = getmaxx(w), x = 2, i, y;
	char line[512];
	json_t *v;

	werase(w);
	w_frame(w, "Settings", 1);
	for (i = 0; i < TAB_COUNT; i++) {
		snprintf(line, sizeof line, " %s ", tab_names[i]);
		if (i == (int)s->tab)
			wattron(w, w_attr(CP_SELECT));
		w_put(w, 1, x, (int)strlen(line), line, 0);
		wattroff(w, w_attr(CP_SELECT));
		x += (int)strlen(line) + 2;
	}
	s->list.count = (int)json_array_size(s->items);
	w_list_fix(&s->list, rows - 7);
	for (i = s->list.top, y = 3; i < s->list.count && y < rows - 4; i++, y++) {
		v = json_array_get(s->items, (size_t)i);
		row_text(s, v, line, sizeof line);
		if (i == s->list.sel)
			wattron(w, w_attr(CP_SELECT));
		w_put(w, y, 2, cols - 4, line, 1);
		wattroff(w, w_attr(CP_SELECT));
	}
	if (s->list.count == 0)
		w_put(w, 3, 2, cols - 4, "(none yet: 'a' adds one)", 1);
	w_put(w, rows - 3, 2, cols - 4, s->status, 1);
	snprintf(line, sizeof line, "Tab/Left/Right: tab  %s  r reload  Esc close",
	    tab_keys[s->tab]);
	wattron(w, w_attr(CP_DIM));
	w_put(w, rows - 2, 2, cols - 4, line, 1);
	wattroff(w, w_attr(CP_DIM));
}

/* Call cmd; on failure err gets why. 0 or -1; *out (may be NULL) the result. */
static int
call(struct console *con, const char *cmd, json_t *args, json_t **out, char *err, size_t len)
{
	char *cause = NULL;
	json_t *r;

	r = console_call(con, cmd, args, &cause);
	if (r == NULL) {
		snprintf(err, len, "%s", cause != NULL ? cause : "refused");
		free(cause);
		return -1;
	}
	if (out != NULL)
		*out = r;
	else
		json_decref(r);
	return 0;
}

/* The kinds of server, for the add form (from the importer table). */
static const char *const *
server_kinds(void)
{
	static const char *kinds[16];
	size_t i, n = 0;

	if (kinds[0] != NULL)
		return kinds;
	for (i = 0; importers[i] != NULL && n < nitems(kinds) - 1; i++)
		if (importers[i]->flags & IMPORTER_SERVER)
			kinds[n++] = importers[i]->name;
	kinds[n] = NULL;
	return kinds;
}

/* Submit: add a server (its kind, name, URL, secret, user). */
static int
source_submit(void *arg, struct form_field *f, int n, char *err, size_t len)
{
	struct settings *s = arg;
	json_t *req;

	(void)n;
	req = xjson_pack("{s:s, s:s, s:s, s:s}", "kind", f[0].in.buf, "name", f[1].in.buf,
	    "url", f[2].in.buf, "token", f[3].in.buf);
	if (f[4].in.buf[0] != '\0')
		json_object_set_new(req, "user", json_string(f[4].in.buf));
	return call(s->con, "sources.add", req, NULL, err, len);
}

/* Submit: add a path mapping (a job: every stored path is re-mapped). */
static int
path_submit(void *arg, struct form_field *f, int n, char *err, size_t len)
{
	struct settings *s = arg;
	json_t *r;

	if (call(s->con, "paths.add", xjson_pack("{s:s, s:s, s:s}", "plex_path", f[0].in.buf,
	    "local_path", f[1].in.buf, "source", f[2].in.buf), &r, err, len) != 0)
		return -1;
	s->edit_job = json_integer_value(json_object_get(r, "job"));
	json_decref(r);
	return 0;
}

/* Submit: add a TMM directory. */
static int
tmm_submit(void *arg, struct form_field *f, int n, char *err, size_t len)
{
	struct settings *s = arg;

	return call(s->con, "tmm.add", xjson_pack("{s:s, s:s, s:b}", "path", f[0].in.buf, "name",
	    f[1].in.buf, "subdirs", strcmp(f[2].in.buf, "yes") == 0), NULL, err, len);
}

/* The channel settings the form edits: those of src/chanfield.h marked for it. */
static int
chan_fields(const struct chanfield **out)
{
	const struct chanfield *f;
	int n = 0;

	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (f->flags & CHANFIELD_DIALOG)
			out[n++] = f;
	}
	return n;
}

struct chan_form {
	struct console *con;
	const char *number;             /* NULL: a new channel */
	const struct chanfield *fields[CHANFIELDS_MAX];
	char old[CHANFIELDS_MAX][256];
	struct settings *s;
	char number_buf[32];
	/* The choices the form shows (it stays open after chan_form returns). */
	const char *const *choices[CHANFIELDS_MAX];
	const char *lists[CHANFIELDS_MAX][16];
};

/* Submit: add or change a channel (changed fields only), each checked as its row says. */
static int
chan_submit(void *arg, struct form_field *f, int n, char *err, size_t len)
{
	struct chan_form *cf = arg;
	const struct chanfield *cfl;
	struct chanval v[CHANFIELDS_MAX];
	json_t *args = json_object();
	char *cause = NULL, buf[64];
	const char *key;
	int k;

	for (k = 0; k < n; k++) {
		cfl = cf->fields[k];
		key = cfl->name;
		if (cf->number != NULL && strcmp(f[k].in.buf, cf->old[k]) == 0)
			continue;
		if (cf->number == NULL && f[k].in.buf[0] == '\0')
			continue;
		if (cf->number != NULL && strcmp(key, "number") == 0)
			key = "new_number";
		memset(v, 0, sizeof v);
		if (chanfield_parse(cfl, f[k].in.buf, v, buf, sizeof buf, &cause) != 0) {
			snprintf(err, len, "%s: %s", cfl->label, cause);
			free(cause);
			json_decref(args);
			return -1;
		}
		if (cfl->type == CHANFIELD_BOOL)
			json_object_set_new(args, key, json_boolean(v[cfl - chanfields].i));
		else if ((cfl->type == CHANFIELD_INT || cfl->type == CHANFIELD_SECONDS) &&
		    !v[cfl - chanfields].null)
			json_object_set_new(args, key, json_integer(v[cfl - chanfields].i));
		else
			json_object_set_new(args, key, json_string(f[k].in.buf));
	}
	if (cf->number != NULL)
		json_object_set_new(args, "number", json_string(cf->number));
	return call(cf->con, cf->number != NULL ? "channels.set" : "channels.add", args, NULL,
	    err, len);
}

/* The channel form closed: say so, show the list again. */
static void
chan_done(void *arg, struct console *con, int saved, struct form_field *f, int n)
{
	struct chan_form *cf = arg;
	struct settings *s = cf->s;

	(void)con;
	(void)f;
	(void)n;
	if (saved && cf->number != NULL)
		snprintf(s->status, sizeof s->status, "Channel %s saved; its schedule is being "
		    "rebuilt", cf->number);
	else if (saved)
		snprintf(s->status, sizeof s->status, "Added");
	s->reload = 1;
	free(cf);
}

/* The channel form, for a new channel (v NULL) or an existing one. */
static void
chan_form(struct settings *s, json_t *v)
{
	struct form_field f[CHANFIELDS_MAX];
	struct chan_form *cf;
	const char *const *ch;
	char buf[64], title[128];
	json_t *x;
	int k, n, c;

	memset(f, 0, sizeof f);
	cf = xcalloc(1, sizeof *cf);
	cf->con = s->con;
	cf->s = s;
	if (v != NULL) {
		utf8_copy(cf->number_buf, sizeof cf->number_buf, json_string_value(json_object_get(v,
		    "number")));
		cf->number = cf->number_buf;
	}
	n = chan_fields(cf->fields);
	for (k = 0; k < n; k++) {
		f[k].label = cf->fields[k]->label;
		cf->choices[k] = NULL;
		if (cf->fields[k]->type == CHANFIELD_BOOL)
			cf->choices[k] = yesno;
		else if (cf->fields[k]->type == CHANFIELD_CHOICE) {
			/* Its choices, with "" first for one that may be unset. */
			ch = cf->fields[k]->choices;
			c = 0;
			if (cf->fields[k]->flags & CHANFIELD_CLEAR)
				cf->lists[k][c++] = "";
			while (*ch != NULL && c < (int)nitems(cf->lists[k]) - 1)
				cf->lists[k][c++] = *ch++;
			cf->lists[k][c] = NULL;
			cf->choices[k] = cf->lists[k];
		}
		f[k].choices = cf->choices[k];
		x = v != NULL ? json_object_get(v, cf->fields[k]->name) : NULL;
		if (json_is_string(x))
			w_input_set(&f[k].in, json_string_value(x));
		else if (json_is_integer(x)) {
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(x));
			w_input_set(&f[k].in, buf);
		} else if (json_is_boolean(x) || cf->fields[k]->type == CHANFIELD_BOOL)
			w_input_set(&f[k].in, x == NULL || json_is_true(x) ? "yes" : "no");
		utf8_copy(cf->old[k], sizeof cf->old[k], f[k].in.buf);
	}
	snprintf(title, sizeof title, v != NULL ? "Channel %s" : "New channel%s", cf->number !=
	    NULL ? cf->number : "");
	form_open(s->con, title, f, n, NULL, 0, chan_submit, chan_done, cf);
}

/* An add form closed: say so, show the list again. */
static void
add_done(void *arg, struct console *con, int saved, struct form_field *f, int n)
{
	struct settings *s = arg;

	(void)con;
	(void)f;
	(void)n;
	if (saved && s->tab == TAB_PATHS)
		snprintf(s->status, sizeof s->status, "Adding the mapping: re-mapping every "
		    "stored path...");
	else if (saved)
		snprintf(s->status, sizeof s->status, "Added");
	s->reload = 1;
}

/* a: add on the current tab. */
static int
add(void *state, struct console *con, int key)
{
	struct settings *s = state;
	struct form_field f[5];

	(void)key;
	memset(f, 0, sizeof f);
	switch (s->tab) {
	case TAB_SOURCES:
		f[0].label = "Kind";
		f[0].choices = server_kinds();
		w_input_set(&f[0].in, f[0].choices[0]);
		f[1].label = "Name";
		f[2].label = "URL (http://host:32400, :8096)";
		f[3].label = "Token or API key";
		f[3].secret = 1;
		f[4].label = "User (Jellyfin, Emby; empty: the administrator)";
		form_open(con, "Add a server", f, 5, NULL, 0, source_submit, add_done, s);
		break;
	case TAB_PATHS:
		f[0].label = "Server path prefix";
		f[1].label = "Local path prefix";
		f[2].label = "Source (empty: every one)";
		form_open(con, "Add a path mapping", f, 3, NULL, 0, path_submit, add_done, s);
		break;
	case TAB_TMM:
		f[0].label = "Directory";
		f[1].label = "Name";
		f[2].label = "Subdirectories";
		f[2].choices = yesno;
		w_input_set(&f[2].in, "yes");
		form_open(con, "Add a TMM directory", f, 3, NULL, 0, tmm_submit, add_done, s);
		break;
	default:
		chan_form(s, NULL);
		break;
	}
	return 1;
}

/* The selected row, or NULL. */
static json_t *
selected(struct settings *s)
{
	return s->list.sel >= 0 ? json_array_get(s->items, (size_t)s->list.sel) : NULL;
}

/* The answer to "Remove?": remove the row asked about. */
static void
remove_answered(void *arg, struct console *con, int yes)
{
	static const char *const cmds[] = { "sources.remove", "paths.remove", "tmm.remove" };
	static const char *const keys[] = { "source", "rule", "dir" };
	struct settings *s = arg;
	json_t *r = NULL;

	if (!yes)
		return;
	/* A job: the screen never waits for the rows to go. */
	if (call(con, cmds[s->ask_tab], xjson_pack("{s:I}", keys[s->ask_tab], s->ask_id), &r,
	    s->status, sizeof s->status) == 0) {
		s->edit_job = json_integer_value(json_object_get(r, "job"));
		snprintf(s->status, sizeof s->status, "Removing%s...", s->ask_tab == TAB_PATHS ?
		    " (re-mapping every stored path)" : " (with every file imported from it)");
		json_decref(r);
	}
	s->reload = 1;
}

/* d, Del: remove the selected row after a question. */
static int
remove_row(void *state, struct console *con, int key)
{
	struct settings *s = state;
	json_t *v = selected(s);
	char q[256];

	(void)key;
	if (v == NULL)
		return 1;
	if (s->tab == TAB_CHANNELS) {
		snprintf(s->status, sizeof s->status, "Channels are removed with 'retrovue channel "
		    "remove' (it takes their schedules and as-run log); disable one with Space");
		return 1;
	}
	s->ask_tab = s->tab;
	s->ask_id = json_integer_value(json_object_get(v, "id"));
	snprintf(q, sizeof q, "Remove %s %lld%s?", s->tab == TAB_SOURCES ? "source" :
	    s->tab == TAB_PATHS ? "mapping" : "directory", (long long)s->ask_id,
	    s->tab == TAB_PATHS ? "" : " and every file imported from it");
	form_confirm(con, "Remove", q, remove_answered, s);
	return 1;
}

/* The path to test was typed (or not): where it lands here. */
static void
test_path(void *arg, struct console *con, const char *path)
{
	struct settings *s = arg;
	json_t *r;

	if (path == NULL)
		return;
	if (call(con, "paths.test", xjson_pack("{s:s}", "path", path), &r, s->status,
	    sizeof s->status) == 0) {
		snprintf(s->status, sizeof s->status, "%s -> %s (%s)", path,
		    json_string_value(json_object_get(r, "mapped")),
		    json_is_true(json_object_get(r, "exists")) ? "the file exists" :
		    "not found on this machine");
		json_decref(r);
	}
}

/* t: test a source's connection (a job) or where a path lands. */
static int
test(void *state, struct console *con, int key)
{
	struct settings *s = state;
	json_t *v = selected(s), *r;

	(void)key;
	if (s->tab == TAB_SOURCES && v != NULL) {
		if (call(con, "sources.test", xjson_pack("{s:I}", "source",
		    json_integer_value(json_object_get(v, "id"))), &r, s->status,
		    sizeof s->status) == 0) {
			s->test_job = json_integer_value(json_object_get(r, "job"));
			snprintf(s->status, sizeof s->status, "Connecting to %s...",
			    json_string_value(json_object_get(v, "url")));
			json_decref(r);
		}
	} else if (s->tab == TAB_PATHS)
		form_ask(con, "Test a path", "Path as the server reports it", "", test_path, s);
	return 1;
}

/* Events: a test's result, and changes made by anyone. */
static void
on_event(void *arg, struct console *con, json_t *ev)
{
	struct settings *s = arg;
	const char *name = json_string_value(json_object_get(ev, "event"));
	json_t *r;

	(void)con;
	if (name == NULL)
		return;
	if (strcmp(name, "job.done") == 0 && s->edit_job != 0 &&
	    json_integer_value(json_object_get(ev, "job")) == s->edit_job) {
		s->edit_job = 0;
		s->reload = 1;
		if ((r = json_object_get(ev, "result")) == NULL)
			snprintf(s->status, sizeof s->status, "Failed: %s",
			    json_string_value(json_object_get(ev, "error")));
		else if (json_object_get(r, "files_removed") != NULL)
			snprintf(s->status, sizeof s->status, "Removed, with %lld files",
			    (long long)json_integer_value(json_object_get(r, "files_removed")));
		else if (json_object_get(r, "id") != NULL)
			snprintf(s->status, sizeof s->status, "Added; %lld stored paths re-mapped",
			    (long long)json_integer_value(json_object_get(r, "remapped")));
		else
			snprintf(s->status, sizeof s->status, "Removed; %lld stored paths re-mapped",
			    (long long)json_integer_value(json_object_get(r, "remapped")));
		return;
	}
	if (strcmp(name, "job.done") == 0 && s->test_job != 0 &&
	    json_integer_value(json_object_get(ev, "job")) == s->test_job) {
		s->test_job = 0;
		if ((r = json_object_get(ev, "result")) != NULL)
			snprintf(s->status, sizeof s->status, "Connected: %s %s, %zu libraries",
			    json_string_value(json_object_get(r, "server")),
			    json_string_value(json_object_get(r, "version")),
			    json_array_size(json_object_get(r, "libraries")));
		else
			snprintf(s->status, sizeof s->status, "Test failed: %s",
			    json_string_value(json_object_get(ev, "error")));
		return;
	}
	if (strcmp(name, "sources.changed") == 0 || strcmp(name, "paths.changed") == 0 ||
	    strcmp(name, "tmm.changed") == 0 || strcmp(name, "channels.changed") == 0)
		s->reload = 1;
}

/* Esc, q: close. */
static int
close_key(void *state, struct console *con, int key)
{
	(void)key;
	console_dialog_close(con, state);
	return 1;
}

/* Tab, Right: the next tab; Shift-Tab, Left: the previous. */
static int
next_tab(void *state, struct console *con, int key)
{
	struct settings *s = state;

	(void)con;
	s->tab = (enum tab)((s->tab + (key == '\t' || key == KEY_RIGHT ? 1 : TAB_COUNT - 1)) %
	    TAB_COUNT);
	s->list.sel = -1;
	s->list.top = 0;
	s->status[0] = '\0';
	load(s);
	return 1;
}

/* e, Enter: edit the selected channel. */
static int
edit(void *state, struct console *con, int key)
{
	struct settings *s = state;
	json_t *v = selected(s);

	(void)con;
	(void)key;
	if (s->tab == TAB_CHANNELS && v != NULL)
		chan_form(s, v);
	s->reload = 1;
	return 1;
}

/* Space: enable or disable the selected channel. */
static int
toggle(void *state, struct console *con, int key)
{
	struct settings *s = state;
	json_t *v = selected(s);

	(void)key;
	if (s->tab == TAB_CHANNELS && v != NULL)
		call(con, "channels.set", xjson_pack("{s:s, s:b}", "number",
		    json_string_value(json_object_get(v, "number")), "enabled",
		    !json_is_true(json_object_get(v, "enabled"))), NULL, s->status,
		    sizeof s->status);
	s->reload = 1;
	return 1;
}

/* s: the selected channel's schedule slots, over this. */
static int
slots(void *state, struct console *con, int key)
{
	struct settings *s = state;
	json_t *v = selected(s);

	(void)key;
	if (s->tab == TAB_CHANNELS && v != NULL)
		dlg_slots_open(con, json_string_value(json_object_get(v, "number")));
	return 1;
}

/* r: read the list again. */
static int
reload(void *state, struct console *con, int key)
{
	(void)con;
	(void)key;
	((struct settings *)state)->reload = 1;
	return 1;
}

/* Move in the list. */
static int
select_row(void *state, struct console *con, int key)
{
	(void)con;
	w_list_key(&((struct settings *)state)->list, key, LINES - 7);
	return 1;
}

/* On top: read the list again when something changed. */
static void
update(void *state, struct console *con)
{
	struct settings *s = state;

	(void)con;
	if (s->reload) {
		s->reload = 0;
		load(s);
	}
}

/* Draw (the kind's). */
static void
settings_draw(void *state, struct console *con, WINDOW *w)
{
	(void)con;
	draw(w, state);
}

/* Open on the first tab. */
static void *
settings_open(struct console *con)
{
	struct settings *s = xcalloc(1, sizeof *s);

	s->con = con;
	s->list.sel = -1;
	load(s);
	return s;
}

/* Closed: free the list. */
static void
settings_close(void *state, struct console *con)
{
	struct settings *s = state;

	(void)con;
	json_decref(s->items);
	free(s);
}

static const struct key_bind settings_keys[] = {
	{ { '\t', KEY_RIGHT, KEY_BTAB, KEY_LEFT }, "next / previous tab", NULL, next_tab, NULL, 0 },
	{ { KEY_UP, KEY_DOWN, 'k', 'j', KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, 'g', 'G' },
	    "select a row", NULL, select_row, NULL, 0 },
	{ { 'a' }, "add a source, mapping, directory or channel", NULL, add, NULL, 0 },
	{ { 'd', KEY_DC }, "remove the selected row (asks first; not channels)", NULL, remove_row,
	    NULL, 0 },
	{ { 't' }, "test: a server's connection, where a server's path lands here", NULL, test, NULL,
	    0 },
	{ { 'e', '\n' }, "edit the selected channel", NULL, edit, NULL, 0 },
	{ { ' ' }, "enable or disable the selected channel", NULL, toggle, NULL, 0 },
	{ { 's' }, "the selected channel's schedule slots", NULL, slots, NULL, 0 },
	{ { 'r' }, "read the list again", NULL, reload, NULL, 0 },
	{ { 27, 'q' }, "close", NULL, close_key, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind dlg_settings = {
	.name = "Settings (F2)",
	.keys = settings_keys,
	.open = settings_open,
	.draw = settings_draw,
	.update = update,
	.event = on_event,
	.close = settings_close,
};
