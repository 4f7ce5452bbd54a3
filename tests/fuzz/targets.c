/*
 * tests/fuzz/targets.c: one function per parser, each taking arbitrary
 * bytes. They must never crash, leak or read out of bounds, whatever the
 * bytes are; the parsers' answers are exercised (freed, walked) so that a
 * half-built result would show.
 */
#include "tests/fuzz/targets.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine/control.h"
#include "engine/route.h"
#include "src/alert.h"
#include "src/chanset.h"
#include "src/coarse.h"
#include "src/log.h"
#include "src/nfo.h"
#include "src/plex.h"
#include "src/rating.h"
#include "src/settings.h"
#include "src/util.h"

/* A NUL-terminated copy of the input. */
static char *
text(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void
no_warn(void *arg, const char *path, int line, const char *msg)
{
}

/* A .nfo file (libxml2). */
static int
fuzz_nfo(const uint8_t *data, size_t size)
{
	struct nfo_file f;
	char *cause = NULL;

	memset(&f, 0, sizeof f);
	nfo_parse_buffer((const char *)data, size, "fuzz.nfo", &f, no_warn, NULL, &cause);
	nfo_file_clear(&f);
	free(cause);
	return 0;
}

/* A Plex response body (JSON, or XML converted) and its items. */
static int
fuzz_plex(const uint8_t *data, size_t size)
{
	struct srv_item it;
	json_t *doc = NULL, *meta, *m;
	char *cause = NULL;
	size_t i;

	if (plex_parse_body((const char *)data, size, &doc, &cause) == 0) {
		if ((meta = plex_metadata(doc)) != NULL && json_is_array(meta)) {
			json_array_foreach(meta, i, m) {
				memset(&it, 0, sizeof it);
				plex_item_parse(m, &it);
				plex_item_clear(&it);
			}
		}
		json_decref(doc);
	}
	free(cause);
	return 0;
}

/* An HTTP request line's method and path ("METHOD PATH"), and --channels. */
static int
fuzz_route(const uint8_t *data, size_t size)
{
	char *s = text(data, size), *sp, *cause = NULL;
	struct chanset *cs;
	struct route r;

	sp = strchr(s, ' ');
	if (sp != NULL) {
		*sp = '\0';
		route_request(s, sp + 1, &r);
		if (r.kind != ROUTE_NONE && r.number[0] != '\0' &&
		    !route_valid_number(r.number, strlen(r.number)))
			abort();                /* a route with a bad number */
		*sp = ' ';
	} else
		route_request("GET", s, &r);
	if ((cs = chanset_parse(s, &cause)) != NULL) {
		chanset_has(cs, "4.1");
		chanset_has(cs, s);
		chanset_free(&cs);
	}
	free(cause);
	free(s);
	return 0;
}

/* A control-socket request line, and an alert.send's fields through the alert checks. */
static int
fuzz_control(const uint8_t *data, size_t size)
{
	struct alert_input in;
	struct alert a;
	const char *cmd;
	json_t *req = NULL;
	char *cause = NULL;

	if (control_parse_request((const char *)data, size, &req, &cmd, &cause) == 0) {
		memset(&in, 0, sizeof in);
		in.originator = json_string_value(json_object_get(req, "originator"));
		in.event = json_string_value(json_object_get(req, "event"));
		in.locations = json_string_value(json_object_get(req, "locations"));
		in.purge = json_string_value(json_object_get(req, "purge"));
		in.station = json_string_value(json_object_get(req, "station"));
		in.message = json_string_value(json_object_get(req, "message"));
		in.display = json_string_value(json_object_get(req, "display"));
		in.channels = json_string_value(json_object_get(req, "channels"));
		in.attention_s = (int)json_integer_value(json_object_get(req, "attention"));
		in.key = json_string_value(json_object_get(req, "key"));
		in.sent_by = "fuzz";
		if (alert_parse(&in, &a, &cause) == 0)
			alert_clear(&a);
	}
	json_decref(req);
	free(cause);
	return 0;
}

/* A settings file. */
static int
fuzz_settings(const uint8_t *data, size_t size)
{
	struct settings s;

	settings_init(&s);
	settings_parse_text(&s, "fuzz.conf", (const char *)data, size);
	settings_free(&s);
	return 0;
}

/* Schedule rules: each line through the day, time, daypart, type, rating and slot-option parsers. */
static int
fuzz_schedule(const uint8_t *data, size_t size)
{
	char *s = text(data, size), *line, *save = NULL, *cause = NULL;
	struct coarse_slot slot;
	enum coarse_type type;
	struct rating rt;
	int mask, min;

	memset(&slot, 0, sizeof slot);
	coarse_parse_rule(s, &slot);
	coarse_slot_clear(&slot);
	for (line = strtok_r(s, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (coarse_parse_days(line, &mask, &cause) == 0) {
			char buf[64];

			coarse_format_days(mask, buf, sizeof buf);
		}
		freep(&cause);
		coarse_parse_time(line, &min);
		coarse_daypart_parse(line);
		coarse_type_parse(line, &type);
		rating_parse(line, &rt);
		memset(&slot, 0, sizeof slot);
		coarse_parse_rule(line, &slot);
		coarse_slot_clear(&slot);
	}
	free(s);
	return 0;
}

const struct fuzz_target fuzz_targets[] = {
	{ "control", fuzz_control },
	{ "nfo", fuzz_nfo },
	{ "plex", fuzz_plex },
	{ "route", fuzz_route },
	{ "schedule", fuzz_schedule },
	{ "settings", fuzz_settings },
};
const size_t fuzz_ntargets = sizeof fuzz_targets / sizeof fuzz_targets[0];
