/*
 * form.h: the small dialogs every editor opens over itself, each a dialog
 * kind (tui/dialogs.h): a form of labelled one-line inputs (free text, a
 * choice cycled with Left/Right, or a secret drawn as stars) with
 * optional read-only lines below them and Save / Cancel; one line asked;
 * a yes/no question; a confirmation by typing a word. None waits: each
 * opens and returns at once, and calls its opener back when it closes
 * (cancelled, too, when the console quits).
 */
#ifndef RV_TUI_FORM_H
#define RV_TUI_FORM_H

#include <stddef.h>

#include "tui/widgets.h"

struct console;
struct dlg_kind;

struct form_field {
	const char *label;
	struct w_input in;
	const char *const *choices;     /* NULL-terminated: Left/Right cycle; NULL: free text */
	int secret;                     /* drawn as stars (a Plex token), wiped on close */
};

/*
 * Submit (Save pressed): 0 closes the form; -1 keeps it open with err (a
 * message for the operator) shown. f holds what was typed.
 */
typedef int (*form_submit_fn)(void *arg, struct form_field *f, int n, char *err, size_t len);
/* The form closed: saved (submit returned 0) or not (Cancel, Esc, quitting); f as typed. */
typedef void (*form_done_fn)(void *arg, struct console *con, int saved, struct form_field *f,
    int n);

/*
 * Open a form of n fields over the screen. The fields are copied (their
 * labels and choices, and info, are borrowed until done runs); info (may
 * be NULL) holds ninfo read-only lines shown below the fields (PgUp/PgDn
 * scroll them). submit and done may be NULL; arg goes to both.
 */
void form_open(struct console *con, const char *title, const struct form_field *f, int n,
    const char *const *info, int ninfo, form_submit_fn submit, form_done_fn done, void *arg);
/* Ask for one line of text (prefilled with text); done gets it, or NULL on Esc. */
void form_ask(struct console *con, const char *title, const char *label, const char *text,
    void (*done)(void *arg, struct console *con, const char *text), void *arg);
/* A yes/no question: done gets 1 for y, 0 for n, Esc or quitting. */
void form_confirm(struct console *con, const char *title, const char *question,
    void (*done)(void *arg, struct console *con, int yes), void *arg);
/*
 * Ask the operator to type word (case-insensitive; "SEND|RWT": any of
 * them) to confirm what: done gets 1 when typed and Enter pressed, 0 on
 * Esc or quitting.
 */
void form_confirm_word(struct console *con, const char *title, const char *what,
    const char *word, void (*done)(void *arg, struct console *con, int yes), void *arg);

/* The kinds, for the help screen. */
extern const struct dlg_kind form_kind;
extern const struct dlg_kind form_confirm_kind;
extern const struct dlg_kind form_word_kind;

#endif
