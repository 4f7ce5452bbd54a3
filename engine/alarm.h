/*
 * alarm.h: a channel's master-control detectors, on what actually airs:
 * the frames and samples handed to the encoders (after the tail graph, the
 * overlays and the alert audio). A few statistics per frame, no second
 * decode:
 *
 *   DEAD AIR  every sample below -60 dBFS (peak, both sides)
 *   BLACK     98% of the picture darker than 10% of the luma range (the
 *             thresholds of FFmpeg's blackdetect)
 *   FROZEN    no block of the picture (a 32x18 grid of block means of a
 *             sampled luma lattice) moved more than 2 levels from the
 *             picture the stretch began with; a black picture is BLACK,
 *             not FROZEN
 *
 * Each raises an alarm once its condition has lasted its threshold, and
 * clears it when the condition ends. The channel tells the detector what
 * the schedule says of each stretch of air time (alarm_segment): which
 * alarms do not apply there (a still card is not FROZEN, bars and tone are
 * a still picture) and where the scheduled boundaries are: black or
 * silence within ALARM_GRACE_US of one (the act-break black of a second,
 * centred on the chapter point) does not start a stretch. An alarm that
 * no longer applies (a card follows the frozen programme) clears.
 *
 * Times are air times (UTC us) of the frames, so events say when a viewer
 * saw them; the channel shows them when their time comes. Channel thread
 * only.
 */
#ifndef RV_ENGINE_ALARM_H
#define RV_ENGINE_ALARM_H

#include <stdint.h>

#include <libavutil/frame.h>

#include "engine/status.h"

#define ALARM_GRACE_US 1000000          /* around a scheduled boundary */
#define ALARM_EXEMPT(k) (1U << (k))     /* a segment where alarm k does not apply */

struct alarm_conf {
	int64_t after_us[ALARM_KINDS];  /* how long a condition lasts before its alarm; 0: off */
};

/* An alarm raised or cleared. */
struct alarm_event {
	enum alarm_kind kind;
	int raised;                     /* 1 raised, 0 cleared */
	int64_t since_us;               /* air time the condition began */
	int64_t at_us;                  /* air time it was raised (since + threshold) or cleared */
};

struct alarm;

/* Detectors with these thresholds; NULL when every one is off. */
struct alarm *alarm_new(const struct alarm_conf *conf);
/* Free; accepts NULL, sets *ap NULL. */
void alarm_free(struct alarm **ap);

/*
 * From air time at_us on, what the schedule says: the exempt alarms
 * (ALARM_EXEMPT bits), and the scheduled start and end of the item (UTC
 * us; 0: no boundary there, as in a gap). Call in air-time order, before
 * the frames of that time reach the detector.
 */
void alarm_segment(struct alarm *a, int64_t at_us, int64_t start_us, int64_t end_us,
    unsigned exempt);

/* Look at a picture (yuv420p or any 8-bit planar YUV) that airs at wall_us. */
void alarm_video(struct alarm *a, const AVFrame *frame, int64_t wall_us);
/* Look at samples (fltp or flt) whose first airs at wall_us. */
void alarm_audio(struct alarm *a, const AVFrame *frame, int64_t wall_us);

/* The next event in order (1), or 0 when there is none. */
int alarm_next(struct alarm *a, struct alarm_event *ev);

/*
 * The longest alarm up now, counted from from_us at the earliest (the item
 * it would act on began then): its kind, or -1 with none, and how long in
 * *held_us.
 */
int alarm_longest(const struct alarm *a, int64_t from_us, int64_t *held_us);
/* Is alarm kind up? Its condition's start (air time) then, else 0. */
int64_t alarm_up(const struct alarm *a, enum alarm_kind kind);

/* Nanoseconds spent measuring so far (for bench/bench_cpu.sh). */
int64_t alarm_cost_ns(const struct alarm *a);

#endif
