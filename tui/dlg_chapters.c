/*
 * dlg_chapters.c: the chapter editor. A picture of the frame at the
 * playhead, as large as the terminal allows, the playhead in
 * hh:mm:ss.ff, seeking by a frame, a second, ten seconds, a minute, to a
 * typed time or to the next black-and-silent point; the marker list with
 * Add, Set time, Title, Delete and Generate (black and silence detection
 * in the background, with a progress bar). Save replaces the file's
 * markers (chapters.set), which rebuilds the affected schedules.
 *
 * Seeking never waits: each move sends frame.at (a job in the daemon that
 * decodes from the nearest keyframe; a newer seek cancels the older one)
 * and the last picture stays on screen until the new one arrives.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/base64.h>

#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/pane.h"
#include "tui/thumb.h"
#include "tui/widgets.h"

#define LIST_COLS 38                    /* the marker list's width */

struct mark {
	int64_t ms;
	char title[64];
	char source[16];
};

/* An intro or the end credits: shown, not edited. */
struct span {
	int64_t start_ms, end_ms;
	char kind[8];
	char source[16];
};

#define MAX_SPANS 4

struct chap {
	struct console *con;
	int64_t id;
	char title[160];
	int64_t duration_ms;
	double fps;
	int64_t playhead;               /* ms from the start of the file */
	int64_t asked_ms;               /* the last picture asked for; -1 none */
	int64_t shown_ms;               /* the picture on screen; -1 none */
	uint8_t *rgb;                   /* that picture, rw x rh RGB24 */
	int rw, rh;
	int pw, ph;                     /* the picture size asked for */
	struct mark *marks;
	int nmarks;
	struct span spans[MAX_SPANS];
	int nspans;
	struct w_list list;
	int dirty;                      /* unsaved changes */
	int64_t detect_job;             /* 0 none, -1 being started */
	int64_t det_done, det_total;
	int64_t *points;                /* black-and-silent points, ascending */
	int npoints;
	int detected;                   /* points are known */
	int generate;                   /* add the points as markers when found */
	int jump;                       /* +1/-1: go to the next/previous point when found */
	int reload;                     /* another console saved the markers */
	int64_t rebuild_job;            /* the schedules' rebuild after a save */
	int saved;                      /* markers in the last save */
	int asked_mark;                 /* the marker a title is being typed for */
	char status[256];
};

/* The frame index of ms at the file's rate. */
static int64_t
frame_of(const struct chap *c, int64_t ms)
{
	return (int64_t)floor((double)ms * c->fps / 1000.0 + 0.5);
}

/* The first ms of frame k (a seek there shows frame k). */
static int64_t
ms_of(const struct chap *c, int64_t k)
{
	return (int64_t)ceil((double)k * 1000.0 / c->fps);
}

/* "hh:mm:ss.ff" at the file's frame rate. */
static char *
hmsf(const struct chap *c, int64_t ms, char *buf, size_t len)
{
	int64_t k = frame_of(c, ms), per = (int64_t)floor(c->fps + 0.5), s, f;

	if (per < 1)
		per = 1;
	s = (int64_t)floor((double)k / c->fps);
	f = k - (int64_t)floor((double)s * c->fps + 0.5);
	if (f < 0)
		f = 0;
	if (f >= per)
		f = per - 1;
	snprintf(buf, len, "%02lld:%02lld:%02lld.%02lld", (long long)(s / 3600),
	    (long long)(s / 60 % 60), (long long)(s % 60), (long long)f);
	return buf;
}

/* "hh:mm:ss.ff" (frames), "h:mm:ss.mmm", "12:30", "750s" into ms; -1 if none. */
static int64_t
parse_time(const struct chap *c, const char *s)
{
	int h, m, sec, ff, n = 0;
	int64_t ms;
	const char *dot = strrchr(s, '.');

	if (dot != NULL && strlen(dot + 1) == 2 && sscanf(s, "%d:%d:%d.%d%n", &h, &m, &sec, &ff,
	    &n) == 4 && s[n] == '\0' && ff < c->fps + 0.5)
		return ms_of(c, frame_of(c, ((int64_t)h * 3600 + m * 60 + sec) * 1000) + ff);
	if (parse_duration_ms(s, &ms) != 0)
		return -1;
	return ms;
}

/* Keep the playhead in the file. */
static void
clamp(struct chap *c)
{
	if (c->playhead < 0)
		c->playhead = 0;
	if (c->duration_ms > 0 && c->playhead >= c->duration_ms)
		c->playhead = ms_of(c, frame_of(c, c->duration_ms - 1));
	if (c->duration_ms > 0 && c->playhead >= c->duration_ms)
		c->playhead = c->duration_ms - 1;
}

/* Step by frames from the playhead. */
static void
step_frames(struct chap *c, int n)
{
	c->playhead = ms_of(c, frame_of(c, c->playhead) + n);
	clamp(c);
}

/* Move by ms, landing on a frame. */
static void
step_ms(struct chap *c, int64_t ms)
{
	c->playhead = ms_of(c, frame_of(c, c->playhead + ms));
	clamp(c);
}

/* Sort the markers by time. */
static int
mark_cmp(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	return x->ms < y->ms ? -1 : x->ms > y->ms;
}

/* Add a marker at ms (none within half a second of another); its index or -1. */
static int
mark_add(struct chap *c, int64_t ms, const char *title, const char *source)
{
	int i;

	for (i = 0; i < c->nmarks; i++)
		if (llabs(c->marks[i].ms - ms) < 500)
			return -1;
	c->marks = xreallocarray(c->marks, (size_t)c->nmarks + 1, sizeof *c->marks);
	c->marks[c->nmarks].ms = ms;
	utf8_copy(c->marks[c->nmarks].title, sizeof c->marks[c->nmarks].title,
	    title != NULL ? title : "");
	utf8_copy(c->marks[c->nmarks].source, sizeof c->marks[c->nmarks].source, source);
	c->nmarks++;
	qsort(c->marks, (size_t)c->nmarks, sizeof *c->marks, mark_cmp);
	for (i = 0; i < c->nmarks && c->marks[i].ms != ms; i++)
		;
	c->list.count = c->nmarks;
	c->dirty = 1;
	return i;
}

/* Load the file and its markers. 0, or -1 with the reason in the status bar. */
static int
load(struct chap *c)
{
	json_t *r, *m;
	char *cause = NULL;
	size_t i;

	r = console_call(c->con, "chapters.get", xjson_pack("{s:I}", "file", (json_int_t)c->id),
	    &cause);
	if (r == NULL) {
		console_message(c->con, "Chapters of %lld: %s", (long long)c->id, cause);
		free(cause);
		return -1;
	}
	utf8_copy(c->title, sizeof c->title, json_string_value(json_object_get(r,
	    "title")));
	c->duration_ms = json_integer_value(json_object_get(r, "duration_ms"));
	c->fps = json_number_value(json_object_get(r, "fps"));
	if (c->fps <= 0 || c->fps > 240)
		c->fps = 25;
	free(c->marks);
	c->marks = NULL;
	c->nmarks = 0;
	json_array_foreach(json_object_get(r, "markers"), i, m) {
		const char *t = json_string_value(json_object_get(m, "title"));

		c->marks = xreallocarray(c->marks, (size_t)c->nmarks + 1, sizeof *c->marks);
		c->marks[c->nmarks].ms = json_integer_value(json_object_get(m, "ms"));
		utf8_copy(c->marks[c->nmarks].title, sizeof c->marks[c->nmarks].title,
		    t != NULL ? t : "");
		utf8_copy(c->marks[c->nmarks].source, sizeof c->marks[c->nmarks].source,
		    json_string_value(json_object_get(m, "source")));
		c->nmarks++;
	}
	c->nspans = 0;
	json_array_foreach(json_object_get(r, "spans"), i, m) {
		if (c->nspans >= MAX_SPANS)
			break;
		c->spans[c->nspans].start_ms = json_integer_value(json_object_get(m, "start_ms"));
		c->spans[c->nspans].end_ms = json_integer_value(json_object_get(m, "end_ms"));
		utf8_copy(c->spans[c->nspans].kind, sizeof c->spans[c->nspans].kind,
		    json_string_value(json_object_get(m, "kind")));
		utf8_copy(c->spans[c->nspans].source, sizeof c->spans[c->nspans].source,
		    json_string_value(json_object_get(m, "source")));
		c->nspans++;
	}
	c->list.count = c->nmarks;
	if (c->list.sel < 0 && c->nmarks > 0)
		c->list.sel = 0;
	c->dirty = 0;
	json_decref(r);
	return 0;
}

/* Load the markers again (saved somewhere, maybe here); say so if they differ. */
static void
reload(struct chap *c)
{
	struct mark *old = c->marks;
	int nold = c->nmarks, same, i;

	c->marks = NULL;
	if (load(c) != 0) {
		c->marks = old;
		c->nmarks = nold;
		return;
	}
	same = nold == c->nmarks;
	for (i = 0; same && i < nold; i++)
		same = old[i].ms == c->marks[i].ms && strcmp(old[i].title, c->marks[i].title) == 0 &&
		    strcmp(old[i].source, c->marks[i].source) == 0;
	free(old);
	if (!same)
		snprintf(c->status, sizeof c->status, "Markers reloaded: another console saved them");
}

/* Ask for the picture at the playhead if it is not the one asked for last. */
static void
seek(struct chap *c)
{
	json_t *r;
	char *cause = NULL;

	if (c->playhead == c->asked_ms || c->pw < 16 || c->ph < 16)
		return;
	c->asked_ms = c->playhead;
	r = console_call(c->con, "frame.at", xjson_pack("{s:I, s:I, s:i, s:i}", "file",
	    (json_int_t)c->id, "ms", (json_int_t)c->playhead, "width", c->pw, "height", c->ph),
	    &cause);
	if (r == NULL) {
		snprintf(c->status, sizeof c->status, "Seek: %s", cause);
		free(cause);
		return;
	}
	json_decref(r);
}

/* Go to the next (dir 1) or previous (-1) black-and-silent point. */
static void
jump_point(struct chap *c, int dir)
{
	int i;

	if (dir > 0) {
		for (i = 0; i < c->npoints && c->points[i] <= c->playhead + 1; i++)
			;
		if (i < c->npoints) {
			c->playhead = c->points[i];
			return;
		}
	} else {
		for (i = c->npoints - 1; i >= 0 && c->points[i] >= c->playhead - 1; i--)
			;
		if (i >= 0) {
			c->playhead = c->points[i];
			return;
		}
	}
	snprintf(c->status, sizeof c->status, "No black-and-silent point %s the playhead",
	    dir > 0 ? "after" : "before");
}

/* Start the detection job unless it runs or has run. */
static void
detect(struct chap *c)
{
	json_t *r;
	char *cause = NULL;

	if (c->detect_job != 0)
		return;
	c->detect_job = -1;
	c->det_done = 0;
	c->det_total = c->duration_ms;
	r = console_call(c->con, "chapters.detect", xjson_pack("{s:I}", "file",
	    (json_int_t)c->id), &cause);
	if (r == NULL) {
		snprintf(c->status, sizeof c->status, "Detection: %s", cause);
		free(cause);
		c->detect_job = 0;
		return;
	}
	c->detect_job = json_integer_value(json_object_get(r, "job"));
	snprintf(c->status, sizeof c->status, "Looking for black and silence...");
	json_decref(r);
}

/* The detection's points arrived: jump or generate as asked. */
static void
detected(struct chap *c, json_t *result)
{
	json_t *p;
	size_t i;
	int added = 0;

	free(c->points);
	c->npoints = (int)json_array_size(json_object_get(result, "points"));
	c->points = xcalloc((size_t)c->npoints + 1, sizeof *c->points);
	json_array_foreach(json_object_get(result, "points"), i, p)
		c->points[i] = json_integer_value(json_object_get(p, "ms"));
	c->detected = 1;
	c->detect_job = 0;
	if (c->generate) {
		for (i = 0; i < (size_t)c->npoints; i++) {
			char t[32];

			snprintf(t, sizeof t, "Break %zu", i + 1);
			if (mark_add(c, c->points[i], t, "detected") >= 0)
				added++;
		}
		snprintf(c->status, sizeof c->status, "Found %d black-and-silent point%s; %d new "
		    "marker%s (not saved yet)", c->npoints, c->npoints == 1 ? "" : "s", added,
		    added == 1 ? "" : "s");
		c->generate = 0;
	} else
		snprintf(c->status, sizeof c->status, "Found %d black-and-silent point%s",
		    c->npoints, c->npoints == 1 ? "" : "s");
	if (c->jump != 0)
		jump_point(c, c->jump);
	c->jump = 0;
}

/* A picture arrived: decode it and keep it on screen. */
static void
picture(struct chap *c, json_t *result)
{
	const char *b64 = json_string_value(json_object_get(result, "rgb"));
	int w = (int)json_integer_value(json_object_get(result, "width"));
	int h = (int)json_integer_value(json_object_get(result, "height"));
	int64_t asked = json_integer_value(json_object_get(result, "asked_ms"));
	uint8_t *rgb;
	int n;

	/* An older seek that finished still shows while the newest decodes. */
	if (b64 == NULL || w <= 0 || h <= 0)
		return;
	rgb = xmalloc((size_t)w * h * 3 + 4);
	n = av_base64_decode(rgb, b64, w * h * 3 + 4);
	if (n != w * h * 3) {
		free(rgb);
		return;
	}
	free(c->rgb);
	c->rgb = rgb;
	c->rw = w;
	c->rh = h;
	c->shown_ms = json_integer_value(json_object_get(result, "ms"));
	/* Show the frame's own time when the playhead still asks for it. */
	if (c->playhead == asked) {
		c->playhead = c->shown_ms;
		c->asked_ms = c->shown_ms;
	}
}

/* The schedules were rebuilt after a save: say which. */
static void
rebuilt(struct chap *c, json_t *ev)
{
	json_t *v;
	char chans[128] = "";
	size_t i;

	c->rebuild_job = 0;
	if (json_object_get(ev, "result") == NULL) {
		snprintf(c->status, sizeof c->status, "Saved %d markers; rebuilding the schedules "
		    "failed: %s", c->saved, json_string_value(json_object_get(ev, "error")));
		return;
	}
	json_array_foreach(json_object_get(json_object_get(ev, "result"), "rebuilt"), i, v) {
		size_t used = strlen(chans);

		snprintf(chans + used, sizeof chans - used, "%s%s%s", used > 0 ? ", " : "",
		    json_string_value(json_object_get(v, "number")), json_object_get(v, "error") !=
		    NULL ? " (failed, see the log)" : "");
	}
	if (chans[0] != '\0')
		snprintf(c->status, sizeof c->status, "Saved %d markers; rebuilt the schedules of "
		    "channels %s", c->saved, chans);
	else
		snprintf(c->status, sizeof c->status, "Saved %d markers; no schedule plays the file "
		    "after the locked ten minutes", c->saved);
	console_message(c->con, "%s", c->status);
}

/* Control events while the editor is open. */
static void
on_event(void *arg, struct console *con, json_t *ev)
{
	struct chap *c = arg;
	const char *name = json_string_value(json_object_get(ev, "event"));
	const char *kind = json_string_value(json_object_get(ev, "kind"));
	json_t *result = json_object_get(ev, "result");
	int64_t job = json_integer_value(json_object_get(ev, "job"));

	(void)con;
	if (name == NULL)
		return;
	if (strcmp(name, "chapters.changed") == 0 &&
	    json_integer_value(json_object_get(ev, "id")) == c->id) {
		c->reload = 1;
		return;
	}
	if (kind == NULL)
		return;
	if (strcmp(name, "job.done") == 0 && strcmp(kind, "rebuild") == 0 && job != 0 &&
	    job == c->rebuild_job) {
		rebuilt(c, ev);
		return;
	}
	if (strcmp(name, "job.done") == 0 && strcmp(kind, "frame") == 0) {
		if (result != NULL && json_integer_value(json_object_get(result, "id")) == c->id)
			picture(c, result);
		return;
	}
	if (strcmp(kind, "detect") != 0 || job == 0 || job != c->detect_job)
		return;
	if (strcmp(name, "job.progress") == 0) {
		c->det_done = json_integer_value(json_object_get(ev, "done"));
		c->det_total = json_integer_value(json_object_get(ev, "total"));
	} else if (strcmp(name, "job.done") == 0) {
		if (result != NULL)
			detected(c, result);
		else {
			snprintf(c->status, sizeof c->status, "Detection: %s",
			    json_string_value(json_object_get(ev, "error")));
			c->detect_job = 0;
			c->generate = c->jump = 0;
		}
	}
}

/* Save the markers. 0, or -1 (the status says why). */
static int
save(struct chap *c)
{
	json_t *list = json_array(), *r;
	char *cause = NULL;
	int k;

	for (k = 0; k < c->nmarks; k++)
		json_array_append_new(list, xjson_pack("{s:I, s:s, s:s}", "ms",
		    (json_int_t)c->marks[k].ms, "title", c->marks[k].title, "source",
		    c->marks[k].source));
	r = console_call(c->con, "chapters.set", xjson_pack("{s:I, s:o}", "file",
	    (json_int_t)c->id, "markers", list), &cause);
	if (r == NULL) {
		snprintf(c->status, sizeof c->status, "Not saved: %s", cause);
		free(cause);
		return -1;
	}
	c->saved = c->nmarks;
	c->rebuild_job = json_integer_value(json_object_get(r, "job"));
	if (c->rebuild_job > 0)
		snprintf(c->status, sizeof c->status, "Saved %d markers; rebuilding the schedules "
		    "that play the file...", c->nmarks);
	else
		snprintf(c->status, sizeof c->status, "Saved %d markers (nothing changed)",
		    c->nmarks);
	console_message(c->con, "%s", c->status);
	c->dirty = 0;
	json_decref(r);
	return 0;
}

/* Draw everything. */
static void
draw(WINDOW *w, struct chap *c)
{
	int rows = getmaxy(w), cols = getmaxx(w), tw, th, prow, pcol, px, py, lx, y, i, bar;
	char a[32], b[32], line[256], title[200];
	double aspect;

	werase(w);
	snprintf(title, sizeof title, "Chapters: %s%s", c->title, c->dirty ? " (changed)" : "");
	w_frame(w, title, 1);
	tw = cols - LIST_COLS - 3;
	th = rows - 8;
	lx = cols - LIST_COLS - 1;
	/* The picture: as large as fits, the cells about twice as tall as wide. */
	aspect = c->rw > 0 ? (double)c->rw / c->rh : 16.0 / 9.0;
	pcol = tw;
	prow = (int)(pcol / aspect / 2 + 0.5);
	if (prow > th) {
		prow = th;
		pcol = (int)(prow * aspect * 2 + 0.5);
	}
	if (prow < 1 || pcol < 1)
		prow = pcol = 0;
	px = 1 + (tw - pcol) / 2;
	py = 1 + (th - prow) / 2;
	/* Ask for a picture that fills the cells well (chafa reads ~4x8 pixels a cell). */
	c->pw = pcol * 4 > 640 ? 640 : pcol * 4;
	c->ph = prow * 8 > 480 ? 480 : prow * 8;
	if (c->rgb != NULL && prow > 0)
		thumb_draw(w, py, px, prow, pcol, c->rgb, c->rw, c->rh,
		    (enum thumb_mode)console_thumb_mode(c->con));
	else if (prow > 0)
		w_put(w, py + prow / 2, px + pcol / 2 - 6, 14, "(decoding...)", 0);
	/* The playhead. */
	y = rows - 7;
	snprintf(line, sizeof line, "Playhead %s / %s   %s", hmsf(c, c->playhead, a, sizeof a),
	    hmsf(c, c->duration_ms, b, sizeof b), c->shown_ms != c->playhead ? "seeking..." :
	    "");
	wattron(w, A_BOLD);
	w_put(w, y, 2, tw, line, 1);
	wattroff(w, A_BOLD);
	/* The timeline with the markers on it. */
	bar = tw - 2;
	if (bar > 4 && c->duration_ms > 0) {
		w_bar(w, y + 1, 2, bar, (double)c->playhead / c->duration_ms,
		    console_unicode(c->con));
		wattron(w, w_attr(CP_ONAIR));
		for (i = 0; i < c->nmarks; i++)
			mvwaddch(w, y + 1, 2 + (int)((double)c->marks[i].ms * (bar - 1) /
			    c->duration_ms), '|');
		wattroff(w, w_attr(CP_ONAIR));
	}
	/* Detection progress, or the status. */
	if (c->detect_job != 0 && c->det_total > 0) {
		w_put(w, y + 2, 2, 26, "Black and silence:", 1);
		w_bar(w, y + 2, 22, tw - 32, (double)c->det_done / c->det_total,
		    console_unicode(c->con));
		snprintf(line, sizeof line, "%3d%%", (int)(100 * c->det_done / c->det_total));
		w_put(w, y + 2, tw - 8, 6, line, 0);
	} else
		w_put(w, y + 2, 2, cols - 4, c->status, 1);
	wattron(w, w_attr(CP_DIM));
	w_put(w, y + 3, 2, cols - 4, ",/. frame  Left/Right 1 s  [/] 10 s  PgUp/PgDn 1 min  "
	    "Home/End  g go to time  n/p next/prev black+silence", 1);
	w_put(w, y + 4, 2, cols - 4, "Up/Down marker  Enter go to it  a add at playhead  "
	    "t set time  T title  d delete  G generate  s save  Esc close", 1);
	wattroff(w, w_attr(CP_DIM));
	/* The markers. */
	for (i = 1; i < rows - 6; i++)
		mvwaddch(w, i, lx - 1, ACS_VLINE);
	wattron(w, A_BOLD);
	snprintf(line, sizeof line, "Markers (%d)", c->nmarks);
	w_put(w, 1, lx, LIST_COLS, line, 1);
	wattroff(w, A_BOLD);
	c->list.count = c->nmarks;
	w_list_fix(&c->list, rows - 9 - c->nspans);
	for (i = c->list.top, y = 2; i < c->nmarks && y < rows - 7 - c->nspans; i++, y++) {
		snprintf(line, sizeof line, "%s %-.14s %s", hmsf(c, c->marks[i].ms, a, sizeof a),
		    c->marks[i].title, c->marks[i].source);
		if (i == c->list.sel)
			wattron(w, w_attr(CP_SELECT));
		w_put(w, y, lx, LIST_COLS, line, 1);
		wattroff(w, w_attr(CP_SELECT));
	}
	if (c->nmarks == 0)
		w_put(w, 2, lx, LIST_COLS, "(none: 'a' adds one)", 1);
	/* The intro and end credits under the list: no break goes inside them. */
	wattron(w, w_attr(CP_DIM));
	for (i = 0; i < c->nspans; i++) {
		snprintf(line, sizeof line, "%s-", hmsf(c, c->spans[i].start_ms, a, sizeof a));
		snprintf(line + strlen(line), sizeof line - strlen(line), "%s %s %s",
		    hmsf(c, c->spans[i].end_ms, a, sizeof a), c->spans[i].kind, c->spans[i].source);
		w_put(w, rows - 7 - c->nspans + i, lx, LIST_COLS, line, 1);
	}
	wattroff(w, w_attr(CP_DIM));
}

/* The time to go to was typed (or not). */
static void
go_to(void *arg, struct console *con, const char *text)
{
	struct chap *c = arg;
	int64_t ms;

	(void)con;
	if (text == NULL)
		return;
	if ((ms = parse_time(c, text)) < 0)
		snprintf(c->status, sizeof c->status, "'%s' is not a time", text);
	else {
		c->playhead = ms;
		clamp(c);
	}
}

/* A marker's title was typed (or not). */
static void
titled(void *arg, struct console *con, const char *text)
{
	struct chap *c = arg;

	(void)con;
	if (text == NULL || c->asked_mark < 0 || c->asked_mark >= c->nmarks)
		return;
	utf8_copy(c->marks[c->asked_mark].title, sizeof c->marks[c->asked_mark].title, text);
	c->dirty = 1;
}

/* The answer to "Close without saving?". */
static void
close_answered(void *arg, struct console *con, int yes)
{
	if (yes)
		console_dialog_close(con, arg);
}

/* Move the playhead: a frame, a second, ten seconds, a minute, the ends. */
static int
seek_key(void *state, struct console *con, int key)
{
	struct chap *c = state;

	(void)con;
	switch (key) {
	case ',':
		step_frames(c, -1);
		break;
	case '.':
		step_frames(c, 1);
		break;
	case KEY_LEFT:
		step_ms(c, -1000);
		break;
	case KEY_RIGHT:
		step_ms(c, 1000);
		break;
	case '[':
	case KEY_SLEFT:
		step_ms(c, -10000);
		break;
	case ']':
	case KEY_SRIGHT:
		step_ms(c, 10000);
		break;
	case KEY_PPAGE:
	case '{':
		step_ms(c, -60000);
		break;
	case KEY_NPAGE:
	case '}':
		step_ms(c, 60000);
		break;
	case KEY_HOME:
		c->playhead = 0;
		break;
	default:
		c->playhead = c->duration_ms;
		clamp(c);
		break;
	}
	return 1;
}

/* g: go to a typed time. */
static int
go_key(void *state, struct console *con, int key)
{
	struct chap *c = state;
	char buf[64];

	(void)key;
	hmsf(c, c->playhead, buf, sizeof buf);
	form_ask(con, "Go to", "Time (hh:mm:ss.ff, 12:30, 750s)", buf, go_to, c);
	return 1;
}

/* n/p: the next/previous black-and-silent point (found first if need be). */
static int
point_key(void *state, struct console *con, int key)
{
	struct chap *c = state;

	(void)con;
	if (c->detected)
		jump_point(c, key == 'n' ? 1 : -1);
	else {
		c->jump = key == 'n' ? 1 : -1;
		detect(c);
	}
	return 1;
}

/* Up/Down: select a marker. */
static int
select_key(void *state, struct console *con, int key)
{
	(void)con;
	w_list_key(&((struct chap *)state)->list, key, 10);
	return 1;
}

/* Enter: go to the selected marker. */
static int
to_mark_key(void *state, struct console *con, int key)
{
	struct chap *c = state;

	(void)con;
	(void)key;
	if (c->list.sel >= 0 && c->list.sel < c->nmarks)
		c->playhead = c->marks[c->list.sel].ms;
	return 1;
}

/* a: a marker at the playhead. */
static int
add_key(void *state, struct console *con, int key)
{
	struct chap *c = state;
	char a[32];
	int i;

	(void)con;
	(void)key;
	if ((i = mark_add(c, c->playhead, "", "manual")) < 0)
		snprintf(c->status, sizeof c->status, "There is a marker within half a second "
		    "of %s", hmsf(c, c->playhead, a, sizeof a));
	else {
		c->list.sel = i;
		snprintf(c->status, sizeof c->status, "Marker added at %s (not saved yet)",
		    hmsf(c, c->playhead, a, sizeof a));
	}
	return 1;
}

/* t: the selected marker to the playhead. */
static int
set_time_key(void *state, struct console *con, int key)
{
	struct chap *c = state;
	int i;

	(void)con;
	(void)key;
	if (c->list.sel < 0 || c->list.sel >= c->nmarks)
		return 1;
	for (i = 0; i < c->nmarks; i++)
		if (i != c->list.sel && llabs(c->marks[i].ms - c->playhead) < 500)
			break;
	if (i < c->nmarks) {
		snprintf(c->status, sizeof c->status, "Another marker is within half a second");
		return 1;
	}
	c->marks[c->list.sel].ms = c->playhead;
	snprintf(c->marks[c->list.sel].source, sizeof c->marks[c->list.sel].source,
	    "manual");
	qsort(c->marks, (size_t)c->nmarks, sizeof *c->marks, mark_cmp);
	for (i = 0; i < c->nmarks && c->marks[i].ms != c->playhead; i++)
		;
	c->list.sel = i;
	c->dirty = 1;
	return 1;
}

/* T: type the selected marker's title. */
static int
title_key(void *state, struct console *con, int key)
{
	struct chap *c = state;

	(void)key;
	if (c->list.sel < 0 || c->list.sel >= c->nmarks)
		return 1;
	c->asked_mark = c->list.sel;
	form_ask(con, "Marker", "Title", c->marks[c->list.sel].title, titled, c);
	return 1;
}

/* d, Del: delete the selected marker. */
static int
delete_key(void *state, struct console *con, int key)
{
	struct chap *c = state;

	(void)con;
	(void)key;
	if (c->list.sel < 0 || c->list.sel >= c->nmarks)
		return 1;
	memmove(&c->marks[c->list.sel], &c->marks[c->list.sel + 1],
	    (size_t)(c->nmarks - c->list.sel - 1) * sizeof *c->marks);
	c->nmarks--;
	c->list.count = c->nmarks;
	c->dirty = 1;
	return 1;
}

/* G: markers at every black-and-silent point (found first if need be). */
static int
generate_key(void *state, struct console *con, int key)
{
	struct chap *c = state;
	int i;

	(void)con;
	(void)key;
	if (c->detected) {
		json_t *r = json_object(), *pts = json_array();

		c->generate = 1;
		c->jump = 0;
		for (i = 0; i < c->npoints; i++)
			json_array_append_new(pts, xjson_pack("{s:I}", "ms", (json_int_t)c->points[i]));
		json_object_set_new(r, "points", pts);
		detected(c, r);
		json_decref(r);
	} else {
		c->generate = 1;
		detect(c);
	}
	return 1;
}

/* s: save the markers. */
static int
save_key(void *state, struct console *con, int key)
{
	(void)con;
	(void)key;
	save(state);
	return 1;
}

/* Esc, q: close (asks first when there are changes not saved). */
static int
close_key(void *state, struct console *con, int key)
{
	struct chap *c = state;

	(void)key;
	if (c->dirty)
		form_confirm(con, "Chapters", "Close without saving the changes?", close_answered,
		    c);
	else
		console_dialog_close(con, c);
	return 1;
}

/* On top: take the markers another console saved, unless there are changes here. */
static void
update(void *state, struct console *con)
{
	struct chap *c = state;

	(void)con;
	if (c->reload) {
		c->reload = 0;
		if (c->dirty)
			snprintf(c->status, sizeof c->status, "Another console saved these markers; "
			    "saving now replaces them");
		else
			reload(c);
	}
}

/* Draw, then ask for the picture at the playhead. */
static void
chap_draw(void *state, struct console *con, WINDOW *w)
{
	(void)con;
	draw(w, state);
	seek(state);
}

/* The selected content item's file and markers, the playhead on the first. */
static void *
chap_open(struct console *con)
{
	int64_t media_file_id = console_content(con);
	struct chap *c;

	if (media_file_id <= 0) {
		console_message(con, "Choose a content item first");
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->con = con;
	c->id = media_file_id;
	c->asked_ms = c->shown_ms = -1;
	c->list.sel = -1;
	c->asked_mark = -1;
	if (load(c) != 0) {
		free(c);
		return NULL;
	}
	c->playhead = c->nmarks > 0 ? c->marks[0].ms : 0;
	return c;
}

/* Closed: stop a detection nobody waits for, free. */
static void
chap_close(void *state, struct console *con)
{
	struct chap *c = state;

	if (c->detect_job > 0) {
		char *cause = NULL;

		json_decref(console_call(con, "job.cancel", xjson_pack("{s:I}", "job",
		    (json_int_t)c->detect_job), &cause));
		free(cause);
	}
	free(c->rgb);
	free(c->marks);
	free(c->points);
	free(c);
}

static const struct key_bind chap_keys[] = {
	{ { ',', '.' }, "back / on a frame", NULL, seek_key, NULL, 0 },
	{ { KEY_LEFT, KEY_RIGHT }, "back / on a second", NULL, seek_key, NULL, 0 },
	{ { '[', ']', KEY_SLEFT, KEY_SRIGHT }, "back / on ten seconds", NULL, seek_key, NULL, 0 },
	{ { KEY_PPAGE, KEY_NPAGE, '{', '}' }, "back / on a minute", NULL, seek_key, NULL, 0 },
	{ { KEY_HOME, KEY_END }, "the start / the end of the file", NULL, seek_key, NULL, 0 },
	{ { 'g' }, "go to a typed time (hh:mm:ss.ff, 12:30, 750s)", NULL, go_key, NULL, 0 },
	{ { 'n', 'p' }, "next / previous black-and-silent point", NULL, point_key, NULL, 0 },
	{ { KEY_UP, KEY_DOWN, 'k', 'j' }, "select a marker", NULL, select_key, NULL, 0 },
	{ { '\n' }, "go to the selected marker", NULL, to_mark_key, NULL, 0 },
	{ { 'a' }, "add a marker at the playhead", NULL, add_key, NULL, 0 },
	{ { 't' }, "move the selected marker to the playhead", NULL, set_time_key, NULL, 0 },
	{ { 'T' }, "type the selected marker's title", NULL, title_key, NULL, 0 },
	{ { 'd', KEY_DC }, "delete the selected marker", NULL, delete_key, NULL, 0 },
	{ { 'G' }, "generate markers at the black-and-silent points", NULL, generate_key, NULL,
	    0 },
	{ { 's' }, "save the markers (rebuilds the schedules that play the file)", NULL, save_key,
	    NULL, 0 },
	{ { 27, 'q' }, "close (asks first when there are changes not saved)", NULL, close_key,
	    NULL, 0 },
	{ { 0 }, NULL, NULL, NULL, NULL, 0 },
};

const struct dlg_kind dlg_chapters = {
	.name = "Chapters (c)",
	.keys = chap_keys,
	.open = chap_open,
	.draw = chap_draw,
	.update = update,
	.event = on_event,
	.close = chap_close,
};
