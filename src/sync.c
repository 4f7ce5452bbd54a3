/*
 * sync.c: Plex and TMM imports, incremental, with history.
 */
#include "src/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include "src/db.h"
#include "src/library.h"
#include "src/log.h"
#include "src/pathmap.h"
#include "src/plex.h"
#include "src/removed.h"
#include "src/sources.h"
#include "src/strmap.h"
#include "src/tmm.h"
#include "src/util.h"

#define DEFAULT_PAGE 200

/* Stop codes from page callbacks. */
#define STOP_CANCEL 2
#define STOP_DB 3

/* One Plex source being synced. */
struct sync {
	sqlite3 *db;
	const struct sync_request *req;
	const struct import_progress *prog;
	struct library *lib;
	struct plex *plex;
	struct source src;
	struct plex_section *sections;
	size_t nsections;
	int *chosen;                    /* per section: sync it */
	int failed;                     /* the source could not be read at all */
	char *error;                    /* first error */
	struct pathmap pm;
	struct strmap *movies;          /* ratingKey -> media file, updated_at_plex */
	struct strmap *episodes;
	struct strmap *shows;           /* ratingKey -> show, updated_at_plex, episode count */
	struct import_stats st;
	int64_t history_id;
	struct lib_origin origin;
	int lib_index;
	int lib_count;
	long lib_done;
	long lib_total;
	int lib_failed;                 /* this library was not read completely */
	char *reason;                   /* why files are removed: "sync of Plex source ..." */
	struct import_tx tx;            /* its writes and the first database error */
};

/* Has the caller asked us to stop? */
static int
cancelled(const struct sync *s)
{
	return s->req->cancel != NULL && atomic_load(s->req->cancel);
}

/* Library-level progress. */
static void
emit_library(struct sync *s, const char *name)
{
	if (s->prog != NULL && s->prog->library != NULL)
		s->prog->library(s->prog->arg, s->lib_index, s->lib_count, name, s->lib_done,
		    s->lib_total);
}

/* Item-level progress. */
static void
emit_item(struct sync *s, long done, long total, const char *label)
{
	if (s->prog != NULL && s->prog->item != NULL)
		s->prog->item(s->prog->arg, done, total, label);
}

/* Does the item match the title (and year) the caller asked for? */
static int
title_matches(const struct sync *s, const char *title, int year)
{
	if (s->req->title == NULL)
		return 1;
	if (title == NULL || strcasecmp(title, s->req->title) != 0)
		return 0;
	return s->req->year == 0 || s->req->year == year;
}

/* "path" with "&title=..." when a title is asked for. */
static char *
listing_path(const struct sync *s, const char *key, int type)
{
	char *path, *esc;

	if (s->req->title != NULL) {
		esc = plex_escape(s->req->title);
		xasprintf(&path, "/library/sections/%s/all?type=%d&includeGuids=1&title=%s", key,
		    type, esc);
		free(esc);
	} else
		xasprintf(&path, "/library/sections/%s/all?type=%d&includeGuids=1", key, type);
	return path;
}

/* Load what this source already has: ratingKey -> row, stamp. */
static int
preload(struct sync *s, char **cause)
{
	static const char *const q[] = {
		"SELECT mf.source_key, mf.id, m.updated_at_plex, 0 FROM media_files mf JOIN movies m "
		"ON m.media_file_id = mf.id WHERE mf.source_type = 'plex' AND mf.source_id = ?1",
		"SELECT mf.source_key, mf.id, e.updated_at_plex, 0 FROM media_files mf JOIN episodes "
		"e ON e.media_file_id = mf.id WHERE mf.source_type = 'plex' AND mf.source_id = ?1",
		"SELECT sh.plex_rating_key, sh.id, sh.updated_at_plex, (SELECT count(*) FROM episodes "
		"e JOIN media_files mf ON mf.id = e.media_file_id WHERE e.show_id = sh.id AND "
		"mf.source_id = ?1) FROM shows sh WHERE sh.source_type = 'plex' AND sh.source_id = ?1 "
		"AND sh.plex_rating_key IS NOT NULL",
	};
	struct strmap *maps[3];
	struct strmap_val *v;
	sqlite3_stmt *st;
	size_t i;

	s->movies = maps[0] = strmap_new();
	s->episodes = maps[1] = strmap_new();
	s->shows = maps[2] = strmap_new();
	for (i = 0; i < nitems(q); i++) {
		if ((st = db_prepare(s->db, q[i], cause)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, s->src.id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (sqlite3_column_type(st, 0) == SQLITE_NULL)
				continue;
			v = strmap_put(maps[i], db_text(st, 0));
			v->id = sqlite3_column_int64(st, 1);
			v->stamp = sqlite3_column_int64(st, 2);
			v->aux = sqlite3_column_int64(st, 3);
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* Fill a lib_item from a Plex item. */
static void
to_item(struct sync *s, const struct plex_item *it, const char *media_type, const char *mapped,
    const char *fallback_rating, struct lib_item *li)
{
	memset(li, 0, sizeof *li);
	li->file_path = mapped != NULL ? mapped : it->file;
	li->source_path = it->file;
	li->source_key = it->rating_key;
	li->media_type = media_type;
	li->duration_ms = it->duration_ms;
	li->file_size = it->file_size;
	li->title = it->title;
	li->year = it->year;
	li->rating = it->content_rating != NULL ? it->content_rating : fallback_rating;
	li->summary = it->summary;
	li->genre = it->genre;
	li->director = it->director;
	li->studio = it->studio;
	li->air_date = it->air_date;
	li->rating_key = it->rating_key;
	li->season = it->season;
	li->episode = it->episode;
	li->updated_at = it->updated_at;
	li->guids = it->guids;
	li->nguids = it->nguids;
}

/* Count a write's result and tell the operator about real changes. */
static void
count_result(struct sync *s, enum lib_result res, const char *what, const char *title,
    int64_t mf_id)
{
	char *back;
	long chapters;

	switch (res) {
	case LIB_ADDED:
		s->st.added++;
		if (library_restored(s->lib, &chapters)) {
			xasprintf(&back, "%s (back: its scheduling metadata%s restored)", title,
			    chapters > 0 ? " and chapter markers" : "");
			import_change(&s->tx, IMPORT_ADDED, what, back, mf_id);
			free(back);
		} else
			import_change(&s->tx, IMPORT_ADDED, what, title, mf_id);
		break;
	case LIB_UPDATED:
		s->st.updated++;
		import_change(&s->tx, IMPORT_UPDATED, what, title, mf_id);
		break;
	case LIB_UNCHANGED:
		s->st.skipped++;
		break;
	}
}

/* One movie, inside the page's transaction. -1 only if the database gave up. */
static int
movie_one(struct sync *s, const struct plex_item *it)
{
	struct strmap_val *v = strmap_put(s->movies, it->rating_key);
	struct lib_item li;
	enum lib_result res;
	char *mapped, *cause = NULL, *what;
	int64_t mf = v->id;
	int rc = 0;

	v->seen = 1;
	s->st.processed++;
	if (mf > 0 && !s->req->force && it->updated_at > 0 && v->stamp == it->updated_at) {
		s->st.skipped++;
		return 0;
	}
	if (it->file == NULL) {
		import_warn(s->prog, "movie '%s' (%s): Plex lists no file for it; skipped",
		    it->title != NULL ? it->title : "?", s->origin.library_name);
		s->st.failed++;
		return 0;
	}
	log_debug("movie '%s': updatedAt %lld (stored %lld): processing", it->title != NULL ?
	    it->title : it->rating_key, (long long)it->updated_at, (long long)v->stamp);
	mapped = pathmap_map(&s->pm, s->src.id, it->file, NULL);
	to_item(s, it, "movie", mapped, NULL, &li);
	if (library_put_movie(s->lib, &s->origin, &li, &mf, &res, &cause) != 0) {
		xasprintf(&what, "movie '%s'", it->title != NULL ? it->title : it->rating_key);
		rc = import_write_failed(&s->tx, what, cause);
		free(what);
	} else {
		v->id = mf;
		v->stamp = it->updated_at;
		count_result(s, res, "movie", it->title != NULL ? it->title : "?", mf);
	}
	free(cause);
	free(mapped);
	return rc;
}

/* A page of movies: one transaction. */
static int
movie_page(void *arg, json_t *items, long offset, long total)
{
	struct sync *s = arg;
	struct plex_item it;
	size_t i;
	int ok = 1;

	if (cancelled(s))
		return STOP_CANCEL;
	s->lib_total = total;
	if (import_tx_begin(&s->tx) != 0)
		return STOP_DB;
	for (i = 0; i < json_array_size(items); i++) {
		if (cancelled(s))
			break;
		s->lib_done = offset + (long)i + 1;
		if (plex_item_parse(json_array_get(items, i), &it) != 0) {
			import_warn(s->prog, "%s: item %ld has no ratingKey; skipped", s->origin.library_name,
			    s->lib_done);
			s->st.failed++;
			plex_item_clear(&it);
			continue;
		}
		if ((it.type != NULL && strcmp(it.type, "movie") != 0) ||
		    !title_matches(s, it.title, it.year)) {
			plex_item_clear(&it);
			continue;
		}
		emit_library(s, s->origin.library_name);
		emit_item(s, s->lib_done, total, it.title != NULL ? it.title : it.rating_key);
		if (movie_one(s, &it) != 0)
			ok = 0;
		plex_item_clear(&it);
		if (!ok)
			break;
	}
	/* Committing what was done is consistent even when cancelled. */
	if (import_tx_end(&s->tx, ok) != 0 || !ok)
		return STOP_DB;
	return cancelled(s) ? STOP_CANCEL : 0;
}

/* Remove files of this library and type that the listing did not show. */
static int
remove_gone(struct sync *s, const char *media_type, struct strmap *seen)
{
	sqlite3_stmt *st;
	struct strmap_val *v;
	int64_t *ids = NULL;
	size_t n = 0, i;
	char *cause = NULL, *title, *name;
	long total = 0;
	int ok = 1;

	st = db_prepare(s->db, "SELECT id, source_key FROM media_files WHERE source_type = "
	    "'plex' AND source_id = ? AND library_key = ? AND media_type = ?", &cause);
	if (st == NULL)
		goto dberr;
	sqlite3_bind_int64(st, 1, s->src.id);
	sqlite3_bind_text(st, 2, s->origin.library_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, media_type, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		total++;
		v = strmap_get(seen, db_text(st, 1));
		if (v != NULL && v->seen)
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (n == 0)
		return 0;
	xasprintf(&name, "%s: library '%s'", s->src.name, s->origin.library_name);
	if (!import_may_remove(s->db, s->prog, name, (long)n, total, s->req->force, &s->st)) {
		free(name);
		free(ids);
		s->lib_failed = 1;      /* its shows stay too */
		return 0;
	}
	free(name);
	if (import_tx_begin(&s->tx) != 0) {
		free(ids);
		return -1;
	}
	for (i = 0; i < n && ok; i++) {
		title = library_title(s->db, ids[i]);
		if (library_remove_file(s->lib, ids[i], s->reason, &cause) != 0) {
			ok = import_write_failed(&s->tx, title, cause) == 0;
			freep(&cause);
		} else {
			s->st.removed++;
			import_change(&s->tx, IMPORT_REMOVED, media_type, title, ids[i]);
		}
		free(title);
	}
	free(ids);
	return import_tx_end(&s->tx, ok);
dberr:
	import_db_error(&s->tx, NULL, cause);
	free(cause);
	return -1;
}

/* Sync a movie library. */
static int
movie_library(struct sync *s, const struct plex_section *sec)
{
	char *path = listing_path(s, sec->key, 1), *cause = NULL;
	int rc;

	rc = plex_get_paged(s->plex, path, s->req->page_size > 0 ? s->req->page_size :
	    DEFAULT_PAGE, movie_page, s, &cause);
	free(path);
	if (rc == STOP_CANCEL || rc == STOP_DB)
		return -1;
	if (rc != 0) {
		import_warn(s->prog, "library '%s': %s; nothing was removed from it", sec->title, cause);
		if (s->error == NULL)
			xasprintf(&s->error, "library '%s': %s", sec->title, cause);
		free(cause);
		s->st.failed++;
		s->lib_failed = 1;
		return 0;
	}
	if (s->req->title == NULL && !cancelled(s))
		return remove_gone(s, "movie", s->movies);
	return 0;
}

/* Page collector: parsed items appended to an array. */
struct collect {
	struct sync *s;
	struct plex_item *items;
	size_t n;
	long total;
	int filter;                     /* apply the title filter */
};

static int
collect_page(void *arg, json_t *items, long offset, long total)
{
	struct collect *c = arg;
	struct plex_item it;
	size_t i;

	if (cancelled(c->s))
		return STOP_CANCEL;
	c->total = total;
	for (i = 0; i < json_array_size(items); i++) {
		if (plex_item_parse(json_array_get(items, i), &it) != 0) {
			import_warn(c->s->prog, "%s: item %ld has no ratingKey; skipped",
			    c->s->origin.library_name, offset + (long)i + 1);
			c->s->st.failed++;
			plex_item_clear(&it);
			continue;
		}
		if (c->filter && !title_matches(c->s, it.title, it.year)) {
			plex_item_clear(&it);
			continue;
		}
		c->items = xreallocarray(c->items, c->n + 1, sizeof *c->items);
		c->items[c->n++] = it;
	}
	return 0;
}

/* Free collected items. */
static void
collect_free(struct collect *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		plex_item_clear(&c->items[i]);
	free(c->items);
	c->items = NULL;
	c->n = 0;
}

/* Mark the stored episodes of a show as present (the show was skipped or failed). */
static void
keep_episodes(struct sync *s, int64_t show_id)
{
	sqlite3_stmt *st;

	st = db_prepare(s->db, "SELECT mf.source_key FROM episodes e JOIN media_files mf ON "
	    "mf.id = e.media_file_id WHERE e.show_id = ? AND mf.source_type = 'plex' AND "
	    "mf.source_id = ?", NULL);
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, show_id);
	sqlite3_bind_int64(st, 2, s->src.id);
	while (sqlite3_step(st) == SQLITE_ROW)
		strmap_put(s->episodes, db_text(st, 0))->seen = 1;
	sqlite3_finalize(st);
}

/* One episode, inside the show's transaction. -1 only if the database gave up. */
static int
episode_one(struct sync *s, int64_t show_id, const struct plex_item *show,
    const struct plex_item *it, char *label)
{
	struct strmap_val *v = strmap_put(s->episodes, it->rating_key);
	struct lib_item li;
	enum lib_result res;
	char *mapped, *cause = NULL;
	int64_t mf = v->id;
	int rc = 0;

	v->seen = 1;
	s->st.processed++;
	if (mf > 0 && !s->req->force && it->updated_at > 0 && v->stamp == it->updated_at) {
		s->st.skipped++;
		return 0;
	}
	if (it->file == NULL) {
		import_warn(s->prog, "episode '%s': Plex lists no file for it; skipped", label);
		s->st.failed++;
		return 0;
	}
	mapped = pathmap_map(&s->pm, s->src.id, it->file, NULL);
	to_item(s, it, "episode", mapped, show->content_rating, &li);
	if (library_put_episode(s->lib, &s->origin, show_id, &li, &mf, &res, &cause) != 0)
		rc = import_write_failed(&s->tx, label, cause);
	else {
		v->id = mf;
		v->stamp = it->updated_at;
		count_result(s, res, "episode", label, mf);
	}
	free(cause);
	free(mapped);
	return rc;
}

/*
 * Remove the stored episodes of a show that Plex no longer lists (a sync
 * of one title; a library sync removes them with the library's, after
 * its whole listing).
 */
static int
remove_gone_episodes(struct sync *s, int64_t show_id, const char *name)
{
	sqlite3_stmt *st;
	struct strmap_val *v;
	int64_t *ids = NULL;
	size_t n = 0, i;
	char *cause = NULL, *title;
	long total = 0;
	int rc = 0;

	st = db_prepare(s->db, "SELECT mf.id, mf.source_key FROM episodes e JOIN media_files mf "
	    "ON mf.id = e.media_file_id WHERE e.show_id = ? AND mf.source_type = 'plex' AND "
	    "mf.source_id = ?", NULL);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, show_id);
	sqlite3_bind_int64(st, 2, s->src.id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		total++;
		v = strmap_get(s->episodes, db_text(st, 1));
		if (v != NULL && v->seen)
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (n > 0 && !import_may_remove(s->db, s->prog, name, (long)n, total, s->req->force,
	    &s->st)) {
		free(ids);
		return 0;
	}
	for (i = 0; i < n && rc == 0; i++) {
		title = library_title(s->db, ids[i]);
		if (library_remove_file(s->lib, ids[i], s->reason, &cause) != 0) {
			rc = import_write_failed(&s->tx, title, cause);
			freep(&cause);
		} else {
			s->st.removed++;
			import_change(&s->tx, IMPORT_REMOVED, "episode", title, ids[i]);
		}
		free(title);
	}
	free(ids);
	return rc;
}

/* One show: fetch its episodes unless unchanged, write it in one transaction. */
static int
show_one(struct sync *s, const struct plex_item *show)
{
	struct strmap_val *v = strmap_put(s->shows, show->rating_key);
	struct collect c;
	struct lib_show ls;
	enum lib_result res;
	char *path, *cause = NULL, *label, name[512];
	int64_t show_id;
	size_t i;
	int owned, ok = 1, failed_before = (int)s->st.failed;
	long count;

	v->seen = 1;
	if (show->year > 0)
		snprintf(name, sizeof name, "%s (%d)", show->title != NULL ? show->title : "?",
		    show->year);
	else
		snprintf(name, sizeof name, "%s", show->title != NULL ? show->title : "?");
	log_debug("show '%s': updatedAt %lld (stored %lld), %ld episodes (stored %lld)", name,
	    (long long)show->updated_at, (long long)v->stamp, show->leaf_count, (long long)v->aux);
	if (v->id > 0 && !s->req->force && show->updated_at > 0 &&
	    v->stamp == show->updated_at && (show->leaf_count < 0 || show->leaf_count == v->aux)) {
		keep_episodes(s, v->id);
		s->st.processed += v->aux;
		s->st.skipped += v->aux;
		snprintf(name + strlen(name), sizeof name - strlen(name), " (unchanged)");
		emit_item(s, v->aux, v->aux, name);
		return 0;
	}

	memset(&c, 0, sizeof c);
	c.s = s;
	xasprintf(&path, "/library/metadata/%s/allLeaves", show->rating_key);
	emit_item(s, 0, show->leaf_count, name);
	if (plex_get_paged(s->plex, path, s->req->page_size > 0 ? s->req->page_size :
	    DEFAULT_PAGE, collect_page, &c, &cause) != 0) {
		free(path);
		collect_free(&c);
		if (cancelled(s)) {
			free(cause);
			return -1;
		}
		import_warn(s->prog, "show '%s': cannot read its episodes: %s", name, cause);
		if (s->error == NULL)
			xasprintf(&s->error, "show '%s': %s", name, cause);
		free(cause);
		s->st.failed++;
		if (v->id > 0)
			keep_episodes(s, v->id);
		return 0;
	}
	free(path);
	count = (long)c.n;

	memset(&ls, 0, sizeof ls);
	ls.title = show->title;
	ls.year = show->year;
	ls.rating = show->content_rating;
	ls.summary = show->summary;
	ls.genre = show->genre;
	ls.studio = show->studio;
	ls.rating_key = show->rating_key;
	ls.total_episodes = show->leaf_count >= 0 ? show->leaf_count : count;
	ls.guids = show->guids;
	ls.nguids = show->nguids;
	if (import_tx_begin(&s->tx) != 0) {
		collect_free(&c);
		return -1;
	}
	if (library_put_show(s->lib, &s->origin, &ls, &show_id, &owned, &res, &cause) != 0) {
		ok = import_write_failed(&s->tx, name, cause) == 0;
		free(cause);
		import_tx_end(&s->tx, 0);
		collect_free(&c);
		if (v->id > 0)
			keep_episodes(s, v->id);
		return ok ? 0 : -1;
	}
	if (res == LIB_ADDED)
		import_change(&s->tx, IMPORT_ADDED, "show", name, 0);
	else if (res == LIB_UPDATED)
		import_change(&s->tx, IMPORT_UPDATED, "show", name, 0);
	for (i = 0; i < c.n && ok; i++) {
		if (cancelled(s)) {
			/* Half a show is not written: the next sync does it whole. */
			import_tx_end(&s->tx, 0);
			collect_free(&c);
			return -1;
		}
		xasprintf(&label, "%s / %s", name, c.items[i].title != NULL ? c.items[i].title :
		    c.items[i].rating_key);
		emit_item(s, (long)i + 1, count, label);
		if (episode_one(s, show_id, show, &c.items[i], label) != 0)
			ok = 0;
		free(label);
	}
	if (ok && s->req->title != NULL && remove_gone_episodes(s, show_id, name) != 0)
		ok = 0;
	/* The show is done only when every episode was written. */
	if (ok && owned && (int)s->st.failed == failed_before &&
	    library_show_stamp(s->lib, show_id, show->updated_at, &cause) != 0) {
		ok = import_write_failed(&s->tx, name, cause) == 0;
		free(cause);
	}
	collect_free(&c);
	if (import_tx_end(&s->tx, ok) != 0)
		return -1;
	if (owned && !s->req->dry_run) {
		v->id = show_id;
		v->stamp = show->updated_at;
		v->aux = count;
	}
	return 0;
}

/* Remove shows of this library that Plex no longer lists (their episodes went already). */
static int
remove_gone_shows(struct sync *s)
{
	sqlite3_stmt *st;
	struct strmap_val *v;
	int64_t *ids = NULL;
	char **names = NULL, *cause = NULL;
	size_t n = 0, i;
	int removed, ok = 1;

	st = db_prepare(s->db, "SELECT id, plex_rating_key, title || coalesce(' (' || year || "
	    "')', '') FROM shows WHERE source_type = 'plex' AND source_id = ? AND library_key = ?",
	    NULL);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, s->src.id);
	sqlite3_bind_text(st, 2, s->origin.library_key, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			v = strmap_get(s->shows, db_text(st, 1));
			if (v != NULL && v->seen)
				continue;
		}
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		names = xreallocarray(names, n + 1, sizeof *names);
		ids[n] = sqlite3_column_int64(st, 0);
		names[n++] = xstrdup(db_text(st, 2));
	}
	sqlite3_finalize(st);
	if (n > 0 && import_tx_begin(&s->tx) == 0) {
		for (i = 0; i < n && ok; i++) {
			if (library_remove_show_if_empty(s->lib, ids[i], &removed, &cause) != 0) {
				ok = import_write_failed(&s->tx, names[i], cause) == 0;
				freep(&cause);
			} else if (removed) {
				s->st.removed++;
				import_change(&s->tx, IMPORT_REMOVED, "show", names[i], 0);
			}
		}
		import_tx_end(&s->tx, ok);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(ids);
	return ok ? 0 : -1;
}

/* Sync a show library. */
static int
show_library(struct sync *s, const struct plex_section *sec)
{
	struct collect c;
	char *path = listing_path(s, sec->key, 2), *cause = NULL;
	size_t i;
	int rc;

	memset(&c, 0, sizeof c);
	c.s = s;
	c.filter = 1;
	rc = plex_get_paged(s->plex, path, s->req->page_size > 0 ? s->req->page_size :
	    DEFAULT_PAGE, collect_page, &c, &cause);
	free(path);
	if (rc == STOP_CANCEL || cancelled(s)) {
		free(cause);
		collect_free(&c);
		return -1;
	}
	if (rc != 0) {
		import_warn(s->prog, "library '%s': %s; nothing was removed from it", sec->title, cause);
		if (s->error == NULL)
			xasprintf(&s->error, "library '%s': %s", sec->title, cause);
		free(cause);
		collect_free(&c);
		s->st.failed++;
		s->lib_failed = 1;
		return 0;
	}
	s->lib_total = (long)c.n;
	for (i = 0; i < c.n; i++) {
		s->lib_done = (long)i;
		emit_library(s, sec->title);
		if (cancelled(s) || show_one(s, &c.items[i]) != 0) {
			collect_free(&c);
			return -1;
		}
	}
	s->lib_done = (long)c.n;
	emit_library(s, sec->title);
	collect_free(&c);
	if (s->req->title != NULL || cancelled(s))
		return 0;
	if (remove_gone(s, "episode", s->episodes) != 0)
		return -1;
	return s->lib_failed ? 0 : remove_gone_shows(s);
}

/* Is section chosen by the request? */
static int
section_chosen(const struct sync_request *req, const struct plex_section *sec)
{
	size_t i;

	if (strcmp(sec->type, "movie") != 0 && strcmp(sec->type, "show") != 0)
		return 0;
	if (req->nlibraries == 0)
		return 1;
	for (i = 0; i < req->nlibraries; i++) {
		if (strcasecmp(req->libraries[i], sec->title) == 0 ||
		    strcmp(req->libraries[i], sec->key) == 0)
			return 1;
	}
	return 0;
}

/* The kind of run for the history. */
static const char *
sync_type(const struct sync_request *req)
{
	if (req->title != NULL)
		return "title";
	if (req->nlibraries > 0 || req->ntmm > 0 || req->source != NULL || !req->plex ||
	    !req->tmm)
		return "selective";
	return req->force ? "full" : "incremental";
}

/* Start a sync_history row; 0 in a dry run. */
static int64_t
history_start(sqlite3 *db, const struct sync_request *req, const char *type, const char *name)
{
	sqlite3_stmt *st;
	char now[32];
	int64_t id = 0;

	if (req->dry_run)
		return 0;
	st = db_prepare(db, "INSERT INTO sync_history (source_type, source_name, sync_type, "
	    "start_time, status) VALUES (?, ?, ?, ?, 'running')", NULL);
	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, sync_type(req), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, iso_now(now, sizeof now), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	return id;
}

/* Finish a sync_history row. */
static void
history_end(sqlite3 *db, int64_t id, const char *status, const struct import_stats *st,
    const char *error)
{
	sqlite3_stmt *q;
	char now[32];
	char *safe = error != NULL ? log_redact(error) : NULL;

	if (id == 0) {
		free(safe);
		return;
	}
	q = db_prepare(db, "UPDATE sync_history SET end_time = ?, status = ?, items_processed = ?, "
	    "items_added = ?, items_updated = ?, items_removed = ?, items_skipped = ?, "
	    "error_message = ? WHERE id = ?", NULL);
	if (q != NULL) {
		sqlite3_bind_text(q, 1, iso_now(now, sizeof now), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, st->processed);
		sqlite3_bind_int64(q, 4, st->added);
		sqlite3_bind_int64(q, 5, st->updated);
		sqlite3_bind_int64(q, 6, st->removed);
		sqlite3_bind_int64(q, 7, st->skipped);
		if (safe != NULL)
			sqlite3_bind_text(q, 8, safe, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 9, id);
		if (sqlite3_step(q) != SQLITE_DONE)
			log_error("sync history: %s", sqlite3_errmsg(db));
		sqlite3_finalize(q);
	}
	free(safe);
}

/* Add b into a. */
static void
stats_add(struct import_stats *a, const struct import_stats *b)
{
	a->processed += b->processed;
	a->added += b->added;
	a->updated += b->updated;
	a->removed += b->removed;
	a->skipped += b->skipped;
	a->failed += b->failed;
	a->requests += b->requests;
	a->held += b->held;
	a->kept += b->kept;
}

/* "N removals held back ..." for the history, or NULL. */
static char *
held_message(const struct import_stats *st)
{
	char *m;

	if (st->held > 0)
		xasprintf(&m, "%ld file%s not removed: more than the safety limit, or the folder "
		    "looked empty or unmounted (see the warnings; --force removes them)", st->held,
		    st->held == 1 ? "" : "s");
	else if (st->kept > 0)
		xasprintf(&m, "%ld file%s not removed: the scan could not read everything (see the "
		    "warnings)", st->kept, st->kept == 1 ? "" : "s");
	else
		m = NULL;
	return m;
}

/* A Plex client for a source. */
static struct plex *
connect_source(const struct sync_request *req, const struct source *src)
{
	struct plex_opts po;

	memset(&po, 0, sizeof po);
	po.url = src->url;
	po.token = req->token != NULL ? req->token : src->token;
	po.connect_timeout_ms = req->connect_timeout_ms;
	po.stall_timeout_ms = req->timeout_ms;
	po.retries = req->retries;
	po.backoff_ms = req->backoff_ms;
	po.cancel = req->cancel;
	return plex_new(&po);
}

/* The Plex sources a request names. */
static int
pick_sources(sqlite3 *db, const struct sync_request *req, int create, struct source **out,
    size_t *n, char **cause)
{
	struct source *all = NULL, *list;
	size_t count = 0, i, k = 0;

	*out = NULL;
	*n = 0;
	if (req->url != NULL) {
		list = xcalloc(1, sizeof *list);
		/* A dry run or a discover stores nothing, not even the source. */
		if (sources_for_url(db, req->url, create, list, cause) != 0) {
			free(list);
			return -1;
		}
		*out = list;
		*n = 1;
		return 0;
	}
	if (req->source != NULL) {
		list = xcalloc(1, sizeof *list);
		if (sources_get(db, req->source, list, cause) != 0) {
			free(list);
			return -1;
		}
		if (strcmp(list->type, "plex") != 0) {
			set_cause(cause, "source '%s' is not a Plex server", list->name);
			sources_free(&list, 1);
			return -1;
		}
		*out = list;
		*n = 1;
		return 0;
	}
	if (sources_list(db, "plex", &all, &count, cause) != 0)
		return -1;
	for (i = 0; i < count; i++) {
		if (all[i].enabled)
			all[k++] = all[i];
		else
			source_clear(&all[i]);
	}
	*out = all;
	*n = k;
	return 0;
}

/* Take the per-database sync lock; -1 if another sync holds it. */
static int
lock_db(sqlite3 *db, int *fd, char **cause)
{
	const char *file = sqlite3_db_filename(db, "main");
	char *path;

	*fd = -1;
	if (file == NULL || *file == '\0')
		return 0;
	xasprintf(&path, "%s-sync.lock", file);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0 && errno == ELOOP) {
		/* A link planted where the lock goes: never write through it. */
		set_cause(cause, "%s is a symbolic link, not a lock file; refused (remove it)", path);
		free(path);
		return -1;
	}
	if (*fd < 0) {
		log_warn("cannot open %s: %s; syncing without a lock", path, strerror(errno));
		free(path);
		return 0;
	}
	free(path);
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		close(*fd);
		*fd = -1;
		set_cause(cause, "another sync is running on this database; try again when it is "
		    "done");
		return -1;
	}
	return 0;
}

/* Free one source's run state. */
static void
sync_clear(struct sync *s)
{
	library_free(&s->lib);
	plex_free(&s->plex);
	plex_sections_free(&s->sections, s->nsections);
	free(s->chosen);
	pathmap_clear(&s->pm);
	strmap_free(&s->movies);
	strmap_free(&s->episodes);
	strmap_free(&s->shows);
	free(s->error);
	free(s->reason);
	free(s->tx.dberr);
	source_clear(&s->src);
}

/* Sync one source's chosen libraries. */
static void
sync_source(struct sync *s, int *lib_index, int lib_count)
{
	const struct plex_section *sec;
	char *cause = NULL;
	const char *status;
	size_t i;
	int rc = 0;

	s->history_id = history_start(s->db, s->req, "plex", s->src.name);
	if (preload(s, &cause) != 0 || pathmap_load(s->db, &s->pm, &cause) != 0 ||
	    (s->lib = library_new(s->db, &cause)) == NULL) {
		import_db_error(&s->tx, NULL, cause);
		free(cause);
		rc = -1;
	}
	memset(&s->origin, 0, sizeof s->origin);
	s->origin.source_type = "plex";
	s->origin.source_id = s->src.id;
	for (i = 0; i < s->nsections && rc == 0; i++) {
		if (!s->chosen[i])
			continue;
		sec = &s->sections[i];
		s->lib_index = ++*lib_index;
		s->lib_count = lib_count;
		s->lib_done = 0;
		s->lib_total = -1;
		s->lib_failed = 0;
		s->origin.library_key = sec->key;
		s->origin.library_name = sec->title;
		free(s->reason);
		xasprintf(&s->reason, "sync of Plex source %s, library %s", s->src.name, sec->title);
		emit_library(s, sec->title);
		if (strcmp(sec->type, "movie") == 0)
			rc = movie_library(s, sec);
		else
			rc = show_library(s, sec);
		if (cancelled(s))
			break;
	}
	s->st.requests = plex_requests(s->plex);
	if (cancelled(s))
		status = "cancelled";
	else if (s->tx.dberr != NULL) {
		status = "failed";
		if (s->error == NULL)
			s->error = xstrdup(s->tx.dberr);
	} else if (s->error != NULL || s->st.failed > 0 || s->st.held > 0)
		status = "partial";
	else
		status = "success";
	if (s->error == NULL && s->st.failed > 0)
		xasprintf(&s->error, "%ld item%s could not be imported (see the warnings)",
		    s->st.failed, s->st.failed == 1 ? "" : "s");
	if (s->error == NULL)
		s->error = held_message(&s->st);
	history_end(s->db, s->history_id, status, &s->st,
	    cancelled(s) ? "cancelled by the operator" : s->error);
	if (!s->req->dry_run && strcmp(status, "failed") != 0 && !cancelled(s))
		sources_touch(s->db, s->src.id, NULL);
}

/* Run a sync. */
int
sync_run(sqlite3 *db, const struct sync_request *req, const struct import_progress *prog,
    struct import_stats *stats, char **cause)
{
	struct source *srcs = NULL;
	struct sync *runs = NULL;
	struct tmm_dir *dirs = NULL, one;
	struct tmm_opts topts;
	struct import_stats tst;
	size_t nsrcs = 0, ndirs = 0, i, j, k;
	char *err = NULL, *first = NULL, *avail = NULL, *n;
	int lock = -1, lib_count = 0, lib_index = 0, failures = 0, sources_ok = 0, found;
	int64_t hid;

	memset(stats, 0, sizeof *stats);
	if (lock_db(db, &lock, cause) != 0)
		return -1;
	if (!req->dry_run) {
		db_exec(db, "UPDATE sync_history SET status = 'failed', end_time = coalesce(end_time, "
		    "start_time), error_message = 'interrupted: the sync stopped before it finished' "
		    "WHERE status = 'running'", NULL);
		if (removed_purge(db, &err) != 0) {
			log_warn("%s", err);
			freep(&err);
		}
	}

	/* What to sync: Plex sources and their libraries, then TMM directories. */
	if (req->plex && pick_sources(db, req, !req->dry_run, &srcs, &nsrcs, cause) != 0)
		goto fail;
	if (req->tmm) {
		if (req->ntmm > 0) {
			for (i = 0; i < req->ntmm; i++) {
				if (tmm_get(db, req->tmm_dirs[i], &one, cause) != 0)
					goto fail;
				dirs = xreallocarray(dirs, ndirs + 1, sizeof *dirs);
				dirs[ndirs++] = one;
			}
		} else {
			if (tmm_list(db, &dirs, &ndirs, cause) != 0)
				goto fail;
			for (i = k = 0; i < ndirs; i++) {
				if (dirs[i].enabled)
					dirs[k++] = dirs[i];
				else
					tmm_dir_clear(&dirs[i]);
			}
			ndirs = k;
		}
	}
	if (nsrcs == 0 && ndirs == 0) {
		if (req->plex && !req->tmm)
			set_cause(cause, "no Plex server to sync: add one with 'retrovue source add "
			    "plex --name NAME --url URL --token TOKEN' or give --plex-url");
		else
			set_cause(cause, "nothing to sync: add a Plex server with 'retrovue source "
			    "add plex ...' or a directory with 'retrovue tmm add DIR'");
		goto fail;
	}

	runs = xcalloc(nsrcs, sizeof *runs);
	for (i = 0; i < nsrcs; i++) {
		struct sync *s = &runs[i];

		s->db = db;
		s->req = req;
		s->prog = prog;
		s->tx.db = db;
		s->tx.prog = prog;
		s->tx.dry_run = req->dry_run;
		s->tx.failed = &s->st.failed;
		s->src = srcs[i];
		memset(&srcs[i], 0, sizeof srcs[i]);
		s->plex = connect_source(req, &s->src);
		if (plex_sections(s->plex, &s->sections, &s->nsections, &err) != 0) {
			s->failed = 1;
			xasprintf(&s->error, "%s: %s", s->src.name, err);
			freep(&err);
			import_warn(s->prog, "%s", s->error);
			continue;
		}
		s->chosen = xcalloc(s->nsections ? s->nsections : 1, sizeof *s->chosen);
		for (j = 0; j < s->nsections; j++) {
			s->chosen[j] = section_chosen(req, &s->sections[j]);
			lib_count += s->chosen[j];
		}
	}
	/* Every library asked for by name must exist somewhere. */
	for (k = 0; k < req->nlibraries; k++) {
		found = 0;
		for (i = 0; i < nsrcs; i++) {
			for (j = 0; j < runs[i].nsections; j++) {
				if (strcasecmp(req->libraries[k], runs[i].sections[j].title) == 0 ||
				    strcmp(req->libraries[k], runs[i].sections[j].key) == 0)
					found = 1;
				else if (k == 0 && (strcmp(runs[i].sections[j].type, "movie") == 0 ||
				    strcmp(runs[i].sections[j].type, "show") == 0)) {
					xasprintf(&n, "%s%s'%s'", avail != NULL ? avail : "",
					    avail != NULL ? ", " : "", runs[i].sections[j].title);
					free(avail);
					avail = n;
				}
			}
		}
		for (i = 0; i < nsrcs && !found; i++)
			found = runs[i].failed;
		if (!found) {
			set_cause(cause, "no library '%s' (there are: %s)", req->libraries[k],
			    avail != NULL ? avail : "none");
			goto fail;
		}
	}
	lib_count += (int)ndirs;

	for (i = 0; i < nsrcs; i++) {
		struct sync *s = &runs[i];

		if (s->failed) {
			hid = history_start(db, req, "plex", s->src.name);
			history_end(db, hid, "failed", &s->st, s->error);
			failures++;
			if (first == NULL)
				first = xstrdup(s->error);
			continue;
		}
		if (cancelled(s))
			break;
		sync_source(s, &lib_index, lib_count);
		stats_add(stats, &s->st);
		if (s->tx.dberr != NULL) {
			failures++;
			if (first == NULL)
				first = xstrdup(s->tx.dberr);
			break;
		}
		if (s->error != NULL || s->st.failed > 0 || s->st.held > 0)
			failures++;
		else
			sources_ok++;
		if (s->error != NULL && first == NULL)
			first = xstrdup(s->error);
	}

	memset(&topts, 0, sizeof topts);
	topts.force = req->force;
	topts.dry_run = req->dry_run;
	topts.count = lib_count;
	for (i = 0; i < ndirs; i++) {
		if (req->cancel != NULL && atomic_load(req->cancel))
			break;
		topts.index = ++lib_index;
		memset(&tst, 0, sizeof tst);
		hid = history_start(db, req, "tmm", dirs[i].name != NULL ? dirs[i].name :
		    dirs[i].path);
		if (tmm_scan(db, &dirs[i], &topts, prog, &tst, &err) != 0) {
			failures++;
			history_end(db, hid, req->cancel != NULL && atomic_load(req->cancel) ?
			    "cancelled" : "failed", &tst, err);
			if (first == NULL)
				first = xstrdup(err);
			freep(&err);
		} else {
			char *held = held_message(&tst);

			history_end(db, hid, tst.failed > 0 || held != NULL ? "partial" : "success",
			    &tst, held != NULL ? held : tst.failed > 0 ? "some .nfo files could not be "
			    "imported (see the warnings)" : NULL);
			if (tst.failed > 0 || held != NULL)
				failures++;
			else
				sources_ok++;
			if (held != NULL && first == NULL)
				first = held;
			else
				free(held);
		}
		stats_add(stats, &tst);
	}

	for (i = 0; i < nsrcs; i++)
		sync_clear(&runs[i]);
	free(runs);
	sources_free(&srcs, nsrcs);
	tmm_dirs_free(&dirs, ndirs);
	free(avail);
	if (lock >= 0)
		close(lock);
	if (req->cancel != NULL && atomic_load(req->cancel)) {
		set_cause(cause, "cancelled");
		free(first);
		return -1;
	}
	if (failures > 0 && sources_ok == 0 && stats->processed == 0 && stats->held == 0) {
		set_cause(cause, "%s", first != NULL ? first : "the sync failed");
		free(first);
		return -1;
	}
	if (first != NULL)
		set_cause(cause, "%s", first);
	free(first);
	return failures > 0 ? 1 : 0;

fail:
	if (runs != NULL) {
		for (i = 0; i < nsrcs; i++)
			sync_clear(&runs[i]);
		free(runs);
	}
	sources_free(&srcs, nsrcs);
	tmm_dirs_free(&dirs, ndirs);
	free(avail);
	free(first);
	if (lock >= 0)
		close(lock);
	return -1;
}

/* Free discovered shows. */
void
sync_found_free(struct sync_found **list, size_t n)
{
	size_t i;

	if (list == NULL || *list == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*list)[i].source);
		free((*list)[i].library);
		free((*list)[i].rating_key);
		free((*list)[i].title);
	}
	free(*list);
	*list = NULL;
}

/* Collect shows that match a title. */
struct discover {
	const struct sync_request *req;
	const char *source;
	const char *library;
	struct sync_found *list;
	size_t n;
};

static int
discover_page(void *arg, json_t *items, long offset, long total)
{
	struct discover *d = arg;
	struct sync_found *f;
	struct plex_item it;
	size_t i;
	int exact;

	for (i = 0; i < json_array_size(items); i++) {
		if (plex_item_parse(json_array_get(items, i), &it) != 0 || it.title == NULL) {
			plex_item_clear(&it);
			continue;
		}
		exact = strcasecmp(it.title, d->req->title) == 0;
		if ((!exact && strcasestr(it.title, d->req->title) == NULL) ||
		    (d->req->year != 0 && it.year != d->req->year)) {
			plex_item_clear(&it);
			continue;
		}
		d->list = xreallocarray(d->list, d->n + 1, sizeof *d->list);
		f = &d->list[d->n++];
		memset(f, 0, sizeof *f);
		f->source = xstrdup(d->source);
		f->library = xstrdup(d->library);
		f->rating_key = xstrdup(it.rating_key);
		f->title = xstrdup(it.title);
		f->year = it.year;
		f->episodes = it.leaf_count;
		f->exact = exact;
		memcpy(f->guids, it.guids, sizeof f->guids < sizeof it.guids ? sizeof f->guids :
		    sizeof it.guids);
		f->nguids = it.nguids < nitems(f->guids) ? it.nguids : nitems(f->guids);
		plex_item_clear(&it);
	}
	return 0;
}

/* Exact matches first, then by title and year. */
static int
found_cmp(const void *a, const void *b)
{
	const struct sync_found *x = a, *y = b;
	int c;

	if (x->exact != y->exact)
		return y->exact - x->exact;
	if ((c = strcasecmp(x->title, y->title)) != 0)
		return c;
	return x->year - y->year;
}

/* Ask the servers about a title. */
int
sync_discover(sqlite3 *db, const struct sync_request *req, struct sync_found **out, size_t *n,
    char **cause)
{
	struct source *srcs = NULL;
	struct plex_section *secs = NULL;
	struct discover d;
	struct plex *p;
	size_t nsrcs = 0, nsecs = 0, i, j;
	char *path, *esc, *err = NULL;
	int rc = 0, asked = 0;

	*out = NULL;
	*n = 0;
	if (req->title == NULL || *req->title == '\0') {
		set_cause(cause, "discover needs a title");
		return -1;
	}
	if (pick_sources(db, req, 0, &srcs, &nsrcs, cause) != 0)
		return -1;
	if (nsrcs == 0) {
		set_cause(cause, "no Plex server: add one with 'retrovue source add plex ...' or give "
		    "--plex-url");
		return -1;
	}
	memset(&d, 0, sizeof d);
	d.req = req;
	esc = plex_escape(req->title);
	for (i = 0; i < nsrcs && rc == 0; i++) {
		p = connect_source(req, &srcs[i]);
		if (plex_sections(p, &secs, &nsecs, &err) != 0) {
			set_cause(cause, "%s: %s", srcs[i].name, err);
			freep(&err);
			rc = -1;
		}
		for (j = 0; j < nsecs && rc == 0; j++) {
			if (strcmp(secs[j].type, "show") != 0 || !section_chosen(req, &secs[j]))
				continue;
			d.source = srcs[i].name;
			d.library = secs[j].title;
			xasprintf(&path, "/library/sections/%s/all?type=2&includeGuids=1&title=%s",
			    secs[j].key, esc);
			if (plex_get_paged(p, path, req->page_size > 0 ? req->page_size : DEFAULT_PAGE,
			    discover_page, &d, &err) != 0) {
				set_cause(cause, "%s: %s", srcs[i].name, err);
				freep(&err);
				rc = -1;
			}
			asked++;
			free(path);
		}
		plex_sections_free(&secs, nsecs);
		plex_free(&p);
	}
	free(esc);
	sources_free(&srcs, nsrcs);
	if (rc != 0) {
		sync_found_free(&d.list, d.n);
		return -1;
	}
	if (asked == 0) {
		set_cause(cause, "no show library to search%s", req->nlibraries > 0 ?
		    " among the libraries given" : "");
		return -1;
	}
	if (d.n > 1)
		qsort(d.list, d.n, sizeof *d.list, found_cmp);
	*out = d.list;
	*n = d.n;
	return 0;
}

/* Free library info. */
void
sync_library_info_free(struct sync_library_info **libs, size_t n)
{
	size_t i;

	if (libs == NULL || *libs == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*libs)[i].key);
		free((*libs)[i].title);
		free((*libs)[i].type);
	}
	free(*libs);
	*libs = NULL;
}

/* Connect to one source and describe its libraries. */
int
sync_test_source(sqlite3 *db, const struct sync_request *req, char **server, char **version,
    struct sync_library_info **libs, size_t *n, char **cause)
{
	struct source *srcs = NULL;
	struct plex_section *secs = NULL;
	struct sync_library_info *out = NULL;
	struct plex *p;
	size_t nsrcs = 0, nsecs = 0, i;
	char *path;
	int rc = -1;

	*server = *version = NULL;
	*libs = NULL;
	*n = 0;
	if (pick_sources(db, req, 0, &srcs, &nsrcs, cause) != 0)
		return -1;
	if (nsrcs != 1) {
		set_cause(cause, nsrcs == 0 ? "no Plex source to test" : "name the source to test");
		sources_free(&srcs, nsrcs);
		return -1;
	}
	p = connect_source(req, &srcs[0]);
	if (plex_identity(p, server, version, cause) != 0 ||
	    plex_sections(p, &secs, &nsecs, cause) != 0)
		goto out;
	out = xcalloc(nsecs ? nsecs : 1, sizeof *out);
	for (i = 0; i < nsecs; i++) {
		out[i].key = xstrdup(secs[i].key);
		out[i].title = xstrdup(secs[i].title);
		out[i].type = xstrdup(secs[i].type);
		out[i].items = out[i].episodes = -1;
		if (strcmp(secs[i].type, "movie") == 0 || strcmp(secs[i].type, "show") == 0) {
			xasprintf(&path, "/library/sections/%s/all?type=%d", secs[i].key,
			    strcmp(secs[i].type, "movie") == 0 ? 1 : 2);
			if (plex_count(p, path, &out[i].items, cause) != 0) {
				free(path);
				sync_library_info_free(&out, i + 1);
				goto out;
			}
			free(path);
		}
		if (strcmp(secs[i].type, "show") == 0) {
			xasprintf(&path, "/library/sections/%s/all?type=4", secs[i].key);
			if (plex_count(p, path, &out[i].episodes, cause) != 0) {
				free(path);
				sync_library_info_free(&out, i + 1);
				goto out;
			}
			free(path);
		}
	}
	*libs = out;
	*n = nsecs;
	rc = 0;
out:
	if (rc != 0) {
		freep(server);
		freep(version);
	}
	plex_sections_free(&secs, nsecs);
	plex_free(&p);
	sources_free(&srcs, nsrcs);
	return rc;
}
