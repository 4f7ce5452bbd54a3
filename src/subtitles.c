/*
 * subtitles.c: finding a file's subtitle tracks, keeping them, choosing.
 */
#include "src/subtitles.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "src/db.h"
#include "src/iso639.h"
#include "src/log.h"
#include "src/media.h"
#include "src/util.h"

/* Sidecar extensions and what they hold. */
static const struct {
	const char *ext;
	const char *codec;
	int bitmap;
} sidecar_kinds[] = {
	{ "srt", "subrip", 0 },
	{ "ass", "ass", 0 },
	{ "ssa", "ass", 0 },
	{ "vtt", "webvtt", 0 },
	{ "idx", "dvd_subtitle", 1 },
};

static const char *const mode_names[] = {
	[SUBS_OFF] = "off",
	[SUBS_FORCED] = "forced",
	[SUBS_ALWAYS] = "always",
	[SUBS_SELECTABLE] = "selectable",
};

/* Parse a mode. */
int
subs_mode_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < nitems(mode_names); i++) {
		if (strcasecmp(s, mode_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* A mode's name. */
const char *
subs_mode_name(enum subs_mode mode)
{
	return (unsigned)mode < nitems(mode_names) ? mode_names[mode] : "off";
}

/* Does s (any case) contain word w? */
static int
has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++) {
		if (strncasecmp(s, w, n) == 0)
			return 1;
	}
	return 0;
}

/* A name's tokens between the video's name and the extension. */
static void
sidecar_tokens(char *mid, struct subs_track *t)
{
	char *tok, *next = mid, code[8];
	size_t len;

	while ((tok = strsep(&next, ".")) != NULL) {
		if (*tok == '\0')
			continue;
		if (strcasecmp(tok, "forced") == 0 || strcasecmp(tok, "foreign") == 0)
			t->forced = 1;
		else if (strcasecmp(tok, "sdh") == 0 || strcasecmp(tok, "cc") == 0 ||
		    strcasecmp(tok, "hi") == 0)
			t->hearing_impaired = 1;
		else if (strcasecmp(tok, "default") == 0)
			t->is_default = 1;
		else if (t->language[0] == '\0' && iso639_name(tok) != NULL &&
		    iso639_norm(tok, code, sizeof code) != NULL)
			snprintf(t->language, sizeof t->language, "%.3s", code);
		else {
			/* Anything else names the track ("Name.en.commentary.srt"). */
			len = strlen(t->title);
			snprintf(t->title + len, sizeof t->title - len, "%s%s", len > 0 ? " " : "",
			    tok);
		}
	}
}

/* A sidecar? */
int
subs_sidecar_parse(const char *video_name, const char *name, struct subs_track *t)
{
	const char *dot = strrchr(video_name, '.'), *ext;
	size_t base = dot != NULL && dot != video_name ? (size_t)(dot - video_name) :
	    strlen(video_name), i;
	char *mid;

	if (strncmp(name, video_name, base) != 0 || name[base] != '.' ||
	    (ext = strrchr(name, '.')) == NULL)
		return 0;
	for (i = 0; i < nitems(sidecar_kinds); i++) {
		if (strcasecmp(ext + 1, sidecar_kinds[i].ext) == 0)
			break;
	}
	if (i == nitems(sidecar_kinds) || strlen(name) >= sizeof t->file_name)
		return 0;
	memset(t, 0, sizeof *t);
	t->stream_index = -1;
	snprintf(t->file_name, sizeof t->file_name, "%s", name);
	snprintf(t->codec, sizeof t->codec, "%s", sidecar_kinds[i].codec);
	t->bitmap = sidecar_kinds[i].bitmap;
	mid = xstrndup(name + base, (size_t)(ext - (name + base)));
	sidecar_tokens(mid, t);
	free(mid);
	return 1;
}

/* The subtitle streams of ic that FFmpeg can decode, appended to *out. */
static void
scan_streams(struct AVFormatContext *ic, struct subs_track **out, size_t *n)
{
	const AVCodecDescriptor *d;
	AVDictionaryEntry *e;
	struct subs_track *t;
	AVStream *st;
	char code[8];
	unsigned i;

	for (i = 0; i < ic->nb_streams; i++) {
		st = ic->streams[i];
		if (st->codecpar->codec_type != AVMEDIA_TYPE_SUBTITLE ||
		    avcodec_find_decoder(st->codecpar->codec_id) == NULL)
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		t = &(*out)[(*n)++];
		memset(t, 0, sizeof *t);
		t->stream_index = (int)i;
		snprintf(t->codec, sizeof t->codec, "%s", avcodec_get_name(st->codecpar->codec_id));
		d = avcodec_descriptor_get(st->codecpar->codec_id);
		t->bitmap = d != NULL && (d->props & AV_CODEC_PROP_BITMAP_SUB);
		if ((e = av_dict_get(st->metadata, "language", NULL, 0)) != NULL &&
		    iso639_norm(e->value, code, sizeof code) != NULL)
			snprintf(t->language, sizeof t->language, "%.3s", code);
		if ((e = av_dict_get(st->metadata, "title", NULL, 0)) != NULL)
			utf8_copy(t->title, sizeof t->title, e->value);
		t->forced = (st->disposition & AV_DISPOSITION_FORCED) || has_word(t->title, "forced");
		t->hearing_impaired = (st->disposition & AV_DISPOSITION_HEARING_IMPAIRED) ||
		    has_word(t->title, "sdh");
		t->is_default = (st->disposition & AV_DISPOSITION_DEFAULT) != 0;
	}
}

/* Sidecars: by name. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct subs_track *)a)->file_name,
	    ((const struct subs_track *)b)->file_name);
}

/* The sidecars of path, appended to *out in name order. */
static void
scan_sidecars(const char *path, struct subs_track **out, size_t *n)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash != NULL ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup("./");
	const char *video = slash != NULL ? slash + 1 : path;
	struct subs_track t;
	struct dirent *de;
	size_t first = *n;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, video) == 0 || !subs_sidecar_parse(video, de->d_name, &t))
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = t;
	}
	closedir(d);
	free(dir);
	qsort(*out + first, *n - first, sizeof **out, name_cmp);
}

/* Scan a file. */
int
subs_scan(const char *path, struct AVFormatContext *ic, struct subs_track **out, size_t *n,
    char **cause)
{
	AVFormatContext *own = NULL;
	int ret;

	*out = NULL;
	*n = 0;
	if (ic == NULL) {
		own = avformat_alloc_context();
		own->max_analyze_duration = AV_TIME_BASE / 2;
		if (media_open_input(&own, path, cause) < 0)
			return -1;
		/* Formats whose streams show up as they are read (MPEG-TS, PS) are read a little. */
		if ((own->ctx_flags & AVFMTCTX_NOHEADER) &&
		    (ret = avformat_find_stream_info(own, NULL)) < 0) {
			set_cause(cause, "cannot read %s: %s", path, av_err2str(ret));
			avformat_close_input(&own);
			return -1;
		}
		ic = own;
	}
	scan_streams(ic, out, n);
	avformat_close_input(&own);
	scan_sidecars(path, out, n);
	return 0;
}

/* The row of t among the file's rows (by stream or name), or 0. */
static int64_t
row_of(sqlite3 *db, int64_t mf_id, const struct subs_track *t)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	st = db_prepare(db, "SELECT id FROM subtitle_tracks WHERE media_file_id = ?1 AND "
	    "coalesce(stream_index, -1) = ?2 AND coalesce(file_name, '') = ?3", NULL);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, mf_id);
	sqlite3_bind_int(st, 2, t->stream_index >= 0 ? t->stream_index : -1);
	sqlite3_bind_text(st, 3, t->stream_index >= 0 ? "" : t->file_name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* Text or NULL when empty. */
static void
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Store. */
int
subs_store(sqlite3 *db, int64_t mf_id, const struct subs_track *t, size_t n, char **cause)
{
	sqlite3_stmt *st = NULL;
	char *keep = NULL, *k, *sql;
	int64_t id;
	size_t i;
	int rc = -1;

	if (sqlite3_exec(db, "SAVEPOINT subs_store", NULL, NULL, NULL) != SQLITE_OK) {
		set_cause(cause, "subtitle tracks: %s", sqlite3_errmsg(db));
		return -1;
	}
	keep = xstrdup("0");
	for (i = 0; i < n; i++) {
		id = row_of(db, mf_id, &t[i]);
		if (id > 0)
			st = db_prepare(db, "UPDATE subtitle_tracks SET codec = ?2, bitmap = ?3, "
			    "language = ?4, forced = ?5, hearing_impaired = ?6, is_default = ?7, "
			    "title = ?8 WHERE id = ?1 AND (codec, bitmap, language, forced, "
			    "hearing_impaired, is_default, title) IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			    cause);
		else
			st = db_prepare(db, "INSERT INTO subtitle_tracks (media_file_id, codec, bitmap, "
			    "language, forced, hearing_impaired, is_default, title, origin, "
			    "stream_index, file_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
			    "?11)", cause);
		if (st == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, id > 0 ? id : mf_id);
		sqlite3_bind_text(st, 2, t[i].codec, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, t[i].bitmap != 0);
		bind_opt(st, 4, t[i].language);
		sqlite3_bind_int(st, 5, t[i].forced != 0);
		sqlite3_bind_int(st, 6, t[i].hearing_impaired != 0);
		sqlite3_bind_int(st, 7, t[i].is_default != 0);
		bind_opt(st, 8, t[i].title);
		if (id == 0) {
			sqlite3_bind_text(st, 9, t[i].stream_index >= 0 ? "embedded" : "sidecar", -1,
			    SQLITE_STATIC);
			if (t[i].stream_index >= 0)
				sqlite3_bind_int(st, 10, t[i].stream_index);
			else
				sqlite3_bind_text(st, 11, t[i].file_name, -1, SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			set_cause(cause, "subtitle tracks: %s", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (id == 0)
			id = sqlite3_last_insert_rowid(db);
		xasprintf(&k, "%s,%lld", keep, (long long)id);
		free(keep);
		keep = k;
	}
	xasprintf(&sql, "DELETE FROM subtitle_tracks WHERE media_file_id = %lld AND id NOT IN (%s)",
	    (long long)mf_id, keep);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		set_cause(cause, "subtitle tracks: %s", sqlite3_errmsg(db));
	else
		rc = 0;
	free(sql);
out:
	sqlite3_finalize(st);
	free(keep);
	if (rc != 0)
		sqlite3_exec(db, "ROLLBACK TO subs_store", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE subs_store", NULL, NULL, NULL);
	return rc;
}

/* Scan and store. */
int
subs_refresh(sqlite3 *db, int64_t mf_id, const char *path, char **cause)
{
	struct subs_track *t = NULL;
	size_t n = 0;
	int rc;

	if (subs_scan(path, NULL, &t, &n, cause) != 0)
		return -1;
	rc = subs_store(db, mf_id, t, n, cause);
	free(t);
	return rc;
}

/* A stored row into t (columns of TRACK_COLS from col). */
#define TRACK_COLS "id, coalesce(stream_index, -1), file_name, codec, bitmap, language, forced, " \
	"hearing_impaired, is_default, title"
static void
read_track(sqlite3_stmt *st, int col, struct subs_track *t)
{
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, col);
	t->stream_index = sqlite3_column_int(st, col + 1);
	snprintf(t->file_name, sizeof t->file_name, "%s", db_text(st, col + 2));
	snprintf(t->codec, sizeof t->codec, "%s", db_text(st, col + 3));
	t->bitmap = sqlite3_column_int(st, col + 4);
	snprintf(t->language, sizeof t->language, "%s", db_text(st, col + 5));
	t->forced = sqlite3_column_int(st, col + 6);
	t->hearing_impaired = sqlite3_column_int(st, col + 7);
	t->is_default = sqlite3_column_int(st, col + 8);
	utf8_copy(t->title, sizeof t->title, db_text(st, col + 9));
}

/* Load. */
int
subs_load(sqlite3 *db, int64_t mf_id, struct subs_track **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT " TRACK_COLS " FROM subtitle_tracks WHERE media_file_id = ? "
	    "ORDER BY origin, stream_index, file_name", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		read_track(st, 0, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	return 0;
}

/* Describe. */
void
subs_describe(const struct subs_track *t, char *buf, size_t len)
{
	const char *lang = iso639_name(t->language);
	char where[300];

	if (t->stream_index >= 0)
		snprintf(where, sizeof where, "stream %d", t->stream_index);
	else
		snprintf(where, sizeof where, "sidecar %s", t->file_name);
	snprintf(buf, len, "#%lld %s%s%s%s%s%s%s (%s, %s)", (long long)t->id,
	    lang != NULL ? lang : t->language[0] != '\0' ? t->language : "unknown language",
	    t->forced ? ", forced" : "", t->hearing_impaired ? ", SDH" : "",
	    t->is_default ? ", default" : "", t->title[0] != '\0' ? ": \"" : "", t->title,
	    t->title[0] != '\0' ? "\"" : "", t->codec, where);
}

/* The item's choice. */
int
subs_item_choice(sqlite3 *db, int64_t mf_id, int *mode, struct subs_track *track,
    char **cause)
{
	sqlite3_stmt *st;

	*mode = -1;
	memset(track, 0, sizeof *track);
	track->stream_index = -1;
	st = db_prepare(db, "SELECT c.subtitle_mode, t." TRACK_COLS " FROM "
	    "content_scheduling_metadata c LEFT JOIN subtitle_tracks t ON t.id = "
	    "c.subtitle_track_id AND t.media_file_id = c.media_file_id WHERE c.media_file_id = ?",
	    cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*mode = subs_mode_parse(db_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			read_track(st, 1, track);
	}
	sqlite3_finalize(st);
	return 0;
}

/* Is t in lang? NULL: any language; "": an unknown one. */
static int
in_language(const struct subs_track *t, const char *lang)
{
	if (lang == NULL)
		return 1;
	if (*lang == '\0')
		return t->language[0] == '\0';
	return iso639_same(t->language, lang);
}

#define ANY_KIND 0
#define TEXT_ONLY 1
#define BITMAP_ONLY 2

/*
 * The best track in lang (in_language) of the kinds asked for: a full
 * track, then SDH, then forced (want_forced: forced ones only), the
 * default one first among equals. -1 if none.
 */
static int
best_in(const struct subs_track *t, size_t n, const char *lang, int want_forced, int kinds)
{
	int rank, best = -1, best_rank = 99;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!in_language(&t[i], lang) || (kinds == TEXT_ONLY && t[i].bitmap) ||
		    (kinds == BITMAP_ONLY && !t[i].bitmap) || (want_forced && !t[i].forced))
			continue;
		rank = want_forced ? (t[i].bitmap ? 1 : 0) : t[i].forced ? 2 :
		    t[i].hearing_impaired ? 1 : 0;
		rank = rank * 2 + !t[i].is_default;
		if (rank < best_rank) {
			best = (int)i;
			best_rank = rank;
		}
	}
	return best;
}

/*
 * The best track of the first wanted language that has one (langs "a,b"),
 * then of an unknown language; with no list, of the fallback language,
 * then of any.
 */
static int
first_wanted(const struct subs_track *t, size_t n, const char *langs, const char *fallback,
    int want_forced, int kinds)
{
	char *copy, *next, *lang;
	int r = -1;

	if (langs == NULL || *langs == '\0') {
		if (fallback != NULL && *fallback != '\0' &&
		    (r = best_in(t, n, fallback, want_forced, kinds)) >= 0)
			return r;
		return best_in(t, n, NULL, want_forced, kinds);
	}
	next = copy = xstrdup(langs);
	while (r < 0 && (lang = strsep(&next, ",")) != NULL) {
		lang = strtrim(lang);
		if (*lang != '\0')
			r = best_in(t, n, lang, want_forced, kinds);
	}
	free(copy);
	return r >= 0 ? r : best_in(t, n, "", want_forced, kinds);
}

/* The forced subtitles of the wanted languages. */
static void
choose_forced(const struct subs_track *t, size_t n, const struct subs_prefs *p,
    struct subs_choice *c)
{
	if ((c->burn = first_wanted(t, n, p->languages, p->audio_language, 1, ANY_KIND)) >= 0)
		return;
	/* A picture track flags its forced events one by one. */
	if ((c->burn = first_wanted(t, n, p->languages, p->audio_language, 0,
	    BITMAP_ONLY)) >= 0)
		c->burn_forced_only = 1;
}

/* Is track k the one the item chose? */
static int
is_chosen(const struct subs_track *k, const struct subs_track *want)
{
	if (want->stream_index >= 0)
		return k->stream_index == want->stream_index;
	return k->stream_index < 0 && strcmp(k->file_name, want->file_name) == 0;
}

/* Choose. */
void
subs_choose(const struct subs_track *t, size_t n, const struct subs_prefs *p,
    struct subs_choice *c)
{
	int own = -1;
	size_t i;

	c->burn = c->cue = -1;
	c->burn_forced_only = 0;
	if (p->track != NULL && (p->track->stream_index >= 0 || p->track->file_name[0] != '\0')) {
		for (i = 0; i < n && own < 0; i++) {
			if (is_chosen(&t[i], p->track))
				own = (int)i;
		}
	}
	switch (p->mode) {
	case SUBS_OFF:
		return;
	case SUBS_FORCED:
		if (own >= 0) {
			c->burn = own;
			c->burn_forced_only = !t[own].forced;
			return;
		}
		choose_forced(t, n, p, c);
		return;
	case SUBS_ALWAYS:
		c->burn = own >= 0 ? own : first_wanted(t, n, p->languages, NULL, 0, ANY_KIND);
		return;
	case SUBS_SELECTABLE:
		choose_forced(t, n, p, c);
		if (own >= 0 && !t[own].bitmap)
			c->cue = own;
		else if ((c->cue = first_wanted(t, n, p->languages, NULL, 0, ANY_KIND)) >= 0 &&
		    t[c->cue].bitmap)
			c->cue = first_wanted(t, n, p->languages, NULL, 0, TEXT_ONLY);
		/* The rendition is not the forced track again. */
		if (c->cue >= 0 && c->cue == c->burn && !c->burn_forced_only)
			c->cue = -1;
		return;
	}
}
