/*
 * media.c: probing and analysing media files with FFmpeg.
 */
#include "src/media.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>

#include "src/util.h"

const char *const media_video_exts[] = {
	".mkv", ".mp4", ".m4v", ".avi", ".mov", ".ts", ".m2ts", ".mts", ".wmv", ".mpg",
	".mpeg", ".webm", ".flv", ".vob", ".ogv", ".divx", ".3gp", NULL,
};

/* Is name a video file by its extension? */
int
media_is_video_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return 0;
	for (i = 0; media_video_exts[i] != NULL; i++) {
		if (strcasecmp(dot, media_video_exts[i]) == 0)
			return 1;
	}
	return 0;
}

/* FFmpeg's interrupt callback: stop when the caller cancels. */
static int
interrupted(void *arg)
{
	atomic_int *cancel = arg;

	return cancel != NULL && atomic_load(cancel);
}

/* An FFmpeg error as text. */
static const char *
averr(int rc, char *buf, size_t len)
{
	if (av_strerror(rc, buf, len) != 0)
		snprintf(buf, len, "error %d", rc);
	return buf;
}

/* The URL scheme path starts with ("http" for "http://x"), its length, or 0. */
static size_t
url_scheme(const char *path)
{
	size_t n = 0;

	if (!isalpha((unsigned char)path[0]))
		return 0;
	while (isalnum((unsigned char)path[n]) || path[n] == '+' || path[n] == '-' ||
	    path[n] == '.')
		n++;
	/* "C:" alone is a Windows drive, not a scheme; nothing else here is one. */
	return path[n] == ':' && n > 1 ? n : 0;
}

/* Is path a local regular file (a "file:" prefix allowed)? The name without the prefix. */
static int
check_local(const char *path, const char **local, char **cause)
{
	struct stat sb;
	size_t scheme;
	int e;

	*local = path;
	if (path == NULL || *path == '\0') {
		set_cause(cause, "no file to open (an empty path)");
		errno = EINVAL;
		return -1;
	}
	if (strncmp(path, "file://", 7) == 0)
		*local = path + 7;
	else if (strncmp(path, "file:", 5) == 0)
		*local = path + 5;
	else if ((scheme = url_scheme(path)) > 0) {
		set_cause(cause, "%s: refused: only local files are opened, not %.*s: URLs", path,
		    (int)scheme, path);
		errno = EPERM;
		return -1;
	}
	if (stat(*local, &sb) != 0) {
		e = errno;
		set_cause(cause, "cannot open %s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		set_cause(cause, "%s: refused: not a regular file (%s)", path,
		    S_ISDIR(sb.st_mode) ? "a directory" : S_ISFIFO(sb.st_mode) ? "a pipe" :
		    S_ISSOCK(sb.st_mode) ? "a socket" : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ?
		    "a device" : "not a file");
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* Check. */
int
media_check_local(const char *path, char **cause)
{
	const char *local;

	return check_local(path, &local, cause);
}

/* Open a library file through the file protocol only. */
int
media_open_input(AVFormatContext **icp, const char *path, char **cause)
{
	AVDictionary *opts = NULL;
	const char *local;
	char err[128], *url;
	int rc;

	if (check_local(path, &local, cause) != 0) {
		rc = AVERROR(errno);
		avformat_close_input(icp);      /* frees a context that was never opened too */
		return rc;
	}
	/* "file:" keeps a name with a colon in it a file name. */
	xasprintf(&url, "file:%s", local);
	av_dict_set(&opts, "protocol_whitelist", "file", 0);
	rc = avformat_open_input(icp, url, NULL, &opts);
	av_dict_free(&opts);
	free(url);
	if (rc < 0) {
		set_cause(cause, "%s: cannot open: %s", path, averr(rc, err, sizeof err));
		return rc;
	}
	return 0;
}

/* Open and read stream info. */
static int
open_input(const char *path, atomic_int *cancel, AVFormatContext **out, char **cause)
{
	AVFormatContext *ic;
	char err[128];
	int rc;

	*out = NULL;
	if ((ic = avformat_alloc_context()) == NULL) {
		set_cause(cause, "%s: out of memory", path);
		return -1;
	}
	ic->interrupt_callback.callback = interrupted;
	ic->interrupt_callback.opaque = cancel;
	if (media_open_input(&ic, path, cause) < 0)
		return -1;
	if ((rc = avformat_find_stream_info(ic, NULL)) < 0) {
		set_cause(cause, "%s: cannot read its streams: %s", path, averr(rc, err, sizeof err));
		avformat_close_input(&ic);
		return -1;
	}
	*out = ic;
	return 0;
}

/* The best stream of a type, ignoring cover art; -1 if none. */
static int
best_stream(AVFormatContext *ic, enum AVMediaType type)
{
	int i = av_find_best_stream(ic, type, -1, -1, NULL, 0);

	if (i < 0)
		return -1;
	if (ic->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC)
		return -1;
	return i;
}

/* The chapters of an open file, in order; a chapter's end is the next one's start at most. */
static void
read_chapters(AVFormatContext *ic, struct media_chapter **out, size_t *n)
{
	const AVDictionaryEntry *t;
	struct media_chapter *c;
	const AVChapter *ch;
	unsigned int i;

	*out = NULL;
	*n = 0;
	if (ic->nb_chapters == 0)
		return;
	*out = xcalloc(ic->nb_chapters, sizeof **out);
	for (i = 0; i < ic->nb_chapters; i++) {
		ch = ic->chapters[i];
		if (ch->time_base.num <= 0 || ch->time_base.den <= 0 || ch->start < 0)
			continue;
		c = &(*out)[(*n)++];
		c->start_ms = av_rescale_q(ch->start, ch->time_base, (AVRational){ 1, 1000 });
		c->end_ms = ch->end > ch->start ? av_rescale_q(ch->end, ch->time_base,
		    (AVRational){ 1, 1000 }) : 0;
		t = av_dict_get(ch->metadata, "title", NULL, 0);
		c->title = t != NULL && t->value[0] != '\0' ? xstrdup(t->value) : NULL;
	}
}

/* Free chapters. */
void
media_chapters_free(struct media_chapter **cp, size_t n)
{
	size_t i;

	if (cp == NULL || *cp == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*cp)[i].title);
	free(*cp);
	*cp = NULL;
}

/* Probe. */
int
media_probe(const char *path, struct media_info *mi, atomic_int *cancel, char **cause)
{
	return media_probe_chapters(path, mi, NULL, NULL, cancel, cause);
}

/* Probe, and read the chapters when chapters is not NULL. */
int
media_probe_chapters(const char *path, struct media_info *mi, struct media_chapter **chapters,
    size_t *nchapters, atomic_int *cancel, char **cause)
{
	AVFormatContext *ic;
	AVCodecParameters *par;
	AVStream *st;
	AVRational fr;
	struct stat sb;
	int v, a;

	memset(mi, 0, sizeof *mi);
	if (chapters != NULL) {
		*chapters = NULL;
		*nchapters = 0;
	}
	if (open_input(path, cancel, &ic, cause) != 0)
		return -1;
	if (stat(path, &sb) == 0)
		mi->size = sb.st_size;
	snprintf(mi->container, sizeof mi->container, "%.*s",
	    (int)strcspn(ic->iformat->name, ","), ic->iformat->name);
	if (ic->duration > 0)
		mi->duration_ms = ic->duration / 1000;
	if ((v = best_stream(ic, AVMEDIA_TYPE_VIDEO)) >= 0) {
		st = ic->streams[v];
		par = st->codecpar;
		mi->has_video = 1;
		snprintf(mi->video_codec, sizeof mi->video_codec, "%s",
		    avcodec_get_name(par->codec_id));
		mi->width = par->width;
		mi->height = par->height;
		fr = av_guess_frame_rate(ic, st, NULL);
		if (fr.num > 0 && fr.den > 0)
			mi->fps = av_q2d(fr);
		if (mi->duration_ms == 0 && st->duration > 0)
			mi->duration_ms = av_rescale_q(st->duration, st->time_base,
			    (AVRational){ 1, 1000 });
	}
	if ((a = best_stream(ic, AVMEDIA_TYPE_AUDIO)) >= 0) {
		st = ic->streams[a];
		par = st->codecpar;
		mi->has_audio = 1;
		snprintf(mi->audio_codec, sizeof mi->audio_codec, "%s",
		    avcodec_get_name(par->codec_id));
		mi->sample_rate = par->sample_rate;
		mi->channels = par->ch_layout.nb_channels;
		if (mi->duration_ms == 0 && st->duration > 0)
			mi->duration_ms = av_rescale_q(st->duration, st->time_base,
			    (AVRational){ 1, 1000 });
	}
	if (chapters != NULL)
		read_chapters(ic, chapters, nchapters);
	avformat_close_input(&ic);
	if (!mi->has_video && !mi->has_audio) {
		if (chapters != NULL)
			media_chapters_free(chapters, *nchapters);
		set_cause(cause, "%s: no video or audio stream", path);
		return -1;
	}
	return 0;
}

/*
 * One decoder and its filter graphs: a conversion graph to one format
 * (48 kHz stereo float; 160x90 grey), rebuilt whenever the decoded frames
 * change (a recording's sample rate, layout or picture size changes at its
 * ad breaks), feeding the analysis graph that lives for the whole file.
 */
struct chain {
	int index;                      /* stream, -1: unused */
	AVCodecContext *dec;
	AVFilterGraph *graph;
	AVFilterContext *src;
	AVFilterContext *sink;
	AVRational tb;
	AVFilterGraph *conv;
	AVFilterContext *csrc, *csink;
	int w, h, fmt, rate;            /* what conv takes */
	AVChannelLayout layout;
};

#define ANALYSIS_RATE 48000
#define ANALYSIS_W 160
#define ANALYSIS_H 90

/* Build src -> desc -> sink. */
static int
build_graph(struct chain *c, int audio, const char *srcargs, const char *desc, char **cause)
{
	AVFilterInOut *outs = avfilter_inout_alloc(), *ins = avfilter_inout_alloc();
	char err[128];
	int rc;

	c->graph = avfilter_graph_alloc();
	if (outs == NULL || ins == NULL || c->graph == NULL) {
		rc = AVERROR(ENOMEM);
		goto fail;
	}
	c->graph->nb_threads = 1;
	rc = avfilter_graph_create_filter(&c->src, avfilter_get_by_name(audio ? "abuffer" :
	    "buffer"), "in", srcargs, NULL, c->graph);
	if (rc < 0)
		goto fail;
	rc = avfilter_graph_create_filter(&c->sink, avfilter_get_by_name(audio ? "abuffersink" :
	    "buffersink"), "out", NULL, NULL, c->graph);
	if (rc < 0)
		goto fail;
	outs->name = av_strdup("in");
	outs->filter_ctx = c->src;
	ins->name = av_strdup("out");
	ins->filter_ctx = c->sink;
	if ((rc = avfilter_graph_parse_ptr(c->graph, desc, &ins, &outs, NULL)) < 0)
		goto fail;
	if ((rc = avfilter_graph_config(c->graph, NULL)) < 0)
		goto fail;
	avfilter_inout_free(&ins);
	avfilter_inout_free(&outs);
	return 0;
fail:
	set_cause(cause, "filter graph '%s': %s", desc, averr(rc, err, sizeof err));
	avfilter_inout_free(&ins);
	avfilter_inout_free(&outs);
	return -1;
}

/* Open a decoder for stream i. */
static int
open_decoder(AVFormatContext *ic, int i, int threads, struct chain *c, char **cause)
{
	const AVCodec *codec;
	AVStream *st = ic->streams[i];
	char err[128];
	int rc;

	c->index = i;
	c->tb = st->time_base;
	if ((codec = avcodec_find_decoder(st->codecpar->codec_id)) == NULL) {
		set_cause(cause, "no decoder for %s", avcodec_get_name(st->codecpar->codec_id));
		return -1;
	}
	if ((c->dec = avcodec_alloc_context3(codec)) == NULL) {
		set_cause(cause, "out of memory");
		return -1;
	}
	if ((rc = avcodec_parameters_to_context(c->dec, st->codecpar)) < 0 ||
	    (c->dec->thread_count = threads, rc = avcodec_open2(c->dec, codec, NULL)) < 0) {
		set_cause(cause, "cannot open the %s decoder: %s", codec->name,
		    averr(rc, err, sizeof err));
		return -1;
	}
	c->dec->pkt_timebase = st->time_base;
	/* Black is black without the deblocking filter. */
	if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO)
		c->dec->skip_loop_filter = AVDISCARD_ALL;
	return 0;
}

/* Append a span. */
static void
add_span(struct media_span **list, size_t *n, int64_t start, int64_t end)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[*n].start_ms = start;
	(*list)[*n].end_ms = end;
	(*n)++;
}

struct state {
	struct media_analysis *out;
	int64_t offset_ms;              /* the file's start time */
	int64_t black_open;             /* -1: not in black */
	int64_t silence_open;
};

/* A metadata value in seconds as ms, or -1. */
static int64_t
meta_ms(const AVFrame *f, const char *key, int64_t offset)
{
	AVDictionaryEntry *e = av_dict_get(f->metadata, key, NULL, 0);
	double v;
	char *end;

	if (e == NULL)
		return -1;
	v = strtod(e->value, &end);
	if (end == e->value || !isfinite(v))
		return -1;
	v = v * 1000.0 - (double)offset;
	return v < 0 ? 0 : (int64_t)llround(v);
}

/* Read what the filters attached to a frame. */
static void
read_frame(struct state *s, const AVFrame *f, int audio)
{
	AVDictionaryEntry *e;
	int64_t t;

	if (!audio) {
		if ((t = meta_ms(f, "lavfi.black_start", s->offset_ms)) >= 0)
			s->black_open = t;
		if ((t = meta_ms(f, "lavfi.black_end", s->offset_ms)) >= 0 && s->black_open >= 0) {
			add_span(&s->out->black, &s->out->nblack, s->black_open, t);
			s->black_open = -1;
		}
		return;
	}
	if ((e = av_dict_get(f->metadata, "lavfi.r128.I", NULL, 0)) != NULL)
		s->out->loudness_lufs = strtod(e->value, NULL);
	if ((t = meta_ms(f, "lavfi.silence_start", s->offset_ms)) >= 0)
		s->silence_open = t;
	if ((t = meta_ms(f, "lavfi.silence_end", s->offset_ms)) >= 0 && s->silence_open >= 0) {
		add_span(&s->out->silence, &s->out->nsilence, s->silence_open, t);
		s->silence_open = -1;
	}
}

/* Pull everything the graph has. */
static int
drain(struct state *s, struct chain *c, AVFrame *f, int audio)
{
	int rc;

	for (;;) {
		rc = av_buffersink_get_frame(c->sink, f);
		if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
			return 0;
		if (rc < 0)
			return rc;
		read_frame(s, f, audio);
		av_frame_unref(f);
	}
}

/* Push what the conversion graph has into the analysis graph. */
static int
conv_out(struct state *s, struct chain *c, AVFrame *f, int audio)
{
	int rc;

	for (;;) {
		rc = av_buffersink_get_frame(c->csink, f);
		if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
			return 0;
		if (rc < 0)
			return rc;
		rc = av_buffersrc_add_frame_flags(c->src, f, 0);
		av_frame_unref(f);
		if (rc < 0 || (rc = drain(s, c, f, audio)) < 0)
			return rc;
	}
}

/* End the conversion graph, passing on what it holds. */
static int
conv_end(struct state *s, struct chain *c, AVFrame *f, int audio)
{
	int rc = 0;

	if (c->conv != NULL && av_buffersrc_add_frame_flags(c->csrc, NULL, 0) >= 0)
		rc = conv_out(s, c, f, audio);
	avfilter_graph_free(&c->conv);
	return rc;
}

/* A conversion graph for frames like f (after ending the old one). */
static int
conv_build(struct state *s, struct chain *c, const AVFrame *f, int audio, AVFrame *tmp)
{
	AVFilterInOut *outs = NULL, *ins = NULL;
	AVChannelLayout cl = { 0 };
	char args[256], desc[256], layout[128];
	int rc;

	if ((rc = conv_end(s, c, tmp, audio)) < 0)
		return rc;
	if (audio) {
		if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || f->ch_layout.nb_channels == 0)
			av_channel_layout_default(&cl, f->ch_layout.nb_channels > 0 ?
			    f->ch_layout.nb_channels : 2);
		else
			av_channel_layout_copy(&cl, &f->ch_layout);
		av_channel_layout_describe(&cl, layout, sizeof layout);
		av_channel_layout_uninit(&cl);
		snprintf(args, sizeof args, "time_base=%d/%d:sample_rate=%d:sample_fmt=%s:"
		    "channel_layout=%s", c->tb.num, c->tb.den, f->sample_rate,
		    av_get_sample_fmt_name(f->format), layout);
		snprintf(desc, sizeof desc, "aresample=%d,aformat=sample_fmts=fltp:sample_rates=%d:"
		    "channel_layouts=stereo", ANALYSIS_RATE, ANALYSIS_RATE);
	} else {
		snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:"
		    "pixel_aspect=1/1", f->width, f->height, f->format, c->tb.num, c->tb.den);
		/* Small and grey is enough to tell black from picture, and much faster. */
		snprintf(desc, sizeof desc, "scale=%d:%d:flags=fast_bilinear,format=gray,setsar=1",
		    ANALYSIS_W, ANALYSIS_H);
	}
	c->w = f->width;
	c->h = f->height;
	c->fmt = f->format;
	c->rate = f->sample_rate;
	av_channel_layout_uninit(&c->layout);
	av_channel_layout_copy(&c->layout, &f->ch_layout);
	c->conv = avfilter_graph_alloc();
	outs = avfilter_inout_alloc();
	ins = avfilter_inout_alloc();
	if (c->conv == NULL || outs == NULL || ins == NULL) {
		rc = AVERROR(ENOMEM);
		goto out;
	}
	c->conv->nb_threads = 1;
	rc = avfilter_graph_create_filter(&c->csrc, avfilter_get_by_name(audio ? "abuffer" :
	    "buffer"), "in", args, NULL, c->conv);
	if (rc >= 0)
		rc = avfilter_graph_create_filter(&c->csink, avfilter_get_by_name(audio ?
		    "abuffersink" : "buffersink"), "out", NULL, NULL, c->conv);
	if (rc < 0)
		goto out;
	outs->name = av_strdup("in");
	outs->filter_ctx = c->csrc;
	ins->name = av_strdup("out");
	ins->filter_ctx = c->csink;
	if ((rc = avfilter_graph_parse_ptr(c->conv, desc, &ins, &outs, NULL)) >= 0)
		rc = avfilter_graph_config(c->conv, NULL);
out:
	avfilter_inout_free(&ins);
	avfilter_inout_free(&outs);
	if (rc < 0)
		avfilter_graph_free(&c->conv);
	return rc;
}

/* Does f need another conversion graph? */
static int
conv_changed(const struct chain *c, const AVFrame *f, int audio)
{
	if (c->conv == NULL || f->format != c->fmt)
		return 1;
	if (audio)
		return f->sample_rate != c->rate || av_channel_layout_compare(&f->ch_layout,
		    &c->layout) != 0;
	return f->width != c->w || f->height != c->h;
}

/* Send a packet (NULL: flush) through decoder and graph. */
static int
feed(struct state *s, struct chain *c, AVPacket *pkt, AVFrame *f, AVFrame *tmp, int audio,
    int64_t *last_ms)
{
	int rc;
	int64_t ts;

	rc = avcodec_send_packet(c->dec, pkt);
	if (rc < 0 && rc != AVERROR_EOF && rc != AVERROR(EAGAIN))
		return 0;       /* a bad packet: decoders skip them too */
	for (;;) {
		rc = avcodec_receive_frame(c->dec, f);
		if (rc == AVERROR(EAGAIN))
			return 0;
		if (rc == AVERROR_EOF)
			break;
		if (rc < 0)
			return 0;
		ts = f->best_effort_timestamp;
		f->pts = ts;
		if (ts != AV_NOPTS_VALUE) {
			ts = av_rescale_q(ts, c->tb, (AVRational){ 1, 1000 }) - s->offset_ms;
			if (ts > *last_ms)
				*last_ms = ts;
		}
		if (conv_changed(c, f, audio) && (rc = conv_build(s, c, f, audio, tmp)) < 0)
			return rc;
		rc = av_buffersrc_add_frame_flags(c->csrc, f, 0);
		av_frame_unref(f);
		if (rc < 0 || (rc = conv_out(s, c, f, audio)) < 0)
			return rc;
	}
	/* Decoder flushed: flush the graphs too. */
	if ((rc = conv_end(s, c, f, audio)) < 0)
		return rc;
	if ((rc = av_buffersrc_add_frame_flags(c->src, NULL, 0)) < 0)
		return rc;
	return drain(s, c, f, audio);
}

/* Free a chain. */
static void
chain_free(struct chain *c)
{
	avcodec_free_context(&c->dec);
	avfilter_graph_free(&c->graph);
	avfilter_graph_free(&c->conv);
	av_channel_layout_uninit(&c->layout);
}

/*
 * Where the file's last packet (of its picture or sound) ends, in ms from
 * its start: read without decoding from a little before from_ms, what was
 * decoded. 0 when it cannot tell.
 */
static int64_t
file_end(AVFormatContext *ic, int64_t from_ms, int64_t offset_ms)
{
	AVPacket *pkt = av_packet_alloc();
	AVStream *st;
	int64_t ts, end = 0, e;
	unsigned i;
	int v = best_stream(ic, AVMEDIA_TYPE_VIDEO), a = best_stream(ic, AVMEDIA_TYPE_AUDIO);

	for (i = 0; i < ic->nb_streams; i++)
		ic->streams[i]->discard = (int)i == v || (int)i == a ? AVDISCARD_DEFAULT :
		    AVDISCARD_ALL;
	ts = (from_ms + offset_ms - 2000) * 1000;
	if (pkt == NULL || avformat_seek_file(ic, -1, INT64_MIN, ts, ts, 0) < 0) {
		av_packet_free(&pkt);
		return 0;
	}
	while (av_read_frame(ic, pkt) >= 0) {
		st = ic->streams[pkt->stream_index];
		ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
		if (ts != AV_NOPTS_VALUE) {
			e = av_rescale_q(ts + (pkt->duration > 0 ? pkt->duration : 0), st->time_base,
			    (AVRational){ 1, 1000 }) - offset_ms;
			if (e > end)
				end = e;
		}
		av_packet_unref(pkt);
	}
	av_packet_free(&pkt);
	return end;
}

/* Analyse. */
int
media_analyse(const char *path, const struct media_analyse_opts *o, struct media_analysis *out,
    char **cause)
{
	AVFormatContext *ic = NULL;
	struct chain vc = { .index = -1 }, ac = { .index = -1 };
	struct state s;
	AVPacket *pkt = NULL;
	AVFrame *f = NULL, *tmp = NULL;
	char args[512], desc[512], err[128], *why = NULL;
	int64_t total_ms, last_ms = 0, next_report = 0;
	unsigned i;
	int rc, v, a, ret = -1;

	memset(out, 0, sizeof *out);
	out->loudness_lufs = NAN;
	memset(&s, 0, sizeof s);
	s.out = out;
	s.black_open = s.silence_open = -1;
	if (open_input(path, o->cancel, &ic, cause) != 0)
		return -1;
	total_ms = ic->duration > 0 ? ic->duration / 1000 : 0;
	if (ic->start_time != AV_NOPTS_VALUE && ic->start_time > 0)
		s.offset_ms = ic->start_time / 1000;
	v = (o->what & MEDIA_BLACK) ? best_stream(ic, AVMEDIA_TYPE_VIDEO) : -1;
	a = (o->what & (MEDIA_LOUDNESS | MEDIA_SILENCE)) ? best_stream(ic, AVMEDIA_TYPE_AUDIO) : -1;
	for (i = 0; i < ic->nb_streams; i++)
		ic->streams[i]->discard = ((int)i == v || (int)i == a) ? AVDISCARD_DEFAULT :
		    AVDISCARD_ALL;

	/* The analysis graphs take one format; the conversion graphs bring every frame to it. */
	if (v >= 0) {
		if (open_decoder(ic, v, 0, &vc, &why) != 0)
			goto fail;
		snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:"
		    "pixel_aspect=1/1", ANALYSIS_W, ANALYSIS_H, AV_PIX_FMT_GRAY8, vc.tb.num,
		    vc.tb.den);
		snprintf(desc, sizeof desc, "blackdetect=d=0:pix_th=%.3f:pic_th=%.3f",
		    o->black_pix_th > 0 ? o->black_pix_th : 0.10, o->black_pic_th > 0 ?
		    o->black_pic_th : 0.98);
		if (build_graph(&vc, 0, args, desc, &why) != 0)
			goto fail;
	}
	if (a >= 0) {
		if (open_decoder(ic, a, 1, &ac, &why) != 0)
			goto fail;
		/* Stereo, as it airs: a 5.1 file is measured as its downmix sounds. */
		snprintf(args, sizeof args, "time_base=1/%d:sample_rate=%d:sample_fmt=fltp:"
		    "channel_layout=stereo", ANALYSIS_RATE, ANALYSIS_RATE);
		desc[0] = '\0';
		if (o->what & MEDIA_LOUDNESS)
			snprintf(desc, sizeof desc, "ebur128=metadata=1");
		if (o->what & MEDIA_SILENCE)
			snprintf(desc + strlen(desc), sizeof desc - strlen(desc),
			    "%ssilencedetect=n=%.1fdB:d=%.3f", desc[0] != '\0' ? "," : "",
			    o->silence_db < 0 ? o->silence_db : -50.0, o->silence_min_s > 0 ?
			    o->silence_min_s : 0.1);
		if (build_graph(&ac, 1, args, desc, &why) != 0)
			goto fail;
	}
	if (v < 0 && a < 0) {
		why = xstrdup((o->what & MEDIA_BLACK) ? "no video stream" : "no audio stream");
		goto fail;
	}

	pkt = av_packet_alloc();
	f = av_frame_alloc();
	tmp = av_frame_alloc();
	if (pkt == NULL || f == NULL || tmp == NULL) {
		why = xstrdup("out of memory");
		goto fail;
	}
	while ((rc = av_read_frame(ic, pkt)) >= 0) {
		if (pkt->stream_index == v)
			rc = feed(&s, &vc, pkt, f, tmp, 0, &last_ms);
		else if (pkt->stream_index == a)
			rc = feed(&s, &ac, pkt, f, tmp, 1, &last_ms);
		else
			rc = 0;
		av_packet_unref(pkt);
		if (rc < 0) {
			xasprintf(&why, "filtering: %s", averr(rc, err, sizeof err));
			goto fail;
		}
		if (o->progress != NULL && last_ms >= next_report) {
			o->progress(o->arg, last_ms, total_ms);
			next_report = last_ms + 1000;
		}
		if (interrupted(o->cancel)) {
			why = xstrdup("cancelled");
			goto fail;
		}
	}
	if (rc != AVERROR_EOF && interrupted(o->cancel)) {
		why = xstrdup("cancelled");
		goto fail;
	}
	/* A read error before the end: what was read still counts; the caller sees end_ms. */
	if (v >= 0 && feed(&s, &vc, NULL, f, tmp, 0, &last_ms) < 0)
		why = xstrdup("flushing the video");
	if (a >= 0 && feed(&s, &ac, NULL, f, tmp, 1, &last_ms) < 0)
		why = xstrdup("flushing the audio");
	if (why != NULL)
		goto fail;
	out->end_ms = last_ms;
	out->file_end_ms = file_end(ic, last_ms, s.offset_ms);
	if (s.black_open >= 0)
		add_span(&out->black, &out->nblack, s.black_open, last_ms);
	if (s.silence_open >= 0)
		add_span(&out->silence, &out->nsilence, s.silence_open, last_ms);
	if (o->progress != NULL)
		o->progress(o->arg, last_ms, total_ms);
	ret = 0;
fail:
	if (ret != 0) {
		set_cause(cause, "%s: %s", path, why != NULL ? why : "failed");
		media_analysis_clear(out);
	}
	free(why);
	av_packet_free(&pkt);
	av_frame_free(&f);
	av_frame_free(&tmp);
	chain_free(&vc);
	chain_free(&ac);
	avformat_close_input(&ic);
	return ret;
}

/* Free spans. */
void
media_analysis_clear(struct media_analysis *a)
{
	free(a->black);
	free(a->silence);
	a->black = a->silence = NULL;
	a->nblack = a->nsilence = 0;
}
