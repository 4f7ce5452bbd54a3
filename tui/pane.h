/*
 * pane.h: the console's panes, one file each (tui/pane_*.c), each a
 * const struct pane_kind the console lays out by terminal size. The
 * console owns the windows; a pane draws inside the frame (rows 1..h-2,
 * columns 1..w-2) and says when it needs drawing again.
 */
#ifndef RV_TUI_PANE_H
#define RV_TUI_PANE_H

#include <stdint.h>

#include <curses.h>
#include <jansson.h>

#include "tui/keys.h"

struct console;

struct pane_kind {
	const char *name;               /* the frame title; its heading on the help screen */
	/* Its keys, tried before the console's (the status bar shows their hints). */
	const struct key_bind *keys;
	void *(*open)(struct console *con);
	void (*close)(void *state);
	/* Draw the inside of w (the console erased it and draws the frame). */
	void (*draw)(void *state, struct console *con, WINDOW *w, int focus);
	/* A key its table does not have (every key while typing): 1 if used. May be NULL. */
	int (*key)(void *state, struct console *con, int key);
	/*
	 * Time passes (every loop turn, with the time): fetch what is due,
	 * return 1 if the pane must be drawn again.
	 */
	int (*tick)(void *state, struct console *con, int64_t now_ms);
	/* A new status arrived (borrowed): 1 if the pane must be drawn again. */
	int (*status)(void *state, struct console *con, json_t *status);
	/* A control event (borrowed): 1 to draw again. May be NULL. */
	int (*event)(void *state, struct console *con, json_t *ev);
	/* The frame's title now (NULL: name). */
	const char *(*title)(void *state);
	/* Whether the pane is typing text (every key goes to key(), before any table). */
	int (*typing)(void *state);
};

extern const struct pane_kind pane_monitors;
extern const struct pane_kind pane_schedule;
extern const struct pane_kind pane_content;
extern const struct pane_kind pane_log;
/* The panes in the console's order, NULL-terminated (the help screen walks them). */
extern const struct pane_kind *const console_panes[];

/* The newest status (borrowed; NULL before the first). */
json_t *console_status(struct console *con);
/* Select a channel (the schedule log follows it). */
void console_select_channel(struct console *con, const char *number);
/* Select a content item (dialogs act on it). */
void console_select_content(struct console *con, int64_t id);
/* Move the focus to the pane of kind. */
void console_focus(struct console *con, const struct pane_kind *kind);
/* The rows inside the pane of kind's frame (a page, for its lists). */
int console_pane_rows(struct console *con, const struct pane_kind *kind);
/* Ask one pane to draw again on the next turn. */
void console_pane_dirty(struct console *con, const struct pane_kind *kind);
/* Ask every pane to draw again on the next turn. */
void console_dirty(struct console *con);
/* The thumbnail mode the terminal allows. */
int console_thumb_mode(struct console *con);
/* Milliseconds of the station's clock (the status's time, extrapolated). */
int64_t console_now(struct console *con);

#endif
