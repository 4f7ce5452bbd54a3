/*
 * graphics.h: on-air graphics as a tail plug-in: the channel bug (shown
 * during programmes, hidden in breaks unless the channel says otherwise)
 * and the lower thirds ("Up next: TITLE" at the end of the last break
 * before a programme, "Now: TITLE" as it starts), following the fine log
 * frame by frame. Settings per channel in src/gfxconf.h.
 *
 * Register with director_add_plugin(d, &graphics_plugin, db_path) before
 * the alert plug-in, so an alert draws over the graphics.
 */
#ifndef RV_ENGINE_GRAPHICS_H
#define RV_ENGINE_GRAPHICS_H

#include "engine/tail.h"

extern const struct tail_plugin graphics_plugin;

#endif
