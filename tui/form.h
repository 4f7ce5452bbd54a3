/*
 * form.h: a modal form for the editing dialogs: labelled one-line inputs
 * (free text, a choice cycled with Left/Right, or a secret drawn as
 * stars), optional read-only lines below them, and Save / Cancel. The
 * caller's submit function decides whether Save closes the form.
 */
#ifndef RV_TUI_FORM_H
#define RV_TUI_FORM_H

#include <stddef.h>

#include "tui/widgets.h"

struct console;

struct form_field {
	const char *label;
	struct w_input in;
	const char *const *choices;     /* NULL-terminated: Left/Right cycle; NULL: free text */
	int secret;                     /* drawn as stars (a Plex token) */
};

/*
 * Submit: 0 closes the form; -1 keeps it open with err (a message for the
 * operator) shown.
 */
typedef int (*form_submit_fn)(void *arg, struct form_field *f, int n, char *err, size_t len);

/*
 * Run the form over the screen. info (may be NULL) holds ninfo read-only
 * lines shown below the fields (PgUp/PgDn scroll them). 1 when saved
 * (submit returned 0), 0 on Cancel or Esc.
 */
int form_run(struct console *con, const char *title, struct form_field *f, int n,
    const char *const *info, int ninfo, form_submit_fn submit, void *arg);
/* Ask for one line of text (prefilled with buf); 1 with buf set, 0 on Esc. */
int form_ask(struct console *con, const char *title, const char *label, char *buf,
    size_t len);

#endif
