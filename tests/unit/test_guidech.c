/*
 * test_guidech.c: the guide channel's listing model (src/listing.c: which
 * channels, rows and titles at a time T) and its drawing (engine/guidech.c:
 * layout, cells, titles cut to fit, the scroll position, the drawtext
 * strings of the strip read back from a real filter graph, frames that
 * scroll while the top stays, silence without music).
 */
#include <string.h>

#include <libavfilter/avfilter.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>

#include "engine/guidech.h"
#include "src/chanedit.h"
#include "src/listing.h"
#include "tests/unit/sched_fixture.h"

#define T0 fx_utc(2024, 6, 3, 20, 0)            /* a Monday, 20:00 UTC */
#define AWKWARD "It's 100%: \"Ça\" \\ [Test]; a,b"

/* A programme item of dur minutes at start on a channel, for a file with a title. */
static void
programme(sqlite3 *db, int64_t ch, int64_t start, int minutes, int64_t file)
{
	fx_exec(db, "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, "
	    "media_file_id, in_ms, out_ms, programme_start_ms, act) VALUES (%lld, %lld, %lld, "
	    "'programme', %lld, 0, %lld, %lld, 1)", (long long)ch, (long long)start,
	    (long long)(start + minutes * MIN_MS), (long long)file, (long long)(minutes * MIN_MS),
	    (long long)start);
}

/* A movie file titled title; its id. */
static int64_t
titled(sqlite3 *db, const char *title)
{
	int64_t id = fx_file(db, "movie", 7200000);
	sqlite3_stmt *st;

	st = db_prepare(db, "INSERT INTO movies (media_file_id, title) VALUES (?1, ?2)", NULL);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return id;
}

/* Channels 2 (WTWO), 3 (no call sign), 4 (disabled), 1 (the guide) with a fine log. */
static sqlite3 *
fixture(int64_t *guide)
{
	sqlite3 *db = fx_db();
	int64_t c2, c3, c4, a, b, c;
	struct chanedit e;
	char *cause = NULL;

	c3 = fx_channel(db, "3", "UTC", 30);
	c2 = fx_channel(db, "2", "UTC", 30);
	c4 = fx_channel(db, "4", "UTC", 30);
	*guide = fx_channel(db, "1", "UTC", 30);
	chanedit_init(&e);
	chanedit_set_str(&e, "call_sign", "WTWO");
	ck_assert(chanedit_update(db, c2, &e, &cause) == 0);
	chanedit_init(&e);
	chanedit_set_str(&e, "name", "Three");
	ck_assert(chanedit_update(db, c3, &e, &cause) == 0);
	chanedit_init(&e);
	chanedit_set_int(&e, "enabled", 0);
	ck_assert(chanedit_update(db, c4, &e, &cause) == 0);
	chanedit_init(&e);
	chanedit_set_str(&e, "channel_type", "guide");
	chanedit_set_int(&e, "guide_hours", 2);
	chanedit_set_str(&e, "name", "GUIDE");
	ck_assert(chanedit_update(db, *guide, &e, &cause) == 0);
	fx_exec(db, "UPDATE channels SET width = 320, height = 180, fps_num = 25");

	a = titled(db, "Early Show");
	b = titled(db, AWKWARD);
	c = titled(db, "Late Movie");
	/* 2: 19:30-20:30, 20:30-21:00, then nothing. 3: 20:00-22:00. 4: anything. */
	programme(db, c2, T0 - 30 * MIN_MS, 60, a);
	programme(db, c2, T0 + 30 * MIN_MS, 30, c);
	programme(db, c3, T0, 120, b);
	programme(db, c4, T0, 30, a);
	return db;
}

START_TEST(listing_model)
{
	int64_t guide;
	sqlite3 *db = fixture(&guide);
	const struct tz *tz = tz_get("Asia/Kolkata", NULL);
	struct listing ls;
	char *cause = NULL;
	const struct listing_prog *p;

	/* The window starts on the local half hour: 20:10 UTC is 01:40 in India (+5:30). */
	ck_assert_int_eq(listing_window_start(tz_get("UTC", NULL), T0 + 10 * MIN_MS), T0);
	ck_assert_int_eq(listing_window_start(tz, T0 + 10 * MIN_MS), T0);
	ck_assert_int_eq(listing_window_start(tz, T0 + 31 * MIN_MS), T0 + 30 * MIN_MS);

	ck_assert_msg(listing_load(db, T0, 2, &ls, &cause) == 0, "%s", cause);
	ck_assert_int_eq(ls.from_ms, T0);
	ck_assert_int_eq(ls.to_ms, T0 + 2 * HOUR_MS);
	/* Enabled regular channels only, in number order; call sign else name. */
	ck_assert_uint_eq(ls.n, 2);
	ck_assert_str_eq(ls.rows[0].number, "2");
	ck_assert_str_eq(ls.rows[0].label, "WTWO");
	ck_assert_str_eq(ls.rows[1].number, "3");
	ck_assert_str_eq(ls.rows[1].label, "Three");
	/* Row 2: the show that began before, the movie, then a gap to the window's end. */
	ck_assert_uint_eq(ls.rows[0].n, 3);
	ck_assert_str_eq(ls.rows[0].progs[0].title, "Early Show");
	ck_assert_int_eq(ls.rows[0].progs[0].start_ms, T0 - 30 * MIN_MS);
	ck_assert_str_eq(ls.rows[0].progs[1].title, "Late Movie");
	ck_assert_str_eq(ls.rows[0].progs[2].title, "To Be Announced");
	ck_assert_int_eq(ls.rows[0].progs[2].end_ms, T0 + 2 * HOUR_MS);
	ck_assert_uint_eq(ls.rows[1].n, 1);
	ck_assert_str_eq(ls.rows[1].progs[0].title, AWKWARD);
	/* What is on at a time. */
	p = listing_on_at(&ls.rows[0], T0 + 45 * MIN_MS);
	ck_assert(p != NULL);
	ck_assert_str_eq(p->title, "Late Movie");
	ck_assert(listing_on_at(&ls.rows[0], T0 + 3 * HOUR_MS) == NULL);
	listing_free(&ls);
	listing_free(&ls);
	db_close(&db);
	(void)guide;
}
END_TEST

START_TEST(layout_cells_and_fit)
{
	struct guidech_layout l;
	struct guidech_cell cells[8];
	struct listing ls;
	struct listing_prog progs[3] = {
		{ T0 - 30 * MIN_MS, T0 + 30 * MIN_MS, (char *)"Early Show" },
		{ T0 + 30 * MIN_MS, T0 + 60 * MIN_MS, (char *)"A Rather Long Title For A Half Hour" },
		{ T0 + 60 * MIN_MS, T0 + 180 * MIN_MS, (char *)"Late Movie" },
	};
	struct listing_row row = { 1, (char *)"2", (char *)"WTWO", progs, 3 };
	char *s;
	size_t n;
	int w[] = { 160, 320, 640, 1280, 1920, 720 }, h[] = { 90, 180, 360, 720, 1080, 576 }, i;

	for (i = 0; i < 6; i++) {
		guidech_layout(w[i], h[i], &l);
		ck_assert_int_eq(l.row_h % 2, 0);
		ck_assert_int_eq(l.grid_y % 2, 0);
		ck_assert_int_eq(l.box_w % 2, 0);
		ck_assert_int_le(l.box_x + l.box_w, w[i] / 2 + l.margin);
		ck_assert_int_le(l.box_y + l.box_h, l.bar_y);
		ck_assert_int_eq(l.grid_y, l.bar_y + l.row_h);
		ck_assert_int_eq(l.grid_y + l.grid_h, h[i]);
		ck_assert_int_ge(l.grid_h / l.row_h, 3);        /* three rows or more show */
	}

	guidech_layout(1280, 720, &l);
	memset(&ls, 0, sizeof ls);
	ls.from_ms = T0;
	ls.to_ms = T0 + 2 * HOUR_MS;
	n = guidech_cells(&l, &ls, &row, T0 + 40 * MIN_MS, cells, 8);
	ck_assert_uint_eq(n, 3);
	/* Clipped to the window, proportional to time, side by side. */
	ck_assert_int_eq(cells[0].x, l.label_w);
	ck_assert_int_eq(cells[0].x + cells[0].w, cells[1].x);
	ck_assert_int_eq(cells[1].x + cells[1].w, cells[2].x);
	ck_assert_int_eq(cells[2].x + cells[2].w, 1280);
	ck_assert_int_eq(cells[1].w * 2, cells[2].w);
	ck_assert_int_eq(cells[0].w, cells[1].w);
	/* Only what is on at 20:40 is highlighted; what began before has an arrow. */
	ck_assert(!cells[0].now && cells[1].now && !cells[2].now);
	ck_assert_str_eq(cells[0].text, "< Early Show");
	ck_assert_str_eq(cells[2].text, "Late Movie");
	/* A long title is cut to the cell, with dots. */
	ck_assert_uint_lt(strlen(cells[1].text), strlen(progs[1].title));
	ck_assert(strncmp(cells[1].text, "A Rather", 8) == 0);
	ck_assert_str_eq(cells[1].text + strlen(cells[1].text) - 3, "...");
	guidech_cells_free(cells, n);

	/* Cutting counts characters, not bytes, and never splits one. */
	s = guidech_fit("Épisode Über", 8);
	ck_assert_str_eq(s, "Épiso...");
	free(s);
	s = guidech_fit("Short", 8);
	ck_assert_str_eq(s, "Short");
	free(s);
	s = guidech_fit("Long word", 2);
	ck_assert_str_eq(s, "Lo");
	free(s);
	s = guidech_fit("Anything", 0);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(scroll_and_clock)
{
	struct guidech_layout l;
	const struct tz *utc = tz_get("UTC", NULL), *ny = tz_get("America/New_York", NULL);
	char buf[32];
	int strip = 0, a, b;


	static const int sizes[][4] = {         /* width, height, fps */
		{ 320, 180, 25, 1 }, { 640, 360, 25, 1 }, { 1280, 720, 30000, 1001 },
		{ 1920, 1080, 60, 1 }, { 720, 576, 50, 1 },
	};
	int64_t t0 = 1700000000LL * 1000000, f, moved, fps;
	int k, step, prev, gap, last_move, steps_seen;

	for (k = 0; k < 5; k++) {
		guidech_layout(sizes[k][0], sizes[k][1], &l);
		strip = l.row_h * 7;
		fps = sizes[k][2] / sizes[k][3];
		/*
		 * Frame by frame for 20 s: every move is the same number of
		 * lines, at the same interval (an even cadence), and a row
		 * passes in GUIDECH_ROW_SECONDS give or take half.
		 */
		prev = guidech_scroll(&l, t0, sizes[k][2], sizes[k][3], strip);
		step = 0;
		gap = 0;
		last_move = -1;
		moved = 0;
		steps_seen = 0;
		for (f = 1; f <= 20 * fps; f++) {
			a = guidech_scroll(&l, t0 + av_rescale(f, 1000000LL * sizes[k][3], sizes[k][2]),
			    sizes[k][2], sizes[k][3], strip);
			ck_assert_int_ge(a, 0);
			ck_assert_int_lt(a, strip);
			b = (a - prev + strip) % strip;
			prev = a;
			if (b == 0)
				continue;
			if (step == 0)
				step = b;
			ck_assert_msg(b == step, "%dx%d: a step of %d then %d", sizes[k][0],
			    sizes[k][1], step, b);
			if (last_move >= 0 && steps_seen > 1)
				ck_assert_msg(f - last_move == gap, "%dx%d: uneven cadence",
				    sizes[k][0], sizes[k][1]);
			if (last_move >= 0)
				gap = (int)(f - last_move);
			last_move = (int)f;
			steps_seen++;
			moved += b;
		}
		ck_assert_msg(moved * GUIDECH_ROW_SECONDS * 2 >= 20 * l.row_h &&
		    moved * GUIDECH_ROW_SECONDS <= 20 * l.row_h * 2, "%dx%d: %lld lines in 20 s",
		    sizes[k][0], sizes[k][1], (long long)moved);
	}
	guidech_layout(640, 360, &l);
	ck_assert_int_eq(guidech_scroll(&l, 123456789, 25, 1, 0), 0);

	ck_assert_str_eq(guidech_clock(utc, T0 + 30 * MIN_MS, buf, sizeof buf), "8:30 PM");
	ck_assert_str_eq(guidech_clock(utc, fx_utc(2024, 6, 3, 0, 5), buf, sizeof buf), "12:05 AM");
	ck_assert_str_eq(guidech_clock(utc, fx_utc(2024, 6, 3, 12, 0), buf, sizeof buf), "12:00 PM");
	ck_assert_str_eq(guidech_clock(ny, T0, buf, sizeof buf), "4:00 PM");
}
END_TEST

/* The text options of every drawtext filter of a parsed description. */
static char **
drawn_texts(const char *desc, int *w, int *h, size_t *n)
{
	AVFilterGraph *g = avfilter_graph_alloc();
	AVFilterInOut *in = NULL, *out = NULL;
	char **texts = NULL;
	uint8_t *v;
	unsigned i;

	*n = 0;
	ck_assert_int_ge(avfilter_graph_parse2(g, desc, &in, &out), 0);
	for (i = 0; i < g->nb_filters; i++) {
		if (strcmp(g->filters[i]->filter->name, "drawtext") == 0) {
			ck_assert_int_ge(av_opt_get(g->filters[i]->priv, "text", 0, &v), 0);
			texts = xreallocarray(texts, *n + 1, sizeof *texts);
			texts[(*n)++] = (char *)v;
		}
		if (strcmp(g->filters[i]->filter->name, "color") == 0) {
			ck_assert_int_ge(av_opt_get_image_size(g->filters[i]->priv, "s", 0, w, h), 0);
		}
	}
	avfilter_inout_free(&in);
	avfilter_inout_free(&out);
	avfilter_graph_free(&g);
	return texts;
}

/* Is s among the n texts? */
static int
has(char **texts, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(texts[i], s) == 0)
			return 1;
	}
	return 0;
}

START_TEST(strip_texts)
{
	int64_t guide;
	sqlite3 *db = fixture(&guide);
	struct guidech_layout l;
	struct listing ls;
	char *desc, *cause = NULL, **texts;
	size_t n, i;
	int h = 0, w = 0, ch = 0;

	ck_assert(listing_load(db, T0, 2, &ls, &cause) == 0);
	guidech_layout(1280, 720, &l);
	desc = guidech_strip_desc(&l, &ls, "GUIDE: It's \"on\"", T0 + 45 * MIN_MS, &h);
	ck_assert_int_eq(h, l.row_h * 3);
	texts = drawn_texts(desc, &w, &ch, &n);
	ck_assert_int_eq(w, 1280);
	ck_assert_int_eq(ch, h);
	/* The banner, each channel's number and label, every title, exactly. */
	ck_assert(has(texts, n, "GUIDE: It's \"on\""));
	ck_assert(has(texts, n, "2"));
	ck_assert(has(texts, n, "WTWO"));
	ck_assert(has(texts, n, "3"));
	ck_assert(has(texts, n, "Three"));
	ck_assert(has(texts, n, "< Early Show"));
	ck_assert(has(texts, n, "Late Movie"));
	ck_assert(has(texts, n, "To Be Announced"));
	ck_assert(has(texts, n, AWKWARD));
	ck_assert_uint_eq(n, 9);
	/* The highlight: two cells on air at 20:45 (NOW_COLOR), the others not. */
	ck_assert_ptr_nonnull(strstr(desc, "color=0x2f6fd0"));
	ck_assert_ptr_null(strstr(strstr(strstr(desc, "color=0x2f6fd0") + 1, "color=0x2f6fd0") +
	    1, "color=0x2f6fd0"));
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(desc);
	listing_free(&ls);
	db_close(&db);
	(void)guide;
}
END_TEST

START_TEST(frames_scroll)
{
	int64_t guide;
	sqlite3 *db = fixture(&guide);
	struct channel_conf conf;
	struct source_conf sc;
	struct guidech *g, *g2;
	struct guidech_layout l;
	AVFrame *a = av_frame_alloc(), *b = av_frame_alloc(), *au = av_frame_alloc();
	char *cause = NULL;
	int y, top_same = 1, grid_same = 1;
	float peak = 0;

	ck_assert(channels_get(db, guide, &conf, &cause) == 0);
	ck_assert(conf.guide);
	ck_assert_int_eq(conf.guide_hours, 2);
	memset(&sc, 0, sizeof sc);
	sc.width = 320;
	sc.height = 180;
	sc.fps_num = 25;
	sc.fps_den = 1;
	ck_assert_msg(guidech_open(&g, db, &conf, &sc, &cause) == 0, "%s", cause);
	ck_assert_msg(guidech_video(g, a, (T0 + 40 * MIN_MS) * 1000, &cause) == 0, "%s", cause);
	ck_assert_msg(guidech_video(g, b, (T0 + 40 * MIN_MS) * 1000 + 1000000, &cause) == 0, "%s",
	    cause);
	ck_assert_int_eq(a->width, 320);
	ck_assert_int_eq(a->height, 180);
	ck_assert_int_eq(a->format, AV_PIX_FMT_YUV420P);
	/* Too small a picture for a guide: refused, saying why. */
	sc.width = 64;
	sc.height = 36;
	ck_assert(guidech_open(&g2, db, &conf, &sc, &cause) < 0);
	ck_assert_ptr_null(g2);
	ck_assert_msg(strstr(cause, "at least 160x90") != NULL, "%s", cause);
	freep(&cause);
	guidech_layout(320, 180, &l);
	for (y = 0; y < 180; y++) {
		int same = memcmp(a->data[0] + y * a->linesize[0], b->data[0] + y * b->linesize[0],
		    320) == 0;

		if (y < l.grid_y && !same)
			top_same = 0;
		if (y >= l.grid_y && !same)
			grid_same = 0;
	}
	ck_assert_msg(top_same, "the top stays within a minute");
	ck_assert_msg(!grid_same, "the grid scrolls");
	/* No music folder: silence, in the channel's audio format. */
	ck_assert(guidech_audio(g, au, &cause) == 0);
	ck_assert_int_eq(au->sample_rate, 48000);
	ck_assert_int_eq(au->ch_layout.nb_channels, 2);
	for (y = 0; y < au->nb_samples; y++)
		peak = ((float *)au->data[0])[y] > peak ? ((float *)au->data[0])[y] : peak;
	ck_assert(peak == 0);
	av_frame_free(&a);
	av_frame_free(&b);
	av_frame_free(&au);
	guidech_free(&g);
	guidech_free(&g);
	channel_conf_clear(&conf);
	db_close(&db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("guidech");
	TCase *tc = tcase_create("guidech");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, listing_model);
	tcase_add_test(tc, layout_cells_and_fit);
	tcase_add_test(tc, scroll_and_clock);
	tcase_add_test(tc, strip_texts);
	tcase_add_test(tc, frames_scroll);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
