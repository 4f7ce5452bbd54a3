/*
 * chanedit.h: creating, changing and removing channels, with every value
 * checked before it reaches the database (src/channels.h reads them). The
 * CLI's 'retrovue channel', the control socket's channels.* and the demo
 * share it. The settings are the rows of src/chanfield.h, set by name.
 */
#ifndef RV_CHANEDIT_H
#define RV_CHANEDIT_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "src/chanfield.h"

/*
 * What to set: a value for each row of chanfields[], used when given.
 * Text is borrowed (it must outlive the edit); "" or "none" typed (or ""
 * set) unsets a CHANFIELD_CLEAR setting.
 */
struct chanedit {
	struct chanval v[CHANFIELDS_MAX];       /* by row of chanfields[] */
	char buf[64];                           /* text a flag's parser made */
};

/* Everything unset. */
void chanedit_init(struct chanedit *e);
/*
 * Set a setting by name from C: text (NULL: leave it alone again; "":
 * unset it) or a number. A name that is not a row is a bug: abort.
 */
void chanedit_set_str(struct chanedit *e, const char *name, const char *s);
void chanedit_set_int(struct chanedit *e, const char *name, long long n);
/* A setting's text (NULL if not given, "" if unset), or its number (dflt if not given). */
const char *chanedit_str(const struct chanedit *e, const char *name);
long long chanedit_int(const struct chanedit *e, const char *name, long long dflt);
/*
 * A setting as an operator types it (see chanfield_parse), by field. 0, or
 * -1 with *cause saying what is wrong with the text.
 */
int chanedit_parse(struct chanedit *e, const struct chanfield *f, const char *text,
    char **cause);
/*
 * The settings a JSON object gives under their names (a string is taken
 * as typed, a number or true/false as such; null or absent: not given;
 * other keys are ignored). Strings are borrowed from obj. 0, or -1 with
 * *cause naming the key.
 */
int chanedit_from_json(struct chanedit *e, json_t *obj, char **cause);
/* Check what is set; 0, or -1 with *cause naming the field and value. */
int chanedit_check(const struct chanedit *e, char **cause);
/* Add a channel (number and name required); its id in *id. */
int chanedit_add(sqlite3 *db, const struct chanedit *e, int64_t *id, char **cause);
/* Change a channel. */
int chanedit_update(sqlite3 *db, int64_t id, const struct chanedit *e, char **cause);
/* Remove a channel with its schedules, fine log and as-run log. */
int chanedit_remove(sqlite3 *db, int64_t id, char **cause);

#endif
