/*
 * test_realism.c: what makes a channel look like real cable, in the
 * scheduler: migration 5 on a populated version 4 database, sign-off and
 * off-air periods (and the guide's "Off air"), rating cards, generated
 * "coming up next" bumpers, seasons and dated slots, marathons and
 * syndication order, and no simultaneous repeats across channels; the
 * invariant checker on each.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/coarse.h"
#include "src/finelog.h"
#include "src/guide.h"
#include "src/rating.h"
#include "src/sched.h"
#include "src/schedcheck.h"
#include "src/season.h"
#include "tests/unit/sched_fixture.h"

/* Monday 2024-06-03 00:00 UTC. */
#define JUNE fx_utc(2024, 6, 3, 0, 0)

/* An integer from SQL formatted with arguments. */
static int64_t __attribute__((format(printf, 2, 3)))
q(sqlite3 *db, const char *fmt, ...)
{
	char *sql;
	va_list ap;
	int64_t v;

	va_start(ap, fmt);
	xvasprintf(&sql, fmt, ap);
	va_end(ap);
	v = db_scalar(db, sql, -1);
	free(sql);
	return v;
}

/* A series of n half-hour-ish episodes rated rating; returns its id. */
static int64_t
series(sqlite3 *db, const char *title, const char *rating, int n)
{
	int64_t show = fx_show(db, title, rating), marks[2] = { 7 * MIN_MS, 14 * MIN_MS };
	int i;

	for (i = 1; i <= n; i++)
		fx_episode(db, show, 1, i, 22 * MIN_MS, marks, 2);
	return show;
}

/* Set a channel column. */
static void
set_channel(sqlite3 *db, int64_t ch, const char *assignments)
{
	fx_exec(db, "UPDATE channels SET %s WHERE id = %lld", assignments, (long long)ch);
}

/* Local UTC minute of the day of t. */
static int
minute_of(int64_t t)
{
	return (int)((t / 60000) % 1440);
}

START_TEST(migration_keeps_a_v4_database)
{
	char *path, *cause = NULL, *report = NULL;
	sqlite3 *db = NULL;
	int64_t ch, t = JUNE;
	int i;

	xasprintf(&path, "%s/v4.db", check_tmpdir());
	ck_assert_msg(db_open_upto(path, DB_CREATE, 4, &db, &cause) == 0, "%s", cause);
	ck_assert_int_eq(db_schema_version(db), 4);
	ch = fx_channel(db, "4", "UTC", 30);
	fx_file(db, "episode", 30 * MIN_MS);
	for (i = 0; i < 200; i++)
		fx_exec(db, "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, "
		    "media_file_id, in_ms, out_ms, programme_start_ms, act, title) VALUES (%lld, %lld, "
		    "%lld, '%s', %s, 0, %lld, %lld, %s, 'Row %d')", (long long)ch,
		    (long long)(t + i * 60000LL), (long long)(t + (i + 1) * 60000LL),
		    i % 10 == 9 ? "slate" : "programme", i % 10 == 9 ? "NULL" : "1",
		    60000LL, (long long)t, i % 10 == 9 ? "NULL" : "1", i);
	fx_exec(db, "INSERT INTO playout_logs (channel_id, schedule_item_id, content_id, title, "
	    "start_time, status) SELECT channel_id, id, media_file_id, title, start_ms, 'aired' "
	    "FROM schedule_items WHERE id %% 7 = 0");
	ck_assert_int_eq(q(db, "SELECT count(*) FROM playout_logs"), 28);
	db_close(&db);

	/* Open with this build: migration 5 rebuilds schedule_items. */
	ck_assert_msg(db_open(path, 0, &db, &cause) == 0, "%s", cause);
	ck_assert_int_eq(db_schema_version(db), db_latest_version());
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items"), 200);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE kind = 'slate' AND "
	    "media_file_id IS NULL"), 20);
	ck_assert_int_eq(q(db, "SELECT sum(start_ms - %lld) / 60000 FROM schedule_items",
	    (long long)t), 199 * 200 / 2);
	/* The as-run log still points at the same rows. */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM playout_logs p JOIN schedule_items s ON "
	    "s.id = p.schedule_item_id AND s.title = p.title"), 28);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name "
	    "IN ('schedule_items_time', 'schedule_items_media')"), 2);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
	    "('schedule_items_v5', 'schedule_items_v7')"), 0);
	/* Migration 7: its references are checked at commit. */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sqlite_master WHERE name = 'schedule_items' "
	    "AND sql LIKE '%%media_files (id) ON DELETE SET NULL%%DEFERRABLE INITIALLY DEFERRED%%'"),
	    1);
	ck_assert_int_eq(db_check(db, &report), 0);
	free(report);
	/* The new kinds go in; nonsense still does not; a unique start still holds. */
	fx_exec(db, "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, out_ms) VALUES "
	    "(%lld, %lld, %lld, 'offair', 60000)", (long long)ch, (long long)(t - 60000), (long long)t);
	ck_assert_int_ne(db_exec(db, "INSERT INTO schedule_items (channel_id, start_ms, end_ms, "
	    "kind, out_ms) VALUES (1, 5, 6, 'nonsense', 1)", NULL), 0);
	ck_assert_int_ne(db_exec(db, "INSERT INTO schedule_items (channel_id, start_ms, end_ms, "
	    "kind, out_ms) VALUES (1, 1717372800000, 1717372800001, 'offair', 1)", NULL), 0);
	/* Deleting a channel still cascades into the rebuilt table. */
	fx_exec(db, "DELETE FROM channels WHERE id = %lld", (long long)ch);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM playout_logs"), 0);
	db_close(&db);
	free(path);
}
END_TEST

START_TEST(seasons_parse_and_match)
{
	struct season s;
	char *cause = NULL;

	ck_assert_int_eq(season_parse("december", &s, NULL), 0);
	ck_assert(season_contains(&s, 2024, 12, 1) && season_contains(&s, 2024, 12, 31));
	ck_assert(!season_contains(&s, 2024, 11, 30));
	ck_assert_int_eq(season_parse("winter", &s, NULL), 0);
	ck_assert(season_contains(&s, 2025, 1, 15) && season_contains(&s, 2024, 12, 25));
	ck_assert(!season_contains(&s, 2024, 6, 3));
	ck_assert_int_eq(season_parse("10-25..10-31, 2024-07-04", &s, NULL), 0);
	ck_assert(season_contains(&s, 2023, 10, 31) && season_contains(&s, 2024, 7, 4));
	ck_assert(!season_contains(&s, 2025, 7, 4));
	ck_assert_int_eq(season_parse("Halloween", &s, NULL), 0);
	ck_assert(season_contains(&s, 2024, 10, 13));
	ck_assert_int_eq(season_parse("2024-12-31..2024-12-01", &s, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(season_parse("summer, the 13th", &s, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "'the 13th'"));
	free(cause);
	ck_assert_int_eq(season_parse("", &s, NULL), 0);
	ck_assert(season_contains(&s, 2024, 2, 29));
}
END_TEST

START_TEST(signoff_and_off_air)
{
	sqlite3 *db = fx_db();
	struct guide_programme *gp;
	struct fine_item *items;
	char *cause = NULL, *report = NULL;
	int64_t ch, day;
	size_t n, i, j, off_blocks = 0;
	int d;

	series(db, "Night Show", "TV-PG", 30);
	fx_pool(db);
	ch = fx_channel(db, "5", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
	set_channel(db, ch, "signoff_time = '02:00', signon_time = '06:00'");
	extend(db, ch, JUNE, 3 * 24 * HOUR_MS);
	assert_clean(db, ch, JUNE, JUNE + 3 * 24 * HOUR_MS);

	/* Each night: sign-off at 02:00, bars until 05:59:30, sign-on, a programme at 06:00. */
	for (d = 0; d < 3; d++) {
		day = JUNE + d * 24 * HOUR_MS;
		ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE start_ms = %lld AND "
		    "kind = 'signoff' AND media_file_id IS NULL AND end_ms - start_ms = 60000",
		    (long long)(day + 2 * HOUR_MS)), 1);
		ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE start_ms = %lld AND "
		    "kind = 'offair' AND end_ms = %lld", (long long)(day + 2 * HOUR_MS + 60000),
		    (long long)(day + 6 * HOUR_MS - 30000)), 1);
		ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE end_ms = %lld AND "
		    "kind = 'signon'", (long long)(day + 6 * HOUR_MS)), 1);
		ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE start_ms = %lld AND "
		    "kind IN ('programme', 'rating_card')", (long long)(day + 6 * HOUR_MS)), 1);
	}
	items = NULL;
	ck_assert(finelog_items(db, ch, JUNE, JUNE + 3 * 24 * HOUR_MS, &items, &n, &cause) == 0);
	for (i = 0; i < n; i++) {
		int m = minute_of(items[i].start_ms);

		if (m >= 120 && m < 360)
			ck_assert_msg(items[i].kind == ITEM_SIGNOFF || items[i].kind == ITEM_OFFAIR ||
			    items[i].kind == ITEM_SIGNON, "a %s at minute %d",
			    item_kind_name(items[i].kind), m);
	}
	fine_items_free(&items, n);

	/* The guide shows one "Off air" programme from sign-off to sign-on. */
	ck_assert(guide_programmes(db, ch, JUNE, JUNE + 24 * HOUR_MS, &gp, &n, &cause) == 0);
	for (i = 0; i < n; i++) {
		if (!gp[i].off_air)
			continue;
		off_blocks++;
		ck_assert_str_eq(gp[i].title, "Off air");
		ck_assert_int_eq(gp[i].start_ms, JUNE + 2 * HOUR_MS);
		ck_assert_int_eq(gp[i].end_ms, JUNE + 6 * HOUR_MS);
	}
	ck_assert_int_eq(off_blocks, 1);
	guide_programmes_free(&gp, n);

	/* A channel started in the night: bars at once, no sign-off, sign-on at 06:00. */
	j = (size_t)fx_channel(db, "6", "UTC", 30);
	fx_slot(db, (int64_t)j, "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
	set_channel(db, (int64_t)j, "signoff_time = '23:00', signon_time = '06:00'");
	extend(db, (int64_t)j, JUNE + 3 * HOUR_MS + 17 * MIN_MS, 6 * HOUR_MS);
	ck_assert_int_eq(q(db, "SELECT kind = 'offair' AND start_ms = %lld FROM schedule_items "
	    "WHERE channel_id = %lld ORDER BY start_ms LIMIT 1", (long long)(JUNE + 3 * HOUR_MS),
	    (long long)j), 1);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE channel_id = %lld AND "
	    "kind = 'signoff' AND start_ms < %lld", (long long)j, (long long)(JUNE + 6 * HOUR_MS)),
	    0);
	assert_clean(db, (int64_t)j, JUNE, JUNE + 9 * HOUR_MS);

	/* The checker: hours changed behind the scheduler's back are caught. */
	set_channel(db, ch, "signoff_time = '03:00', signon_time = '07:00'");
	ck_assert_int_gt(schedcheck_channel(db, ch, JUNE, JUNE + 24 * HOUR_MS, &report, &cause), 0);
	ck_assert_msg(strstr(report, "off-air") != NULL || strstr(report, "sign-on") != NULL,
	    "%s", report);
	free(report);
	db_close(&db);
}
END_TEST

START_TEST(rating_cards_open_programmes)
{
	sqlite3 *db = fx_db();
	struct fine_item *items;
	char *cause = NULL;
	int64_t ch, clip;
	size_t n, i, cards = 0;

	series(db, "Family Hour", "TV-PG", 20);
	fx_pool(db);
	ch = fx_channel(db, "7", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
	set_channel(db, ch, "rating_cards = 1");
	extend(db, ch, JUNE, 6 * HOUR_MS);
	assert_clean(db, ch, JUNE, JUNE + 6 * HOUR_MS);
	ck_assert(finelog_items(db, ch, JUNE, JUNE + 6 * HOUR_MS, &items, &n, &cause) == 0);
	for (i = 0; i + 1 < n; i++) {
		if (items[i].start_ms != items[i].programme_start_ms)
			continue;
		/* Every block opens on its boundary with the card, then act 1. */
		ck_assert_int_eq(items[i].kind, ITEM_RATING_CARD);
		ck_assert_int_eq(items[i].end_ms - items[i].start_ms, 5000);
		ck_assert_str_eq(items[i].title, "Rated TV-PG");
		ck_assert_int_eq(items[i + 1].kind, ITEM_PROGRAMME);
		ck_assert_int_eq(items[i + 1].act, 1);
		cards++;
	}
	ck_assert_int_eq(cards, 12);
	fine_items_free(&items, n);

	/* The station's own card for TV-PG replaces the generated one. */
	clip = fx_clip(db, "interstitial", 6000, NULL, NULL, NULL, NULL, "TV-PG");
	fx_exec(db, "UPDATE content_scheduling_metadata SET scheduling_notes = 'rating-card' "
	    "WHERE media_file_id = %lld", (long long)clip);
	ck_assert_int_ge(sched_rebuild(db, ch, JUNE, &cause), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE kind = 'rating_card' AND "
	    "media_file_id = %lld AND start_ms > %lld AND start_ms < %lld", (long long)clip,
	    (long long)(JUNE + 20 * MIN_MS), (long long)(JUNE + 6 * HOUR_MS)), 11);
	/* And it never airs as an ordinary interstitial. */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE kind <> 'rating_card' "
	    "AND media_file_id = %lld", (long long)clip), 0);
	assert_clean(db, ch, JUNE, JUNE + 6 * HOUR_MS);
	db_close(&db);
}
END_TEST

START_TEST(generated_next_bumpers)
{
	sqlite3 *db = fx_db();
	int64_t a, b;
	int i;

	series(db, "Quiz Time", NULL, 20);
	for (i = 0; i < 12; i++)
		fx_clip(db, "commercial", 30000, NULL, NULL, NULL, NULL, NULL);
	fx_clip(db, "station_id", 10000, NULL, NULL, NULL, NULL, NULL);
	a = fx_channel(db, "8", "UTC", 30);
	fx_slot(db, a, "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
	extend(db, a, JUNE, 4 * HOUR_MS);
	assert_clean(db, a, JUNE, JUNE + 4 * HOUR_MS);
	/* No bumper clips: every station break ends with "coming up next" (before an ID). */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE channel_id = %lld AND "
	    "kind = 'next_bumper' AND media_file_id IS NULL AND end_ms - start_ms >= 10000",
	    (long long)a), 8);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items n JOIN schedule_items s ON "
	    "s.channel_id = n.channel_id AND s.start_ms = n.end_ms WHERE n.kind = 'next_bumper' AND "
	    "s.kind NOT IN ('station_id', 'programme')"), 0);
	/*
	 * With bumper clips the clips air; a generated bumper only takes the
	 * time nothing in the pool fits (at least 5 s, never a slate), at the
	 * end of the break. With the option off, none is generated.
	 */
	fx_clip(db, "bumper", 5000, NULL, NULL, NULL, NULL, NULL);
	b = fx_channel(db, "9", "UTC", 30);
	fx_slot(db, b, "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
	extend(db, b, JUNE, 4 * HOUR_MS);
	assert_clean(db, b, JUNE, JUNE + 4 * HOUR_MS);
	ck_assert_int_gt(q(db, "SELECT count(*) FROM schedule_items WHERE channel_id = %lld AND "
	    "kind = 'bumper' AND media_file_id IS NOT NULL", (long long)b), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE channel_id = %lld AND "
	    "kind IN ('next_bumper', 'slate') AND end_ms - start_ms < 5000", (long long)b), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items n JOIN schedule_items s ON "
	    "s.channel_id = n.channel_id AND s.start_ms = n.end_ms WHERE n.kind = 'next_bumper' AND "
	    "s.kind NOT IN ('station_id', 'programme')"), 0);
	fx_exec(db, "DELETE FROM media_files WHERE id IN (SELECT media_file_id FROM "
	    "content_scheduling_metadata WHERE content_type = 'bumper')");
	set_channel(db, b, "next_bumpers = 0");
	ck_assert_int_ge(sched_rebuild(db, b, JUNE, NULL), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE channel_id = %lld AND "
	    "kind = 'next_bumper'", (long long)b), 0);
	db_close(&db);
}
END_TEST

START_TEST(seasons_and_dated_slots)
{
	sqlite3 *db = fx_db();
	int64_t ch, xmas, spooky, show;
	int64_t dec = fx_utc(2024, 12, 20, 0, 0);
	int i;
	char name[32];

	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof name, "Film %d", i);
		fx_movie(db, name, 25 * MIN_MS, "PG", "Drama");
	}
	xmas = fx_movie(db, "A Snowy Christmas", 25 * MIN_MS, "G", "Family");
	fx_exec(db, "UPDATE content_scheduling_metadata SET seasonal_preference = 'christmas' "
	    "WHERE media_file_id = %lld", (long long)xmas);
	fx_pool(db);
	spooky = fx_clip(db, "commercial", 30000, "Pumpkin Patch", "seasonal", NULL, NULL, NULL);
	fx_exec(db, "UPDATE content_scheduling_metadata SET seasonal_preference = 'halloween' "
	    "WHERE media_file_id = %lld", (long long)spooky);
	show = series(db, "Holiday Special", "TV-G", 4);
	ch = fx_channel(db, "10", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_MOVIES, 0, 0);
	{
		struct coarse_slot s;
		char *cause = NULL;

		memset(&s, 0, sizeof s);
		s.channel_id = ch;
		s.days = 0x7f;
		s.start_min = 20 * 60;
		s.end_min = 20 * 60 + 30;
		s.type = COARSE_SERIES;
		s.show_id = show;
		s.max_level = -1;
		s.dates_text = (char *)"12-24..12-26";
		ck_assert(season_parse(s.dates_text, &s.dates, NULL) == 0);
		ck_assert_msg(coarse_add(db, &s, NULL, &cause) == 0, "%s", cause);
		s.dates_text = (char *)"the first of never";
		ck_assert_int_eq(coarse_add(db, &s, NULL, &cause), -1);
		free(cause);
	}

	/* June: the Christmas film and the Halloween spot never air; the dated slot never runs. */
	extend(db, ch, JUNE, 4 * 24 * HOUR_MS);
	assert_clean(db, ch, JUNE, JUNE + 4 * 24 * HOUR_MS);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE media_file_id IN "
	    "(%lld, %lld)", (long long)xmas, (long long)spooky), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items s JOIN episodes e ON "
	    "e.media_file_id = s.media_file_id WHERE e.show_id = %lld", (long long)show), 0);

	/* December: the film is preferred (it airs on the first day), the slot runs 24-26. */
	ck_assert_int_ge(sched_rebuild(db, ch, dec, NULL), 0);
	fx_exec(db, "DELETE FROM schedule_items");
	fx_exec(db, "DELETE FROM sched_airings");
	extend(db, ch, dec, 8 * 24 * HOUR_MS);
	assert_clean(db, ch, dec, dec + 8 * 24 * HOUR_MS);
	ck_assert_int_ge(q(db, "SELECT count(DISTINCT programme_start_ms) FROM schedule_items "
	    "WHERE media_file_id = %lld AND start_ms < %lld", (long long)xmas,
	    (long long)(dec + 24 * HOUR_MS)), 1);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE media_file_id = %lld",
	    (long long)spooky), 0);
	for (i = 0; i < 8; i++) {
		int64_t t = dec + i * 24 * HOUR_MS + 20 * HOUR_MS;
		int want = i >= 4 && i <= 6;    /* 24, 25, 26 December */

		ck_assert_msg(q(db, "SELECT count(*) FROM schedule_items s JOIN episodes e ON "
		    "e.media_file_id = s.media_file_id WHERE s.start_ms = %lld AND e.show_id = %lld",
		    (long long)t, (long long)show) == want, "day %d", i);
	}
	db_close(&db);
}
END_TEST

START_TEST(marathons_and_syndication)
{
	sqlite3 *db = fx_db();
	struct coarse_slot s;
	char *cause = NULL;
	int64_t ch, show, other, id, t;
	int sat_with = 0, sat_without = 0, w, k;

	show = series(db, "Long Runner", "TV-PG", 40);
	other = series(db, "Filler Show", "TV-PG", 40);
	fx_pool(db);
	ch = fx_channel(db, "11", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, other, 0);
	/* Prime time: the channel's place in the series. */
	fx_slot(db, ch, "daily", "19:00", "19:30", COARSE_SERIES, show, 0);
	/* Syndication: the same series at noon, its own place, from episode 10. */
	memset(&s, 0, sizeof s);
	s.channel_id = ch;
	s.days = 0x7f;
	s.start_min = 12 * 60;
	s.end_min = 12 * 60 + 30;
	s.type = COARSE_SERIES;
	s.show_id = show;
	s.max_level = -1;
	s.own_position = 1;
	s.from_season = 1;
	s.from_episode = 10;
	ck_assert_msg(coarse_add(db, &s, &id, &cause) == 0, "%s", cause);
	extend(db, ch, JUNE, 3 * 24 * HOUR_MS);
	assert_clean(db, ch, JUNE, JUNE + 3 * 24 * HOUR_MS);
	for (k = 0; k < 3; k++) {
		t = JUNE + k * 24 * HOUR_MS;
		ck_assert_int_eq(q(db, "SELECT e.episode_number FROM schedule_items s JOIN episodes e "
		    "ON e.media_file_id = s.media_file_id WHERE s.start_ms = %lld AND s.act = 1",
		    (long long)(t + 12 * HOUR_MS)), 10 + k);
		ck_assert_int_eq(q(db, "SELECT e.episode_number FROM schedule_items s JOIN episodes e "
		    "ON e.media_file_id = s.media_file_id WHERE s.start_ms = %lld AND s.act = 1",
		    (long long)(t + 19 * HOUR_MS)), 1 + k);
	}
	/* The own place survives a rebuild from what was placed. */
	fx_exec(db, "DELETE FROM schedule_items WHERE start_ms >= %lld", (long long)(JUNE +
	    24 * HOUR_MS));
	fx_exec(db, "DELETE FROM sched_airings WHERE start_ms >= %lld", (long long)(JUNE +
	    24 * HOUR_MS));
	extend(db, ch, JUNE + 23 * HOUR_MS, 2 * 24 * HOUR_MS);
	ck_assert_int_eq(q(db, "SELECT e.episode_number FROM schedule_items s JOIN episodes e ON "
	    "e.media_file_id = s.media_file_id WHERE s.start_ms = %lld AND s.act = 1",
	    (long long)(JUNE + 36 * HOUR_MS)), 11);
	ck_assert_int_eq(q(db, "SELECT e.episode_number FROM schedule_items s JOIN episodes e ON "
	    "e.media_file_id = s.media_file_id WHERE s.start_ms = %lld AND s.act = 1",
	    (long long)(JUNE + 43 * HOUR_MS)), 2);

	/* A Saturday afternoon marathon on half the Saturdays: eight blocks in a row, in order. */
	fx_exec(db, "DELETE FROM schedule_items");
	fx_exec(db, "DELETE FROM sched_airings");
	memset(&s, 0, sizeof s);
	s.channel_id = ch;
	ck_assert(coarse_parse_days("sat", &s.days, NULL) == 0);
	s.start_min = 13 * 60;
	s.end_min = 17 * 60;
	s.type = COARSE_SERIES;
	s.show_id = show;
	s.max_level = -1;
	s.marathon = 1;
	s.chance = 50;
	ck_assert_msg(coarse_add(db, &s, &id, &cause) == 0, "%s", cause);
	s.type = COARSE_FILL;
	ck_assert_int_eq(coarse_add(db, &s, NULL, &cause), -1);
	free(cause);
	extend(db, ch, JUNE, 10 * 7 * 24 * HOUR_MS);
	assert_clean(db, ch, JUNE, JUNE + 10 * 7 * 24 * HOUR_MS);
	for (w = 0; w < 10; w++) {
		t = JUNE + (5 + w * 7) * 24 * HOUR_MS + 13 * HOUR_MS;     /* Saturday 13:00 */
		k = (int)q(db, "SELECT count(*) FROM schedule_items WHERE act = 1 AND schedule_id = "
		    "%lld AND start_ms >= %lld AND start_ms < %lld", (long long)id, (long long)t,
		    (long long)(t + 4 * HOUR_MS));
		ck_assert_msg(k == 0 || k == 8, "week %d: %d marathon blocks", w, k);
		if (k == 8) {
			sat_with++;
			/* In order: each episode one after the one before. */
			ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items a JOIN episodes e "
			    "ON e.media_file_id = a.media_file_id JOIN schedule_items b ON "
			    "b.start_ms = a.start_ms + 1800000 AND b.act = 1 JOIN episodes f ON "
			    "f.media_file_id = b.media_file_id WHERE a.act = 1 AND a.schedule_id = %lld "
			    "AND a.start_ms >= %lld AND a.start_ms < %lld AND b.schedule_id = %lld AND "
			    "f.episode_number = e.episode_number %% 40 + 1", (long long)id, (long long)t,
			    (long long)(t + 4 * HOUR_MS), (long long)id), 7);
		} else
			sat_without++;
	}
	ck_assert_msg(sat_with >= 2 && sat_without >= 2, "%d with, %d without", sat_with,
	    sat_without);
	db_close(&db);
}
END_TEST

/* Simultaneous airings of one file on two channels (kind k). */
static int64_t
overlaps(sqlite3 *db, const char *kind)
{
	return q(db, "SELECT count(*) FROM schedule_items a JOIN schedule_items b ON "
	    "b.media_file_id = a.media_file_id AND b.channel_id > a.channel_id AND "
	    "b.start_ms < a.end_ms AND b.end_ms > a.start_ms WHERE a.kind = '%s' AND b.kind = '%s'",
	    kind, kind);
}

START_TEST(no_simultaneous_repeats)
{
	sqlite3 *db = fx_db();
	char *cause = NULL, *report = NULL;
	int64_t ch[3], show;
	int i;

	show = series(db, "Shared Show", "TV-PG", 30);
	fx_pool(db);
	/* Enough short spots of their own companies that three channels never need to share. */
	for (i = 0; i < 12; i++) {
		char co[16];

		snprintf(co, sizeof co, "Extra %d", i);
		fx_clip(db, "commercial", 15000, co, co, NULL, NULL, NULL);
	}
	for (i = 0; i < 3; i++) {
		char num[8];

		snprintf(num, sizeof num, "%d", 20 + i);
		ch[i] = fx_channel(db, num, "UTC", 30);
		/* The same series in order on every channel, in the same slots. */
		fx_slot(db, ch[i], "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	}
	/* Two channels built together, the third on its own later. */
	fx_exec(db, "UPDATE channels SET enabled = 0 WHERE id = %lld", (long long)ch[2]);
	ck_assert_msg(sched_extend_all(db, JUNE, 24 * HOUR_MS, &cause) >= 0, "%s", cause);
	extend(db, ch[2], JUNE, 24 * HOUR_MS);
	for (i = 0; i < 3; i++)
		assert_clean(db, ch[i], JUNE, JUNE + 24 * HOUR_MS);
	ck_assert_int_eq(overlaps(db, "programme"), 0);
	/* The pool allows it: no commercial on two channels at once. */
	ck_assert_int_eq(overlaps(db, "commercial"), 0);
	/* Each channel still runs the series in order, from its own episode. */
	ck_assert_int_eq(q(db, "SELECT count(DISTINCT e.episode_number) FROM schedule_items s "
	    "JOIN episodes e ON e.media_file_id = s.media_file_id WHERE s.start_ms = %lld AND "
	    "s.act = 1", (long long)JUNE), 3);

	/* The checker sees a simultaneous repeat written by hand. */
	fx_exec(db, "UPDATE schedule_items SET media_file_id = (SELECT media_file_id FROM "
	    "schedule_items WHERE channel_id = %lld AND start_ms = %lld) WHERE channel_id = %lld "
	    "AND programme_start_ms = %lld AND kind = 'programme'", (long long)ch[0],
	    (long long)JUNE, (long long)ch[1], (long long)JUNE);
	ck_assert_int_gt(schedcheck_channel(db, ch[1], JUNE, JUNE + HOUR_MS, &report, &cause), 0);
	ck_assert_ptr_nonnull(strstr(report, "at the same time"));
	free(report);
	db_close(&db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("realism");
	TCase *tc = tcase_create("realism");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, migration_keeps_a_v4_database);
	tcase_add_test(tc, seasons_parse_and_match);
	tcase_add_test(tc, signoff_and_off_air);
	tcase_add_test(tc, rating_cards_open_programmes);
	tcase_add_test(tc, generated_next_bumpers);
	tcase_add_test(tc, seasons_and_dated_slots);
	tcase_add_test(tc, marathons_and_syndication);
	tcase_add_test(tc, no_simultaneous_repeats);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
