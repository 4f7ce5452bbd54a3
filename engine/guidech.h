/*
 * guidech.h: the guide channel's source, in the style of the old cable
 * listings channels. It airs in place of a guide channel's fine log items
 * (finelog.h GUIDE_ITEM_*) and gives the channel worker frames like any
 * other source, in the channel's format:
 *
 *   - above: a preview box showing what the guide's source channel is
 *     airing (its current item's file decoded from the right offset and
 *     scaled into the box), or the library's promos in turn, or the
 *     station's card; beside it the station's name and a clock;
 *   - a bar with the time columns (half hours, the channel's zone);
 *   - below: a grid that scrolls, row after row, through every enabled
 *     regular channel (number, call sign, programmes as cells across the
 *     time columns, the ones on air now highlighted), then starts again.
 *
 * Cheap: the grid is drawn once into a tall picture (the strip, with
 * lavfi color + drawbox + drawtext) and each frame copies the visible
 * window of it, so the per-frame cost is a few memcpy()s. The strip is
 * drawn again when the window moves on, when a programme starts or ends
 * on a row, and when the schedule changes (a fingerprint of the fine log
 * checked once a second when the database has changed); the clock and the
 * time bar once a minute. The audio is the music folder's files in turn,
 * resampled and lowered, or silence.
 *
 * Everything runs on the channel's thread with the channel's database
 * connection.
 */
#ifndef RV_ENGINE_GUIDECH_H
#define RV_ENGINE_GUIDECH_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>
#include <libavutil/frame.h>

#include "engine/source.h"
#include "src/channels.h"
#include "src/listing.h"
#include "src/tz.h"

#define GUIDECH_ROW_SECONDS 2           /* the grid scrolls one row in this time */
#define GUIDECH_MUSIC_GAIN_DB (-10.0)   /* background music under the listings */
#define GUIDECH_MIN_W 160               /* the smallest picture it draws */
#define GUIDECH_MIN_H 90

/* Where everything goes in a width x height picture (all even). */
struct guidech_layout {
	int width, height;
	int margin;
	int box_x, box_y, box_w, box_h;         /* the preview */
	int bar_y;                              /* the time bar, row_h high */
	int grid_y, grid_h;                     /* the scrolling grid */
	int row_h;
	int label_w;                            /* the channel column */
	int font;                               /* text size of the grid, px */
};

/* One cell of a grid row. */
struct guidech_cell {
	int x, w;                               /* in the picture */
	char *text;                             /* the title as drawn (cut to fit) */
	int now;                                /* on air at the time drawn */
};

struct guidech;

/* The layout for a picture size (at least GUIDECH_MIN_W x GUIDECH_MIN_H). */
void guidech_layout(int width, int height, struct guidech_layout *l);
/*
 * The cells of one row of listing ls as drawn at now_ms: every programme
 * clipped to the window, at most max. Free the texts with
 * guidech_cells_free.
 */
size_t guidech_cells(const struct guidech_layout *l, const struct listing *ls,
    const struct listing_row *row, int64_t now_ms, struct guidech_cell *out, size_t max);
/* Free the texts of n cells. */
void guidech_cells_free(struct guidech_cell *cells, size_t n);
/* The title cut to at most chars characters (UTF-8), with "..." when cut: new. */
char *guidech_fit(const char *title, int chars);
/*
 * The strip's first visible line at wall_us (it scrolls through strip_h
 * lines) at the channel's frame rate.
 */
int guidech_scroll(const struct guidech_layout *l, int64_t wall_us, int fps_num, int fps_den,
    int strip_h);
/*
 * The lavfi description that draws the strip (new): a banner row named
 * station, then a row per channel. *strip_h gets its height.
 */
char *guidech_strip_desc(const struct guidech_layout *l, const struct listing *ls,
    const char *station, int64_t now_ms, int *strip_h);
/* "8:30 PM" for t_ms in tz. */
const char *guidech_clock(const struct tz *tz, int64_t t_ms, char *buf, size_t len);

/*
 * Open the guide for channel conf (copied) on db (borrowed, the channel's
 * thread's). sc gives the format, decode threads and the interrupt.
 */
int guidech_open(struct guidech **out, sqlite3 *db, const struct channel_conf *conf,
    const struct source_conf *sc, char **cause);
/* The frame that airs at wall_us (UTC); 0, or an error with *cause. */
int guidech_video(struct guidech *g, AVFrame *frame, int64_t wall_us, char **cause);
/* The next audio frame (fltp stereo 48 kHz): music, or silence. Always 0 or ENOMEM. */
int guidech_audio(struct guidech *g, AVFrame *frame, char **cause);
/* Free; accepts NULL, sets *gp to NULL. */
void guidech_free(struct guidech **gp);

#endif
