/*
 * alert.h: emergency alerts: the SAME message of 47 CFR 11.31, checked
 * field by field, and their records in emergency_alerts and
 * emergency_alert_log. Rendering the tones is the engine's (engine/same.h).
 */
#ifndef RV_ALERT_H
#define RV_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define ALERT_MAX_LOCATIONS 31
#define ALERT_ATTENTION_MIN_S 8
#define ALERT_ATTENTION_MAX_S 25
#define ALERT_KEY_MAX 64                /* characters of a sender's key */
#define ALERT_VOICE_MAX 63              /* characters of a voice's name */

enum alert_display {
	ALERT_CRAWL,            /* red banner with a crawl over the picture */
	ALERT_SLATE,            /* full-screen slate */
};

/* The station-wide audio setting (system_config "alert.audio"). */
enum alert_audio {
	ALERT_AUDIO_SAME,       /* header, attention signal, end of message */
	ALERT_AUDIO_TONE,       /* attention signal only */
	ALERT_AUDIO_NONE,       /* picture only */
};

struct alert {
	int64_t id;                     /* row id once stored, else 0 */
	char originator[4];             /* EAS, CIV, WXR, PEP */
	char event[4];                  /* EAN, RWT, TOR, ... */
	char locations[ALERT_MAX_LOCATIONS][7];  /* PSSCCC */
	int nlocations;
	char purge[5];                  /* HHMM: how long the alert is valid */
	char issued[8];                 /* JJJHHMM, UTC */
	char station[9];                /* 8 characters, padded with spaces */
	char *message;                  /* owned; shown in the crawl or slate */
	enum alert_display display;
	char *channels;                 /* owned; "all" or "2,5,4.1" */
	char *sent_by;                  /* owned; who triggered it */
	int attention_s;                /* attention signal length, 8..25 */
	int64_t issued_ms;              /* UTC ms the alert was issued */
	char key[ALERT_KEY_MAX + 1];    /* the sender's key ("": none): one alert per key */
	char voice[ALERT_VOICE_MAX + 1];        /* speaks the message ("": the station's) */
	int duration_s;                 /* on screen at least this long (0: as the message
	                                   takes); at most the purge time */
};

/* Fill the fields from text, checking each. Strings are copied. */
struct alert_input {
	const char *originator;         /* NULL: EAS */
	const char *event;
	const char *locations;          /* "PSSCCC[,PSSCCC...]" or "-" separated */
	const char *purge;              /* "HHMM" (or "+HHMM") */
	const char *station;            /* NULL: system_config station id or "RETROVUE" */
	const char *message;
	const char *display;            /* "crawl" (default) or "slate" */
	const char *channels;           /* NULL or "" or "all": every channel */
	const char *sent_by;
	int attention_s;                /* 0: default 8 */
	int64_t now_ms;                 /* issue time; 0: now */
	const char *key;                /* NULL or "": none; else 8 to 64 of A-Z a-z 0-9 . _ : - */
	const char *voice;              /* NULL or "": the station's; else a voice's name */
	int duration_s;                 /* 0: as long as the message takes */
};

/*
 * Build and check an alert. On bad input returns -1 with *cause naming the
 * field and what is wrong; nothing is allocated then.
 */
int alert_parse(const struct alert_input *in, struct alert *out, char **cause);
void alert_clear(struct alert *a);
/* "ZCZC-ORG-EEE-PSSCCC...+TTTT-JJJHHMM-LLLLLLLL-" (new string). */
char *alert_header(const struct alert *a);
/* Purge time in ms (HHMM). */
int64_t alert_purge_ms(const struct alert *a);
/* Full name of an event code ("Required Weekly Test"), or NULL if unknown. */
const char *alert_event_name(const char *code);
/* 1 if the alert goes to this channel number. */
int alert_targets(const struct alert *a, const char *channel_number);

const char *alert_audio_name(enum alert_audio a);
int alert_audio_parse(const char *s, enum alert_audio *out);

/* A new random key for an alert (32 hex digits) into buf[33]. */
void alert_new_key(char buf[33]);
/*
 * Store a new alert (status queued) with its key: as row a->id when that
 * is set, else a new row whose id goes into a->id. Fails if the id is taken
 * (SQLITE_CONSTRAINT in sqlite3_errcode) or the database is busy.
 */
int alert_store(sqlite3 *db, struct alert *a, char **cause);
/* The row id the next alert would get (a read; no lock is taken). -1 on error. */
int64_t alert_next_id(sqlite3 *db);
/*
 * The alert stored with key: 0 with *id (and its status into status[16]
 * when not NULL), 1 if none, -1 with *cause.
 */
int alert_find_key(sqlite3 *db, const char *key, int64_t *id, char *status, char **cause);
/* Set status ("active", "ended", "cleared") and the start/end times. */
int alert_set_status(sqlite3 *db, int64_t id, const char *status, int64_t start_ms,
    int64_t end_ms, char **cause);
/* A channel started (end_ms 0) or ended airing an alert. */
int alert_log_channel(sqlite3 *db, int64_t alert_id, int64_t channel_id, int64_t started_ms,
    int64_t ended_ms, char **cause);

#endif
