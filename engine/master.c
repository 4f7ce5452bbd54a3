/*
 * master.c: HLS master playlists (RFC 8216 4.3.4): EXT-X-MEDIA for each
 * rendition, grouped by type, and the variant's EXT-X-STREAM-INF naming
 * the groups. An audio rendition without a URI is the audio the
 * variant's own segments carry (its first audio stream); players show
 * every rendition of a group in their audio (or subtitle) menu.
 */
#include "engine/master.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/iso639.h"
#include "src/util.h"

/* Languages by their own names, as a player's menu shows them (ISO 639-2/B). */
static const struct {
	const char *b, *name;
} languages[] = {
	{ "eng", "English" }, { "spa", "Español" }, { "fre", "Français" },
	{ "ger", "Deutsch" }, { "ita", "Italiano" }, { "por", "Português" },
	{ "dut", "Nederlands" }, { "jpn", "日本語" }, { "chi", "中文" }, { "kor", "한국어" },
	{ "rus", "Русский" }, { "pol", "Polski" }, { "swe", "Svenska" }, { "nor", "Norsk" },
	{ "dan", "Dansk" }, { "fin", "Suomi" }, { "gre", "Ελληνικά" }, { "tur", "Türkçe" },
	{ "ara", "العربية" }, { "heb", "עברית" }, { "hin", "हिन्दी" },
	{ "vie", "Tiếng Việt" }, { "ukr", "Українська" }, { "cat", "Català" },
};

/* BCP 47 tag. */
const char *
master_language_tag(const char *iso639, char *buf, size_t len)
{
	if (iso639 == NULL || iso639_bcp47(iso639, buf, len) == NULL)
		snprintf(buf, len, "%s", iso639 != NULL ? iso639 : "und");
	return buf;
}

/* Own name. */
const char *
master_language_name(const char *iso639)
{
	char code[8];
	size_t i;

	if (iso639 != NULL && iso639_norm(iso639, code, sizeof code) != NULL) {
		for (i = 0; i < nitems(languages); i++) {
			if (strcmp(code, languages[i].b) == 0)
				return languages[i].name;
		}
	}
	return iso639 != NULL ? iso639 : "Main";
}

/* An H.264 level (as avc1's last byte) for pictures of w x h at fps (High profile). */
static int
avc_level(int w, int h, double fps)
{
	static const struct {
		int level;
		double mbps, fs;
	} levels[] = {
		{ 30, 40500, 1620 }, { 31, 108000, 3600 }, { 32, 216000, 5120 },
		{ 40, 245760, 8192 }, { 42, 522240, 8704 }, { 50, 589824, 22080 },
		{ 51, 983040, 36864 }, { 52, 2073600, 36864 },
	};
	double fs = (double)((w + 15) / 16) * ((h + 15) / 16);
	size_t i;

	for (i = 0; i < nitems(levels); i++) {
		if (fs <= levels[i].fs && fs * fps <= levels[i].mbps)
			return levels[i].level;
	}
	return 52;
}

/* Append an attribute list line of one rendition. */
static void
media_line(FILE *f, const struct master_rendition *r)
{
	char tag[16];

	fprintf(f, "#EXT-X-MEDIA:TYPE=%s,GROUP-ID=\"%s\",NAME=\"%s\"",
	    r->type == MASTER_AUDIO ? "AUDIO" : "SUBTITLES", r->type == MASTER_AUDIO ? "aud" :
	    "subs", r->name != NULL ? r->name : master_language_name(r->language));
	if (r->language != NULL)
		fprintf(f, ",LANGUAGE=\"%s\"", master_language_tag(r->language, tag, sizeof tag));
	fprintf(f, ",DEFAULT=%s,AUTOSELECT=YES", r->dflt ? "YES" : "NO");
	if (r->type == MASTER_SUBTITLES && r->forced)
		fprintf(f, ",FORCED=YES");
	if (r->type == MASTER_AUDIO)
		fprintf(f, ",CHANNELS=\"2\"");
	if (r->uri != NULL)
		fprintf(f, ",URI=\"%s\"", r->uri);
	fputc('\n', f);
}

/* The master playlist. */
char *
master_playlist(const struct master_variant *v, const struct master_rendition *r, size_t n)
{
	char *text = NULL;
	size_t len = 0, i;
	int audio = 0, subs = 0;
	double fps = v->fps_den > 0 ? (double)v->fps_num / v->fps_den : 25;
	long long bw;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		abort();                /* memory is gone, as xmalloc says */
	fprintf(f, "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-INDEPENDENT-SEGMENTS\n");
	for (i = 0; i < n; i++) {
		media_line(f, &r[i]);
		if (r[i].type == MASTER_AUDIO)
			audio = 1;
		else
			subs = 1;
	}
	/* Peak: the rates, and the TS's overhead (about a tenth). */
	bw = ((long long)v->video_kbps + (long long)v->audio_kbps * (v->audio_streams > 0 ?
	    v->audio_streams : 1)) * 1100;
	fprintf(f, "#EXT-X-STREAM-INF:BANDWIDTH=%lld,RESOLUTION=%dx%d,FRAME-RATE=%.3f,"
	    "CODECS=\"avc1.64%04x,mp4a.40.2\"", bw, v->width, v->height, fps,
	    avc_level(v->width, v->height, fps));
	if (audio)
		fprintf(f, ",AUDIO=\"aud\"");
	if (subs)
		fprintf(f, ",SUBTITLES=\"subs\"");
	fprintf(f, "\n%s\n", v->uri);
	fclose(f);
	return text;
}
