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
#include <strings.h>

#include <libavformat/avformat.h>
#include <sqlite3.h>

#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/log.h"
#include "src/settings.h"
#include "src/strbuf.h"
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
	OPT_IDLE_TIMEOUT,
	OPT_LOG_LEVEL,
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
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
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
	    "  --config FILE        settings file (default $XDG_CONFIG_HOME/retrovue.conf,\n"
	    "                       else /etc/retrovue.conf; env RETROVUE_CONFIG)\n"
	    "  --debug              log debug detail\n"
	    "  --dry-run            show what would change, change nothing (where it applies)\n"
	    "  --plex-url URL       Plex server (env PLEX_BASE_URL)\n"
	    "  --plex-token TOKEN   Plex token (env PLEX_TOKEN); never logged\n"
	    "  --plex-section KEY   Plex library section (env PLEX_TV_SECTION_KEY)\n"
	    "  --bind ADDR, --port N, --max-channels N, --idle-timeout SECONDS, --no-ssdp,\n"
	    "  --channels LIST, --log-level LEVEL\n"
	    "                       daemon options (also in the settings file)\n"
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
	static const char *const flags[] = { "--token", "--api-key", "--plex-token" };
	struct strbuf line = { 0 };
	size_t f, n;
	int i;

	/* A token or API key given to a subcommand ("source add --token T") is a secret too. */
	for (i = 0; i < argc; i++) {
		for (f = 0; f < nitems(flags); f++) {
			n = strlen(flags[f]);
			if (strcmp(argv[i], flags[f]) == 0 && i + 1 < argc)
				log_add_secret(argv[i + 1]);
			else if (strncmp(argv[i], flags[f], n) == 0 && argv[i][n] == '=')
				log_add_secret(argv[i] + n + 1);
		}
	}
	for (i = 0; i < argc; i++)
		strbuf_item(&line, " ", "%s", argv[i]);
	log_debug("command line: %s", strbuf_str(&line));
	strbuf_free(&line);
}

/*
 * Settle every setting (default < file < environment < flag), check the
 * values, resolve the paths and copy the daemon's options into ctx.
 */
static int
resolve_settings(struct cmd_ctx *ctx, const char **flag)
{
	static const struct {
		enum setting_id id;
		const char *var;
	} envs[] = {
		{ SET_DB_PATH, "RETROVUE_DB_PATH" },
		{ SET_DATA_DIR, "RETROVUE_DATA_DIR" },
	};
	struct settings *s = &ctx->settings;
	const char *config, *v;
	char *cause = NULL, src[64];
	enum log_level level;
	size_t i;
	int id;

	settings_init(s);
	config = ctx->config_path != NULL ? ctx->config_path : env("RETROVUE_CONFIG");
	if (settings_load(s, config, &cause) != 0)
		goto fail;
	/*
	 * A database path from the command line takes its folder as the data
	 * directory unless that is given too: drop the lower-level ones.
	 */
	if (flag[SET_DB_PATH] != NULL && flag[SET_DATA_DIR] == NULL)
		settings_set(s, SET_DATA_DIR, NULL, "default");
	for (i = 0; i < nitems(envs); i++) {
		if (flag[SET_DB_PATH] == NULL && flag[SET_DATA_DIR] == NULL &&
		    (v = env(envs[i].var)) != NULL) {
			snprintf(src, sizeof src, "environment %s", envs[i].var);
			settings_set(s, envs[i].id, v, src);
		}
	}
	for (id = 0; id < SET_COUNT; id++) {
		if (flag[id] == NULL)
			continue;
		if (settings_check((enum setting_id)id, flag[id], &cause) != 0)
			goto fail;
		snprintf(src, sizeof src, "command line");
		settings_set(s, (enum setting_id)id, flag[id], src);
	}

	if (paths_resolve(&ctx->paths, settings_get(s, SET_DATA_DIR),
	    settings_get(s, SET_DB_PATH), &cause) != 0)
		goto fail;
	if (settings_get(s, SET_DATA_DIR) == NULL)
		settings_set(s, SET_DATA_DIR, ctx->paths.data_dir,
		    settings_get(s, SET_DB_PATH) != NULL ? "the database's folder" : "default");
	if (settings_get(s, SET_DB_PATH) == NULL)
		settings_set(s, SET_DB_PATH, ctx->paths.db_path, "default");

	ctx->bind = settings_get(s, SET_BIND);
	ctx->port = atoi(settings_get(s, SET_PORT));
	ctx->max_channels = atoi(settings_get(s, SET_MAX_CHANNELS));
	ctx->idle_timeout_s = atoi(settings_get(s, SET_IDLE_TIMEOUT));
	ctx->channels = settings_get(s, SET_CHANNELS);
	v = settings_get(s, SET_SSDP);
	ctx->no_ssdp = strcasecmp(v, "no") == 0 || strcmp(v, "0") == 0;
	if (log_level_parse(settings_get(s, SET_LOG_LEVEL), &level) != 0)
		level = LOGL_INFO;
	ctx->log_level = ctx->debug ? LOGL_DEBUG : level;
	return 0;

fail:
	cmd_error("%s", cause);
	free(cause);
	settings_free(s);
	return -1;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	const struct cmd_entry *entry;
	const char *flag[SET_COUNT] = { NULL }, *name;
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
			flag[SET_DB_PATH] = optarg;
			break;
		case OPT_DATA_DIR:
			flag[SET_DATA_DIR] = optarg;
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
			flag[SET_BIND] = optarg;
			break;
		case OPT_PORT:
			flag[SET_PORT] = optarg;
			break;
		case OPT_MAX_CHANNELS:
			flag[SET_MAX_CHANNELS] = optarg;
			break;
		case OPT_IDLE_TIMEOUT:
			flag[SET_IDLE_TIMEOUT] = optarg;
			break;
		case OPT_NO_SSDP:
			flag[SET_SSDP] = "no";
			break;
		case OPT_CHANNELS:
			flag[SET_CHANNELS] = optarg;
			break;
		case OPT_LOG_LEVEL:
			flag[SET_LOG_LEVEL] = optarg;
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

	if (resolve_settings(&ctx, flag) != 0)
		return 2;

	if (daemon)
		name = "daemon";
	else if (optind < argc)
		name = argv[optind];
	else
		name = "console";
	if ((entry = cmd_find(name)) == NULL) {
		if (daemon)
			cmd_error("the daemon (--daemon) is not part of this build yet");
		else
			cmd_error("unknown command '%s'; see 'retrovue --help'", name);
		paths_free(&ctx.paths);
		settings_free(&ctx.settings);
		return daemon || optind >= argc ? 1 : 2;
	}
	/*
	 * The subcommand sees argv[0] as its name and parses its own options;
	 * optind = 0 makes getopt start afresh.
	 */
	first = daemon || optind >= argc ? optind - 1 : optind;
	optind = 0;
	if (!daemon && cmd_help(entry, argc - first, argv + first))
		status = 0;
	else
		status = entry->exec(&ctx, argc - first, argv + first);
	db_close(&ctx.db);
	paths_free(&ctx.paths);
	settings_free(&ctx.settings);
	log_close();
	return status;
}
