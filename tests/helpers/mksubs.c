/*
 * mksubs.c: picture subtitles for the subtitle tests. The ffmpeg command
 * cannot make picture subtitles from text, so this draws each event as a
 * filled box of one colour (easy to find in a picture again) and encodes
 * it with FFmpeg's DVB or DVD (VobSub) subtitle encoder into a file of
 * its own (MPEG-TS or Matroska by the name), to be muxed beside a video
 * with "ffmpeg -c copy". A forced event carries the format's forced flag.
 *
 *   mksubs dvbsub|dvdsub OUT W H [-l LANG] START-END[:forced][:RRGGBB]...
 *
 * W x H is the picture the subtitles are drawn for; each box is half its
 * width and a tenth of its height, centred, near the bottom; times are
 * seconds (decimals allowed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>

/* One event. */
struct ev {
	double start, end;
	int forced;
	unsigned rgb;
};

/* Fail with a message. */
static void
die(const char *what, int err)
{
	fprintf(stderr, "mksubs: %s: %s\n", what, err != 0 ? av_err2str(err) : "failed");
	exit(1);
}

/* Encode one subtitle (rects: 0 or 1) at pts (AV_TIME_BASE) into the muxer. */
static void
put(AVCodecContext *enc, AVFormatContext *oc, AVSubtitle *sub, int64_t pts, int64_t dur_ms)
{
	static uint8_t buf[1 << 20];
	AVPacket *pkt = av_packet_alloc();
	int n;

	sub->pts = pts;
	n = avcodec_encode_subtitle(enc, buf, sizeof buf, sub);
	if (n < 0)
		die("encoding", n);
	if (av_new_packet(pkt, n) < 0)
		die("a packet", 0);
	memcpy(pkt->data, buf, (size_t)n);
	pkt->stream_index = 0;
	pkt->pts = pkt->dts = av_rescale_q(pts, AV_TIME_BASE_Q, oc->streams[0]->time_base);
	pkt->duration = av_rescale_q(dur_ms, (AVRational){ 1, 1000 }, oc->streams[0]->time_base);
	pkt->flags |= AV_PKT_FLAG_KEY;
	if ((n = av_interleaved_write_frame(oc, pkt)) < 0)
		die("writing", n);
	av_packet_free(&pkt);
}

int
main(int argc, char **argv)
{
	const char *kind, *out, *lang = "eng";
	struct ev ev[64];
	int nev = 0, w, h, i, ret, bw, bh, dvb;
	const AVCodec *codec;
	AVCodecContext *enc;
	AVFormatContext *oc = NULL;
	AVStream *st;
	AVSubtitle sub;
	AVSubtitleRect rect, *rects[1] = { &rect };
	uint32_t pal[256];
	char *p;

	if (argc < 6) {
		fprintf(stderr, "usage: mksubs dvbsub|dvdsub OUT W H [-l LANG] "
		    "START-END[:forced][:RRGGBB]...\n");
		return 2;
	}
	kind = argv[1];
	out = argv[2];
	w = atoi(argv[3]);
	h = atoi(argv[4]);
	dvb = strcmp(kind, "dvbsub") == 0;
	for (i = 5; i < argc && nev < 64; i++) {
		if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
			lang = argv[++i];
			continue;
		}
		ev[nev].start = strtod(argv[i], &p);
		ev[nev].end = *p == '-' ? strtod(p + 1, &p) : ev[nev].start + 2;
		ev[nev].forced = 0;
		ev[nev].rgb = 0xffff00;
		while (*p == ':') {
			if (strncmp(p + 1, "forced", 6) == 0) {
				ev[nev].forced = 1;
				p += 7;
			} else
				ev[nev].rgb = (unsigned)strtoul(p + 1, &p, 16);
		}
		nev++;
	}
	if ((codec = avcodec_find_encoder_by_name(kind)) == NULL)
		die(kind, AVERROR_ENCODER_NOT_FOUND);
	enc = avcodec_alloc_context3(codec);
	enc->width = w;
	enc->height = h;
	enc->time_base = AV_TIME_BASE_Q;
	if ((ret = avcodec_open2(enc, codec, NULL)) < 0)
		die("opening the encoder", ret);
	if ((ret = avformat_alloc_output_context2(&oc, NULL, NULL, out)) < 0)
		die(out, ret);
	st = avformat_new_stream(oc, NULL);
	avcodec_parameters_from_context(st->codecpar, enc);
	st->time_base = (AVRational){ 1, 1000 };
	av_dict_set(&st->metadata, "language", lang, 0);
	if ((ret = avio_open(&oc->pb, out, AVIO_FLAG_WRITE)) < 0 ||
	    (ret = avformat_write_header(oc, NULL)) < 0)
		die(out, ret);

	/* A box: colour 1 inside a border of colour 2 (black); 0 is transparent. */
	bw = w / 2 & ~1;
	bh = h / 10 & ~1;
	memset(&rect, 0, sizeof rect);
	rect.type = SUBTITLE_BITMAP;
	rect.x = (w - bw) / 2;
	rect.y = h - bh - h / 12;
	rect.w = bw;
	rect.h = bh;
	rect.nb_colors = 4;
	rect.linesize[0] = bw;
	rect.data[0] = av_malloc((size_t)bw * bh);
	rect.data[1] = (uint8_t *)pal;
	for (i = 0; i < bw * bh; i++) {
		int x = i % bw, y = i / bw;

		rect.data[0][i] = x < 2 || y < 2 || x >= bw - 2 || y >= bh - 2 ? 2 : 1;
	}
	if (dvb) {
		/* An empty display set at 0: the file starts there, as the video does. */
		memset(&sub, 0, sizeof sub);
		put(enc, oc, &sub, 0, 0);
	}
	for (i = 0; i < nev; i++) {
		memset(pal, 0, sizeof pal);
		pal[1] = 0xff000000u | ev[i].rgb;
		pal[2] = 0xff000000u;
		pal[3] = 0xffffffffu;
		rect.flags = ev[i].forced ? AV_SUBTITLE_FLAG_FORCED : 0;
		memset(&sub, 0, sizeof sub);
		sub.num_rects = 1;
		sub.rects = rects;
		sub.end_display_time = (uint32_t)((ev[i].end - ev[i].start) * 1000);
		put(enc, oc, &sub, (int64_t)(ev[i].start * AV_TIME_BASE),
		    (int64_t)((ev[i].end - ev[i].start) * 1000));
		if (dvb) {
			/* DVB: an empty display set clears the screen at the end. */
			memset(&sub, 0, sizeof sub);
			put(enc, oc, &sub, (int64_t)(ev[i].end * AV_TIME_BASE), 0);
		}
	}
	av_write_trailer(oc);
	avio_closep(&oc->pb);
	avformat_free_context(oc);
	av_free(rect.data[0]);
	avcodec_free_context(&enc);
	return 0;
}
