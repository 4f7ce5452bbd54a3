/*
 * log.h: the program's one logger. Every message goes to an in-memory ring
 * (which the console and the control socket read) and, above a threshold,
 * to stderr or syslog. FFmpeg's own log is routed into it. Secrets that
 * were registered (a Plex token) and X-Plex-Token values are masked in
 * every line before it is stored or printed.
 */
#ifndef RV_LOG_H
#define RV_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOGL_ERROR,
	LOGL_WARN,
	LOGL_INFO,
	LOGL_DEBUG,
};

#define LOG_TEXT_MAX 480
#define LOG_RING_SIZE 4096

struct log_entry {
	uint64_t seq;                   /* 1, 2, ... never reused */
	int64_t time_ms;                /* UTC, ms */
	enum log_level level;
	char text[LOG_TEXT_MAX];
};

/* Where lines above the print threshold go. */
#define LOG_TO_STDERR   0x1
#define LOG_TO_SYSLOG   0x2
#define LOG_TIMESTAMPS  0x4             /* prefix stderr lines with the time */

/* Set up: ident for syslog and stderr prefixes, sinks, print threshold. */
void log_open(const char *ident, int flags, enum log_level print_level);
/* Change the sinks (e.g. the console turns stderr off while it runs). */
void log_set_flags(int flags);
int log_get_flags(void);
void log_set_level(enum log_level print_level);
/* Debug: keep debug lines in the ring and let FFmpeg say more. */
void log_set_debug(int on);
void log_close(void);

/* Mask this string in every future log line (copied; at least 4 chars). */
void log_add_secret(const char *secret);
/* Return a copy of s with secrets and token values masked. */
char *log_redact(const char *s);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOGL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOGL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOGL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOGL_DEBUG, __VA_ARGS__)

/* Copy up to max entries with seq > after, oldest first; returns count. */
size_t log_ring_read(uint64_t after, struct log_entry *out, size_t max);
/* The newest sequence number (0 if nothing was logged). */
uint64_t log_ring_last(void);
/* Call fn(arg) (from the logging thread) after each new entry; NULL clears. */
void log_set_listener(void (*fn)(void *), void *arg);

const char *log_level_name(enum log_level level);
int log_level_parse(const char *s, enum log_level *out);

/* Route FFmpeg's av_log into this logger (thread-safe). */
void log_route_ffmpeg(void);
/*
 * On this thread, keep FFmpeg's first error line in buf (without its
 * "[filter @ 0x...]" prefix) instead of logging its error lines, until
 * called again with NULL: a caller that tries something and says what
 * failed in one line of its own (a tail overlay that cannot be built).
 */
void log_capture_ffmpeg(char *buf, size_t len);

#endif
