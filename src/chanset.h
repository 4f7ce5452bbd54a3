/*
 * chanset.h: a set of channel numbers, as --channels gives it ("all",
 * "2-9", "2-9,12,4.1"). A range covers whole numbers and their
 * sub-channels ("2-9" holds 4.1); a single number holds only itself. Several
 * daemons over one database each own one set; a daemon serves, lists and
 * schedules only the channels of its set.
 */
#ifndef RV_CHANSET_H
#define RV_CHANSET_H

struct chanset;

/* Parse text (NULL, "" or "all": every channel). NULL with *cause. */
struct chanset *chanset_parse(const char *text, char **cause);
/* Does the set hold this guide number? A NULL set holds every number. */
int chanset_has(const struct chanset *cs, const char *number);
/* The set as given ("all" for every channel). */
const char *chanset_text(const struct chanset *cs);
/* Is it every channel? */
int chanset_all(const struct chanset *cs);
void chanset_free(struct chanset **csp);

#endif
