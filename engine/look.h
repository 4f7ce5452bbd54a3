/*
 * look.h: a channel's look, as a tail plug-in: the picture as an old
 * television showed it (crt: scan lines, a slight bloom and softness, a
 * gentle vignette and the tube's rounded corners) or as a tape played it
 * back (vhs: chroma bleeding and shifted right, softness, tape noise, the
 * head-switching band at the bottom, now and then a tracking wobble), or
 * clean. Channel settings look (clean|crt|vhs), look_strength (1-100) and
 * look_alerts (yes: the look covers an emergency alert's crawl too).
 *
 * It is made of libavfilter filters in the channel's tail, so it covers
 * everything the channel airs (programmes, cards, slates, the bug and the
 * lower thirds), and costs a millisecond or two a 720p frame, then
 * x264's work on the texture: under a quarter more CPU per channel
 * (bench/bench_cpu.sh with LOOK=crt or vhs). The order of the tail's plug-ins
 * decides what it covers: register look_plugin before the alerts and
 * look_over_plugin after them; a channel takes the one its look_alerts
 * setting says (the other stays out of it), so with look_alerts no the
 * crawl stays crisp over the look.
 */
#ifndef RV_ENGINE_LOOK_H
#define RV_ENGINE_LOOK_H

#include "engine/tail.h"

/*
 * The look's chain for a picture of fmt, from pad in to pad out (a
 * filter graph description), or NULL for clean or an unknown look.
 * strength 1-100 (out of range: clamped). New string.
 */
char *look_chain(const char *look, int strength, const struct tail_format *fmt,
    const char *in, const char *out);

/* Under the alerts (look_alerts no), and over them (look_alerts yes). */
extern const struct tail_plugin look_plugin;
extern const struct tail_plugin look_over_plugin;

#endif
