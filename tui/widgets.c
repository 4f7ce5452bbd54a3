/*
 * widgets.c: the console's shared drawing pieces.
 */
#include "tui/widgets.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "src/util.h"

/* The attribute of a colour pair; reverse/bold stand in without colour. */
unsigned int
w_attr(int pair)
{
	if (has_colors())
		return (unsigned int)COLOR_PAIR(pair) | (pair == CP_ONAIR || pair == CP_ALERT ||
		    pair == CP_FAULT || pair == CP_FOCUS ? A_BOLD : 0);
	switch (pair) {
	case CP_TITLE:
	case CP_SELECT:
	case CP_ALERT:
		return A_REVERSE;
	case CP_ONAIR:
	case CP_FOCUS:
	case CP_FAULT:
		return A_BOLD;
	case CP_DIM:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

/* hh:mm:ss.ff at 25 fps (util's fmt_duration, so the CLI and the console agree). */
char *
w_hmsf(int64_t ms, char *buf, size_t len)
{
	if (ms < 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	return fmt_duration(buf, len, ms, 25);
}

/* hh:mm:ss. */
char *
w_hms(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		ms = 0;
	snprintf(buf, len, "%02lld:%02lld:%02lld", (long long)(ms / 3600000),
	    (long long)(ms / 60000 % 60), (long long)(ms / 1000 % 60));
	return buf;
}

/* Local wall clock. */
char *
w_clock(int64_t utc_ms, char *buf, size_t len)
{
	time_t t = (time_t)(utc_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

/* Print UTF-8 text clipped to width cells. */
int
w_put(WINDOW *w, int y, int x, int width, const char *s, int pad)
{
	mbstate_t ps;
	wchar_t wc;
	size_t n, left;
	int used = 0, cw;

	if (width <= 0)
		return 0;
	wmove(w, y, x);
	memset(&ps, 0, sizeof ps);
	left = s != NULL ? strlen(s) : 0;
	while (left > 0) {
		n = mbrtowc(&wc, s, left, &ps);
		if (n == (size_t)-1 || n == (size_t)-2) {
			/* Not text in this locale: one '?' per byte. */
			memset(&ps, 0, sizeof ps);
			wc = L'?';
			n = 1;
		} else if (n == 0)
			break;
		if (wc < 32 || wc == 127)
			wc = L' ';
		cw = wcwidth(wc);
		if (cw < 0)
			cw = 1, wc = L'?';
		if (used + cw > width)
			break;
		if (wc < 128)
			waddch(w, (chtype)wc);
		else
			waddnwstr(w, &wc, 1);
		used += cw;
		s += n;
		left -= n;
	}
	while (pad && used < width) {
		waddch(w, ' ');
		used++;
	}
	return used;
}

/* Word-wrap text into at most lines rows of width cells at (y, x); rows used. */
int
w_wrap(WINDOW *w, int y, int x, int width, int lines, const char *text)
{
	char buf[1024], *p, *line, *cut;
	int row = 0;

	utf8_copy(buf, sizeof buf, text);
	p = buf;
	while (*p != '\0' && row < lines) {
		line = p;
		if ((int)strlen(p) <= width)
			p += strlen(p);
		else {
			/* Break at the last space that fits (bytes: fine for the ASCII we wrap). */
			cut = p + width;
			while (cut > p && *cut != ' ')
				cut--;
			if (cut == p)
				cut = p + width;
			p = cut;
		}
		{
			char save = *p;

			*p = '\0';
			w_put(w, y + row, x, width, line, 1);
			*p = save;
		}
		while (*p == ' ')
			p++;
		row++;
	}
	return row;
}

/* Frame and title. */
void
w_frame(WINDOW *w, const char *title, int focus)
{
	unsigned int attr = w_attr(focus ? CP_FOCUS : CP_FRAME);
	int cols = getmaxx(w);

	wattron(w, attr);
	box(w, 0, 0);
	if (title != NULL && cols > 6) {
		mvwaddch(w, 0, 1, ' ');
		w_put(w, 0, 2, cols - 5, title, 0);
		waddch(w, ' ');
	}
	wattroff(w, attr);
}

/* A progress bar. */
void
w_bar(WINDOW *w, int y, int x, int cols, double done, int unicode)
{
	static const wchar_t eighths[] = L" \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588";
	unsigned int attr = w_attr(CP_BAR);
	int i, full, part;
	wchar_t wc;

	if (cols <= 0)
		return;
	if (done < 0)
		done = 0;
	if (done > 1)
		done = 1;
	full = (int)(done * cols * 8);
	part = full % 8;
	full /= 8;
	wmove(w, y, x);
	wattron(w, attr);
	for (i = 0; i < cols; i++) {
		if (i < full)
			unicode ? waddnwstr(w, &eighths[8], 1) : waddch(w, '#');
		else if (i == full && part > 0 && unicode) {
			wc = eighths[part];
			waddnwstr(w, &wc, 1);
		} else {
			wattroff(w, attr);
			wattron(w, w_attr(CP_DIM));
			unicode ? waddnwstr(w, L"\u2500", 1) : waddch(w, '-');
			wattroff(w, w_attr(CP_DIM));
			wattron(w, attr);
		}
	}
	wattroff(w, attr);
}

/* A centred framed window. */
WINDOW *
w_dialog(int rows, int cols, const char *title)
{
	WINDOW *w;

	if (rows > LINES)
		rows = LINES;
	if (cols > COLS)
		cols = COLS;
	if (rows < 3)
		rows = 3;
	if (cols < 10)
		cols = 10;
	if ((w = newwin(rows, cols, (LINES - rows) / 2, (COLS - cols) / 2)) == NULL)
		return NULL;
	keypad(w, TRUE);
	wbkgd(w, (chtype)w_attr(CP_NORMAL));
	werase(w);
	w_frame(w, title, 1);
	return w;
}

/* Free a dialog. */
void
w_dialog_free(WINDOW **wp)
{
	if (wp == NULL || *wp == NULL)
		return;
	delwin(*wp);
	*wp = NULL;
}

/* Draw an input line; focus shows a block where the next character goes. */
void
w_input_draw(WINDOW *w, struct w_input *in, int y, int x, int cols, int focus)
{
	int used;

	if (cols < 2)
		return;
	wattron(w, A_UNDERLINE | (focus ? A_BOLD : 0));
	used = w_put(w, y, x, cols - 1, in->buf, 1);
	wattroff(w, A_UNDERLINE | A_BOLD);
	if (focus) {
		wattron(w, A_REVERSE);
		mvwaddch(w, y, x + (used < cols - 1 ? used : cols - 1), ' ');
		wattroff(w, A_REVERSE);
	}
}

/* Edit an input. */
int
w_input_key(struct w_input *in, int key)
{
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (in->len == 0)
			return 1;
		/* Back over a whole UTF-8 sequence. */
		in->len = utf8_back(in->buf, in->len);
		in->buf[in->len] = '\0';
		return 1;
	}
	if (key == 21) {        /* ^U */
		in->len = 0;
		in->buf[0] = '\0';
		return 1;
	}
	if (key >= 32 && key < 256 && key != 127 && in->len + 1 < sizeof in->buf) {
		in->buf[in->len++] = (char)key;
		in->buf[in->len] = '\0';
		return 1;
	}
	return 0;
}

/* Set the text. */
void
w_input_set(struct w_input *in, const char *s)
{
	utf8_copy(in->buf, sizeof in->buf, s != NULL ? s : "");
	in->len = strlen(in->buf);
}

/* Keep the selection valid and visible. */
void
w_list_fix(struct w_list *l, int rows)
{
	if (l->count <= 0) {
		l->sel = -1;
		l->top = 0;
		return;
	}
	if (l->sel < 0)
		l->sel = 0;
	if (l->sel >= l->count)
		l->sel = l->count - 1;
	if (rows < 1)
		rows = 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	if (l->top > l->count - rows)
		l->top = l->count - rows;
	if (l->top < 0)
		l->top = 0;
}

/* Move the selection. */
int
w_list_key(struct w_list *l, int key, int rows)
{
	switch (key) {
	case KEY_UP:
	case 'k':
		l->sel--;
		break;
	case KEY_DOWN:
	case 'j':
		l->sel++;
		break;
	case KEY_PPAGE:
		l->sel -= rows > 1 ? rows - 1 : 1;
		break;
	case KEY_NPAGE:
		l->sel += rows > 1 ? rows - 1 : 1;
		break;
	case KEY_HOME:
	case 'g':
		l->sel = 0;
		break;
	case KEY_END:
	case 'G':
		l->sel = l->count - 1;
		break;
	default:
		return 0;
	}
	if (l->sel < 0)
		l->sel = 0;
	w_list_fix(l, rows);
	return 1;
}
