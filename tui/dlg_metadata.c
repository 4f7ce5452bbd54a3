/*
 * dlg_metadata.c: the metadata editor (Enter on a content item): the
 * scheduling metadata (content type, daypart, season, rating, company,
 * category, demographic, warnings, notes...) editable, what the source
 * (Plex, a .nfo) says read-only below; Save sends only what changed
 * (content.set), which rebuilds the schedules that play the item. It is a
 * form (tui/form.c) over the screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"
#include "src/xjson.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"

static const char *const types[] = { "movie", "episode", "commercial", "bumper",
	"station-id", "intro", "outro", "interstitial", "promo", NULL };
static const char *const dayparts[] = { "", "morning", "afternoon", "prime", "late_night",
	NULL };
static const char *const demographics[] = { "", "family", "children", "teens", "adult",
	"seniors", "general", NULL };

/* The editable fields: content.set keys, labels, choices. */
static const struct {
	const char *key;
	const char *label;
	const char *const *choices;
} fields[] = {
	{ "type", "Content type", types },
	{ "daypart", "Daypart", dayparts },
	{ "seasonal", "Season", NULL },
	{ "rating", "Rating", NULL },
	{ "company", "Company", NULL },
	{ "category", "Category", NULL },
	{ "duration", "Commercial length (s)", NULL },
	{ "expires", "Expires (YYYY-MM-DD)", NULL },
	{ "demographic", "Demographic", demographics },
	{ "warnings", "Warnings", NULL },
	{ "notes", "Notes", NULL },
	{ "audio", "Audio (spa, or track 2)", NULL },
};
#define NFIELDS ((int)(sizeof fields / sizeof fields[0]))

struct meta {
	struct console *con;
	int64_t id;
	char old[NFIELDS][256];
	char **lines;                   /* the read-only lines the form shows */
	size_t nlines;
};

/* Save: the changed fields only. */
static int
meta_submit(void *arg, struct form_field *f, int n, char *err, size_t len)
{
	struct meta *m = arg;
	json_t *set = json_object(), *r;
	char *cause = NULL;
	int k;

	for (k = 0; k < n; k++)
		if (strcmp(f[k].in.buf, m->old[k]) != 0)
			json_object_set_new(set, fields[k].key, json_string(f[k].in.buf));
	if (json_object_size(set) == 0) {
		json_decref(set);
		console_message(m->con, "Nothing changed");
		return 0;
	}
	r = console_call(m->con, "content.set", xjson_pack("{s:I, s:o}", "file",
	    (json_int_t)m->id, "set", set), &cause);
	if (r == NULL) {
		snprintf(err, len, "%s", cause != NULL ? cause : "refused");
		free(cause);
		return -1;
	}
	console_message(m->con, "Saved the metadata of %lld; the schedules that play it are "
	    "being rebuilt", (long long)m->id);
	json_decref(r);
	return 0;
}

/* The form closed: free what it showed. */
static void
meta_done(void *arg, struct console *con, int saved, struct form_field *f, int n)
{
	struct meta *m = arg;
	size_t i;

	(void)con;
	(void)saved;
	(void)f;
	(void)n;
	for (i = 0; i < m->nlines; i++)
		free(m->lines[i]);
	free(m->lines);
	free(m);
}

void
dlg_metadata(struct console *con, int64_t media_file_id)
{
	struct form_field f[NFIELDS];
	struct meta *m;
	json_t *r, *edit, *info, *row;
	char *cause = NULL, title[160], **lines = NULL;
	size_t ninfo = 0, i;
	int k;

	if (media_file_id <= 0) {
		console_message(con, "Choose a content item first");
		return;
	}
	r = console_call(con, "content.get", xjson_pack("{s:I}", "file",
	    (json_int_t)media_file_id), &cause);
	if (r == NULL) {
		console_message(con, "Metadata of %lld: %s", (long long)media_file_id, cause);
		free(cause);
		return;
	}
	m = xcalloc(1, sizeof *m);
	memset(f, 0, sizeof f);
	m->con = con;
	m->id = media_file_id;
	edit = json_object_get(r, "edit");
	for (k = 0; k < NFIELDS; k++) {
		const char *v = json_string_value(json_object_get(edit, fields[k].key));

		f[k].label = fields[k].label;
		f[k].choices = fields[k].choices;
		w_input_set(&f[k].in, v);
		utf8_copy(m->old[k], sizeof m->old[k], f[k].in.buf);
	}
	info = json_object_get(r, "info");
	lines = calloc(json_array_size(info) + 1, sizeof *lines);
	json_array_foreach(info, i, row) {
		if (lines == NULL)
			break;
		if (asprintf(&lines[ninfo], "%-16s %s", json_string_value(json_array_get(row, 0)),
		    json_string_value(json_array_get(row, 1))) < 0)
			break;
		ninfo++;
	}
	snprintf(title, sizeof title, "Metadata: %s (%s, read-only below)",
	    json_string_value(json_object_get(r, "title")),
	    json_string_value(json_object_get(r, "source")));
	m->lines = lines;
	m->nlines = ninfo;
	json_decref(r);
	form_open(con, title, f, NFIELDS, (const char *const *)lines, (int)ninfo, meta_submit,
	    meta_done, m);
}
