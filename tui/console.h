/*
 * console.h: the console (retrovue with no subcommand), the ncurses
 * master-control room. It always talks to a station through its control
 * socket: a daemon's when one answers, else one it starts in-process. The
 * panes (monitors, schedule log, content browser, log) and the dialogs use
 * this API; only the console's main thread touches ncurses, in one loop
 * that runs the panes and the dialogs alike.
 */
#ifndef RV_TUI_CONSOLE_H
#define RV_TUI_CONSOLE_H

#include <stdint.h>

#include <curses.h>
#include <jansson.h>

#include "engine/control.h"
#include "tui/keys.h"

struct console;
struct dlg_kind;

struct console_opts {
	const char *socket_path;        /* the control socket to attach to */
	const char *mode;               /* "attached" or "standalone" (title bar) */
	int sixels;                     /* sixel thumbnails when the terminal can */
	/*
	 * Standalone: viewers over every channel now (the quit question), or
	 * NULL when attached (quitting leaves everything on the air).
	 */
	int (*viewers)(void *arg);
	void *viewers_arg;
};

/* Run until the operator quits. 0, or -1 with *cause (terminal restored). */
int console_run(const struct console_opts *opts, char **cause);

/*
 * Call a control command synchronously (args stolen, may be NULL): the
 * result (the caller's reference), or NULL with *cause.
 */
json_t *console_call(struct console *con, const char *cmd, json_t *args, char **cause);
/* The same, saying whether the station refused or may have done it (engine/control.h). */
json_t *console_request(struct console *con, const char *cmd, json_t *args,
    enum ctl_outcome *outcome, char **cause);
/*
 * The same in the console's job pool, for anything that may be slow
 * (searches, schedules, pictures): returns at once; done(arg, result,
 * cause) runs later on the console's thread with the result (borrowed;
 * NULL and the cause on failure). Calls run one after another, in order.
 * Pending calls are dropped (done never runs) when the console quits.
 */
void console_call_async(struct console *con, const char *cmd, json_t *args,
    void (*done)(void *arg, struct console *con, json_t *result, const char *cause), void *arg);
/* A message in the status bar. */
void console_message(struct console *con, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Open a dialog of kind (tui/dialogs.h) over the screen. It owns state
 * from now on: kind->close frees it when the dialog closes or the console
 * quits. The console's loop runs it: no dialog has a loop of its own.
 */
void console_dialog_open(struct console *con, const struct dlg_kind *kind, void *state);
/* The dialog with this state is done: it closes after the key or event at hand. */
void console_dialog_close(struct console *con, void *state);
/* The kind of the topmost open dialog that is not skip, or NULL. */
const struct dlg_kind *console_dialog_top(struct console *con, const struct dlg_kind *skip);
/* The console's own keys (its table; the panes' and dialogs' come first). */
extern const struct key_bind console_keys[];
/* The selected channel's number ("" when none) and content item (0 when none). */
const char *console_channel(struct console *con);
int64_t console_content(struct console *con);
/* Whether the terminal shows Unicode (UTF-8 locale) and colours. */
int console_unicode(struct console *con);
int console_colors(struct console *con);

#endif
