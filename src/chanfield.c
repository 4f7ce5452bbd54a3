/*
 * chanfield.c: the table of channel settings (src/chanfield.h says how to
 * add one), and what every kind of value means: how it is typed, checked
 * and shown.
 */
#include "src/chanfield.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "src/coarse.h"
#include "src/db.h"
#include "src/era.h"
#include "src/rating.h"
#include "src/tz.h"
#include "src/util.h"

static int check_number(const struct chanfield *, const char *, long long, char **);
static int check_call_sign(const struct chanfield *, const char *, long long, char **);
static int check_timezone(const struct chanfield *, const char *, long long, char **);
static int check_rating(const struct chanfield *, const char *, long long, char **);
static int check_image(const struct chanfield *, const char *, long long, char **);
static int check_file(const struct chanfield *, const char *, long long, char **);
static int check_dir(const struct chanfield *, const char *, long long, char **);
static int check_language(const struct chanfield *, const char *, long long, char **);
static int check_even(const struct chanfield *, const char *, long long, char **);
static int check_ratio(const struct chanfield *, const char *, long long, char **);
static int check_slot(const struct chanfield *, const char *, long long, char **);
static int check_station_ids(const struct chanfield *, const char *, long long, char **);
static int check_era(const struct chanfield *, const char *, long long, char **);
static const char *norm_rating(const char *, char *, size_t);
static const char *norm_era(const char *, char *, size_t);
static int parse_format(const char *, struct chanval *, char *, size_t, char **);
static int parse_offair(const char *, struct chanval *, char *, size_t, char **);
static void print_format(FILE *, const struct chanfield *, const struct chanval *, sqlite3 *);
static void print_acts(FILE *, const struct chanfield *, const struct chanval *, sqlite3 *);
static void print_offair(FILE *, const struct chanfield *, const struct chanval *, sqlite3 *);
static void print_type(FILE *, const struct chanfield *, const struct chanval *, sqlite3 *);
static void print_subtitles(FILE *, const struct chanfield *, const struct chanval *,
    sqlite3 *);
static void print_alarms(FILE *, const struct chanfield *, const struct chanval *, sqlite3 *);

static const char *const demographics[] = {
	"family", "children", "teens", "adult", "seniors", "general", NULL,
};
static const char *const channel_types[] = { "regular", "guide", NULL };
static const char *const test_cards[] = { "bars", "card", NULL };
static const char *const subtitle_modes[] = { "off", "forced", "always", "selectable", NULL };
static const char *const card_audios[] = { "music", "tone", "silence", NULL };
static const char *const looks[] = { "clean", "crt", "vhs", NULL };
static const char *const aspect_policies[] = { "pillarbox", "stretch", "zoom", NULL };
static const char *const credits_policies[] = { "keep", "squeeze", "cut", NULL };

/*
 * The settings, in the order 'channel show' prints them (and the usage,
 * the JSON and the console's form list them).
 */
const struct chanfield chanfields[] = {
	{ .name = "number", .flag = "number", .arg = "N", .column = "number",
	  .type = CHANFIELD_TEXT, .label = "Number",
	  .help = "its guide number: 4, or 4.1 for a sub-channel", .show = "number",
	  .flags = CHANFIELD_REQUIRED | CHANFIELD_ARG | CHANFIELD_DIALOG,
	  .check = check_number },
	{ .name = "name", .flag = "name", .arg = "NAME", .column = "name",
	  .type = CHANFIELD_TEXT, .min = 1, .max = 64, .label = "Name",
	  .help = "its name in the guides", .show = "name",
	  .flags = CHANFIELD_REQUIRED | CHANFIELD_ARG | CHANFIELD_DIALOG },
	{ .name = "call_sign", .flag = "call-sign", .arg = "CS", .column = "call_sign",
	  .type = CHANFIELD_TEXT, .label = "Call sign",
	  .help = "call letters: up to 10 letters, digits or '-'", .show = "call sign",
	  .flags = CHANFIELD_CLEAR | CHANFIELD_DIALOG, .check = check_call_sign },
	{ .name = "description", .flag = "description", .arg = "TEXT",
	  .column = "description", .type = CHANFIELD_TEXT, .max = 1000,
	  .label = "Description", .help = "a line about it for the guides",
	  .show = "description", .flags = CHANFIELD_CLEAR | CHANFIELD_DIALOG },
	{ .name = "timezone", .flag = "timezone", .arg = "Area/City", .column = "timezone",
	  .type = CHANFIELD_TEXT, .label = "Time zone",
	  .help = "the zone its schedule keeps (default: this machine's)", .show = "time zone",
	  .flags = CHANFIELD_DIALOG, .check = check_timezone },
	{ .name = "slot_minutes", .flag = "slot-minutes", .arg = "N", .column = "slot_minutes",
	  .type = CHANFIELD_INT, .min = 1, .max = 1440, .label = "Slot minutes",
	  .help = "schedule slots of this many minutes (a divisor of a day: 30, 60...)",
	  .show = "slot length", .some = "# minutes", .flags = CHANFIELD_DIALOG,
	  .check = check_slot },
	{ .name = "rating_limit", .flag = "rating-limit", .arg = "R|none",
	  .column = "content_rating_limit", .type = CHANFIELD_TEXT, .label = "Rating limit",
	  .help = "the highest rating it airs: PG-13, TV-14, gb/15...", .show = "rating limit",
	  .none = "none", .flags = CHANFIELD_CLEAR | CHANFIELD_DIALOG, .check = check_rating,
	  .norm = norm_rating },
	{ .name = "demographic", .flag = "demographic", .arg = "D|none",
	  .column = "target_demographic", .type = CHANFIELD_CHOICE, .choices = demographics,
	  .label = "Demographic", .help = "who it is for: family, children, teens, adult, "
	  "seniors or general", .show = "demographic", .none = "any",
	  .flags = CHANFIELD_CLEAR | CHANFIELD_DIALOG },
	{ .name = "format", .flag = "format", .arg = "WxH[@FPS]", .type = CHANFIELD_VIRTUAL,
	  .label = "Format", .help = "picture size and rate: 1280x720, 640x360@25, "
	  "1920x1080@29.97", .show = "format", .parse = parse_format, .print = print_format },
	{ .name = "width", .column = "width", .type = CHANFIELD_INT, .min = 16, .max = 7680,
	  .label = "Width", .flags = CHANFIELD_DIALOG, .check = check_even },
	{ .name = "height", .column = "height", .type = CHANFIELD_INT, .min = 16, .max = 4320,
	  .label = "Height", .flags = CHANFIELD_DIALOG, .check = check_even },
	{ .name = "fps_num", .column = "fps_num", .type = CHANFIELD_INT, .min = 1,
	  .max = 240000, .label = "Frame rate numerator" },
	{ .name = "fps_den", .column = "fps_den", .type = CHANFIELD_INT, .min = 1, .max = 1001,
	  .label = "Frame rate denominator" },
	{ .name = "video_kbps", .flag = "video-kbps", .arg = "N",
	  .column = "video_bitrate_kbps", .type = CHANFIELD_INT, .min = 100, .max = 100000,
	  .label = "Video kbit/s", .help = "video bitrate, kbit/s", .flags = CHANFIELD_DIALOG },
	{ .name = "audio_kbps", .flag = "audio-kbps", .arg = "N",
	  .column = "audio_bitrate_kbps", .type = CHANFIELD_INT, .min = 32, .max = 512,
	  .label = "Audio kbit/s", .help = "audio bitrate, kbit/s" },
	{ .name = "logo_path", .flag = "logo", .arg = "PATH", .column = "logo_path",
	  .type = CHANFIELD_TEXT, .max = 4096, .label = "Logo",
	  .help = "its logo in the guides: a file or an http(s) URL", .show = "logo",
	  .flags = CHANFIELD_CLEAR, .check = check_image },
	{ .name = "bug_path", .flag = "bug", .arg = "PATH", .column = "bug_path",
	  .type = CHANFIELD_TEXT, .max = 4096, .label = "Bug image",
	  .help = "the picture in a corner of the screen ('retrovue graphics')", .show = "bug",
	  .flags = CHANFIELD_CLEAR, .check = check_image },
	{ .name = "audio_language", .flag = "language", .arg = "eng[,spa...]",
	  .column = "audio_language", .type = CHANFIELD_LIST, .label = "Audio language",
	  .help = "the languages of its sound, first choice first (ISO 639-2 codes)",
	  .show = "language", .flags = CHANFIELD_DIALOG | CHANFIELD_CLEAR, .check = check_language },
	{ .name = "sap_language", .flag = "sap-language", .arg = "spa|none",
	  .column = "sap_language", .type = CHANFIELD_TEXT, .label = "SAP language",
	  .help = "a second audio program in this language (the main audio where an item "
	  "has none)", .show = "second audio", .none = "none",
	  .flags = CHANFIELD_DIALOG | CHANFIELD_CLEAR, .check = check_language },
	{ .name = "subtitles", .flag = "subtitles", .column = "subtitles",
	  .type = CHANFIELD_CHOICE, .choices = subtitle_modes, .label = "Subtitles",
	  .help = "burned in: forced ones only, or always; selectable: HLS players switch "
	  "them on (forced ones burned in)",
	  .show = "subtitles", .print = print_subtitles, .flags = CHANFIELD_DIALOG },
	{ .name = "subtitle_languages", .flag = "subtitle-language", .arg = "eng[,spa...]|none",
	  .column = "subtitle_languages", .type = CHANFIELD_LIST, .label = "Subtitle languages",
	  .help = "the subtitle languages wanted, in order (ISO 639-2 codes)",
	  .flags = CHANFIELD_CLEAR | CHANFIELD_DIALOG, .check = check_language },
	{ .name = "aspect", .flag = "aspect", .column = "aspect_policy",
	  .type = CHANFIELD_CHOICE, .choices = aspect_policies, .label = "Aspect",
	  .help = "a picture of another shape: pillarbox (or letterbox), stretch, or zoom to "
	  "fill", .show = "aspect", .flags = CHANFIELD_DIALOG },
	{ .name = "display_aspect", .flag = "display-aspect", .arg = "4:3|16:9|none",
	  .column = "display_aspect", .type = CHANFIELD_TEXT, .label = "Display aspect",
	  .help = "its own shape when its pixels are not square (720x480 at 4:3)",
	  .show = "display aspect", .none = "square pixels", .flags = CHANFIELD_CLEAR,
	  .check = check_ratio },
	{ .name = "act_seconds", .flag = "act-length", .arg = "DUR", .column = "act_seconds",
	  .type = CHANFIELD_SECONDS, .min = 30, .max = 14400, .label = "Act length",
	  .help = "about how long a programme runs between breaks (8:00)", .show = "acts",
	  .print = print_acts },
	{ .name = "break_margin_s", .flag = "break-margin", .arg = "DUR",
	  .column = "break_margin_s", .type = CHANFIELD_SECONDS, .min = 0, .max = 3600,
	  .label = "Break margin", .help = "no break this close to a programme's start or end" },
	{ .name = "credits", .flag = "credits", .column = "credits", .type = CHANFIELD_CHOICE,
	  .choices = credits_policies, .label = "End credits",
	  .help = "a programme's end credits in a tight slot: keep them, squeeze (air what "
	  "fits) or cut them", .show = "credits", .flags = CHANFIELD_DIALOG },
	{ .name = "bumpers", .flag = "bumpers", .column = "bumpers", .type = CHANFIELD_BOOL,
	  .label = "Bumpers", .help = "\"we'll be right back\" bumpers around each break",
	  .show = "bumpers", .flags = CHANFIELD_DIALOG },
	{ .name = "station_id_minutes", .flag = "station-ids", .arg = "MINUTES",
	  .column = "station_id_minutes", .type = CHANFIELD_INT, .min = 0, .max = 1440,
	  .label = "Station IDs", .help = "a station ID on the clock every so many minutes "
	  "(none: never)", .show = "station IDs", .none = "none", .some = "every # minutes",
	  .flags = CHANFIELD_ZERO, .check = check_station_ids },
	{ .name = "unrated_ok", .flag = "unrated", .column = "unrated_ok",
	  .type = CHANFIELD_BOOL, .label = "Unrated",
	  .help = "unrated programmes may air under the rating limit", .show = "unrated",
	  .none = "not allowed", .some = "allowed" },
	{ .name = "guide_group", .flag = "group", .arg = "TEXT", .column = "guide_group",
	  .type = CHANFIELD_TEXT, .max = 64, .label = "Guide group",
	  .help = "its group in the M3U list", .show = "guide group", .none = "Retrovue",
	  .flags = CHANFIELD_CLEAR },
	{ .name = "off_air", .flag = "off-air", .arg = "HH:MM-HH:MM|none",
	  .type = CHANFIELD_VIRTUAL, .label = "Off the air",
	  .help = "off the air every night from sign-off to sign-on", .show = "off the air",
	  .parse = parse_offair, .print = print_offair },
	{ .name = "signoff_time", .column = "signoff_time", .type = CHANFIELD_TIME,
	  .label = "Sign-off", .flags = CHANFIELD_CLEAR },
	{ .name = "signon_time", .column = "signon_time", .type = CHANFIELD_TIME,
	  .label = "Sign-on", .flags = CHANFIELD_CLEAR },
	{ .name = "test_card", .flag = "test-card", .column = "test_card",
	  .type = CHANFIELD_CHOICE, .choices = test_cards, .label = "Test card",
	  .help = "off the air: colour bars and tone, or the station's card" },
	{ .name = "anthem_path", .flag = "anthem", .arg = "FILE|none", .column = "anthem_path",
	  .type = CHANFIELD_TEXT, .max = 4096, .label = "Anthem",
	  .help = "a sound file played under the sign-off card", .show = "anthem",
	  .flags = CHANFIELD_CLEAR, .check = check_file },
	{ .name = "rating_cards", .flag = "rating-cards", .column = "rating_cards",
	  .type = CHANFIELD_BOOL, .label = "Rating cards",
	  .help = "\"the following program is rated...\" before rated programmes",
	  .show = "rating cards" },
	{ .name = "next_bumpers", .flag = "next-bumpers", .column = "next_bumpers",
	  .type = CHANFIELD_BOOL, .label = "Next bumpers",
	  .help = "a generated \"coming up next\" bumper when no bumper fits",
	  .show = "next bumpers", .some = "generated when no bumper fits" },
	{ .name = "era", .flag = "era", .arg = "YYYY-YYYY|programme|none", .column = "era",
	  .type = CHANFIELD_TEXT, .max = 16, .label = "Era",
	  .help = "breaks prefer commercials, bumpers and IDs of these years (1980-1989, "
	  "1980s), or of each programme's decade (programme)", .show = "era",
	  .none = "any", .flags = CHANFIELD_CLEAR, .check = check_era, .norm = norm_era },
	{ .name = "look", .flag = "look", .column = "look", .type = CHANFIELD_CHOICE,
	  .choices = looks, .label = "Look", .help = "the picture as a CRT television showed "
	  "it or a VHS tape played it back, or clean", .show = "look",
	  .flags = CHANFIELD_DIALOG },
	{ .name = "look_strength", .flag = "look-strength", .arg = "1-100",
	  .column = "look_strength", .type = CHANFIELD_INT, .min = 1, .max = 100,
	  .label = "Look strength", .help = "how strong the look is (50: as it was)",
	  .show = "look strength", .flags = CHANFIELD_DIALOG },
	{ .name = "look_alerts", .flag = "look-alerts", .column = "look_alerts",
	  .type = CHANFIELD_BOOL, .label = "Look on alerts",
	  .help = "the look covers an emergency alert too (no: the crawl stays crisp)",
	  .show = "alert look", .none = "no: alerts stay crisp", .flags = CHANFIELD_DIALOG },
	{ .name = "channel_type", .flag = "type", .column = "channel_type",
	  .type = CHANFIELD_CHOICE, .choices = channel_types, .label = "Channel type",
	  .help = "regular, or a guide channel that airs the listings", .show = "type",
	  .print = print_type },
	{ .name = "guide_source", .flag = "guide-source", .arg = "N|none",
	  .column = "guide_source_id", .type = CHANFIELD_CHANNEL, .label = "Guide source",
	  .help = "a guide: the channel shown above the listings", .flags = CHANFIELD_CLEAR },
	{ .name = "guide_music_dir", .flag = "music-dir", .arg = "DIR|none",
	  .column = "guide_music_dir", .type = CHANFIELD_TEXT, .max = 4096,
	  .label = "Music folder", .help = "music under a guide's listings and the generated "
	  "cards", .flags = CHANFIELD_CLEAR, .check = check_dir },
	{ .name = "guide_hours", .flag = "guide-hours", .arg = "H", .column = "guide_hours",
	  .type = CHANFIELD_INT, .min = 1, .max = 12, .label = "Guide hours",
	  .help = "a guide: the hours of listings it shows" },
	{ .name = "card_audio", .flag = "card-audio", .column = "card_audio",
	  .type = CHANFIELD_CHOICE, .choices = card_audios, .label = "Card audio",
	  .help = "the sound under generated cards and the slate: music (the music folder, "
	  "else a generated bed), tone (the generated bed) or silence", .show = "card audio" },
	{ .name = "alarm_dead_air_s", .flag = "alarm-dead-air", .arg = "DUR",
	  .column = "alarm_dead_air_s", .type = CHANFIELD_SECONDS, .min = 0, .max = 3600,
	  .label = "Dead air alarm", .help = "alarm after this long below -60 dBFS (0: never)",
	  .show = "alarms", .print = print_alarms },
	{ .name = "alarm_black_s", .flag = "alarm-black", .arg = "DUR",
	  .column = "alarm_black_s", .type = CHANFIELD_SECONDS, .min = 0, .max = 3600,
	  .label = "Black alarm", .help = "alarm after this long of black picture (0: never)" },
	{ .name = "alarm_frozen_s", .flag = "alarm-frozen", .arg = "DUR",
	  .column = "alarm_frozen_s", .type = CHANFIELD_SECONDS, .min = 0, .max = 3600,
	  .label = "Frozen alarm",
	  .help = "alarm after this long of a picture that does not change (0: never)" },
	{ .name = "alarm_action_s", .flag = "alarm-action", .arg = "DUR",
	  .column = "alarm_action_s", .type = CHANFIELD_SECONDS, .min = 0, .max = 3600,
	  .label = "Alarm action", .help = "once an alarm has lasted this long in an item, cut "
	  "it and air the slate until the next (0: never)" },
	{ .name = "always_on", .flag = "always-on", .column = "always_on",
	  .type = CHANFIELD_BOOL, .label = "Always on",
	  .help = "runs without viewers (else it stops when the last one leaves)",
	  .show = "always on", .flags = CHANFIELD_DIALOG },
	{ .name = "enabled", .column = "enabled", .type = CHANFIELD_BOOL, .label = "Enabled",
	  .show = "enabled", .flags = CHANFIELD_DIALOG },
};

const size_t nchanfields = nitems(chanfields);

_Static_assert(nitems(chanfields) <= CHANFIELDS_MAX, "raise CHANFIELDS_MAX");

/* A row by name. */
const struct chanfield *
chanfield_find(const char *name)
{
	int i = chanfield_index(name);

	return i < 0 ? NULL : &chanfields[i];
}

/* A row's index by name. */
int
chanfield_index(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(chanfields); i++) {
		if (strcmp(chanfields[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* The value of the field called name in v (a row of the table, or a bug). */
static const struct chanval *
val(const struct chanval *v, const char *name)
{
	int i = chanfield_index(name);

	if (i < 0)
		abort();
	return &v[i];
}

/* "none", "" (and for CHANFIELD_ZERO "no"): the words that unset. */
static int
is_none(const struct chanfield *f, const char *s)
{
	return *s == '\0' || strcasecmp(s, "none") == 0 ||
	    ((f->flags & CHANFIELD_ZERO) && strcasecmp(s, "no") == 0);
}

/* Parse typed text. */
int
chanfield_parse(const struct chanfield *f, const char *text, struct chanval *v, char *buf,
    size_t len, char **cause)
{
	struct chanval *out = &v[f - chanfields];
	long long n;
	int64_t ms;

	if (f->type == CHANFIELD_VIRTUAL)
		return f->parse(text, v, buf, len, cause);
	memset(out, 0, sizeof *out);
	out->set = 1;
	if ((f->flags & CHANFIELD_CLEAR) && is_none(f, text)) {
		out->s = "";
		out->null = 1;
		return 0;
	}
	switch (f->type) {
	case CHANFIELD_INT:
		if ((f->flags & CHANFIELD_ZERO) && is_none(f, text))
			return 0;
		if (parse_int(text, f->min, f->max, &n) != 0) {
			set_cause(cause, "'%s' is not a number from %lld to %lld", text, f->min,
			    f->max);
			return -1;
		}
		out->i = n;
		return 0;
	case CHANFIELD_SECONDS:
		if (parse_duration_ms(text, &ms) != 0 || ms % 1000 != 0 || ms / 1000 < f->min ||
		    ms / 1000 > f->max) {
			set_cause(cause, "'%s' is not a duration in whole seconds from %lld to %lld "
			    "(like 8:00 or 90)", text, f->min, f->max);
			return -1;
		}
		out->i = ms / 1000;
		return 0;
	case CHANFIELD_BOOL:
		if (strcasecmp(text, "yes") == 0 || strcasecmp(text, "on") == 0 ||
		    strcmp(text, "1") == 0 || strcasecmp(text, "true") == 0)
			out->i = 1;
		else if (strcasecmp(text, "no") == 0 || strcasecmp(text, "off") == 0 ||
		    strcmp(text, "0") == 0 || strcasecmp(text, "false") == 0)
			out->i = 0;
		else {
			set_cause(cause, "'%s' is not yes or no", text);
			return -1;
		}
		return 0;
	default:
		/* Text kinds and CHANNEL: checked with the rest (chanfield_check). */
		out->s = text;
		return 0;
	}
}

/* "a or b", "one of a, b, c". */
static void
choices_text(const char *const *c, char *buf, size_t len)
{
	size_t n, i, off;

	for (n = 0; c[n] != NULL; n++)
		;
	off = (size_t)snprintf(buf, len, "%s", n > 2 ? "one of " : "");
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i == 0 ? "" :
		    n == 2 ? " or " : ", ", c[i]);
}

/* Is s one of c? */
static int
is_choice(const char *const *c, const char *s)
{
	for (; *c != NULL; c++) {
		if (strcmp(*c, s) == 0)
			return 1;
	}
	return 0;
}

/* Printable text of at most max bytes (0: any length). */
static int
printable(const char *s, long long min, long long max)
{
	const unsigned char *p;

	if ((long long)strlen(s) < min || (max > 0 && (long long)strlen(s) > max))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/* "4", "12", "4.1". */
static int
valid_number(const char *s)
{
	size_t n = 0, m = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0 || n > 5)
		return 0;
	if (s[n] == '\0')
		return 1;
	if (s[n] != '.')
		return 0;
	while (isdigit((unsigned char)s[n + 1 + m]))
		m++;
	return m >= 1 && m <= 3 && s[n + 1 + m] == '\0';
}

/* Check each item of a comma list. */
static int
check_list(const struct chanfield *f, const char *s, char **cause)
{
	char noun[64], want[256], *copy = xstrdup(s), *item, *next = copy;
	int rc = 0;

	chanfield_noun(f, noun, sizeof noun);
	while (rc == 0 && (item = strsep(&next, ",")) != NULL) {
		item = strtrim(item);
		if (*item == '\0' || !printable(item, 1, 64)) {
			set_cause(cause, "%s '%s' is not a comma-separated list", noun, s);
			rc = -1;
		} else if (f->choices != NULL && !is_choice(f->choices, item)) {
			choices_text(f->choices, want, sizeof want);
			set_cause(cause, "%s: '%s' is not %s", noun, item, want);
			rc = -1;
		} else if (f->check != NULL)
			rc = f->check(f, item, 0, cause);
	}
	free(copy);
	return rc;
}

/* Check one value. */
int
chanfield_check(const struct chanfield *f, const struct chanval *v, char **cause)
{
	char noun[64], want[256];
	int min;

	chanfield_noun(f, noun, sizeof noun);
	if (f->type == CHANFIELD_VIRTUAL)
		return 0;
	if ((f->flags & CHANFIELD_CLEAR) && (v->null || (v->s != NULL && *v->s == '\0')))
		return 0;
	switch (f->type) {
	case CHANFIELD_INT:
	case CHANFIELD_SECONDS:
	case CHANFIELD_BOOL:
		if (v->null) {
			set_cause(cause, "%s cannot be unset", noun);
			return -1;
		}
		if (f->type == CHANFIELD_BOOL && v->i != 0 && v->i != 1) {
			set_cause(cause, "%s must be yes or no", noun);
			return -1;
		}
		if (f->type != CHANFIELD_BOOL && (v->i < f->min || v->i > f->max)) {
			set_cause(cause, "%s %lld is out of range (%lld to %lld)", noun, v->i, f->min,
			    f->max);
			return -1;
		}
		break;
	case CHANFIELD_TEXT:
		if (!printable(v->s, f->min, f->max)) {
			if (f->min > 0)
				set_cause(cause, "%s '%s' must be %lld to %lld printable characters",
				    noun, v->s, f->min, f->max);
			else
				set_cause(cause, "%s must be printable text up to %lld characters",
				    noun, f->max);
			return -1;
		}
		break;
	case CHANFIELD_CHOICE:
		if (!is_choice(f->choices, v->s)) {
			choices_text(f->choices, want, sizeof want);
			set_cause(cause, "%s '%s' is not %s", noun, v->s, want);
			return -1;
		}
		break;
	case CHANFIELD_LIST:
		return check_list(f, v->s, cause);
	case CHANFIELD_TIME:
		if (coarse_parse_time(v->s, &min) != 0 || min >= 1440) {
			set_cause(cause, "%s '%s' is not a local time HH:MM", noun, v->s);
			return -1;
		}
		break;
	case CHANFIELD_CHANNEL:
		if (!valid_number(v->s)) {
			set_cause(cause, "%s '%s' is not a channel number like 4 or 4.1", noun, v->s);
			return -1;
		}
		break;
	case CHANFIELD_VIRTUAL:
		break;
	}
	return f->check != NULL ? f->check(f, v->s, v->i, cause) : 0;
}

/* What values say together. */
int
chanfield_check_all(const struct chanval *v, char **cause)
{
	const struct chanval *off = val(v, "signoff_time"), *on = val(v, "signon_time");
	const struct chanval *num = val(v, "fps_num"), *den = val(v, "fps_den");
	int a, b;

	if (off->set != on->set || (off->set && (*off->s == '\0') != (*on->s == '\0'))) {
		set_cause(cause, "sign-off and sign-on are set together");
		return -1;
	}
	if (off->set && *off->s != '\0' && coarse_parse_time(off->s, &a) == 0 &&
	    coarse_parse_time(on->s, &b) == 0 && a == b) {
		set_cause(cause, "sign-off and sign-on at the same time (%s) leave no time off the "
		    "air", off->s);
		return -1;
	}
	if (num->set && den->set && (num->i > 120 * den->i || num->i < den->i)) {
		set_cause(cause, "frame rate %lld/%lld is not between 1 and 120", num->i, den->i);
		return -1;
	}
	return 0;
}

/* The label, lower case first. */
const char *
chanfield_noun(const struct chanfield *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s", f->label);
	if (len > 0 && buf[0] != '\0' && !isupper((unsigned char)buf[1]))
		buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/* The usage's argument. */
const char *
chanfield_arg(const struct chanfield *f, char *buf, size_t len)
{
	size_t off = 0, i;

	if (f->arg != NULL)
		return f->arg;
	switch (f->type) {
	case CHANFIELD_BOOL:
		snprintf(buf, len, "yes|no");
		return buf;
	case CHANFIELD_CHOICE:
		buf[0] = '\0';
		for (i = 0; f->choices[i] != NULL && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "|" : "",
			    f->choices[i]);
		break;
	case CHANFIELD_INT:
		snprintf(buf, len, "N");
		break;
	case CHANFIELD_SECONDS:
		snprintf(buf, len, "DUR");
		break;
	case CHANFIELD_TIME:
		snprintf(buf, len, "HH:MM");
		break;
	case CHANFIELD_LIST:
		snprintf(buf, len, "A,B");
		break;
	default:
		snprintf(buf, len, "TEXT");
		break;
	}
	if ((f->flags & CHANFIELD_CLEAR) && off < len)
		snprintf(buf + strlen(buf), len - strlen(buf), "|none");
	return buf;
}

/* Print "label:" padded, as every line of 'channel show' starts. */
static void
print_label(FILE *out, const char *label)
{
	char l[64];

	snprintf(l, sizeof l, "%s:", label);
	fprintf(out, "%-15s", l);
}

/* A number in the row's words: "every 30 minutes". */
static void
print_number(FILE *out, const char *some, long long n)
{
	const char *hash = some != NULL ? strchr(some, '#') : NULL;

	if (hash == NULL)
		fprintf(out, "%lld\n", n);
	else
		fprintf(out, "%.*s%lld%s\n", (int)(hash - some), some, n, hash + 1);
}

/* 'channel show'. */
void
chanfield_print(FILE *out, const struct chanval *v, sqlite3 *db)
{
	const struct chanfield *f;
	const struct chanval *x;

	for (f = chanfields; f < chanfields + nitems(chanfields); f++) {
		if (f->show == NULL)
			continue;
		if (f->print != NULL) {
			f->print(out, f, v, db);
			continue;
		}
		x = &v[f - chanfields];
		print_label(out, f->show);
		switch (f->type) {
		case CHANFIELD_INT:
		case CHANFIELD_SECONDS:
			if (x->null || (x->i == 0 && (f->flags & CHANFIELD_ZERO)))
				fprintf(out, "%s\n", f->none != NULL ? f->none : "-");
			else
				print_number(out, f->some, x->i);
			break;
		case CHANFIELD_BOOL:
			fprintf(out, "%s\n", x->i ? (f->some != NULL ? f->some : "yes") :
			    (f->none != NULL ? f->none : "no"));
			break;
		default:
			fprintf(out, "%s\n", x->s != NULL ? x->s : f->none != NULL ? f->none : "-");
			break;
		}
	}
}

/* A picture format as text. */
const char *
chanfield_format(int width, int height, int fps_num, int fps_den, char *buf, size_t len)
{
	if (fps_den == 1)
		snprintf(buf, len, "%dx%d@%d", width, height, fps_num);
	else
		snprintf(buf, len, "%dx%d@%.4g", width, height, (double)fps_num / fps_den);
	return buf;
}

/* --- the rows' own checks and lines --- */

/* A guide number. */
static int
check_number(const struct chanfield *f, const char *s, long long i, char **cause)
{
	if (valid_number(s))
		return 0;
	set_cause(cause, "channel number '%s' is not like 4 or 4.1", s);
	return -1;
}

/* Up to 10 letters, digits or '-'. */
static int
check_call_sign(const struct chanfield *f, const char *s, long long i, char **cause)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		if (!isalnum((unsigned char)s[n]) && s[n] != '-')
			break;
	}
	if (s[n] == '\0' && n <= 10)
		return 0;
	set_cause(cause, "call sign '%s' must be up to 10 letters, digits or '-'", s);
	return -1;
}

/* An IANA zone this machine knows. */
static int
check_timezone(const struct chanfield *f, const char *s, long long i, char **cause)
{
	char *tzcause = NULL;

	if (tz_get(s, &tzcause) != NULL)
		return 0;
	set_cause(cause, "%s", tzcause);
	free(tzcause);
	return -1;
}

/* A rating src/rating.h parses. */
static int
check_rating(const struct chanfield *f, const char *s, long long i, char **cause)
{
	struct rating r;

	if (rating_parse(s, &r) == 0)
		return 0;
	set_cause(cause, "rating limit '%s' is not a rating (like PG-13, TV-14, gb/15)", s);
	return -1;
}

/* A rating as stored: "tv-14" is "TV-14". */
static const char *
norm_rating(const char *s, char *buf, size_t len)
{
	struct rating r;

	if (rating_parse(s, &r) != 0)
		return s;
	snprintf(buf, len, "%s", r.name);
	return buf;
}

/* Years like 1980-1989 or 1980s, or programme (src/era.h). */
static int
check_era(const struct chanfield *f, const char *s, long long i, char **cause)
{
	struct era e;

	return era_parse(s, &e, cause);
}

/* An era as stored: "1980s" is "1980-1989", "program" is "programme". */
static const char *
norm_era(const char *s, char *buf, size_t len)
{
	struct era e;

	if (era_parse(s, &e, NULL) != 0)
		return s;
	return era_format(&e, buf, len);
}

/* A file that exists or an http(s) URL. */
static int
check_image(const struct chanfield *f, const char *s, long long i, char **cause)
{
	char noun[64];

	if (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 || file_exists(s))
		return 0;
	set_cause(cause, "%s %s: no such file", chanfield_noun(f, noun, sizeof noun), s);
	return -1;
}

/* A file that exists. */
static int
check_file(const struct chanfield *f, const char *s, long long i, char **cause)
{
	char noun[64];

	if (file_exists(s))
		return 0;
	set_cause(cause, "%s %s: no such file", chanfield_noun(f, noun, sizeof noun), s);
	return -1;
}

/* A directory that exists. */
static int
check_dir(const struct chanfield *f, const char *s, long long i, char **cause)
{
	struct stat sb;
	char noun[64];

	if (stat(s, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	set_cause(cause, "%s %s: no such directory", chanfield_noun(f, noun, sizeof noun), s);
	return -1;
}

/* An ISO 639-2 code: three lower-case letters. */
static int
check_language(const struct chanfield *f, const char *s, long long i, char **cause)
{
	char noun[64];

	if (strlen(s) == 3 && islower((unsigned char)s[0]) && islower((unsigned char)s[1]) &&
	    islower((unsigned char)s[2]))
		return 0;
	set_cause(cause, "%s '%s' is not an ISO 639-2 code like eng",
	    chanfield_noun(f, noun, sizeof noun), s);
	return -1;
}

/* An even number of pixels. */
static int
check_even(const struct chanfield *f, const char *s, long long i, char **cause)
{
	if (i % 2 == 0)
		return 0;
	set_cause(cause, "the frame size must be even");
	return -1;
}

/* A display aspect ratio "4:3", "16:9", "1.85:1" (two positive numbers). */
static int
check_ratio(const struct chanfield *f, const char *s, long long i, char **cause)
{
	int n, d, k = 0;

	if (sscanf(s, "%d:%d%n", &n, &d, &k) == 2 && s[k] == '\0' && n > 0 && d > 0 &&
	    n <= 1000 && d <= 1000 && (double)n / d >= 0.25 && (double)n / d <= 4)
		return 0;
	set_cause(cause, "display aspect '%s' is not like 4:3 or 16:9", s);
	return -1;
}

/* Slots that divide a day. */
static int
check_slot(const struct chanfield *f, const char *s, long long i, char **cause)
{
	if (1440 % i == 0)
		return 0;
	set_cause(cause, "slot length %lld minutes does not divide a day (5, 15, 30, 60...)", i);
	return -1;
}

/* Station IDs at times that divide a day, or none. */
static int
check_station_ids(const struct chanfield *f, const char *s, long long i, char **cause)
{
	if (i == 0 || 1440 % i == 0)
		return 0;
	set_cause(cause, "station ID interval %lld minutes does not divide a day", i);
	return -1;
}

/* Set an integer field of v. */
static void
set_int(struct chanval *v, const char *name, long long n)
{
	struct chanval *x = (struct chanval *)val(v, name);

	memset(x, 0, sizeof *x);
	x->set = 1;
	x->i = n;
}

/* Set a text field of v. */
static void
set_text(struct chanval *v, const char *name, const char *s)
{
	struct chanval *x = (struct chanval *)val(v, name);

	memset(x, 0, sizeof *x);
	x->set = 1;
	x->s = s;
}

/* --format "1280x720", "640x360@25", "1920x1080@29.97", "@30000/1001". */
static int
parse_format(const char *s, struct chanval *v, char *buf, size_t len, char **cause)
{
	const char *at = strchr(s, '@');
	int w, h, n = 0, num, den;
	double fps;

	if (at != s) {
		if (sscanf(s, "%dx%d%n", &w, &h, &n) != 2 || (s[n] != '\0' && s[n] != '@'))
			goto bad;
		set_int(v, "width", w);
		set_int(v, "height", h);
	}
	if (at != NULL) {
		if (sscanf(at + 1, "%d/%d%n", &num, &den, &n) == 2 && at[1 + n] == '\0') {
			set_int(v, "fps_num", num);
			set_int(v, "fps_den", den);
		} else if (sscanf(at + 1, "%lf%n", &fps, &n) == 1 && at[1 + n] == '\0' && fps > 0 &&
		    fps <= 120) {
			if (fps - (int)fps < 0.001) {
				set_int(v, "fps_num", (int)fps);
				set_int(v, "fps_den", 1);
			} else {
				/* 29.97, 23.976, 59.94: the NTSC rates. */
				num = (int)(fps * 1001 + 0.5);
				set_int(v, "fps_num", (num + 500) / 1000 * 1000);
				set_int(v, "fps_den", 1001);
			}
		} else
			goto bad;
	}
	return 0;
bad:
	set_cause(cause, "'%s' is not like 1280x720, 640x360@25 or 1920x1080@29.97", s);
	return -1;
}

/* --off-air HH:MM-HH:MM (sign-off to sign-on) or none; the times kept in buf. */
static int
parse_offair(const char *s, struct chanval *v, char *buf, size_t len, char **cause)
{
	int a, b, c, d, n = 0;

	if (strcasecmp(s, "none") == 0 || *s == '\0') {
		set_text(v, "signoff_time", "");
		set_text(v, "signon_time", "");
		return 0;
	}
	if (sscanf(s, "%2d:%2d-%2d:%2d%n", &a, &b, &c, &d, &n) != 4 || s[n] != '\0' ||
	    a > 23 || b > 59 || c > 23 || d > 59 || len < 12) {
		set_cause(cause, "'%s' is not sign-off and sign-on times like 02:00-06:00", s);
		return -1;
	}
	snprintf(buf, len, "%02d:%02d", a, b);
	snprintf(buf + 6, len - 6, "%02d:%02d", c, d);
	set_text(v, "signoff_time", buf);
	set_text(v, "signon_time", buf + 6);
	return 0;
}

/* "format: 640x360@29.97, video 3000 kb/s, audio 128 kb/s". */
static void
print_format(FILE *out, const struct chanfield *f, const struct chanval *v, sqlite3 *db)
{
	char fmt[40];

	chanfield_format((int)val(v, "width")->i, (int)val(v, "height")->i,
	    (int)val(v, "fps_num")->i, (int)val(v, "fps_den")->i, fmt, sizeof fmt);
	print_label(out, f->show);
	fprintf(out, "%s, video %lld kb/s, audio %lld kb/s\n", fmt, val(v, "video_kbps")->i,
	    val(v, "audio_kbps")->i);
}

/* "acts: about 8:00 between breaks, none within 120 s of either end". */
static void
print_acts(FILE *out, const struct chanfield *f, const struct chanval *v, sqlite3 *db)
{
	long long act = val(v, "act_seconds")->i;

	print_label(out, f->show);
	fprintf(out, "about %lld:%02lld between breaks, none within %lld s of either end\n",
	    act / 60, act % 60, val(v, "break_margin_s")->i);
}

/* "off the air: 02:00 to 06:00, colour bars and tone", or "never". */
static void
print_offair(FILE *out, const struct chanfield *f, const struct chanval *v, sqlite3 *db)
{
	const struct chanval *off = val(v, "signoff_time"), *on = val(v, "signon_time");
	const char *card = val(v, "test_card")->s;

	print_label(out, f->show);
	if (off->s != NULL)
		fprintf(out, "%s to %s, %s\n", off->s, on->s != NULL ? on->s : "",
		    card != NULL && strcmp(card, "card") == 0 ? "test card" :
		    "colour bars and tone");
	else
		fprintf(out, "never\n");
}

/* "subtitles: always, in eng, spa", "forced, in any language", "off". */
static void
print_subtitles(FILE *out, const struct chanfield *f, const struct chanval *v, sqlite3 *db)
{
	const char *mode = val(v, "subtitles")->s, *langs = val(v, "subtitle_languages")->s;

	print_label(out, f->show);
	if (mode == NULL || strcmp(mode, "off") == 0)
		fprintf(out, "off\n");
	else
		fprintf(out, "%s, in %s\n", mode, langs != NULL && *langs != '\0' ? langs :
		    "any language");
}

/* "alarms: dead air 5 s, black 5 s, frozen 20 s; no automatic action". */
static void
print_alarms(FILE *out, const struct chanfield *f, const struct chanval *v, sqlite3 *db)
{
	static const char *const names[][2] = {
		{ "alarm_dead_air_s", "dead air" },
		{ "alarm_black_s", "black" },
		{ "alarm_frozen_s", "frozen" },
	};
	long long s, act = val(v, "alarm_action_s")->i;
	size_t i;

	print_label(out, f->show);
	for (i = 0; i < nitems(names); i++) {
		s = val(v, names[i][0])->i;
		fprintf(out, "%s%s ", i > 0 ? ", " : "", names[i][1]);
		if (s > 0)
			fprintf(out, "after %lld s", s);
		else
			fprintf(out, "off");
	}
	if (act > 0)
		fprintf(out, "; an item is cut to the slate after %lld s of an alarm\n", act);
	else
		fprintf(out, "; no automatic action\n");
}

/* "type: regular", or a guide with its hours, source and music. */
static void
print_type(FILE *out, const struct chanfield *f, const struct chanval *v, sqlite3 *db)
{
	const struct chanval *src = val(v, "guide_source");
	const char *type = val(v, "channel_type")->s, *music = val(v, "guide_music_dir")->s;
	long long hours = val(v, "guide_hours")->i;
	sqlite3_stmt *st = NULL;

	print_label(out, f->show);
	if (type == NULL || strcmp(type, "guide") != 0) {
		fprintf(out, "regular\n");
		return;
	}
	fprintf(out, "guide (the next %lld hour%s of every channel)\n", hours,
	    hours == 1 ? "" : "s");
	if (src->i != 0 && db != NULL &&
	    (st = db_prepare(db, "SELECT number, name FROM channels WHERE id = ?1", NULL)) != NULL)
		sqlite3_bind_int64(st, 1, src->i);
	print_label(out, "guide source");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		fprintf(out, "channel %s %s\n", db_text(st, 0), db_text(st, 1));
	else
		fprintf(out, "none (promos, else the station's card)\n");
	if (st != NULL)
		sqlite3_finalize(st);
	print_label(out, "music");
	fprintf(out, "%s\n", music != NULL ? music : "none (silence)");
}
