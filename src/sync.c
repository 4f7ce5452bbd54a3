/*
 * sync.c: the import engine: every server importer's incremental sync,
 * folder scans, history, discover and test, driven through the table of
 * importers (src/importer.h).
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
#include "src/removed.h"
#include "src/sources.h"
#include "src/strmap.h"
#include "src/tmm.h"
#include "src/util.h"

#define DEFAULT_PAGE 200

/* Stop codes from page callbacks. */
#define STOP_CANCEL 2
#define STOP_DB 3

/* One server source being synced. */
struct sync {
	sqlite3 *db;
	const struct sync_request *req;
	const struct import_progress *prog;
	const struct importer *imp;
	struct library *lib;
	struct srv_conn *conn;
	struct source src;
	struct srv_library *libs;
	size_t nlibs;
	int *chosen;                    /* per library: sync it */
	int failed;                     /* the source could not be read at all */
	char *error;                    /* first error */
	struct pathmap pm;
	struct strmap *movies;          /* key -> media file, stamp */
	struct strmap *episodes;
	struct strmap *shows;           /* key -> show, stamp, episode count */
	struct strmap *changed;         /* shows with episodes changed since the last full read */
	struct import_stats st;
	int64_t history_id;
	struct lib_origin origin;
	int lib_index;
	int lib_count;
	long lib_done;
	long lib_total;
	int lib_failed;                 /* this library was not read completely: remove nothing */
	int lib_partial;                /* some of its shows could not be read */
	int64_t lib_stamp;              /* the newest change stamp read in it */
	char *reason;                   /* why files are removed: "sync of Plex source ..." */
	struct import_tx tx;            /* its writes and the first database error */
};

static int section_chosen(const struct sync_request *, const struct srv_library *);
static int64_t history_start(sqlite3 *, const struct sync_request *, const char *,
    const char *);
static void history_end(sqlite3 *, int64_t, const char *, const struct import_stats *,
    const char *);
static void stats_add(struct import_stats *, const struct import_stats *);
static char *held_message(const struct import_stats *);
static struct srv_conn *connect_source(const struct sync_request *, const struct source *);
static int pick_sources(sqlite3 *, const struct sync_request *, int, int, struct source **,
    size_t *, char **);
static int lock_db(sqlite3 *, int *, char **);

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

/* Items per request. */
static int
page_size(const struct sync *s)
{
	return s->req->page_size > 0 ? s->req->page_size : DEFAULT_PAGE;
}

/* Remember the newest change stamp read in the library. */
static void
saw_stamp(struct sync *s, int64_t stamp)
{
	if (stamp > s->lib_stamp)
		s->lib_stamp = stamp;
}

/* Load what this source already has: key -> row, stamp. */
static int
preload(struct sync *s, char **cause)
{
	static const char *const q[] = {
		"SELECT mf.source_key, mf.id, m.updated_at_plex, 0 FROM media_files mf JOIN movies m "
		"ON m.media_file_id = mf.id WHERE mf.source_id = ?1",
		"SELECT mf.source_key, mf.id, e.updated_at_plex, 0 FROM media_files mf JOIN episodes "
		"e ON e.media_file_id = mf.id WHERE mf.source_id = ?1",
		"SELECT sh.plex_rating_key, sh.id, sh.updated_at_plex, (SELECT count(*) FROM episodes "
		"e JOIN media_files mf ON mf.id = e.media_file_id WHERE e.show_id = sh.id AND "
		"mf.source_id = ?1) FROM shows sh WHERE sh.source_id = ?1 AND sh.plex_rating_key IS "
		"NOT NULL",
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

/* Fill a lib_item from a server's item. */
static void
to_item(const struct srv_item *it, const char *media_type, const char *mapped,
    const char *fallback_rating, struct lib_item *li)
{
	memset(li, 0, sizeof *li);
	li->file_path = mapped != NULL ? mapped : it->file;
	li->source_path = it->file;
	li->source_key = it->key;
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
	li->rating_key = it->key;
	li->season = it->season;
	li->episode = it->episode;
	li->updated_at = it->stamp;
	li->guids = it->guids;
	li->nguids = it->nguids;
	li->audio_langs = it->audio_langs;
	li->subtitle_langs = it->subtitle_langs;
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

/*
 * Store the marks the server gives an item written just now (asking for
 * those its listing left out). A failure to read them is a warning; the
 * item stays. -1 only on a write failure (*cause set).
 */
static int
put_marks(struct sync *s, struct srv_item *it, int64_t mf_id, enum lib_result *res,
    const char *label, char **cause)
{
	struct lib_mark *m;
	char *err = NULL;
	size_t i;
	int what = 0, changed = 0, rc;

	if (it->marks_known != (SRV_MARKS_CHAPTERS | SRV_MARKS_SPANS) && s->imp->marks != NULL &&
	    s->imp->marks(s->conn, it, &err) != 0) {
		import_warn(s->prog, "%s: its intro and credits marks could not be read: %s", label,
		    err);
		free(err);
	}
	what = ((it->marks_known & SRV_MARKS_CHAPTERS) ? LIB_MARKS_CHAPTERS : 0) |
	    ((it->marks_known & SRV_MARKS_SPANS) ? LIB_MARKS_SPANS : 0);
	/* A new file without marks has none to replace. */
	if (what == 0 || (*res == LIB_ADDED && it->nmarks == 0 && !library_restored(s->lib, NULL)))
		return 0;
	m = xcalloc(it->nmarks ? it->nmarks : 1, sizeof *m);
	for (i = 0; i < it->nmarks; i++) {
		m[i].kind = (int)it->marks[i].kind;
		m[i].start_ms = it->marks[i].start_ms;
		m[i].end_ms = it->marks[i].end_ms;
		m[i].title = it->marks[i].title;
	}
	rc = library_put_marks(s->lib, mf_id, s->imp->name, what, m, it->nmarks,
	    it->duration_ms, &changed, cause);
	free(m);
	if (rc == 0 && changed && *res == LIB_UNCHANGED)
		*res = LIB_UPDATED;
	return rc;
}

/* One movie, inside the page's transaction. -1 only if the database gave up. */
static int
movie_one(struct sync *s, struct srv_item *it)
{
	struct strmap_val *v = strmap_put(s->movies, it->key);
	struct lib_item li;
	enum lib_result res;
	char *mapped, *cause = NULL, *what;
	const char *title = it->title != NULL ? it->title : it->key;
	int64_t mf = v->id;
	int rc = 0;

	v->seen = 1;
	s->st.processed++;
	saw_stamp(s, it->stamp);
	if (mf > 0 && !s->req->force && it->stamp > 0 && v->stamp == it->stamp) {
		s->st.skipped++;
		return 0;
	}
	if (it->file == NULL) {
		import_warn(s->prog, "movie '%s' (%s): %s lists no file for it; skipped",
		    it->title != NULL ? it->title : "?", s->origin.library_name, s->imp->label);
		s->st.failed++;
		return 0;
	}
	log_debug("movie '%s': stamp %lld (stored %lld): processing", title,
	    (long long)it->stamp, (long long)v->stamp);
	mapped = pathmap_map(&s->pm, s->src.id, it->file, NULL);
	to_item(it, "movie", mapped, NULL, &li);
	if (library_put_movie(s->lib, &s->origin, &li, &mf, &res, &cause) != 0 ||
	    put_marks(s, it, mf, &res, title, &cause) != 0) {
		xasprintf(&what, "movie '%s'", title);
		rc = import_write_failed(&s->tx, what, cause);
		free(what);
	} else {
		v->id = mf;
		v->stamp = it->stamp;
		count_result(s, res, "movie", it->title != NULL ? it->title : "?", mf);
	}
	free(cause);
	free(mapped);
	return rc;
}

/* An item the backend could not read. */
static void
unreadable(struct sync *s, long index)
{
	import_warn(s->prog, "%s: item %ld has no %s; skipped", s->origin.library_name, index,
	    s->imp->key_noun);
	s->st.failed++;
}

/* A page of movies: one transaction. */
static int
movie_page(void *arg, struct srv_item *items, size_t n, long offset, long total)
{
	struct sync *s = arg;
	size_t i;
	int ok = 1;

	if (cancelled(s))
		return STOP_CANCEL;
	s->lib_total = total;
	if (import_tx_begin(&s->tx) != 0)
		return STOP_DB;
	for (i = 0; i < n && ok; i++) {
		if (cancelled(s))
			break;
		s->lib_done = offset + (long)i + 1;
		if (items[i].key == NULL) {
			unreadable(s, s->lib_done);
			continue;
		}
		if ((items[i].type != NULL && strcmp(items[i].type, "movie") != 0) ||
		    !title_matches(s, items[i].title, items[i].year))
			continue;
		emit_library(s, s->origin.library_name);
		emit_item(s, s->lib_done, total, items[i].title != NULL ? items[i].title :
		    items[i].key);
		if (movie_one(s, &items[i]) != 0)
			ok = 0;
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
	int64_t *ids = NULL;
	size_t n = 0;
	long total = 0;
	char *name, *sql;
	int ok;

	xasprintf(&sql, "SELECT id, source_key FROM media_files WHERE source_id = ?1 AND "
	    "library_key = ?2 AND media_type = '%s'", media_type);
	ok = import_unseen(&s->tx, sql, s->src.id, s->origin.library_key, seen, &ids, &n,
	    &total) == 0;
	free(sql);
	if (!ok)
		return -1;
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
	ok = import_remove_files(&s->tx, s->lib, ids, n, s->reason, media_type,
	    &s->st.removed) == 0;
	free(ids);
	return import_tx_end(&s->tx, ok);
}

/* A library could not be listed: warn, and remove nothing from it. */
static void
library_failed(struct sync *s, const struct srv_library *lib, char *cause)
{
	import_warn(s->prog, "library '%s': %s; nothing was removed from it", lib->title, cause);
	if (s->error == NULL)
		xasprintf(&s->error, "library '%s': %s", lib->title, cause);
	free(cause);
	s->st.failed++;
	s->lib_failed = 1;
}

/* Sync a movie library. */
static int
movie_library(struct sync *s, const struct srv_library *lib)
{
	char *cause = NULL;
	int rc;

	rc = s->imp->items(s->conn, lib, 0, s->req->title, page_size(s), movie_page, s, &cause);
	if (rc == STOP_CANCEL || rc == STOP_DB) {
		free(cause);
		return -1;
	}
	if (rc != 0) {
		library_failed(s, lib, cause);
		return 0;
	}
	if (s->req->title == NULL && !cancelled(s))
		return remove_gone(s, "movie", s->movies);
	return 0;
}

/* Page collector: items taken from the pages. */
struct collect {
	struct sync *s;
	struct srv_item *items;
	size_t n;
	long total;
	int filter;                     /* apply the title filter */
};

static int
collect_page(void *arg, struct srv_item *items, size_t n, long offset, long total)
{
	struct collect *c = arg;
	size_t i;

	if (cancelled(c->s))
		return STOP_CANCEL;
	c->total = total;
	for (i = 0; i < n; i++) {
		if (items[i].key == NULL) {
			unreadable(c->s, offset + (long)i + 1);
			continue;
		}
		if (c->filter && !title_matches(c->s, items[i].title, items[i].year))
			continue;
		c->items = xreallocarray(c->items, c->n + 1, sizeof *c->items);
		c->items[c->n++] = items[i];
		memset(&items[i], 0, sizeof items[i]);
	}
	return 0;
}

/* Free collected items. */
static void
collect_free(struct collect *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		srv_item_clear(&c->items[i]);
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
	    "mf.id = e.media_file_id WHERE e.show_id = ? AND mf.source_id = ?", NULL);
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
episode_one(struct sync *s, int64_t show_id, const struct srv_item *show,
    struct srv_item *it, char *label)
{
	struct strmap_val *v = strmap_put(s->episodes, it->key);
	struct lib_item li;
	enum lib_result res;
	char *mapped, *cause = NULL;
	int64_t mf = v->id;
	int rc = 0;

	v->seen = 1;
	s->st.processed++;
	saw_stamp(s, it->stamp);
	if (mf > 0 && !s->req->force && it->stamp > 0 && v->stamp == it->stamp) {
		s->st.skipped++;
		return 0;
	}
	if (it->file == NULL) {
		import_warn(s->prog, "episode '%s': %s lists no file for it; skipped", label,
		    s->imp->label);
		s->st.failed++;
		return 0;
	}
	mapped = pathmap_map(&s->pm, s->src.id, it->file, NULL);
	to_item(it, "episode", mapped, show->content_rating, &li);
	if (library_put_episode(s->lib, &s->origin, show_id, &li, &mf, &res, &cause) != 0 ||
	    put_marks(s, it, mf, &res, label, &cause) != 0)
		rc = import_write_failed(&s->tx, label, cause);
	else {
		v->id = mf;
		v->stamp = it->stamp;
		count_result(s, res, "episode", label, mf);
	}
	free(cause);
	free(mapped);
	return rc;
}

/*
 * Remove the stored episodes of a show that the server no longer lists (a
 * sync of one title; a library sync removes them with the library's,
 * after its whole listing).
 */
static int
remove_gone_episodes(struct sync *s, int64_t show_id, const char *name)
{
	int64_t *ids = NULL;
	size_t n = 0;
	long total = 0;
	int rc;

	if (import_unseen(&s->tx, "SELECT mf.id, mf.source_key FROM episodes e JOIN media_files "
	    "mf ON mf.id = e.media_file_id WHERE e.show_id = ?1 AND mf.source_id = ?2", show_id,
	    NULL, s->episodes, &ids, &n, &total) != 0)
		return -1;
	if (n > 0 && !import_may_remove(s->db, s->prog, name, (long)n, total, s->req->force,
	    &s->st)) {
		free(ids);
		return 0;
	}
	rc = import_remove_files(&s->tx, s->lib, ids, n, s->reason, "episode", &s->st.removed);
	free(ids);
	return rc;
}

/* Was a show's episode changed since the library's last complete read? */
static int
show_changed(const struct sync *s, const char *key)
{
	struct strmap_val *v;

	if (s->changed == NULL)
		return 0;
	v = strmap_get(s->changed, key);
	return v != NULL && v->seen;
}

/*
 * Before a show is written: ask the server at once for the marks of the
 * episodes that will be written (new or changed), if it can (marks_many).
 */
static void
prefetch_marks(struct sync *s, const struct collect *c)
{
	struct strmap_val *v;
	struct srv_item **want, *it;
	size_t i, n = 0;

	if (s->imp->marks_many == NULL || c->n < 2)
		return;
	want = xcalloc(c->n, sizeof *want);
	for (i = 0; i < c->n; i++) {
		it = &c->items[i];
		if (it->key == NULL || it->file == NULL ||
		    it->marks_known == (SRV_MARKS_CHAPTERS | SRV_MARKS_SPANS))
			continue;
		v = strmap_get(s->episodes, it->key);
		if (v != NULL && v->id > 0 && !s->req->force && it->stamp > 0 && v->stamp == it->stamp)
			continue;
		want[n++] = it;
	}
	if (n > 1)
		s->imp->marks_many(s->conn, want, n);
	free(want);
}

/* One show: fetch its episodes unless unchanged, write it in one transaction. */
static int
show_one(struct sync *s, const struct srv_item *show)
{
	struct strmap_val *v = strmap_put(s->shows, show->key);
	struct collect c;
	struct lib_show ls;
	enum lib_result res;
	char *cause = NULL, *label, name[512];
	int64_t show_id;
	size_t i;
	int owned, ok = 1, failed_before = (int)s->st.failed;
	long count;

	v->seen = 1;
	saw_stamp(s, show->stamp);
	if (show->year > 0)
		snprintf(name, sizeof name, "%s (%d)", show->title != NULL ? show->title : "?",
		    show->year);
	else
		snprintf(name, sizeof name, "%s", show->title != NULL ? show->title : "?");
	log_debug("show '%s': stamp %lld (stored %lld), %ld episodes (stored %lld)", name,
	    (long long)show->stamp, (long long)v->stamp, show->leaf_count, (long long)v->aux);
	if (v->id > 0 && !s->req->force && show->stamp > 0 && v->stamp == show->stamp &&
	    (show->leaf_count < 0 || show->leaf_count == v->aux) && !show_changed(s, show->key)) {
		keep_episodes(s, v->id);
		s->st.processed += v->aux;
		s->st.skipped += v->aux;
		snprintf(name + strlen(name), sizeof name - strlen(name), " (unchanged)");
		emit_item(s, v->aux, v->aux, name);
		return 0;
	}

	memset(&c, 0, sizeof c);
	c.s = s;
	emit_item(s, 0, show->leaf_count, name);
	if (s->imp->episodes(s->conn, show, page_size(s), collect_page, &c, &cause) != 0) {
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
		s->lib_partial = 1;     /* the next sync must look at it again */
		if (v->id > 0)
			keep_episodes(s, v->id);
		return 0;
	}
	count = (long)c.n;

	memset(&ls, 0, sizeof ls);
	ls.title = show->title;
	ls.year = show->year;
	ls.rating = show->content_rating;
	ls.summary = show->summary;
	ls.genre = show->genre;
	ls.studio = show->studio;
	ls.rating_key = show->key;
	ls.total_episodes = show->leaf_count >= 0 ? show->leaf_count : count;
	ls.guids = show->guids;
	ls.nguids = show->nguids;
	prefetch_marks(s, &c);
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
		    c.items[i].key);
		emit_item(s, (long)i + 1, count, label);
		if (episode_one(s, show_id, show, &c.items[i], label) != 0)
			ok = 0;
		free(label);
	}
	if (ok && s->req->title != NULL && remove_gone_episodes(s, show_id, name) != 0)
		ok = 0;
	/* The show is done only when every episode was written. */
	if (ok && owned && (int)s->st.failed == failed_before &&
	    library_show_stamp(s->lib, show_id, show->stamp, &cause) != 0) {
		ok = import_write_failed(&s->tx, name, cause) == 0;
		free(cause);
	}
	collect_free(&c);
	if (import_tx_end(&s->tx, ok) != 0)
		return -1;
	if (owned && !s->req->dry_run) {
		v->id = show_id;
		v->stamp = show->stamp;
		v->aux = count;
	}
	return 0;
}

/* Page of the changed-episodes listing: their shows are read whatever their stamps. */
static int
changed_page(void *arg, struct srv_item *items, size_t n, long offset, long total)
{
	struct sync *s = arg;
	size_t i;

	(void)offset;
	(void)total;
	if (cancelled(s))
		return STOP_CANCEL;
	for (i = 0; i < n; i++) {
		if (items[i].show_key != NULL)
			strmap_put(s->changed, items[i].show_key)->seen = 1;
		saw_stamp(s, items[i].stamp);
	}
	return 0;
}

/*
 * The library's watermark: the newest change stamp of its last complete
 * read (source_libraries), or 0.
 */
static int64_t
watermark(struct sync *s, const struct srv_library *lib)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	st = db_prepare(s->db, "SELECT changed_since FROM source_libraries WHERE source_id = ? "
	    "AND library_key = ?", NULL);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, s->src.id);
	sqlite3_bind_text(st, 2, lib->key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A library was read completely: remember its newest stamp for the next sync. */
static void
set_watermark(struct sync *s, const struct srv_library *lib)
{
	sqlite3_stmt *st;
	char now[32];

	if (s->req->dry_run || s->req->title != NULL || s->lib_failed || s->lib_partial ||
	    cancelled(s) || s->tx.dberr != NULL)
		return;
	st = db_prepare(s->db, "INSERT INTO source_libraries (source_id, library_key, title, "
	    "changed_since, synced_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (source_id, "
	    "library_key) DO UPDATE SET title = excluded.title, changed_since = "
	    "max(coalesce(changed_since, 0), excluded.changed_since), synced_at = "
	    "excluded.synced_at", NULL);
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, s->src.id);
	sqlite3_bind_text(st, 2, lib->key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, lib->title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, s->lib_stamp);
	sqlite3_bind_text(st, 5, iso_now(now, sizeof now), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_warn("%s: library '%s': %s", s->src.name, lib->title, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
}

/* Sync a show library. */
static int
show_library(struct sync *s, const struct srv_library *lib)
{
	struct collect c;
	char *cause = NULL;
	int64_t since;
	size_t i;
	int rc;

	/* What changed inside shows since the last complete read, where the server can say. */
	if (s->imp->changed != NULL && !s->req->force && (since = watermark(s, lib)) > 0) {
		s->changed = strmap_new();
		rc = s->imp->changed(s->conn, lib, since, page_size(s), changed_page, s, &cause);
		if (rc == STOP_CANCEL || cancelled(s)) {
			free(cause);
			return -1;
		}
		if (rc != 0) {
			library_failed(s, lib, cause);
			return 0;
		}
	}
	memset(&c, 0, sizeof c);
	c.s = s;
	c.filter = 1;
	rc = s->imp->items(s->conn, lib, 1, s->req->title, page_size(s), collect_page, &c,
	    &cause);
	if (rc == STOP_CANCEL || cancelled(s)) {
		free(cause);
		collect_free(&c);
		return -1;
	}
	if (rc != 0) {
		collect_free(&c);
		library_failed(s, lib, cause);
		return 0;
	}
	s->lib_total = (long)c.n;
	for (i = 0; i < c.n; i++) {
		s->lib_done = (long)i;
		emit_library(s, lib->title);
		if (cancelled(s) || show_one(s, &c.items[i]) != 0) {
			collect_free(&c);
			return -1;
		}
	}
	s->lib_done = (long)c.n;
	emit_library(s, lib->title);
	collect_free(&c);
	if (s->req->title != NULL || cancelled(s))
		return 0;
	if (remove_gone(s, "episode", s->episodes) != 0)
		return -1;
	if (s->lib_failed)
		return 0;
	if (import_tx_begin(&s->tx) != 0)
		return -1;
	/* Shows the server no longer lists (their episodes went already). */
	rc = import_remove_shows(&s->tx, s->lib, "SELECT id, plex_rating_key, title || coalesce("
	    "' (' || year || ')', '') FROM shows WHERE source_id = ?1 AND library_key = ?2",
	    s->src.id, s->origin.library_key, s->shows, &s->st.removed);
	return import_tx_end(&s->tx, rc == 0);
}

/* Is a library chosen by the request? */
static int
section_chosen(const struct sync_request *req, const struct srv_library *lib)
{
	size_t i;

	if (strcmp(lib->type, "movie") != 0 && strcmp(lib->type, "show") != 0)
		return 0;
	if (req->nlibraries == 0)
		return 1;
	for (i = 0; i < req->nlibraries; i++) {
		if (strcasecmp(req->libraries[i], lib->title) == 0 ||
		    strcmp(req->libraries[i], lib->key) == 0)
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
	if (req->nlibraries > 0 || req->ntmm > 0 || req->source != NULL || req->kind != NULL ||
	    !req->servers || !req->folders)
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

/* A client for a server source. */
static struct srv_conn *
connect_source(const struct sync_request *req, const struct source *src)
{
	struct srv_opts o;

	memset(&o, 0, sizeof o);
	o.url = src->url;
	/* --plex-token stands in for a Plex source's stored token. */
	o.secret = req->token != NULL && strcmp(src->type, "plex") == 0 ? req->token : src->token;
	o.user = src->user;
	o.connect_timeout_ms = req->connect_timeout_ms;
	o.stall_timeout_ms = req->timeout_ms;
	o.retries = req->retries;
	o.backoff_ms = req->backoff_ms;
	o.cancel = req->cancel;
	return src->imp->open(&o);
}

/* Is a source of a kind the request wants? */
static int
wanted(const struct sync_request *req, const struct source *s, int servers, int folders)
{
	if (s->imp == NULL || !s->enabled)
		return 0;
	if (req->kind != NULL && strcasecmp(req->kind, s->imp->name) != 0)
		return 0;
	return ((s->imp->flags & IMPORTER_SERVER) && servers) ||
	    ((s->imp->flags & IMPORTER_FOLDER) && folders);
}

/*
 * The sources a request names: --plex-url's (made if create is set), the
 * one named, or every enabled one of the families asked for.
 */
static int
pick_sources(sqlite3 *db, const struct sync_request *req, int create, int folders,
    struct source **out, size_t *n, char **cause)
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
		if (source_find(db, req->source, list, cause) != 0) {
			free(list);
			return -1;
		}
		if (list->imp == NULL || (!folders && !(list->imp->flags & IMPORTER_SERVER))) {
			set_cause(cause, "source '%s' is not a server", list->name);
			sources_free(&list, 1);
			return -1;
		}
		*out = list;
		*n = 1;
		return 0;
	}
	if (sources_all(db, 0, &all, &count, cause) != 0)
		return -1;
	for (i = 0; i < count; i++) {
		if (wanted(req, &all[i], req->servers, folders && req->folders && req->ntmm == 0))
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
	if (s->conn != NULL)
		s->imp->close(&s->conn);
	srv_libraries_free(&s->libs, s->nlibs);
	free(s->chosen);
	pathmap_clear(&s->pm);
	strmap_free(&s->movies);
	strmap_free(&s->episodes);
	strmap_free(&s->shows);
	strmap_free(&s->changed);
	free(s->error);
	free(s->reason);
	free(s->tx.dberr);
	source_clear(&s->src);
}

/* Sync one server source's chosen libraries. */
static void
sync_source(struct sync *s, int *lib_index, int lib_count)
{
	const struct srv_library *lib;
	char *cause = NULL;
	const char *status;
	size_t i;
	int rc = 0;

	s->history_id = history_start(s->db, s->req, s->imp->name, s->src.name);
	if (preload(s, &cause) != 0 || pathmap_load(s->db, &s->pm, &cause) != 0 ||
	    (s->lib = library_new(s->db, &cause)) == NULL) {
		import_db_error(&s->tx, NULL, cause);
		free(cause);
		rc = -1;
	}
	memset(&s->origin, 0, sizeof s->origin);
	s->origin.source_type = s->imp->name;
	s->origin.source_id = s->src.id;
	for (i = 0; i < s->nlibs && rc == 0; i++) {
		if (!s->chosen[i])
			continue;
		lib = &s->libs[i];
		s->lib_index = ++*lib_index;
		s->lib_count = lib_count;
		s->lib_done = 0;
		s->lib_total = -1;
		s->lib_failed = 0;
		s->lib_partial = 0;
		s->lib_stamp = 0;
		strmap_free(&s->changed);
		s->origin.library_key = lib->key;
		s->origin.library_name = lib->title;
		free(s->reason);
		xasprintf(&s->reason, "sync of %s source %s, library %s", s->imp->label, s->src.name,
		    lib->title);
		emit_library(s, lib->title);
		if (strcmp(lib->type, "movie") == 0)
			rc = movie_library(s, lib);
		else
			rc = show_library(s, lib);
		if (rc == 0)
			set_watermark(s, lib);
		if (cancelled(s))
			break;
	}
	s->st.requests = s->imp->requests(s->conn);
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

/* One run's totals and first problem. */
struct totals {
	int failures;
	int ok;
	char *first;
};

/* Note a problem (the first one is kept for the caller). */
static void
note(struct totals *t, const char *what)
{
	t->failures++;
	if (t->first == NULL && what != NULL)
		t->first = xstrdup(what);
}

/* Scan one folder source. */
static void
sync_folder(sqlite3 *db, const struct sync_request *req, const struct import_progress *prog,
    const struct source *src, int index, int count, struct import_stats *stats,
    struct totals *t)
{
	struct import_stats st;
	struct tmm_opts o;
	char *err = NULL, *held;
	int64_t hid;

	memset(&o, 0, sizeof o);
	o.force = req->force;
	o.dry_run = req->dry_run;
	o.index = index;
	o.count = count;
	memset(&st, 0, sizeof st);
	hid = history_start(db, req, src->imp->name, src->name);
	if (src->imp->scan(db, src, &o, prog, &st, &err) != 0) {
		history_end(db, hid, req->cancel != NULL && atomic_load(req->cancel) ? "cancelled" :
		    "failed", &st, err);
		note(t, err);
		free(err);
	} else {
		held = held_message(&st);
		history_end(db, hid, st.failed > 0 || held != NULL ? "partial" : "success", &st,
		    held != NULL ? held : st.failed > 0 ? "some .nfo files could not be imported "
		    "(see the warnings)" : NULL);
		if (st.failed > 0 || held != NULL)
			note(t, held);
		else
			t->ok++;
		free(held);
	}
	stats_add(stats, &st);
}

/* The folders a request names with --tmm, appended to srcs. */
static int
named_folders(sqlite3 *db, const struct sync_request *req, struct source **srcs, size_t *n,
    char **cause)
{
	struct source one;
	char *key;
	size_t i;
	int rc;

	for (i = 0; i < req->ntmm; i++) {
		/* A bare number is a directory's id here. */
		xasprintf(&key, "%s%s", strchr(req->tmm_dirs[i], ':') != NULL ? "" : "tmm:",
		    req->tmm_dirs[i]);
		rc = source_find(db, key, &one, NULL);
		free(key);
		if (rc != 0 && source_find(db, req->tmm_dirs[i], &one, cause) != 0)
			return -1;
		if (one.imp == NULL || !(one.imp->flags & IMPORTER_FOLDER)) {
			set_cause(cause, "'%s' is not a TMM directory", req->tmm_dirs[i]);
			source_clear(&one);
			return -1;
		}
		*srcs = xreallocarray(*srcs, *n + 1, sizeof **srcs);
		(*srcs)[(*n)++] = one;
	}
	return 0;
}

/* Every library asked for by name must exist on some server. */
static int
check_libraries(const struct sync_request *req, struct sync *runs, size_t nruns, char **cause)
{
	char *avail = NULL, *n;
	size_t i, j, k;
	int found;

	for (k = 0; k < req->nlibraries; k++) {
		found = 0;
		for (i = 0; i < nruns; i++) {
			for (j = 0; j < runs[i].nlibs; j++) {
				if (strcasecmp(req->libraries[k], runs[i].libs[j].title) == 0 ||
				    strcmp(req->libraries[k], runs[i].libs[j].key) == 0)
					found = 1;
				else if (k == 0 && (strcmp(runs[i].libs[j].type, "movie") == 0 ||
				    strcmp(runs[i].libs[j].type, "show") == 0)) {
					xasprintf(&n, "%s%s'%s'", avail != NULL ? avail : "",
					    avail != NULL ? ", " : "", runs[i].libs[j].title);
					free(avail);
					avail = n;
				}
			}
		}
		for (i = 0; i < nruns && !found; i++)
			found = runs[i].failed;
		if (!found) {
			set_cause(cause, "no library '%s' (there are: %s)", req->libraries[k],
			    avail != NULL ? avail : "none");
			free(avail);
			return -1;
		}
	}
	free(avail);
	return 0;
}

/* Run a sync. */
int
sync_run(sqlite3 *db, const struct sync_request *req, const struct import_progress *prog,
    struct import_stats *stats, char **cause)
{
	struct source *srcs = NULL, *folders = NULL;
	struct sync *runs = NULL;
	struct totals t;
	size_t nsrcs = 0, nruns = 0, nfolders = 0, i, j;
	char *err = NULL;
	int lock = -1, lib_count = 0, lib_index = 0;
	int64_t hid;

	memset(stats, 0, sizeof *stats);
	memset(&t, 0, sizeof t);
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

	/* What to sync: the servers and their libraries, then the folders. */
	if ((req->servers || req->source != NULL || req->url != NULL || (req->folders &&
	    req->ntmm == 0)) && pick_sources(db, req, !req->dry_run, 1, &srcs, &nsrcs, cause) != 0)
		goto fail;
	if (req->folders && named_folders(db, req, &srcs, &nsrcs, cause) != 0)
		goto fail;
	if (nsrcs == 0) {
		if (req->servers && !req->folders)
			set_cause(cause, "no server to sync: add one with 'retrovue source add KIND "
			    "--name NAME --url URL ...' (%s) or give --plex-url",
			    importer_kinds(IMPORTER_SERVER));
		else
			set_cause(cause, "nothing to sync: add a server with 'retrovue source add KIND "
			    "...' (%s) or a directory with 'retrovue source add tmm --path DIR'",
			    importer_kinds(IMPORTER_SERVER));
		goto fail;
	}

	runs = xcalloc(nsrcs, sizeof *runs);
	for (i = 0; i < nsrcs; i++) {
		struct sync *s;

		if (!(srcs[i].imp->flags & IMPORTER_SERVER)) {
			folders = xreallocarray(folders, nfolders + 1, sizeof *folders);
			folders[nfolders++] = srcs[i];
			memset(&srcs[i], 0, sizeof srcs[i]);
			continue;
		}
		s = &runs[nruns++];
		s->db = db;
		s->req = req;
		s->prog = prog;
		s->imp = srcs[i].imp;
		s->tx.db = db;
		s->tx.prog = prog;
		s->tx.dry_run = req->dry_run;
		s->tx.failed = &s->st.failed;
		s->src = srcs[i];
		memset(&srcs[i], 0, sizeof srcs[i]);
		s->conn = connect_source(req, &s->src);
		if (s->imp->libraries(s->conn, 0, &s->libs, &s->nlibs, &err) != 0) {
			s->failed = 1;
			xasprintf(&s->error, "%s: %s", s->src.name, err);
			freep(&err);
			import_warn(s->prog, "%s", s->error);
			continue;
		}
		s->chosen = xcalloc(s->nlibs ? s->nlibs : 1, sizeof *s->chosen);
		for (j = 0; j < s->nlibs; j++) {
			s->chosen[j] = section_chosen(req, &s->libs[j]);
			lib_count += s->chosen[j];
		}
	}
	if (check_libraries(req, runs, nruns, cause) != 0)
		goto fail;
	lib_count += (int)nfolders;

	for (i = 0; i < nruns; i++) {
		struct sync *s = &runs[i];

		if (s->failed) {
			hid = history_start(db, req, s->imp->name, s->src.name);
			history_end(db, hid, "failed", &s->st, s->error);
			note(&t, s->error);
			continue;
		}
		if (cancelled(s))
			break;
		sync_source(s, &lib_index, lib_count);
		stats_add(stats, &s->st);
		if (s->tx.dberr != NULL) {
			note(&t, s->tx.dberr);
			break;
		}
		if (s->error != NULL || s->st.failed > 0 || s->st.held > 0)
			note(&t, s->error);
		else
			t.ok++;
	}
	for (i = 0; i < nfolders; i++) {
		if (req->cancel != NULL && atomic_load(req->cancel))
			break;
		sync_folder(db, req, prog, &folders[i], ++lib_index, lib_count, stats, &t);
	}

	for (i = 0; i < nruns; i++)
		sync_clear(&runs[i]);
	free(runs);
	sources_free(&srcs, nsrcs);
	sources_free(&folders, nfolders);
	if (lock >= 0)
		close(lock);
	if (req->cancel != NULL && atomic_load(req->cancel)) {
		set_cause(cause, "cancelled");
		free(t.first);
		return -1;
	}
	if (t.failures > 0 && t.ok == 0 && stats->processed == 0 && stats->held == 0) {
		set_cause(cause, "%s", t.first != NULL ? t.first : "the sync failed");
		free(t.first);
		return -1;
	}
	if (t.first != NULL)
		set_cause(cause, "%s", t.first);
	free(t.first);
	return t.failures > 0 ? 1 : 0;

fail:
	for (i = 0; i < nruns; i++)
		sync_clear(&runs[i]);
	free(runs);
	sources_free(&srcs, nsrcs);
	sources_free(&folders, nfolders);
	free(t.first);
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
		free((*list)[i].kind);
		free((*list)[i].source);
		free((*list)[i].library);
		free((*list)[i].key);
		free((*list)[i].title);
	}
	free(*list);
	*list = NULL;
}

/* Collect shows that match a title. */
struct discover {
	const struct sync_request *req;
	const struct source *src;
	const char *library;
	struct sync_found *list;
	size_t n;
};

static int
discover_page(void *arg, struct srv_item *items, size_t n, long offset, long total)
{
	struct discover *d = arg;
	struct sync_found *f;
	struct srv_item *it;
	size_t i;
	int exact;

	(void)offset;
	(void)total;
	for (i = 0; i < n; i++) {
		it = &items[i];
		if (it->key == NULL || it->title == NULL)
			continue;
		exact = strcasecmp(it->title, d->req->title) == 0;
		if ((!exact && strcasestr(it->title, d->req->title) == NULL) ||
		    (d->req->year != 0 && it->year != d->req->year))
			continue;
		d->list = xreallocarray(d->list, d->n + 1, sizeof *d->list);
		f = &d->list[d->n++];
		memset(f, 0, sizeof *f);
		f->kind = xstrdup(d->src->imp->label);
		f->source = xstrdup(d->src->name);
		f->library = xstrdup(d->library);
		f->key = xstrdup(it->key);
		f->title = xstrdup(it->title);
		f->year = it->year;
		f->episodes = it->leaf_count;
		f->exact = exact;
		f->nguids = it->nguids < nitems(f->guids) ? it->nguids : nitems(f->guids);
		memcpy(f->guids, it->guids, f->nguids * sizeof *f->guids);
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
	struct srv_library *libs = NULL;
	struct srv_conn *c;
	struct discover d;
	size_t nsrcs = 0, nlibs = 0, i, j;
	char *err = NULL;
	int rc = 0, asked = 0;

	*out = NULL;
	*n = 0;
	if (req->title == NULL || *req->title == '\0') {
		set_cause(cause, "discover needs a title");
		return -1;
	}
	if (pick_sources(db, req, 0, 0, &srcs, &nsrcs, cause) != 0)
		return -1;
	if (nsrcs == 0) {
		set_cause(cause, "no server: add one with 'retrovue source add KIND ...' (%s) or give "
		    "--plex-url", importer_kinds(IMPORTER_SERVER));
		return -1;
	}
	memset(&d, 0, sizeof d);
	d.req = req;
	for (i = 0; i < nsrcs && rc == 0; i++) {
		c = connect_source(req, &srcs[i]);
		if (srcs[i].imp->libraries(c, 0, &libs, &nlibs, &err) != 0) {
			set_cause(cause, "%s: %s", srcs[i].name, err);
			freep(&err);
			rc = -1;
		}
		for (j = 0; j < nlibs && rc == 0; j++) {
			if (strcmp(libs[j].type, "show") != 0 || !section_chosen(req, &libs[j]))
				continue;
			d.src = &srcs[i];
			d.library = libs[j].title;
			if (srcs[i].imp->items(c, &libs[j], 1, req->title, req->page_size > 0 ?
			    req->page_size : DEFAULT_PAGE, discover_page, &d, &err) != 0) {
				set_cause(cause, "%s: %s", srcs[i].name, err);
				freep(&err);
				rc = -1;
			}
			asked++;
		}
		srv_libraries_free(&libs, nlibs);
		srcs[i].imp->close(&c);
	}
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

/* Free a test's findings. */
void
sync_test_clear(struct sync_test *t)
{
	if (t == NULL)
		return;
	free(t->kind);
	free(t->source);
	free(t->server);
	free(t->version);
	srv_libraries_free(&t->libs, t->nlibs);
	free(t->report);
	memset(t, 0, sizeof *t);
}

/* Test one source. */
int
sync_test_source(sqlite3 *db, const struct sync_request *req, struct sync_test *out,
    char **cause)
{
	struct source *srcs = NULL;
	struct srv_conn *c;
	size_t nsrcs = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (pick_sources(db, req, 0, 1, &srcs, &nsrcs, cause) != 0)
		return -1;
	if (nsrcs != 1) {
		set_cause(cause, nsrcs == 0 ? "no source to test" : "name the source to test");
		sources_free(&srcs, nsrcs);
		return -1;
	}
	out->kind = xstrdup(srcs[0].imp->label);
	out->source = xstrdup(srcs[0].name);
	if (!(srcs[0].imp->flags & IMPORTER_SERVER)) {
		rc = srcs[0].imp->test(db, &srcs[0], &out->report, cause);
		goto out;
	}
	c = connect_source(req, &srcs[0]);
	if (srcs[0].imp->identify(c, &out->server, &out->version, cause) == 0 &&
	    srcs[0].imp->libraries(c, 1, &out->libs, &out->nlibs, cause) == 0)
		rc = 0;
	srcs[0].imp->close(&c);
out:
	if (rc != 0)
		sync_test_clear(out);
	sources_free(&srcs, nsrcs);
	return rc;
}
