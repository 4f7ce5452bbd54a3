/*
 * chanedit.c: validated channel writes.
 */
#include "src/chanedit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/coarse.h"
#include "src/db.h"
#include "src/rating.h"
#include "src/tz.h"
#include "src/util.h"

static const char *demographics[] = {
	"family", "children", "teens", "adult", "seniors", "general",
};

/* Unset everything. */
void
chanedit_init(struct chanedit *e)
{
	memset(e, 0, sizeof *e);
	e->slot_minutes = e->width = e->height = e->fps_num = e->fps_den = -1;
	e->video_kbps = e->audio_kbps = e->always_on = e->enabled = -1;
	e->act_seconds = e->break_margin_s = e->bumpers = e->station_id_minutes = -1;
	e->unrated_ok = e->guide_hours = -1;
	e->rating_cards = e->next_bumpers = -1;
}

/* "4", "12", "4.1". */
static int
valid_number(const char *s)
{
	size_t n = 0, m = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0 || n > 5)
		return 0;
	if (s[n] == '\0')
		return 1;
	if (s[n] != '.')
		return 0;
	while (isdigit((unsigned char)s[n + 1 + m]))
		m++;
	return m >= 1 && m <= 3 && s[n + 1 + m] == '\0';
}

/* Printable text of at most max bytes. */
static int
valid_text(const char *s, size_t max)
{
	const unsigned char *p;

	if (strlen(s) > max)
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/* A file that exists or an http(s) URL. */
static int
valid_image(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 ||
	    file_exists(s);
}

/* Check an integer range; -1 means unset. */
static int
check_int(int v, int min, int max, const char *what, char **cause)
{
	if (v == -1 || (v >= min && v <= max))
		return 0;
	set_cause(cause, "%s %d is out of range (%d to %d)", what, v, min, max);
	return -1;
}

/* Validate. */
int
chanedit_check(const struct chanedit *e, char **cause)
{
	struct rating r;
	char *tzcause = NULL;
	size_t i;

	if (e->number != NULL && !valid_number(e->number)) {
		set_cause(cause, "channel number '%s' is not like 4 or 4.1", e->number);
		return -1;
	}
	if (e->name != NULL && (*e->name == '\0' || !valid_text(e->name, 64))) {
		set_cause(cause, "channel name '%s' must be 1 to 64 printable characters", e->name);
		return -1;
	}
	if (e->call_sign != NULL && *e->call_sign != '\0') {
		for (i = 0; e->call_sign[i] != '\0'; i++) {
			if (!isalnum((unsigned char)e->call_sign[i]) && e->call_sign[i] != '-')
				break;
		}
		if (e->call_sign[i] != '\0' || i > 10) {
			set_cause(cause, "call sign '%s' must be up to 10 letters, digits or '-'",
			    e->call_sign);
			return -1;
		}
	}
	if (e->description != NULL && !valid_text(e->description, 1000)) {
		set_cause(cause, "the description must be printable text up to 1000 characters");
		return -1;
	}
	if (e->demographic != NULL && *e->demographic != '\0') {
		for (i = 0; i < nitems(demographics); i++) {
			if (strcmp(e->demographic, demographics[i]) == 0)
				break;
		}
		if (i == nitems(demographics)) {
			set_cause(cause, "demographic '%s' is not one of family, children, teens, "
			    "adult, seniors, general", e->demographic);
			return -1;
		}
	}
	if (e->rating_limit != NULL && *e->rating_limit != '\0' &&
	    rating_parse(e->rating_limit, &r) != 0) {
		set_cause(cause, "rating limit '%s' is not a rating (like PG-13, TV-14, gb/15)",
		    e->rating_limit);
		return -1;
	}
	if (e->timezone != NULL && tz_get(e->timezone, &tzcause) == NULL) {
		set_cause(cause, "%s", tzcause);
		free(tzcause);
		return -1;
	}
	if (e->logo_path != NULL && *e->logo_path != '\0' && !valid_image(e->logo_path)) {
		set_cause(cause, "logo %s: no such file", e->logo_path);
		return -1;
	}
	if (e->bug_path != NULL && *e->bug_path != '\0' && !valid_image(e->bug_path)) {
		set_cause(cause, "bug image %s: no such file", e->bug_path);
		return -1;
	}
	if (e->audio_language != NULL && *e->audio_language != '\0' &&
	    (strlen(e->audio_language) != 3 || !islower((unsigned char)e->audio_language[0]) ||
	    !islower((unsigned char)e->audio_language[1]) ||
	    !islower((unsigned char)e->audio_language[2]))) {
		set_cause(cause, "audio language '%s' is not an ISO 639-2 code like eng",
		    e->audio_language);
		return -1;
	}
	if (e->guide_group != NULL && !valid_text(e->guide_group, 64)) {
		set_cause(cause, "guide group must be printable text up to 64 characters");
		return -1;
	}
	if (e->channel_type != NULL && strcmp(e->channel_type, "regular") != 0 &&
	    strcmp(e->channel_type, "guide") != 0) {
		set_cause(cause, "channel type '%s' is not regular or guide", e->channel_type);
		return -1;
	}
	if (e->guide_source != NULL && *e->guide_source != '\0' &&
	    !valid_number(e->guide_source)) {
		set_cause(cause, "guide source '%s' is not a channel number like 4 or 4.1",
		    e->guide_source);
		return -1;
	}
	if (e->guide_music_dir != NULL && *e->guide_music_dir != '\0') {
		struct stat sb;

		if (!valid_text(e->guide_music_dir, 4096) || stat(e->guide_music_dir, &sb) != 0 ||
		    !S_ISDIR(sb.st_mode)) {
			set_cause(cause, "music folder %s: no such directory", e->guide_music_dir);
			return -1;
		}
	}
	if (check_int(e->guide_hours, 1, 12, "guide hours", cause) != 0)
		return -1;
	if (e->slot_minutes != -1 && (e->slot_minutes < 1 || e->slot_minutes > 1440 ||
	    1440 % e->slot_minutes != 0)) {
		set_cause(cause, "slot length %d minutes does not divide a day (5, 15, 30, 60...)",
		    e->slot_minutes);
		return -1;
	}
	if (e->station_id_minutes != -1 && e->station_id_minutes != 0 &&
	    (e->station_id_minutes < 1 || e->station_id_minutes > 1440 ||
	    1440 % e->station_id_minutes != 0)) {
		set_cause(cause, "station ID interval %d minutes does not divide a day",
		    e->station_id_minutes);
		return -1;
	}
	if ((e->signoff_time == NULL) != (e->signon_time == NULL) ||
	    (e->signoff_time != NULL && (*e->signoff_time == '\0') != (*e->signon_time == '\0'))) {
		set_cause(cause, "sign-off and sign-on are set together");
		return -1;
	}
	if (e->signoff_time != NULL && *e->signoff_time != '\0') {
		int off, on;

		if (coarse_parse_time(e->signoff_time, &off) != 0 || off >= 1440 ||
		    coarse_parse_time(e->signon_time, &on) != 0 || on >= 1440) {
			set_cause(cause, "sign-off '%s' and sign-on '%s' must be local times HH:MM",
			    e->signoff_time, e->signon_time);
			return -1;
		}
		if (off == on) {
			set_cause(cause, "sign-off and sign-on at the same time (%s) leave no time "
			    "off the air", e->signoff_time);
			return -1;
		}
	}
	if (e->anthem_path != NULL && *e->anthem_path != '\0' && !file_exists(e->anthem_path)) {
		set_cause(cause, "anthem %s: no such file", e->anthem_path);
		return -1;
	}
	if (e->test_card != NULL && strcmp(e->test_card, "bars") != 0 &&
	    strcmp(e->test_card, "card") != 0) {
		set_cause(cause, "test card '%s' is not bars or card", e->test_card);
		return -1;
	}
	if (check_int(e->rating_cards, 0, 1, "rating cards", cause) != 0 ||
	    check_int(e->next_bumpers, 0, 1, "next bumpers", cause) != 0)
		return -1;
	if ((e->width != -1 && e->width % 2 != 0) || (e->height != -1 && e->height % 2 != 0)) {
		set_cause(cause, "the frame size must be even");
		return -1;
	}
	if (check_int(e->width, 16, 7680, "width", cause) != 0 ||
	    check_int(e->height, 16, 4320, "height", cause) != 0 ||
	    check_int(e->fps_num, 1, 240000, "frame rate numerator", cause) != 0 ||
	    check_int(e->fps_den, 1, 1001, "frame rate denominator", cause) != 0 ||
	    check_int(e->video_kbps, 100, 100000, "video bitrate (kb/s)", cause) != 0 ||
	    check_int(e->audio_kbps, 32, 512, "audio bitrate (kb/s)", cause) != 0 ||
	    check_int(e->act_seconds, 30, 14400, "act length (s)", cause) != 0 ||
	    check_int(e->break_margin_s, 0, 3600, "break margin (s)", cause) != 0 ||
	    check_int(e->always_on, 0, 1, "always-on", cause) != 0 ||
	    check_int(e->enabled, 0, 1, "enabled", cause) != 0 ||
	    check_int(e->bumpers, 0, 1, "bumpers", cause) != 0 ||
	    check_int(e->unrated_ok, 0, 1, "unrated", cause) != 0)
		return -1;
	if (e->fps_num != -1 && e->fps_den != -1 &&
	    (e->fps_num > 120 * e->fps_den || e->fps_num < e->fps_den)) {
		set_cause(cause, "frame rate %d/%d is not between 1 and 120", e->fps_num,
		    e->fps_den);
		return -1;
	}
	return 0;
}

/* The (column, value) pairs that are set. */
struct colset {
	const char *col[48];
	const char *text[48];
	int ival[48];
	int is_text[48];
	int n;
};

/* Add a text column if set; "" is NULL. */
static void
add_text(struct colset *c, const char *col, const char *v)
{
	if (v == NULL)
		return;
	c->col[c->n] = col;
	c->text[c->n] = v;
	c->is_text[c->n] = 1;
	c->n++;
}

/* Add an int column if set. */
static void
add_int(struct colset *c, const char *col, int v)
{
	if (v == -1)
		return;
	c->col[c->n] = col;
	c->ival[c->n] = v;
	c->is_text[c->n] = 0;
	c->n++;
}

/* Collect what e sets; rating limits are normalised into rbuf. */
static void
collect(const struct chanedit *e, struct colset *c, struct rating *r)
{
	const char *limit = e->rating_limit;

	memset(c, 0, sizeof *c);
	if (limit != NULL && *limit != '\0' && rating_parse(limit, r) == 0)
		limit = r->name;
	add_text(c, "number", e->number);
	add_text(c, "name", e->name);
	add_text(c, "call_sign", e->call_sign);
	add_text(c, "description", e->description);
	add_text(c, "target_demographic", e->demographic);
	add_text(c, "content_rating_limit", limit);
	add_text(c, "timezone", e->timezone);
	add_text(c, "logo_path", e->logo_path);
	add_text(c, "bug_path", e->bug_path);
	add_text(c, "audio_language", e->audio_language);
	add_text(c, "guide_group", e->guide_group);
	add_int(c, "slot_minutes", e->slot_minutes);
	add_int(c, "width", e->width);
	add_int(c, "height", e->height);
	add_int(c, "fps_num", e->fps_num);
	add_int(c, "fps_den", e->fps_den);
	add_int(c, "video_bitrate_kbps", e->video_kbps);
	add_int(c, "audio_bitrate_kbps", e->audio_kbps);
	add_int(c, "always_on", e->always_on);
	add_int(c, "enabled", e->enabled);
	add_int(c, "act_seconds", e->act_seconds);
	add_int(c, "break_margin_s", e->break_margin_s);
	add_int(c, "bumpers", e->bumpers);
	add_int(c, "station_id_minutes", e->station_id_minutes);
	add_int(c, "unrated_ok", e->unrated_ok);
	add_text(c, "channel_type", e->channel_type);
	add_text(c, "guide_music_dir", e->guide_music_dir);
	add_int(c, "guide_hours", e->guide_hours);
	add_text(c, "signoff_time", e->signoff_time);
	add_text(c, "signon_time", e->signon_time);
	add_text(c, "anthem_path", e->anthem_path);
	add_text(c, "test_card", e->test_card);
	add_int(c, "rating_cards", e->rating_cards);
	add_int(c, "next_bumpers", e->next_bumpers);
}

/*
 * The guide source's channel id as text into buf ("" for none, NULL when
 * unset); self_id is the channel being edited (0 on add).
 */
static int
resolve_source(sqlite3 *db, const struct chanedit *e, int64_t self_id, char *buf, size_t len,
    const char **out, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (e->guide_source == NULL)
		return 0;
	*out = "";
	if (*e->guide_source == '\0')
		return 0;
	st = db_prepare(db, "SELECT id, channel_type FROM channels WHERE number = ?1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, e->guide_source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		set_cause(cause, "guide source: no channel %s", e->guide_source);
		sqlite3_finalize(st);
		return -1;
	}
	if (sqlite3_column_int64(st, 0) == self_id ||
	    strcmp(db_text(st, 1), "guide") == 0) {
		set_cause(cause, "guide source: channel %s is a guide channel; choose a regular one",
		    e->guide_source);
		sqlite3_finalize(st);
		return -1;
	}
	snprintf(buf, len, "%lld", (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	*out = buf;
	return 0;
}

/* Bind the set values from parameter 1. */
static void
bind_set(sqlite3_stmt *st, const struct colset *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		if (!c->is_text[i])
			sqlite3_bind_int(st, i + 1, c->ival[i]);
		else if (*c->text[i] == '\0')
			sqlite3_bind_null(st, i + 1);
		else
			sqlite3_bind_text(st, i + 1, c->text[i], -1, SQLITE_STATIC);
	}
}

/* A write's error, in words. */
static void
write_error(sqlite3 *db, const struct chanedit *e, char **cause)
{
	if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE && e->number != NULL)
		set_cause(cause, "channel %s already exists", e->number);
	else
		set_cause(cause, "saving the channel: %s", sqlite3_errmsg(db));
}

/* Insert. */
int
chanedit_add(sqlite3 *db, const struct chanedit *e, int64_t *id, char **cause)
{
	struct chanedit d = *e;
	struct colset c;
	struct rating r;
	sqlite3_stmt *st;
	char *cols = NULL, *vals = NULL, *n, *sql, tzbuf[128], srcbuf[32];
	const char *src;
	int i, rc;

	if (e->number == NULL || e->name == NULL) {
		set_cause(cause, "a channel needs a number and a name");
		return -1;
	}
	if (d.timezone == NULL)
		d.timezone = tz_system_name(tzbuf, sizeof tzbuf);
	if (chanedit_check(&d, cause) != 0)
		return -1;
	collect(&d, &c, &r);
	if (resolve_source(db, &d, 0, srcbuf, sizeof srcbuf, &src, cause) != 0)
		return -1;
	add_text(&c, "guide_source_id", src);
	for (i = 0; i < c.n; i++) {
		xasprintf(&n, "%s%s%s", cols ? cols : "", cols ? ", " : "", c.col[i]);
		free(cols);
		cols = n;
		xasprintf(&n, "%s%s?%d", vals ? vals : "", vals ? ", " : "", i + 1);
		free(vals);
		vals = n;
	}
	xasprintf(&sql, "INSERT INTO channels (%s) VALUES (%s)", cols, vals);
	free(cols);
	free(vals);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL)
		return -1;
	bind_set(st, &c);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		write_error(db, &d, cause);
	else if (id != NULL)
		*id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Update. */
int
chanedit_update(sqlite3 *db, int64_t id, const struct chanedit *e, char **cause)
{
	struct colset c;
	struct rating r;
	sqlite3_stmt *st;
	char *sets = NULL, *n, *sql, srcbuf[32];
	const char *src;
	int i, rc;

	if (chanedit_check(e, cause) != 0)
		return -1;
	collect(e, &c, &r);
	if (resolve_source(db, e, id, srcbuf, sizeof srcbuf, &src, cause) != 0)
		return -1;
	add_text(&c, "guide_source_id", src);
	if (c.n == 0)
		return 0;
	for (i = 0; i < c.n; i++) {
		xasprintf(&n, "%s%s = ?%d, ", sets ? sets : "", c.col[i], i + 1);
		free(sets);
		sets = n;
	}
	xasprintf(&sql, "UPDATE channels SET %supdated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', "
	    "'now') WHERE id = %lld", sets, (long long)id);
	free(sets);
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL)
		return -1;
	bind_set(st, &c);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		write_error(db, e, cause);
	else if (sqlite3_changes(db) == 0) {
		set_cause(cause, "no channel with id %lld", (long long)id);
		rc = SQLITE_NOTFOUND;
	}
	sqlite3_finalize(st);
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
