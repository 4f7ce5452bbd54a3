/*
 * api.h: the commands the control socket answers, shared by the daemon
 * and a console running the engine itself. Each command is a JSON request
 * (see engine/control.h) with the arguments below; replies carry "result".
 *
 *   status                          engine, channels, the alert on the air, and
 *                                   a "warning" the operator must see (or none)
 *   log {after, limit, level}       log lines newer than sequence "after"
 *   alert.send {event, locations, purge, message, originator, station,
 *              display, channels, attention, sent_by, key}: a key the sender
 *              made; a retry with it never airs the alert twice (the reply
 *              says "duplicate": true)
 *   alert.clear {sent_by}
 *   alert.list {limit}
 *   channel.start {number}, channel.stop {number}, content.*, chapters.*,
 *   frame.at, sync.*, sources.*, paths.*, tmm.*, channels.*, slots.*,
 *   job.cancel: the editing commands and jobs (engine/api_lib.h)
 *
 * and, for the console (engine/api_console.c): schedule.get, content.list,
 * channel.thumb. Events to subscribers: "alert" {action: "sent"|"cleared",
 * id} when an alert is sent or cleared, "channel" {number, action} when a
 * channel is started or stopped by hand.
 */
#ifndef RV_ENGINE_API_H
#define RV_ENGINE_API_H

#include <pthread.h>
#include <stdint.h>

#include <sqlite3.h>

#include "engine/status.h"

struct control;
struct director;
struct alerts;
struct api_lib;
struct thumbs;

/* The schedule's now and next of an idle channel, kept until they change. */
struct api_sched {
	int64_t channel_id;
	struct status_item now, next;
	int64_t until_ms;               /* UTC: look again from then */
};

struct api {
	struct director *director;
	struct alerts *alerts;
	struct thumbs *thumbs;          /* NULL: channel.thumb refuses */
	struct control *control;        /* for events; set by api_register */
	const char *db_path;
	const char *mode;               /* "daemon" or "console" */
	char http_url[128];             /* where viewers connect */
	int64_t started_ms;
	sqlite3 *db;                    /* the control thread's connection (lazy) */
	sqlite3 *console_db;            /* the worker's, for api_console.c (lazy) */
	struct api_lib *lib;            /* the editing commands (engine/api_lib.h) */
	struct api_sched *sched;        /* idle channels' now/next (control thread only) */
	size_t nsched;
	pthread_mutex_t warn_lock;      /* guards warning (set from the station's thread) */
	int warn_lock_init;
	char warning[512];              /* for the consoles ("" none): status's "warning" */
};

/* Register every command on c; api must outlive c. */
void api_register(struct control *c, struct api *api);
/* Set (or clear, with "") the warning every console shows; after api_register. */
void api_set_warning(struct api *api, const char *text);
/* Finish the background jobs; call before control_free. */
void api_stop(struct api *api);
/* The console's commands (api_console.c); api_register calls it. */
void api_console_register(struct control *c, struct api *api);
/* Close what the commands opened (after control_free). */
void api_close(struct api *api);

#endif
