/*
 * output.c: encoders and the TS segmenter.
 *
 * One mpegts muxer writes through a custom AVIOContext into a growing
 * buffer. When the keyframe that starts a segment comes out of the
 * encoder, the muxer is flushed (pending audio PES), the buffer becomes an
 * immutable segment in the ring and a new buffer begins; PAT/PMT are sent
 * again so each segment stands alone, and the continuity counters go on, so
 * the segments laid end to end are one valid endless TS. Packets of the two
 * encoders are interleaved by DTS before they reach the muxer, so a cut
 * never leaves earlier audio behind it. Runs on the channel's thread only.
 *
 * The AAC encoder's priming (1024 samples it emits before the first input
 * sample) would start the audio 21 ms before the video, and a player then
 * sees a hole at the start of the video. So the encoder skips the stream's
 * first `prime` samples and its packets are stamped `prime` later: both
 * streams start at 0 and stay in sync (the skipped 21 ms air as the
 * priming's silence).
 *
 * A second audio program (SAP) is a second AAC encoder, primed the same
 * way, whose packets go to the TS as a third stream and, copied, to a
 * second mpegts muxer that holds them alone: its buffer is cut with the
 * main one at every segment boundary and attached to the segment as the
 * ring's OUTPUT_SAP_TRACK (the HLS audio rendition), so both start at the
 * same instant and carry the same time stamps.
 */
#include "engine/output.h"

#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/opt.h>

#include "src/log.h"
#include "src/util.h"

#define PKTQ_MAX 512

struct pktq {
	AVPacket *p[PKTQ_MAX];
	int head, n;
};

/* One AAC encoder and what it is fed (TS stream 1 + its index). */
struct aout {
	AVCodecContext *enc;
	AVAudioFifo *fifo;
	AVFrame *frame;
	struct pktq q;
	int64_t count;                  /* samples encoded */
	int64_t samples;                /* samples taken */
	int prime;                      /* the encoder's priming, in samples */
};

/* A TS muxer writing into a growing buffer. */
struct tsbuf {
	AVFormatContext *oc;
	AVIOContext *pb;
	uint8_t *buf;                   /* the segment being written */
	size_t len, cap;
	int header_done;
	struct output *o;
	int main;                       /* the main TS: also the endless stream */
};

struct output {
	struct output_conf conf;
	struct ring *ring;
	AVCodecContext *venc;
	struct aout a[2];               /* the programme; the SAP (enc NULL: none) */
	int naudio;
	AVPacket *pkt;
	struct pktq qv;
	struct tsbuf ts;                /* video, audio (and the SAP) */
	struct tsbuf sap;               /* the SAP alone (oc NULL: none) */

	int64_t vcount;                 /* video frames taken */
	int64_t bytes;

	int64_t next_cut;               /* frame index of the next segment boundary */
	int ncuts;                      /* boundaries placed so far */
	int catchup;                    /* short segments (output_catchup) */
	int64_t seg_start;              /* frame index the current segment starts at, -1 */
	int seg_frames;
};

/* Frames in ms at the channel's rate (at least one). */
static int64_t
frames_in(const struct output_conf *c, int ms)
{
	int64_t n = av_rescale_rnd(ms, c->fps_num, (int64_t)c->fps_den * 1000, AV_ROUND_NEAR_INF);

	return n < 1 ? 1 : n;
}

/* Wall time of frame v. */
int64_t
output_frame_time(const struct output_conf *c, int64_t v)
{
	return c->t0_us + av_rescale(v, (int64_t)c->fps_den * 1000000, c->fps_num);
}

/* Frames strictly before t. */
int64_t
output_frames_before(const struct output_conf *c, int64_t t_us)
{
	int64_t d = t_us - c->t0_us;

	if (d <= 0)
		return 0;
	return av_rescale_rnd(d, c->fps_num, (int64_t)c->fps_den * 1000000, AV_ROUND_UP);
}

/* Samples before t. */
int64_t
output_samples_before(const struct output_conf *c, int64_t t_us)
{
	int64_t d = t_us - c->t0_us;

	if (d <= 0)
		return 0;
	return av_rescale_rnd(d, OUTPUT_SAMPLE_RATE, 1000000, AV_ROUND_UP);
}

/* The boundary after the current one. */
static void
advance_cut(struct output *o)
{
	o->ncuts++;
	if (o->catchup && o->conf.catchup_ms > 0)
		o->next_cut += frames_in(&o->conf, o->conf.catchup_ms);
	else
		o->next_cut += o->seg_frames;
}

/* Catching up or steady. */
void
output_catchup(struct output *o, int on)
{
	o->catchup = on;
}

/* AVIO write: append to the current segment (of the main TS: the stream reads it too). */
static int
io_write(void *opaque, uint8_t *data, int size)
{
	struct tsbuf *t = opaque;
	size_t need = t->len + (size_t)size;

	if (need > t->cap) {
		t->cap = need > t->cap * 2 ? need : t->cap * 2;
		t->buf = xreallocarray(t->buf, 1, t->cap);
	}
	memcpy(t->buf + t->len, data, (size_t)size);
	t->len = need;
	if (t->main) {
		t->o->bytes += size;
		ring_append(t->o->ring, data, (size_t)size);  /* the TS stream reads it now */
	}
	return size;
}

/* End a muxer's segment: its bytes (taken by the caller) and a new buffer. */
static uint8_t *
take_segment(struct tsbuf *t, size_t *len)
{
	uint8_t *data;

	av_write_frame(t->oc, NULL);            /* flush pending PES */
	avio_flush(t->pb);
	data = xreallocarray(t->buf, 1, t->len > 0 ? t->len : 1);
	*len = t->len;
	t->cap = t->len + t->len / 4 + 4096;
	t->buf = xmalloc(t->cap);
	t->len = 0;
	if (t->oc->priv_data != NULL)
		av_opt_set(t->oc->priv_data, "mpegts_flags", "resend_headers", 0);
	return data;
}

/* Finish the current segment at frame index v and start the next. */
static int
cut(struct output *o, int64_t v)
{
	int64_t start, end;
	uint8_t *data;
	size_t len;

	if (o->seg_start < 0) {
		o->seg_start = v;
		return 0;
	}
	if (o->sap.oc != NULL) {
		/* The rendition's part first: it goes with the segment published next. */
		data = take_segment(&o->sap, &len);
		ring_attach(o->ring, OUTPUT_SAP_TRACK, "ts", data, len);
	}
	data = take_segment(&o->ts, &len);
	start = output_frame_time(&o->conf, o->seg_start);
	end = output_frame_time(&o->conf, v);
	ring_publish(o->ring, data, len, start / 1000, end - start);
	o->seg_start = v;
	return 0;
}

/* Write one packet (owned) to the muxer(s), cutting before a boundary keyframe. */
static int
write_packet(struct output *o, AVPacket *p, char **cause)
{
	AVStream *st = o->ts.oc->streams[p->stream_index];
	AVCodecContext *enc = p->stream_index == 0 ? o->venc : o->a[p->stream_index - 1].enc;
	AVPacket *copy = NULL;
	int ret;

	if (p->stream_index == 0 && (p->flags & AV_PKT_FLAG_KEY))
		cut(o, p->pts);
	av_packet_rescale_ts(p, enc->time_base, st->time_base);
	if (p->stream_index == 2 && o->sap.oc != NULL) {
		copy = av_packet_clone(p);
		if (copy != NULL) {
			copy->stream_index = 0;
			ret = av_write_frame(o->sap.oc, copy);
			av_packet_free(&copy);
			if (ret < 0) {
				av_packet_free(&p);
				set_cause(cause, "muxing the second audio program: %s", av_err2str(ret));
				return ret;
			}
		}
	}
	ret = av_write_frame(o->ts.oc, p);
	av_packet_free(&p);
	if (ret < 0) {
		set_cause(cause, "muxing: %s", av_err2str(ret));
		return ret;
	}
	return 0;
}

/* Push a packet copy into a queue. */
static void
q_push(struct pktq *q, AVPacket *p)
{
	q->p[(q->head + q->n) % PKTQ_MAX] = p;
	q->n++;
}

/* Pop the oldest packet. */
static AVPacket *
q_pop(struct pktq *q)
{
	AVPacket *p = q->p[q->head];

	q->head = (q->head + 1) % PKTQ_MAX;
	q->n--;
	return p;
}

/*
 * Write queued packets in DTS order while every queue has one (or one
 * holds so many that the others are late).
 */
static int
interleave(struct output *o, char **cause)
{
	struct pktq *qs[3], *best;
	AVCodecContext *encs[3], *be;
	AVPacket *h, *b;
	int n = 0, i, all, ret;

	qs[n] = &o->qv;
	encs[n++] = o->venc;
	for (i = 0; i < o->naudio; i++) {
		qs[n] = &o->a[i].q;
		encs[n++] = o->a[i].enc;
	}
	for (;;) {
		best = NULL;
		be = NULL;
		all = 1;
		for (i = 0; i < n; i++) {
			if (qs[i]->n == 0) {
				all = 0;
				continue;
			}
			h = qs[i]->p[qs[i]->head];
			b = best != NULL ? best->p[best->head] : NULL;
			if (b == NULL || av_compare_ts(h->dts, encs[i]->time_base, b->dts,
			    be->time_base) < 0) {
				best = qs[i];
				be = encs[i];
			}
		}
		if (!all) {
			best = NULL;
			for (i = 0; i < n && best == NULL; i++) {
				if (qs[i]->n > PKTQ_MAX / 2)
					best = qs[i];
			}
		}
		if (best == NULL)
			break;
		if ((ret = write_packet(o, q_pop(best), cause)) < 0)
			return ret;
	}
	return 0;
}

/* Collect what an encoder (TS stream index) has ready. */
static int
drain(struct output *o, AVCodecContext *enc, int index, char **cause)
{
	AVPacket *p;
	int ret;

	for (;;) {
		ret = avcodec_receive_packet(enc, o->pkt);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			break;
		if (ret < 0) {
			set_cause(cause, "encoding: %s", av_err2str(ret));
			return ret;
		}
		o->pkt->stream_index = index;
		if (index > 0) {
			o->pkt->pts += o->a[index - 1].prime;
			o->pkt->dts += o->a[index - 1].prime;
		}
		p = av_packet_alloc();
		av_packet_move_ref(p, o->pkt);
		q_push(index == 0 ? &o->qv : &o->a[index - 1].q, p);
	}
	return interleave(o, cause);
}

/* Open the video encoder. */
static int
open_video(struct output *o, char **cause)
{
	const struct output_conf *c = &o->conf;
	const AVCodec *codec;
	AVDictionary *opts = NULL;
	AVCodecContext *e;
	int ret;

	if ((codec = avcodec_find_encoder_by_name("libx264")) == NULL) {
		set_cause(cause, "this FFmpeg has no libx264 encoder");
		return -1;
	}
	e = o->venc = avcodec_alloc_context3(codec);
	e->width = c->width;
	e->height = c->height;
	e->pix_fmt = AV_PIX_FMT_YUV420P;
	e->time_base = (AVRational){ c->fps_den, c->fps_num };
	e->framerate = (AVRational){ c->fps_num, c->fps_den };
	e->sample_aspect_ratio = c->sar_num > 0 && c->sar_den > 0 ?
	    (AVRational){ c->sar_num, c->sar_den } : (AVRational){ 1, 1 };
	/* Every picture is made BT.709 (engine/source.c): say so. */
	e->color_primaries = AVCOL_PRI_BT709;
	e->color_trc = AVCOL_TRC_BT709;
	e->colorspace = AVCOL_SPC_BT709;
	e->color_range = AVCOL_RANGE_MPEG;
	e->gop_size = o->seg_frames;
	e->keyint_min = o->seg_frames;
	e->max_b_frames = 0;
	e->bit_rate = (int64_t)c->video_kbps * 1000;
	e->rc_max_rate = e->bit_rate;
	e->rc_buffer_size = (int)(e->bit_rate * 3 / 2 > INT32_MAX ? INT32_MAX : e->bit_rate * 3 / 2);
	e->thread_count = 1;
	av_dict_set(&opts, "preset", c->preset != NULL ? c->preset : "veryfast", 0);
	av_dict_set(&opts, "tune", "zerolatency", 0);
	av_dict_set(&opts, "forced-idr", "1", 0);
	av_dict_set(&opts, "x264-params", "scenecut=0", 0);
	ret = avcodec_open2(e, codec, &opts);
	av_dict_free(&opts);
	if (ret < 0) {
		set_cause(cause, "opening libx264 (%dx%d, preset %s): %s", c->width, c->height,
		    c->preset, av_err2str(ret));
		return ret;
	}
	return 0;
}

/* Open audio encoder i (0 the programme, 1 the SAP). */
static int
open_audio(struct output *o, int i, char **cause)
{
	struct aout *a = &o->a[i];
	const AVCodec *codec;
	AVCodecContext *e;
	AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
	int ret;

	if ((codec = avcodec_find_encoder(AV_CODEC_ID_AAC)) == NULL) {
		set_cause(cause, "this FFmpeg has no AAC encoder");
		return -1;
	}
	e = a->enc = avcodec_alloc_context3(codec);
	e->sample_fmt = AV_SAMPLE_FMT_FLTP;
	e->sample_rate = OUTPUT_SAMPLE_RATE;
	av_channel_layout_copy(&e->ch_layout, &stereo);
	e->bit_rate = (int64_t)o->conf.audio_kbps * 1000;
	e->time_base = (AVRational){ 1, OUTPUT_SAMPLE_RATE };
	if ((ret = avcodec_open2(e, codec, NULL)) < 0) {
		set_cause(cause, "opening the AAC encoder: %s", av_err2str(ret));
		return ret;
	}
	a->prime = e->initial_padding > 0 ? e->initial_padding : 0;
	a->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, e->frame_size * 4);
	a->frame = av_frame_alloc();
	a->frame->format = AV_SAMPLE_FMT_FLTP;
	a->frame->sample_rate = OUTPUT_SAMPLE_RATE;
	a->frame->nb_samples = e->frame_size;
	av_channel_layout_copy(&a->frame->ch_layout, &stereo);
	if (av_frame_get_buffer(a->frame, 0) < 0) {
		set_cause(cause, "out of memory for audio");
		return -1;
	}
	o->naudio = i + 1;
	return 0;
}

/* Add a stream for an encoder to a muxer; lang (or NULL) for its descriptor. */
static int
add_stream(AVFormatContext *oc, AVCodecContext *enc, const char *lang, char **cause)
{
	AVStream *st = avformat_new_stream(oc, NULL);

	if (st == NULL || avcodec_parameters_from_context(st->codecpar, enc) < 0) {
		set_cause(cause, "cannot add a TS stream");
		return -1;
	}
	st->time_base = (AVRational){ 1, 90000 };
	if (lang != NULL && *lang != '\0')
		av_dict_set(&st->metadata, "language", lang, 0);
	return 0;
}

/* Make a TS muxer into t (its streams added by the caller before tsbuf_start). */
static int
tsbuf_new(struct output *o, struct tsbuf *t, int main, char **cause)
{
	uint8_t *iobuf;
	int ret;

	t->o = o;
	t->main = main;
	if ((ret = avformat_alloc_output_context2(&t->oc, NULL, "mpegts", NULL)) < 0) {
		set_cause(cause, "the mpegts muxer: %s", av_err2str(ret));
		return -1;
	}
	/* Small writes, so the endless TS stream flows smoothly. */
	iobuf = av_malloc(4096);
	t->pb = avio_alloc_context(iobuf, 4096, 1, t, NULL, io_write, NULL);
	t->oc->pb = t->pb;
	t->oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	av_dict_set(&t->oc->metadata, "service_provider", "Retrovue", 0);
	av_dict_set(&t->oc->metadata, "service_name", o->conf.name != NULL ? o->conf.name :
	    "Retrovue", 0);
	t->cap = main ? 1 << 20 : 1 << 16;
	t->buf = xmalloc(t->cap);
	return 0;
}

/* Write a muxer's header. */
static int
tsbuf_start(struct tsbuf *t, char **cause)
{
	int ret;

	if ((ret = avformat_write_header(t->oc, NULL)) < 0) {
		set_cause(cause, "writing the TS header: %s", av_err2str(ret));
		return -1;
	}
	t->header_done = 1;
	return 0;
}

/* Free a muxer and its buffer. */
static void
tsbuf_free(struct tsbuf *t)
{
	if (t->oc != NULL) {
		if (t->header_done)
			av_write_trailer(t->oc);
		avformat_free_context(t->oc);
		t->oc = NULL;
	}
	if (t->pb != NULL) {
		av_freep(&t->pb->buffer);
		avio_context_free(&t->pb);
	}
	freep(&t->buf);
}

/* Open everything. */
int
output_open(struct output **out, const struct output_conf *conf, struct ring *ring,
    char **cause)
{
	struct output *o = xcalloc(1, sizeof *o);
	int sap = conf->sap_language != NULL && *conf->sap_language != '\0';

	*out = NULL;
	o->conf = *conf;
	o->conf.language = o->conf.sap_language = NULL;        /* borrowed: open only */
	o->ring = ring;
	o->seg_frames = (int)frames_in(conf, conf->segment_ms);
	o->seg_start = -1;
	o->pkt = av_packet_alloc();
	if (open_video(o, cause) < 0 || open_audio(o, 0, cause) < 0 ||
	    (sap && open_audio(o, 1, cause) < 0))
		goto fail;
	if (tsbuf_new(o, &o->ts, 1, cause) < 0 || add_stream(o->ts.oc, o->venc, NULL, cause) < 0 ||
	    add_stream(o->ts.oc, o->a[0].enc, conf->language, cause) < 0 ||
	    (sap && add_stream(o->ts.oc, o->a[1].enc, conf->sap_language, cause) < 0))
		goto fail;
	if (sap && (tsbuf_new(o, &o->sap, 0, cause) < 0 ||
	    add_stream(o->sap.oc, o->a[1].enc, conf->sap_language, cause) < 0))
		goto fail;
	if (tsbuf_start(&o->ts, cause) < 0 || (sap && tsbuf_start(&o->sap, cause) < 0))
		goto fail;
	*out = o;
	return 0;

fail:
	output_close(&o);
	return -1;
}

/* One video frame. */
int
output_video(struct output *o, AVFrame *frame, char **cause)
{
	int ret;

	frame->pts = o->vcount;
	frame->pict_type = AV_PICTURE_TYPE_NONE;
	frame->key_frame = 0;
	if (o->vcount == o->next_cut) {
		frame->pict_type = AV_PICTURE_TYPE_I;
		advance_cut(o);
	}
	o->vcount++;
	if ((ret = avcodec_send_frame(o->venc, frame)) < 0) {
		set_cause(cause, "encoding video: %s", av_err2str(ret));
		return ret;
	}
	return drain(o, o->venc, 0, cause);
}

/* Audio samples for encoder i. */
static int
encode_audio(struct output *o, int i, AVFrame *frame, char **cause)
{
	struct aout *a = &o->a[i];
	int ret, skip = 0;

	if (a->samples < a->prime)
		skip = (int)(a->prime - a->samples < frame->nb_samples ? a->prime - a->samples :
		    frame->nb_samples);
	a->samples += frame->nb_samples;
	if (skip < frame->nb_samples) {
		uint8_t *planes[AV_NUM_DATA_POINTERS];
		int c;

		for (c = 0; c < 2 && c < AV_NUM_DATA_POINTERS; c++)
			planes[c] = frame->extended_data[c] + (size_t)skip * sizeof(float);
		if (av_audio_fifo_write(a->fifo, (void **)planes, frame->nb_samples - skip) < 0) {
			set_cause(cause, "out of memory for audio");
			return -1;
		}
	}
	while (av_audio_fifo_size(a->fifo) >= a->enc->frame_size) {
		if ((ret = av_frame_make_writable(a->frame)) < 0)
			return ret;
		av_audio_fifo_read(a->fifo, (void **)a->frame->extended_data, a->enc->frame_size);
		a->frame->pts = a->count;
		a->count += a->enc->frame_size;
		if ((ret = avcodec_send_frame(a->enc, a->frame)) < 0) {
			set_cause(cause, "encoding audio: %s", av_err2str(ret));
			return ret;
		}
		if ((ret = drain(o, a->enc, i + 1, cause)) < 0)
			return ret;
	}
	return 0;
}

/* Audio samples. */
int
output_audio(struct output *o, AVFrame *frame, char **cause)
{
	return encode_audio(o, 0, frame, cause);
}

/* SAP samples. */
int
output_sap(struct output *o, AVFrame *frame, char **cause)
{
	if (o->naudio < 2) {
		set_cause(cause, "this channel has no second audio program");
		return -1;
	}
	return encode_audio(o, 1, frame, cause);
}

/* Counters. */
int64_t
output_video_count(struct output *o)
{
	return o->vcount;
}

int64_t
output_audio_count(struct output *o)
{
	return o->a[0].samples;
}

int64_t
output_sap_count(struct output *o)
{
	return o->a[1].samples;
}

int64_t
output_bytes(struct output *o)
{
	return o->bytes;
}

/* Close. */
void
output_close(struct output **op)
{
	struct output *o;
	AVPacket *p;
	int i;

	if (op == NULL || (o = *op) == NULL)
		return;
	while (o->qv.n > 0) {
		p = q_pop(&o->qv);
		av_packet_free(&p);
	}
	for (i = 0; i < 2; i++) {
		while (o->a[i].q.n > 0) {
			p = q_pop(&o->a[i].q);
			av_packet_free(&p);
		}
	}
	tsbuf_free(&o->ts);
	tsbuf_free(&o->sap);
	avcodec_free_context(&o->venc);
	for (i = 0; i < 2; i++) {
		struct aout *a = &o->a[i];

		if (a->enc != NULL && avcodec_send_frame(a->enc, NULL) >= 0) {
			/* Drain the AAC encoder quietly: the stream is over. */
			while (o->pkt != NULL && avcodec_receive_packet(a->enc, o->pkt) >= 0)
				av_packet_unref(o->pkt);
		}
		avcodec_free_context(&a->enc);
		if (a->fifo != NULL)
			av_audio_fifo_free(a->fifo);
		av_frame_free(&a->frame);
	}
	av_packet_free(&o->pkt);
	freep(op);
}
