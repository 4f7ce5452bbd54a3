/*
 * util.h: allocation that cannot fail, strings, time and files: the small
 * helpers every module uses.
 */
#ifndef RV_UTIL_H
#define RV_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof (a) / sizeof (a)[0])

/* Allocation wrappers: on failure they log and abort (memory is gone). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int xasprintf(char **ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int xvasprintf(char **ret, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Free *p and set it to NULL. */
void freep(void *p);

/* Set *cause to a new formatted message (if cause is not NULL). */
void set_cause(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wall-clock time, milliseconds since the epoch (UTC). */
int64_t now_ms(void);
/* Monotonic time in microseconds. */
int64_t mono_us(void);

/* Format ms as "hh:mm:ss.ff" at fps (ff = frames); buf holds 32 bytes. */
char *fmt_duration(char *buf, size_t len, int64_t ms, double fps);
/* Format ms since the epoch as ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ". */
char *fmt_utc(char *buf, size_t len, int64_t ms);
/* The current time as ISO-8601 UTC text. */
char *iso_now(char *buf, size_t len);

/* Parse "90", "1:30", "1:02:03", "1:02:03.5", "12.5s", "500ms" into ms. */
int parse_duration_ms(const char *s, int64_t *out);

/* Create dir and its parents with mode; 0 on success or if it exists. */
int mkdir_p(const char *path, int mode);
/* 1 if path is a regular file. */
int file_exists(const char *path);

/* Trim leading and trailing white space in place; returns s. */
char *strtrim(char *s);

/*
 * UTF-8, the one set of helpers. utf8_char: the length of the valid
 * character at p (at most left bytes: overlong forms, surrogates and
 * code points past U+10FFFF are not valid), or 0. utf8_chars: characters
 * in s[0..n), an invalid byte counting as one. utf8_prefix: the bytes of
 * the first chars characters. utf8_valid: the offset of the first invalid
 * byte, n if none. utf8_back: where the last character starts.
 */
size_t utf8_char(const unsigned char *p, size_t left);
size_t utf8_chars(const char *s, size_t n);
size_t utf8_prefix(const char *s, size_t n, size_t chars);
size_t utf8_valid(const char *s, size_t n);
size_t utf8_back(const char *s, size_t n);
/*
 * Copy src (NULL: "") into dst of size bytes, NUL included, cut on a
 * UTF-8 character boundary; a byte that is not part of a valid UTF-8
 * character becomes '?'. dst is always valid UTF-8 (and so fit for JSON
 * and drawtext). Returns dst.
 */
char *utf8_copy(char *dst, size_t size, const char *src);

/* Strict integer parse: whole string, in [min, max]. 0 on success. */
int parse_int(const char *s, long long min, long long max, long long *out);

#endif
