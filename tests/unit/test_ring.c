/*
 * test_ring.c: the segment ring: numbering, the playlist window, segments
 * still fetchable after they leave it, references outliving the ring's,
 * waiters woken by the next segment, numbering across restarts; tracks
 * (renditions) riding on the segments, the master playlist at the index;
 * the master playlist's text (engine/master.c) and the routes to them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/master.h"
#include "engine/ring.h"
#include "engine/route.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/* A segment's worth of bytes. */
static uint8_t *
bytes(size_t n, int fill)
{
	uint8_t *p = xmalloc(n);

	memset(p, fill, n);
	return p;
}

struct probe {
	int suspended, woken;
};

static void
on_suspend(void *arg)
{
	((struct probe *)arg)->suspended++;
}

static void
on_wake(void *arg)
{
	((struct probe *)arg)->woken++;
}

START_TEST(numbering_and_window)
{
	struct ring *r = ring_new("7", 3, 2);
	struct segment *s = NULL, *pl = NULL;
	int64_t seq;
	int i;

	ck_assert_int_eq(ring_playlist(r, &pl, NULL), RING_OFF);
	ring_begin(r, 1000, 2);
	ck_assert_int_eq(ring_live_seq(r), -1);
	for (i = 0; i < 7; i++) {
		seq = ring_publish(r, bytes(188, i), 188, 1700000000000LL + i * 2000, 2000000);
		ck_assert_int_eq(seq, 1000 + i);
	}
	ck_assert_int_eq(ring_live_seq(r), 1006);
	ck_assert_int_eq(ring_playlist(r, &pl, NULL), RING_OK);
	ck_assert(strstr((char *)pl->data, "#EXT-X-MEDIA-SEQUENCE:1004\n") != NULL);
	ck_assert(strstr((char *)pl->data, "#EXT-X-TARGETDURATION:2\n") != NULL);
	ck_assert(strstr((char *)pl->data, "\n1006.ts\n") != NULL);
	ck_assert(strstr((char *)pl->data, "1003.ts") == NULL);
	ck_assert(strstr((char *)pl->data, "#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:28.000Z")
	    != NULL);
	ck_assert(strstr((char *)pl->data, "DISCONTINUITY") == NULL);
	/* Left the playlist, still fetchable; older ones are gone. */
	segment_unref(&pl);
	ck_assert_int_eq(ring_seq_at(r, 1700000000000LL + 5 * 2000 + 10), 1005);
	ck_assert_int_eq(ring_seq_at(r, 1), 1002);
	ck_assert_int_eq(ring_get(r, 1001, &s, NULL), RING_GONE);
	/* A reference outlives the ring's: publish more, then read it. */
	ck_assert_int_eq(ring_get(r, 1002, &s, NULL), RING_OK);
	ck_assert_int_eq(s->data[0], 2);
	for (i = 0; i < 6; i++)
		ring_publish(r, bytes(188, 9), 188, 0, 2000000);
	ck_assert_int_eq(ring_get(r, 1002, &pl, NULL), RING_GONE);
	ck_assert_int_eq(s->seq, 1002);
	ck_assert_int_eq(s->data[187], 2);
	segment_unref(&s);
	ck_assert_ptr_null(s);
	ring_end(r);
	ck_assert_int_eq(ring_get(r, 1013, &s, NULL), RING_OFF);
	/* Back on the air: numbers go on, never back. */
	ring_begin(r, 5, 2);
	ck_assert_int_eq(ring_next_seq(r), 1013);
	ring_begin(r, 5000, 2);
	ck_assert_int_eq(ring_next_seq(r), 5000);
	ring_end(r);
	ring_free(&r);
	ck_assert_ptr_null(r);
}
END_TEST

/*
 * Short catch-up segments count by their duration: the playlist spans the
 * same time (list_size steady segments), and the ring keeps as much media.
 */
START_TEST(catchup_segments)
{
	struct ring *r = ring_new("8", 3, 2);
	struct segment *s = NULL, *pl = NULL;
	int i;

	ring_begin(r, 100, 2);
	for (i = 0; i < 16; i++)
		ring_publish(r, bytes(188, i), 188, 1700000000000LL + i * 500, 500000);
	ck_assert_int_eq(ring_playlist(r, &pl, NULL), RING_OK);
	/* 6 s of 0.5 s segments: the newest twelve. */
	ck_assert(strstr((char *)pl->data, "#EXT-X-MEDIA-SEQUENCE:104\n") != NULL);
	ck_assert(strstr((char *)pl->data, "#EXTINF:0.500,\n115.ts\n") != NULL);
	segment_unref(&pl);
	/* Two steady ones: 4 s of them and the newest 2 s of short ones. */
	ring_publish(r, bytes(188, 1), 188, 1700000008000LL, 2000000);
	ring_publish(r, bytes(188, 2), 188, 1700000010000LL, 2000000);
	ck_assert_int_eq(ring_playlist(r, &pl, NULL), RING_OK);
	ck_assert(strstr((char *)pl->data, "#EXT-X-MEDIA-SEQUENCE:112\n") != NULL);
	segment_unref(&pl);
	/* All 16 short ones (8 s) and two steady ones are within 10 s: still here. */
	ck_assert_int_eq(ring_get(r, 100, &s, NULL), RING_GONE);
	ck_assert_int_eq(ring_get(r, 104, &s, NULL), RING_OK);
	segment_unref(&s);
	ring_end(r);
	ring_free(&r);
}
END_TEST

START_TEST(waiters)
{
	struct ring *r = ring_new("7", 6, 2);
	struct probe p1 = { 0, 0 }, p2 = { 0, 0 };
	struct ring_waiter w1 = { on_suspend, on_wake, &p1, NULL };
	struct ring_waiter w2 = { on_suspend, on_wake, &p2, NULL };
	struct segment *s = NULL;

	ring_begin(r, 1, 2);
	ck_assert_int_eq(ring_playlist(r, &s, &w1), RING_WAIT);
	ck_assert_int_eq(ring_get(r, 1, &s, &w2), RING_WAIT);
	ck_assert_int_eq(p1.suspended, 1);
	ck_assert_int_eq(p1.woken, 0);
	ring_publish(r, bytes(10, 1), 10, 0, 500000);
	/* The segment's waiter wakes; the playlist's waits for a second of media. */
	ck_assert_int_eq(p1.woken, 0);
	ck_assert_int_eq(p2.woken, 1);
	ck_assert_int_eq(ring_playlist(r, &s, NULL), RING_OFF);
	ck_assert_int_eq(ring_get(r, 1, &s, &w2), RING_OK);
	segment_unref(&s);
	ck_assert_int_eq(ring_get(r, 2, &s, &w2), RING_WAIT);
	ring_publish(r, bytes(10, 2), 10, 500, 500000);
	ck_assert_int_eq(p1.woken, 1);
	ck_assert_int_eq(p2.woken, 2);
	ck_assert_int_eq(ring_get(r, 2, &s, NULL), RING_OK);
	segment_unref(&s);
	/* Waiting for the next one; going off the air wakes it too. */
	ck_assert_int_eq(ring_get(r, 3, &s, &w2), RING_WAIT);
	ring_end(r);
	ck_assert_int_eq(p2.woken, 3);
	ck_assert_int_eq(ring_get(r, 3, &s, &w2), RING_OFF);
	ck_assert_int_eq(p2.suspended, 3);
	ring_free(&r);
}
END_TEST

/* The endless stream reads the segment being written as it grows. */
START_TEST(stream_reads_open_bytes)
{
	struct ring *r = ring_new("9", 3, 2);
	struct probe pr = { 0, 0 };
	struct ring_waiter w = { on_suspend, on_wake, &pr, NULL };
	uint8_t a[100], b[100], got[64], *full;
	size_t n;

	memset(a, 'a', sizeof a);
	memset(b, 'b', sizeof b);
	ck_assert_int_eq(ring_read(r, 0, 0, got, sizeof got, &n, &w), RING_OFF);
	ring_begin(r, 50, 2);
	/* Nothing written yet: wait. */
	ck_assert_int_eq(ring_read(r, 50, 0, got, sizeof got, &n, &w), RING_WAIT);
	ck_assert_int_eq(pr.suspended, 1);
	ring_append(r, a, sizeof a);
	ck_assert_int_eq(pr.woken, 1);
	/* The open bytes, in pieces no bigger than asked. */
	ck_assert_int_eq(ring_read(r, 50, 0, got, sizeof got, &n, NULL), RING_OK);
	ck_assert_uint_eq(n, 64);
	ck_assert_int_eq(got[0], 'a');
	ck_assert_int_eq(ring_read(r, 50, 64, got, sizeof got, &n, NULL), RING_OK);
	ck_assert_uint_eq(n, 36);
	ck_assert_int_eq(ring_read(r, 50, 100, got, sizeof got, &n, NULL), RING_WAIT);
	ring_append(r, b, sizeof b);
	/* Published: the same bytes, then the end of the segment (n == 0). */
	full = xmalloc(200);
	memcpy(full, a, 100);
	memcpy(full + 100, b, 100);
	ck_assert_int_eq(ring_publish(r, full, 200, 1700000000000LL, 2000000), 50);
	ck_assert_int_eq(ring_read(r, 50, 100, got, sizeof got, &n, NULL), RING_OK);
	ck_assert_uint_eq(n, 64);
	ck_assert_int_eq(got[0], 'b');
	ck_assert_int_eq(ring_read(r, 50, 200, got, sizeof got, &n, NULL), RING_OK);
	ck_assert_uint_eq(n, 0);
	/* The next segment starts empty. */
	ck_assert_int_eq(ring_read(r, 51, 0, got, sizeof got, &n, NULL), RING_WAIT);
	ring_end(r);
	ck_assert_int_eq(ring_read(r, 51, 0, got, sizeof got, &n, NULL), RING_OFF);
	ring_free(&r);
}
END_TEST

/*
 * A track's parts ride on the segments: its playlist lists the same
 * numbers, times and durations; its parts leave with their segments; a
 * restart forgets the tracks and the master playlist.
 */
START_TEST(tracks_and_master)
{
	struct ring *r = ring_new("3", 3, 1);
	struct segment *pl = NULL, *s = NULL, *main = NULL;
	char ext[8];
	int i;

	ring_begin(r, 100, 2);
	ck_assert_int_eq(ring_track_playlist(r, "sap", &pl, NULL), RING_GONE);
	ring_set_master(r, xstrdup("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nmain.m3u8\n"));
	/* The first segment has no part (it was cut before the track began). */
	ring_publish(r, bytes(188, 1), 188, 1700000000000LL, 2000000);
	for (i = 1; i < 5; i++) {
		ring_attach(r, "sap", "ts", bytes(94, 100 + i), 94);
		ring_publish(r, bytes(188, i), 188, 1700000000000LL + i * 2000, 2000000);
	}
	ck_assert_str_eq(ring_track_ext(r, "sap", ext, sizeof ext), "ts");
	ck_assert_ptr_null(ring_track_ext(r, "subs", ext, sizeof ext));
	ck_assert_int_eq(ring_track_playlist(r, "sap", &pl, NULL), RING_OK);
	ck_assert_int_eq(ring_playlist(r, &main, NULL), RING_OK);
	/* The same window (3 segments: 102-104), numbers and times. */
	ck_assert(strstr((char *)main->data, "#EXT-X-MEDIA-SEQUENCE:102\n") != NULL);
	ck_assert(strstr((char *)pl->data, "#EXT-X-MEDIA-SEQUENCE:102\n") != NULL);
	ck_assert(strstr((char *)pl->data, "#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:24.000Z\n"
	    "#EXTINF:2.000,\n102.ts\n") != NULL);
	ck_assert(strstr((char *)pl->data, "\n104.ts\n") != NULL);
	segment_unref(&pl);
	segment_unref(&main);
	ck_assert_int_eq(ring_track_get(r, "sap", 103, &s), RING_OK);
	ck_assert_int_eq(s->len, 94);
	ck_assert_int_eq(s->data[0], 103);
	ck_assert_int_eq(s->seq, 103);
	ck_assert_int_eq(s->duration_us, 2000000);
	segment_unref(&s);
	ck_assert_int_eq(ring_track_get(r, "sap", 100, &s), RING_GONE);    /* had none */
	ck_assert_int_eq(ring_track_get(r, "subs", 103, &s), RING_GONE);
	/* The index is the master; main is the media playlist. */
	ck_assert_int_eq(ring_index(r, &pl, NULL), RING_OK);
	ck_assert(strstr((char *)pl->data, "main.m3u8") != NULL);
	segment_unref(&pl);
	/* A part held by a reader outlives its segment. */
	ck_assert_int_eq(ring_track_get(r, "sap", 104, &s), RING_OK);
	for (i = 0; i < 8; i++)
		ring_publish(r, bytes(188, 9), 188, 0, 2000000);
	ck_assert_int_eq(ring_track_get(r, "sap", 104, &pl), RING_GONE);
	ck_assert_int_eq(s->data[93], 104);
	segment_unref(&s);
	/* A restart without the track: no master, no track. */
	ring_end(r);
	ck_assert_int_eq(ring_track_get(r, "sap", 104, &s), RING_OFF);
	ring_begin(r, 0, 2);
	ring_publish(r, bytes(188, 1), 188, 1700000000000LL, 2000000);
	ck_assert_int_eq(ring_index(r, &pl, NULL), RING_OK);
	ck_assert(strstr((char *)pl->data, "#EXT-X-MEDIA-SEQUENCE") != NULL);
	segment_unref(&pl);
	ck_assert_int_eq(ring_track_playlist(r, "sap", &pl, NULL), RING_GONE);
	ring_end(r);
	ring_free(&r);
}
END_TEST

/* The master playlist names the renditions and the variant's groups. */
START_TEST(master_text)
{
	struct master_variant v = { .uri = "main.m3u8", .width = 1280, .height = 720,
	    .fps_num = 30000, .fps_den = 1001, .video_kbps = 3000, .audio_kbps = 128,
	    .audio_streams = 2 };
	struct master_rendition r[3] = {
		{ .type = MASTER_AUDIO, .language = "eng", .dflt = 1 },
		{ .type = MASTER_AUDIO, .language = "spa", .name = "Español (SAP)",
		  .uri = "sap/index.m3u8" },
		{ .type = MASTER_SUBTITLES, .language = "fre", .uri = "subs/index.m3u8",
		  .forced = 1 },
	};
	char *m = master_playlist(&v, r, 3), tag[16];

	ck_assert(strncmp(m, "#EXTM3U\n", 8) == 0);
	ck_assert(strstr(m, "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"English\","
	    "LANGUAGE=\"en\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\"\n") != NULL);
	ck_assert(strstr(m, "NAME=\"Español (SAP)\",LANGUAGE=\"es\",DEFAULT=NO,AUTOSELECT=YES,"
	    "CHANNELS=\"2\",URI=\"sap/index.m3u8\"\n") != NULL);
	ck_assert(strstr(m, "TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"Français\",LANGUAGE=\"fr\","
	    "DEFAULT=NO,AUTOSELECT=YES,FORCED=YES,URI=\"subs/index.m3u8\"\n") != NULL);
	/* 720p at 29.97: level 3.1; 3000 + 2 x 128 kb/s and a tenth. */
	ck_assert(strstr(m, "#EXT-X-STREAM-INF:BANDWIDTH=3581600,RESOLUTION=1280x720,"
	    "FRAME-RATE=29.970,CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"aud\",SUBTITLES=\"subs\"\n"
	    "main.m3u8\n") != NULL);
	free(m);
	ck_assert_str_eq(master_language_tag("ger", tag, sizeof tag), "de");
	ck_assert_str_eq(master_language_tag("deu", tag, sizeof tag), "de");
	ck_assert_str_eq(master_language_tag("haw", tag, sizeof tag), "haw");
}
END_TEST

/* The routes of the index, the media playlist and a track's files. */
START_TEST(track_routes)
{
	struct route r;

	ck_assert_int_eq(route_request("GET", "/channel/3/index.m3u8", &r), ROUTE_SERVE);
	ck_assert(r.kind == ROUTE_PLAYLIST && r.index && r.track[0] == '\0');
	ck_assert_int_eq(route_request("GET", "/channel/3/main.m3u8", &r), ROUTE_SERVE);
	ck_assert(r.kind == ROUTE_PLAYLIST && !r.index && r.track[0] == '\0');
	route_request("GET", "/channel/3.1/sap/index.m3u8", &r);
	ck_assert(r.kind == ROUTE_PLAYLIST && strcmp(r.track, "sap") == 0 &&
	    strcmp(r.number, "3.1") == 0);
	route_request("GET", "/channel/3/sap/123.ts", &r);
	ck_assert(r.kind == ROUTE_SEGMENT && r.seq == 123 && strcmp(r.track, "sap") == 0 &&
	    strcmp(r.ext, "ts") == 0);
	route_request("GET", "/channel/3/subs/7.vtt", &r);
	ck_assert(r.kind == ROUTE_SEGMENT && r.seq == 7 && strcmp(r.ext, "vtt") == 0);
	route_request("GET", "/channel/3/42.ts", &r);
	ck_assert(r.kind == ROUTE_SEGMENT && r.seq == 42 && r.track[0] == '\0');
	/* Not routes. */
	ck_assert_int_eq(route_request("GET", "/channel/3/7.vtt", &r), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_request("GET", "/channel/3/SAP/1.ts", &r), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_request("GET", "/channel/3/sap/x/1.ts", &r), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_request("GET", "/channel/3/1sap/1.ts", &r), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_request("GET", "/channel/3/sap/.ts", &r), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_request("GET", "/channel/3/averyveryverylongname/1.ts", &r),
	    ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_request("GET", "/channel/3/1234567890123456789.ts", &r),
	    ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_request("GET", "/channel/3/sap/", &r), ROUTE_NOT_FOUND);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, numbering_and_window);
	tcase_add_test(tc, catchup_segments);
	tcase_add_test(tc, waiters);
	tcase_add_test(tc, stream_reads_open_bytes);
	tcase_add_test(tc, tracks_and_master);
	tcase_add_test(tc, master_text);
	tcase_add_test(tc, track_routes);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
