/*
 * schedlib.c: load the scheduler's snapshot of the library.
 */
#include "src/schedlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/coarse.h"
#include "src/db.h"
#include "src/log.h"
#include "src/rating.h"
#include "src/season.h"
#include "src/strmap.h"
#include "src/tz.h"
#include "src/util.h"

static const char *kind_names[] = {
	[SL_EPISODE] = "episode",
	[SL_MOVIE] = "movie",
	[SL_COMMERCIAL] = "commercial",
	[SL_BUMPER] = "bumper",
	[SL_STATION_ID] = "station_id",
	[SL_PROMO] = "promo",
	[SL_INTERSTITIAL] = "interstitial",
	[SL_INTRO] = "intro",
	[SL_OUTRO] = "outro",
};

/* Find (or add, when add is set) s, whatever its case; returns its index or 0. */
static int
intern(struct schedlib *lib, const char *s, int add)
{
	struct strmap_val *v;
	int idx;

	if (s == NULL || *s == '\0')
		return 0;
	if ((v = strmap_get(lib->intern, s)) != NULL)
		return (int)v->id;
	if (!add)
		return 0;
	idx = (int)lib->n_strings;
	lib->strings = xreallocarray(lib->strings, lib->n_strings + 1, sizeof *lib->strings);
	lib->strings[lib->n_strings++] = xstrdup(s);
	strmap_put(lib->intern, s)->id = idx;
	return idx;
}

/* Interned id without adding. */
int
schedlib_string(const struct schedlib *lib, const char *s)
{
	return intern((struct schedlib *)lib, s, 0);
}

/* Text column or NULL. */
static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The file name of a path without directory and extension. */
static char *
base_title(const char *path)
{
	const char *b = strrchr(path, '/'), *dot;

	b = b != NULL ? b + 1 : path;
	dot = strrchr(b, '.');
	return dot != NULL && dot > b ? xstrndup(b, (size_t)(dot - b)) : xstrdup(b);
}

/* "YYYY-MM-DD" as a day number, or INT32_MAX. */
static int32_t
parse_day(const char *s)
{
	int y, m, d;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return INT32_MAX;
	return (int32_t)tz_days_from_civil(y, m, d);
}

/* Kind from content_type, or -1. */
static int
kind_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < nitems(kind_names); i++) {
		if (kind_names[i] != NULL && strcmp(s, kind_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * A bumper's side of the break, from its category ("out", "in") or its
 * scheduling notes ("break-in": into the break; "break-out": out of it).
 */
static int
bumper_role(const char *category, const char *notes)
{
	if (category != NULL && (strcasecmp(category, "out") == 0 ||
	    strcasecmp(category, "break") == 0 || strcasecmp(category, "break-in") == 0))
		return SL_ROLE_OUT;
	if (category != NULL && (strcasecmp(category, "in") == 0 ||
	    strcasecmp(category, "return") == 0 || strcasecmp(category, "break-out") == 0))
		return SL_ROLE_IN;
	if (notes != NULL && strcasestr(notes, "break-in") != NULL)
		return SL_ROLE_OUT;
	if (notes != NULL && strcasestr(notes, "break-out") != NULL)
		return SL_ROLE_IN;
	return SL_ROLE_ANY;
}

/* What generated item a clip stands in for (SL_CARD_*). */
static int
card_role(int kind, const char *notes)
{
	if (notes == NULL)
		return SL_CARD_NONE;
	if (kind == SL_INTERSTITIAL && strcasestr(notes, "rating-card") != NULL)
		return SL_CARD_RATING;
	if (kind == SL_OUTRO && strcasestr(notes, "sign-off") != NULL)
		return SL_CARD_SIGNOFF;
	if (kind == SL_INTRO && strcasestr(notes, "sign-on") != NULL)
		return SL_CARD_SIGNON;
	return SL_CARD_NONE;
}

/* The index of a seasonal preference in lib->seasons (added once), or -1. */
static int
season_index(struct schedlib *lib, const char *spec, int64_t media_id)
{
	struct season s;
	char *cause = NULL;
	size_t i;

	if (spec == NULL || *spec == '\0')
		return -1;
	if (season_parse(spec, &s, &cause) != 0) {
		log_warn("media file %lld: seasonal preference %s; ignored", (long long)media_id,
		    cause);
		free(cause);
		return -1;
	}
	if (s.n == 0)
		return -1;
	for (i = 0; i < lib->n_seasons; i++) {
		if (memcmp(&lib->seasons[i], &s, sizeof s) == 0)
			return (int)i;
	}
	lib->seasons = xreallocarray(lib->seasons, lib->n_seasons + 1, sizeof *lib->seasons);
	lib->seasons[lib->n_seasons] = s;
	return (int)lib->n_seasons++;
}

/* Compare item ids. */
static int
cmp_item(const void *a, const void *b)
{
	const struct sl_item *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Episode order: season, episode, id. */
static int
cmp_ep(const void *a, const void *b, void *arg)
{
	const struct schedlib *lib = arg;
	const struct sl_item *x = &lib->items[*(const int32_t *)a];
	const struct sl_item *y = &lib->items[*(const int32_t *)b];

	if (x->season != y->season)
		return x->season < y->season ? -1 : 1;
	if (x->episode != y->episode)
		return x->episode < y->episode ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Load shows. */
static int
load_shows(sqlite3 *db, struct schedlib *lib, char **cause)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	struct sl_show *s;
	int rc;

	st = db_prepare(db, "SELECT id, title, genre, show_rating FROM shows ORDER BY id", cause);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (lib->n_shows == cap) {
			cap = cap ? cap * 2 : 64;
			lib->shows = xreallocarray(lib->shows, cap, sizeof *lib->shows);
		}
		s = &lib->shows[lib->n_shows++];
		memset(s, 0, sizeof *s);
		s->id = sqlite3_column_int64(st, 0);
		s->title = xstrdup(col(st, 1) ? col(st, 1) : "");
		s->genre = col(st, 2) ? xstrdup(col(st, 2)) : NULL;
		s->level = rating_level(col(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading series: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Load files. */
static int
load_items(sqlite3 *db, struct schedlib *lib, char **cause)
{
	sqlite3_stmt *st;
	struct sl_item *it;
	size_t cap = 0;
	const char *ctype, *cat;
	int rc, kind, level;

	st = db_prepare(db, "SELECT m.id, m.duration_ms, m.file_path, c.content_type, "
	    "c.rating_level, c.content_rating, c.daypart_preference, c.commercial_company, "
	    "c.commercial_category, c.commercial_expiration, c.target_demographic, "
	    "e.show_id, e.season_number, e.episode_number, e.episode_title, e.rating, "
	    "mv.title, mv.rating, mv.genre, mv.year, s.show_rating, "
	    "e.media_file_id IS NOT NULL, mv.media_file_id IS NOT NULL, c.scheduling_notes, "
	    "c.seasonal_preference "
	    "FROM media_files m "
	    "LEFT JOIN content_scheduling_metadata c ON c.media_file_id = m.id "
	    "LEFT JOIN episodes e ON e.media_file_id = m.id "
	    "LEFT JOIN shows s ON s.id = e.show_id "
	    "LEFT JOIN movies mv ON mv.media_file_id = m.id "
	    "WHERE m.duration_ms > 0 AND m.validation_status NOT IN ('missing', 'error') "
	    "ORDER BY m.id", cause);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ctype = col(st, 3);
		if ((kind = kind_parse(ctype)) < 0) {
			if (sqlite3_column_int(st, 21))
				kind = SL_EPISODE;
			else if (sqlite3_column_int(st, 22))
				kind = SL_MOVIE;
			else
				continue;       /* a clip with no role on air */
		}
		if (kind == SL_EPISODE && !sqlite3_column_int(st, 21))
			kind = SL_OTHER;        /* no series to place it in */
		if (lib->n == cap) {
			cap = cap ? cap * 2 : 1024;
			lib->items = xreallocarray(lib->items, cap, sizeof *lib->items);
		}
		it = &lib->items[lib->n++];
		memset(it, 0, sizeof *it);
		it->id = sqlite3_column_int64(st, 0);
		it->duration_ms = sqlite3_column_int64(st, 1);
		it->kind = (enum sl_kind)kind;
		/*
		 * The rating, from its text: scheduling metadata, else the item's
		 * own, else its show's. A stored level is used only without text
		 * (importers have disagreed on the numbers; the names are stable).
		 */
		level = rating_level(col(st, 5));
		if (level == RATING_UNRATED)
			level = rating_level(col(st, 15));
		if (level == RATING_UNRATED)
			level = rating_level(col(st, 17));
		if (level == RATING_UNRATED)
			level = rating_level(col(st, 20));
		if (level == RATING_UNRATED && col(st, 5) == NULL &&
		    sqlite3_column_type(st, 4) != SQLITE_NULL &&
		    sqlite3_column_int(st, 4) >= 0 && sqlite3_column_int(st, 4) <= RATING_MAX)
			level = sqlite3_column_int(st, 4);
		it->level = level;
		it->daypart = coarse_daypart_parse(col(st, 6));
		it->company = intern(lib, col(st, 7), 1);
		cat = col(st, 8);
		if (kind == SL_BUMPER)
			it->role = bumper_role(cat, col(st, 23));
		else
			it->category = intern(lib, cat, 1);
		it->expires = parse_day(col(st, 9));
		it->card = card_role(kind, col(st, 23));
		it->seasonal = season_index(lib, col(st, 24), it->id);
		it->demographic = intern(lib, col(st, 10), 1);
		it->show = -1;
		if (sqlite3_column_int(st, 21)) {
			it->show = schedlib_show(lib, sqlite3_column_int64(st, 11));
			it->season = sqlite3_column_type(st, 12) == SQLITE_NULL ? 1 :
			    sqlite3_column_int(st, 12);
			it->episode = sqlite3_column_int(st, 13);
			it->title = col(st, 14) != NULL ? xstrdup(col(st, 14)) : NULL;
		} else if (sqlite3_column_int(st, 22)) {
			it->title = xstrdup(col(st, 16) ? col(st, 16) : "");
			it->genre = col(st, 18) ? xstrdup(col(st, 18)) : NULL;
			it->year = sqlite3_column_int(st, 19);
		}
		if (it->title == NULL && it->show < 0)
			it->title = base_title(col(st, 2) ? col(st, 2) : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading the library: %s", sqlite3_errmsg(db));
		return -1;
	}
	/* ORDER BY m.id already sorted them; keep the invariant explicit. */
	if (lib->n > 0)
		qsort(lib->items, lib->n, sizeof *lib->items, cmp_item);
	return 0;
}

/*
 * Load chapter markers per file in three classes: made by hand (manual,
 * nfo, demo), detected black+silent points, and chapters from a server or
 * the file itself (plex, jellyfin, emby, file); the scheduler prefers them
 * in that order.
 */
static int
load_marks(sqlite3 *db, struct schedlib *lib, char **cause)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int64_t file, ts;
	struct sl_item *it;
	uint32_t *off, *n;
	int rc, class;

	st = db_prepare(db, "SELECT media_file_id, CASE WHEN source IN ('manual', 'nfo', 'demo') "
	    "THEN 0 WHEN source = 'detected' THEN 1 ELSE 2 END AS class, timestamp_ms FROM "
	    "chapter_markers ORDER BY media_file_id, class, timestamp_ms", cause);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		file = sqlite3_column_int64(st, 0);
		class = sqlite3_column_int(st, 1);
		ts = sqlite3_column_int64(st, 2);
		if ((it = (struct sl_item *)schedlib_item(lib, file)) == NULL)
			continue;
		if (ts <= 0 || ts >= it->duration_ms)
			continue;
		if (lib->n_marks == cap) {
			cap = cap ? cap * 2 : 4096;
			lib->marks = xreallocarray(lib->marks, cap, sizeof *lib->marks);
		}
		off = class == 0 ? &it->mk_off : class == 1 ? &it->dt_off : &it->sv_off;
		n = class == 0 ? &it->mk_n : class == 1 ? &it->dt_n : &it->sv_n;
		if (*n == 0)
			*off = (uint32_t)lib->n_marks;
		(*n)++;
		lib->marks[lib->n_marks++] = ts;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading chapter markers: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/*
 * Load intro and credits spans (media_markers): the first intro, and the
 * start of the credits that run to the end (within 30 s of it).
 */
static int
load_spans(sqlite3 *db, struct schedlib *lib, char **cause)
{
	sqlite3_stmt *st;
	struct sl_item *it;
	int64_t a, z;
	int rc, intro;

	st = db_prepare(db, "SELECT media_file_id, kind = 'intro', start_ms, end_ms FROM "
	    "media_markers ORDER BY media_file_id, start_ms", cause);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((it = (struct sl_item *)schedlib_item(lib, sqlite3_column_int64(st, 0))) == NULL)
			continue;
		intro = sqlite3_column_int(st, 1);
		a = sqlite3_column_int64(st, 2);
		z = sqlite3_column_int64(st, 3);
		if (a < 0 || z <= a || a >= it->duration_ms)
			continue;
		if (intro && it->intro_end_ms == 0) {
			it->intro_ms = a;
			it->intro_end_ms = z < it->duration_ms ? z : it->duration_ms;
		} else if (!intro && a > 0 && z >= it->duration_ms - 30000 &&
		    (it->credits_ms == 0 || a < it->credits_ms))
			it->credits_ms = a;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading intro and credits markers: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Index per kind, and each series' episodes in order. */
static void
index_items(struct schedlib *lib)
{
	size_t i, k, specials;
	struct sl_show *s;
	struct sl_item *it;

	for (k = 0; k < SL_KIND_COUNT; k++) {
		lib->by_kind[k] = xreallocarray(NULL, lib->n + 1, sizeof *lib->by_kind[k]);
		lib->n_kind[k] = 0;
	}
	for (i = 0; i < lib->n; i++) {
		it = &lib->items[i];
		lib->by_kind[it->kind][lib->n_kind[it->kind]++] = (int32_t)i;
		if (it->kind == SL_EPISODE && it->show >= 0) {
			s = &lib->shows[it->show];
			s->eps = xreallocarray(s->eps, s->n_eps + 1, sizeof *s->eps);
			s->eps[s->n_eps++] = (int32_t)i;
		}
	}
	for (i = 0; i < lib->n_shows; i++) {
		s = &lib->shows[i];
		if (s->n_eps > 1)
			qsort_r(s->eps, s->n_eps, sizeof *s->eps, cmp_ep, lib);
		/* Specials (season 0) only when a series has nothing else. */
		for (specials = 0; specials < s->n_eps &&
		    lib->items[s->eps[specials]].season == 0; specials++)
			;
		if (specials > 0 && specials < s->n_eps) {
			memmove(s->eps, s->eps + specials, (s->n_eps - specials) * sizeof *s->eps);
			s->n_eps -= specials;
		}
	}
}

/* Load everything. */
int
schedlib_load(sqlite3 *db, struct schedlib **out, char **cause)
{
	struct schedlib *lib = xcalloc(1, sizeof *lib);

	lib->intern = strmap_new_nocase();
	lib->strings = xmalloc(sizeof *lib->strings);
	lib->strings[0] = xstrdup("");
	lib->n_strings = 1;
	if (load_shows(db, lib, cause) != 0 || load_items(db, lib, cause) != 0 ||
	    load_marks(db, lib, cause) != 0 || load_spans(db, lib, cause) != 0) {
		schedlib_free(&lib);
		return -1;
	}
	index_items(lib);
	log_debug("scheduler library: %zu files, %zu series, %zu markers, %zu commercials",
	    lib->n, lib->n_shows, lib->n_marks, lib->n_kind[SL_COMMERCIAL]);
	*out = lib;
	return 0;
}

/* Free. */
void
schedlib_free(struct schedlib **libp)
{
	struct schedlib *lib;
	size_t i;

	if (libp == NULL || (lib = *libp) == NULL)
		return;
	for (i = 0; i < lib->n; i++) {
		free(lib->items[i].title);
		free(lib->items[i].genre);
	}
	for (i = 0; i < lib->n_shows; i++) {
		free(lib->shows[i].title);
		free(lib->shows[i].genre);
		free(lib->shows[i].eps);
	}
	for (i = 0; i < SL_KIND_COUNT; i++)
		free(lib->by_kind[i]);
	for (i = 0; i < lib->n_strings; i++)
		free(lib->strings[i]);
	strmap_free(&lib->intern);
	free(lib->strings);
	free(lib->items);
	free(lib->shows);
	free(lib->marks);
	free(lib->seasons);
	free(lib);
	*libp = NULL;
}

/* Item by id. */
const struct sl_item *
schedlib_item(const struct schedlib *lib, int64_t id)
{
	size_t lo = 0, hi = lib->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (lib->items[mid].id == id)
			return &lib->items[mid];
		if (lib->items[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Series index by id. */
int
schedlib_show(const struct schedlib *lib, int64_t show_id)
{
	size_t lo = 0, hi = lib->n_shows, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (lib->shows[mid].id == show_id)
			return (int)mid;
		if (lib->shows[mid].id < show_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Display title. */
char *
schedlib_title(const struct schedlib *lib, const struct sl_item *it)
{
	char *t;

	if (it->show >= 0) {
		if (it->title != NULL && *it->title != '\0')
			xasprintf(&t, "%s / %s", lib->shows[it->show].title, it->title);
		else
			xasprintf(&t, "%s / S%02dE%02d", lib->shows[it->show].title, it->season,
			    it->episode);
		return t;
	}
	return xstrdup(it->title != NULL ? it->title : "");
}

/* Channel settings. */
int
schedlib_channel(sqlite3 *db, const struct schedlib *lib, int64_t channel_id,
    struct sched_channel *ch, char **cause)
{
	sqlite3_stmt *st;
	char *tzcause = NULL;
	int rc;

	memset(ch, 0, sizeof *ch);
	st = db_prepare(db, "SELECT number, timezone, slot_minutes, content_rating_limit, "
	    "unrated_ok, target_demographic, act_seconds, break_margin_s, bumpers, "
	    "station_id_minutes, fps_num, fps_den, enabled, channel_type = 'guide', signoff_time, "
	    "signon_time, rating_cards, next_bumpers, credits FROM channels WHERE id = ?1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, channel_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			set_cause(cause, "reading channel %lld: %s", (long long)channel_id,
			    sqlite3_errmsg(db));
		else
			set_cause(cause, "no channel with id %lld", (long long)channel_id);
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	ch->id = channel_id;
	snprintf(ch->number, sizeof ch->number, "%s", db_text(st, 0));
	ch->tz = tz_get(db_text(st, 1), &tzcause);
	if (ch->tz == NULL) {
		set_cause(cause, "channel %s: %s", ch->number, tzcause);
		free(tzcause);
		sqlite3_finalize(st);
		return -1;
	}
	ch->slot_minutes = sqlite3_column_int(st, 2);
	if (ch->slot_minutes < 1 || ch->slot_minutes > 1440)
		ch->slot_minutes = 30;
	ch->limit = rating_level(col(st, 3));
	ch->unrated_ok = sqlite3_column_int(st, 4);
	if (col(st, 5) != NULL && *col(st, 5) != '\0') {
		ch->demographic_text = xstrdup(col(st, 5));
		/* Nothing in the library has it: a value no item matches. */
		ch->demographic = lib != NULL ? schedlib_string(lib, col(st, 5)) : 0;
		if (ch->demographic == 0)
			ch->demographic = -1;
	}
	ch->act_ms = sqlite3_column_int64(st, 6) * 1000;
	ch->margin_ms = sqlite3_column_int64(st, 7) * 1000;
	ch->bumpers = sqlite3_column_int(st, 8);
	ch->station_id_minutes = sqlite3_column_int(st, 9);
	ch->fps_num = sqlite3_column_int(st, 10);
	ch->fps_den = sqlite3_column_int(st, 11);
	if (ch->fps_num <= 0 || ch->fps_den <= 0)
		ch->fps_num = 30, ch->fps_den = 1;
	ch->enabled = sqlite3_column_int(st, 12);
	ch->guide = sqlite3_column_int(st, 13);
	ch->signoff_min = ch->signon_min = -1;
	if (col(st, 14) != NULL && col(st, 15) != NULL &&
	    (coarse_parse_time(col(st, 14), &ch->signoff_min) != 0 ||
	    coarse_parse_time(col(st, 15), &ch->signon_min) != 0 ||
	    ch->signoff_min % 1440 == ch->signon_min % 1440)) {
		log_warn("channel %s: sign-off %s / sign-on %s make no sense; on the air all day",
		    ch->number, col(st, 14), col(st, 15));
		ch->signoff_min = ch->signon_min = -1;
	}
	if (ch->signoff_min >= 0) {
		ch->signoff_min %= 1440;
		ch->signon_min %= 1440;
	}
	ch->rating_cards = sqlite3_column_int(st, 16);
	ch->next_bumpers = sqlite3_column_int(st, 17);
	if (col(st, 18) != NULL && strcmp(col(st, 18), "squeeze") == 0)
		ch->credits = SCHED_CREDITS_SQUEEZE;
	else if (col(st, 18) != NULL && strcmp(col(st, 18), "cut") == 0)
		ch->credits = SCHED_CREDITS_CUT;
	sqlite3_finalize(st);
	return 0;
}

/* Free. */
void
schedlib_channel_clear(struct sched_channel *ch)
{
	if (ch == NULL)
		return;
	free(ch->demographic_text);
	memset(ch, 0, sizeof *ch);
}

/* In season? */
int
schedlib_in_season(const struct schedlib *lib, const struct sl_item *it, int year, int month,
    int day)
{
	if (it->seasonal < 0 || (size_t)it->seasonal >= lib->n_seasons)
		return 1;
	return season_contains(&lib->seasons[it->seasonal], year, month, day);
}

/* Rating and demographic. */
int
schedlib_allowed(const struct sched_channel *ch, const struct sl_item *it)
{
	if (!rating_allows(ch->limit, it->level, ch->unrated_ok))
		return 0;
	/* Content aimed at an audience airs only where that audience is. */
	if (it->demographic != 0 && ch->demographic != 0 && it->demographic != ch->demographic)
		return 0;
	return 1;
}
