/*
 * mediagen.c: synthetic media rendered in-process.
 *
 * Two filter graphs feed two encoders: the picture graph is the caller's
 * source chain, normalised (format, scale, setsar), rendered once and
 * repeated when it is a still, and followed by one drawtext per line of
 * text; the sound graph is the caller's chain converted to float planar
 * with a gain. Frames are pulled from the sinks in presentation order,
 * exactly as many as the duration asks; gaps are blanked and the clock
 * drawn here, frame- and sample-exact (timeline filters switch per audio
 * frame, not per sample, and drawtext would lay the clock out afresh on
 * every frame).
 * Everything a rendering owns lives in its struct render, so several run
 * side by side on the job pool.
 */
#include "engine/mediagen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/hash.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include "src/log.h"
#include "src/media.h"
#include "src/util.h"

/* Bump when the same spec would render different bytes. */
#define MEDIAGEN_VERSION 2
#define COMMENT_PREFIX "retrovue mediagen "

/* Fonts tried before asking fontconfig, on Debian and its neighbours. */
static const char *const sans_fonts[] = {
	"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
	"/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
	"/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
	"/usr/local/share/fonts/DejaVuSans-Bold.ttf",
};
static const char *const mono_fonts[] = {
	"/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
	"/usr/share/fonts/dejavu/DejaVuSansMono-Bold.ttf",
	"/usr/share/fonts/TTF/DejaVuSansMono-Bold.ttf",
	"/usr/local/share/fonts/DejaVuSansMono-Bold.ttf",
};

/* One rendering in progress. */
struct render {
	const struct mediagen_spec *spec;
	const char *path;               /* for messages */
	AVRational fps;
	int sample_rate;
	int channels;
	int64_t nframes;                /* video frames to write */
	int64_t nsamples;               /* audio samples to write */
	int64_t afeed;                  /* samples to feed the encoder (see open_output) */
	int64_t vnext, anext;           /* next frame / sample index */
	int nclocks;                    /* clocks drawn on each frame */
	int fps_int;                    /* frames per second the clock counts */

	AVFilterGraph *vgraph, *agraph;
	AVFilterContext *vsink, *asink;
	AVCodecContext *venc, *aenc;
	AVFormatContext *oc;
	AVStream *vst, *ast;
	AVFrame *frame;
	AVPacket *pkt;
};

/* Error text for an AVERROR. */
static const char *
averr(int err, char *buf, size_t len)
{
	av_strerror(err, buf, len);
	return buf;
}

/* The first file of list that exists, or NULL. */
static const char *
find_font(const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (access(list[i], R_OK) == 0)
			return list[i];
	}
	return NULL;
}

/* The frame rate, defaulting to 25. */
static AVRational
spec_fps(const struct mediagen_spec *spec)
{
	if (spec->fps_num <= 0 || spec->fps_den <= 0)
		return (AVRational){ 25, 1 };
	return (AVRational){ spec->fps_num, spec->fps_den };
}

/* The audio encoder's name. */
static const char *
audio_encoder(const struct mediagen_spec *spec)
{
	return spec->audio_codec != NULL ? spec->audio_codec : "ac3";
}

/* Whole frames in ms of media at fps, rounded to nearest. */
static int64_t
frames_in(int64_t ms, AVRational fps)
{
	return av_rescale_rnd(ms, fps.num, (int64_t)fps.den * 1000, AV_ROUND_NEAR_INF);
}

/* Fingerprint: SHA-256 over every field that changes the output. */
void
mediagen_fingerprint(const struct mediagen_spec *s, char out[65])
{
	struct AVHashContext *h = NULL;
	const struct mediagen_text *t;
	char *buf;
	int i;

	if (av_hash_alloc(&h, "SHA256") < 0) {
		snprintf(out, 65, "%064d", 0);
		return;
	}
	av_hash_init(h);
#define HASH_STR(str) do {                                                  \
	const char *hs_ = (str) != NULL ? (str) : "(null)";                 \
	av_hash_update(h, (const uint8_t *)hs_, strlen(hs_) + 1);           \
} while (0)
	/* Integers only: the text must not depend on the locale. */
	xasprintf(&buf, "v%d %dx%d %d/%d %lld %lld %d %d %d %d %d %d %d %d", MEDIAGEN_VERSION,
	    s->width, s->height, s->fps_num, s->fps_den, (long long)s->duration_ms,
	    (long long)llround(s->gain_db * 1000), s->sample_rate, s->channels, s->keyint, s->qp, s->audio_kbps,
	    s->ntexts, s->ngaps, s->still);
	HASH_STR(buf);
	free(buf);
	HASH_STR(s->video);
	HASH_STR(s->audio);
	HASH_STR(s->preset);
	HASH_STR(s->audio_codec);
	HASH_STR(s->title);
	HASH_STR(s->font);
	HASH_STR(s->mono_font);
	for (i = 0; i < s->ntexts; i++) {
		t = &s->texts[i];
		xasprintf(&buf, "t %d %d %d %d %d %d %lld %lld", t->clock, (int)t->anchor, t->dy,
		    t->size, t->box, t->mono, (long long)t->from_ms, (long long)t->to_ms);
		HASH_STR(buf);
		free(buf);
		HASH_STR(t->text);
		HASH_STR(t->color);
	}
	for (i = 0; i < s->ngaps; i++) {
		xasprintf(&buf, "g %lld %lld", (long long)s->gaps[i].start_ms,
		    (long long)s->gaps[i].duration_ms);
		HASH_STR(buf);
		free(buf);
	}
	for (i = 0; i < s->nkeyframes; i++) {
		xasprintf(&buf, "k %lld", (long long)s->keyframes_ms[i]);
		HASH_STR(buf);
		free(buf);
	}
#undef HASH_STR
	av_hash_final_hex(h, (uint8_t *)out, 65);
	av_hash_freep(&h);
}

/* Create, configure and initialise one filter with an argument string. */
static AVFilterContext *
add_filter(AVFilterGraph *graph, const char *name, const char *args, char **cause)
{
	const AVFilter *f;
	AVFilterContext *ctx = NULL;
	char eb[128];
	int ret;

	if ((f = avfilter_get_by_name(name)) == NULL) {
		set_cause(cause, "this FFmpeg has no '%s' filter", name);
		return NULL;
	}
	ret = avfilter_graph_create_filter(&ctx, f, NULL, args, NULL, graph);
	if (ret < 0) {
		set_cause(cause, "filter %s=%s: %s", name, args != NULL ? args : "",
		    averr(ret, eb, sizeof eb));
		return NULL;
	}
	return ctx;
}

/* Link *last to next and make next the end of the chain. */
static int
chain(AVFilterContext **last, int *pad, AVFilterContext *next, char **cause)
{
	int ret;

	if (next == NULL)
		return -1;
	if ((ret = avfilter_link(*last, (unsigned)*pad, next, 0)) < 0) {
		set_cause(cause, "cannot link %s to %s", (*last)->name, next->name);
		return ret;
	}
	*last = next;
	*pad = 0;
	return 0;
}

/* Parse a source chain; it must have no inputs and one open output. */
static int
parse_source(AVFilterGraph *graph, const char *desc, AVFilterContext **last, int *pad,
    char **cause)
{
	AVFilterInOut *ins = NULL, *outs = NULL;
	char eb[128];
	int ret;

	if ((ret = avfilter_graph_parse2(graph, desc, &ins, &outs)) < 0) {
		set_cause(cause, "cannot parse '%s': %s", desc, averr(ret, eb, sizeof eb));
		goto out;
	}
	if (ins != NULL || outs == NULL || outs->next != NULL) {
		set_cause(cause, "'%s' must be a source chain with one open output", desc);
		ret = AVERROR(EINVAL);
		goto out;
	}
	*last = outs->filter_ctx;
	*pad = outs->pad_idx;
out:
	avfilter_inout_free(&ins);
	avfilter_inout_free(&outs);
	return ret;
}

/* The drawtext x and y expressions for a line of text. */
static void
text_position(const struct mediagen_text *t, int height, char *x, size_t xlen, char *y,
    size_t ylen)
{
	int margin = height / 24, lineh = t->size * 6 / 5;

	switch (t->anchor) {
	case MEDIAGEN_TOP_LEFT:
	case MEDIAGEN_BOTTOM_LEFT:
		snprintf(x, xlen, "%d", margin);
		break;
	case MEDIAGEN_TOP_RIGHT:
	case MEDIAGEN_BOTTOM_RIGHT:
		snprintf(x, xlen, "w-text_w-%d", margin);
		break;
	default:
		snprintf(x, xlen, "(w-text_w)/2");
		break;
	}
	switch (t->anchor) {
	case MEDIAGEN_TOP:
	case MEDIAGEN_TOP_LEFT:
	case MEDIAGEN_TOP_RIGHT:
		snprintf(y, ylen, "%d", margin + t->dy);
		break;
	case MEDIAGEN_BOTTOM:
	case MEDIAGEN_BOTTOM_LEFT:
	case MEDIAGEN_BOTTOM_RIGHT:
		snprintf(y, ylen, "h-%d", margin + lineh - t->dy);
		break;
	default:
		snprintf(y, ylen, "(h-%d)/2+%d", lineh, t->dy);
		break;
	}
}

/* One drawtext filter for t, ready to link. */
static AVFilterContext *
add_text(AVFilterGraph *graph, const struct mediagen_spec *spec, const struct mediagen_text *t,
    AVRational fps, char **cause)
{
	const AVFilter *f;
	AVFilterContext *ctx;
	const char *font;
	char x[64], y[64], num[32], enable[96], eb[128];
	int ret;

	if ((f = avfilter_get_by_name("drawtext")) == NULL) {
		set_cause(cause, "this FFmpeg has no drawtext filter (built without libfreetype)");
		return NULL;
	}
	if ((ctx = avfilter_graph_alloc_filter(graph, f, NULL)) == NULL) {
		set_cause(cause, "out of memory");
		return NULL;
	}
	if (t->mono)
		font = spec->mono_font != NULL ? spec->mono_font : find_font(mono_fonts, nitems(mono_fonts));
	else
		font = spec->font != NULL ? spec->font : find_font(sans_fonts, nitems(sans_fonts));
	if (font != NULL)
		av_opt_set(ctx, "fontfile", font, AV_OPT_SEARCH_CHILDREN);
	else
		av_opt_set(ctx, "font", t->mono ? "Monospace:style=Bold" : "Sans:style=Bold",
		    AV_OPT_SEARCH_CHILDREN);
	av_opt_set(ctx, "text", t->text != NULL ? t->text : "", AV_OPT_SEARCH_CHILDREN);
	av_opt_set(ctx, "expansion", "none", AV_OPT_SEARCH_CHILDREN);
	snprintf(num, sizeof num, "%d", t->size > 0 ? t->size : 24);
	av_opt_set(ctx, "fontsize", num, AV_OPT_SEARCH_CHILDREN);
	av_opt_set(ctx, "fontcolor", t->color != NULL ? t->color : "white", AV_OPT_SEARCH_CHILDREN);
	text_position(t, spec->height, x, sizeof x, y, sizeof y);
	av_opt_set(ctx, "x", x, AV_OPT_SEARCH_CHILDREN);
	av_opt_set(ctx, "y", y, AV_OPT_SEARCH_CHILDREN);
	if (t->box) {
		av_opt_set_int(ctx, "box", 1, AV_OPT_SEARCH_CHILDREN);
		av_opt_set(ctx, "boxcolor", "black@0.6", AV_OPT_SEARCH_CHILDREN);
		snprintf(num, sizeof num, "%d", t->size / 4 + 2);
		av_opt_set(ctx, "boxborderw", num, AV_OPT_SEARCH_CHILDREN);
	} else {
		av_opt_set_int(ctx, "borderw", t->size / 16 + 1, AV_OPT_SEARCH_CHILDREN);
		av_opt_set(ctx, "bordercolor", "black@0.8", AV_OPT_SEARCH_CHILDREN);
	}
	if (t->from_ms > 0 || t->to_ms > 0) {
		if (t->to_ms > 0)
			snprintf(enable, sizeof enable, "gte(n,%lld)*lt(n,%lld)",
			    (long long)frames_in(t->from_ms, fps), (long long)frames_in(t->to_ms, fps));
		else
			snprintf(enable, sizeof enable, "gte(n,%lld)",
			    (long long)frames_in(t->from_ms, fps));
		av_opt_set(ctx, "enable", enable, 0);
	}
	if ((ret = avfilter_init_str(ctx, NULL)) < 0) {
		set_cause(cause, "drawtext '%s': %s", t->text != NULL ? t->text : "",
		    averr(ret, eb, sizeof eb));
		return NULL;
	}
	return ctx;
}

/* 1 if a text is shown only for a while. */
static int
is_timed(const struct mediagen_text *t)
{
	return t->from_ms > 0 || t->to_ms > 0;
}

/* Build the picture graph: source, normalisers, texts, sink in pix_fmt. */
static int
build_video(AVFilterGraph **out, AVFilterContext **sinkp, const struct mediagen_spec *spec,
    AVRational fps, enum AVPixelFormat pix_fmt, char **cause)
{
	AVFilterGraph *graph;
	AVFilterContext *last = NULL, *sink;
	char args[128], eb[128];
	int pad = 0, i, ret;

	if ((graph = avfilter_graph_alloc()) == NULL) {
		set_cause(cause, "out of memory");
		return AVERROR(ENOMEM);
	}
	graph->nb_threads = 1;
	if (spec->video == NULL || *spec->video == '\0') {
		set_cause(cause, "no picture source");
		ret = AVERROR(EINVAL);
		goto fail;
	}
	if ((ret = parse_source(graph, spec->video, &last, &pad, cause)) < 0)
		goto fail;
	ret = -1;
	if (chain(&last, &pad, add_filter(graph, "format", av_get_pix_fmt_name(pix_fmt), cause),
	    cause) != 0)
		goto fail;
	snprintf(args, sizeof args, "%d:%d", spec->width, spec->height);
	if (chain(&last, &pad, add_filter(graph, "scale", args, cause), cause) != 0)
		goto fail;
	if (chain(&last, &pad, add_filter(graph, "setsar", "1", cause), cause) != 0)
		goto fail;
	if (spec->still) {
		/* Draw what never changes on the first frame, then repeat it. */
		for (i = 0; i < spec->ntexts; i++) {
			if (spec->texts[i].clock || is_timed(&spec->texts[i]))
				continue;
			if (chain(&last, &pad, add_text(graph, spec, &spec->texts[i], fps, cause),
			    cause) != 0)
				goto fail;
		}
		if (chain(&last, &pad, add_filter(graph, "trim", "end_frame=1", cause),
		    cause) != 0)
			goto fail;
		if (chain(&last, &pad, add_filter(graph, "loop", "loop=-1:size=1", cause),
		    cause) != 0)
			goto fail;
	}
	snprintf(args, sizeof args, "fps=%d/%d", fps.num, fps.den);
	if (chain(&last, &pad, add_filter(graph, "fps", args, cause), cause) != 0)
		goto fail;
	for (i = 0; i < spec->ntexts; i++) {
		if (spec->texts[i].clock || (spec->still && !is_timed(&spec->texts[i])))
			continue;
		if (chain(&last, &pad, add_text(graph, spec, &spec->texts[i], fps, cause),
		    cause) != 0)
			goto fail;
	}
	if ((sink = add_filter(graph, "buffersink", NULL, cause)) == NULL)
		goto fail;
	if ((ret = av_opt_set_bin(sink, "pix_fmts", (const uint8_t *)&pix_fmt,
	    (int)sizeof pix_fmt, AV_OPT_SEARCH_CHILDREN)) < 0) {
		set_cause(cause, "buffersink: %s", averr(ret, eb, sizeof eb));
		goto fail;
	}
	ret = -1;
	if (chain(&last, &pad, sink, cause) != 0)
		goto fail;
	if ((ret = avfilter_graph_config(graph, NULL)) < 0) {
		set_cause(cause, "picture graph '%s': %s", spec->video, averr(ret, eb, sizeof eb));
		goto fail;
	}
	*out = graph;
	*sinkp = sink;
	return 0;
fail:
	avfilter_graph_free(&graph);
	return ret < 0 ? ret : AVERROR(EINVAL);
}

/* Build the sound graph: source, float planar at the rate and layout, gain. */
static int
build_audio(struct render *r, char **cause)
{
	const struct mediagen_spec *spec = r->spec;
	AVFilterContext *last = NULL, *sink;
	char args[256], silence[128], eb[128];
	long long cdb;
	int pad = 0, ret;

	if ((r->agraph = avfilter_graph_alloc()) == NULL) {
		set_cause(cause, "out of memory");
		return AVERROR(ENOMEM);
	}
	r->agraph->nb_threads = 1;
	snprintf(silence, sizeof silence, "anullsrc=r=%d:cl=%s", r->sample_rate,
	    r->channels == 1 ? "mono" : "stereo");
	if ((ret = parse_source(r->agraph, spec->audio != NULL ? spec->audio : silence,
	    &last, &pad, cause)) < 0)
		return ret;
	snprintf(args, sizeof args, "sample_fmts=fltp:sample_rates=%d:channel_layouts=%s",
	    r->sample_rate, r->channels == 1 ? "mono" : "stereo");
	if (chain(&last, &pad, add_filter(r->agraph, "aformat", args, cause), cause) != 0)
		return AVERROR(EINVAL);
	if (spec->gain_db != 0) {
		/* Hundredths of a dB by hand: printf's %f follows LC_NUMERIC. */
		cdb = llround(spec->gain_db * 100);
		snprintf(args, sizeof args, "volume=%s%lld.%02llddB:precision=float",
		    cdb < 0 ? "-" : "", llabs(cdb) / 100, llabs(cdb) % 100);
		if (chain(&last, &pad, add_filter(r->agraph, "volume", args, cause), cause) != 0)
			return AVERROR(EINVAL);
	}
	if ((sink = add_filter(r->agraph, "abuffersink", NULL, cause)) == NULL)
		return AVERROR(EINVAL);
	if (chain(&last, &pad, sink, cause) != 0)
		return AVERROR(EINVAL);
	if ((ret = avfilter_graph_config(r->agraph, NULL)) < 0) {
		set_cause(cause, "sound graph '%s': %s", spec->audio != NULL ? spec->audio : silence,
		    averr(ret, eb, sizeof eb));
		return ret;
	}
	r->asink = sink;
	return 0;
}

/* Open the encoders and the muxer writing to part. */
static int
open_output(struct render *r, const char *part, const char *format, char **cause)
{
	const struct mediagen_spec *spec = r->spec;
	const AVCodec *vc, *ac;
	AVDictionary *opts = NULL;
	char fp[65], num[32], params[96], *comment, eb[128];
	int ret;

	if ((ret = avformat_alloc_output_context2(&r->oc, NULL, format, r->path)) < 0) {
		set_cause(cause, "%s: no muxer for this file name: %s", r->path,
		    averr(ret, eb, sizeof eb));
		return ret;
	}
	r->oc->flags |= AVFMT_FLAG_BITEXACT;
	if ((vc = avcodec_find_encoder_by_name("libx264")) == NULL) {
		set_cause(cause, "this FFmpeg has no libx264 encoder");
		return AVERROR_ENCODER_NOT_FOUND;
	}
	if ((ac = avcodec_find_encoder_by_name(audio_encoder(spec))) == NULL ||
	    ac->type != AVMEDIA_TYPE_AUDIO) {
		set_cause(cause, "this FFmpeg has no %s audio encoder", audio_encoder(spec));
		return AVERROR_ENCODER_NOT_FOUND;
	}

	if ((r->venc = avcodec_alloc_context3(vc)) == NULL)
		return AVERROR(ENOMEM);
	r->venc->width = spec->width;
	r->venc->height = spec->height;
	r->venc->pix_fmt = AV_PIX_FMT_YUV420P;
	r->venc->sample_aspect_ratio = (AVRational){ 1, 1 };
	r->venc->time_base = av_inv_q(r->fps);
	r->venc->framerate = r->fps;
	r->venc->gop_size = spec->keyint > 0 ? spec->keyint : (int)(av_q2d(r->fps) * 2 + 0.5);
	r->venc->thread_count = 1;     /* one thread: deterministic, and jobs run side by side */
	r->venc->flags |= AV_CODEC_FLAG_BITEXACT;
	if (r->oc->oformat->flags & AVFMT_GLOBALHEADER)
		r->venc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	av_dict_set(&opts, "preset", spec->preset != NULL ? spec->preset : "ultrafast", 0);
	/* Constant QP: CRF's per-frame analysis costs a quarter of the encode. */
	snprintf(num, sizeof num, "%d", spec->qp > 0 ? spec->qp : 23);
	av_dict_set(&opts, "qp", num, 0);
	av_dict_set(&opts, "forced-idr", "1", 0);
	/* keyint_min=1: forced IDR frames (chapter points) stay IDR. */
	snprintf(params, sizeof params, "scenecut=0:keyint_min=1:sliced-threads=0");
	av_dict_set(&opts, "x264-params", params, 0);
	ret = avcodec_open2(r->venc, vc, &opts);
	av_dict_free(&opts);
	if (ret < 0) {
		set_cause(cause, "%s: cannot open libx264: %s", r->path, averr(ret, eb, sizeof eb));
		return ret;
	}

	if ((r->aenc = avcodec_alloc_context3(ac)) == NULL)
		return AVERROR(ENOMEM);
	r->aenc->sample_fmt = AV_SAMPLE_FMT_FLTP;
	r->aenc->sample_rate = r->sample_rate;
	av_channel_layout_default(&r->aenc->ch_layout, r->channels);
	r->aenc->bit_rate = (int64_t)(spec->audio_kbps > 0 ? spec->audio_kbps : 192) * 1000;
	r->aenc->time_base = (AVRational){ 1, r->sample_rate };
	r->aenc->thread_count = 1;
	r->aenc->flags |= AV_CODEC_FLAG_BITEXACT;
	if (r->oc->oformat->flags & AVFMT_GLOBALHEADER)
		r->aenc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	if ((ret = avcodec_open2(r->aenc, ac, NULL)) < 0) {
		set_cause(cause, "%s: cannot open the %s encoder: %s", r->path, ac->name,
		    averr(ret, eb, sizeof eb));
		return ret;
	}
	if (r->aenc->frame_size > 0)
		av_buffersink_set_frame_size(r->asink, (unsigned)r->aenc->frame_size);
	/*
	 * An encoder with a start-up delay but nothing to flush (AC-3) holds
	 * the last initial_padding samples back until more input comes: feed
	 * it that much past the end. The container's edit list and the last
	 * packet's duration still end the sound where the picture ends.
	 */
	r->afeed = r->nsamples;
	if (!(ac->capabilities & AV_CODEC_CAP_DELAY))
		r->afeed += r->aenc->initial_padding;

	if ((r->vst = avformat_new_stream(r->oc, NULL)) == NULL ||
	    (r->ast = avformat_new_stream(r->oc, NULL)) == NULL)
		return AVERROR(ENOMEM);
	r->vst->time_base = r->venc->time_base;
	r->vst->avg_frame_rate = r->fps;
	r->ast->time_base = r->aenc->time_base;
	if ((ret = avcodec_parameters_from_context(r->vst->codecpar, r->venc)) < 0 ||
	    (ret = avcodec_parameters_from_context(r->ast->codecpar, r->aenc)) < 0)
		return ret;

	mediagen_fingerprint(spec, fp);
	xasprintf(&comment, COMMENT_PREFIX "%s", fp);
	av_dict_set(&r->oc->metadata, "comment", comment, AV_DICT_DONT_STRDUP_VAL);
	if (spec->title != NULL)
		av_dict_set(&r->oc->metadata, "title", spec->title, 0);

	if ((ret = avio_open(&r->oc->pb, part, AVIO_FLAG_WRITE)) < 0) {
		set_cause(cause, "cannot write %s: %s", part, averr(ret, eb, sizeof eb));
		return ret;
	}
	if ((ret = avformat_write_header(r->oc, NULL)) < 0) {
		set_cause(cause, "%s: cannot write the header: %s", r->path,
		    averr(ret, eb, sizeof eb));
		return ret;
	}
	return 0;
}

/* Send frame (NULL: flush) to enc and write what comes out to st. */
static int
encode(struct render *r, AVCodecContext *enc, AVStream *st, AVFrame *frame, char **cause)
{
	char eb[128];
	int ret;

	if ((ret = avcodec_send_frame(enc, frame)) < 0) {
		set_cause(cause, "%s: encoding: %s", r->path, averr(ret, eb, sizeof eb));
		return ret;
	}
	for (;;) {
		ret = avcodec_receive_packet(enc, r->pkt);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return 0;
		if (ret < 0) {
			set_cause(cause, "%s: encoding: %s", r->path, averr(ret, eb, sizeof eb));
			return ret;
		}
		/*
		 * Encoders without small last frames (AC-3) pad the last one;
		 * its duration says how much of it is real, so the container
		 * ends where the picture does.
		 */
		if (enc == r->aenc && r->pkt->pts != AV_NOPTS_VALUE &&
		    r->pkt->pts + r->pkt->duration > r->nsamples && r->pkt->pts < r->nsamples)
			r->pkt->duration = r->nsamples - r->pkt->pts;
		av_packet_rescale_ts(r->pkt, enc->time_base, st->time_base);
		r->pkt->stream_index = st->index;
		if ((ret = av_interleaved_write_frame(r->oc, r->pkt)) < 0) {
			set_cause(cause, "%s: writing: %s", r->path, averr(ret, eb, sizeof eb));
			return ret;
		}
	}
}

/* Paint a yuv420p frame black (limited range). */
static void
blank_picture(AVFrame *f)
{
	int y, h;

	for (y = 0; y < f->height; y++)
		memset(f->data[0] + (ptrdiff_t)y * f->linesize[0], 16, (size_t)f->width);
	h = (f->height + 1) / 2;
	for (y = 0; y < h; y++) {
		memset(f->data[1] + (ptrdiff_t)y * f->linesize[1], 128, (size_t)(f->width + 1) / 2);
		memset(f->data[2] + (ptrdiff_t)y * f->linesize[2], 128, (size_t)(f->width + 1) / 2);
	}
}

/*
 * The clock: seven-segment digits drawn straight into the picture, white
 * on a black box. Cheaper than drawtext (no text layout per frame) and
 * readable by a program: mediagen_read_clock() samples the middle of
 * each segment. Geometry for a clock of size S (the digit height):
 * digits S/2 wide, strokes S/8 thick, S/5 apart, a box S/4 larger all
 * round; "hh:mm:ss.ff", 8 digits, 2 colons, 1 point.
 */
struct clock_geom {
	int x, y;                       /* top left of the first character */
	int s, w, th, gap, pad;         /* digit height, width, stroke, spacing, box padding */
	int boxw, boxh;
};

/* Segments a..g of each digit, bit 0 = a. */
static const uint8_t seg_digits[10] = {
	0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f,
};

/* Character n of "hh:mm:ss.ff": 'd' digit, ':' colon, '.' point. */
static const char clock_layout[] = "dd:dd:dd.dd";

/* Where the clock sits in a picture of the spec's size. */
static void
clock_geometry(const struct mediagen_text *t, int width, int height, struct clock_geom *g)
{
	int margin = height / 24, i, w = 0;

	g->s = (t->size > 8 ? t->size : 24) & ~1;
	g->w = g->s / 2;
	g->th = g->s / 8 > 2 ? g->s / 8 : 2;
	g->gap = g->s / 5 > 2 ? g->s / 5 : 2;
	g->pad = g->s / 4;
	for (i = 0; clock_layout[i] != '\0'; i++)
		w += (clock_layout[i] == 'd' ? g->w : g->th) + (clock_layout[i + 1] ? g->gap : 0);
	g->boxw = w + 2 * g->pad;
	g->boxh = g->s + 2 * g->pad;
	switch (t->anchor) {
	case MEDIAGEN_TOP_LEFT:
	case MEDIAGEN_BOTTOM_LEFT:
		g->x = margin;
		break;
	case MEDIAGEN_TOP_RIGHT:
	case MEDIAGEN_BOTTOM_RIGHT:
		g->x = width - margin - g->boxw;
		break;
	default:
		g->x = (width - g->boxw) / 2;
		break;
	}
	switch (t->anchor) {
	case MEDIAGEN_TOP:
	case MEDIAGEN_TOP_LEFT:
	case MEDIAGEN_TOP_RIGHT:
		g->y = margin + t->dy;
		break;
	case MEDIAGEN_BOTTOM:
	case MEDIAGEN_BOTTOM_LEFT:
	case MEDIAGEN_BOTTOM_RIGHT:
		g->y = height - margin - g->boxh + t->dy;
		break;
	default:
		g->y = (height - g->boxh) / 2 + t->dy;
		break;
	}
	g->x = FFMAX(0, FFMIN(g->x, width - g->boxw)) & ~1;
	g->y = FFMAX(0, FFMIN(g->y, height - g->boxh)) & ~1;
}

/* Segment k (0..6 = a..g) of a digit at (x, y): its rectangle. */
static void
segment_rect(const struct clock_geom *g, int x, int y, int k, int r[4])
{
	int half = g->s / 2;

	switch (k) {
	case 0: r[0] = x + g->th; r[1] = y; r[2] = g->w - 2 * g->th; r[3] = g->th; break;
	case 1: r[0] = x + g->w - g->th; r[1] = y + g->th; r[2] = g->th; r[3] = half - g->th; break;
	case 2: r[0] = x + g->w - g->th; r[1] = y + half; r[2] = g->th; r[3] = half - g->th; break;
	case 3: r[0] = x + g->th; r[1] = y + g->s - g->th; r[2] = g->w - 2 * g->th; r[3] = g->th; break;
	case 4: r[0] = x; r[1] = y + half; r[2] = g->th; r[3] = half - g->th; break;
	case 5: r[0] = x; r[1] = y + g->th; r[2] = g->th; r[3] = half - g->th; break;
	default: r[0] = x + g->th; r[1] = y + half - g->th / 2; r[2] = g->w - 2 * g->th;
		r[3] = g->th; break;
	}
}

/* The digits of frame n as hh mm ss ff, 8 of them. */
static void
clock_digits(int64_t n, int fps, int d[8])
{
	int64_t v[4];
	int i;

	v[0] = n / ((int64_t)fps * 3600) % 100;
	v[1] = n / ((int64_t)fps * 60) % 60;
	v[2] = n / fps % 60;
	v[3] = n % fps;
	for (i = 0; i < 4; i++) {
		d[2 * i] = (int)(v[i] / 10 % 10);
		d[2 * i + 1] = (int)(v[i] % 10);
	}
}

/* Fill a rectangle of a yuv420p frame with one colour. */
static void
fill_rect(AVFrame *f, int x, int y, int w, int h, int yv, int uv)
{
	int j, cx, cy, cw, ch;

	for (j = y; j < y + h; j++)
		memset(f->data[0] + (ptrdiff_t)j * f->linesize[0] + x, yv, (size_t)w);
	cx = x / 2;
	cy = y / 2;
	cw = (x + w + 1) / 2 - cx;
	ch = (y + h + 1) / 2 - cy;
	for (j = cy; j < cy + ch; j++) {
		memset(f->data[1] + (ptrdiff_t)j * f->linesize[1] + cx, uv, (size_t)cw);
		memset(f->data[2] + (ptrdiff_t)j * f->linesize[2] + cx, uv, (size_t)cw);
	}
}

/* Draw the clock for frame n. */
static void
draw_clock(AVFrame *f, const struct mediagen_text *t, int64_t n, int fps)
{
	struct clock_geom g;
	int d[8], i, k, x, nd = 0, r[4];

	clock_geometry(t, f->width, f->height, &g);
	clock_digits(n, fps, d);
	fill_rect(f, g.x, g.y, g.boxw, g.boxh, 16, 128);
	x = g.x + g.pad;
	for (i = 0; clock_layout[i] != '\0'; i++) {
		if (clock_layout[i] == 'd') {
			for (k = 0; k < 7; k++) {
				if (seg_digits[d[nd]] & (1 << k)) {
					segment_rect(&g, x, g.y + g.pad, k, r);
					fill_rect(f, r[0], r[1], r[2], r[3], 235, 128);
				}
			}
			nd++;
			x += g.w + g.gap;
		} else {
			if (clock_layout[i] == ':')
				fill_rect(f, x, g.y + g.pad + g.s / 3 - g.th / 2, g.th, g.th, 235, 128);
			fill_rect(f, x, g.y + g.pad + (clock_layout[i] == ':' ? 2 * g.s / 3 - g.th / 2 :
			    g.s - g.th), g.th, g.th, 235, 128);
			x += g.th + g.gap;
		}
	}
}

/* Read the clock back from a picture (see mediagen.h). */
int
mediagen_read_clock(const uint8_t *luma, int linesize, int frame_width, int frame_height,
    const struct mediagen_spec *spec, const struct mediagen_text *t, int64_t *frame)
{
	struct clock_geom g;
	AVRational fps = spec_fps(spec);
	int f = (int)(av_q2d(fps) + 0.5), i, k, x, nd = 0, bits, v, d[8], r[4], px, py;
	int dx, dy, sum, cnt;

	if (spec->width <= 0 || spec->height <= 0 || f < 1)
		return -1;
	clock_geometry(t, spec->width, spec->height, &g);
	x = g.x + g.pad;
	for (i = 0; clock_layout[i] != '\0'; i++) {
		if (clock_layout[i] != 'd') {
			x += g.th + g.gap;
			continue;
		}
		bits = 0;
		for (k = 0; k < 7; k++) {
			segment_rect(&g, x, g.y + g.pad, k, r);
			/* The middle of the segment, in the frame's own size. */
			px = (int)(((int64_t)(2 * r[0] + r[2]) * frame_width) / (2 * spec->width));
			py = (int)(((int64_t)(2 * r[1] + r[3]) * frame_height) / (2 * spec->height));
			sum = cnt = 0;
			for (dy = -1; dy <= 1; dy++)
				for (dx = -1; dx <= 1; dx++) {
					if (px + dx < 0 || py + dy < 0 || px + dx >= frame_width ||
					    py + dy >= frame_height)
						continue;
					sum += luma[(ptrdiff_t)(py + dy) * linesize + px + dx];
					cnt++;
				}
			if (cnt > 0 && sum / cnt > 126)
				bits |= 1 << k;
		}
		for (v = 0; v < 10 && seg_digits[v] != bits; v++)
			;
		if (v == 10)
			return -1;
		d[nd++] = v;
		x += g.w + g.gap;
	}
	*frame = ((((int64_t)(d[0] * 10 + d[1]) * 60 + d[2] * 10 + d[3]) * 60 + d[4] * 10 + d[5]) *
	    f) + d[6] * 10 + d[7];
	if (d[6] * 10 + d[7] >= f)
		return -1;
	return 0;
}

/* 1 if time ms falls in a gap. */
static int
in_gap(const struct mediagen_spec *spec, int64_t ms)
{
	int i;

	for (i = 0; i < spec->ngaps; i++) {
		if (ms >= spec->gaps[i].start_ms &&
		    ms < spec->gaps[i].start_ms + spec->gaps[i].duration_ms)
			return 1;
	}
	return 0;
}

/* 1 if frame index n must be a keyframe. */
static int
forced_key(struct render *r, int64_t n)
{
	int i;

	for (i = 0; i < r->spec->nkeyframes; i++) {
		if (frames_in(r->spec->keyframes_ms[i], r->fps) == n)
			return 1;
	}
	return 0;
}

/* Pull, blank if in a gap, and encode the next picture. */
static int
next_video(struct render *r, char **cause)
{
	int64_t ms;
	char eb[128];
	int ret, i;

	if ((ret = av_buffersink_get_frame(r->vsink, r->frame)) < 0) {
		set_cause(cause, "%s: the picture source ended at frame %lld: %s", r->path,
		    (long long)r->vnext, averr(ret, eb, sizeof eb));
		return ret;
	}
	/* The start of the frame decides, as for a cut. */
	ms = av_rescale(r->vnext, (int64_t)r->fps.den * 1000, r->fps.num);
	if (in_gap(r->spec, ms)) {
		if ((ret = av_frame_make_writable(r->frame)) < 0)
			goto out;
		blank_picture(r->frame);
	} else if (r->nclocks > 0) {
		if ((ret = av_frame_make_writable(r->frame)) < 0)
			goto out;
		for (i = 0; i < r->spec->ntexts; i++) {
			if (r->spec->texts[i].clock)
				draw_clock(r->frame, &r->spec->texts[i], r->vnext, r->fps_int);
		}
	}
	r->frame->pts = r->vnext;
	r->frame->pict_type = forced_key(r, r->vnext) ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
	r->frame->sample_aspect_ratio = (AVRational){ 1, 1 };
	ret = encode(r, r->venc, r->vst, r->frame, cause);
	r->vnext++;
out:
	av_frame_unref(r->frame);
	return ret;
}

/* Pull, cut to length, silence gaps, and encode the next sound frame. */
static int
next_audio(struct render *r, char **cause)
{
	const struct mediagen_spec *spec = r->spec;
	int64_t gs, ge, from, to;
	char eb[128];
	int ret, i, c;

	if ((ret = av_buffersink_get_frame(r->asink, r->frame)) < 0) {
		set_cause(cause, "%s: the sound source ended at sample %lld: %s", r->path,
		    (long long)r->anext, averr(ret, eb, sizeof eb));
		return ret;
	}
	if (r->anext + r->frame->nb_samples > r->afeed &&
	    (r->aenc->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME))
		r->frame->nb_samples = (int)(r->afeed - r->anext);
	for (i = 0; i < spec->ngaps; i++) {
		gs = av_rescale(spec->gaps[i].start_ms, r->sample_rate, 1000);
		ge = av_rescale(spec->gaps[i].start_ms + spec->gaps[i].duration_ms,
		    r->sample_rate, 1000);
		from = FFMAX(gs, r->anext);
		to = FFMIN(ge, r->anext + r->frame->nb_samples);
		if (from >= to)
			continue;
		if ((ret = av_frame_make_writable(r->frame)) < 0)
			goto out;
		for (c = 0; c < r->channels; c++)
			memset((float *)r->frame->extended_data[c] + (from - r->anext), 0,
			    (size_t)(to - from) * sizeof (float));
	}
	r->frame->pts = r->anext;
	r->anext += r->frame->nb_samples;
	ret = encode(r, r->aenc, r->ast, r->frame, cause);
out:
	av_frame_unref(r->frame);
	return ret;
}

/* Free everything a rendering holds; closes (not removes) its output. */
static void
render_free(struct render *r)
{
	avfilter_graph_free(&r->vgraph);
	avfilter_graph_free(&r->agraph);
	avcodec_free_context(&r->venc);
	avcodec_free_context(&r->aenc);
	if (r->oc != NULL) {
		avio_closep(&r->oc->pb);
		avformat_free_context(r->oc);
		r->oc = NULL;
	}
	av_frame_free(&r->frame);
	av_packet_free(&r->pkt);
}

/* The muxer's name for path's extension, NULL if it has none. */
static const char *
format_for(const char *path)
{
	const AVOutputFormat *f = av_guess_format(NULL, path, NULL);

	return f != NULL ? f->name : NULL;
}

/* Render spec into path via path.part. */
int
mediagen_make(const struct mediagen_spec *spec, const char *path, char **cause)
{
	struct render r;
	const char *format;
	char *part = NULL, eb[128];
	int64_t total_ms, last_report = 0;
	int ret, i;

	memset(&r, 0, sizeof r);
	r.spec = spec;
	r.path = path;
	r.fps = spec_fps(spec);
	r.sample_rate = spec->sample_rate > 0 ? spec->sample_rate : 48000;
	r.channels = spec->channels == 1 ? 1 : 2;
	if (spec->width < 16 || spec->height < 16 || (spec->width | spec->height) & 1) {
		set_cause(cause, "%s: %dx%d is not a size to encode", path, spec->width,
		    spec->height);
		return AVERROR(EINVAL);
	}
	if (spec->duration_ms <= 0 || (format = format_for(path)) == NULL) {
		set_cause(cause, "%s: %s", path, spec->duration_ms <= 0 ? "no duration" :
		    "unknown container (use .mp4, .mkv or .mov)");
		return AVERROR(EINVAL);
	}
	r.nframes = frames_in(spec->duration_ms, r.fps);
	r.fps_int = FFMAX(1, (int)(av_q2d(r.fps) + 0.5));
	for (i = 0; i < spec->ntexts; i++)
		r.nclocks += spec->texts[i].clock;
	r.nsamples = av_rescale(spec->duration_ms, r.sample_rate, 1000);
	total_ms = spec->duration_ms;
	xasprintf(&part, "%s.part", path);

	if ((r.frame = av_frame_alloc()) == NULL || (r.pkt = av_packet_alloc()) == NULL) {
		ret = AVERROR(ENOMEM);
		set_cause(cause, "out of memory");
		goto fail;
	}
	if ((ret = build_video(&r.vgraph, &r.vsink, spec, r.fps, AV_PIX_FMT_YUV420P, cause)) < 0)
		goto fail;
	if ((ret = build_audio(&r, cause)) < 0)
		goto fail;
	if ((ret = open_output(&r, part, format, cause)) < 0)
		goto fail;

	while (r.vnext < r.nframes || r.anext < r.afeed) {
		if (r.vnext < r.nframes && (r.anext >= r.afeed ||
		    av_compare_ts(r.vnext, av_inv_q(r.fps), r.anext,
		    (AVRational){ 1, r.sample_rate }) <= 0))
			ret = next_video(&r, cause);
		else
			ret = next_audio(&r, cause);
		if (ret < 0)
			goto fail;
		if (spec->progress != NULL && r.vnext - last_report >= 50) {
			last_report = r.vnext;
			spec->progress(spec->progress_arg,
			    av_rescale(r.vnext, (int64_t)r.fps.den * 1000, r.fps.num), total_ms);
		}
	}
	if ((ret = encode(&r, r.venc, r.vst, NULL, cause)) < 0 ||
	    (ret = encode(&r, r.aenc, r.ast, NULL, cause)) < 0)
		goto fail;
	if ((ret = av_write_trailer(r.oc)) < 0) {
		set_cause(cause, "%s: cannot finish the file: %s", path, averr(ret, eb, sizeof eb));
		goto fail;
	}
	if ((ret = avio_closep(&r.oc->pb)) < 0) {
		set_cause(cause, "%s: %s", part, averr(ret, eb, sizeof eb));
		goto fail;
	}
	if (rename(part, path) != 0) {
		ret = AVERROR(errno);
		set_cause(cause, "cannot rename %s to %s: %s", part, path, strerror(errno));
		goto fail;
	}
	if (spec->progress != NULL)
		spec->progress(spec->progress_arg, total_ms, total_ms);
	render_free(&r);
	free(part);
	return 0;
fail:
	render_free(&r);
	unlink(part);
	free(part);
	return ret < 0 ? ret : AVERROR(EINVAL);
}

/* Duration as ffprobe computes it: the latest stream end, from the earliest start. */
static int64_t
container_duration_ms(AVFormatContext *ic)
{
	int64_t start = INT64_MAX, end = INT64_MIN, s, e;
	unsigned i;
	AVStream *st;

	for (i = 0; i < ic->nb_streams; i++) {
		st = ic->streams[i];
		if (st->duration == AV_NOPTS_VALUE || st->duration <= 0)
			continue;
		s = st->start_time != AV_NOPTS_VALUE ?
		    av_rescale_q(st->start_time, st->time_base, AV_TIME_BASE_Q) : 0;
		e = s + av_rescale_q(st->duration, st->time_base, AV_TIME_BASE_Q);
		start = FFMIN(start, s);
		end = FFMAX(end, e);
	}
	if (end == INT64_MIN) {
		if (ic->duration != AV_NOPTS_VALUE && ic->duration > 0)
			return av_rescale(ic->duration, 1000, AV_TIME_BASE);
		return 0;
	}
	return av_rescale(end - start, 1000, AV_TIME_BASE);
}

/* Open path and fill info; *icp stays open for the caller when not NULL. */
static int
probe(const char *path, struct mediagen_info *info, AVFormatContext **icp, char **cause)
{
	AVFormatContext *ic = NULL;
	AVCodecParameters *par;
	struct stat sb;
	unsigned i;
	int ret;

	memset(info, 0, sizeof *info);
	if (stat(path, &sb) != 0) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		return AVERROR(errno);
	}
	info->size = (int64_t)sb.st_size;
	info->mtime = (int64_t)sb.st_mtime;
	if ((ret = media_open_input(&ic, path, cause)) < 0)
		return ret;
	info->nstreams = (int)ic->nb_streams;
	for (i = 0; i < ic->nb_streams; i++) {
		par = ic->streams[i]->codecpar;
		if (par->codec_type == AVMEDIA_TYPE_VIDEO && info->video_codec[0] == '\0') {
			snprintf(info->video_codec, sizeof info->video_codec, "%s",
			    avcodec_get_name(par->codec_id));
			info->width = par->width;
			info->height = par->height;
			info->fps = av_q2d(ic->streams[i]->avg_frame_rate);
			if (info->fps <= 0)
				info->fps = av_q2d(ic->streams[i]->r_frame_rate);
		} else if (par->codec_type == AVMEDIA_TYPE_AUDIO && info->audio_codec[0] == '\0')
			snprintf(info->audio_codec, sizeof info->audio_codec, "%s",
			    avcodec_get_name(par->codec_id));
	}
	info->duration_ms = container_duration_ms(ic);
	if (icp != NULL)
		*icp = ic;
	else
		avformat_close_input(&ic);
	return 0;
}

/* Probe. */
int
mediagen_probe(const char *path, struct mediagen_info *info, char **cause)
{
	return probe(path, info, NULL, cause);
}

/* Compare path with what spec would make, without decoding. */
int
mediagen_check(const struct mediagen_spec *spec, const char *path, struct mediagen_info *info,
    char **cause)
{
	AVFormatContext *ic = NULL;
	const AVDictionaryEntry *e;
	const AVIndexEntry *ie;
	const AVCodec *ac;
	AVRational fps = spec_fps(spec);
	char fp[65], *want = NULL, *why = NULL;
	int64_t frame_ms, end, nframes;
	unsigned i;
	int n, ok = 0;

	if (access(path, F_OK) != 0) {
		set_cause(cause, "%s: missing", path);
		return 0;
	}
	if (probe(path, info, &ic, &why) != 0) {
		set_cause(cause, "incomplete or damaged (%s)", why);
		free(why);
		return 0;
	}
	mediagen_fingerprint(spec, fp);
	xasprintf(&want, COMMENT_PREFIX "%s", fp);
	e = av_dict_get(ic->metadata, "comment", NULL, 0);
	if (e == NULL || strcmp(e->value, want) != 0) {
		set_cause(cause, "%s: made from another description", path);
		goto out;
	}
	ac = avcodec_find_encoder_by_name(audio_encoder(spec));
	if (info->nstreams != 2 || strcmp(info->video_codec, "h264") != 0 || ac == NULL ||
	    strcmp(info->audio_codec, avcodec_get_name(ac->id)) != 0 || info->width != spec->width ||
	    info->height != spec->height) {
		set_cause(cause, "%s: unexpected streams", path);
		goto out;
	}
	/* Every packet the index knows must lie inside the file. */
	nframes = frames_in(spec->duration_ms, fps);
	for (i = 0; i < ic->nb_streams; i++) {
		n = avformat_index_get_entries_count(ic->streams[i]);
		if (n <= 0 || (ie = avformat_index_get_entry(ic->streams[i], n - 1)) == NULL) {
			set_cause(cause, "%s: no index", path);
			goto out;
		}
		end = ie->pos + ie->size;
		if (end > info->size) {
			set_cause(cause, "%s: truncated (%lld of %lld bytes)", path,
			    (long long)info->size, (long long)end);
			goto out;
		}
		if (ic->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && n != nframes) {
			set_cause(cause, "%s: %d frames, expected %lld", path, n, (long long)nframes);
			goto out;
		}
	}
	frame_ms = av_rescale(1000, fps.den, fps.num);
	if (llabs(info->duration_ms - spec->duration_ms) > frame_ms) {
		set_cause(cause, "%s: lasts %lld ms, expected %lld", path,
		    (long long)info->duration_ms, (long long)spec->duration_ms);
		goto out;
	}
	ok = 1;
out:
	free(want);
	avformat_close_input(&ic);
	return ok;
}

/* Read a whole small file; NULL if it cannot be read. */
static uint8_t *
read_file(const char *path, size_t *len)
{
	FILE *f;
	uint8_t *buf;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > (64 << 20) ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Write buf to path through path.part. */
static int
write_file(const char *path, const uint8_t *buf, size_t len, char **cause)
{
	char *part;
	FILE *f;
	int ret = 0;

	xasprintf(&part, "%s.part", path);
	if ((f = fopen(part, "wb")) == NULL) {
		set_cause(cause, "cannot write %s: %s", part, strerror(errno));
		free(part);
		return AVERROR(errno);
	}
	if (fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		set_cause(cause, "cannot write %s: %s", part, strerror(errno));
		ret = AVERROR(EIO);
	} else if (rename(part, path) != 0) {
		set_cause(cause, "cannot rename %s: %s", part, strerror(errno));
		ret = AVERROR(errno);
	}
	if (ret != 0)
		unlink(part);
	free(part);
	return ret;
}

/* One frame of the picture graph, as PNG, written if it differs. */
int
mediagen_still(const struct mediagen_spec *spec, const char *path, char **cause)
{
	AVFilterGraph *graph = NULL;
	AVFilterContext *sink = NULL;
	AVCodecContext *enc = NULL;
	const AVCodec *codec;
	AVFrame *frame = NULL;
	AVPacket *pkt = NULL;
	uint8_t *old = NULL;
	size_t oldlen = 0;
	char eb[128];
	int ret;

	if (spec->width < 1 || spec->height < 1) {
		set_cause(cause, "%s: no size", path);
		return AVERROR(EINVAL);
	}
	if ((ret = build_video(&graph, &sink, spec, spec_fps(spec), AV_PIX_FMT_RGBA, cause)) < 0)
		return ret;
	if ((frame = av_frame_alloc()) == NULL || (pkt = av_packet_alloc()) == NULL) {
		ret = AVERROR(ENOMEM);
		goto fail;
	}
	if ((ret = av_buffersink_get_frame(sink, frame)) < 0) {
		set_cause(cause, "%s: no picture: %s", path, averr(ret, eb, sizeof eb));
		goto fail;
	}
	if ((codec = avcodec_find_encoder(AV_CODEC_ID_PNG)) == NULL ||
	    (enc = avcodec_alloc_context3(codec)) == NULL) {
		set_cause(cause, "this FFmpeg has no PNG encoder");
		ret = AVERROR_ENCODER_NOT_FOUND;
		goto fail;
	}
	enc->width = frame->width;
	enc->height = frame->height;
	enc->pix_fmt = AV_PIX_FMT_RGBA;
	enc->time_base = (AVRational){ 1, 25 };
	enc->flags |= AV_CODEC_FLAG_BITEXACT;
	if ((ret = avcodec_open2(enc, codec, NULL)) < 0 ||
	    (ret = avcodec_send_frame(enc, frame)) < 0 ||
	    (ret = avcodec_receive_packet(enc, pkt)) < 0) {
		set_cause(cause, "%s: PNG encoding: %s", path, averr(ret, eb, sizeof eb));
		goto fail;
	}
	old = read_file(path, &oldlen);
	if (old != NULL && oldlen == (size_t)pkt->size && memcmp(old, pkt->data, oldlen) == 0)
		ret = 0;
	else if ((ret = write_file(path, pkt->data, (size_t)pkt->size, cause)) == 0)
		ret = 1;
fail:
	free(old);
	av_packet_free(&pkt);
	av_frame_free(&frame);
	avcodec_free_context(&enc);
	avfilter_graph_free(&graph);
	return ret;
}
