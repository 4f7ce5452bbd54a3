/*
 * test_era.c: commercials and bumpers of their time (src/era.c, the
 * scheduler's pools in src/sched.c, its checker in src/schedcheck.c): the
 * era as typed and stored, the production year from each place it may
 * come from, a channel's era and each programme's decade preferred in
 * its breaks (with the pod rules still holding, and any era filling in
 * when the era has nothing that fits), bumpers of a series in that
 * series' breaks first and nowhere else, and the checker catching each
 * rule broken by hand.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/chanedit.h"
#include "src/channels.h"
#include "src/content.h"
#include "src/era.h"
#include "src/library.h"
#include "src/sched.h"
#include "src/schedcheck.h"
#include "src/schedlib.h"
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

/* A clip of a year (0: none) set by hand. */
static int64_t
clip_of(sqlite3 *db, const char *type, int64_t ms, const char *company, const char *category,
    int year)
{
	int64_t id = fx_clip(db, type, ms, company, category, NULL, NULL, NULL);

	if (year > 0)
		fx_exec(db, "UPDATE content_scheduling_metadata SET production_year = %d WHERE "
		    "media_file_id = %lld", year, (long long)id);
	return id;
}

/* A bumper of a series (NULL: none) and a side of the break ("out", "in", NULL). */
static int64_t
bumper_of(sqlite3 *db, int64_t ms, const char *side, const char *series, int year)
{
	int64_t id = fx_clip(db, "bumper", ms, NULL, side, NULL, NULL, NULL);

	if (series != NULL)
		fx_exec(db, "UPDATE content_scheduling_metadata SET series_title = '%s' WHERE "
		    "media_file_id = %lld", series, (long long)id);
	if (year > 0)
		fx_exec(db, "UPDATE content_scheduling_metadata SET production_year = %d WHERE "
		    "media_file_id = %lld", year, (long long)id);
	return id;
}

/* Eight commercials of a year: eight companies and categories, 15 and 30 s. */
static void
spots_of(sqlite3 *db, int year, const char *tag)
{
	char company[64], category[64];
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(company, sizeof company, "%s company %d", tag, i);
		snprintf(category, sizeof category, "%s category %d", tag, i);
		clip_of(db, "commercial", i % 2 ? 15000 : 30000, company, category, year);
	}
}

/* A series of n episodes that aired in year; returns its id. */
static int64_t
series_of(sqlite3 *db, const char *title, int year, int n)
{
	int64_t show = fx_show(db, title, NULL), marks[2] = { 7 * MIN_MS, 14 * MIN_MS }, id;
	int i;

	for (i = 1; i <= n; i++) {
		id = fx_episode(db, show, 1, i, 22 * MIN_MS, marks, 2);
		fx_exec(db, "UPDATE episodes SET air_date = '%d-10-%02d' WHERE media_file_id = %lld",
		    year, i, (long long)id);
	}
	return show;
}

/* A channel's fine log as text: start, kind and file of each item. */
static char *
log_text(sqlite3 *db, int64_t ch)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT group_concat(start_ms || ':' || kind || ':' || "
	    "coalesce(media_file_id, 0), ',') FROM (SELECT * FROM schedule_items WHERE "
	    "channel_id = ?1 ORDER BY start_ms)", NULL);
	char *text;

	sqlite3_bind_int64(st, 1, ch);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	text = xstrdup(db_text(st, 0));
	sqlite3_finalize(st);
	return text;
}

/* The checker's note on what the era came to (NULL: nothing to say). */
static char *
era_note(sqlite3 *db, int64_t ch)
{
	char *note = NULL, *cause = NULL;

	ck_assert_msg(schedcheck_era_note(db, ch, 0, INT64_MAX, &note, &cause) == 0, "%s", cause);
	return note;
}

/* Set a channel's era as typed. */
static void
set_era(sqlite3 *db, int64_t ch, const char *era)
{
	struct chanedit e;
	char *cause = NULL;

	chanedit_init(&e);
	chanedit_set_str(&e, "era", era);
	ck_assert_msg(chanedit_update(db, ch, &e, &cause) == 0, "%s", cause);
}

/* The checker's report on a stored range, with at least one problem. */
static char *
broken(sqlite3 *db, int64_t ch, int64_t from, int64_t to)
{
	char *report = NULL, *cause = NULL;
	int problems = schedcheck_channel(db, ch, from, to, &report, &cause);

	ck_assert_msg(problems > 0, "the checker found nothing (%s)", cause ? cause : "");
	return report;
}

START_TEST(era_as_typed)
{
	static const struct {
		const char *in, *stored;
		int lo, hi, programme;
	} good[] = {
		{ "1980-1989", "1980-1989", 1980, 1989, 0 },
		{ "1980s", "1980-1989", 1980, 1989, 0 },
		{ "1987", "1987-1987", 1987, 1987, 0 },
		{ "1975-1992", "1975-1992", 1975, 1992, 0 },
		{ "programme", "programme", 0, 0, 1 },
		{ "Program", "programme", 0, 0, 1 },
		{ "none", "", 0, 0, 0 },
		{ "", "", 0, 0, 0 },
	};
	static const char *bad[] = { "1989-1980", "198O-1989", "1985s", "80s", "1700-1800",
	    "1980-", "-1989", "1980-1989-1990", "sixties", "19800" };
	struct era e;
	char buf[32], *cause = NULL;
	sqlite3 *db = fx_db();
	struct chanedit ed;
	int64_t ch;
	int lo, hi;
	size_t i;

	for (i = 0; i < nitems(good); i++) {
		ck_assert_msg(era_parse(good[i].in, &e, &cause) == 0, "%s: %s", good[i].in, cause);
		ck_assert_int_eq(e.lo, good[i].lo);
		ck_assert_int_eq(e.hi, good[i].hi);
		ck_assert_int_eq(e.programme, good[i].programme);
		ck_assert_str_eq(era_format(&e, buf, sizeof buf), good[i].stored);
	}
	for (i = 0; i < nitems(bad); i++) {
		ck_assert_msg(era_parse(bad[i], &e, &cause) == -1, "%s was taken", bad[i]);
		ck_assert_ptr_nonnull(strstr(cause, "era '"));
		freep(&cause);
		ck_assert_int_eq(e.lo, 0);
	}
	/* A break's years: the channel's, or the programme's decade. */
	era_parse("programme", &e, NULL);
	ck_assert_int_eq(era_range(&e, 1987, &lo, &hi), 1);
	ck_assert_int_eq(lo, 1980);
	ck_assert_int_eq(hi, 1989);
	ck_assert_int_eq(era_range(&e, 0, &lo, &hi), 0);
	era_parse("1975-1992", &e, NULL);
	ck_assert_int_eq(era_range(&e, 2004, &lo, &hi), 1);
	ck_assert_int_eq(lo, 1975);
	era_parse("none", &e, NULL);
	ck_assert_int_eq(era_range(&e, 1987, &lo, &hi), 0);

	/* The channel setting: checked, stored in its one form, read by the scheduler. */
	ch = fx_channel(db, "4", "UTC", 30);
	set_era(db, ch, "1980s");
	ck_assert_int_eq(q(db, "SELECT era = '1980-1989' FROM channels WHERE id = %lld",
	    (long long)ch), 1);
	set_era(db, ch, "program");
	ck_assert_int_eq(q(db, "SELECT era = 'programme' FROM channels WHERE id = %lld",
	    (long long)ch), 1);
	chanedit_init(&ed);
	chanedit_set_str(&ed, "era", "1990-1980");
	ck_assert_int_eq(chanedit_update(db, ch, &ed, &cause), -1);
	ck_assert_msg(strstr(cause, "ends before it starts") != NULL, "%s", cause);
	freep(&cause);
	ck_assert_int_eq(q(db, "SELECT era = 'programme' FROM channels WHERE id = %lld",
	    (long long)ch), 1);
	set_era(db, ch, "");
	ck_assert_int_eq(q(db, "SELECT era IS NULL FROM channels WHERE id = %lld", (long long)ch),
	    1);
	db_close(&db);
}
END_TEST

START_TEST(production_year_and_series_from_each_source)
{
	sqlite3 *db = fx_db();
	struct schedlib *lib = NULL;
	struct library *l;
	struct lib_origin o = { .source_type = "tmm" };
	struct lib_item li;
	struct lib_sched sch;
	enum lib_result res;
	int64_t show, old, ep, movie, hand, imported = 0, cheers, named, yeared, lost, other;
	char *cause = NULL, *pairs[3];
	int changed;

	show = fx_show(db, "Cheers", NULL);
	fx_exec(db, "UPDATE shows SET year = 1982 WHERE id = %lld", (long long)show);
	ep = fx_episode(db, show, 1, 1, 22 * MIN_MS, NULL, 0);      /* aired 1987-09-.. */
	old = fx_episode(db, show, 1, 2, 22 * MIN_MS, NULL, 0);
	fx_exec(db, "UPDATE episodes SET air_date = NULL WHERE media_file_id = %lld",
	    (long long)old);
	movie = fx_movie(db, "Film", 90 * MIN_MS, NULL, NULL);      /* 1984 */
	hand = clip_of(db, "commercial", 30000, "A", "a", 0);

	/* An importer's year: media_files.production_year, for a clip too. */
	ck_assert_ptr_nonnull(l = library_new(db, &cause));
	memset(&li, 0, sizeof li);
	li.file_path = "/media/ad-1979.mp4";
	li.source_key = "/media/ad-1979.nfo";
	li.media_type = "clip";
	li.content_type = "commercial";
	li.duration_ms = 30000;
	li.title = "Ad";
	li.year = 1979;
	ck_assert_msg(library_put_clip(l, &o, &li, &imported, &res, &cause) == 0, "%s", cause);
	ck_assert_int_eq(q(db, "SELECT production_year FROM media_files WHERE id = %lld",
	    (long long)imported), 1979);
	/* A <retrovue> element's year and series go to the scheduling metadata. */
	memset(&sch, 0, sizeof sch);
	sch.commercial_duration = -1;
	sch.production_year = 1981;
	sch.series = "Cheers";
	ck_assert(library_set_sched(l, imported, &sch, &changed, &cause) == 0);
	ck_assert_int_eq(changed, 1);
	sch.production_year = 0;        /* leave */
	sch.series = NULL;
	ck_assert(library_set_sched(l, imported, &sch, &changed, &cause) == 0);
	ck_assert_int_eq(changed, 0);
	library_free(&l);

	/* By hand: content set year= and series= (all or nothing). */
	pairs[0] = "year=1986";
	pairs[1] = "series=Cheers";
	ck_assert_msg(content_set(db, hand, pairs, 2, &cause) == 0, "%s", cause);
	ck_assert_int_eq(q(db, "SELECT production_year = 1986 AND series_title = 'Cheers' FROM "
	    "content_scheduling_metadata WHERE media_file_id = %lld", (long long)hand), 1);
	pairs[0] = "year=86";
	ck_assert_int_eq(content_set(db, hand, pairs, 1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "year=86: not a year"));
	freep(&cause);
	pairs[0] = "year=";
	pairs[1] = "series=";
	ck_assert(content_set(db, hand, pairs, 2, &cause) == 0);
	ck_assert_int_eq(q(db, "SELECT production_year IS NULL AND series_title IS NULL FROM "
	    "content_scheduling_metadata WHERE media_file_id = %lld", (long long)hand), 1);
	pairs[0] = "year=1999";
	ck_assert(content_set(db, movie, pairs, 1, &cause) == 0);
	ck_assert_int_eq(q(db, "SELECT year FROM movies WHERE media_file_id = %lld",
	    (long long)movie), 1999);
	ck_assert_int_eq(content_series_known(db, "cheers"), 1);
	ck_assert_int_eq(content_series_known(db, "Cheers (1982)"), 1);
	ck_assert_int_eq(content_series_known(db, "Cheers (1993)"), 0);
	ck_assert_int_eq(content_series_known(db, "Frasier"), 0);

	/* Bumpers name their series: its title in any case, or "Title (Year)". */
	cheers = bumper_of(db, 5000, "out", "cheers", 0);
	named = bumper_of(db, 5000, "out", "Cheers (1982)", 0);
	yeared = bumper_of(db, 5000, "out", "Cheers (1993)", 0);
	lost = bumper_of(db, 5000, "out", "Frasier", 0);
	other = bumper_of(db, 5000, "out", NULL, 0);
	fx_exec(db, "UPDATE content_scheduling_metadata SET production_year = 1988 WHERE "
	    "media_file_id = %lld", (long long)imported);

	ck_assert_msg(schedlib_load(db, &lib, &cause) == 0, "%s", cause);
	/* The hand-set year first, then the source's, the film's, the air date, the series'. */
	ck_assert_int_eq(schedlib_item(lib, imported)->year, 1988);
	ck_assert_int_eq(schedlib_item(lib, hand)->year, 0);
	ck_assert_int_eq(schedlib_item(lib, movie)->year, 1999);
	ck_assert_int_eq(schedlib_item(lib, ep)->year, 1987);
	ck_assert_int_eq(schedlib_item(lib, old)->year, 1982);
	ck_assert_int_gt(schedlib_item(lib, cheers)->series, 0);
	ck_assert_int_eq(schedlib_item(lib, cheers)->series,
	    lib->shows[schedlib_show(lib, show)].title_key);
	ck_assert_int_eq(schedlib_item(lib, named)->series, schedlib_item(lib, cheers)->series);
	ck_assert_int_eq(schedlib_item(lib, yeared)->series, -1);
	ck_assert_int_eq(schedlib_item(lib, lost)->series, -1);
	ck_assert_int_eq(schedlib_item(lib, other)->series, 0);
	ck_assert_int_eq(schedlib_item(lib, imported)->series, 0);   /* not a bumper */
	ck_assert(schedlib_bumper_fits(lib, schedlib_item(lib, cheers), schedlib_item(lib, ep)));
	ck_assert(!schedlib_bumper_fits(lib, schedlib_item(lib, cheers), schedlib_item(lib, movie)));
	ck_assert(!schedlib_bumper_fits(lib, schedlib_item(lib, lost), schedlib_item(lib, ep)));
	ck_assert(schedlib_bumper_fits(lib, schedlib_item(lib, other), NULL));
	schedlib_free(&lib);
	db_close(&db);
}
END_TEST

START_TEST(channel_era_preferred)
{
	sqlite3 *db = fx_db();
	int64_t show, ch, late, expired, rated, morning;
	char *cause = NULL, *a, *b;
	struct chanedit e;

	spots_of(db, 1985, "eighties");
	spots_of(db, 1995, "nineties");
	spots_of(db, 0, "undated");
	/* Of the era, but each kept off the air by a pod rule. */
	expired = clip_of(db, "commercial", 15000, "Gone", "gone", 1984);
	fx_exec(db, "UPDATE content_scheduling_metadata SET commercial_expiration = '2024-01-01' "
	    "WHERE media_file_id = %lld", (long long)expired);
	rated = clip_of(db, "commercial", 15000, "Late", "late", 1984);
	fx_exec(db, "UPDATE content_scheduling_metadata SET content_rating = 'TV-MA' WHERE "
	    "media_file_id = %lld", (long long)rated);
	morning = clip_of(db, "commercial", 15000, "Brekkie", "breakfast", 1983);
	fx_exec(db, "UPDATE content_scheduling_metadata SET daypart_preference = 'morning' WHERE "
	    "media_file_id = %lld", (long long)morning);
	bumper_of(db, 5000, "out", NULL, 1986);
	bumper_of(db, 4000, "in", NULL, 1986);
	bumper_of(db, 5000, "out", NULL, 1996);
	bumper_of(db, 4000, "in", NULL, 1996);
	clip_of(db, "station_id", 10000, NULL, NULL, 1987);
	clip_of(db, "station_id", 10000, NULL, NULL, 1997);
	clip_of(db, "station_id", 7000, NULL, NULL, 0);
	show = series_of(db, "Any Show", 2001, 6);

	ch = fx_channel(db, "4", "America/New_York", 30);
	chanedit_init(&e);
	chanedit_set_str(&e, "rating_limit", "TV-14");
	chanedit_set_int(&e, "station_id_minutes", 60);
	ck_assert(chanedit_update(db, ch, &e, &cause) == 0);
	set_era(db, ch, "1980-1989");
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, JUNE, 48 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);

	/* Only the era's commercials, bumpers and IDs: its pool always has one that fits. */
	ck_assert_int_gt(q(db, "SELECT count(*) FROM schedule_items WHERE kind = 'commercial'"),
	    500);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items s JOIN "
	    "content_scheduling_metadata c USING (media_file_id) WHERE s.kind IN ('commercial', "
	    "'bumper', 'station_id') AND coalesce(c.production_year, 0) NOT BETWEEN 1980 AND 1989"),
	    0);
	ck_assert_int_gt(q(db, "SELECT count(*) FROM schedule_items s JOIN "
	    "content_scheduling_metadata c USING (media_file_id) WHERE s.kind = 'station_id' AND "
	    "c.production_year = 1987"), 40);
	/* Rotated among the era's: every one of its spots airs, about as often. */
	ck_assert_int_eq(q(db, "SELECT count(DISTINCT media_file_id) FROM schedule_items WHERE "
	    "media_file_id IN (SELECT media_file_id FROM content_scheduling_metadata WHERE "
	    "commercial_company LIKE 'eighties%%')"), 8);
	/* The pod rules still hold: expired, over the limit, out of its daypart, never. */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE media_file_id IN "
	    "(%lld, %lld)", (long long)expired, (long long)rated), 0);
	ck_assert_int_gt(q(db, "SELECT count(*) FROM schedule_items WHERE media_file_id = %lld",
	    (long long)morning), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE media_file_id = %lld "
	    "AND CAST(strftime('%%H', start_ms / 1000 - 4 * 3600, 'unixepoch') AS INTEGER) NOT "
	    "BETWEEN 6 AND 11", (long long)morning), 0);

	/* An era with nothing of its own: any era fills, exactly as with no era. */
	late = fx_channel(db, "6", "America/New_York", 30);
	fx_slot(db, late, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	set_era(db, late, "1950s");
	extend(db, late, JUNE, 24 * HOUR_MS);
	assert_clean(db, late, 0, INT64_MAX);
	ck_assert_int_gt(q(db, "SELECT count(*) FROM schedule_items WHERE channel_id = %lld AND "
	    "kind = 'commercial'", (long long)late), 200);
	a = log_text(db, late);
	fx_exec(db, "DELETE FROM schedule_items WHERE channel_id = %lld", (long long)late);
	fx_exec(db, "DELETE FROM sched_airings WHERE channel_id = %lld", (long long)late);
	set_era(db, late, "");
	extend(db, late, JUNE, 24 * HOUR_MS);
	b = log_text(db, late);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_null(era_note(db, ch));
	free(a);
	free(b);
	db_close(&db);
}
END_TEST

START_TEST(era_pool_too_short_fills_from_others)
{
	sqlite3 *db = fx_db();
	int64_t show, ch, n;
	char name[32], *note, want[256];
	int i;

	/* The era has only minute-long spots; 15-second gaps take any era's. */
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof name, "Long %d", i);
		clip_of(db, "commercial", 60000, name, name, 1984);
		snprintf(name, sizeof name, "Short %d", i);
		clip_of(db, "commercial", 15000, name, name, 2010);
	}
	show = series_of(db, "Gaps", 1990, 4);
	fx_exec(db, "UPDATE media_files SET duration_ms = 22 * 60000 + 45000 WHERE id IN (SELECT "
	    "media_file_id FROM episodes)");
	ch = fx_channel(db, "4", "UTC", 30);
	set_era(db, ch, "1980s");
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, JUNE, 24 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	ck_assert_int_gt(q(db, "SELECT count(*) FROM schedule_items s JOIN "
	    "content_scheduling_metadata c USING (media_file_id) WHERE c.production_year = 1984"),
	    0);
	ck_assert_int_gt(q(db, "SELECT count(*) FROM schedule_items s JOIN "
	    "content_scheduling_metadata c USING (media_file_id) WHERE c.production_year = 2010"),
	    0);
	/*
	 * Another era only fills the time the era cannot: once a 2010 spot is in
	 * a break, no 1984 spot follows it there (it would have fitted first).
	 */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items a JOIN schedule_items b ON "
	    "b.channel_id = a.channel_id AND b.start_ms = a.end_ms JOIN "
	    "content_scheduling_metadata ca ON ca.media_file_id = a.media_file_id JOIN "
	    "content_scheduling_metadata cb ON cb.media_file_id = b.media_file_id WHERE "
	    "a.kind = 'commercial' AND b.kind = 'commercial' AND ca.production_year = 2010 AND "
	    "cb.production_year = 1984"), 0);
	/* The checker says other eras filled, and why: not for want of the era's spots. */
	note = era_note(db, ch);
	ck_assert_ptr_nonnull(note);
	ck_assert_msg(strstr(note, "channel 4: ") == note && strstr(note, " commercials in breaks "
	    "preferring 1980-1989 were of other years: none of those years fitted (the pod rules, "
	    "dayparts, lengths)\n") != NULL, "%s", note);
	ck_assert_ptr_null(strstr(note, "bumpers"));
	free(note);

	/* An era with nothing of its own: every spot is another era's, and it says so. */
	set_era(db, ch, "1950-1959");
	fx_exec(db, "DELETE FROM schedule_items");
	fx_exec(db, "DELETE FROM sched_airings");
	extend(db, ch, JUNE, 24 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	note = era_note(db, ch);
	ck_assert_ptr_nonnull(note);
	n = q(db, "SELECT count(*) FROM schedule_items WHERE kind = 'commercial'");
	ck_assert_int_gt(n, 50);
	snprintf(want, sizeof want, "channel 4: %lld of %lld commercials in breaks preferring "
	    "1950-1959 were of other years: the library has none the channel may air of "
	    "1950-1959\n", (long long)n, (long long)n);
	ck_assert_str_eq(note, want);
	free(note);
	db_close(&db);
}
END_TEST

START_TEST(programme_decade_preferred)
{
	sqlite3 *db = fx_db();
	int64_t eighties, nineties, ch, film;

	spots_of(db, 1985, "eighties");
	spots_of(db, 1994, "nineties");
	spots_of(db, 0, "undated");
	clip_of(db, "station_id", 10000, NULL, NULL, 1986);
	clip_of(db, "station_id", 10000, NULL, NULL, 1996);
	eighties = series_of(db, "Eighties Show", 1987, 4);
	nineties = series_of(db, "Nineties Show", 1995, 4);
	film = fx_movie(db, "Undated Film", 85 * MIN_MS, NULL, NULL);
	fx_exec(db, "UPDATE movies SET year = NULL WHERE media_file_id = %lld", (long long)film);

	ch = fx_channel(db, "4", "UTC", 30);
	set_era(db, ch, "programme");
	fx_exec(db, "UPDATE channels SET station_id_minutes = 30 WHERE id = %lld", (long long)ch);
	fx_slot(db, ch, "daily", "00:00", "10:00", COARSE_SERIES, eighties, 0);
	fx_slot(db, ch, "daily", "10:00", "20:00", COARSE_SERIES, nineties, 0);
	fx_slot(db, ch, "daily", "20:00", "24:00", COARSE_MOVIE, 0, film);
	extend(db, ch, JUNE, 48 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);

#define IN_BLOCKS_OF "SELECT count(*) FROM schedule_items s JOIN " \
	"content_scheduling_metadata c USING (media_file_id) WHERE s.kind IN ('commercial', " \
	"'station_id') AND s.programme_start_ms IN (SELECT programme_start_ms FROM schedule_items " \
	"p JOIN episodes e USING (media_file_id) WHERE p.kind = 'programme' AND e.show_id = %lld) "
	/* Each programme's breaks: its own decade's clips and none other. */
	ck_assert_int_gt(q(db, IN_BLOCKS_OF "AND c.production_year = 1985", (long long)eighties),
	    100);
	ck_assert_int_eq(q(db, IN_BLOCKS_OF "AND coalesce(c.production_year, 0) NOT BETWEEN "
	    "1980 AND 1989", (long long)eighties), 0);
	ck_assert_int_gt(q(db, IN_BLOCKS_OF "AND c.production_year = 1994", (long long)nineties),
	    100);
	ck_assert_int_eq(q(db, IN_BLOCKS_OF "AND coalesce(c.production_year, 0) NOT BETWEEN "
	    "1990 AND 1999", (long long)nineties), 0);
	/* A film of no known year: no preference, every era airs in it. */
	ck_assert_int_eq(q(db, "SELECT count(DISTINCT coalesce(c.production_year, 0)) FROM "
	    "schedule_items s JOIN content_scheduling_metadata c USING (media_file_id) WHERE "
	    "s.kind = 'commercial' AND s.programme_start_ms IN (SELECT programme_start_ms FROM "
	    "schedule_items WHERE media_file_id = %lld)", (long long)film), 3);
	/* Every break that prefers a decade had it: the checker has nothing to note. */
	ck_assert_ptr_null(era_note(db, ch));
	db_close(&db);
}
END_TEST

START_TEST(series_bumpers_first_and_only_there)
{
	sqlite3 *db = fx_db();
	int64_t cheers, taxi, ch, c_out, c_in, c_any, g_out, g_in, lost, cx;
	sqlite3_stmt *st;
	int pods = 0, taxi_pods = 0;

	spots_of(db, 0, "ads");
	cheers = series_of(db, "Cheers", 1985, 4);
	taxi = series_of(db, "Taxi", 1980, 4);
	/* Cheers' own, of another era than the channel's: the series comes first. */
	c_out = bumper_of(db, 6000, "out", "Cheers", 1992);
	c_in = bumper_of(db, 6000, "in", "cheers (1980)", 1992);      /* no such show: never */
	c_any = bumper_of(db, 3000, NULL, "CHEERS", 1992);
	cx = bumper_of(db, 4000, "in", "Cheers", 1992);
	g_out = bumper_of(db, 5000, "out", NULL, 1985);
	g_in = bumper_of(db, 4000, "in", NULL, 1985);
	lost = bumper_of(db, 3000, NULL, "Frasier", 1985);
	fx_exec(db, "UPDATE shows SET year = 1982 WHERE id = %lld", (long long)cheers);
	ch = fx_channel(db, "4", "UTC", 30);
	set_era(db, ch, "1980s");
	fx_slot(db, ch, "daily", "00:00", "12:00", COARSE_SERIES, cheers, 0);
	fx_slot(db, ch, "daily", "12:00", "24:00", COARSE_SERIES, taxi, 0);
	extend(db, ch, JUNE, 24 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);

	/* Every break inside a programme: its series' bumpers out and in, else generic ones. */
	st = db_prepare(db, "SELECT b.media_file_id, (SELECT e.show_id FROM schedule_items p JOIN "
	    "episodes e USING (media_file_id) WHERE p.channel_id = b.channel_id AND "
	    "p.programme_start_ms = b.programme_start_ms AND p.kind = 'programme' LIMIT 1), "
	    "(SELECT kind FROM schedule_items x WHERE x.channel_id = b.channel_id AND "
	    "x.end_ms = b.start_ms), (SELECT kind FROM schedule_items x WHERE x.channel_id = "
	    "b.channel_id AND x.start_ms = b.end_ms AND x.programme_start_ms = "
	    "b.programme_start_ms) FROM schedule_items b WHERE b.kind = 'bumper'",
	    NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t media = sqlite3_column_int64(st, 0), show = sqlite3_column_int64(st, 1);
		const char *before = db_text(st, 2);
		const char *after = (const char *)sqlite3_column_text(st, 3);

		ck_assert_msg(media != lost && media != c_in, "bumper %lld of no show aired",
		    (long long)media);
		if (show == taxi)
			ck_assert_msg(media == g_out || media == g_in, "bumper %lld in Taxi",
			    (long long)media);
		if (show == cheers && strcmp(before, "programme") == 0) {
			ck_assert_int_eq(media, c_out);
			pods++;
		}
		if (show == cheers && after != NULL && strcmp(after, "programme") == 0)
			ck_assert_int_eq(media, cx);
		if (show == taxi && strcmp(before, "programme") == 0 && after != NULL &&
		    strcmp(after, "programme") != 0) {
			ck_assert_int_eq(media, g_out);
			taxi_pods++;
		}
	}
	sqlite3_finalize(st);
	ck_assert_int_gt(pods, 20);
	ck_assert_int_gt(taxi_pods, 20);
	(void)c_any;
	db_close(&db);
}
END_TEST

START_TEST(checker_catches_preferences_broken)
{
	sqlite3 *db = fx_db();
	int64_t cheers, taxi, ch, c_out, g_out, old_spot, spot, pod, id80, id90;
	char *report;

	cheers = series_of(db, "Cheers", 1985, 4);
	taxi = series_of(db, "Taxi", 1981, 4);
	spots_of(db, 1985, "eighties");
	old_spot = clip_of(db, "commercial", 30000, "Other", "other", 1970);
	c_out = bumper_of(db, 5000, "out", "Cheers", 0);
	bumper_of(db, 5000, "in", "Cheers", 0);
	g_out = bumper_of(db, 5000, "out", NULL, 0);
	bumper_of(db, 5000, "in", NULL, 0);
	id80 = clip_of(db, "station_id", 10000, NULL, NULL, 1985);
	id90 = clip_of(db, "station_id", 10000, NULL, NULL, 1995);
	ch = fx_channel(db, "4", "UTC", 30);
	set_era(db, ch, "1980-1989");
	fx_exec(db, "UPDATE channels SET station_id_minutes = 30 WHERE id = %lld", (long long)ch);
	fx_slot(db, ch, "daily", "00:00", "12:00", COARSE_SERIES, cheers, 0);
	fx_slot(db, ch, "daily", "12:00", "24:00", COARSE_SERIES, taxi, 0);
	extend(db, ch, JUNE, 24 * HOUR_MS);
	assert_clean(db, ch, 0, INT64_MAX);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM schedule_items WHERE media_file_id IN "
	    "(%lld, %lld)", (long long)old_spot, (long long)id90), 0);

	/* Another era's spot where one of the era fits. */
	spot = q(db, "SELECT min(s.start_ms) FROM schedule_items s JOIN media_files m ON m.id = "
	    "s.media_file_id WHERE s.kind = 'commercial' AND m.duration_ms = 30000");
	fx_exec(db, "UPDATE schedule_items SET media_file_id = %lld WHERE start_ms = %lld",
	    (long long)old_spot, (long long)spot);
	report = broken(db, ch, spot - HOUR_MS, spot + HOUR_MS);
	ck_assert_msg(strstr(report, "(1970) airs where commercial") != NULL &&
	    strstr(report, "prefers 1980-1989") != NULL, "%s", report);
	free(report);

	/* Another era's station ID. */
	spot = q(db, "SELECT min(start_ms) FROM schedule_items WHERE kind = 'station_id'");
	fx_exec(db, "UPDATE schedule_items SET media_file_id = %lld WHERE start_ms = %lld",
	    (long long)id90, (long long)spot);
	report = broken(db, ch, spot - HOUR_MS, spot + HOUR_MS);
	ck_assert_msg(strstr(report, "(1995) airs where station ID") != NULL, "%s", report);
	free(report);
	(void)id80;

	/* A generic bumper out where Cheers' own fits. */
	pod = q(db, "SELECT min(b.start_ms) FROM schedule_items b JOIN schedule_items p ON "
	    "p.end_ms = b.start_ms AND p.kind = 'programme' JOIN episodes e ON e.media_file_id = "
	    "p.media_file_id AND e.show_id = %lld WHERE b.kind = 'bumper'", (long long)cheers);
	ck_assert_int_eq(q(db, "SELECT media_file_id FROM schedule_items WHERE start_ms = %lld",
	    (long long)pod), c_out);
	fx_exec(db, "UPDATE schedule_items SET media_file_id = %lld WHERE start_ms = %lld",
	    (long long)g_out, (long long)pod);
	report = broken(db, ch, pod - HOUR_MS, pod + HOUR_MS);
	ck_assert_msg(strstr(report, "airs where bumper") != NULL && strstr(report,
	    "prefers the series Cheers") != NULL, "%s", report);
	free(report);

	/* Cheers' bumper in a Taxi break. */
	pod = q(db, "SELECT min(b.start_ms) FROM schedule_items b JOIN schedule_items p ON "
	    "p.end_ms = b.start_ms AND p.kind = 'programme' JOIN episodes e ON e.media_file_id = "
	    "p.media_file_id AND e.show_id = %lld WHERE b.kind = 'bumper'", (long long)taxi);
	fx_exec(db, "UPDATE schedule_items SET media_file_id = %lld WHERE start_ms = %lld",
	    (long long)c_out, (long long)pod);
	report = broken(db, ch, pod - HOUR_MS, pod + HOUR_MS);
	ck_assert_msg(strstr(report, "of the series 'Cheers' airs in a break of Taxi") != NULL,
	    "%s", report);
	free(report);
	db_close(&db);
}
END_TEST

START_TEST(no_era_no_change)
{
	sqlite3 *db = fx_db();
	int64_t show, ch;
	char *a, *b;

	/* Years in the library change nothing on a channel with no era. */
	fx_pool(db);
	show = series_of(db, "Plain", 1987, 4);
	ch = fx_channel(db, "4", "UTC", 30);
	fx_slot(db, ch, "daily", "00:00", "24:00", COARSE_SERIES, show, 0);
	extend(db, ch, JUNE, 24 * HOUR_MS);
	a = log_text(db, ch);
	fx_exec(db, "DELETE FROM schedule_items");
	fx_exec(db, "DELETE FROM sched_airings");
	fx_exec(db, "UPDATE content_scheduling_metadata SET production_year = 1960 + "
	    "media_file_id %% 50");
	extend(db, ch, JUNE, 24 * HOUR_MS);
	b = log_text(db, ch);
	ck_assert_int_gt(strlen(a), 1000);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	db_close(&db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("era");
	TCase *tc = tcase_create("era");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, era_as_typed);
	tcase_add_test(tc, production_year_and_series_from_each_source);
	tcase_add_test(tc, channel_era_preferred);
	tcase_add_test(tc, era_pool_too_short_fills_from_others);
	tcase_add_test(tc, programme_decade_preferred);
	tcase_add_test(tc, series_bumpers_first_and_only_there);
	tcase_add_test(tc, checker_catches_preferences_broken);
	tcase_add_test(tc, no_era_no_change);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
