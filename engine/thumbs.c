/*
 * thumbs.c: the thumbnail plug-in. The channel's thread looks at each
 * frame after the tail graph (no copy: it only reads) and, at most once a
 * second and only while a console asked within WANT_MS, scales it down to
 * RGB24 with libswscale outside the lock, then swaps it in under the lock.
 * Readers (the control thread) copy under the same lock.
 */
#include "engine/thumbs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libswscale/swscale.h>

#include "src/channels.h"
#include "src/util.h"

#define WANT_MS 5000                    /* a request keeps the pictures coming this long */
#define EVERY_US 1000000                /* one picture a second */

struct entry {
	char number[16];
	int64_t wanted_until;           /* UTC ms */
	int req_w, req_h;               /* the size asked for */
	uint8_t *rgb;                   /* newest picture, or NULL */
	int w, h;
	int64_t air_ms;
};

struct thumbs {
	pthread_mutex_t lock;
	struct entry *list;
	size_t n;
};

/* A channel's state. */
struct chan {
	struct thumbs *t;
	char number[16];
	int64_t last_us;                /* air time of the last picture taken */
	struct SwsContext *sws;
};

struct thumbs *
thumbs_new(void)
{
	struct thumbs *t = xcalloc(1, sizeof *t);

	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void
thumbs_free(struct thumbs **tp)
{
	struct thumbs *t;
	size_t i;

	if (tp == NULL || (t = *tp) == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->list[i].rgb);
	free(t->list);
	pthread_mutex_destroy(&t->lock);
	freep(tp);
}

/* The entry of a channel (made on first use); caller holds the lock. */
static struct entry *
entry_of(struct thumbs *t, const char *number)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->list[i].number, number) == 0)
			return &t->list[i];
	}
	t->list = xreallocarray(t->list, t->n + 1, sizeof *t->list);
	memset(&t->list[t->n], 0, sizeof *t->list);
	snprintf(t->list[t->n].number, sizeof t->list[0].number, "%s", number);
	return &t->list[t->n++];
}

int
thumbs_get(struct thumbs *t, const char *number, int width, int height, uint8_t **rgb,
    int *out_w, int *out_h, int64_t *air_ms)
{
	struct entry *e;
	int rc = -1;

	*rgb = NULL;
	if (width < 8)
		width = 8;
	if (height < 8)
		height = 8;
	pthread_mutex_lock(&t->lock);
	e = entry_of(t, number);
	e->wanted_until = now_ms() + WANT_MS;
	e->req_w = width > THUMBS_MAX_W ? THUMBS_MAX_W : width;
	e->req_h = height > THUMBS_MAX_H ? THUMBS_MAX_H : height;
	if (e->rgb != NULL) {
		*rgb = xmalloc((size_t)e->w * (size_t)e->h * 3);
		memcpy(*rgb, e->rgb, (size_t)e->w * (size_t)e->h * 3);
		*out_w = e->w;
		*out_h = e->h;
		*air_ms = e->air_ms;
		rc = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

static void *
thumbs_open(void *global, const struct channel_conf *conf, const struct tail_format *fmt)
{
	struct chan *c = xcalloc(1, sizeof *c);

	(void)fmt;
	c->t = global;
	snprintf(c->number, sizeof c->number, "%s", conf->number);
	return c;
}

/* Look at a frame; take a picture when someone wants one and a second passed. */
static void
thumbs_video_frame(void *state, AVFrame *frame, int64_t wall_us)
{
	struct chan *c = state;
	struct entry *e;
	uint8_t *rgb, *dst[4] = { NULL };
	int w, h, dst_stride[4] = { 0 };

	if (wall_us - c->last_us < EVERY_US && wall_us >= c->last_us)
		return;
	pthread_mutex_lock(&c->t->lock);
	e = entry_of(c->t, c->number);
	w = e->req_w;
	h = e->req_h;
	if (e->wanted_until < now_ms() || w == 0) {
		pthread_mutex_unlock(&c->t->lock);
		return;
	}
	pthread_mutex_unlock(&c->t->lock);
	c->last_us = wall_us;

	c->sws = sws_getCachedContext(c->sws, frame->width, frame->height, frame->format, w, h,
	    AV_PIX_FMT_RGB24, SWS_BILINEAR, NULL, NULL, NULL);
	if (c->sws == NULL)
		return;
	rgb = xmalloc((size_t)w * (size_t)h * 3);
	dst[0] = rgb;
	dst_stride[0] = w * 3;
	if (sws_scale(c->sws, (const uint8_t *const *)frame->data, frame->linesize, 0,
	    frame->height, dst, dst_stride) != h) {
		free(rgb);
		return;
	}
	pthread_mutex_lock(&c->t->lock);
	e = entry_of(c->t, c->number);
	free(e->rgb);
	e->rgb = rgb;
	e->w = w;
	e->h = h;
	e->air_ms = wall_us / 1000;
	pthread_mutex_unlock(&c->t->lock);
}

static void
thumbs_close(void *state)
{
	struct chan *c = state;
	struct entry *e;

	/* The picture of a stopped channel is stale: forget it. */
	pthread_mutex_lock(&c->t->lock);
	e = entry_of(c->t, c->number);
	free(e->rgb);
	e->rgb = NULL;
	pthread_mutex_unlock(&c->t->lock);
	sws_freeContext(c->sws);
	free(c);
}

const struct tail_plugin thumbs_plugin = {
	.name = "thumbs",
	.open = thumbs_open,
	.video_frame = thumbs_video_frame,
	.close = thumbs_close,
};
