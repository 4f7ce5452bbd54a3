/*
 * alerts.c: the Emergency Alert System: queue, air program, tail plug-in.
 *
 * Concurrency: struct alerts is shared by the control thread (send, clear,
 * current), every running channel's thread (the plug-in hooks) and the
 * bookkeeping thread "rv-eas". One mutex guards the current alert, the
 * queue, the list of channels airing and the pending log events. An alert's
 * air program (struct air) is immutable once made except end_us, which is
 * read and written under the lock; channels hold a reference while they
 * air it, so it outlives the current-pointer moving on.
 *
 * An alert goes on the air before it is written down: alerts_send only
 * reads the database (which never waits, in WAL mode, whatever a sync or a
 * removal is writing), gives the alert the next row id, and airs or queues
 * it. Every write (the alert's row, its status, each channel's times) is
 * an event for rv-eas, which writes them in order on its own connection
 * with a short busy timeout; what the database cannot take yet (another
 * connection holds the write lock) waits for the next pass, so the
 * bookkeeping thread, and the alert queue it advances, are never stuck
 * behind a long transaction. Channel threads never wait on the database.
 *
 * The message is spoken by "rv-voice", once per alert, while its header
 * and attention signal air (at least nine seconds): the voice is set in
 * the air program under the lock once made, and never changes after. A
 * channel that reaches the message before its voice waits for it a few
 * seconds in silence, then airs the message unspoken.
 */
#include "engine/alerts.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/same.h"
#include "engine/text.h"
#include "engine/voice.h"
#include "src/channels.h"
#include "src/db.h"
#include "src/log.h"
#include "src/sysconf.h"
#include "src/util.h"
#include "src/thread.h"

#define ALERT_RATE 48000
#define MAX_AIRING 256
#define MAX_QUEUE 32
#define GRACE_US (15 * 1000000LL)       /* channels may encode this far ahead */
#define BUSY_MS 250                     /* rv-eas's wait for the write lock, per pass */
#define FINAL_BUSY_MS 5000              /* and at the end */
#define RECENT_KEYS 64                  /* keys remembered until their rows are written */
#define VOICE_WAIT_US (5 * 1000000LL)   /* a message waits this long for its voice */
#define VOICE_CPS 14                    /* the voice's pace, guessed before it is made */
#define CRAWL_WIDTH_S 7.0               /* the crawl crosses a picture's width in 7 s */
#define CRAWL_SIZE 0.06                 /* its letters, of the picture's height */
#define SLATE_CPS 12.0                  /* a slate is read at 12 characters a second */
#define SLATE_MIN_S 8.0
#define REF_W 1280                      /* the format of the alert's nominal timeline */
#define REF_H 720

enum voice_state {
	VOICE_PENDING,                  /* rv-voice will make it */
	VOICE_MAKING,
	VOICE_READY,                    /* in air->voice */
	VOICE_NONE,                     /* no voice (audio none, or it could not be made) */
};

/* One alert's program, shared by the channels airing it. */
struct air {
	int refs;                       /* under alerts.lock */
	struct alert a;
	enum alert_audio mode;
	struct pcm intro, outro;        /* mono, ALERT_RATE */
	char *crawl;                    /* the crawl's moving text */
	char *spoken;                   /* what the voice says */
	char voice_name[ALERT_VOICE_MAX + 1];
	enum voice_state vstate;        /* under alerts.lock */
	struct pcm voice;               /* set under the lock when READY; then immutable */
	int64_t pass_us;                /* the crawl's pass at REF_WxREF_H */
	int64_t active_us;              /* wall time it went active; 0 queued */
	int64_t end_us;                 /* when it was cleared; INT64_MAX: not cleared */
	int cleared;
	char *who_cleared;
};

/* Something for rv-eas to write down, in order. */
enum air_event_kind {
	EV_STORE,                       /* the alert's row (air holds a reference) */
	EV_ACTIVE,                      /* it went on the air at start_ms */
	EV_CHANNEL,                     /* a channel started (end_ms 0) or ended airing it */
	EV_END,                         /* it is over: status, end_ms */
};

struct air_event {
	enum air_event_kind kind;
	int64_t alert_id;
	struct air *air;                /* EV_STORE */
	int64_t channel_id;
	int64_t start_ms;
	int64_t end_ms;
	const char *status;             /* EV_END: "ended" or "cleared" (static) */
};

/* An id given out that the database had taken meanwhile, and its row's real id. */
struct id_map {
	int64_t given, stored;
};

struct airing {
	char number[16];
	struct air *air;
	int64_t until_us;               /* E + outro on that channel */
};

struct alerts {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char *db_path;
	pthread_t thread, voice_thread;
	pthread_cond_t voice_wake;
	int started, voice_started, stop;
	struct air *current;
	struct air *queue[MAX_QUEUE];
	int nqueue;
	struct airing airing[MAX_AIRING];
	int nairing;
	struct air_event *events;       /* not yet taken by rv-eas */
	size_t nevents, cap;
	int64_t last_id;                /* the last row id given out */
	struct {
		char key[ALERT_KEY_MAX + 1];
		int64_t id;
	} recent[RECENT_KEYS];          /* keys sent lately (a ring) */
	int nrecent;

	/* rv-eas's own. */
	struct air_event *wq;           /* taken, not yet written */
	size_t nwq, capwq;
	struct id_map *map;
	size_t nmap;
};

/* One channel's plug-in state. */
struct alert_chan {
	struct alerts *s;
	char number[16];
	int64_t channel_id;
	struct tail_format fmt;
	struct air *air;                /* airing (ref held), or NULL */
	int64_t done_id;                /* the last alert finished here */
	int64_t s_us;                   /* S on this channel */
	int64_t o_us;                   /* activation, on this channel's clock (its lead) */
	int64_t m_us;                   /* M, the message's start, once fixed, else 0 */
	size_t voice_n;                 /* samples of the voice spoken here (once M is fixed) */
	int waited;                     /* M came before the voice */
	int64_t pass_frames, pass_us;   /* the crawl's (or slate's) pass here */
	int64_t e_us;                   /* E on this channel once fixed, else 0 */
	int64_t poll_us;                /* the air time of the frame polled last */
	int chain;                      /* the alert's picture is in the tail */
	int64_t frame_us;
	int64_t video_next_us, audio_next_us;
};

/* Wall clock in microseconds. */
static int64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Drop a reference; caller holds the lock. */
static void
air_unref(struct air **ap)
{
	struct air *air = *ap;

	*ap = NULL;
	if (air == NULL || --air->refs > 0)
		return;
	alert_clear(&air->a);
	pcm_free(&air->intro);
	pcm_free(&air->outro);
	pcm_free(&air->voice);
	free(air->crawl);
	free(air->spoken);
	free(air->who_cleared);
	free(air);
}

/* Samples in microseconds. */
static int64_t
samples_us(size_t n)
{
	return (int64_t)n * 1000000 / ALERT_RATE;
}

/*
 * The width of text in em, as DejaVu Sans draws it, near enough: the
 * crawl's speed follows from it (its pass is a whole number of frames
 * that drawtext's own measure of the text crosses exactly).
 */
static double
text_em(const char *s)
{
	const unsigned char *p;
	double em = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;               /* inside a UTF-8 character */
		if (*p == ' ')
			em += 0.32;
		else if (*p >= 'A' && *p <= 'Z')
			em += 0.70;
		else if (*p >= 'a' && *p <= 'z')
			em += 0.58;
		else if (*p >= '0' && *p <= '9')
			em += 0.64;
		else if (*p < 0x80)
			em += 0.45;
		else
			em += 0.65;
	}
	return em;
}

/* Frames a pass takes: the crawl crossing the picture, or reading the slate. */
static int64_t
pass_frames(const struct air *air, int width, int height, int fps_num, int fps_den)
{
	double secs;

	if (air->a.display == ALERT_SLATE) {
		secs = (double)strlen(air->a.message) / SLATE_CPS;
		if (secs < SLATE_MIN_S)
			secs = SLATE_MIN_S;
	} else
		secs = CRAWL_WIDTH_S * (1 + text_em(air->crawl) * CRAWL_SIZE * height / width);
	return (int64_t)ceil(secs * fps_num / fps_den);
}

/* The crawl's moving text. */
static char *
crawl_text(const struct alert *a)
{
	char *msg, when[32], station[9];
	time_t t = (time_t)(a->issued_ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(station, sizeof station, "%s", a->station);
	strftime(when, sizeof when, "%H:%M UTC", &tm);
	xasprintf(&msg, "%s   ***   %s issued at %s by %s.   ***   ", a->message,
	    alert_event_name(a->event), when, strtrim(station));
	return msg;
}

/* What the voice says: who issued what, as the automated systems said it, then the message. */
static char *
spoken_text(const struct alert *a)
{
	static const struct {
		const char *code, *who;
	} origins[] = {
		{ "EAS", "A broadcast station or cable system has" },
		{ "CIV", "The civil authorities have" },
		{ "WXR", "The National Weather Service has" },
		{ "PEP", "The Primary Entry Point System has" },
	};
	const char *who = origins[0].who, *name = alert_event_name(a->event);
	char *s;
	size_t i;

	for (i = 0; i < nitems(origins); i++) {
		if (strcmp(a->originator, origins[i].code) == 0)
			who = origins[i].who;
	}
	if (name == NULL)
		name = a->event;
	xasprintf(&s, "%s issued %s %s. %s", who, strchr("AEIOU", name[0]) != NULL ? "an" : "a",
	    name, a->message);
	return s;
}

/* How long the voice speaks (guessed until it is made); caller holds the lock. */
static int64_t
voice_us(const struct air *air)
{
	switch (air->vstate) {
	case VOICE_READY:
		return samples_us(air->voice.n);
	case VOICE_NONE:
		return 0;
	default:
		return (int64_t)strlen(air->spoken) * 1000000 / VOICE_CPS;
	}
}

/* Queue an event for rv-eas; caller holds the lock. */
static void
push(struct alerts *s, const struct air_event *ev)
{
	if (s->nevents == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->events = xreallocarray(s->events, s->cap, sizeof *s->events);
	}
	s->events[s->nevents++] = *ev;
	pthread_cond_signal(&s->wake);
}

/* A channel's start (end_ms 0) or end of airing an alert; caller holds the lock. */
static void
push_event(struct alerts *s, int64_t alert_id, int64_t channel_id, int64_t start_ms,
    int64_t end_ms)
{
	push(s, &(struct air_event){ .kind = EV_CHANNEL, .alert_id = alert_id,
	    .channel_id = channel_id, .start_ms = start_ms, .end_ms = end_ms });
}

/* New system. */
struct alerts *
alerts_new(const char *db_path, char **cause)
{
	struct alerts *s = xcalloc(1, sizeof *s);

	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->voice_wake, NULL);
	s->db_path = xstrdup(db_path);
	return s;
}

/* Every channel the alert names must exist. */
static int
check_channels(sqlite3 *db, const struct alert *a, char **cause)
{
	struct channel_conf c;
	const char *p = a->channels;
	char number[32];
	size_t n;
	int rc;

	if (strcmp(p, "all") == 0)
		return 0;
	while (*p != '\0') {
		while (*p == ',' || *p == ' ')
			p++;
		if ((n = strcspn(p, ", ")) == 0)
			break;
		snprintf(number, sizeof number, "%.*s", (int)n, p);
		rc = channels_find(db, number, &c, cause);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			set_cause(cause, "channel %s does not exist; nothing was sent", number);
			return -1;
		}
		channel_conf_clear(&c);
		p += n;
	}
	return 0;
}

/* Make a queued alert active now; caller holds the lock. */
static void
activate(struct alerts *s, struct air *air)
{
	air->active_us = wall_us();
	air->end_us = INT64_MAX;
	s->current = air;
	log_warn("EMERGENCY ALERT %lld on the air: %s %s (%s) on channels %s",
	    (long long)air->a.id, air->a.originator, air->a.event, alert_event_name(air->a.event),
	    air->a.channels);
	push(s, &(struct air_event){ .kind = EV_ACTIVE, .alert_id = air->a.id,
	    .start_ms = air->active_us / 1000 });
	pthread_cond_signal(&s->voice_wake);
}

/* The alert sent lately with key, or 0; caller holds the lock. */
static int64_t
recent_key(struct alerts *s, const char *key)
{
	int i;

	for (i = 0; i < RECENT_KEYS; i++) {
		if (s->recent[i].id != 0 && strcmp(s->recent[i].key, key) == 0)
			return s->recent[i].id;
	}
	return 0;
}

/* Check, render, and air or queue; the row is written by rv-eas. */
int64_t
alerts_send(struct alerts *s, struct alert *a, int *duplicate, char **cause)
{
	struct air *air;
	enum alert_audio mode = ALERT_AUDIO_SAME;
	sqlite3 *db = NULL;
	char *v, status[16] = "", voice[ALERT_VOICE_MAX + 1];
	int64_t id, next;
	int rc;

	*duplicate = 0;
	/* Reads only: they never wait for a writer. */
	if (db_open(s->db_path, 0, &db, cause) != 0)
		return -1;
	if (check_channels(db, a, cause) != 0)
		goto fail;
	v = sysconf_get(db, "alert.audio", "same");
	if (alert_audio_parse(v, &mode) != 0) {
		log_warn("alert.audio '%s' is not same, tone or none; using same", v);
		mode = ALERT_AUDIO_SAME;
	}
	free(v);
	if (a->voice[0] != '\0') {
		if (mode != ALERT_AUDIO_NONE && voice_check(a->voice, cause) != 0)
			goto fail;
		snprintf(voice, sizeof voice, "%s", a->voice);
	} else {
		v = sysconf_get(db, "alert.voice", VOICE_DEFAULT);
		snprintf(voice, sizeof voice, "%s", v);
		free(v);
	}
	if (a->key[0] != '\0') {
		if ((rc = alert_find_key(db, a->key, &id, status, cause)) < 0)
			goto fail;
		if (rc == 0)
			goto sent_before;
	}
	if ((next = alert_next_id(db)) < 0) {
		set_cause(cause, "cannot read the alerts' numbers: %s", sqlite3_errmsg(db));
		goto fail;
	}
	db_close(&db);

	air = xcalloc(1, sizeof *air);
	air->refs = 1;
	air->a = *a;
	memset(a, 0, sizeof *a);
	air->mode = mode;
	air->intro.rate = air->outro.rate = air->voice.rate = ALERT_RATE;
	same_intro(&air->intro, &air->a, mode);
	same_outro(&air->outro, mode);
	air->crawl = crawl_text(&air->a);
	air->spoken = spoken_text(&air->a);
	snprintf(air->voice_name, sizeof air->voice_name, "%s", voice);
	air->vstate = mode == ALERT_AUDIO_NONE ? VOICE_NONE : VOICE_PENDING;
	air->pass_us = pass_frames(air, REF_W, REF_H, 30, 1) * 1000000 / 30;

	pthread_mutex_lock(&s->lock);
	if (air->a.key[0] != '\0' && (id = recent_key(s, air->a.key)) != 0) {
		*a = air->a;                    /* give it back to be cleared below */
		memset(&air->a, 0, sizeof air->a);
		air_unref(&air);
		pthread_mutex_unlock(&s->lock);
		snprintf(status, sizeof status, "sent");
		goto sent_before;
	}
	if (s->nqueue == MAX_QUEUE) {
		*a = air->a;
		memset(&air->a, 0, sizeof air->a);
		air_unref(&air);
		pthread_mutex_unlock(&s->lock);
		set_cause(cause, "%d alerts are already queued; clear some first", MAX_QUEUE);
		return -1;
	}
	id = next > s->last_id ? next : s->last_id + 1;
	s->last_id = id;
	air->a.id = id;
	if (air->a.key[0] != '\0') {
		snprintf(s->recent[s->nrecent].key, sizeof s->recent[s->nrecent].key, "%s",
		    air->a.key);
		s->recent[s->nrecent].id = id;
		s->nrecent = (s->nrecent + 1) % RECENT_KEYS;
	}
	log_warn("alert %lld (%s %s, audio %s, voice %s, %s%s) sent by %s for channels %s%s%s: %s",
	    (long long)id, air->a.originator, air->a.event, alert_audio_name(mode),
	    mode == ALERT_AUDIO_NONE ? "none" : air->voice_name,
	    air->a.display == ALERT_SLATE ? "slate" : "crawl", air->a.duration_s > 0 ?
	    ", on screen for at least a set time" : "", air->a.sent_by, air->a.channels,
	    air->a.key[0] != '\0' ? ", key " : "", air->a.key, air->a.message);
	air->refs++;                            /* the row's writer holds one */
	push(s, &(struct air_event){ .kind = EV_STORE, .alert_id = id, .air = air });
	if (s->current == NULL)
		activate(s, air);
	else {
		s->queue[s->nqueue++] = air;
		log_warn("alert %lld queued behind alert %lld", (long long)id,
		    (long long)s->current->a.id);
	}
	pthread_cond_signal(&s->wake);
	pthread_cond_signal(&s->voice_wake);
	pthread_mutex_unlock(&s->lock);
	return id;

sent_before:
	/* The sender's retry of an alert that went out: nothing airs twice. */
	log_warn("alert key %s was sent before, as alert %lld (%s); not sent again", a->key,
	    (long long)id, status);
	db_close(&db);
	alert_clear(a);
	*duplicate = 1;
	return id;

fail:
	db_close(&db);
	return -1;
}

/* End the current alert now. */
int
alerts_clear(struct alerts *s, const char *who)
{
	struct air *air;
	int64_t now = wall_us();

	pthread_mutex_lock(&s->lock);
	if ((air = s->current) == NULL || air->cleared) {
		pthread_mutex_unlock(&s->lock);
		return 1;
	}
	air->cleared = 1;
	air->who_cleared = xstrdup(who != NULL ? who : "unknown");
	if (air->end_us > now)
		air->end_us = now;
	log_warn("alert %lld cleared by %s", (long long)air->a.id, air->who_cleared);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/*
 * When air's end of message is over on a channel that started with it, at
 * REF_WxREF_H (others differ by their lead and format, and hold the alert
 * while they air it); caller holds the lock.
 */
static int64_t
finish_us(const struct air *air)
{
	int64_t s = air->active_us, m = s + samples_us(air->intro.n), e;

	e = same_message_end(s, m, voice_us(air), air->pass_us,
	    s + (int64_t)air->a.duration_s * 1000000);
	if (air->end_us < e)
		e = air->end_us > m ? air->end_us : m;
	return e + samples_us(air->outro.n);
}

/* What is on the air. */
void
alerts_current(struct alerts *s, struct alerts_now *out)
{
	struct air *air;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&s->lock);
	if ((air = s->current) != NULL) {
		out->id = air->a.id;
		snprintf(out->event, sizeof out->event, "%s", air->a.event);
		snprintf(out->event_name, sizeof out->event_name, "%s",
		    alert_event_name(air->a.event));
		snprintf(out->channels, sizeof out->channels, "%s", air->a.channels);
		snprintf(out->display, sizeof out->display, "%s",
		    air->a.display == ALERT_SLATE ? "slate" : "crawl");
		out->started_ms = air->active_us / 1000;
		out->ends_ms = finish_us(air) / 1000;
	}
	out->queued = s->nqueue;
	pthread_mutex_unlock(&s->lock);
}

/* Is a channel airing an alert? */
int
alerts_on_channel(struct alerts *s, const char *number, int64_t *remaining_ms)
{
	int i, on = 0;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nairing; i++) {
		if (strcmp(s->airing[i].number, number) == 0) {
			on = 1;
			if (remaining_ms != NULL)
				*remaining_ms = (s->airing[i].until_us - wall_us()) / 1000;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return on;
}

/* The row id an alert was given, as the database has it. */
static int64_t
stored_id(struct alerts *s, int64_t given)
{
	size_t i;

	for (i = 0; i < s->nmap; i++) {
		if (s->map[i].given == given)
			return s->map[i].stored;
	}
	return given;
}

/* Remember that alert given is row stored. */
static void
map_id(struct alerts *s, int64_t given, int64_t stored)
{
	s->map = xreallocarray(s->map, s->nmap + 1, sizeof *s->map);
	s->map[s->nmap++] = (struct id_map){ given, stored };
}

/* Is an SQLite result code "someone else holds the lock, try later"? */
static int
busy_code(int code)
{
	return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
}

/* The alert's row; as write_one. */
static int
write_store(struct alerts *s, sqlite3 *db, struct air_event *ev, char **cause)
{
	struct alert row = ev->air->a;  /* a shallow copy: the strings stay the air's */
	int64_t found;
	int code;

	if (alert_store(db, &row, cause) == 0)
		return 0;
	code = sqlite3_extended_errcode(db);
	if (code == SQLITE_CONSTRAINT_PRIMARYKEY) {
		/* Another Retrovue on this database took that number meanwhile. */
		freep(cause);
		row.id = 0;
		if (alert_store(db, &row, cause) == 0) {
			map_id(s, ev->alert_id, row.id);
			log_warn("alert %lld is recorded as alert %lld (another Retrovue on this "
			    "database took the number)", (long long)ev->alert_id, (long long)row.id);
			return 0;
		}
		code = sqlite3_extended_errcode(db);
	} else if (code == SQLITE_CONSTRAINT_UNIQUE && row.key[0] != '\0' &&
	    alert_find_key(db, row.key, &found, NULL, NULL) == 0) {
		freep(cause);
		map_id(s, ev->alert_id, found);
		log_warn("alert %lld: its key %s is recorded already, as alert %lld",
		    (long long)ev->alert_id, row.key, (long long)found);
		return 0;
	}
	return busy_code(code) ? 1 : -1;
}

/* Write one event: 0 done, 1 the database is busy (try later), -1 failed (said). */
static int
write_one(struct alerts *s, sqlite3 *db, struct air_event *ev)
{
	int64_t id = stored_id(s, ev->alert_id);
	char *cause = NULL;
	int rc = 0;

	switch (ev->kind) {
	case EV_STORE:
		rc = write_store(s, db, ev, &cause);
		break;
	case EV_ACTIVE:
		rc = alert_set_status(db, id, "active", ev->start_ms, 0, &cause);
		break;
	case EV_CHANNEL:
		rc = alert_log_channel(db, id, ev->channel_id, ev->start_ms, ev->end_ms, &cause);
		break;
	case EV_END:
		rc = alert_set_status(db, id, ev->status, 0, ev->end_ms, &cause);
		break;
	}
	if (rc != 0 && ev->kind != EV_STORE)
		rc = busy_code(sqlite3_extended_errcode(db)) ? 1 : -1;
	if (rc < 0)
		log_error("alert log: alert %lld: %s", (long long)ev->alert_id,
		    cause != NULL ? cause : "cannot be written");
	free(cause);
	return rc;
}

/* Drop an event's reference (the row's writer's). */
static void
event_done(struct alerts *s, struct air_event *ev)
{
	if (ev->air == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	air_unref(&ev->air);
	pthread_mutex_unlock(&s->lock);
}

/* Write what is waiting, in order, until the database says busy. */
static void
write_events(struct alerts *s, sqlite3 *db)
{
	size_t i;

	for (i = 0; i < s->nwq; i++) {
		if (db != NULL && write_one(s, db, &s->wq[i]) > 0)
			break;
		event_done(s, &s->wq[i]);
	}
	if (i > 0 && i < s->nwq)
		memmove(s->wq, s->wq + i, (s->nwq - i) * sizeof *s->wq);
	s->nwq -= i;
}

/* Retire a finished alert, take the new events, write what the database takes. */
static void
bookkeep(struct alerts *s, sqlite3 *db)
{
	struct air *done = NULL;
	int64_t now = wall_us();
	int i, held = 0;

	pthread_mutex_lock(&s->lock);
	if (s->current != NULL) {
		for (i = 0; i < s->nairing; i++) {
			if (s->airing[i].air == s->current)
				held = 1;
		}
		if (!held && now > finish_us(s->current) + GRACE_US) {
			done = s->current;
			s->current = NULL;
			push(s, &(struct air_event){ .kind = EV_END, .alert_id = done->a.id,
			    .end_ms = finish_us(done) / 1000, .status = done->cleared ? "cleared" :
			    "ended" });
			if (s->nqueue > 0) {
				activate(s, s->queue[0]);
				memmove(s->queue, s->queue + 1, (size_t)--s->nqueue * sizeof *s->queue);
			}
		}
	}
	if (s->nevents > 0) {
		if (s->nwq + s->nevents > s->capwq) {
			s->capwq = (s->nwq + s->nevents) * 2;
			s->wq = xreallocarray(s->wq, s->capwq, sizeof *s->wq);
		}
		memcpy(s->wq + s->nwq, s->events, s->nevents * sizeof *s->events);
		s->nwq += s->nevents;
		s->nevents = 0;
	}
	if (done != NULL) {
		log_warn("alert %lld %s; channels back on their schedules", (long long)done->a.id,
		    done->cleared ? "cleared" : "ended");
		air_unref(&done);
	}
	pthread_mutex_unlock(&s->lock);
	write_events(s, db);
}

/* rv-eas: bookkeeping every 100 ms or when woken. */
static void *
alerts_main(void *arg)
{
	struct alerts *s = arg;
	struct timespec ts;
	sqlite3 *db = NULL;
	char *cause = NULL;

	if (db_open(s->db_path, 0, &db, &cause) != 0) {
		log_error("alerts: %s; alerts will air but not be logged", cause);
		free(cause);
	} else
		sqlite3_busy_timeout(db, BUSY_MS);
	for (;;) {
		pthread_mutex_lock(&s->lock);
		if (!s->stop && s->nevents == 0) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100 * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&s->wake, &s->lock, &ts);
		}
		if (s->stop) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		pthread_mutex_unlock(&s->lock);
		bookkeep(s, db);
	}
	if (db != NULL)
		sqlite3_busy_timeout(db, FINAL_BUSY_MS);
	bookkeep(s, db);
	if (s->nwq > 0) {
		log_error("alerts: %zu record%s of the alert log could not be written: the "
		    "database stayed busy", s->nwq, s->nwq == 1 ? "" : "s");
		while (s->nwq > 0)
			event_done(s, &s->wq[--s->nwq]);
	}
	db_close(&db);
	return NULL;
}

/* The next alert whose voice is to be made, the one on the air first; caller holds the lock. */
static struct air *
voice_next(struct alerts *s)
{
	int i;

	if (s->current != NULL && s->current->vstate == VOICE_PENDING)
		return s->current;
	for (i = 0; i < s->nqueue; i++) {
		if (s->queue[i]->vstate == VOICE_PENDING)
			return s->queue[i];
	}
	return NULL;
}

/* rv-voice: speak each alert's message once, off the channel threads. */
static void *
voice_main(void *arg)
{
	struct alerts *s = arg;
	struct pcm pcm = { .rate = ALERT_RATE };
	struct air *air;
	char *text, *name, *cause = NULL;
	int64_t t0;
	int rc;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		if ((air = voice_next(s)) == NULL) {
			pthread_cond_wait(&s->voice_wake, &s->lock);
			continue;
		}
		air->refs++;
		air->vstate = VOICE_MAKING;
		text = xstrdup(air->spoken);
		name = xstrdup(air->voice_name);
		pthread_mutex_unlock(&s->lock);

		t0 = mono_us();
		rc = voice_render(name, text, 0.5f, &pcm, &cause);
		if (rc != 0 && strcmp(name, VOICE_DEFAULT) != 0) {
			log_warn("alert %lld: %s; speaking with %s instead", (long long)air->a.id,
			    cause, VOICE_DEFAULT);
			freep(&cause);
			rc = voice_render(VOICE_DEFAULT, text, 0.5f, &pcm, &cause);
		}
		if (rc != 0)
			log_error("alert %lld: the message cannot be spoken (%s); it airs on screen "
			    "only", (long long)air->a.id, cause);
		else
			log_info("alert %lld: message spoken in %.1f s (voice %s), made in %lld ms",
			    (long long)air->a.id, (double)pcm.n / ALERT_RATE, name,
			    (long long)(mono_us() - t0) / 1000);
		freep(&cause);
		free(text);
		free(name);

		pthread_mutex_lock(&s->lock);
		if (rc == 0 && pcm.n > 0) {
			air->voice = pcm;
			air->vstate = VOICE_READY;
		} else {
			pcm_free(&pcm);
			air->vstate = VOICE_NONE;
		}
		memset(&pcm, 0, sizeof pcm);
		pcm.rate = ALERT_RATE;
		air_unref(&air);
	}
	pthread_mutex_unlock(&s->lock);
	voice_end();
	return NULL;
}

/* Start rv-eas and rv-voice. */
int
alerts_start(struct alerts *s, char **cause)
{
	if (thread_start(&s->thread, "rv-eas", alerts_main, s) != 0) {
		set_cause(cause, "cannot start the alert thread");
		return -1;
	}
	s->started = 1;
	if (thread_start(&s->voice_thread, "rv-voice", voice_main, s) != 0) {
		set_cause(cause, "cannot start the alert voice thread");
		return -1;
	}
	s->voice_started = 1;
	return 0;
}

/* Stop and free. Channels must be stopped first (they hold references). */
void
alerts_free(struct alerts **sp)
{
	struct alerts *s;
	size_t j;
	int i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->wake);
	pthread_cond_signal(&s->voice_wake);
	pthread_mutex_unlock(&s->lock);
	if (s->started)
		pthread_join(s->thread, NULL);
	if (s->voice_started)
		pthread_join(s->voice_thread, NULL);
	pthread_mutex_lock(&s->lock);
	air_unref(&s->current);
	for (i = 0; i < s->nqueue; i++)
		air_unref(&s->queue[i]);
	for (i = 0; i < s->nairing; i++)
		air_unref(&s->airing[i].air);
	for (j = 0; j < s->nevents; j++)
		air_unref(&s->events[j].air);
	for (j = 0; j < s->nwq; j++)
		air_unref(&s->wq[j].air);
	pthread_mutex_unlock(&s->lock);
	free(s->events);
	free(s->wq);
	free(s->map);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->voice_wake);
	free(s->db_path);
	freep(sp);
}

/* The plug-in. */

/*
 * E on this channel (alerts.h): the end of the pass by which the message
 * is spoken, the crawl has passed twice and the alert has been on screen
 * as long as it must; a clear brings it forward, but never before the
 * intro has played, and never into the past of what this channel already
 * encoded (it runs ahead of the clock, so a clear would otherwise cut into
 * the end of message). Fixed the first time it comes within reach, once M
 * is known or the alert is cleared. Caller holds the lock.
 */
static int64_t
chan_end_us(struct alert_chan *c)
{
	struct air *air = c->air;
	int64_t min = c->s_us + samples_us(air->intro.n), done, m, voice, e;

	if (c->e_us != 0)
		return c->e_us;
	done = c->video_next_us > c->audio_next_us ? c->video_next_us : c->audio_next_us;
	if (c->m_us != 0) {
		m = c->m_us;
		voice = samples_us(c->voice_n);
	} else {
		m = done > min ? done : min;
		voice = voice_us(air);
	}
	e = same_message_end(c->s_us, m, voice, c->pass_us,
	    c->o_us + (int64_t)air->a.duration_s * 1000000);
	if (air->end_us < e)
		e = air->end_us > min ? air->end_us : min;
	if ((c->m_us != 0 || air->cleared) && e <= done + c->frame_us) {
		c->e_us = e > done ? e : done;
		return c->e_us;
	}
	return e;
}

/*
 * Fix M once the audio reaches the end of the intro (reach): right there
 * when the voice is made (or none comes), else when it comes, or without
 * it after VOICE_WAIT_US; from is where the audio being filled starts.
 * Caller holds the lock.
 */
static void
fix_message(struct alert_chan *c, int64_t from, int64_t reach)
{
	struct air *air = c->air;
	int64_t m = c->s_us + samples_us(air->intro.n), e;
	int making = air->vstate == VOICE_PENDING || air->vstate == VOICE_MAKING;

	if (c->m_us != 0 || reach < m)
		return;
	if (making && reach < m + VOICE_WAIT_US && !air->cleared) {
		c->waited = 1;
		return;
	}
	if (making && !air->cleared)
		log_warn("channel %s: alert %lld: its voice is not ready after %lld s; the message "
		    "airs on screen only", c->number, (long long)air->a.id,
		    (long long)VOICE_WAIT_US / 1000000);
	c->m_us = c->waited && from > m ? from : m;
	c->voice_n = air->vstate == VOICE_READY ? air->voice.n : 0;
	e = chan_end_us(c);
	log_info("channel %s: alert %lld: %s %.1f s, then the message spoken for %.1f s; the %s "
	    "passes every %.1f s; end of message %.1f s after the start", c->number,
	    (long long)air->a.id, air->mode == ALERT_AUDIO_SAME ? "header and attention signal" :
	    "attention signal", (double)(c->m_us - c->s_us) / 1e6, (double)c->voice_n / ALERT_RATE,
	    air->a.display == ALERT_SLATE ? "slate (read)" : "crawl", (double)c->pass_us / 1e6,
	    (double)(e - c->s_us) / 1e6);
}

/* Update this channel's entry in the airing list; caller holds the lock. */
static void
note_airing(struct alert_chan *c, int on)
{
	struct alerts *s = c->s;
	int i;

	for (i = 0; i < s->nairing; i++) {
		if (strcmp(s->airing[i].number, c->number) == 0)
			break;
	}
	if (!on) {
		if (i < s->nairing) {
			air_unref(&s->airing[i].air);
			s->airing[i] = s->airing[--s->nairing];
		}
		return;
	}
	if (i == s->nairing) {
		if (s->nairing == MAX_AIRING)
			return;
		s->nairing++;
		snprintf(s->airing[i].number, sizeof s->airing[i].number, "%s", c->number);
		s->airing[i].air = c->air;
		c->air->refs++;
	}
	s->airing[i].until_us = chan_end_us(c) + samples_us(c->air->outro.n);
}

/* Start airing the current alert if it is for this channel. */
static void
maybe_start(struct alert_chan *c, int64_t from_us)
{
	struct alerts *s = c->s;
	struct air *cur;
	int64_t now;

	if (c->air != NULL)
		return;
	pthread_mutex_lock(&s->lock);
	cur = s->current;
	if (cur != NULL && cur->a.id != c->done_id && alert_targets(&cur->a, c->number) &&
	    from_us < finish_us(cur)) {
		now = wall_us();
		c->air = cur;
		cur->refs++;
		c->s_us = cur->active_us > from_us ? cur->active_us : from_us;
		/* The duration runs from the activation, on this channel's clock. */
		c->o_us = cur->active_us + (from_us > now ? from_us - now : 0);
		c->m_us = 0;
		c->voice_n = 0;
		c->waited = 0;
		c->e_us = 0;
		c->pass_frames = pass_frames(cur, c->fmt.width, c->fmt.height, c->fmt.fps_num,
		    c->fmt.fps_den);
		c->pass_us = c->pass_frames * 1000000 * c->fmt.fps_den / c->fmt.fps_num;
		note_airing(c, 1);
		push_event(s, cur->a.id, c->channel_id, c->s_us / 1000, 0);
		/*
		 * The channel encodes ahead of the clock (its lead): the alert is
		 * in its stream now, and airs from the frame being encoded.
		 */
		log_info("channel %s: alert %lld in the stream %lld ms after activation, on the "
		    "air %lld ms after it (the channel's lead)", c->number, (long long)cur->a.id,
		    (long long)(now - cur->active_us) / 1000,
		    (long long)(c->s_us - cur->active_us) / 1000);
	}
	pthread_mutex_unlock(&s->lock);
}

/* Stop airing when both streams are past the end of message. */
static int
maybe_finish(struct alert_chan *c)
{
	struct alerts *s = c->s;
	int64_t until, upto;

	if (c->air == NULL)
		return 0;
	upto = c->video_next_us < c->audio_next_us ? c->video_next_us : c->audio_next_us;
	pthread_mutex_lock(&s->lock);
	until = chan_end_us(c) + samples_us(c->air->outro.n);
	note_airing(c, 1);
	if (upto < until) {
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	push_event(s, c->air->a.id, c->channel_id, 0, until / 1000);
	c->done_id = c->air->a.id;
	note_airing(c, 0);
	air_unref(&c->air);
	pthread_mutex_unlock(&s->lock);
	log_info("channel %s: alert over; back to the schedule", c->number);
	return 1;
}

/* open: every channel takes part; it may start mid-alert. */
static void *
plug_open(void *global, const struct channel_conf *conf, const struct tail_format *fmt)
{
	struct alert_chan *c;

	if (fmt->sample_rate != ALERT_RATE) {
		log_error("channel %s: alerts need %d Hz audio, the tail has %d Hz", conf->number,
		    ALERT_RATE, fmt->sample_rate);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->s = global;
	snprintf(c->number, sizeof c->number, "%s", conf->number);
	c->channel_id = conf->id;
	c->fmt = *fmt;
	c->frame_us = (int64_t)1000000 * fmt->fps_den / fmt->fps_num;
	return c;
}

/*
 * The crawl: a red band, a heading, the message moving right to left. It
 * crosses the picture once every pass_frames, counted from S (drawtext's
 * frame number starts where this chain starts airing), so the end of
 * message falls as the text leaves the picture.
 */
static char *
crawl_chain(struct alert_chan *c, const char *in, const char *out)
{
	const struct alert *a = &c->air->a;
	char *head, *vh, *vm, *font, *bold, *x, *vx, *desc;
	int64_t n0 = (c->poll_us - c->s_us + c->frame_us / 2) / c->frame_us;

	if (n0 < 0)
		n0 = 0;
	xasprintf(&head, "EMERGENCY ALERT SYSTEM  -  %s", alert_event_name(a->event));
	vh = text_value(head);
	vm = text_value(c->air->crawl);
	font = text_font_arg(NULL, 0, NULL);
	bold = text_font_arg(NULL, 1, NULL);
	xasprintf(&x, "w-(w+tw)*mod(n,%lld)/%lld", (long long)c->pass_frames,
	    (long long)c->pass_frames);
	vx = text_value(x);
	if (font == NULL || bold == NULL)       /* no font at all: the band alone */
		xasprintf(&desc, "[%s]drawbox=x=0:y=ih*0.78:w=iw:h=ih*0.17:color=0xB00000@0.92:"
		    "t=fill[%s]", in, out);
	else
		xasprintf(&desc, "[%s]drawbox=x=0:y=ih*0.78:w=iw:h=ih*0.17:color=0xB00000@0.92:"
		    "t=fill,drawtext=%s:expansion=none:text=%s:fontcolor=white:fontsize=h*0.04:"
		    "x=w*0.02:y=h*0.79,drawtext@alertcrawl=%s:expansion=none:text=%s:"
		    "fontcolor=white:fontsize=h*%.2f:y=h*0.86:start_number=%lld:x=%s[%s]", in, bold,
		    vh, font, vm, CRAWL_SIZE, (long long)n0, vx, out);
	free(head);
	free(vh);
	free(vm);
	free(font);
	free(bold);
	free(x);
	free(vx);
	return desc;
}

/* The slate: the whole picture red with the alert in words. */
static char *
slate_chain(struct alert_chan *c, const char *in, const char *out)
{
	const struct alert *a = &c->air->a;
	char *wrapped = text_wrap(a->message, 40, 7), *vt, *ve, *vm, *font, *bold, *desc;

	vt = text_value("EMERGENCY ALERT SYSTEM");
	ve = text_value(alert_event_name(a->event));
	vm = text_value(wrapped);
	font = text_font_arg(NULL, 0, NULL);
	bold = text_font_arg(NULL, 1, NULL);
	if (font == NULL || bold == NULL)       /* no font at all: the red screen alone */
		xasprintf(&desc, "[%s]drawbox=x=0:y=0:w=iw:h=ih:color=0x8B0000:t=fill[%s]", in,
		    out);
	else
		xasprintf(&desc, "[%s]drawbox=x=0:y=0:w=iw:h=ih:color=0x8B0000:t=fill,"
		    "drawtext=%s:expansion=none:text=%s:fontcolor=white:fontsize=h*0.08:"
		    "x=(w-tw)/2:y=h*0.10,"
		    "drawtext=%s:expansion=none:text=%s:fontcolor=yellow:fontsize=h*0.065:"
		    "x=(w-tw)/2:y=h*0.25,"
		    "drawtext=%s:expansion=none:text=%s:fontcolor=white:fontsize=h*0.05:"
		    "line_spacing=h*0.015:x=(w-tw)/2:y=h*0.42[%s]", in, bold, vt, bold, ve, font, vm,
		    out);
	free(wrapped);
	free(vt);
	free(ve);
	free(vm);
	free(font);
	free(bold);
	return desc;
}

/* video_chain: the crawl or the slate while airing. */
static int
plug_video_chain(void *state, const char *in, const char *out, char **desc)
{
	struct alert_chan *c = state;

	*desc = NULL;
	if (!c->chain || c->air == NULL)
		return 0;
	*desc = c->air->a.display == ALERT_SLATE ? slate_chain(c, in, out) :
	    crawl_chain(c, in, out);
	return 0;
}

/* poll: before each video frame. */
static int
plug_poll(void *state, struct tail *t, int64_t wall)
{
	struct alert_chan *c = state;
	int want;

	c->poll_us = wall;
	maybe_start(c, wall > c->audio_next_us ? wall : c->audio_next_us);
	maybe_finish(c);
	want = c->air != NULL;
	if (want == c->chain)
		return TAIL_KEEP;
	c->chain = want;
	return TAIL_REBUILD;
}

/* video_frame: note progress. */
static void
plug_video_frame(void *state, AVFrame *frame, int64_t wall)
{
	struct alert_chan *c = state;

	c->video_next_us = wall + c->frame_us;
}

/*
 * Write the alert's sound over the samples of frame (air time wall) that
 * fall in it: the intro, the voice from M, silence under a slate or while
 * the voice is awaited, the end of message from E; elsewhere the
 * programme's sound stays. e and m as fixed (m 0: not yet).
 */
static void
fill(struct alert_chan *c, AVFrame *frame, int64_t wall, int64_t e_us, int64_t m_us,
    size_t voice_n)
{
	const struct air *air = c->air;
	int64_t k0, k, kend, km;
	size_t intro_n = air->intro.n, outro_n = air->outro.n;
	int i, ch, nch = frame->ch_layout.nb_channels, slate = air->a.display == ALERT_SLATE;
	int planar = frame->format == AV_SAMPLE_FMT_FLTP;
	float v;

	if (frame->format != AV_SAMPLE_FMT_FLTP && frame->format != AV_SAMPLE_FMT_FLT)
		return;
	k0 = (int64_t)llround((double)(wall - c->s_us) * ALERT_RATE / 1e6);
	kend = (int64_t)llround((double)(e_us - c->s_us) * ALERT_RATE / 1e6);
	km = m_us != 0 ? (int64_t)llround((double)(m_us - c->s_us) * ALERT_RATE / 1e6) : -1;
	if (k0 + frame->nb_samples <= 0 || (k0 >= kend + (int64_t)outro_n))
		return;
	if (av_frame_make_writable(frame) < 0)
		return;
	for (i = 0; i < frame->nb_samples; i++) {
		k = k0 + i;
		if (k < 0)
			continue;
		if (k < (int64_t)intro_n)
			v = air->intro.data[k];
		else if (k >= kend) {
			if (k >= kend + (int64_t)outro_n)
				continue;
			v = air->outro.data[k - kend];
		} else if (km >= 0 && k >= km && k < km + (int64_t)voice_n)
			v = air->voice.data[k - km];
		else if (slate || km < 0)
			v = 0;
		else
			continue;       /* the programme's sound under the crawl */
		for (ch = 0; ch < nch; ch++) {
			if (planar)
				((float *)frame->extended_data[ch])[i] = v;
			else
				((float *)frame->data[0])[i * nch + ch] = v;
		}
	}
}

/* audio_frame: the alert's sound replaces the programme's where it plays. */
static void
plug_audio_frame(void *state, AVFrame *frame, int64_t wall)
{
	struct alert_chan *c = state;
	int64_t e_us, m_us, end = wall + samples_us((size_t)frame->nb_samples);
	size_t voice_n;

	maybe_start(c, wall > c->video_next_us ? wall : c->video_next_us);
	if (c->air == NULL) {
		c->audio_next_us = end;
		return;
	}
	pthread_mutex_lock(&c->s->lock);
	fix_message(c, wall, end);
	e_us = chan_end_us(c);
	m_us = c->m_us;
	voice_n = c->voice_n;
	pthread_mutex_unlock(&c->s->lock);
	c->audio_next_us = end;
	fill(c, frame, wall, e_us, m_us, voice_n);
}

/* program_audio: another audio programme of the channel hears the alert too. */
static void
plug_program_audio(void *state, AVFrame *frame, int64_t wall)
{
	struct alert_chan *c = state;
	int64_t e_us, m_us;
	size_t voice_n;

	if (c->air == NULL)
		return;
	pthread_mutex_lock(&c->s->lock);
	e_us = chan_end_us(c);
	m_us = c->m_us;
	voice_n = c->voice_n;
	pthread_mutex_unlock(&c->s->lock);
	fill(c, frame, wall, e_us, m_us, voice_n);
}

/* close: the channel stops, maybe mid-alert. */
static void
plug_close(void *state)
{
	struct alert_chan *c = state;

	if (c->air != NULL) {
		pthread_mutex_lock(&c->s->lock);
		push_event(c->s, c->air->a.id, c->channel_id, 0, c->video_next_us / 1000);
		note_airing(c, 0);
		air_unref(&c->air);
		pthread_mutex_unlock(&c->s->lock);
	}
	free(c);
}

const struct tail_plugin alerts_plugin = {
	.name = "alerts",
	.open = plug_open,
	.video_chain = plug_video_chain,
	.poll = plug_poll,
	.video_frame = plug_video_frame,
	.audio_frame = plug_audio_frame,
	.program_audio = plug_program_audio,
	.close = plug_close,
};
