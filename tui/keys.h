/*
 * keys.h: tables of keys. The console, each pane and each dialog keep one
 * table of {keys, help, status-bar hint, action}; the same rows drive the
 * key handling, the status bar and the help screen, so a key cannot do one
 * thing and be documented as another, nor be missing from the help.
 */
#ifndef RV_TUI_KEYS_H
#define RV_TUI_KEYS_H

#include <stddef.h>

struct console;
struct dlg_kind;

#define KEYS_MAX 10                     /* keys in one row */

struct key_bind {
	int keys[KEYS_MAX];             /* ncurses codes ('\n' is Enter); 0 ends them */
	const char *help;               /* what they do, as the help screen says it */
	const char *bar;                /* its status-bar hint ("u:start"); NULL: none */
	/*
	 * Do it. state is the pane's or the dialog's (NULL in the console's
	 * own table); 1 if the key was used, 0 to pass it on.
	 */
	int (*fn)(void *state, struct console *con, int key);
	const struct dlg_kind *dialog;  /* instead of fn: open this dialog */
	int anywhere;                   /* also over any dialog (keys no dialog types) */
};

/* The row of t (ended by a row without keys) that has key, or NULL. */
const struct key_bind *keys_find(const struct key_bind *t, int key);
/* A key's name as the help screen shows it ("Tab", "F9", "Ctrl-L", "q"). */
const char *keys_name(int key, char *buf, size_t len);
/* A row's keys, named and joined ("? F1"). */
char *keys_label(const struct key_bind *b, char *buf, size_t len);
/* The status-bar hints of t, joined by two spaces, appended to buf. */
char *keys_bar(const struct key_bind *t, char *buf, size_t len);
/* The rows in t. */
int keys_count(const struct key_bind *t);

#endif
