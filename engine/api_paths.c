/*
 * api_paths.c: the control socket's path mapping commands
 * (engine/api_cmd.h): the rules that turn a Plex server's paths into
 * this machine's, and a test of where a path lands. Adding or removing a
 * rule re-maps every stored path: a job on the library-edit pool.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/api_cmd.h"
#include "engine/control.h"
#include "src/pathmap.h"
#include "src/sources.h"
#include "src/util.h"
#include "src/xjson.h"

/* A Plex source argument: its id, 0 for none given, -1 with *cause. */
static int64_t
source_id(sqlite3 *db, json_t *req, char **cause)
{
	struct source s;
	const char *key;
	char buf[32];
	int64_t id;

	if ((key = api_lib_arg_key(req, "source", buf, sizeof buf)) == NULL)
		return 0;
	if (sources_get(db, key, &s, cause) != 0)
		return -1;
	id = s.id;
	source_clear(&s);
	return id;
}

/* paths.list. */
static json_t *
paths_json(sqlite3 *db, json_t *req, char **cause)
{
	struct pathmap pm;
	json_t *list;
	size_t i;

	if (pathmap_load(db, &pm, cause) != 0)
		return NULL;
	list = json_array();
	for (i = 0; i < pm.n; i++)
		json_array_append_new(list, xjson_pack("{s:I, s:I, s:s, s:s}", "id",
		    (json_int_t)pm.rules[i].id, "source", (json_int_t)pm.rules[i].source_id,
		    "plex_path", pm.rules[i].plex_path, "local_path", pm.rules[i].local_path));
	pathmap_clear(&pm);
	return list;
}

/* Job body: add a path mapping and re-map every stored path. */
static json_t *
path_add(struct api_job *j, sqlite3 *db, char **cause)
{
	int64_t sid, id;
	int remapped;

	if ((sid = source_id(db, j->args, cause)) < 0)
		return NULL;
	if (pathmap_add(db, sid, ctl_arg_str(j->args, "plex_path"),
	    ctl_arg_str(j->args, "local_path"), &id, &remapped, cause) != 0)
		return NULL;
	api_lib_changed(j->arg, "paths.changed", id);
	return xjson_pack("{s:I, s:i}", "id", (json_int_t)id, "remapped", remapped);
}

/* paths.add {plex_path, local_path, source}: a job (it re-maps every row). */
static int
path_add_check(struct api_lib *l, json_t *req, char **cause)
{
	const char *plex = ctl_arg_str(req, "plex_path"), *local = ctl_arg_str(req, "local_path");

	if (plex != NULL && *plex != '\0' && local != NULL && *local != '\0')
		return 0;
	set_cause(cause, "give \"plex_path\" and \"local_path\"");
	return -1;
}

/* Job body: remove a path mapping and re-map every stored path. */
static json_t *
path_remove(struct api_job *j, sqlite3 *db, char **cause)
{
	int remapped;

	if (pathmap_remove(db, ctl_arg_int(j->args, "rule", 0), &remapped, cause) != 0)
		return NULL;
	api_lib_changed(j->arg, "paths.changed", 0);
	return xjson_pack("{s:i}", "remapped", remapped);
}

/* paths.remove {rule}: a job (it re-maps every row). */
static int
path_remove_check(struct api_lib *l, json_t *req, char **cause)
{
	int64_t id;

	return api_lib_arg_id(req, "rule", &id, cause);
}

/* paths.test {path, source}: what a Plex path becomes here, and whether it is there. */
static json_t *
cmd_paths_test(struct api_lib *l, json_t *req, const char *peer, char **cause)
{
	const struct pathmap_rule *used = NULL;
	const char *path = ctl_arg_str(req, "path");
	struct pathmap pm;
	sqlite3 *db;
	char *mapped;
	int64_t sid;
	json_t *r;

	if (path == NULL || *path == '\0') {
		set_cause(cause, "no \"path\"");
		return NULL;
	}
	if ((db = api_lib_db(l, cause)) == NULL || (sid = source_id(db, req, cause)) < 0 ||
	    pathmap_load(db, &pm, cause) != 0)
		return NULL;
	mapped = pathmap_map(&pm, sid, path, &used);
	r = xjson_pack("{s:s, s:s, s:b, s:I}", "path", path, "mapped", mapped != NULL ? mapped :
	    path, "exists", file_exists(mapped != NULL ? mapped : path), "rule",
	    (json_int_t)(used != NULL ? used->id : 0));
	free(mapped);
	pathmap_clear(&pm);
	return r;
}

const struct api_cmd api_paths_cmds[] = {
	{ .name = "paths.list", .key = "paths", .list = paths_json },
	{ .name = "paths.add", .check = path_add_check, .body = path_add,
	  .pool = API_POOL_EDIT },
	{ .name = "paths.remove", .check = path_remove_check, .body = path_remove,
	  .pool = API_POOL_EDIT },
	{ .name = "paths.test", .fn = cmd_paths_test },
	{ .name = NULL },
};
