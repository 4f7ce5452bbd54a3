/*
 * tz.c: read TZif files (RFC 8536) into immutable zones, expand the POSIX
 * TZ rule in their footer, and answer offset and slot queries by binary
 * search. The cache of loaded zones is the only shared state; a mutex
 * guards it and zones are never freed, so callers hold plain pointers.
 */
#include "src/tz.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "src/util.h"

#define TZ_MAX_FILE     (512 * 1024)
#define TZ_EXPAND_UNTIL 2200            /* expand the footer rule to this year */
#define DAY_S           86400LL

struct tz {
	char *name;
	int64_t *at;                    /* transition instants, UTC seconds, ascending */
	int *off;                       /* offset in effect from at[i] */
	unsigned char *dst;             /* isdst from at[i] */
	size_t n;
	int off0;                       /* offset before the first transition */
	int dst0;
	struct tz *next;                /* cache list */
};

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz *tz_cache;

/* Days since the epoch of a civil date (H. Hinnant's algorithm). */
int64_t
tz_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* Civil date of a day number. */
void
tz_civil_from_days(int64_t z, int *year, int *month, int *day)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

/* Floor division for negative times. */
static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Big-endian readers. */
static int64_t
be32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

static int64_t
be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* A POSIX TZ rule: std offset, optional DST with start and end. */
struct posix_rule {
	int std_off;                    /* seconds east */
	int dst_off;
	int has_dst;
	struct {
		char kind;              /* 'J', 'n' (zero-based day) or 'M' */
		int a, b, c;            /* J: day; n: day; M: month, week, wday */
		int time;               /* seconds after local midnight, may be <0 or >24h */
	} start, end;
};

/* Skip a zone abbreviation: letters, or <...>. */
static const char *
posix_name(const char *p)
{
	const char *s = p;

	if (*p == '<') {
		while (*p != '\0' && *p != '>')
			p++;
		return *p == '>' ? p + 1 : NULL;
	}
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds. */
static const char *
posix_hms(const char *p, int *out)
{
	int sign = 1, h = 0, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		h = h * 10 + (*p++ - '0');
	if (*p == ':') {
		p++;
		while (isdigit((unsigned char)*p))
			m = m * 10 + (*p++ - '0');
		if (*p == ':') {
			p++;
			while (isdigit((unsigned char)*p))
				s = s * 10 + (*p++ - '0');
		}
	}
	if (h > 167 || m > 59 || s > 59)
		return NULL;
	*out = sign * (h * 3600 + m * 60 + s);
	return p;
}

/* One ",date[/time]" of a rule. */
static const char *
posix_date(const char *p, char *kind, int *a, int *b, int *c, int *time)
{
	char *end;

	*time = 7200;
	if (*p == 'M') {
		*kind = 'M';
		*a = (int)strtol(p + 1, &end, 10);
		if (*end != '.')
			return NULL;
		*b = (int)strtol(end + 1, &end, 10);
		if (*end != '.')
			return NULL;
		*c = (int)strtol(end + 1, &end, 10);
		if (*a < 1 || *a > 12 || *b < 1 || *b > 5 || *c < 0 || *c > 6)
			return NULL;
	} else if (*p == 'J') {
		*kind = 'J';
		*a = (int)strtol(p + 1, &end, 10);
		if (*a < 1 || *a > 365)
			return NULL;
	} else if (isdigit((unsigned char)*p)) {
		*kind = 'n';
		*a = (int)strtol(p, &end, 10);
		if (*a < 0 || *a > 365)
			return NULL;
	} else
		return NULL;
	p = end;
	if (*p == '/')
		p = posix_hms(p + 1, time);
	return p;
}

/* Parse a POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0". 0 on success. */
static int
posix_parse(const char *s, struct posix_rule *r)
{
	const char *p;
	int v;

	memset(r, 0, sizeof *r);
	if ((p = posix_name(s)) == NULL || (p = posix_hms(p, &v)) == NULL)
		return -1;
	r->std_off = -v;
	if (*p == '\0')
		return 0;
	if ((p = posix_name(p)) == NULL)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = posix_hms(p, &v)) == NULL)
			return -1;
		r->dst_off = -v;
	}
	if (*p != ',')
		return -1;      /* no rule: not expandable; treat as invalid */
	p = posix_date(p + 1, &r->start.kind, &r->start.a, &r->start.b, &r->start.c,
	    &r->start.time);
	if (p == NULL || *p != ',')
		return -1;
	p = posix_date(p + 1, &r->end.kind, &r->end.a, &r->end.b, &r->end.c, &r->end.time);
	if (p == NULL || *p != '\0')
		return -1;
	return 0;
}

/* The UTC second a rule date happens in year, given the offset before it. */
static int64_t
posix_when(int year, char kind, int a, int b, int c, int time, int off_before)
{
	int64_t days;
	int first_wday, d, mdays;
	static const int mlen[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (kind == 'J') {
		days = tz_days_from_civil(year, 1, 1) + a - 1;
		if (is_leap(year) && a >= 60)
			days++;
	} else if (kind == 'n') {
		days = tz_days_from_civil(year, 1, 1) + a;
	} else {
		days = tz_days_from_civil(year, a, 1);
		first_wday = (int)((days % 7 + 11) % 7);        /* 1970-01-01 was a Thursday */
		d = 1 + (c - first_wday + 7) % 7 + (b - 1) * 7;
		mdays = mlen[a - 1] + (a == 2 && is_leap(year));
		while (d > mdays)
			d -= 7;
		days += d - 1;
	}
	return days * DAY_S + time - off_before;
}

/* Append a transition. */
static void
push(struct tz *z, size_t *cap, int64_t at, int off, int dst)
{
	if (z->n > 0 && at <= z->at[z->n - 1])
		return;
	if (z->n > 0 && z->off[z->n - 1] == off && z->dst[z->n - 1] == dst)
		return;
	if (z->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		z->at = xreallocarray(z->at, *cap, sizeof *z->at);
		z->off = xreallocarray(z->off, *cap, sizeof *z->off);
		z->dst = xreallocarray(z->dst, *cap, sizeof *z->dst);
	}
	z->at[z->n] = at;
	z->off[z->n] = off;
	z->dst[z->n] = (unsigned char)dst;
	z->n++;
}

/* Expand a rule's transitions after `after` up to TZ_EXPAND_UNTIL. */
static void
expand_rule(struct tz *z, size_t *cap, const struct posix_rule *r, int64_t after)
{
	int y, y0, m, d;
	int64_t s, e;

	if (!r->has_dst) {
		push(z, cap, after + 1, r->std_off, 0);
		return;
	}
	tz_civil_from_days(floordiv(after, DAY_S), &y0, &m, &d);
	for (y = y0; y <= TZ_EXPAND_UNTIL; y++) {
		s = posix_when(y, r->start.kind, r->start.a, r->start.b, r->start.c,
		    r->start.time, r->std_off);
		e = posix_when(y, r->end.kind, r->end.a, r->end.b, r->end.c, r->end.time,
		    r->dst_off);
		if (s < e) {
			if (s > after)
				push(z, cap, s, r->dst_off, 1);
			if (e > after)
				push(z, cap, e, r->std_off, 0);
		} else {
			if (e > after)
				push(z, cap, e, r->std_off, 0);
			if (s > after)
				push(z, cap, s, r->dst_off, 1);
		}
	}
}

/* Parse a TZif image into z. 0, or -1 with *cause. */
static int
parse_tzif(struct tz *z, const unsigned char *buf, size_t len, char **cause)
{
	const unsigned char *p = buf, *end = buf + len, *times, *idx, *types;
	int64_t cnt[6], isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
	size_t cap = 0, tsize = 4, need, i;
	struct posix_rule rule;
	char footer[128];
	int version, k, has_rule = 0;
	int64_t last = INT64_MIN;

	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		goto bad;
	version = p[4];
	for (k = 0; k < 6; k++)
		cnt[k] = be32(p + 20 + 4 * k);
	if (version >= '2') {
		/* Skip the 32-bit block to the 64-bit header. */
		need = 44 + (size_t)(cnt[3] * 5 + cnt[4] * 6 + cnt[5] + cnt[2] * 8 + cnt[1] + cnt[0]);
		if (need + 44 > len)
			goto bad;
		p = buf + need;
		if (memcmp(p, "TZif", 4) != 0)
			goto bad;
		for (k = 0; k < 6; k++)
			cnt[k] = be32(p + 20 + 4 * k);
		tsize = 8;
	}
	isutcnt = cnt[0];
	isstdcnt = cnt[1];
	leapcnt = cnt[2];
	timecnt = cnt[3];
	typecnt = cnt[4];
	charcnt = cnt[5];
	if (timecnt < 0 || typecnt < 1 || typecnt > 256 || charcnt < 0 || leapcnt < 0 ||
	    isutcnt < 0 || isstdcnt < 0 || timecnt > 100000)
		goto bad;
	p += 44;
	need = (size_t)timecnt * (tsize + 1) + (size_t)typecnt * 6 + (size_t)charcnt +
	    (size_t)leapcnt * (tsize + 4) + (size_t)isstdcnt + (size_t)isutcnt;
	if ((size_t)(end - p) < need)
		goto bad;
	times = p;
	idx = times + timecnt * (int64_t)tsize;
	types = idx + timecnt;
	for (i = 0; i < (size_t)timecnt; i++) {
		if (idx[i] >= typecnt)
			goto bad;
	}
	/* Before the first transition: type 0. */
	z->off0 = (int)be32(types);
	z->dst0 = types[4] != 0;
	for (i = 0; i < (size_t)timecnt; i++) {
		int64_t at = tsize == 8 ? be64(times + 8 * i) : be32(times + 4 * i);
		const unsigned char *t = types + 6 * idx[i];

		if (at <= last)
			goto bad;
		last = at;
		push(z, &cap, at, (int)be32(t), t[4] != 0);
	}
	p += need;
	/* The footer: "\nTZSTRING\n". */
	if (version >= '2' && p < end && *p == '\n') {
		const unsigned char *q = memchr(p + 1, '\n', (size_t)(end - p - 1));

		if (q != NULL && (size_t)(q - p - 1) < sizeof footer) {
			memcpy(footer, p + 1, (size_t)(q - p - 1));
			footer[q - p - 1] = '\0';
			if (footer[0] != '\0' && posix_parse(footer, &rule) == 0)
				has_rule = 1;
		}
	}
	if (has_rule) {
		if (timecnt == 0) {
			z->off0 = rule.std_off;
			z->dst0 = 0;
		}
		expand_rule(z, &cap, &rule, timecnt > 0 ? last : INT64_MIN / 4);
	}
	return 0;

bad:
	set_cause(cause, "time zone %s: not a valid TZif file", z->name);
	return -1;
}

/* A name safe to look up under the zoneinfo directory. */
static int
valid_name(const char *name)
{
	const char *p;

	if (*name == '\0' || *name == '/' || strlen(name) > 128 || strstr(name, "..") != NULL)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
			return 0;
	}
	return 1;
}

/* Read a zone file. */
static struct tz *
load(const char *name, char **cause)
{
	struct tz *z = xcalloc(1, sizeof *z);
	const char *dir = getenv("TZDIR");
	unsigned char *buf = NULL;
	char *path = NULL;
	size_t len;
	FILE *f;

	z->name = xstrdup(name);
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0 || strcmp(name, "Z") == 0)
		return z;
	if (!valid_name(name)) {
		set_cause(cause, "'%s' is not a time zone name (like Europe/London)", name);
		goto fail;
	}
	xasprintf(&path, "%s/%s", dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo",
	    name);
	if ((f = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			set_cause(cause, "unknown time zone '%s' (no %s)", name, path);
		else
			set_cause(cause, "time zone %s: %s: %s", name, path, strerror(errno));
		goto fail;
	}
	buf = xmalloc(TZ_MAX_FILE);
	len = fread(buf, 1, TZ_MAX_FILE, f);
	fclose(f);
	if (parse_tzif(z, buf, len, cause) != 0)
		goto fail;
	free(buf);
	free(path);
	return z;

fail:
	free(buf);
	free(path);
	free(z->at);
	free(z->off);
	free(z->dst);
	free(z->name);
	free(z);
	return NULL;
}

/* Cached zone by name. */
const struct tz *
tz_get(const char *name, char **cause)
{
	struct tz *z;

	if (name == NULL || *name == '\0')
		name = "UTC";
	pthread_mutex_lock(&tz_lock);
	for (z = tz_cache; z != NULL; z = z->next) {
		if (strcmp(z->name, name) == 0)
			break;
	}
	if (z == NULL && (z = load(name, cause)) != NULL) {
		z->next = tz_cache;
		tz_cache = z;
	}
	pthread_mutex_unlock(&tz_lock);
	return z;
}

/* The machine's zone. */
const char *
tz_system_name(char *buf, size_t len)
{
	const char *env = getenv("TZ"), *p;
	char link[512];
	ssize_t n;
	FILE *f;

	if (env != NULL && *env == ':')
		env++;
	if (env != NULL && *env != '\0' && tz_get(env, NULL) != NULL) {
		snprintf(buf, len, "%s", env);
		return buf;
	}
	if ((n = readlink("/etc/localtime", link, sizeof link - 1)) > 0) {
		link[n] = '\0';
		if ((p = strstr(link, "zoneinfo/")) != NULL && tz_get(p + 9, NULL) != NULL) {
			snprintf(buf, len, "%s", p + 9);
			return buf;
		}
	}
	if ((f = fopen("/etc/timezone", "r")) != NULL) {
		if (fgets(link, sizeof link, f) != NULL) {
			link[strcspn(link, " \t\r\n")] = '\0';
			if (tz_get(link, NULL) != NULL) {
				fclose(f);
				snprintf(buf, len, "%s", link);
				return buf;
			}
		}
		fclose(f);
	}
	snprintf(buf, len, "UTC");
	return buf;
}

/* Name. */
const char *
tz_name(const struct tz *tz)
{
	return tz->name;
}

/* Index of the last transition at or before t, or -1. */
static ssize_t
find(const struct tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (tz->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ssize_t)lo - 1;
}

/* Offset at t. */
int
tz_offset(const struct tz *tz, int64_t t)
{
	ssize_t i = find(tz, t);

	return i < 0 ? tz->off0 : tz->off[i];
}

/* Local civil time. */
void
tz_local(const struct tz *tz, int64_t t_ms, struct tz_civil *out)
{
	int64_t t = floordiv(t_ms, 1000), local, days, sod;
	ssize_t i = find(tz, t);

	out->offset = i < 0 ? tz->off0 : tz->off[i];
	out->isdst = i < 0 ? tz->dst0 : tz->dst[i];
	local = t + out->offset;
	days = floordiv(local, DAY_S);
	sod = local - days * DAY_S;
	tz_civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(sod / 3600);
	out->minute = (int)(sod / 60 % 60);
	out->second = (int)(sod % 60);
	out->wday = (int)((days % 7 + 11) % 7);
}

/* UTC of a local time. */
int64_t
tz_utc(const struct tz *tz, int year, int month, int day, int hour, int minute, int second)
{
	int64_t local = tz_days_from_civil(year, month, day) * DAY_S + hour * 3600LL +
	    minute * 60LL + second;
	int64_t best = INT64_MAX, t;
	int cand[2], k;

	cand[0] = tz_offset(tz, local - DAY_S);
	cand[1] = tz_offset(tz, local + DAY_S);
	for (k = 0; k < 2; k++) {
		t = local - cand[k];
		if (tz_offset(tz, t) == cand[k] && t < best)
			best = t;
	}
	if (best == INT64_MAX)          /* in a gap: as if the old offset still held */
		best = local - cand[0];
	return best * 1000;
}

/* Latest local-midnight-aligned multiple of slot at or before local second L. */
static int64_t
local_floor(int64_t L, int64_t slot)
{
	int64_t day = floordiv(L, DAY_S), sod = L - day * DAY_S;

	return day * DAY_S + sod / slot * slot;
}

/* Earliest boundary strictly after local second L. */
static int64_t
local_next(int64_t L, int64_t slot)
{
	int64_t day = floordiv(L, DAY_S), sod = L - day * DAY_S;
	int64_t k = sod / slot + 1;

	if (k * slot >= DAY_S)
		return (day + 1) * DAY_S;
	return day * DAY_S + k * slot;
}

/* Is UTC second t a boundary? */
static int
boundary_s(const struct tz *tz, int64_t t, int64_t slot)
{
	int64_t L = t + tz_offset(tz, t);

	return local_floor(L, slot) == L;
}

/* Latest boundary at or before t_ms. */
int64_t
tz_slot_floor(const struct tz *tz, int64_t t_ms, int slot_minutes)
{
	int64_t slot = (int64_t)slot_minutes * 60, t = floordiv(t_ms, 1000), seg, cand;
	ssize_t i;

	for (;;) {
		i = find(tz, t);
		seg = i < 0 ? INT64_MIN : tz->at[i];
		cand = local_floor(t + tz_offset(tz, t), slot) - tz_offset(tz, t);
		if (cand >= seg)
			return cand * 1000;
		/* The boundary would lie before this offset began: look earlier. */
		if (boundary_s(tz, seg, slot))
			return seg * 1000;
		t = seg - 1;
	}
}

/* Earliest boundary strictly after t_ms. */
int64_t
tz_slot_next(const struct tz *tz, int64_t t_ms, int slot_minutes)
{
	int64_t slot = (int64_t)slot_minutes * 60, t = floordiv(t_ms, 1000), next, cand;
	ssize_t i;
	int off;

	for (;;) {
		i = find(tz, t);
		next = (size_t)(i + 1) < tz->n ? tz->at[i + 1] : INT64_MAX;
		off = tz_offset(tz, t);
		cand = local_next(t + off, slot) - off;
		if (cand < next && cand * 1000 > t_ms)
			return cand * 1000;
		if (cand < next) {
			t = cand;
			continue;
		}
		/* Crossed into the next offset: its first instant may be one. */
		if (boundary_s(tz, next, slot) && next * 1000 > t_ms)
			return next * 1000;
		t = next;
	}
}

/* Boundary test. */
int
tz_is_boundary(const struct tz *tz, int64_t t_ms, int slot_minutes)
{
	if (t_ms % 1000 != 0)
		return 0;
	return boundary_s(tz, floordiv(t_ms, 1000), (int64_t)slot_minutes * 60);
}
