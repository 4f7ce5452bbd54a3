/*
 * bed.h: the sound under what the engine draws itself (the generated
 * cards, the technical-difficulties slate, a guide channel without music),
 * so Retrovue never makes dead air of its own. A channel's bed is the
 * music of its music folder, track after track (each opened ahead by the
 * channel's opener thread, its loudness measured and brought to the
 * channel's target like any file), or, without a folder (or while no
 * track is open), a generated one: a soft chord pattern, its loudness
 * measured once and brought to the same target. Each stretch of bed fades
 * in and out. The channel's card_audio setting says which: "music" (the
 * folder when there is one), "tone" (always the generated bed), "silence"
 * (no bed: the channel wants silent cards).
 *
 * Channel thread only (the opener does the opening).
 */
#ifndef RV_ENGINE_BED_H
#define RV_ENGINE_BED_H

#include <stdint.h>

#include <libavutil/frame.h>

#include "engine/source.h"

#define BED_FADE_SAMPLES 24000          /* 0.5 s in and out */

struct opener;
struct bed;

/*
 * A bed for a channel: mode is card_audio's value, music_dir its folder
 * (NULL: none), sc its source settings (copied; its strings must outlive
 * the bed), opener the channel's (borrowed). NULL when the mode is
 * "silence". label names the channel in the log.
 */
struct bed *bed_new(const char *label, const char *mode, const char *music_dir,
    const struct source_conf *sc, struct opener *opener);
/* Free; accepts NULL, sets *bp NULL. */
void bed_free(struct bed **bp);

/*
 * The next 1024 samples of the bed into frame (fltp stereo 48 kHz), faded
 * in over the first BED_FADE_SAMPLES of a stretch (in: samples of this
 * stretch before them) and out over its last (left: samples of it from
 * them on). 0 or an AVERROR.
 */
int bed_audio(struct bed *b, AVFrame *frame, int64_t in, int64_t left);

#endif
