/*
 * form.c: the editing dialogs' modal form.
 */
#include "tui/form.h"

#include <stdio.h>
#include <string.h>

#include "tui/console.h"

struct form_state {
	const char *title;
	struct form_field *f;
	int n;
	int focus;                      /* 0..n-1 fields, n Save, n+1 Cancel */
	const char *const *info;
	int ninfo;
	int info_top;
	char err[256];
};

/* Draw the form into w. */
static void
form_draw(WINDOW *w, struct form_state *s)
{
	int rows = getmaxy(w), cols = getmaxx(w), lw = 0, i, y, len;
	char stars[300];

	werase(w);
	w_frame(w, s->title, 1);
	for (i = 0; i < s->n; i++)
		if ((len = (int)strlen(s->f[i].label)) > lw)
			lw = len;
	for (i = 0, y = 2; i < s->n && y < rows - 3; i++, y++) {
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

/* Run. */
int
form_run(struct console *con, const char *title, struct form_field *f, int n,
    const char *const *info, int ninfo, form_submit_fn submit, void *arg)
{
	struct form_state s;
	WINDOW *w = NULL;
	int key, rows, saved = 0, done = 0, total = n + 2;

	memset(&s, 0, sizeof s);
	s.title = title;
	s.f = f;
	s.n = n;
	s.info = info;
	s.ninfo = ninfo;
	rows = n + 8 + (ninfo > 0 ? ninfo + 1 : 0);
	while (!done) {
		if (w == NULL && (w = w_dialog(rows, 96, title)) == NULL)
			break;
		form_draw(w, &s);
		wnoutrefresh(w);
		key = console_getch(con, w);
		if (key == ERR)
			continue;
		if (key == KEY_RESIZE) {
			w_dialog_free(&w);
			continue;
		}
		switch (key) {
		case 27:
			done = 1;
			break;
		case '\t':
		case KEY_DOWN:
			s.focus = (s.focus + 1) % total;
			break;
		case KEY_BTAB:
		case KEY_UP:
			s.focus = (s.focus + total - 1) % total;
			break;
		case KEY_NPAGE:
			if (s.info_top + 1 < ninfo)
				s.info_top += 5;
			if (s.info_top >= ninfo)
				s.info_top = ninfo - 1;
			break;
		case KEY_PPAGE:
			s.info_top = s.info_top > 5 ? s.info_top - 5 : 0;
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
			if (s.focus == n + 1)
				done = 1;
			else if (s.focus == n || n == 1) {
				s.err[0] = '\0';
				if (submit == NULL || submit(arg, f, n, s.err, sizeof s.err) == 0)
					saved = done = 1;
			} else
				s.focus++;
			break;
		case KEY_LEFT:
		case KEY_RIGHT:
			if (s.focus < n && f[s.focus].choices != NULL)
				form_cycle(&f[s.focus], key == KEY_RIGHT ? 1 : -1);
			else if (s.focus >= n)
				s.focus = s.focus == n ? n + 1 : n;
			break;
		default:
			if (s.focus < n && f[s.focus].choices != NULL && key == ' ')
				form_cycle(&f[s.focus], 1);
			else if (s.focus < n && f[s.focus].choices == NULL)
				w_input_key(&f[s.focus].in, key);
			break;
		}
	}
	w_dialog_free(&w);
	console_redraw(con);
	return saved;
}

/* One line. */
int
form_ask(struct console *con, const char *title, const char *label, char *buf, size_t len)
{
	struct form_field f;

	memset(&f, 0, sizeof f);
	f.label = label;
	w_input_set(&f.in, buf);
	if (!form_run(con, title, &f, 1, NULL, 0, NULL, NULL))
		return 0;
	snprintf(buf, len, "%s", f.in.buf);
	return 1;
}
