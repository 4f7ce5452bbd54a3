/*
 * cmd/config.c: retrovue config show — the effective settings and where
 * each came from.
 */
#include <stdio.h>

#include "src/cmd/cmd.h"

/* config show. */
static int
config_show(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct settings *s = &ctx->settings;
	int i;

	if (argc != 1)
		return cmd_usage(&cmd_config_entry);
	printf("# settings file: %s\n", s->file != NULL ? s->file : "(none found)");
	for (i = 0; i < SET_COUNT; i++) {
		printf("%-20s = %-32s # %s\n", settings_key((enum setting_id)i),
		    s->value[i] != NULL ? s->value[i] : "", s->source[i] != NULL ?
		    s->source[i] : "unset");
	}
	return 0;
}

static const struct cmd_sub config_subs[] = {
	{ "show", "", config_show },
	{ NULL, NULL, NULL },
};

/* Dispatch. */
static int
config_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_config_entry, config_subs, argc, argv);
}

const struct cmd_entry cmd_config_entry = {
	.name = "config",
	.usage = "show",
	.summary = "show the effective settings and where each comes from",
	.flags = CMD_NO_DB,
	.exec = config_exec,
	.subs = config_subs,
};
