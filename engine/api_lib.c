/*
 * api_lib.c: the editing commands of the control socket (engine/api_lib.h):
 * their state, the one table of the resources' command tables
 * (engine/api_cmd.h), the dispatcher that runs a row of any shape, and
 * the helpers the resource files share.
 *
 * Concurrency: handlers run on the control worker (engine/control.h)
 * with its own connection (l->db); jobs in the pools of the job runner
 * (engine/api_job.h), each on a connection of its own.
 */
#include "engine/api_lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/api.h"
#include "engine/api_cmd.h"
#include "engine/control.h"
#include "engine/director.h"
#include "src/channels.h"
#include "src/db.h"
#include "src/log.h"
#include "src/sched.h"
#include "src/util.h"
#include "src/xjson.h"

/* job.cancel {job}. */
static json_t *
job_cancel(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	int64_t id = ctl_arg_int(req, "job", 0);

	if (api_jobs_cancel(l->jobs, id) != 0) {
		set_cause(cause, "no job %lld is running", (long long)id);
		return NULL;
	}
	return xjson_pack("{s:I, s:b}", "job", (json_int_t)id, "cancelled", 1);
}

static const struct api_cmd api_lib_cmds[] = {
	{ .name = "job.cancel", .fn = job_cancel },
	{ .name = NULL },
};

/* Every resource's commands: adding a resource is adding its table here. */
static const struct api_cmd *const api_tables[] = {
	api_lib_cmds,
	api_content_cmds,
	api_chapters_cmds,
	api_import_cmds,
	api_paths_cmds,
	api_channels_cmds,
	api_slots_cmds,
};

/* A registered command: what the dispatcher is given. */
struct api_reg {
	struct api_lib *l;
	const struct api_cmd *cmd;
};

/* The control worker's connection. */
sqlite3 *
api_lib_db(struct api_lib *l, char **cause)
{
	if (l->db == NULL && db_open(l->api->db_path, 0, &l->db, cause) != 0)
		return NULL;
	return l->db;
}

/* Send an event to every attached console (takes ev). */
void
api_lib_event(struct api_lib *l, json_t *ev)
{
	api_jobs_event(l->jobs, ev);
}

/* "NAME.changed" with an optional id. */
void
api_lib_changed(struct api_lib *l, const char *name, int64_t id)
{
	json_t *ev = xjson_pack("{s:s}", "event", name);

	if (id != 0)
		json_object_set_new(ev, "id", json_integer(id));
	api_lib_event(l, ev);
}

/* A required positive id argument. */
int
api_lib_arg_id(json_t *req, const char *key, int64_t *id, char **cause)
{
	*id = ctl_arg_int(req, key, 0);
	if (*id <= 0) {
		set_cause(cause, "no \"%s\" (a positive number)", key);
		return -1;
	}
	return 0;
}

/* A name, path or id argument as text. */
const char *
api_lib_arg_key(json_t *req, const char *key, char *buf, size_t len)
{
	const char *s = ctl_arg_str(req, key);

	if (s == NULL && ctl_arg_int(req, key, 0) > 0) {
		snprintf(buf, len, "%lld", (long long)ctl_arg_int(req, key, 0));
		s = buf;
	}
	return s != NULL && *s != '\0' ? s : NULL;
}

/* The channel named by "number". */
int64_t
api_lib_channel(sqlite3 *db, json_t *req, struct channel_conf *c, char **cause)
{
	const char *number = ctl_arg_str(req, "number");
	int rc;

	if (number == NULL) {
		set_cause(cause, "no channel \"number\"");
		return -1;
	}
	if ((rc = channels_find(db, number, c, cause)) != 0) {
		if (rc > 0)
			set_cause(cause, "no channel %s", number);
		return -1;
	}
	return c->id;
}

/* Replace removed content in every channel (after a sync or a removal). */
int
api_lib_reschedule_all(sqlite3 *db)
{
	char *cause = NULL;
	int n;

	if ((n = sched_extend_all(db, now_ms(), 0, &cause)) < 0) {
		log_warn("rescheduling after the change: %s", cause);
		free(cause);
	}
	return n;
}

/*
 * Rebuild the unlocked future of every channel whose fine log plays
 * mf_id there (after its markers or metadata changed). The list of
 * channels rebuilt, with the items written.
 */
static json_t *
rebuild_for_file(sqlite3 *db, int64_t mf_id)
{
	sqlite3_stmt *st;
	json_t *out = json_array();
	int64_t now = now_ms(), ids[64];
	char numbers[64][16], *cause = NULL;
	size_t n = 0, i;
	int items;

	st = db_prepare(db, "SELECT DISTINCT c.id, c.number FROM schedule_items si JOIN channels c "
	    "ON c.id = si.channel_id WHERE si.media_file_id = ?1 AND si.start_ms >= ?2 ORDER BY "
	    "c.id", NULL);
	if (st == NULL)
		return out;
	sqlite3_bind_int64(st, 1, mf_id);
	sqlite3_bind_int64(st, 2, now + SCHED_LOCK_MS);
	while (n < nitems(ids) && sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		snprintf(numbers[n], sizeof numbers[n], "%s", db_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		if ((items = sched_rebuild(db, ids[i], now, &cause)) < 0) {
			log_warn("rebuilding channel %s after editing file %lld: %s", numbers[i],
			    (long long)mf_id, cause);
			json_array_append_new(out, xjson_pack("{s:s, s:s}", "number", numbers[i],
			    "error", cause));
			freep(&cause);
			continue;
		}
		json_array_append_new(out, xjson_pack("{s:s, s:i}", "number", numbers[i], "items",
		    items));
	}
	return out;
}

/* Job: rebuild the unlocked future of one channel or of those playing a file. */
static void
rebuild_run(void *arg)
{
	struct api_job *j = arg;
	struct api_lib *l = j->arg;
	sqlite3 *db = NULL;
	char *cause = NULL;
	json_t *rebuilt, *v;
	size_t i;
	int n;

	if (db_open(l->api->db_path, 0, &db, &cause) != 0) {
		api_job_done(j, NULL, cause);
		free(cause);
		return;
	}
	if (j->mf_id > 0)
		rebuilt = rebuild_for_file(db, j->mf_id);
	else {
		rebuilt = json_array();
		if ((n = sched_rebuild(db, j->channel_id, now_ms(), &cause)) < 0) {
			log_warn("rebuilding channel %s: %s", j->number, cause);
			json_array_append_new(rebuilt, xjson_pack("{s:s, s:s}", "number", j->number,
			    "error", cause));
			freep(&cause);
		} else
			json_array_append_new(rebuilt, xjson_pack("{s:s, s:i}", "number", j->number,
			    "items", n));
		if (l->api->director != NULL)
			director_reload(l->api->director);
	}
	db_close(&db);
	json_array_foreach(rebuilt, i, v)
		api_lib_event(l, xjson_pack("{s:s, s:O}", "event", "schedule.changed", "number",
		    json_object_get(v, "number")));
	api_job_done(j, xjson_pack("{s:o}", "rebuilt", rebuilt), NULL);
}

/* Queue a rebuild and put its job into the reply r. */
json_t *
api_lib_rebuild(struct api_lib *l, const char *peer, int64_t mf_id, int64_t channel_id,
    const char *number, json_t *r)
{
	struct api_job *j = api_job_new(l->jobs, "rebuild", peer);
	json_t *sub;
	char *cause = NULL;

	j->arg = l;
	j->mf_id = mf_id;
	j->channel_id = channel_id;
	snprintf(j->number, sizeof j->number, "%s", number != NULL ? number : "");
	if ((sub = api_job_submit(j, API_POOL_SCHED, rebuild_run, &cause)) == NULL) {
		json_object_set_new(r, "error", xjson_str(cause));
		free(cause);
		return r;
	}
	json_object_update(r, sub);
	json_decref(sub);
	return r;
}

/* Run a command of any shape (the control_fn of every row). */
static json_t *
dispatch(void *arg, json_t *req, const char *peer, char **cause)
{
	struct api_reg *reg = arg;
	const struct api_cmd *cmd = reg->cmd;
	struct api_lib *l = reg->l;
	json_t *r, *list;
	sqlite3 *db;

	if (cmd->fn != NULL)
		return cmd->fn(l, req, peer, cause);
	if (cmd->list != NULL) {
		if ((db = api_lib_db(l, cause)) == NULL || (list = cmd->list(db, req, cause)) == NULL)
			return NULL;
		return xjson_pack("{s:o}", cmd->key, list);
	}
	if (cmd->check != NULL && cmd->check(l, req, cause) != 0)
		return NULL;
	r = api_job_later(l->jobs, cmd->name, cmd->pool, cmd->body,
	    (cmd->flags & API_CMD_NO_DB) ? API_JOB_NO_DB : 0, l, req, peer, cause);
	if (r != NULL && cmd->echo != NULL && json_object_get(req, cmd->echo) != NULL)
		json_object_set(r, cmd->echo, json_object_get(req, cmd->echo));
	return r;
}

/* New. */
struct api_lib *
api_lib_new(struct api *api, struct control *c)
{
	struct api_lib *l = xcalloc(1, sizeof *l);

	l->api = api;
	l->jobs = api_jobs_new(c, api->db_path);
	return l;
}

/* Register every row of every table. */
void
api_lib_register(struct control *c, struct api_lib *l)
{
	const struct api_cmd *cmd;
	size_t i, n = 0;

	for (i = 0; i < nitems(api_tables); i++) {
		for (cmd = api_tables[i]; cmd->name != NULL; cmd++)
			n++;
	}
	free(l->regs);
	l->regs = xcalloc(n, sizeof *l->regs);
	l->nregs = 0;
	for (i = 0; i < nitems(api_tables); i++) {
		for (cmd = api_tables[i]; cmd->name != NULL; cmd++) {
			l->regs[l->nregs].l = l;
			l->regs[l->nregs].cmd = cmd;
			if (cmd->flags & API_CMD_INLINE)
				control_add_inline(c, cmd->name, dispatch, &l->regs[l->nregs]);
			else
				control_add(c, cmd->name, dispatch, &l->regs[l->nregs]);
			l->nregs++;
		}
	}
}

/* Cancel every job, wait, and send nothing more. */
void
api_lib_stop(struct api_lib *l)
{
	if (l != NULL)
		api_jobs_stop(l->jobs);
}

/* Free. */
void
api_lib_free(struct api_lib **lp)
{
	struct api_lib *l;

	if (lp == NULL || (l = *lp) == NULL)
		return;
	api_jobs_free(&l->jobs);
	db_close(&l->db);
	free(l->regs);
	freep(lp);
}
