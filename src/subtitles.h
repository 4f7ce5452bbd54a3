/*
 * subtitles.h: a media file's subtitle tracks and which of them airs.
 *
 * A file's tracks are the subtitle streams inside it (SubRip, ASS/SSA,
 * mov_text, WebVTT; PGS, DVB, VobSub bitmaps) and the sidecar files beside
 * it named after it: "Name.srt", "Name.en.srt", "Name.en.forced.srt",
 * "Name.eng.sdh.ass", "Name.fr.vtt", "Name.en.idx" (VobSub, with its
 * .sub). Importers find them (subs_refresh) and keep them in table
 * subtitle_tracks; the engine looks again when it opens the file (a
 * sidecar added since shows), and subs_choose picks, from a channel's
 * mode and languages and the item's own choice, the track it burns in and
 * the one it offers HLS players.
 */
#ifndef RV_SUBTITLES_H
#define RV_SUBTITLES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct AVFormatContext;

/* What a channel (or an item) does with subtitles. */
enum subs_mode {
	SUBS_OFF,
	SUBS_FORCED,                    /* burn in forced subtitles only */
	SUBS_ALWAYS,                    /* burn in the first track in a wanted language */
	SUBS_SELECTABLE,                /* forced ones burned in, the rest a WebVTT rendition */
};

struct subs_track {
	int64_t id;                     /* its subtitle_tracks row; 0: not stored */
	int stream_index;               /* embedded: its stream in the file; -1: a sidecar */
	char file_name[256];            /* a sidecar: its name beside the video */
	char codec[32];                 /* FFmpeg's name ("subrip", "hdmv_pgs_subtitle") */
	int bitmap;                     /* pictures (PGS, DVB, VobSub), not text */
	char language[4];               /* ISO 639-2/B, "" when unknown */
	int forced;                     /* the whole track is forced */
	int hearing_impaired;           /* SDH, CC */
	int is_default;
	char title[128];
};

/* "off", "forced", "always", "selectable"; -1 for anything else. */
int subs_mode_parse(const char *s);
const char *subs_mode_name(enum subs_mode mode);

/*
 * Is name (a file name, no folder) a sidecar of the video called
 * video_name? Then 1 with *t filled from what the name says (language,
 * forced, SDH, default, the rest as its title), else 0.
 */
int subs_sidecar_parse(const char *video_name, const char *name, struct subs_track *t);
/*
 * The tracks of the video at path: its subtitle streams (from ic when the
 * caller has it open, else opened here) and its sidecars, streams first.
 * A track FFmpeg cannot decode is left out. *out is a new array (free()),
 * possibly empty. 0, or -1 with *cause when the file cannot be read.
 */
int subs_scan(const char *path, struct AVFormatContext *ic, struct subs_track **out,
    size_t *n, char **cause);
/*
 * Make the file's rows in subtitle_tracks those of t: rows of tracks still
 * there keep their ids, the others go (a savepoint: within the caller's
 * transaction, or alone). 0, or -1 with *cause.
 */
int subs_store(sqlite3 *db, int64_t mf_id, const struct subs_track *t, size_t n,
    char **cause);
/* Scan path and store what it has; -1 with *cause when it cannot be read. */
int subs_refresh(sqlite3 *db, int64_t mf_id, const char *path, char **cause);
/* The stored tracks of a file, in order. 0, or -1 with *cause. */
int subs_load(sqlite3 *db, int64_t mf_id, struct subs_track **out, size_t *n, char **cause);
/* One line about a track: "#12 English, forced (SubRip, sidecar Name.en.forced.srt)". */
void subs_describe(const struct subs_track *t, char *buf, size_t len);

/*
 * An item's own subtitle choice (content_scheduling_metadata): *mode the
 * mode, -1 for its channel's; *track the chosen track's row (id 0: none,
 * or it is gone). 0, or -1 with *cause.
 */
int subs_item_choice(sqlite3 *db, int64_t mf_id, int *mode, struct subs_track *track,
    char **cause);

/* What to air of a file's tracks. */
struct subs_prefs {
	enum subs_mode mode;
	const char *languages;          /* "eng,spa": wanted, in order; NULL or "": any */
	const char *audio_language;     /* forced subtitles match it when no list is given */
	const struct subs_track *track; /* the item's chosen track (by stream or name), or NULL */
};

struct subs_choice {
	int burn;                       /* the track burned in (index), -1: none */
	int burn_forced_only;           /* only its events flagged forced (PGS, VobSub) */
	int cue;                        /* the text track of the WebVTT rendition, -1: none */
};

/*
 * Choose:
 *   forced      a forced track in the first wanted language that has one
 *               (no list: the audio's language, else any); else the first
 *               bitmap track in such a language, its forced events only;
 *   always      the first track in a wanted language (no list: the
 *               default, else the first), a full track before an SDH one
 *               before a forced one;
 *   selectable  burns what forced does; the rendition is what always would
 *               burn, if it is text (else the next text track);
 * and the item's own track, when it is one of t, burns instead (off: nothing).
 */
void subs_choose(const struct subs_track *t, size_t n, const struct subs_prefs *p,
    struct subs_choice *c);

#endif
