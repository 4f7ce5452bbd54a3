/*
 * chanfield.h: a channel's settings, each described once, in the manner of
 * tmux's options-table.c. One row of chanfields[] (src/chanfield.c) gives
 * a setting every name it goes by and everything known about its values:
 *
 *   name     "video_kbps": its name in C and its key in the control
 *            socket's JSON (channels.list, channels.add, channels.set)
 *   flag     "video-kbps": retrovue channel add|edit --video-kbps
 *   column   "video_bitrate_kbps": in the table channels
 *   type     what its values are (below), min and max its range
 *   label    "Video kbit/s": the console's channel form, and messages
 *   help     a line of 'retrovue channel --help'
 *   show     "format": its line in 'retrovue channel show'
 *
 * Every place that deals with channel settings walks the table:
 * validation and the column writes (src/chanedit.c), reading a channel
 * (src/channels.c), 'retrovue channel add|edit|show' (src/cmd/channel.c),
 * the control socket's channels.* (engine/api_channels.c) and the
 * console's channel form (tui/dlg_settings.c).
 *
 * Adding a channel setting is one row here and one migration:
 *
 *   1. sql/NNN_name.sql: ALTER TABLE channels ADD COLUMN name TYPE
 *      [NOT NULL DEFAULT x] [CHECK (...)]; the default is what a channel
 *      gets when the setting is not given (NULL with CHANFIELD_CLEAR).
 *   2. a row in chanfields[], where its 'channel show' line should go:
 *      .name, .flag (NULL: none), .column, .type with .min/.max or
 *      .choices, .label, .help, .show, and .flags (CHANFIELD_CLEAR when
 *      it may be unset, CHANFIELD_DIALOG for the console's form). A value
 *      that needs more than its type checks (a file that must exist, an
 *      interval that divides the day) names a .check function.
 *
 * Nothing else changes: the CLI takes --flag (and lists it in its usage),
 * 'channel show' prints it, the control socket reads and writes it under
 * its name, the console's form offers it (with CHANFIELD_DIALOG), and
 * every value is checked the same way whichever way it came. Code that
 * acts on it reads it from a loaded channel with channel_conf_int(c,
 * "name") or channel_conf_str(c, "name") (src/channels.h); C code that
 * sets it uses chanedit_set_int/chanedit_set_str (src/chanedit.h).
 *
 * Kinds of value (enum chanfield_type), as typed and as stored:
 *   TEXT     printable text of .min to .max bytes             TEXT
 *   CHOICE   one of .choices ("bars|card")                      TEXT
 *   LIST     comma-separated items ("eng,fra"): each one of      TEXT "a,b"
 *            .choices, or with no choices any word that .check
 *            accepts (called for each item)
 *   INT      a whole number from .min to .max                    INTEGER
 *   SECONDS  a duration ("90", "8:00"), whole seconds .min-.max  INTEGER
 *   BOOL     yes/no, on/off, true/false, 1/0                     INTEGER 0/1
 *   TIME     a local time of day "HH:MM"                         TEXT
 *   CHANNEL  another, regular, channel by its number             its id
 *   VIRTUAL  no value of its own: a flag that sets other settings
 *            (.parse: --format sets width, height and frame rate) or a
 *            line of 'channel show' that prints several (.print)
 * With CHANFIELD_CLEAR, "none" (or "") unsets any kind: NULL is stored,
 * and an integer field reads back as null (channel_conf_null).
 */
#ifndef RV_CHANFIELD_H
#define RV_CHANFIELD_H

#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

enum chanfield_type {
	CHANFIELD_TEXT,
	CHANFIELD_CHOICE,
	CHANFIELD_LIST,
	CHANFIELD_INT,
	CHANFIELD_SECONDS,
	CHANFIELD_BOOL,
	CHANFIELD_TIME,
	CHANFIELD_CHANNEL,
	CHANFIELD_VIRTUAL,
};

#define CHANFIELD_CLEAR    0x01 /* may be unset: "none" or "" stores NULL */
#define CHANFIELD_REQUIRED 0x02 /* a new channel needs it */
#define CHANFIELD_ARG      0x04 /* an argument of 'channel add'; --flag of edit only */
#define CHANFIELD_DIALOG   0x08 /* in the console's channel form (it does not scroll:
                                   mind a 24-line terminal) */
#define CHANFIELD_ZERO     0x10 /* INT: "none" and "no" mean 0, shown as .none */

/* The most rows the table may have (struct chanedit holds one value each). */
#define CHANFIELDS_MAX 96

/*
 * One setting's value. In a struct chanedit (what to write) the text is
 * borrowed and set says it was given; "" unsets (CHANFIELD_CLEAR). In a
 * struct channel_conf (what was read) the text is owned and NULL is NULL.
 */
struct chanval {
	const char *s;                  /* text kinds; CHANNEL: its number */
	long long i;                    /* INT, SECONDS, BOOL; CHANNEL: its id */
	unsigned char set;              /* an edit: given */
	unsigned char null;             /* a number unset (CHANFIELD_CLEAR) */
};

struct chanfield {
	const char *name;               /* C and JSON name */
	const char *flag;               /* CLI --flag, NULL: none */
	const char *arg;                /* its argument in the usage; NULL: from the type */
	const char *column;             /* column of table channels; NULL for VIRTUAL */
	enum chanfield_type type;
	long long min, max;             /* INT, SECONDS: range; TEXT: length in bytes */
	const char *const *choices;     /* CHOICE, LIST: NULL-terminated */
	const char *label;              /* console label; its noun in messages */
	const char *help;               /* one line for 'retrovue channel --help' */
	const char *show;               /* 'channel show' line; NULL: not shown alone */
	const char *none;               /* show: unset, no, or 0 (CHANFIELD_ZERO); "-" if NULL */
	const char *some;               /* show: the yes of a BOOL; a number's text with '#'
	                                   for the number ("# minutes") */
	int flags;
	/* More checks of a value its type allows (LIST: of each item). */
	int (*check)(const struct chanfield *f, const char *s, long long i, char **cause);
	/* TEXT: the form to store (a rating "tv-14" as "TV-14") into buf. */
	const char *(*norm)(const char *s, char *buf, size_t len);
	/* VIRTUAL: the flag's value into the fields it sets (v by row; buf for text). */
	int (*parse)(const char *arg, struct chanval *v, char *buf, size_t len, char **cause);
	/* Its 'channel show' line(s) from the values of a channel (v by row). */
	void (*print)(FILE *out, const struct chanfield *f, const struct chanval *v,
	    sqlite3 *db);
};

extern const struct chanfield chanfields[];
extern const size_t nchanfields;

/* A row by name; NULL if there is none. */
const struct chanfield *chanfield_find(const char *name);
/* A row's index (its value's place in a chanval array), by name; -1 if none. */
int chanfield_index(const char *name);
/*
 * Text as an operator types it (the CLI, the console, a JSON string) into
 * v (the values by row): "none" unsets, "yes" is 1, "8:00" 480 seconds;
 * a VIRTUAL flag sets its fields, keeping text it makes in buf. 0, or -1
 * with *cause saying what is wrong with text (without the field's name).
 */
int chanfield_parse(const struct chanfield *f, const char *text, struct chanval *v,
    char *buf, size_t len, char **cause);
/* Check one value that is set: its type, range, choices and .check. */
int chanfield_check(const struct chanfield *f, const struct chanval *val, char **cause);
/* Check what a set of values says together (sign-off with sign-on, frame rate). */
int chanfield_check_all(const struct chanval *v, char **cause);
/* The noun of a field in messages: its label, lower case first ("video kbit/s"). */
const char *chanfield_noun(const struct chanfield *f, char *buf, size_t len);
/* The argument in the usage: .arg, else one made from the type ("yes|no"). */
const char *chanfield_arg(const struct chanfield *f, char *buf, size_t len);
/* Print 'channel show' of a channel's values (v by row, as read). */
void chanfield_print(FILE *out, const struct chanval *v, sqlite3 *db);
/* A picture format as text: "1280x720@30", "640x360@29.97". */
const char *chanfield_format(int width, int height, int fps_num, int fps_den, char *buf,
    size_t len);

#endif
