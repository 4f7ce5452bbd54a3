/*
 * status.h: what a channel is doing, as the console, the control socket and
 * /api/status see it. Each channel slot owns one status block guarded by
 * one mutex; the channel's thread and the director write it, readers take
 * a copy (director_status).
 */
#ifndef RV_ENGINE_STATUS_H
#define RV_ENGINE_STATUS_H

#include <pthread.h>
#include <stdint.h>

enum chan_state {
	CHAN_IDLE,                      /* stopped, costs nothing */
	CHAN_STARTING,                  /* pipeline up, first segment not out yet */
	CHAN_ON_AIR,
	CHAN_FAILING,                   /* the pipeline cannot run; retried on demand */
};

/*
 * The master-control alarms (engine/alarm.h measures them on what the
 * encoders get): the sound below -60 dBFS, the picture black, the picture
 * unchanged.
 */
enum alarm_kind {
	ALARM_DEAD_AIR,
	ALARM_BLACK,
	ALARM_FROZEN,
	ALARM_KINDS,
};

struct status_item {
	int64_t id;                     /* schedule_items.id, 0 for none/gap */
	char title[160];
	char kind[16];                  /* "programme", ...; "slate" */
	int64_t start_ms, end_ms;       /* scheduled, UTC ms; 0 when none */
};

struct channel_status {
	int64_t channel_id;
	char number[16];
	char name[96];
	int always_on;
	enum chan_state state;
	int slate;                      /* the slate is on the air */
	struct status_item item;        /* on air now */
	struct status_item next;
	int64_t position_ms;            /* into the item (air time of the newest frame) */
	int64_t remaining_ms;
	int64_t air_ms;                 /* air time (UTC) of the newest frame encoded */
	double fps;                     /* frames encoded per second, last second */
	double speed;                   /* media seconds per wall second, last second */
	double load;                    /* share of real time spent working, 0..1+ */
	int viewers;                    /* hls_viewers + ts_viewers */
	int hls_viewers;
	int ts_viewers;
	int64_t bitrate_bps;            /* of the newest segment */
	int64_t media_seq;              /* newest segment, -1 none */
	int64_t started_ms;             /* when the pipeline started, 0 idle */
	int64_t frames;                 /* video frames encoded since start */
	char last_error[256];
	int64_t last_error_ms;
	int64_t alarm_ms[ALARM_KINDS];  /* air time (UTC ms) each alarm's condition began;
	                                   0: the alarm is not up */
};

struct status_block {
	pthread_mutex_t lock;
	struct channel_status s;
};

/* "on air", "idle", "starting", "failing". */
const char *chan_state_name(enum chan_state state);
/* "DEAD AIR", "BLACK", "FROZEN": what the console and the log say. */
const char *alarm_kind_name(enum alarm_kind kind);
/* "dead_air", "black", "frozen": the key in JSON. */
const char *alarm_kind_key(enum alarm_kind kind);
/* Record an error (message copied) with the time. */
void status_set_error(struct status_block *b, const char *msg);

#endif
