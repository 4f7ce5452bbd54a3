/*
 * api.c: the control socket's commands over the director, the alert
 * system, the log ring and the database. Status, the log and the alert
 * commands run on the control thread itself (engine/control.h: nothing
 * queues in front of an alert), with api->db, which only they use; they
 * only read the database, which in WAL mode never waits for a writer.
 */
#include "engine/api.h"

#include <limits.h>

#include <stdlib.h>
#include <string.h>

#include "engine/alerts.h"
#include "engine/api_lib.h"
#include "engine/control.h"
#include "engine/director.h"
#include "src/alert.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/log.h"
#include "src/util.h"
#include "src/xjson.h"

/* The control thread's database connection. */
static sqlite3 *
api_db(struct api *api, char **cause)
{
	if (api->db == NULL && db_open(api->db_path, 0, &api->db, cause) != 0)
		return NULL;
	return api->db;
}

/* One scheduled item as JSON. */
static json_t *
item_json(const struct status_item *it)
{
	if (it->start_ms == 0 && it->title[0] == '\0')
		return json_null();
	return xjson_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)it->id, "title",
	    it->title, "kind", it->kind, "start_ms", (json_int_t)it->start_ms, "end_ms",
	    (json_int_t)it->end_ms);
}

/* Copy a fine-log item into a status item. */
static void
to_status_item(struct status_item *dst, const struct fine_item *it)
{
	dst->id = it->id;
	utf8_copy(dst->title, sizeof dst->title, it->title != NULL ? it->title : "");
	utf8_copy(dst->kind, sizeof dst->kind, item_kind_name(it->kind));
	dst->start_ms = it->start_ms;
	dst->end_ms = it->end_ms;
}

/*
 * What the schedule says is on now / next when the channel is not running.
 * Kept per channel until the item on now ends (or a minute passes, for
 * schedule edits), so consoles asking twice a second cost no queries.
 */
static void
scheduled_items(struct api *api, struct channel_status *cs)
{
	struct api_sched *c = NULL;
	struct fine_item it;
	sqlite3 *db;
	int64_t t = now_ms();
	size_t i;

	if (cs->channel_id == 0)
		return;
	for (i = 0; i < api->nsched; i++) {
		if (api->sched[i].channel_id == cs->channel_id)
			c = &api->sched[i];
	}
	if (c == NULL) {
		api->sched = xreallocarray(api->sched, api->nsched + 1, sizeof *api->sched);
		c = &api->sched[api->nsched++];
		memset(c, 0, sizeof *c);
		c->channel_id = cs->channel_id;
	}
	if (t >= c->until_ms && (db = api_db(api, NULL)) != NULL) {
		memset(&c->now, 0, sizeof c->now);
		memset(&c->next, 0, sizeof c->next);
		c->until_ms = t + 60000;
		memset(&it, 0, sizeof it);
		if (finelog_item_at(db, cs->channel_id, t, &it, NULL) == 0) {
			to_status_item(&c->now, &it);
			if (it.end_ms < c->until_ms)
				c->until_ms = it.end_ms;
			t = it.end_ms;
			fine_item_clear(&it);
		}
		if (finelog_next(db, cs->channel_id, t, &it, NULL) == 0) {
			to_status_item(&c->next, &it);
			if (it.start_ms < c->until_ms)
				c->until_ms = it.start_ms;
			fine_item_clear(&it);
		}
	}
	if (cs->item.start_ms == 0)
		cs->item = c->now;
	if (cs->next.start_ms == 0)
		cs->next = c->next;
}

/* The alarms up: [{"kind": "dead_air", "name": "DEAD AIR", "since_ms": ...}]. */
static json_t *
alarms_json(const struct channel_status *st)
{
	json_t *a = json_array();
	int k;

	for (k = 0; k < ALARM_KINDS; k++) {
		if (st->alarm_ms[k] > 0)
			json_array_append_new(a, xjson_pack("{s:s, s:s, s:I}", "kind",
			    alarm_kind_key(k), "name", alarm_kind_name(k), "since_ms",
			    (json_int_t)st->alarm_ms[k]));
	}
	return a;
}

/* status: every channel and the alert on the air. */
static json_t *
cmd_status(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api *api = arg;
	struct channel_status *st = NULL;
	struct alerts_now now;
	json_t *r, *chans, *c;
	int64_t remaining;
	size_t n, i;
	int max, active;

	n = director_status(api->director, &st);
	active = director_active(api->director, &max);
	chans = json_array();
	for (i = 0; i < n; i++) {
		if (st[i].state == CHAN_IDLE)
			scheduled_items(api, &st[i]);
		c = xjson_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:I, s:I, s:f, s:f, s:f, s:i, "
		    "s:i, s:i, s:I, s:I, s:s, s:I, s:b}",
		    "number", st[i].number, "name", st[i].name,
		    "state", chan_state_name(st[i].state), "slate", st[i].slate,
		    "now", item_json(&st[i].item), "next", item_json(&st[i].next),
		    "position_ms", (json_int_t)st[i].position_ms,
		    "remaining_ms", (json_int_t)st[i].remaining_ms,
		    "fps", st[i].fps, "speed", st[i].speed, "load", st[i].load,
		    "viewers", st[i].viewers, "hls_viewers", st[i].hls_viewers,
		    "ts_viewers", st[i].ts_viewers, "bitrate_bps", (json_int_t)st[i].bitrate_bps,
		    "media_seq", (json_int_t)st[i].media_seq, "last_error", st[i].last_error,
		    "last_error_ms", (json_int_t)st[i].last_error_ms,
		    "always_on", st[i].always_on);
		if (c == NULL) {
			/* Never silently: a channel missing from the status misleads everyone. */
			log_error("status: channel %s: its JSON could not be made", st[i].number);
			c = xjson_pack("{s:s, s:s, s:s}", "number", st[i].number, "state", "?",
			    "last_error", "status unavailable");
		}
		if (api->alerts != NULL && alerts_on_channel(api->alerts, st[i].number, &remaining))
			json_object_set_new(c, "alert_remaining_ms", json_integer(remaining));
		json_object_set_new(c, "alarms", alarms_json(&st[i]));
		json_array_append_new(chans, c);
	}
	free(st);
	r = xjson_pack("{s:I, s:s, s:s, s:s, s:I, s:i, s:i, s:o}", "time_ms", (json_int_t)now_ms(),
	    "mode", api->mode, "version", PACKAGE_VERSION, "http", api->http_url,
	    "started_ms", (json_int_t)api->started_ms, "active", active, "max_channels", max,
	    "channels", chans);
	if (r == NULL) {
		set_cause(cause, "status: cannot encode the reply");
		return NULL;
	}
	if (api->warn_lock_init) {
		pthread_mutex_lock(&api->warn_lock);
		if (api->warning[0] != '\0')
			json_object_set_new(r, "warning", json_string(api->warning));
		pthread_mutex_unlock(&api->warn_lock);
	}
	if (api->alerts != NULL) {
		alerts_current(api->alerts, &now);
		if (now.id != 0)
			json_object_set_new(r, "alert", xjson_pack("{s:I, s:s, s:s, s:s, s:s, s:I, "
			    "s:I, s:i}", "id", (json_int_t)now.id, "event", now.event, "event_name",
			    now.event_name, "channels", now.channels, "display", now.display,
			    "started_ms", (json_int_t)now.started_ms, "ends_ms",
			    (json_int_t)now.ends_ms, "queued", now.queued));
		else
			json_object_set_new(r, "alert", json_null());
	}
	return r;
}

/* log: lines newer than "after". */
static json_t *
cmd_log(void *arg, json_t *req, const char *peer, char **cause)
{
	static const char *levels[] = { "error", "warning", "info", "debug" };
	json_int_t after = ctl_arg_int(req, "after", 0), limit = ctl_arg_int(req, "limit", 500);
	struct log_entry *e;
	json_t *lines;
	size_t n, i;

	if (limit < 1 || limit > LOG_RING_SIZE)
		limit = LOG_RING_SIZE;
	e = xcalloc((size_t)limit, sizeof *e);
	n = log_ring_read(after < 0 ? 0 : (uint64_t)after, e, (size_t)limit);
	lines = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(lines, xjson_pack("{s:I, s:I, s:s, s:s}", "seq",
		    (json_int_t)e[i].seq, "time_ms", (json_int_t)e[i].time_ms, "level",
		    levels[e[i].level], "text", e[i].text));
	free(e);
	return xjson_pack("{s:o, s:I}", "lines", lines, "last", (json_int_t)log_ring_last());
}

/* alert.send: check, store, air. */
static json_t *
cmd_alert_send(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api *api = arg;
	struct alert_input in;
	struct alerts_now now;
	struct alert a;
	char *who, state[96];
	json_int_t dur;
	json_t *r;
	int64_t id;
	int dup;

	if (api->alerts == NULL) {
		set_cause(cause, "this engine has no alert system");
		return NULL;
	}
	memset(&in, 0, sizeof in);
	in.originator = ctl_arg_str(req, "originator");
	in.event = ctl_arg_str(req, "event");
	in.locations = ctl_arg_str(req, "locations");
	in.purge = ctl_arg_str(req, "purge");
	in.station = ctl_arg_str(req, "station");
	in.message = ctl_arg_str(req, "message");
	in.display = ctl_arg_str(req, "display");
	in.channels = ctl_arg_str(req, "channels");
	in.attention_s = (int)ctl_arg_int(req, "attention", 0);
	in.key = ctl_arg_str(req, "key");
	in.voice = ctl_arg_str(req, "voice");
	dur = ctl_arg_int(req, "duration", 0);
	in.duration_s = dur < 0 || dur > INT_MAX ? -1 : (int)dur;
	xasprintf(&who, "%s [%s]", ctl_arg_str(req, "sent_by") != NULL ? ctl_arg_str(req, "sent_by") :
	    "unknown", peer);
	in.sent_by = who;
	if (alert_parse(&in, &a, cause) != 0) {
		free(who);
		return NULL;
	}
	free(who);
	if ((id = alerts_send(api->alerts, &a, &dup, cause)) < 0) {
		alert_clear(&a);
		return NULL;
	}
	alerts_current(api->alerts, &now);
	if (dup)
		snprintf(state, sizeof state, "sent before with this key: not sent again");
	else if (now.id == id)
		snprintf(state, sizeof state, "on the air");
	else
		snprintf(state, sizeof state, "queued behind alert %lld", (long long)now.id);
	r = xjson_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)id, "channels",
	    in.channels != NULL && *in.channels != '\0' ? in.channels : "all", "state", state,
	    "duplicate", dup);
	if (!dup)
		control_broadcast(api->control, xjson_pack("{s:s, s:s, s:I}", "event", "alert",
		    "action", "sent", "id", (json_int_t)id));
	return r;
}

/* alert.clear. */
static json_t *
cmd_alert_clear(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api *api = arg;
	char *who;
	int rc;

	if (api->alerts == NULL) {
		set_cause(cause, "this engine has no alert system");
		return NULL;
	}
	xasprintf(&who, "%s [%s]", ctl_arg_str(req, "sent_by") != NULL ? ctl_arg_str(req, "sent_by") :
	    "unknown", peer);
	rc = alerts_clear(api->alerts, who);
	free(who);
	if (rc != 0) {
		set_cause(cause, "no alert is on the air");
		return NULL;
	}
	control_broadcast(api->control, xjson_pack("{s:s, s:s}", "event", "alert", "action",
	    "cleared"));
	return xjson_pack("{s:s}", "message", "alert cleared: end of message on the air now");
}

/* alert.list: the newest alerts. */
static json_t *
cmd_alert_list(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api *api = arg;
	sqlite3_stmt *st;
	sqlite3 *db;
	json_t *list;

	if ((db = api_db(api, cause)) == NULL)
		return NULL;
	st = db_prepare(db, "SELECT id, created_at, event_code, channels, status, "
	    "coalesce(sent_by, ''), message, coalesce(send_key, '') FROM emergency_alerts "
	    "ORDER BY id DESC LIMIT ?1", cause);
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, ctl_arg_int(req, "limit", 50));
	list = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(list, xjson_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(st, 0), "created_at", db_text(st, 1),
		    "event", db_text(st, 2), "channels", db_text(st, 3), "status", db_text(st, 4),
		    "sent_by", db_text(st, 5), "message", db_text(st, 6), "key", db_text(st, 7)));
	sqlite3_finalize(st);
	return xjson_pack("{s:o}", "alerts", list);
}

/* The warning for the consoles. */
void
api_set_warning(struct api *api, const char *text)
{
	if (!api->warn_lock_init) {
		snprintf(api->warning, sizeof api->warning, "%s", text);
		return;
	}
	pthread_mutex_lock(&api->warn_lock);
	snprintf(api->warning, sizeof api->warning, "%s", text);
	pthread_mutex_unlock(&api->warn_lock);
}

/* Register everything. */
void
api_register(struct control *c, struct api *api)
{
	api->control = c;
	if (!api->warn_lock_init) {
		pthread_mutex_init(&api->warn_lock, NULL);
		api->warn_lock_init = 1;
	}
	/* Never behind anything: the control thread runs these as they come. */
	control_add_inline(c, "status", cmd_status, api);
	control_add_inline(c, "log", cmd_log, api);
	control_add_inline(c, "alert.send", cmd_alert_send, api);
	control_add_inline(c, "alert.clear", cmd_alert_clear, api);
	control_add_inline(c, "alert.list", cmd_alert_list, api);
	api_console_register(c, api);
	api->lib = api_lib_new(api, c);
	api_lib_register(c, api->lib);
}

/* Finish the jobs before the socket goes. */
void
api_stop(struct api *api)
{
	api_lib_stop(api->lib);
}

/* Close the lazy connection. */
void
api_close(struct api *api)
{
	api_lib_free(&api->lib);
	db_close(&api->db);
	db_close(&api->console_db);
	if (api->warn_lock_init) {
		pthread_mutex_destroy(&api->warn_lock);
		api->warn_lock_init = 0;
	}
	free(api->sched);
	api->sched = NULL;
	api->nsched = 0;
}
