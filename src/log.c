/*
 * log.c: the logger. One mutex guards the ring, the sinks and the secret
 * list; log_msg may be called from any thread, FFmpeg's callback included.
 */
#include "src/log.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <libavutil/log.h>

#include "src/util.h"

#define MAX_SECRETS 16

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_entry log_ring[LOG_RING_SIZE];
static uint64_t log_seq;
static const char *log_ident = "retrovue";
static int log_flags = LOG_TO_STDERR;
static enum log_level log_print_level = LOGL_WARN;
static int log_debug_on;
static char *log_secrets[MAX_SECRETS];
static void (*log_listener)(void *);
static void *log_listener_arg;

static const char *level_names[] = { "error", "warning", "info", "debug" };

/* Set up sinks and threshold. */
void
log_open(const char *ident, int flags, enum log_level print_level)
{
	pthread_mutex_lock(&log_lock);
	log_ident = ident;
	log_flags = flags;
	log_print_level = print_level;
	if (flags & LOG_TO_SYSLOG)
		openlog(ident, LOG_PID, LOG_DAEMON);
	pthread_mutex_unlock(&log_lock);
}

/* Replace the sinks. */
void
log_set_flags(int flags)
{
	pthread_mutex_lock(&log_lock);
	if ((flags & LOG_TO_SYSLOG) && !(log_flags & LOG_TO_SYSLOG))
		openlog(log_ident, LOG_PID, LOG_DAEMON);
	log_flags = flags;
	pthread_mutex_unlock(&log_lock);
}

/* The current sinks. */
int
log_get_flags(void)
{
	int flags;

	pthread_mutex_lock(&log_lock);
	flags = log_flags;
	pthread_mutex_unlock(&log_lock);
	return flags;
}

/* Set the print threshold. */
void
log_set_level(enum log_level print_level)
{
	pthread_mutex_lock(&log_lock);
	log_print_level = print_level;
	pthread_mutex_unlock(&log_lock);
}

/* Keep debug lines and make FFmpeg verbose. */
void
log_set_debug(int on)
{
	pthread_mutex_lock(&log_lock);
	log_debug_on = on;
	pthread_mutex_unlock(&log_lock);
	av_log_set_level(on ? AV_LOG_VERBOSE : AV_LOG_WARNING);
}

/* Close syslog and forget secrets. */
void
log_close(void)
{
	int i;

	pthread_mutex_lock(&log_lock);
	if (log_flags & LOG_TO_SYSLOG)
		closelog();
	for (i = 0; i < MAX_SECRETS; i++)
		freep(&log_secrets[i]);
	log_listener = NULL;
	pthread_mutex_unlock(&log_lock);
}

/* Remember a secret to mask. */
void
log_add_secret(const char *secret)
{
	int i;

	if (secret == NULL || strlen(secret) < 4)
		return;
	pthread_mutex_lock(&log_lock);
	for (i = 0; i < MAX_SECRETS; i++) {
		if (log_secrets[i] != NULL && strcmp(log_secrets[i], secret) == 0)
			break;
		if (log_secrets[i] == NULL) {
			log_secrets[i] = xstrdup(secret);
			break;
		}
	}
	pthread_mutex_unlock(&log_lock);
}

/* Mask every occurrence of needle in buf (in place, same length). */
static void
mask_all(char *buf, const char *needle)
{
	size_t n = strlen(needle);
	char *p = buf;

	while ((p = strstr(p, needle)) != NULL) {
		memset(p, '*', n);
		p += n;
	}
}

/* Mask the value after every "X-Plex-Token", "X-Emby-Token", "api_key" (= or : separated). */
static void
mask_tokens(char *buf)
{
	static const char *const keys[] = { "x-plex-token", "x-emby-token", "api_key" };
	char *p = buf;
	size_t k, n = 0;

	while (*p != '\0') {
		for (k = 0; k < nitems(keys); k++)
			if (strncasecmp(p, keys[k], (n = strlen(keys[k]))) == 0)
				break;
		if (k == nitems(keys)) {
			p++;
			continue;
		}
		p += n;
		if (*p == '"')
			p++;
		while (*p == ' ' || *p == '=' || *p == ':' || *p == '"')
			p++;
		while (*p != '\0' && *p != '&' && *p != '"' && *p != '\'' &&
		    !isspace((unsigned char)*p))
			*p++ = '*';
	}
}

/* Redact in place; caller holds log_lock. */
static void
redact_locked(char *buf)
{
	int i;

	for (i = 0; i < MAX_SECRETS; i++) {
		if (log_secrets[i] != NULL)
			mask_all(buf, log_secrets[i]);
	}
	mask_tokens(buf);
}

/* A redacted copy of s. */
char *
log_redact(const char *s)
{
	char *copy = xstrdup(s != NULL ? s : "");

	pthread_mutex_lock(&log_lock);
	redact_locked(copy);
	pthread_mutex_unlock(&log_lock);
	return copy;
}

/* Store a finished line and print it; caller holds log_lock. */
static void
emit_locked(enum log_level level, char *text)
{
	struct log_entry *e;
	char when[32];
	int64_t ms = now_ms();
	size_t n;
	static const int syslog_levels[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	if (n == 0)
		return;
	redact_locked(text);

	e = &log_ring[log_seq % LOG_RING_SIZE];
	e->seq = ++log_seq;
	e->time_ms = ms;
	e->level = level;
	utf8_copy(e->text, sizeof e->text, text);

	if (level <= log_print_level) {
		if (log_flags & LOG_TO_SYSLOG)
			syslog(syslog_levels[level], "%s", text);
		if (log_flags & LOG_TO_STDERR) {
			if (log_flags & LOG_TIMESTAMPS) {
				fmt_utc(when, sizeof when, ms);
				fprintf(stderr, "%s %s: %s\n", when, level_names[level], text);
			} else if (level == LOGL_INFO)
				fprintf(stderr, "%s\n", text);
			else
				fprintf(stderr, "%s: %s: %s\n", log_ident, level_names[level], text);
		}
	}
}

/* Log a formatted message. */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	char text[LOG_TEXT_MAX * 2];
	void (*fn)(void *);
	void *arg;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);

	pthread_mutex_lock(&log_lock);
	if (level == LOGL_DEBUG && !log_debug_on) {
		pthread_mutex_unlock(&log_lock);
		return;
	}
	emit_locked(level, text);
	fn = log_listener;
	arg = log_listener_arg;
	pthread_mutex_unlock(&log_lock);
	if (fn != NULL)
		fn(arg);
}

/* Copy entries newer than after, oldest first. */
size_t
log_ring_read(uint64_t after, struct log_entry *out, size_t max)
{
	uint64_t first, s;
	size_t n = 0;

	pthread_mutex_lock(&log_lock);
	first = log_seq > LOG_RING_SIZE ? log_seq - LOG_RING_SIZE + 1 : 1;
	if (after + 1 > first)
		first = after + 1;
	if (max < log_seq + 1 - first && log_seq >= first)
		first = log_seq + 1 - max;
	for (s = first; s <= log_seq && n < max; s++)
		out[n++] = log_ring[(s - 1) % LOG_RING_SIZE];
	pthread_mutex_unlock(&log_lock);
	return n;
}

/* The newest sequence number. */
uint64_t
log_ring_last(void)
{
	uint64_t s;

	pthread_mutex_lock(&log_lock);
	s = log_seq;
	pthread_mutex_unlock(&log_lock);
	return s;
}

/* Install or clear the new-entry listener. */
void
log_set_listener(void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&log_lock);
	log_listener = fn;
	log_listener_arg = arg;
	pthread_mutex_unlock(&log_lock);
}

/* "error", "warning", "info", "debug". */
const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= nitems(level_names))
		return "?";
	return level_names[level];
}

/* Parse a level name (also "warn"). */
int
log_level_parse(const char *s, enum log_level *out)
{
	size_t i;

	if (strcasecmp(s, "warn") == 0) {
		*out = LOGL_WARN;
		return 0;
	}
	for (i = 0; i < nitems(level_names); i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* This thread's capture of FFmpeg's errors (log_capture_ffmpeg). */
static _Thread_local char *capture_buf;
static _Thread_local size_t capture_len;

/* Capture FFmpeg's errors on this thread, or stop (NULL). */
void
log_capture_ffmpeg(char *buf, size_t len)
{
	capture_buf = len > 0 ? buf : NULL;
	capture_len = len;
	if (capture_buf != NULL)
		capture_buf[0] = '\0';
}

/* Keep the first error line of a capture, without its context prefix. */
static void
capture(const char *line)
{
	const char *p = line, *q;
	size_t n;

	if (capture_buf[0] != '\0')
		return;
	while (*p == '[' && (q = strchr(p, ']')) != NULL)
		for (p = q + 1; *p == ' '; p++)
			;
	n = strcspn(p, "\n");
	snprintf(capture_buf, capture_len, "%.*s", (int)n, p);
}

/*
 * FFmpeg calls this from any thread, often with partial lines: each thread
 * gathers its own line until the newline.
 */
static void
ffmpeg_callback(void *avcl, int level, const char *fmt, va_list vl)
{
	static _Thread_local char line[LOG_TEXT_MAX];
	static _Thread_local int print_prefix = 1;
	char part[LOG_TEXT_MAX];
	enum log_level l;
	size_t len;

	if (level > av_log_get_level())
		return;
	av_log_format_line2(avcl, level, fmt, vl, part, sizeof part, &print_prefix);
	len = strlen(line);
	snprintf(line + len, sizeof line - len, "%s", part);
	len = strlen(line);
	if (len == 0 || (line[len - 1] != '\n' && len < sizeof line - 1))
		return;

	if (level <= AV_LOG_ERROR)
		l = LOGL_ERROR;
	else if (level <= AV_LOG_WARNING)
		l = LOGL_WARN;
	else if (level <= AV_LOG_INFO)
		l = LOGL_INFO;
	else
		l = LOGL_DEBUG;
	if (l == LOGL_ERROR && capture_buf != NULL) {
		capture(line);
		line[0] = '\0';
		return;
	}
	/* FFmpeg's errors are about one stream; they are our warnings. */
	if (l == LOGL_ERROR)
		l = LOGL_WARN;
	log_msg(l, "ffmpeg: %s", line);
	line[0] = '\0';
}

/* Install the FFmpeg log callback. */
void
log_route_ffmpeg(void)
{
	av_log_set_level(AV_LOG_WARNING);
	av_log_set_callback(ffmpeg_callback);
}
