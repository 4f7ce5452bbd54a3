/*
 * source.c: decode an item and normalise it; draw the slate.
 *
 * Real files change under way (a recording's ad break switches 4:3 SD to
 * 16:9 HD, 25 to 29.97 fps, 44.1 to 48 kHz, 2.0 to 5.1), have a variable
 * frame rate, a stream that starts late or ends early, gaps and time stamp
 * jumps. So nothing here pads or counts from the item's start:
 *
 * - Packets are demuxed into one queue per stream and decoded only when
 *   that stream's output is wanted, so a badly interleaved file or a late
 *   stream costs compressed bytes, not decoded frames. A queue holds at
 *   most QUEUE_US beyond what has aired (and QUEUE_BYTES): data further
 *   away is "not here for now" and the other stream goes on (black or the
 *   last picture; silence through the channel).
 * - The constant frame rate is chosen here, not by an fps filter: output
 *   frame k (item time k/fps) shows the last picture that starts before
 *   (k + 1/2)/fps. The video graph only deinterlaces (the frames flagged
 *   interlaced, wherever they are), scales and pads; when the picture's
 *   size, format or aspect ratio changes it is drained (no frame lost) and
 *   rebuilt for the new pictures.
 * - Audio is placed by its time stamps: a decoded frame's place in the
 *   output (48 kHz samples from item time 0) is its time; off by more
 *   than AUDIO_SLACK_US, a gap is filled with silence (fed as it airs) and
 *   an overlap is cut. A time stamp that only continues the last packet's
 *   is not trusted (demuxers make those up, wrongly after a sample rate
 *   change). A new sample rate, format or layout drains the resampler and
 *   starts another, placed exactly.
 * - Joining: source_open (a helper thread; it may block) seeks and
 *   decodes from the keyframe before the join to the join, so the first
 *   source_video is quick; a seek without an index that lands past that
 *   keyframe is made again from further back. Packets more than
 *   PREROLL_US before the join (a failed seek, a seek that landed far
 *   back) are skipped undecoded up to a keyframe.
 * - source_video and source_audio run on the channel's thread: each call
 *   decodes at most MAX_FRAMES and reads at most MAX_PACKETS.
 * - Loudness: what airs is measured (engine/loudness.c). When the item's
 *   loudness is unknown, open measures its first PRESCAN_US from the join
 *   on a second reader, and the gain then follows the running measure,
 *   ramped (GAIN_RAMP_DB dB a second) and clamped.
 * - Time stamps of formats that allow discontinuities (MPEG-TS, PS) are
 *   made continuous when they jump (a spliced recording).
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
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>

#include "engine/loudness.h"
#include "engine/output.h"
#include "engine/text.h"
#include "src/log.h"
#include "src/media.h"
#include "src/util.h"

#define SLATE_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#define MAX_BAD_PACKETS 200
#define QUEUE_US 10000000               /* demux at most this far beyond what aired */
#define QUEUE_BYTES (32 << 20)          /* and at most this much */
#define PREROLL_US 12000000             /* decode at most this much before the join */
#define AUDIO_PREROLL_US 200000         /* audio packets kept before the join (decoder warm-up) */
#define LEADIN_US 500000                /* a first picture this late is shown from item time 0 */
#define JOIN_LEADIN_US 10000000         /* or this late after a join (the keyframe after it) */
#define HOLD_US 1000000                 /* the last picture stays while the sound goes on */
#define KEY_WAIT_US 10000000            /* a stream without keyframe flags starts anyway */
#define AUDIO_SLACK_US 20000            /* audio time stamps may wander this much */
#define TS_JUMP_US 10000000             /* a time stamp jump (TS formats) */
#define MAX_FRAMES 12                   /* frames decoded per call, at most */
#define MAX_PACKETS 256                 /* packets demuxed per call, at most */
#define SILENCE_CHUNK 4096              /* input samples of a gap fed at once */
#define PRESCAN_US 20000000             /* measured at open when the loudness is unknown */
#define PRESCAN_MIN_S 3.0               /* audible seconds that make a measure */
#define GAIN_MIN (-30.0)
#define GAIN_MAX 20.0
#define GAIN_RAMP_DB 1.5                /* dB a second */
#define READY_MAX 8

/* Compressed packets of one stream, oldest first. */
struct pktq {
	AVPacket **p;
	size_t head, n, cap;
	int64_t bytes;
	int64_t end_us;                 /* item time of the newest packet's end */
};

/* One decoded stream. */
struct stream {
	int idx;                        /* -1: none */
	AVCodecContext *dec;
	struct pktq q;
	AVPacket *held;                 /* sent back by the decoder (EAGAIN) */
	int started;                    /* a packet was fed (video: from a keyframe) */
	int flushing;                   /* NULL sent: the file is done */
	int done;                       /* the decoder gave everything */
	int64_t last_dts_us;            /* TS formats: the last dts, shifted */
	int64_t shift_us;               /* added to its time stamps (TS jumps) */
	int64_t jump_us;                /* its last jump not yet met by the other stream, or 0 */
	int64_t next_pts;               /* audio: the pts right after the last packet queued */
	int64_t waited_us;              /* video: time of the packets dropped waiting for a keyframe */
};

struct source {
	struct source_conf conf;
	char *path;
	int slate;
	int generated;                  /* a still picture and an audio graph (engine/cards.c) */

	AVFormatContext *ic;
	struct stream v, a;
	int64_t offset_us;              /* file time (from its start) of item time 0 */
	int64_t start_us;               /* the file's start time */
	int ts_discont;                 /* the format may jump */
	int demux_eof;
	AVPacket *pkt;
	AVFrame *dec;
	int bad_packets;
	int work;                       /* frames decoded in this call */
	int reads;                      /* packets read in this call */
	int64_t decoded, skipped;       /* video frames; packets dropped before the join */
	char *error;

	/* Video. */
	AVFilterGraph *vg;
	AVFilterContext *vsrc, *vsink;
	int vw, vh, vfmt;
	AVRational vsar;
	enum AVColorTransferCharacteristic vtrc;  /* the transfer (HDR) */
	enum AVColorPrimaries vpri;     /* and primaries (wide gamut) */
	AVFrame *held_pic;              /* the last decoded picture before the join */
	AVFrame *ready[READY_MAX];      /* normalised pictures drained from an old graph */
	int nready;
	AVFrame *cur, *next;            /* on air now; the next one (item time us in pts) */
	int64_t interval_us;            /* between the last two pictures */
	int64_t last_pic_us;            /* item time of the newest decoded picture */
	AVFrame *black;
	int video_eof;
	int lead_in;                    /* the join: the first picture covers what precedes it */
	int64_t vout;                   /* frames returned */

	/* Audio. */
	SwrContext *swr;
	int asr, afmt;                  /* what swr takes */
	AVChannelLayout alayout;
	int64_t a_e0;                   /* output position (48 kHz) where this swr began */
	int64_t a_fed;                  /* input samples fed to it */
	int a_placed;                   /* the first frame is placed */
	int64_t a_next_us;              /* item time right after the last frame decoded */
	AVFrame *afr;                   /* decoded, waiting for the gap before it */
	int a_skip;                     /* input samples of afr to drop (an overlap) */
	int64_t gap;                    /* input samples of silence still to feed before afr */
	int64_t a_pos;                  /* samples returned */
	int audio_done;

	/* Loudness and gain. */
	struct loudness *meter;
	int64_t measured_to;            /* output samples before this were measured at open */
	int auto_gain;                  /* the loudness was unknown: follow the measure */
	double gain, gain_want;         /* dB */

	/* The second audio program: a reader of its own on its track, or NULL (the main audio). */
	struct source *sap;

	AVFrame *card;                  /* slate, generated or title picture */
	int64_t card_n;
	AVFilterGraph *ag;              /* generated sound */
	AVFilterContext *asink;
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

/* Item time of output video frame k, in us. */
static int64_t
slot_us(const struct source *s, int64_t k)
{
	return av_rescale(k, (int64_t)1000000 * s->conf.fps_den, s->conf.fps_num);
}

/* Item time of what the audio has given, in us. */
static int64_t
audio_us(const struct source *s)
{
	return av_rescale(s->a_pos, 1000000, OUTPUT_SAMPLE_RATE);
}

/* Queue a packet (the reference moves in). */
static void
pktq_put(struct pktq *q, AVPacket *pkt, int64_t end_us)
{
	AVPacket *p = av_packet_alloc();
	size_t i;

	if (q->n == q->cap) {
		AVPacket **np = xreallocarray(NULL, q->cap ? q->cap * 2 : 64, sizeof *np);

		for (i = 0; i < q->n; i++)
			np[i] = q->p[(q->head + i) % q->cap];
		free(q->p);
		q->p = np;
		q->cap = q->cap ? q->cap * 2 : 64;
		q->head = 0;
	}
	av_packet_move_ref(p, pkt);
	q->bytes += p->size;
	q->p[(q->head + q->n++) % q->cap] = p;
	if (end_us > q->end_us || q->n == 1)
		q->end_us = end_us;
}

/* The oldest packet, or NULL; the caller frees it. */
static AVPacket *
pktq_get(struct pktq *q)
{
	AVPacket *p;

	if (q->n == 0)
		return NULL;
	p = q->p[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	q->bytes -= p->size;
	return p;
}

/* Empty and free a queue. */
static void
pktq_free(struct pktq *q)
{
	AVPacket *p;

	while ((p = pktq_get(q)) != NULL)
		av_packet_free(&p);
	free(q->p);
	memset(q, 0, sizeof *q);
}

/*
 * Picture shape and colour: where a picture goes in the channel's frame
 * (the channel's aspect policy; either's pixels may be non-square), and
 * how it becomes 8-bit SDR BT.709 (HDR tone mapped with zscale and
 * tonemap, a wide gamut converted, SD's BT.601 matrix converted). The
 * video graph is these filters after the deinterlacer.
 */

/* The channel's pixel aspect ratio. */
static AVRational
channel_sar(const struct source *s)
{
	int n, d;

	if (s->conf.dar_num <= 0 || s->conf.dar_den <= 0)
		return (AVRational){ 1, 1 };
	av_reduce(&n, &d, (int64_t)s->conf.dar_num * s->conf.height,
	    (int64_t)s->conf.dar_den * s->conf.width, 1 << 16);
	return (AVRational){ n, d };
}

/* An even size from a real one, at least 2. */
static int
even(double x)
{
	int n = (int)lrint(x / 2) * 2;

	return n < 2 ? 2 : n;
}

/*
 * The size a w x h picture (pixels sar) is scaled to: it is then padded
 * to the channel's frame (SOURCE_FIT: letter- or pillarboxed, keeping its
 * shape), or cropped to it (SOURCE_ZOOM: filling the frame, keeping its
 * shape), or it fills it (SOURCE_STRETCH).
 */
static void
fit(const struct source *s, int w, int h, AVRational sar, int *ow, int *oh)
{
	double W = s->conf.width, H = s->conf.height, d, D;

	if (sar.num <= 0 || sar.den <= 0)
		sar = (AVRational){ 1, 1 };
	d = (double)w * sar.num / ((double)h * sar.den);
	D = s->conf.dar_num > 0 && s->conf.dar_den > 0 ?
	    (double)s->conf.dar_num / s->conf.dar_den : W / H;
	*ow = (int)W;
	*oh = (int)H;
	if (s->conf.aspect == SOURCE_STRETCH || fabs(d / D - 1) < 0.01)
		return;
	if ((d > D) == (s->conf.aspect != SOURCE_ZOOM))
		*oh = even(H * D / d);          /* wider: full width (fit), or full height (zoom) */
	else
		*ow = even(W * d / D);
	if (s->conf.aspect == SOURCE_ZOOM) {
		/* At most 4 times the frame: a sliver of a picture is not worth more. */
		*ow = *ow < W ? (int)W : *ow > 4 * W ? (int)(4 * W) : *ow;
		*oh = *oh < H ? (int)H : *oh > 4 * H ? (int)(4 * H) : *oh;
	} else {
		*ow = *ow > W ? (int)W : *ow;
		*oh = *oh > H ? (int)H : *oh;
	}
}

/* zscale's name of a transfer; NULL for one it is not given. */
static const char *
z_transfer(int trc)
{
	switch (trc) {
	case AVCOL_TRC_SMPTE2084: return "smpte2084";
	case AVCOL_TRC_ARIB_STD_B67: return "arib-std-b67";
	case AVCOL_TRC_BT2020_10: return "bt2020-10";
	case AVCOL_TRC_BT2020_12: return "bt2020-12";
	case AVCOL_TRC_SMPTE170M: return "601";
	case AVCOL_TRC_LINEAR: return "linear";
	default: return "709";
	}
}

/* The colour matrix of a picture, for scale (untagged: by its size, as players guess). */
static const char *
matrix_of(const AVFrame *f)
{
	switch (f->colorspace) {
	case AVCOL_SPC_BT709: return "bt709";
	case AVCOL_SPC_BT470BG:
	case AVCOL_SPC_SMPTE170M: return "bt601";
	case AVCOL_SPC_FCC: return "fcc";
	case AVCOL_SPC_SMPTE240M: return "smpte240m";
	case AVCOL_SPC_BT2020_NCL:
	case AVCOL_SPC_BT2020_CL: return "bt2020";
	default: return f->height >= 600 || f->width >= 1000 ? "bt709" : "bt601";
	}
}

/* Is a picture HDR (PQ or HLG)? */
static int
is_hdr(const AVFrame *f)
{
	return f->color_trc == AVCOL_TRC_SMPTE2084 || f->color_trc == AVCOL_TRC_ARIB_STD_B67;
}

/*
 * The filters that scale a picture like f to ow x oh and make it 8-bit
 * SDR BT.709 yuv420p. HDR is scaled first (in its own format: tone mapping
 * costs by the pixel), then made linear with HDR's reference white (203
 * nits, ITU-R BT.2408) as SDR's white, its gamut converted to BT.709, tone
 * mapped (mobius: what SDR can show stays as it is, only the highlights
 * above it roll off; hable would darken everything by a third), and made
 * BT.709 again.
 */
static void
colour_chain(const AVFrame *f, int ow, int oh, char *buf, size_t len)
{
	const char *range = f->color_range == AVCOL_RANGE_JPEG ? "pc" : "tv";
	const char *matrix = f->colorspace == AVCOL_SPC_BT2020_CL ? "bt2020c" : "bt2020nc";

	if (is_hdr(f))
		snprintf(buf, len, "scale=%d:%d,zscale=tin=%s:pin=bt2020:min=%s:rin=%s:t=linear:"
		    "npl=203,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=mobius:desat=0,"
		    "zscale=t=bt709:m=bt709:r=tv,format=yuv420p", ow, oh, z_transfer(f->color_trc),
		    matrix, range);
	else if (f->color_primaries == AVCOL_PRI_BT2020)
		snprintf(buf, len, "scale=%d:%d,zscale=tin=%s:pin=bt2020:min=%s:rin=%s:t=709:"
		    "p=bt709:m=bt709:r=tv,format=yuv420p", ow, oh, z_transfer(f->color_trc),
		    matrix, range);
	else if (strcmp(matrix_of(f), "bt709") == 0)
		snprintf(buf, len, "scale=%d:%d", ow, oh);
	else    /* accurate_rnd: a grey keeps its level exactly */
		snprintf(buf, len, "scale=%d:%d:in_color_matrix=%s:out_color_matrix=bt709:"
		    "flags=bicubic+accurate_rnd+full_chroma_int", ow, oh, matrix_of(f));
}

/*
 * The filters after the deinterlacer for pictures like f: scaled and
 * converted (colour_chain), the channel's pixel shape, then padded or
 * cropped to the frame.
 */
static void
shape_chain(const struct source *s, const AVFrame *f, char *buf, size_t len)
{
	AVRational sar = channel_sar(s);
	char colour[512], edge[96];
	int ow, oh, W = s->conf.width, H = s->conf.height;

	fit(s, f->width, f->height, f->sample_aspect_ratio, &ow, &oh);
	colour_chain(f, ow, oh, colour, sizeof colour);
	if (ow == W && oh == H)
		edge[0] = '\0';
	else if (ow <= W && oh <= H)
		snprintf(edge, sizeof edge, ",pad=%d:%d:(ow-iw)/2:(oh-ih)/2:black", W, H);
	else
		snprintf(edge, sizeof edge, ",crop=%d:%d", W, H);
	snprintf(buf, len, "%s,setsar=%d/%d%s", colour, sar.num, sar.den, edge);
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

/* Keep a normalised picture drained from a graph, its pts in item us. */
static void
keep_ready(struct source *s, AVFrame *f, AVRational tb)
{
	AVFrame *r = av_frame_alloc();

	av_frame_move_ref(r, f);
	r->pts = av_rescale_q(r->pts, tb, AV_TIME_BASE_Q);
	if (s->nready == READY_MAX) {
		av_frame_free(&s->ready[0]);
		memmove(s->ready, s->ready + 1, (READY_MAX - 1) * sizeof *s->ready);
		s->nready--;
	}
	s->ready[s->nready++] = r;
}

/* End the video graph and keep what it still holds. */
static void
drain_video(struct source *s)
{
	AVFrame *f;
	AVRational tb;

	if (s->vg == NULL)
		return;
	if (av_buffersrc_add_frame(s->vsrc, NULL) >= 0) {
		tb = av_buffersink_get_time_base(s->vsink);
		f = av_frame_alloc();
		while (av_buffersink_get_frame(s->vsink, f) >= 0)
			keep_ready(s, f, tb);
		av_frame_free(&f);
	}
	avfilter_graph_free(&s->vg);
}

/* Build the video graph for pictures like f (after draining the old one). */
static int
build_video(struct source *s, const AVFrame *f, char **cause)
{
	char args[256], desc[1024], shape[768];
	int ret;

	drain_video(s);
	s->vw = f->width;
	s->vh = f->height;
	s->vfmt = f->format;
	s->vsar = f->sample_aspect_ratio;
	s->vtrc = f->color_trc;
	s->vpri = f->color_primaries;

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
	shape_chain(s, f, shape, sizeof shape);
	/* yadif passes progressive frames through: interlacing may start anywhere. */
	snprintf(desc, sizeof desc, "yadif=mode=send_frame:deint=interlaced,%s,format=yuv420p",
	    shape);
	if ((ret = link_graph(s->vg, s->vsrc, s->vsink, desc)) < 0)
		goto fail;
	return 0;

fail:
	set_cause(cause, "%s: video filters: %s", s->path, av_err2str(ret));
	avfilter_graph_free(&s->vg);
	return ret;
}

/* A time stamp of stream idx as item time, in us (AV_NOPTS_VALUE stays). */
static int64_t
item_us(const struct source *s, int idx, int64_t ts)
{
	if (ts == AV_NOPTS_VALUE)
		return AV_NOPTS_VALUE;
	return av_rescale_q(ts, s->ic->streams[idx]->time_base, AV_TIME_BASE_Q) - s->start_us -
	    s->offset_us;
}

/* Send a picture (pts in item us) into the graph, rebuilt if it changed. */
static int
send_picture(struct source *s, AVFrame *f, char **cause)
{
	int ret;

	if (s->vg == NULL || f->width != s->vw || f->height != s->vh || f->format != s->vfmt ||
	    av_cmp_q(f->sample_aspect_ratio, s->vsar) != 0 || f->color_trc != s->vtrc ||
	    f->color_primaries != s->vpri) {
		if (s->vg != NULL)
			log_info("%s: the picture changes to %dx%d (SAR %d:%d) at %.3f s", s->path,
			    f->width, f->height, f->sample_aspect_ratio.num,
			    f->sample_aspect_ratio.den, (double)(f->pts + s->offset_us) / 1e6);
		if ((ret = build_video(s, f, cause)) < 0) {
			av_frame_unref(f);
			return ret;
		}
	}
	ret = av_buffersrc_add_frame_flags(s->vsrc, f, AV_BUFFERSRC_FLAG_KEEP_REF);
	av_frame_unref(f);
	if (ret < 0)
		set_cause(cause, "%s: video filters: %s", s->path, av_err2str(ret));
	return ret;
}

/* A decoded picture (it is taken): held while before the join, else into the graph. */
static int
push_video(struct source *s, AVFrame *f, char **cause)
{
	int64_t t = item_us(s, s->v.idx, f->best_effort_timestamp);
	AVFrame *h;
	int ret;

	if (t == AV_NOPTS_VALUE)
		t = item_us(s, s->v.idx, f->pts);
	if (t == AV_NOPTS_VALUE)
		t = s->last_pic_us + (s->interval_us > 0 ? s->interval_us : frame_us(s));
	s->last_pic_us = t;
	f->pts = t;
	if (t < -2 * frame_us(s)) {
		/* Before the join: only the last one may be needed (a still). */
		av_frame_unref(s->held_pic);
		av_frame_move_ref(s->held_pic, f);
		return 0;
	}
	if (s->held_pic->buf[0] != NULL) {
		h = av_frame_alloc();
		av_frame_move_ref(h, s->held_pic);
		ret = send_picture(s, h, cause);
		av_frame_free(&h);
		if (ret < 0) {
			av_frame_unref(f);
			return ret;
		}
	}
	return send_picture(s, f, cause);
}

/* Count a bad packet or frame; an error when there are too many. */
static int
bad(struct source *s, int err, char **cause)
{
	if (++s->bad_packets > MAX_BAD_PACKETS) {
		set_cause(cause, "%s: too many decoding errors: %s", s->path, av_err2str(err));
		return err;
	}
	return 0;
}

/*
 * Time stamps of a TS format that jumped (a spliced recording) carry on
 * from where they were. The splice reaches each stream at its own place
 * in the file and the streams' lengths before it differ a little, so the
 * first stream to jump sets the shift and the other takes the same one
 * when it jumps as much: the sound stays with its picture.
 */
static void
fix_jump(struct source *s, struct stream *st, AVPacket *pkt)
{
	AVRational tb = s->ic->streams[pkt->stream_index]->time_base;
	struct stream *o = st == &s->v ? &s->a : &s->v;
	int64_t dts, delta, step;

	if (pkt->dts == AV_NOPTS_VALUE)
		return;
	dts = av_rescale_q(pkt->dts, tb, AV_TIME_BASE_Q) + st->shift_us;
	if (st->last_dts_us != AV_NOPTS_VALUE) {
		delta = dts - st->last_dts_us;
		if (delta > TS_JUMP_US || delta < -1000000) {
			log_info("%s: the %s time stamps jump by %.3f s; carrying on", s->path,
			    st == &s->v ? "video" : "audio", (double)delta / 1e6);
			if (o->jump_us != 0 && llabs(o->jump_us - delta) < 2000000) {
				/* The same splice: the same shift. */
				dts += o->shift_us - st->shift_us;
				st->shift_us = o->shift_us;
				o->jump_us = 0;
			} else {
				step = pkt->duration > 0 ? av_rescale_q(pkt->duration, tb,
				    AV_TIME_BASE_Q) : st == &s->v ? frame_us(s) : 0;
				st->shift_us -= delta - step;
				dts -= delta - step;
				st->jump_us = delta;
			}
		}
	}
	st->last_dts_us = dts;
}

/* Read one packet into its queue: 0, AVERROR_EOF, or an error (*cause). */
static int
demux(struct source *s, char **cause)
{
	AVPacket *pkt = s->pkt;
	struct stream *st;
	AVRational tb;
	int64_t t, end, shift, next;
	int ret;

	if (s->demux_eof)
		return AVERROR_EOF;
	ret = av_read_frame(s->ic, pkt);
	if (ret == AVERROR(EAGAIN))
		return 0;
	if (ret < 0) {
		if (ret == AVERROR_EXIT) {
			set_cause(cause, "%s: interrupted", s->path);
			return ret;
		}
		if (ret != AVERROR_EOF)
			note_error(s, "reading", ret);
		s->demux_eof = 1;
		return AVERROR_EOF;
	}
	if (pkt->stream_index == s->v.idx && s->v.idx >= 0)
		st = &s->v;
	else if (pkt->stream_index == s->a.idx && s->a.idx >= 0)
		st = &s->a;
	else {
		av_packet_unref(pkt);
		return 0;
	}
	tb = s->ic->streams[pkt->stream_index]->time_base;
	if (s->ts_discont)
		fix_jump(s, st, pkt);
	if (st->shift_us != 0) {
		shift = av_rescale_q(st->shift_us, AV_TIME_BASE_Q, tb);
		if (pkt->pts != AV_NOPTS_VALUE)
			pkt->pts += shift;
		if (pkt->dts != AV_NOPTS_VALUE)
			pkt->dts += shift;
	}
	t = item_us(s, pkt->stream_index, pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts);
	end = t == AV_NOPTS_VALUE ? st->q.end_us : t + (pkt->duration > 0 ?
	    av_rescale_q(pkt->duration, tb, AV_TIME_BASE_Q) : 0);
	if (st == &s->v && !st->started) {
		/*
		 * Decoding starts at a keyframe within PREROLL_US of the join (or
		 * anyhow, KEY_WAIT_US after it: some streams flag none).
		 */
		if (t != AV_NOPTS_VALUE && t > st->waited_us)
			st->waited_us = t;
		if (t == AV_NOPTS_VALUE || t < -PREROLL_US || (!(pkt->flags & AV_PKT_FLAG_KEY) &&
		    st->waited_us < KEY_WAIT_US)) {
			av_packet_unref(pkt);
			s->skipped++;
			return 0;
		}
		st->started = 1;
	}
	if (st == &s->a) {
		if (t != AV_NOPTS_VALUE && end < -AUDIO_PREROLL_US) {
			av_packet_unref(pkt);
			s->skipped++;
			st->next_pts = AV_NOPTS_VALUE;
			return 0;
		}
		/*
		 * A time stamp that only continues the last packet's may be made up
		 * by the demuxer, wrongly (MPEG-TS AAC after a sample rate change
		 * counts frames at the old rate): such frames follow the last ones.
		 */
		next = pkt->pts != AV_NOPTS_VALUE && pkt->duration > 0 ? pkt->pts + pkt->duration :
		    AV_NOPTS_VALUE;
		if (pkt->pts != AV_NOPTS_VALUE && st->next_pts != AV_NOPTS_VALUE &&
		    llabs(pkt->pts - st->next_pts) <= 1 + av_rescale_q(1000, (AVRational){ 1,
		    1000000 }, tb))
			pkt->pts = pkt->dts = AV_NOPTS_VALUE;   /* within 1 ms: the demuxer's */
		st->next_pts = next;
	}
	pktq_put(&st->q, pkt, end);
	return 0;
}

/* Is the other stream's queue as full as it may get? */
static int
over_cap(struct source *s, const struct stream *other, int64_t aired_us)
{
	if (other->idx < 0 || other->q.n == 0)
		return 0;
	return other->q.end_us - aired_us > QUEUE_US || other->q.bytes > QUEUE_BYTES;
}

/*
 * Feed st's decoder one packet: 0, AVERROR(EAGAIN) when none is within
 * reach (bounded), or an error. At the end of the file the decoder is
 * flushed.
 */
static int
feed(struct source *s, struct stream *st, int bounded, char **cause)
{
	struct stream *other = st == &s->v ? &s->a : &s->v;
	AVPacket *p;
	int64_t aired = st == &s->v ? audio_us(s) : slot_us(s, s->vout), t;
	int ret;

	if (st->held != NULL) {
		p = st->held;
		st->held = NULL;
	} else {
		while (st->q.n == 0 && !s->demux_eof) {
			if (over_cap(s, other, aired) || (bounded && s->reads >= MAX_PACKETS))
				return AVERROR(EAGAIN);
			ret = demux(s, cause);
			s->reads++;
			if (ret < 0 && ret != AVERROR_EOF)
				return ret;
		}
		if ((p = pktq_get(&st->q)) == NULL) {
			/* The file is done: flush the decoder (once; then it is done too). */
			if (st->flushing)
				return AVERROR_EOF;
			st->flushing = 1;
			avcodec_send_packet(st->dec, NULL);
			return 0;
		}
	}
	if (st == &s->v) {
		/* Before the join only reference frames matter; the others are dropped anyway. */
		t = item_us(s, st->idx, p->pts != AV_NOPTS_VALUE ? p->pts : p->dts);
		st->dec->skip_frame = t != AV_NOPTS_VALUE && t < -4 * frame_us(s) ?
		    AVDISCARD_NONREF : AVDISCARD_DEFAULT;
	}
	ret = avcodec_send_packet(st->dec, p);
	if (ret == AVERROR(EAGAIN)) {
		st->held = p;
		return 0;
	}
	av_packet_free(&p);
	if (ret < 0 && ret != AVERROR_EOF)
		return bad(s, ret, cause);
	return 0;
}

/*
 * The next normalised picture into s->next (pts in item us): 0,
 * AVERROR(EAGAIN) when it is not within reach for now, AVERROR_EOF, or an
 * error.
 */
static int
next_picture(struct source *s, int bounded, char **cause)
{
	AVRational tb;
	int ret;

	for (;;) {
		if (s->nready > 0) {
			s->next = s->ready[0];
			memmove(s->ready, s->ready + 1, (READY_MAX - 1) * sizeof *s->ready);
			s->nready--;
			return 0;
		}
		if (s->vg != NULL) {
			ret = av_buffersink_get_frame(s->vsink, s->dec);
			if (ret >= 0) {
				tb = av_buffersink_get_time_base(s->vsink);
				s->next = av_frame_alloc();
				av_frame_move_ref(s->next, s->dec);
				s->next->pts = av_rescale_q(s->next->pts, tb, AV_TIME_BASE_Q);
				return 0;
			}
			if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
				set_cause(cause, "%s: video filters: %s", s->path, av_err2str(ret));
				return ret;
			}
		}
		if (s->v.done)
			return AVERROR_EOF;
		if (bounded && s->work >= MAX_FRAMES)
			return AVERROR(EAGAIN);
		ret = avcodec_receive_frame(s->v.dec, s->dec);
		if (ret >= 0) {
			s->work++;
			s->decoded++;
			if ((ret = push_video(s, s->dec, cause)) < 0)
				return ret;
			continue;
		}
		if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
			if ((ret = bad(s, ret, cause)) < 0)
				return ret;
			continue;
		}
		if (ret == AVERROR(EAGAIN) && (ret = feed(s, &s->v, bounded, cause)) >= 0)
			continue;
		if (ret == AVERROR_EOF) {
			/* All decoded: the last picture before the join, then end the graph. */
			s->v.done = 1;
			if (s->held_pic->buf[0] != NULL) {
				av_frame_move_ref(s->dec, s->held_pic);
				if ((ret = send_picture(s, s->dec, cause)) < 0)
					return ret;
			}
			drain_video(s);
			continue;
		}
		return ret;             /* out of reach for now, or an error */
	}
}

/* Move on to the pictures that start before thr. */
static int
advance(struct source *s, int64_t thr, int bounded, char **cause)
{
	int ret;

	for (;;) {
		if (s->next == NULL) {
			ret = next_picture(s, bounded, cause);
			if (ret == AVERROR(EAGAIN))
				return 0;
			if (ret == AVERROR_EOF) {
				s->video_eof = 1;
				return 0;
			}
			if (ret < 0)
				return ret;
		}
		if (s->next->pts >= thr)
			return 0;
		if (s->cur != NULL && s->next->pts > s->cur->pts)
			s->interval_us = s->next->pts - s->cur->pts;
		av_frame_free(&s->cur);
		s->cur = s->next;
		s->next = NULL;
	}
}

/* A black picture of the channel's size. */
static int
make_black(struct source *s)
{
	AVFrame *f = av_frame_alloc();
	int ret, y;

	f->format = AV_PIX_FMT_YUV420P;
	f->width = s->conf.width;
	f->height = s->conf.height;
	f->sample_aspect_ratio = channel_sar(s);
	if ((ret = av_frame_get_buffer(f, 0)) < 0) {
		av_frame_free(&f);
		return ret;
	}
	for (y = 0; y < f->height; y++)
		memset(f->data[0] + (size_t)y * f->linesize[0], 16, (size_t)f->width);
	for (y = 0; y < (f->height + 1) / 2; y++) {
		memset(f->data[1] + (size_t)y * f->linesize[1], 128, (size_t)(f->width + 1) / 2);
		memset(f->data[2] + (size_t)y * f->linesize[2], 128, (size_t)(f->width + 1) / 2);
	}
	s->black = f;
	return 0;
}

/* The black picture, made when first wanted (most files never need it); NULL: no memory. */
static const AVFrame *
black(struct source *s)
{
	if (s->black == NULL && make_black(s) < 0)
		return NULL;
	return s->black;
}

/* Clamp a gain. */
static double
clamp_gain(double g)
{
	return g > GAIN_MAX ? GAIN_MAX : g < GAIN_MIN ? GAIN_MIN : g;
}

/* The loudness target. */
static double
target(const struct source *s)
{
	return s->conf.loudness_target < 0 ? s->conf.loudness_target : -24.0;
}

/* Measure, follow the measure (unknown loudness), apply the gain to f. */
static void
level(struct source *s, AVFrame *f)
{
	float *l = (float *)f->extended_data[0], *r = (float *)f->extended_data[1];
	int64_t pos = s->a_pos;
	double g0 = s->gain, g1, step, lufs, a0, a1;
	int i, from = 0, n = f->nb_samples;

	if (pos < s->measured_to)
		from = (int)(s->measured_to - pos < n ? s->measured_to - pos : n);
	if (from < n)
		loudness_add(s->meter, l + from, r + from, n - from);
	if (s->auto_gain && loudness_seconds(s->meter) >= PRESCAN_MIN_S) {
		lufs = loudness_integrated(s->meter);
		if (isfinite(lufs))
			s->gain_want = clamp_gain(target(s) - lufs);
	}
	g1 = s->gain_want;
	step = GAIN_RAMP_DB * n / OUTPUT_SAMPLE_RATE;
	if (g1 > g0 + step)
		g1 = g0 + step;
	else if (g1 < g0 - step)
		g1 = g0 - step;
	s->gain = g1;
	if (g0 == 0 && g1 == 0)
		return;
	a0 = pow(10, g0 / 20);
	a1 = pow(10, g1 / 20);
	for (i = 0; i < n; i++) {
		float k = (float)(a0 + (a1 - a0) * i / n);

		l[i] *= k;
		r[i] *= k;
	}
}

/* A new resampler for frames like f, starting at output position e0. */
static int
new_swr(struct source *s, const AVFrame *f, int64_t e0, char **cause)
{
	AVChannelLayout in = { 0 }, out = AV_CHANNEL_LAYOUT_STEREO;
	int ret;

	swr_free(&s->swr);
	if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || f->ch_layout.nb_channels == 0)
		av_channel_layout_default(&in, f->ch_layout.nb_channels > 0 ?
		    f->ch_layout.nb_channels : 2);
	else
		av_channel_layout_copy(&in, &f->ch_layout);
	ret = swr_alloc_set_opts2(&s->swr, &out, AV_SAMPLE_FMT_FLTP, OUTPUT_SAMPLE_RATE, &in,
	    f->format, f->sample_rate, 0, NULL);
	av_channel_layout_uninit(&in);
	if (ret >= 0)
		ret = swr_init(s->swr);
	if (ret < 0) {
		set_cause(cause, "%s: audio of %d Hz, %d channels: %s", s->path, f->sample_rate,
		    f->ch_layout.nb_channels, av_err2str(ret));
		swr_free(&s->swr);
		return ret;
	}
	s->asr = f->sample_rate;
	s->afmt = f->format;
	av_channel_layout_uninit(&s->alayout);
	av_channel_layout_copy(&s->alayout, &f->ch_layout);
	s->a_e0 = e0;
	s->a_fed = 0;
	return 0;
}

/* Where the resampler's input has got to, as an output position. */
static int64_t
audio_fed_pos(const struct source *s)
{
	return s->a_e0 + (s->swr != NULL ? av_rescale(s->a_fed, OUTPUT_SAMPLE_RATE, s->asr) : 0);
}

/* Resample n input samples (from in, or silence when in is NULL) into frame. */
static int
convert(struct source *s, const uint8_t **in, int n, AVFrame *frame)
{
	int ret, cap = swr_get_out_samples(s->swr, n);

	if (cap <= 0) {
		s->a_fed += n;
		return 0;
	}
	frame->format = AV_SAMPLE_FMT_FLTP;
	frame->sample_rate = OUTPUT_SAMPLE_RATE;
	av_channel_layout_uninit(&frame->ch_layout);
	av_channel_layout_default(&frame->ch_layout, 2);
	frame->nb_samples = cap;
	if ((ret = av_frame_get_buffer(frame, 0)) < 0)
		return ret;
	ret = swr_convert(s->swr, frame->extended_data, cap, in, n);
	if (ret < 0) {
		av_frame_unref(frame);
		return ret;
	}
	s->a_fed += n;
	frame->nb_samples = ret;
	if (ret == 0)
		av_frame_unref(frame);
	return 0;
}

/* Feed a gap's silence, in the resampler's input format. */
static int
convert_silence(struct source *s, AVFrame *frame)
{
	AVFrame *z = av_frame_alloc();
	int n = s->gap > SILENCE_CHUNK ? SILENCE_CHUNK : (int)s->gap, ret;

	z->format = s->afmt;
	z->sample_rate = s->asr;
	av_channel_layout_copy(&z->ch_layout, &s->alayout);
	z->nb_samples = n;
	if ((ret = av_frame_get_buffer(z, 0)) >= 0) {
		av_samples_set_silence(z->extended_data, 0, n, z->ch_layout.nb_channels, z->format);
		ret = convert(s, (const uint8_t **)z->extended_data, n, frame);
		s->gap -= n;
	}
	av_frame_free(&z);
	return ret;
}

/* Convert what is left of s->afr (after a_skip samples) and let it go. */
static int
convert_frame(struct source *s, AVFrame *frame)
{
	AVFrame *f = s->afr;
	const uint8_t *ptrs[64], **in = ptrs;
	int nch = f->ch_layout.nb_channels, planar = av_sample_fmt_is_planar(f->format);
	int bps = av_get_bytes_per_sample(f->format), n = f->nb_samples - s->a_skip, i, ret;

	if (planar && nch > 64)
		in = xreallocarray(NULL, (size_t)nch, sizeof *in);
	for (i = 0; i < (planar ? nch : 1); i++)
		in[i] = f->extended_data[i] + (size_t)s->a_skip * bps * (planar ? 1 : nch);
	ret = n > 0 ? convert(s, in, n, frame) : 0;
	if (in != ptrs)
		free(in);
	av_frame_free(&s->afr);
	s->a_skip = 0;
	return ret;
}

/* Drain the resampler into frame (it may stay empty). */
static int
flush_swr(struct source *s, AVFrame *frame)
{
	int ret, cap;

	if (s->swr == NULL)
		return 0;
	cap = swr_get_out_samples(s->swr, 0) + 64;
	frame->format = AV_SAMPLE_FMT_FLTP;
	frame->sample_rate = OUTPUT_SAMPLE_RATE;
	av_channel_layout_uninit(&frame->ch_layout);
	av_channel_layout_default(&frame->ch_layout, 2);
	frame->nb_samples = cap;
	if ((ret = av_frame_get_buffer(frame, 0)) < 0)
		return ret;
	ret = swr_convert(s->swr, frame->extended_data, cap, NULL, 0);
	swr_free(&s->swr);
	if (ret <= 0) {
		av_frame_unref(frame);
		return ret < 0 ? ret : 0;
	}
	frame->nb_samples = ret;
	return 0;
}

/*
 * Place a decoded audio frame (s->dec) by its time: a new format drains
 * the old resampler into frame; a gap becomes silence to feed first, an
 * overlap samples to skip. The frame waits in s->afr.
 */
static int
place_audio(struct source *s, AVFrame *frame, char **cause)
{
	AVFrame *f = s->dec;
	int64_t t = item_us(s, s->a.idx, f->best_effort_timestamp), p, e, d;
	int ret;

	if (f->sample_rate <= 0 || f->ch_layout.nb_channels <= 0) {
		av_frame_unref(f);
		return 0;
	}
	e = audio_fed_pos(s);
	if (s->swr == NULL || f->sample_rate != s->asr || f->format != s->afmt ||
	    av_channel_layout_compare(&f->ch_layout, &s->alayout) != 0) {
		if (s->swr != NULL) {
			log_info("%s: the sound changes to %d Hz, %d channels at %.3f s", s->path,
			    f->sample_rate, f->ch_layout.nb_channels, (double)(t + s->offset_us) / 1e6);
			if ((ret = flush_swr(s, frame)) < 0)
				return ret;
		}
		if ((ret = new_swr(s, f, e, cause)) < 0) {
			av_frame_unref(f);
			return ret;
		}
		s->a_placed = 0;        /* a new format is placed exactly */
	}
	s->afr = av_frame_alloc();
	av_frame_move_ref(s->afr, f);
	/* No time of its own: right after the last one. */
	if (t == AV_NOPTS_VALUE)
		t = s->a_next_us;
	if (t == AV_NOPTS_VALUE)
		return 0;
	s->a_next_us = t + av_rescale(s->afr->nb_samples, 1000000, s->afr->sample_rate);
	p = av_rescale(t, OUTPUT_SAMPLE_RATE, 1000000);
	d = p - e;
	if (s->a_placed && llabs(d) <= av_rescale(AUDIO_SLACK_US, OUTPUT_SAMPLE_RATE, 1000000))
		d = 0;
	if (d > 0) {
		if (s->a_placed)
			log_info("%s: %.3f s without sound at %.3f s: silence", s->path,
			    (double)d / OUTPUT_SAMPLE_RATE, (double)(t + s->offset_us) / 1e6);
		s->gap = av_rescale(d, s->asr, OUTPUT_SAMPLE_RATE);
	} else if (d < 0) {
		if (s->a_placed)
			log_debug("%s: the sound overlaps by %.3f s at %.3f s: cut", s->path,
			    (double)-d / OUTPUT_SAMPLE_RATE, (double)(t + s->offset_us) / 1e6);
		d = av_rescale(-d, s->asr, OUTPUT_SAMPLE_RATE);
		if (d >= s->afr->nb_samples)
			av_frame_free(&s->afr);         /* wholly before where we are */
		else
			s->a_skip = (int)d;
	}
	if (s->afr != NULL)
		s->a_placed = 1;
	return 0;
}

/* The next resampled audio into frame: 0 (frame may be empty), EAGAIN, EOF, or an error. */
static int
audio_step(struct source *s, AVFrame *frame, char **cause)
{
	int ret;

	if (s->afr != NULL) {
		if (s->gap > 0)
			return convert_silence(s, frame);
		return convert_frame(s, frame);
	}
	if (s->a.done) {
		if (s->swr != NULL)
			return flush_swr(s, frame);
		return AVERROR_EOF;
	}
	ret = avcodec_receive_frame(s->a.dec, s->dec);
	if (ret >= 0)
		return place_audio(s, frame, cause);
	if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF)
		return bad(s, ret, cause);
	if (ret == AVERROR(EAGAIN))
		ret = feed(s, &s->a, 1, cause);
	if (ret == AVERROR_EOF) {
		s->a.done = 1;
		return 0;
	}
	return ret;
}

static int draw_still(struct source *s, const char *desc, char **cause);

/* Draw the title card of a file without video. */
static int
draw_title(struct source *s, char **cause)
{
	const char *title = s->conf.title, *base;
	char *name = NULL, *wrapped, *text, *font, *face, *desc, *dot;
	int h = s->conf.height, ret;

	if (title == NULL || *title == '\0') {
		base = strrchr(s->path, '/');
		name = xstrdup(base != NULL ? base + 1 : s->path);
		if ((dot = strrchr(name, '.')) != NULL && dot != name)
			*dot = '\0';
		title = name;
	}
	wrapped = text_wrap(title, 30, 3);
	text = text_value(wrapped);
	face = text_font(1);
	font = text_value(face);
	free(face);
	xasprintf(&desc, "color=c=0x101828:size=%dx%d:rate=%d/%d,drawtext=fontfile=%s:"
	    "expansion=none:text=%s:fontcolor=white:fontsize=%d:line_spacing=%d:"
	    "x=(w-text_w)/2:y=(h-text_h)/2,format=yuv420p", s->conf.width, s->conf.height,
	    s->conf.fps_num, s->conf.fps_den, font, text, h / 14 > 8 ? h / 14 : 8, h / 60);
	ret = draw_still(s, desc, cause);
	free(desc);
	free(font);
	free(text);
	free(wrapped);
	free(name);
	return ret;
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

/*
 * Choosing the audio: languages, the file's default, commentary and audio
 * description (never aired unless asked for by name or number).
 */

/* Codes of one language: ISO 639-2/B, 639-2/T and 639-1 as files carry them. */
static const char *const lang_codes[][3] = {
	{ "eng", "en", NULL }, { "spa", "es", NULL }, { "fre", "fra", "fr" },
	{ "ger", "deu", "de" }, { "ita", "it", NULL }, { "por", "pt", NULL },
	{ "dut", "nld", "nl" }, { "jpn", "ja", NULL }, { "chi", "zho", "zh" },
	{ "kor", "ko", NULL }, { "rus", "ru", NULL }, { "pol", "pl", NULL },
	{ "swe", "sv", NULL }, { "nor", "no", NULL }, { "dan", "da", NULL },
	{ "fin", "fi", NULL }, { "cze", "ces", "cs" }, { "gre", "ell", "el" },
	{ "tur", "tr", NULL }, { "ara", "ar", NULL }, { "heb", "he", NULL },
	{ "hin", "hi", NULL }, { "hun", "hu", NULL }, { "rum", "ron", "ro" },
	{ "slo", "slk", "sk" }, { "per", "fas", "fa" }, { "ice", "isl", "is" },
	{ "wel", "cym", "cy" }, { "may", "msa", "ms" }, { "ukr", "uk", NULL },
	{ "vie", "vi", NULL }, { "tha", "th", NULL }, { "cat", "ca", NULL },
};

/* Do two language codes name the same language? */
static int
lang_same(const char *a, const char *b)
{
	size_t i, j, k;

	if (strcasecmp(a, b) == 0)
		return 1;
	for (i = 0; i < nitems(lang_codes); i++) {
		for (j = 0; j < 3 && lang_codes[i][j] != NULL; j++) {
			if (strcasecmp(a, lang_codes[i][j]) != 0)
				continue;
			for (k = 0; k < 3 && lang_codes[i][k] != NULL; k++) {
				if (strcasecmp(b, lang_codes[i][k]) == 0)
					return 1;
			}
		}
	}
	return 0;
}

/* Words in a track's title that mark commentary or audio description. */
static const char *const extra_words[] = {
	"comment", "kommentar", "descripti", "described", "narrat", "audiodeskription",
	"audio description", "karaoke",
};

/* A track a viewer never gets by accident: commentary, audio description. */
static int
audio_is_extra(const AVStream *st)
{
	AVDictionaryEntry *t = av_dict_get(st->metadata, "title", NULL, 0);
	size_t i;

	if (st->disposition & (AV_DISPOSITION_COMMENT | AV_DISPOSITION_VISUAL_IMPAIRED |
	    AV_DISPOSITION_DESCRIPTIONS | AV_DISPOSITION_HEARING_IMPAIRED |
	    AV_DISPOSITION_KARAOKE))
		return 1;
	for (i = 0; t != NULL && i < nitems(extra_words); i++) {
		if (strcasestr(t->value, extra_words[i]) != NULL)
			return 1;
	}
	return 0;
}

/* Is stream i audio (and, when want_lang is not NULL, in that language)? */
static int
audio_in(const struct source *s, unsigned i, const char *want_lang)
{
	AVStream *st = s->ic->streams[i];
	AVDictionaryEntry *lang;

	if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO ||
	    (st->disposition & AV_DISPOSITION_ATTACHED_PIC))
		return 0;
	if (want_lang == NULL)
		return 1;
	lang = av_dict_get(st->metadata, "language", NULL, 0);
	return lang != NULL && lang_same(lang->value, want_lang);
}

/*
 * The track in language lang (NULL: any): its default one, else its
 * first, not commentary or description (extras: those too, after the
 * others). -1 if none.
 */
static int
audio_find(const struct source *s, const char *lang, int extras)
{
	unsigned i;
	int first = -1, dflt = -1, extra = -1;

	for (i = 0; i < s->ic->nb_streams; i++) {
		if (!audio_in(s, i, lang))
			continue;
		if (audio_is_extra(s->ic->streams[i])) {
			if (extra < 0)
				extra = (int)i;
			continue;
		}
		if (first < 0)
			first = (int)i;
		if (dflt < 0 && (s->ic->streams[i]->disposition & AV_DISPOSITION_DEFAULT))
			dflt = (int)i;
	}
	return dflt >= 0 ? dflt : first >= 0 ? first : extras ? extra : -1;
}

/* The track a per-item override names: a language, or the Nth audio track; -1 if none. */
static int
audio_override(const struct source *s, const char *o)
{
	long long n;
	unsigned i;

	if (parse_int(o, 1, 64, &n) == 0) {
		for (i = 0; i < s->ic->nb_streams; i++) {
			if (audio_in(s, i, NULL) && --n == 0)
				return (int)i;
		}
		return -1;
	}
	return audio_find(s, o, 1);
}

/* The first language of list (comma-separated) the file has a track in; -1 if none. */
static int
audio_by_languages(const struct source *s, const char *list)
{
	char *copy, *lang, *save = NULL;
	int i = -1;

	if (list == NULL || *list == '\0')
		return -1;
	copy = xstrdup(list);
	for (lang = strtok_r(copy, ", ", &save); lang != NULL && i < 0;
	    lang = strtok_r(NULL, ", ", &save))
		i = audio_find(s, lang, 0);
	free(copy);
	return i;
}

/*
 * The audio stream: the item's override, else the channel's first
 * language the file has, else the file's default, else its first (what is
 * not commentary or description before what is); -1 if none.
 */
static int
pick_audio(struct source *s)
{
	const char *o = s->conf.audio_override;
	int i;

	if (o != NULL && *o != '\0') {
		if ((i = audio_override(s, o)) >= 0)
			return i;
		log_warn("%s has no audio track '%s' (the item's choice); choosing by the "
		    "channel's languages", s->path, o);
	}
	if ((i = audio_by_languages(s, s->conf.language)) >= 0)
		return i;
	return audio_find(s, NULL, 1);
}

/* The SAP's stream: the file's track in the SAP language; -1: the main audio. */
static int
pick_sap(struct source *s)
{
	const char *lang = s->conf.sap_language;

	if (lang == NULL || *lang == '\0' || s->a.idx < 0)
		return -1;
	return audio_find(s, lang, 0);
}

/* The video stream, not cover art; -1 if none. */
static int
pick_video(struct source *s)
{
	int i = av_find_best_stream(s->ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);

	if (i < 0 || (s->ic->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC))
		return -1;
	return i;
}

/* Open path with an interrupt callback and a short analysis. */
static int
open_file(const struct source *s, AVFormatContext **icp, char **cause)
{
	int ret;

	*icp = avformat_alloc_context();
	(*icp)->interrupt_callback = s->conf.interrupt;
	/* Tune-in time: 2 s of analysis finds every stream a real file has. */
	(*icp)->max_analyze_duration = 2 * AV_TIME_BASE;
	if (media_open_input(icp, s->path, cause) < 0)
		return -1;
	if ((ret = avformat_find_stream_info(*icp, NULL)) < 0) {
		set_cause(cause, "cannot read %s: %s", s->path, av_err2str(ret));
		avformat_close_input(icp);
		return -1;
	}
	return 0;
}

/*
 * Measure the loudness of the first PRESCAN_US from the join with a
 * second reader, so an item of unknown loudness starts at about the right
 * gain. Quietly nothing when it cannot.
 */
static void
prescan(struct source *s)
{
	AVFormatContext *ic = NULL;
	AVCodecContext *dec = NULL;
	SwrContext *swr = NULL;
	AVChannelLayout in = { 0 }, out = AV_CHANNEL_LAYOUT_STEREO;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *f = av_frame_alloc(), *o = av_frame_alloc();
	const AVCodec *codec;
	AVStream *st;
	int64_t t, ts, got = 0, end = 0;
	unsigned i;
	int ret, eof = 0, rate = 0, fmt = -1;

	if (open_file(s, &ic, NULL) < 0 || (unsigned)s->a.idx >= ic->nb_streams)
		goto out;
	st = ic->streams[s->a.idx];
	/* The picture is read too (not decoded): it tells when PRESCAN_US is over. */
	for (i = 0; i < ic->nb_streams; i++)
		ic->streams[i]->discard = (int)i == s->a.idx || (int)i == s->v.idx ?
		    AVDISCARD_DEFAULT : AVDISCARD_ALL;
	if (s->offset_us > 0) {
		ts = s->start_us + s->offset_us;
		if (avformat_seek_file(ic, -1, INT64_MIN, ts, ts, 0) < 0)
			goto out;
	}
	if ((codec = avcodec_find_decoder(st->codecpar->codec_id)) == NULL ||
	    (dec = avcodec_alloc_context3(codec)) == NULL ||
	    avcodec_parameters_to_context(dec, st->codecpar) < 0)
		goto out;
	dec->pkt_timebase = st->time_base;
	if (avcodec_open2(dec, codec, NULL) < 0)
		goto out;
	while (!eof && got < (int64_t)OUTPUT_SAMPLE_RATE * (PRESCAN_US / 1000000)) {
		ret = av_read_frame(ic, pkt);
		if (ret >= 0 && pkt->dts != AV_NOPTS_VALUE && av_rescale_q(pkt->dts,
		    ic->streams[pkt->stream_index]->time_base, AV_TIME_BASE_Q) - s->start_us -
		    s->offset_us > PRESCAN_US) {
			av_packet_unref(pkt);
			ret = AVERROR_EOF;
		}
		if (ret < 0) {
			eof = 1;
			avcodec_send_packet(dec, NULL);
		} else if (pkt->stream_index != s->a.idx) {
			av_packet_unref(pkt);
			continue;
		} else {
			avcodec_send_packet(dec, pkt);
			av_packet_unref(pkt);
		}
		while (avcodec_receive_frame(dec, f) >= 0) {
			t = av_rescale_q(f->best_effort_timestamp, st->time_base, AV_TIME_BASE_Q) -
			    s->start_us - s->offset_us;
			if (f->best_effort_timestamp == AV_NOPTS_VALUE || t < 0 ||
			    t > PRESCAN_US || f->sample_rate <= 0) {
				av_frame_unref(f);
				continue;
			}
			if (swr == NULL || f->sample_rate != rate || f->format != fmt ||
			    av_channel_layout_compare(&f->ch_layout, &in) != 0) {
				/* A new format: another resampler (a few samples lost, no matter). */
				swr_free(&swr);
				av_channel_layout_uninit(&in);
				rate = f->sample_rate;
				fmt = f->format;
				if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
					av_channel_layout_default(&in, f->ch_layout.nb_channels);
				else
					av_channel_layout_copy(&in, &f->ch_layout);
				if (swr_alloc_set_opts2(&swr, &out, AV_SAMPLE_FMT_FLTP,
				    OUTPUT_SAMPLE_RATE, &in, f->format, f->sample_rate, 0, NULL) < 0 ||
				    swr_init(swr) < 0)
					goto out;
			}
			o->format = AV_SAMPLE_FMT_FLTP;
			o->sample_rate = OUTPUT_SAMPLE_RATE;
			av_channel_layout_default(&o->ch_layout, 2);
			o->nb_samples = swr_get_out_samples(swr, f->nb_samples);
			if (o->nb_samples > 0 && av_frame_get_buffer(o, 0) >= 0) {
				ret = swr_convert(swr, o->extended_data, o->nb_samples,
				    (const uint8_t **)f->extended_data, f->nb_samples);
				if (ret > 0) {
					loudness_add(s->meter, (float *)o->extended_data[0],
					    (float *)o->extended_data[1], ret);
					got += ret;
					end = av_rescale(t, OUTPUT_SAMPLE_RATE, 1000000) + ret;
				}
			}
			av_frame_unref(o);
			av_frame_unref(f);
		}
	}
	s->measured_to = end;
out:
	swr_free(&swr);
	av_channel_layout_uninit(&in);
	avcodec_free_context(&dec);
	avformat_close_input(&ic);
	av_packet_free(&pkt);
	av_frame_free(&f);
	av_frame_free(&o);
}

/* Forget what was read, for another seek. */
static void
reset_read(struct source *s)
{
	int i;

	pktq_free(&s->v.q);
	pktq_free(&s->a.q);
	av_packet_free(&s->v.held);
	av_packet_free(&s->a.held);
	if (s->v.dec != NULL)
		avcodec_flush_buffers(s->v.dec);
	if (s->a.dec != NULL)
		avcodec_flush_buffers(s->a.dec);
	s->v.started = s->v.idx < 0;
	s->v.flushing = s->v.done = s->a.flushing = s->a.done = 0;
	s->v.waited_us = s->a.waited_us = INT64_MIN;
	s->v.last_dts_us = s->a.last_dts_us = AV_NOPTS_VALUE;
	s->v.next_pts = s->a.next_pts = AV_NOPTS_VALUE;
	s->v.shift_us = s->a.shift_us = 0;
	avfilter_graph_free(&s->vg);
	av_frame_unref(s->held_pic);
	for (i = 0; i < s->nready; i++)
		av_frame_free(&s->ready[i]);
	s->nready = 0;
	av_frame_free(&s->cur);
	av_frame_free(&s->next);
	s->video_eof = s->demux_eof = 0;
	s->last_pic_us = -frame_us(s);
}

/*
 * Get to the join: seek to the keyframe before it and decode up to it, so
 * that the picture at item time 0 is ready. A seek without an index (an
 * MPEG-TS) may land past that keyframe: then again from further back.
 */
static int
join(struct source *s, char **cause)
{
	int64_t back = 0, ts, late;
	int tries, ret, seekable = 1;

	for (tries = 0;; tries++) {
		if (s->offset_us > 0) {
			s->lead_in = 1;
			ts = s->start_us + s->offset_us - back;
			ret = avformat_seek_file(s->ic, -1, INT64_MIN, ts, ts, 0);
			if (ret < 0) {
				log_warn("%s: cannot seek to %.3f s (%s); skipping to it without "
				    "decoding", s->path, (double)s->offset_us / 1e6, av_err2str(ret));
				seekable = 0;
			}
		}
		if (s->v.idx < 0)
			return 0;
		/* Decode up to the join here, not on the channel's thread. */
		if ((ret = advance(s, frame_us(s) / 2, 0, cause)) < 0)
			return ret;
		if (!seekable || s->offset_us == 0 || s->cur != NULL || s->next == NULL ||
		    (late = s->next->pts) <= frame_us(s) || back >= s->offset_us || tries == 3)
			return 0;
		log_debug("%s: the seek to %.3f s landed %.3f s late; again from further back",
		    s->path, (double)s->offset_us / 1e6, (double)late / 1e6);
		back = back * 2 + late + 1000000;
		if (back > s->offset_us)
			back = s->offset_us;
		reset_read(s);
	}
}

static int open_source(struct source **out, const char *path, int64_t offset_us,
    const struct source_conf *conf, int force_audio, char **cause);

/*
 * The second audio program: when the file has a track in the SAP
 * language (not the main one), a second reader, audio only, on that
 * track, its loudness measured on its own. Quietly the main audio when
 * it cannot.
 */
static void
open_sap(struct source *s)
{
	struct source_conf sc = s->conf;
	char *cause = NULL;
	int idx = pick_sap(s);

	if (idx < 0 || idx == s->a.idx)
		return;
	sc.no_video = 1;
	sc.no_audio = 0;
	sc.gain_db = NAN;
	sc.language = sc.audio_override = sc.sap_language = sc.title = NULL;
	if (open_source(&s->sap, s->path, s->offset_us, &sc, idx, &cause) < 0) {
		log_warn("%s; the second audio program airs the main audio", cause);
		free(cause);
	}
}

/* Open a file. */
int
source_open(struct source **out, const char *path, int64_t offset_us,
    const struct source_conf *conf, char **cause)
{
	return open_source(out, path, offset_us, conf, -1, cause);
}

/* Open a file; force_audio >= 0: that audio stream. */
static int
open_source(struct source **out, const char *path, int64_t offset_us,
    const struct source_conf *conf, int force_audio, char **cause)
{
	struct source *s = xcalloc(1, sizeof *s);
	double lufs;
	unsigned i;

	*out = NULL;
	s->conf = *conf;
	s->path = xstrdup(path);
	s->offset_us = offset_us > 0 ? offset_us : 0;
	s->v.idx = s->a.idx = -1;
	s->v.last_dts_us = s->a.last_dts_us = AV_NOPTS_VALUE;
	s->v.waited_us = s->a.waited_us = INT64_MIN;
	s->v.next_pts = s->a.next_pts = AV_NOPTS_VALUE;
	s->a_next_us = AV_NOPTS_VALUE;
	s->pkt = av_packet_alloc();
	s->dec = av_frame_alloc();
	s->held_pic = av_frame_alloc();
	s->last_pic_us = -frame_us(s);
	s->meter = loudness_new();
	s->auto_gain = !isfinite(conf->gain_db);
	s->gain = s->gain_want = s->auto_gain ? 0 : clamp_gain(conf->gain_db);

	if (open_file(s, &s->ic, cause) < 0)
		goto fail;
	s->ts_discont = (s->ic->iformat->flags & AVFMT_TS_DISCONT) != 0;
	s->v.idx = conf->no_video ? -1 : pick_video(s);
	s->a.idx = conf->no_audio ? -1 : force_audio >= 0 ? force_audio : pick_audio(s);
	if (s->a.idx < 0)
		s->a.idx = -1;
	if (s->v.idx < 0 && s->a.idx < 0) {
		set_cause(cause, "%s has no %s stream", path, conf->no_audio ? "video" :
		    conf->no_video ? "audio" : "video or audio");
		goto fail;
	}
	for (i = 0; i < s->ic->nb_streams; i++) {
		if ((int)i != s->v.idx && (int)i != s->a.idx)
			s->ic->streams[i]->discard = AVDISCARD_ALL;
	}
	if (s->v.idx >= 0 && open_decoder(s, s->v.idx, &s->v.dec, cause) < 0) {
		if (s->a.idx < 0 || conf->no_audio)
			goto fail;
		log_warn("%s; airing its sound with a title card", *cause);
		freep(cause);
		s->ic->streams[s->v.idx]->discard = AVDISCARD_ALL;
		s->v.idx = -1;
	}
	if (s->a.idx >= 0 && open_decoder(s, s->a.idx, &s->a.dec, cause) < 0) {
		if (s->v.idx < 0)
			goto fail;
		log_warn("%s: the audio cannot be decoded; airing silence", path);
		s->ic->streams[s->a.idx]->discard = AVDISCARD_ALL;
		s->a.idx = -1;
		freep(cause);
	}
	if (s->v.idx < 0 && !conf->no_video && draw_title(s, cause) < 0)
		goto fail;
	if (s->v.idx >= 0 || s->a.idx >= 0)
		open_sap(s);
	/* Borrowed: used by open only. */
	s->conf.title = s->conf.language = s->conf.audio_override = s->conf.sap_language = NULL;
	s->start_us = s->ic->start_time != AV_NOPTS_VALUE ? s->ic->start_time : 0;
	s->v.started = s->v.idx < 0;
	if (s->a.idx >= 0 && s->auto_gain) {
		prescan(s);
		lufs = loudness_integrated(s->meter);
		if (loudness_seconds(s->meter) >= PRESCAN_MIN_S && isfinite(lufs))
			s->gain = s->gain_want = clamp_gain(target(s) - lufs);
		log_info("%s: loudness unknown; %s", path, isfinite(lufs) ?
		    "measured ahead, and measuring as it airs" : "measuring as it airs");
	}
	if (join(s, cause) < 0)
		goto fail;
	*out = s;
	return 0;

fail:
	source_free(&s);
	return -1;
}

/*
 * Move an open file to another join: everything read or decoded since the
 * last one is forgotten, then the join is made again (as source_open does).
 */
int
source_seek(struct source *s, int64_t offset_us, char **cause)
{
	if (s->ic == NULL) {
		set_cause(cause, "%s: not a file", s->path);
		return -1;
	}
	reset_read(s);
	swr_free(&s->swr);
	av_frame_free(&s->afr);
	s->a_skip = 0;
	s->gap = s->a_e0 = s->a_fed = s->a_pos = 0;
	s->a_placed = s->audio_done = 0;
	s->a_next_us = AV_NOPTS_VALUE;
	s->vout = s->decoded = s->skipped = 0;
	s->lead_in = 0;
	s->measured_to = 0;
	s->offset_us = offset_us > 0 ? offset_us : 0;
	if (s->sap != NULL && source_seek(s->sap, offset_us, cause) < 0) {
		log_warn("%s; the second audio program airs the main audio", *cause);
		freep(cause);
		source_free(&s->sap);
	}
	return join(s, cause);
}

/*
 * Draw the still picture of a generated source from a lavfi description,
 * made BT.709 as the channel's pictures are: FFmpeg's sources and drawing
 * filters give BT.601 values unless they say otherwise (smptehdbars says
 * BT.709), and scale reads what the picture says.
 */
static int
draw_still(struct source *s, const char *desc, char **cause)
{
	AVFilterGraph *g;
	AVFilterContext *sink;
	char *full;
	int ret;

	g = avfilter_graph_alloc();
	g->nb_threads = 1;
	xasprintf(&full, "%s,scale=out_color_matrix=bt709:"
	    "flags=bicubic+accurate_rnd+full_chroma_int", desc);
	ret = avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", NULL,
	    NULL, g);
	if (ret >= 0)
		ret = link_sources(g, sink, full);
	free(full);
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
	s->v.idx = s->a.idx = -1;
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
	s->v.idx = s->a.idx = -1;
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

/* Is there sound still to come from the file? */
static int
audio_left(const struct source *s)
{
	return s->a.idx >= 0 && !s->audio_done;
}

/* Next video frame. */
int
source_video(struct source *s, AVFrame *frame, char **cause)
{
	const AVFrame *pic;
	int64_t t, end;
	int ret;

	if (s->slate || s->generated || (s->ic != NULL && s->v.idx < 0 && s->card != NULL)) {
		if (s->ic != NULL && !audio_left(s))
			return AVERROR_EOF;
		if ((ret = av_frame_ref(frame, s->card)) < 0)
			return ret;
		frame->pts = s->card_n++;
		return 0;
	}
	if (s->v.idx < 0)
		return AVERROR_EOF;
	t = slot_us(s, s->vout);
	s->work = s->reads = 0;
	if ((ret = advance(s, t + frame_us(s) / 2, 1, cause)) < 0)
		return ret;
	if (s->cur != NULL) {
		pic = s->cur;
		end = s->cur->pts + (s->interval_us > frame_us(s) ? s->interval_us : frame_us(s));
		/* After the last picture: held a while if the sound goes on, then black. */
		if (s->video_eof && t >= end) {
			if (!audio_left(s))
				pic = NULL;
			else if (t >= end + HOLD_US && (pic = black(s)) == NULL)
				return AVERROR(ENOMEM);
		}
	} else if (s->next != NULL && (s->next->pts <= LEADIN_US ||
	    (s->lead_in && s->next->pts <= JOIN_LEADIN_US)))
		pic = s->next;          /* the join (or the file) starts just before its first picture */
	else if (s->video_eof && !audio_left(s))
		pic = NULL;
	else if ((pic = black(s)) == NULL)     /* no picture here (yet) */
		return AVERROR(ENOMEM);
	if (pic == NULL)
		return AVERROR_EOF;
	if ((ret = av_frame_ref(frame, pic)) < 0)
		return ret;
	/*
	 * A picture the next slot replaces is not kept: a frame the source
	 * still held would be copied by every overlay that draws on it.
	 */
	if (pic == s->cur && s->next != NULL &&
	    s->next->pts < slot_us(s, s->vout + 1) + frame_us(s) / 2) {
		t = s->cur->pts;
		av_frame_unref(s->cur);
		s->cur->pts = t;
	}
	frame->pts = s->vout++;
	return 0;
}

/* Next audio frame. */
int
source_audio(struct source *s, AVFrame *frame, char **cause)
{
	int ret, steps;

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
	if (s->a.idx < 0 || s->audio_done)
		return AVERROR_EOF;
	s->work = s->reads = 0;
	for (steps = 0; steps < 4 * MAX_FRAMES; steps++) {
		ret = audio_step(s, frame, cause);
		if (ret == AVERROR_EOF)
			s->audio_done = 1;
		if (ret < 0)
			return ret;
		if (frame->nb_samples > 0 && frame->buf[0] != NULL) {
			level(s, frame);
			frame->pts = s->a_pos;
			s->a_pos += frame->nb_samples;
			return 0;
		}
	}
	return AVERROR(EAGAIN);
}

/* Next SAP audio frame. */
int
source_sap_audio(struct source *s, AVFrame *frame, char **cause)
{
	if (s->sap == NULL)
		return AVERROR(ENOENT);
	return source_audio(s->sap, frame, cause);
}

/* The tracks aired. */
void
source_audio_streams(struct source *s, int *main, int *sap)
{
	*main = s->a.idx;
	*sap = s->sap != NULL ? s->sap->a.idx : -1;
}

/* Measured loudness. */
int
source_measured_loudness(struct source *s, double *lufs, double *seconds)
{
	*lufs = s->meter != NULL ? loudness_integrated(s->meter) : NAN;
	*seconds = s->meter != NULL ? loudness_seconds(s->meter) : 0;
	return isfinite(*lufs) ? 0 : -1;
}

/* The gain now. */
double
source_gain(struct source *s)
{
	return s->gain;
}

/* Stats. */
void
source_stats(struct source *s, struct source_stats *st)
{
	memset(st, 0, sizeof *st);
	st->decoded = s->decoded;
	st->skipped = s->skipped;
	st->queued_bytes = s->v.q.bytes + s->a.q.bytes;
	st->queued_packets = (int64_t)(s->v.q.n + s->a.q.n);
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
	int i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	source_free(&s->sap);
	avfilter_graph_free(&s->vg);
	avfilter_graph_free(&s->ag);
	avcodec_free_context(&s->v.dec);
	avcodec_free_context(&s->a.dec);
	av_packet_free(&s->v.held);
	av_packet_free(&s->a.held);
	pktq_free(&s->v.q);
	pktq_free(&s->a.q);
	avformat_close_input(&s->ic);
	av_packet_free(&s->pkt);
	av_frame_free(&s->dec);
	av_frame_free(&s->held_pic);
	for (i = 0; i < s->nready; i++)
		av_frame_free(&s->ready[i]);
	av_frame_free(&s->cur);
	av_frame_free(&s->next);
	av_frame_free(&s->black);
	av_frame_free(&s->afr);
	swr_free(&s->swr);
	av_channel_layout_uninit(&s->alayout);
	loudness_free(&s->meter);
	av_frame_free(&s->card);
	free(s->path);
	free(s->error);
	freep(sp);
}
