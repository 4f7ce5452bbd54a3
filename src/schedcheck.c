/*
 * schedcheck.c: check a fine log against its invariants (see schedcheck.h).
 */
#include "src/schedcheck.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/finelog.h"
#include "src/rating.h"
#include "src/tz.h"
#include "src/util.h"

#define MAX_LINES 50

struct report {
	char *text;
	size_t len;
	int problems;
	const struct sched_channel *ch;
};

/* Add a problem at time t. */
static void __attribute__((format(printf, 3, 4)))
problem(struct report *r, int64_t t, const char *fmt, ...)
{
	char when[32], *msg, *line;
	va_list ap;

	r->problems++;
	if (r->problems > MAX_LINES)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&line, "channel %s at %s: %s\n", r->ch->number, fmt_utc(when, sizeof when,
	    t), msg);
	free(msg);
	r->text = xreallocarray(r->text, r->len + strlen(line) + 1, 1);
	memcpy(r->text + r->len, line, strlen(line) + 1);
	r->len += strlen(line);
	free(line);
}

/* Is t within a frame of a slot boundary? */
static int
on_boundary(const struct sched_channel *ch, int64_t t, int64_t frame)
{
	int64_t f = tz_slot_floor(ch->tz, t, ch->slot_minutes);

	return t - f < frame || tz_slot_next(ch->tz, f, ch->slot_minutes) - t < frame;
}

/* The library kinds a fine log kind may carry. */
static int
kind_fits(enum item_kind k, enum sl_kind lk)
{
	switch (k) {
	case ITEM_PROGRAMME:
		return lk == SL_EPISODE || lk == SL_MOVIE || lk == SL_OTHER;
	case ITEM_COMMERCIAL:
		return lk == SL_COMMERCIAL;
	case ITEM_BUMPER:
		return lk == SL_BUMPER;
	case ITEM_STATION_ID:
		return lk == SL_STATION_ID;
	case ITEM_PROMO:
		return lk == SL_PROMO;
	case ITEM_INTERSTITIAL:
		return lk == SL_INTERSTITIAL;
	default:
		return 1;
	}
}

/* The acts of one programme, collected while walking a block. */
struct acts {
	int64_t media;
	int64_t dur;
	int64_t next_in;                /* where the next act must begin */
	int next_act;
	int64_t first_start;
	int started;                    /* the first act was seen */
	int broken;
};

/* Close a block's programme: did it play to its end? */
static void
acts_close(struct report *r, struct acts *a, int complete)
{
	if (a->media != 0 && a->started && complete && !a->broken && a->next_in != a->dur)
		problem(r, a->first_start, "programme %lld stops at %lld ms of %lld",
		    (long long)a->media, (long long)a->next_in, (long long)a->dur);
	memset(a, 0, sizeof *a);
}

/* Check items. */
int
schedcheck_items(const struct schedlib *lib, const struct sched_channel *ch,
    const struct fine_item *items, size_t n, char **report)
{
	struct report r;
	struct acts acts;
	const struct fine_item *it, *prev = NULL;
	const struct sl_item *li;
	struct tz_civil c;
	int64_t frame, block = INT64_MIN;
	int companies[64], categories[64], n_comp = 0, n_cat = 0, j, first_block = 1, guide;
	size_t i;

	memset(&r, 0, sizeof r);
	memset(&acts, 0, sizeof acts);
	r.ch = ch;
	frame = (1000LL * ch->fps_den + ch->fps_num - 1) / ch->fps_num;
	for (i = 0; i < n; i++) {
		it = &items[i];
		if (it->end_ms <= it->start_ms)
			problem(&r, it->start_ms, "item ends at or before it starts");
		if (prev != NULL) {
			if (it->start_ms < prev->end_ms)
				problem(&r, it->start_ms, "overlaps the item before by %lld ms",
				    (long long)(prev->end_ms - it->start_ms));
			else if (it->start_ms > prev->end_ms)
				problem(&r, prev->end_ms, "gap of %lld ms",
				    (long long)(it->start_ms - prev->end_ms));
		}
		if (it->end_ms - it->start_ms != it->out_ms - it->in_ms)
			problem(&r, it->start_ms, "airs %lld ms but plays %lld ms of its source",
			    (long long)(it->end_ms - it->start_ms), (long long)(it->out_ms - it->in_ms));
		if (it->in_ms < 0)
			problem(&r, it->start_ms, "negative in point");

		/* The file. */
		li = NULL;
		guide = fine_item_is_guide(it);
		if (guide) {
			/* Generated listings: no file, and only on a guide channel. */
			if (!ch->guide)
				problem(&r, it->start_ms, "a guide item on a regular channel");
		} else if (it->kind == ITEM_SLATE) {
			if (it->media_file_id != 0)
				problem(&r, it->start_ms, "a slate with a media file");
		} else if (it->media_file_id == 0)
			problem(&r, it->start_ms, "a %s with no media file", item_kind_name(it->kind));
		else if ((li = schedlib_item(lib, it->media_file_id)) == NULL)
			problem(&r, it->start_ms, "media file %lld is not in the library (removed or "
			    "missing)", (long long)it->media_file_id);
		if (li != NULL) {
			if (it->out_ms > li->duration_ms)
				problem(&r, it->start_ms, "plays to %lld ms of a %lld ms file",
				    (long long)it->out_ms, (long long)li->duration_ms);
			if (!kind_fits(it->kind, li->kind))
				problem(&r, it->start_ms, "a %s item plays file %lld, which is not one",
				    item_kind_name(it->kind), (long long)li->id);
			if (!rating_allows(ch->limit, li->level, ch->unrated_ok))
				problem(&r, it->start_ms, "file %lld is rated %s, above the limit %s",
				    (long long)li->id, rating_level_name(li->level),
				    rating_level_name(ch->limit));
			if (li->expires != INT32_MAX) {
				tz_local(ch->tz, it->start_ms, &c);
				if (tz_days_from_civil(c.year, c.month, c.day) > li->expires)
					problem(&r, it->start_ms, "commercial %lld has expired",
					    (long long)li->id);
			}
		}

		/* Blocks: each programme begins on a slot boundary. */
		if (it->programme_start_ms != block) {
			acts_close(&r, &acts, !first_block || prev != NULL);
			block = it->programme_start_ms;
			if (i > 0 || it->start_ms == block) {
				if (it->start_ms != block)
					problem(&r, it->start_ms, "programme %lld begins at another time",
					    (long long)block);
				if (!on_boundary(ch, block, frame))
					problem(&r, block, "a programme starts off the %d-minute boundaries",
					    ch->slot_minutes);
				first_block = 0;
			} else
				first_block = 1;        /* began before the range */
		} else if (it->programme_start_ms > it->start_ms)
			problem(&r, it->start_ms, "item precedes its programme's start");

		/* Acts: one file, in order, contiguous from 0. */
		if (it->kind == ITEM_PROGRAMME && !guide && !acts.broken) {
			if (acts.media == 0 && !acts.started) {
				acts.media = it->media_file_id;
				acts.dur = li != NULL ? li->duration_ms : it->out_ms;
				acts.first_start = it->start_ms;
				acts.next_act = it->act;
				acts.next_in = it->in_ms;
				acts.started = it->act == 1 || it->act == 0;
				if (acts.started && it->in_ms != 0)
					problem(&r, it->start_ms, "the first act does not start at 0");
			}
			if (it->media_file_id != acts.media) {
				problem(&r, it->start_ms, "two programmes in one block");
				acts.broken = 1;
			} else if (it->act != acts.next_act || it->in_ms != acts.next_in) {
				problem(&r, it->start_ms, "act %d plays from %lld ms, expected act %d from "
				    "%lld ms", it->act, (long long)it->in_ms, acts.next_act,
				    (long long)acts.next_in);
				acts.broken = 1;
			} else {
				if (it->in_ms != 0 && (it->in_ms < ch->margin_ms ||
				    acts.dur - it->in_ms < ch->margin_ms))
					problem(&r, it->start_ms, "a break at %lld ms is within %lld s of "
					    "the programme's start or end", (long long)it->in_ms,
					    (long long)(ch->margin_ms / 1000));
				acts.next_act = it->act + 1;
				acts.next_in = it->out_ms;
			}
		}

		/* Pods: no company or category twice in a run of commercials. */
		if (it->kind != ITEM_COMMERCIAL)
			n_comp = n_cat = 0;
		else if (li != NULL) {
			for (j = 0; j < n_comp; j++) {
				if (li->company != 0 && companies[j] == li->company)
					problem(&r, it->start_ms, "two commercials of %s in one break",
					    lib->strings[li->company]);
			}
			for (j = 0; j < n_cat; j++) {
				if (li->category != 0 && categories[j] == li->category)
					problem(&r, it->start_ms, "two %s commercials in one break",
					    lib->strings[li->category]);
			}
			if (li->company != 0 && n_comp < (int)nitems(companies))
				companies[n_comp++] = li->company;
			if (li->category != 0 && n_cat < (int)nitems(categories))
				categories[n_cat++] = li->category;
		}
		prev = it;
	}
	/* The last block may run past the range: only a broken one is reported. */
	memset(&acts, 0, sizeof acts);
	if (report != NULL)
		*report = r.text;
	else
		free(r.text);
	return r.problems;
}

/* Check a stored range. */
int
schedcheck_channel(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    char **report, char **cause)
{
	struct schedlib *lib = NULL;
	struct sched_channel ch;
	struct fine_item *items = NULL;
	size_t n = 0;
	int problems = -1;

	if (report != NULL)
		*report = NULL;
	if (schedlib_load(db, &lib, cause) != 0)
		return -1;
	if (schedlib_channel(db, lib, channel_id, &ch, cause) != 0) {
		schedlib_free(&lib);
		return -1;
	}
	if (finelog_items(db, channel_id, from_ms, to_ms, &items, &n, cause) == 0)
		problems = schedcheck_items(lib, &ch, items, n, report);
	fine_items_free(&items, n);
	schedlib_channel_clear(&ch);
	schedlib_free(&lib);
	return problems;
}
