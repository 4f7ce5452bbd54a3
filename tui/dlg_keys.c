/*
 * dlg_keys.c: the help screen (? or F1): every key, by where it applies,
 * read from the key tables that also drive the keys: the console's, each
 * pane's, and each dialog's (the dialogs a key opens, the dialogs those
 * open, and the small ones every editor uses). Opened over a dialog, it
 * starts at that dialog's keys.
 */
#include <stdlib.h>
#include <string.h>

#include "src/util.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/keys.h"
#include "tui/pane.h"
#include "tui/widgets.h"

#define KINDS_MAX 32
#define LABEL_COLS 22                   /* the keys' column */
#define WIDTH_MAX 100                   /* the screen's widest */

struct lines {
	char **v;
	int n;
};

struct keys {
	struct lines l;
	int width;                      /* the lines are wrapped for this many columns */
	const char *start;              /* the heading to open at (a dialog's), or NULL */
	int top;                        /* first line shown */
	int page;                       /* lines shown in the last draw */
};

/* Add a line. */
static void
add_line(struct lines *l, const char *text)
{
	l->v = xreallocarray(l->v, (size_t)l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(text);
}

/* Add a row: its keys, then what they do, wrapped in the column after them. */
static void
add_row(struct lines *l, const struct key_bind *b, int width)
{
	char label[128], line[512];
	const char *p = b->help != NULL ? b->help : "";
	int room = width - 2 - LABEL_COLS - 1, len, first = 1;

	if (room < 20)
		room = 20;
	keys_label(b, label, sizeof label);
	if ((int)strlen(label) > LABEL_COLS) {
		/* Keys too many for the column: on a line of their own. */
		snprintf(line, sizeof line, "  %s", label);
		add_line(l, line);
		first = 0;
	}
	do {
		len = (int)strlen(p);
		if (len > room) {
			/* Break at the last space that fits. */
			for (len = room; len > 0 && p[len] != ' '; len--)
				;
			if (len == 0)
				len = room;
		}
		snprintf(line, sizeof line, "  %-*s %.*s", LABEL_COLS, first ? label : "", len, p);
		add_line(l, line);
		first = 0;
		p += len;
		while (*p == ' ')
			p++;
	} while (*p != '\0');
}

/* Add a section: its heading (no indent), then its rows. */
static void
add_table(struct lines *l, const char *heading, const struct key_bind *t, int width)
{
	if (keys_count(t) == 0)
		return;
	add_line(l, heading);
	for (; t->keys[0] != 0; t++)
		add_row(l, t, width);
}

/* Note the dialogs t's rows open, once each. */
static void
find_kinds(const struct key_bind *t, const struct dlg_kind **kinds, int *n)
{
	int i;

	for (; t != NULL && t->keys[0] != 0; t++) {
		if (t->dialog == NULL)
			continue;
		for (i = 0; i < *n && kinds[i] != t->dialog; i++)
			;
		if (i == *n && *n < KINDS_MAX)
			kinds[(*n)++] = t->dialog;
	}
}

char **
dlg_keys_lines(int width, int *n)
{
	static const struct dlg_kind *const small[] = {
		&form_kind, &form_confirm_kind, &form_word_kind,
	};
	const struct dlg_kind *kinds[KINDS_MAX];
	struct lines l = { NULL, 0 };
	int nk = 0, i;
	size_t s;

	add_table(&l, "Everywhere (when the focused pane does not use the key)", console_keys,
	    width);
	find_kinds(console_keys, kinds, &nk);
	for (i = 0; console_panes[i] != NULL; i++) {
		add_table(&l, console_panes[i]->name, console_panes[i]->keys, width);
		find_kinds(console_panes[i]->keys, kinds, &nk);
	}
	/* The dialogs the keys open, then the ones those open: the list grows as it goes. */
	for (i = 0; i < nk; i++)
		find_kinds(kinds[i]->keys, kinds, &nk);
	for (s = 0; s < nitems(small); s++) {
		for (i = 0; i < nk && kinds[i] != small[s]; i++)
			;
		if (i == nk && nk < KINDS_MAX)
			kinds[nk++] = small[s];
	}
	for (i = 0; i < nk; i++)
		add_table(&l, kinds[i]->name, kinds[i]->keys, width);
	*n = l.n;
	return l.v;
}

void
dlg_keys_lines_free(char ***lines, int n)
{
	int i;

	if (*lines == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*lines)[i]);
	free(*lines);
	*lines = NULL;
}

/* Every key, by where it applies; over a dialog, at its keys. */
static void *
keys_open(struct console *con)
{
	struct keys *k = xcalloc(1, sizeof *k);
	const struct dlg_kind *top = console_dialog_top(con, &dlg_keys);

	k->start = top != NULL ? top->name : NULL;
	return k;
}

/* As tall as the lines, as wide as the screen allows: wrap them for that. */
static void
keys_size(void *state, int *rows, int *cols)
{
	struct keys *k = state;
	int i;

	*cols = COLS < WIDTH_MAX ? COLS : WIDTH_MAX;
	if (k->l.v == NULL || k->width != *cols - 4) {
		dlg_keys_lines_free(&k->l.v, k->l.n);
		k->width = *cols - 4;
		k->l.v = dlg_keys_lines(k->width, &k->l.n);
		for (i = 0; k->start != NULL && i < k->l.n; i++) {
			if (strcmp(k->l.v[i], k->start) == 0) {
				k->top = i;
				break;
			}
		}
		k->start = NULL;
	}
	*rows = k->l.n + 3;
}

/* Draw the lines from top, and how to move. */
static void
keys_draw(void *state, struct console *con, WINDOW *w)
{
	struct keys *k = state;
	int rows = getmaxy(w), cols = getmaxx(w), i, y;
	char more[64];

	(void)con;
	k->page = rows - 3 > 1 ? rows - 3 : 1;
	if (k->top > k->l.n - k->page)
		k->top = k->l.n - k->page;
	if (k->top < 0)
		k->top = 0;
	w_frame(w, "Keys", 1);
	for (i = k->top, y = 1; i < k->l.n && y < rows - 2; i++, y++) {
		/* A heading is the line that is not indented. */
		if (k->l.v[i][0] != ' ')
			wattron(w, A_BOLD);
		w_put(w, y, 2, cols - 4, k->l.v[i], 0);
		wattroff(w, A_BOLD);
	}
	snprintf(more, sizeof more, "lines %d-%d of %d", k->top + 1, i, k->l.n);
	wattron(w, w_attr(CP_DIM));
	w_put(w, rows - 2, 2, cols - 4, k->l.n > k->page ? "Up/Down PgUp/PgDn: scroll  any other "
	    "key closes" : "Press any key to close.", 1);
	if (k->l.n > k->page)
		w_put(w, rows - 2, cols - 2 - (int)strlen(more), (int)strlen(more), more, 0);
	wattroff(w, w_attr(CP_DIM));
}

/* Scroll. */
static int
keys_scroll(void *state, struct console *con, int key)
{
	struct keys *k = state;

	(void)con;
	switch (key) {
	case KEY_UP:
	case 'k':
		k->top--;
		break;
	case KEY_DOWN:
	case 'j':
		k->top++;
		break;
	case KEY_PPAGE:
		k->top -= k->page - 1;
		break;
	case KEY_NPAGE:
		k->top += k->page - 1;
		break;
	case KEY_HOME:
		k->top = 0;
		break;
	default:
		k->top = k->l.n;
		break;
	}
	if (k->top < 0)
		k->top = 0;
	return 1;
}

/* Any other key closes. */
static void
keys_key(void *state, struct console *con, int key)
{
	(void)key;
	console_dialog_close(con, state);
}

/* Close (from the table). */
static int
keys_close_key(void *state, struct console *con, int key)
{
	keys_key(state, con, key);
	return 1;
}

/* Free the lines. */
static void
keys_close(void *state, struct console *con)
{
	struct keys *k = state;

	(void)con;
	dlg_keys_lines_free(&k->l.v, k->l.n);
	free(k);
}

static const struct key_bind keys_keys[] = {
	{ { KEY_UP, KEY_DOWN, 'k', 'j', KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END }, "scroll", NULL,
	    keys_scroll, NULL, 0 },
	{ { 27, 'q', '?', KEY_F(1), '\n' }, "close (so does any other key)", NULL, keys_close_key,
	    NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind dlg_keys = {
	.name = "This screen",
	.keys = keys_keys,
	.open = keys_open,
	.size = keys_size,
	.draw = keys_draw,
	.key = keys_key,
	.close = keys_close,
};
