/*
 * gfxconf.h: a channel's on-air graphics settings (table channel_graphics):
 * the bug's corner, margin, size, opacity and whether it stays up during
 * breaks; the lower thirds' font, colours, corner and timing.
 */
#ifndef RV_GFXCONF_H
#define RV_GFXCONF_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct gfx_conf {
	int enabled;                    /* every graphic on this channel */
	char bug_position[16];          /* top-left, top-right, bottom-left, bottom-right */
	int bug_margin;                 /* % of the picture height */
	int bug_size;                   /* bug height, % of the picture height */
	double bug_opacity;             /* 0..1 */
	int bug_in_breaks;
	int lower_thirds;
	char lt_font[512];              /* "" for the default font */
	char lt_color[48];
	char lt_box_color[48];
	char lt_accent[48];
	char lt_position[16];
	int upnext_seconds;
	int now_seconds;
	char updated_at[32];            /* changes when the row does */
};

/* The defaults. */
void gfxconf_defaults(struct gfx_conf *g);
/* A channel's settings (defaults where it has no row). 0, or -1 with *cause. */
int gfxconf_load(sqlite3 *db, int64_t channel_id, struct gfx_conf *g, char **cause);
/*
 * Set one setting ("bug_position", "lt_color", ...) from text, checked
 * (a colour must be one FFmpeg knows, a font file must exist). 0, or -1
 * with *cause naming the key and what is wrong.
 */
int gfxconf_set(sqlite3 *db, int64_t channel_id, const char *key, const char *value,
    char **cause);
/* Kinds of setting. */
enum gfxconf_kind {
	GFXCONF_BOOL,                   /* on/off (yes/no, 1/0, true/false) */
	GFXCONF_INT,                    /* min..max */
	GFXCONF_REAL,                   /* min..max */
	GFXCONF_CORNER,                 /* top-left, top-right, bottom-left, bottom-right */
	GFXCONF_COLOR,                  /* a colour FFmpeg knows */
	GFXCONF_FONT,                   /* a readable font file, or "" */
};

/* One setting: its key (and column), kind, range, member, default and help. */
struct gfxconf_field {
	const char *key;
	enum gfxconf_kind kind;
	double min, max;
	size_t off, size;               /* its member of struct gfx_conf */
	const char *dflt;               /* as in the migration */
	const char *help;
};

/* The settings, in the order they are shown (src/gfxconf.c says how to add one). */
extern const struct gfxconf_field gfxconf_fields[];
extern const size_t ngfxconf_fields;
/* Setting key's value in g as text into buf. */
void gfxconf_get(const struct gfx_conf *g, const char *key, char *buf, size_t len);

#endif
