/*
 * chanedit.h: creating, changing and removing channels, with every value
 * checked before it reaches the database (src/channels.h reads them). The
 * CLI's 'retrovue channel' and the console's channel dialog share it.
 */
#ifndef RV_CHANEDIT_H
#define RV_CHANEDIT_H

#include <stdint.h>

#include <sqlite3.h>

/*
 * What to set. Strings: NULL leaves a value alone (or takes the default on
 * add), "" clears it. Integers: -1 leaves it alone.
 */
struct chanedit {
	const char *number;             /* "4" or "4.1" */
	const char *name;
	const char *call_sign;
	const char *description;
	const char *demographic;        /* family, children, teens, adult, seniors, general */
	const char *rating_limit;       /* any rating src/rating.h parses; stored normalised */
	const char *timezone;           /* IANA name; default: the machine's zone */
	const char *logo_path;          /* file or http(s) URL */
	const char *bug_path;
	const char *audio_language;     /* ISO 639-2 */
	const char *guide_group;        /* M3U group-title */
	int slot_minutes;               /* divides 1440 */
	int width, height;
	int fps_num, fps_den;
	int video_kbps, audio_kbps;
	int always_on, enabled;
	int act_seconds;
	int break_margin_s;
	int bumpers;
	int station_id_minutes;         /* 0 or divides 1440 */
	int unrated_ok;
	const char *channel_type;       /* "regular" or "guide" */
	const char *guide_source;       /* number of the channel a guide shows; "" none */
	const char *guide_music_dir;    /* a guide's background music folder */
	int guide_hours;                /* hours of listings a guide shows, 1 to 12 */
	const char *signoff_time;       /* local "HH:MM"; with signon_time, "" both: none */
	const char *signon_time;
	const char *anthem_path;        /* an audio file under the sign-off card */
	const char *test_card;          /* "bars" or "card" */
	int rating_cards;
	int next_bumpers;
};

/* Everything unset. */
void chanedit_init(struct chanedit *e);
/* Check what is set; 0, or -1 with *cause naming the field and value. */
int chanedit_check(const struct chanedit *e, char **cause);
/* Add a channel (number and name required); its id in *id. */
int chanedit_add(sqlite3 *db, const struct chanedit *e, int64_t *id, char **cause);
/* Change a channel. */
int chanedit_update(sqlite3 *db, int64_t id, const struct chanedit *e, char **cause);
/* Remove a channel with its schedules, fine log and as-run log. */
int chanedit_remove(sqlite3 *db, int64_t id, char **cause);

#endif
