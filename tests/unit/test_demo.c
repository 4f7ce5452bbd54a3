/*
 * test_demo.c: the demo library's definition (src/demo.c) holds what the
 * scheduler needs, and its registration is complete, idempotent and
 * transactional. No media is rendered here (tests/demo.sh does that).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/db.h"
#include "src/demo.h"
#include "src/rating.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/* Files as if rendered: the described durations, made-up sizes. */
static struct demo_file *
fake_files(const struct demo_item *items, size_t n)
{
	struct demo_file *f = xcalloc(n, sizeof *f);
	size_t i;

	for (i = 0; i < n; i++) {
		f[i].present = 1;
		f[i].duration_ms = items[i].duration_ms;
		f[i].size = 100000 + (int64_t)i;
		f[i].mtime = 1700000000;
		f[i].width = DEMO_WIDTH;
		f[i].height = DEMO_HEIGHT;
		f[i].fps = DEMO_FPS;
		f[i].video_codec = "h264";
		f[i].audio_codec = "ac3";
	}
	return f;
}

/* A new database in a new directory. */
static sqlite3 *
new_db(void)
{
	sqlite3 *db = NULL;
	char *path, *cause = NULL;

	xasprintf(&path, "%s/rv.db", check_tmpdir());
	ck_assert_msg(db_open(path, DB_CREATE, &db, &cause) == 0, "%s", cause);
	free(path);
	return db;
}

/* SELECT count(*) ... */
static int64_t
count(sqlite3 *db, const char *sql)
{
	return db_scalar(db, sql, -1);
}

START_TEST(library_shape)
{
	const struct demo_item *items;
	const struct demo_show *shows;
	size_t n, nshows, i, j;
	int kinds[5] = { 0 }, per_show[8] = { 0 }, in15 = 0, in30 = 0;
	int expiring = 0, breakin = 0, breakout = 0;
	char today[16];
	time_t now = time(NULL);
	struct tm tm;

	items = demo_items(&n);
	shows = demo_shows(&nshows);
	ck_assert_uint_eq(nshows, 4);
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	for (i = 0; i < n; i++) {
		const struct demo_item *it = &items[i];
		int64_t prev = 0;

		kinds[it->kind]++;
		for (j = i + 1; j < n; j++) {
			ck_assert_str_ne(it->key, items[j].key);
			ck_assert_str_ne(it->file, items[j].file);
		}
		/* Whole frames. */
		ck_assert_int_eq(it->duration_ms % (1000 / DEMO_FPS), 0);
		/* Breaks ascending, at least 30 s of act around each. */
		for (j = 0; j < (size_t)it->nbreaks; j++) {
			ck_assert_int_ge(it->breaks_ms[j] - prev, 30000);
			prev = it->breaks_ms[j];
		}
		if (it->nbreaks > 0)
			ck_assert_int_ge(it->duration_ms - prev, 30000);
		ck_assert_ptr_nonnull(demo_item_look(it).video);
		ck_assert_ptr_nonnull(demo_item_look(it).audio);
		switch (it->kind) {
		case DEMO_EPISODE:
			ck_assert_ptr_nonnull(it->show);
			per_show[it->show - shows]++;
			ck_assert_int_ge(it->duration_ms, 180000);
			ck_assert_int_le(it->duration_ms, 360000);
			ck_assert_int_ge(it->nbreaks, 1);
			if (it->duration_ms >= 270000)
				ck_assert_int_ge(it->nbreaks, 2);
			break;
		case DEMO_MOVIE:
			ck_assert_int_ge(it->nbreaks, 1);
			ck_assert_ptr_nonnull(it->rating);
			break;
		case DEMO_COMMERCIAL:
			ck_assert(it->duration_ms == 15000 || it->duration_ms == 30000);
			in15 += it->duration_ms == 15000;
			in30 += it->duration_ms == 30000;
			ck_assert_ptr_nonnull(it->company);
			ck_assert_ptr_nonnull(it->category);
			ck_assert_int_ne(rating_level(it->rating), RATING_UNRATED);
			if (it->expires != NULL) {
				ck_assert_str_gt(it->expires, today);
				expiring++;
			}
			break;
		case DEMO_BUMPER:
			ck_assert_ptr_nonnull(it->notes);
			breakin += strcmp(it->notes, "break-in") == 0;
			breakout += strcmp(it->notes, "break-out") == 0;
			break;
		case DEMO_STATION_ID:
			break;
		}
	}
	ck_assert_int_eq(kinds[DEMO_MOVIE], 3);
	ck_assert_int_eq(kinds[DEMO_COMMERCIAL], 12);
	ck_assert_int_eq(kinds[DEMO_BUMPER], 4);
	ck_assert_int_eq(kinds[DEMO_STATION_ID], 2);
	for (i = 0; i < nshows; i++) {
		ck_assert_int_ge(per_show[i], 2);
		ck_assert_int_le(per_show[i], 3);
	}
	ck_assert_int_gt(in15, 0);
	ck_assert_int_gt(in30, 0);
	ck_assert(expiring >= 1 && expiring <= 2);
	ck_assert_int_eq(breakin, 2);
	ck_assert_int_eq(breakout, 2);
}
END_TEST

START_TEST(commercials_give_a_scheduler_choices)
{
	const struct demo_item *items;
	const char *companies[16], *categories[16], *dayparts[8];
	int ncomp = 0, ncat = 0, nday = 0, any_daypart = 0, nlevels = 0;
	int levels[RATING_MAX + 2] = { 0 };
	int repeat_company = 0, repeat_category = 0, k, found;
	size_t n, i;

	items = demo_items(&n);
	for (i = 0; i < n; i++) {
		if (items[i].kind != DEMO_COMMERCIAL)
			continue;
		for (k = 0, found = 0; k < ncomp; k++)
			found |= strcmp(companies[k], items[i].company) == 0;
		if (found)
			repeat_company = 1;
		else
			companies[ncomp++] = items[i].company;
		for (k = 0, found = 0; k < ncat; k++)
			found |= strcmp(categories[k], items[i].category) == 0;
		if (found)
			repeat_category = 1;
		else
			categories[ncat++] = items[i].category;
		if (items[i].daypart == NULL)
			any_daypart = 1;
		else {
			for (k = 0, found = 0; k < nday; k++)
				found |= strcmp(dayparts[k], items[i].daypart) == 0;
			if (!found)
				dayparts[nday++] = items[i].daypart;
		}
		if (!levels[rating_level(items[i].rating) + 1]++)
			nlevels++;
	}
	ck_assert_int_ge(ncomp, 8);
	ck_assert_int_ge(ncat, 6);
	ck_assert(repeat_company);      /* "no two of one company in a pod" has work */
	ck_assert(repeat_category);     /* "no two of one category" too */
	ck_assert_int_eq(nday, 4);
	ck_assert(any_daypart);
	ck_assert_int_ge(nlevels, 3);
}
END_TEST

START_TEST(overlays_say_what_it_is)
{
	const struct demo_item *items;
	struct demo_overlay o[DEMO_MAX_OVERLAYS];
	struct demo_gap g[DEMO_MAX_BREAKS];
	char want[64];
	size_t n, i;
	int k, m, act, clocks, acts;

	items = demo_items(&n);
	for (i = 0; i < n; i++) {
		m = demo_overlays(&items[i], o, DEMO_MAX_OVERLAYS);
		ck_assert_int_gt(m, 0);
		ck_assert_int_lt(m, DEMO_MAX_OVERLAYS);
		clocks = 0;
		for (k = 0; k < m; k++)
			clocks += o[k].clock;
		if (items[i].kind == DEMO_EPISODE || items[i].kind == DEMO_MOVIE) {
			ck_assert_int_eq(clocks, 1);
			for (act = 1; act <= items[i].nbreaks + 1; act++) {
				snprintf(want, sizeof want, "Act %d", act);
				for (k = 0, acts = 0; k < m; k++)
					acts += strstr(o[k].text, want) != NULL;
				ck_assert_msg(acts == 1, "%s: %s", items[i].key, want);
			}
		} else
			ck_assert_int_eq(clocks, 0);
		if (items[i].kind == DEMO_COMMERCIAL) {
			for (k = 0, acts = 0; k < m; k++)
				acts += strcmp(o[k].text, items[i].company) == 0 ||
				    strcmp(o[k].text, items[i].title) == 0;
			ck_assert_int_eq(acts, 2);
		}
		m = demo_gaps(&items[i], g, DEMO_MAX_BREAKS);
		ck_assert_int_eq(m, items[i].nbreaks);
		for (k = 0; k < m; k++) {
			ck_assert_int_eq(g[k].duration_ms, DEMO_GAP_MS);
			ck_assert_int_eq(g[k].start_ms + DEMO_GAP_MS / 2, items[i].breaks_ms[k]);
		}
	}
	/* Every rating the demo uses is on the project's scale. */
	for (i = 0; i < n; i++) {
		if (items[i].rating != NULL)
			ck_assert_int_ne(rating_level(items[i].rating), RATING_UNRATED);
	}
}
END_TEST

START_TEST(register_is_complete_and_idempotent)
{
	const struct demo_item *items;
	struct demo_file *files;
	struct demo_stats st;
	sqlite3 *db = new_db();
	char *cause = NULL;
	size_t n;

	items = demo_items(&n);
	files = fake_files(items, n);
	ck_assert_msg(demo_register(db, "/data", items, files, n, &st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(st.shows, 4);
	ck_assert_int_eq(st.episodes, 10);
	ck_assert_int_eq(st.movies, 3);
	ck_assert_int_eq(st.commercials, 12);
	ck_assert_int_eq(st.bumpers, 4);
	ck_assert_int_eq(st.station_ids, 2);
	ck_assert_int_gt(st.changes, 0);

	ck_assert_int_eq(count(db, "SELECT count(*) FROM content_sources WHERE "
	    "source_type = 'demo'"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files"), (int64_t)n);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM shows"), 4);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM episodes"), 10);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM movies"), 3);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM content_scheduling_metadata"),
	    (int64_t)n);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM chapter_markers WHERE source = 'demo'"),
	    st.markers);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files WHERE file_path NOT LIKE "
	    "'/data/demo/%' OR duration_ms <= 0 OR source_key IS NULL"), 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files WHERE media_type = 'clip'"),
	    18);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM content_scheduling_metadata WHERE "
	    "content_type = 'commercial' AND commercial_company IS NOT NULL AND "
	    "commercial_category IS NOT NULL AND commercial_duration IN (15, 30) AND "
	    "rating_level >= 0"), 12);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM content_scheduling_metadata WHERE "
	    "commercial_expiration > date('now')"), 2);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM content_scheduling_metadata WHERE "
	    "content_type = 'bumper' AND scheduling_notes IN ('break-in', 'break-out')"), 4);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM content_scheduling_metadata WHERE "
	    "content_type = 'station_id'"), 2);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM content_scheduling_metadata c JOIN "
	    "episodes e USING (media_file_id) WHERE c.content_type = 'episode' AND "
	    "c.daypart_preference IS NOT NULL AND c.target_demographic IS NOT NULL"), 10);
	/* Markers where the definition says, named for the act they start. */
	ck_assert_int_eq(count(db, "SELECT count(*) FROM chapter_markers c JOIN media_files m "
	    "ON m.id = c.media_file_id WHERE m.source_key = 'signal-and-noise/s01e01' AND "
	    "c.timestamp_ms IN (70000, 140000, 210000)"), 3);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM chapter_markers WHERE "
	    "chapter_title = 'Act 2'"), 13);
	ck_assert_int_eq(count(db, "SELECT total_episodes FROM shows WHERE "
	    "title = 'Signal and Noise'"), 3);

	/* Again: nothing changes, not even a timestamp. */
	db_exec(db, "UPDATE media_files SET updated_at = '2000-01-01T00:00:00Z', "
	    "validation_status = 'ok'", NULL);
	ck_assert_msg(demo_register(db, "/data", items, files, n, &st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(st.changes, 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files WHERE "
	    "updated_at = '2000-01-01T00:00:00Z' AND validation_status = 'ok'"), (int64_t)n);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files"), (int64_t)n);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM chapter_markers"), st.markers);

	/* A rewritten file: its row is updated and must be validated again. */
	files[0].size++;
	ck_assert_int_eq(demo_register(db, "/data", items, files, n, &st, &cause), 0);
	ck_assert_int_eq(st.changes, 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files WHERE "
	    "validation_status = 'unchecked'"), 1);

	/* A file that could not be made leaves its rows alone. */
	files[1].present = 0;
	ck_assert_int_eq(demo_register(db, "/data", items, files, n, &st, &cause), 0);
	ck_assert_int_eq(st.changes, 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files"), (int64_t)n);
	files[1].present = 1;

	/* Demo rows the library no longer has are removed, with their show. */
	ck_assert_int_eq(db_exec(db, "INSERT INTO shows (title, year, source_type, source_id) "
	    "VALUES ('Cancelled', 1990, 'demo', 1); INSERT INTO media_files (file_path, "
	    "media_type, source_type, source_id, source_key) VALUES ('/data/demo/x.mp4', "
	    "'episode', 'demo', 1, 'cancelled/s01e01'); INSERT INTO episodes (media_file_id, "
	    "show_id) VALUES (last_insert_rowid(), (SELECT id FROM shows WHERE "
	    "title = 'Cancelled'))", &cause), 0);
	ck_assert_int_eq(demo_register(db, "/data", items, files, n, &st, &cause), 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files WHERE "
	    "source_key = 'cancelled/s01e01'"), 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM shows WHERE title = 'Cancelled'"), 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM shows"), 4);
	ck_assert_int_eq(db_check(db, &cause), 0);

	free(files);
	db_close(&db);
}
END_TEST

START_TEST(register_is_one_transaction)
{
	const struct demo_item *items;
	struct demo_file *files;
	struct demo_stats st;
	sqlite3 *db = new_db();
	char *cause = NULL;
	size_t n;

	/* A show of the same title and year from Plex is not taken over. */
	ck_assert_int_eq(db_exec(db, "INSERT INTO shows (title, year, source_type) "
	    "VALUES ('Fractal Frontier', 1994, 'plex')", &cause), 0);
	items = demo_items(&n);
	files = fake_files(items, n);
	ck_assert_int_eq(demo_register(db, "/data", items, files, n, &st, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "Fractal Frontier"));
	freep(&cause);
	/* Nothing of the demo was left behind. */
	ck_assert_int_eq(count(db, "SELECT count(*) FROM media_files"), 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM content_sources"), 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM shows"), 1);
	free(files);
	db_close(&db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("demo");

	tcase_add_test(tc, library_shape);
	tcase_add_test(tc, commercials_give_a_scheduler_choices);
	tcase_add_test(tc, overlays_say_what_it_is);
	tcase_add_test(tc, register_is_complete_and_idempotent);
	tcase_add_test(tc, register_is_one_transaction);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
