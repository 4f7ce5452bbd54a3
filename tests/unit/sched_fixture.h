/*
 * sched_fixture.h: hand-built libraries for the scheduler's tests: series
 * with chapter markers, movies, commercials, bumpers and station IDs
 * inserted straight into a fresh database.
 */
#ifndef RV_SCHED_FIXTURE_H
#define RV_SCHED_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/chanedit.h"
#include "src/coarse.h"
#include "src/db.h"
#include "src/sched.h"
#include "src/schedcheck.h"
#include "src/tz.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

#define MIN_MS 60000LL
#define HOUR_MS 3600000LL

/* A fresh database in a fresh directory. */
static inline sqlite3 *
fx_db(void)
{
	char *path, *cause = NULL;
	sqlite3 *db = NULL;

	xasprintf(&path, "%s/rv.db", check_tmpdir());
	ck_assert_msg(db_open(path, DB_CREATE, &db, &cause) == 0, "%s", cause);
	free(path);
	return db;
}

/* Run SQL or fail. */
static inline void fx_exec(sqlite3 *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void
fx_exec(sqlite3 *db, const char *fmt, ...)
{
	char *sql, *cause = NULL;
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(&sql, fmt, ap);
	va_end(ap);
	ck_assert_msg(db_exec(db, sql, &cause) == 0, "%s: %s", sql, cause);
	free(sql);
}

/* A media file; returns its id. */
static inline int64_t
fx_file(sqlite3 *db, const char *type, int64_t dur_ms)
{
	fx_exec(db, "INSERT INTO media_files (file_path, duration_ms, media_type, source_type) "
	    "VALUES ('/media/f%lld.mkv', %lld, '%s', 'manual')",
	    (long long)db_scalar(db, "SELECT coalesce(max(id), 0) + 1 FROM media_files", 0),
	    (long long)dur_ms, type);
	return sqlite3_last_insert_rowid(db);
}

/* A series; returns its id. */
static inline int64_t
fx_show(sqlite3 *db, const char *title, const char *rating)
{
	fx_exec(db, "INSERT INTO shows (title, show_rating, genre, source_type) VALUES "
	    "('%s', %s%s%s, 'Comedy', 'manual')", title, rating ? "'" : "",
	    rating ? rating : "NULL", rating ? "'" : "");
	return sqlite3_last_insert_rowid(db);
}

/* An episode with n chapter markers (ms); returns its media file id. */
static inline int64_t
fx_episode(sqlite3 *db, int64_t show, int season, int ep, int64_t dur_ms,
    const int64_t *marks, int n)
{
	int64_t id = fx_file(db, "episode", dur_ms);
	int i;

	fx_exec(db, "INSERT INTO episodes (media_file_id, show_id, episode_title, season_number, "
	    "episode_number, summary, air_date) VALUES (%lld, %lld, 'Episode %d', %d, %d, "
	    "'In which things happen & <stuff>.', '1987-09-%02d')", (long long)id, (long long)show,
	    ep, season, ep, 1 + ep % 28);
	fx_exec(db, "INSERT INTO content_scheduling_metadata (media_file_id, content_type) "
	    "VALUES (%lld, 'episode')", (long long)id);
	for (i = 0; i < n; i++)
		fx_exec(db, "INSERT INTO chapter_markers (media_file_id, timestamp_ms, source) VALUES "
		    "(%lld, %lld, 'manual')", (long long)id, (long long)marks[i]);
	return id;
}

/* A movie; returns its media file id. */
static inline int64_t
fx_movie(sqlite3 *db, const char *title, int64_t dur_ms, const char *rating, const char *genre)
{
	int64_t id = fx_file(db, "movie", dur_ms);

	fx_exec(db, "INSERT INTO movies (media_file_id, title, year, rating, genre, summary) VALUES "
	    "(%lld, '%s', 1984, %s%s%s, '%s', 'A film.')", (long long)id, title, rating ? "'" : "",
	    rating ? rating : "NULL", rating ? "'" : "", genre ? genre : "Drama");
	fx_exec(db, "INSERT INTO content_scheduling_metadata (media_file_id, content_type) "
	    "VALUES (%lld, 'movie')", (long long)id);
	return id;
}

/*
 * A clip of a content type (commercial, bumper, station_id, promo, ...),
 * with optional company, category, daypart, expiry and rating.
 */
static inline int64_t
fx_clip(sqlite3 *db, const char *ctype, int64_t dur_ms, const char *company,
    const char *category, const char *daypart, const char *expires, const char *rating)
{
	int64_t id = fx_file(db, "clip", dur_ms);
	char *q[5];
	const char *v[5] = { company, category, daypart, expires, rating };
	int i;

	for (i = 0; i < 5; i++) {
		if (v[i] != NULL)
			xasprintf(&q[i], "'%s'", v[i]);
		else
			q[i] = xstrdup("NULL");
	}
	fx_exec(db, "INSERT INTO content_scheduling_metadata (media_file_id, content_type, "
	    "commercial_company, commercial_category, daypart_preference, commercial_expiration, "
	    "content_rating) VALUES (%lld, '%s', %s, %s, %s, %s, %s)", (long long)id, ctype, q[0],
	    q[1], q[2], q[3], q[4]);
	for (i = 0; i < 5; i++)
		free(q[i]);
	return id;
}

/* A channel with defaults and a zone; returns its id. */
static inline int64_t
fx_channel(sqlite3 *db, const char *number, const char *zone, int slot_minutes)
{
	struct chanedit e;
	char *cause = NULL;
	int64_t id;

	chanedit_init(&e);
	chanedit_set_str(&e, "number", number);
	chanedit_set_str(&e, "name", "Test Channel");
	chanedit_set_str(&e, "timezone", zone);
	chanedit_set_int(&e, "slot_minutes", slot_minutes);
	ck_assert_msg(chanedit_add(db, &e, &id, &cause) == 0, "%s", cause);
	return id;
}

/* A slot; returns its id. */
static inline int64_t
fx_slot(sqlite3 *db, int64_t channel, const char *days, const char *start, const char *end,
    enum coarse_type type, int64_t show, int64_t content)
{
	struct coarse_slot s;
	char *cause = NULL;
	int64_t id;

	memset(&s, 0, sizeof s);
	s.channel_id = channel;
	ck_assert(coarse_parse_days(days, &s.days, &cause) == 0);
	ck_assert(coarse_parse_time(start, &s.start_min) == 0);
	ck_assert(coarse_parse_time(end, &s.end_min) == 0);
	s.type = type;
	s.show_id = show;
	s.content_id = content;
	s.max_level = -1;
	ck_assert_msg(coarse_add(db, &s, &id, &cause) == 0, "%s", cause);
	return id;
}

/* A standard break pool: 16 commercials of 8 companies and categories, bumpers, IDs. */
static inline void
fx_pool(sqlite3 *db)
{
	static const char *companies[] = { "Cola Co", "Burger Barn", "Autoworks", "Soapy",
	    "Telco", "Bank One", "Toy Town", "Air Fly" };
	static const char *categories[] = { "drinks", "food", "automotive", "household",
	    "telecom", "finance", "toys", "travel" };
	int i;

	for (i = 0; i < 16; i++)
		fx_clip(db, "commercial", i % 3 == 0 ? 15000 : 30000, companies[i % 8],
		    categories[(i / 2) % 8], NULL, NULL, NULL);
	fx_clip(db, "bumper", 5000, NULL, "out", NULL, NULL, NULL);
	fx_clip(db, "bumper", 4000, NULL, "in", NULL, NULL, NULL);
	fx_clip(db, "bumper", 3000, NULL, NULL, NULL, NULL, NULL);
	fx_clip(db, "station_id", 10000, NULL, NULL, NULL, NULL, NULL);
	fx_clip(db, "station_id", 7000, NULL, NULL, NULL, NULL, NULL);
	fx_clip(db, "promo", 20000, NULL, NULL, NULL, NULL, NULL);
	fx_clip(db, "interstitial", 12000, NULL, NULL, NULL, NULL, NULL);
}

/* UTC ms of a UTC civil time. */
static inline int64_t
fx_utc(int y, int mo, int d, int h, int mi)
{
	return (tz_days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL) * 1000;
}

/* Build or fail; returns the items written. */
static inline int
extend(sqlite3 *db, int64_t ch, int64_t now, int64_t horizon)
{
	char *cause = NULL;
	int n = sched_extend(db, ch, now, horizon, &cause);

	ck_assert_msg(n >= 0, "sched_extend: %s", cause);
	return n;
}

/* The stored log passes the checker over [from, to). */
static inline void
assert_clean(sqlite3 *db, int64_t ch, int64_t from, int64_t to)
{
	char *report = NULL, *cause = NULL;
	int problems = schedcheck_channel(db, ch, from, to, &report, &cause);

	ck_assert_msg(problems == 0, "%d problems (%s):\n%s", problems, cause ? cause : "",
	    report ? report : "");
}

#endif
