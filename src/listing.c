/*
 * listing.c: the guide channel's listing model (see listing.h).
 */
#include "src/listing.h"

#include <stdlib.h>
#include <string.h>

#include "src/channels.h"
#include "src/guide.h"
#include "src/util.h"

#define TBA "To Be Announced"

/* The window's start. */
int64_t
listing_window_start(const struct tz *tz, int64_t now_ms)
{
	return tz_slot_floor(tz, now_ms, (int)(LISTING_STEP_MS / 60000));
}

/* Append a programme to a row. */
static void
add_prog(struct listing_row *r, size_t *cap, int64_t start, int64_t end, const char *title)
{
	struct listing_prog *p;

	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		r->progs = xreallocarray(r->progs, *cap, sizeof *r->progs);
	}
	p = &r->progs[r->n++];
	p->start_ms = start;
	p->end_ms = end;
	p->title = xstrdup(title != NULL && *title != '\0' ? title : TBA);
}

/* Fill a row from a channel's guide programmes; gaps become "To Be Announced". */
static int
load_row(sqlite3 *db, const struct channel_conf *c, int64_t from, int64_t to,
    struct listing_row *r, char **cause)
{
	struct guide_programme *gp;
	size_t np, i, cap = 0;
	int64_t t = from;

	memset(r, 0, sizeof *r);
	r->channel_id = c->id;
	r->number = xstrdup(c->number);
	r->label = xstrdup(c->call_sign != NULL && *c->call_sign != '\0' ? c->call_sign :
	    c->name != NULL ? c->name : c->number);
	if (guide_programmes(db, c->id, from, to, &gp, &np, cause) != 0)
		return -1;
	for (i = 0; i < np; i++) {
		if (gp[i].end_ms <= t)
			continue;
		if (gp[i].start_ms > t)
			add_prog(r, &cap, t, gp[i].start_ms, TBA);
		add_prog(r, &cap, gp[i].start_ms, gp[i].end_ms, gp[i].title);
		t = gp[i].end_ms;
	}
	if (t < to)
		add_prog(r, &cap, t, to, TBA);
	guide_programmes_free(&gp, np);
	return 0;
}

/* Load. */
int
listing_load(sqlite3 *db, int64_t from_ms, int hours, struct listing *out, char **cause)
{
	struct channel_conf *chans;
	size_t n, i;

	memset(out, 0, sizeof *out);
	if (hours < 1)
		hours = 1;
	out->from_ms = from_ms;
	out->to_ms = from_ms + (int64_t)hours * 3600000;
	if (channels_load(db, &chans, &n, cause) != 0)
		return -1;
	out->rows = xcalloc(n > 0 ? n : 1, sizeof *out->rows);
	for (i = 0; i < n; i++) {
		if (!chans[i].enabled || chans[i].guide)
			continue;
		if (load_row(db, &chans[i], out->from_ms, out->to_ms, &out->rows[out->n],
		    cause) != 0) {
			out->n++;
			listing_free(out);
			channels_free(&chans, n);
			return -1;
		}
		out->n++;
	}
	channels_free(&chans, n);
	return 0;
}

/* What a row airs at t. */
const struct listing_prog *
listing_on_at(const struct listing_row *row, int64_t t_ms)
{
	size_t i;

	for (i = 0; i < row->n; i++) {
		if (row->progs[i].start_ms <= t_ms && t_ms < row->progs[i].end_ms)
			return &row->progs[i];
	}
	return NULL;
}

/* Free. */
void
listing_free(struct listing *l)
{
	size_t i, j;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		for (j = 0; j < l->rows[i].n; j++)
			free(l->rows[i].progs[j].title);
		free(l->rows[i].progs);
		free(l->rows[i].number);
		free(l->rows[i].label);
	}
	free(l->rows);
	memset(l, 0, sizeof *l);
}
