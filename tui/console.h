/*
 * console.h: the console (retrovue with no subcommand), the ncurses
 * master-control room. It always talks to a station through its control
 * socket: a daemon's when one answers, else one it starts in-process. The
 * panes (monitors, schedule log, content browser, log) and the dialogs use
 * this API; only the console's main thread touches ncurses.
 */
#ifndef RV_TUI_CONSOLE_H
#define RV_TUI_CONSOLE_H

#include <stdint.h>

#include <curses.h>
#include <jansson.h>

#include "engine/control.h"

struct console;

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

/* Call a control command synchronously (args stolen, may be NULL); result or NULL + *cause. */
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
 * For modal dialogs: wait up to ~100 ms for a key on w while the console
 * keeps pumping events and refreshing monitors underneath; ERR on timeout;
 * on KEY_RESIZE it relayouts the background and returns KEY_RESIZE.
 * When the console is quitting (SIGHUP: the SSH connection dropped,
 * SIGTERM, the terminal gone) it returns Esc (27) at once, so every
 * dialog loop must close on 27.
 */
int console_getch(struct console *con, WINDOW *w);
/*
 * For full-screen dialogs: *w made (the whole screen, keypad on) when it
 * is NULL; NULL if it cannot be. Draw into it, then take the key with
 * console_screen_key.
 */
WINDOW *console_screen(WINDOW **w);
/*
 * console_getch on *w; on a resize *w is dropped (console_screen makes it
 * again at the new size) and ERR returned, so the loop simply draws again.
 */
int console_screen_key(struct console *con, WINDOW **w);
/* Repaint everything after a dialog closes. */
void console_redraw(struct console *con);
/* A listener for control events while a dialog is open (fn NULL removes it). */
void console_on_event(struct console *con, void (*fn)(void *arg, json_t *ev), void *arg);
/* The selected channel's number ("" when none) and content item (0 when none). */
const char *console_channel(struct console *con);
int64_t console_content(struct console *con);
/* Whether the terminal shows Unicode (UTF-8 locale) and colours. */
int console_unicode(struct console *con);
int console_colors(struct console *con);

#endif
