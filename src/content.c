/*
 * content.c: manual content, metadata edits, listing, details.
 */
#include "src/content.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "src/chapters.h"
#include "src/db.h"
#include "src/media.h"
#include "src/nfo.h"
#include "src/removed.h"
#include "src/util.h"

const char *const content_types[] = {
	"movie", "episode", "commercial", "bumper", "station_id", "intro", "outro",
	"interstitial", "promo", NULL,
};

const char *const content_set_keys = "title, type, daypart, seasonal, rating, company, "
    "category, duration, expires, demographic, warnings, notes, year, summary, genre, audio";

/* Normalise a type. */
const char *
content_type_parse(const char *s)
{
	return nfo_content_type(s);
}

/* "Title (1978)" -> title and year. */
static char *
split_year(const char *s, int *year)
{
	char *t = xstrdup(s), *p = strrchr(t, '(');
	int y;

	*year = 0;
	if (p != NULL && sscanf(p, "(%4d)", &y) == 1 && y > 1800 && y < 3000) {
		*year = y;
		*p = '\0';
		memmove(t, strtrim(t), strlen(strtrim(t)) + 1);
	}
	return t;
}

/* Add a file by hand. */
int
content_add_file(sqlite3 *db, const char *path, const struct content_add *a, int64_t *id,
    char **cause)
{
	struct library *lib = NULL;
	struct lib_origin o = { .source_type = "manual" };
	struct lib_item it;
	struct lib_show ls;
	struct lib_sched sch;
	struct media_info mi;
	enum lib_result res;
	char real[PATH_MAX], *title = NULL, *show = NULL, *dot;
	const char *type, *base, *mtype;
	sqlite3_stmt *st;
	int64_t existing = 0, show_id = 0;
	int owned, changed, year;

	*id = 0;
	if ((type = content_type_parse(a->type)) == NULL) {
		set_cause(cause, "'%s' is not a content type (movie, episode, commercial, bumper, "
		    "station-id, intro, outro, interstitial, promo)", a->type != NULL ? a->type : "");
		return -1;
	}
	/* A URL is refused as such (a library holds local files only). */
	if (media_check_local(path, cause) != 0 && errno == EPERM)
		return -1;
	freep(cause);
	if (realpath(path, real) == NULL) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((st = db_prepare(db, "SELECT id FROM media_files WHERE file_path = ?", cause)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, real, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		existing = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (existing > 0) {
		set_cause(cause, "%s is already in the library as %lld", real, (long long)existing);
		return -1;
	}
	if (strcmp(type, "episode") == 0 && (a->show == NULL || *a->show == '\0')) {
		set_cause(cause, "an episode needs --show \"Title (Year)\"");
		return -1;
	}
	if (media_probe(real, &mi, NULL, cause) != 0)
		return -1;

	if (a->title != NULL && *a->title != '\0')
		title = xstrdup(a->title);
	else {
		base = strrchr(real, '/');
		title = xstrdup(base != NULL ? base + 1 : real);
		if ((dot = strrchr(title, '.')) != NULL && dot != title)
			*dot = '\0';
	}
	mtype = strcmp(type, "movie") == 0 || strcmp(type, "episode") == 0 ? type : "clip";
	memset(&it, 0, sizeof it);
	it.file_path = real;
	it.source_path = real;
	it.source_key = real;
	it.media_type = mtype;
	it.content_type = type;
	it.duration_ms = mi.duration_ms;
	it.file_size = mi.size;
	it.title = title;
	it.year = a->year;
	it.rating = a->sched.rating;
	it.season = a->season;
	it.episode = a->episode;

	if ((lib = library_new(db, cause)) == NULL)
		goto fail_nolib;
	if (db_begin(db, cause) != 0)
		goto fail_nolib;
	if (strcmp(mtype, "episode") == 0) {
		memset(&ls, 0, sizeof ls);
		show = split_year(a->show, &year);
		ls.title = show;
		ls.year = year;
		ls.total_episodes = -1;
		if (library_put_show(lib, &o, &ls, &show_id, &owned, &res, cause) != 0)
			goto fail;
		if (library_put_episode(lib, &o, show_id, &it, id, &res, cause) != 0)
			goto fail;
	} else if (strcmp(mtype, "movie") == 0) {
		if (library_put_movie(lib, &o, &it, id, &res, cause) != 0)
			goto fail;
	} else if (library_put_clip(lib, &o, &it, id, &res, cause) != 0)
		goto fail;
	sch = a->sched;
	sch.content_type = type;
	if (sch.commercial_duration < 0 && strcmp(type, "commercial") == 0 && mi.duration_ms > 0)
		sch.commercial_duration = (int)((mi.duration_ms + 500) / 1000);
	if (library_set_sched(lib, *id, &sch, &changed, cause) != 0)
		goto fail;
	if (library_bump_revision(db) != 0 || db_commit(db, cause) != 0)
		goto fail;
	library_free(&lib);
	free(title);
	free(show);
	return 0;
fail:
	db_rollback(db);
fail_nolib:
	library_free(&lib);
	free(title);
	free(show);
	*id = 0;
	return -1;
}

/* Run an UPDATE with one text value and the id. */
static int
update_one(sqlite3 *db, const char *sql, const char *value, int64_t id, char **cause)
{
	sqlite3_stmt *st = db_prepare(db, sql, cause);
	int ok;

	if (st == NULL)
		return -1;
	if (value != NULL && *value != '\0')
		sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	ok = sqlite3_step(st) == SQLITE_DONE;
	if (!ok)
		set_cause(cause, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* The operator's audio choice: a language code ("spa", "en") or a track number ("2"). */
static int
valid_audio_track(const char *s)
{
	long long n;
	size_t i, len = strlen(s);

	if (parse_int(s, 1, 64, &n) == 0)
		return 1;
	if (len < 2 || len > 3)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	}
	return 1;
}

/* Set metadata. */
int
content_set(sqlite3 *db, int64_t id, char *const *pairs, size_t n, char **cause)
{
	struct library *lib = NULL;
	struct lib_sched sch;
	char *key = NULL, *eq, norm[32];
	const char *val;
	int64_t ms;
	long long y;
	size_t i;
	int changed, level, yy, mm, dd;

	if (db_scalar(db, "SELECT 1", 0) != 1)
		return -1;
	{
		sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM media_files WHERE id = ?",
		    cause);

		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		changed = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
		sqlite3_finalize(st);
		if (changed == 0) {
			set_cause(cause, "no media file %lld", (long long)id);
			return -1;
		}
	}
	memset(&sch, 0, sizeof sch);
	sch.commercial_duration = -1;
	if ((lib = library_new(db, cause)) == NULL || db_begin(db, cause) != 0) {
		library_free(&lib);
		return -1;
	}
	for (i = 0; i < n; i++) {
		free(key);
		key = xstrdup(pairs[i]);
		if ((eq = strchr(key, '=')) == NULL) {
			set_cause(cause, "'%s' is not key=value (keys: %s)", pairs[i], content_set_keys);
			goto fail;
		}
		*eq = '\0';
		val = eq + 1;
		if (strcmp(key, "title") == 0) {
			if (*val == '\0') {
				set_cause(cause, "the title cannot be empty");
				goto fail;
			}
			if (update_one(db, "UPDATE media_files SET title = ?1, updated_at = strftime("
			    "'%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?2", val, id, cause) != 0 ||
			    update_one(db, "UPDATE movies SET title = ?1 WHERE media_file_id = ?2", val, id,
			    cause) != 0 || update_one(db, "UPDATE episodes SET episode_title = ?1 WHERE "
			    "media_file_id = ?2", val, id, cause) != 0)
				goto fail;
		} else if (strcmp(key, "type") == 0) {
			if ((sch.content_type = content_type_parse(val)) == NULL) {
				set_cause(cause, "type=%s: not a content type (movie, episode, commercial, "
				    "bumper, station-id, intro, outro, interstitial, promo)", val);
				goto fail;
			}
		} else if (strcmp(key, "daypart") == 0)
			sch.daypart = pairs[i] + (val - key);
		else if (strcmp(key, "seasonal") == 0 || strcmp(key, "season") == 0)
			sch.seasonal = pairs[i] + (val - key);
		else if (strcmp(key, "rating") == 0) {
			if (*val != '\0' && library_rating(val, norm, sizeof norm, &level) != 0) {
				set_cause(cause, "rating=%s: not a rating Retrovue knows (G, PG, PG-13, R, "
				    "NC-17, TV-Y ... TV-MA, gb/15, ...)", val);
				goto fail;
			}
			sch.rating = pairs[i] + (val - key);
		} else if (strcmp(key, "company") == 0)
			sch.company = pairs[i] + (val - key);
		else if (strcmp(key, "category") == 0)
			sch.category = pairs[i] + (val - key);
		else if (strcmp(key, "duration") == 0) {
			if (parse_duration_ms(val, &ms) != 0 || ms < 1000 || ms > 86400000) {
				set_cause(cause, "duration=%s: not a length like 30 or 0:30", val);
				goto fail;
			}
			sch.commercial_duration = (int)((ms + 500) / 1000);
		} else if (strcmp(key, "expires") == 0) {
			if (*val != '\0' && (strlen(val) != 10 || sscanf(val, "%4d-%2d-%2d", &yy, &mm,
			    &dd) != 3 || mm < 1 || mm > 12 || dd < 1 || dd > 31)) {
				set_cause(cause, "expires=%s: not a date YYYY-MM-DD", val);
				goto fail;
			}
			sch.expiration = pairs[i] + (val - key);
		} else if (strcmp(key, "demographic") == 0)
			sch.demographic = pairs[i] + (val - key);
		else if (strcmp(key, "warnings") == 0)
			sch.warnings = pairs[i] + (val - key);
		else if (strcmp(key, "notes") == 0)
			sch.notes = pairs[i] + (val - key);
		else if (strcmp(key, "year") == 0) {
			if (*val != '\0' && parse_int(val, 1800, 2999, &y) != 0) {
				set_cause(cause, "year=%s: not a year", val);
				goto fail;
			}
			if (update_one(db, "UPDATE movies SET year = ?1 WHERE media_file_id = ?2", val, id,
			    cause) != 0)
				goto fail;
		} else if (strcmp(key, "summary") == 0) {
			if (update_one(db, "UPDATE movies SET summary = ?1 WHERE media_file_id = ?2", val,
			    id, cause) != 0 || update_one(db, "UPDATE episodes SET summary = ?1 WHERE "
			    "media_file_id = ?2", val, id, cause) != 0)
				goto fail;
		} else if (strcmp(key, "audio") == 0) {
			if (*val != '\0' && !valid_audio_track(val)) {
				set_cause(cause, "audio=%s: not a language code (eng, spa) or an audio "
				    "track's number (1, 2...)", val);
				goto fail;
			}
			if (update_one(db, "UPDATE media_files SET audio_track = nullif(?1, ''), "
			    "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?2", val, id,
			    cause) != 0)
				goto fail;
		} else if (strcmp(key, "genre") == 0) {
			if (update_one(db, "UPDATE movies SET genre = ?1 WHERE media_file_id = ?2", val, id,
			    cause) != 0)
				goto fail;
		} else {
			set_cause(cause, "unknown key '%s' (keys: %s)", key, content_set_keys);
			goto fail;
		}
	}
	if (library_set_sched(lib, id, &sch, &changed, cause) != 0)
		goto fail;
	if (library_bump_revision(db) != 0 || db_commit(db, cause) != 0)
		goto fail;
	free(key);
	library_free(&lib);
	return 0;
fail:
	db_rollback(db);
	free(key);
	library_free(&lib);
	return -1;
}

/* Columns content_list can sort on. */
static const struct {
	const char *name;
	const char *expr;
} sorts[] = {
	{ "title", "title COLLATE NOCASE" }, { "duration", "duration_ms" }, { "type", "type" },
	{ "source", "source" }, { "added", "created_at" }, { "modified", "updated_at" },
	{ "id", "id" }, { "loudness", "loudness_lufs" }, { "validation", "validation" },
	{ "rating", "rating_level" },
};

/* List. */
int
content_list(sqlite3 *db, const struct content_query *q, struct content_row **rows, size_t *n,
    char **cause)
{
	struct content_row *list = NULL, *r;
	const char *order = NULL, *type = NULL;
	sqlite3_stmt *st;
	size_t count = 0, i;
	char *sql;

	*rows = NULL;
	*n = 0;
	if (q->sort != NULL) {
		for (i = 0; i < nitems(sorts); i++) {
			if (strcasecmp(sorts[i].name, q->sort) == 0)
				order = sorts[i].expr;
		}
		if (order == NULL) {
			set_cause(cause, "cannot sort by '%s' (title, duration, type, source, added, "
			    "modified, id, loudness, validation, rating)", q->sort);
			return -1;
		}
	}
	if (q->type != NULL && (type = content_type_parse(q->type)) == NULL) {
		set_cause(cause, "'%s' is not a content type", q->type);
		return -1;
	}
	xasprintf(&sql, "SELECT *, count(*) OVER () FROM (SELECT mf.id AS id, %s AS title, "
	    "coalesce(c.content_type, mf.media_type) AS type, mf.source_type || coalesce(':' || "
	    "cs.source_name, ':' || td.name, '') AS source, mf.file_path AS path, c.content_rating, "
	    "mf.validation_status AS validation, mf.duration_ms AS duration_ms, mf.loudness_lufs AS "
	    "loudness_lufs, (SELECT count(*) FROM chapter_markers cm WHERE cm.media_file_id = mf.id), "
	    "mf.created_at AS created_at, mf.updated_at AS updated_at, c.rating_level AS "
	    "rating_level, mf.source_type AS stype, cs.source_name AS sname, td.name AS tname, "
	    "c.daypart_preference AS daypart "
	    "FROM media_files mf LEFT JOIN content_scheduling_metadata c ON c.media_file_id = mf.id "
	    "LEFT JOIN content_sources cs ON cs.id = mf.source_id LEFT JOIN tmm_directories td ON "
	    "td.id = mf.tmm_directory_id) WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR "
	    "stype = ?2 OR sname = ?2 OR tname = ?2) AND (?3 IS NULL OR title LIKE '%%' || ?3 || "
	    "'%%' OR path LIKE '%%' || ?3 || '%%') AND (?5 IS NULL OR content_rating = ?5 COLLATE "
	    "NOCASE) AND (?6 IS NULL OR daypart = ?6 COLLATE NOCASE) ORDER BY %s%s, id LIMIT ?4 "
	    "OFFSET ?7", LIBRARY_TITLE_SQL,
	    order != NULL ? order : "title COLLATE NOCASE", q->desc ? " DESC" : "");
	st = db_prepare(db, sql, cause);
	free(sql);
	if (st == NULL)
		return -1;
	if (type != NULL)
		sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	if (q->source != NULL)
		sqlite3_bind_text(st, 2, q->source, -1, SQLITE_TRANSIENT);
	if (q->search != NULL && *q->search != '\0')
		sqlite3_bind_text(st, 3, q->search, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, q->limit > 0 ? q->limit : -1);
	if (q->rating != NULL && *q->rating != '\0')
		sqlite3_bind_text(st, 5, q->rating, -1, SQLITE_TRANSIENT);
	if (q->daypart != NULL && *q->daypart != '\0')
		sqlite3_bind_text(st, 6, q->daypart, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, q->offset > 0 ? q->offset : 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		list = xreallocarray(list, count + 1, sizeof *list);
		r = &list[count++];
		r->id = sqlite3_column_int64(st, 0);
		r->title = xstrdup(db_text(st, 1));
		r->type = xstrdup(db_text(st, 2));
		r->source = xstrdup(db_text(st, 3));
		r->path = xstrdup(db_text(st, 4));
		r->rating = xstrdup(db_text(st, 5));
		r->validation = xstrdup(db_text(st, 6));
		r->duration_ms = sqlite3_column_int64(st, 7);
		r->loudness_lufs = sqlite3_column_type(st, 8) == SQLITE_NULL ? NAN :
		    sqlite3_column_double(st, 8);
		r->chapters = (long)sqlite3_column_int64(st, 9);
		r->total = (long)sqlite3_column_int64(st, 17);
	}
	sqlite3_finalize(st);
	*rows = list;
	*n = count;
	return 0;
}

/* Free rows. */
void
content_rows_free(struct content_row **rows, size_t n)
{
	size_t i;

	if (rows == NULL || *rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*rows)[i].title);
		free((*rows)[i].type);
		free((*rows)[i].source);
		free((*rows)[i].path);
		free((*rows)[i].rating);
		free((*rows)[i].validation);
	}
	free(*rows);
	*rows = NULL;
}

/* Append a field if the value is not empty. */
static void
field(struct content_field **f, size_t *n, const char *key, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	*f = xreallocarray(*f, *n + 1, sizeof **f);
	(*f)[*n].key = xstrdup(key);
	(*f)[*n].value = xstrdup(value);
	(*n)++;
}

/* Details. */
int
content_show(sqlite3 *db, int64_t id, struct content_field **out, size_t *n, char **cause)
{
	static const char *const labels[] = {
		"title", "type", "media type", "file", "reported path", "source", "library",
		"duration", "size", "validation", "message", "validated", "video", "audio",
		"resolution", "frame rate", "loudness", "audio track", "rating", "rating level", "daypart",
		"seasonal", "company", "category", "commercial length", "expires", "demographic",
		"warnings", "notes", "show", "season", "episode", "year", "genre", "director",
		"studio", "aired", "summary", "plex ratingKey", "primary id", "plex updatedAt",
		"nfo", "added", "modified",
	};
	struct content_field *f = NULL;
	struct chapter *ch = NULL;
	sqlite3_stmt *st;
	size_t count = 0, i, nch = 0;
	char buf[64], line[512];
	const char *v;
	int col;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT " LIBRARY_TITLE_SQL ", c.content_type, mf.media_type, "
	    "mf.file_path, CASE WHEN mf.source_path IS NOT mf.file_path THEN mf.source_path END, "
	    "mf.source_type || coalesce(': ' || cs.source_name, ': ' || td.name || ' (' || "
	    "td.directory_path || ')', ''), mf.library_name, mf.duration_ms, mf.file_size, "
	    "mf.validation_status, mf.validation_message, mf.validated_at, mf.video_codec, "
	    "mf.audio_codec, CASE WHEN mf.width THEN mf.width || 'x' || mf.height END, "
	    "printf('%.3f', mf.frame_rate), printf('%.1f LUFS', mf.loudness_lufs), "
	    "mf.audio_track, "
	    "c.content_rating, c.rating_level, c.daypart_preference, c.seasonal_preference, "
	    "c.commercial_company, c.commercial_category, c.commercial_duration || ' s', "
	    "c.commercial_expiration, c.target_demographic, c.content_warnings, "
	    "c.scheduling_notes, s.title || coalesce(' (' || s.year || ')', ''), e.season_number, "
	    "e.episode_number, m.year, m.genre, "
	    "m.director, coalesce(m.studio, s.studio), e.air_date, coalesce(m.summary, e.summary), "
	    "coalesce(m.plex_rating_key, e.plex_rating_key), coalesce(m.guid_primary, "
	    "e.guid_primary), coalesce(m.updated_at_plex, e.updated_at_plex), mf.nfo_path, "
	    "mf.created_at, mf.updated_at FROM media_files mf LEFT JOIN "
	    "content_scheduling_metadata c ON c.media_file_id = mf.id LEFT JOIN content_sources cs "
	    "ON cs.id = mf.source_id LEFT JOIN tmm_directories td ON td.id = mf.tmm_directory_id "
	    "LEFT JOIN movies m ON m.media_file_id = mf.id LEFT JOIN episodes e ON "
	    "e.media_file_id = mf.id LEFT JOIN shows s ON s.id = e.show_id WHERE mf.id = ?", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		set_cause(cause, "no media file %lld", (long long)id);
		return -1;
	}
	snprintf(buf, sizeof buf, "%lld", (long long)id);
	field(&f, &count, "id", buf);
	for (col = 0; col < (int)nitems(labels); col++) {
		if (sqlite3_column_type(st, col) == SQLITE_NULL)
			continue;
		v = db_text(st, col);
		if (strcmp(labels[col], "duration") == 0)
			v = chapters_time(buf, sizeof buf, sqlite3_column_int64(st, col));
		else if (strcmp(labels[col], "size") == 0) {
			snprintf(buf, sizeof buf, "%lld bytes", (long long)sqlite3_column_int64(st, col));
			v = buf;
		}
		field(&f, &count, labels[col], v);
	}
	sqlite3_finalize(st);
	if (chapters_list(db, id, &ch, &nch, NULL) == 0) {
		for (i = 0; i < nch; i++) {
			snprintf(line, sizeof line, "%s %s (%s)", chapters_time(buf, sizeof buf, ch[i].ms),
			    ch[i].title != NULL ? ch[i].title : "", ch[i].source);
			field(&f, &count, "chapter", line);
		}
		chapters_free(&ch, nch);
	}
	*out = f;
	*n = count;
	return 0;
}

/* Free fields. */
void
content_fields_free(struct content_field **fields, size_t n)
{
	size_t i;

	if (fields == NULL || *fields == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*fields)[i].key);
		free((*fields)[i].value);
	}
	free(*fields);
	*fields = NULL;
}

/* Restore a removed item. */
int
content_restore(sqlite3 *db, int64_t id, int64_t *mf_id, long *chapters, char **cause)
{
	if (db_begin(db, cause) != 0)
		return -1;
	if (removed_purge(db, cause) != 0 || removed_restore(db, id, mf_id, chapters, cause) != 0 ||
	    library_bump_revision(db) != 0 || db_commit(db, cause) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}
