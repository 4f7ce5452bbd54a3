/*
 * subs.c: reading, timing and drawing an item's subtitles.
 *
 * A lane is one track: burned in (text through libass, pictures scaled and
 * blended), or read for the rendition's cues only. A reader is one open
 * file the lanes read from: the video file again for embedded tracks
 * (both lanes share it), or the sidecar. A reader reads every packet of
 * its file in order, keeps its lanes' and drops the rest, and stays about
 * AHEAD_US ahead of what is drawn; a lane keeps the events not over yet.
 *
 * Events are placed in item time (what source.c calls item time: 0 is the
 * join point). A text event has its duration; a picture event lasts until
 * its end time, or until the next one (an empty one is PGS's and DVB's
 * way to clear the screen), at most OPEN_US when it has no end.
 */
#include "engine/subs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ass/ass.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>

#include "engine/text.h"
#include "src/iso639.h"
#include "src/log.h"
#include "src/media.h"
#include "src/util.h"

#define LOOKBACK_US 20000000            /* a join reads this far back for what shows at it */
#define AHEAD_US 1000000                /* readers keep this far ahead of the picture */
#define OPEN_US 30000000                /* a picture with no end shows at most this long */
#define TEXT_OPEN_US 5000000            /* a text with no duration shows this long */
#define MAX_PACKETS 256                 /* packets read per call, at most */
#define SIDECAR_PROBE 65536             /* bytes of a sidecar looked at for its encoding */

/* One picture of an event, and its scaled copy for where it was last drawn. */
struct bmp {
	int x, y, w, h;                 /* in the canvas the track was made for */
	uint8_t *pix;                   /* PAL8, w per line */
	uint32_t pal[256];              /* ARGB */
	uint8_t *rgba;                  /* scaled: sw x sh at (sx, sy) in the frame */
	int sx, sy, sw, sh;
	int key;                        /* the geometry it was scaled for */
};

struct event {
	int64_t start_us, end_us;       /* item time; end INT64_MAX: until the next */
	char *text;                     /* text: the ASS Text field */
	struct bmp *rects;
	int nrects;
	int cw, ch;                     /* pictures: the canvas */
	int cued;                       /* handed out as a cue */
};

struct reader {
	AVFormatContext *ic;
	char *path;
	int64_t start_us;               /* subtracted from its times (the file's start) */
	int64_t read_us;                /* item time of the last packet read */
	int eof;
	int whole;                      /* a text sidecar: read from its start at a join */
	AVPacket *pkt;
};

struct lane {
	int used;
	int burn;                       /* drawn (else cues only) */
	int forced_only;                /* only events flagged forced */
	int bitmap;
	struct reader *rd;
	int idx;                        /* its stream in the reader */
	AVCodecContext *dec;
	struct event *ev;               /* by start */
	size_t nev, cap;
	ASS_Track *track;               /* text burned in */
	char *header;                   /* its ASS header */
	int ass_own;                    /* the track's own styles (ASS/SSA) */
	char what[200];
};

struct subs {
	struct subs_conf conf;
	char *path;
	int64_t offset_us;              /* file time of item time 0 */
	int width, height;
	int px, py, pw, ph;             /* the picture in the frame */
	int src_w, src_h;
	int geometry;                   /* changes with the picture's place */
	AVIOInterruptCB interrupt;
	struct reader readers[2];
	struct lane lanes[2];           /* [0] burned, [1] cues */
	ASS_Library *ass;
	ASS_Renderer *render;
	int fonts_set;
	char *font;                     /* the default font file */
	struct SwsContext *sws;
	char what[512];
};

/* libass's messages, into the debug log. */
static void
ass_msg(int level, const char *fmt, va_list va, void *data)
{
	char buf[512];

	(void)data;
	if (level > 4)
		return;
	vsnprintf(buf, sizeof buf, fmt, va);
	log_debug("libass: %s", buf);
}

/* When an event stops showing (one with no end shows at most OPEN_US). */
static int64_t
ends(const struct event *e)
{
	return e->end_us != INT64_MAX ? e->end_us : e->start_us + OPEN_US;
}

/* Free an event's memory. */
static void
event_clear(struct event *e)
{
	int i;

	free(e->text);
	for (i = 0; i < e->nrects; i++) {
		free(e->rects[i].pix);
		free(e->rects[i].rgba);
	}
	free(e->rects);
	memset(e, 0, sizeof *e);
}

/* Drop every event of a lane. */
static void
lane_clear(struct lane *l)
{
	size_t i;

	for (i = 0; i < l->nev; i++)
		event_clear(&l->ev[i]);
	l->nev = 0;
	if (l->track != NULL)
		ass_flush_events(l->track);
}

/* Is the file's text valid UTF-8 (the first bytes of it)? */
static int
utf8_file(const char *path)
{
	unsigned char buf[SIDECAR_PROBE];
	size_t n, i = 0;
	FILE *f = fopen(path, "rb");
	int k;

	if (f == NULL)
		return 1;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	while (i < n) {
		if (buf[i] < 0x80) {
			i++;
			continue;
		}
		k = (buf[i] & 0xe0) == 0xc0 ? 1 : (buf[i] & 0xf0) == 0xe0 ? 2 :
		    (buf[i] & 0xf8) == 0xf0 ? 3 : -1;
		if (k < 0)
			return 0;
		if (i + (size_t)k >= n)
			break;          /* cut at the end of what was read */
		while (k-- > 0)
			if ((buf[++i] & 0xc0) != 0x80)
				return 0;
		i++;
	}
	return 1;
}

/* Open a reader on path. */
static int
reader_open(struct subs *s, struct reader *r, const char *path, int sidecar, char **cause)
{
	int ret;

	r->ic = avformat_alloc_context();
	r->ic->interrupt_callback = s->interrupt;
	r->ic->max_analyze_duration = AV_TIME_BASE / 2;
	if (media_open_input(&r->ic, path, cause) < 0)
		return -1;
	if ((r->ic->ctx_flags & AVFMTCTX_NOHEADER) &&
	    (ret = avformat_find_stream_info(r->ic, NULL)) < 0) {
		set_cause(cause, "cannot read %s: %s", path, av_err2str(ret));
		avformat_close_input(&r->ic);
		return -1;
	}
	r->path = xstrdup(path);
	r->start_us = !sidecar && r->ic->start_time != AV_NOPTS_VALUE ? r->ic->start_time : 0;
	r->pkt = av_packet_alloc();
	r->read_us = INT64_MIN;
	return 0;
}

/* Close a reader. */
static void
reader_close(struct reader *r)
{
	avformat_close_input(&r->ic);
	av_packet_free(&r->pkt);
	free(r->path);
	memset(r, 0, sizeof *r);
}

/* The ASS header of a text track in the channel's style, for a w x h frame. */
static char *
plain_header(int w, int h)
{
	char *hdr;
	int resx = h > 0 ? 288 * w / h : 384;

	/*
	 * Broadcast subtitles: white, a black edge, low in the picture; the font
	 * is the renderer's default (the channel's), whatever the name here.
	 */
	xasprintf(&hdr, "[Script Info]\nScriptType: v4.00+\nPlayResX: %d\nPlayResY: 288\n"
	    "ScaledBorderAndShadow: yes\nWrapStyle: 0\n\n[V4+ Styles]\nFormat: Name, Fontname, "
	    "Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
	    "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
	    "Alignment, MarginL, MarginR, MarginV, Encoding\nStyle: Default,Sans,16,&H00FFFFFF,"
	    "&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,1.2,0.5,2,16,16,14,1\n\n"
	    "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, "
	    "Text\n", resx);
	return hdr;
}

/* Open lane l on track t of its reader. */
static int
lane_open(struct subs *s, struct lane *l, const struct subs_track *t, char **cause)
{
	AVStream *st = NULL;
	const AVCodec *codec;
	AVDictionary *opts = NULL;
	unsigned i;
	int ret;

	if (t->stream_index >= 0) {
		if ((unsigned)t->stream_index < l->rd->ic->nb_streams &&
		    l->rd->ic->streams[t->stream_index]->codecpar->codec_type ==
		    AVMEDIA_TYPE_SUBTITLE)
			st = l->rd->ic->streams[t->stream_index];
	} else {
		for (i = 0; i < l->rd->ic->nb_streams && st == NULL; i++) {
			if (l->rd->ic->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_SUBTITLE)
				st = l->rd->ic->streams[i];
		}
	}
	if (st == NULL) {
		set_cause(cause, "%s: no subtitle stream %d", l->rd->path, t->stream_index);
		return -1;
	}
	l->idx = st->index;
	if ((codec = avcodec_find_decoder(st->codecpar->codec_id)) == NULL) {
		set_cause(cause, "%s: no decoder for %s subtitles", l->rd->path,
		    avcodec_get_name(st->codecpar->codec_id));
		return -1;
	}
	l->dec = avcodec_alloc_context3(codec);
	avcodec_parameters_to_context(l->dec, st->codecpar);
	l->dec->pkt_timebase = st->time_base;
	/* A sidecar that is not UTF-8 is taken as Windows-1252, the usual case. */
	if (t->stream_index < 0 && !t->bitmap && !utf8_file(l->rd->path))
		av_dict_set(&opts, "sub_charenc", "CP1252", 0);
	ret = avcodec_open2(l->dec, codec, &opts);
	av_dict_free(&opts);
	if (ret < 0) {
		set_cause(cause, "%s: opening the %s decoder: %s", l->rd->path, codec->name,
		    av_err2str(ret));
		return -1;
	}
	l->bitmap = avcodec_descriptor_get(codec->id) != NULL &&
	    (avcodec_descriptor_get(codec->id)->props & AV_CODEC_PROP_BITMAP_SUB);
	l->used = 1;
	subs_describe(t, l->what, sizeof l->what);
	if (!l->burn || l->bitmap)
		return 0;
	/* Text burned in: a libass track with the file's styles (ASS) or the channel's. */
	l->track = ass_new_track(s->ass);
	l->ass_own = codec->id == AV_CODEC_ID_ASS || codec->id == AV_CODEC_ID_SSA;
	if (l->ass_own && l->dec->subtitle_header_size > 0) {
		l->header = xstrndup((const char *)l->dec->subtitle_header,
		    (size_t)l->dec->subtitle_header_size);
	} else
		l->header = plain_header(s->width, s->height);
	ass_process_codec_private(l->track, l->header, (int)strlen(l->header));
	return 0;
}

/* Item time of a time stamp of stream idx of a reader (us; NOPTS stays). */
static int64_t
reader_item_us(const struct subs *s, const struct reader *r, int idx, int64_t ts)
{
	if (ts == AV_NOPTS_VALUE)
		return AV_NOPTS_VALUE;
	return av_rescale_q(ts, r->ic->streams[idx]->time_base, AV_TIME_BASE_Q) - r->start_us -
	    s->offset_us;
}

/* Add an event, in order of start (the file's order, nearly always). */
static struct event *
add_event(struct lane *l, int64_t start, int64_t end)
{
	struct event *e;
	size_t at = l->nev;

	if (l->nev == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->ev = xreallocarray(l->ev, l->cap, sizeof *l->ev);
	}
	while (at > 0 && l->ev[at - 1].start_us > start)
		at--;
	memmove(l->ev + at + 1, l->ev + at, (l->nev - at) * sizeof *l->ev);
	l->nev++;
	e = &l->ev[at];
	memset(e, 0, sizeof *e);
	e->start_us = start;
	e->end_us = end;
	return e;
}

/* The Text field of an ASS dialogue line ("ReadOrder,Layer,Style,...,Text"). */
static const char *
ass_text(const char *line)
{
	int commas = 0;

	for (; *line != '\0' && commas < 8; line++) {
		if (*line == ',')
			commas++;
	}
	return line;
}

/* A decoded subtitle of lane l into events. */
static void
take_subtitle(struct subs *s, struct lane *l, struct reader *r, AVSubtitle *sub)
{
	int64_t pts = sub->pts != AV_NOPTS_VALUE ? sub->pts - r->start_us - s->offset_us : 0;
	int64_t start = pts + (int64_t)sub->start_display_time * 1000, end;
	AVSubtitleRect *rect;
	struct event *e;
	struct bmp *b;
	unsigned i;
	size_t k;
	int n = 0;

	end = sub->end_display_time == 0 || sub->end_display_time == UINT32_MAX ||
	    sub->end_display_time <= sub->start_display_time ? INT64_MAX :
	    pts + (int64_t)sub->end_display_time * 1000;
	if (l->bitmap) {
		/* A picture (or an empty one) replaces what showed before it. */
		for (k = 0; k < l->nev; k++) {
			if (l->ev[k].start_us <= start && l->ev[k].end_us > start)
				l->ev[k].end_us = start;
		}
		for (i = 0; i < sub->num_rects; i++) {
			rect = sub->rects[i];
			if (rect->type == SUBTITLE_BITMAP && rect->w > 0 && rect->h > 0 &&
			    (!l->forced_only || (rect->flags & AV_SUBTITLE_FLAG_FORCED)))
				n++;
		}
		if (n == 0 || (end != INT64_MAX && end <= 0))
			return;
		e = add_event(l, start, end);
		e->rects = xcalloc((size_t)n, sizeof *e->rects);
		e->cw = l->dec->width;
		e->ch = l->dec->height;
		for (i = 0; i < sub->num_rects; i++) {
			rect = sub->rects[i];
			if (rect->type != SUBTITLE_BITMAP || rect->w <= 0 || rect->h <= 0 ||
			    (l->forced_only && !(rect->flags & AV_SUBTITLE_FLAG_FORCED)))
				continue;
			b = &e->rects[e->nrects++];
			b->x = rect->x;
			b->y = rect->y;
			b->w = rect->w;
			b->h = rect->h;
			b->pix = xmalloc((size_t)rect->w * rect->h);
			for (k = 0; k < (size_t)rect->h; k++)
				memcpy(b->pix + k * rect->w, rect->data[0] + k * rect->linesize[0],
				    (size_t)rect->w);
			memcpy(b->pal, rect->data[1], (size_t)(rect->nb_colors > 256 ? 256 :
			    rect->nb_colors) * 4);
			b->key = -1;
		}
		return;
	}
	if (end == INT64_MAX)
		end = start + TEXT_OPEN_US;
	if (end <= 0 || l->forced_only)
		return;
	for (i = 0; i < sub->num_rects; i++) {
		rect = sub->rects[i];
		if (rect->type != SUBTITLE_ASS || rect->ass == NULL)
			continue;
		e = add_event(l, start, end);
		e->text = xstrdup(ass_text(rect->ass));
		if (l->track != NULL)
			ass_process_chunk(l->track, rect->ass, (int)strlen(rect->ass),
			    (start + s->offset_us) / 1000, (end - start) / 1000);
	}
}

/* Decode a packet of lane l. */
static void
lane_packet(struct subs *s, struct lane *l, struct reader *r, AVPacket *pkt)
{
	AVSubtitle sub;
	int got = 0, ret;

	memset(&sub, 0, sizeof sub);
	ret = avcodec_decode_subtitle2(l->dec, &sub, &got, pkt);
	if (ret < 0) {
		log_debug("%s: a subtitle cannot be decoded: %s", r->path, av_err2str(ret));
		return;
	}
	if (got)
		take_subtitle(s, l, r, &sub);
	avsubtitle_free(&sub);
}

/* Read reader r until item time upto (bounded: at most MAX_PACKETS). */
static void
reader_read(struct subs *s, struct reader *r, int64_t upto, int bounded)
{
	AVPacket *pkt = r->pkt;
	int64_t t;
	int n = 0, ret, k;

	while (r->ic != NULL && !r->eof && r->read_us < upto) {
		if (bounded && n++ >= MAX_PACKETS)
			return;
		ret = av_read_frame(r->ic, pkt);
		if (ret == AVERROR(EAGAIN))
			return;
		if (ret < 0) {
			if (ret != AVERROR_EOF && ret != AVERROR_EXIT)
				log_debug("%s: reading subtitles: %s", r->path, av_err2str(ret));
			r->eof = 1;
			return;
		}
		t = reader_item_us(s, r, pkt->stream_index, pkt->dts != AV_NOPTS_VALUE ? pkt->dts :
		    pkt->pts);
		if (t != AV_NOPTS_VALUE && t > r->read_us)
			r->read_us = t;
		for (k = 0; k < 2; k++) {
			if (s->lanes[k].used && s->lanes[k].rd == r && s->lanes[k].idx ==
			    pkt->stream_index)
				lane_packet(s, &s->lanes[k], r, pkt);
		}
		av_packet_unref(pkt);
	}
}

/* Bring the readers to item time t + AHEAD_US. */
static void
read_ahead(struct subs *s, int64_t t, int bounded)
{
	int k;

	for (k = 0; k < 2; k++)
		reader_read(s, &s->readers[k], t + AHEAD_US, bounded);
}

/*
 * Position the readers for item time 0: a reader of a file that does not
 * start there seeks LOOKBACK_US before it (a text sidecar is read from its
 * start: it is small, and its demuxer's seek is not needed).
 */
static void
reader_join(struct subs *s, struct reader *r)
{
	int64_t ts;
	int ret;

	if (r->ic == NULL)
		return;
	r->eof = 0;
	r->read_us = INT64_MIN;
	if (s->offset_us <= 0 || r->whole) {
		avformat_seek_file(r->ic, -1, INT64_MIN, r->start_us, r->start_us, 0);
		return;
	}
	ts = r->start_us + s->offset_us - LOOKBACK_US;
	if (ts < r->start_us)
		ts = r->start_us;
	if ((ret = avformat_seek_file(r->ic, -1, INT64_MIN, ts, ts, 0)) < 0)
		log_debug("%s: subtitles: cannot seek (%s); reading from where it is", r->path,
		    av_err2str(ret));
}

/* The default font: the channel's, else DejaVu Sans Bold (else fontconfig's Sans). */
static void
set_fonts(struct subs *s, int fontconfig)
{
	if (s->fonts_set)
		return;
	if (s->conf.font[0] != '\0' && access(s->conf.font, R_OK) == 0)
		s->font = xstrdup(s->conf.font);
	else {
		if (s->conf.font[0] != '\0')
			log_warn("%s: subtitles: the font %s cannot be read (%s); using the default",
			    s->path, s->conf.font, strerror(errno));
		s->font = text_font(1);
	}
	/* Plain text needs no font lookup at all: only the default font is used. */
	ass_set_fonts(s->render, s->font, "Sans", fontconfig ? ASS_FONTPROVIDER_AUTODETECT :
	    ASS_FONTPROVIDER_NONE, NULL, 1);
	s->fonts_set = 1;
}

/* Add a Matroska file's attached fonts (for its ASS styles). */
static void
add_attachments(struct subs *s, AVFormatContext *ic)
{
	AVDictionaryEntry *name;
	AVStream *st;
	unsigned i;

	for (i = 0; i < ic->nb_streams; i++) {
		st = ic->streams[i];
		if (st->codecpar->codec_type != AVMEDIA_TYPE_ATTACHMENT ||
		    st->codecpar->extradata_size <= 0)
			continue;
		name = av_dict_get(st->metadata, "filename", NULL, 0);
		ass_add_font(s->ass, name != NULL ? name->value : "attachment",
		    (const char *)st->codecpar->extradata, st->codecpar->extradata_size);
	}
}

/* The folder of path with name in it. */
static char *
beside(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	char *p;

	if (slash == NULL)
		return xstrdup(name);
	xasprintf(&p, "%.*s/%s", (int)(slash - path), path, name);
	return p;
}

/* Start lane k on track t: its reader (shared by embedded tracks) and decoder. */
static int
start_lane(struct subs *s, int k, const struct subs_track *t, int burn, int forced_only,
    char **cause)
{
	struct lane *l = &s->lanes[k];
	struct reader *r = NULL;
	char *file;
	int i;

	l->burn = burn;
	l->forced_only = forced_only;
	if (t->stream_index >= 0) {
		for (i = 0; i < 2 && r == NULL; i++) {
			if (s->readers[i].ic != NULL && strcmp(s->readers[i].path, s->path) == 0)
				r = &s->readers[i];
		}
	}
	if (r == NULL) {
		r = s->readers[0].ic == NULL ? &s->readers[0] : &s->readers[1];
		file = t->stream_index >= 0 ? xstrdup(s->path) : beside(s->path, t->file_name);
		i = reader_open(s, r, file, t->stream_index < 0, cause);
		free(file);
		if (i < 0)
			return -1;
		if (t->stream_index >= 0)
			add_attachments(s, r->ic);
	}
	l->rd = r;
	if (lane_open(s, l, t, cause) < 0)
		return -1;
	r->whole = t->stream_index < 0 && !l->bitmap;
	return 0;
}

/* Open. */
int
subs_open(struct subs **out, const struct subs_conf *c, const char *path,
    struct AVFormatContext *ic, int64_t offset_us, int width, int height,
    const AVIOInterruptCB *interrupt, char **cause)
{
	struct subs_track *t = NULL;
	struct subs_prefs p;
	struct subs_choice ch;
	struct subs *s;
	size_t n = 0;
	int k, text_burn;

	*out = NULL;
	if (c->mode == SUBS_OFF && c->track.id == 0)
		return 0;
	if (subs_scan(path, ic, &t, &n, cause) != 0)
		return -1;
	memset(&p, 0, sizeof p);
	p.mode = c->mode;
	p.languages = c->languages;
	p.audio_language = c->audio_language;
	p.track = c->track.stream_index >= 0 || c->track.file_name[0] != '\0' ? &c->track : NULL;
	subs_choose(t, n, &p, &ch);
	if (ch.burn < 0 && ch.cue < 0) {
		free(t);
		return 0;
	}
	s = xcalloc(1, sizeof *s);
	s->conf = *c;
	s->path = xstrdup(path);
	s->offset_us = offset_us > 0 ? offset_us : 0;
	s->width = width;
	s->height = height;
	s->px = s->py = 0;
	s->pw = s->src_w = width;
	s->ph = s->src_h = height;
	if (interrupt != NULL)
		s->interrupt = *interrupt;
	s->ass = ass_library_init();
	ass_set_message_cb(s->ass, ass_msg, NULL);
	s->render = ass_renderer_init(s->ass);
	ass_set_frame_size(s->render, width, height);
	if (ch.burn >= 0 && start_lane(s, 0, &t[ch.burn], 1, ch.burn_forced_only, cause) < 0)
		goto fail;
	if (ch.cue >= 0 && start_lane(s, 1, &t[ch.cue], 0, 0, cause) < 0)
		goto fail;
	text_burn = s->lanes[0].used && !s->lanes[0].bitmap;
	if (text_burn)
		set_fonts(s, s->lanes[0].ass_own);
	for (k = 0; k < 2; k++)
		reader_join(s, &s->readers[k]);
	read_ahead(s, 0, 0);
	snprintf(s->what, sizeof s->what, "%s%s%s%s%s", s->lanes[0].used ? "burned in: " : "",
	    s->lanes[0].used ? s->lanes[0].what : "", s->lanes[0].used && s->lanes[1].used ?
	    "; " : "", s->lanes[1].used ? "rendition: " : "", s->lanes[1].used ?
	    s->lanes[1].what : "");
	if (s->lanes[0].used && s->lanes[0].forced_only)
		snprintf(s->what + strlen(s->what), sizeof s->what - strlen(s->what),
		    " (forced events only)");
	free(t);
	*out = s;
	return 0;

fail:
	free(t);
	subs_free(&s);
	return -1;
}

/* The picture's place. */
void
subs_picture(struct subs *s, int x, int y, int w, int h, int src_w, int src_h)
{
	if (s == NULL || (x == s->px && y == s->py && w == s->pw && h == s->ph &&
	    src_w == s->src_w && src_h == s->src_h))
		return;
	s->px = x;
	s->py = y;
	s->pw = w;
	s->ph = h;
	s->src_w = src_w;
	s->src_h = src_h;
	s->geometry++;
}

/* BT.709 limited range of an RGB colour (every picture a source gives is BT.709). */
static void
yuv_of(int r, int g, int b, int *y, int *u, int *v)
{
	*y = (47 * r + 157 * g + 16 * b + 128) / 256 + 16;
	*u = (-26 * r - 86 * g + 112 * b + 128) / 256 + 128;
	*v = (112 * r - 102 * g - 10 * b + 128) / 256 + 128;
}

/*
 * Blend into frame at (dx, dy): w x h pixels, each with its alpha (0-255)
 * from alpha(i) and colour from colour(i), i = y * w + x. Luma per pixel,
 * chroma per 2x2 block from the mean of its pixels.
 */
struct source_px {
	const uint8_t *mask;            /* one colour through a mask (libass) */
	int y, u, v, a;                 /* its colour and opacity */
	const uint8_t *rgba;            /* or a colour each (pictures) */
	int stride;                     /* bytes a line of either */
};

/* Pixel (x, y) of an image to blend: its alpha and colour. */
static void
px_at(const struct source_px *p, int x, int y, int *a, int *Y, int *U, int *V)
{
	const uint8_t *c;

	if (p->mask != NULL) {
		*a = p->mask[(size_t)y * p->stride + x] * p->a / 255;
		*Y = p->y;
		*U = p->u;
		*V = p->v;
		return;
	}
	c = p->rgba + (size_t)y * p->stride + (size_t)x * 4;
	*a = c[3];
	if (*a > 0)
		yuv_of(c[0], c[1], c[2], Y, U, V);
}

/*
 * blend's common case, one colour through a mask (libass's images: every
 * frame a text subtitle shows), without the per-pixel calls. The same sums.
 */
static void
blend_mask(AVFrame *f, int dx, int dy, int x0, int y0, int w, int h, const struct source_px *p)
{
	const uint8_t *m;
	uint8_t *py, *pu, *pv;
	int x, y, a, sa, cx, cy, i, j;

	for (y = y0; y < h; y++) {
		m = p->mask + (size_t)y * p->stride;
		py = f->data[0] + (size_t)(dy + y) * f->linesize[0] + dx;
		for (x = x0; x < w; x++) {
			if (m[x] != 0 && (a = m[x] * p->a / 255) > 0)
				py[x] = (uint8_t)(py[x] + (p->y - py[x]) * a / 255);
		}
	}
	for (cy = (dy + y0) / 2; cy * 2 < dy + h; cy++) {
		pu = f->data[1] + (size_t)cy * f->linesize[1];
		pv = f->data[2] + (size_t)cy * f->linesize[2];
		for (cx = (dx + x0) / 2; cx * 2 < dx + w; cx++) {
			sa = 0;
			for (j = 0; j < 2; j++) {
				y = cy * 2 + j - dy;
				if (y < y0 || y >= h)
					continue;
				m = p->mask + (size_t)y * p->stride;
				for (i = 0; i < 2; i++) {
					x = cx * 2 + i - dx;
					if (x >= x0 && x < w && m[x] != 0)
						sa += m[x] * p->a / 255;
				}
			}
			if (sa > 0) {
				pu[cx] = (uint8_t)(pu[cx] + sa * (p->u - pu[cx]) / (4 * 255));
				pv[cx] = (uint8_t)(pv[cx] + sa * (p->v - pv[cx]) / (4 * 255));
			}
		}
	}
}

static void
blend(AVFrame *f, int dx, int dy, int w, int h, const struct source_px *p)
{
	int x, y, x0 = 0, y0 = 0, a, Y, U, V, i, j, sa, su, sv, cx, cy;
	uint8_t *py, *pu, *pv;

	if (dx >= f->width || dy >= f->height || dx + w <= 0 || dy + h <= 0)
		return;
	if (dx < 0)
		x0 = -dx;
	if (dy < 0)
		y0 = -dy;
	if (dx + w > f->width)
		w = f->width - dx;
	if (dy + h > f->height)
		h = f->height - dy;
	if (p->mask != NULL) {
		blend_mask(f, dx, dy, x0, y0, w, h, p);
		return;
	}
	for (y = y0; y < h; y++) {
		py = f->data[0] + (size_t)(dy + y) * f->linesize[0];
		for (x = x0; x < w; x++) {
			px_at(p, x, y, &a, &Y, &U, &V);
			if (a > 0)
				py[dx + x] = (uint8_t)(py[dx + x] + (Y - py[dx + x]) * a / 255);
		}
	}
	/* Chroma: each 2x2 block the area touches. */
	for (cy = (dy + y0) / 2; cy * 2 < dy + h; cy++) {
		pu = f->data[1] + (size_t)cy * f->linesize[1];
		pv = f->data[2] + (size_t)cy * f->linesize[2];
		for (cx = (dx + x0) / 2; cx * 2 < dx + w; cx++) {
			sa = su = sv = 0;
			for (j = 0; j < 2; j++) {
				for (i = 0; i < 2; i++) {
					x = cx * 2 + i - dx;
					y = cy * 2 + j - dy;
					if (x < x0 || y < y0 || x >= w || y >= h)
						continue;
					px_at(p, x, y, &a, &Y, &U, &V);
					if (a == 0)
						continue;
					sa += a;
					su += a * (U - pu[cx]);
					sv += a * (V - pv[cx]);
				}
			}
			if (sa > 0) {
				pu[cx] = (uint8_t)(pu[cx] + su / (4 * 255));
				pv[cx] = (uint8_t)(pv[cx] + sv / (4 * 255));
			}
		}
	}
}

/* The frame, writable, once something is to be drawn on it. */
static int
writable(AVFrame *f, int *done)
{
	int ret;

	if (*done)
		return 0;
	if ((ret = av_frame_make_writable(f)) < 0)
		return ret;
	*done = 1;
	return 0;
}

/* Draw libass's images. */
static int
draw_text(struct subs *s, struct lane *l, AVFrame *f, int64_t t, int *w)
{
	struct source_px p;
	ASS_Image *img;
	int changed, ret;

	if (l->track == NULL)
		return 0;
	/*
	 * An ASS script places its text on the video, in the video's pixels;
	 * plain subtitles go at the bottom of the whole frame, square pixels.
	 */
	if (l->ass_own) {
		ass_set_margins(s->render, s->py, s->height - s->py - s->ph, s->px,
		    s->width - s->px - s->pw);
		ass_set_storage_size(s->render, s->src_w, s->src_h);
	} else {
		ass_set_margins(s->render, 0, 0, 0, 0);
		ass_set_storage_size(s->render, s->width, s->height);
	}
	ass_set_use_margins(s->render, 0);
	img = ass_render_frame(s->render, l->track, (t + s->offset_us) / 1000, &changed);
	for (; img != NULL; img = img->next) {
		if (img->w <= 0 || img->h <= 0 || (img->color & 0xff) == 0xff)
			continue;
		if ((ret = writable(f, w)) < 0)
			return ret;
		memset(&p, 0, sizeof p);
		p.mask = img->bitmap;
		p.stride = img->stride;
		yuv_of((int)(img->color >> 24), (int)(img->color >> 16 & 0xff),
		    (int)(img->color >> 8 & 0xff), &p.y, &p.u, &p.v);
		p.a = 255 - (int)(img->color & 0xff);
		blend(f, img->dst_x, img->dst_y, img->w, img->h, &p);
	}
	return 0;
}

/* Scale a picture subtitle to where it goes in the frame (once per place). */
static int
scale_bmp(struct subs *s, const struct event *e, struct bmp *b)
{
	int cw = e->cw > 0 ? e->cw : s->src_w, ch = e->ch > 0 ? e->ch : s->src_h;
	const uint8_t *src[4] = { b->pix, (const uint8_t *)b->pal, NULL, NULL };
	int srcs[4] = { b->w, 0, 0, 0 }, dsts[4];
	uint8_t *dst[4];

	if (b->key == s->geometry && b->rgba != NULL)
		return 0;
	if (cw <= 0 || ch <= 0)
		return -1;
	b->sx = s->px + (int)((int64_t)b->x * s->pw / cw);
	b->sy = s->py + (int)((int64_t)b->y * s->ph / ch);
	b->sw = (int)((int64_t)b->w * s->pw / cw);
	b->sh = (int)((int64_t)b->h * s->ph / ch);
	if (b->sw < 1)
		b->sw = 1;
	if (b->sh < 1)
		b->sh = 1;
	s->sws = sws_getCachedContext(s->sws, b->w, b->h, AV_PIX_FMT_PAL8, b->sw, b->sh,
	    AV_PIX_FMT_RGBA, SWS_BILINEAR, NULL, NULL, NULL);
	if (s->sws == NULL)
		return -1;
	free(b->rgba);
	b->rgba = xmalloc((size_t)b->sw * b->sh * 4);
	dst[0] = b->rgba;
	dst[1] = dst[2] = dst[3] = NULL;
	dsts[0] = b->sw * 4;
	dsts[1] = dsts[2] = dsts[3] = 0;
	sws_scale(s->sws, src, srcs, 0, b->h, dst, dsts);
	b->key = s->geometry;
	return 0;
}

/* Draw the pictures that show at t. */
static int
draw_bitmaps(struct subs *s, struct lane *l, AVFrame *f, int64_t t, int *w)
{
	struct source_px p;
	struct event *e;
	size_t k;
	int i, ret;

	for (k = 0; k < l->nev; k++) {
		e = &l->ev[k];
		if (e->start_us > t)
			break;
		if (t >= ends(e))
			continue;
		for (i = 0; i < e->nrects; i++) {
			if (scale_bmp(s, e, &e->rects[i]) < 0)
				continue;
			if ((ret = writable(f, w)) < 0)
				return ret;
			memset(&p, 0, sizeof p);
			p.rgba = e->rects[i].rgba;
			p.stride = e->rects[i].sw * 4;
			blend(f, e->rects[i].sx, e->rects[i].sy, e->rects[i].sw, e->rects[i].sh, &p);
		}
	}
	return 0;
}

/* Drop the events that are over by t (cues not handed out yet stay). */
static void
purge(struct lane *l, int64_t t)
{
	size_t i, k = 0;

	for (i = 0; i < l->nev; i++) {
		if (ends(&l->ev[i]) <= t &&
		    (l->burn || l->ev[i].cued))
			event_clear(&l->ev[i]);
		else
			l->ev[k++] = l->ev[i];
	}
	l->nev = k;
}

/* Does lane l show anything at t? */
static int
showing(const struct lane *l, int64_t t)
{
	size_t k;

	for (k = 0; k < l->nev && l->ev[k].start_us <= t; k++) {
		if (t < ends(&l->ev[k]))
			return 1;
	}
	return 0;
}

/* Burn. */
int
subs_burn(struct subs *s, AVFrame *frame, int64_t t)
{
	struct lane *l = &s->lanes[0];
	int w = 0;

	read_ahead(s, t, 1);
	if (!l->used)
		return 0;
	/* The text lane's old events live in libass's track; ours only say when. */
	if (!showing(l, t)) {
		purge(l, t);
		return 0;
	}
	if (frame->format != AV_PIX_FMT_YUV420P)
		return 0;
	return l->bitmap ? draw_bitmaps(s, l, frame, t, &w) : draw_text(s, l, frame, t, &w);
}

/* Is most of [a, b) covered by what lane l burns in? */
static int
burned_over(const struct lane *l, int64_t a, int64_t b)
{
	int64_t covered = 0, x, y;
	size_t k;

	if (!l->used)
		return 0;
	for (k = 0; k < l->nev; k++) {
		x = l->ev[k].start_us > a ? l->ev[k].start_us : a;
		y = ends(&l->ev[k]) < b ? ends(&l->ev[k]) : b;
		if (y > x)
			covered += y - x;
	}
	return b > a && covered * 2 > b - a;
}

/* The next cue. */
int
subs_cue(struct subs *s, int64_t t, struct subs_cue *cue)
{
	struct lane *l = &s->lanes[1];
	struct event *e;
	size_t k;

	if (!l->used)
		return 0;
	read_ahead(s, t, 1);
	for (k = 0; k < l->nev; k++) {
		e = &l->ev[k];
		if (e->start_us > t)
			break;
		if (e->cued)
			continue;
		e->cued = 1;
		/* What is burned in at the same time is not said twice. */
		if (e->text == NULL || burned_over(&s->lanes[0], e->start_us, e->end_us))
			continue;
		cue->start_us = e->start_us;
		cue->end_us = e->end_us;
		cue->text = e->text;
		return 1;
	}
	purge(l, t);
	return 0;
}

/* Seek. */
int
subs_seek(struct subs *s, int64_t offset_us, char **cause)
{
	int k;

	(void)cause;
	s->offset_us = offset_us > 0 ? offset_us : 0;
	for (k = 0; k < 2; k++) {
		if (s->lanes[k].used) {
			lane_clear(&s->lanes[k]);
			avcodec_flush_buffers(s->lanes[k].dec);
		}
	}
	for (k = 0; k < 2; k++)
		reader_join(s, &s->readers[k]);
	read_ahead(s, 0, 0);
	return 0;
}

/* What airs. */
const char *
subs_what(struct subs *s)
{
	return s->what;
}

/* Free. */
void
subs_free(struct subs **sp)
{
	struct subs *s;
	int k;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	for (k = 0; k < 2; k++) {
		lane_clear(&s->lanes[k]);
		free(s->lanes[k].ev);
		if (s->lanes[k].track != NULL)
			ass_free_track(s->lanes[k].track);
		free(s->lanes[k].header);
		avcodec_free_context(&s->lanes[k].dec);
		reader_close(&s->readers[k]);
	}
	if (s->render != NULL)
		ass_renderer_done(s->render);
	if (s->ass != NULL)
		ass_library_done(s->ass);
	sws_freeContext(s->sws);
	free(s->font);
	free(s->path);
	freep(sp);
}
