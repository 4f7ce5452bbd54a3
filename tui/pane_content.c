/*
 * pane_content.c: the content browser: every media file with title, type,
 * duration (hh:mm:ss.ff), source and rating; search as you type; filters
 * by type, source, rating and daypart; sort by title, duration, type,
 * source or last modified. The list comes from content.list.
 */
#include <stdlib.h>
#include <string.h>

#include "src/importer.h"
#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/pane.h"
#include "tui/widgets.h"

#define PAGE 2000                       /* rows fetched at once */
#define SEARCH_DELAY_MS 120             /* typing pauses this long before a search */

static const char *const types[] = { NULL, "movie", "episode", "commercial", "bumper",
	"station_id", "intro", "outro", "interstitial", "promo" };
/* The source filter: every importer's kind (src/importer.h), then manual and demo. */
static const char *sources[16];
static size_t nsources;

/* Fill sources[] from the table of importers, once. */
static void
source_kinds(void)
{
	size_t i;

	if (nsources > 0)
		return;
	sources[nsources++] = NULL;
	for (i = 0; importers[i] != NULL && nsources < nitems(sources) - 2; i++)
		sources[nsources++] = importers[i]->name;
	sources[nsources++] = "manual";
	sources[nsources++] = "demo";
}
static const char *const ratings[] = { NULL, "G", "PG", "PG-13", "R", "NC-17", "TV-Y", "TV-Y7",
	"TV-G", "TV-PG", "TV-14", "TV-MA" };
static const char *const dayparts[] = { NULL, "morning", "afternoon", "prime", "late_night" };
static const char *const sorts[] = { "title", "duration", "type", "source", "modified" };

struct content {
	struct w_input search;
	int typing;
	size_t type, source, rating, daypart, sort;
	int desc;
	json_t *items;
	long total;
	struct w_list list;
	int want_fetch;
	int pending;                    /* a request is out */
	int64_t fetch_at;               /* console clock: fetch then (typing delay) */
	char error[256];
	char title[128];
};

static void *
cnt_open(struct console *con)
{
	struct content *c = xcalloc(1, sizeof *c);

	(void)con;
	c->want_fetch = 1;
	c->list.sel = -1;
	return c;
}

static void
cnt_close(void *state)
{
	struct content *c = state;

	json_decref(c->items);
	free(c);
}

static void note_selection(struct content *c, struct console *con);

/* The list arrived. */
static void
fetched(void *arg, struct console *con, json_t *r, const char *cause)
{
	struct content *c = arg;

	c->pending = 0;
	console_pane_dirty(con, &pane_content);
	if (r == NULL) {
		utf8_copy(c->error, sizeof c->error, cause != NULL ? cause : "failed");
		return;
	}
	c->error[0] = '\0';
	json_decref(c->items);
	c->items = json_incref(json_object_get(r, "items"));
	c->total = (long)json_integer_value(json_object_get(r, "total"));
	c->list.count = (int)json_array_size(c->items);
	if (c->list.sel < 0 && c->list.count > 0)
		c->list.sel = 0;
	w_list_fix(&c->list, 1);
	note_selection(c, con);
}

/* Ask the station for the list as filtered (in the job pool). */
static void
fetch(struct content *c, struct console *con)
{
	json_t *args = xjson_pack("{s:s, s:b, s:i}", "sort", sorts[c->sort], "desc", c->desc,
	    "limit", PAGE);

	c->want_fetch = 0;
	if (c->search.len > 0)
		json_object_set_new(args, "query", json_string(c->search.buf));
	if (types[c->type] != NULL)
		json_object_set_new(args, "type", json_string(types[c->type]));
	if (sources[c->source] != NULL)
		json_object_set_new(args, "source", json_string(sources[c->source]));
	if (ratings[c->rating] != NULL)
		json_object_set_new(args, "rating", json_string(ratings[c->rating]));
	if (dayparts[c->daypart] != NULL)
		json_object_set_new(args, "daypart", json_string(dayparts[c->daypart]));
	c->pending = 1;
	console_call_async(con, "content.list", args, fetched, c);
}

/* A string field or "". */
static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* A title to show: a file with no title shows its name, not its folders. */
static const char *
display_title(const char *title)
{
	const char *slash = strrchr(title, '/');

	return *title == '/' && slash != NULL && slash[1] != '\0' ? slash + 1 : title;
}

static void
cnt_draw(void *state, struct console *con, WINDOW *w, int focus)
{
	struct content *c = state;
	int rows = getmaxy(w) - 2, cols = getmaxx(w) - 2, i, title_w, list_rows, src_w, type_w;
	char line[512], dur[20], filt[256];
	json_t *it;

	/* The search line and the filters. */
	snprintf(filt, sizeof filt, "type:%s src:%s rating:%s daypart:%s sort:%s%s",
	    types[c->type] != NULL ? types[c->type] : "*",
	    sources[c->source] != NULL ? sources[c->source] : "*",
	    ratings[c->rating] != NULL ? ratings[c->rating] : "*",
	    dayparts[c->daypart] != NULL ? dayparts[c->daypart] : "*", sorts[c->sort],
	    c->desc ? " desc" : "");
	w_put(w, 1, 1, 8, "Search: ", 0);
	w_input_draw(w, &c->search, 1, 9, cols / 2 - 9 > 12 ? cols / 2 - 9 : 12, c->typing);
	wattron(w, w_attr(CP_DIM));
	w_put(w, 1, cols / 2 + 1 > 22 ? cols / 2 + 1 : 22, cols - (cols / 2 > 21 ? cols / 2 : 21),
	    filt, 0);
	wattroff(w, w_attr(CP_DIM));
	if (c->error[0] != '\0') {
		w_put(w, 2, 1, cols, c->error, 1);
		return;
	}
	list_rows = rows - 2;
	w_list_fix(&c->list, list_rows);
	/* Narrow: the source column goes, the titles keep their room. */
	src_w = cols >= 90 ? 16 : cols >= 70 ? 8 : 0;
	type_w = cols >= 70 ? 11 : 8;
	title_w = cols - (type_w + 1) - 13 - (src_w > 0 ? src_w + 1 : 0) - 7;
	if (title_w < 8)
		title_w = 8;
	wattron(w, w_attr(CP_DIM));
	snprintf(line, sizeof line, "%-*s %-*s %11s  %-*s%s%-6s", title_w, "Title", type_w, "Type",
	    "Duration", src_w, src_w > 0 ? "Source" : "", src_w > 0 ? " " : "", "Rating");
	w_put(w, 2, 1, cols, line, 1);
	wattroff(w, w_attr(CP_DIM));
	if (c->list.count == 0)
		w_put(w, 3, 1, cols, c->search.len > 0 ? "Nothing matches." :
		    "The library is empty.", 1);
	for (i = c->list.top; i < c->list.count && i - c->list.top < list_rows - 1; i++) {
		it = json_array_get(c->items, (size_t)i);
		snprintf(line, sizeof line, "%-*.*s %11s  %-*.*s%s%-6.6s", type_w, type_w,
		    jstr(it, "type"), w_hmsf(json_integer_value(json_object_get(it, "duration_ms")),
		    dur, sizeof dur), src_w, src_w, jstr(it, "source"), src_w > 0 ? " " : "",
		    jstr(it, "rating"));
		if (i == c->list.sel)
			wattron(w, focus ? w_attr(CP_SELECT) : A_BOLD);
		w_put(w, 3 + i - c->list.top, 1, title_w, display_title(jstr(it, "title")), 1);
		waddch(w, ' ');
		w_put(w, 3 + i - c->list.top, 2 + title_w, cols - title_w - 1, line, 1);
		wattroff(w, w_attr(CP_SELECT) | A_BOLD);
	}
}

/* Keep the console's content selection on the selected row. */
static void
note_selection(struct content *c, struct console *con)
{
	json_t *it = json_array_get(c->items, (size_t)(c->list.sel < 0 ? 0 : c->list.sel));

	console_select_content(con, it != NULL ? json_integer_value(json_object_get(it, "id")) :
	    0);
}

/* Next value of a filter, wrapping. */
static size_t
cycle(size_t v, size_t n)
{
	return (v + 1) % n;
}

/* Typing a search: the keys edit it, Enter or Esc ends it. */
static int
cnt_key(void *state, struct console *con, int key)
{
	struct content *c = state;
	int rows = console_pane_rows(con, &pane_content);

	if (!c->typing)
		return 0;
	if (key == '\n' || key == 27) {
		c->typing = 0;
		if (key == 27 && c->search.len > 0) {
			w_input_set(&c->search, "");
			c->want_fetch = 1;
		}
	} else if (key == KEY_UP || key == KEY_DOWN || key == KEY_NPAGE || key == KEY_PPAGE) {
		w_list_key(&c->list, key, rows - 3);
	} else if (w_input_key(&c->search, key)) {
		c->fetch_at = now_ms() + SEARCH_DELAY_MS;
	}
	note_selection(c, con);
	return 1;
}

/* The list changes: fetch it from the top. */
static int
refetch(struct content *c)
{
	c->want_fetch = 1;
	c->list.sel = 0;
	c->list.top = 0;
	return 1;
}

/* / or F3: search as you type. */
static int
cnt_search(void *state, struct console *con, int key)
{
	(void)con;
	(void)key;
	((struct content *)state)->typing = 1;
	return 1;
}

/* t s r p: the next type, source, rating or daypart. */
static int
cnt_filter(void *state, struct console *con, int key)
{
	struct content *c = state;

	(void)con;
	if (key == 't')
		c->type = cycle(c->type, nitems(types));
	else if (key == 's') {
		source_kinds();
		c->source = cycle(c->source, nsources);
	}
	else if (key == 'r')
		c->rating = cycle(c->rating, nitems(ratings));
	else
		c->daypart = cycle(c->daypart, nitems(dayparts));
	return refetch(c);
}

/* o or F6: the next order; O: reversed. */
static int
cnt_sort(void *state, struct console *con, int key)
{
	struct content *c = state;

	(void)con;
	if (key == 'O')
		c->desc = !c->desc;
	else
		c->sort = cycle(c->sort, nitems(sorts));
	return refetch(c);
}

/* x: no filters, no search. */
static int
cnt_clear(void *state, struct console *con, int key)
{
	struct content *c = state;

	(void)con;
	(void)key;
	c->type = c->source = c->rating = c->daypart = 0;
	w_input_set(&c->search, "");
	return refetch(c);
}

/* Move in the list (dialogs act on the selected item). */
static int
cnt_move(void *state, struct console *con, int key)
{
	struct content *c = state;

	if (!w_list_key(&c->list, key, console_pane_rows(con, &pane_content) - 3))
		return 0;
	note_selection(c, con);
	return 1;
}

/* Enter: the selected item's metadata. */
static int
cnt_metadata(void *state, struct console *con, int key)
{
	(void)state;
	(void)key;
	dlg_metadata(con, console_content(con));
	return 1;
}

static const struct key_bind cnt_keys[] = {
	{ { '/', KEY_F(3) }, "search as you type (Enter or Esc ends)", "/:search", cnt_search,
	    NULL, 0 },
	{ { 't', 's', 'r', 'p' }, "filter by type, source, rating, daypart", "t s r p:filter",
	    cnt_filter, NULL, 0 },
	{ { 'o', KEY_F(6) }, "sort: title, duration, type, source, modified", "o:sort", cnt_sort,
	    NULL, 0 },
	{ { 'O' }, "reverse the order", NULL, cnt_sort, NULL, 0 },
	{ { 'x' }, "clear the filters", "x:clear", cnt_clear, NULL, 0 },
	{ { KEY_UP, KEY_DOWN, 'k', 'j', KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, 'g', 'G' },
	    "select an item", NULL, cnt_move, NULL, 0 },
	{ { '\n' }, "the selected item's metadata", "Enter:metadata", cnt_metadata, NULL, 0 },
	{ { 'c' }, "its chapters, with the picture", "c:chapters", NULL, &dlg_chapters, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

static int
cnt_tick(void *state, struct console *con, int64_t now)
{
	struct content *c = state;

	if (c->fetch_at != 0 && now >= c->fetch_at) {
		c->fetch_at = 0;
		c->want_fetch = 1;
		c->list.sel = 0;
		c->list.top = 0;
	}
	/* One request at a time; what changed meanwhile is asked for after it. */
	if (!c->want_fetch || c->pending)
		return 0;
	fetch(c, con);
	return 0;
}

/* The library changed (a sync, an edit in another console): fetch again. */
static int
cnt_event(void *state, struct console *con, json_t *ev)
{
	struct content *c = state;
	const char *name = json_string_value(json_object_get(ev, "event"));

	(void)con;
	if (name != NULL && (strncmp(name, "content", 7) == 0 || strncmp(name, "chapters", 8) == 0 ||
	    strncmp(name, "sync", 4) == 0)) {
		c->want_fetch = 1;
		return 1;
	}
	return 0;
}

static int
cnt_typing(void *state)
{
	return ((struct content *)state)->typing;
}

static const char *
cnt_title(void *state)
{
	struct content *c = state;

	if (c->total > c->list.count)
		snprintf(c->title, sizeof c->title, "Content (%d of %ld)", c->list.count, c->total);
	else
		snprintf(c->title, sizeof c->title, "Content (%d)", c->list.count);
	return c->title;
}

const struct pane_kind pane_content = {
	.name = "Content browser",
	.keys = cnt_keys,
	.open = cnt_open,
	.close = cnt_close,
	.draw = cnt_draw,
	.key = cnt_key,
	.tick = cnt_tick,
	.event = cnt_event,
	.typing = cnt_typing,
	.title = cnt_title,
};
