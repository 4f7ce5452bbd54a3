/*
 * test_chanfield.c: the table of channel settings (src/chanfield.h): it
 * agrees with the schema (a migration without a row, or a row without a
 * column, fails here), every setting goes in as typed and comes back out
 * by name, as a member, and as JSON, and bad values are refused naming
 * the setting.
 */
#include <stdlib.h>
#include <string.h>

#include "src/chanedit.h"
#include "src/chanfield.h"
#include "src/channels.h"
#include "src/db.h"
#include "src/util.h"
#include "src/xjson.h"
#include "tests/unit/check_tap.h"

/* A fresh database. */
static sqlite3 *
fresh_db(void)
{
	char *path, *cause = NULL;
	sqlite3 *db = NULL;

	xasprintf(&path, "%s/rv.db", check_tmpdir());
	ck_assert_msg(db_open(path, DB_CREATE, &db, &cause) == 0, "%s", cause);
	free(path);
	return db;
}

START_TEST(table_is_sane)
{
	const struct chanfield *f, *g;
	char arg[128];

	for (f = chanfields; f < chanfields + nchanfields; f++) {
		ck_assert_msg(f->label != NULL, "%s has a label", f->name);
		ck_assert_msg(chanfield_find(f->name) == f, "%s is found by name", f->name);
		ck_assert_msg((f->type == CHANFIELD_VIRTUAL) == (f->column == NULL),
		    "%s: a column unless virtual", f->name);
		if (f->type == CHANFIELD_VIRTUAL)
			ck_assert_msg(f->parse != NULL || f->print != NULL, "%s does something",
			    f->name);
		if (f->type == CHANFIELD_CHOICE)
			ck_assert_msg(f->choices != NULL && f->choices[0] != NULL, "%s: choices",
			    f->name);
		if (f->type == CHANFIELD_INT || f->type == CHANFIELD_SECONDS)
			ck_assert_msg(f->min <= f->max, "%s: a range", f->name);
		if (f->flag != NULL) {
			ck_assert_msg(f->help != NULL, "--%s has help", f->flag);
			ck_assert(*chanfield_arg(f, arg, sizeof arg) != '\0');
		}
		for (g = f + 1; g < chanfields + nchanfields; g++) {
			ck_assert_msg(strcmp(f->name, g->name) != 0, "one %s", f->name);
			ck_assert_msg(f->flag == NULL || g->flag == NULL ||
			    strcmp(f->flag, g->flag) != 0, "one --%s", f->flag);
			ck_assert_msg(f->column == NULL || g->column == NULL ||
			    strcmp(f->column, g->column) != 0, "one column %s", f->column);
		}
	}
	ck_assert_ptr_null(chanfield_find("no_such_setting"));
	ck_assert_int_eq(chanfield_index("no_such_setting"), -1);
}
END_TEST

START_TEST(table_matches_schema)
{
	sqlite3 *db = fresh_db();
	sqlite3_stmt *st;
	const struct chanfield *f;
	const char *col;
	int found;

	/* Every column of channels is a setting (or the row's own bookkeeping)... */
	st = db_prepare(db, "SELECT name FROM pragma_table_info('channels')", NULL);
	ck_assert_ptr_nonnull(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		col = db_text(st, 0);
		if (strcmp(col, "id") == 0 || strcmp(col, "created_at") == 0 ||
		    strcmp(col, "updated_at") == 0)
			continue;
		found = 0;
		for (f = chanfields; f < chanfields + nchanfields; f++)
			found |= f->column != NULL && strcmp(f->column, col) == 0;
		ck_assert_msg(found, "column channels.%s has a row in chanfields[]", col);
	}
	sqlite3_finalize(st);
	/* ...and every setting a column. */
	for (f = chanfields; f < chanfields + nchanfields; f++) {
		if (f->column == NULL)
			continue;
		st = db_prepare(db, "SELECT count(*) FROM pragma_table_info('channels') WHERE "
		    "name = ?1", NULL);
		sqlite3_bind_text(st, 1, f->column, -1, SQLITE_STATIC);
		ck_assert(sqlite3_step(st) == SQLITE_ROW);
		ck_assert_msg(sqlite3_column_int(st, 0) == 1, "%s has its column %s", f->name,
		    f->column);
		sqlite3_finalize(st);
	}
	db_close(&db);
}
END_TEST

/* Type text as the CLI would, or fail. */
static void
type(struct chanedit *e, const char *name, const char *text)
{
	char *cause = NULL;

	ck_assert_msg(chanedit_parse(e, chanfield_find(name), text, &cause) == 0, "%s '%s': %s",
	    name, text, cause);
}

START_TEST(every_setting_round_trips)
{
	sqlite3 *db = fresh_db();
	struct channel_conf c, d;
	struct chanedit e;
	char *cause = NULL, *dir = xstrdup(check_tmpdir()), *file;
	int64_t id, reg;
	json_t *j;
	FILE *out;

	xasprintf(&file, "%s/anthem.wav", dir);
	out = fopen(file, "w");
	fclose(out);
	chanedit_init(&e);
	type(&e, "number", "2");
	type(&e, "name", "Two");
	type(&e, "timezone", "UTC");
	ck_assert_msg(chanedit_add(db, &e, &reg, &cause) == 0, "%s", cause);

	chanedit_init(&e);
	type(&e, "number", "4.1");
	type(&e, "name", "Retro Four");
	type(&e, "call_sign", "KRVU");
	type(&e, "description", "Reruns all day");
	type(&e, "timezone", "Europe/London");
	type(&e, "slot_minutes", "60");
	type(&e, "rating_limit", "tv-14");
	type(&e, "demographic", "adult");
	type(&e, "format", "640x360@29.97");
	type(&e, "video_kbps", "1500");
	type(&e, "audio_kbps", "96");
	type(&e, "logo_path", "https://example.com/logo.png");
	type(&e, "bug_path", file);
	type(&e, "audio_language", "fra");
	type(&e, "act_seconds", "7:30");
	type(&e, "break_margin_s", "90");
	type(&e, "bumpers", "no");
	type(&e, "station_id_minutes", "none");
	type(&e, "unrated_ok", "off");
	type(&e, "guide_group", "Films");
	type(&e, "off_air", "2:00-6:30");
	type(&e, "test_card", "card");
	type(&e, "anthem_path", file);
	type(&e, "rating_cards", "yes");
	type(&e, "next_bumpers", "false");
	type(&e, "channel_type", "guide");
	type(&e, "guide_source", "2");
	type(&e, "guide_music_dir", dir);
	type(&e, "guide_hours", "3");
	type(&e, "always_on", "1");
	type(&e, "enabled", "yes");
	ck_assert_msg(chanedit_add(db, &e, &id, &cause) == 0, "%s", cause);

	ck_assert_int_eq(channels_find(db, "4.1", &c, &cause), 0);
	/* The members the engine reads. */
	ck_assert_str_eq(c.name, "Retro Four");
	ck_assert_str_eq(c.rating_limit, "TV-14");
	ck_assert_int_eq(c.width, 640);
	ck_assert_int_eq(c.fps_num, 30000);
	ck_assert_int_eq(c.fps_den, 1001);
	ck_assert_int_eq(c.slot_minutes, 60);
	ck_assert(c.guide);
	ck_assert_int_eq(c.guide_source_id, reg);
	ck_assert_str_eq(c.guide_music_dir, dir);
	ck_assert_int_eq(c.always_on, 1);
	/* Every setting by name. */
	ck_assert_int_eq(channel_conf_int(&c, "act_seconds"), 450);
	ck_assert_int_eq(channel_conf_int(&c, "break_margin_s"), 90);
	ck_assert_int_eq(channel_conf_int(&c, "bumpers"), 0);
	ck_assert_int_eq(channel_conf_int(&c, "station_id_minutes"), 0);
	ck_assert_int_eq(channel_conf_int(&c, "unrated_ok"), 0);
	ck_assert_int_eq(channel_conf_int(&c, "rating_cards"), 1);
	ck_assert_int_eq(channel_conf_int(&c, "next_bumpers"), 0);
	ck_assert_str_eq(channel_conf_str(&c, "signoff_time"), "02:00");
	ck_assert_str_eq(channel_conf_str(&c, "signon_time"), "06:30");
	ck_assert_str_eq(channel_conf_str(&c, "test_card"), "card");
	ck_assert_str_eq(channel_conf_str(&c, "guide_source"), "2");
	ck_assert_str_eq(channel_conf_str(&c, "audio_language"), "fra");
	ck_assert_str_eq(channel_conf_str(&c, "guide_group"), "Films");
	ck_assert(!channel_conf_null(&c, "guide_group"));
	/* As JSON, under the same names. */
	j = channel_conf_json(&c);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "id")), id);
	ck_assert_str_eq(json_string_value(json_object_get(j, "call_sign")), "KRVU");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "video_kbps")), 1500);
	ck_assert(json_is_false(json_object_get(j, "bumpers")));
	ck_assert(json_is_true(json_object_get(j, "always_on")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "guide_source")), "2");
	ck_assert_ptr_null(json_object_get(j, "format"));
	json_decref(j);
	/* A copy is deep. */
	channel_conf_copy(&d, &c);
	channel_conf_clear(&c);
	ck_assert_str_eq(channel_conf_str(&d, "test_card"), "card");
	ck_assert_str_eq(d.call_sign, "KRVU");
	channel_conf_clear(&d);

	/* "none" unsets what may be unset; NULL is read back as NULL. */
	chanedit_init(&e);
	type(&e, "call_sign", "none");
	type(&e, "guide_group", "");
	type(&e, "off_air", "none");
	type(&e, "guide_source", "None");
	ck_assert_msg(chanedit_update(db, id, &e, &cause) == 0, "%s", cause);
	ck_assert_int_eq(channels_get(db, id, &c, &cause), 0);
	ck_assert_ptr_null(c.call_sign);
	ck_assert(channel_conf_null(&c, "guide_group"));
	ck_assert_ptr_null(channel_conf_str(&c, "signoff_time"));
	ck_assert_int_eq(c.guide_source_id, 0);
	j = channel_conf_json(&c);
	ck_assert_str_eq(json_string_value(json_object_get(j, "call_sign")), "");
	json_decref(j);
	channel_conf_clear(&c);
	free(file);
	free(dir);
	db_close(&db);
}
END_TEST

/* The cause of refusing text for a setting (by the parse or the check); NULL if taken. */
static char *
refusal(const char *name, const char *text)
{
	struct chanedit e;
	char *cause = NULL;

	chanedit_init(&e);
	if (chanedit_parse(&e, chanfield_find(name), text, &cause) != 0)
		return cause;
	if (chanedit_check(&e, &cause) != 0)
		return cause;
	return NULL;
}

/* Refused, with words in the cause. */
static void
refused(const char *name, const char *text, const char *words)
{
	char *cause = refusal(name, text);

	ck_assert_msg(cause != NULL, "%s '%s' is refused", name, text);
	ck_assert_msg(strstr(cause, words) != NULL, "%s '%s': '%s' says '%s'", name, text, cause,
	    words);
	free(cause);
}

START_TEST(bad_values_are_named)
{
	refused("number", "4a", "not like 4 or 4.1");
	refused("name", "", "name '' must be 1 to 64");
	refused("call_sign", "W T", "call sign 'W T'");
	refused("timezone", "Mars/Olympus", "Mars/Olympus");
	refused("slot_minutes", "7", "does not divide a day");
	refused("slot_minutes", "0", "not a number from 1 to 1440");
	refused("rating_limit", "PG-17", "rating limit 'PG-17'");
	refused("demographic", "nobody", "demographic 'nobody' is not one of family");
	refused("format", "1281x720", "the frame size must be even");
	refused("format", "big", "not like 1280x720");
	refused("format", "320x180@200", "not like 1280x720");
	refused("video_kbps", "50", "not a number from 100 to 100000");
	refused("logo_path", "/nonexistent/logo.png", "logo /nonexistent/logo.png: no such file");
	refused("audio_language", "english", "audio language 'english'");
	refused("act_seconds", "10", "from 30 to 14400");
	refused("bumpers", "maybe", "not yes or no");
	refused("station_id_minutes", "7", "station ID interval 7 minutes");
	refused("off_air", "25:00-06:00", "like 02:00-06:00");
	refused("off_air", "02:00-02:00", "leave no time off the air");
	refused("test_card", "foo", "test card 'foo' is not bars or card");
	refused("channel_type", "news", "channel type 'news' is not regular or guide");
	refused("guide_source", "x", "guide source 'x' is not a channel number");
	refused("guide_music_dir", "/nonexistent", "music folder /nonexistent: no such directory");
	refused("guide_hours", "13", "not a number from 1 to 12");
	refused("signoff_time", "02:00", "sign-off and sign-on are set together");
	/* What may not be unset is not. */
	refused("timezone", "none", "none");
	ck_assert_ptr_null(refusal("call_sign", "none"));
	ck_assert_ptr_null(refusal("station_id_minutes", "no"));
}
END_TEST

START_TEST(list_values)
{
	static const char *const langs[] = { "eng", "fra", "deu", NULL };
	const struct chanfield f = { .name = "langs", .type = CHANFIELD_LIST, .choices = langs,
	    .label = "Languages", .flags = CHANFIELD_CLEAR };
	struct chanval v;
	char *cause = NULL;

	memset(&v, 0, sizeof v);
	v.set = 1;
	v.s = "eng, fra";
	ck_assert_int_eq(chanfield_check(&f, &v, &cause), 0);
	v.s = "eng,xx";
	ck_assert(chanfield_check(&f, &v, &cause) != 0);
	ck_assert_msg(strstr(cause, "languages: 'xx' is not one of eng, fra, deu") != NULL, "%s",
	    cause);
	freep(&cause);
	v.s = "eng,,fra";
	ck_assert(chanfield_check(&f, &v, &cause) != 0);
	ck_assert_msg(strstr(cause, "not a comma-separated list") != NULL, "%s", cause);
	freep(&cause);
	v.s = "";
	ck_assert_int_eq(chanfield_check(&f, &v, &cause), 0);
}
END_TEST

START_TEST(json_in)
{
	struct chanedit e;
	char *cause = NULL;
	json_t *o;

	chanedit_init(&e);
	o = xjson_pack("{s:s, s:i, s:b, s:s, s:n, s:s}", "name", "Six", "video_kbps", 900,
	    "always_on", 1, "act_seconds", "8:00", "call_sign", "cmd", "x");
	ck_assert_msg(chanedit_from_json(&e, o, &cause) == 0, "%s", cause);
	ck_assert_str_eq(chanedit_str(&e, "name"), "Six");
	ck_assert_int_eq(chanedit_int(&e, "video_kbps", -1), 900);
	ck_assert_int_eq(chanedit_int(&e, "always_on", -1), 1);
	ck_assert_int_eq(chanedit_int(&e, "act_seconds", -1), 480);
	ck_assert_ptr_null(chanedit_str(&e, "call_sign"));
	ck_assert_ptr_null(chanedit_str(&e, "format"));
	json_decref(o);
	/* A wrong kind of value names its key. */
	o = xjson_pack("{s:s}", "video_kbps", "lots");
	ck_assert(chanedit_from_json(&e, o, &cause) != 0);
	ck_assert_msg(strstr(cause, "video_kbps: 'lots'") != NULL, "%s", cause);
	freep(&cause);
	json_decref(o);
	o = xjson_pack("{s:i}", "name", 4);
	ck_assert(chanedit_from_json(&e, o, &cause) != 0);
	ck_assert_msg(strstr(cause, "name: give a string") != NULL, "%s", cause);
	freep(&cause);
	json_decref(o);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("chanfield");
	TCase *tc = tcase_create("chanfield");

	tcase_add_test(tc, table_is_sane);
	tcase_add_test(tc, table_matches_schema);
	tcase_add_test(tc, every_setting_round_trips);
	tcase_add_test(tc, bad_values_are_named);
	tcase_add_test(tc, list_values);
	tcase_add_test(tc, json_in);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
