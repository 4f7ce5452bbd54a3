/*
 * cmd/graphics.c: retrovue graphics CHANNEL [key=value...] — show or set a
 * channel's on-air graphics (bug and lower thirds). A channel on the air
 * picks the change up within half a minute, without a glitch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/channels.h"
#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/gfxconf.h"
#include "src/util.h"

/* The keys, for --help. */
static void
graphics_help(FILE *f)
{
	size_t i;

	fprintf(f, "keys:");
	for (i = 0; i < ngfxconf_fields; i++)
		fprintf(f, " %s", gfxconf_fields[i].key);
	fprintf(f, "\n");
	for (i = 0; i < ngfxconf_fields; i++)
		fprintf(f, "  %-16s %s (default %s)\n", gfxconf_fields[i].key,
		    gfxconf_fields[i].help, *gfxconf_fields[i].dflt != '\0' ?
		    gfxconf_fields[i].dflt : "none");
}

/* Show or set. */
static int
graphics_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct channel_conf ch;
	struct gfx_conf g;
	sqlite3 *db;
	char *cause = NULL, *key, *eq, buf[600];
	int i, rc;

	if (argc < 2) {
		fprintf(stderr, "usage: retrovue graphics CHANNEL [key=value ...]\n");
		graphics_help(stderr);
		return 2;
	}
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	if ((rc = channels_find(db, argv[1], &ch, &cause)) != 0) {
		cmd_error("%s", rc < 0 ? cause : "no such channel");
		if (rc > 0)
			cmd_error("channel %s does not exist (see 'retrovue channel list')", argv[1]);
		free(cause);
		return 1;
	}
	if (argc > 2) {
		if (db_begin(db, &cause) != 0)
			goto fail;
		for (i = 2; i < argc; i++) {
			key = xstrdup(argv[i]);
			if ((eq = strchr(key, '=')) == NULL) {
				set_cause(&cause, "'%s': give key=value", argv[i]);
				free(key);
				db_rollback(db);
				goto fail;
			}
			*eq = '\0';
			rc = gfxconf_set(db, ch.id, key, eq + 1, &cause);
			free(key);
			if (rc != 0) {
				db_rollback(db);
				goto fail;
			}
		}
		if (ctx->dry_run) {
			db_rollback(db);
			printf("(dry run: nothing changed)\n");
		} else if (db_commit(db, &cause) != 0)
			goto fail;
	}
	if (gfxconf_load(db, ch.id, &g, &cause) != 0)
		goto fail;
	printf("channel %s (%s) graphics; bug image: %s\n", ch.number, ch.name,
	    ch.bug_path != NULL ? ch.bug_path : "(none: set one with 'retrovue channel edit')");
	for (i = 0; i < (int)ngfxconf_fields; i++) {
		gfxconf_get(&g, gfxconf_fields[i].key, buf, sizeof buf);
		printf("  %-16s %s\n", gfxconf_fields[i].key, buf);
	}
	channel_conf_clear(&ch);
	return 0;

fail:
	cmd_error("graphics: %s; nothing changed", cause);
	free(cause);
	channel_conf_clear(&ch);
	return 1;
}

const struct cmd_entry cmd_graphics_entry = {
	.name = "graphics",
	.usage = "CHANNEL [key=value ...]",
	.summary = "show or set a channel's bug and lower thirds",
	.flags = CMD_NO_DB,
	.exec = graphics_exec,
	.help = graphics_help,
};
