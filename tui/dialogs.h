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

/* The editors (tui/dlg_*.c); each edits through the control socket. */
/* Scheduling metadata of a media file; the source's metadata read-only. */
void dlg_metadata(struct console *con, int64_t media_file_id);
/* Chapter markers of a media file, with the picture at the playhead. */
void dlg_chapters(struct console *con, int64_t media_file_id);
/* Sync Plex sources and TMM directories, with progress and history. */
void dlg_sync(struct console *con);
/* Plex sources, path mappings, TMM directories, channels. */
void dlg_settings(struct console *con);
/* A channel's coarse schedule slots, and the fine log they make. */
void dlg_slots(struct console *con, const char *channel_number);

#endif
