/*
 * pathmap.c: path mapping for every server.
 */
#include "src/pathmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "src/db.h"
#include "src/importer.h"
#include "src/util.h"

/* Is s a Windows-style path: "C:", "\\server", or any backslash? */
static int
is_windows(const char *s)
{
	if (isalpha((unsigned char)s[0]) && s[1] == ':')
		return 1;
	return strchr(s, '\\') != NULL;
}

/* Is c a separator in this style? */
static int
is_sep(char c, int win)
{
	return c == '/' || (win && c == '\\');
}

/* Length of prefix without trailing separators, but never below one character. */
static size_t
prefix_len(const char *prefix, int win)
{
	size_t n = strlen(prefix);

	while (n > 1 && is_sep(prefix[n - 1], win))
		n--;
	/* "C:\" keeps its separator: "C:" alone means the drive's current folder. */
	if (win && n == 2 && prefix[1] == ':' && is_sep(prefix[2], win))
		n = 3;
	return n;
}

/*
 * Does path start with prefix on a segment boundary? Returns the length of
 * path consumed, or -1.
 */
static long
match(const char *prefix, const char *path)
{
	int win = is_windows(prefix);
	size_t n = prefix_len(prefix, win), i;
	char a, b;

	for (i = 0; i < n; i++) {
		a = prefix[i];
		b = path[i];
		if (b == '\0')
			return -1;
		if (win) {
			if (is_sep(a, 1) && is_sep(b, 1))
				continue;
			if (tolower((unsigned char)a) != tolower((unsigned char)b))
				return -1;
		} else if (a != b)
			return -1;
	}
	/* A whole segment: the path ends here, goes on with a separator, or the prefix ended with one. */
	if (path[n] == '\0' || is_sep(path[n], win) || is_sep(prefix[n - 1], win))
		return (long)n;
	return -1;
}

/* Map one path. */
char *
pathmap_map(const struct pathmap *pm, int64_t source_id, const char *path,
    const struct pathmap_rule **used)
{
	const struct pathmap_rule *best = NULL, *r;
	const char *rest, *to;
	long len, best_len = -1;
	size_t i, tn;
	int from_win, to_win;
	char *out, *p;

	if (used != NULL)
		*used = NULL;
	if (path == NULL)
		return NULL;
	for (i = 0; i < pm->n; i++) {
		r = &pm->rules[i];
		if (r->source_id != 0 && r->source_id != source_id)
			continue;
		if ((len = match(r->plex_path, path)) < 0)
			continue;
		if (len > best_len || (len == best_len && best->source_id == 0 && r->source_id != 0)) {
			best = r;
			best_len = len;
		}
	}
	if (best == NULL)
		return NULL;
	if (used != NULL)
		*used = best;

	from_win = is_windows(best->plex_path);
	to = best->local_path;
	to_win = is_windows(to);
	tn = strlen(to);
	rest = path + best_len;
	/* One separator between the local prefix and the rest. */
	if (tn > 0 && is_sep(to[tn - 1], to_win) && is_sep(*rest, from_win))
		rest++;
	if (tn > 0 && !is_sep(to[tn - 1], to_win) && *rest != '\0' && !is_sep(*rest, from_win))
		xasprintf(&out, "%s%c%s", to, to_win ? '\\' : '/', rest);
	else
		xasprintf(&out, "%s%s", to, rest);
	/* The rest takes the local prefix's separators. */
	for (p = out + tn; *p != '\0'; p++) {
		if (to_win && *p == '/')
			*p = '\\';
		else if (!to_win && from_win && *p == '\\')
			*p = '/';
	}
	return out;
}

/* Append a rule. */
void
pathmap_push(struct pathmap *pm, int64_t id, int64_t source_id, const char *plex_path,
    const char *local_path)
{
	struct pathmap_rule *r;

	pm->rules = xreallocarray(pm->rules, pm->n + 1, sizeof *pm->rules);
	r = &pm->rules[pm->n++];
	r->id = id;
	r->source_id = source_id;
	r->plex_path = xstrdup(plex_path);
	r->local_path = xstrdup(local_path);
}

/* Free rules. */
void
pathmap_clear(struct pathmap *pm)
{
	size_t i;

	for (i = 0; i < pm->n; i++) {
		free(pm->rules[i].plex_path);
		free(pm->rules[i].local_path);
	}
	free(pm->rules);
	pm->rules = NULL;
	pm->n = 0;
}

/* Load from plex_path_replacements. */
int
pathmap_load(sqlite3 *db, struct pathmap *pm, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	pm->rules = NULL;
	pm->n = 0;
	st = db_prepare(db, "SELECT id, coalesce(plex_media_source_id, 0), plex_path, local_path "
	    "FROM plex_path_replacements ORDER BY id", cause);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		pathmap_push(pm, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		    db_text(st, 2), db_text(st, 3));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading path mappings: %s", sqlite3_errmsg(db));
		pathmap_clear(pm);
		return -1;
	}
	return 0;
}

/* Re-map every Plex file's path. */
int
pathmap_reapply(sqlite3 *db, int *remapped, char **cause)
{
	const struct importer *imp;
	struct pathmap pm;
	sqlite3_stmt *sel = NULL, *upd = NULL;
	const char *src, *cur;
	char *mapped;
	int rc, n = 0, ret = -1;

	if (pathmap_load(db, &pm, cause) != 0)
		return -1;
	sel = db_prepare(db, "SELECT id, coalesce(source_id, 0), source_path, file_path, "
	    "source_type FROM media_files WHERE source_id IS NOT NULL AND source_path IS NOT NULL",
	    cause);
	upd = db_prepare(db, "UPDATE media_files SET file_path = ?, validation_status = "
	    "'unchecked', validation_message = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
	    "'now') WHERE id = ?", cause);
	if (sel == NULL || upd == NULL)
		goto out;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		/* Only what a server reported (not the demo's or a folder's own paths). */
		imp = importer_find(db_text(sel, 4));
		if (imp == NULL || !(imp->flags & IMPORTER_SERVER))
			continue;
		src = db_text(sel, 2);
		cur = db_text(sel, 3);
		mapped = pathmap_map(&pm, sqlite3_column_int64(sel, 1), src, NULL);
		if (strcmp(mapped != NULL ? mapped : src, cur) != 0) {
			sqlite3_bind_text(upd, 1, mapped != NULL ? mapped : src, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(upd, 2, sqlite3_column_int64(sel, 0));
			if (sqlite3_step(upd) != SQLITE_DONE) {
				set_cause(cause, "updating paths: %s", sqlite3_errmsg(db));
				free(mapped);
				goto out;
			}
			sqlite3_reset(upd);
			n++;
		}
		free(mapped);
	}
	if (rc != SQLITE_DONE) {
		set_cause(cause, "reading paths: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (remapped != NULL)
		*remapped = n;
	ret = 0;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	pathmap_clear(&pm);
	return ret;
}

/* Add or change a rule, then re-map. */
int
pathmap_add(sqlite3 *db, int64_t source_id, const char *plex_path, const char *local_path,
    int64_t *id, int *remapped, char **cause)
{
	sqlite3_stmt *st = NULL;
	char *from;
	size_t n;
	int win;

	if (plex_path == NULL || *plex_path == '\0') {
		set_cause(cause, "the Plex path prefix is empty");
		return -1;
	}
	/* Store the prefix without trailing separators ("/media/tv/" is "/media/tv"). */
	win = is_windows(plex_path);
	n = prefix_len(plex_path, win);
	from = xstrndup(plex_path, n);
	if (db_begin(db, cause) != 0) {
		free(from);
		return -1;
	}
	st = db_prepare(db, "SELECT id FROM plex_path_replacements WHERE "
	    "plex_media_source_id IS ?1 AND plex_path = ?2", cause);
	if (st == NULL)
		goto fail;
	if (source_id > 0)
		sqlite3_bind_int64(st, 1, source_id);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
	*id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (*id > 0) {
		st = db_prepare(db, "UPDATE plex_path_replacements SET local_path = ?, updated_at = "
		    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?", cause);
		if (st == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, local_path, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, *id);
	} else {
		st = db_prepare(db, "INSERT INTO plex_path_replacements (plex_media_source_id, "
		    "plex_path, local_path) VALUES (?, ?, ?)", cause);
		if (st == NULL)
			goto fail;
		if (source_id > 0)
			sqlite3_bind_int64(st, 1, source_id);
		sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, local_path, -1, SQLITE_TRANSIENT);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		set_cause(cause, "saving the path mapping: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if (*id == 0)
		*id = sqlite3_last_insert_rowid(db);
	if (pathmap_reapply(db, remapped, cause) != 0 || db_commit(db, cause) != 0)
		goto fail;
	free(from);
	return 0;
fail:
	db_rollback(db);
	free(from);
	return -1;
}

/* Remove a rule, then re-map. */
int
pathmap_remove(sqlite3 *db, int64_t id, int *remapped, char **cause)
{
	sqlite3_stmt *st;

	if (db_begin(db, cause) != 0)
		return -1;
	if ((st = db_prepare(db, "DELETE FROM plex_path_replacements WHERE id = ?", cause)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		set_cause(cause, "removing the path mapping: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if (sqlite3_changes(db) == 0) {
		set_cause(cause, "no path mapping %lld", (long long)id);
		goto fail;
	}
	if (pathmap_reapply(db, remapped, cause) != 0 || db_commit(db, cause) != 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}
