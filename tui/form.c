/*
 * form.c: the editing dialogs' small dialogs: the form, one line asked,
 * the yes/no question and the confirmation by a typed word. Each is a
 * dialog kind the console runs; its opener hears back when it closes.
 */
#include "tui/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/util.h"
#include "tui/console.h"
#include "tui/dialogs.h"

struct form_state {
	char *title;
	struct form_field *f;           /* a copy of the opener's fields */
	int n;
	int focus;                      /* 0..n-1 fields, n Save, n+1 Cancel */
	int top;                        /* the first field shown (a tall form scrolls) */
	const char *const *info;
	int ninfo;
	int info_top;
	char err[256];
	form_submit_fn submit;
	form_done_fn done;
	void *arg;
	int saved;
};

/* Draw the form into w. */
static void
form_draw(void *state, struct console *con, WINDOW *w)
{
	struct form_state *s = state;
	int rows = getmaxy(w), cols = getmaxx(w), lw = 0, i, y, len, fit;
	char stars[300];

	(void)con;
	w_frame(w, s->title, 1);
	for (i = 0; i < s->n; i++)
		if ((len = (int)strlen(s->f[i].label)) > lw)
			lw = len;
	/* As many fields as leave room for the buttons, the error and the hint. */
	fit = rows - 7 > 1 ? rows - 7 : 1;
	if (s->focus < s->n && s->focus < s->top)
		s->top = s->focus;
	else if (s->focus < s->n && s->focus >= s->top + fit)
		s->top = s->focus - fit + 1;
	if (s->top > 0 && s->top > s->n - fit)
		s->top = s->n - fit > 0 ? s->n - fit : 0;
	if (s->top > 0)
		mvwaddch(w, 2, cols - 2, ACS_UARROW);
	if (s->top + fit < s->n)
		mvwaddch(w, 1 + fit, cols - 2, ACS_DARROW);
	for (i = s->top, y = 2; i < s->n && y < 2 + fit; i++, y++) {
		w_put(w, y, 2, lw + 1, s->f[i].label, 1);
		if (s->f[i].secret) {
			struct w_input masked;

			len = (int)strlen(s->f[i].in.buf);
			memset(stars, '*', (size_t)len);
			stars[len] = '\0';
			w_input_set(&masked, stars);
			w_input_draw(w, &masked, y, lw + 4, cols - lw - 6, s->focus == i);
		} else if (s->f[i].choices != NULL) {
			snprintf(stars, sizeof stars, "< %s >", s->f[i].in.buf[0] != '\0' ?
			    s->f[i].in.buf : "(none)");
			if (s->focus == i)
				wattron(w, A_REVERSE);
			w_put(w, y, lw + 4, cols - lw - 6, stars, 0);
			wattroff(w, A_REVERSE);
		} else
			w_input_draw(w, &s->f[i].in, y, lw + 4, cols - lw - 6, s->focus == i);
	}
	y++;
	if (s->focus == s->n)
		wattron(w, A_REVERSE);
	mvwaddstr(w, y, 2 + lw + 2, "[ Save ]");
	wattroff(w, A_REVERSE);
	if (s->focus == s->n + 1)
		wattron(w, A_REVERSE);
	mvwaddstr(w, y, 2 + lw + 12, "[ Cancel ]");
	wattroff(w, A_REVERSE);
	y++;
	if (s->err[0] != '\0') {
		wattron(w, w_attr(CP_ALERT));
		w_put(w, y, 2, cols - 4, s->err, 1);
		wattroff(w, w_attr(CP_ALERT));
	}
	y++;
	if (s->ninfo > 0 && y < rows - 2) {
		wattron(w, w_attr(CP_DIM));
		mvwhline(w, y, 1, ACS_HLINE, cols - 2);
		wattroff(w, w_attr(CP_DIM));
		for (i = s->info_top, y++; i < s->ninfo && y < rows - 2; i++, y++)
			w_put(w, y, 2, cols - 4, s->info[i], 1);
	}
	wattron(w, w_attr(CP_DIM));
	w_put(w, rows - 2, 2, cols - 4, "Tab/Up/Down: field  Left/Right: choose  Enter: next, "
	    "or press the button  Esc: cancel", 1);
	wattroff(w, w_attr(CP_DIM));
}

/* The form's size: its fields, the buttons, the read-only lines. */
static void
form_size(void *state, int *rows, int *cols)
{
	struct form_state *s = state;

	*rows = s->n + 8 + (s->ninfo > 0 ? s->ninfo + 1 : 0);
	*cols = 96;
}

/* Cycle a choice field. */
static void
form_cycle(struct form_field *f, int dir)
{
	int n, i;

	for (n = 0; f->choices[n] != NULL; n++)
		;
	if (n == 0)
		return;
	for (i = 0; i < n && strcmp(f->choices[i], f->in.buf) != 0; i++)
		;
	i = i == n ? (dir > 0 ? 0 : n - 1) : (i + dir + n) % n;
	w_input_set(&f->in, f->choices[i]);
}

/* Esc: cancel. */
static int
form_key_cancel(void *state, struct console *con, int key)
{
	(void)key;
	console_dialog_close(con, state);
	return 1;
}

/* Tab, Down: the next field or button; Shift-Tab, Up: the previous. */
static int
form_key_move(void *state, struct console *con, int key)
{
	struct form_state *s = state;
	int total = s->n + 2;

	(void)con;
	if (key == '\t' || key == KEY_DOWN)
		s->focus = (s->focus + 1) % total;
	else
		s->focus = (s->focus + total - 1) % total;
	return 1;
}

/* PgUp/PgDn: scroll the read-only lines. */
static int
form_key_scroll(void *state, struct console *con, int key)
{
	struct form_state *s = state;

	(void)con;
	if (key == KEY_NPAGE) {
		if (s->info_top + 1 < s->ninfo)
			s->info_top += 5;
		if (s->info_top >= s->ninfo)
			s->info_top = s->ninfo > 0 ? s->ninfo - 1 : 0;
	} else
		s->info_top = s->info_top > 5 ? s->info_top - 5 : 0;
	return 1;
}

/* Enter: the next field, or press the button (a one-field form saves). */
static int
form_key_enter(void *state, struct console *con, int key)
{
	struct form_state *s = state;

	(void)key;
	if (s->focus == s->n + 1)
		console_dialog_close(con, s);
	else if (s->focus == s->n || s->n == 1) {
		s->err[0] = '\0';
		if (s->submit == NULL || s->submit(s->arg, s->f, s->n, s->err, sizeof s->err) == 0) {
			s->saved = 1;
			console_dialog_close(con, s);
		}
	} else
		s->focus++;
	return 1;
}

/* Left/Right: choose (a choice field), or the other button. */
static int
form_key_choose(void *state, struct console *con, int key)
{
	struct form_state *s = state;

	(void)con;
	if (s->focus < s->n && s->f[s->focus].choices != NULL)
		form_cycle(&s->f[s->focus], key == KEY_RIGHT ? 1 : -1);
	else if (s->focus >= s->n)
		s->focus = s->focus == s->n ? s->n + 1 : s->n;
	return 1;
}

/* Typing into a text field; Space also cycles a choice. */
static void
form_key(void *state, struct console *con, int key)
{
	struct form_state *s = state;

	(void)con;
	if (s->focus < s->n && s->f[s->focus].choices != NULL && key == ' ')
		form_cycle(&s->f[s->focus], 1);
	else if (s->focus < s->n && s->f[s->focus].choices == NULL)
		w_input_key(&s->f[s->focus].in, key);
}

/* Backspace, Ctrl-U in a text field (named here for the help screen). */
static int
form_key_edit(void *state, struct console *con, int key)
{
	form_key(state, con, key);
	return 1;
}

/* Closed: tell the opener, wipe the secrets, free. */
static void
form_close(void *state, struct console *con)
{
	struct form_state *s = state;
	int i;

	if (s->done != NULL)
		s->done(s->arg, con, s->saved, s->f, s->n);
	for (i = 0; i < s->n; i++)
		explicit_bzero(s->f[i].in.buf, sizeof s->f[i].in.buf);
	free(s->f);
	free(s->title);
	free(s);
}

static const struct key_bind form_keys[] = {
	{ { '\t', KEY_DOWN }, "next field or button", NULL, form_key_move, NULL, 0 },
	{ { KEY_BTAB, KEY_UP }, "previous field or button", NULL, form_key_move, NULL, 0 },
	{ { KEY_LEFT, KEY_RIGHT }, "choose (a field with < >), or the other button", NULL,
	    form_key_choose, NULL, 0 },
	{ { '\n' }, "next field, or press Save / Cancel (one field: save)", NULL,
	    form_key_enter, NULL, 0 },
	{ { KEY_BACKSPACE, 127, 8, 21 }, "delete a character; Ctrl-U clears the field", NULL,
	    form_key_edit, NULL, 0 },
	{ { KEY_PPAGE, KEY_NPAGE }, "scroll the read-only lines", NULL, form_key_scroll, NULL, 0 },
	{ { 27 }, "cancel", NULL, form_key_cancel, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind form_kind = {
	.name = "Forms (editing a row, adding one, metadata)",
	.keys = form_keys,
	.size = form_size,
	.draw = form_draw,
	.key = form_key,
	.close = form_close,
};

void
form_open(struct console *con, const char *title, const struct form_field *f, int n,
    const char *const *info, int ninfo, form_submit_fn submit, form_done_fn done, void *arg)
{
	struct form_state *s = xcalloc(1, sizeof *s);

	s->title = xstrdup(title);
	s->f = xcalloc((size_t)(n > 0 ? n : 1), sizeof *s->f);
	memcpy(s->f, f, (size_t)n * sizeof *f);
	s->n = n;
	s->info = info;
	s->ninfo = ninfo;
	s->submit = submit;
	s->done = done;
	s->arg = arg;
	console_dialog_open(con, &form_kind, s);
}

/* form_ask's opener and its callback. */
struct ask {
	void (*done)(void *, struct console *, const char *);
	void *arg;
};

/* The one-line form closed: hand the text on. */
static void
ask_done(void *arg, struct console *con, int saved, struct form_field *f, int n)
{
	struct ask *a = arg;

	(void)n;
	a->done(a->arg, con, saved ? f[0].in.buf : NULL);
	free(a);
}

void
form_ask(struct console *con, const char *title, const char *label, const char *text,
    void (*done)(void *arg, struct console *con, const char *text), void *arg)
{
	struct form_field f;
	struct ask *a = xcalloc(1, sizeof *a);

	memset(&f, 0, sizeof f);
	f.label = label;
	w_input_set(&f.in, text);
	a->done = done;
	a->arg = arg;
	form_open(con, title, &f, 1, NULL, 0, NULL, ask_done, a);
}

/* A question: y/n, or a word to type. */
struct confirm {
	char *title;
	char *text;
	char *word;                     /* NULL: y/n */
	struct w_input in;
	int yes;
	void (*done)(void *, struct console *, int);
	void *arg;
};

/* Open a question of kind. */
static void
confirm_open(struct console *con, const struct dlg_kind *kind, const char *title,
    const char *text, const char *word, void (*done)(void *, struct console *, int), void *arg)
{
	struct confirm *c = xcalloc(1, sizeof *c);

	c->title = xstrdup(title);
	c->text = xstrdup(text);
	c->word = word != NULL ? xstrdup(word) : NULL;
	c->done = done;
	c->arg = arg;
	console_dialog_open(con, kind, c);
}

/* Answered (or not): tell the opener, free. */
static void
confirm_close(void *state, struct console *con)
{
	struct confirm *c = state;

	if (c->done != NULL)
		c->done(c->arg, con, c->yes);
	free(c->title);
	free(c->text);
	free(c->word);
	free(c);
}

/* The y/n question. */
static void
confirm_draw(void *state, struct console *con, WINDOW *w)
{
	struct confirm *c = state;

	(void)con;
	w_frame(w, c->title, 1);
	w_wrap(w, 1, 2, getmaxx(w) - 4, 4, c->text);
	wattron(w, A_BOLD);
	w_put(w, 6, 2, getmaxx(w) - 4, "y: yes   n/Esc: no", 1);
	wattroff(w, A_BOLD);
}

/* Its size. */
static void
confirm_size(void *state, int *rows, int *cols)
{
	(void)state;
	*rows = 8;
	*cols = 64;
}

/* y: yes. */
static int
confirm_key_yes(void *state, struct console *con, int key)
{
	struct confirm *c = state;

	(void)key;
	c->yes = 1;
	console_dialog_close(con, c);
	return 1;
}

/* n, Esc: no. */
static int
confirm_key_no(void *state, struct console *con, int key)
{
	(void)key;
	console_dialog_close(con, state);
	return 1;
}

static const struct key_bind confirm_keys[] = {
	{ { 'y', 'Y' }, "yes", NULL, confirm_key_yes, NULL, 0 },
	{ { 'n', 'N', 27 }, "no", NULL, confirm_key_no, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind form_confirm_kind = {
	.name = "Questions (stop a channel, remove a row, quit...)",
	.keys = confirm_keys,
	.size = confirm_size,
	.draw = confirm_draw,
	.close = confirm_close,
};

void
form_confirm(struct console *con, const char *title, const char *question,
    void (*done)(void *arg, struct console *con, int yes), void *arg)
{
	confirm_open(con, &form_confirm_kind, title, question, NULL, done, arg);
}

/* Whether typed is one of the words in "A|B|C" (case-insensitive). */
static int
word_matches(const char *typed, const char *words)
{
	size_t n = strlen(typed);
	const char *p = words, *end;

	while (*p != '\0') {
		end = strchr(p, '|');
		if (end == NULL)
			end = p + strlen(p);
		if (n > 0 && (size_t)(end - p) == n && strncasecmp(p, typed, n) == 0)
			return 1;
		p = *end == '|' ? end + 1 : end;
	}
	return 0;
}

/* The question with the word to type. */
static void
word_draw(void *state, struct console *con, WINDOW *w)
{
	struct confirm *c = state;
	char line[160];

	(void)con;
	w_frame(w, c->title, 1);
	w_wrap(w, 1, 2, getmaxx(w) - 4, 3, c->text);
	snprintf(line, sizeof line, "Type %s and press Enter (Esc cancels):", c->word);
	for (char *bar = line; (bar = strchr(bar, '|')) != NULL; )
		*bar = '/';
	w_put(w, 5, 2, getmaxx(w) - 4, line, 1);
	w_input_draw(w, &c->in, 7, 2, getmaxx(w) - 4 < 30 ? getmaxx(w) - 4 : 30, 1);
}

/* Its size. */
static void
word_size(void *state, int *rows, int *cols)
{
	(void)state;
	*rows = 9;
	*cols = 64;
}

/* Enter: done if the word is right, else start again. */
static int
word_key_enter(void *state, struct console *con, int key)
{
	struct confirm *c = state;

	(void)key;
	if (word_matches(c->in.buf, c->word)) {
		c->yes = 1;
		console_dialog_close(con, c);
	} else {
		flash();
		w_input_set(&c->in, "");
	}
	return 1;
}

/* Typing the word. */
static void
word_key(void *state, struct console *con, int key)
{
	(void)con;
	w_input_key(&((struct confirm *)state)->in, key);
}

/* Backspace, Ctrl-U (named here for the help screen). */
static int
word_key_edit(void *state, struct console *con, int key)
{
	word_key(state, con, key);
	return 1;
}

static const struct key_bind word_keys[] = {
	{ { '\n' }, "done, when the word typed is right (else type it again)", NULL,
	    word_key_enter, NULL, 0 },
	{ { KEY_BACKSPACE, 127, 8, 21 }, "delete a character; Ctrl-U clears", NULL, word_key_edit,
	    NULL, 0 },
	{ { 27 }, "cancel: nothing happens", NULL, confirm_key_no, NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind form_word_kind = {
	.name = "Confirming by a typed word (SEND an alert, REMOVE files)",
	.keys = word_keys,
	.size = word_size,
	.draw = word_draw,
	.key = word_key,
	.close = confirm_close,
};

void
form_confirm_word(struct console *con, const char *title, const char *what, const char *word,
    void (*done)(void *arg, struct console *con, int yes), void *arg)
{
	confirm_open(con, &form_word_kind, title, what, word, done, arg);
}
