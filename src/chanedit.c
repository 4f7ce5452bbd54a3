/*
 * chanedit.c: validated channel writes, walking the settings of
 * src/chanfield.h: each given value is checked by its row and written to
 * its row's column.
 */
#include "src/chanedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/coarse.h"
#include "src/db.h"
#include "src/strbuf.h"
#include "src/tz.h"
#include "src/util.h"

/* Unset everything. */
void
chanedit_init(struct chanedit *e)
{
	memset(e, 0, sizeof *e);
}

/* The value of a row by name; a name that is no row is a bug. */
static struct chanval *
value(struct chanedit *e, const char *name)
{
	int i = chanfield_index(name);

	if (i < 0) {
		fprintf(stderr, "retrovue: no channel setting '%s'\n", name);
		abort();
	}
	return &e->v[i];
}

/* Set text. */
void
chanedit_set_str(struct chanedit *e, const char *name, const char *s)
{
	struct chanval *v = value(e, name);

	memset(v, 0, sizeof *v);
	if (s == NULL)
		return;
	v->set = 1;
	v->s = s;
	v->null = *s == '\0';
}

/* Set a number. */
void
chanedit_set_int(struct chanedit *e, const char *name, long long n)
{
	struct chanval *v = value(e, name);

	memset(v, 0, sizeof *v);
	v->set = 1;
	v->i = n;
}

/* Text given. */
const char *
chanedit_str(const struct chanedit *e, const char *name)
{
	const struct chanval *v = value((struct chanedit *)e, name);

	return v->set ? (v->s != NULL ? v->s : "") : NULL;
}

/* Number given. */
long long
chanedit_int(const struct chanedit *e, const char *name, long long dflt)
{
	const struct chanval *v = value((struct chanedit *)e, name);

	return v->set && !v->null ? v->i : dflt;
}

/* Typed text. */
int
chanedit_parse(struct chanedit *e, const struct chanfield *f, const char *text, char **cause)
{
	return chanfield_parse(f, text, e->v, e->buf, sizeof e->buf, cause);
}

/* From a JSON object. */
int
chanedit_from_json(struct chanedit *e, json_t *obj, char **cause)
{
	const struct chanfield *f;
	struct chanval *v;
	char *why = NULL;
	json_t *x;

	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (f->type == CHANFIELD_VIRTUAL || (x = json_object_get(obj, f->name)) == NULL ||
		    json_is_null(x))
			continue;
		v = &e->v[f - chanfields];
		if (json_is_string(x)) {
			if (chanedit_parse(e, f, json_string_value(x), &why) != 0) {
				set_cause(cause, "%s: %s", f->name, why);
				free(why);
				return -1;
			}
		} else if ((json_is_integer(x) || json_is_boolean(x)) &&
		    (f->type == CHANFIELD_INT || f->type == CHANFIELD_SECONDS ||
		    f->type == CHANFIELD_BOOL)) {
			memset(v, 0, sizeof *v);
			v->set = 1;
			v->i = json_is_boolean(x) ? json_is_true(x) : json_integer_value(x);
		} else {
			set_cause(cause, "%s: give %s", f->name, f->type == CHANFIELD_BOOL ?
			    "true or false" : f->type == CHANFIELD_INT ||
			    f->type == CHANFIELD_SECONDS ? "a number" : "a string");
			return -1;
		}
	}
	return 0;
}

/* Validate. */
int
chanedit_check(const struct chanedit *e, char **cause)
{
	size_t i;

	for (i = 0; i < nchanfields; i++) {
		if (e->v[i].set && chanfield_check(&chanfields[i], &e->v[i], cause) != 0)
			return -1;
	}
	return chanfield_check_all(e->v, cause);
}

/* The columns to write with their values (text owned). */
struct colset {
	const char *col[CHANFIELDS_MAX];
	char *text[CHANFIELDS_MAX];             /* NULL with is_text: NULL */
	long long ival[CHANFIELDS_MAX];
	int is_text[CHANFIELDS_MAX];
	int is_null[CHANFIELDS_MAX];
	int n;
};

/* Free a colset's text. */
static void
colset_clear(struct colset *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->text[i]);
	c->n = 0;
}

/*
 * The guide number of a CHANNEL setting as its channel's id (a regular
 * channel's, not self_id's: 0 on add).
 */
static int
resolve_channel(sqlite3 *db, const struct chanfield *f, const char *number, int64_t self_id,
    long long *id, char **cause)
{
	sqlite3_stmt *st;
	char noun[64];
	int rc;

	chanfield_noun(f, noun, sizeof noun);
	st = db_prepare(db, "SELECT id, channel_type FROM channels WHERE number = ?1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		set_cause(cause, "%s: no channel %s", noun, number);
		sqlite3_finalize(st);
		return -1;
	}
	if (sqlite3_column_int64(st, 0) == self_id || strcmp(db_text(st, 1), "guide") == 0) {
		set_cause(cause, "%s: channel %s is a guide channel; choose a regular one", noun,
		    number);
		sqlite3_finalize(st);
		return -1;
	}
	*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* A comma list as stored: "eng, fra" is "eng,fra" (a new string). */
static char *
list_norm(const char *s)
{
	char *copy = xstrdup(s), *item, *next = copy;
	struct strbuf out = { 0 };

	while ((item = strsep(&next, ",")) != NULL)
		strbuf_item(&out, ",", "%s", strtrim(item));
	free(copy);
	return strbuf_take(&out);
}

/* Collect what e sets, in the form each column stores. */
static int
collect(sqlite3 *db, const struct chanedit *e, int64_t self_id, struct colset *c,
    char **cause)
{
	const struct chanfield *f;
	const struct chanval *v;
	char buf[256];
	int k, min;

	memset(c, 0, sizeof *c);
	for (f = chanfields; f < chanfields + nchanfields; f++) {
		v = &e->v[f - chanfields];
		if (!v->set || f->column == NULL)
			continue;
		k = c->n++;
		c->col[k] = f->column;
		if (v->null || (v->s != NULL && *v->s == '\0' && f->type != CHANFIELD_INT &&
		    f->type != CHANFIELD_SECONDS && f->type != CHANFIELD_BOOL)) {
			c->is_null[k] = 1;
			continue;
		}
		switch (f->type) {
		case CHANFIELD_INT:
		case CHANFIELD_SECONDS:
		case CHANFIELD_BOOL:
			c->ival[k] = v->i;
			break;
		case CHANFIELD_CHANNEL:
			if (resolve_channel(db, f, v->s, self_id, &c->ival[k], cause) != 0) {
				colset_clear(c);
				return -1;
			}
			break;
		case CHANFIELD_LIST:
			c->is_text[k] = 1;
			c->text[k] = list_norm(v->s);
			break;
		case CHANFIELD_TIME:
			c->is_text[k] = 1;
			if (coarse_parse_time(v->s, &min) == 0)
				snprintf(buf, sizeof buf, "%02d:%02d", min / 60, min % 60);
			else
				snprintf(buf, sizeof buf, "%s", v->s);
			c->text[k] = xstrdup(buf);
			break;
		default:
			c->is_text[k] = 1;
			c->text[k] = xstrdup(f->norm != NULL ? f->norm(v->s, buf, sizeof buf) : v->s);
			break;
		}
	}
	return 0;
}

/* Bind the set values from parameter 1. */
static void
bind_set(sqlite3_stmt *st, const struct colset *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		if (c->is_null[i])
			sqlite3_bind_null(st, i + 1);
		else if (c->is_text[i])
			sqlite3_bind_text(st, i + 1, c->text[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, i + 1, c->ival[i]);
	}
}

/* A write's error, in words. */
static void
write_error(sqlite3 *db, const struct chanedit *e, char **cause)
{
	const char *number = chanedit_str(e, "number");

	if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE && number != NULL)
		set_cause(cause, "channel %s already exists", number);
	else
		set_cause(cause, "saving the channel: %s", sqlite3_errmsg(db));
}

/* Insert. */
int
chanedit_add(sqlite3 *db, const struct chanedit *e, int64_t *id, char **cause)
{
	struct chanedit d = *e;
	const struct chanfield *f;
	struct colset c;
	sqlite3_stmt *st;
	struct strbuf cols = { 0 }, vals = { 0 };
	char *sql, tzbuf[128];
	int i, rc;

	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if ((f->flags & CHANFIELD_REQUIRED) && !e->v[f - chanfields].set) {
			set_cause(cause, "a channel needs a number and a name");
			return -1;
		}
	}
	/* The one default that is not the column's: this machine's zone. */
	if (chanedit_str(&d, "timezone") == NULL)
		chanedit_set_str(&d, "timezone", tz_system_name(tzbuf, sizeof tzbuf));
	if (chanedit_check(&d, cause) != 0 || collect(db, &d, 0, &c, cause) != 0)
		return -1;
	for (i = 0; i < c.n; i++) {
		strbuf_item(&cols, ", ", "%s", c.col[i]);
		strbuf_item(&vals, ", ", "?%d", i + 1);
	}
	xasprintf(&sql, "INSERT INTO channels (%s) VALUES (%s)", strbuf_str(&cols),
	    strbuf_str(&vals));
	strbuf_free(&cols);
	strbuf_free(&vals);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL) {
		colset_clear(&c);
		return -1;
	}
	bind_set(st, &c);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		write_error(db, &d, cause);
	else if (id != NULL)
		*id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	colset_clear(&c);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Update. */
int
chanedit_update(sqlite3 *db, int64_t id, const struct chanedit *e, char **cause)
{
	struct colset c;
	sqlite3_stmt *st;
	struct strbuf sets = { 0 };
	char *sql;
	int i, rc;

	if (chanedit_check(e, cause) != 0 || collect(db, e, id, &c, cause) != 0)
		return -1;
	if (c.n == 0)
		return 0;
	for (i = 0; i < c.n; i++)
		strbuf_add(&sets, "%s = ?%d, ", c.col[i], i + 1);
	xasprintf(&sql, "UPDATE channels SET %supdated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', "
	    "'now') WHERE id = %lld", strbuf_str(&sets), (long long)id);
	strbuf_free(&sets);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL) {
		colset_clear(&c);
		return -1;
	}
	bind_set(st, &c);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		write_error(db, e, cause);
	else if (sqlite3_changes(db) == 0) {
		set_cause(cause, "no channel with id %lld", (long long)id);
		rc = SQLITE_NOTFOUND;
	}
	sqlite3_finalize(st);
	colset_clear(&c);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Delete (cascades to schedules, fine log, as-run). */
int
chanedit_remove(sqlite3 *db, int64_t id, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, "DELETE FROM channels WHERE id = ?1", cause)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_cause(cause, "removing the channel: %s", sqlite3_errmsg(db));
	else if (sqlite3_changes(db) == 0) {
		set_cause(cause, "no channel with id %lld", (long long)id);
		rc = SQLITE_NOTFOUND;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
