/*
 * director.h: the Program Director, the engine's public face. It owns the
 * channels: starts a channel on its first request and stops it when nobody
 * has watched for the idle time, keeps always-on channels up, caps how many
 * run at once, keeps each channel's status, closes stale as-run rows at
 * start, and (when the scheduler provides it) extends the schedules as time
 * passes. The HTTP server, the console and the control socket all go
 * through this API; every function here is thread-safe.
 */
#ifndef RV_ENGINE_DIRECTOR_H
#define RV_ENGINE_DIRECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "engine/ring.h"
#include "engine/status.h"
#include "engine/tail.h"
#include "src/channels.h"

struct chanset;

/*
 * Settings. Fields the caller sets (the command line, a settings file) stay
 * as given, reloads included; zero fields come from system_config, else
 * the defaults (see director_opts_load).
 */
struct director_opts {
	const char *db_path;
	int max_channels;               /* active at once (default 4) */
	int idle_timeout_s;             /* stop after this long without viewers (60) */
	int segment_ms;                 /* HLS segment length (2000) */
	int lead_ms;                    /* encoding runs this far ahead (3 segments) */
	int list_size;                  /* segments in the playlist (6) */
	int keep;                       /* segments still fetchable after leaving it (6) */
	char preset[32];                /* x264 preset ("veryfast") */
	double loudness_target;         /* LUFS (-24) */
	int decode_threads;             /* per item decoder (1) */
	/*
	 * The scheduler's extension of a channel's fine log up to until_ms
	 * (0 or -1 with *cause), called by the director's thread with its own
	 * connection when a channel's log runs out within extend_ahead_ms.
	 * NULL: nothing extends the schedules.
	 */
	int (*extend)(sqlite3 *db, int64_t channel_id, int64_t until_ms, char **cause);
	int64_t extend_ahead_ms;        /* (6 h) */
	/*
	 * The channels this director owns (--channels; the caller keeps it
	 * alive). NULL: every channel. Others are neither started, listed,
	 * nor touched (their as-run and schedules belong to another daemon).
	 */
	const struct chanset *owned;
};

/*
 * Fill the fields of opts left zero (preset empty: it and the loudness
 * target) from system_config rows (engine.max_channels,
 * engine.idle_timeout_s, engine.segment_ms, engine.lead_ms,
 * engine.playlist_size, engine.keep_segments, engine.x264_preset,
 * engine.loudness_target, engine.decode_threads), defaults elsewhere.
 */
void director_opts_load(struct director_opts *opts, sqlite3 *db);

/* What a tune-in request got. */
enum director_result {
	DIRECTOR_OK,                    /* on the air (or starting): *ring is set */
	DIRECTOR_NO_CHANNEL,            /* no such channel, or disabled */
	DIRECTOR_BUSY,                  /* max channels already active */
	DIRECTOR_FAILING,               /* the channel failed and waits to retry */
	DIRECTOR_NOT_HERE,              /* another daemon's channel (--channels) */
	DIRECTOR_WAIT,                  /* going off the air: the waiter is queued */
};

/* What a request is. */
#define TUNE_HLS 0x1                    /* a playlist or segment request */
#define TUNE_TS  0x2                    /* an endless TS connection opens */
#define TUNE_NO_START 0x4               /* do not start an idle channel */

struct director;

/* Load the channels and prepare; nothing runs yet. */
struct director *director_new(const struct director_opts *opts, char **cause);
/*
 * Register a tail plug-in (graphics, alerts) before director_start; it is
 * opened on every channel that starts. global is passed to its open().
 */
void director_add_plugin(struct director *d, const struct tail_plugin *plugin, void *global);
/* Start the director's thread (and the always-on channels). */
int director_start(struct director *d, char **cause);
/* Reload channels and settings (SIGHUP); returns at once, done on the next tick. */
void director_reload(struct director *d);
/*
 * Going down: stop every channel (as-run rows closed, rings off the air,
 * waiting viewers woken) and start no more. The HTTP server may still call.
 */
void director_shutdown(struct director *d);
/* Stop every channel (as-run closed), stop the thread, free; sets *dp NULL. */
void director_free(struct director **dp);

/*
 * A viewer's request for channel number: marks activity (client is a
 * stable key of the viewer for HLS counting), starts the channel if idle
 * (unless TUNE_NO_START), and gives its ring (valid until director_free).
 * Never waits: when the channel's old pipeline is still being stopped,
 * it returns DIRECTOR_WAIT with w queued (w->suspend runs under the
 * director's lock, w->wake once without it when the channel has started
 * again or could not); the caller then asks again. w NULL: no waiting
 * (DIRECTOR_FAILING instead).
 */
enum director_result director_tune(struct director *d, const char *number, int flags,
    uint64_t client, struct ring **ring, struct ring_waiter *w);
/* An endless TS connection closed. */
void director_untune(struct director *d, const char *number);

/*
 * Start or stop a channel by hand (console, control socket). 0 or -1 with
 * *cause. Stopping waits for the pipeline to end (on the caller's thread,
 * holding no lock); starting a channel still going off the air starts it
 * once it is off.
 */
int director_start_channel(struct director *d, const char *number, char **cause);
int director_stop_channel(struct director *d, const char *number, char **cause);

/* A copy of every channel's status (free(*out)); returns the count. */
size_t director_status(struct director *d, struct channel_status **out);
/* A copy of the enabled channels' definitions (channels_free). */
int director_channels(struct director *d, struct channel_conf **out, size_t *n);
/* Channels active now, and the limit. */
int director_active(struct director *d, int *max);
/*
 * Is the director working (its thread ticking, not shutting down)? 0, or
 * -1 with the reason in buf. Takes no lock: it answers even when the
 * director's thread is stuck.
 */
int director_health(struct director *d, char *buf, size_t len);
/* The settings in force. */
void director_get_opts(struct director *d, struct director_opts *out);

#endif
