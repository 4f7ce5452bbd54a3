/*
 * cmd/daemon.c: retrovue --daemon — a whole station (engine/station.h),
 * headless. SIGTERM and SIGINT stop it cleanly, SIGHUP reloads channels
 * and settings.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/station.h"
#include "src/cmd/cmd.h"
#include "src/log.h"
#include "src/util.h"

/* A setting's value for the engine, or 0 to leave it to the engine's own. */
static int
explicit_int(struct cmd_ctx *ctx, enum setting_id id, int value)
{
	const char *src = ctx->settings.source[id];

	return src != NULL && strcmp(src, "default") != 0 ? value : 0;
}

/* retrovue --daemon. */
static int
daemon_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct station_opts o;
	struct station *st;
	sigset_t set;
	char *cause = NULL;
	int sig;

	if (argc > 1) {
		cmd_error("--daemon takes no arguments (options go before it)");
		return 2;
	}
	log_set_flags(LOG_TO_STDERR | LOG_TIMESTAMPS);
	log_set_level(ctx->log_level);
	if (paths_make_data_dir(&ctx->paths, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}

	/* Signals go to this thread only; every thread started below inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	memset(&o, 0, sizeof o);
	o.db_path = ctx->paths.db_path;
	o.data_dir = ctx->paths.data_dir;
	o.mode = "daemon";
	o.bind = ctx->bind;
	o.port = ctx->port;
	o.max_channels = explicit_int(ctx, SET_MAX_CHANNELS, ctx->max_channels);
	o.idle_timeout_s = explicit_int(ctx, SET_IDLE_TIMEOUT, ctx->idle_timeout_s);
	o.ssdp = !ctx->no_ssdp;
	o.channels = ctx->channels;
	if ((st = station_start(&o, &cause)) == NULL) {
		cmd_error("%s", cause != NULL ? cause : "the daemon cannot start");
		free(cause);
		return 1;
	}
	station_print_urls(st, stdout);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP: reloading channels and settings");
			station_reload(st);
			continue;
		}
		log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	}
	station_stop(&st);
	log_info("stopped cleanly");
	return 0;
}

const struct cmd_entry cmd_daemon_entry = {
	.name = "daemon",
	.usage = "(run as: retrovue [--bind ADDR] [--port N] [--max-channels N] "
	    "[--channels LIST] [--no-ssdp] --daemon)",
	.summary = "run the channels and the HTTP server headless (retrovue --daemon)",
	.flags = CMD_NO_DB,
	.exec = daemon_exec,
};
