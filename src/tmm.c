/*
 * tmm.c: TinyMediaManager/Kodi directories and their scan.
 */
#include "src/tmm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/db.h"
#include "src/importer.h"
#include "src/library.h"
#include "src/log.h"
#include "src/media.h"
#include "src/nfo.h"
#include "src/removed.h"
#include "src/strmap.h"
#include "src/util.h"

#define MAX_DEPTH 32

/* Directory CRUD. */

#define COLS "id, directory_path, name, description, include_subdirectories, enabled, " \
	"last_scan_time, coalesce(device, 0)"

/* Text column or NULL. */
static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* A row of COLS. */
static void
read_row(sqlite3_stmt *st, struct tmm_dir *d)
{
	d->id = sqlite3_column_int64(st, 0);
	d->path = col(st, 1);
	d->name = col(st, 2);
	d->description = col(st, 3);
	d->subdirs = sqlite3_column_int(st, 4);
	d->enabled = sqlite3_column_int(st, 5);
	d->last_scan = col(st, 6);
	d->device = sqlite3_column_int64(st, 7);
}

/* Free one. */
void
tmm_dir_clear(struct tmm_dir *d)
{
	if (d == NULL)
		return;
	free(d->path);
	free(d->name);
	free(d->description);
	free(d->last_scan);
	memset(d, 0, sizeof *d);
}

/* Free a list. */
void
tmm_dirs_free(struct tmm_dir **list, size_t n)
{
	size_t i;

	if (list == NULL || *list == NULL)
		return;
	for (i = 0; i < n; i++)
		tmm_dir_clear(&(*list)[i]);
	free(*list);
	*list = NULL;
}

/* Every directory. */
int
tmm_list(sqlite3 *db, struct tmm_dir **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct tmm_dir *list = NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if ((st = db_prepare(db, "SELECT " COLS " FROM tmm_directories ORDER BY id", cause)) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		list = xreallocarray(list, count + 1, sizeof *list);
		read_row(st, &list[count++]);
	}
	sqlite3_finalize(st);
	*out = list;
	*n = count;
	return 0;
}

/* Is a under b (or b itself)? */
static int
path_within(const char *a, const char *b)
{
	size_t n = strlen(b);

	if (strncmp(a, b, n) != 0)
		return 0;
	return a[n] == '\0' || a[n] == '/' || (n > 0 && b[n - 1] == '/');
}

/* Add a directory. */
int
tmm_add(sqlite3 *db, const char *path, const char *name, int subdirs, int64_t *id,
    char **cause)
{
	struct tmm_dir *list = NULL;
	sqlite3_stmt *st;
	struct stat sb;
	char real[PATH_MAX];
	const char *base;
	size_t n = 0, i;
	int rc;

	if (realpath(path, real) == NULL) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		set_cause(cause, "%s: not a directory", path);
		return -1;
	}
	if (tmm_list(db, &list, &n, cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].path, real) == 0)
			set_cause(cause, "%s is already directory %lld", real, (long long)list[i].id);
		else if (list[i].subdirs && path_within(real, list[i].path))
			set_cause(cause, "%s is inside directory %lld (%s), which already covers it",
			    real, (long long)list[i].id, list[i].path);
		else if (subdirs && path_within(list[i].path, real))
			set_cause(cause, "%s contains directory %lld (%s); remove that one first or add "
			    "this one with --no-subdirs", real, (long long)list[i].id, list[i].path);
		else
			continue;
		tmm_dirs_free(&list, n);
		return -1;
	}
	tmm_dirs_free(&list, n);
	if (name == NULL || *name == '\0') {
		base = strrchr(real, '/');
		name = base != NULL && base[1] != '\0' ? base + 1 : real;
	}
	st = db_prepare(db, "INSERT INTO tmm_directories (directory_path, name, "
	    "include_subdirectories) VALUES (?, ?, ?)", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, real, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, subdirs ? 1 : 0);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(cause, "adding %s: %s", real, sqlite3_errmsg(db));
		return -1;
	}
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

/* By id, name or path. */
int
tmm_get(sqlite3 *db, const char *key, struct tmm_dir *out, char **cause)
{
	sqlite3_stmt *st;
	char real[PATH_MAX];
	long long id;
	int found = 0;

	memset(out, 0, sizeof *out);
	st = db_prepare(db, "SELECT " COLS " FROM tmm_directories WHERE id = ?1 OR name = ?2 OR "
	    "directory_path = ?2 OR directory_path = ?3 ORDER BY id = ?1 DESC, id LIMIT 1", cause);
	if (st == NULL)
		return -1;
	if (parse_int(key, 1, INT64_MAX, &id) == 0)
		sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	if (realpath(key, real) != NULL)
		sqlite3_bind_text(st, 3, real, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_row(st, out);
		found = 1;
	}
	sqlite3_finalize(st);
	if (!found) {
		set_cause(cause, "no TMM directory '%s' (see 'retrovue tmm list')", key);
		return -1;
	}
	return 0;
}

/* Remove a directory and what came from it. */
int
tmm_remove(sqlite3 *db, int64_t id, long *files, char **cause)
{
	struct tmm_dir d;
	char idbuf[32], *reason;
	int rc;

	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	if (tmm_get(db, idbuf, &d, cause) != 0)
		return -1;
	xasprintf(&reason, "TMM directory %s removed", d.name != NULL ? d.name : d.path);
	rc = library_remove_origin(db, REMOVED_TMM_DIR, id, reason,
	    "DELETE FROM tmm_directories WHERE id = ?1", files, cause);
	free(reason);
	tmm_dir_clear(&d);
	return rc;
}

/* The scan. */

struct showdir {
	char *dir;
	int64_t show_id;
};

struct scan {
	sqlite3 *db;
	const struct tmm_dir *d;
	const struct tmm_opts *o;
	const struct import_progress *prog;
	struct import_stats *st;
	struct library *lib;
	struct lib_origin origin;
	char **files;
	size_t nfiles;
	int incomplete;                 /* something could not be read: remove nothing */
	struct strmap *known;           /* .nfo path -> media file, nfo mtime, size, file mtime */
	struct strmap *shows;           /* tvshow.nfo path -> show, mtime, size */
	struct showdir *showdirs;
	size_t nshowdirs;
	struct import_tx tx;            /* its writes and the first database error */
};

/* Cancelled? */
static int
cancelled(const struct scan *s)
{
	return s->prog != NULL && s->prog->cancel != NULL && atomic_load(s->prog->cancel);
}

/* The .nfo parser's warnings: "path:line: message". */
static void
nfo_warning(void *arg, const char *path, int line, const char *msg)
{
	struct scan *s = arg;

	if (line > 0)
		import_warn(s->prog, "%s:%d: %s", path, line, msg);
	else
		import_warn(s->prog, "%s: %s", path, msg);
}

/* Something could not be read: warn once per thing, and remove nothing. */
static void
incomplete(struct scan *s, const char *path, int err)
{
	import_warn(s->prog, "%s: %s; the scan is incomplete, nothing will be removed", path,
	    strerror(err));
	s->incomplete = 1;
}

/* 0 if path can be opened and read, else the errno (ENOENT: it went). */
static int
unreadable(const char *path)
{
	char c;
	int fd, err = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return errno;
	if (read(fd, &c, 1) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Ends in ".nfo"? */
static int
is_nfo(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcasecmp(name + n - 4, ".nfo") == 0;
}

/* Collect .nfo files under dir. */
static int
walk(struct scan *s, const char *dir, int depth, char **cause)
{
	DIR *dp;
	struct dirent *de;
	struct stat sb;
	char *p;

	if ((dp = opendir(dir)) == NULL) {
		if (depth == 0) {
			set_cause(cause, "%s: %s (not mounted?); nothing was removed", dir,
			    strerror(errno));
			return -1;
		}
		if (errno == ENOENT)    /* gone since its parent was read */
			return 0;
		incomplete(s, dir, errno);
		return 0;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(dp)) == NULL) {
			if (errno != 0)
				incomplete(s, dir, errno);
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		if (lstat(p, &sb) != 0) {
			if (errno != ENOENT)
				incomplete(s, p, errno);
			free(p);
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (s->d->subdirs && depth < MAX_DEPTH && walk(s, p, depth + 1, cause) != 0) {
				free(p);
				closedir(dp);
				return -1;
			}
			free(p);
			continue;
		}
		if (is_nfo(de->d_name) && S_ISLNK(sb.st_mode) && stat(p, &sb) != 0) {
			/* A dangling link is no .nfo; a link that cannot be followed is a problem. */
			if (errno != ENOENT)
				incomplete(s, p, errno);
			free(p);
			continue;
		}
		if (is_nfo(de->d_name) && S_ISREG(sb.st_mode)) {
			s->files = xreallocarray(s->files, s->nfiles + 1, sizeof *s->files);
			s->files[s->nfiles++] = p;
		} else
			free(p);
	}
	closedir(dp);
	return 0;
}

/* Is this a tvshow.nfo? */
static int
is_show_nfo(const char *path)
{
	const char *base = strrchr(path, '/');

	return strcasecmp(base != NULL ? base + 1 : path, "tvshow.nfo") == 0;
}

/* tvshow.nfo files first (episodes need their show), then by path. */
static int
file_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int sx = is_show_nfo(x), sy = is_show_nfo(y);

	if (sx != sy)
		return sy - sx;
	return strcmp(x, y);
}

/* What the database has from this directory. */
static int
preload(struct scan *s, char **cause)
{
	sqlite3_stmt *st;
	struct strmap_val *v;

	s->known = strmap_new();
	s->shows = strmap_new();
	st = db_prepare(s->db, "SELECT source_key, id, nfo_mtime, nfo_size, file_mtime FROM "
	    "media_files WHERE tmm_directory_id = ? AND source_key IS NOT NULL", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, s->d->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = strmap_put(s->known, db_text(st, 0));
		v->id = sqlite3_column_int64(st, 1);
		v->stamp = sqlite3_column_int64(st, 2);
		v->aux = sqlite3_column_int64(st, 3);
		v->aux2 = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	st = db_prepare(s->db, "SELECT nfo_path, id, nfo_mtime, nfo_size FROM shows WHERE "
	    "tmm_directory_id = ? AND nfo_path IS NOT NULL", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, s->d->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = strmap_put(s->shows, db_text(st, 0));
		v->id = sqlite3_column_int64(st, 1);
		v->stamp = sqlite3_column_int64(st, 2);
		v->aux = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return 0;
}

/* A new string: the folder of path. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

/* Remember that episodes under dir belong to show_id. */
static void
add_showdir(struct scan *s, const char *nfo, int64_t show_id)
{
	s->showdirs = xreallocarray(s->showdirs, s->nshowdirs + 1, sizeof *s->showdirs);
	s->showdirs[s->nshowdirs].dir = dir_of(nfo);
	s->showdirs[s->nshowdirs++].show_id = show_id;
}

/* The show of an episode: the nearest folder above with a tvshow.nfo. */
static int64_t
find_showdir(struct scan *s, const char *nfo)
{
	char *dir = dir_of(nfo), *slash;
	size_t i, root = strlen(s->d->path);
	int64_t id = 0;

	for (;;) {
		for (i = 0; i < s->nshowdirs && id == 0; i++) {
			if (strcmp(s->showdirs[i].dir, dir) == 0)
				id = s->showdirs[i].show_id;
		}
		if (id != 0 || strlen(dir) <= root || (slash = strrchr(dir, '/')) == NULL)
			break;
		*slash = '\0';
	}
	free(dir);
	return id;
}

/* Title and year from a name like "The Movie (2009).mkv" or a folder "Show (2017)". */
static void
title_from_name(const char *path, char **title, int *year)
{
	const char *base = strrchr(path, '/');
	char *t, *dot, *paren;
	int y;

	t = xstrdup(base != NULL ? base + 1 : path);
	if ((dot = strrchr(t, '.')) != NULL && dot != t && media_is_video_name(dot))
		*dot = '\0';
	if ((paren = strrchr(t, '(')) != NULL && sscanf(paren, "(%4d)", &y) == 1 && y > 1800 &&
	    y < 3000) {
		*year = y;
		*paren = '\0';
	}
	memmove(t, strtrim(t), strlen(strtrim(t)) + 1);
	*title = t;
}

/*
 * The video for an .nfo: "name.nfo" -> "name.<video ext>"; "movie.nfo" ->
 * the largest video in the folder (not a trailer or sample).
 */
static char *
find_media(struct scan *s, const char *nfo)
{
	char *dir = dir_of(nfo), *base, *best = NULL, *p;
	const char *b = strrchr(nfo, '/');
	size_t blen;
	struct dirent *de;
	struct stat sb;
	off_t best_size = -1;
	int any;
	DIR *dp;

	base = xstrdup(b != NULL ? b + 1 : nfo);
	blen = strlen(base) - 4;
	base[blen] = '\0';
	any = strcasecmp(base, "movie") == 0;
	if ((dp = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			incomplete(s, dir, errno);
		free(dir);
		free(base);
		return NULL;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(dp)) == NULL) {
			if (errno != 0)
				incomplete(s, dir, errno);
			break;
		}
		if (de->d_name[0] == '.' || !media_is_video_name(de->d_name))
			continue;
		if (!any && (strncmp(de->d_name, base, blen) != 0 || de->d_name[blen] != '.' ||
		    strchr(de->d_name + blen + 1, '.') != NULL))
			continue;
		if (any && (strcasestr(de->d_name, "-trailer") != NULL ||
		    strcasestr(de->d_name, "sample") != NULL))
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		if (stat(p, &sb) != 0) {
			if (errno != ENOENT)
				incomplete(s, p, errno);
			free(p);
			continue;
		}
		if (!S_ISREG(sb.st_mode) || sb.st_size <= best_size) {
			free(p);
			continue;
		}
		free(best);
		best = p;
		best_size = sb.st_size;
	}
	closedir(dp);
	free(dir);
	free(base);
	return best;
}

/* A tvshow.nfo. */
static int
do_show(struct scan *s, const char *path, const struct stat *sb)
{
	struct strmap_val *v = strmap_get(s->shows, path);
	struct nfo_file f;
	struct nfo_item *it = NULL;
	struct lib_show ls;
	enum lib_result res;
	char *cause = NULL, *title = NULL, *dir, name[512];
	int64_t show_id;
	int owned, year = 0, ok, err;

	if (v != NULL && !s->o->force && v->stamp == sb->st_mtime && v->aux == sb->st_size) {
		v->seen = 1;
		add_showdir(s, path, v->id);
		return 0;
	}
	if (nfo_parse_file(path, &f, nfo_warning, s, &cause) != 0) {
		import_warn(s->prog, "%s; skipped", cause);
		free(cause);
		s->st->failed++;
		if ((err = unreadable(path)) != 0 && err != ENOENT)
			incomplete(s, path, err);
		if (v != NULL) {
			v->seen = 1;
			add_showdir(s, path, v->id);
		}
		return 0;
	}
	if (f.n > 0 && f.items[0].kind == NFO_TVSHOW)
		it = &f.items[0];
	else if (f.n > 0) {
		import_warn(s->prog, "%s:%d: not a <tvshow>; skipped", path, f.items[0].line);
		nfo_file_clear(&f);
		s->st->failed++;
		return 0;
	}
	memset(&ls, 0, sizeof ls);
	if (it != NULL && it->title != NULL) {
		ls.title = it->title;
		ls.year = it->year;
		ls.rating = it->rating;
		ls.summary = it->plot;
		ls.genre = it->genre;
		ls.studio = it->studio;
		ls.guids = it->guids;
		ls.nguids = it->nguids;
	} else {
		/* Only a link: the folder names the show. */
		dir = dir_of(path);
		title_from_name(dir, &title, &year);
		free(dir);
		ls.title = title;
		ls.year = year;
		ls.guids = f.guids;
		ls.nguids = f.nguids;
	}
	ls.total_episodes = -1;
	ls.nfo_path = path;
	ls.nfo_mtime = sb->st_mtime;
	ls.nfo_size = sb->st_size;
	if (ls.year > 0)
		snprintf(name, sizeof name, "%s (%d)", ls.title, ls.year);
	else
		snprintf(name, sizeof name, "%s", ls.title != NULL ? ls.title : path);
	ok = import_tx_begin(&s->tx) == 0;
	if (ok && library_put_show(s->lib, &s->origin, &ls, &show_id, &owned, &res, &cause) != 0) {
		ok = import_write_failed(&s->tx, path, cause) == 0;
		free(cause);
		import_tx_end(&s->tx, 0);
	} else if (ok) {
		if (res != LIB_UNCHANGED)
			import_change(&s->tx, res == LIB_ADDED ? IMPORT_ADDED : IMPORT_UPDATED, "show", name, 0);
		if (import_tx_end(&s->tx, 1) == 0) {
			v = strmap_put(s->shows, path);
			v->id = show_id;
			v->seen = 1;
			add_showdir(s, path, show_id);
		} else
			ok = 0;
	}
	free(title);
	nfo_file_clear(&f);
	return ok ? 0 : -1;
}

/* Replace the chapter markers an .nfo gave a file. */
static int
put_chapters(struct scan *s, int64_t mf_id, const struct nfo_retrovue *rv, int64_t dur,
    const char *path, int *changed)
{
	sqlite3_stmt *del, *ins;
	size_t i;
	int rc = 0, before;

	del = db_prepare(s->db, "DELETE FROM chapter_markers WHERE media_file_id = ? AND source = "
	    "'nfo'", NULL);
	ins = db_prepare(s->db, "INSERT OR IGNORE INTO chapter_markers (media_file_id, "
	    "chapter_title, timestamp_ms, source) VALUES (?, ?, ?, 'nfo')", NULL);
	if (del == NULL || ins == NULL) {
		rc = -1;
		goto out;
	}
	before = (int)db_scalar(s->db, "SELECT total_changes()", 0);
	sqlite3_bind_int64(del, 1, mf_id);
	if (sqlite3_step(del) != SQLITE_DONE)
		rc = -1;
	for (i = 0; i < rv->nchapters && rc == 0; i++) {
		if (dur > 0 && rv->chapters[i].ms >= dur) {
			import_warn(s->prog, "%s: chapter at %lld ms is past the end of the file; ignored", path,
			    (long long)rv->chapters[i].ms);
			continue;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, mf_id);
		if (rv->chapters[i].title != NULL)
			sqlite3_bind_text(ins, 2, rv->chapters[i].title, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 2);
		sqlite3_bind_int64(ins, 3, rv->chapters[i].ms);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = -1;
	}
	/* Deleting and re-adding the same markers is no change. */
	if (rc == 0 && (int)db_scalar(s->db, "SELECT total_changes()", 0) - before !=
	    2 * (int)rv->nchapters)
		*changed = 1;
out:
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return rc;
}

/* A movie or episode .nfo and its media file. */
static int
do_file(struct scan *s, const char *path, const struct stat *sb)
{
	struct strmap_val *v = strmap_get(s->known, path);
	struct nfo_file f;
	struct nfo_item merged, *first = NULL;
	struct media_info mi;
	struct lib_item li;
	struct lib_show ls;
	struct lib_sched sch;
	struct stat msb;
	enum lib_result res = LIB_UNCHANGED, sres;
	char *cause = NULL, *media, *title = NULL, *joined = NULL, *j, *label = NULL;
	const char *ctype, *mtype;
	int64_t mf, show_id = 0;
	size_t i;
	int year = 0, owned, changed = 0, ok = 1, kind, err;
	long back;

	if ((media = find_media(s, path)) == NULL) {
		import_warn(s->prog, "%s: no video file beside it (the same name with .mkv, .mp4, ...); skipped",
		    path);
		s->st->failed++;
		return 0;
	}
	if (stat(media, &msb) != 0) {
		if (errno != ENOENT) {
			incomplete(s, media, errno);
			if (v != NULL)
				v->seen = 1;
		}
		free(media);
		return 0;
	}
	s->st->processed++;
	if (v != NULL && !s->o->force && v->stamp == sb->st_mtime && v->aux == sb->st_size &&
	    v->aux2 == msb.st_mtime) {
		v->seen = 1;
		s->st->skipped++;
		free(media);
		return 0;
	}
	if (nfo_parse_file(path, &f, nfo_warning, s, &cause) != 0) {
		import_warn(s->prog, "%s; skipped", cause);
		free(cause);
		s->st->failed++;
		if ((err = unreadable(path)) != 0 && err != ENOENT)
			incomplete(s, path, err);
		if (v != NULL)
			v->seen = 1;    /* keep what an earlier, readable version gave */
		free(media);
		return 0;
	}

	memset(&merged, 0, sizeof merged);
	if (f.n > 0) {
		first = &f.items[0];
		if (first->kind == NFO_TVSHOW) {
			import_warn(s->prog, "%s:%d: a <tvshow> outside tvshow.nfo; skipped", path, first->line);
			s->st->failed++;
			goto out;
		}
		merged = *first;
		/* Several episodes in one file: one item, their titles joined. */
		for (i = 1; i < f.n; i++) {
			if (f.items[i].episode > merged.episode_end)
				merged.episode_end = f.items[i].episode;
			if (f.items[i].title == NULL)
				continue;
			xasprintf(&j, "%s / %s", joined != NULL ? joined : (first->title != NULL ?
			    first->title : "?"), f.items[i].title);
			free(joined);
			joined = j;
		}
		if (joined != NULL)
			merged.title = joined;
		for (i = 0; i < f.nguids; i++)
			guid_add(merged.guids, &merged.nguids, NFO_MAX_GUIDS, &f.guids[i]);
	} else {
		merged.kind = NFO_MOVIE;
		merged.season = merged.episode = merged.episode_end = -1;
		merged.nguids = f.nguids;
		memcpy(merged.guids, f.guids, sizeof merged.guids);
	}
	if (merged.title == NULL) {
		title_from_name(media, &title, &year);
		merged.title = title;
		if (merged.year == 0)
			merged.year = year;
	}

	kind = merged.kind;
	ctype = merged.rv.content_type;
	if (ctype == NULL || strcmp(ctype, kind == NFO_EPISODE ? "episode" : "movie") == 0)
		mtype = kind == NFO_EPISODE ? "episode" : "movie";
	else if (strcmp(ctype, "movie") == 0 || strcmp(ctype, "episode") == 0)
		mtype = ctype;
	else
		mtype = "clip";

	memset(&li, 0, sizeof li);
	li.file_path = media;
	li.source_path = media;
	li.source_key = path;
	li.media_type = mtype;
	li.content_type = ctype;
	li.file_size = msb.st_size;
	li.file_mtime = msb.st_mtime;
	li.nfo_path = path;
	li.nfo_mtime = sb->st_mtime;
	li.nfo_size = sb->st_size;
	li.title = merged.title;
	li.year = merged.year;
	li.rating = merged.rating;
	li.summary = merged.plot;
	li.genre = merged.genre;
	li.director = merged.director;
	li.studio = merged.studio;
	li.air_date = merged.aired;
	li.season = merged.season;
	li.episode = merged.episode;
	li.guids = merged.guids;
	li.nguids = merged.nguids;
	/* The file's own length beats what the .nfo says. */
	if (media_probe(media, &mi, s->prog != NULL ? s->prog->cancel : NULL, &cause) == 0 &&
	    mi.duration_ms > 0)
		li.duration_ms = mi.duration_ms;
	else {
		if (cause != NULL)
			import_warn(s->prog, "%s", cause);
		freep(&cause);
		if ((err = unreadable(media)) != 0) {
			/* The video cannot be read now: leave what the library has of it. */
			if (err != ENOENT)
				incomplete(s, media, err);
			if (v != NULL)
				v->seen = 1;
			s->st->failed++;
			goto out;
		}
		if (merged.duration_s > 0)
			li.duration_ms = (int64_t)(merged.duration_s * 1000);
		else
			li.duration_ms = (int64_t)merged.runtime_min * 60000;
	}

	mf = v != NULL ? v->id : 0;
	if (import_tx_begin(&s->tx) != 0) {
		ok = 0;
		goto out;
	}
	if (strcmp(mtype, "episode") == 0) {
		if ((show_id = find_showdir(s, path)) == 0 && merged.show_title != NULL) {
			memset(&ls, 0, sizeof ls);
			ls.title = merged.show_title;
			ls.total_episodes = -1;
			if (library_put_show(s->lib, &s->origin, &ls, &show_id, &owned, &sres,
			    &cause) != 0) {
				ok = import_write_failed(&s->tx, path, cause) == 0;
				freep(&cause);
				import_tx_end(&s->tx, 0);
				goto out;
			}
			if (sres == LIB_ADDED)
				import_change(&s->tx, IMPORT_ADDED, "show", merged.show_title, 0);
		}
		if (show_id == 0) {
			import_warn(s->prog, "%s: an episode with no tvshow.nfo above it and no <showtitle>; skipped",
			    path);
			s->st->failed++;
			import_tx_end(&s->tx, 0);
			goto out;
		}
		if (library_put_episode(s->lib, &s->origin, show_id, &li, &mf, &res, &cause) != 0)
			goto write_fail;
	} else if (strcmp(mtype, "movie") == 0) {
		if (library_put_movie(s->lib, &s->origin, &li, &mf, &res,
		    &cause) != 0)
			goto write_fail;
	} else if (library_put_clip(s->lib, &s->origin, &li, &mf, &res,
	    &cause) != 0)
		goto write_fail;

	if (merged.rv.present) {
		memset(&sch, 0, sizeof sch);
		sch.content_type = ctype;
		sch.daypart = merged.rv.daypart;
		sch.seasonal = merged.rv.seasonal;
		sch.rating = merged.rv.rating;
		sch.company = merged.rv.company;
		sch.category = merged.rv.category;
		sch.commercial_duration = merged.rv.commercial_duration;
		sch.expiration = merged.rv.expires;
		sch.demographic = merged.rv.demographic;
		sch.warnings = merged.rv.warnings;
		sch.notes = merged.rv.notes;
		if (library_set_sched(s->lib, mf, &sch, &changed, &cause) != 0)
			goto write_fail;
		if (put_chapters(s, mf, &merged.rv, li.duration_ms, path, &changed) != 0) {
			cause = xstrdup(sqlite3_errmsg(s->db));
			goto write_fail;
		}
		if (changed && res == LIB_UNCHANGED)
			res = LIB_UPDATED;
	}
	label = library_title(s->db, mf);
	if (res == LIB_ADDED && library_restored(s->lib, &back)) {
		xasprintf(&j, "%s (back: its scheduling metadata%s restored)", label,
		    back > 0 ? " and chapter markers" : "");
		free(label);
		label = j;
	}
	if (res == LIB_ADDED) {
		s->st->added++;
		import_change(&s->tx, IMPORT_ADDED, mtype, label, mf);
	} else if (res == LIB_UPDATED) {
		s->st->updated++;
		import_change(&s->tx, IMPORT_UPDATED, mtype, label, mf);
	} else
		s->st->skipped++;
	if (import_tx_end(&s->tx, 1) == 0) {
		v = strmap_put(s->known, path);
		v->id = mf;
		v->seen = 1;
	} else
		ok = 0;
	goto out;

write_fail:
	ok = import_write_failed(&s->tx, path, cause) == 0;
	freep(&cause);
	import_tx_end(&s->tx, 0);
	if (v != NULL)
		v->seen = 1;
out:
	free(label);
	free(joined);
	free(title);
	free(media);
	nfo_file_clear(&f);
	return ok ? 0 : -1;
}

/* Remove what the scan no longer found. */
static int
remove_gone(struct scan *s)
{
	int64_t *ids = NULL;
	const char *name = s->d->name != NULL ? s->d->name : s->d->path;
	size_t n = 0;
	long total = 0;
	char *reason;
	int ok;

	if (import_unseen(&s->tx, "SELECT id, source_key FROM media_files WHERE "
	    "tmm_directory_id = ?1", s->d->id, NULL, s->known, &ids, &n, &total) != 0)
		return -1;
	if (s->incomplete) {
		if (n > 0)
			import_warn(s->prog, "%s: %zu file%s not found this time %s kept: the scan could "
			    "not read everything (see above)", name, n, n == 1 ? "" : "s",
			    n == 1 ? "is" : "are");
		s->st->kept += (long)n;
		free(ids);
		return 0;
	}
	if (s->nfiles == 0 && total > 0 && !s->o->force) {
		import_warn(s->prog, "%s: %s has no .nfo file left (it held %ld file%s); nothing was "
		    "removed. Is its disk mounted? If they are really gone, sync again with --force",
		    name, s->d->path, total, total == 1 ? "" : "s");
		s->st->held += total;
		free(ids);
		return 0;
	}
	if (!import_may_remove(s->db, s->prog, name, (long)n, total, s->o->force, s->st)) {
		free(ids);
		return 0;
	}
	if (import_tx_begin(&s->tx) != 0) {
		free(ids);
		return -1;
	}
	xasprintf(&reason, "sync of TMM directory %s", name);
	ok = import_remove_files(&s->tx, s->lib, ids, n, reason, "file", &s->st->removed) == 0;
	free(reason);
	free(ids);
	/* Shows whose tvshow.nfo went, or made from <showtitle>, once empty. */
	if (ok)
		ok = import_remove_shows(&s->tx, s->lib, "SELECT id, nfo_path, title || coalesce(' (' "
		    "|| year || ')', '') FROM shows WHERE tmm_directory_id = ?1", s->d->id, NULL,
		    s->shows, &s->st->removed) == 0;
	return import_tx_end(&s->tx, ok);
}

/* How many files the library has from this directory. */
static long
count_files(struct scan *s)
{
	sqlite3_stmt *st;
	long n = 0;

	st = db_prepare(s->db, "SELECT count(*) FROM media_files WHERE tmm_directory_id = ?", NULL);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, s->d->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The device of a directory (tests fake a root's with RETROVUE_TEST_TMM_DEVICE). */
static int
device_of(const char *path, int root, int64_t *dev)
{
	const char *fake = root ? getenv("RETROVUE_TEST_TMM_DEVICE") : NULL;
	struct stat sb;
	long long v;

	if (fake != NULL && *fake != '\0' && parse_int(fake, 1, INT64_MAX, &v) == 0) {
		*dev = v;
		return 0;
	}
	if (stat(path, &sb) != 0)
		return -1;
	*dev = (int64_t)sb.st_dev;
	return 0;
}

/*
 * A root that sits on its parent's device while its files were on another
 * is a mount point whose disk is not mounted: warn, hold its files back
 * and answer 1 (nothing is scanned). -1 if the root cannot be read at
 * all, else 0. *dev: the root's device.
 */
static int
check_mounted(struct scan *s, int64_t *dev, char **cause)
{
	char *parent = dir_of(s->d->path);
	int64_t pdev;
	int rc = 0;

	if (*parent == '\0') {
		free(parent);
		parent = xstrdup("/");
	}
	if (device_of(s->d->path, 1, dev) != 0) {
		set_cause(cause, "%s: %s (not mounted?); nothing was removed", s->d->path,
		    strerror(errno));
		rc = -1;
	} else if (s->d->device != 0 && *dev != s->d->device && !s->o->force &&
	    device_of(parent, 0, &pdev) == 0 && pdev == *dev) {
		import_warn(s->prog, "%s: %s is not mounted: it is on the same device as %s, and "
		    "its files were on another; nothing was removed. Mount it, or if the folder "
		    "really moved to this disk, sync again with --force", s->d->name != NULL ?
		    s->d->name : s->d->path, s->d->path, parent);
		s->st->held += count_files(s);
		rc = 1;
	}
	free(parent);
	return rc;
}

/* Scan one directory. */
int
tmm_scan(sqlite3 *db, const struct tmm_dir *d, const struct tmm_opts *o,
    const struct import_progress *prog, struct import_stats *st, char **cause)
{
	struct scan s;
	struct stat sb;
	const char *name = d->name != NULL ? d->name : d->path, *rel;
	size_t i, root = strlen(d->path);
	int64_t dev = 0;
	int rc = -1;

	memset(&s, 0, sizeof s);
	s.db = db;
	s.d = d;
	s.o = o;
	s.prog = prog;
	s.st = st;
	s.tx.db = db;
	s.tx.prog = prog;
	s.tx.dry_run = o->dry_run;
	s.tx.failed = &st->failed;
	s.origin.source_type = "tmm";
	s.origin.tmm_dir_id = d->id;
	s.origin.library_name = name;
	if (prog != NULL && prog->library != NULL)
		prog->library(prog->arg, o->index, o->count, name, 0, -1);
	if ((rc = check_mounted(&s, &dev, cause)) != 0) {
		rc = rc > 0 ? 0 : -1;
		goto out;
	}
	rc = -1;
	if (walk(&s, d->path, 0, cause) != 0)
		goto out;
	if (s.nfiles > 1)
		qsort(s.files, s.nfiles, sizeof *s.files, file_cmp);
	if (preload(&s, cause) != 0 || (s.lib = library_new(db, cause)) == NULL)
		goto out;

	for (i = 0; i < s.nfiles && s.tx.dberr == NULL; i++) {
		if (cancelled(&s))
			break;
		rel = s.files[i] + root + (s.files[i][root] == '/');
		if (prog != NULL && prog->library != NULL)
			prog->library(prog->arg, o->index, o->count, name, (long)i, (long)s.nfiles);
		if (prog != NULL && prog->item != NULL)
			prog->item(prog->arg, (long)i + 1, (long)s.nfiles, rel);
		if (stat(s.files[i], &sb) != 0) {
			if (errno != ENOENT)
				incomplete(&s, s.files[i], errno);
			continue;
		}
		if (is_show_nfo(s.files[i]))
			do_show(&s, s.files[i], &sb);
		else
			do_file(&s, s.files[i], &sb);
	}
	if (prog != NULL && prog->library != NULL)
		prog->library(prog->arg, o->index, o->count, name, (long)s.nfiles, (long)s.nfiles);
	if (s.tx.dberr != NULL) {
		set_cause(cause, "%s", s.tx.dberr);
		goto out;
	}
	if (cancelled(&s)) {
		set_cause(cause, "cancelled");
		goto out;
	}
	if (remove_gone(&s) != 0) {
		set_cause(cause, "%s", s.tx.dberr != NULL ? s.tx.dberr : "removing files failed");
		goto out;
	}
	if (!o->dry_run) {
		/* Remember the device of a directory that has files, to know it unmounted. */
		sqlite3_stmt *q = db_prepare(db, "UPDATE tmm_directories SET last_scan_time = "
		    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), device = CASE WHEN ?2 THEN ?3 ELSE device "
		    "END WHERE id = ?1", NULL);

		if (q != NULL) {
			sqlite3_bind_int64(q, 1, d->id);
			sqlite3_bind_int(q, 2, s.nfiles > 0 && !s.incomplete);
			sqlite3_bind_int64(q, 3, dev);
			sqlite3_step(q);
			sqlite3_finalize(q);
		}
	}
	rc = 0;
out:
	for (i = 0; i < s.nfiles; i++)
		free(s.files[i]);
	free(s.files);
	for (i = 0; i < s.nshowdirs; i++)
		free(s.showdirs[i].dir);
	free(s.showdirs);
	strmap_free(&s.known);
	strmap_free(&s.shows);
	library_free(&s.lib);
	free(s.tx.dberr);
	return rc;
}

/* The importer's view: a directory as a source. */

/* A directory as a struct source. */
static void
to_source(struct tmm_dir *d, struct source *out)
{
	memset(out, 0, sizeof *out);
	out->id = d->id;
	out->imp = &importer_tmm;
	out->type = xstrdup("tmm");
	out->name = d->name != NULL ? xstrdup(d->name) : xstrdup(d->path);
	out->path = d->path;
	out->subdirs = d->subdirs;
	out->device = d->device;
	out->last_sync = d->last_scan;
	out->enabled = d->enabled;
	free(d->name);
	free(d->description);
	memset(d, 0, sizeof *d);
}

/* A source as a directory (borrowing its strings). */
static void
from_source(const struct source *s, struct tmm_dir *d)
{
	memset(d, 0, sizeof *d);
	d->id = s->id;
	d->path = s->path;
	d->name = s->name;
	d->subdirs = s->subdirs;
	d->enabled = s->enabled;
	d->device = s->device;
}

/* source add tmm --path DIR [--name N] [--no-subdirs]. */
static int
tmm_add_source(sqlite3 *db, const struct importer *imp, const struct source_spec *spec,
    int64_t *id, char **cause)
{
	(void)imp;
	if (spec->path == NULL || *spec->path == '\0') {
		set_cause(cause, "a TMM source needs a directory (--path DIR)");
		return -1;
	}
	if (spec->url != NULL || spec->secret != NULL || spec->user != NULL) {
		set_cause(cause, "a TMM directory has no URL, secret or user");
		return -1;
	}
	if (spec->name != NULL && sources_check_name(spec->name, cause) != 0)
		return -1;
	return tmm_add(db, spec->path, spec->name, spec->subdirs != 0, id, cause);
}

/* Every directory, as sources. */
static int
tmm_list_sources(sqlite3 *db, const struct importer *imp, struct source **out, size_t *n,
    char **cause)
{
	struct tmm_dir *d = NULL;
	size_t i;

	(void)imp;
	*out = NULL;
	if (tmm_list(db, &d, n, cause) != 0)
		return -1;
	*out = xcalloc(*n ? *n : 1, sizeof **out);
	for (i = 0; i < *n; i++)
		to_source(&d[i], &(*out)[i]);
	free(d);
	return 0;
}

/* Remove a directory as a source. */
static int
tmm_remove_source(sqlite3 *db, const struct source *s, long *files, char **cause)
{
	return tmm_remove(db, s->id, files, cause);
}

/* A test's warnings go into its report. */
static void
test_warning(void *arg, const char *msg)
{
	char **report = arg, *r;

	xasprintf(&r, "%s%s%s", *report != NULL ? *report : "", *report != NULL ? "\n" : "", msg);
	free(*report);
	*report = r;
}

/* Is the directory there and mounted; how many .nfo files; how many files it gave. */
static int
tmm_test_source(sqlite3 *db, const struct source *src, char **report, char **cause)
{
	struct import_progress prog;
	struct import_stats st;
	struct tmm_opts o;
	struct tmm_dir d;
	struct scan s;
	char *warn = NULL;
	int64_t dev;
	size_t i, shows = 0;
	int rc;

	*report = NULL;
	from_source(src, &d);
	memset(&prog, 0, sizeof prog);
	prog.warning = test_warning;
	prog.arg = &warn;
	memset(&st, 0, sizeof st);
	memset(&o, 0, sizeof o);
	memset(&s, 0, sizeof s);
	s.db = db;
	s.d = &d;
	s.o = &o;
	s.prog = &prog;
	s.st = &st;
	if ((rc = check_mounted(&s, &dev, cause)) < 0) {
		free(warn);
		return -1;
	}
	if (rc == 0 && walk(&s, d.path, 0, cause) != 0) {
		free(warn);
		return -1;
	}
	for (i = 0; i < s.nfiles; i++) {
		shows += is_show_nfo(s.files[i]);
		free(s.files[i]);
	}
	free(s.files);
	xasprintf(report, "%s: %s, %zu .nfo file%s (%zu tvshow.nfo), %ld file%s in the library "
	    "from it%s%s", d.path, rc > 0 ? "NOT MOUNTED" : s.incomplete ? "not all readable" :
	    "readable", s.nfiles, s.nfiles == 1 ? "" : "s", shows, count_files(&s),
	    count_files(&s) == 1 ? "" : "s", warn != NULL ? "\n" : "", warn != NULL ? warn : "");
	free(warn);
	return 0;
}

/* Scan a directory given as a source. */
static int
tmm_scan_source(sqlite3 *db, const struct source *src, const struct tmm_opts *o,
    const struct import_progress *prog, struct import_stats *st, char **cause)
{
	struct tmm_dir d;

	from_source(src, &d);
	return tmm_scan(db, &d, o, prog, st, cause);
}

const struct importer importer_tmm = {
	.name = "tmm",
	.label = "TMM",
	.flags = IMPORTER_FOLDER,
	.add_usage = "--path DIR [--name NAME] [--no-subdirs]",
	.add = tmm_add_source,
	.list = tmm_list_sources,
	.remove = tmm_remove_source,
	.test = tmm_test_source,
	.scan = tmm_scan_source,
};
