/*
 * cmd/chanopts.c: helpers of the scheduling commands.
 */
#include "src/cmd/chanopts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/cmd/cmd.h"
#include "src/schedcheck.h"
#include "src/tz.h"
#include "src/util.h"

/* Find a channel. */
int
chanopts_find(sqlite3 *db, const char *number, struct channel_conf *c)
{
	char *cause = NULL;
	int rc = channels_find(db, number, c, &cause);

	if (rc == 0)
		return 0;
	if (rc == 1)
		cmd_error("no channel %s (see 'retrovue channel list')", number);
	else
		cmd_error("%s", cause);
	free(cause);
	return -1;
}

/* Complain about an option value. */
int
chanopts_bad(const char *opt, const char *value, const char *want)
{
	cmd_error("%s: '%s' is not %s", opt, value, want);
	return -1;
}

/* Parse a time. */
int
chanopts_time(const char *s, const struct tz *tz, int64_t now, int64_t *out)
{
	struct tz_civil c;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, utc = 0;
	char unit, *end;
	double v;
	size_t len = strlen(s);

	if (strcasecmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (s[0] == '+' || s[0] == '-') {
		v = strtod(s + 1, &end);
		unit = *end;
		if (end == s + 1 || (unit != '\0' && end[1] != '\0') || v < 0)
			return chanopts_bad("--from", s, "a time like +2h, -30m or +1d");
		v *= unit == 'd' ? 86400000.0 : unit == 'h' ? 3600000.0 :
		    unit == 'm' || unit == '\0' ? 60000.0 : unit == 's' ? 1000.0 : -1;
		if (v < 0)
			return chanopts_bad("--from", s, "a time like +2h, -30m or +1d");
		*out = now + (s[0] == '-' ? -(int64_t)v : (int64_t)v);
		return 0;
	}
	if (len > 0 && (s[len - 1] == 'Z' || s[len - 1] == 'z'))
		utc = 1;
	if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) == 2 && (s[n] == '\0' || (utc && s[n + 1] == '\0'))) {
		if (h > 23 || mi > 59)
			return chanopts_bad("--from", s, "a time of day");
		tz_local(tz, now, &c);
		if (utc) {
			*out = (tz_days_from_civil(c.year, c.month, c.day) * 86400LL + h * 3600LL +
			    mi * 60LL) * 1000;
			return 0;
		}
		*out = tz_utc(tz, c.year, c.month, c.day, h, mi, 0);
		return 0;
	}
	n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || mo < 1 || mo > 12 || d < 1 ||
	    d > 31)
		return chanopts_bad("--from", s, "a time like now, 20:00, 2024-06-03 20:00 or +2h");
	if (s[n] == ' ' || s[n] == 'T' || s[n] == 't') {
		int m = 0;

		if (sscanf(s + n + 1, "%2d:%2d%n:%2d%n", &h, &mi, &m, &sec, &m) < 2 ||
		    h > 23 || mi > 59 || sec > 59)
			return chanopts_bad("--from", s, "a time like 2024-06-03 20:00");
		n += 1 + m;
	}
	if (!(s[n] == '\0' || (utc && s[n + 1] == '\0')))
		return chanopts_bad("--from", s, "a time like 2024-06-03 20:00");
	if (utc)
		*out = (tz_days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec) * 1000;
	else
		*out = tz_utc(tz, y, mo, d, h, mi, sec);
	return 0;
}

/* yes/no. */
int
chanopts_yesno(const char *opt, const char *s)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0 || strcmp(s, "1") == 0 ||
	    strcasecmp(s, "true") == 0)
		return 1;
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "off") == 0 || strcmp(s, "0") == 0 ||
	    strcasecmp(s, "false") == 0)
		return 0;
	return chanopts_bad(opt, s, "yes or no");
}

/* Local date and time. */
const char *
chanopts_local(const struct tz *tz, int64_t t_ms, char *buf, size_t len)
{
	struct tz_civil c;

	tz_local(tz, t_ms, &c);
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour,
	    c.minute, c.second);
	return buf;
}

/* What the channel's era came to: "note: ..." lines, if other eras filled in. */
void
chanopts_era_note(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms)
{
	char *note = NULL, *line, *end;

	if (schedcheck_era_note(db, channel_id, from_ms, to_ms, &note, NULL) != 0 || note == NULL)
		return;
	for (line = note; (end = strchr(line, '\n')) != NULL; line = end + 1)
		printf("note: %.*s\n", (int)(end - line), line);
	free(note);
}
