/*
 * api_lib.h: the control socket's editing commands, behind the console's
 * dialogs (metadata, chapters, sync, settings, schedule) and 'retrovue
 * ctl'. Each changes the database through the same core functions the CLI
 * uses, rebuilds what the change affects, and broadcasts an event so every
 * attached console shows it. Slow work runs as a job in a pool; the
 * command answers {"job": N} at once and the job reports through events
 * (engine/api_job.h):
 *
 *   job.progress {job, kind, done, total, message[, level, index, count]}
 *   job.message  {job, kind, level, text}            (sync changes, warnings)
 *   job.done     {job, kind, peer, result | error}   (frame.at's: to the asker only)
 *
 * The commands live in one file per resource, each with a table of its
 * commands (engine/api_cmd.h says which file holds which, and how to add
 * one); api_lib.c registers them all.
 *
 * Commands (arguments in braces):
 *   (a media file is "file", not "id": "id" numbers the request itself)
 *   content.get {file}            editable scheduling metadata, read-only details
 *   content.set {file, set: {key: value}}   keys as 'retrovue content set'
 *   chapters.get {file}           markers, duration, frame rate
 *   chapters.set {file, markers: [{ms, title, source}]}   replace; rebuild
 *   chapters.detect {file}        job: black-and-silent points
 *   frame.at {file, ms, width, height}   job: RGB24 picture (base64) at ms;
 *                               a newer one from the same client cancels it
 *   job.cancel {job}
 *   sync.start {plex, tmm, source, libraries: [], tmm_dirs: [], force}   job
 *   sync.history {limit}
 *   sources.list, sources.add {name, url, token}, sources.remove {source} (job),
 *   sources.test {source} (job)
 *   paths.list, paths.add {plex_path, local_path, source} (job),
 *   paths.remove {rule} (job), paths.test {path, source}
 *   tmm.list, tmm.add {path, name, subdirs}, tmm.remove {dir} (job)
 *   channel.start {number} (job), channel.stop {number} (job)
 *   channels.list, channels.add {number, name, ...}, channels.set {number,
 *   new_number, ...}: every channel setting under its name (src/chanfield.h)
 *   slots.list {number, hours}, slots.add {number, days, start, end, type,
 *   show_id, shows, content_id, and the slot options of src/coarse.h: genre,
 *   max_rating, priority, dates, marathon, ...},
 *   slots.move {number, slot, days, start, end}, slots.remove {number, slot}
 *
 * The slow commands are jobs so that nothing waits for them: a removal
 * (every file of a source or directory, then every channel rescheduled), a
 * path mapping (every stored path re-mapped), a channel stopped by hand
 * (its thread joined). They are checked at once (a missing argument is an
 * error reply), answer {job, kind} and run in order, one at a time; their
 * job.done carries the result: sources.remove and tmm.remove {files_removed,
 * rescheduled}, paths.add {id, remapped}, paths.remove {remapped},
 * channel.start and channel.stop {number, state}, or the error.
 *
 * content.set, chapters.set, channels.* and slots.* change the database at
 * once and answer {id, job, kind: "rebuild"}: the affected fine logs are
 * rebuilt after the locked window by a job (one at a time, never on the
 * control thread), whose job.done lists {rebuilt: [{number, items|error}]}.
 *
 * Events after a change: content.changed {id}, chapters.changed {id},
 * sources.changed, paths.changed, tmm.changed, channels.changed,
 * slots.changed {number}, schedule.changed {number} (a fine log rebuilt),
 * library.changed (after a sync).
 */
#ifndef RV_ENGINE_API_LIB_H
#define RV_ENGINE_API_LIB_H

struct api;
struct api_lib;
struct control;

/* The commands' state (job pools, the control thread's connection). */
struct api_lib *api_lib_new(struct api *api, struct control *c);
/* Register the commands on c. */
void api_lib_register(struct control *c, struct api_lib *l);
/* Cancel the jobs and wait for them; no event is sent after this. */
void api_lib_stop(struct api_lib *l);
/* Stop and free; accepts NULL, sets *lp NULL. */
void api_lib_free(struct api_lib **lp);

#endif
