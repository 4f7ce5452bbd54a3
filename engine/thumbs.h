/*
 * thumbs.h: small pictures of what each channel airs, for the console's
 * monitors. A tail plug-in (director_add_plugin(d, &thumbs_plugin, t))
 * keeps a downscaled RGB copy of one frame a second, only for channels
 * someone asked about in the last seconds: no cost when nobody looks.
 */
#ifndef RV_ENGINE_THUMBS_H
#define RV_ENGINE_THUMBS_H

#include <stdint.h>

#include "engine/tail.h"

#define THUMBS_MAX_W 320
#define THUMBS_MAX_H 180

struct thumbs;

struct thumbs *thumbs_new(void);
void thumbs_free(struct thumbs **tp);

/*
 * Ask for channel number's picture at about width x height (clamped to
 * THUMBS_MAX_*): marks the channel as watched for a few seconds and copies
 * the newest picture into *rgb (new, RGB24; free()) with its size and air
 * time. 0, or -1 when there is no picture yet (the next ones will have one).
 */
int thumbs_get(struct thumbs *t, const char *number, int width, int height, uint8_t **rgb,
    int *out_w, int *out_h, int64_t *air_ms);

extern const struct tail_plugin thumbs_plugin;

#endif
