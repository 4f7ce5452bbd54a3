/*
 * cards.c: draw the generated items: bars and tone, sign-off and sign-on
 * cards, rating cards and "coming up next" bumpers.
 */
#include "engine/cards.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/output.h"
#include "engine/text.h"
#include "src/db.h"
#include "src/log.h"
#include "src/tz.h"
#include "src/util.h"

/*
 * sine= is drawn at 1/8 of full scale (-18.06 dBFS); 0.8 of that peaks at
 * -20 dBFS. It is mono: pan copies it to both sides at full level (the
 * default upmix would put it 3 dB down on each).
 */
#define TONE_DESC "sine=frequency=1000:sample_rate=%d,volume=0.8,pan=stereo|c0=c0|c1=c0"
#define AUDIO_OUT ",aformat=sample_fmts=fltp:sample_rates=%d:channel_layouts=stereo," \
	"asetnsamples=n=1024:p=0"

/* What a card needs to know about its channel. */
struct card_ctx {
	const struct channel_conf *conf;
	const struct source_conf *sc;
	char station[160];
	char bg[64], accent[64];        /* FFmpeg colours, no alpha */
	char *anthem;                   /* a file, or NULL */
	int test_card;                  /* 1: the test card rather than bars */
	int logo;                       /* the logo is a local picture */
};

/* A colour without its "@alpha". */
static void
solid(char *dst, size_t len, const char *colour, const char *dflt)
{
	const char *at;

	if (colour == NULL || *colour == '\0')
		colour = dflt;
	at = strchr(colour, '@');
	snprintf(dst, len, "%.*s", at != NULL ? (int)(at - colour) : (int)strlen(colour), colour);
}

/* Read the channel's card settings. */
static void
ctx_load(struct card_ctx *c, sqlite3 *db, const struct channel_conf *conf,
    const struct source_conf *sc)
{
	sqlite3_stmt *st;
	const char *lp = conf->logo_path;

	memset(c, 0, sizeof *c);
	c->conf = conf;
	c->sc = sc;
	if (conf->call_sign != NULL && *conf->call_sign != '\0')
		snprintf(c->station, sizeof c->station, "%s  %s", conf->call_sign,
		    conf->name != NULL ? conf->name : conf->number);
	else
		utf8_copy(c->station, sizeof c->station, conf->name != NULL ? conf->name :
		    conf->number);
	solid(c->bg, sizeof c->bg, NULL, "0x102a6b");
	solid(c->accent, sizeof c->accent, NULL, "0xf2b705");
	st = db_prepare(db, "SELECT c.anthem_path, c.test_card, g.lt_box_color, g.lt_accent "
	    "FROM channels c LEFT JOIN channel_graphics g ON g.channel_id = c.id WHERE c.id = ?1",
	    NULL);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, conf->id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			if (sqlite3_column_type(st, 0) != SQLITE_NULL && *db_text(st, 0) != '\0') {
				if (file_exists(db_text(st, 0)))
					c->anthem = xstrdup(db_text(st, 0));
				else
					log_warn("channel %s: the anthem %s is not a file; silence",
					    conf->number, db_text(st, 0));
			}
			c->test_card = strcmp(db_text(st, 1), "card") == 0;
			solid(c->bg, sizeof c->bg, (const char *)sqlite3_column_text(st, 2), "0x102a6b");
			solid(c->accent, sizeof c->accent, (const char *)sqlite3_column_text(st, 3),
			    "0xf2b705");
		}
		sqlite3_finalize(st);
	}
	c->logo = lp != NULL && file_exists(lp);
}

/* Append a drawtext of s (size px, centred, at y px) to *desc (none without a font). */
static void
add_text(char **desc, const char *s, int bold, int size, int y, const char *colour)
{
	char *font = text_font_arg(NULL, bold, NULL), *text, *n;

	if (font == NULL)
		return;                 /* no font at all on the machine: no text */
	text = text_value(s);
	xasprintf(&n, "%s,drawtext=%s:expansion=none:text=%s:fontcolor=%s:fontsize=%d:"
	    "x=(w-text_w)/2:y=%d", *desc, font, text, colour, size, y);
	free(font);
	free(text);
	free(*desc);
	*desc = n;
}

/* The branded background, with the logo on top when there is one. */
static char *
background(const struct card_ctx *c, int with_logo)
{
	const struct source_conf *sc = c->sc;
	char *desc, *path;

	if (!with_logo || !c->logo) {
		xasprintf(&desc, "color=c=%s:size=%dx%d:rate=%d/%d,format=yuv420p", c->bg, sc->width,
		    sc->height, sc->fps_num, sc->fps_den);
		return desc;
	}
	path = text_value(c->conf->logo_path);
	/* A still read once, as the bug is (engine/graphics.c). */
	xasprintf(&desc, "color=c=%s:size=%dx%d:rate=%d/%d[bg];movie=filename=%s:loop=0,"
	    "trim=end_frame=1,scale=-2:%d[logo];[bg][logo]overlay=x=(W-w)/2:y=%d:eof_action=repeat,"
	    "format=yuv420p", c->bg, sc->width, sc->height, sc->fps_num, sc->fps_den, path,
	    sc->height / 5, sc->height / 20);
	free(path);
	return desc;
}

/* What a rating means, for the card's last line. */
static const char *
rating_meaning(const char *r)
{
	static const struct {
		const char *name, *meaning;
	} m[] = {
		{ "TV-Y", "All children" },
		{ "TV-Y7", "Directed to older children" },
		{ "TV-G", "General audience" },
		{ "TV-PG", "Parental guidance suggested" },
		{ "TV-14", "Parents strongly cautioned" },
		{ "TV-MA", "Mature audience only" },
		{ "G", "General audiences" },
		{ "PG", "Parental guidance suggested" },
		{ "PG-13", "Parents strongly cautioned" },
		{ "R", "Restricted" },
		{ "NC-17", "No one 17 and under admitted" },
	};
	size_t i;

	for (i = 0; i < nitems(m); i++) {
		if (strcmp(r, m[i].name) == 0)
			return m[i].meaning;
	}
	return "";
}

/* The next two programme titles after t (empty when unknown). */
static void
next_titles(sqlite3 *db, int64_t channel_id, int64_t t, char *a, char *b, size_t len)
{
	sqlite3_stmt *st;
	int k = 0;

	*a = *b = '\0';
	st = db_prepare(db, "SELECT coalesce(title, 'Our next programme') FROM schedule_items "
	    "WHERE channel_id = ?1 AND start_ms >= ?2 AND kind = 'programme' AND "
	    "coalesce(act, 1) <= 1 ORDER BY start_ms LIMIT 2", NULL);
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, channel_id);
	sqlite3_bind_int64(st, 2, t);
	while (sqlite3_step(st) == SQLITE_ROW && k < 2)
		snprintf(k++ == 0 ? a : b, len, "%s", db_text(st, 0));
	sqlite3_finalize(st);
}

/* When the off-air block holding it ends, as local "H:MM", or "". */
static void
signon_time(sqlite3 *db, const struct channel_conf *conf, const struct fine_item *it,
    char *buf, size_t len)
{
	const struct tz *tz;
	struct tz_civil c;
	int64_t end;

	sqlite3_stmt *st;

	*buf = '\0';
	end = 0;
	st = db_prepare(db, "SELECT max(end_ms) FROM schedule_items WHERE channel_id = ?1 AND "
	    "programme_start_ms = ?2", NULL);
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, conf->id);
	sqlite3_bind_int64(st, 2, it->programme_start_ms);
	if (sqlite3_step(st) == SQLITE_ROW)
		end = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (end <= 0 || (tz = tz_get(conf->timezone != NULL ? conf->timezone : "UTC", NULL)) ==
	    NULL)
		return;
	tz_local(tz, end, &c);
	snprintf(buf, len, "%d:%02d", c.hour, c.minute);
}

/* Open. */
int
cards_open(struct source **out, sqlite3 *db, const struct channel_conf *conf,
    const struct fine_item *it, int64_t offset_ms, const struct source_conf *sc, int *sound,
    char **cause)
{
	struct card_ctx c;
	char *video = NULL, *audio = NULL, *path, line[600], a[256], b[256];
	const char *rating;
	int h = sc->height, ret, attempt;

	ctx_load(&c, db, conf, sc);
	for (attempt = 0; attempt < 2; attempt++) {
		int logo = attempt == 0;

		free(video);
		free(audio);
		video = audio = NULL;
		switch (it->kind) {
		case ITEM_OFFAIR:
			if (c.test_card) {
				xasprintf(&video, "testsrc2=size=%dx%d:rate=%d/%d,drawbox=x=0:y=ih*0.40:"
				    "w=iw:h=ih*0.2:color=black:t=fill,format=yuv420p", sc->width,
				    sc->height, sc->fps_num, sc->fps_den);
				add_text(&video, c.station, 1, h / 14, h * 45 / 100, "white");
			} else
				xasprintf(&video, "smptebars=size=%dx%d:rate=%d/%d,format=yuv420p",
				    sc->width, sc->height, sc->fps_num, sc->fps_den);
			xasprintf(&audio, TONE_DESC AUDIO_OUT, OUTPUT_SAMPLE_RATE, OUTPUT_SAMPLE_RATE);
			break;
		case ITEM_SIGNOFF:
			video = background(&c, logo);
			add_text(&video, c.station, 1, h / 12, h * 36 / 100, "white");
			add_text(&video, "This concludes our broadcast day.", 0, h / 18, h * 52 / 100,
			    "white");
			signon_time(db, conf, it, a, sizeof a);
			if (*a != '\0') {
				snprintf(line, sizeof line, "We return to the air at %s.", a);
				add_text(&video, line, 0, h / 22, h * 64 / 100, c.accent);
			}
			add_text(&video, "Good night.", 0, h / 22, h * 74 / 100, "white");
			if (c.anthem != NULL) {
				path = text_value(c.anthem);
				xasprintf(&audio, "amovie=filename=%s:seek_point=%.3f,aresample=%d"
				    AUDIO_OUT, path, (double)offset_ms / 1000, OUTPUT_SAMPLE_RATE,
				    OUTPUT_SAMPLE_RATE);
				free(path);
			}
			break;
		case ITEM_SIGNON:
			video = background(&c, logo);
			add_text(&video, "Good morning.", 0, h / 18, h * 36 / 100, "white");
			add_text(&video, c.station, 1, h / 12, h * 48 / 100, "white");
			add_text(&video, "We now begin our broadcast day.", 0, h / 18, h * 64 / 100,
			    c.accent);
			break;
		case ITEM_RATING_CARD:
			rating = it->title != NULL && strncmp(it->title, "Rated ", 6) == 0 ?
			    it->title + 6 : it->title != NULL ? it->title : "";
			xasprintf(&video, "color=c=black:size=%dx%d:rate=%d/%d,drawbox=x=iw*0.3:"
			    "y=ih*0.42:w=iw*0.4:h=ih*0.26:color=white:t=%d,format=yuv420p",
			    sc->width, sc->height, sc->fps_num, sc->fps_den, h / 90 + 1);
			add_text(&video, "The following program is rated", 0, h / 16, h * 24 / 100,
			    "white");
			add_text(&video, rating, 1, h / 7, h * 47 / 100, "white");
			add_text(&video, rating_meaning(rating), 0, h / 20, h * 76 / 100, "white");
			break;
		case ITEM_NEXT_BUMPER:
			next_titles(db, conf->id, it->end_ms, a, b, sizeof a);
			video = background(&c, logo);
			add_text(&video, "Coming up next", 0, h / 14, h * 34 / 100, c.accent);
			add_text(&video, *a != '\0' ? a : c.station, 1, h / 11, h * 48 / 100, "white");
			if (*b != '\0') {
				snprintf(line, sizeof line, "Later: %s", b);
				add_text(&video, line, 0, h / 18, h * 66 / 100, "white");
			}
			break;
		default:
			set_cause(cause, "%s items are not drawn here", item_kind_name(it->kind));
			free(c.anthem);
			return -1;
		}
		/* No sound of its own: silence, for the channel's bed to fill. */
		*sound = audio != NULL;
		ret = source_open_generated(out, item_kind_name(it->kind), video, audio, sc, cause);
		if (ret == 0 || !c.logo || attempt == 1)
			break;
		/* The logo could not be read: draw the card without it. */
		log_warn("channel %s: %s; the %s card without the logo", conf->number, *cause,
		    item_kind_name(it->kind));
		freep(cause);
	}
	free(video);
	free(audio);
	free(c.anthem);
	return ret;
}
