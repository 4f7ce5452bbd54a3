/*
 * widgets.h: small pieces the console's panes and dialogs share so they
 * look alike: a framed dialog window, a one-line text input, a list with a
 * selection, and time formats. The small dialogs built on them are in
 * tui/form.c.
 */
#ifndef RV_TUI_WIDGETS_H
#define RV_TUI_WIDGETS_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

/* Colour pairs (init by the console; 0 when the terminal has no colour). */
enum {
	CP_NORMAL = 1,
	CP_TITLE,                       /* title bar, status bar */
	CP_FRAME,                       /* pane frames */
	CP_FOCUS,                       /* the focused pane's frame */
	CP_SELECT,                      /* the selected row */
	CP_ONAIR,                       /* ON AIR, the item on air */
	CP_IDLE,
	CP_STARTING,
	CP_ALERT,                       /* ALERT, errors */
	CP_FAULT,
	CP_DIM,                         /* past items, hints */
	CP_BAR,                         /* remaining-time bar */
	CP_WARN,
	CP_COUNT
};

/* Attribute for a colour pair (A_NORMAL with no colour) plus fallback attrs. */
unsigned int w_attr(int pair);

/* "hh:mm:ss.ff" at 25 frames a second (negative: "-"). buf >= 16. */
char *w_hmsf(int64_t ms, char *buf, size_t len);
/* "hh:mm:ss" (days wrap into hours). */
char *w_hms(int64_t ms, char *buf, size_t len);
/* Local "HH:MM:SS" of a UTC time in ms. */
char *w_clock(int64_t utc_ms, char *buf, size_t len);

/*
 * Print s at (y, x) in at most width columns (display cells: UTF-8 aware),
 * padding with spaces to width when pad is set. Returns columns used.
 */
int w_put(WINDOW *w, int y, int x, int width, const char *s, int pad);
/* Word-wrap text into at most lines rows of width cells at (y, x); rows used. */
int w_wrap(WINDOW *w, int y, int x, int width, int lines, const char *text);
/* A frame with a title; focus draws it bold in CP_FOCUS. */
void w_frame(WINDOW *w, const char *title, int focus);
/* A horizontal bar of cols cells, fraction done 0..1. */
void w_bar(WINDOW *w, int y, int x, int cols, double done, int unicode);

/* A centred dialog window of rows x cols (clamped to the screen), framed. */
WINDOW *w_dialog(int rows, int cols, const char *title);
/* Free a dialog window and set *wp NULL. */
void w_dialog_free(WINDOW **wp);

/* A one-line text input (UTF-8 bytes). */
struct w_input {
	char buf[256];
	size_t len;                     /* bytes */
};
/* Draw at (y, x) width cols; focus shows the cursor cell. */
void w_input_draw(WINDOW *w, struct w_input *in, int y, int x, int cols, int focus);
/*
 * Feed a key: printable bytes insert, Backspace deletes, ^U clears. 1 if
 * the text changed, 0 if the key was not for the input.
 */
int w_input_key(struct w_input *in, int key);
void w_input_set(struct w_input *in, const char *s);

/* A list with a selection and a scroll offset. */
struct w_list {
	int count;
	int sel;                        /* -1 when empty */
	int top;                        /* first row shown */
};
/* Move by a key (arrows, j/k, PgUp/PgDn, Home/End, g/G); 1 if handled. */
int w_list_key(struct w_list *l, int key, int rows);
/* Keep sel in range and visible in rows. */
void w_list_fix(struct w_list *l, int rows);

#endif
