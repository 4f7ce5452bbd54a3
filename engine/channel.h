/*
 * channel.h: one channel's playout pipeline on its own thread ("rv-chN"):
 * it airs the fine log's items one after another from the wall-clock
 * position, through the per-item normaliser, the persistent tail graph and
 * the one persistent encoder pair, into the channel's segment ring. The
 * director starts and stops it; nothing else calls it.
 */
#ifndef RV_ENGINE_CHANNEL_H
#define RV_ENGINE_CHANNEL_H

#include <stdint.h>

#include "engine/ring.h"
#include "engine/status.h"
#include "engine/tail.h"
#include "src/channels.h"

struct channel_opts {
	const char *db_path;
	const struct channel_conf *conf;        /* copied */
	int segment_ms;                 /* steady segment length */
	int lead_ms;                    /* how far encoding may run ahead of the clock */
	const char *preset;             /* x264 preset */
	double loudness_target;         /* LUFS */
	int decode_threads;
	const struct tail_plugin *const *plugins;
	void *const *globals;
	int nplugins;
};

struct channel;

/*
 * Start the pipeline: it goes on the air into ring (sequence numbers from
 * at least min_seq) and reports into status. Returns NULL with *cause.
 */
struct channel *channel_start(const struct channel_opts *opts, struct ring *ring,
    struct status_block *status, int64_t min_seq, char **cause);
/* Ask the thread to stop (reason goes into the as-run log); returns at once. */
void channel_stop(struct channel *ch, const char *reason);
/* 1 once the thread has finished (stopped, or failed for good). */
int channel_done(struct channel *ch);
/* Stop if needed, wait for the thread, free; accepts NULL, sets *chp NULL. */
void channel_free(struct channel **chp, const char *reason);

#endif
