/*
 * cmd.h: the subcommand table. Each subcommand lives in its own file
 * src/cmd/NAME.c and exports one const struct cmd_entry; cmd.c lists them.
 * Adding a subcommand is adding a file and a line in cmd.c.
 */
#ifndef RV_CMD_H
#define RV_CMD_H

#include <stdio.h>

#include <sqlite3.h>

#include "src/log.h"
#include "src/paths.h"
#include "src/settings.h"

/* What the global options decided, shared by every subcommand. */
struct cmd_ctx {
	struct paths paths;
	int debug;
	int dry_run;
	const char *config_path;        /* --config */
	const char *plex_url;           /* --plex-url or PLEX_BASE_URL */
	const char *plex_token;         /* --plex-token or PLEX_TOKEN: secret */
	const char *plex_section;       /* --plex-section or PLEX_TV_SECTION_KEY */
	/* Daemon options: settings file < environment < command line. */
	struct settings settings;       /* every value with its source */
	const char *bind;
	int port;
	int max_channels;
	int idle_timeout_s;             /* stop a channel this long after its last viewer */
	int no_ssdp;
	const char *channels;           /* "all" or "2-9,12": the channels this daemon owns */
	enum log_level log_level;       /* the daemon's print threshold */
	sqlite3 *db;                    /* opened by cmd_db(), closed by main */
};

#define CMD_NO_DB 0x1   /* never opens the database itself */

struct cmd_sub;

struct cmd_entry {
	const char *name;
	const char *usage;              /* arguments after the name */
	const char *summary;            /* one line for 'retrovue --help' */
	int flags;
	/* argv[0] is the name. Returns the exit status (0, 1, or 2 for usage). */
	int (*exec)(struct cmd_ctx *ctx, int argc, char **argv);
	const struct cmd_sub *subs;     /* its sub-commands (for --help), or NULL */
	void (*help)(FILE *f);          /* lines after the usage (options), or NULL */
	/* A sub-command's usage made at run time (from a table), or NULL: its usage. */
	const char *(*usage_of)(const struct cmd_sub *s);
};

/* Look a subcommand up by name; NULL if there is none. */
const struct cmd_entry *cmd_find(const char *name);
/* Print the table, one line each, for --help. */
void cmd_print_list(FILE *f);
/* Print "usage: retrovue NAME USAGE" and return 2. */
int cmd_usage(const struct cmd_entry *entry);
/*
 * "retrovue NAME --help" (or -h), and "retrovue NAME SUB --help": print
 * the usage on stdout and answer 1; 0 when argv asks for no help.
 */
int cmd_help(const struct cmd_entry *entry, int argc, char **argv);

/*
 * The database, opened (created when create is set) and migrated on first
 * use; NULL after printing why. The context owns it.
 */
sqlite3 *cmd_db(struct cmd_ctx *ctx, int create);

/* After content left the library: rebuild what it leaves in the schedules. */
void cmd_reschedule(struct cmd_ctx *ctx, sqlite3 *db);

/* Print an error line "retrovue: MESSAGE" to stderr (redacted). */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sub-subcommands ("db info", "channel add"): a small table per command. */
struct cmd_sub {
	const char *name;
	const char *usage;
	int (*exec)(struct cmd_ctx *ctx, int argc, char **argv);
};
/* A sub-command's usage (the entry's usage_of, else the sub's usage). */
const char *cmd_sub_usage(const struct cmd_entry *entry, const struct cmd_sub *s);
/* Dispatch argv[1] through subs; prints usage on an unknown name. */
int cmd_dispatch(struct cmd_ctx *ctx, const struct cmd_entry *entry,
    const struct cmd_sub *subs, int argc, char **argv);

extern const struct cmd_entry cmd_alert_entry;
extern const struct cmd_entry cmd_asrun_entry;
extern const struct cmd_entry cmd_channel_entry;
extern const struct cmd_entry cmd_chapters_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_console_entry;
extern const struct cmd_entry cmd_content_entry;
extern const struct cmd_entry cmd_ctl_entry;
extern const struct cmd_entry cmd_daemon_entry;
extern const struct cmd_entry cmd_db_entry;
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_discover_entry;
extern const struct cmd_entry cmd_graphics_entry;
extern const struct cmd_entry cmd_guide_entry;
extern const struct cmd_entry cmd_pathmap_entry;
extern const struct cmd_entry cmd_schedule_entry;
extern const struct cmd_entry cmd_source_entry;
extern const struct cmd_entry cmd_sync_all_entry;
extern const struct cmd_entry cmd_sync_entry;
extern const struct cmd_entry cmd_tmm_entry;
extern const struct cmd_entry cmd_validate_entry;

#endif
