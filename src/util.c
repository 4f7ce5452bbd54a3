/*
 * util.c: allocation that cannot fail, strings, time and files.
 */
#include "src/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>


/* Report an allocation failure and stop: there is nothing sane to do. */
static void __attribute__((noreturn))
oom(size_t size)
{
	fprintf(stderr, "retrovue: out of memory allocating %zu bytes\n", size);
	abort();
}

/* malloc or die. */
void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		oom(size);
	return p;
}

/* calloc or die. */
void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		oom(n * size);
	return p;
}

/* reallocarray or die. */
void *
xreallocarray(void *ptr, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		oom(SIZE_MAX);
	if ((p = realloc(ptr, n != 0 && size != 0 ? n * size : 1)) == NULL)
		oom(n * size);
	return p;
}

/* strdup or die. */
char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oom(strlen(s) + 1);
	return p;
}

/* strndup or die. */
char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		oom(n + 1);
	return p;
}

/* vasprintf or die; returns the length. */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int n = vasprintf(ret, fmt, ap);

	if (n < 0)
		oom(strlen(fmt));
	return n;
}

/* asprintf or die; returns the length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

/* Free *(void **)p and set it to NULL. */
void
freep(void *p)
{
	void **pp = p;

	free(*pp);
	*pp = NULL;
}

/* Set *cause to a new formatted message, replacing any old one. */
void
set_cause(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause == NULL)
		return;
	free(*cause);
	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
}

/* Wall-clock milliseconds since the epoch. */
int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Monotonic microseconds. */
int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "hh:mm:ss.ff", ff counted in frames at fps. */
char *
fmt_duration(char *buf, size_t len, int64_t ms, double fps)
{
	const char *sign = "";
	int64_t s;
	int frames;

	if (ms < 0) {
		sign = "-";
		ms = -ms;
	}
	if (fps <= 0)
		fps = 30;
	s = ms / 1000;
	frames = (int)((double)(ms % 1000) * fps / 1000.0);
	snprintf(buf, len, "%s%02lld:%02lld:%02lld.%02d", sign, (long long)(s / 3600),
	    (long long)(s / 60 % 60), (long long)(s % 60), frames);
	return buf;
}

/* ISO-8601 UTC for ms since the epoch. */
char *
fmt_utc(char *buf, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* The current time as ISO-8601 UTC text. */
char *
iso_now(char *buf, size_t len)
{
	return fmt_utc(buf, len, now_ms());
}

/* Parse a duration: seconds, [h:]m:s[.frac], or a number with ms/s/m/h. */
int
parse_duration_ms(const char *s, int64_t *out)
{
	double parts[3] = { 0, 0, 0 };
	int n = 0;
	const char *p = s;
	char *end;
	double v, scale = 1000;

	if (s == NULL || *s == '\0')
		return -1;
	for (;;) {
		if (!isdigit((unsigned char)*p) && *p != '.')
			return -1;
		errno = 0;
		v = strtod(p, &end);
		if (end == p || errno != 0 || v < 0)
			return -1;
		if (n == 3)
			return -1;
		parts[n++] = v;
		p = end;
		if (*p != ':')
			break;
		p++;
	}
	if (*p != '\0') {
		if (n != 1)
			return -1;
		if (strcmp(p, "ms") == 0)
			scale = 1;
		else if (strcmp(p, "s") == 0)
			scale = 1000;
		else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0)
			scale = 60000;
		else if (strcmp(p, "h") == 0)
			scale = 3600000;
		else
			return -1;
		*out = (int64_t)(parts[0] * scale + 0.5);
		return 0;
	}
	if (n == 1)
		v = parts[0];
	else if (n == 2)
		v = parts[0] * 60 + parts[1];
	else
		v = parts[0] * 3600 + parts[1] * 60 + parts[2];
	if (n > 1 && (parts[n - 1] >= 60 || (n == 3 && parts[1] >= 60)))
		return -1;
	*out = (int64_t)(v * 1000 + 0.5);
	return 0;
}

/* mkdir -p with mode for every directory created. */
int
mkdir_p(const char *path, int mode)
{
	char *copy, *p;
	struct stat st;
	int rc = 0;

	if (stat(path, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
	copy = xstrdup(path);
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, (mode_t)mode) != 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*p = '/';
	}
	if (rc == 0 && mkdir(copy, (mode_t)mode) != 0 && errno != EEXIST)
		rc = -1;
	free(copy);
	return rc;
}

/* 1 if path names a regular file. */
int
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Trim white space at both ends, in place. */
char *
strtrim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Length of the valid UTF-8 character at p (at most left bytes), or 0. */
size_t
utf8_char(const unsigned char *p, size_t left)
{
	size_t n, i;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* Characters in s[0..n): each valid sequence is one, each other byte one. */
size_t
utf8_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t c = 0, k;

	while (n > 0) {
		k = utf8_char(p, n);
		k = k > 0 ? k : 1;
		p += k;
		n -= k;
		c++;
	}
	return c;
}

/* Bytes of the first chars characters of s[0..n) (all of it if shorter). */
size_t
utf8_prefix(const char *s, size_t n, size_t chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0, k;

	while (used < n && chars > 0) {
		k = utf8_char(p + used, n - used);
		used += k > 0 ? k : 1;
		chars--;
	}
	return used;
}

/* Offset of the first byte of s[0..n) that is not valid UTF-8, or n. */
size_t
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0, k;

	while (used < n && (k = utf8_char(p + used, n - used)) > 0)
		used += k;
	return used;
}

/* Where the last character of s[0..n) starts (0 if none). */
size_t
utf8_back(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	do
		n--;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80);
	return n;
}

/* Copy, cut on a character boundary, invalid bytes as '?'. */
char *
utf8_copy(char *dst, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)(src != NULL ? src : "");
	size_t left = strlen((const char *)p), used = 0, n;

	if (size == 0)
		return dst;
	while (left > 0) {
		n = utf8_char(p, left);
		if (used + (n > 0 ? n : 1) > size - 1)
			break;
		if (n == 0) {
			dst[used++] = '?';
			n = 1;
		} else {
			memcpy(dst + used, p, n);
			used += n;
		}
		p += n;
		left -= n;
	}
	dst[used] = '\0';
	return dst;
}

/* Parse a whole-string integer within [min, max]. */
int
parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
