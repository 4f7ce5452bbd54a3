/*
 * gfxconf.c: read and write a channel's graphics settings, each a row of
 * gfxconf_fields[] that loading, checking, setting and showing walk.
 */
#include "src/gfxconf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/parseutils.h>

#include "src/db.h"
#include "src/util.h"

#define GFX(m) offsetof(struct gfx_conf, m), sizeof ((struct gfx_conf *)0)->m

/*
 * The settings, in the order 'retrovue graphics' shows them. Each row
 * names its column and key, its kind and range, its member of struct
 * gfx_conf (offsetof and size) and its default (as in the migration).
 * Adding a graphics setting: a migration (ALTER TABLE channel_graphics
 * ADD COLUMN ... NOT NULL DEFAULT x), a member of struct gfx_conf for
 * the engine to read, and a row here.
 */
const struct gfxconf_field gfxconf_fields[] = {
	{ "enabled", GFXCONF_BOOL, 0, 1, GFX(enabled), "on",
	  "every graphic on this channel" },
	{ "bug_position", GFXCONF_CORNER, 0, 0, GFX(bug_position), "bottom-right",
	  "the bug's corner" },
	{ "bug_margin", GFXCONF_INT, 0, 40, GFX(bug_margin), "4",
	  "its distance from the edges, % of the picture height" },
	{ "bug_size", GFXCONF_INT, 2, 50, GFX(bug_size), "12",
	  "its height, % of the picture height" },
	{ "bug_opacity", GFXCONF_REAL, 0, 1, GFX(bug_opacity), "0.7", "0 to 1" },
	{ "bug_in_breaks", GFXCONF_BOOL, 0, 1, GFX(bug_in_breaks), "off",
	  "the bug stays up during breaks" },
	{ "lower_thirds", GFXCONF_BOOL, 0, 1, GFX(lower_thirds), "on",
	  "\"Up next\" and \"Now\" lower thirds" },
	{ "lt_font", GFXCONF_FONT, 0, 0, GFX(lt_font), "",
	  "their font file (empty: the default)" },
	{ "lt_color", GFXCONF_COLOR, 0, 0, GFX(lt_color), "white", "their text colour" },
	{ "lt_box_color", GFXCONF_COLOR, 0, 0, GFX(lt_box_color), "0x102a6b@0.85",
	  "their box colour" },
	{ "lt_accent", GFXCONF_COLOR, 0, 0, GFX(lt_accent), "0xf2b705", "their accent colour" },
	{ "lt_position", GFXCONF_CORNER, 0, 0, GFX(lt_position), "bottom-left",
	  "their corner" },
	{ "upnext_seconds", GFXCONF_INT, 0, 600, GFX(upnext_seconds), "10",
	  "\"Up next\" for the last seconds of the break before a programme" },
	{ "now_seconds", GFXCONF_INT, 0, 600, GFX(now_seconds), "8",
	  "\"Now\" for the first seconds of a programme" },
};

const size_t ngfxconf_fields = nitems(gfxconf_fields);

/* A field's member in g. */
static void *
member(const struct gfx_conf *g, const struct gfxconf_field *f)
{
	return (char *)g + f->off;
}

/* Store a checked value's text into g. */
static void
put(struct gfx_conf *g, const struct gfxconf_field *f, const char *text)
{
	switch (f->kind) {
	case GFXCONF_BOOL:
	case GFXCONF_INT:
		*(int *)member(g, f) = atoi(text);
		break;
	case GFXCONF_REAL:
		*(double *)member(g, f) = strtod(text, NULL);
		break;
	default:
		snprintf(member(g, f), f->size, "%s", text);
		break;
	}
}

static int check_value(const struct gfxconf_field *, const char *, char *, size_t, char **);

/* Defaults, as in sql/004_graphics.sql. */
void
gfxconf_defaults(struct gfx_conf *g)
{
	const struct gfxconf_field *f;
	char norm[512];

	memset(g, 0, sizeof *g);
	for (f = gfxconf_fields; f < gfxconf_fields + nitems(gfxconf_fields); f++) {
		if (f->kind == GFXCONF_BOOL)
			put(g, f, strcmp(f->dflt, "on") == 0 ? "1" : "0");
		else if (check_value(f, f->dflt, norm, sizeof norm, NULL) == 0)
			put(g, f, norm);
	}
}

/* Load a channel's row. */
int
gfxconf_load(sqlite3 *db, int64_t channel_id, struct gfx_conf *g, char **cause)
{
	const struct gfxconf_field *f;
	sqlite3_stmt *st;
	char *sql = xstrdup("SELECT updated_at"), *n;
	int rc, col;

	gfxconf_defaults(g);
	for (f = gfxconf_fields; f < gfxconf_fields + nitems(gfxconf_fields); f++) {
		xasprintf(&n, "%s, %s", sql, f->key);
		free(sql);
		sql = n;
	}
	xasprintf(&n, "%s FROM channel_graphics WHERE channel_id = ?1", sql);
	free(sql);
	st = db_prepare(db, n, cause);
	free(n);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(g->updated_at, sizeof g->updated_at, "%s", db_text(st, 0));
		for (f = gfxconf_fields, col = 1; f < gfxconf_fields + nitems(gfxconf_fields);
		    f++, col++) {
			if (f->kind == GFXCONF_BOOL || f->kind == GFXCONF_INT)
				*(int *)member(g, f) = sqlite3_column_int(st, col);
			else if (f->kind == GFXCONF_REAL)
				*(double *)member(g, f) = sqlite3_column_double(st, col);
			else
				put(g, f, db_text(st, col));
		}
	} else if (rc != SQLITE_DONE)
		set_cause(cause, "graphics settings: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Check a value for its kind; on success *norm holds what to store. */
static int
check_value(const struct gfxconf_field *f, const char *value, char *norm, size_t len,
    char **cause)
{
	uint8_t rgba[4];
	long long n;
	double d;
	char *end;

	switch (f->kind) {
	case GFXCONF_BOOL:
		if (strcmp(value, "1") == 0 || strcmp(value, "on") == 0 ||
		    strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)
			snprintf(norm, len, "1");
		else if (strcmp(value, "0") == 0 || strcmp(value, "off") == 0 ||
		    strcmp(value, "no") == 0 || strcmp(value, "false") == 0)
			snprintf(norm, len, "0");
		else
			goto bad;
		return 0;
	case GFXCONF_INT:
		if (parse_int(value, (long long)f->min, (long long)f->max, &n) != 0)
			goto bad;
		snprintf(norm, len, "%lld", n);
		return 0;
	case GFXCONF_REAL:
		d = strtod(value, &end);
		if (end == value || *end != '\0' || d < f->min || d > f->max)
			goto bad;
		snprintf(norm, len, "%g", d);
		return 0;
	case GFXCONF_CORNER:
		if (strcmp(value, "top-left") != 0 && strcmp(value, "top-right") != 0 &&
		    strcmp(value, "bottom-left") != 0 && strcmp(value, "bottom-right") != 0) {
			set_cause(cause, "%s: '%s' must be top-left, top-right, bottom-left or "
			    "bottom-right", f->key, value);
			return -1;
		}
		snprintf(norm, len, "%s", value);
		return 0;
	case GFXCONF_COLOR:
		if (av_parse_color(rgba, value, -1, NULL) < 0) {
			set_cause(cause, "%s: '%s' is not a colour (white, red, 0x102a6b, "
			    "0x102a6b@0.85)", f->key, value);
			return -1;
		}
		snprintf(norm, len, "%s", value);
		return 0;
	case GFXCONF_FONT:
		if (*value != '\0' && access(value, R_OK) != 0) {
			set_cause(cause, "%s: cannot read the font file %s", f->key, value);
			return -1;
		}
		snprintf(norm, len, "%s", value);
		return 0;
	}
bad:
	if (f->kind == GFXCONF_BOOL)
		set_cause(cause, "%s: '%s' must be on or off", f->key, value);
	else
		set_cause(cause, "%s: '%s' must be a number from %g to %g", f->key, value,
		    f->min, f->max);
	return -1;
}

/* Set one key, creating the row with defaults when needed. */
int
gfxconf_set(sqlite3 *db, int64_t channel_id, const char *key, const char *value,
    char **cause)
{
	const struct gfxconf_field *f;
	sqlite3_stmt *st;
	char norm[512], *sql;
	int rc;

	for (f = gfxconf_fields; f < gfxconf_fields + nitems(gfxconf_fields); f++) {
		if (strcmp(f->key, key) == 0)
			break;
	}
	if (f == gfxconf_fields + nitems(gfxconf_fields)) {
		set_cause(cause, "no graphics setting '%s'", key);
		return -1;
	}
	if (check_value(f, value, norm, sizeof norm, cause) != 0)
		return -1;
	st = db_prepare(db, "INSERT OR IGNORE INTO channel_graphics (channel_id) VALUES (?1)",
	    cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "graphics settings: %s", sqlite3_errmsg(db));
		return -1;
	}
	/* key is one of the fixed names above, never user text. */
	xasprintf(&sql, "UPDATE channel_graphics SET %s = ?2, updated_at = "
	    "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now') WHERE channel_id = ?1", f->key);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	if (f->kind == GFXCONF_FONT && *norm == '\0')
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_text(st, 2, norm, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "graphics settings: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* One value as text. */
void
gfxconf_get(const struct gfx_conf *g, const char *key, char *buf, size_t len)
{
	const struct gfxconf_field *f;

	for (f = gfxconf_fields; f < gfxconf_fields + nitems(gfxconf_fields); f++) {
		if (strcmp(f->key, key) != 0)
			continue;
		switch (f->kind) {
		case GFXCONF_BOOL:
			snprintf(buf, len, "%s", *(int *)member(g, f) ? "on" : "off");
			return;
		case GFXCONF_INT:
			snprintf(buf, len, "%d", *(int *)member(g, f));
			return;
		case GFXCONF_REAL:
			snprintf(buf, len, "%g", *(double *)member(g, f));
			return;
		case GFXCONF_FONT:
			snprintf(buf, len, "%s", *(char *)member(g, f) != '\0' ?
			    (char *)member(g, f) : "(default)");
			return;
		default:
			snprintf(buf, len, "%s", (char *)member(g, f));
			return;
		}
	}
	snprintf(buf, len, "?");
}
