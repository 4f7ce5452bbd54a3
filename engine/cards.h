/*
 * cards.h: the items the engine draws itself (src/finelog.h's generated
 * kinds, when the station has no clip of its own):
 *
 *   offair       SMPTE colour bars, or a test card with the station's name,
 *                and a 1 kHz tone at -20 dBFS (peak; AES17)
 *   signoff      the station's name, "This concludes our broadcast day",
 *                the time it returns, and the anthem file if one is set
 *                (then the channel's bed)
 *   signon       the station's name and "We now begin our broadcast day"
 *   rating_card  "The following program is rated TV-PG" and what it means
 *   next_bumper  "Coming up next: TITLE" and "Later: TITLE", the titles
 *                read from the fine log when it airs
 *
 * Cards are drawn on the channel's colours (its lower-third box and
 * accent, src/gfxconf.h) with its logo when the logo is a local picture.
 * Each is a still picture and an audio graph (engine/source.h).
 */
#ifndef RV_ENGINE_CARDS_H
#define RV_ENGINE_CARDS_H

#include <stdint.h>

#include <sqlite3.h>

#include "engine/source.h"
#include "src/channels.h"
#include "src/finelog.h"

/*
 * Open the source for generated item it of channel conf, joined offset_ms
 * into the item (the anthem starts there). db is the channel's connection.
 * *sound says whether the card has a sound of its own (the tone, the
 * anthem, which ends when the file does); a card without one is silent,
 * and the channel lays its bed under it (engine/bed.h).
 */
int cards_open(struct source **out, sqlite3 *db, const struct channel_conf *conf,
    const struct fine_item *it, int64_t offset_ms, const struct source_conf *sc, int *sound,
    char **cause);

#endif
