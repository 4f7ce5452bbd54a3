/*
 * api_channels.c: the control socket's channel commands
 * (engine/api_cmd.h): channels listed, added and changed with every
 * setting of src/chanfield.h under its name (a change rebuilds the
 * channel's fine log, then the director reloads), and a channel started
 * or stopped by hand (jobs on the channel pool, in order: a stop waits
 * for the channel's thread).
 */
#include <stdlib.h>

#include "engine/api.h"
#include "engine/api_cmd.h"
#include "engine/control.h"
#include "engine/director.h"
#include "src/chanedit.h"
#include "src/channels.h"
#include "src/log.h"
#include "src/util.h"
#include "src/xjson.h"

/* Job body: start or stop a channel (a stop waits for its thread). */
static json_t *
startstop(struct api_job *j, int start, char **cause)
{
	struct api_lib *l = j->arg;
	const char *number = ctl_arg_str(j->args, "number");
	struct director *d = l->api->director;

	if ((start ? director_start_channel(d, number, cause) :
	    director_stop_channel(d, number, cause)) != 0)
		return NULL;
	api_lib_event(l, xjson_pack("{s:s, s:s, s:s}", "event", "channel", "number", number,
	    "action", start ? "start" : "stop"));
	return xjson_pack("{s:s, s:s}", "number", number, "state", start ? "starting" : "idle");
}

/* Job body: channel.start. */
static json_t *
channel_start(struct api_job *j, sqlite3 *db, char **cause)
{
	return startstop(j, 1, cause);
}

/* Job body: channel.stop. */
static json_t *
channel_stop(struct api_job *j, sqlite3 *db, char **cause)
{
	return startstop(j, 0, cause);
}

/* channel.start {number}, channel.stop {number}: checked here, jobs in order. */
static int
startstop_check(struct api_lib *l, json_t *req, char **cause)
{
	if (ctl_arg_str(req, "number") == NULL) {
		set_cause(cause, "no channel number");
		return -1;
	}
	if (l->api->director == NULL) {
		set_cause(cause, "this engine runs no channels");
		return -1;
	}
	return 0;
}

/* channels.list: every channel with every setting of src/chanfield.h. */
static json_t *
channels_json(sqlite3 *db, json_t *req, char **cause)
{
	struct channel_conf *c = NULL;
	json_t *list;
	size_t n = 0, i;

	if (channels_load(db, &c, &n, cause) != 0)
		return NULL;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, channel_conf_json(&c[i]));
	channels_free(&c, n);
	return list;
}

/* After a channel changed: rebuild its fine log, then reload the director. */
static json_t *
channel_changed(struct api_lib *l, const char *peer, int64_t id, const char *number)
{
	api_lib_changed(l, "channels.changed", id);
	return api_lib_rebuild(l, peer, 0, id, number, xjson_pack("{s:I}", "id", (json_int_t)id));
}

/* channels.add {number, name, ...}. */
static json_t *
cmd_channels_add(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct chanedit e;
	sqlite3 *db;
	int64_t id;

	chanedit_init(&e);
	if (chanedit_from_json(&e, req, cause) != 0 || (db = api_lib_db(l, cause)) == NULL ||
	    chanedit_add(db, &e, &id, cause) != 0)
		return NULL;
	log_info("channel %s added from the console (%s)", chanedit_str(&e, "number"), peer);
	return channel_changed(l, peer, id, chanedit_str(&e, "number"));
}

/* channels.set {number, ...}: "new_number" renumbers. */
static json_t *
cmd_channels_set(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct channel_conf c;
	struct chanedit e;
	const char *number = ctl_arg_str(req, "number");
	sqlite3 *db;
	int64_t id;

	if ((db = api_lib_db(l, cause)) == NULL || (id = api_lib_channel(db, req, &c, cause)) < 0)
		return NULL;
	channel_conf_clear(&c);
	chanedit_init(&e);
	if (chanedit_from_json(&e, req, cause) != 0)
		return NULL;
	chanedit_set_str(&e, "number", ctl_arg_str(req, "new_number"));
	if (chanedit_update(db, id, &e, cause) != 0)
		return NULL;
	log_info("channel %s changed from the console (%s)", number, peer);
	return channel_changed(l, peer, id, chanedit_str(&e, "number") != NULL ?
	    chanedit_str(&e, "number") : number);
}

const struct api_cmd api_channels_cmds[] = {
	{ .name = "channels.list", .key = "channels", .list = channels_json },
	{ .name = "channels.add", .fn = cmd_channels_add },
	{ .name = "channels.set", .fn = cmd_channels_set },
	{ .name = "channel.start", .check = startstop_check, .body = channel_start,
	  .pool = API_POOL_CHAN, .flags = API_CMD_NO_DB, .echo = "number" },
	{ .name = "channel.stop", .check = startstop_check, .body = channel_stop,
	  .pool = API_POOL_CHAN, .flags = API_CMD_NO_DB, .echo = "number" },
	{ .name = NULL },
};
