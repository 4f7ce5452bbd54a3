/*
 * settings.c: the settings file and the precedence of sources.
 */
#include "src/settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/chanset.h"
#include "src/log.h"
#include "src/util.h"

static const struct {
	const char *key;
	const char *dflt;               /* NULL: computed elsewhere (paths) */
} table[SET_COUNT] = {
	[SET_DB_PATH] = { "paths.db_path", NULL },
	[SET_DATA_DIR] = { "paths.data_dir", NULL },
	[SET_BIND] = { "daemon.bind", "0.0.0.0" },
	[SET_PORT] = { "daemon.port", "8080" },
	[SET_MAX_CHANNELS] = { "daemon.max_channels", "4" },
	[SET_IDLE_TIMEOUT] = { "daemon.idle_timeout", "60" },
	[SET_CHANNELS] = { "daemon.channels", "all" },
	[SET_SSDP] = { "daemon.ssdp", "yes" },
	[SET_LOG_LEVEL] = { "log.level", "info" },
};

/* Defaults. */
void
settings_init(struct settings *s)
{
	int i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < SET_COUNT; i++) {
		if (table[i].dflt != NULL)
			settings_set(s, (enum setting_id)i, table[i].dflt, "default");
	}
}

/* The key of a setting. */
const char *
settings_key(enum setting_id id)
{
	return (unsigned)id < SET_COUNT ? table[id].key : "?";
}

/* Value or NULL. */
const char *
settings_get(const struct settings *s, enum setting_id id)
{
	return s->value[id];
}

/* Replace a value and its source. */
void
settings_set(struct settings *s, enum setting_id id, const char *value, const char *source)
{
	free(s->value[id]);
	free(s->source[id]);
	s->value[id] = value != NULL ? xstrdup(value) : NULL;
	s->source[id] = xstrdup(source);
}

/* Is value acceptable for id? */
int
settings_check(enum setting_id id, const char *value, char **cause)
{
	long long n;

	switch (id) {
	case SET_PORT:
		if (parse_int(value, 0, 65535, &n) != 0)
			goto bad;
		break;
	case SET_MAX_CHANNELS:
		if (parse_int(value, 1, 10000, &n) != 0)
			goto bad;
		break;
	case SET_IDLE_TIMEOUT:
		if (parse_int(value, 1, 86400, &n) != 0)
			goto bad;
		break;
	case SET_SSDP:
		if (strcasecmp(value, "yes") != 0 && strcasecmp(value, "no") != 0 &&
		    strcmp(value, "1") != 0 && strcmp(value, "0") != 0)
			goto bad;
		break;
	case SET_CHANNELS: {
		struct chanset *cs = chanset_parse(value, cause);

		if (cs == NULL)
			return -1;
		chanset_free(&cs);
		break;
	}
	case SET_LOG_LEVEL: {
		enum log_level l;

		if (log_level_parse(value, &l) != 0)
			goto bad;
		break;
	}
	default:
		if (*value == '\0')
			goto bad;
		break;
	}
	return 0;
bad:
	set_cause(cause, "%s: '%s' is not a valid value", table[id].key, value);
	return -1;
}

/* Find a setting by its full key. */
static int
find_key(const char *key)
{
	int i;

	for (i = 0; i < SET_COUNT; i++) {
		if (strcasecmp(table[i].key, key) == 0)
			return i;
	}
	return -1;
}

/* Parse one file. */
static int
load_file(struct settings *s, const char *path, FILE *f)
{
	char line[4096], section[64] = "", key[192], where[4200], *p, *eq, *k, *v, *cause;
	int lineno = 0, id;
	size_t n;

	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		n = strlen(line);
		if (n == sizeof line - 1 && line[n - 1] != '\n') {
			log_warn("%s:%d: line too long; skipped", path, lineno);
			while (fgets(line, sizeof line, f) != NULL && strchr(line, '\n') == NULL)
				;
			continue;
		}
		p = strtrim(line);
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			if (p[strlen(p) - 1] != ']' || strlen(p) - 2 >= sizeof section) {
				log_warn("%s:%d: malformed section header '%s'; skipped", path, lineno,
				    p);
				continue;
			}
			p[strlen(p) - 1] = '\0';
			snprintf(section, sizeof section, "%s", strtrim(p + 1));
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			log_warn("%s:%d: expected 'key = value', got '%s'; skipped", path, lineno, p);
			continue;
		}
		*eq = '\0';
		k = strtrim(p);
		v = strtrim(eq + 1);
		n = strlen(v);
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v[n - 1] = '\0';
			v++;
		}
		if (strchr(k, '.') == NULL && *section != '\0')
			snprintf(key, sizeof key, "%s.%s", section, k);
		else
			snprintf(key, sizeof key, "%s", k);
		if ((id = find_key(key)) < 0) {
			log_warn("%s:%d: unknown setting '%s'; skipped", path, lineno, key);
			continue;
		}
		cause = NULL;
		if (settings_check((enum setting_id)id, v, &cause) != 0) {
			log_warn("%s:%d: %s; skipped", path, lineno, cause);
			free(cause);
			continue;
		}
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		settings_set(s, (enum setting_id)id, v, where);
	}
	return 0;
}

/* Parse settings text (name: for the warnings). */
int
settings_parse_text(struct settings *s, const char *name, const char *text, size_t len)
{
	FILE *f;

	if (len == 0)
		return 0;
	if ((f = fmemopen((void *)(uintptr_t)text, len, "r")) == NULL)
		return -1;
	load_file(s, name, f);
	fclose(f);
	return 0;
}

/* Find and read the settings file. */
int
settings_load(struct settings *s, const char *path, char **cause)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *candidates[2] = { NULL, NULL };
	FILE *f = NULL;
	int i;

	if (path != NULL) {
		if ((f = fopen(path, "r")) == NULL) {
			set_cause(cause, "settings file %s: %s", path, strerror(errno));
			return -1;
		}
		s->file = xstrdup(path);
	} else {
		if (xdg != NULL && *xdg != '\0')
			xasprintf(&candidates[0], "%s/retrovue.conf", xdg);
		else if (home != NULL && *home != '\0')
			xasprintf(&candidates[0], "%s/.config/retrovue.conf", home);
		candidates[1] = xstrdup("/etc/retrovue.conf");
		for (i = 0; i < 2 && f == NULL; i++) {
			if (candidates[i] != NULL && (f = fopen(candidates[i], "r")) != NULL)
				s->file = xstrdup(candidates[i]);
		}
		free(candidates[0]);
		free(candidates[1]);
		if (f == NULL)
			return 0;
	}
	load_file(s, s->file, f);
	fclose(f);
	return 0;
}

/* Free everything. */
void
settings_free(struct settings *s)
{
	int i;

	for (i = 0; i < SET_COUNT; i++) {
		freep(&s->value[i]);
		freep(&s->source[i]);
	}
	freep(&s->file);
}
