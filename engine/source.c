/*
 * source.c: decode an item and normalise it; draw the slate.
 *
 * Timestamps are rebased as frames enter the item graph: video in
 * microseconds from the join point (the graph's fps filter starts at 0, so
 * frames before the join are dropped and a late first frame is repeated),
 * audio in samples from the join point (what precedes it is cut here, the
 * resampler pads a late start and any gap with silence). The graphs are
 * built from the first decoded frame, so they match what the decoder
 * really gives, and rebuilt if that changes mid-file.
 */
#include "engine/source.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>

#include "engine/output.h"
#include "src/log.h"
#include "src/util.h"

#define SLATE_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#define MAX_BAD_PACKETS 200
#define AUDIO_LAG_US 1000000            /* read at most this far ahead for audio */

struct source {
	struct source_conf conf;
	char *path;
	int slate;
	int generated;                  /* a still picture and an audio graph (engine/cards.c) */

	AVFormatContext *ic;
	AVCodecContext *vdec, *adec;
	int vidx, aidx;
	int64_t offset_us;              /* file time (from its start) of item time 0 */
	int64_t start_us;               /* the file's start time */
	AVPacket *pkt;
	AVFrame *dec;

	AVFilterGraph *vg, *ag;
	AVFilterContext *vsrc, *vsink, *asrc, *asink;
	int vw, vh, vfmt, vinterlaced;
	AVRational vsar;
	int asr, afmt;
	AVChannelLayout alayout;

	int file_eof;                   /* demuxer done, decoders and graphs flushed */
	int bad_packets;
	int64_t last_vpts_us;           /* newest decoded video, item time */
	int64_t vout;                   /* video frames returned */
	char *error;

	AVFrame *card;                  /* slate picture */
	int64_t card_n;
};

/* First error worth reporting. */
static void
note_error(struct source *s, const char *what, int err)
{
	if (s->error == NULL)
		xasprintf(&s->error, "%s: %s", what, av_err2str(err));
}

/* Video frame duration in us. */
static int64_t
frame_us(const struct source *s)
{
	return av_rescale(1000000, s->conf.fps_den, s->conf.fps_num);
}

/* Scaled size keeping the display aspect ratio inside the channel's frame. */
static void
fit(const struct source *s, int w, int h, AVRational sar, int *ow, int *oh)
{
	double dar;

	if (sar.num <= 0 || sar.den <= 0)
		sar = (AVRational){ 1, 1 };
	dar = (double)w * sar.num / ((double)h * sar.den);
	if (dar * s->conf.height > s->conf.width) {
		*ow = s->conf.width;
		*oh = (int)lrint(s->conf.width / dar / 2) * 2;
	} else {
		*oh = s->conf.height;
		*ow = (int)lrint(s->conf.height * dar / 2) * 2;
	}
	if (*ow < 2)
		*ow = 2;
	if (*oh < 2)
		*oh = 2;
	if (*ow > s->conf.width)
		*ow = s->conf.width;
	if (*oh > s->conf.height)
		*oh = s->conf.height;
}

/* Parse and configure desc between src and sink. */
static int
link_graph(AVFilterGraph *g, AVFilterContext *src, AVFilterContext *sink, const char *desc)
{
	AVFilterInOut *outputs = avfilter_inout_alloc(), *inputs = avfilter_inout_alloc();
	int ret;

	outputs->name = av_strdup("in");
	outputs->filter_ctx = src;
	inputs->name = av_strdup("out");
	inputs->filter_ctx = sink;
	ret = avfilter_graph_parse_ptr(g, desc, &inputs, &outputs, NULL);
	if (ret >= 0)
		ret = avfilter_graph_config(g, NULL);
	avfilter_inout_free(&inputs);
	avfilter_inout_free(&outputs);
	return ret;
}

/* Parse desc (source filters only) with its single output into sink. */
static int
link_sources(AVFilterGraph *g, AVFilterContext *sink, const char *desc)
{
	AVFilterInOut *inputs = avfilter_inout_alloc();
	int ret;

	inputs->name = av_strdup("out");
	inputs->filter_ctx = sink;
	ret = avfilter_graph_parse_ptr(g, desc, &inputs, NULL, NULL);
	avfilter_inout_free(&inputs);
	return ret;
}

/* Build the video graph for frames like f. */
static int
build_video(struct source *s, const AVFrame *f, char **cause)
{
	char args[256], desc[512], pad[96];
	int ow, oh, ret;

	avfilter_graph_free(&s->vg);
	s->vw = f->width;
	s->vh = f->height;
	s->vfmt = f->format;
	s->vsar = f->sample_aspect_ratio;
	s->vinterlaced = f->interlaced_frame ||
	    (s->vdec->field_order != AV_FIELD_UNKNOWN && s->vdec->field_order != AV_FIELD_PROGRESSIVE);
	fit(s, f->width, f->height, f->sample_aspect_ratio, &ow, &oh);

	s->vg = avfilter_graph_alloc();
	s->vg->nb_threads = 1;
	snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=1/1000000:"
	    "pixel_aspect=%d/%d", f->width, f->height, f->format,
	    s->vsar.num > 0 ? s->vsar.num : 1, s->vsar.den > 0 ? s->vsar.den : 1);
	ret = avfilter_graph_create_filter(&s->vsrc, avfilter_get_by_name("buffer"), "in", args,
	    NULL, s->vg);
	if (ret >= 0)
		ret = avfilter_graph_create_filter(&s->vsink, avfilter_get_by_name("buffersink"),
		    "out", NULL, NULL, s->vg);
	if (ret < 0)
		goto fail;
	/* Letter- or pillarbox only when the picture does not fill the frame. */
	if (ow == s->conf.width && oh == s->conf.height)
		pad[0] = '\0';
	else
		snprintf(pad, sizeof pad, "pad=%d:%d:(ow-iw)/2:(oh-ih)/2:black,", s->conf.width,
		    s->conf.height);
	snprintf(desc, sizeof desc, "%sfps=fps=%d/%d:start_time=0,scale=%d:%d,setsar=1,"
	    "%sformat=yuv420p", s->vinterlaced ? "yadif=mode=send_frame:deint=interlaced," : "",
	    s->conf.fps_num, s->conf.fps_den, ow, oh, pad);
	if ((ret = link_graph(s->vg, s->vsrc, s->vsink, desc)) < 0)
		goto fail;
	return 0;

fail:
	set_cause(cause, "%s: video filters: %s", s->path, av_err2str(ret));
	avfilter_graph_free(&s->vg);
	return ret;
}

/* Build the audio graph for frames like f. */
static int
build_audio(struct source *s, const AVFrame *f, char **cause)
{
	char args[256], desc[384], layout[64], gain[64] = "";
	AVChannelLayout cl = { 0 };
	int ret;

	avfilter_graph_free(&s->ag);
	s->asr = f->sample_rate;
	s->afmt = f->format;
	av_channel_layout_uninit(&s->alayout);
	av_channel_layout_copy(&s->alayout, &f->ch_layout);
	if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || f->ch_layout.nb_channels == 0)
		av_channel_layout_default(&cl, f->ch_layout.nb_channels > 0 ?
		    f->ch_layout.nb_channels : 2);
	else
		av_channel_layout_copy(&cl, &f->ch_layout);
	av_channel_layout_describe(&cl, layout, sizeof layout);
	av_channel_layout_uninit(&cl);

	s->ag = avfilter_graph_alloc();
	s->ag->nb_threads = 1;
	snprintf(args, sizeof args, "time_base=1/%d:sample_rate=%d:sample_fmt=%s:"
	    "channel_layout=%s", f->sample_rate, f->sample_rate,
	    av_get_sample_fmt_name(f->format), layout);
	ret = avfilter_graph_create_filter(&s->asrc, avfilter_get_by_name("abuffer"), "in", args,
	    NULL, s->ag);
	if (ret >= 0)
		ret = avfilter_graph_create_filter(&s->asink, avfilter_get_by_name("abuffersink"),
		    "out", NULL, NULL, s->ag);
	if (ret < 0)
		goto fail;
	if (s->conf.gain_db != 0 && isfinite(s->conf.gain_db))
		snprintf(gain, sizeof gain, ",volume=%.2fdB:precision=float", s->conf.gain_db);
	snprintf(desc, sizeof desc, "aresample=%d:async=1:first_pts=0,"
	    "aformat=sample_fmts=fltp:sample_rates=%d:channel_layouts=stereo%s",
	    OUTPUT_SAMPLE_RATE, OUTPUT_SAMPLE_RATE, gain);
	if ((ret = link_graph(s->ag, s->asrc, s->asink, desc)) < 0)
		goto fail;
	return 0;

fail:
	set_cause(cause, "%s: audio filters: %s", s->path, av_err2str(ret));
	avfilter_graph_free(&s->ag);
	return ret;
}

/* A decoded frame's time from the item's join point, in us. */
static int64_t
item_time(struct source *s, AVFrame *f, int idx)
{
	AVStream *st = s->ic->streams[idx];
	int64_t ts = f->best_effort_timestamp;

	if (ts == AV_NOPTS_VALUE)
		ts = f->pts;
	if (ts == AV_NOPTS_VALUE)
		return AV_NOPTS_VALUE;
	return av_rescale_q(ts, st->time_base, AV_TIME_BASE_Q) - s->start_us - s->offset_us;
}

/* Send a decoded video frame into the graph. */
static int
push_video(struct source *s, AVFrame *f, char **cause)
{
	int64_t t = item_time(s, f, s->vidx);
	int ret;

	if (t == AV_NOPTS_VALUE)
		t = s->last_vpts_us + frame_us(s);
	s->last_vpts_us = t;
	if (t < -10 * frame_us(s)) {
		av_frame_unref(f);              /* before the join point */
		return 0;
	}
	if (s->vg == NULL || f->width != s->vw || f->height != s->vh || f->format != s->vfmt ||
	    av_cmp_q(f->sample_aspect_ratio, s->vsar) != 0) {
		if ((ret = build_video(s, f, cause)) < 0) {
			av_frame_unref(f);
			return ret;
		}
	}
	f->pts = t;
	ret = av_buffersrc_add_frame_flags(s->vsrc, f, AV_BUFFERSRC_FLAG_KEEP_REF);
	av_frame_unref(f);
	if (ret < 0)
		set_cause(cause, "%s: video filters: %s", s->path, av_err2str(ret));
	return ret;
}

/* Send a decoded audio frame into the graph, cutting what precedes the join. */
static int
push_audio(struct source *s, AVFrame *f, char **cause)
{
	int64_t t = item_time(s, f, s->aidx), pos;
	AVFrame *cut = NULL;
	int skip, ret;

	if (t == AV_NOPTS_VALUE) {
		av_frame_unref(f);
		return 0;
	}
	pos = av_rescale(t, f->sample_rate, 1000000);
	if (pos + f->nb_samples <= 0) {
		av_frame_unref(f);
		return 0;
	}
	if (s->ag == NULL || f->sample_rate != s->asr || f->format != s->afmt ||
	    av_channel_layout_compare(&f->ch_layout, &s->alayout) != 0) {
		if ((ret = build_audio(s, f, cause)) < 0) {
			av_frame_unref(f);
			return ret;
		}
	}
	if (pos < 0) {
		skip = (int)-pos;
		cut = av_frame_alloc();
		cut->format = f->format;
		cut->sample_rate = f->sample_rate;
		av_channel_layout_copy(&cut->ch_layout, &f->ch_layout);
		cut->nb_samples = f->nb_samples - skip;
		if (av_frame_get_buffer(cut, 0) < 0) {
			av_frame_free(&cut);
			av_frame_unref(f);
			return AVERROR(ENOMEM);
		}
		av_samples_copy(cut->extended_data, f->extended_data, 0, skip, cut->nb_samples,
		    f->ch_layout.nb_channels, f->format);
		av_frame_unref(f);
		av_frame_move_ref(f, cut);
		av_frame_free(&cut);
		pos = 0;
	}
	f->pts = pos;
	ret = av_buffersrc_add_frame_flags(s->asrc, f, AV_BUFFERSRC_FLAG_KEEP_REF);
	av_frame_unref(f);
	if (ret < 0)
		set_cause(cause, "%s: audio filters: %s", s->path, av_err2str(ret));
	return ret;
}

/* Receive what a decoder has and push it on. */
static int
receive(struct source *s, AVCodecContext *dec, char **cause)
{
	int ret;

	for (;;) {
		ret = avcodec_receive_frame(dec, s->dec);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return 0;
		if (ret < 0) {
			if (++s->bad_packets > MAX_BAD_PACKETS) {
				set_cause(cause, "%s: too many decoding errors: %s", s->path,
				    av_err2str(ret));
				return ret;
			}
			continue;
		}
		ret = dec == s->vdec ? push_video(s, s->dec, cause) : push_audio(s, s->dec, cause);
		if (ret < 0)
			return ret;
	}
}

/* The file is done: flush decoders, end the graphs. */
static int
finish(struct source *s, char **cause)
{
	int ret;

	s->file_eof = 1;
	if (s->vdec != NULL) {
		avcodec_send_packet(s->vdec, NULL);
		if ((ret = receive(s, s->vdec, cause)) < 0)
			return ret;
	}
	if (s->adec != NULL) {
		avcodec_send_packet(s->adec, NULL);
		if ((ret = receive(s, s->adec, cause)) < 0)
			return ret;
	}
	if (s->vg != NULL && (ret = av_buffersrc_add_frame(s->vsrc, NULL)) < 0)
		log_debug("%s: ending the video filters: %s", s->path, av_err2str(ret));
	if (s->ag != NULL && (ret = av_buffersrc_add_frame(s->asrc, NULL)) < 0)
		log_debug("%s: ending the audio filters: %s", s->path, av_err2str(ret));
	return 0;
}

/* Read and decode one packet. */
static int
feed(struct source *s, char **cause)
{
	AVCodecContext *dec;
	int ret;

	ret = av_read_frame(s->ic, s->pkt);
	if (ret == AVERROR(EAGAIN))
		return 0;
	if (ret < 0) {
		if (ret == AVERROR_EXIT) {
			set_cause(cause, "%s: interrupted", s->path);
			return ret;
		}
		if (ret != AVERROR_EOF)
			note_error(s, "reading", ret);
		return finish(s, cause);
	}
	if (s->pkt->stream_index == s->vidx)
		dec = s->vdec;
	else if (s->pkt->stream_index == s->aidx)
		dec = s->adec;
	else
		dec = NULL;
	if (dec != NULL) {
		ret = avcodec_send_packet(dec, s->pkt);
		if (ret < 0 && ret != AVERROR(EAGAIN)) {
			if (++s->bad_packets > MAX_BAD_PACKETS) {
				av_packet_unref(s->pkt);
				set_cause(cause, "%s: too many decoding errors: %s", s->path,
				    av_err2str(ret));
				return ret;
			}
		}
	}
	av_packet_unref(s->pkt);
	return dec != NULL ? receive(s, dec, cause) : 0;
}

/* Open a decoder for stream idx. */
static int
open_decoder(struct source *s, int idx, AVCodecContext **out, char **cause)
{
	AVStream *st = s->ic->streams[idx];
	const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
	AVCodecContext *c;
	int ret;

	if (codec == NULL) {
		set_cause(cause, "%s: no decoder for %s", s->path,
		    avcodec_get_name(st->codecpar->codec_id));
		return -1;
	}
	c = *out = avcodec_alloc_context3(codec);
	if ((ret = avcodec_parameters_to_context(c, st->codecpar)) < 0)
		goto fail;
	c->pkt_timebase = st->time_base;
	c->thread_count = s->conf.decode_threads > 0 ? s->conf.decode_threads : 1;
	if ((ret = avcodec_open2(c, codec, NULL)) < 0)
		goto fail;
	return 0;

fail:
	set_cause(cause, "%s: opening the %s decoder: %s", s->path, codec->name, av_err2str(ret));
	avcodec_free_context(out);
	return ret;
}

/* The audio stream: the channel's language, else the default, else the best. */
static int
pick_audio(struct source *s)
{
	AVDictionaryEntry *lang;
	AVStream *st;
	unsigned i;
	int dflt = -1;

	if (s->conf.language != NULL && *s->conf.language != '\0') {
		for (i = 0; i < s->ic->nb_streams; i++) {
			st = s->ic->streams[i];
			if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
				continue;
			lang = av_dict_get(st->metadata, "language", NULL, 0);
			if (lang != NULL && strcasecmp(lang->value, s->conf.language) == 0)
				return (int)i;
		}
	}
	for (i = 0; i < s->ic->nb_streams; i++) {
		st = s->ic->streams[i];
		if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO &&
		    (st->disposition & AV_DISPOSITION_DEFAULT) && dflt < 0)
			dflt = (int)i;
	}
	if (dflt >= 0)
		return dflt;
	return av_find_best_stream(s->ic, AVMEDIA_TYPE_AUDIO, -1, s->vidx, NULL, 0);
}

/* Open a file. */
int
source_open(struct source **out, const char *path, int64_t offset_us,
    const struct source_conf *conf, char **cause)
{
	struct source *s = xcalloc(1, sizeof *s);
	int64_t ts;
	unsigned i;
	int ret;

	*out = NULL;
	s->conf = *conf;
	s->path = xstrdup(path);
	s->offset_us = offset_us > 0 ? offset_us : 0;
	s->vidx = s->aidx = -1;
	s->pkt = av_packet_alloc();
	s->dec = av_frame_alloc();
	s->last_vpts_us = -frame_us(s);

	s->ic = avformat_alloc_context();
	s->ic->interrupt_callback = conf->interrupt;
	/* Tune-in time: 2 s of analysis finds every stream a real file has. */
	s->ic->max_analyze_duration = 2 * AV_TIME_BASE;
	if ((ret = avformat_open_input(&s->ic, path, NULL, NULL)) < 0) {
		set_cause(cause, "cannot open %s: %s", path, av_err2str(ret));
		goto fail;
	}
	if ((ret = avformat_find_stream_info(s->ic, NULL)) < 0) {
		set_cause(cause, "cannot read %s: %s", path, av_err2str(ret));
		goto fail;
	}
	s->vidx = conf->no_video ? -1 : av_find_best_stream(s->ic, AVMEDIA_TYPE_VIDEO, -1, -1,
	    NULL, 0);
	if (s->vidx < 0 && !conf->no_video) {
		set_cause(cause, "%s has no video stream", path);
		goto fail;
	}
	if (s->vidx < 0)
		s->vidx = -1;
	s->aidx = conf->no_audio ? -1 : pick_audio(s);
	if (s->aidx < 0)
		s->aidx = -1;
	if (s->vidx < 0 && s->aidx < 0) {
		set_cause(cause, "%s has no audio stream", path);
		goto fail;
	}
	for (i = 0; i < s->ic->nb_streams; i++) {
		if ((int)i != s->vidx && (int)i != s->aidx)
			s->ic->streams[i]->discard = AVDISCARD_ALL;
	}
	if (s->vidx >= 0 && open_decoder(s, s->vidx, &s->vdec, cause) < 0)
		goto fail;
	if (s->aidx >= 0 && open_decoder(s, s->aidx, &s->adec, cause) < 0) {
		if (s->vidx < 0)
			goto fail;
		log_warn("%s: the audio cannot be decoded; airing silence", path);
		s->ic->streams[s->aidx]->discard = AVDISCARD_ALL;
		s->aidx = -1;
		freep(cause);
	}
	s->start_us = s->ic->start_time != AV_NOPTS_VALUE ? s->ic->start_time : 0;
	if (s->offset_us > 0) {
		ts = s->start_us + s->offset_us;
		ret = avformat_seek_file(s->ic, -1, INT64_MIN, ts, ts, 0);
		if (ret < 0)
			log_warn("%s: cannot seek to %.3f s (%s); decoding from the start", path,
			    (double)s->offset_us / 1e6, av_err2str(ret));
	}
	*out = s;
	return 0;

fail:
	source_free(&s);
	return -1;
}

/* Seek an open file. */
int
source_seek(struct source *s, int64_t offset_us, char **cause)
{
	int64_t ts;
	int ret;

	if (s->ic == NULL) {
		set_cause(cause, "%s: not a file", s->path);
		return -1;
	}
	s->offset_us = offset_us > 0 ? offset_us : 0;
	ts = s->start_us + s->offset_us;
	if ((ret = avformat_seek_file(s->ic, -1, INT64_MIN, ts, ts, 0)) < 0) {
		set_cause(cause, "%s: cannot seek to %.3f s: %s", s->path, (double)s->offset_us / 1e6,
		    av_err2str(ret));
		return -1;
	}
	if (s->vdec != NULL)
		avcodec_flush_buffers(s->vdec);
	if (s->adec != NULL)
		avcodec_flush_buffers(s->adec);
	avfilter_graph_free(&s->vg);
	avfilter_graph_free(&s->ag);
	s->file_eof = 0;
	s->last_vpts_us = -frame_us(s);
	s->vout = 0;
	return 0;
}

/* Draw the still picture of a generated source from a lavfi description. */
static int
draw_still(struct source *s, const char *desc, char **cause)
{
	AVFilterGraph *g;
	AVFilterContext *sink;
	int ret;

	g = avfilter_graph_alloc();
	g->nb_threads = 1;
	ret = avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", NULL,
	    NULL, g);
	if (ret >= 0)
		ret = link_sources(g, sink, desc);
	if (ret >= 0)
		ret = avfilter_graph_config(g, NULL);
	s->card = av_frame_alloc();
	if (ret >= 0)
		ret = av_buffersink_get_frame(sink, s->card);
	avfilter_graph_free(&g);
	if (ret < 0) {
		set_cause(cause, "drawing %s: %s", s->path, av_err2str(ret));
		return -1;
	}
	return 0;
}

/* Open the slate. */
int
source_open_slate(struct source **out, const char *line1, const char *line2,
    const struct source_conf *conf, char **cause)
{
	struct source *s = xcalloc(1, sizeof *s);
	char desc[1024], font[128];

	*out = NULL;
	s->conf = *conf;
	s->slate = 1;
	s->path = xstrdup("slate");
	s->vidx = s->aidx = -1;
	if (file_exists(SLATE_FONT))
		snprintf(font, sizeof font, "fontfile=%s", SLATE_FONT);
	else
		snprintf(font, sizeof font, "font=Sans");
	snprintf(desc, sizeof desc,
	    "smptehdbars=size=%dx%d:rate=%d/%d,"
	    "drawbox=x=0:y=ih*0.34:w=iw:h=ih*0.32:color=black@0.85:t=fill,"
	    "drawtext=%s:text='%s':fontcolor=white:fontsize=min(h/16\\,w/26):"
	    "x=(w-text_w)/2:y=h*0.40,"
	    "drawtext=%s:text='%s':fontcolor=white:fontsize=min(h/20\\,w/32):"
	    "x=(w-text_w)/2:y=h*0.53,format=yuv420p",
	    conf->width, conf->height, conf->fps_num, conf->fps_den, font, line1, font, line2);
	if (draw_still(s, desc, cause) != 0) {
		source_free(&s);
		return -1;
	}
	*out = s;
	return 0;
}

/* Open a generated item: a still picture and an audio graph. */
int
source_open_generated(struct source **out, const char *name, const char *video_desc,
    const char *audio_desc, const struct source_conf *conf, char **cause)
{
	struct source *s = xcalloc(1, sizeof *s);
	int ret;

	*out = NULL;
	s->conf = *conf;
	s->generated = 1;
	s->path = xstrdup(name);
	s->vidx = s->aidx = -1;
	if (draw_still(s, video_desc, cause) != 0)
		goto fail;
	if (audio_desc == NULL) {
		*out = s;
		return 0;
	}
	s->ag = avfilter_graph_alloc();
	s->ag->nb_threads = 1;
	ret = avfilter_graph_create_filter(&s->asink, avfilter_get_by_name("abuffersink"), "aout",
	    NULL, NULL, s->ag);
	if (ret >= 0)
		ret = link_sources(s->ag, s->asink, audio_desc);
	if (ret >= 0)
		ret = avfilter_graph_config(s->ag, NULL);
	if (ret < 0) {
		set_cause(cause, "the sound of %s: %s", name, av_err2str(ret));
		goto fail;
	}
	*out = s;
	return 0;

fail:
	source_free(&s);
	return -1;
}

/* Next video frame. */
int
source_video(struct source *s, AVFrame *frame, char **cause)
{
	int ret;

	if (s->slate || s->generated) {
		if ((ret = av_frame_ref(frame, s->card)) < 0)
			return ret;
		frame->pts = s->card_n++;
		return 0;
	}
	if (s->vidx < 0)
		return AVERROR_EOF;
	for (;;) {
		if (s->vg != NULL) {
			ret = av_buffersink_get_frame(s->vsink, frame);
			if (ret >= 0) {
				s->vout++;
				return 0;
			}
			if (ret != AVERROR(EAGAIN))
				return ret == AVERROR_EOF ? AVERROR_EOF : ret;
		}
		if (s->file_eof)
			return AVERROR_EOF;
		if ((ret = feed(s, cause)) < 0)
			return ret;
	}
}

/* Next audio frame. */
int
source_audio(struct source *s, AVFrame *frame, char **cause)
{
	int ret;

	if (s->generated && s->ag != NULL) {
		ret = av_buffersink_get_frame(s->asink, frame);
		return ret == AVERROR(EAGAIN) ? AVERROR_EOF : ret;
	}
	if (s->slate || s->generated) {
		frame->format = AV_SAMPLE_FMT_FLTP;
		frame->sample_rate = OUTPUT_SAMPLE_RATE;
		frame->nb_samples = 1024;
		av_channel_layout_default(&frame->ch_layout, 2);
		if ((ret = av_frame_get_buffer(frame, 0)) < 0)
			return ret;
		av_samples_set_silence(frame->extended_data, 0, frame->nb_samples, 2,
		    AV_SAMPLE_FMT_FLTP);
		return 0;
	}
	if (s->aidx < 0)
		return AVERROR_EOF;
	for (;;) {
		if (s->ag != NULL) {
			ret = av_buffersink_get_frame(s->asink, frame);
			if (ret >= 0)
				return 0;
			if (ret != AVERROR(EAGAIN))
				return ret == AVERROR_EOF ? AVERROR_EOF : ret;
		}
		if (s->file_eof)
			return AVERROR_EOF;
		/* Do not pile up video waiting for audio that does not come. */
		if (s->last_vpts_us - s->vout * frame_us(s) > AUDIO_LAG_US)
			return AVERROR(EAGAIN);
		if ((ret = feed(s, cause)) < 0)
			return ret;
	}
}

/* First read error. */
const char *
source_error(struct source *s)
{
	return s->error;
}

/* Slate? */
int
source_is_slate(struct source *s)
{
	return s->slate;
}

/* Free. */
void
source_free(struct source **sp)
{
	struct source *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	avfilter_graph_free(&s->vg);
	avfilter_graph_free(&s->ag);
	avcodec_free_context(&s->vdec);
	avcodec_free_context(&s->adec);
	avformat_close_input(&s->ic);
	av_packet_free(&s->pkt);
	av_frame_free(&s->dec);
	av_frame_free(&s->card);
	av_channel_layout_uninit(&s->alayout);
	free(s->path);
	free(s->error);
	freep(sp);
}
