/*
 * gfxconf.c: read and write a channel's graphics settings.
 */
#include "src/gfxconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/parseutils.h>

#include "src/db.h"
#include "src/util.h"

enum kind { K_BOOL, K_INT, K_REAL, K_CORNER, K_COLOR, K_FONT };

static const struct {
	const char *key;
	enum kind kind;
	double min, max;
} fields[] = {
	{ "enabled", K_BOOL, 0, 1 },
	{ "bug_position", K_CORNER, 0, 0 },
	{ "bug_margin", K_INT, 0, 40 },
	{ "bug_size", K_INT, 2, 50 },
	{ "bug_opacity", K_REAL, 0, 1 },
	{ "bug_in_breaks", K_BOOL, 0, 1 },
	{ "lower_thirds", K_BOOL, 0, 1 },
	{ "lt_font", K_FONT, 0, 0 },
	{ "lt_color", K_COLOR, 0, 0 },
	{ "lt_box_color", K_COLOR, 0, 0 },
	{ "lt_accent", K_COLOR, 0, 0 },
	{ "lt_position", K_CORNER, 0, 0 },
	{ "upnext_seconds", K_INT, 0, 600 },
	{ "now_seconds", K_INT, 0, 600 },
};

const char *const gfxconf_keys[] = {
	"enabled", "bug_position", "bug_margin", "bug_size", "bug_opacity", "bug_in_breaks",
	"lower_thirds", "lt_font", "lt_color", "lt_box_color", "lt_accent", "lt_position",
	"upnext_seconds", "now_seconds", NULL,
};

/* Defaults, as in sql/004_graphics.sql. */
void
gfxconf_defaults(struct gfx_conf *g)
{
	memset(g, 0, sizeof *g);
	g->enabled = 1;
	snprintf(g->bug_position, sizeof g->bug_position, "bottom-right");
	g->bug_margin = 4;
	g->bug_size = 12;
	g->bug_opacity = 0.7;
	g->lower_thirds = 1;
	snprintf(g->lt_color, sizeof g->lt_color, "white");
	snprintf(g->lt_box_color, sizeof g->lt_box_color, "0x102a6b@0.85");
	snprintf(g->lt_accent, sizeof g->lt_accent, "0xf2b705");
	snprintf(g->lt_position, sizeof g->lt_position, "bottom-left");
	g->upnext_seconds = 10;
	g->now_seconds = 8;
}

/* Load a channel's row. */
int
gfxconf_load(sqlite3 *db, int64_t channel_id, struct gfx_conf *g, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	gfxconf_defaults(g);
	st = db_prepare(db, "SELECT enabled, bug_position, bug_margin, bug_size, bug_opacity, "
	    "bug_in_breaks, lower_thirds, coalesce(lt_font, ''), lt_color, lt_box_color, "
	    "lt_accent, lt_position, upnext_seconds, now_seconds, updated_at "
	    "FROM channel_graphics WHERE channel_id = ?1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		g->enabled = sqlite3_column_int(st, 0);
		snprintf(g->bug_position, sizeof g->bug_position, "%s", db_text(st, 1));
		g->bug_margin = sqlite3_column_int(st, 2);
		g->bug_size = sqlite3_column_int(st, 3);
		g->bug_opacity = sqlite3_column_double(st, 4);
		g->bug_in_breaks = sqlite3_column_int(st, 5);
		g->lower_thirds = sqlite3_column_int(st, 6);
		snprintf(g->lt_font, sizeof g->lt_font, "%s", db_text(st, 7));
		snprintf(g->lt_color, sizeof g->lt_color, "%s", db_text(st, 8));
		snprintf(g->lt_box_color, sizeof g->lt_box_color, "%s", db_text(st, 9));
		snprintf(g->lt_accent, sizeof g->lt_accent, "%s", db_text(st, 10));
		snprintf(g->lt_position, sizeof g->lt_position, "%s", db_text(st, 11));
		g->upnext_seconds = sqlite3_column_int(st, 12);
		g->now_seconds = sqlite3_column_int(st, 13);
		snprintf(g->updated_at, sizeof g->updated_at, "%s", db_text(st, 14));
	} else if (rc != SQLITE_DONE)
		set_cause(cause, "graphics settings: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Check a value for its kind; on success *norm holds what to store. */
static int
check_value(size_t f, const char *value, char *norm, size_t len, char **cause)
{
	uint8_t rgba[4];
	long long n;
	double d;
	char *end;

	switch (fields[f].kind) {
	case K_BOOL:
		if (strcmp(value, "1") == 0 || strcmp(value, "on") == 0 ||
		    strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)
			snprintf(norm, len, "1");
		else if (strcmp(value, "0") == 0 || strcmp(value, "off") == 0 ||
		    strcmp(value, "no") == 0 || strcmp(value, "false") == 0)
			snprintf(norm, len, "0");
		else
			goto bad;
		return 0;
	case K_INT:
		if (parse_int(value, (long long)fields[f].min, (long long)fields[f].max, &n) != 0)
			goto bad;
		snprintf(norm, len, "%lld", n);
		return 0;
	case K_REAL:
		d = strtod(value, &end);
		if (end == value || *end != '\0' || d < fields[f].min || d > fields[f].max)
			goto bad;
		snprintf(norm, len, "%g", d);
		return 0;
	case K_CORNER:
		if (strcmp(value, "top-left") != 0 && strcmp(value, "top-right") != 0 &&
		    strcmp(value, "bottom-left") != 0 && strcmp(value, "bottom-right") != 0) {
			set_cause(cause, "%s: '%s' must be top-left, top-right, bottom-left or "
			    "bottom-right", fields[f].key, value);
			return -1;
		}
		snprintf(norm, len, "%s", value);
		return 0;
	case K_COLOR:
		if (av_parse_color(rgba, value, -1, NULL) < 0) {
			set_cause(cause, "%s: '%s' is not a colour (white, red, 0x102a6b, "
			    "0x102a6b@0.85)", fields[f].key, value);
			return -1;
		}
		snprintf(norm, len, "%s", value);
		return 0;
	case K_FONT:
		if (*value != '\0' && access(value, R_OK) != 0) {
			set_cause(cause, "%s: cannot read the font file %s", fields[f].key, value);
			return -1;
		}
		snprintf(norm, len, "%s", value);
		return 0;
	}
bad:
	if (fields[f].kind == K_BOOL)
		set_cause(cause, "%s: '%s' must be on or off", fields[f].key, value);
	else
		set_cause(cause, "%s: '%s' must be a number from %g to %g", fields[f].key, value,
		    fields[f].min, fields[f].max);
	return -1;
}

/* Set one key, creating the row with defaults when needed. */
int
gfxconf_set(sqlite3 *db, int64_t channel_id, const char *key, const char *value,
    char **cause)
{
	sqlite3_stmt *st;
	char norm[512], *sql;
	size_t f;
	int rc;

	for (f = 0; f < nitems(fields); f++) {
		if (strcmp(fields[f].key, key) == 0)
			break;
	}
	if (f == nitems(fields)) {
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
	    "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now') WHERE channel_id = ?1", fields[f].key);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	if (fields[f].kind == K_FONT && *norm == '\0')
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
	if (strcmp(key, "enabled") == 0)
		snprintf(buf, len, "%s", g->enabled ? "on" : "off");
	else if (strcmp(key, "bug_position") == 0)
		snprintf(buf, len, "%s", g->bug_position);
	else if (strcmp(key, "bug_margin") == 0)
		snprintf(buf, len, "%d", g->bug_margin);
	else if (strcmp(key, "bug_size") == 0)
		snprintf(buf, len, "%d", g->bug_size);
	else if (strcmp(key, "bug_opacity") == 0)
		snprintf(buf, len, "%g", g->bug_opacity);
	else if (strcmp(key, "bug_in_breaks") == 0)
		snprintf(buf, len, "%s", g->bug_in_breaks ? "on" : "off");
	else if (strcmp(key, "lower_thirds") == 0)
		snprintf(buf, len, "%s", g->lower_thirds ? "on" : "off");
	else if (strcmp(key, "lt_font") == 0)
		snprintf(buf, len, "%s", *g->lt_font ? g->lt_font : "(default)");
	else if (strcmp(key, "lt_color") == 0)
		snprintf(buf, len, "%s", g->lt_color);
	else if (strcmp(key, "lt_box_color") == 0)
		snprintf(buf, len, "%s", g->lt_box_color);
	else if (strcmp(key, "lt_accent") == 0)
		snprintf(buf, len, "%s", g->lt_accent);
	else if (strcmp(key, "lt_position") == 0)
		snprintf(buf, len, "%s", g->lt_position);
	else if (strcmp(key, "upnext_seconds") == 0)
		snprintf(buf, len, "%d", g->upnext_seconds);
	else if (strcmp(key, "now_seconds") == 0)
		snprintf(buf, len, "%d", g->now_seconds);
	else
		snprintf(buf, len, "?");
}
