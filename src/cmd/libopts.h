/*
 * libopts.h: what the content-library commands (source, discover, sync,
 * sync-all) share: the server connection options and the request they
 * fill in, and drawing an import's progress on the terminal.
 */
#ifndef RV_CMD_LIBOPTS_H
#define RV_CMD_LIBOPTS_H

#include <getopt.h>
#include <stdatomic.h>

#include "src/cmd/cmd.h"
#include "src/import.h"
#include "src/sync.h"

enum {
	LIBOPT_TIMEOUT = 300,
	LIBOPT_CONNECT_TIMEOUT,
	LIBOPT_RETRIES,
	LIBOPT_PAGE_SIZE,
	LIBOPT_LIBRARY,
	LIBOPT_SOURCE,
	LIBOPT_TMM,
	LIBOPT_FORCE,
	LIBOPT_TITLE,
	LIBOPT_YEAR,
	LIBOPT_DRY_RUN,
};

#define LIBOPTS_MAX 64

/* The server options as getopt_long entries. */
#define LIBOPTS_LONG \
	{ "timeout", required_argument, NULL, LIBOPT_TIMEOUT }, \
	{ "connect-timeout", required_argument, NULL, LIBOPT_CONNECT_TIMEOUT }, \
	{ "retries", required_argument, NULL, LIBOPT_RETRIES }, \
	{ "page-size", required_argument, NULL, LIBOPT_PAGE_SIZE }, \
	{ "library", required_argument, NULL, LIBOPT_LIBRARY }, \
	{ "source", required_argument, NULL, LIBOPT_SOURCE }

#define LIBOPTS_USAGE \
	"  --source NAME        one source, of any kind (default: every enabled one)\n" \
	"  --library NAME       a server's library by title or key (repeatable)\n" \
	"  --page-size N        items per request (default 200)\n" \
	"  --timeout SEC        give up on a request with no data for SEC (default 30)\n" \
	"  --connect-timeout SEC  (default 10)\n" \
	"  --retries N          retries on 5xx and timeouts, with backoff (default 3)\n"

struct libopts {
	struct sync_request req;
	const char *libraries[LIBOPTS_MAX];
	const char *tmm[LIBOPTS_MAX];
};

/* Start from the global options (--plex-url/--plex-token/--plex-section, --dry-run). */
void libopts_init(struct libopts *lo, struct cmd_ctx *ctx, atomic_int *cancel);
/*
 * Handle one getopt result. 1 if it was one of ours, 0 if not, -1 after
 * printing a bad value.
 */
int libopts_option(struct libopts *lo, int c, const char *arg);

/* Progress drawn on stdout (bars on a terminal), warnings on stderr. */
struct libprogress;
struct libprogress *libprogress_new(struct import_progress *prog, int dry_run,
    atomic_int *cancel);
void libprogress_free(struct libprogress **lpp);

/* Ctrl-C sets *cancel (a second one ends the program). */
void libopts_catch_interrupt(atomic_int *cancel);

/* One line of totals. */
void libopts_print_stats(const struct import_stats *st, int dry_run, double seconds);

#endif
