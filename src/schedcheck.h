/*
 * schedcheck.h: the fine log's invariants, checked after every build and
 * in the tests:
 *
 *   - items are contiguous: no gap, no overlap;
 *   - end - start == out - in, 0 <= in, out <= the file's length; a slate
 *     has no file and everything else has one that is in the library;
 *   - every programme (block) starts on a slot boundary of the channel's
 *     zone within one frame, and its first item starts it;
 *   - a programme's acts play one file in order, contiguous from 0 to its
 *     end; no break nearer its start or end than the channel's margin;
 *   - everything is within the channel's rating limit and audience;
 *   - no commercial airs after its last day;
 *   - no two commercials of one company or one category in a pod;
 *   - a guide channel's generated items (finelog.h GUIDE_ITEM_*) have no
 *     file, one per slot, and appear on guide channels only.
 *   - off-air periods: a block starting in the channel's off-air hours is
 *     sign-off, bars or test card, sign-on and nothing else, and ends at
 *     sign-on; off-air items appear nowhere else;
 *   - a rating card comes right before its programme and names its rating;
 *   - nothing with a seasonal preference airs out of season; a slot with
 *     dates or a marathon places programmes only on the dates it is
 *     active (when the slots are given);
 *   - (stored fine log) no programme airs while another channel airs the
 *     same file;
 *   - eras and series (src/era.h): a bumper of a series airs only in that
 *     series' programmes; a commercial or station ID of another era than
 *     its break prefers (the channel's years, or its programme's decade),
 *     or a bumper around a programme's break that is not its series' own
 *     or not of the era, airs only when no preferred one as long or
 *     shorter could have: one the channel allows, not expired and in
 *     season over the break, for the daypart, of no company or category
 *     already in the pod (commercials), for its side of the break
 *     (bumpers). These are judged against the library as it is now: a log
 *     built before clips were added or dated may fail them until it is
 *     rebuilt.
 */
#ifndef RV_SCHEDCHECK_H
#define RV_SCHEDCHECK_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "src/finelog.h"
#include "src/schedlib.h"

/*
 * Check items (time order, one channel). Returns the number of problems;
 * *report (if not NULL) gets one line per problem (the first 50), or NULL
 * when there are none.
 */
int schedcheck_items(const struct schedlib *lib, const struct sched_channel *ch,
    const struct fine_item *items, size_t n, char **report);
struct coarse_slot;
/* schedcheck_items with the channel's coarse slots (for their dates and marathons). */
int schedcheck_items_slots(const struct schedlib *lib, const struct sched_channel *ch,
    const struct coarse_slot *slots, size_t n_slots, const struct fine_item *items, size_t n,
    char **report);
/*
 * Check a channel's fine log over [from_ms, to_ms) as stored. Returns the
 * number of problems (with *report), or -1 with *cause.
 */
int schedcheck_channel(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    char **report, char **cause);
/*
 * What a channel's era came to over [from_ms, to_ms) of its stored fine
 * log: a line for each kind of clip (commercials, bumpers, station IDs)
 * of which some aired in breaks preferring an era but were of another,
 * saying why (the library has none of that era the channel may air, or
 * the pod rules left none); *note NULL when every clip was of its era or
 * the channel has none. Not a problem: any era fills when none fits.
 * 0, or -1 with *cause.
 */
int schedcheck_era_note(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    char **note, char **cause);

#endif
