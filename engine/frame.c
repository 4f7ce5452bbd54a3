/*
 * frame.c: one picture at a time from a media file (the chapter editor's
 * thumbnail). The seek lands on the keyframe before the time; frames are
 * decoded and dropped until the one whose span covers it.
 */
#include "engine/frame.h"

#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "src/media.h"
#include "src/util.h"

/* AVFormatContext interrupt: the caller's cancel flag. */
static int
interrupted(void *arg)
{
	atomic_int *cancel = arg;

	return cancel != NULL && atomic_load(cancel) != 0;
}

/* Scale f into out, fitting max_w x max_h. */
static int
to_rgb(const AVFrame *f, int max_w, int max_h, struct frame_rgb *out, char **cause)
{
	struct SwsContext *sws;
	uint8_t *dst[4] = { NULL };
	int dst_ls[4] = { 0 };
	int w, h, sar_num = f->sample_aspect_ratio.num, sar_den = f->sample_aspect_ratio.den;
	double aspect;

	if (sar_num <= 0 || sar_den <= 0)
		sar_num = sar_den = 1;
	aspect = (double)f->width * sar_num / ((double)f->height * sar_den);
	w = max_w;
	h = (int)(w / aspect + 0.5);
	if (h > max_h) {
		h = max_h;
		w = (int)(h * aspect + 0.5);
	}
	if (w < 2)
		w = 2;
	if (h < 2)
		h = 2;
	sws = sws_getContext(f->width, f->height, f->format, w, h, AV_PIX_FMT_RGB24, SWS_BILINEAR,
	    NULL, NULL, NULL);
	if (sws == NULL) {
		set_cause(cause, "cannot scale %dx%d %s pictures", f->width, f->height,
		    av_get_pix_fmt_name(f->format) != NULL ? av_get_pix_fmt_name(f->format) : "?");
		return -1;
	}
	out->rgb = xmalloc((size_t)w * h * 3);
	dst[0] = out->rgb;
	dst_ls[0] = w * 3;
	sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, dst_ls);
	sws_freeContext(sws);
	out->width = w;
	out->height = h;
	return 0;
}

/* Grab. */
int
frame_grab(const char *path, int64_t ms, int max_w, int max_h, atomic_int *cancel,
    struct frame_rgb *out, char **cause)
{
	AVFormatContext *ic = NULL;
	AVCodecContext *dec = NULL;
	const AVCodec *codec;
	AVStream *vs;
	AVPacket *pkt = NULL;
	AVFrame *f = NULL, *best = NULL;
	int64_t target, pts, dur;
	char err[AV_ERROR_MAX_STRING_SIZE];
	int si, rc, eof = 0, ret = -1;

	memset(out, 0, sizeof *out);
	if (max_w < 16 || max_w > 1920 || max_h < 16 || max_h > 1920) {
		set_cause(cause, "a picture of %dx%d: each side must be 16 to 1920", max_w, max_h);
		return -1;
	}
	if ((ic = avformat_alloc_context()) == NULL)
		goto nomem;
	if (media_open_input(&ic, path, cause) < 0)
		return -1;
	if ((rc = avformat_find_stream_info(ic, NULL)) < 0) {
		set_cause(cause, "%s: %s", path, av_make_error_string(err, sizeof err, rc));
		goto out;
	}
	if ((si = av_find_best_stream(ic, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)) < 0) {
		set_cause(cause, "%s has no video", path);
		goto out;
	}
	vs = ic->streams[si];
	/* Opening is quick; a newer seek stops the reading (quietly) from here. */
	ic->interrupt_callback.callback = interrupted;
	ic->interrupt_callback.opaque = cancel;
	out->fps = vs->avg_frame_rate.num > 0 && vs->avg_frame_rate.den > 0 ?
	    av_q2d(vs->avg_frame_rate) : 0;
	out->duration_ms = ic->duration > 0 ? ic->duration / 1000 : 0;
	if (ms < 0)
		ms = 0;
	if (out->duration_ms > 0 && ms >= out->duration_ms)
		ms = out->duration_ms - 1;
	if ((dec = avcodec_alloc_context3(codec)) == NULL)
		goto nomem;
	avcodec_parameters_to_context(dec, vs->codecpar);
	dec->thread_count = 1;
	if ((rc = avcodec_open2(dec, codec, NULL)) < 0) {
		set_cause(cause, "%s: cannot decode %s: %s", path, codec->name,
		    av_make_error_string(err, sizeof err, rc));
		goto out;
	}
	for (rc = 0; rc < (int)ic->nb_streams; rc++)
		if (rc != si)
			ic->streams[rc]->discard = AVDISCARD_ALL;
	target = av_rescale_q(ms, (AVRational){ 1, 1000 }, vs->time_base);
	if (vs->start_time != AV_NOPTS_VALUE)
		target += vs->start_time;
	if (ms > 0)
		avformat_seek_file(ic, si, INT64_MIN, target, target, 0);
	pkt = av_packet_alloc();
	f = av_frame_alloc();
	best = av_frame_alloc();
	if (pkt == NULL || f == NULL || best == NULL)
		goto nomem;
	/* Keep the last frame that starts at or before the target. */
	for (;;) {
		if (interrupted(cancel)) {
			set_cause(cause, "cancelled");
			goto out;
		}
		rc = avcodec_receive_frame(dec, f);
		if (rc == 0) {
			pts = f->best_effort_timestamp;
			if (pts != AV_NOPTS_VALUE && pts > target && best->data[0] != NULL) {
				av_frame_unref(f);
				break;
			}
			av_frame_unref(best);
			av_frame_move_ref(best, f);
			if (pts != AV_NOPTS_VALUE && pts == target)
				break;
			continue;
		}
		if (rc == AVERROR_EOF)
			break;
		if (rc != AVERROR(EAGAIN)) {
			set_cause(cause, "%s: decoding: %s", path, av_make_error_string(err, sizeof err,
			    rc));
			goto out;
		}
		if (eof)
			break;
		rc = av_read_frame(ic, pkt);
		if (rc < 0) {
			eof = 1;
			avcodec_send_packet(dec, NULL);
			continue;
		}
		if (pkt->stream_index == si)
			avcodec_send_packet(dec, pkt);
		av_packet_unref(pkt);
	}
	if (best->data[0] == NULL) {
		set_cause(cause, "%s: no picture at %lld ms", path, (long long)ms);
		goto out;
	}
	pts = best->best_effort_timestamp;
	if (pts != AV_NOPTS_VALUE) {
		if (vs->start_time != AV_NOPTS_VALUE)
			pts -= vs->start_time;
		dur = av_rescale_q(pts, vs->time_base, (AVRational){ 1, 1000 });
		out->ms = dur < 0 ? 0 : dur;
	} else
		out->ms = ms;
	if (to_rgb(best, max_w, max_h, out, cause) != 0)
		goto out;
	ret = 0;
	goto out;
nomem:
	set_cause(cause, "out of memory");
out:
	av_frame_free(&best);
	av_frame_free(&f);
	av_packet_free(&pkt);
	avcodec_free_context(&dec);
	avformat_close_input(&ic);
	if (ret != 0)
		frame_rgb_clear(out);
	return ret;
}

/* Free. */
void
frame_rgb_clear(struct frame_rgb *f)
{
	free(f->rgb);
	f->rgb = NULL;
	f->width = f->height = 0;
}
