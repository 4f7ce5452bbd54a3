/*
 * dialogs.h: the console's dialogs, one file each (tui/alertdlg.c,
 * tui/dlg_*.c, and the small ones every editor opens in tui/form.c), each
 * a const struct dlg_kind. The console keeps the open dialogs in a stack
 * over the panes and runs them in its one loop: the top one takes the
 * keys (its key table first, then its key function), every open one
 * hears the station's events, and the monitors and the bars go on
 * updating underneath. A dialog never waits for an answer: what it asks
 * (a form, a question) is another dialog over it, which calls back when
 * it closes.
 */
#ifndef RV_TUI_DIALOGS_H
#define RV_TUI_DIALOGS_H

#include <stdint.h>

#include <curses.h>
#include <jansson.h>

#include "tui/keys.h"

struct console;

struct dlg_kind {
	const char *name;               /* its heading on the help screen */
	const struct key_bind *keys;    /* its keys, tried before key() */
	/* Opened by a key (key_bind.dialog): the state, or NULL (a message said why). */
	void *(*open)(struct console *con);
	/* Its size: a centred window, or the whole screen when NULL. */
	void (*size)(void *state, int *rows, int *cols);
	/* Draw into w (erased; the dialog draws its own frame). */
	void (*draw)(void *state, struct console *con, WINDOW *w);
	/* A key its table did not take (typing into a field). May be NULL. */
	void (*key)(void *state, struct console *con, int key);
	/* Before drawing, while it is on top: reload, start queued work. May be NULL. */
	void (*update)(void *state, struct console *con);
	/* A control event (borrowed), on top or not. May be NULL. */
	void (*event)(void *state, struct console *con, json_t *ev);
	/*
	 * Closed (it said so, or the console quits): tell whoever opened it,
	 * free the state.
	 */
	void (*close)(void *state, struct console *con);
};

/* The keys, all of them, by where they apply (tui/dlg_keys.c). */
extern const struct dlg_kind dlg_keys;
/*
 * Its text wrapped for width columns: *n lines, each a section's heading
 * (not indented) or a row's ("  KEYS   WHAT THEY DO"). Free with
 * dlg_keys_lines_free.
 */
char **dlg_keys_lines(int width, int *n);
void dlg_keys_lines_free(char ***lines, int n);
/* Send an emergency alert (event, locations, duration, message, channels). */
extern const struct dlg_kind dlg_alert;
/* Clear the alert on the air, after a question. */
void dlg_alert_clear(struct console *con);

/* The editors (tui/dlg_*.c); each edits through the control socket. */
/* Chapter markers of the selected content item, with the picture at the playhead. */
extern const struct dlg_kind dlg_chapters;
/* Sync Plex sources and TMM directories, with progress and history. */
extern const struct dlg_kind dlg_sync;
/* Plex sources, path mappings, TMM directories, channels. */
extern const struct dlg_kind dlg_settings;
/* The selected channel's coarse schedule slots, and the fine log they make. */
extern const struct dlg_kind dlg_slots;
/* The same for channel_number. */
void dlg_slots_open(struct console *con, const char *channel_number);
/* Scheduling metadata of a media file (a form); the source's metadata read-only. */
void dlg_metadata(struct console *con, int64_t media_file_id);

#endif
