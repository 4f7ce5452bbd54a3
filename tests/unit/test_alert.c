/*
 * test_alert.c: checking alerts field by field, the SAME header, storage.
 */
#include <string.h>

#include "src/alert.h"
#include "src/db.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/* 2026-11-23 20:45:00 UTC: day 327. */
#define T0 1795466700000LL

/* A valid input to vary. */
static struct alert_input
good(void)
{
	struct alert_input in = {
		.event = "RWT", .locations = "000000", .purge = "0015",
		.station = "KRVU/TV", .message = "This is a test.", .now_ms = T0,
		.sent_by = "tester",
	};
	return in;
}

/* Expect alert_parse to refuse in with a cause containing what. */
static void
refused(struct alert_input in, const char *what)
{
	struct alert a;
	char *cause = NULL;

	ck_assert_int_eq(alert_parse(&in, &a, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, what) != NULL, "cause '%s' lacks '%s'", cause, what);
	free(cause);
}

START_TEST(header)
{
	struct alert_input in = good();
	struct alert a;
	char *h;

	in.locations = "024031,051059";
	in.purge = "+0030";
	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	h = alert_header(&a);
	ck_assert_str_eq(h, "ZCZC-EAS-RWT-024031-051059+0030-3272045-KRVU/TV -");
	ck_assert_int_eq(alert_purge_ms(&a), 30 * 60000);
	ck_assert_str_eq(a.channels, "all");
	ck_assert_int_eq(a.attention_s, 8);
	ck_assert_int_eq(a.display, ALERT_CRAWL);
	free(h);
	alert_clear(&a);
}
END_TEST

START_TEST(lowercase_and_defaults)
{
	struct alert_input in = good();
	struct alert a;

	in.event = "tor";
	in.originator = "wxr";
	in.station = NULL;
	in.display = "slate";
	in.channels = "2, 5,4.1";
	in.attention_s = 25;
	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	ck_assert_str_eq(a.event, "TOR");
	ck_assert_str_eq(a.originator, "WXR");
	ck_assert_str_eq(a.station, "RETROVUE");
	ck_assert_int_eq(a.display, ALERT_SLATE);
	ck_assert(alert_targets(&a, "5"));
	ck_assert(alert_targets(&a, "4.1"));
	ck_assert(!alert_targets(&a, "4"));
	ck_assert(!alert_targets(&a, "55"));
	alert_clear(&a);
}
END_TEST

START_TEST(message_cut_on_a_character)
{
	struct alert_input in = good();
	struct alert a;
	char *long_msg = xmalloc(4100);

	/* 4094 letters and an 'é' past the 4095 bytes kept: the 'é' goes whole. */
	memset(long_msg, 'a', 4094);
	memcpy(long_msg + 4094, "\xc3\xa9", 3);
	in.message = long_msg;
	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	ck_assert_uint_eq(strlen(a.message), 4094);
	alert_clear(&a);
	in.message = "Caf\xe9 closed";
	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	ck_assert_str_eq(a.message, "Caf? closed");
	alert_clear(&a);
	free(long_msg);
}
END_TEST

START_TEST(bad_fields)
{
	struct alert_input in;

	in = good(); in.event = "XYZ"; refused(in, "event code 'XYZ'");
	in = good(); in.event = "RW"; refused(in, "event code");
	in = good(); in.event = NULL; refused(in, "event code");
	in = good(); in.originator = "ABC"; refused(in, "originator 'ABC'");
	in = good(); in.locations = "12345"; refused(in, "location code '12345'");
	in = good(); in.locations = "12a456"; refused(in, "location code");
	in = good(); in.locations = ""; refused(in, "no location");
	in = good(); in.locations = NULL; refused(in, "no location");
	in = good(); in.purge = "0010"; refused(in, "multiple of 15");
	in = good(); in.purge = "0115"; refused(in, "multiple of 30");
	in = good(); in.purge = "15"; refused(in, "HHMM");
	in = good(); in.purge = "0000"; refused(in, "HHMM");
	in = good(); in.purge = "0075"; refused(in, "HHMM");
	in = good(); in.message = "   "; refused(in, "message is empty");
	in = good(); in.message = NULL; refused(in, "message is empty");
	in = good(); in.station = "TOO-LONG-ID"; refused(in, "station id");
	in = good(); in.station = "K-RV"; refused(in, "without '-'");
	in = good(); in.display = "banner"; refused(in, "crawl or slate");
	in = good(); in.channels = "two"; refused(in, "channels 'two'");
	in = good(); in.attention_s = 30; refused(in, "8 to 25");
	in = good(); in.voice = "en us"; refused(in, "voice 'en us'");
	in = good(); in.voice = "en-us;rm"; refused(in, "a voice's name");
	in = good(); in.duration_s = 901; refused(in, "at most the purge time 0015");
	in = good(); in.duration_s = -1; refused(in, "on screen for -1 s");
}
END_TEST

/* The voice and the time on screen: optional, kept as given. */
START_TEST(voice_and_duration)
{
	struct alert_input in = good();
	struct alert a;

	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	ck_assert_str_eq(a.voice, "");
	ck_assert_int_eq(a.duration_s, 0);
	alert_clear(&a);
	in.voice = "en-gb+f2";
	in.duration_s = 900;                    /* the whole purge time */
	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	ck_assert_str_eq(a.voice, "en-gb+f2");
	ck_assert_int_eq(a.duration_s, 900);
	alert_clear(&a);
}
END_TEST

START_TEST(many_locations)
{
	struct alert_input in = good();
	char locs[32 * 7 + 1] = "";
	struct alert a;
	int i;

	for (i = 0; i < 31; i++)
		strcat(locs, "012345,");
	in.locations = locs;
	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	ck_assert_int_eq(a.nlocations, 31);
	alert_clear(&a);
	strcat(locs, "012345");
	in.locations = locs;
	refused(in, "too many");
}
END_TEST

START_TEST(events)
{
	ck_assert_str_eq(alert_event_name("EAN"), "Emergency Action Notification");
	ck_assert_str_eq(alert_event_name("rmt"), "Required Monthly Test");
	ck_assert_ptr_null(alert_event_name("ZZZ"));
}
END_TEST

START_TEST(audio_setting)
{
	enum alert_audio m;

	ck_assert_int_eq(alert_audio_parse("SAME", &m), 0);
	ck_assert_int_eq(m, ALERT_AUDIO_SAME);
	ck_assert_int_eq(alert_audio_parse("none", &m), 0);
	ck_assert_int_eq(m, ALERT_AUDIO_NONE);
	ck_assert_int_ne(alert_audio_parse("loud", &m), 0);
	ck_assert_str_eq(alert_audio_name(ALERT_AUDIO_TONE), "tone");
}
END_TEST

START_TEST(stored)
{
	struct alert_input in = good();
	struct alert a;
	char *path, *cause = NULL;
	sqlite3 *db;

	xasprintf(&path, "%s/rv.db", check_tmpdir());
	ck_assert_int_eq(db_open(path, DB_CREATE, &db, &cause), 0);
	ck_assert_int_eq(db_exec(db, "INSERT INTO channels (id, number, name) VALUES (1, '2', "
	    "'Two')", NULL), 0);
	in.locations = "024031-024033";
	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	ck_assert_int_eq(alert_store(db, &a, &cause), 0);
	ck_assert_int_gt(a.id, 0);
	ck_assert_int_eq(db_scalar(db, "SELECT count(*) FROM emergency_alerts WHERE "
	    "locations = '024031,024033' AND status = 'queued' AND sent_by = 'tester' AND "
	    "created_at = '2026-11-23T20:45:00Z'", 0), 1);
	ck_assert_int_eq(alert_set_status(db, a.id, "active", T0 + 100, 0, &cause), 0);
	ck_assert_int_eq(alert_log_channel(db, a.id, 1, T0 + 100, 0, &cause), 0);
	ck_assert_int_eq(alert_log_channel(db, a.id, 1, 0, T0 + 9000, &cause), 0);
	ck_assert_int_eq(alert_set_status(db, a.id, "ended", 0, T0 + 9000, &cause), 0);
	ck_assert_int_eq(db_scalar(db, "SELECT ended_ms - started_ms FROM emergency_alert_log",
	    0), 8900);
	ck_assert_int_eq(db_scalar(db, "SELECT end_time - start_time FROM emergency_alerts",
	    0), 8900);
	alert_clear(&a);
	db_close(&db);
	free(path);
}
END_TEST

START_TEST(keys)
{
	struct alert_input in = good();
	struct alert a, b;
	char *path, *cause = NULL, key[33], key2[33], status[16];
	sqlite3 *db;
	int64_t id;

	/* Keys: made at random, checked when given. */
	alert_new_key(key);
	alert_new_key(key2);
	ck_assert_int_eq(strlen(key), 32);
	ck_assert_str_ne(key, key2);
	in.key = "short";
	ck_assert_int_eq(alert_parse(&in, &a, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "key 'short': must be 8 to 64"));
	freep(&cause);
	in.key = "has space in it";
	ck_assert_int_eq(alert_parse(&in, &a, NULL), -1);
	in.key = key;
	ck_assert_int_eq(alert_parse(&in, &a, NULL), 0);
	ck_assert_str_eq(a.key, key);

	/* Stored as the row id given, with the key; found by it. */
	xasprintf(&path, "%s/rv.db", check_tmpdir());
	ck_assert_int_eq(db_open(path, DB_CREATE, &db, &cause), 0);
	ck_assert_int_eq(alert_next_id(db), 1);
	ck_assert_int_eq(alert_find_key(db, key, &id, NULL, NULL), 1);
	a.id = 7;
	ck_assert_int_eq(alert_store(db, &a, &cause), 0);
	ck_assert_int_eq(a.id, 7);
	ck_assert_int_eq(alert_next_id(db), 8);
	ck_assert_int_eq(alert_find_key(db, key, &id, status, NULL), 0);
	ck_assert_int_eq(id, 7);
	ck_assert_str_eq(status, "queued");

	/* A taken row id, or a key stored before: refused, and SQLite says which. */
	in.key = key2;
	ck_assert_int_eq(alert_parse(&in, &b, NULL), 0);
	b.id = 7;
	ck_assert_int_eq(alert_store(db, &b, &cause), -1);
	ck_assert_int_eq(sqlite3_extended_errcode(db), SQLITE_CONSTRAINT_PRIMARYKEY);
	freep(&cause);
	snprintf(b.key, sizeof b.key, "%s", key);
	b.id = 0;
	ck_assert_int_eq(alert_store(db, &b, &cause), -1);
	ck_assert_int_eq(sqlite3_extended_errcode(db), SQLITE_CONSTRAINT_UNIQUE);
	freep(&cause);
	/* No key: as many as one likes. */
	b.key[0] = '\0';
	ck_assert_int_eq(alert_store(db, &b, &cause), 0);
	ck_assert_int_eq(b.id, 8);
	b.id = 0;
	ck_assert_int_eq(alert_store(db, &b, &cause), 0);
	ck_assert_int_eq(b.id, 9);
	alert_clear(&a);
	alert_clear(&b);
	db_close(&db);
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alert");
	TCase *tc = tcase_create("alert");

	tcase_add_test(tc, header);
	tcase_add_test(tc, lowercase_and_defaults);
	tcase_add_test(tc, bad_fields);
	tcase_add_test(tc, voice_and_duration);
	tcase_add_test(tc, message_cut_on_a_character);
	tcase_add_test(tc, many_locations);
	tcase_add_test(tc, events);
	tcase_add_test(tc, audio_setting);
	tcase_add_test(tc, stored);
	tcase_add_test(tc, keys);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
