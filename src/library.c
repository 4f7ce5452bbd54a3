/*
 * library.c: writing movies, shows, episodes and clips.
 *
 * Change detection is done by SQLite: updates carry "WHERE a IS NOT ?"
 * for every compared column, so sqlite3_changes() says whether the row
 * really changed. Timestamps the importers use to skip work (Plex's
 * updatedAt, file and .nfo mtimes) are written by separate statements and
 * never count as changes.
 */
#include "src/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/db.h"
#include "src/log.h"
#include "src/rating.h"
#include "src/removed.h"
#include "src/util.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

enum {
	S_MF_INSERT,
	S_MF_UPDATE,
	S_MF_STAMPS,
	S_CSM_INSERT,
	S_CSM_RATING,
	S_CSM_RATING_FORCE,
	S_MOVIE_UPSERT,
	S_MOVIE_STAMP,
	S_MOVIE_ID,
	S_MGUID_DEL,
	S_MGUID_INS,
	S_EP_UPSERT,
	S_EP_STAMP,
	S_SHOW_BY_KEY,
	S_SHOW_BY_NFO,
	S_SHOW_BY_TITLE,
	S_SHOW_INSERT,
	S_SHOW_UPDATE,
	S_SHOW_UPDATE_KEEP_NAME,
	S_SHOW_NFO_STAMPS,
	S_SHOW_STAMP,
	S_SGUID_DEL,
	S_SGUID_INS,
	S_MF_DELETE,
	S_SHOW_DELETE_EMPTY,
	S_COUNT,
};

/*
 * The media_files columns ?1..?16 and ?18, ?19 (the stream languages), in
 * this order, in both S_MF_INSERT and S_MF_UPDATE (?17: the row to update).
 */
static const char *const sql[S_COUNT] = {
	[S_MF_INSERT] = "INSERT INTO media_files (file_path, source_path, duration_ms, media_type, "
	    "source_type, source_id, tmm_directory_id, source_key, library_name, library_key, "
	    "file_size, file_mtime, nfo_path, nfo_mtime, nfo_size, title, source_audio_langs, "
	    "source_subtitle_langs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?18, ?19)",
	[S_MF_UPDATE] = "UPDATE media_files SET file_path = ?1, source_path = ?2, duration_ms = ?3, "
	    "media_type = ?4, source_type = ?5, source_id = ?6, tmm_directory_id = ?7, "
	    "source_key = ?8, library_name = ?9, library_key = ?10, file_size = ?11, "
	    "nfo_path = ?13, title = ?16, source_audio_langs = ?18, source_subtitle_langs = ?19, "
	    "validation_status = CASE WHEN file_path IS NOT ?1 "
	    "THEN 'unchecked' ELSE validation_status END, updated_at = " NOW " WHERE id = ?17 AND "
	    "(file_path IS NOT ?1 OR source_path IS NOT ?2 OR duration_ms IS NOT ?3 OR "
	    "media_type IS NOT ?4 OR source_key IS NOT ?8 OR library_name IS NOT ?9 OR "
	    "library_key IS NOT ?10 OR file_size IS NOT ?11 OR nfo_path IS NOT ?13 OR "
	    "title IS NOT ?16 OR source_id IS NOT ?6 OR tmm_directory_id IS NOT ?7 OR "
	    "source_audio_langs IS NOT ?18 OR source_subtitle_langs IS NOT ?19)",
	[S_MF_STAMPS] = "UPDATE media_files SET file_mtime = ?1, nfo_mtime = ?2, nfo_size = ?3 "
	    "WHERE id = ?4",
	[S_CSM_INSERT] = "INSERT OR IGNORE INTO content_scheduling_metadata (media_file_id, "
	    "content_type, content_rating, rating_level) VALUES (?, ?, ?, ?)",
	/* Only when the source's own rating changed: a rating set by hand stays. */
	[S_CSM_RATING] = "UPDATE content_scheduling_metadata SET content_rating = ?1, "
	    "rating_level = ?2, updated_at = " NOW " WHERE media_file_id = ?3 AND "
	    "(content_rating IS NOT ?1 OR rating_level IS NOT ?2) AND EXISTS (SELECT 1 FROM "
	    "movies WHERE media_file_id = ?3 AND rating IS NOT ?4 UNION ALL SELECT 1 FROM "
	    "episodes WHERE media_file_id = ?3 AND rating IS NOT ?4)",
	[S_CSM_RATING_FORCE] = "UPDATE content_scheduling_metadata SET content_rating = ?1, "
	    "rating_level = ?2, updated_at = " NOW " WHERE media_file_id = ?3 AND "
	    "(content_rating IS NOT ?1 OR rating_level IS NOT ?2)",
	[S_MOVIE_UPSERT] = "INSERT INTO movies (media_file_id, title, year, rating, summary, genre, "
	    "director, studio, plex_rating_key, guid_primary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10) ON CONFLICT (media_file_id) DO UPDATE SET title = excluded.title, "
	    "year = excluded.year, rating = excluded.rating, summary = excluded.summary, "
	    "genre = excluded.genre, director = excluded.director, studio = excluded.studio, "
	    "plex_rating_key = excluded.plex_rating_key, guid_primary = excluded.guid_primary, "
	    "updated_at = " NOW " WHERE title IS NOT excluded.title OR year IS NOT excluded.year "
	    "OR rating IS NOT excluded.rating OR summary IS NOT excluded.summary OR genre IS NOT "
	    "excluded.genre OR director IS NOT excluded.director OR studio IS NOT excluded.studio "
	    "OR plex_rating_key IS NOT excluded.plex_rating_key OR guid_primary IS NOT "
	    "excluded.guid_primary",
	[S_MOVIE_STAMP] = "UPDATE movies SET updated_at_plex = ? WHERE media_file_id = ?",
	[S_MOVIE_ID] = "SELECT id FROM movies WHERE media_file_id = ?",
	[S_MGUID_DEL] = "DELETE FROM movie_guids WHERE movie_id = ?",
	[S_MGUID_INS] = "INSERT OR IGNORE INTO movie_guids (movie_id, provider, external_id) "
	    "VALUES (?, ?, ?)",
	[S_EP_UPSERT] = "INSERT INTO episodes (media_file_id, show_id, episode_title, "
	    "season_number, episode_number, rating, summary, air_date, plex_rating_key, "
	    "guid_primary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (media_file_id) DO UPDATE SET show_id = excluded.show_id, "
	    "episode_title = excluded.episode_title, season_number = excluded.season_number, "
	    "episode_number = excluded.episode_number, rating = excluded.rating, summary = "
	    "excluded.summary, air_date = excluded.air_date, plex_rating_key = "
	    "excluded.plex_rating_key, guid_primary = excluded.guid_primary, updated_at = " NOW " WHERE show_id IS NOT "
	    "excluded.show_id OR episode_title IS NOT excluded.episode_title OR season_number IS "
	    "NOT excluded.season_number OR episode_number IS NOT excluded.episode_number OR rating "
	    "IS NOT excluded.rating OR summary IS NOT excluded.summary OR air_date IS NOT "
	    "excluded.air_date OR plex_rating_key IS NOT excluded.plex_rating_key OR guid_primary "
	    "IS NOT excluded.guid_primary",
	[S_EP_STAMP] = "UPDATE episodes SET updated_at_plex = ? WHERE media_file_id = ?",
	[S_SHOW_BY_KEY] = "SELECT id, source_type, source_id, library_key, tmm_directory_id "
	    "FROM shows WHERE plex_rating_key = ?",
	[S_SHOW_BY_NFO] = "SELECT id, source_type, source_id, library_key, tmm_directory_id "
	    "FROM shows WHERE nfo_path = ?",
	[S_SHOW_BY_TITLE] = "SELECT id, source_type, source_id, library_key, tmm_directory_id "
	    "FROM shows WHERE title = ? AND year IS ?",
	[S_SHOW_INSERT] = "INSERT INTO shows (title, year, plex_rating_key, guid_primary, "
	    "total_episodes, show_rating, show_summary, genre, studio, source_type, source_id, "
	    "library_key, library_name, tmm_directory_id, nfo_path, nfo_mtime, nfo_size) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	[S_SHOW_UPDATE] = "UPDATE shows SET title = ?1, year = ?2, plex_rating_key = ?3, "
	    "guid_primary = ?4, total_episodes = ?5, show_rating = ?6, show_summary = ?7, "
	    "genre = ?8, studio = ?9, source_type = ?10, source_id = ?11, library_key = ?12, "
	    "library_name = ?13, tmm_directory_id = ?14, nfo_path = ?15, updated_at = " NOW
	    " WHERE id = ?18 AND (title IS NOT ?1 OR year IS NOT ?2 OR plex_rating_key IS NOT ?3 "
	    "OR guid_primary IS NOT ?4 OR total_episodes IS NOT ?5 OR show_rating IS NOT ?6 OR "
	    "show_summary IS NOT ?7 OR genre IS NOT ?8 OR studio IS NOT ?9 OR source_type IS NOT "
	    "?10 OR source_id IS NOT ?11 OR library_key IS NOT ?12 OR library_name IS NOT ?13 OR "
	    "tmm_directory_id IS NOT ?14 OR nfo_path IS NOT ?15)",
	[S_SHOW_UPDATE_KEEP_NAME] = "UPDATE shows SET guid_primary = ?4, total_episodes = ?5, "
	    "show_rating = ?6, show_summary = ?7, genre = ?8, studio = ?9, source_type = ?10, "
	    "source_id = ?11, library_key = ?12, library_name = ?13, tmm_directory_id = ?14, "
	    "nfo_path = ?15, updated_at = " NOW " WHERE id = ?18 AND (guid_primary IS NOT ?4 OR "
	    "total_episodes IS NOT ?5 OR show_rating IS NOT ?6 OR show_summary IS NOT ?7 OR genre "
	    "IS NOT ?8 OR studio IS NOT ?9 OR library_key IS NOT ?12 OR library_name IS NOT ?13 OR "
	    "nfo_path IS NOT ?15)",
	[S_SHOW_NFO_STAMPS] = "UPDATE shows SET nfo_mtime = ?, nfo_size = ? WHERE id = ?",
	[S_SHOW_STAMP] = "UPDATE shows SET updated_at_plex = ? WHERE id = ?",
	[S_SGUID_DEL] = "DELETE FROM show_guids WHERE show_id = ?",
	[S_SGUID_INS] = "INSERT OR IGNORE INTO show_guids (show_id, provider, external_id) "
	    "VALUES (?, ?, ?)",
	[S_MF_DELETE] = "DELETE FROM media_files WHERE id = ?",
	[S_SHOW_DELETE_EMPTY] = "DELETE FROM shows WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM "
	    "episodes WHERE show_id = ?1)",
};

struct library {
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
	struct removed *rm;             /* the archive of removed items */
	int64_t pending;                /* removed_items row of the file being put, or 0 */
	int restored;                   /* the last put brought a removed item's data back */
	long restored_chapters;
};

/* Prepare every statement. */
struct library *
library_new(sqlite3 *db, char **cause)
{
	struct library *lib = xcalloc(1, sizeof *lib);
	int i;

	lib->db = db;
	lib->rm = removed_new(db);
	for (i = 0; i < S_COUNT; i++) {
		if ((lib->st[i] = db_prepare(db, sql[i], cause)) == NULL) {
			library_free(&lib);
			return NULL;
		}
	}
	return lib;
}

/* Finalise. */
void
library_free(struct library **lp)
{
	struct library *lib;
	int i;

	if (lp == NULL || (lib = *lp) == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(lib->st[i]);
	removed_free(&lib->rm);
	free(lib);
	*lp = NULL;
}

/* The connection. */
sqlite3 *
library_db(struct library *lib)
{
	return lib->db;
}

/* Bind text or NULL (empty strings are NULL too). */
static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Bind an integer, or NULL when v <= floor. */
static void
bind_int(sqlite3_stmt *st, int i, int64_t v, int64_t floor)
{
	if (v > floor)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Step a statement that returns no rows; reset it. 0, or -1 with *cause. */
static int
run(struct library *lib, int which, const char *what, char **cause)
{
	sqlite3_stmt *st = lib->st[which];
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		set_cause(cause, "%s: %s", what, sqlite3_errmsg(lib->db));
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return 0;
}

/* The primary guid as "tvdb://123", in buf; NULL if none. */
static const char *
primary(const struct guid *g, size_t n, char *buf, size_t len)
{
	int i = guid_primary(g, n);

	return i < 0 ? NULL : guid_format(&g[i], buf, len);
}

/* Bind the media_files columns ?1..?16. */
static void
bind_file(sqlite3_stmt *st, const struct lib_origin *o, const struct lib_item *it)
{
	bind_text(st, 1, it->file_path);
	bind_text(st, 2, it->source_path);
	sqlite3_bind_int64(st, 3, it->duration_ms > 0 ? it->duration_ms : 0);
	bind_text(st, 4, it->media_type);
	bind_text(st, 5, o->source_type);
	bind_int(st, 6, o->source_id, 0);
	bind_int(st, 7, o->tmm_dir_id, 0);
	bind_text(st, 8, it->source_key);
	bind_text(st, 9, o->library_name);
	bind_text(st, 10, o->library_key);
	bind_int(st, 11, it->file_size, 0);
	bind_int(st, 12, it->file_mtime, 0);
	bind_text(st, 13, it->nfo_path);
	bind_int(st, 14, it->nfo_mtime, 0);
	bind_int(st, 15, it->nfo_size, -1);
	bind_text(st, 16, it->title);
	bind_text(st, 18, it->audio_langs);
	bind_text(st, 19, it->subtitle_langs);
}

/*
 * A file just added that the library had until recently (same source and
 * key, same path, or an external id in common)? Its removed_items row
 * waits in lib->pending until the movie or episode is written.
 */
static void
put_find_removed(struct library *lib, const struct lib_origin *o, const struct lib_item *it)
{
	struct removed_key k;

	memset(&k, 0, sizeof k);
	k.media_type = it->media_type;
	k.source_type = o->source_type;
	k.source_id = o->source_id;
	k.tmm_dir_id = o->tmm_dir_id;
	k.source_key = it->source_key;
	k.file_path = it->file_path;
	k.season = it->season;
	k.episode = it->episode;
	k.guids = it->guids;
	k.nguids = it->nguids;
	lib->pending = removed_match(lib->rm, &k);
}

/* The put is written: what came back gets its metadata, markers and slots. */
static int
put_done(struct library *lib, int64_t mf_id, const struct lib_item *it, char **cause)
{
	int64_t rid = lib->pending;

	lib->pending = 0;
	if (rid == 0)
		return 0;
	if (removed_apply(lib->rm, rid, mf_id, 0, &lib->restored_chapters, cause) != 0)
		return -1;
	lib->restored = 1;
	log_info("%s came back: its scheduling metadata and %ld chapter marker%s restored",
	    it->file_path, lib->restored_chapters, lib->restored_chapters == 1 ? "" : "s");
	return 0;
}

/* Insert or update the media_files row and its scheduling metadata. */
static int
put_file(struct library *lib, const struct lib_origin *o, const struct lib_item *it,
    int64_t *mf_id, enum lib_result *res, char **cause)
{
	const char *ctype = it->content_type;
	char norm[32];
	int level, which;
	sqlite3_stmt *st;

	lib->restored = 0;
	lib->restored_chapters = 0;
	lib->pending = 0;
	if (it->file_path == NULL || *it->file_path == '\0') {
		set_cause(cause, "%s: no file", it->title != NULL ? it->title : "an item");
		return -1;
	}
	if (ctype == NULL)
		ctype = strcmp(it->media_type, "clip") == 0 ? "interstitial" : it->media_type;
	if (library_rating(it->rating, norm, sizeof norm, &level) != 0 &&
	    it->rating != NULL && *it->rating != '\0')
		log_debug("%s: content rating '%s' not understood", it->title != NULL ?
		    it->title : it->file_path, it->rating);

	if (*mf_id > 0) {
		/* The rating first: it compares with the movie/episode row not yet updated. */
		which = strcmp(it->media_type, "clip") == 0 ? S_CSM_RATING_FORCE : S_CSM_RATING;
		st = lib->st[which];
		if (which == S_CSM_RATING_FORCE && (it->rating == NULL || *it->rating == '\0'))
			goto file;
		bind_text(st, 1, norm);
		bind_int(st, 2, level, -1);
		sqlite3_bind_int64(st, 3, *mf_id);
		bind_text(st, 4, it->rating);
		if (run(lib, which, "updating the rating", cause) != 0)
			return -1;
		if (sqlite3_changes(lib->db) > 0)
			*res = LIB_UPDATED;
file:
		st = lib->st[S_MF_UPDATE];
		bind_file(st, o, it);
		sqlite3_bind_int64(st, 17, *mf_id);
		if (run(lib, S_MF_UPDATE, "updating a media file", cause) != 0)
			return -1;
		if (sqlite3_changes(lib->db) > 0)
			*res = LIB_UPDATED;
		st = lib->st[S_MF_STAMPS];
		bind_int(st, 1, it->file_mtime, 0);
		bind_int(st, 2, it->nfo_mtime, 0);
		bind_int(st, 3, it->nfo_size, -1);
		sqlite3_bind_int64(st, 4, *mf_id);
		return run(lib, S_MF_STAMPS, "updating a media file", cause);
	}

	st = lib->st[S_MF_INSERT];
	bind_file(st, o, it);
	if (run(lib, S_MF_INSERT, "adding a media file", cause) != 0)
		return -1;
	*mf_id = sqlite3_last_insert_rowid(lib->db);
	*res = LIB_ADDED;
	st = lib->st[S_CSM_INSERT];
	sqlite3_bind_int64(st, 1, *mf_id);
	bind_text(st, 2, ctype);
	bind_text(st, 3, norm);
	bind_int(st, 4, level, -1);
	if (run(lib, S_CSM_INSERT, "adding scheduling metadata", cause) != 0)
		return -1;
	put_find_removed(lib, o, it);
	return 0;
}

/* Replace the guids of a movie or show. */
static int
put_guids(struct library *lib, int del, int ins, int64_t owner, const struct guid *g,
    size_t n, char **cause)
{
	size_t i;

	sqlite3_bind_int64(lib->st[del], 1, owner);
	if (run(lib, del, "replacing external ids", cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(lib->st[ins], 1, owner);
		sqlite3_bind_text(lib->st[ins], 2, guid_provider_name(g[i].provider), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(lib->st[ins], 3, g[i].id, -1, SQLITE_TRANSIENT);
		if (run(lib, ins, "adding an external id", cause) != 0)
			return -1;
	}
	return 0;
}

/* A movie. */
int
library_put_movie(struct library *lib, const struct lib_origin *o, const struct lib_item *it,
    int64_t *mf_id, enum lib_result *res, char **cause)
{
	sqlite3_stmt *st;
	int64_t movie_id = 0;
	char gbuf[GUID_ID_MAX + 16];

	*res = LIB_UNCHANGED;
	if (strcmp(it->media_type, "clip") == 0)
		return library_put_clip(lib, o, it, mf_id, res, cause);
	if (put_file(lib, o, it, mf_id, res, cause) != 0)
		return -1;
	st = lib->st[S_MOVIE_UPSERT];
	sqlite3_bind_int64(st, 1, *mf_id);
	bind_text(st, 2, it->title != NULL ? it->title : "(untitled)");
	bind_int(st, 3, it->year, 0);
	bind_text(st, 4, it->rating);
	bind_text(st, 5, it->summary);
	bind_text(st, 6, it->genre);
	bind_text(st, 7, it->director);
	bind_text(st, 8, it->studio);
	bind_text(st, 9, it->rating_key);
	bind_text(st, 10, primary(it->guids, it->nguids, gbuf, sizeof gbuf));
	if (run(lib, S_MOVIE_UPSERT, "writing a movie", cause) != 0)
		return -1;
	if (sqlite3_changes(lib->db) > 0 && *res == LIB_UNCHANGED)
		*res = LIB_UPDATED;
	st = lib->st[S_MOVIE_STAMP];
	bind_int(st, 1, it->updated_at, 0);
	sqlite3_bind_int64(st, 2, *mf_id);
	if (run(lib, S_MOVIE_STAMP, "writing a movie", cause) != 0)
		return -1;

	st = lib->st[S_MOVIE_ID];
	sqlite3_bind_int64(st, 1, *mf_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		movie_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (movie_id > 0 && put_guids(lib, S_MGUID_DEL, S_MGUID_INS, movie_id, it->guids,
	    it->nguids, cause) != 0)
		return -1;
	return put_done(lib, *mf_id, it, cause);
}

/* A clip. */
int
library_put_clip(struct library *lib, const struct lib_origin *o, const struct lib_item *it,
    int64_t *mf_id, enum lib_result *res, char **cause)
{
	*res = LIB_UNCHANGED;
	if (put_file(lib, o, it, mf_id, res, cause) != 0)
		return -1;
	return put_done(lib, *mf_id, it, cause);
}

/* An episode. */
int
library_put_episode(struct library *lib, const struct lib_origin *o, int64_t show_id,
    const struct lib_item *it, int64_t *mf_id, enum lib_result *res, char **cause)
{
	sqlite3_stmt *st;
	char gbuf[GUID_ID_MAX + 16];

	*res = LIB_UNCHANGED;
	if (put_file(lib, o, it, mf_id, res, cause) != 0)
		return -1;
	st = lib->st[S_EP_UPSERT];
	sqlite3_bind_int64(st, 1, *mf_id);
	sqlite3_bind_int64(st, 2, show_id);
	bind_text(st, 3, it->title);
	bind_int(st, 4, it->season, -1);
	bind_int(st, 5, it->episode, -1);
	bind_text(st, 6, it->rating);
	bind_text(st, 7, it->summary);
	bind_text(st, 8, it->air_date);
	bind_text(st, 9, it->rating_key);
	bind_text(st, 10, primary(it->guids, it->nguids, gbuf, sizeof gbuf));
	if (run(lib, S_EP_UPSERT, "writing an episode", cause) != 0)
		return -1;
	if (sqlite3_changes(lib->db) > 0 && *res == LIB_UNCHANGED)
		*res = LIB_UPDATED;
	st = lib->st[S_EP_STAMP];
	bind_int(st, 1, it->updated_at, 0);
	sqlite3_bind_int64(st, 2, *mf_id);
	if (run(lib, S_EP_STAMP, "writing an episode", cause) != 0)
		return -1;
	return put_done(lib, *mf_id, it, cause);
}

struct show_row {
	int64_t id;
	char source_type[16];
	int64_t source_id;
	char library_key[64];
	int64_t tmm_dir_id;
};

/* Step a show lookup bound by the caller. 1 if found. */
static int
show_lookup(struct library *lib, int which, struct show_row *r)
{
	sqlite3_stmt *st = lib->st[which];
	int found = 0;

	if (sqlite3_step(st) == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		snprintf(r->source_type, sizeof r->source_type, "%s", db_text(st, 1));
		r->source_id = sqlite3_column_int64(st, 2);
		snprintf(r->library_key, sizeof r->library_key, "%s", db_text(st, 3));
		r->tmm_dir_id = sqlite3_column_int64(st, 4);
		found = 1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return found;
}

/* Bind the show columns ?1..?17. */
static void
bind_show(sqlite3_stmt *st, const struct lib_origin *o, const struct lib_show *s,
    const char *key, const char *guid)
{
	bind_text(st, 1, s->title);
	bind_int(st, 2, s->year, 0);
	bind_text(st, 3, key);
	bind_text(st, 4, guid);
	bind_int(st, 5, s->total_episodes, -1);
	bind_text(st, 6, s->rating);
	bind_text(st, 7, s->summary);
	bind_text(st, 8, s->genre);
	bind_text(st, 9, s->studio);
	bind_text(st, 10, o->source_type);
	bind_int(st, 11, o->source_id, 0);
	bind_text(st, 12, o->library_key);
	bind_text(st, 13, o->library_name);
	bind_int(st, 14, o->tmm_dir_id, 0);
	bind_text(st, 15, s->nfo_path);
	bind_int(st, 16, s->nfo_mtime, 0);
	bind_int(st, 17, s->nfo_size, -1);
}

/* Find or create a show. */
int
library_put_show(struct library *lib, const struct lib_origin *o, const struct lib_show *s,
    int64_t *show_id, int *owned, enum lib_result *res, char **cause)
{
	struct show_row r;
	const char *key = s->rating_key;
	char gbuf[GUID_ID_MAX + 16];
	const char *guid = primary(s->guids, s->nguids, gbuf, sizeof gbuf);
	sqlite3_stmt *st;
	int found = 0, rc;

	*res = LIB_UNCHANGED;
	*owned = 0;
	if (s->title == NULL || *s->title == '\0') {
		set_cause(cause, "a show without a title");
		return -1;
	}
	memset(&r, 0, sizeof r);
	if (key != NULL) {
		bind_text(lib->st[S_SHOW_BY_KEY], 1, key);
		if (show_lookup(lib, S_SHOW_BY_KEY, &r)) {
			if (r.source_id == o->source_id && strcmp(r.source_type, o->source_type) == 0)
				found = *owned = 1;
			else
				key = NULL;     /* another server's item with the same number */
		}
	}
	if (!found && s->nfo_path != NULL) {
		bind_text(lib->st[S_SHOW_BY_NFO], 1, s->nfo_path);
		if (show_lookup(lib, S_SHOW_BY_NFO, &r))
			found = *owned = 1;
	}
	if (!found) {
		bind_text(lib->st[S_SHOW_BY_TITLE], 1, s->title);
		bind_int(lib->st[S_SHOW_BY_TITLE], 2, s->year, 0);
		if (show_lookup(lib, S_SHOW_BY_TITLE, &r)) {
			found = 1;
			/* Ours if it came from this origin, or if its origin is gone. */
			if (strcmp(r.source_type, o->source_type) == 0 && r.source_id == o->source_id &&
			    r.tmm_dir_id == o->tmm_dir_id && (o->library_key == NULL ||
			    r.library_key[0] == '\0' || strcmp(r.library_key, o->library_key) == 0))
				*owned = 1;
			else if (r.source_id == 0 && r.tmm_dir_id == 0)
				*owned = 1;
		}
	}

	if (!found) {
		st = lib->st[S_SHOW_INSERT];
		bind_show(st, o, s, key, guid);
		if (run(lib, S_SHOW_INSERT, "adding a show", cause) != 0)
			return -1;
		*show_id = sqlite3_last_insert_rowid(lib->db);
		*res = LIB_ADDED;
		*owned = 1;
	} else {
		*show_id = r.id;
		if (!*owned)
			return 0;
		st = lib->st[S_SHOW_UPDATE];
		bind_show(st, o, s, key, guid);
		sqlite3_bind_int64(st, 18, r.id);
		if ((rc = sqlite3_step(st)) == SQLITE_CONSTRAINT ||
		    (rc & 0xff) == SQLITE_CONSTRAINT) {
			/* Renamed onto another show's (title, year): keep the old name. */
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			log_warn("show '%s' (%d): another show has this title and year; kept the "
			    "old title", s->title, s->year);
			st = lib->st[S_SHOW_UPDATE_KEEP_NAME];
			bind_show(st, o, s, key, guid);
			sqlite3_bind_int64(st, 18, r.id);
			if (run(lib, S_SHOW_UPDATE_KEEP_NAME, "updating a show", cause) != 0)
				return -1;
		} else {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			if (rc != SQLITE_DONE) {
				set_cause(cause, "updating a show: %s", sqlite3_errmsg(lib->db));
				return -1;
			}
		}
		if (sqlite3_changes(lib->db) > 0)
			*res = LIB_UPDATED;
		st = lib->st[S_SHOW_NFO_STAMPS];
		bind_int(st, 1, s->nfo_mtime, 0);
		bind_int(st, 2, s->nfo_size, -1);
		sqlite3_bind_int64(st, 3, r.id);
		if (run(lib, S_SHOW_NFO_STAMPS, "updating a show", cause) != 0)
			return -1;
	}
	return put_guids(lib, S_SGUID_DEL, S_SGUID_INS, *show_id, s->guids, s->nguids, cause);
}

/* Store a show's updatedAt. */
int
library_show_stamp(struct library *lib, int64_t show_id, int64_t updated_at, char **cause)
{
	bind_int(lib->st[S_SHOW_STAMP], 1, updated_at, 0);
	sqlite3_bind_int64(lib->st[S_SHOW_STAMP], 2, show_id);
	return run(lib, S_SHOW_STAMP, "updating a show", cause);
}

/* Keep a file restorable, then delete it. */
int
library_remove_file(struct library *lib, int64_t mf_id, const char *reason, char **cause)
{
	sqlite3_stmt *st;
	int64_t rid = 0, other = 0;

	if (removed_archive(lib->rm, REMOVED_FILE, mf_id, reason, NULL, cause) != 0)
		return -1;
	/* The same file already back under another key (a Plex item matched again). */
	st = db_prepare(lib->db, "SELECT o.id, (SELECT max(id) FROM removed_items WHERE "
	    "media_file_id = mf.id) FROM media_files mf JOIN media_files o ON o.file_path = "
	    "mf.file_path AND o.media_type = mf.media_type AND o.id <> mf.id WHERE mf.id = ?1 "
	    "LIMIT 1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, mf_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		other = sqlite3_column_int64(st, 0);
		rid = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (other > 0 && rid > 0 && removed_apply(lib->rm, rid, other, 1, NULL, cause) != 0)
		return -1;
	sqlite3_bind_int64(lib->st[S_MF_DELETE], 1, mf_id);
	return run(lib, S_MF_DELETE, "removing a media file", cause);
}

/* Did the last put bring a removed item's data back? */
int
library_restored(struct library *lib, long *chapters)
{
	if (chapters != NULL)
		*chapters = lib->restored_chapters;
	return lib->restored;
}

/* Delete an empty show. */
int
library_remove_show_if_empty(struct library *lib, int64_t show_id, int *removed, char **cause)
{
	sqlite3_bind_int64(lib->st[S_SHOW_DELETE_EMPTY], 1, show_id);
	if (run(lib, S_SHOW_DELETE_EMPTY, "removing a show", cause) != 0)
		return -1;
	*removed = sqlite3_changes(lib->db) > 0;
	return 0;
}

/* What a source marks in a file, as one string (to compare before and after). */
static char *
marks_sig(sqlite3 *db, int64_t mf_id, const char *source)
{
	sqlite3_stmt *st;
	char *sig = NULL;

	st = db_prepare(db, "SELECT (SELECT group_concat(x, ',') FROM (SELECT timestamp_ms || '/' "
	    "|| coalesce(chapter_title, '') AS x FROM chapter_markers WHERE media_file_id = ?1 AND "
	    "source = ?2 ORDER BY timestamp_ms)) || '|' || (SELECT group_concat(x, ',') FROM (SELECT "
	    "kind || '/' || start_ms || '/' || end_ms AS x FROM media_markers WHERE media_file_id = "
	    "?1 AND source = ?2 ORDER BY kind, start_ms))", NULL);
	if (st == NULL)
		return xstrdup("?");
	sqlite3_bind_int64(st, 1, mf_id);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		sig = xstrdup(db_text(st, 0));
	sqlite3_finalize(st);
	return sig != NULL ? sig : xstrdup("");
}

/* Replace a source's marks of a file. */
int
library_put_marks(struct library *lib, int64_t mf_id, const char *source, int what,
    const struct lib_mark *m, size_t n, int64_t duration_ms, int *changed, char **cause)
{
	static const char *const kinds[] = { "chapter", "intro", "credits" };
	sqlite3_stmt *del[2] = { NULL, NULL }, *ins[2] = { NULL, NULL };
	char *before = NULL, *after;
	int64_t end;
	size_t i;
	int rc = -1, t;

	*changed = 0;
	if (what == 0)
		return 0;
	del[0] = db_prepare(lib->db, "DELETE FROM chapter_markers WHERE media_file_id = ?1 AND "
	    "source = ?2", cause);
	ins[0] = db_prepare(lib->db, "INSERT OR IGNORE INTO chapter_markers (media_file_id, "
	    "chapter_title, timestamp_ms, source) VALUES (?1, ?2, ?3, ?4)", cause);
	del[1] = db_prepare(lib->db, "DELETE FROM media_markers WHERE media_file_id = ?1 AND "
	    "source = ?2", cause);
	ins[1] = db_prepare(lib->db, "INSERT OR IGNORE INTO media_markers (media_file_id, kind, "
	    "start_ms, end_ms, source) VALUES (?1, ?2, ?3, ?4, ?5)", cause);
	if (del[0] == NULL || ins[0] == NULL || del[1] == NULL || ins[1] == NULL)
		goto out;
	before = marks_sig(lib->db, mf_id, source);
	for (t = 0; t < 2; t++) {
		if (!(what & (t == 0 ? LIB_MARKS_CHAPTERS : LIB_MARKS_SPANS)))
			continue;
		sqlite3_bind_int64(del[t], 1, mf_id);
		sqlite3_bind_text(del[t], 2, source, -1, SQLITE_STATIC);
		if (sqlite3_step(del[t]) != SQLITE_DONE)
			goto dberr;
	}
	for (i = 0; i < n; i++) {
		t = m[i].kind == 0 ? 0 : 1;
		if (!(what & (t == 0 ? LIB_MARKS_CHAPTERS : LIB_MARKS_SPANS)) || m[i].kind < 0 ||
		    m[i].kind > 2 || m[i].start_ms < 0)
			continue;
		end = m[i].end_ms;
		if (duration_ms > 0 && end > duration_ms)
			end = duration_ms;
		/* A chapter at the very start is no break; a span must have a length. */
		if (t == 0 ? m[i].start_ms < 1000 || (duration_ms > 0 && m[i].start_ms >=
		    duration_ms) : end <= m[i].start_ms)
			continue;
		sqlite3_reset(ins[t]);
		sqlite3_clear_bindings(ins[t]);
		sqlite3_bind_int64(ins[t], 1, mf_id);
		if (t == 0) {
			bind_text(ins[t], 2, m[i].title);
			sqlite3_bind_int64(ins[t], 3, m[i].start_ms);
			sqlite3_bind_text(ins[t], 4, source, -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_text(ins[t], 2, kinds[m[i].kind], -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins[t], 3, m[i].start_ms);
			sqlite3_bind_int64(ins[t], 4, end);
			sqlite3_bind_text(ins[t], 5, source, -1, SQLITE_STATIC);
		}
		if (sqlite3_step(ins[t]) != SQLITE_DONE)
			goto dberr;
	}
	/* Deleting and adding back the same rows is no change. */
	after = marks_sig(lib->db, mf_id, source);
	*changed = strcmp(before, after) != 0;
	free(after);
	rc = 0;
	goto out;
dberr:
	set_cause(cause, "writing marks: %s", sqlite3_errmsg(lib->db));
out:
	free(before);
	for (t = 0; t < 2; t++) {
		sqlite3_finalize(del[t]);
		sqlite3_finalize(ins[t]);
	}
	return rc;
}

/* Set given scheduling fields. */
int
library_set_sched(struct library *lib, int64_t mf_id, const struct lib_sched *s, int *changed,
    char **cause)
{
	static const char *const cols[] = {
		"content_type", "daypart_preference", "seasonal_preference", "commercial_company",
		"commercial_category", "commercial_expiration", "target_demographic",
		"content_warnings", "scheduling_notes",
	};
	const char *vals[nitems(cols)];
	sqlite3_stmt *st;
	char *q, norm[32];
	size_t i;
	int level, total = 0;

	*changed = 0;
	vals[0] = s->content_type;
	vals[1] = s->daypart;
	vals[2] = s->seasonal;
	vals[3] = s->company;
	vals[4] = s->category;
	vals[5] = s->expiration;
	vals[6] = s->demographic;
	vals[7] = s->warnings;
	vals[8] = s->notes;
	/* A row exists for every file; make one for files written before it did. */
	st = lib->st[S_CSM_INSERT];
	sqlite3_bind_int64(st, 1, mf_id);
	sqlite3_bind_text(st, 2, s->content_type != NULL ? s->content_type : "interstitial", -1,
	    SQLITE_TRANSIENT);
	if (run(lib, S_CSM_INSERT, "adding scheduling metadata", cause) != 0)
		return -1;
	for (i = 0; i < nitems(cols); i++) {
		if (vals[i] == NULL)
			continue;
		xasprintf(&q, "UPDATE content_scheduling_metadata SET %s = ?1, updated_at = %s "
		    "WHERE media_file_id = ?2 AND %s IS NOT ?1", cols[i], NOW, cols[i]);
		st = db_prepare(lib->db, q, cause);
		free(q);
		if (st == NULL)
			return -1;
		bind_text(st, 1, vals[i]);
		sqlite3_bind_int64(st, 2, mf_id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			set_cause(cause, "%s: %s", cols[i], sqlite3_errmsg(lib->db));
			sqlite3_finalize(st);
			return -1;
		}
		total += sqlite3_changes(lib->db);
		sqlite3_finalize(st);
	}
	if (s->commercial_duration >= 0 || s->rating != NULL) {
		st = db_prepare(lib->db, "UPDATE content_scheduling_metadata SET "
		    "commercial_duration = CASE WHEN ?1 THEN ?2 ELSE commercial_duration END, "
		    "content_rating = CASE WHEN ?3 THEN ?4 ELSE content_rating END, "
		    "rating_level = CASE WHEN ?3 THEN ?5 ELSE rating_level END, updated_at = " NOW
		    " WHERE media_file_id = ?6 AND ((?1 AND commercial_duration IS NOT ?2) OR (?3 AND "
		    "(content_rating IS NOT ?4 OR rating_level IS NOT ?5)))", cause);
		if (st == NULL)
			return -1;
		sqlite3_bind_int(st, 1, s->commercial_duration >= 0);
		bind_int(st, 2, s->commercial_duration, 0);
		sqlite3_bind_int(st, 3, s->rating != NULL);
		if (s->rating != NULL) {
			library_rating(s->rating, norm, sizeof norm, &level);
			bind_text(st, 4, norm);
			bind_int(st, 5, level, -1);
		}
		sqlite3_bind_int64(st, 6, mf_id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			set_cause(cause, "scheduling metadata: %s", sqlite3_errmsg(lib->db));
			sqlite3_finalize(st);
			return -1;
		}
		total += sqlite3_changes(lib->db);
		sqlite3_finalize(st);
	}
	*changed = total > 0;
	return 0;
}

/* Kodi writes countries as words; rating_parse knows their codes. */
static const struct {
	const char *word;
	const char *code;
} countries[] = {
	{ "australia", "au" }, { "uk", "gb" }, { "united kingdom", "gb" },
	{ "great britain", "gb" }, { "germany", "de" }, { "deutschland", "de" },
	{ "canada", "ca" }, { "new zealand", "nz" }, { "ireland", "ie" }, { "france", "fr" },
	{ "netherlands", "nl" }, { "usa", "us" }, { "united states", "us" }, { "brazil", "br" },
	{ "japan", "jp" }, { "spain", "es" }, { "italy", "it" }, { "sweden", "se" },
	{ "denmark", "dk" }, { "norway", "no" }, { "finland", "fi" }, { "austria", "at" },
	{ "switzerland", "ch" }, { "india", "in" }, { "mexico", "mx" }, { "south korea", "kr" },
};

/* A rating on the project's scale. */
int
library_rating(const char *raw, char *name, size_t len, int *level)
{
	struct rating r;
	char buf[96];
	const char *colon, *text = raw;
	size_t i, n;

	if (name != NULL && len > 0)
		name[0] = '\0';
	*level = RATING_UNRATED;
	if (raw == NULL)
		return -1;
	while (*text == ' ')
		text++;
	if ((colon = strchr(text, ':')) != NULL) {
		n = (size_t)(colon - text);
		for (i = 0; i < nitems(countries); i++) {
			if (strlen(countries[i].word) == n && strncasecmp(text, countries[i].word,
			    n) == 0) {
				snprintf(buf, sizeof buf, "%s/%s", countries[i].code, colon + 1);
				text = buf;
				break;
			}
		}
	}
	if (rating_parse(text, &r) != 0)
		return -1;
	*level = r.level;
	if (name != NULL && len > 0)
		snprintf(name, len, "%s", r.name);
	return 0;
}

/* Run q with ?1 = id; 0, or -1 with *cause. */
static int
exec_id(sqlite3 *db, const char *q, int64_t id, char **cause)
{
	sqlite3_stmt *st = db_prepare(db, q, cause);
	int ok;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	if (!ok)
		set_cause(cause, "%s", sqlite3_errmsg(db));
	return ok ? 0 : -1;
}

/* Remove a source or a TMM directory and what came from it. */
int
library_remove_origin(sqlite3 *db, int scope, int64_t id, const char *reason,
    const char *delete_sql, long *files, char **cause)
{
	const char *c = scope == REMOVED_TMM_DIR ? "tmm_directory_id" : "source_id";
	char *q = NULL;

	*files = 0;
	if (db_begin(db, cause) != 0)
		return -1;
	xasprintf(&q, "SELECT count(*) FROM media_files WHERE %s = %lld", c, (long long)id);
	*files = (long)db_scalar(db, q, 0);
	freep(&q);
	if (removed_keep(db, (enum removed_scope)scope, id, reason, cause) != 0)
		goto fail;
	/* A show with episodes from elsewhere passes to that origin; the rest go. */
	xasprintf(&q, "UPDATE shows SET (source_type, source_id, tmm_directory_id, library_key, "
	    "plex_rating_key, updated_at_plex, nfo_path) = (SELECT mf.source_type, mf.source_id, "
	    "mf.tmm_directory_id, mf.library_key, NULL, NULL, NULL FROM episodes e JOIN media_files "
	    "mf ON mf.id = e.media_file_id WHERE e.show_id = shows.id AND mf.%s IS NOT ?1 LIMIT 1) "
	    "WHERE %s = ?1 AND EXISTS (SELECT 1 FROM episodes e JOIN media_files mf ON mf.id = "
	    "e.media_file_id WHERE e.show_id = shows.id AND mf.%s IS NOT ?1)", c, c, c);
	if (exec_id(db, q, id, cause) != 0)
		goto fail;
	freep(&q);
	xasprintf(&q, "DELETE FROM shows WHERE %s = ?1", c);
	if (exec_id(db, q, id, cause) != 0)
		goto fail;
	freep(&q);
	if (exec_id(db, delete_sql, id, cause) != 0)
		goto fail;
	if (sqlite3_changes(db) == 0) {
		set_cause(cause, "no %s %lld", scope == REMOVED_TMM_DIR ? "TMM directory" : "source",
		    (long long)id);
		goto fail;
	}
	if (library_bump_revision(db) != 0 || db_commit(db, cause) != 0)
		goto fail;
	return 0;
fail:
	free(q);
	db_rollback(db);
	return -1;
}

/* content.revision += 1. */
int
library_bump_revision(sqlite3 *db)
{
	return db_exec(db, "INSERT INTO system_config (key, value, description) VALUES "
	    "('content.revision', '1', 'incremented at every change to the content library') "
	    "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1, updated_at = "
	    NOW, NULL);
}

/* Display title. */
char *
library_title(sqlite3 *db, int64_t mf_id)
{
	sqlite3_stmt *st;
	char *t = NULL;

	st = db_prepare(db, "SELECT " LIBRARY_TITLE_SQL " FROM media_files mf WHERE mf.id = ?",
	    NULL);
	if (st == NULL)
		return xstrdup("?");
	sqlite3_bind_int64(st, 1, mf_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = xstrdup(db_text(st, 0));
	sqlite3_finalize(st);
	return t != NULL ? t : xstrdup("?");
}
