/*
 * importer.c: the table of importers, and finding, listing and adding
 * sources of any kind through it.
 */
#include "src/importer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/util.h"

extern const struct importer importer_plex;
extern const struct importer importer_jellyfin;
extern const struct importer importer_emby;
extern const struct importer importer_tmm;

/* Adding a backend: its file, and a line here. */
const struct importer *const importers[] = {
	&importer_plex,
	&importer_jellyfin,
	&importer_emby,
	&importer_tmm,
	NULL,
};

/* By kind. */
const struct importer *
importer_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; importers[i] != NULL; i++) {
		if (strcasecmp(importers[i]->name, name) == 0)
			return importers[i];
	}
	return NULL;
}

/* The kinds with one of flags, "a, b, c" (a static buffer: the table never changes). */
const char *
importer_kinds(int flags)
{
	static char buf[4][256];
	size_t i, at = 0;
	int slot = flags & 3;

	if (buf[slot][0] != '\0')
		return buf[slot];
	for (i = 0; importers[i] != NULL; i++) {
		if (flags != 0 && !(importers[i]->flags & flags))
			continue;
		at += (size_t)snprintf(buf[slot] + at, sizeof buf[slot] - at, "%s%s",
		    at > 0 ? ", " : "", importers[i]->name);
		if (at >= sizeof buf[slot])
			break;
	}
	return buf[slot];
}

/* Every source with one of flags. */
int
sources_all(sqlite3 *db, int flags, struct source **out, size_t *n, char **cause)
{
	struct source *all = NULL, *some;
	size_t count = 0, k, i;

	*out = NULL;
	*n = 0;
	for (i = 0; importers[i] != NULL; i++) {
		if (flags != 0 && !(importers[i]->flags & flags))
			continue;
		if (importers[i]->list(db, importers[i], &some, &k, cause) != 0) {
			sources_free(&all, count);
			return -1;
		}
		if (k > 0) {
			all = xreallocarray(all, count + k, sizeof *all);
			memcpy(all + count, some, k * sizeof *some);
			count += k;
		}
		free(some);
	}
	*out = all;
	*n = count;
	return 0;
}

/* "KIND:ID", which source_find always finds. */
const char *
source_ref(const struct source *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%lld", s->type, (long long)s->id);
	return buf;
}

/* By name, id, or KIND:NAME / KIND:ID. */
int
source_find(sqlite3 *db, const char *key, struct source *out, char **cause)
{
	const struct importer *kind = NULL;
	struct source *all = NULL;
	const char *colon, *what = key;
	char kbuf[32], a[160], b[160];
	size_t n = 0, i, found = 0, hits = 0;
	long long id = 0;
	int numeric;

	memset(out, 0, sizeof *out);
	if (key == NULL || *key == '\0') {
		set_cause(cause, "no source named");
		return -1;
	}
	if ((colon = strchr(key, ':')) != NULL && (size_t)(colon - key) < sizeof kbuf) {
		memcpy(kbuf, key, (size_t)(colon - key));
		kbuf[colon - key] = '\0';
		if ((kind = importer_find(kbuf)) != NULL)
			what = colon + 1;
	}
	numeric = parse_int(what, 1, INT64_MAX, &id) == 0;
	if (sources_all(db, 0, &all, &n, cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (kind != NULL && all[i].imp != kind)
			continue;
		/* A bare number is a server's id, as it always was; with a kind, that kind's. */
		if (numeric) {
			if (all[i].id != id || (kind == NULL && (all[i].imp == NULL ||
			    !(all[i].imp->flags & IMPORTER_SERVER))))
				continue;
		} else if ((all[i].name == NULL || strcmp(all[i].name, what) != 0) &&
		    (all[i].path == NULL || strcmp(all[i].path, what) != 0))
			continue;
		if (hits++ == 0) {
			found = i;
			continue;
		}
		set_cause(cause, "'%s' could be %s or %s: say which", key,
		    source_ref(&all[found], a, sizeof a), source_ref(&all[i], b, sizeof b));
		sources_free(&all, n);
		return -1;
	}
	if (hits == 0) {
		set_cause(cause, "no source '%s' (see 'retrovue source list')", key);
		sources_free(&all, n);
		return -1;
	}
	*out = all[found];
	memset(&all[found], 0, sizeof all[found]);
	sources_free(&all, n);
	return 0;
}

/* Add a source of a kind. */
int
source_add(sqlite3 *db, const char *kind, const struct source_spec *spec, int64_t *id,
    char **cause)
{
	const struct importer *imp = importer_find(kind);

	if (imp == NULL) {
		set_cause(cause, "'%s' is not a kind of source (there are: %s)", kind != NULL ? kind :
		    "", importer_kinds(0));
		return -1;
	}
	return imp->add(db, imp, spec, id, cause);
}

/* Free an item's strings and marks, and zero it. */
void
srv_item_clear(struct srv_item *it)
{
	size_t i;

	if (it == NULL)
		return;
	free(it->key);
	free(it->type);
	free(it->title);
	free(it->show_title);
	free(it->show_key);
	free(it->content_rating);
	free(it->summary);
	free(it->genre);
	free(it->director);
	free(it->studio);
	free(it->air_date);
	free(it->file);
	free(it->audio_langs);
	free(it->subtitle_langs);
	for (i = 0; i < it->nmarks; i++)
		free(it->marks[i].title);
	free(it->marks);
	memset(it, 0, sizeof *it);
}

/* Add a mark. */
void
srv_item_mark(struct srv_item *it, enum mark_kind kind, int64_t start_ms, int64_t end_ms,
    const char *title)
{
	struct srv_mark *m;

	it->marks = xreallocarray(it->marks, it->nmarks + 1, sizeof *it->marks);
	m = &it->marks[it->nmarks++];
	m->kind = kind;
	m->start_ms = start_ms;
	m->end_ms = end_ms;
	m->title = title != NULL && *title != '\0' ? xstrdup(title) : NULL;
}

/* Free libraries. */
void
srv_libraries_free(struct srv_library **libs, size_t n)
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
