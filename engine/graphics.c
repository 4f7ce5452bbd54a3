/*
 * graphics.c: the channel bug and the lower thirds, as a tail plug-in.
 *
 * The chain is built once per channel (and again only when the channel's
 * graphics settings change): the bug is an overlay of the channel's PNG,
 * the lower third two drawtext filters (a label and a title), all with
 * their timeline "enable" switched off. Before each frame, poll() looks at
 * what the fine log airs at that frame's air time and switches them with
 * the "enable" command and a new title with tail_set_text, so the
 * graphics follow the schedule without a graph rebuild and without
 * touching the encoder. Everything here runs on the channel's thread with
 * its own database connection.
 */
#include "engine/graphics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>

#include "engine/text.h"
#include "src/channels.h"
#include "src/db.h"
#include "src/finelog.h"
#include "src/gfxconf.h"
#include "src/log.h"
#include "src/util.h"

#define WINDOW_MS (3 * 3600 * 1000LL)  /* fine log items kept at hand */
#define RELOAD_MS (30 * 1000LL)         /* look again for schedule/settings changes */

enum lt_mode { LT_NONE, LT_UPNEXT, LT_NOW };

struct gfx_chan {
	char number[16];
	int64_t channel_id;
	char *db_path;
	sqlite3 *db;
	struct tail_format fmt;
	struct gfx_conf conf;
	char *bug_path;                 /* readable PNG, or NULL */
	/* The fine log near now. */
	struct fine_item *items;
	size_t nitems;
	int64_t loaded_ms;              /* when items were read (wall) */
	int64_t loaded_until;           /* items cover up to here */
	size_t cur;                     /* index near the last lookup */
	/* What is on the picture. */
	int built;                      /* the chain exists in the tail */
	int has_lt;                     /* the chain has the lower thirds */
	int lt_off;                     /* a chain with them could not be built */
	char font_said[sizeof ((struct gfx_conf *)0)->lt_font];   /* the missing font said */
	int bug_on;
	enum lt_mode lt;
	char lt_title[256];
	int want_rebuild;
};

/*
 * Can the still at path be read and decoded, as the bug chain reads it?
 * 0, or -1 with FFmpeg's reason in why.
 */
static int
still_ok(const char *path, char *why, size_t len)
{
	AVFilterGraph *g = avfilter_graph_alloc();
	AVFilterInOut *inputs = avfilter_inout_alloc();
	AVFilterContext *sink = NULL;
	AVFrame *f = av_frame_alloc();
	char *v = text_value(path), *desc, err[256];
	int ret;

	g->nb_threads = 1;              /* and so the movie's decoder: no threads for a still */
	log_capture_ffmpeg(err, sizeof err);
	xasprintf(&desc, "movie=filename=%s:loop=0,trim=end_frame=1,format=rgba", v);
	ret = avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", NULL,
	    NULL, g);
	if (ret >= 0) {
		inputs->name = av_strdup("out");
		inputs->filter_ctx = sink;
		ret = avfilter_graph_parse_ptr(g, desc, &inputs, NULL, NULL);
	}
	if (ret >= 0)
		ret = avfilter_graph_config(g, NULL);
	if (ret >= 0)
		ret = av_buffersink_get_frame(sink, f);
	log_capture_ffmpeg(NULL, 0);
	if (ret < 0)
		snprintf(why, len, "%s%s%s", err, *err != '\0' ? ": " : "",
		    ret == AVERROR_EOF ? "no picture in it" : av_err2str(ret));
	av_frame_free(&f);
	avfilter_inout_free(&inputs);
	avfilter_graph_free(&g);
	free(desc);
	free(v);
	return ret < 0 ? -1 : 0;
}

/* Open: the channel's settings and bug. */
static void *
gfx_open(void *global, const struct channel_conf *conf, const struct tail_format *fmt)
{
	struct gfx_chan *g = xcalloc(1, sizeof *g);
	char *cause = NULL;

	snprintf(g->number, sizeof g->number, "%s", conf->number);
	g->channel_id = conf->id;
	g->db_path = xstrdup(global);
	g->fmt = *fmt;
	if (db_open(g->db_path, 0, &g->db, &cause) != 0 ||
	    gfxconf_load(g->db, g->channel_id, &g->conf, &cause) != 0) {
		log_warn("channel %s: graphics off: %s", g->number, cause);
		free(cause);
		gfxconf_defaults(&g->conf);
		g->conf.enabled = 0;
	}
	/* The guide channel's listings are its own "up next": no lower thirds. */
	if (conf->guide)
		g->conf.lower_thirds = 0;
	if (conf->bug_path != NULL && *conf->bug_path != '\0') {
		char why[320];

		/* A picture that does not decode would fail the tail: no bug. */
		if (access(conf->bug_path, R_OK) != 0)
			log_warn("channel %s: bug image %s cannot be read (%s); no bug", g->number,
			    conf->bug_path, strerror(errno));
		else if (g->conf.enabled && still_ok(conf->bug_path, why, sizeof why) != 0)
			log_warn("channel %s: bug image %s cannot be used (%s); no bug; the channel "
			    "stays on the air", g->number, conf->bug_path, why);
		else
			g->bug_path = xstrdup(conf->bug_path);
	}
	return g;
}

/* x and y expressions for a corner with a margin (overlay: W,H,w,h). */
static void
corner(const char *pos, const char *margin, char *x, size_t xl, char *y, size_t yl)
{
	if (strstr(pos, "left") != NULL)
		snprintf(x, xl, "%s", margin);
	else
		snprintf(x, xl, "main_w-overlay_w-%s", margin);
	if (strncmp(pos, "top", 3) == 0)
		snprintf(y, yl, "%s", margin);
	else
		snprintf(y, yl, "main_h-overlay_h-%s", margin);
}

/* The chain: bug overlay, then the lower third's label and title. */
static int
gfx_video_chain(void *state, const char *in, const char *out, char **desc)
{
	struct gfx_chan *g = state;
	char *bug = NULL, *lt, *vpath, *font, *bold, *fc, *bc, *ac, *vx, *vy, *vx2, *vy2;
	char *vlabel, *vblank, *why = NULL;
	char x[96], y[96], margin[32], lx[96], ly[96], ly2[96];
	int h = g->fmt.height, bugh, m, left, top;

	*desc = NULL;
	g->built = 0;
	if (!g->conf.enabled)
		return 0;

	m = h * g->conf.bug_margin / 100;
	snprintf(margin, sizeof margin, "%d", m);
	if (g->bug_path != NULL) {
		bugh = h * g->conf.bug_size / 100;
		if (bugh < 2)
			bugh = 2;
		corner(g->conf.bug_position, margin, x, sizeof x, y, sizeof y);
		vpath = text_value(g->bug_path);
		vx = text_value(x);
		vy = text_value(y);
		/*
		 * The still is read once: loop=0 so the movie source never meets
		 * the end of the file (at which FFmpeg 5.1 warns "EOF timestamp
		 * not reliable" for a still), trim keeps its one frame, and the
		 * overlay repeats it.
		 */
		xasprintf(&bug, "movie=filename=%s:loop=0,trim=end_frame=1,scale=-2:%d,format=rgba,"
		    "colorchannelmixer=aa=%.3f[gfxbug];[%s][gfxbug]overlay@gfxbug=x=%s:y=%s:"
		    "eof_action=repeat:enable=0[gfxb]", vpath, bugh, g->conf.bug_opacity, in, vx,
		    vy);
		free(vpath);
		free(vx);
		free(vy);
	}

	/* The operator's font, else DejaVu, else fontconfig's Sans; none: no text. */
	font = bold = NULL;
	if (g->conf.lower_thirds && !g->lt_off) {
		font = text_font_arg(g->conf.lt_font, 0, &why);
		bold = text_font_arg(g->conf.lt_font, 1, NULL);
		if (why != NULL && strcmp(g->conf.lt_font, g->font_said) != 0) {
			log_warn("channel %s: lower thirds: %s", g->number, why);
			snprintf(g->font_said, sizeof g->font_said, "%s", g->conf.lt_font);
		}
		free(why);
	}
	g->has_lt = font != NULL && bold != NULL;
	if (!g->has_lt) {
		free(font);
		free(bold);
		/* No lower thirds: the bug alone, or nothing. */
		if (bug != NULL) {
			size_t l = strlen(bug);

			/* The bug's own output label becomes the chain's. */
			xasprintf(desc, "%.*s[%s]", (int)(l - strlen("[gfxb]")), bug, out);
			free(bug);
		}
		g->built = *desc != NULL;
		g->bug_on = 0;
		g->lt = LT_NONE;
		g->lt_title[0] = '\0';
		return 0;
	}

	/* The lower third: a small accent label above a larger title line. */
	left = strstr(g->conf.lt_position, "left") != NULL;
	top = strncmp(g->conf.lt_position, "top", 3) == 0;
	snprintf(lx, sizeof lx, left ? "w*0.06" : "w*0.94-tw");
	if (top) {
		snprintf(ly, sizeof ly, "h*0.08");
		snprintf(ly2, sizeof ly2, "h*0.08+h*0.075");
	} else {
		snprintf(ly, sizeof ly, "h*0.72");
		snprintf(ly2, sizeof ly2, "h*0.72+h*0.075");
	}
	fc = text_value(g->conf.lt_color);
	bc = text_value(g->conf.lt_box_color);
	ac = text_value(g->conf.lt_accent);
	vx = text_value(lx);
	vy = text_value(ly);
	vx2 = text_value(lx);
	vy2 = text_value(ly2);
	vlabel = text_value("UP NEXT");
	vblank = text_value(" ");
	xasprintf(&lt, "[%s]drawtext@gfxlabel=%s:expansion=none:text=%s:"
	    "fontsize=h*0.04:fontcolor=0x101010:box=1:boxcolor=%s:boxborderw=%d:x=%s:y=%s:"
	    "enable=0,"
	    "drawtext@gfxtitle=%s:expansion=none:text=%s:fontsize=h*0.055:"
	    "fontcolor=%s:box=1:boxcolor=%s:boxborderw=%d:x=%s:y=%s:enable=0[%s]",
	    bug != NULL ? "gfxb" : in, bold, vlabel, ac, h / 90 + 1, vx, vy, font, vblank, fc,
	    bc, h / 60 + 1, vx2, vy2, out);
	free(vlabel);
	free(vblank);
	if (bug != NULL) {
		xasprintf(desc, "%s;%s", bug, lt);
		free(lt);
	} else
		*desc = lt;
	free(bug);
	free(font);
	free(bold);
	free(fc);
	free(bc);
	free(ac);
	free(vx);
	free(vy);
	free(vx2);
	free(vy2);
	g->built = 1;
	g->bug_on = 0;
	g->lt = LT_NONE;
	g->lt_title[0] = '\0';
	return 0;
}

/* Read the fine log around wall (and the settings, which may have changed). */
static void
reload(struct gfx_chan *g, int64_t wall_ms)
{
	struct gfx_conf c;
	char *cause = NULL;

	if (g->db == NULL)
		return;
	fine_items_free(&g->items, g->nitems);
	g->nitems = 0;
	g->cur = 0;
	if (finelog_items(g->db, g->channel_id, wall_ms - 60000, wall_ms + WINDOW_MS, &g->items,
	    &g->nitems, &cause) != 0) {
		log_warn("channel %s: graphics cannot read the schedule: %s", g->number, cause);
		freep(&cause);
	}
	g->loaded_ms = wall_ms;
	g->loaded_until = wall_ms + WINDOW_MS;
	if (gfxconf_load(g->db, g->channel_id, &c, &cause) == 0) {
		if (strcmp(c.updated_at, g->conf.updated_at) != 0) {
			g->conf = c;
			g->lt_off = 0;          /* new settings: the lower thirds are tried again */
			g->want_rebuild = 1;
			log_info("channel %s: graphics settings changed", g->number);
		}
	} else {
		log_warn("channel %s: %s", g->number, cause);
		free(cause);
	}
}

/* The item airing at t, or -1. */
static ssize_t
item_at(struct gfx_chan *g, int64_t t)
{
	size_t i = g->cur < g->nitems ? g->cur : 0;

	if (i < g->nitems && g->items[i].start_ms > t)
		i = 0;
	for (; i < g->nitems; i++) {
		if (g->items[i].start_ms <= t && t < g->items[i].end_ms) {
			g->cur = i;
			return (ssize_t)i;
		}
		if (g->items[i].start_ms > t)
			break;
	}
	return -1;
}

/* What the lower third should say at t: the mode and its text. */
static enum lt_mode
lower_third(struct gfx_chan *g, ssize_t i, int64_t t, char *text, size_t len)
{
	const struct fine_item *it, *next = NULL;
	size_t j;

	if (i < 0 || !g->has_lt)
		return LT_NONE;
	it = &g->items[i];
	if (it->kind == ITEM_PROGRAMME) {
		/* "Now": the first seconds of a programme's first act. */
		if (it->act <= 1 && it->start_ms == (it->programme_start_ms != 0 ?
		    it->programme_start_ms : it->start_ms) &&
		    t - it->start_ms < (int64_t)g->conf.now_seconds * 1000) {
			snprintf(text, len, "%s", it->title != NULL ? it->title : "");
			return LT_NOW;
		}
		return LT_NONE;
	}
	/* In a break: is the next programme item a new programme's first act? */
	for (j = (size_t)i + 1; j < g->nitems; j++) {
		if (g->items[j].kind == ITEM_PROGRAMME) {
			next = &g->items[j];
			break;
		}
	}
	if (next == NULL || next->act > 1 || (next->programme_start_ms != 0 &&
	    next->programme_start_ms != next->start_ms))
		return LT_NONE;
	if (next->start_ms - t > (int64_t)g->conf.upnext_seconds * 1000)
		return LT_NONE;
	snprintf(text, len, "%s", next->title != NULL ? next->title : "");
	return LT_UPNEXT;
}

/* Switch a filter's timeline on or off. */
static void
set_enable(struct gfx_chan *g, struct tail *t, const char *target, int on)
{
	if (tail_command(t, target, "enable", on ? "1" : "0") < 0)
		log_warn("channel %s: graphics: cannot switch %s", g->number, target);
}

/* Before each frame: follow the schedule. */
static int
gfx_poll(void *state, struct tail *t, int64_t wall_us)
{
	struct gfx_chan *g = state;
	int64_t wall = wall_us / 1000;
	char text[512];
	enum lt_mode mode;
	ssize_t i;
	int bug;

	if (wall >= g->loaded_until - 600000 || wall - g->loaded_ms >= RELOAD_MS ||
	    wall < g->loaded_ms - 60000)
		reload(g, wall);
	if (g->want_rebuild) {
		g->want_rebuild = 0;
		return TAIL_REBUILD;
	}
	if (!g->built)
		return TAIL_KEEP;

	i = item_at(g, wall);
	bug = g->bug_path != NULL && i >= 0 && (g->items[i].kind == ITEM_PROGRAMME ||
	    (g->conf.bug_in_breaks && g->items[i].kind != ITEM_SLATE));
	if (bug != g->bug_on) {
		set_enable(g, t, "overlay@gfxbug", bug);
		g->bug_on = bug;
	}

	text[0] = '\0';
	mode = lower_third(g, i, wall, text, sizeof text);
	if (mode != g->lt || (mode != LT_NONE && strcmp(text, g->lt_title) != 0)) {
		if (mode != LT_NONE) {
			tail_set_text(t, "drawtext@gfxlabel", mode == LT_UPNEXT ? "UP NEXT" : "NOW");
			if (tail_set_text(t, "drawtext@gfxtitle", text) < 0)
				log_warn("channel %s: graphics: cannot set the title '%s'", g->number,
				    text);
		}
		if ((mode != LT_NONE) != (g->lt != LT_NONE)) {
			set_enable(g, t, "drawtext@gfxlabel", mode != LT_NONE);
			set_enable(g, t, "drawtext@gfxtitle", mode != LT_NONE);
		}
		g->lt = mode;
		utf8_copy(g->lt_title, sizeof g->lt_title, text);
	}
	return TAIL_KEEP;
}

/*
 * The tail left the chain out. With the lower thirds in it, try the bug
 * alone (the bug was checked at open: the text is the likelier culprit).
 */
static void
gfx_dropped(void *state, int video)
{
	struct gfx_chan *g = state;

	g->built = 0;
	if (video && g->has_lt && g->bug_path != NULL) {
		log_info("channel %s: graphics: trying the bug without the lower thirds", g->number);
		g->lt_off = 1;
		g->want_rebuild = 1;
	}
}

/* The channel stops. */
static void
gfx_close(void *state)
{
	struct gfx_chan *g = state;

	fine_items_free(&g->items, g->nitems);
	db_close(&g->db);
	free(g->bug_path);
	free(g->db_path);
	free(g);
}

const struct tail_plugin graphics_plugin = {
	.name = "graphics",
	.open = gfx_open,
	.video_chain = gfx_video_chain,
	.dropped = gfx_dropped,
	.poll = gfx_poll,
	.close = gfx_close,
};
