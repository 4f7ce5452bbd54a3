/*
 * libopts.c: shared options and progress for the content commands.
 */
#include "src/cmd/libopts.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/util.h"
#include "tui/progress.h"

struct libprogress {
	struct progress *bars;
	int tty;
	int dry_run;
	char library[200];
};

static atomic_int *interrupt_flag;

/* SIGINT: ask the running job to stop; a second Ctrl-C kills. */
static void
on_interrupt(int sig)
{
	if (interrupt_flag != NULL)
		atomic_store(interrupt_flag, 1);
	signal(sig, SIG_DFL);
}

/* Install the handler. */
void
libopts_catch_interrupt(atomic_int *cancel)
{
	struct sigaction sa;

	interrupt_flag = cancel;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Defaults from the global options. */
void
libopts_init(struct libopts *lo, struct cmd_ctx *ctx, atomic_int *cancel)
{
	memset(lo, 0, sizeof *lo);
	lo->req.servers = 1;
	lo->req.folders = 1;
	lo->req.retries = -1;
	lo->req.dry_run = ctx->dry_run;
	lo->req.url = ctx->plex_url;
	lo->req.token = ctx->plex_token;
	lo->req.cancel = cancel;
	lo->req.libraries = lo->libraries;
	lo->req.tmm_dirs = lo->tmm;
	if (ctx->plex_section != NULL) {
		lo->libraries[0] = ctx->plex_section;
		lo->req.nlibraries = 1;
	}
}

/* Seconds (decimals allowed) as ms. */
static int
seconds(const char *arg, long *ms)
{
	int64_t v;

	if (parse_duration_ms(arg, &v) != 0 || v <= 0 || v > 3600000)
		return -1;
	*ms = (long)v;
	return 0;
}

/* One option. */
int
libopts_option(struct libopts *lo, int c, const char *arg)
{
	long long n;

	switch (c) {
	case LIBOPT_TIMEOUT:
		if (seconds(arg, &lo->req.timeout_ms) != 0)
			goto bad;
		return 1;
	case LIBOPT_CONNECT_TIMEOUT:
		if (seconds(arg, &lo->req.connect_timeout_ms) != 0)
			goto bad;
		return 1;
	case LIBOPT_RETRIES:
		if (parse_int(arg, 0, 20, &n) != 0)
			goto bad;
		lo->req.retries = (int)n;
		return 1;
	case LIBOPT_PAGE_SIZE:
		if (parse_int(arg, 1, 100000, &n) != 0)
			goto bad;
		lo->req.page_size = (int)n;
		return 1;
	case LIBOPT_LIBRARY:
		if (lo->req.nlibraries >= LIBOPTS_MAX)
			goto bad;
		lo->libraries[lo->req.nlibraries++] = arg;
		return 1;
	case LIBOPT_SOURCE:
		lo->req.source = arg;
		return 1;
	case LIBOPT_TMM:
		if (lo->req.ntmm >= LIBOPTS_MAX)
			goto bad;
		lo->tmm[lo->req.ntmm++] = arg;
		return 1;
	case LIBOPT_FORCE:
		lo->req.force = 1;
		return 1;
	case LIBOPT_TITLE:
		lo->req.title = arg;
		return 1;
	case LIBOPT_YEAR:
		if (parse_int(arg, 1800, 2999, &n) != 0)
			goto bad;
		lo->req.year = (int)n;
		return 1;
	case LIBOPT_DRY_RUN:
		lo->req.dry_run = 1;
		return 1;
	}
	return 0;
bad:
	cmd_error("'%s' is not a valid value for that option", arg);
	return -1;
}

/* Library level: bar 0. */
static void
on_library(void *arg, int index, int count, const char *name, long done, long total)
{
	struct libprogress *lp = arg;
	char label[256];

	snprintf(label, sizeof label, "%s (%d/%d)", name, index, count);
	progress_set(lp->bars, 0, total > 0 ? done : 0, total > 0 ? total : 1, label);
}

/* Item level: bar 1, on a terminal only (a log file needs no line per episode). */
static void
on_item(void *arg, long done, long total, const char *label)
{
	struct libprogress *lp = arg;
	char line[512];

	if (!lp->tty)
		return;
	if (total > 0)
		snprintf(line, sizeof line, "%s (%ld/%ld)", label, done, total);
	else
		snprintf(line, sizeof line, "%s", label);
	progress_set(lp->bars, 1, total > 0 ? done : 0, total > 0 ? total : 1, line);
}

/* "Added episode: The 100 / Pilot". */
static void
on_change(void *arg, enum import_change kind, const char *what, const char *title,
    int64_t mf_id)
{
	struct libprogress *lp = arg;
	static const char *const verbs[] = { "Added", "Updated", "Removed" };
	static const char *const would[] = { "Would add", "Would update", "Would remove" };

	progress_message(lp->bars, "%s %s: %s", lp->dry_run ? would[kind] : verbs[kind], what,
	    title);
}

/* Warnings go to stderr, between the bars' redraws. */
static void
on_warning(void *arg, const char *msg)
{
	struct libprogress *lp = arg;

	fflush(stdout);
	if (lp->tty)
		progress_message(lp->bars, "warning: %s", msg);
	else
		fprintf(stderr, "retrovue: warning: %s\n", msg);
}

/* Hook the callbacks to bars on stdout. */
struct libprogress *
libprogress_new(struct import_progress *prog, int dry_run, atomic_int *cancel)
{
	struct libprogress *lp = xcalloc(1, sizeof *lp);

	lp->tty = isatty(STDOUT_FILENO);
	lp->dry_run = dry_run;
	lp->bars = progress_new(stdout, lp->tty ? 2 : 1);
	memset(prog, 0, sizeof *prog);
	prog->library = on_library;
	prog->item = on_item;
	prog->change = on_change;
	prog->warning = on_warning;
	prog->arg = lp;
	prog->cancel = cancel;
	return lp;
}

/* Erase the bars. */
void
libprogress_free(struct libprogress **lpp)
{
	if (lpp == NULL || *lpp == NULL)
		return;
	progress_free(&(*lpp)->bars);
	freep(lpp);
}

/* Totals. */
void
libopts_print_stats(const struct import_stats *st, int dry_run, double secs)
{
	if (dry_run)
		printf("Dry run: %ld looked at; would add %ld, update %ld, remove %ld; %ld unchanged, "
		    "%ld failed; nothing was changed (%.1f s)\n", st->processed, st->added, st->updated,
		    st->removed, st->skipped, st->failed, secs);
	else
		printf("Done: %ld looked at, %ld added, %ld updated, %ld removed, %ld unchanged, %ld "
		    "failed (%.1f s, %ld requests)\n", st->processed, st->added, st->updated,
		    st->removed, st->skipped, st->failed, secs, st->requests);
	if (st->held > 0)
		printf("Not removed: %ld file%s gone from the source, more than the safety limit or "
		    "from a folder that looked empty or unmounted (--force removes them)\n", st->held,
		    st->held == 1 ? "" : "s");
	if (st->kept > 0)
		printf("Not removed: %ld file%s not found by a scan that could not read everything\n",
		    st->kept, st->kept == 1 ? "" : "s");
}
