/*
 * settings.h: what the program needs before it opens the database: bind
 * address, port, database path, data directory, channel limits, log level.
 * Each value comes from, in rising precedence: the built-in default, the
 * settings file (/etc/retrovue.conf or $XDG_CONFIG_HOME/retrovue.conf, or
 * --config), the environment, the command line; each remembers where it
 * came from for 'retrovue config show'.
 *
 * The file is "key = value" lines under [section] headers; # and ; start
 * comments. Keys are written section.key here ("daemon.port").
 */
#ifndef RV_SETTINGS_H
#define RV_SETTINGS_H

#include <stddef.h>

enum setting_id {
	SET_DB_PATH,
	SET_DATA_DIR,
	SET_BIND,
	SET_PORT,
	SET_MAX_CHANNELS,
	SET_IDLE_TIMEOUT,
	SET_CHANNELS,
	SET_SSDP,
	SET_LOG_LEVEL,
	SET_COUNT,
};

struct settings {
	char *value[SET_COUNT];         /* owned; NULL: unset */
	char *source[SET_COUNT];        /* owned: "default", "/etc/retrovue.conf:12", ... */
	char *file;                     /* the file read, or NULL */
};

/* Fill in the built-in defaults. */
void settings_init(struct settings *s);
/*
 * Read the settings file: path if given (it must exist), else the first of
 * $XDG_CONFIG_HOME/retrovue.conf (~/.config) and /etc/retrovue.conf that
 * exists. Bad lines are logged as warnings naming file and line, and
 * skipped. Returns 0, or -1 with *cause when path cannot be read.
 */
int settings_load(struct settings *s, const char *path, char **cause);
/* The same from memory (name stands for the file in warnings). 0, or -1. */
int settings_parse_text(struct settings *s, const char *name, const char *text, size_t len);
/* Set one value with its source (the environment, a flag). */
void settings_set(struct settings *s, enum setting_id id, const char *value, const char *source);
const char *settings_get(const struct settings *s, enum setting_id id);
/* "daemon.port", ... */
const char *settings_key(enum setting_id id);
/* Check a value for its setting (a port is a port); 0 ok, -1 with *cause. */
int settings_check(enum setting_id id, const char *value, char **cause);
void settings_free(struct settings *s);

#endif
