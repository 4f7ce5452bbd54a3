/*
 * test_sched.c: the scheduler (src/sched.c, src/schedcheck.c, src/coarse.c,
 * src/scheddemo.c) on hand-built libraries: on-time starts at odd lengths,
 * break placement with 0, 3 and 12 markers, pod rules, movies spanning
 * slots, break points from every source (hand, detected, server and file
 * chapters) around intros and end credits, the credits policies, the
 * locked window, determinism, DST, series progress, removed
 * content, the invariant checker on broken logs, and the demo channels.
 */
#include <pthread.h>
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
#include "src/scheddemo.h"
#include "src/schedlib.h"
#include "src/xjson.h"
#include "tests/unit/sched_fixture.h"

/* Monday 2024-06-03 12:05 UTC. */
#define NOW fx_utc(2024, 6, 3, 12, 5)

/* All items of a channel. */
static struct fine_item *
items_of(sqlite3 *db, int64_t ch, size_t *n)
{
	struct fine_item *items;
	char *cause = NULL;

	ck_assert_msg(finelog_items(db, ch, INT64_MIN / 2, INT64_MAX / 2, &items, n, &cause) == 0,
	    "%s", cause);
	return items;
}

/* Every item of a channel as text (without ids): for comparisons. */
static char *
dump(sqlite3 *db, int64_t ch, int64_t from)
{
	sqlite3_stmt *st;
	char *out = xstrdup(""), *n;

	st = db_prepare(db, "SELECT start_ms, end_ms, kind, coalesce(media_file_id, 0), in_ms, "
	    "out_ms, coalesce(schedule_id, 0), programme_start_ms, coalesce(act, 0), "
	    "coalesce(title, '') FROM schedule_items WHERE channel_id = ?1 AND start_ms >= ?2 "
	    "ORDER BY start_ms", NULL);
	sqlite3_bind_int64(st, 1, ch);
	sqlite3_bind_int64(st, 2, from);
	while (sqlite3_step(st) == SQLITE_ROW) {
		xasprintf(&n, "%s%lld %lld %s %lld %lld %lld %lld %lld %d %s\n", out,
		    (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
		    db_text(st, 2), (long long)sqlite3_column_int64(st, 3),
		    (long long)sqlite3_column_int64(st, 4), (long long)sqlite3_column_int64(st, 5),
		    (long long)sqlite3_column_int64(st, 6), (long long)sqlite3_column_int64(st, 7),
		    sqlite3_column_int(st, 8), db_text(st, 9));
		free(out);
		out = n;
	}
	sqlite3_finalize(st);
	return out;
}

/* Break points (act boundaries) of the first airing of a file, into pts. */
static int
breaks_of(sqlite3 *db, int64_t ch, int64_t media, int64_t *pts, int max)
{
	sqlite3_stmt *st;
	int64_t prog = -1;
	int n = 0;

	st = db_prepare(db, "SELECT programme_start_ms, in_ms FROM schedule_items WHERE "
	    "channel_id = ?1 AND media_file_id = ?2 AND kind = 'programme' ORDER BY start_ms", NULL);
	sqlite3_bind_int64(st, 1, ch);
	sqlite3_bind_int64(st, 2, media);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (prog == -1)
			prog = sqlite3_column_int64(st, 0);
		if (sqlite3_column_int64(st, 0) != prog)
			break;
		if (sqlite3_column_int64(st, 1) != 0 && n < max)
			pts[n++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	ck_assert_msg(prog != -1, "file %lld never aired", (long long)media);
	return n;
}

START_TEST(on_time_at_odd_lengths)
{
	static const int64_t lens[] = { 1273457, 1379999, 1799990, 1800000, 1860001, 427700,
	    2684444 };
	sqlite3 *db = fx_db();
	int64_t show, ch, next, len, sum = 0;
	struct fine_item *it;
	size_t n, i, j, blocks = 0;

	fx_pool(db);
	show = fx_show(db, "Odd Lengths", "TV-PG");
	for (i = 0; i < nitems(lens); i++)
		fx_episode(db, show, 1, (int)i + 1, lens[i], NULL, 0);
	ch = fx_channel(db, "7", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	ck_assert_int_gt(extend(db, ch, NOW, 48 * HOUR_MS), 100);
	assert_clean(db, ch, 0, INT64_MAX);

	it = items_of(db, ch, &n);
	ck_assert_int_eq(it[0].start_ms, fx_utc(2024, 6, 3, 12, 0));
	ck_assert_int_ge(it[n - 1].end_ms, NOW + 48 * HOUR_MS);
	for (i = 0; i < n; i++) {
		if (i > 0)
			ck_assert_int_eq(it[i].start_ms, it[i - 1].end_ms);
		ck_assert_int_eq(it[i].end_ms - it[i].start_ms, it[i].out_ms - it[i].in_ms);
		if (it[i].kind != ITEM_PROGRAMME || it[i].act != 1)
			continue;
		/* A programme: exactly on a half hour, taking the slots it needs. */
		blocks++;
		ck_assert_int_eq(it[i].start_ms % (30 * MIN_MS), 0);
		ck_assert_int_eq(it[i].programme_start_ms, it[i].start_ms);
		for (j = i + 1; j < n && it[j].programme_start_ms == it[i].programme_start_ms; j++)
			;
		if (j == n)
			break;
		next = it[j].start_ms;
		for (sum = 0, len = (int64_t)i; len < (int64_t)j; len++) {
			if (it[len].kind == ITEM_PROGRAMME)
				sum += it[len].out_ms - it[len].in_ms;
		}
		ck_assert_int_eq(next - it[i].start_ms, (sum + 30 * MIN_MS - 1) / (30 * MIN_MS) *
		    30 * MIN_MS);
	}
	ck_assert_int_gt(blocks, 60);
	fine_items_free(&it, n);
	db_close(&db);
}
END_TEST

START_TEST(breaks_at_markers)
{
	static const int64_t three[] = { 300000, 480000, 900000 };
	int64_t twelve[12], near_ends[] = { 60000, 1290000 }, detected = 450000;
	int64_t show, ch, e0, e3, e12, e10, eends, edet, pts[16];
	sqlite3 *db = fx_db();
	int i, n;

	for (i = 0; i < 12; i++)
		twelve[i] = (i + 1) * 100000;
	fx_pool(db);
	show = fx_show(db, "Markers", "TV-PG");
	e0 = fx_episode(db, show, 1, 1, 1320000, NULL, 0);
	e3 = fx_episode(db, show, 1, 2, 1320000, three, 3);
	e12 = fx_episode(db, show, 1, 3, 1320000, twelve, 12);
	e10 = fx_episode(db, show, 1, 4, 600000, twelve, 5);
	eends = fx_episode(db, show, 1, 5, 1320000, near_ends, 2);
	edet = fx_episode(db, show, 1, 6, 1320000, NULL, 0);
	fx_exec(db, "INSERT INTO chapter_markers (media_file_id, timestamp_ms, source) VALUES "
	    "(%lld, %lld, 'detected')", (long long)edet, (long long)detected);
	ch = fx_channel(db, "8", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, NOW, 6 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);

	/* No markers: the ideal points, a third and two thirds in. */
	n = breaks_of(db, ch, e0, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 440000);
	ck_assert_int_eq(pts[1], 880000);
	/* Three markers, two breaks: the two nearest the ideal points. */
	n = breaks_of(db, ch, e3, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 480000);
	ck_assert_int_eq(pts[1], 900000);
	/* Twelve markers: the nearest, and never the one within 2 minutes of the start. */
	n = breaks_of(db, ch, e12, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 400000);
	ck_assert_int_eq(pts[1], 900000);
	/* A 10-minute programme has no break at all. */
	ck_assert_int_eq(breaks_of(db, ch, e10, pts, 16), 0);
	/* Markers only near the ends cannot be used: the ideal points instead. */
	n = breaks_of(db, ch, eends, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 440000);
	ck_assert_int_eq(pts[1], 880000);
	/* A detected black+silent point near the ideal one is used. */
	n = breaks_of(db, ch, edet, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], detected);
	ck_assert_int_eq(pts[1], 880000);
	db_close(&db);
}
END_TEST

/* Chapters of a source ('plex', 'file'...) on a file. */
static void
source_marks(sqlite3 *db, int64_t media, const char *source, const int64_t *marks, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fx_exec(db, "INSERT INTO chapter_markers (media_file_id, timestamp_ms, source) VALUES "
		    "(%lld, %lld, '%s')", (long long)media, (long long)marks[i], source);
}

/* An intro or credits span of a file. */
static void
span(sqlite3 *db, int64_t media, const char *kind, int64_t a, int64_t z)
{
	fx_exec(db, "INSERT INTO media_markers (media_file_id, kind, start_ms, end_ms, source) "
	    "VALUES (%lld, '%s', %lld, %lld, 'jellyfin')", (long long)media, kind, (long long)a,
	    (long long)z);
}

START_TEST(breaks_from_every_source)
{
	static const int64_t three[] = { 300000, 480000, 900000 }, two[] = { 300000, 900000 };
	static const int64_t hand[] = { 480000, 900000 }, file[] = { 300000, 1000000 };
	static const int64_t late[] = { 450000, 1250000 };
	int64_t show, ch, srv, det, mixed, intro, credits, cmarks, pts[16];
	sqlite3 *db = fx_db();
	int n;

	fx_pool(db);
	show = fx_show(db, "Sources", "TV-PG");
	srv = fx_episode(db, show, 1, 1, 1320000, NULL, 0);
	source_marks(db, srv, "plex", three, 3);
	det = fx_episode(db, show, 1, 2, 1320000, NULL, 0);
	source_marks(db, det, "jellyfin", two, 2);
	source_marks(db, det, "detected", (const int64_t[]){ 450000 }, 1);
	mixed = fx_episode(db, show, 1, 3, 1320000, hand, 2);
	source_marks(db, mixed, "file", file, 2);
	intro = fx_episode(db, show, 1, 4, 1320000, NULL, 0);
	span(db, intro, "intro", 400000, 500000);
	credits = fx_episode(db, show, 1, 5, 1320000, NULL, 0);
	span(db, credits, "credits", 1200000, 1320000);
	cmarks = fx_episode(db, show, 1, 6, 1320000, NULL, 0);
	source_marks(db, cmarks, "emby", late, 2);
	span(db, cmarks, "credits", 1200000, 1320000);
	ch = fx_channel(db, "9", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, NOW, 6 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);

	/* A server's chapters, as break points: the two nearest the ideal ones. */
	n = breaks_of(db, ch, srv, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 480000);
	ck_assert_int_eq(pts[1], 900000);
	/* A detected black+silent point wins over a server's chapters. */
	n = breaks_of(db, ch, det, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 450000);
	ck_assert_int_eq(pts[1], 880000);
	/* Markers made by hand win over the file's chapters. */
	n = breaks_of(db, ch, mixed, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 480000);
	ck_assert_int_eq(pts[1], 900000);
	/* No break inside the intro: the ideal point moves to its end. */
	n = breaks_of(db, ch, intro, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 500000);
	ck_assert_int_eq(pts[1], 880000);
	/* The content ends where the credits start: the breaks spread over it. */
	n = breaks_of(db, ch, credits, pts, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0], 400000);
	ck_assert_int_eq(pts[1], 800000);
	/* A chapter inside the credits is no break point. */
	n = breaks_of(db, ch, cmarks, pts, 16);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(pts[0], 450000);
	db_close(&db);
}
END_TEST

/* The block of the first airing of a file on a channel, and where its programme ends. */
static int64_t
block_of(sqlite3 *db, int64_t ch, int64_t media, int64_t *end)
{
	sqlite3_stmt *st;
	int64_t starts[2] = { 0, 0 };
	int n = 0;

	st = db_prepare(db, "SELECT programme_start_ms, max(out_ms) FROM schedule_items WHERE "
	    "channel_id = ?1 AND media_file_id = ?2 AND kind = 'programme' GROUP BY 1 ORDER BY 1 "
	    "LIMIT 2", NULL);
	sqlite3_bind_int64(st, 1, ch);
	sqlite3_bind_int64(st, 2, media);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == 0)
			*end = sqlite3_column_int64(st, 1);
		starts[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(n, 2);
	return starts[1] - starts[0];
}

START_TEST(credits_in_a_tight_slot)
{
	static const char *const policy[] = { "keep", "squeeze", "cut" };
	/* 31:40 long, its credits from 28:20: a half hour's content. */
	static const int64_t blocks[] = { 60 * MIN_MS, 30 * MIN_MS, 30 * MIN_MS };
	static const int64_t ends[] = { 1900000, 1740000, 1700000 };
	int64_t show, ch, ep, end = 0;
	sqlite3 *db = fx_db();
	char num[8];
	size_t i;

	fx_pool(db);
	for (i = 0; i < nitems(policy); i++) {
		show = fx_show(db, policy[i], "TV-PG");
		ep = fx_episode(db, show, 1, 1, 1900000, NULL, 0);
		span(db, ep, "credits", 1700000, 1900000);
		snprintf(num, sizeof num, "%zu", 20 + i);
		ch = fx_channel(db, num, "UTC", 30);
		fx_exec(db, "UPDATE channels SET credits = '%s' WHERE id = %lld", policy[i],
		    (long long)ch);
		fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
		extend(db, ch, NOW, 4 * HOUR_MS);
		assert_clean(db, ch, 0, INT64_MAX);
		ck_assert_int_eq(block_of(db, ch, ep, &end), blocks[i]);
		ck_assert_int_eq(end, ends[i]);
	}
	db_close(&db);
}
END_TEST

/* The commercial runs (pods) of a channel break no pod rule, checked in SQL. */
static void
assert_pods(sqlite3 *db, int64_t ch)
{
	sqlite3_stmt *st;
	char companies[64][64], cats[64][64];
	const char *co, *ca, *kind;
	int nco = 0, nca = 0, i;

	st = db_prepare(db, "SELECT s.kind, coalesce(c.commercial_company, ''), "
	    "coalesce(c.commercial_category, '') FROM schedule_items s LEFT JOIN "
	    "content_scheduling_metadata c ON c.media_file_id = s.media_file_id WHERE "
	    "s.channel_id = ?1 ORDER BY s.start_ms", NULL);
	sqlite3_bind_int64(st, 1, ch);
	while (sqlite3_step(st) == SQLITE_ROW) {
		kind = db_text(st, 0);
		if (strcmp(kind, "commercial") != 0) {
			nco = nca = 0;
			continue;
		}
		co = db_text(st, 1);
		ca = db_text(st, 2);
		for (i = 0; i < nco; i++)
			ck_assert_msg(strcmp(companies[i], co) != 0, "two of %s in a pod", co);
		for (i = 0; i < nca; i++)
			ck_assert_msg(strcmp(cats[i], ca) != 0, "two %s in a pod", ca);
		if (*co && nco < 64)
			snprintf(companies[nco++], 64, "%s", co);
		if (*ca && nca < 64)
			snprintf(cats[nca++], 64, "%s", ca);
	}
	sqlite3_finalize(st);
}

START_TEST(pod_rules)
{
	sqlite3 *db = fx_db();
	int64_t show, ch, expired, adult_r, morning, kids, st_out, st_in;
	sqlite3_stmt *st;
	struct chanedit e;
	char *cause = NULL;
	int n_pods = 0, i;

	fx_pool(db);
	expired = fx_clip(db, "commercial", 30000, "Gone Co", "gone", NULL, "2024-01-01", NULL);
	adult_r = fx_clip(db, "commercial", 30000, "Late Co", "late", NULL, NULL, "R");
	morning = fx_clip(db, "commercial", 15000, "Brekkie", "breakfast", "morning", NULL, NULL);
	kids = fx_clip(db, "commercial", 15000, "Toys Inc", "kids", NULL, NULL, NULL);
	fx_exec(db, "UPDATE content_scheduling_metadata SET target_demographic = 'children' "
	    "WHERE media_file_id = %lld", (long long)kids);
	show = fx_show(db, "Pods", "TV-PG");
	for (i = 0; i < 4; i++)
		fx_episode(db, show, 1, i + 1, 1320000 + i * 1000, NULL, 0);
	ch = fx_channel(db, "9", "America/Chicago", 30);
	chanedit_init(&e);
	chanedit_set_str(&e, "rating_limit", "TV-14");
	chanedit_set_str(&e, "demographic", "adult");
	ck_assert(chanedit_update(db, ch, &e, &cause) == 0);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, NOW, 24 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	assert_pods(db, ch);

	/* Expired, over the limit, for another audience: never. */
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE media_file_id "
	    "IN (SELECT id FROM media_files WHERE id IN (SELECT media_file_id FROM "
	    "content_scheduling_metadata WHERE commercial_company IN ('Gone Co', 'Late Co', "
	    "'Toys Inc')))", -1), 0);
	(void)expired;
	(void)adult_r;
	/* The morning spot airs, and only between 06:00 and 12:00 Chicago time. */
	st = db_prepare(db, "SELECT start_ms FROM schedule_items WHERE media_file_id = ?1", NULL);
	sqlite3_bind_int64(st, 1, morning);
	i = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct tz_civil c;

		tz_local(tz_get("America/Chicago", NULL), sqlite3_column_int64(st, 0), &c);
		ck_assert_msg(c.hour >= 6 && c.hour < 12, "morning spot at %02d:%02d", c.hour,
		    c.minute);
		i++;
	}
	sqlite3_finalize(st);
	ck_assert_int_gt(i, 0);

	/* Every break inside a programme: bumper out first, bumper in last. */
	st_out = db_scalar(db, "SELECT media_file_id FROM content_scheduling_metadata WHERE "
	    "commercial_category = 'out'", 0);
	st_in = db_scalar(db, "SELECT media_file_id FROM content_scheduling_metadata WHERE "
	    "commercial_category = 'in'", 0);
	st = db_prepare(db, "SELECT kind, coalesce(media_file_id, 0), act FROM schedule_items "
	    "WHERE channel_id = ?1 ORDER BY start_ms", NULL);
	sqlite3_bind_int64(st, 1, ch);
	{
		char prev_kind[32] = "", first_kind[32] = "";
		int64_t prev_media = 0, first_media = 0;

		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *kind = db_text(st, 0);
			int64_t media = sqlite3_column_int64(st, 1);

			if (strcmp(prev_kind, "programme") == 0 && strcmp(kind, "programme") != 0) {
				snprintf(first_kind, sizeof first_kind, "%s", kind);
				first_media = media;
			}
			/* A break inside a programme: bumper out first, bumper in last. */
			if (strcmp(kind, "programme") == 0 && sqlite3_column_int(st, 2) > 1 &&
			    strcmp(prev_kind, "programme") != 0) {
				ck_assert_str_eq(first_kind, "bumper");
				ck_assert_int_eq(first_media, st_out);
				ck_assert_str_eq(prev_kind, "bumper");
				ck_assert_int_eq(prev_media, st_in);
				n_pods++;
			}
			snprintf(prev_kind, sizeof prev_kind, "%s", kind);
			prev_media = media;
		}
	}
	sqlite3_finalize(st);
	ck_assert_int_gt(n_pods, 40);
	db_close(&db);
}
END_TEST

START_TEST(rotation_fair_no_repeat_within_hour)
{
	sqlite3 *db = fx_db();
	int64_t show, ch, lo = INT64_MAX, hi = 0, c;
	sqlite3_stmt *st;
	char name[32];
	int i;

	/* Sixty 30-second spots of sixty advertisers: enough for an hour without repeats. */
	for (i = 0; i < 60; i++) {
		snprintf(name, sizeof name, "Advertiser %d", i);
		fx_clip(db, "commercial", 30000, name, name, NULL, NULL, NULL);
	}
	show = fx_show(db, "Rotation", NULL);
	for (i = 0; i < 3; i++)
		fx_episode(db, show, 1, i + 1, 1320000, NULL, 0);
	ch = fx_channel(db, "10", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, NOW, 48 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	/* No spot twice within an hour. */
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items a JOIN "
	    "schedule_items b ON a.media_file_id = b.media_file_id AND b.start_ms > a.start_ms AND "
	    "b.start_ms < a.start_ms + 3600000 WHERE a.kind = 'commercial' AND "
	    "b.kind = 'commercial'", -1), 0);
	/* Rotated fairly: every spot airs about as often. */
	st = db_prepare(db, "SELECT count(s.id) FROM media_files m LEFT JOIN schedule_items s "
	    "ON s.media_file_id = m.id WHERE m.media_type = 'clip' GROUP BY m.id", NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		c = sqlite3_column_int64(st, 0);
		lo = c < lo ? c : lo;
		hi = c > hi ? c : hi;
	}
	sqlite3_finalize(st);
	ck_assert_int_gt(lo, 10);
	ck_assert_int_le(hi - lo, 1);
	db_close(&db);
}
END_TEST

START_TEST(movie_spans_slots)
{
	sqlite3 *db = fx_db();
	int64_t show, movie, ch, t20 = fx_utc(2024, 6, 3, 20, 0);
	int i;

	fx_pool(db);
	show = fx_show(db, "Sitcom", "TV-PG");
	for (i = 0; i < 4; i++)
		fx_episode(db, show, 1, i + 1, 1320000, NULL, 0);
	movie = fx_movie(db, "Long Film", 100 * MIN_MS + 1234, "PG", "Adventure");
	ch = fx_channel(db, "11", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	fx_slot(db, ch, "daily", "20:00", "20:30", COARSE_MOVIE, 0, movie);
	fx_slot(db, ch, "daily", "21:00", "21:30", COARSE_SERIES, show, 0);
	extend(db, ch, NOW, 24 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);

	/* The movie starts at 20:00 and takes four slots: nothing starts until 22:00. */
	ck_assert_int_eq(db_scalar(db, "SELECT media_file_id FROM schedule_items WHERE "
	    "kind = 'programme' AND act = 1 AND start_ms = 1717444800000", 0), movie);
	ck_assert_int_eq(t20, 1717444800000LL);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE start_ms > "
	    "1717444800000 AND start_ms < 1717452000000 AND programme_start_ms = start_ms", -1), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE start_ms = "
	    "1717452000000 AND programme_start_ms = start_ms AND kind = 'programme'", -1), 1);
	/* All of it airs, in acts, with breaks. */
	ck_assert_int_eq(db_scalar(db, "SELECT sum(out_ms - in_ms) FROM schedule_items WHERE "
	    "kind = 'programme' AND programme_start_ms = 1717444800000", 0), 100 * MIN_MS + 1234);
	ck_assert_int_ge(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE kind = "
	    "'programme' AND programme_start_ms = 1717444800000", 0), 5);
	/* The station ID of 21:00 airs in the movie's break nearest it. */
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE kind = "
	    "'station_id' AND start_ms BETWEEN 1717446600000 AND 1717450200000", 0), 1);
	db_close(&db);
}
END_TEST

START_TEST(locked_window)
{
	sqlite3 *db = fx_db();
	int64_t show, other, ch, lock = NOW + SCHED_LOCK_MS, cut;
	char *before, *after, *cause = NULL, *locked_before, *locked_after, *again;
	sqlite3_stmt *st;
	int i;

	fx_pool(db);
	show = fx_show(db, "Before", "TV-PG");
	other = fx_show(db, "After", "TV-PG");
	for (i = 0; i < 4; i++) {
		fx_episode(db, show, 1, i + 1, 1320000, NULL, 0);
		fx_episode(db, other, 1, i + 1, 1330000, NULL, 0);
	}
	ch = fx_channel(db, "12", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, NOW - 3 * HOUR_MS, 51 * HOUR_MS);
	before = dump(db, ch, INT64_MIN / 2);

	/* The plan changes: from now on, the other series. */
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, other, 0);
	ck_assert_msg(sched_rebuild(db, ch, NOW, &cause) > 0, "%s", cause);
	after = dump(db, ch, INT64_MIN / 2);
	ck_assert_str_ne(before, after);
	assert_clean(db, ch, 0, INT64_MAX);

	/* Everything that starts before now + 10 minutes is as it was. */
	st = db_prepare(db, "SELECT min(start_ms) FROM schedule_items WHERE start_ms >= ?1 AND "
	    "programme_start_ms = start_ms", NULL);
	sqlite3_bind_int64(st, 1, lock);
	ck_assert(sqlite3_step(st) == SQLITE_ROW);
	cut = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ck_assert_int_eq(cut, fx_utc(2024, 6, 3, 12, 30));
	locked_before = xstrndup(before, (size_t)(strstr(before, "1717417800000 ") - before));
	locked_after = xstrndup(after, (size_t)(strstr(after, "1717417800000 ") - after));
	ck_assert_str_eq(locked_before, locked_after);
	/* The 12:00 programme is still the old series; 12:30 is the new one. */
	ck_assert_int_eq(db_scalar(db, "SELECT e.show_id FROM schedule_items s JOIN episodes e "
	    "ON e.media_file_id = s.media_file_id WHERE s.start_ms = 1717416000000", 0), show);
	ck_assert_int_eq(db_scalar(db, "SELECT e.show_id FROM schedule_items s JOIN episodes e "
	    "ON e.media_file_id = s.media_file_id WHERE s.start_ms = 1717417800000", 0), other);
	/* Rebuilding again changes nothing: the same state makes the same log. */
	ck_assert_msg(sched_rebuild(db, ch, NOW, &cause) > 0, "%s", cause);
	again = dump(db, ch, INT64_MIN / 2);
	ck_assert_str_eq(after, again);
	free(before);
	free(after);
	free(again);
	free(locked_before);
	free(locked_after);
	db_close(&db);
}
END_TEST

/* A library and channel built the same way in any database. */
static int64_t
standard(sqlite3 *db)
{
	int64_t shows[3], ch, m[2] = { 500000, 1000000 };
	int i, j;

	fx_pool(db);
	shows[0] = fx_show(db, "Alpha", "TV-PG");
	shows[1] = fx_show(db, "Beta", "TV-14");
	shows[2] = fx_show(db, "Gamma", "TV-G");
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 5; j++)
			fx_episode(db, shows[i], 1, j + 1, 1250000 + i * 20000 + j * 3333, m,
			    j % 3);
	}
	fx_movie(db, "Film One", 95 * MIN_MS, "PG", "Comedy");
	fx_movie(db, "Film Two", 88 * MIN_MS + 500, "PG-13", "Drama");
	ch = fx_channel(db, "13", "Europe/Paris", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
	fx_slot(db, ch, "weekdays", "18:00", "20:00", COARSE_SERIES, shows[0], 0);
	fx_slot(db, ch, "daily", "20:00", "23:00", COARSE_MOVIES, 0, 0);
	fx_slot(db, ch, "daily", "07:00", "09:00", COARSE_SHUFFLE, shows[2], 0);
	return ch;
}

START_TEST(deterministic)
{
	sqlite3 *a = fx_db(), *b = fx_db();
	int64_t ca = standard(a), cb = standard(b);
	char *da, *db_;

	extend(a, ca, NOW, 48 * HOUR_MS);
	extend(b, cb, NOW, 48 * HOUR_MS);
	da = dump(a, ca, INT64_MIN / 2);
	db_ = dump(b, cb, INT64_MIN / 2);
	ck_assert_int_gt(strlen(da), 10000);
	ck_assert_str_eq(da, db_);
	assert_clean(a, ca, 0, INT64_MAX);
	free(da);
	free(db_);
	db_close(&a);
	db_close(&b);
}
END_TEST

/* Count programme starts on a local date, all on local :00 or :30. */
static int
starts_on(sqlite3 *db, int64_t ch, const struct tz *tz, int y, int m, int d)
{
	struct fine_item *it;
	struct tz_civil c;
	size_t n, i;
	int count = 0;

	it = items_of(db, ch, &n);
	for (i = 0; i < n; i++) {
		if (it[i].programme_start_ms != it[i].start_ms)
			continue;
		tz_local(tz, it[i].start_ms, &c);
		ck_assert_msg(c.minute % 30 == 0 && c.second == 0, "a programme at %02d:%02d:%02d",
		    c.hour, c.minute, c.second);
		if (c.year == y && c.month == m && c.day == d)
			count++;
	}
	fine_items_free(&it, n);
	return count;
}

START_TEST(dst_changes)
{
	sqlite3 *db = fx_db();
	const struct tz *tz = tz_get("America/New_York", NULL);
	int64_t show, ch, spring = fx_utc(2024, 3, 9, 17, 0), fall = fx_utc(2024, 11, 2, 16, 0);
	int i;

	fx_pool(db);
	show = fx_show(db, "Clockwork", "TV-PG");
	for (i = 0; i < 5; i++)
		fx_episode(db, show, 1, i + 1, 1300000 + i * 4321, NULL, 0);
	ch = fx_channel(db, "14", "America/New_York", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, spring, 48 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	/* 2024-03-10 has 23 hours: 46 half-hour programmes, 01:30 EST then 03:00 EDT. */
	ck_assert_int_eq(starts_on(db, ch, tz, 2024, 3, 10), 46);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE start_ms IN "
	    "(1710052200000, 1710054000000) AND programme_start_ms = start_ms", 0), 2);

	fx_exec(db, "DELETE FROM schedule_items");
	fx_exec(db, "DELETE FROM sched_airings");
	extend(db, ch, fall, 48 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	/* 2024-11-03 has 25 hours: 50 programmes; 01:00 and 01:30 come twice. */
	ck_assert_int_eq(starts_on(db, ch, tz, 2024, 11, 3), 50);
	db_close(&db);
}
END_TEST

START_TEST(series_continue)
{
	sqlite3 *db = fx_db();
	int64_t show, ch, slot, eps[6], got[16];
	sqlite3_stmt *st;
	char *cause = NULL;
	int i, n = 0;

	fx_pool(db);
	show = fx_show(db, "In Order", "TV-PG");
	/* Inserted out of order: the order is by season and episode. */
	for (i = 5; i >= 0; i--)
		eps[i] = fx_episode(db, show, 1 + i / 3, i % 3 + 1, 1320000, NULL, 0);
	ch = fx_channel(db, "15", "UTC", 30);
	slot = fx_slot(db, ch, "daily", "20:00", "21:00", COARSE_SERIES, show, 0);
	extend(db, ch, NOW, 30 * HOUR_MS);      /* 20:00 and 20:30 today */
	/* Remove and re-add the slot, then rebuild from the next day: it continues. */
	ck_assert(coarse_remove(db, ch, slot, &cause) == 0);
	fx_slot(db, ch, "daily", "20:00", "21:00", COARSE_SERIES, show, 0);
	ck_assert(sched_rebuild(db, ch, fx_utc(2024, 6, 3, 21, 0), &cause) >= 0);
	extend(db, ch, fx_utc(2024, 6, 4, 21, 0), 48 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	st = db_prepare(db, "SELECT media_file_id FROM schedule_items WHERE kind = 'programme' "
	    "AND act = 1 AND (start_ms % 86400000) IN (72000000, 73800000) ORDER BY start_ms",
	    NULL);
	while (sqlite3_step(st) == SQLITE_ROW && n < 16)
		got[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ck_assert_int_ge(n, 8);
	for (i = 0; i < n; i++)
		ck_assert_msg(got[i] == eps[i % 6], "airing %d is file %lld, want %lld", i,
		    (long long)got[i], (long long)eps[i % 6]);
	db_close(&db);
}
END_TEST

START_TEST(removed_content_replaced)
{
	sqlite3 *db = fx_db();
	int64_t show, ch, lock = NOW + SCHED_LOCK_MS, victim, missing;
	char *locked_before, *locked_after;
	int i;

	fx_pool(db);
	show = fx_show(db, "Shrinking", "TV-PG");
	for (i = 0; i < 6; i++)
		fx_episode(db, show, 1, i + 1, 1320000 + i, NULL, 0);
	ch = fx_channel(db, "16", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, NOW, 24 * HOUR_MS);
	locked_before = dump(db, ch, INT64_MIN / 2);
	locked_before[strstr(locked_before, "1717417800000 ") - locked_before] = '\0';

	/* A sync removes an episode that is scheduled later; validation loses another. */
	victim = db_scalar(db, "SELECT media_file_id FROM schedule_items WHERE kind = "
	    "'programme' AND start_ms = 1717421400000", 0);
	missing = db_scalar(db, "SELECT media_file_id FROM schedule_items WHERE kind = "
	    "'programme' AND start_ms = 1717425000000", 0);
	ck_assert(victim != 0 && missing != 0 && victim != missing);
	fx_exec(db, "DELETE FROM media_files WHERE id = %lld", (long long)victim);
	fx_exec(db, "UPDATE media_files SET validation_status = 'missing' WHERE id = %lld",
	    (long long)missing);
	ck_assert_int_gt(extend(db, ch, NOW, 24 * HOUR_MS), 0);

	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE kind NOT IN "
	    "('slate', 'next_bumper') AND media_file_id IS NULL", -1), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE start_ms >= "
	    "1717417800000 AND media_file_id IN (SELECT id FROM media_files WHERE "
	    "validation_status = 'missing')", -1), 0);
	locked_after = dump(db, ch, INT64_MIN / 2);
	locked_after[strstr(locked_after, "1717417800000 ") - locked_after] = '\0';
	ck_assert_str_eq(locked_before, locked_after);
	assert_clean(db, ch, lock, INT64_MAX);
	/* Nothing more to do: the next call is free. */
	ck_assert_int_eq(extend(db, ch, NOW, 24 * HOUR_MS), 0);
	free(locked_before);
	free(locked_after);
	db_close(&db);
}
END_TEST

START_TEST(station_ids_on_the_hour)
{
	sqlite3 *db = fx_db();
	int64_t show, ch;
	struct fine_item *it;
	size_t n, i;
	int hours = 0;

	fx_pool(db);
	show = fx_show(db, "Hourly", "TV-PG");
	for (i = 0; i < 3; i++)
		fx_episode(db, show, 1, (int)i + 1, 1320000, NULL, 0);
	ch = fx_channel(db, "17", "Asia/Kolkata", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, NOW, 12 * HOUR_MS);
	it = items_of(db, ch, &n);
	/* Kolkata is +05:30: its top of the hour is :30 UTC. */
	for (i = 1; i < n; i++) {
		if (it[i].programme_start_ms == it[i].start_ms && it[i].start_ms % HOUR_MS ==
		    30 * MIN_MS) {
			ck_assert_int_eq(it[i - 1].kind, ITEM_STATION_ID);
			hours++;
		}
		if (it[i].kind == ITEM_STATION_ID)
			ck_assert_int_eq(it[i].end_ms % HOUR_MS, 30 * MIN_MS);
	}
	ck_assert_int_ge(hours, 11);
	fine_items_free(&it, n);
	db_close(&db);
}
END_TEST

START_TEST(extend_is_idempotent)
{
	sqlite3 *db = fx_db();
	int64_t ch = standard(db);
	char *a, *b, *cause = NULL;
	int n;

	ck_assert_int_gt(extend(db, ch, NOW, 24 * HOUR_MS), 0);
	a = dump(db, ch, INT64_MIN / 2);
	ck_assert_int_eq(extend(db, ch, NOW, 24 * HOUR_MS), 0);
	ck_assert_int_eq(extend(db, ch, NOW + 10 * MIN_MS, 20 * HOUR_MS), 0);
	n = sched_extend_all(db, NOW, 24 * HOUR_MS, &cause);
	ck_assert_int_eq(n, 0);
	b = dump(db, ch, INT64_MIN / 2);
	ck_assert_str_eq(a, b);
	/* Later, it grows by what is needed, continuing seamlessly. */
	ck_assert_int_gt(extend(db, ch, NOW + 6 * HOUR_MS, 24 * HOUR_MS), 0);
	assert_clean(db, ch, 0, INT64_MAX);
	/* The director's hook. */
	ck_assert_int_eq(sched_extend_until(db, ch, now_ms() + HOUR_MS, &cause), 0);
	ck_assert_int_ge(finelog_horizon(db, ch), now_ms() + SCHED_HORIZON_MS);
	free(a);
	free(b);
	db_close(&db);
}
END_TEST

START_TEST(nothing_to_air)
{
	sqlite3 *db = fx_db();
	int64_t ch;

	/* No library at all: a slate, on time, checked. */
	ch = fx_channel(db, "18", "UTC", 30);
	extend(db, ch, NOW, 3 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE kind <> "
	    "'slate'", -1), 0);
	ck_assert_int_ge(db_scalar(db, "SELECT max(end_ms) FROM schedule_items", 0),
	    NOW + 3 * HOUR_MS);
	db_close(&db);
}
END_TEST

START_TEST(rating_limits)
{
	sqlite3 *db = fx_db();
	int64_t mild, wild, ch, movie_r;
	struct coarse_slot s;
	struct chanedit e;
	char *cause = NULL;

	fx_pool(db);
	mild = fx_show(db, "Mild", "TV-PG");
	wild = fx_show(db, "Wild", "TV-MA");
	fx_episode(db, mild, 1, 1, 1320000, NULL, 0);
	fx_episode(db, mild, 1, 2, 1320000, NULL, 0);
	fx_episode(db, wild, 1, 1, 1320000, NULL, 0);
	movie_r = fx_movie(db, "Violent Film", 90 * MIN_MS, "R", "Action");
	fx_movie(db, "Nice Film", 90 * MIN_MS, "G", "Family");
	ch = fx_channel(db, "19", "UTC", 30);
	chanedit_init(&e);
	chanedit_set_str(&e, "rating_limit", "tv-14");
	ck_assert(chanedit_update(db, ch, &e, &cause) == 0);
	/* Stored normalised. */
	ck_assert_int_eq(db_scalar(db, "SELECT content_rating_limit = 'TV-14' FROM channels", 0),
	    1);

	/* Refused up front. */
	memset(&s, 0, sizeof s);
	s.channel_id = ch;
	s.days = 0x7f;
	s.start_min = 20 * 60;
	s.end_min = 21 * 60;
	s.type = COARSE_SERIES;
	s.show_id = wild;
	s.max_level = -1;
	ck_assert_int_eq(coarse_add(db, &s, NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "Wild"));
	free(cause);
	cause = NULL;
	s.type = COARSE_MOVIE;
	s.content_id = movie_r;
	ck_assert_int_eq(coarse_add(db, &s, NULL, &cause), -1);
	free(cause);
	cause = NULL;
	/* Fill chooses only what the limit allows. */
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
	extend(db, ch, NOW, 24 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	fx_exec(db, "CREATE TEMP TABLE banned AS SELECT media_file_id AS id FROM episodes WHERE "
	    "show_id = %lld UNION SELECT %lld", (long long)wild, (long long)movie_r);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE media_file_id "
	    "IN (SELECT id FROM banned)", -1), 0);
	ck_assert_int_gt(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE kind = "
	    "'programme'", -1), 0);
	db_close(&db);
}
END_TEST

START_TEST(fill_of_named_series)
{
	sqlite3 *db = fx_db();
	int64_t a, other, ch, m;
	struct coarse_slot s;
	char *cause = NULL;
	int i;

	fx_pool(db);
	a = fx_show(db, "Named", "TV-PG");
	other = fx_show(db, "Unnamed", "TV-PG");
	for (i = 0; i < 3; i++) {
		fx_episode(db, a, 1, i + 1, 1320000, NULL, 0);
		fx_episode(db, other, 1, i + 1, 1320000, NULL, 0);
	}
	m = fx_movie(db, "Not Named", 90 * MIN_MS, "PG", "Drama");
	ch = fx_channel(db, "21", "UTC", 30);
	memset(&s, 0, sizeof s);
	s.channel_id = ch;
	s.days = 0x7f;
	s.end_min = 1440;
	s.type = COARSE_FILL;
	s.shows = &a;
	s.n_shows = 1;
	s.max_level = -1;
	ck_assert_msg(coarse_add(db, &s, NULL, &cause) == 0, "%s", cause);
	extend(db, ch, NOW, 12 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	/* "Random episodes of these series": nothing else. */
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE kind = "
	    "'programme' AND media_file_id NOT IN (SELECT media_file_id FROM episodes WHERE "
	    "show_id = 1)", -1), 0);
	ck_assert_int_gt(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE kind = "
	    "'programme'", -1), 20);
	(void)m;
	db_close(&db);
}
END_TEST

/* A thread with its own connection extending one channel. */
struct racer {
	const char *path;
	int64_t ch;
	int items;
	char *cause;
};

/* Thread body. */
static void *
race(void *arg)
{
	struct racer *r = arg;
	sqlite3 *db = NULL;

	if (db_open(r->path, 0, &db, &r->cause) != 0) {
		r->items = -1;
		return NULL;
	}
	r->items = sched_extend(db, r->ch, NOW, 48 * HOUR_MS, &r->cause);
	db_close(&db);
	return NULL;
}

START_TEST(concurrent_extends)
{
	sqlite3 *db = fx_db();
	struct racer r[4];
	pthread_t th[4];
	int64_t ch;
	char *path;
	int i, total = 0, rows;

	ch = standard(db);
	path = xstrdup(sqlite3_db_filename(db, "main"));
	for (i = 0; i < 4; i++) {
		memset(&r[i], 0, sizeof r[i]);
		r[i].path = path;
		r[i].ch = ch;
		pthread_create(&th[i], NULL, race, &r[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_msg(r[i].items >= 0, "thread %d: %s", i, r[i].cause);
		total += r[i].items;
		free(r[i].cause);
	}
	/* One of them built the log; the others found nothing to do. */
	rows = (int)db_scalar(db, "SELECT count(*) FROM schedule_items", -1);
	ck_assert_int_eq(total, rows);
	assert_clean(db, ch, 0, INT64_MAX);
	free(path);
	db_close(&db);
}
END_TEST

START_TEST(slot_length_change_realigns)
{
	sqlite3 *db = fx_db();
	int64_t ch, show;
	struct chanedit e;
	char *cause = NULL;
	int i;

	fx_pool(db);
	show = fx_show(db, "Realign", "TV-PG");
	for (i = 0; i < 4; i++)
		fx_episode(db, show, 1, i + 1, 20 * MIN_MS + i * 1000, NULL, 0);
	ch = fx_channel(db, "22", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	/* At 12:05 the 12:00 programme is locked; the rebuild starts at 12:30. */
	extend(db, ch, fx_utc(2024, 6, 3, 12, 5), 24 * HOUR_MS);
	chanedit_init(&e);
	chanedit_set_int(&e, "slot_minutes", 60);
	ck_assert(chanedit_update(db, ch, &e, &cause) == 0);
	ck_assert_msg(sched_rebuild(db, ch, fx_utc(2024, 6, 3, 12, 5), &cause) > 0, "%s", cause);
	/* 12:30 is not on the hour: the 12:00 programme's break runs on to 13:00. */
	ck_assert_int_eq(db_scalar(db, "SELECT programme_start_ms FROM schedule_items WHERE "
	    "start_ms = 1717417800000 AND kind = 'slate'", 0), 1717416000000LL);
	assert_clean(db, ch, fx_utc(2024, 6, 3, 12, 30), INT64_MAX);
	/* From 13:00 on, programmes start on the hour only. */
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE "
	    "programme_start_ms = start_ms AND start_ms >= 1717419600000 AND "
	    "start_ms % 3600000 <> 0", -1), 0);
	ck_assert_int_gt(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE "
	    "programme_start_ms = start_ms AND start_ms >= 1717419600000", -1), 20);
	db_close(&db);
}
END_TEST

START_TEST(extend_all_isolates_failures)
{
	sqlite3 *db = fx_db();
	int64_t good = standard(db), bad, also;
	char *cause = NULL;

	bad = fx_channel(db, "23", "UTC", 30);
	also = fx_channel(db, "24", "Europe/Rome", 30);
	fx_channel(db, "25", "UTC", 30);
	fx_exec(db, "UPDATE channels SET enabled = 0 WHERE number = '25'");
	/* Written by hand around the checks: a zone that does not exist. */
	fx_exec(db, "UPDATE channels SET timezone = 'Mars/Base' WHERE id = %lld", (long long)bad);
	ck_assert_int_eq(sched_extend_all(db, NOW, 6 * HOUR_MS, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "Mars/Base"));
	free(cause);
	cause = NULL;
	/* The others were built and committed; the broken one and the disabled one not. */
	ck_assert_int_ge(finelog_horizon(db, good), NOW + 6 * HOUR_MS);
	ck_assert_int_ge(finelog_horizon(db, also), NOW + 6 * HOUR_MS);
	ck_assert_int_eq(finelog_horizon(db, bad), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items s JOIN channels c ON "
	    "c.id = s.channel_id WHERE c.number = '25'", -1), 0);
	ck_assert(sqlite3_get_autocommit(db));
	assert_clean(db, good, 0, INT64_MAX);
	assert_clean(db, also, 0, INT64_MAX);
	db_close(&db);
}
END_TEST

/*
 * Every channel at once builds each channel's week beside the write of the
 * one before: the result must not depend on how the two threads ran, and
 * each channel still avoids what the channels before it air.
 */
START_TEST(extend_all_deterministic)
{
	static const char *numbers[] = { "14", "15", "16" };
	static const char *zones[] = { "UTC", "America/New_York", "Asia/Tokyo" };
	sqlite3 *db[2] = { fx_db(), fx_db() };
	int64_t ch[2][4];
	char *da, *db_, *cause = NULL;
	int k, c;

	for (k = 0; k < 2; k++) {
		ch[k][0] = standard(db[k]);
		for (c = 1; c < 4; c++) {
			ch[k][c] = fx_channel(db[k], numbers[c - 1], zones[c - 1], 30);
			fx_slot(db[k], ch[k][c], "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
		}
		ck_assert_msg(sched_extend_all(db[k], NOW, 48 * HOUR_MS, &cause) > 0, "%s", cause);
	}
	for (c = 0; c < 4; c++) {
		da = dump(db[0], ch[0][c], INT64_MIN / 2);
		db_ = dump(db[1], ch[1][c], INT64_MIN / 2);
		ck_assert_int_gt(strlen(da), 10000);
		ck_assert_str_eq(da, db_);
		assert_clean(db[0], ch[0][c], 0, INT64_MAX);
		free(da);
		free(db_);
	}
	db_close(&db[0]);
	db_close(&db[1]);
}
END_TEST

/*
 * A build that would refer to a file no longer in the database (a library
 * loaded before a sync removed it) is refused and rolled back: SQLite
 * checks the fine log's references only at commit, so the scheduler counts
 * them itself after each channel.
 */
START_TEST(stale_library_refused)
{
	sqlite3 *db = fx_db();
	int64_t ch = standard(db), other = fx_channel(db, "14", "UTC", 30);
	struct schedlib *lib = NULL;
	char *cause = NULL;
	int n;

	fx_slot(db, other, "daily", "00:00", "24:00", COARSE_FILL, 0, 0);
	ck_assert(schedlib_load(db, &lib, &cause) == 0);
	/* The commercials go: programmes (and their airings) could still be written. */
	fx_exec(db, "DELETE FROM media_files WHERE id IN (SELECT media_file_id FROM "
	    "content_scheduling_metadata WHERE content_type = 'commercial')");
	ck_assert_int_eq(sched_extend_lib(db, lib, ch, NOW, 6 * HOUR_MS, &cause), -1);
	ck_assert_msg(strstr(cause, "channel 13") != NULL &&
	    strstr(cause, "not in the database") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	/* The programmes' files too: the airings' own (immediate) check refuses it. */
	fx_exec(db, "DELETE FROM media_files WHERE id IN (SELECT media_file_id FROM episodes)");
	ck_assert_int_eq(sched_extend_lib(db, lib, ch, NOW, 6 * HOUR_MS, &cause), -1);
	ck_assert_msg(strstr(cause, "channel 13") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(finelog_horizon(db, ch), 0);
	ck_assert(sqlite3_get_autocommit(db));
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM pragma_foreign_key_check", -1), 0);
	/* With the library as it is now, the same channel builds. */
	n = sched_extend(db, ch, NOW, 6 * HOUR_MS, &cause);
	ck_assert_msg(n > 0, "%s", cause);
	assert_clean(db, ch, 0, INT64_MAX);
	schedlib_free(&lib);
	db_close(&db);
}
END_TEST

/* The checker finds what is wrong in a log built by hand. */
static void
expect_problem(const struct schedlib *lib, const struct sched_channel *ch,
    const struct fine_item *items, size_t n, const char *what)
{
	char *report = NULL;
	int problems = schedcheck_items(lib, ch, items, n, &report);

	ck_assert_msg(problems > 0, "no problem found; wanted '%s'", what);
	ck_assert_msg(strstr(report, what) != NULL, "report lacks '%s':\n%s", what, report);
	free(report);
}

/* Set an item. */
static void
set(struct fine_item *it, int64_t start, int64_t dur, enum item_kind kind, int64_t media,
    int64_t in, int64_t prog, int act)
{
	memset(it, 0, sizeof *it);
	it->start_ms = start;
	it->end_ms = start + dur;
	it->kind = kind;
	it->media_file_id = media;
	it->in_ms = in;
	it->out_ms = in + dur;
	it->programme_start_ms = prog;
	it->act = act;
}

START_TEST(checker_catches_broken_logs)
{
	sqlite3 *db = fx_db();
	int64_t show, ep, spot_a, spot_b, spot_c, old, racy, ch, t = fx_utc(2024, 6, 3, 20, 0);
	struct fine_item good[8], bad[8];
	struct schedlib *lib;
	struct sched_channel sc;
	struct chanedit e;
	char *cause = NULL, *report = NULL;

	show = fx_show(db, "Checked", "TV-PG");
	ep = fx_episode(db, show, 1, 1, 1320000, NULL, 0);
	spot_a = fx_clip(db, "commercial", 30000, "Same Co", "food", NULL, NULL, NULL);
	spot_b = fx_clip(db, "commercial", 30000, "Same Co", "cars", NULL, NULL, NULL);
	spot_c = fx_clip(db, "commercial", 30000, "Other Co", "food", NULL, NULL, NULL);
	old = fx_clip(db, "commercial", 30000, "Old Co", "old", NULL, "2020-01-01", NULL);
	racy = fx_clip(db, "commercial", 30000, "Racy Co", "racy", NULL, NULL, "TV-MA");
	ch = fx_channel(db, "20", "UTC", 30);
	chanedit_init(&e);
	chanedit_set_str(&e, "rating_limit", "TV-PG");
	ck_assert(chanedit_update(db, ch, &e, &cause) == 0);
	ck_assert(schedlib_load(db, &lib, &cause) == 0);
	ck_assert(schedlib_channel(db, lib, ch, &sc, &cause) == 0);

	/* A good half hour: act, pod, act, slate to the boundary. */
	set(&good[0], t, 660000, ITEM_PROGRAMME, ep, 0, t, 1);
	set(&good[1], t + 660000, 30000, ITEM_COMMERCIAL, spot_a, 0, t, 0);
	set(&good[2], t + 690000, 30000, ITEM_COMMERCIAL, spot_c + 0 * spot_b, 0, t, 0);
	set(&good[3], t + 720000, 660000, ITEM_PROGRAMME, ep, 660000, t, 2);
	set(&good[4], t + 1380000, 420000, ITEM_SLATE, 0, 0, t, 0);
	set(&good[5], t + 1800000, 30000, ITEM_COMMERCIAL, spot_b, 0, t + 1800000, 0);
	set(&good[6], t + 1830000, 1770000, ITEM_SLATE, 0, 0, t + 1800000, 0);
	/* spot_a and spot_c share a category: fix the good log with spot_b. */
	good[2].media_file_id = spot_b;
	good[2].media_file_id = fx_clip(db, "commercial", 30000, "Third Co", "toys", NULL, NULL,
	    NULL);
	schedlib_free(&lib);
	ck_assert(schedlib_load(db, &lib, &cause) == 0);
	ck_assert_int_eq(schedcheck_items(lib, &sc, good, 7, &report), 0);
	ck_assert_ptr_null(report);

	memcpy(bad, good, sizeof good);
	bad[4].start_ms += 1000;
	bad[4].in_ms += 1000;
	expect_problem(lib, &sc, bad, 7, "gap of 1000 ms");

	memcpy(bad, good, sizeof good);
	bad[1].end_ms += 500;
	bad[1].out_ms += 500;
	expect_problem(lib, &sc, bad, 7, "overlaps");

	memcpy(bad, good, sizeof good);
	bad[4].out_ms -= 10;
	expect_problem(lib, &sc, bad, 7, "of its source");

	memcpy(bad, good, sizeof good);
	bad[5].start_ms = bad[5].programme_start_ms = t + 1800000 + 5000;
	bad[5].end_ms += 5000;
	bad[4].end_ms += 5000;
	bad[4].out_ms += 5000;
	bad[6].programme_start_ms = bad[5].programme_start_ms;
	bad[6].start_ms += 5000;
	bad[6].in_ms += 5000;
	expect_problem(lib, &sc, bad, 7, "off the 30-minute boundaries");

	memcpy(bad, good, sizeof good);
	bad[4].media_file_id = spot_a;
	expect_problem(lib, &sc, bad, 7, "a slate with a media file");

	memcpy(bad, good, sizeof good);
	bad[0].media_file_id = 0;
	expect_problem(lib, &sc, bad, 7, "a programme with no media file");

	memcpy(bad, good, sizeof good);
	bad[1].media_file_id = racy;
	expect_problem(lib, &sc, bad, 7, "above the limit");

	memcpy(bad, good, sizeof good);
	bad[1].media_file_id = old;
	expect_problem(lib, &sc, bad, 7, "has expired");

	memcpy(bad, good, sizeof good);
	bad[1].media_file_id = spot_b;
	bad[2].media_file_id = spot_a;
	expect_problem(lib, &sc, bad, 7, "two commercials of Same Co");

	memcpy(bad, good, sizeof good);
	bad[1].media_file_id = spot_a;
	bad[2].media_file_id = spot_c;
	expect_problem(lib, &sc, bad, 7, "two food commercials");

	memcpy(bad, good, sizeof good);
	bad[3].in_ms = 700000;
	bad[3].out_ms = 1360000;
	expect_problem(lib, &sc, bad, 7, "expected act 2 from 660000");

	memcpy(bad, good, sizeof good);
	bad[0].end_ms = t + 60000;
	bad[0].out_ms = 60000;
	bad[1].start_ms = t + 60000;
	bad[1].end_ms = t + 90000;
	bad[2].start_ms = t + 90000;
	bad[2].end_ms = t + 120000;
	bad[3].start_ms = t + 120000;
	bad[3].in_ms = 60000;
	bad[3].end_ms = t + 120000 + 1260000;
	bad[3].out_ms = 1320000;
	bad[4].start_ms = t + 1380000;
	expect_problem(lib, &sc, bad, 7, "within 120 s of the programme's start");

	memcpy(bad, good, sizeof good);
	bad[3].out_ms = 1330000;
	bad[3].end_ms += 10000;
	bad[4].start_ms += 10000;
	bad[4].out_ms -= 10000;
	expect_problem(lib, &sc, bad, 7, "plays to 1330000 ms of a 1320000 ms file");

	memcpy(bad, good, sizeof good);
	bad[0].media_file_id = spot_a;
	expect_problem(lib, &sc, bad, 7, "which is not one");

	memcpy(bad, good, sizeof good);
	bad[3].end_ms -= 60000;
	bad[3].out_ms -= 60000;
	bad[4].start_ms -= 60000;
	bad[4].out_ms += 60000;
	expect_problem(lib, &sc, bad, 7, "stops at 1260000 ms of 1320000");

	schedlib_channel_clear(&sc);
	schedlib_free(&lib);
	db_close(&db);
}
END_TEST

/* A guide channel: one generated "Program Guide" item per slot, checked, kept. */
START_TEST(guide_channel_log)
{
	sqlite3 *db = fx_db();
	int64_t show, ep, reg, gch, t = fx_utc(2024, 6, 3, 20, 0);
	struct fine_item *items, bad[3];
	struct guide_programme *progs;
	struct schedlib *lib;
	struct sched_channel sc;
	struct chanedit e;
	char *cause = NULL, *report = NULL;
	size_t n, np, i;
	int problems;

	show = fx_show(db, "Listed", "TV-PG");
	ep = fx_episode(db, show, 1, 1, 1320000, NULL, 0);
	reg = fx_channel(db, "2", "UTC", 30);
	fx_slot(db, reg, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	gch = fx_channel(db, "1", "UTC", 30);
	chanedit_init(&e);
	chanedit_set_str(&e, "channel_type", "guide");
	chanedit_set_str(&e, "guide_source", "2");
	chanedit_set_int(&e, "guide_hours", 3);
	ck_assert_msg(chanedit_update(db, gch, &e, &cause) == 0, "%s", cause);
	ck_assert_int_eq(db_scalar(db, "SELECT guide_source_id FROM channels WHERE number = '1'",
	    0), reg);

	/* A guide cannot show itself or another guide. */
	chanedit_init(&e);
	chanedit_set_str(&e, "guide_source", "1");
	ck_assert(chanedit_update(db, gch, &e, &cause) != 0);
	ck_assert_msg(strstr(cause, "guide channel") != NULL, "%s", cause);
	freep(&cause);
	chanedit_set_str(&e, "guide_source", "9");
	ck_assert(chanedit_update(db, gch, &e, &cause) != 0);
	freep(&cause);
	chanedit_init(&e);
	chanedit_set_str(&e, "channel_type", "news");
	ck_assert(chanedit_check(&e, &cause) != 0);
	freep(&cause);

	ck_assert_int_gt(extend(db, gch, NOW, 3 * HOUR_MS), 0);
	assert_clean(db, gch, 0, INT64_MAX);
	items = items_of(db, gch, &n);
	ck_assert_uint_ge(n, 6);
	for (i = 0; i < n; i++) {
		ck_assert(fine_item_is_guide(&items[i]));
		ck_assert(items[i].file_path == NULL);
		ck_assert_int_eq(items[i].end_ms - items[i].start_ms, 30 * MIN_MS);
		ck_assert_int_eq(items[i].programme_start_ms, items[i].start_ms);
		ck_assert_int_eq(items[i].start_ms % (30 * MIN_MS), 0);
		if (i > 0)
			ck_assert_int_eq(items[i].start_ms, items[i - 1].end_ms);
	}
	ck_assert_int_le(items[0].start_ms, NOW);
	ck_assert_int_ge(items[n - 1].end_ms, NOW + 3 * HOUR_MS);
	fine_items_free(&items, n);

	/* Its generated items are not "damaged": extending again does nothing. */
	ck_assert_int_eq(extend(db, gch, NOW + MIN_MS, 3 * HOUR_MS), 0);
	ck_assert_int_gt(sched_rebuild(db, gch, NOW, &cause), 0);
	assert_clean(db, gch, 0, INT64_MAX);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE channel_id = "
	    "1 AND media_file_id IS NOT NULL", -1), 0);

	/* The XMLTV guide lists it by title. */
	ck_assert(guide_programmes(db, gch, NOW, NOW + HOUR_MS, &progs, &np, &cause) == 0);
	ck_assert_uint_ge(np, 2);
	ck_assert_str_eq(progs[0].title, GUIDE_ITEM_TITLE);
	guide_programmes_free(&progs, np);

	/* The checker: guide items only on a guide channel, gaps still caught. */
	ck_assert(schedlib_load(db, &lib, &cause) == 0);
	ck_assert(schedlib_channel(db, lib, reg, &sc, &cause) == 0);
	ck_assert(!sc.guide);
	set(&bad[0], t, 30 * MIN_MS, GUIDE_ITEM_KIND, 0, 0, t, 0);
	bad[0].title = (char *)GUIDE_ITEM_TITLE;
	problems = schedcheck_items(lib, &sc, bad, 1, &report);
	ck_assert_int_eq(problems, 1);
	ck_assert_msg(strstr(report, "guide item on a regular channel") != NULL, "%s", report);
	freep(&report);
	schedlib_channel_clear(&sc);
	ck_assert(schedlib_channel(db, lib, gch, &sc, &cause) == 0);
	ck_assert(sc.guide);
	set(&bad[1], t + 31 * MIN_MS, 29 * MIN_MS, GUIDE_ITEM_KIND, 0, 0, t + 31 * MIN_MS, 0);
	bad[1].title = (char *)GUIDE_ITEM_TITLE;
	set(&bad[2], t + 60 * MIN_MS, 30 * MIN_MS, ITEM_PROGRAMME, 0, 0, t + 60 * MIN_MS, 1);
	bad[2].title = (char *)"Something else";
	ck_assert_int_eq(schedcheck_items(lib, &sc, bad, 1, NULL), 0);
	problems = schedcheck_items(lib, &sc, bad, 3, &report);
	ck_assert_msg(problems == 3, "%d:\n%s", problems, report);
	ck_assert(strstr(report, "gap of") != NULL);
	ck_assert(strstr(report, "off the 30-minute boundaries") != NULL);
	ck_assert(strstr(report, "a programme with no media file") != NULL);
	freep(&report);
	schedlib_channel_clear(&sc);
	schedlib_free(&lib);
	(void)ep;
	db_close(&db);
}
END_TEST

START_TEST(coarse_parsing_and_matching)
{
	struct coarse_slot s[3];
	char buf[64], *cause = NULL;
	int mask, m;

	ck_assert(coarse_parse_days("mon-fri", &mask, &cause) == 0 && mask == 0x3e);
	ck_assert(coarse_parse_days("Sat,Sun", &mask, &cause) == 0 && mask == 0x41);
	ck_assert(coarse_parse_days("fri-mon", &mask, &cause) == 0 && mask == 0x63);
	ck_assert(coarse_parse_days("tuesday", &mask, &cause) == 0 && mask == 0x04);
	ck_assert(coarse_parse_days("daily", &mask, &cause) == 0 && mask == 0x7f);
	ck_assert_int_eq(coarse_parse_days("mon-blursday", &mask, &cause), -1);
	free(cause);
	ck_assert_str_eq(coarse_format_days(0x3e, buf, sizeof buf), "Mon-Fri");
	ck_assert_str_eq(coarse_format_days(0x2a, buf, sizeof buf), "Mon,Wed,Fri");
	ck_assert_str_eq(coarse_format_days(0x1c, buf, sizeof buf), "Tue-Thu");
	ck_assert_str_eq(coarse_format_days(0x7f, buf, sizeof buf), "daily");
	ck_assert(coarse_parse_time("24:00", &m) == 0 && m == 1440);
	ck_assert(coarse_parse_time("7:05", &m) == 0 && m == 425);
	ck_assert_int_eq(coarse_parse_time("24:01", &m), -1);
	ck_assert_int_eq(coarse_parse_time("12:60", &m), -1);
	ck_assert_int_eq(coarse_parse_time("noon", &m), -1);
	ck_assert_int_eq(coarse_daypart_parse("evening"), DAYPART_PRIME);
	ck_assert_int_eq(coarse_daypart_at(23 * 60 + 30), DAYPART_LATE_NIGHT);
	ck_assert_int_eq(coarse_daypart_at(5 * 60), DAYPART_LATE_NIGHT);
	ck_assert_int_eq(coarse_daypart_at(6 * 60), DAYPART_MORNING);

	memset(s, 0, sizeof s);
	/* A fill all day, a weekday series 20:00-21:00, a late show Fri 23:00-02:00. */
	s[0].id = 1, s[0].days = 0x7f, s[0].start_min = 0, s[0].end_min = 1440;
	s[0].type = COARSE_FILL, s[0].priority = 5;
	s[1].id = 2, s[1].days = 0x3e, s[1].start_min = 1200, s[1].end_min = 1260;
	s[1].type = COARSE_SERIES;
	s[2].id = 3, s[2].days = 0x20, s[2].start_min = 1380, s[2].end_min = 120;
	s[2].type = COARSE_SERIES;
	ck_assert(coarse_match(s, 3, 1, 1200) == &s[1]);        /* Monday 20:00 */
	ck_assert(coarse_match(s, 3, 0, 1200) == &s[0]);        /* Sunday 20:00 */
	ck_assert(coarse_match(s, 3, 1, 1260) == &s[0]);        /* end is exclusive */
	ck_assert(coarse_match(s, 3, 5, 1400) == &s[2]);        /* Friday 23:20 */
	ck_assert(coarse_match(s, 3, 6, 90) == &s[2]);          /* Saturday 01:30 */
	ck_assert(coarse_match(s, 3, 6, 120) == &s[0]);
	ck_assert(coarse_match(s, 2, 4, 90) == &s[0]);
	ck_assert(coarse_match(s, 0, 4, 90) == NULL);
}
END_TEST

/* Parse a slot option as typed, or fail. */
static void
slot_opt(struct coarse_slot *s, const char *name, const char *text)
{
	const struct coarse_opt *o;
	char *cause = NULL;

	for (o = coarse_opts; o < coarse_opts + ncoarse_opts && strcmp(o->name, name) != 0; o++)
		;
	ck_assert_msg(o < coarse_opts + ncoarse_opts, "option %s", name);
	ck_assert_msg(coarse_opt_parse(o, text, s, &cause) == 0, "%s '%s': %s", name, text, cause);
}

START_TEST(slot_options_round_trip)
{
	sqlite3 *db = fx_db();
	int64_t ch = fx_channel(db, "4", "UTC", 30), show = fx_show(db, "Cheers", "TV-PG"), id;
	struct coarse_slot s, *list = NULL;
	const struct coarse_opt *o, *p;
	char *cause = NULL;
	json_t *j;
	size_t n = 0;

	fx_episode(db, show, 1, 1, 1320000, NULL, 0);
	/* Every option has a flag, a name and help, and each its own. */
	for (o = coarse_opts; o < coarse_opts + ncoarse_opts; o++) {
		ck_assert(o->flag != NULL && o->name != NULL && o->help != NULL);
		for (p = o + 1; p < coarse_opts + ncoarse_opts; p++)
			ck_assert(strcmp(o->flag, p->flag) != 0 && strcmp(o->name, p->name) != 0);
	}
	memset(&s, 0, sizeof s);
	s.channel_id = ch;
	s.days = 0x7f;
	s.start_min = 600;
	s.end_min = 630;
	s.type = COARSE_SERIES;
	s.show_id = show;
	slot_opt(&s, "genre", "Comedy");
	slot_opt(&s, "max_rating", "TV-PG");
	slot_opt(&s, "priority", "-3");
	slot_opt(&s, "dates", "10-25..10-31");
	slot_opt(&s, "marathon", NULL);
	slot_opt(&s, "chance", "40");
	slot_opt(&s, "start_at", "S02E05");
	ck_assert_int_eq(s.own_position, 1);           /* --start-at gives --own-position */
	ck_assert_int_eq(coarse_opt_check(&s, 1, &cause), 0);
	ck_assert_msg(coarse_add(db, &s, &id, &cause) == 0, "%s", cause);
	/* Stored as it always was. */
	ck_assert_int_eq(db_scalar(db, "SELECT rule = '{\"chance\":40,\"dates\":\"10-25..10-31\","
	    "\"from\":\"S02E05\",\"genre\":\"Comedy\",\"marathon\":true,\"max_rating\":"
	    "\"TV-PG\",\"position\":\"own\"}' AND priority = -3 FROM schedules", 0), 1);
	coarse_slot_clear(&s);
	ck_assert(coarse_load(db, ch, &list, &n, &cause) == 0 && n == 1);
	ck_assert_str_eq(list[0].genre, "Comedy");
	ck_assert_int_eq(list[0].max_level, rating_level("TV-PG"));
	ck_assert_int_eq(list[0].chance, 40);
	ck_assert_int_eq(list[0].from_season * 100 + list[0].from_episode, 205);
	ck_assert_int_eq(list[0].dates.n, 1);
	j = xjson_pack("{s:I}", "id", (json_int_t)list[0].id);
	coarse_opt_json(&list[0], j);
	ck_assert(json_is_true(json_object_get(j, "marathon")));
	ck_assert(json_is_false(json_object_get(j, "movies_only")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "start_at")), "S02E05");
	json_decref(j);
	coarse_free(&list, n);

	/* From JSON; what goes together, and what is not a value, refused by name. */
	memset(&s, 0, sizeof s);
	j = xjson_pack("{s:b, s:s, s:i}", "episodes_only", 1, "genre", "Drama", "priority", 4);
	ck_assert(coarse_opt_from_json(j, &s, &cause) == 0);
	ck_assert_int_eq(s.kinds, COARSE_KIND_EPISODES);
	ck_assert_int_eq(s.priority, 4);
	json_decref(j);
	coarse_slot_clear(&s);
	j = xjson_pack("{s:i}", "chance", 30);
	ck_assert(coarse_opt_from_json(j, &s, &cause) == 0);
	ck_assert(coarse_opt_check(&s, 1, &cause) != 0);
	ck_assert_str_eq(cause, "--chance goes with --marathon");
	freep(&cause);
	json_decref(j);
	j = xjson_pack("{s:s}", "max_rating", "XX");
	ck_assert(coarse_opt_from_json(j, &s, &cause) != 0);
	ck_assert_str_eq(cause, "max_rating: 'XX' is not a rating like TV-PG");
	freep(&cause);
	json_decref(j);
	j = xjson_pack("{s:i}", "priority", 5000);
	ck_assert(coarse_opt_from_json(j, &s, &cause) != 0);
	freep(&cause);
	json_decref(j);
	coarse_slot_clear(&s);
	db_close(&db);
}
END_TEST

START_TEST(demo_channels)
{
	sqlite3 *db = fx_db();
	int64_t shows[2], m2[2] = { 80000, 160000 }, ch;
	char *cause = NULL;
	int i, j;

	/* A small demo-like library of type 'demo'. */
	fx_exec(db, "INSERT INTO content_sources (source_type, source_name) VALUES ('demo', "
	    "'Retrovue demo')");
	for (i = 0; i < 2; i++) {
		shows[i] = fx_show(db, i ? "Demo B" : "Demo A", "TV-PG");
		for (j = 0; j < 3; j++)
			fx_episode(db, shows[i], 1, j + 1, (180 + 60 * j + i * 30) * 1000LL, m2, 2);
	}
	fx_movie(db, "Demo Movie", 11 * MIN_MS + 400, "PG", "Drama");
	for (i = 0; i < 12; i++) {
		char co[16], cat[16];

		snprintf(co, sizeof co, "Co %d", i);
		snprintf(cat, sizeof cat, "cat %d", i % 6);
		fx_clip(db, "commercial", i % 2 ? 30000 : 15000, co, cat, NULL, NULL, NULL);
	}
	for (i = 0; i < 4; i++)
		fx_clip(db, "bumper", 5000, NULL, NULL, NULL, NULL, NULL);
	fx_exec(db, "UPDATE content_scheduling_metadata SET scheduling_notes = CASE WHEN "
	    "media_file_id %% 2 THEN 'break-in' ELSE 'break-out' END WHERE content_type = 'bumper'");
	fx_clip(db, "station_id", 10000, NULL, NULL, NULL, NULL, NULL);
	fx_exec(db, "UPDATE media_files SET source_type = 'demo'");
	fx_exec(db, "UPDATE shows SET source_type = 'demo'");

	ck_assert_msg(scheddemo_setup(db, NOW, NULL, &cause) == 4, "%s", cause);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM channels", 0), 4);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM channels WHERE slot_minutes = 5 AND "
	    "width = 640 AND height = 360", 0), 3);
	/* Channel 1, the guide: generated listings, channel 2 in its box. */
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM channels WHERE number = '1' AND "
	    "channel_type = 'guide' AND guide_source_id = 1 AND guide_hours = 1", 0), 1);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE channel_id = 4 "
	    "AND (media_file_id IS NOT NULL OR title <> 'Program Guide')", -1), 0);
	for (ch = 1; ch <= 4; ch++) {
		assert_clean(db, ch, 0, INT64_MAX);
		ck_assert_int_ge(finelog_horizon(db, ch), NOW + 47 * HOUR_MS);
	}
	/* Within half an hour of starting, channel 2 shows all of it. */
	ck_assert_int_gt(db_scalar(db, "SELECT count(DISTINCT kind) FROM schedule_items WHERE "
	    "channel_id = 1 AND start_ms < 1717417500000 AND kind IN ('programme', 'commercial', "
	    "'bumper', 'station_id')", 0), 3);
	ck_assert_int_gt(db_scalar(db, "SELECT count(*) FROM schedule_items WHERE channel_id = 2 "
	    "AND kind = 'programme'", 0), 0);
	/* Run again: the same four channels. */
	ck_assert_msg(scheddemo_setup(db, NOW, NULL, &cause) == 4, "%s", cause);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM channels", 0), 4);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedules", 0), 6);     /* and the holiday matinee */
	/* A channel of the operator's in the way: refused, nothing changed. */
	fx_exec(db, "UPDATE channels SET description = 'mine' WHERE number = '3'");
	ck_assert_int_eq(scheddemo_setup(db, NOW, NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "channel 3"));
	free(cause);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM schedules", 0), 6);
	/* The operator's own channel 1: the demo goes on without its guide. */
	fx_exec(db, "UPDATE channels SET description = 'Retrovue demo channel' WHERE number = '3'");
	fx_exec(db, "UPDATE channels SET description = 'mine', channel_type = 'regular' "
	    "WHERE number = '1'");
	ck_assert_msg(scheddemo_setup(db, NOW, NULL, &cause) == 3, "%s", cause);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM channels WHERE number = '1' AND "
	    "description = 'mine'", 0), 1);
	db_close(&db);
}
END_TEST

START_TEST(demo_needs_library)
{
	sqlite3 *db = fx_db();
	char *cause = NULL;

	ck_assert_int_eq(scheddemo_setup(db, NOW, NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "demo library"));
	free(cause);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM channels", -1), 0);
	db_close(&db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("sched");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, on_time_at_odd_lengths);
	tcase_add_test(tc, breaks_at_markers);
	tcase_add_test(tc, breaks_from_every_source);
	tcase_add_test(tc, credits_in_a_tight_slot);
	tcase_add_test(tc, pod_rules);
	tcase_add_test(tc, rotation_fair_no_repeat_within_hour);
	tcase_add_test(tc, movie_spans_slots);
	tcase_add_test(tc, locked_window);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, dst_changes);
	tcase_add_test(tc, series_continue);
	tcase_add_test(tc, removed_content_replaced);
	tcase_add_test(tc, station_ids_on_the_hour);
	tcase_add_test(tc, extend_is_idempotent);
	tcase_add_test(tc, nothing_to_air);
	tcase_add_test(tc, rating_limits);
	tcase_add_test(tc, fill_of_named_series);
	tcase_add_test(tc, concurrent_extends);
	tcase_add_test(tc, extend_all_isolates_failures);
	tcase_add_test(tc, extend_all_deterministic);
	tcase_add_test(tc, stale_library_refused);
	tcase_add_test(tc, slot_length_change_realigns);
	tcase_add_test(tc, checker_catches_broken_logs);
	tcase_add_test(tc, guide_channel_log);
	tcase_add_test(tc, coarse_parsing_and_matching);
	tcase_add_test(tc, slot_options_round_trip);
	tcase_add_test(tc, demo_channels);
	tcase_add_test(tc, demo_needs_library);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
