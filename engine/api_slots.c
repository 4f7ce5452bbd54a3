/*
 * api_slots.c: the control socket's schedule editor commands
 * (engine/api_cmd.h): a channel's coarse slots (with their options from
 * coarse_opts[], src/coarse.h) and the fine log ahead; a slot added,
 * moved or removed rebuilds the channel's unlocked future as a job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/api_cmd.h"
#include "engine/control.h"
#include "src/channels.h"
#include "src/coarse.h"
#include "src/db.h"
#include "src/log.h"
#include "src/rating.h"
#include "src/util.h"
#include "src/xjson.h"

/* "HH:MM". */
static const char *
hhmm(int min, char *buf, size_t len)
{
	snprintf(buf, len, "%02d:%02d", min / 60, min % 60);
	return buf;
}

/* slots.list {number, hours}: the coarse slots and the fine log ahead. */
static json_t *
cmd_slots_list(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct coarse_slot *s = NULL;
	struct channel_conf c;
	sqlite3_stmt *st;
	sqlite3 *db;
	json_t *slots, *log, *shows, *r, *v;
	char days[64], a[16], b[16], *what;
	size_t n = 0, i;
	int64_t now = now_ms(), hours = ctl_arg_int(req, "hours", 6);

	if ((db = api_lib_db(l, cause)) == NULL || api_lib_channel(db, req, &c, cause) < 0)
		return NULL;
	if (coarse_load(db, c.id, &s, &n, cause) != 0) {
		channel_conf_clear(&c);
		return NULL;
	}
	slots = json_array();
	for (i = 0; i < n; i++) {
		what = coarse_describe(db, &s[i]);
		v = xjson_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:i}", "id", (json_int_t)s[i].id,
		    "days", s[i].days, "days_text", coarse_format_days(s[i].days, days, sizeof days),
		    "start", hhmm(s[i].start_min, a, sizeof a), "end", hhmm(s[i].end_min, b,
		    sizeof b), "type", coarse_type_name(s[i].type), "what", what != NULL ? what : "",
		    "priority", s[i].priority);
		coarse_opt_json(&s[i], v);
		json_array_append_new(slots, v);
		free(what);
	}
	coarse_free(&s, n);
	log = json_array();
	if (hours < 1 || hours > 48)
		hours = 6;
	st = db_prepare(db, "SELECT start_ms, end_ms, kind, coalesce(title, ''), "
	    "coalesce(media_file_id, 0) FROM schedule_items WHERE channel_id = ?1 AND end_ms > ?2 "
	    "AND start_ms < ?3 ORDER BY start_ms", NULL);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, c.id);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, now + hours * 3600000);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(log, xjson_pack("{s:I, s:I, s:s, s:s, s:I}", "start_ms",
			    (json_int_t)sqlite3_column_int64(st, 0), "end_ms",
			    (json_int_t)sqlite3_column_int64(st, 1), "kind", db_text(st, 2), "title",
			    db_text(st, 3), "media_file_id", (json_int_t)sqlite3_column_int64(st, 4)));
		sqlite3_finalize(st);
	}
	shows = json_array();
	st = db_prepare(db, "SELECT id, title || coalesce(' (' || year || ')', '') FROM shows "
	    "ORDER BY title COLLATE NOCASE", NULL);
	if (st != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(shows, xjson_pack("{s:I, s:s}", "id",
			    (json_int_t)sqlite3_column_int64(st, 0), "title", db_text(st, 1)));
		sqlite3_finalize(st);
	}
	r = xjson_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:o}", "number", c.number, "name", c.name,
	    "timezone", c.timezone != NULL ? c.timezone : "UTC", "slot_minutes", c.slot_minutes,
	    "slots", slots, "log", log, "shows", shows);
	channel_conf_clear(&c);
	return r;
}

/* Days and times of a slot from the request (those given). 0, or -1 with *cause. */
static int
slot_times(json_t *req, const struct channel_conf *c, struct coarse_slot *s, int have_end,
    char **cause)
{
	const char *days = ctl_arg_str(req, "days"), *start = ctl_arg_str(req, "start");
	const char *end = ctl_arg_str(req, "end");
	int len;

	if (days != NULL && coarse_parse_days(days, &s->days, cause) != 0)
		return -1;
	len = (s->end_min - s->start_min + 1440) % 1440;
	if (len == 0)
		len = 1440;
	if (start != NULL) {
		if (coarse_parse_time(start, &s->start_min) != 0 || s->start_min >= 1440) {
			set_cause(cause, "start %s: not a time HH:MM", start);
			return -1;
		}
		if (!have_end || end == NULL)
			s->end_min = (s->start_min + (have_end ? c->slot_minutes : len)) % 1440;
	}
	if (end != NULL && coarse_parse_time(end, &s->end_min) != 0) {
		set_cause(cause, "end %s: not a time HH:MM", end);
		return -1;
	}
	if (s->end_min == 0)
		s->end_min = 1440;
	return 0;
}

/* After a slot changed: tell the consoles, rebuild the channel's unlocked future. */
static json_t *
slots_changed(struct api_lib *l, const char *peer, const struct channel_conf *c,
    int64_t slot)
{
	api_lib_event(l, xjson_pack("{s:s, s:s}", "event", "slots.changed", "number", c->number));
	return api_lib_rebuild(l, peer, 0, c->id, c->number, xjson_pack("{s:I}", "id",
	    (json_int_t)slot));
}

/* slots.add {number, days, start, end, type, show_id, shows, content_id, genre,
 * max_rating, priority}. */
static json_t *
cmd_slots_add(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct coarse_slot s;
	struct channel_conf c;
	const char *type = ctl_arg_str(req, "type");
	json_t *shows = json_object_get(req, "shows"), *v, *r = NULL;
	sqlite3 *db;
	int64_t id;
	size_t i;

	memset(&s, 0, sizeof s);
	s.max_level = RATING_UNRATED;
	s.days = 0x7f;
	if ((db = api_lib_db(l, cause)) == NULL || api_lib_channel(db, req, &c, cause) < 0)
		return NULL;
	if (type == NULL || coarse_type_parse(type, &s.type) != 0) {
		set_cause(cause, "type %s: series, shuffle, episode, movie, movies or fill",
		    type != NULL ? type : "(none)");
		goto out;
	}
	if (ctl_arg_str(req, "start") == NULL) {
		set_cause(cause, "no \"start\" (HH:MM)");
		goto out;
	}
	if (slot_times(req, &c, &s, 1, cause) != 0)
		goto out;
	s.channel_id = c.id;
	s.show_id = ctl_arg_int(req, "show_id", 0);
	s.content_id = ctl_arg_int(req, "content_id", 0);
	if (coarse_opt_from_json(req, &s, cause) != 0 || coarse_opt_check(&s, 0, cause) != 0)
		goto out;
	if (json_is_array(shows) && json_array_size(shows) > 0) {
		s.shows = xcalloc(json_array_size(shows), sizeof *s.shows);
		json_array_foreach(shows, i, v)
			s.shows[s.n_shows++] = json_integer_value(v);
		if (s.show_id == 0 && s.type == COARSE_SERIES)
			s.show_id = s.shows[0];
	}
	if (coarse_add(db, &s, &id, cause) != 0)
		goto out;
	log_info("channel %s: slot %lld added from the console (%s)", c.number, (long long)id,
	    peer);
	r = slots_changed(l, peer, &c, id);
out:
	coarse_slot_clear(&s);
	channel_conf_clear(&c);
	return r;
}

/* slots.move {number, slot, days, start, end}: the same slot at another time. */
static json_t *
cmd_slots_move(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct coarse_slot *s = NULL, *it = NULL;
	struct channel_conf c;
	sqlite3 *db;
	json_t *r = NULL;
	int64_t id, nid;
	size_t n = 0, i;

	if (api_lib_arg_id(req, "slot", &id, cause) != 0 || (db = api_lib_db(l, cause)) == NULL ||
	    api_lib_channel(db, req, &c, cause) < 0)
		return NULL;
	if (coarse_load(db, c.id, &s, &n, cause) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (s[i].id == id)
			it = &s[i];
	if (it == NULL) {
		set_cause(cause, "channel %s has no slot %lld", c.number, (long long)id);
		goto out;
	}
	if (slot_times(req, &c, it, 0, cause) != 0)
		goto out;
	if (db_begin(db, cause) != 0)
		goto out;
	if (coarse_add(db, it, &nid, cause) != 0 || coarse_remove(db, c.id, id, cause) != 0 ||
	    db_commit(db, cause) != 0) {
		db_rollback(db);
		goto out;
	}
	log_info("channel %s: slot %lld moved from the console (now slot %lld; %s)", c.number,
	    (long long)id, (long long)nid, peer);
	r = slots_changed(l, peer, &c, nid);
out:
	coarse_free(&s, n);
	channel_conf_clear(&c);
	return r;
}

/* slots.remove {number, slot}. */
static json_t *
cmd_slots_remove(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	struct channel_conf c;
	sqlite3 *db;
	json_t *r = NULL;
	int64_t id;

	if (api_lib_arg_id(req, "slot", &id, cause) != 0 || (db = api_lib_db(l, cause)) == NULL ||
	    api_lib_channel(db, req, &c, cause) < 0)
		return NULL;
	if (coarse_remove(db, c.id, id, cause) == 0) {
		log_info("channel %s: slot %lld removed from the console (%s)", c.number,
		    (long long)id, peer);
		r = slots_changed(l, peer, &c, id);
	}
	channel_conf_clear(&c);
	return r;
}

const struct api_cmd api_slots_cmds[] = {
	{ .name = "slots.list", .fn = cmd_slots_list },
	{ .name = "slots.add", .fn = cmd_slots_add },
	{ .name = "slots.move", .fn = cmd_slots_move },
	{ .name = "slots.remove", .fn = cmd_slots_remove },
	{ .name = NULL },
};
