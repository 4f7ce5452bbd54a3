/*
 * api_cmd.h: what the files of the control socket's editing commands
 * share (the commands are listed in engine/api_lib.h). Each resource has
 * its file and exports a table of its commands, as the CLI has one file
 * per command (src/cmd/):
 *
 *   api_content.c   content.get, content.set
 *   api_chapters.c  chapters.get, chapters.set, chapters.detect, frame.at
 *   api_import.c    sync.start, sync.history, sources.*, tmm.*
 *   api_paths.c     paths.*
 *   api_channels.c  channels.*, channel.start, channel.stop
 *   api_slots.c     slots.*
 *   api_lib.c       job.cancel; the state, the one registration table of
 *                   these tables, and the helpers below
 *
 * A row of a table is one command, of one of three shapes, each run by
 * one dispatcher in api_lib.c:
 *   .fn                 answered at once (on the control worker), or
 *   .list, .key         {key: list} from a list function and a connection,
 *   .body [, .check]    a slow command: .check the request at once (an
 *                       error is the reply), then a job on .pool runs
 *                       .body with the request on a connection of its own
 *                       (engine/api_job.h); the reply {job, kind} (kind:
 *                       the command's name, plus .echo copied from the
 *                       request), job.done the body's result.
 * A row with API_CMD_INLINE runs on the control thread itself
 * (control_add_inline: it must never block); the others on the control
 * worker, one at a time (control_add). Adding a command: a row in its
 * resource's table (a new resource: a file, and its table in api_lib.c).
 *
 * Handlers answer from the control worker with its connection
 * (api_lib_db); JSON is built with xjson_pack (src/xjson.h).
 */
#ifndef RV_ENGINE_API_CMD_H
#define RV_ENGINE_API_CMD_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "engine/api_job.h"

struct api;
struct channel_conf;

struct api_lib {
	struct api *api;
	struct api_jobs *jobs;          /* the job runner: pools, events */
	sqlite3 *db;                    /* the control worker's connection (lazy) */
	struct api_reg *regs;           /* one per command registered */
	size_t nregs;
};

#define API_CMD_INLINE 0x1              /* on the control thread (quick, never blocks) */
#define API_CMD_NO_DB 0x2               /* .body needs no connection */

struct api_cmd {
	const char *name;
	int flags;
	/* Answered at once: a new result, or NULL with *cause. */
	json_t *(*fn)(struct api_lib *l, json_t *req, const char *peer, char **cause);
	/* A list: {key: list(db, req)}; NULL with *cause. */
	const char *key;
	json_t *(*list)(sqlite3 *db, json_t *req, char **cause);
	/* A slow command: check (NULL: none) at once, body as a job on pool. */
	int (*check)(struct api_lib *l, json_t *req, char **cause);
	api_job_body body;
	enum api_pool pool;
	const char *echo;               /* a request key the reply repeats */
};

/* The tables, each ended by a row without a name. */
extern const struct api_cmd api_content_cmds[];
extern const struct api_cmd api_chapters_cmds[];
extern const struct api_cmd api_import_cmds[];
extern const struct api_cmd api_paths_cmds[];
extern const struct api_cmd api_channels_cmds[];
extern const struct api_cmd api_slots_cmds[];

/* The control worker's connection; NULL with *cause. */
sqlite3 *api_lib_db(struct api_lib *l, char **cause);
/* An event to every attached console (takes ev). */
void api_lib_event(struct api_lib *l, json_t *ev);
/* "NAME.changed" {id} (no id when 0) to every console. */
void api_lib_changed(struct api_lib *l, const char *name, int64_t id);
/* A required positive id argument: 0, or -1 with *cause naming key. */
int api_lib_arg_id(json_t *req, const char *key, int64_t *id, char **cause);
/* A "source" or "dir" argument (a name, a path or an id) as text in buf; NULL if none. */
const char *api_lib_arg_key(json_t *req, const char *key, char *buf, size_t len);
/*
 * The channel the request's "number" names into *c (clear it); its id,
 * or -1 with *cause.
 */
int64_t api_lib_channel(sqlite3 *db, json_t *req, struct channel_conf *c, char **cause);
/*
 * After a change: rebuild the unlocked future of the channels playing
 * mf_id, or of channel_id (number for messages), as a job on the sched
 * pool, one at a time; its job and kind go into the reply r. Returns r.
 */
json_t *api_lib_rebuild(struct api_lib *l, const char *peer, int64_t mf_id, int64_t channel_id,
    const char *number, json_t *r);
/* After content left the library: replace it in every channel; the count rescheduled. */
int api_lib_reschedule_all(sqlite3 *db);

#endif
