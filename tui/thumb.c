/*
 * thumb.c: thumbnails with libchafa. Symbols and ASCII go through ncurses
 * cell by cell (colour pairs from alloc_pair, so the terminal's palette
 * decides: 256, 16 or 8 colours, or none). Sixels cannot pass through
 * ncurses: they are queued with their screen position and written by
 * thumb_flush() right after doupdate(). The last conversions are cached,
 * so redrawing a tile whose picture did not change costs no conversion.
 */
#include "tui/thumb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <chafa.h>

#include "src/util.h"

#define CACHE 32
#define SIXEL_MAX 16

struct cell {
	wchar_t ch;
	short fg, bg;                   /* palette indexes, -1 default */
};

struct cached {
	uint64_t hash;
	int rows, cols, mode;
	struct cell *cells;
	uint64_t used;                  /* for eviction */
};

static struct cached cache[CACHE];
static uint64_t cache_clock;

struct sixel {
	int y, x;                       /* screen cell */
	char *data;
};

static struct sixel sixels[SIXEL_MAX];
static int nsixels;

/* FNV-1a over the picture and its geometry. */
static uint64_t
hash_of(const uint8_t *rgb, int width, int height, int rows, int cols, int mode)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i, n = (size_t)width * (size_t)height * 3;

	for (i = 0; i < n; i++)
		h = (h ^ rgb[i]) * 1099511628211ULL;
	return h ^ ((uint64_t)rows << 48) ^ ((uint64_t)cols << 32) ^ ((uint64_t)mode << 24);
}

/* The canvas mode for this terminal's colours. */
static ChafaCanvasMode
canvas_mode(void)
{
	if (!has_colors())
		return CHAFA_CANVAS_MODE_FGBG;
	if (COLORS >= 256)
		return CHAFA_CANVAS_MODE_INDEXED_240;
	if (COLORS >= 16)
		return CHAFA_CANVAS_MODE_INDEXED_16;
	return CHAFA_CANVAS_MODE_INDEXED_8;
}

/* A chafa canvas for rows x cols cells in mode. */
static ChafaCanvas *
new_canvas(int rows, int cols, enum thumb_mode mode)
{
	static int once;
	ChafaCanvasConfig *cfg;
	ChafaSymbolMap *map;
	ChafaCanvas *canvas;

	/* Thumbnails are tiny: no worker threads (the console stays one thread). */
	if (!once) {
		chafa_set_n_threads(1);
		once = 1;
	}
	cfg = chafa_canvas_config_new();
	map = chafa_symbol_map_new();

	chafa_canvas_config_set_geometry(cfg, cols, rows);
	if (mode == THUMB_SIXELS) {
		chafa_canvas_config_set_pixel_mode(cfg, CHAFA_PIXEL_MODE_SIXELS);
		chafa_canvas_config_set_cell_geometry(cfg, 10, 20);
	} else {
		chafa_symbol_map_add_by_tags(map, mode == THUMB_ASCII ? CHAFA_SYMBOL_TAG_ASCII :
		    CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_SPACE);
		if (mode != THUMB_ASCII)
			chafa_symbol_map_remove_by_tags(map, CHAFA_SYMBOL_TAG_WIDE);
		chafa_canvas_config_set_symbol_map(cfg, map);
		chafa_canvas_config_set_canvas_mode(cfg, canvas_mode());
	}
	canvas = chafa_canvas_new(cfg);
	chafa_symbol_map_unref(map);
	chafa_canvas_config_unref(cfg);
	return canvas;
}

/* Convert to cells (cached). */
static struct cell *
cells_for(const uint8_t *rgb, int width, int height, int rows, int cols, enum thumb_mode mode)
{
	uint64_t h = hash_of(rgb, width, height, rows, cols, (int)mode);
	struct cached *slot = &cache[0];
	ChafaCanvas *canvas;
	int i, x, y, fg, bg;

	for (i = 0; i < CACHE; i++) {
		if (cache[i].cells != NULL && cache[i].hash == h && cache[i].rows == rows &&
		    cache[i].cols == cols && cache[i].mode == (int)mode) {
			cache[i].used = ++cache_clock;
			return cache[i].cells;
		}
		if (cache[i].used < slot->used)
			slot = &cache[i];
	}
	free(slot->cells);
	slot->cells = xcalloc((size_t)rows * (size_t)cols, sizeof *slot->cells);
	slot->hash = h;
	slot->rows = rows;
	slot->cols = cols;
	slot->mode = (int)mode;
	slot->used = ++cache_clock;
	canvas = new_canvas(rows, cols, mode);
	chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGB8, rgb, width, height, width * 3);
	for (y = 0; y < rows; y++) {
		for (x = 0; x < cols; x++) {
			struct cell *c = &slot->cells[y * cols + x];

			c->ch = (wchar_t)chafa_canvas_get_char_at(canvas, x, y);
			fg = bg = -1;
			if (has_colors())
				chafa_canvas_get_raw_colors_at(canvas, x, y, &fg, &bg);
			c->fg = (short)(fg >= 0 && fg < COLORS ? fg : -1);
			c->bg = (short)(bg >= 0 && bg < COLORS ? bg : -1);
		}
	}
	chafa_canvas_unref(canvas);
	return slot->cells;
}

/* Queue a sixel picture for (y, x) of w. */
static void
queue_sixel(WINDOW *w, int y, int x, int rows, int cols, const uint8_t *rgb, int width,
    int height)
{
	ChafaCanvas *canvas;
	GString *s;
	int by, bx;

	if (nsixels == SIXEL_MAX)
		return;
	canvas = new_canvas(rows, cols, THUMB_SIXELS);
	chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGB8, rgb, width, height, width * 3);
	s = chafa_canvas_print(canvas, NULL);
	getbegyx(w, by, bx);
	sixels[nsixels].y = by + y;
	sixels[nsixels].x = bx + x;
	sixels[nsixels].data = xstrdup(s->str);
	nsixels++;
	g_string_free(s, TRUE);
	chafa_canvas_unref(canvas);
}

void
thumb_draw(WINDOW *w, int y, int x, int rows, int cols, const uint8_t *rgb, int width,
    int height, enum thumb_mode mode)
{
	struct cell *cells;
	cchar_t cc;
	wchar_t wc[2] = { 0, 0 };
	int r, c, pair;

	if (rows <= 0 || cols <= 0 || rgb == NULL || width <= 0 || height <= 0)
		return;
	if (mode == THUMB_SIXELS) {
		for (r = 0; r < rows; r++)
			mvwhline(w, y + r, x, ' ', cols);
		queue_sixel(w, y, x, rows, cols, rgb, width, height);
		return;
	}
	cells = cells_for(rgb, width, height, rows, cols, mode);
	for (r = 0; r < rows; r++) {
		for (c = 0; c < cols; c++) {
			struct cell *e = &cells[r * cols + c];

			wc[0] = e->ch != 0 ? e->ch : L' ';
			if (mode == THUMB_ASCII && (wc[0] < 32 || wc[0] > 126))
				wc[0] = L' ';
			pair = has_colors() ? alloc_pair(e->fg, e->bg) : 0;
			setcchar(&cc, wc, A_NORMAL, (short)(pair > 0 ? pair : 0), NULL);
			mvwadd_wch(w, y + r, x + c, &cc);
		}
	}
}

void
thumb_flush(void)
{
	int i;

	if (nsixels == 0)
		return;
	for (i = 0; i < nsixels; i++) {
		/* Save the cursor, go to the cell, draw, restore. */
		printf("\0337\033[%d;%dH%s\0338", sixels[i].y + 1, sixels[i].x + 1, sixels[i].data);
		free(sixels[i].data);
	}
	nsixels = 0;
	fflush(stdout);
}

void
thumb_reset(void)
{
	int i;

	for (i = 0; i < nsixels; i++)
		free(sixels[i].data);
	nsixels = 0;
	for (i = 0; i < CACHE; i++) {
		free(cache[i].cells);
		cache[i].cells = NULL;
		cache[i].used = 0;
	}
}
