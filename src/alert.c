/*
 * alert.c: parse, check and store emergency alerts (47 CFR 11.31).
 */
#include "src/alert.h"

#include <ctype.h>
#include <stdio.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "src/db.h"
#include "src/util.h"

static const char *originators[] = { "EAS", "CIV", "WXR", "PEP" };

/* Event codes of 47 CFR 11.31(e), national and state/local. */
static const struct {
	const char *code;
	const char *name;
} events[] = {
	{ "EAN", "Emergency Action Notification" },
	{ "NPT", "National Periodic Test" },
	{ "RMT", "Required Monthly Test" },
	{ "RWT", "Required Weekly Test" },
	{ "ADR", "Administrative Message" },
	{ "AVA", "Avalanche Watch" },
	{ "AVW", "Avalanche Warning" },
	{ "BLU", "Blue Alert" },
	{ "BZW", "Blizzard Warning" },
	{ "CAE", "Child Abduction Emergency" },
	{ "CDW", "Civil Danger Warning" },
	{ "CEM", "Civil Emergency Message" },
	{ "CFA", "Coastal Flood Watch" },
	{ "CFW", "Coastal Flood Warning" },
	{ "DMO", "Practice/Demo Warning" },
	{ "DSW", "Dust Storm Warning" },
	{ "EQW", "Earthquake Warning" },
	{ "EVI", "Evacuation Immediate" },
	{ "EWW", "Extreme Wind Warning" },
	{ "FFA", "Flash Flood Watch" },
	{ "FFS", "Flash Flood Statement" },
	{ "FFW", "Flash Flood Warning" },
	{ "FLA", "Flood Watch" },
	{ "FLS", "Flood Statement" },
	{ "FLW", "Flood Warning" },
	{ "FRW", "Fire Warning" },
	{ "HLS", "Hurricane Statement" },
	{ "HMW", "Hazardous Materials Warning" },
	{ "HUA", "Hurricane Watch" },
	{ "HUW", "Hurricane Warning" },
	{ "HWA", "High Wind Watch" },
	{ "HWW", "High Wind Warning" },
	{ "LAE", "Local Area Emergency" },
	{ "LEW", "Law Enforcement Warning" },
	{ "NMN", "Network Message Notification" },
	{ "NUW", "Nuclear Power Plant Warning" },
	{ "RHW", "Radiological Hazard Warning" },
	{ "SMW", "Special Marine Warning" },
	{ "SPS", "Special Weather Statement" },
	{ "SPW", "Shelter in Place Warning" },
	{ "SQW", "Snow Squall Warning" },
	{ "SSA", "Storm Surge Watch" },
	{ "SSW", "Storm Surge Warning" },
	{ "SVA", "Severe Thunderstorm Watch" },
	{ "SVR", "Severe Thunderstorm Warning" },
	{ "SVS", "Severe Weather Statement" },
	{ "TOA", "Tornado Watch" },
	{ "TOE", "911 Telephone Outage Emergency" },
	{ "TOR", "Tornado Warning" },
	{ "TRA", "Tropical Storm Watch" },
	{ "TRW", "Tropical Storm Warning" },
	{ "TSA", "Tsunami Watch" },
	{ "TSW", "Tsunami Warning" },
	{ "VOW", "Volcano Warning" },
	{ "WSA", "Winter Storm Watch" },
	{ "WSW", "Winter Storm Warning" },
};

static const char *audio_names[] = {
	[ALERT_AUDIO_SAME] = "same",
	[ALERT_AUDIO_TONE] = "tone",
	[ALERT_AUDIO_NONE] = "none",
};

/* Event name or NULL. */
const char *
alert_event_name(const char *code)
{
	size_t i;

	for (i = 0; i < nitems(events); i++) {
		if (strcasecmp(events[i].code, code) == 0)
			return events[i].name;
	}
	return NULL;
}

/* Audio setting name. */
const char *
alert_audio_name(enum alert_audio a)
{
	return (unsigned)a < nitems(audio_names) ? audio_names[a] : "?";
}

/* Audio setting from its name. */
int
alert_audio_parse(const char *s, enum alert_audio *out)
{
	size_t i;

	for (i = 0; i < nitems(audio_names); i++) {
		if (strcasecmp(s, audio_names[i]) == 0) {
			*out = (enum alert_audio)i;
			return 0;
		}
	}
	return -1;
}

/* Copy an upper-cased code of exactly len letters; -1 if it is not that. */
static int
copy_code(char *dst, const char *src, size_t len)
{
	size_t i;

	if (strlen(src) != len)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isalpha((unsigned char)src[i]))
			return -1;
		dst[i] = (char)toupper((unsigned char)src[i]);
	}
	dst[len] = '\0';
	return 0;
}

/* Split "PSSCCC,PSSCCC" (commas, dashes or spaces) into out. */
static int
parse_locations(const char *s, struct alert *out, char **cause)
{
	const char *p = s;
	size_t n;
	int i;

	out->nlocations = 0;
	while (*p != '\0') {
		while (*p == ',' || *p == '-' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, ",- ");
		if (n != 6) {
			set_cause(cause, "location code '%.*s': must be 6 digits PSSCCC "
			    "(P part of county, SS state FIPS, CCC county FIPS)", (int)n, p);
			return -1;
		}
		for (i = 0; i < 6; i++) {
			if (!isdigit((unsigned char)p[i])) {
				set_cause(cause, "location code '%.6s': must be 6 digits PSSCCC", p);
				return -1;
			}
		}
		if (out->nlocations == ALERT_MAX_LOCATIONS) {
			set_cause(cause, "too many location codes (at most %d)", ALERT_MAX_LOCATIONS);
			return -1;
		}
		memcpy(out->locations[out->nlocations], p, 6);
		out->locations[out->nlocations++][6] = '\0';
		p += n;
	}
	if (out->nlocations == 0) {
		set_cause(cause, "no location code (PSSCCC; 000000 means the whole country)");
		return -1;
	}
	return 0;
}

/*
 * Purge time: HHMM in 15-minute steps up to an hour, 30-minute steps
 * after (11.31(c)).
 */
static int
parse_purge(const char *s, struct alert *out, char **cause)
{
	int i, hh, mm;

	if (*s == '+')
		s++;
	if (strlen(s) != 4)
		goto bad;
	for (i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			goto bad;
	}
	hh = (s[0] - '0') * 10 + (s[1] - '0');
	mm = (s[2] - '0') * 10 + (s[3] - '0');
	if (mm >= 60 || (hh == 0 && mm == 0))
		goto bad;
	if (hh == 0 && mm % 15 != 0) {
		set_cause(cause, "purge time '%s': under an hour it must be a multiple of 15 "
		    "minutes (0015, 0030, 0045)", s);
		return -1;
	}
	if (hh > 0 && mm % 30 != 0) {
		set_cause(cause, "purge time '%s': over an hour it must be a multiple of 30 "
		    "minutes (0130, 0200, ...)", s);
		return -1;
	}
	memcpy(out->purge, s, 5);
	return 0;
bad:
	set_cause(cause, "purge time '%s': must be HHMM, e.g. 0015 or 0100", s);
	return -1;
}

/* Station id: up to 8 characters, no dashes, padded to 8. */
static int
parse_station(const char *s, struct alert *out, char **cause)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 8) {
		set_cause(cause, "station id '%s': must be 1 to 8 characters, e.g. KRVU/TV", s);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '-' || !isprint((unsigned char)s[i]) || (unsigned char)s[i] > 126) {
			set_cause(cause, "station id '%s': printable ASCII without '-' only", s);
			return -1;
		}
	}
	snprintf(out->station, sizeof out->station, "%-8s", s);
	return 0;
}

/* "2", "2,5", "all": each a plausible guide number. */
static int
check_channels(const char *s, char **cause)
{
	const char *p;

	if (strcasecmp(s, "all") == 0)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) && *p != '.' && *p != ',' && *p != ' ') {
			set_cause(cause, "channels '%s': give channel numbers like 2,5,4.1 or "
			    "'all'", s);
			return -1;
		}
	}
	return 0;
}

/* Build and check. */
int
alert_parse(const struct alert_input *in, struct alert *out, char **cause)
{
	const char *origin = in->originator != NULL ? in->originator : "EAS";
	const char *channels = in->channels;
	char msg[4096];
	time_t t;
	struct tm tm;
	size_t i;

	memset(out, 0, sizeof *out);
	if (copy_code(out->originator, origin, 3) != 0)
		goto bad_origin;
	for (i = 0; i < nitems(originators); i++) {
		if (strcmp(out->originator, originators[i]) == 0)
			break;
	}
	if (i == nitems(originators))
		goto bad_origin;

	if (in->event == NULL || copy_code(out->event, in->event, 3) != 0 ||
	    alert_event_name(out->event) == NULL) {
		set_cause(cause, "event code '%s': not a SAME event code (e.g. RWT, RMT, EAN, "
		    "TOR, SVR, CEM)", in->event != NULL ? in->event : "");
		return -1;
	}
	if (in->locations == NULL || parse_locations(in->locations, out, cause) != 0) {
		if (in->locations == NULL)
			set_cause(cause, "no location code (PSSCCC; 000000: the whole country)");
		return -1;
	}
	if (parse_purge(in->purge != NULL ? in->purge : "", out, cause) != 0)
		return -1;
	if (parse_station(in->station != NULL ? in->station : "RETROVUE", out, cause) != 0)
		return -1;

	utf8_copy(msg, sizeof msg, in->message);
	if (*strtrim(msg) == '\0') {
		set_cause(cause, "the message is empty: say what viewers must know");
		return -1;
	}
	if (in->display != NULL && strcasecmp(in->display, "crawl") != 0 &&
	    strcasecmp(in->display, "slate") != 0) {
		set_cause(cause, "display '%s': must be crawl or slate", in->display);
		return -1;
	}
	out->display = in->display != NULL && strcasecmp(in->display, "slate") == 0 ?
	    ALERT_SLATE : ALERT_CRAWL;
	if (channels == NULL || *channels == '\0')
		channels = "all";
	if (check_channels(channels, cause) != 0)
		return -1;
	if (in->key != NULL && *in->key != '\0') {
		size_t len = strspn(in->key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789._:-");

		if (in->key[len] != '\0' || len < 8 || len > ALERT_KEY_MAX) {
			set_cause(cause, "key '%.*s': must be 8 to %d of A-Z a-z 0-9 . _ : -",
			    ALERT_KEY_MAX, in->key, ALERT_KEY_MAX);
			return -1;
		}
		memcpy(out->key, in->key, len + 1);
	}
	if (in->voice != NULL && *in->voice != '\0') {
		size_t len = strspn(in->voice, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789._+-/");

		if (in->voice[len] != '\0' || len > ALERT_VOICE_MAX) {
			set_cause(cause, "voice '%.*s': a voice's name is at most %d of A-Z a-z 0-9 "
			    ". _ + - / (en-us, en-gb, en-us+m3)", ALERT_VOICE_MAX, in->voice,
			    ALERT_VOICE_MAX);
			return -1;
		}
		memcpy(out->voice, in->voice, len + 1);
	}
	if (in->duration_s < 0 || (int64_t)in->duration_s * 1000 > alert_purge_ms(out)) {
		set_cause(cause, "on screen for %d s: must be at most the purge time %s (how long "
		    "the alert is valid)", in->duration_s, out->purge);
		return -1;
	}
	out->duration_s = in->duration_s;
	out->attention_s = in->attention_s != 0 ? in->attention_s : ALERT_ATTENTION_MIN_S;
	if (out->attention_s < ALERT_ATTENTION_MIN_S || out->attention_s > ALERT_ATTENTION_MAX_S) {
		set_cause(cause, "attention signal of %d s: must be %d to %d seconds",
		    out->attention_s, ALERT_ATTENTION_MIN_S, ALERT_ATTENTION_MAX_S);
		return -1;
	}

	out->issued_ms = in->now_ms != 0 ? in->now_ms : now_ms();
	t = (time_t)(out->issued_ms / 1000);
	gmtime_r(&t, &tm);
	strftime(out->issued, sizeof out->issued, "%j%H%M", &tm);
	out->message = xstrdup(msg);
	out->channels = xstrdup(strcasecmp(channels, "all") == 0 ? "all" : channels);
	out->sent_by = xstrdup(in->sent_by != NULL ? in->sent_by : "unknown");
	return 0;

bad_origin:
	set_cause(cause, "originator '%s': must be EAS, CIV, WXR or PEP", origin);
	return -1;
}

/* Free the owned strings. */
void
alert_clear(struct alert *a)
{
	if (a == NULL)
		return;
	free(a->message);
	free(a->channels);
	free(a->sent_by);
	memset(a, 0, sizeof *a);
}

/* The SAME header text. */
char *
alert_header(const struct alert *a)
{
	char locs[ALERT_MAX_LOCATIONS * 7 + 1] = "";
	char *s;
	int i;

	for (i = 0; i < a->nlocations; i++) {
		strcat(locs, "-");
		strcat(locs, a->locations[i]);
	}
	xasprintf(&s, "ZCZC-%s-%s%s+%s-%s-%s-", a->originator, a->event, locs, a->purge,
	    a->issued, a->station);
	return s;
}

/* HHMM in ms. */
int64_t
alert_purge_ms(const struct alert *a)
{
	int hh = (a->purge[0] - '0') * 10 + (a->purge[1] - '0');
	int mm = (a->purge[2] - '0') * 10 + (a->purge[3] - '0');

	return ((int64_t)hh * 60 + mm) * 60000;
}

/* Does the alert go to this channel? */
int
alert_targets(const struct alert *a, const char *number)
{
	const char *p = a->channels;
	size_t n, len = strlen(number);

	if (strcmp(p, "all") == 0)
		return 1;
	while (*p != '\0') {
		while (*p == ',' || *p == ' ')
			p++;
		n = strcspn(p, ", ");
		if (n == len && strncmp(p, number, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* Insert the alert. */
int
alert_store(sqlite3 *db, struct alert *a, char **cause)
{
	char locs[ALERT_MAX_LOCATIONS * 7 + 1] = "";
	sqlite3_stmt *st;
	int i, rc;

	for (i = 0; i < a->nlocations; i++) {
		if (i > 0)
			strcat(locs, ",");
		strcat(locs, a->locations[i]);
	}
	st = db_prepare(db, "INSERT INTO emergency_alerts (originator, event_code, locations, "
	    "purge, issue_time, station_id, message, display, channels, sent_by, status, "
	    "created_at, id, send_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'queued', "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', ?11 / 1000, 'unixepoch'), ?12, ?13)", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, a->originator, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, locs, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->purge, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->issued, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->station, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->message, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->display == ALERT_SLATE ? "slate" : "crawl", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 9, a->channels, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, a->sent_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, a->issued_ms);
	if (a->id > 0)
		sqlite3_bind_int64(st, 12, a->id);
	if (a->key[0] != '\0')
		sqlite3_bind_text(st, 13, a->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		a->id = sqlite3_last_insert_rowid(db);
	else
		set_cause(cause, "storing the alert: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A random key. */
void
alert_new_key(char buf[33])
{
	uint8_t b[16];
	size_t i;

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		uint64_t x = (uint64_t)mono_us() ^ ((uint64_t)now_ms() << 20);

		for (i = 0; i < sizeof b; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			b[i] = (uint8_t)(x >> 56);
		}
	}
	for (i = 0; i < sizeof b; i++)
		snprintf(buf + i * 2, 3, "%02x", b[i]);
}

/* The next row id. */
int64_t
alert_next_id(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(id), 0) + 1 FROM emergency_alerts",
	    NULL);
	int64_t id = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* The alert with a key. */
int
alert_find_key(sqlite3 *db, const char *key, int64_t *id, char *status, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT id, status FROM emergency_alerts WHERE send_key = ?1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (status != NULL)
			snprintf(status, 16, "%s", db_text(st, 1));
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 1;
	else {
		set_cause(cause, "looking up alert key %s: %s", key, sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Update status and times (0 leaves a time as it is). */
int
alert_set_status(sqlite3 *db, int64_t id, const char *status, int64_t start_ms,
    int64_t end_ms, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "UPDATE emergency_alerts SET status = ?2, "
	    "start_time = coalesce(?3, start_time), end_time = coalesce(?4, end_time) "
	    "WHERE id = ?1", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	if (start_ms != 0)
		sqlite3_bind_int64(st, 3, start_ms);
	if (end_ms != 0)
		sqlite3_bind_int64(st, 4, end_ms);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_cause(cause, "updating alert %lld: %s", (long long)id, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Record a channel starting (ended_ms 0) or ending an alert. */
int
alert_log_channel(sqlite3 *db, int64_t alert_id, int64_t channel_id, int64_t started_ms,
    int64_t ended_ms, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if (ended_ms == 0)
		st = db_prepare(db, "INSERT INTO emergency_alert_log (alert_id, channel_id, "
		    "started_ms) VALUES (?1, ?2, ?3)", cause);
	else
		st = db_prepare(db, "UPDATE emergency_alert_log SET ended_ms = ?4 WHERE "
		    "alert_id = ?1 AND channel_id = ?2 AND ended_ms IS NULL", cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, alert_id);
	sqlite3_bind_int64(st, 2, channel_id);
	if (ended_ms == 0)
		sqlite3_bind_int64(st, 3, started_ms);
	else
		sqlite3_bind_int64(st, 4, ended_ms);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_cause(cause, "alert log: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
