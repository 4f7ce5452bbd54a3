/*
 * sources.c: the servers of every kind in content_sources.
 */
#include "src/sources.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/db.h"
#include "src/importer.h"
#include "src/library.h"
#include "src/log.h"
#include "src/removed.h"
#include "src/util.h"

#define COLS "id, source_type, source_name, plex_server_url, plex_token, last_sync_time, " \
	"sync_enabled, user_name"

/* Text column or NULL. */
static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Read a row of COLS. */
static void
read_row(sqlite3_stmt *st, struct source *s)
{
	s->id = sqlite3_column_int64(st, 0);
	s->type = col(st, 1);
	s->name = col(st, 2);
	s->url = col(st, 3);
	s->token = col(st, 4);
	s->last_sync = col(st, 5);
	s->enabled = sqlite3_column_int(st, 6);
	s->user = col(st, 7);
	s->imp = importer_find(s->type);
	if (s->token != NULL)
		log_add_secret(s->token);
}

/* Free strings. */
void
source_clear(struct source *s)
{
	if (s == NULL)
		return;
	free(s->type);
	free(s->name);
	free(s->url);
	if (s->token != NULL) {
		explicit_bzero(s->token, strlen(s->token));
		free(s->token);
	}
	free(s->last_sync);
	free(s->user);
	free(s->path);
	memset(s, 0, sizeof *s);
}

/* Free a list. */
void
sources_free(struct source **list, size_t n)
{
	size_t i;

	if (list == NULL || *list == NULL)
		return;
	for (i = 0; i < n; i++)
		source_clear(&(*list)[i]);
	free(*list);
	*list = NULL;
}

/* http(s)://host... without a query. */
int
sources_check_url(const char *url, char **cause)
{
	const char *host, *colon, *slash;
	char *end;
	long port;

	if (url == NULL || *url == '\0') {
		set_cause(cause, "no server URL given");
		return -1;
	}
	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else {
		set_cause(cause, "'%s' is not an http:// or https:// URL", url);
		return -1;
	}
	if (*host == '\0' || *host == '/' || *host == ':') {
		set_cause(cause, "'%s' has no host", url);
		return -1;
	}
	/* A port, if any, is a number from 1 to 65535. */
	if ((colon = strchr(host, ':')) != NULL && (slash = strchr(host, '/'), slash == NULL ||
	    colon < slash) && host[0] != '[') {
		port = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || (*end != '\0' && *end != '/') || port < 1 || port > 65535) {
			set_cause(cause, "'%s' has a bad port", url);
			return -1;
		}
	}
	if (strpbrk(url, "?#") != NULL) {
		set_cause(cause, "the server URL must not have a query; give the secret with its "
		    "own option (--token, --api-key)");
		return -1;
	}
	for (; *url != '\0'; url++) {
		if ((unsigned char)*url <= ' ' || *url == 0x7f) {
			set_cause(cause, "the server URL has spaces or control characters");
			return -1;
		}
	}
	return 0;
}

/* The URL without trailing slashes. */
static char *
clean_url(const char *url)
{
	char *u = xstrdup(url);
	size_t n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	return u;
}

/* A name: not empty, not a number (numbers are ids). */
int
sources_check_name(const char *name, char **cause)
{
	if (name == NULL || *name == '\0') {
		set_cause(cause, "a source needs a name");
		return -1;
	}
	if (isdigit((unsigned char)*name) && strspn(name, "0123456789") == strlen(name)) {
		set_cause(cause, "a source name cannot be a number (numbers are ids)");
		return -1;
	}
	return 0;
}

/* Add a server of any kind. */
int
sources_add(sqlite3 *db, const struct importer *imp, const struct source_spec *spec,
    int64_t *id, char **cause)
{
	sqlite3_stmt *st;
	char *u;
	int rc;

	if (imp == NULL || !(imp->flags & IMPORTER_SERVER)) {
		set_cause(cause, "not a kind of server");
		return -1;
	}
	if (sources_check_name(spec->name, cause) != 0 || sources_check_url(spec->url, cause) != 0)
		return -1;
	if (spec->user != NULL && !(imp->flags & IMPORTER_USER)) {
		set_cause(cause, "a %s source has no user", imp->label);
		return -1;
	}
	if (spec->user != NULL && (*spec->user == '\0' || strlen(spec->user) > 256)) {
		set_cause(cause, "the user name must be 1 to 256 bytes");
		return -1;
	}
	if (spec->secret != NULL)
		log_add_secret(spec->secret);
	st = db_prepare(db, "INSERT INTO content_sources (source_type, source_name, "
	    "plex_server_url, plex_token, user_name) VALUES (?, ?, ?, ?, ?)", cause);
	if (st == NULL)
		return -1;
	u = clean_url(spec->url);
	sqlite3_bind_text(st, 1, imp->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, spec->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, u, -1, SQLITE_TRANSIENT);
	if (spec->secret != NULL && *spec->secret != '\0')
		sqlite3_bind_text(st, 4, spec->secret, -1, SQLITE_TRANSIENT);
	if (spec->user != NULL)
		sqlite3_bind_text(st, 5, spec->user, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	free(u);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if ((rc & 0xff) == SQLITE_CONSTRAINT)
			set_cause(cause, "there is already a source named '%s'", spec->name);
		else
			set_cause(cause, "adding the source: %s", sqlite3_errmsg(db));
		return -1;
	}
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

/* Add a Plex source. */
int
sources_add_plex(sqlite3 *db, const char *name, const char *url, const char *token,
    int64_t *id, char **cause)
{
	struct source_spec spec;

	memset(&spec, 0, sizeof spec);
	spec.name = name;
	spec.url = url;
	spec.secret = token;
	spec.subdirs = -1;
	return sources_add(db, importer_find("plex"), &spec, id, cause);
}

/* By id or name. */
int
sources_get(sqlite3 *db, const char *id_or_name, struct source *out, char **cause)
{
	sqlite3_stmt *st;
	long long id;
	int found = 0;

	memset(out, 0, sizeof *out);
	st = db_prepare(db, "SELECT " COLS " FROM content_sources WHERE id = ?1 OR "
	    "source_name = ?2 ORDER BY source_name = ?2 DESC LIMIT 1", cause);
	if (st == NULL)
		return -1;
	if (parse_int(id_or_name, 1, INT64_MAX, &id) == 0)
		sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, id_or_name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_row(st, out);
		found = 1;
	}
	sqlite3_finalize(st);
	if (!found) {
		set_cause(cause, "no source '%s' (see 'retrovue source list')", id_or_name);
		return -1;
	}
	return 0;
}

/* Find or make the source for a URL. */
int
sources_for_url(sqlite3 *db, const char *url, int create, struct source *out, char **cause)
{
	sqlite3_stmt *st;
	int64_t id;
	char *u, *name;
	int found = 0, i;

	memset(out, 0, sizeof *out);
	if (sources_check_url(url, cause) != 0)
		return -1;
	u = clean_url(url);
	st = db_prepare(db, "SELECT " COLS " FROM content_sources WHERE source_type = 'plex' AND "
	    "plex_server_url = ? ORDER BY id LIMIT 1", cause);
	if (st == NULL) {
		free(u);
		return -1;
	}
	sqlite3_bind_text(st, 1, u, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_row(st, out);
		found = 1;
	}
	sqlite3_finalize(st);
	if (found) {
		free(u);
		return 0;
	}
	if (!create) {
		out->type = xstrdup("plex");
		out->imp = importer_find("plex");
		out->name = xstrdup(u);
		out->url = u;
		out->enabled = 1;
		return 0;
	}
	/* Named after the URL; another name if a source already has that one. */
	for (i = 1; i < 100; i++) {
		if (i == 1)
			name = xstrdup(u);
		else
			xasprintf(&name, "%s (%d)", u, i);
		if (sources_add_plex(db, name, u, NULL, &id, NULL) == 0) {
			free(u);
			i = sources_get(db, name, out, cause);
			free(name);
			return i;
		}
		free(name);
	}
	free(u);
	set_cause(cause, "cannot add a source for %s", url);
	return -1;
}

/* List. */
int
sources_list(sqlite3 *db, const char *type, struct source **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct source *list = NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT " COLS " FROM content_sources WHERE ?1 IS NULL OR "
	    "source_type = ?1 ORDER BY id", cause);
	if (st == NULL)
		return -1;
	if (type != NULL)
		sqlite3_bind_text(st, 1, type, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		list = xreallocarray(list, count + 1, sizeof *list);
		memset(&list[count], 0, sizeof *list);
		read_row(st, &list[count++]);
	}
	sqlite3_finalize(st);
	*out = list;
	*n = count;
	return 0;
}

/* The servers of one importer. */
int
sources_list_kind(sqlite3 *db, const struct importer *imp, struct source **out, size_t *n,
    char **cause)
{
	return sources_list(db, imp->name, out, n, cause);
}

/* Remove a source; shows it shares with other origins stay with them. */
int
sources_remove(sqlite3 *db, const struct source *s, long *files, char **cause)
{
	char *reason;
	int rc;

	xasprintf(&reason, "%s source %s removed", s->imp != NULL ? s->imp->label : s->type,
	    s->name);
	rc = library_remove_origin(db, REMOVED_SOURCE, s->id, reason,
	    "DELETE FROM content_sources WHERE id = ?1", files, cause);
	free(reason);
	return rc;
}

/* last_sync_time = now. */
int
sources_touch(sqlite3 *db, int64_t id, char **cause)
{
	sqlite3_stmt *st;
	int ok;

	st = db_prepare(db, "UPDATE content_sources SET last_sync_time = strftime("
	    "'%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	if (!ok)
		set_cause(cause, "%s", sqlite3_errmsg(db));
	return ok ? 0 : -1;
}
