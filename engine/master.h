/*
 * master.h: a channel's HLS master playlist: its one variant (the video
 * and main audio, /channel/N/index.m3u8) and the renditions beside it,
 * each an EXT-X-MEDIA line: a WebVTT subtitle rendition, alternate audio.
 * Whatever a channel offers is a list of renditions; the variant names
 * the group of each type the list has.
 *
 * URLs (all relative to /channel/N/, engine/route.h):
 *   master.m3u8     this playlist (every channel has one)
 *   index.m3u8      the variant's media playlist, as it always was
 *   subs.m3u8       the subtitle rendition's playlist, SEQ.vtt its segments
 * A player that only knows index.m3u8 keeps playing it, without the
 * renditions.
 */
#ifndef RV_ENGINE_MASTER_H
#define RV_ENGINE_MASTER_H

#include <stddef.h>
#include <stdint.h>

enum master_type {
	MASTER_AUDIO,
	MASTER_SUBTITLES,
};

struct master_rendition {
	enum master_type type;
	const char *group;              /* GROUP-ID ("subs") */
	const char *name;               /* NAME, what a player's menu shows */
	const char *language;           /* LANGUAGE (BCP 47, "en"), or NULL */
	int is_default;                 /* DEFAULT=YES */
	int autoselect;                 /* AUTOSELECT=YES */
	int forced;                     /* FORCED=YES (subtitles) */
	const char *channels;           /* CHANNELS ("2", audio), or NULL */
	const char *uri;                /* its playlist, relative ("subs.m3u8"); NULL: in the variant */
};

struct master_variant {
	int64_t bandwidth;              /* bits a second, peak */
	int width, height;
	int fps_num, fps_den;
	const char *codecs;             /* CODECS, or NULL */
	const char *uri;                /* "index.m3u8" */
};

/* The master playlist: a new string. Quotes and line breaks in names are dropped. */
char *master_playlist(const struct master_variant *v, const struct master_rendition *r,
    size_t n);

#endif
