/*
 * guidech.c: the guide channel's source (see guidech.h).
 *
 * Three pictures are kept, all yuv420p in the channel's width: the top
 * (everything above the grid: background, preview box with the station's
 * card, name, clock, time bar), drawn once a minute; the strip (a banner
 * row and one row per channel), drawn when the listing changes; and the
 * preview's latest frame. A frame is the top, the preview copied into its
 * box, and grid_h lines of the strip from the scroll position, wrapping
 * round. The chroma of output line y comes from the strip's chroma line of
 * the luma line it shows, so the scroll may stop on any line.
 */
#include "engine/guidech.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavutil/mathematics.h>
#include <libavutil/samplefmt.h>

#include "engine/output.h"
#include "engine/text.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/log.h"
#include "src/util.h"
#include "src/thread.h"

#define BG_COLOR     "0x0b1640"         /* the background */
#define BAR_COLOR    "0x5a1f6e"         /* the time bar and the banner */
#define LABEL_COLOR  "0x14285e"         /* the channel column */
#define CELL_COLOR   "0x1d3f8f"         /* a programme */
#define NOW_COLOR    "0x2f6fd0"         /* a programme on air now */
#define ACCENT       "0xf2b705"         /* the clock, channel numbers */
#define CHECK_US     1000000            /* look for schedule changes this often */
#define PREPAINT_MS  5000               /* draw what changes at a known time this early */
#define MUSIC_RETRY_MS 60000            /* a folder with nothing playable: look again */
#define CHAR_EM      58                 /* average character width, % of the size */

/* A picture being drawn on a thread of its own. */
struct paint {
	pthread_t thread;
	int running;                    /* started and not joined */
	int finished;                   /* atomic: the thread has drawn */
	char *desc;                     /* what it draws; NULL: idle */
	AVFrame *frame;                 /* the result */
	int ret;
	int64_t apply_ms;               /* wall: show it from then (0: when ready) */
	int64_t t_ms;                   /* the instant it shows */
	struct listing ls;              /* the strip's listing */
	int h;                          /* the strip's height */
	char *fingerprint;              /* of what the strip's listing was read from */
};

struct guidech {
	struct channel_conf conf;
	struct source_conf sc;
	sqlite3 *db;                    /* borrowed */
	const struct tz *tz;
	struct guidech_layout l;
	char *station;                  /* the banner's and the card's name */

	/* The listing and the pictures drawn from it. */
	struct listing ls;
	AVFrame *top, *strip;
	int strip_h;
	int64_t top_minute;             /* the minute the top shows, or -1 */
	int64_t strip_until;            /* wall ms: the strip is right until then */
	char *fingerprint;              /* of the fine log and channels shown */
	int dirty;                      /* the schedule changed: draw the strip again */
	int64_t data_version;
	int64_t next_check_us;          /* wall */
	struct paint strip_paint, top_paint;

	/* The preview. */
	struct source *prev;
	AVFrame *prev_frame;            /* its last picture, or empty */
	int64_t prev_until_ms;          /* look for the next item then */
	int64_t prev_item;              /* fine log id it plays, 0 none */
	char **promos;
	size_t n_promos, next_promo;

	/* The music. */
	struct source *music;
	char **tracks;
	size_t n_tracks, next_track;
	int64_t music_retry_ms;         /* monotonic ms: rescan the folder then */
};

/* Even, at least lo. */
static int
even(int v, int lo)
{
	v &= ~1;
	return v < lo ? lo : v;
}

/* Layout. */
void
guidech_layout(int width, int height, struct guidech_layout *l)
{
	int top;

	memset(l, 0, sizeof *l);
	l->width = width;
	l->height = height;
	l->margin = even(height / 30, 2);
	l->row_h = even(height / 12, 10);
	l->font = l->row_h / 2 > 6 ? l->row_h / 2 : 6;
	top = even(height * 45 / 100, 20);
	l->box_y = l->margin;
	l->box_h = even(top - 2 * l->margin, 8);
	l->box_w = even(l->box_h * 16 / 9, 8);
	if (l->box_w > width / 2)
		l->box_w = even(width / 2, 8);
	l->box_x = l->margin;
	l->bar_y = top;
	l->grid_y = top + l->row_h;
	l->grid_h = height - l->grid_y;
	if (l->grid_h < 2)
		l->grid_h = 2;
	l->label_w = even(width * 22 / 100, 8);
}

/* Characters that fit in px at the grid's font (DejaVu Sans Bold: ~0.58 em a character). */
static int
chars_in(const struct guidech_layout *l, int px)
{
	return px * 100 / (l->font * CHAR_EM > 0 ? l->font * CHAR_EM : 1);
}

/* Cut a title. */
char *
guidech_fit(const char *title, int chars)
{
	size_t len = strlen(title), cut;
	char *out;

	if (chars <= 0)
		return xstrdup("");
	if (utf8_chars(title, len) <= (size_t)chars)
		return xstrdup(title);
	if (chars <= 3) {
		/* Too narrow for dots: the first characters. */
		cut = utf8_prefix(title, len, (size_t)chars);
		out = xmalloc(cut + 1);
		memcpy(out, title, cut);
		out[cut] = '\0';
		return out;
	}
	cut = utf8_prefix(title, len, (size_t)chars - 3);
	while (cut > 0 && title[cut - 1] == ' ')
		cut--;
	out = xmalloc(cut + 4);
	memcpy(out, title, cut);
	memcpy(out + cut, "...", 4);
	return out;
}

/* The x of time t in the grid. */
static int
time_x(const struct guidech_layout *l, const struct listing *ls, int64_t t)
{
	int64_t span = ls->to_ms - ls->from_ms, w = l->width - l->label_w;

	if (t <= ls->from_ms)
		return l->label_w;
	if (t >= ls->to_ms)
		return l->width;
	return l->label_w + (int)((t - ls->from_ms) * w / span);
}

/* Cells of a row. */
size_t
guidech_cells(const struct guidech_layout *l, const struct listing *ls,
    const struct listing_row *row, int64_t now_ms, struct guidech_cell *out, size_t max)
{
	const struct listing_prog *p;
	size_t i, n = 0;
	int x0, x1, pad = l->font / 2;
	char *t;

	for (i = 0; i < row->n && n < max; i++) {
		p = &row->progs[i];
		if (p->end_ms <= ls->from_ms || p->start_ms >= ls->to_ms)
			continue;
		x0 = time_x(l, ls, p->start_ms);
		x1 = time_x(l, ls, p->end_ms);
		if (x1 - x0 < 2)
			continue;
		out[n].x = x0;
		out[n].w = x1 - x0;
		out[n].now = p->start_ms <= now_ms && now_ms < p->end_ms;
		if (p->start_ms < ls->from_ms) {
			/* Began before the window: as the listings channels did, an arrow. */
			xasprintf(&t, "< %s", p->title);
			out[n].text = guidech_fit(t, chars_in(l, out[n].w - 2 * pad));
			free(t);
		} else
			out[n].text = guidech_fit(p->title, chars_in(l, out[n].w - 2 * pad));
		n++;
	}
	return n;
}

/* Free cell texts. */
void
guidech_cells_free(struct guidech_cell *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		freep(&cells[i].text);
}

/*
 * Scroll position: a whole number of lines every so many frames, the same
 * step every time (an even cadence looks smoother than steps of 0 and 1
 * lines mixed), near one row in GUIDECH_ROW_SECONDS.
 */
int
guidech_scroll(const struct guidech_layout *l, int64_t wall_us, int fps_num, int fps_den,
    int strip_h)
{
	int64_t frame, per_row, step = 1, period = 1;

	if (strip_h <= 0 || fps_num <= 0 || fps_den <= 0)
		return 0;
	frame = av_rescale(wall_us, fps_num, (int64_t)fps_den * 1000000);
	per_row = (int64_t)GUIDECH_ROW_SECONDS * fps_num / fps_den;    /* frames a row takes */
	if (per_row < 1)
		per_row = 1;
	if (l->row_h >= per_row)
		step = (l->row_h + per_row / 2) / per_row;
	else
		period = (per_row + l->row_h / 2) / l->row_h;
	return (int)((frame / period) % strip_h * step % strip_h);
}

/* Clock text. */
const char *
guidech_clock(const struct tz *tz, int64_t t_ms, char *buf, size_t len)
{
	struct tz_civil c;
	int h;

	tz_local(tz, t_ms, &c);
	h = c.hour % 12 == 0 ? 12 : c.hour % 12;
	snprintf(buf, len, "%d:%02d %s", h, c.minute, c.hour < 12 ? "AM" : "PM");
	return buf;
}

/* Append to a growing description. */
static void __attribute__((format(printf, 3, 4)))
add(char **desc, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *s;
	size_t n;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	n = strlen(s);
	*desc = xreallocarray(*desc, *len + n + 1, 1);
	memcpy(*desc + *len, s, n + 1);
	*len += n;
	free(s);
}

/*
 * A drawtext filter (text quoted for the graph) at x, y with size and
 * colour; font is its font option (text_font_arg; NULL, no font at all:
 * no text).
 */
static void
add_text(char **desc, size_t *len, const char *font, const char *text, const char *x, int y,
    int size, const char *color)
{
	char *v;

	if (font == NULL)
		return;
	v = text_value(text);

	add(desc, len, ",drawtext=%s:expansion=none:text=%s:x=%s:y=%d:fontsize=%d:"
	    "fontcolor=%s", font, v, x, y, size, color);
	free(v);
}

/* The strip's description. */
char *
guidech_strip_desc(const struct guidech_layout *l, const struct listing *ls,
    const char *station, int64_t now_ms, int *strip_h)
{
	struct guidech_cell *cells;
	char *desc = NULL, *bold = text_font_arg(NULL, 1, NULL), x[32];
	size_t len = 0, i, j, n;
	int y, ty, pad = l->font / 2, h = l->row_h * (int)(ls->n + 1);

	*strip_h = h;
	add(&desc, &len, "color=c=" BG_COLOR ":s=%dx%d:r=1:d=1", l->width, h);
	/* The banner: where the loop starts again. */
	ty = (l->row_h - l->font) / 2;
	add(&desc, &len, ",drawbox=x=0:y=1:w=iw:h=%d:color=" BAR_COLOR ":t=fill", l->row_h - 2);
	add_text(&desc, &len, bold, station, "(w-text_w)/2", ty, l->font, "white");
	for (i = 0; i < ls->n; i++) {
		const struct listing_row *r = &ls->rows[i];

		y = l->row_h * (int)(i + 1);
		add(&desc, &len, ",drawbox=x=0:y=%d:w=%d:h=%d:color=" LABEL_COLOR ":t=fill", y + 1,
		    l->label_w - 1, l->row_h - 2);
		snprintf(x, sizeof x, "%d", pad);
		add_text(&desc, &len, bold, r->number, x, y + ty, l->font, ACCENT);
		{
			char *lab = guidech_fit(r->label, chars_in(l, l->label_w - 2 * pad) -
			    (int)strlen(r->number) - 1);

			snprintf(x, sizeof x, "%d", pad + l->font * CHAR_EM / 100 *
			    ((int)strlen(r->number) + 1));
			add_text(&desc, &len, bold, lab, x, y + ty, l->font, "white");
			free(lab);
		}
		cells = xcalloc(r->n > 0 ? r->n : 1, sizeof *cells);
		n = guidech_cells(l, ls, r, now_ms, cells, r->n);
		for (j = 0; j < n; j++) {
			/* Box, then text: the next cell's box hides any overhang. */
			add(&desc, &len, ",drawbox=x=%d:y=%d:w=%d:h=%d:color=%s:t=fill", cells[j].x + 1,
			    y + 1, cells[j].w - 2 > 1 ? cells[j].w - 2 : 1, l->row_h - 2,
			    cells[j].now ? NOW_COLOR : CELL_COLOR);
			snprintf(x, sizeof x, "%d", cells[j].x + pad);
			if (*cells[j].text != '\0')
				add_text(&desc, &len, bold, cells[j].text, x, y + ty, l->font, "white");
		}
		guidech_cells_free(cells, n);
		free(cells);
	}
	add(&desc, &len, ",format=yuv420p");
	free(bold);
	return desc;
}

/* The top's description: background, card, name, clock, time bar. */
static char *
top_desc(const struct guidech *g, int64_t wall_ms)
{
	const struct guidech_layout *l = &g->l;
	char *desc = NULL, *bold = text_font_arg(NULL, 1, NULL);
	char *reg = text_font_arg(NULL, 0, NULL);
	char clock[32], date[64], x[32], *v;
	size_t len = 0;
	int64_t t;
	int rx = l->box_x + l->box_w + l->margin * 2, big = l->row_h * 3 / 2, ty, card;
	struct tz_civil c;
	struct listing win;
	static const char *days[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
	    "Friday", "Saturday" };
	static const char *months[] = { "January", "February", "March", "April", "May", "June",
	    "July", "August", "September", "October", "November", "December" };

	add(&desc, &len, "color=c=" BG_COLOR ":s=%dx%d:r=1:d=1", l->width, l->grid_y);
	/* The card under the preview: what shows when there is nothing to preview. */
	add(&desc, &len, ",drawbox=x=%d:y=%d:w=%d:h=%d:color=black:t=fill", l->box_x, l->box_y,
	    l->box_w, l->box_h);
	snprintf(x, sizeof x, "%d+(%d-text_w)/2", l->box_x, l->box_w);
	card = l->box_w * 100 / (CHAR_EM * ((int)strlen(g->station) + 2));
	card = card > big ? big : card < 6 ? 6 : card;
	add_text(&desc, &len, bold, g->station, x, l->box_y + l->box_h / 2 - card / 2, card,
	    "white");
	/* The name, the clock, the date. */
	snprintf(x, sizeof x, "%d", rx);
	add_text(&desc, &len, bold, g->station, x, l->box_y, l->font * 3 / 2 > 6 ?
	    l->font * 3 / 2 : 6, "white");
	add_text(&desc, &len, bold, guidech_clock(g->tz, wall_ms, clock, sizeof clock), x,
	    l->box_y + l->row_h * 2, big, ACCENT);
	tz_local(g->tz, wall_ms, &c);
	snprintf(date, sizeof date, "%s, %s %d", days[c.wday % 7], months[(c.month + 11) % 12],
	    c.day);
	add_text(&desc, &len, reg, date, x, l->box_y + l->row_h * 2 + big * 3 / 2, l->font,
	    "white");
	/* The time bar: "Ch." and a label per half hour. */
	ty = l->bar_y + (l->row_h - l->font) / 2;
	add(&desc, &len, ",drawbox=x=0:y=%d:w=iw:h=%d:color=" BAR_COLOR ":t=fill", l->bar_y,
	    l->row_h);
	snprintf(x, sizeof x, "%d", l->font / 2);
	v = xstrdup("Channel");
	add_text(&desc, &len, bold, v, x, ty, l->font, "white");
	free(v);
	memset(&win, 0, sizeof win);
	win.from_ms = listing_window_start(g->tz, wall_ms);
	win.to_ms = win.from_ms + (int64_t)g->conf.guide_hours * 3600000;
	for (t = win.from_ms; t < win.to_ms; t += LISTING_STEP_MS) {
		snprintf(x, sizeof x, "%d", time_x(l, &win, t) + l->font / 2);
		add_text(&desc, &len, bold, guidech_clock(g->tz, t, clock, sizeof clock), x, ty,
		    l->font, "white");
	}
	add(&desc, &len, ",format=yuv420p");
	free(bold);
	free(reg);
	return desc;
}

/* Run a source-only description and keep its first frame. */
static int
render(const char *desc, AVFrame **out, char **cause)
{
	AVFilterGraph *graph = avfilter_graph_alloc();
	AVFilterContext *sink;
	AVFilterInOut *inputs;
	AVFrame *f = av_frame_alloc();
	int ret;

	graph->nb_threads = 1;
	ret = avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", NULL,
	    NULL, graph);
	if (ret >= 0) {
		inputs = avfilter_inout_alloc();
		inputs->name = av_strdup("out");
		inputs->filter_ctx = sink;
		ret = avfilter_graph_parse_ptr(graph, desc, &inputs, NULL, NULL);
		avfilter_inout_free(&inputs);
	}
	if (ret >= 0)
		ret = avfilter_graph_config(graph, NULL);
	if (ret >= 0)
		ret = av_buffersink_get_frame(sink, f);
	avfilter_graph_free(&graph);
	if (ret < 0) {
		set_cause(cause, "drawing the guide: %s", av_err2str(ret));
		av_frame_free(&f);
		return ret;
	}
	av_frame_free(out);
	*out = f;
	return 0;
}

/* A fingerprint of what the listing shows: channels and fine log in the window. */
static char *
fingerprint(sqlite3 *db, int64_t from, int64_t to)
{
	sqlite3_stmt *st;
	char *fp = NULL;

	st = db_prepare(db, "SELECT (SELECT count(*) || ':' || coalesce(max(updated_at), '') || "
	    "':' || total(enabled) FROM channels), (SELECT count(*) || ':' || coalesce(max(s.id), 0) "
	    "|| ':' || coalesce(sum(s.start_ms % 1000003), 0) FROM channels c JOIN schedule_items s "
	    "ON s.channel_id = c.id AND s.start_ms < ?2 AND s.start_ms >= ?1 - 86400000 AND "
	    "s.end_ms > ?1)", NULL);
	if (st == NULL)
		return xstrdup("?");
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (sqlite3_step(st) == SQLITE_ROW)
		xasprintf(&fp, "%s/%s", db_text(st, 0), db_text(st, 1));
	sqlite3_finalize(st);
	return fp != NULL ? fp : xstrdup("?");
}

/* The painter's thread: draw one picture. */
static void *
paint_main(void *arg)
{
	struct paint *p = arg;

	p->ret = render(p->desc, &p->frame, NULL);
	__atomic_store_n(&p->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Draw desc (taken) in the background, to be shown from apply_ms (0: at once). */
static void
paint_start(struct paint *p, char *desc, int64_t apply_ms)
{
	free(p->desc);
	p->desc = desc;
	p->apply_ms = apply_ms;
	p->finished = 0;
	p->ret = -1;
	if (thread_start(&p->thread, "rv-guide", paint_main, p) != 0) {
		/* No thread: draw it here. */
		paint_main(p);
		return;
	}
	p->running = 1;
}

/* Wait for the painter (if it runs); its result. */
static int
paint_wait(struct paint *p)
{
	if (p->running) {
		pthread_join(p->thread, NULL);
		p->running = 0;
	}
	return p->ret;
}

/* Is the picture ready (without waiting)? */
static int
paint_ready(struct paint *p)
{
	return __atomic_load_n(&p->finished, __ATOMIC_ACQUIRE);
}

/* Free what a painter holds, waiting for it first. */
static void
paint_clear(struct paint *p)
{
	paint_wait(p);
	freep(&p->desc);
	av_frame_free(&p->frame);
	listing_free(&p->ls);
	free(p->fingerprint);
	memset(p, 0, sizeof *p);
}

/* When the strip drawn for t_ms stops being right: the next half hour or programme change. */
static int64_t
strip_until(const struct guidech *g, const struct listing *ls, int64_t t_ms)
{
	int64_t until = tz_slot_next(g->tz, t_ms, (int)(LISTING_STEP_MS / 60000));
	const struct listing_prog *p;
	size_t i;

	for (i = 0; i < ls->n; i++) {
		if ((p = listing_on_at(&ls->rows[i], t_ms)) != NULL && p->end_ms > t_ms &&
		    p->end_ms < until)
			until = p->end_ms;
	}
	return until;
}

/* Load the listing as it is at t_ms and start drawing its strip (apply_ms: when to show it). */
static int
strip_start(struct guidech *g, int64_t t_ms, int64_t apply_ms, char **cause)
{
	struct paint *p = &g->strip_paint;
	int64_t t0 = mono_us();
	char *desc;

	paint_clear(p);
	if (listing_load(g->db, listing_window_start(g->tz, t_ms), g->conf.guide_hours, &p->ls,
	    cause) != 0)
		return -1;
	p->t_ms = t_ms;
	/* What it was drawn from: a change after this is seen against it. */
	p->fingerprint = fingerprint(g->db, p->ls.from_ms, p->ls.to_ms);
	desc = guidech_strip_desc(&g->l, &p->ls, g->station, t_ms, &p->h);
	log_debug("channel %s: read the guide's %zu rows in %.1f ms", g->conf.number, p->ls.n,
	    (double)(mono_us() - t0) / 1000);
	paint_start(p, desc, apply_ms);
	return 0;
}

/* Show the strip the painter drew (waiting for it). */
static int
strip_apply(struct guidech *g, char **cause)
{
	struct paint *p = &g->strip_paint;

	if (paint_wait(p) < 0) {
		set_cause(cause, "drawing the guide: the listings could not be drawn");
		paint_clear(p);
		return -1;
	}
	av_frame_free(&g->strip);
	g->strip = p->frame;
	p->frame = NULL;
	g->strip_h = p->h;
	listing_free(&g->ls);
	g->ls = p->ls;
	memset(&p->ls, 0, sizeof p->ls);
	g->strip_until = strip_until(g, &g->ls, p->t_ms);
	free(g->fingerprint);
	g->fingerprint = p->fingerprint;
	p->fingerprint = NULL;
	paint_clear(p);
	return 0;
}

/* Start drawing the top for minute m (ms). */
static void
top_start(struct guidech *g, int64_t m)
{
	paint_clear(&g->top_paint);
	g->top_paint.t_ms = m;
	paint_start(&g->top_paint, top_desc(g, m), m);
}

/* Show the top the painter drew (waiting for it). */
static int
top_apply(struct guidech *g, char **cause)
{
	struct paint *p = &g->top_paint;

	if (paint_wait(p) < 0) {
		set_cause(cause, "drawing the guide: its clock could not be drawn");
		paint_clear(p);
		return -1;
	}
	av_frame_free(&g->top);
	g->top = p->frame;
	p->frame = NULL;
	g->top_minute = p->t_ms / 60000;
	paint_clear(p);
	return 0;
}

/*
 * Bring the pictures up to date for wall_ms. What changes at a known time
 * (the clock's minute, the half hour, a programme's start) is drawn in the
 * background PREPAINT_MS ahead and shown from that instant; a schedule
 * change is drawn in the background and shown when ready. Only the very
 * first pictures are drawn while the channel waits.
 */
static int
refresh(struct guidech *g, int64_t wall_us, char **cause)
{
	int64_t wall_ms = wall_us / 1000, dv, next;
	struct paint *sp = &g->strip_paint, *tp = &g->top_paint;
	char *fp;

	/* The strip. */
	if (g->strip == NULL) {
		if (strip_start(g, wall_ms, 0, cause) != 0 || strip_apply(g, cause) != 0)
			return -1;
	}
	if (sp->desc != NULL && ((sp->apply_ms == 0 && paint_ready(sp)) ||
	    (sp->apply_ms != 0 && wall_ms >= sp->apply_ms))) {
		if (strip_apply(g, cause) != 0)
			return -1;
	}
	if (sp->desc == NULL && wall_ms >= g->strip_until - PREPAINT_MS) {
		next = g->strip_until > wall_ms ? g->strip_until : wall_ms;
		if (strip_start(g, next, next, cause) != 0)
			return -1;
	}
	if (wall_us >= g->next_check_us) {
		g->next_check_us = wall_us + CHECK_US;
		/* data_version moves when another connection commits. */
		dv = db_scalar(g->db, "PRAGMA data_version", 0);
		if (dv != g->data_version) {
			g->data_version = dv;
			fp = fingerprint(g->db, g->ls.from_ms, g->ls.to_ms);
			if (strcmp(fp, g->fingerprint) != 0 && !g->dirty) {
				log_info("channel %s: the schedule changed; redrawing the guide",
				    g->conf.number);
				g->dirty = 1;
			}
			free(fp);
		}
	}
	if (g->dirty && sp->desc == NULL) {
		g->dirty = 0;
		if (strip_start(g, wall_ms, 0, cause) != 0)
			return -1;
	}

	/* The top: its clock changes on the minute. */
	if (g->top == NULL) {
		top_start(g, wall_ms);
		if (top_apply(g, cause) != 0)
			return -1;
	}
	next = (wall_ms / 60000 + 1) * 60000;
	if (tp->desc == NULL && g->top_minute != wall_ms / 60000 && wall_ms < next) {
		/* Late (a start, a jump): draw this minute now. */
		top_start(g, wall_ms);
		if (top_apply(g, cause) != 0)
			return -1;
	}
	if (tp->desc != NULL && wall_ms >= tp->apply_ms && top_apply(g, cause) != 0)
		return -1;
	if (tp->desc == NULL && wall_ms >= next - PREPAINT_MS && g->top_minute == wall_ms / 60000)
		top_start(g, next);
	return 0;
}

/* Promo files of the library, for a guide with no source channel. */
static void
load_promos(struct guidech *g)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < g->n_promos; i++)
		free(g->promos[i]);
	free(g->promos);
	g->promos = NULL;
	g->n_promos = 0;
	st = db_prepare(g->db, "SELECT m.file_path FROM media_files m JOIN "
	    "content_scheduling_metadata c ON c.media_file_id = m.id WHERE c.content_type = "
	    "'promo' AND coalesce(m.validation_status, '') NOT IN ('missing', 'error') "
	    "ORDER BY m.id", NULL);
	if (st == NULL)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		g->promos = xreallocarray(g->promos, g->n_promos + 1, sizeof *g->promos);
		g->promos[g->n_promos++] = xstrdup(db_text(st, 0));
	}
	sqlite3_finalize(st);
}

/* The preview's source settings: the box, pictures only. */
static void
preview_conf(const struct guidech *g, struct source_conf *sc)
{
	*sc = g->sc;
	sc->width = g->l.box_w;
	sc->height = g->l.box_h;
	sc->no_audio = 1;
	sc->no_video = 0;
	sc->gain_db = 0;
}

/* Start what the preview should show at wall_ms. */
static void
preview_next(struct guidech *g, int64_t wall_ms)
{
	struct source_conf sc;
	struct fine_item it;
	char *cause = NULL;
	size_t tries;

	source_free(&g->prev);
	av_frame_unref(g->prev_frame);
	g->prev_item = 0;
	preview_conf(g, &sc);
	if (g->conf.guide_source_id != 0) {
		/* The source channel's item at this instant, from the right offset. */
		if (finelog_item_at(g->db, g->conf.guide_source_id, wall_ms, &it, NULL) != 0) {
			g->prev_until_ms = wall_ms + 10000;
			return;
		}
		g->prev_until_ms = it.end_ms;
		g->prev_item = it.id;
		if (it.file_path != NULL && source_open(&g->prev, it.file_path, (it.in_ms +
		    wall_ms - it.start_ms) * 1000, &sc, &cause) < 0) {
			log_warn("channel %s: the guide's preview: %s", g->conf.number, cause);
			free(cause);
		}
		fine_item_clear(&it);
		return;
	}
	/* No source channel: the promos in turn, each from its start. */
	if (g->n_promos == 0 || g->next_promo >= g->n_promos) {
		load_promos(g);
		g->next_promo = 0;
	}
	g->prev_until_ms = INT64_MAX;
	for (tries = 0; tries < g->n_promos; tries++) {
		const char *path = g->promos[g->next_promo++ % g->n_promos];

		if (source_open(&g->prev, path, 0, &sc, &cause) == 0)
			return;
		log_warn("channel %s: the guide's promo: %s", g->conf.number, cause);
		freep(&cause);
	}
	g->prev_until_ms = wall_ms + MUSIC_RETRY_MS;     /* the card, then look again */
}

/* Advance the preview to wall_ms: its next picture into prev_frame. */
static void
preview_step(struct guidech *g, int64_t wall_ms, AVFrame *tmp)
{
	char *cause = NULL;
	int ret;

	if (wall_ms >= g->prev_until_ms)
		preview_next(g, wall_ms);
	if (g->prev == NULL)
		return;
	ret = source_video(g->prev, tmp, &cause);
	if (ret == 0) {
		av_frame_unref(g->prev_frame);
		av_frame_move_ref(g->prev_frame, tmp);
		return;
	}
	if (ret == AVERROR(EAGAIN))
		return;
	if (ret != AVERROR_EOF && cause != NULL)
		log_warn("channel %s: the guide's preview: %s", g->conf.number, cause);
	free(cause);
	source_free(&g->prev);
	av_frame_unref(g->prev_frame);
	if (g->conf.guide_source_id == 0)
		g->prev_until_ms = wall_ms;     /* the next promo */
}

/* Copy a w x h rectangle of yuv420p src at (sx, sy) to dst at (dx, dy); all even. */
static void
blit(AVFrame *dst, int dx, int dy, const AVFrame *src, int sx, int sy, int w, int h)
{
	int p, y, sh, ph, pw;

	for (p = 0; p < 3; p++) {
		sh = p == 0 ? 0 : 1;
		ph = h >> sh;
		pw = w >> sh;
		for (y = 0; y < ph; y++)
			memcpy(dst->data[p] + (size_t)((dy >> sh) + y) * dst->linesize[p] + (dx >> sh),
			    src->data[p] + (size_t)((sy >> sh) + y) * src->linesize[p] + (sx >> sh),
			    (size_t)pw);
	}
}

/* The grid: grid_h lines of the strip from line `from`, wrapping round. */
static void
blit_grid(struct guidech *g, AVFrame *dst, int from)
{
	const struct guidech_layout *l = &g->l;
	const AVFrame *s = g->strip;
	int y, sy, w = l->width;

	for (y = 0; y < l->grid_h && l->grid_y + y < l->height; y++) {
		sy = (from + y) % g->strip_h;
		memcpy(dst->data[0] + (size_t)(l->grid_y + y) * dst->linesize[0],
		    s->data[0] + (size_t)sy * s->linesize[0], (size_t)w);
		if (((l->grid_y + y) & 1) == 0) {
			memcpy(dst->data[1] + (size_t)((l->grid_y + y) >> 1) * dst->linesize[1],
			    s->data[1] + (size_t)(sy >> 1) * s->linesize[1], (size_t)w / 2);
			memcpy(dst->data[2] + (size_t)((l->grid_y + y) >> 1) * dst->linesize[2],
			    s->data[2] + (size_t)(sy >> 1) * s->linesize[2], (size_t)w / 2);
		}
	}
}

/* A frame. */
int
guidech_video(struct guidech *g, AVFrame *frame, int64_t wall_us, char **cause)
{
	const struct guidech_layout *l = &g->l;
	AVFrame *tmp;
	int ret, w, h;

	if (refresh(g, wall_us, cause) < 0)
		return -1;
	tmp = av_frame_alloc();
	preview_step(g, wall_us / 1000, tmp);
	av_frame_free(&tmp);
	frame->format = AV_PIX_FMT_YUV420P;
	frame->width = l->width;
	frame->height = l->height;
	frame->sample_aspect_ratio = (AVRational){ 1, 1 };
	if ((ret = av_frame_get_buffer(frame, 0)) < 0)
		return ret;
	blit(frame, 0, 0, g->top, 0, 0, l->width, l->grid_y);
	if (g->prev_frame->data[0] != NULL) {
		w = g->prev_frame->width < l->box_w ? g->prev_frame->width : l->box_w;
		h = g->prev_frame->height < l->box_h ? g->prev_frame->height : l->box_h;
		/* The source centres a narrower picture itself; pad stays the card's black. */
		blit(frame, l->box_x + ((l->box_w - w) / 2 & ~1), l->box_y +
		    ((l->box_h - h) / 2 & ~1), g->prev_frame, 0, 0, w & ~1, h & ~1);
	}
	blit_grid(g, frame, guidech_scroll(l, wall_us, g->sc.fps_num, g->sc.fps_den, g->strip_h));
	return 0;
}

/* The music folder's playable files, sorted. */
static void
scan_music(struct guidech *g)
{
	static const char *exts[] = { ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac",
	    ".wav", ".mka", ".wma", ".mp2", ".ac3" };
	struct dirent **names = NULL;
	const char *dot;
	size_t i, k;
	int n, j;

	for (i = 0; i < g->n_tracks; i++)
		free(g->tracks[i]);
	free(g->tracks);
	g->tracks = NULL;
	g->n_tracks = 0;
	g->next_track = 0;
	if (g->conf.guide_music_dir == NULL)
		return;
	n = scandir(g->conf.guide_music_dir, &names, NULL, alphasort);
	if (n < 0) {
		log_warn("channel %s: music folder %s: %s", g->conf.number,
		    g->conf.guide_music_dir, strerror(errno));
		return;
	}
	for (j = 0; j < n; j++) {
		dot = strrchr(names[j]->d_name, '.');
		for (k = 0; dot != NULL && names[j]->d_name[0] != '.' && k < nitems(exts); k++) {
			if (strcasecmp(dot, exts[k]) == 0) {
				g->tracks = xreallocarray(g->tracks, g->n_tracks + 1, sizeof *g->tracks);
				xasprintf(&g->tracks[g->n_tracks++], "%s/%s", g->conf.guide_music_dir,
				    names[j]->d_name);
				break;
			}
		}
		free(names[j]);
	}
	free(names);
}

/* Open the next track that opens; 0 when none does. */
static int
next_track(struct guidech *g)
{
	struct source_conf sc;
	const char *path;
	char *cause = NULL;
	size_t fails = 0;

	sc = g->sc;
	sc.no_video = 1;
	sc.no_audio = 0;
	sc.gain_db = GUIDECH_MUSIC_GAIN_DB;
	for (;;) {
		/* At the end of the list, the folder again (files come and go). */
		if (g->next_track >= g->n_tracks) {
			scan_music(g);
			if (g->n_tracks == 0)
				return 0;
		}
		path = g->tracks[g->next_track++];
		if (source_open(&g->music, path, 0, &sc, &cause) == 0) {
			log_info("channel %s: music: %s", g->conf.number, path);
			return 1;
		}
		log_warn("channel %s: music: %s", g->conf.number, cause);
		freep(&cause);
		if (++fails >= g->n_tracks)
			return 0;
	}
}

/* Audio. */
int
guidech_audio(struct guidech *g, AVFrame *frame, char **cause)
{
	int64_t now = mono_us() / 1000;
	int ret, tries = 0;

	(void)cause;
	while (g->conf.guide_music_dir != NULL && tries++ < 3) {
		if (g->music == NULL) {
			if (now < g->music_retry_ms || !next_track(g)) {
				if (now >= g->music_retry_ms)
					g->music_retry_ms = now + MUSIC_RETRY_MS;
				break;
			}
		}
		ret = source_audio(g->music, frame, NULL);
		if (ret == 0)
			return 0;
		av_frame_unref(frame);
		source_free(&g->music);
	}
	/* Silence: no folder, or nothing in it plays. */
	frame->format = AV_SAMPLE_FMT_FLTP;
	frame->sample_rate = OUTPUT_SAMPLE_RATE;
	frame->nb_samples = 1024;
	av_channel_layout_default(&frame->ch_layout, 2);
	if ((ret = av_frame_get_buffer(frame, 0)) < 0)
		return ret;
	av_samples_set_silence(frame->extended_data, 0, frame->nb_samples, 2, AV_SAMPLE_FMT_FLTP);
	return 0;
}

/* Open. */
int
guidech_open(struct guidech **out, sqlite3 *db, const struct channel_conf *conf,
    const struct source_conf *sc, char **cause)
{
	struct guidech *g = xcalloc(1, sizeof *g);

	*out = NULL;
	if (sc->width < GUIDECH_MIN_W || sc->height < GUIDECH_MIN_H) {
		set_cause(cause, "channel %s: a guide channel needs a picture of at least %dx%d "
		    "(it is %dx%d)", conf->number, GUIDECH_MIN_W, GUIDECH_MIN_H, sc->width,
		    sc->height);
		free(g);
		return -1;
	}
	channel_conf_copy(&g->conf, conf);
	if (g->conf.guide_hours < 1 || g->conf.guide_hours > 12)
		g->conf.guide_hours = 2;
	g->sc = *sc;
	g->db = db;
	if ((g->tz = tz_get(conf->timezone != NULL ? conf->timezone : "UTC", cause)) == NULL) {
		guidech_free(&g);
		return -1;
	}
	guidech_layout(sc->width, sc->height, &g->l);
	g->station = xstrdup(conf->name != NULL ? conf->name : conf->number);
	g->top_minute = -1;
	g->data_version = db_scalar(db, "PRAGMA data_version", 0);
	g->prev_frame = av_frame_alloc();
	*out = g;
	return 0;
}

/* Free. */
void
guidech_free(struct guidech **gp)
{
	struct guidech *g;
	size_t i;

	if (gp == NULL || (g = *gp) == NULL)
		return;
	paint_clear(&g->strip_paint);
	paint_clear(&g->top_paint);
	listing_free(&g->ls);
	av_frame_free(&g->top);
	av_frame_free(&g->strip);
	av_frame_free(&g->prev_frame);
	source_free(&g->prev);
	source_free(&g->music);
	for (i = 0; i < g->n_promos; i++)
		free(g->promos[i]);
	free(g->promos);
	for (i = 0; i < g->n_tracks; i++)
		free(g->tracks[i]);
	free(g->tracks);
	free(g->fingerprint);
	free(g->station);
	channel_conf_clear(&g->conf);
	freep(gp);
}
