/*
 * dialogs.h: the console's modal dialogs. Each opens over the main screen,
 * runs its own loop on console_getch() and calls console_redraw() when it
 * closes. The emergency alert dialog lives in tui/alertdlg.c; the editors
 * (metadata, chapters, sync, settings, slots) in their own files.
 */
#ifndef RV_TUI_DIALOGS_H
#define RV_TUI_DIALOGS_H

#include <stdint.h>

struct console;

/* Send an emergency alert (event, locations, duration, message, channels). */
void dlg_alert(struct console *con);
/* Clear the alert on the air, after a confirmation. */
void dlg_alert_clear(struct console *con);
/* The keys, all of them. */
void dlg_help(struct console *con);

#endif
