/*
 * guide.h: the programme guide from the fine log: XMLTV (written with
 * libxml2's xmlTextWriter, valid against the XMLTV DTD) and an M3U channel
 * list for IPTV players. The CLI prints these buffers and the HTTP server
 * serves the same ones:
 *
 *   /iptv/xmltv.xml       guide_xmltv
 *   /iptv/channels.m3u    guide_m3u
 *   /iptv/logos/N.EXT     a channel's logo file, when logo_path is a file
 *
 * A guide programme is a block of the fine log (its acts and breaks), as a
 * real EPG shows it.
 */
#ifndef RV_GUIDE_H
#define RV_GUIDE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct guide_programme {
	int64_t start_ms, end_ms;       /* UTC, the block */
	int64_t media_file_id;          /* 0: nothing scheduled ("To Be Announced") */
	char *title;                    /* series or movie title */
	char *sub_title;                /* episode title, or NULL */
	char *desc;                     /* summary, or NULL */
	char *genre;                    /* as stored ("Comedy, Drama"), or NULL */
	char *rating;                   /* as stored ("TV-PG", "gb/15"), or NULL */
	int season, episode;            /* 0 if not an episode or unknown */
	int year;                       /* movie year, or 0 */
	char *air_date;                 /* episode's first air date "YYYY-MM-DD", or NULL */
	int is_movie;
	int off_air;                    /* the station is off the air (sign-off to sign-on) */
	int64_t previous_ms;            /* an earlier airing on this channel, or 0 */
};

/* The programmes of a channel overlapping [from_ms, to_ms), in order. */
int guide_programmes(sqlite3 *db, int64_t channel_id, int64_t from_ms, int64_t to_ms,
    struct guide_programme **out, size_t *n, char **cause);
/* Free a list; sets *list to NULL. */
void guide_programmes_free(struct guide_programme **list, size_t n);

/* The XMLTV id of a channel number ("4.1" -> "4.1.retrovue") into buf. */
const char *guide_channel_id(const char *number, char *buf, size_t len);

/*
 * XMLTV for every enabled channel, programmes overlapping [from_ms, from_ms
 * + hours). base_url (may be NULL) makes logo files into URLs. *out is a
 * new NUL-terminated buffer of *len bytes.
 */
int guide_xmltv(sqlite3 *db, int64_t from_ms, int hours, const char *base_url, char **out,
    size_t *len, char **cause);

struct chanset;
/* The same for the channels of a set only (NULL: every channel). */
int guide_xmltv_only(sqlite3 *db, const struct chanset *only, int64_t from_ms, int hours,
    const char *base_url, char **out, size_t *len, char **cause);

#define GUIDE_M3U_HLS 0x1       /* stream URLs to the HLS playlist, not the endless TS */

/* The M3U channel list; base_url is required ("http://host:port"). */
int guide_m3u(sqlite3 *db, const char *base_url, int flags, char **out, size_t *len,
    char **cause);
int guide_m3u_only(sqlite3 *db, const struct chanset *only, const char *base_url, int flags,
    char **out, size_t *len, char **cause);

#endif
