/*
 * cmd/console.c: retrovue with no subcommand, the console. When a
 * daemon's control socket answers, the console attaches to it and leaves
 * every channel on the air when it quits. Otherwise it starts the station
 * in this process (engine/station.h) and talks to that station's own
 * control socket, so both modes run the same code.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/control.h"
#include "engine/station.h"
#include "src/cmd/cmd.h"
#include "src/log.h"
#include "src/util.h"
#include "tui/console.h"

/* Viewers over every channel of the in-process station. */
static int
station_viewers_cb(void *arg)
{
	return station_viewers(arg);
}

/* Whether a daemon answers on path. */
static int
daemon_answers(const char *path)
{
	struct ctl_client *cl = ctl_connect(path, NULL);

	if (cl == NULL)
		return 0;
	ctl_close(&cl);
	return 1;
}

/* retrovue (the console). */
static int
console_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct console_opts co;
	struct station_opts so;
	struct station *st = NULL;
	sigset_t set, old;
	char *sock, *cause = NULL;
	const char *sixels = getenv("RETROVUE_SIXELS");
	int rc;

	(void)argv;
	if (argc > 1) {
		cmd_error("the console takes no arguments (options go before it); see "
		    "'retrovue --help'");
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cmd_error("the console needs a terminal; 'retrovue --daemon' runs the channels "
		    "headless, and 'retrovue --help' lists the commands");
		return 1;
	}
	if (paths_make_data_dir(&ctx->paths, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	log_set_level(ctx->log_level);
	sock = paths_join(&ctx->paths, "control.sock");
	memset(&co, 0, sizeof co);
	co.socket_path = sock;
	co.sixels = sixels != NULL && (strcmp(sixels, "1") == 0 || strcasecmp(sixels, "yes") == 0);
	if (daemon_answers(sock))
		co.mode = "attached";
	else {
		/*
		 * Standalone: the engine's threads must not take the terminal's
		 * signals (SIGWINCH belongs to the console's thread): start
		 * them with those blocked.
		 */
		sigemptyset(&set);
		sigaddset(&set, SIGWINCH);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGTSTP);
		sigaddset(&set, SIGCONT);
		pthread_sigmask(SIG_BLOCK, &set, &old);
		memset(&so, 0, sizeof so);
		so.db_path = ctx->paths.db_path;
		so.data_dir = ctx->paths.data_dir;
		so.mode = "console";
		so.bind = ctx->bind;
		so.port = ctx->port;
		so.ssdp = !ctx->no_ssdp;
		/* The log goes to the ring only: the screen is about to take over. */
		log_set_flags(log_get_flags() & ~LOG_TO_STDERR);
		st = station_start(&so, &cause);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (st == NULL) {
			cmd_error("no daemon answers on %s and the console cannot start the "
			    "engine itself: %s", sock, cause != NULL ? cause : "failed");
			free(cause);
			free(sock);
			return 1;
		}
		co.mode = "standalone";
		co.viewers = station_viewers_cb;
		co.viewers_arg = st;
	}
	rc = console_run(&co, &cause);
	if (rc != 0)
		cmd_error("%s", cause != NULL ? cause : "the console failed");
	free(cause);
	if (st != NULL) {
		fprintf(stderr, "retrovue: stopping the channels this console ran...\n");
		station_stop(&st);
		fprintf(stderr, "retrovue: stopped\n");
	}
	free(sock);
	return rc == 0 ? 0 : 1;
}

const struct cmd_entry cmd_console_entry = {
	.name = "console",
	.usage = "(run as: retrovue [options])",
	.summary = "the console (also what 'retrovue' alone runs); attaches to a daemon",
	.flags = CMD_NO_DB,
	.exec = console_exec,
};
