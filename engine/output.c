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

struct output {
	struct output_conf conf;
	struct ring *ring;
	AVCodecContext *venc, *aenc;
	AVFormatContext *oc;
	AVIOContext *pb;
	AVAudioFifo *fifo;
	AVFrame *aframe;
	AVPacket *pkt;
	struct pktq qv, qa;

	uint8_t *buf;                   /* the segment being written */
	size_t len, cap;

	int64_t vcount;                 /* video frames taken */
	int64_t acount;                 /* audio samples encoded */
	int64_t asamples;               /* audio samples taken */
	int prime;                      /* the AAC encoder's priming, in samples */
	int64_t bytes;

	int64_t next_cut;               /* frame index of the next segment boundary */
	int ncuts;                      /* boundaries placed so far */
	int catchup;                    /* short segments (output_catchup) */
	int64_t seg_start;              /* frame index the current segment starts at, -1 */
	int seg_frames;
	int header_done;
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

/* AVIO write: append to the current segment. */
static int
io_write(void *opaque, uint8_t *data, int size)
{
	struct output *o = opaque;
	size_t need = o->len + (size_t)size;

	if (need > o->cap) {
		o->cap = need > o->cap * 2 ? need : o->cap * 2;
		o->buf = xreallocarray(o->buf, 1, o->cap);
	}
	memcpy(o->buf + o->len, data, (size_t)size);
	o->len = need;
	o->bytes += size;
	ring_append(o->ring, data, (size_t)size);      /* the TS stream reads it now */
	return size;
}

/* Finish the current segment at frame index v and start the next. */
static int
cut(struct output *o, int64_t v)
{
	int64_t start, end;
	uint8_t *data, *side[RING_SIDES] = { NULL };
	size_t side_len[RING_SIDES] = { 0 };

	if (o->seg_start < 0) {
		o->seg_start = v;
		return 0;
	}
	av_write_frame(o->oc, NULL);            /* flush pending PES */
	avio_flush(o->pb);
	start = output_frame_time(&o->conf, o->seg_start);
	end = output_frame_time(&o->conf, v);
	data = xreallocarray(o->buf, 1, o->len > 0 ? o->len : 1);
	if (o->conf.sides != NULL)
		o->conf.sides(o->conf.sides_arg, start - o->conf.t0_us, end - o->conf.t0_us,
		    av_rescale_q(o->seg_start, o->venc->time_base, (AVRational){ 1, 90000 }), side,
		    side_len);
	ring_publish_sides(o->ring, data, o->len, start / 1000, end - start, side, side_len);
	o->cap = o->len + o->len / 4 + 4096;
	o->buf = xmalloc(o->cap);
	o->len = 0;
	o->seg_start = v;
	if (o->oc->priv_data != NULL)
		av_opt_set(o->oc->priv_data, "mpegts_flags", "resend_headers", 0);
	return 0;
}

/* Write one packet (owned) to the muxer, cutting before a boundary keyframe. */
static int
write_packet(struct output *o, AVPacket *p, char **cause)
{
	AVStream *st = o->oc->streams[p->stream_index];
	AVCodecContext *enc = p->stream_index == 0 ? o->venc : o->aenc;
	int ret;

	if (p->stream_index == 0 && (p->flags & AV_PKT_FLAG_KEY))
		cut(o, p->pts);
	av_packet_rescale_ts(p, enc->time_base, st->time_base);
	ret = av_write_frame(o->oc, p);
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

/* Write queued packets in DTS order while both queues have one. */
static int
interleave(struct output *o, char **cause)
{
	AVPacket *v, *a;
	int ret;

	while (o->qv.n > 0 || o->qa.n > 0) {
		if (o->qv.n > 0 && o->qa.n > 0) {
			v = o->qv.p[o->qv.head];
			a = o->qa.p[o->qa.head];
			if (av_compare_ts(v->dts, o->venc->time_base, a->dts, o->aenc->time_base) <= 0)
				ret = write_packet(o, q_pop(&o->qv), cause);
			else
				ret = write_packet(o, q_pop(&o->qa), cause);
		} else if (o->qv.n > PKTQ_MAX / 2)
			ret = write_packet(o, q_pop(&o->qv), cause);
		else if (o->qa.n > PKTQ_MAX / 2)
			ret = write_packet(o, q_pop(&o->qa), cause);
		else
			break;
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Collect what an encoder has ready. */
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
		if (index == 1) {
			o->pkt->pts += o->prime;
			o->pkt->dts += o->prime;
		}
		p = av_packet_alloc();
		av_packet_move_ref(p, o->pkt);
		q_push(index == 0 ? &o->qv : &o->qa, p);
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
	e->sample_aspect_ratio = (AVRational){ 1, 1 };
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

/* Open the audio encoder. */
static int
open_audio(struct output *o, char **cause)
{
	const AVCodec *codec;
	AVCodecContext *e;
	AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
	int ret;

	if ((codec = avcodec_find_encoder(AV_CODEC_ID_AAC)) == NULL) {
		set_cause(cause, "this FFmpeg has no AAC encoder");
		return -1;
	}
	e = o->aenc = avcodec_alloc_context3(codec);
	e->sample_fmt = AV_SAMPLE_FMT_FLTP;
	e->sample_rate = OUTPUT_SAMPLE_RATE;
	av_channel_layout_copy(&e->ch_layout, &stereo);
	e->bit_rate = (int64_t)o->conf.audio_kbps * 1000;
	e->time_base = (AVRational){ 1, OUTPUT_SAMPLE_RATE };
	if ((ret = avcodec_open2(e, codec, NULL)) < 0) {
		set_cause(cause, "opening the AAC encoder: %s", av_err2str(ret));
		return ret;
	}
	o->prime = e->initial_padding > 0 ? e->initial_padding : 0;
	o->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, e->frame_size * 4);
	o->aframe = av_frame_alloc();
	o->aframe->format = AV_SAMPLE_FMT_FLTP;
	o->aframe->sample_rate = OUTPUT_SAMPLE_RATE;
	o->aframe->nb_samples = e->frame_size;
	av_channel_layout_copy(&o->aframe->ch_layout, &stereo);
	if (av_frame_get_buffer(o->aframe, 0) < 0) {
		set_cause(cause, "out of memory for audio");
		return -1;
	}
	return 0;
}

/* Add a stream for an encoder. */
static int
add_stream(struct output *o, AVCodecContext *enc, char **cause)
{
	AVStream *st = avformat_new_stream(o->oc, NULL);

	if (st == NULL || avcodec_parameters_from_context(st->codecpar, enc) < 0) {
		set_cause(cause, "cannot add a TS stream");
		return -1;
	}
	st->time_base = (AVRational){ 1, 90000 };
	return 0;
}

/* Open everything. */
int
output_open(struct output **out, const struct output_conf *conf, struct ring *ring,
    char **cause)
{
	struct output *o = xcalloc(1, sizeof *o);
	uint8_t *iobuf;
	int ret;

	*out = NULL;
	o->conf = *conf;
	o->ring = ring;
	o->seg_frames = (int)frames_in(conf, conf->segment_ms);
	o->seg_start = -1;
	o->pkt = av_packet_alloc();
	if (open_video(o, cause) < 0 || open_audio(o, cause) < 0)
		goto fail;

	if ((ret = avformat_alloc_output_context2(&o->oc, NULL, "mpegts", NULL)) < 0) {
		set_cause(cause, "the mpegts muxer: %s", av_err2str(ret));
		goto fail;
	}
	if (add_stream(o, o->venc, cause) < 0 || add_stream(o, o->aenc, cause) < 0)
		goto fail;
	/* Small writes, so the endless TS stream flows smoothly. */
	iobuf = av_malloc(4096);
	o->pb = avio_alloc_context(iobuf, 4096, 1, o, NULL, io_write, NULL);
	o->oc->pb = o->pb;
	o->oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	av_dict_set(&o->oc->metadata, "service_provider", "Retrovue", 0);
	av_dict_set(&o->oc->metadata, "service_name", conf->name != NULL ? conf->name : "Retrovue",
	    0);
	o->cap = 1 << 20;
	o->buf = xmalloc(o->cap);
	if ((ret = avformat_write_header(o->oc, NULL)) < 0) {
		set_cause(cause, "writing the TS header: %s", av_err2str(ret));
		goto fail;
	}
	o->header_done = 1;
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

/* Audio samples. */
int
output_audio(struct output *o, AVFrame *frame, char **cause)
{
	int ret, skip = 0;

	if (o->asamples < o->prime)
		skip = (int)(o->prime - o->asamples < frame->nb_samples ? o->prime - o->asamples :
		    frame->nb_samples);
	o->asamples += frame->nb_samples;
	if (skip < frame->nb_samples) {
		uint8_t *planes[AV_NUM_DATA_POINTERS];
		int c;

		for (c = 0; c < 2 && c < AV_NUM_DATA_POINTERS; c++)
			planes[c] = frame->extended_data[c] + (size_t)skip * sizeof(float);
		if (av_audio_fifo_write(o->fifo, (void **)planes, frame->nb_samples - skip) < 0) {
			set_cause(cause, "out of memory for audio");
			return -1;
		}
	}
	while (av_audio_fifo_size(o->fifo) >= o->aenc->frame_size) {
		if ((ret = av_frame_make_writable(o->aframe)) < 0)
			return ret;
		av_audio_fifo_read(o->fifo, (void **)o->aframe->extended_data, o->aenc->frame_size);
		o->aframe->pts = o->acount;
		o->acount += o->aenc->frame_size;
		if ((ret = avcodec_send_frame(o->aenc, o->aframe)) < 0) {
			set_cause(cause, "encoding audio: %s", av_err2str(ret));
			return ret;
		}
		if ((ret = drain(o, o->aenc, 1, cause)) < 0)
			return ret;
	}
	return 0;
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
	return o->asamples;
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

	if (op == NULL || (o = *op) == NULL)
		return;
	while (o->qv.n > 0) {
		AVPacket *p = q_pop(&o->qv);
		av_packet_free(&p);
	}
	while (o->qa.n > 0) {
		AVPacket *p = q_pop(&o->qa);
		av_packet_free(&p);
	}
	if (o->oc != NULL) {
		if (o->header_done)
			av_write_trailer(o->oc);
		avformat_free_context(o->oc);
	}
	if (o->pb != NULL) {
		av_freep(&o->pb->buffer);
		avio_context_free(&o->pb);
	}
	avcodec_free_context(&o->venc);
	if (o->aenc != NULL && avcodec_send_frame(o->aenc, NULL) >= 0) {
		/* Drain the AAC encoder quietly: the stream is over. */
		while (o->pkt != NULL && avcodec_receive_packet(o->aenc, o->pkt) >= 0)
			av_packet_unref(o->pkt);
	}
	avcodec_free_context(&o->aenc);
	if (o->fifo != NULL)
		av_audio_fifo_free(o->fifo);
	av_frame_free(&o->aframe);
	av_packet_free(&o->pkt);
	free(o->buf);
	freep(op);
}
