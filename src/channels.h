/*
 * channels.h: channel definitions as stored in the channels table: guide
 * identity, rules and output format. The engine reads them to build a
 * channel's pipeline; the scheduler reads them to build its fine log.
 * Every setting of src/chanfield.h is read; the members below are the
 * ones the engine has always read by name, and any setting (a new one
 * has no member) is read with channel_conf_int and channel_conf_str.
 */
#ifndef RV_CHANNELS_H
#define RV_CHANNELS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

struct chanval;

struct channel_conf {
	int64_t id;
	char *number;                   /* guide number, "4" or "4.1" */
	char *name;
	char *call_sign;                /* may be NULL */
	char *description;
	char *demographic;              /* target_demographic, may be NULL */
	char *rating_limit;             /* content_rating_limit, may be NULL */
	char *timezone;                 /* IANA name, "UTC" by default */
	char *logo_path;
	char *bug_path;
	char *audio_language;           /* ISO 639-2 or NULL */
	int slot_minutes;
	int width, height;
	int fps_num, fps_den;
	int video_kbps, audio_kbps;
	int always_on;
	int enabled;
	/* The guide channel (migration 6). */
	int guide;                      /* channel_type 'guide': airs the listings */
	int64_t guide_source_id;        /* the channel its upper part shows, 0 for none */
	char *guide_music_dir;          /* background music folder, or NULL: silence */
	int guide_hours;                /* hours of listings shown */
	/* Every setting by row of chanfields[] (owned; NULL when not read from the database). */
	struct chanval *vals;
};

/* All channels ordered by number (numerically: 2 < 4.1 < 10). */
int channels_load(sqlite3 *db, struct channel_conf **out, size_t *n, char **cause);
/* One channel by guide number. 0 found, 1 no such channel, -1 error. */
int channels_find(sqlite3 *db, const char *number, struct channel_conf *out, char **cause);
/* One channel by id. 0 found, 1 none, -1 error. */
int channels_get(sqlite3 *db, int64_t id, struct channel_conf *out, char **cause);
/* Deep copy of src into dst (free with channel_conf_clear). */
void channel_conf_copy(struct channel_conf *dst, const struct channel_conf *src);
/* Free the strings of one conf (not the struct). */
void channel_conf_clear(struct channel_conf *c);
/* Free an array from channels_load; sets *list to NULL. */
void channels_free(struct channel_conf **list, size_t n);

/*
 * A setting of a loaded channel by its name in src/chanfield.h: a number
 * (BOOL 0 or 1; CHANNEL the id; 0 when NULL) or text (CHANNEL the number;
 * NULL when NULL). A name that is not a row is a bug: abort.
 */
long long channel_conf_int(const struct channel_conf *c, const char *name);
const char *channel_conf_str(const struct channel_conf *c, const char *name);
/* Is a setting NULL (unset)? */
int channel_conf_null(const struct channel_conf *c, const char *name);
/*
 * The control socket's view of a channel: {"id", then every setting
 * under its name} (text "" when NULL, numbers, BOOLs true/false); new.
 */
json_t *channel_conf_json(const struct channel_conf *c);

#endif
