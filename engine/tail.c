/*
 * tail.c: the persistent tail graph and its plug-ins.
 *
 * Two graphs: video (buffer -> plug-in chains -> format -> sink) and audio
 * (abuffer -> plug-in chains -> limiter -> sink). When a plug-in asks for
 * a rebuild, the old graphs are ended and drained first, so the frames and
 * samples they held (the limiter's look-ahead) still reach the encoder and
 * the A/V sample count stays exact. Channel thread only.
 *
 * Plug-in i reads [t<i>] and writes [t<i+1>] (a plug-in left out is a
 * null filter there), so a chain's description does not depend on the
 * others and can be remembered: a graph with plug-in chains is first tried
 * on a test frame; when it fails, each chain is tried in turn on top of
 * those that work, and one that fails is left out (one log line, with
 * FFmpeg's own first error) until its description changes. A graph that
 * fails while it runs is built again without its plug-in chains.
 *
 * A channel with a second audio program has a third graph for it, built
 * once: abuffer -> limiter -> sink (nothing of the plug-ins' audio chains,
 * which belong to the programme). Its frames pass the same audio_frame
 * hooks on their way out.
 */
#include "engine/tail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>

#include "src/channels.h"
#include "src/log.h"
#include "src/util.h"

#define TAIL_PLUGINS_MAX 8
#define PENDING_MAX 64
#define REDO_MAX 8                      /* frames a broken video graph may have held */

struct graph {
	AVFilterGraph *g;
	AVFilterContext *src, *sink;
	unsigned use;                   /* the plug-in chains in it (bit i: plug-in i) */
	int64_t in, out;                /* frames (video) or samples (audio) through it */
	int64_t next_pts;               /* after the last one pushed */
};

struct tail {
	struct tail_format fmt;
	const struct tail_plugin *plugins[TAIL_PLUGINS_MAX];
	void *states[TAIL_PLUGINS_MAX];
	int n;
	struct graph v, a;
	struct graph sap;               /* the second audio program (g NULL: none) */
	char *failed[2][TAIL_PLUGINS_MAX];      /* [audio, video]: a chain left out */
	AVFrame *pend_v[PENDING_MAX], *pend_a[PENDING_MAX];
	int npend_v, npend_a;
	AVFrame *last_v;                /* the last picture out (a reference) */
	char *name;
};

/* The source filter's arguments of a graph. */
static void
source_args(struct tail *t, int video, char *args, size_t len)
{
	if (video)
		snprintf(args, len, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:"
		    "pixel_aspect=1/1:frame_rate=%d/%d", t->fmt.width, t->fmt.height,
		    AV_PIX_FMT_YUV420P, t->fmt.fps_den, t->fmt.fps_num, t->fmt.fps_num,
		    t->fmt.fps_den);
	else
		snprintf(args, len, "time_base=1/%d:sample_rate=%d:sample_fmt=fltp:"
		    "channel_layout=stereo", t->fmt.sample_rate, t->fmt.sample_rate);
}

/*
 * The description: each plug-in's chain where use has its bit (and it has
 * one), else a null filter, then the format chain (video) or the limiter.
 */
static char *
chain_desc(struct tail *t, int video, char *const *parts, unsigned use)
{
	char *desc, *next;
	int i;

	xasprintf(&desc, "[in]%s[t0]", video ? "null" : "anull");
	for (i = 0; i < t->n; i++) {
		if (parts[i] != NULL && (use & 1U << i))
			xasprintf(&next, "%s;%s", desc, parts[i]);
		else
			xasprintf(&next, "%s;[t%d]%s[t%d]", desc, i, video ? "null" : "anull", i + 1);
		free(desc);
		desc = next;
	}
	if (video)
		xasprintf(&next, "%s;[t%d]format=yuv420p[out]", desc, t->n);
	else
		xasprintf(&next, "%s;[t%d]alimiter=limit=0.891:level=0:latency=1,"
		    "aformat=sample_fmts=fltp:sample_rates=%d:channel_layouts=stereo[out]", desc,
		    t->n, t->fmt.sample_rate);
	free(desc);
	return next;
}

/* Make and configure a graph of the chains in use; 0 or an AVERROR. */
static int
graph_make(struct tail *t, int video, char *const *parts, unsigned use, struct graph *gr)
{
	AVFilterInOut *outputs = NULL, *inputs = NULL;
	char args[256], *desc;
	int ret;

	memset(gr, 0, sizeof *gr);
	gr->use = use;
	gr->g = avfilter_graph_alloc();
	gr->g->nb_threads = 1;
	source_args(t, video, args, sizeof args);
	ret = avfilter_graph_create_filter(&gr->src, avfilter_get_by_name(video ? "buffer" :
	    "abuffer"), "in", args, NULL, gr->g);
	if (ret >= 0)
		ret = avfilter_graph_create_filter(&gr->sink, avfilter_get_by_name(video ?
		    "buffersink" : "abuffersink"), "out", NULL, NULL, gr->g);
	if (ret < 0)
		goto fail;
	outputs = avfilter_inout_alloc();
	inputs = avfilter_inout_alloc();
	outputs->name = av_strdup("in");
	outputs->filter_ctx = gr->src;
	inputs->name = av_strdup("out");
	inputs->filter_ctx = gr->sink;
	desc = chain_desc(t, video, parts, use);
	ret = avfilter_graph_parse_ptr(gr->g, desc, &inputs, &outputs, NULL);
	free(desc);
	if (ret >= 0)
		ret = avfilter_graph_config(gr->g, NULL);
fail:
	avfilter_inout_free(&inputs);
	avfilter_inout_free(&outputs);
	if (ret < 0)
		avfilter_graph_free(&gr->g);
	return ret;
}

/* A black picture or a block of silence in the tail's format. */
static AVFrame *
test_frame(struct tail *t, int video)
{
	AVFrame *f = av_frame_alloc();
	int p, y, w, h;

	if (video) {
		f->format = AV_PIX_FMT_YUV420P;
		f->width = t->fmt.width;
		f->height = t->fmt.height;
	} else {
		f->format = AV_SAMPLE_FMT_FLTP;
		f->sample_rate = t->fmt.sample_rate;
		av_channel_layout_default(&f->ch_layout, 2);
		f->nb_samples = 1024;
	}
	if (av_frame_get_buffer(f, 0) < 0) {
		av_frame_free(&f);
		return NULL;
	}
	if (video) {
		for (p = 0; p < 3; p++) {
			w = p == 0 ? f->width : (f->width + 1) / 2;
			h = p == 0 ? f->height : (f->height + 1) / 2;
			for (y = 0; y < h; y++)
				memset(f->data[p] + (size_t)y * (size_t)f->linesize[p], p == 0 ? 16 : 128,
				    (size_t)w);
		}
	} else
		av_samples_set_silence(f->extended_data, 0, f->nb_samples, 2, AV_SAMPLE_FMT_FLTP);
	f->pts = 0;
	return f;
}

/* Try the chains in use on a test frame to the end; 0 or an AVERROR. */
static int
graph_try(struct tail *t, int video, char *const *parts, unsigned use)
{
	struct graph gr;
	AVFrame *f;
	int ret;

	if ((ret = graph_make(t, video, parts, use, &gr)) < 0)
		return ret;
	if ((f = test_frame(t, video)) == NULL)
		ret = AVERROR(ENOMEM);
	else
		ret = av_buffersrc_add_frame(gr.src, f);
	av_frame_free(&f);
	if (ret >= 0)
		ret = av_buffersrc_add_frame(gr.src, NULL);
	f = av_frame_alloc();
	while (ret >= 0) {
		ret = av_buffersink_get_frame(gr.sink, f);
		av_frame_unref(f);
	}
	av_frame_free(&f);
	avfilter_graph_free(&gr.g);
	return ret == AVERROR_EOF ? 0 : ret;
}

/* Leave plug-in i's chain out: remember it, say why once. */
static void
drop(struct tail *t, int video, int i, const char *part, const char *why, int err)
{
	free(t->failed[video][i]);
	t->failed[video][i] = xstrdup(part);
	log_warn("%s: the %s overlay is off: %s%s%s; the channel stays on the air (tried again "
	    "when its settings change)", t->name, t->plugins[i]->name, *why != '\0' ? why : "",
	    *why != '\0' ? ": " : "", av_err2str(err));
}

/*
 * Build one graph. broken: the graph before failed with that error as it
 * ran (its chains are left out without trying them). Only a graph without
 * any plug-in chain that cannot be built is an error.
 */
static int
build(struct tail *t, int video, int broken, char **cause)
{
	char *parts[TAIL_PLUGINS_MAX] = { NULL }, why[LOG_TEXT_MAX];
	struct graph *gr = video ? &t->v : &t->a;
	unsigned use = 0, good;
	int i, ret;

	for (i = 0; i < t->n; i++) {
		int (*fn)(void *, const char *, const char *, char **) =
		    video ? t->plugins[i]->video_chain : t->plugins[i]->audio_chain;
		char in[16], out[16];

		if (fn == NULL || t->states[i] == NULL)
			continue;
		snprintf(in, sizeof in, "t%d", i);
		snprintf(out, sizeof out, "t%d", i + 1);
		if (fn(t->states[i], in, out, &parts[i]) != 0 || parts[i] == NULL) {
			freep(&parts[i]);
			continue;
		}
		if (t->failed[video][i] != NULL && strcmp(t->failed[video][i], parts[i]) == 0)
			continue;       /* failed before as it is: left out quietly */
		freep(&t->failed[video][i]);    /* changed: try again */
		if (broken < 0) {
			drop(t, video, i, parts[i], "the graph failed as it ran", broken);
			continue;
		}
		use |= 1U << i;
	}
	log_capture_ffmpeg(why, sizeof why);
	if (use != 0 && (ret = graph_try(t, video, parts, use)) < 0) {
		/* Which? Each on top of those that work, in order. */
		good = 0;
		for (i = 0; i < t->n; i++) {
			if (!(use & 1U << i))
				continue;
			log_capture_ffmpeg(why, sizeof why);
			if ((ret = graph_try(t, video, parts, good | 1U << i)) >= 0)
				good |= 1U << i;
			else
				drop(t, video, i, parts[i], why, ret);
		}
		use = good;
	}
	log_capture_ffmpeg(why, sizeof why);
	if ((ret = graph_make(t, video, parts, use, gr)) < 0 && use != 0) {
		for (i = 0; i < t->n; i++) {
			if (use & 1U << i)
				drop(t, video, i, parts[i], why, ret);
		}
		use = 0;
		ret = graph_make(t, video, parts, use, gr);
	}
	log_capture_ffmpeg(NULL, 0);
	for (i = 0; i < t->n; i++) {
		if (parts[i] != NULL && !(use & 1U << i) && t->plugins[i]->dropped != NULL)
			t->plugins[i]->dropped(t->states[i], video);
		free(parts[i]);
	}
	if (ret < 0) {
		set_cause(cause, "%s: the %s tail graph: %s%s%s", t->name, video ? "video" : "audio",
		    why, *why != '\0' ? ": " : "", av_err2str(ret));
		return ret;
	}
	return 0;
}

/* The second audio program's graph: the limiter alone. */
static int
build_sap(struct tail *t, char **cause)
{
	char *none[TAIL_PLUGINS_MAX] = { NULL };
	int ret;

	if ((ret = graph_make(t, 0, none, 0, &t->sap)) < 0) {
		set_cause(cause, "%s: the second audio program's tail graph: %s", t->name,
		    av_err2str(ret));
		return ret;
	}
	return 0;
}

/* New tail. */
int
tail_new(struct tail **out, const struct tail_format *fmt, const struct channel_conf *conf,
    const struct tail_plugin *const *plugins, void *const *globals, int n, char **cause)
{
	struct tail *t = xcalloc(1, sizeof *t);
	int i;

	*out = NULL;
	t->fmt = *fmt;
	t->last_v = av_frame_alloc();
	xasprintf(&t->name, "channel %s", conf != NULL && conf->number != NULL ?
	    conf->number : "?");
	for (i = 0; i < n && t->n < TAIL_PLUGINS_MAX; i++) {
		t->plugins[t->n] = plugins[i];
		t->states[t->n] = plugins[i]->open != NULL ?
		    plugins[i]->open(globals[i], conf, fmt) : NULL;
		t->n++;
	}
	if (build(t, 1, 0, cause) < 0 || build(t, 0, 0, cause) < 0 ||
	    (fmt->sap && build_sap(t, cause) < 0)) {
		tail_free(&t);
		return -1;
	}
	*out = t;
	return 0;
}

/* Free. */
void
tail_free(struct tail **tp)
{
	struct tail *t;
	int i;

	if (tp == NULL || (t = *tp) == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		if (t->states[i] != NULL && t->plugins[i]->close != NULL)
			t->plugins[i]->close(t->states[i]);
		free(t->failed[0][i]);
		free(t->failed[1][i]);
	}
	avfilter_graph_free(&t->v.g);
	avfilter_graph_free(&t->a.g);
	avfilter_graph_free(&t->sap.g);
	for (i = 0; i < t->npend_v; i++)
		av_frame_free(&t->pend_v[i]);
	for (i = 0; i < t->npend_a; i++)
		av_frame_free(&t->pend_a[i]);
	av_frame_free(&t->last_v);
	free(t->name);
	freep(tp);
}

/* A command to a named filter in either graph. */
int
tail_command(struct tail *t, const char *target, const char *cmd, const char *arg)
{
	char res[128];
	int rv, ra;

	rv = t->v.g != NULL ? avfilter_graph_send_command(t->v.g, target, cmd, arg, res,
	    sizeof res, 0) : AVERROR(ENOSYS);
	ra = t->a.g != NULL ? avfilter_graph_send_command(t->a.g, target, cmd, arg, res,
	    sizeof res, 0) : AVERROR(ENOSYS);
	return rv >= 0 || ra >= 0 ? 0 : rv;
}

int
tail_set_text(struct tail *t, const char *target, const char *text)
{
	AVFilterContext *f;

	if (t->v.g == NULL || (f = avfilter_graph_get_filter(t->v.g, target)) == NULL)
		return AVERROR(ENOENT);
	/* drawtext reads its text option at every frame (expansion=none). */
	return av_opt_set(f, "text", text, AV_OPT_SEARCH_CHILDREN);
}

/* End a graph and keep what it still holds. */
static void
drain_old(struct graph *gr, AVFrame **pend, int *npend)
{
	AVFrame *f;

	if (gr->g == NULL)
		return;
	if (av_buffersrc_add_frame(gr->src, NULL) < 0)
		log_warn("ending a tail graph failed");
	for (;;) {
		f = av_frame_alloc();
		if (av_buffersink_get_frame(gr->sink, f) < 0 || *npend == PENDING_MAX) {
			av_frame_free(&f);
			break;
		}
		pend[(*npend)++] = f;
	}
	avfilter_graph_free(&gr->g);
}

/* Poll the plug-ins. */
int
tail_poll(struct tail *t, int64_t wall_us, char **cause)
{
	int i, rebuild = 0;

	for (i = 0; i < t->n; i++) {
		if (t->states[i] != NULL && t->plugins[i]->poll != NULL &&
		    t->plugins[i]->poll(t->states[i], t, wall_us) == TAIL_REBUILD)
			rebuild = 1;
	}
	if (!rebuild)
		return 0;
	drain_old(&t->v, t->pend_v, &t->npend_v);
	drain_old(&t->a, t->pend_a, &t->npend_a);
	if (build(t, 1, 0, cause) < 0 || build(t, 0, 0, cause) < 0)
		return -1;
	return 0;
}

/*
 * A graph with plug-in chains failed as it ran (err): build it again
 * without them, and push again what it held and lost (the last picture
 * out, or silence) so the count of frames and samples stays exact. A
 * graph without plug-in chains that fails is an error.
 */
static int
recover(struct tail *t, int video, int err, char **cause)
{
	struct graph *gr = video ? &t->v : &t->a;
	int64_t lost = gr->in - gr->out, pts = gr->next_pts - lost, k;
	AVFrame *f;
	int ret = 0, n;

	if (gr->use == 0) {
		set_cause(cause, "%s: %s tail: %s", t->name, video ? "video" : "audio",
		    av_err2str(err));
		return err;
	}
	avfilter_graph_free(&gr->g);
	if ((ret = build(t, video, err, cause)) < 0)
		return ret;
	if (video && lost > REDO_MAX)
		lost = REDO_MAX;
	for (k = 0; k < lost && ret >= 0; k += n) {
		if (video) {
			if (t->last_v->buf[0] == NULL)
				break;          /* nothing out yet: the first frames are gone */
			f = av_frame_clone(t->last_v);
			n = 1;
		} else {
			f = test_frame(t, 0);
			n = f != NULL && f->nb_samples < lost - k ? f->nb_samples : (int)(lost - k);
			if (f != NULL)
				f->nb_samples = n;
		}
		if (f == NULL)
			return AVERROR(ENOMEM);
		f->pts = pts + k;
		ret = av_buffersrc_add_frame(gr->src, f);
		av_frame_free(&f);
		gr->in += n;
	}
	gr->next_pts = pts + lost;
	if (ret < 0)
		set_cause(cause, "%s: %s tail: %s", t->name, video ? "video" : "audio",
		    av_err2str(ret));
	return ret;
}

/* Push a frame into a graph, building it again if it broke. */
static int
push(struct tail *t, int video, AVFrame *frame, char **cause)
{
	struct graph *gr = video ? &t->v : &t->a;
	int64_t n = video ? 1 : frame->nb_samples;
	int ret;

	ret = av_buffersrc_add_frame_flags(gr->src, frame, AV_BUFFERSRC_FLAG_KEEP_REF);
	if (ret < 0 && recover(t, video, ret, cause) >= 0)
		ret = av_buffersrc_add_frame_flags(gr->src, frame, AV_BUFFERSRC_FLAG_KEEP_REF);
	if (ret >= 0) {
		gr->in += n;
		gr->next_pts = frame->pts + n;
	} else if (cause != NULL && *cause == NULL)
		set_cause(cause, "%s: %s tail: %s", t->name, video ? "video" : "audio",
		    av_err2str(ret));
	av_frame_unref(frame);
	return ret;
}

/* Push video. */
int
tail_video_in(struct tail *t, AVFrame *frame, char **cause)
{
	return push(t, 1, frame, cause);
}

/* Push audio. */
int
tail_audio_in(struct tail *t, AVFrame *frame, char **cause)
{
	return push(t, 0, frame, cause);
}

/* Take the oldest pending frame. */
static int
take_pending(AVFrame **pend, int *npend, AVFrame *frame)
{
	if (*npend == 0)
		return 0;
	av_frame_move_ref(frame, pend[0]);
	av_frame_free(&pend[0]);
	memmove(pend, pend + 1, (size_t)(*npend - 1) * sizeof *pend);
	(*npend)--;
	return 1;
}

/* Pull from a graph (its pending frames first), building it again if it broke. */
static int
pull(struct tail *t, int video, AVFrame *frame)
{
	struct graph *gr = video ? &t->v : &t->a;
	char *cause = NULL;
	int ret;

	if (take_pending(video ? t->pend_v : t->pend_a, video ? &t->npend_v : &t->npend_a,
	    frame))
		return 0;
	ret = av_buffersink_get_frame(gr->sink, frame);
	if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF && gr->use != 0) {
		if (recover(t, video, ret, &cause) < 0) {
			log_error("%s", cause != NULL ? cause : "tail graph failed");
			free(cause);
			return ret;
		}
		ret = av_buffersink_get_frame(gr->sink, frame);
	}
	if (ret >= 0)
		gr->out += video ? 1 : frame->nb_samples;
	return ret;
}

/* Pull video. */
int
tail_video_out(struct tail *t, AVFrame *frame, int64_t wall_us)
{
	int i, ret;

	if ((ret = pull(t, 1, frame)) < 0)
		return ret;
	for (i = 0; i < t->n; i++) {
		if (t->states[i] != NULL && t->plugins[i]->video_frame != NULL)
			t->plugins[i]->video_frame(t->states[i], frame, wall_us);
	}
	av_frame_unref(t->last_v);
	av_frame_ref(t->last_v, frame);
	return 0;
}

/* Pull audio. */
int
tail_audio_out(struct tail *t, AVFrame *frame, int64_t wall_us)
{
	int i, ret;

	if ((ret = pull(t, 0, frame)) < 0)
		return ret;
	for (i = 0; i < t->n; i++) {
		if (t->states[i] != NULL && t->plugins[i]->audio_frame != NULL)
			t->plugins[i]->audio_frame(t->states[i], frame, wall_us);
	}
	return 0;
}

/* Push SAP audio. */
int
tail_sap_in(struct tail *t, AVFrame *frame, char **cause)
{
	int ret;

	if (t->sap.g == NULL) {
		av_frame_unref(frame);
		set_cause(cause, "%s: no second audio program", t->name);
		return AVERROR(EINVAL);
	}
	ret = av_buffersrc_add_frame_flags(t->sap.src, frame, AV_BUFFERSRC_FLAG_KEEP_REF);
	if (ret >= 0)
		t->sap.in += frame->nb_samples;
	else
		set_cause(cause, "%s: the second audio program's tail: %s", t->name,
		    av_err2str(ret));
	av_frame_unref(frame);
	return ret;
}

/* Pull SAP audio. */
int
tail_sap_out(struct tail *t, AVFrame *frame, int64_t wall_us)
{
	int i, ret;

	if (t->sap.g == NULL)
		return AVERROR_EOF;
	if ((ret = av_buffersink_get_frame(t->sap.sink, frame)) < 0)
		return ret;
	t->sap.out += frame->nb_samples;
	for (i = 0; i < t->n; i++) {
		if (t->states[i] != NULL && t->plugins[i]->program_audio != NULL)
			t->plugins[i]->program_audio(t->states[i], frame, wall_us);
	}
	return 0;
}
