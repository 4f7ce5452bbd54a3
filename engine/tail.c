/*
 * tail.c: the persistent tail graph and its plug-ins.
 *
 * Two graphs: video (buffer -> plug-in chains -> format -> sink) and audio
 * (abuffer -> plug-in chains -> limiter -> sink). When a plug-in asks for
 * a rebuild, the old graphs are ended and drained first, so the frames and
 * samples they held (the limiter's look-ahead) still reach the encoder and
 * the A/V sample count stays exact. Channel thread only.
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

struct graph {
	AVFilterGraph *g;
	AVFilterContext *src, *sink;
};

struct tail {
	struct tail_format fmt;
	const struct tail_plugin *plugins[TAIL_PLUGINS_MAX];
	void *states[TAIL_PLUGINS_MAX];
	int n;
	struct graph v, a;
	AVFrame *pend_v[PENDING_MAX], *pend_a[PENDING_MAX];
	int npend_v, npend_a;
	char *name;
};

/* The chain description: plug-in fragments between [in] and [out]. */
static char *
chain_desc(struct tail *t, int video)
{
	char *desc, *part, *next, in[16], out[16];
	int i, k = 0;

	xasprintf(&desc, "[in]%s[t0]", video ? "null" : "anull");
	for (i = 0; i < t->n; i++) {
		int (*fn)(void *, const char *, const char *, char **) =
		    video ? t->plugins[i]->video_chain : t->plugins[i]->audio_chain;

		part = NULL;
		if (fn == NULL || t->states[i] == NULL)
			continue;
		snprintf(in, sizeof in, "t%d", k);
		snprintf(out, sizeof out, "t%d", k + 1);
		if (fn(t->states[i], in, out, &part) != 0 || part == NULL) {
			free(part);
			continue;
		}
		xasprintf(&next, "%s;%s", desc, part);
		free(desc);
		free(part);
		desc = next;
		k++;
	}
	if (video)
		xasprintf(&next, "%s;[t%d]format=yuv420p[out]", desc, k);
	else
		xasprintf(&next, "%s;[t%d]alimiter=limit=0.891:level=0:latency=1,"
		    "aformat=sample_fmts=fltp:sample_rates=%d:channel_layouts=stereo[out]", desc, k,
		    t->fmt.sample_rate);
	free(desc);
	return next;
}

/* Build one graph. */
static int
build(struct tail *t, int video, char **cause)
{
	struct graph *gr = video ? &t->v : &t->a;
	AVFilterInOut *outputs = NULL, *inputs = NULL;
	char args[256], *desc = NULL;
	int ret;

	gr->g = avfilter_graph_alloc();
	gr->g->nb_threads = 1;
	if (video) {
		snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:"
		    "pixel_aspect=1/1:frame_rate=%d/%d", t->fmt.width, t->fmt.height,
		    AV_PIX_FMT_YUV420P, t->fmt.fps_den, t->fmt.fps_num, t->fmt.fps_num,
		    t->fmt.fps_den);
		ret = avfilter_graph_create_filter(&gr->src, avfilter_get_by_name("buffer"), "in",
		    args, NULL, gr->g);
		if (ret >= 0)
			ret = avfilter_graph_create_filter(&gr->sink,
			    avfilter_get_by_name("buffersink"), "out", NULL, NULL, gr->g);
	} else {
		snprintf(args, sizeof args, "time_base=1/%d:sample_rate=%d:sample_fmt=fltp:"
		    "channel_layout=stereo", t->fmt.sample_rate, t->fmt.sample_rate);
		ret = avfilter_graph_create_filter(&gr->src, avfilter_get_by_name("abuffer"), "in",
		    args, NULL, gr->g);
		if (ret >= 0)
			ret = avfilter_graph_create_filter(&gr->sink,
			    avfilter_get_by_name("abuffersink"), "out", NULL, NULL, gr->g);
	}
	if (ret < 0)
		goto fail;
	outputs = avfilter_inout_alloc();
	inputs = avfilter_inout_alloc();
	outputs->name = av_strdup("in");
	outputs->filter_ctx = gr->src;
	inputs->name = av_strdup("out");
	inputs->filter_ctx = gr->sink;
	desc = chain_desc(t, video);
	if ((ret = avfilter_graph_parse_ptr(gr->g, desc, &inputs, &outputs, NULL)) < 0)
		goto fail;
	if ((ret = avfilter_graph_config(gr->g, NULL)) < 0)
		goto fail;
	avfilter_inout_free(&inputs);
	avfilter_inout_free(&outputs);
	free(desc);
	return 0;

fail:
	set_cause(cause, "%s: the %s tail graph \"%s\": %s", t->name, video ? "video" : "audio",
	    desc != NULL ? desc : "", av_err2str(ret));
	avfilter_inout_free(&inputs);
	avfilter_inout_free(&outputs);
	avfilter_graph_free(&gr->g);
	free(desc);
	return ret;
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
	xasprintf(&t->name, "channel %s", conf != NULL && conf->number != NULL ?
	    conf->number : "?");
	for (i = 0; i < n && t->n < TAIL_PLUGINS_MAX; i++) {
		t->plugins[t->n] = plugins[i];
		t->states[t->n] = plugins[i]->open != NULL ?
		    plugins[i]->open(globals[i], conf, fmt) : NULL;
		t->n++;
	}
	if (build(t, 1, cause) < 0 || build(t, 0, cause) < 0) {
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
	}
	avfilter_graph_free(&t->v.g);
	avfilter_graph_free(&t->a.g);
	for (i = 0; i < t->npend_v; i++)
		av_frame_free(&t->pend_v[i]);
	for (i = 0; i < t->npend_a; i++)
		av_frame_free(&t->pend_a[i]);
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
	if (build(t, 1, cause) < 0 || build(t, 0, cause) < 0)
		return -1;
	return 0;
}

/* Push video. */
int
tail_video_in(struct tail *t, AVFrame *frame, char **cause)
{
	int ret = av_buffersrc_add_frame_flags(t->v.src, frame, AV_BUFFERSRC_FLAG_KEEP_REF);

	av_frame_unref(frame);
	if (ret < 0)
		set_cause(cause, "%s: video tail: %s", t->name, av_err2str(ret));
	return ret;
}

/* Push audio. */
int
tail_audio_in(struct tail *t, AVFrame *frame, char **cause)
{
	int ret = av_buffersrc_add_frame_flags(t->a.src, frame, AV_BUFFERSRC_FLAG_KEEP_REF);

	av_frame_unref(frame);
	if (ret < 0)
		set_cause(cause, "%s: audio tail: %s", t->name, av_err2str(ret));
	return ret;
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

/* Pull video. */
int
tail_video_out(struct tail *t, AVFrame *frame, int64_t wall_us)
{
	int i, ret = 0;

	if (!take_pending(t->pend_v, &t->npend_v, frame))
		ret = av_buffersink_get_frame(t->v.sink, frame);
	if (ret < 0)
		return ret;
	for (i = 0; i < t->n; i++) {
		if (t->states[i] != NULL && t->plugins[i]->video_frame != NULL)
			t->plugins[i]->video_frame(t->states[i], frame, wall_us);
	}
	return 0;
}

/* Pull audio. */
int
tail_audio_out(struct tail *t, AVFrame *frame, int64_t wall_us)
{
	int i, ret = 0;

	if (!take_pending(t->pend_a, &t->npend_a, frame))
		ret = av_buffersink_get_frame(t->a.sink, frame);
	if (ret < 0)
		return ret;
	for (i = 0; i < t->n; i++) {
		if (t->states[i] != NULL && t->plugins[i]->audio_frame != NULL)
			t->plugins[i]->audio_frame(t->states[i], frame, wall_us);
	}
	return 0;
}
