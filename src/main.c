/*
 * main.c: the entry point. Parses the global options, sets up logging and
 * paths, and hands the rest of the command line to a subcommand from the
 * table in cmd/cmd.c. With no subcommand it is the console; with --daemon,
 * the headless server.
 */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavformat/avformat.h>
#include <sqlite3.h>

#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/log.h"
#include "src/util.h"

enum {
	OPT_DB_PATH = 256,
	OPT_DATA_DIR,
	OPT_DEBUG,
	OPT_DRY_RUN,
	OPT_CONFIG,
	OPT_DAEMON,
	OPT_BIND,
	OPT_PORT,
	OPT_MAX_CHANNELS,
	OPT_NO_SSDP,
	OPT_CHANNELS,
	OPT_PLEX_URL,
	OPT_PLEX_TOKEN,
	OPT_PLEX_SECTION,
};

static const struct option global_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "db-path", required_argument, NULL, OPT_DB_PATH },
	{ "data-dir", required_argument, NULL, OPT_DATA_DIR },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "daemon", no_argument, NULL, OPT_DAEMON },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "max-channels", required_argument, NULL, OPT_MAX_CHANNELS },
	{ "no-ssdp", no_argument, NULL, OPT_NO_SSDP },
	{ "channels", required_argument, NULL, OPT_CHANNELS },
	{ "plex-url", required_argument, NULL, OPT_PLEX_URL },
	{ "plex-token", required_argument, NULL, OPT_PLEX_TOKEN },
	{ "plex-section", required_argument, NULL, OPT_PLEX_SECTION },
	{ NULL, 0, NULL, 0 },
};

/* --help. */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: retrovue [options]                 the console (attaches to a running daemon)\n"
	    "       retrovue [options] --daemon        run the channels headless\n"
	    "       retrovue [options] COMMAND [args]\n"
	    "\n"
	    "Retrovue turns a media library into 24/7 cable-style TV channels.\n"
	    "\n"
	    "Options:\n"
	    "  --db-path PATH       the database (default $XDG_DATA_HOME/retrovue/retrovue.db;\n"
	    "                       env RETROVUE_DB_PATH)\n"
	    "  --data-dir DIR       the data directory (default: the database's folder;\n"
	    "                       env RETROVUE_DATA_DIR)\n"
	    "  --config FILE        settings file (daemon)\n"
	    "  --debug              log debug detail\n"
	    "  --dry-run            show what would change, change nothing (where it applies)\n"
	    "  --plex-url URL       Plex server (env PLEX_BASE_URL)\n"
	    "  --plex-token TOKEN   Plex token (env PLEX_TOKEN); never logged\n"
	    "  --plex-section KEY   Plex library section (env PLEX_TV_SECTION_KEY)\n"
	    "  --bind ADDR, --port N, --max-channels N, --no-ssdp, --channels LIST\n"
	    "                       daemon options\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        version and library versions\n"
	    "\n"
	    "Commands:\n");
	cmd_print_list(f);
	fprintf(f, "\n'retrovue COMMAND --help' shows a command's usage. See retrovue(1).\n");
}

/* --version. */
static void
version(void)
{
	printf("retrovue %s\n", PACKAGE_VERSION);
	printf("libavformat %s, sqlite %s, schema %d\n", AV_STRINGIFY(LIBAVFORMAT_VERSION),
	    sqlite3_libversion(), db_latest_version());
}

/* Non-empty environment value or NULL. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* Log the command line at debug level; the logger masks the token. */
static void
log_command_line(int argc, char **argv)
{
	char *line = xstrdup(""), *n;
	int i;

	for (i = 0; i < argc; i++) {
		xasprintf(&n, "%s%s%s", line, i ? " " : "", argv[i]);
		free(line);
		line = n;
	}
	log_debug("command line: %s", line);
	free(line);
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	const struct cmd_entry *entry;
	const char *db_path = NULL, *data_dir = NULL, *name;
	char *cause = NULL;
	long long n;
	int c, daemon = 0, first, status;

	setlocale(LC_ALL, "");
	/* FFmpeg parses numbers in filter arguments with strtod: keep '.' decimal. */
	setlocale(LC_NUMERIC, "C");
	signal(SIGPIPE, SIG_IGN);
	memset(&ctx, 0, sizeof ctx);
	log_open("retrovue", LOG_TO_STDERR, LOGL_WARN);
	log_route_ffmpeg();

	while ((c = getopt_long(argc, argv, "+hV", global_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			version();
			return 0;
		case OPT_DB_PATH:
			db_path = optarg;
			break;
		case OPT_DATA_DIR:
			data_dir = optarg;
			break;
		case OPT_DEBUG:
			ctx.debug = 1;
			break;
		case OPT_DRY_RUN:
			ctx.dry_run = 1;
			break;
		case OPT_CONFIG:
			ctx.config_path = optarg;
			break;
		case OPT_DAEMON:
			daemon = 1;
			break;
		case OPT_BIND:
			ctx.bind = optarg;
			break;
		case OPT_PORT:
			if (parse_int(optarg, 0, 65535, &n) != 0) {
				cmd_error("--port: '%s' is not a port number", optarg);
				return 2;
			}
			ctx.port = (int)n;
			break;
		case OPT_MAX_CHANNELS:
			if (parse_int(optarg, 1, 10000, &n) != 0) {
				cmd_error("--max-channels: '%s' is not a number from 1", optarg);
				return 2;
			}
			ctx.max_channels = (int)n;
			break;
		case OPT_NO_SSDP:
			ctx.no_ssdp = 1;
			break;
		case OPT_CHANNELS:
			ctx.channels = optarg;
			break;
		case OPT_PLEX_URL:
			ctx.plex_url = optarg;
			break;
		case OPT_PLEX_TOKEN:
			ctx.plex_token = optarg;
			break;
		case OPT_PLEX_SECTION:
			ctx.plex_section = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (ctx.plex_url == NULL)
		ctx.plex_url = env("PLEX_BASE_URL");
	if (ctx.plex_token == NULL)
		ctx.plex_token = env("PLEX_TOKEN");
	if (ctx.plex_section == NULL)
		ctx.plex_section = env("PLEX_TV_SECTION_KEY");
	log_add_secret(ctx.plex_token);
	if (ctx.debug || env("RETROVUE_DEBUG") != NULL) {
		ctx.debug = 1;
		log_set_debug(1);
		log_set_level(LOGL_DEBUG);
	}
	log_command_line(argc, argv);

	if (paths_resolve(&ctx.paths, data_dir, db_path, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 2;
	}

	if (daemon)
		name = "daemon";
	else if (optind < argc)
		name = argv[optind];
	else
		name = "console";
	if ((entry = cmd_find(name)) == NULL) {
		if (daemon)
			cmd_error("the daemon (--daemon) is not part of this build yet");
		else if (optind >= argc)
			cmd_error("the console is not part of this build yet; see 'retrovue --help' "
			    "for the commands there are");
		else
			cmd_error("unknown command '%s'; see 'retrovue --help'", name);
		paths_free(&ctx.paths);
		return daemon || optind >= argc ? 1 : 2;
	}
	/*
	 * The subcommand sees argv[0] as its name and parses its own options;
	 * optind = 0 makes getopt start afresh.
	 */
	first = daemon || optind >= argc ? optind - 1 : optind;
	optind = 0;
	status = entry->exec(&ctx, argc - first, argv + first);
	db_close(&ctx.db);
	paths_free(&ctx.paths);
	log_close();
	return status;
}
