/*
 * thumb.h: a channel's current picture in a few terminal cells, drawn with
 * libchafa: Unicode block symbols in colour by default, ASCII when the
 * terminal cannot show Unicode, sixels when the terminal supports them and
 * the operator asked for them. Sixels cannot go through ncurses: the
 * region is left blank and the sixel written after doupdate().
 */
#ifndef RV_TUI_THUMB_H
#define RV_TUI_THUMB_H

#include <stdint.h>

#include <curses.h>

enum thumb_mode {
	THUMB_SYMBOLS,                  /* Unicode blocks, colour */
	THUMB_ASCII,                    /* ASCII characters, colour if any */
	THUMB_SIXELS,                   /* written after doupdate() by thumb_flush */
};

/* Draw an RGB24 picture (width x height) in rows x cols cells at (y, x) of w. */
void thumb_draw(WINDOW *w, int y, int x, int rows, int cols, const uint8_t *rgb, int width,
    int height, enum thumb_mode mode);
/* Write the sixels queued since the last call (after doupdate()). */
void thumb_flush(void);
/* Forget queued sixels and free the colour cache. */
void thumb_reset(void);

#endif
