/*
 * alerts.h: the station's Emergency Alert System. One per engine: it keeps
 * the alert on the air and the ones queued behind it, renders their audio
 * once (engine/same.h), and through a tail plug-in puts them on every
 * chosen channel that is running: the SAME header, the attention signal,
 * the red crawl or the full-screen slate for the alert's duration, then the
 * end-of-message bursts, after which each channel is simply back on its
 * schedule at the wall-clock position (it never stopped underneath).
 *
 * Timeline on a channel, from the first frame not yet encoded when the alert
 * went active (S), as an alert aired on real cable:
 *   [S, M)                the SAME header x3, the attention signal (8-25 s)
 *                         and a second of silence replace the audio (with
 *                         audio "tone" the attention signal alone; "none":
 *                         nothing, M = S)
 *   [M, M+voice)          the message spoken with a synthetic voice
 *                         (engine/voice.h), made once per alert meanwhile
 *   [M+voice, E)          the programme's sound under a crawl, silence
 *                         under a slate
 *   [E, E+outro)          NNNN x3 replace the audio ("same" only)
 * The crawl (or slate) shows from S to E+outro, crossing the picture once
 * per pass; E is the end of the first pass by which the message has been
 * spoken, the crawl has passed at least twice, and the alert's duration
 * (--duration, from its activation) is over (same_message_end). The purge
 * time is how long the message is valid, not how long it airs. A clear
 * brings E forward to the moment of 'alert clear' (never before M).
 * The plug-in's program_audio gives the same sound to the channel's other
 * audio programmes (tail_sap_out).
 */
#ifndef RV_ENGINE_ALERTS_H
#define RV_ENGINE_ALERTS_H

#include <stdint.h>

#include "engine/tail.h"
#include "src/alert.h"

struct alerts;

/* What is on the air, for the console and status. */
struct alerts_now {
	int64_t id;                     /* 0: no alert on the air */
	char event[4];
	char event_name[64];
	char channels[128];
	char display[8];                /* "crawl" or "slate" */
	int64_t started_ms;             /* when it went active (UTC ms) */
	int64_t ends_ms;                /* when the end of message finishes, about */
	int queued;                     /* alerts waiting behind it */
};

/* The system for the database at db_path. */
struct alerts *alerts_new(const char *db_path, char **cause);
/* Start the bookkeeping thread ("rv-eas"). */
int alerts_start(struct alerts *s, char **cause);
/*
 * Put an alert on the air, or queue it behind the current one, and return
 * its id; *a is taken (cleared). Its row in emergency_alerts is written
 * right after, by the bookkeeping thread: a database busy with a long
 * write never holds an alert up. An alert whose key was sent before (the
 * sender's retry) airs nothing: its id comes back with *duplicate set.
 * Refused (-1, *a kept) when a listed channel does not exist or too many
 * alerts are queued.
 */
int64_t alerts_send(struct alerts *s, struct alert *a, int *duplicate, char **cause);
/* End the current alert now (end of message follows). 0, or 1 if none. */
int alerts_clear(struct alerts *s, const char *who);
/* The alert on the air now. */
void alerts_current(struct alerts *s, struct alerts_now *out);
/* Is channel number airing an alert? Its remaining time in *remaining_ms. */
int alerts_on_channel(struct alerts *s, const char *number, int64_t *remaining_ms);
/* Stop the thread and free; accepts NULL, sets *sp NULL. */
void alerts_free(struct alerts **sp);

/* The tail plug-in; register with director_add_plugin(d, &alerts_plugin, s). */
extern const struct tail_plugin alerts_plugin;

#endif
