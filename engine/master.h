/*
 * master.h: an HLS master playlist: the channel's one variant (its video
 * and main audio, a media playlist) and the renditions a player lets the
 * viewer switch to: alternate audio (a second audio program) and
 * subtitles. It only writes text; what serves it is the channel's ring
 * (ring_set_master).
 */
#ifndef RV_ENGINE_MASTER_H
#define RV_ENGINE_MASTER_H

#include <stddef.h>
#include <stdint.h>

enum master_type {
	MASTER_AUDIO,                   /* EXT-X-MEDIA:TYPE=AUDIO, group "aud" */
	MASTER_SUBTITLES,               /* EXT-X-MEDIA:TYPE=SUBTITLES, group "subs" */
};

struct master_rendition {
	enum master_type type;
	const char *language;           /* ISO 639-2 ("spa"), or NULL: unknown */
	const char *name;               /* NULL: the language's own name */
	const char *uri;                /* relative ("sap/index.m3u8"); NULL: in the variant */
	int dflt;                       /* DEFAULT=YES (and AUTOSELECT) */
	int forced;                     /* subtitles: FORCED=YES */
};

struct master_variant {
	const char *uri;                /* relative: "main.m3u8" */
	int width, height;
	int fps_num, fps_den;
	int video_kbps, audio_kbps;     /* every audio stream in its segments at audio_kbps */
	int audio_streams;              /* how many its segments carry */
};

/* The master playlist (new text) of v with its n renditions r. */
char *master_playlist(const struct master_variant *v, const struct master_rendition *r,
    size_t n);
/* A language's BCP 47 tag for HLS ("spa" is "es"), in buf. */
const char *master_language_tag(const char *iso639, char *buf, size_t len);
/* A language's own name ("spa" is "Español"), or the code itself. */
const char *master_language_name(const char *iso639);

#endif
