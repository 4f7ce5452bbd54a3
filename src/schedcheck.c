/*
 * schedcheck.c: check a fine log against its invariants (see schedcheck.h).
 */
#include "src/schedcheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/coarse.h"
#include "src/db.h"
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
	case ITEM_RATING_CARD:
		return lk == SL_INTERSTITIAL;
	case ITEM_SIGNOFF:
		return lk == SL_OUTRO;
	case ITEM_SIGNON:
		return lk == SL_INTRO;
	default:
		return 1;
	}
}

/* The acts of one programme, collected while walking a block. */
struct acts {
	int64_t media;
	int64_t dur;
	int64_t min_end;                /* it may end here (its credits cut or squeezed) */
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
	if (a->media != 0 && a->started && complete && !a->broken &&
	    (a->next_in < a->min_end || a->next_in > a->dur))
		problem(r, a->first_start, "programme %lld stops at %lld ms of %lld",
		    (long long)a->media, (long long)a->next_in, (long long)a->dur);
	memset(a, 0, sizeof *a);
}

/* Is local minute m inside the channel's off-air hours? */
static int
off_hours(const struct sched_channel *ch, int m)
{
	int off = ch->signoff_min, on = ch->signon_min;

	if (off < 0)
		return 0;
	return off < on ? m >= off && m < on : m >= off || m < on;
}

/* Is kind one of the off-air block's? */
static int
offair_kind(enum item_kind k)
{
	return k == ITEM_SIGNOFF || k == ITEM_OFFAIR || k == ITEM_SIGNON;
}

/*
 * Off-air periods: a block that starts in the off-air hours is an off-air
 * block (sign-off, bars, sign-on, and nothing else) and runs until a
 * sign-on time; off-air items appear in no other block.
 */
static void
check_offair(struct report *r, const struct sched_channel *ch, const struct fine_item *items,
    size_t n)
{
	struct tz_civil c;
	size_t i, j;
	int in_hours, last_m;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && items[j].programme_start_ms == items[i].programme_start_ms;
		    j++)
			;
		if (items[i].start_ms != items[i].programme_start_ms)
			continue;       /* began before the range */
		tz_local(ch->tz, items[i].start_ms, &c);
		in_hours = off_hours(ch, c.hour * 60 + c.minute);
		if (!offair_kind(items[i].kind)) {
			size_t k;

			if (in_hours)
				problem(r, items[i].start_ms, "a programme starts in the off-air hours");
			for (k = i; k < j; k++) {
				if (offair_kind(items[k].kind))
					problem(r, items[k].start_ms, "a %s item outside an off-air period",
					    item_kind_name(items[k].kind));
			}
			continue;
		}
		if (!in_hours)
			problem(r, items[i].start_ms, "off the air outside the off-air hours");
		for (size_t k = i; k < j; k++) {
			if (!offair_kind(items[k].kind))
				problem(r, items[k].start_ms, "a %s item in an off-air period",
				    item_kind_name(items[k].kind));
		}
		if (j < n) {
			tz_local(ch->tz, items[j - 1].end_ms, &c);
			last_m = c.hour * 60 + c.minute;
			if (ch->signon_min < 0 || off_hours(ch, last_m) ||
			    last_m - ch->signon_min >= ch->slot_minutes || last_m < ch->signon_min)
				problem(r, items[j - 1].end_ms, "an off-air period ends at %02d:%02d, "
				    "not at sign-on", last_m / 60, last_m % 60);
		}
	}
}

/* Seasonal content in season, rating cards that match their programme. */
static void
check_cards_seasons(struct report *r, const struct schedlib *lib,
    const struct sched_channel *ch, const struct fine_item *items, size_t n)
{
	const struct sl_item *li, *prog;
	struct tz_civil c;
	char want[32], title[48];
	size_t i, k;

	for (i = 0; i < n; i++) {
		li = items[i].media_file_id != 0 ? schedlib_item(lib, items[i].media_file_id) : NULL;
		if (li != NULL && li->seasonal >= 0) {
			tz_local(ch->tz, items[i].start_ms, &c);
			if (!schedlib_in_season(lib, li, c.year, c.month, c.day))
				problem(r, items[i].start_ms, "file %lld airs out of its season",
				    (long long)li->id);
		}
		if (items[i].kind != ITEM_RATING_CARD)
			continue;
		for (k = i + 1; k < n && items[k].programme_start_ms ==
		    items[i].programme_start_ms && items[k].kind != ITEM_PROGRAMME; k++)
			;
		if (k == n || items[k].kind != ITEM_PROGRAMME || k != i + 1) {
			if (k < n)
				problem(r, items[i].start_ms, "a rating card not right before a programme");
			continue;
		}
		if ((prog = schedlib_item(lib, items[k].media_file_id)) == NULL)
			continue;
		if (li != NULL) {
			if (li->level != prog->level)
				problem(r, items[i].start_ms, "the rating card is for %s, the programme "
				    "is rated %s", rating_level_name(li->level),
				    rating_level_name(prog->level));
			continue;
		}
		snprintf(title, sizeof title, "Rated %s", rating_card_name(prog->level,
		    prog->kind == SL_EPISODE, want, sizeof want));
		if (items[i].title == NULL || strcmp(items[i].title, title) != 0)
			problem(r, items[i].start_ms, "the rating card says '%s', the programme is %s",
			    items[i].title != NULL ? items[i].title : "", title);
	}
}

/*
 * Slots with dates or marathons: each programme they placed airs on a
 * date they are active.
 */
static void
check_slots(struct report *r, const struct coarse_slot *slots, size_t n_slots,
    const struct sched_channel *ch, const struct fine_item *items, size_t n)
{
	const struct coarse_slot *s, *got;
	struct tz_civil c;
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (items[i].schedule_id == 0 || items[i].start_ms != items[i].programme_start_ms)
			continue;
		for (k = 0, s = NULL; k < n_slots; k++) {
			if (slots[k].id == items[i].schedule_id)
				s = &slots[k];
		}
		if (s == NULL || (s->dates.n == 0 && !s->marathon))
			continue;
		tz_local(ch->tz, items[i].start_ms, &c);
		got = coarse_match_date(slots, n_slots, c.year, c.month, c.day, c.wday,
		    c.hour * 60 + c.minute);
		if (got != s)
			problem(r, items[i].start_ms, "slot %lld placed a programme on a date it is "
			    "not active", (long long)s->id);
	}
}

/* Check items. */
int
schedcheck_items(const struct schedlib *lib, const struct sched_channel *ch,
    const struct fine_item *items, size_t n, char **report)
{
	return schedcheck_items_slots(lib, ch, NULL, 0, items, n, report);
}

/* Check items and their coarse slots. */
int
schedcheck_items_slots(const struct schedlib *lib, const struct sched_channel *ch,
    const struct coarse_slot *slots, size_t n_slots, const struct fine_item *items, size_t n,
    char **report)
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
		} else if (ITEM_KIND_GENERATED(it->kind) && it->media_file_id == 0) {
			/* drawn by the engine */
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
				acts.min_end = li != NULL && li->credits_ms > 0 && ch->credits !=
				    SCHED_CREDITS_KEEP ? li->credits_ms : acts.dur;
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
				if (li != NULL && it->in_ms != 0 && ((li->intro_end_ms > 0 &&
				    it->in_ms > li->intro_ms && it->in_ms < li->intro_end_ms) ||
				    (li->credits_ms > 0 && it->in_ms > li->credits_ms)))
					problem(&r, it->start_ms, "a break at %lld ms is inside the "
					    "programme's intro or end credits", (long long)it->in_ms);
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
	check_offair(&r, ch, items, n);
	check_cards_seasons(&r, lib, ch, items, n);
	if (slots != NULL)
		check_slots(&r, slots, n_slots, ch, items, n);
	if (report != NULL)
		*report = r.text;
	else
		free(r.text);
	return r.problems;
}

/*
 * No simultaneous repeats: no programme of this channel in the range airs
 * while another channel airs the same file. Adds to *report; returns the
 * number found.
 */
static int
check_simultaneous(sqlite3 *db, const struct sched_channel *ch, int64_t from_ms,
    int64_t to_ms, char **report)
{
	struct report r;
	sqlite3_stmt *st;

	memset(&r, 0, sizeof r);
	r.ch = ch;
	r.text = report != NULL ? *report : NULL;
	r.len = r.text != NULL ? strlen(r.text) : 0;
	st = db_prepare(db, "SELECT a.start_ms, a.media_file_id, c.number FROM schedule_items a "
	    "JOIN schedule_items o ON o.media_file_id = a.media_file_id AND "
	    "o.channel_id <> a.channel_id AND o.start_ms < a.end_ms AND o.end_ms > a.start_ms "
	    "AND o.kind = 'programme' JOIN channels c ON c.id = o.channel_id "
	    "WHERE a.channel_id = ?1 AND a.start_ms >= ?2 AND a.start_ms < ?3 AND "
	    "a.kind = 'programme' ORDER BY a.start_ms", NULL);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, ch->id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	while (sqlite3_step(st) == SQLITE_ROW)
		problem(&r, sqlite3_column_int64(st, 0), "file %lld airs on channel %s at the same "
		    "time", (long long)sqlite3_column_int64(st, 1), db_text(st, 2));
	sqlite3_finalize(st);
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
	struct coarse_slot *slots = NULL;
	size_t n = 0, n_slots = 0;
	int problems = -1;

	if (report != NULL)
		*report = NULL;
	if (schedlib_load(db, &lib, cause) != 0)
		return -1;
	if (schedlib_channel(db, lib, channel_id, &ch, cause) != 0) {
		schedlib_free(&lib);
		return -1;
	}
	if (coarse_load(db, channel_id, &slots, &n_slots, cause) == 0 &&
	    finelog_items(db, channel_id, from_ms, to_ms, &items, &n, cause) == 0) {
		problems = schedcheck_items_slots(lib, &ch, slots, n_slots, items, n, report);
		if (problems >= 0)
			problems += check_simultaneous(db, &ch, from_ms, to_ms, report);
	}
	coarse_free(&slots, n_slots);
	fine_items_free(&items, n);
	schedlib_channel_clear(&ch);
	schedlib_free(&lib);
	return problems;
}
