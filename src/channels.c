/*
 * channels.c: read channel definitions: every setting of src/chanfield.h
 * from its column.
 */
#include "src/channels.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/chanfield.h"
#include "src/db.h"
#include "src/util.h"
#include "src/xjson.h"

/*
 * The members of struct channel_conf the engine reads by name, filled
 * from the settings of the same name. A new setting needs none: it is
 * read with channel_conf_int/str.
 */
static const struct {
	const char *name;
	size_t off;
} members[] = {
	{ "number", offsetof(struct channel_conf, number) },
	{ "name", offsetof(struct channel_conf, name) },
	{ "call_sign", offsetof(struct channel_conf, call_sign) },
	{ "description", offsetof(struct channel_conf, description) },
	{ "demographic", offsetof(struct channel_conf, demographic) },
	{ "rating_limit", offsetof(struct channel_conf, rating_limit) },
	{ "timezone", offsetof(struct channel_conf, timezone) },
	{ "logo_path", offsetof(struct channel_conf, logo_path) },
	{ "bug_path", offsetof(struct channel_conf, bug_path) },
	{ "audio_language", offsetof(struct channel_conf, audio_language) },
	{ "slot_minutes", offsetof(struct channel_conf, slot_minutes) },
	{ "width", offsetof(struct channel_conf, width) },
	{ "height", offsetof(struct channel_conf, height) },
	{ "fps_num", offsetof(struct channel_conf, fps_num) },
	{ "fps_den", offsetof(struct channel_conf, fps_den) },
	{ "video_kbps", offsetof(struct channel_conf, video_kbps) },
	{ "audio_kbps", offsetof(struct channel_conf, audio_kbps) },
	{ "always_on", offsetof(struct channel_conf, always_on) },
	{ "enabled", offsetof(struct channel_conf, enabled) },
	{ "guide_source", offsetof(struct channel_conf, guide_source_id) },
	{ "guide_music_dir", offsetof(struct channel_conf, guide_music_dir) },
	{ "guide_hours", offsetof(struct channel_conf, guide_hours) },
};

/* Is a setting's value text (else a number)? */
static int
is_text(const struct chanfield *f)
{
	return f->type != CHANFIELD_INT && f->type != CHANFIELD_SECONDS &&
	    f->type != CHANFIELD_BOOL && f->type != CHANFIELD_CHANNEL;
}

/* The member of a setting, or NULL. */
static void *
member(const struct channel_conf *c, const struct chanfield *f)
{
	size_t i;

	for (i = 0; i < nitems(members); i++) {
		if (strcmp(members[i].name, f->name) == 0)
			return (char *)c + members[i].off;
	}
	return NULL;
}

/* "SELECT id, <every setting's column> FROM channels" (a new string). */
static char *
select_sql(void)
{
	const struct chanfield *f;
	char *sql = xstrdup("SELECT id"), *n;

	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (f->column == NULL)
			continue;
		if (f->type == CHANFIELD_CHANNEL)
			xasprintf(&n, "%s, %s, (SELECT r.number FROM channels r WHERE r.id = "
			    "channels.%s)", sql, f->column, f->column);
		else
			xasprintf(&n, "%s, %s", sql, f->column);
		free(sql);
		sql = n;
	}
	xasprintf(&n, "%s FROM channels", sql);
	free(sql);
	return n;
}

/* A text column, copied, or NULL. */
static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Fill c from the current row of a select_sql() query. */
static void
from_row(sqlite3_stmt *st, struct channel_conf *c)
{
	const struct chanfield *f;
	struct chanval *v;
	void *m;
	int col = 1;

	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->vals = xcalloc(nchanfields, sizeof *c->vals);
	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (f->column == NULL)
			continue;
		v = &c->vals[f - chanfields];
		v->null = sqlite3_column_type(st, col) == SQLITE_NULL;
		if (is_text(f))
			v->s = col_str(st, col);
		else
			v->i = sqlite3_column_int64(st, col);
		col++;
		if (f->type == CHANFIELD_CHANNEL)
			v->s = col_str(st, col++);
		if ((m = member(c, f)) == NULL)
			continue;
		if (is_text(f))
			*(char **)m = v->s != NULL ? xstrdup(v->s) : NULL;
		else if (f->type == CHANFIELD_CHANNEL)
			*(int64_t *)m = v->i;
		else
			*(int *)m = (int)v->i;
	}
	if (c->timezone == NULL)
		c->timezone = xstrdup("UTC");
	c->guide = strcmp(channel_conf_str(c, "channel_type") != NULL ?
	    channel_conf_str(c, "channel_type") : "", "guide") == 0;
}

/* All channels, numerically ordered. */
int
channels_load(sqlite3 *db, struct channel_conf **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	char *sql, *base;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	xasprintf(&sql, "%s ORDER BY CAST(number AS REAL), number", (base = select_sql()));
	free(base);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		from_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading channels: %s", sqlite3_errmsg(db));
		channels_free(out, *n);
		*n = 0;
		return -1;
	}
	return 0;
}

/* Run a one-row channel query bound to one value. */
static int
find_one(sqlite3 *db, const char *where, const char *text, int64_t id,
    struct channel_conf *out, char **cause)
{
	sqlite3_stmt *st;
	char *sql, *base;
	int rc;

	xasprintf(&sql, "%s WHERE %s", (base = select_sql()), where);
	free(base);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		from_row(st, out);
	else if (rc != SQLITE_DONE)
		set_cause(cause, "reading channel: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* By guide number. */
int
channels_find(sqlite3 *db, const char *number, struct channel_conf *out, char **cause)
{
	return find_one(db, "number = ?1", number, 0, out, cause);
}

/* By id. */
int
channels_get(sqlite3 *db, int64_t id, struct channel_conf *out, char **cause)
{
	return find_one(db, "id = ?1", NULL, id, out, cause);
}

/* Deep copy. */
void
channel_conf_copy(struct channel_conf *dst, const struct channel_conf *src)
{
	const struct chanfield *f;
	char **m;
	size_t i;

	*dst = *src;
	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (is_text(f) && (m = member(dst, f)) != NULL && *m != NULL)
			*m = xstrdup(*m);
	}
	if (src->vals == NULL)
		return;
	dst->vals = xcalloc(nchanfields, sizeof *dst->vals);
	for (i = 0; i < nchanfields; i++) {
		dst->vals[i] = src->vals[i];
		if (src->vals[i].s != NULL)
			dst->vals[i].s = xstrdup(src->vals[i].s);
	}
}

/* Free one conf's strings. */
void
channel_conf_clear(struct channel_conf *c)
{
	const struct chanfield *f;
	char **m;
	size_t i;

	if (c == NULL)
		return;
	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (is_text(f) && (m = member(c, f)) != NULL)
			free(*m);
	}
	if (c->vals != NULL) {
		for (i = 0; i < nchanfields; i++)
			free((char *)c->vals[i].s);
		free(c->vals);
	}
	memset(c, 0, sizeof *c);
}

/* Free a list. */
void
channels_free(struct channel_conf **list, size_t n)
{
	size_t i;

	if (list == NULL || *list == NULL)
		return;
	for (i = 0; i < n; i++)
		channel_conf_clear(&(*list)[i]);
	freep(list);
}

/* A setting's row; a name that is no row is a bug. */
static const struct chanfield *
field(const char *name)
{
	const struct chanfield *f = chanfield_find(name);

	if (f == NULL) {
		fprintf(stderr, "retrovue: no channel setting '%s'\n", name);
		abort();
	}
	return f;
}

/* A number. */
long long
channel_conf_int(const struct channel_conf *c, const char *name)
{
	const struct chanfield *f = field(name);
	void *m;

	if (c->vals != NULL)
		return c->vals[f - chanfields].i;
	if ((m = member(c, f)) == NULL || is_text(f))
		return 0;
	return f->type == CHANFIELD_CHANNEL ? *(int64_t *)m : *(int *)m;
}

/* Text. */
const char *
channel_conf_str(const struct channel_conf *c, const char *name)
{
	const struct chanfield *f = field(name);
	void *m;

	if (c->vals != NULL)
		return c->vals[f - chanfields].s;
	if ((m = member(c, f)) == NULL || !is_text(f))
		return NULL;
	return *(char **)m;
}

/* NULL? */
int
channel_conf_null(const struct channel_conf *c, const char *name)
{
	const struct chanfield *f = field(name);

	if (c->vals != NULL)
		return c->vals[f - chanfields].null;
	return is_text(f) && channel_conf_str(c, name) == NULL;
}

/* As JSON. */
json_t *
channel_conf_json(const struct channel_conf *c)
{
	const struct chanfield *f;
	json_t *o = xjson_pack("{s:I}", "id", (json_int_t)c->id), *x;
	const char *s;

	for (f = chanfields; f < chanfields + nchanfields; f++) {
		switch (f->type) {
		case CHANFIELD_VIRTUAL:
			continue;
		case CHANFIELD_INT:
		case CHANFIELD_SECONDS:
			x = channel_conf_null(c, f->name) ? json_null() :
			    json_integer(channel_conf_int(c, f->name));
			break;
		case CHANFIELD_BOOL:
			x = json_boolean(channel_conf_int(c, f->name) != 0);
			break;
		default:
			s = channel_conf_str(c, f->name);
			x = xjson_str(s != NULL ? s : "");
			break;
		}
		json_object_set_new(o, f->name, x);
	}
	return o;
}
