/*
 * scheddemo.h: the demo channels. On the demo library (content_sources of
 * type 'demo': series, movies, commercials, bumpers, station IDs) it sets
 * up three channels with five-minute slots, so a newcomer sees programmes,
 * breaks, bumpers and station IDs within minutes:
 *
 *   2  Retro Sitcoms   every demo series in rotation, each in order
 *   3  Movie Palace    a movie block all day
 *   4  Retro Mix       fill by day, the series in prime time, movies late
 *   1  Retro Guide     the guide channel: the others' listings an hour
 *                      ahead, with channel 2 in its preview box (left out
 *                      when channel 1 is the operator's own)
 *
 * in a light format (640x360 at 25 fps, the demo files' own rate), and
 * builds their fine logs.
 */
#ifndef RV_SCHEDDEMO_H
#define RV_SCHEDDEMO_H

#include <stdint.h>

#include <sqlite3.h>

/*
 * Create (or, run again, refresh) the demo channels and build their fine
 * logs from now_ms. bug_path (may be NULL) is the channel bug picture.
 * A channel number taken by a channel that is not a demo channel is an
 * error; nothing is changed then. Returns the number of channels (4, or 3
 * without the guide), or -1
 * with *cause.
 */
int scheddemo_setup(sqlite3 *db, int64_t now_ms, const char *bug_path, char **cause);

/* The demo channel numbers, for messages ("2, 3 and 4"). */
#define SCHEDDEMO_NUMBERS "2, 3 and 4"
/* The demo guide channel's number. */
#define SCHEDDEMO_GUIDE "1"

#endif
