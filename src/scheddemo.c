/*
 * scheddemo.c: the demo channels on the demo library.
 */
#include "src/scheddemo.h"

#include <stdlib.h>
#include <string.h>

#include "src/chanedit.h"
#include "src/channels.h"
#include "src/coarse.h"
#include "src/db.h"
#include "src/log.h"
#include "src/sched.h"
#include "src/season.h"
#include "src/tz.h"
#include "src/util.h"

#define DEMO_DESCRIPTION "Retrovue demo channel"

struct demo_channel {
	const char *number;
	const char *name;
	const char *call_sign;
	const char *description;
	int guide;                      /* the guide channel, showing channel 2 */
	const char *signoff, *signon;   /* off the air between, or NULL */
	int rating_cards;
	const char *era;                /* the years its breaks prefer (src/era.h), or NULL */
};

static const struct demo_channel demo_channels[] = {
	{ "2", "Retro Sitcoms", "RVSC", DEMO_DESCRIPTION ": the series in rotation, with "
	  "commercials of each one's decade", 0, NULL, NULL, 0, "programme" },
	{ "3", "Movie Palace", "RVMP", DEMO_DESCRIPTION ": movies all day", 0, NULL, NULL, 0,
	  NULL },
	{ "4", "Retro Mix", "RVMX", DEMO_DESCRIPTION ": something of everything, off the air "
	  "03:00-05:00, holiday movies in season", 0, "03:00", "05:00", 1, NULL },
	{ SCHEDDEMO_GUIDE, "Retro Guide", "RVGD", DEMO_DESCRIPTION ": the listings", 1, NULL, NULL,
	  0, NULL },
};

/* The ids a query returns. */
static int64_t *
ids(sqlite3 *db, const char *sql, size_t *n)
{
	sqlite3_stmt *st = db_prepare(db, sql, NULL);
	int64_t *out = NULL;

	*n = 0;
	if (st == NULL)
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		out = xreallocarray(out, *n + 1, sizeof *out);
		out[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return out;
}

/* Add a slot; 0 or -1. */
static int
slot(sqlite3 *db, int64_t channel, int start, int end, enum coarse_type type,
    const int64_t *shows, size_t n_shows, const char *daypart, int kinds, char **cause)
{
	struct coarse_slot s;

	memset(&s, 0, sizeof s);
	s.channel_id = channel;
	s.days = 0x7f;
	s.start_min = start;
	s.end_min = end;
	s.type = type;
	s.shows = (int64_t *)shows;
	s.n_shows = n_shows;
	s.show_id = n_shows > 0 && type != COARSE_FILL ? shows[0] : 0;
	s.max_level = -1;
	s.kinds = kinds;
	s.daypart = (char *)daypart;
	return coarse_add(db, &s, NULL, cause);
}

/* Add a slot active on dates only; 0 or -1. */
static int
dated_slot(sqlite3 *db, int64_t channel, int start, int end, enum coarse_type type,
    const char *dates, char **cause)
{
	struct coarse_slot s;

	memset(&s, 0, sizeof s);
	s.channel_id = channel;
	s.days = 0x7f;
	s.start_min = start;
	s.end_min = end;
	s.type = type;
	s.max_level = -1;
	s.priority = 1;
	s.dates_text = (char *)dates;
	if (season_parse(dates, &s.dates, cause) != 0)
		return -1;
	return coarse_add(db, &s, NULL, cause);
}

/*
 * Create or refresh one channel; its id in *id. 1: the guide's number is
 * the operator's, so the demo goes without a guide.
 */
static int
make_channel(sqlite3 *db, const struct demo_channel *dc, const char *tzname,
    const char *bug_path, int64_t *id, char **cause)
{
	struct channel_conf c;
	struct chanedit e;
	int rc;

	chanedit_init(&e);
	chanedit_set_str(&e, "number", dc->number);
	chanedit_set_str(&e, "name", dc->name);
	chanedit_set_str(&e, "call_sign", dc->call_sign);
	chanedit_set_str(&e, "description", dc->description);
	chanedit_set_str(&e, "timezone", tzname);
	chanedit_set_int(&e, "slot_minutes", 5);
	chanedit_set_int(&e, "width", 640);
	chanedit_set_int(&e, "height", 360);
	chanedit_set_int(&e, "fps_num", 25);
	chanedit_set_int(&e, "fps_den", 1);
	chanedit_set_int(&e, "video_kbps", 800);
	chanedit_set_int(&e, "audio_kbps", 96);
	chanedit_set_int(&e, "act_seconds", 90);
	chanedit_set_int(&e, "break_margin_s", 30);
	chanedit_set_int(&e, "bumpers", 1);
	chanedit_set_int(&e, "station_id_minutes", 10);
	chanedit_set_str(&e, "guide_group", "Retrovue Demo");
	chanedit_set_str(&e, "bug_path", bug_path != NULL && file_exists(bug_path) ? bug_path :
	    NULL);
	chanedit_set_int(&e, "enabled", 1);
	if (dc->guide) {
		/* The listings of the others, a picture of channel 2, an hour ahead. */
		chanedit_set_str(&e, "channel_type", "guide");
		chanedit_set_str(&e, "guide_source", demo_channels[0].number);
		chanedit_set_int(&e, "guide_hours", 1);
		chanedit_set_int(&e, "slot_minutes", 30);
	}
	chanedit_set_str(&e, "signoff_time", dc->signoff != NULL ? dc->signoff : "");
	chanedit_set_str(&e, "signon_time", dc->signon != NULL ? dc->signon : "");
	chanedit_set_int(&e, "rating_cards", dc->rating_cards);
	chanedit_set_str(&e, "era", dc->era != NULL ? dc->era : "");

	rc = channels_find(db, dc->number, &c, cause);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (c.description == NULL || strncmp(c.description, DEMO_DESCRIPTION,
		    strlen(DEMO_DESCRIPTION)) != 0) {
			if (dc->guide) {
				log_info("channel %s (%s) is not a demo channel: no demo guide channel",
				    dc->number, c.name);
				channel_conf_clear(&c);
				return 1;
			}
			set_cause(cause, "channel %s (%s) exists and is not a demo channel; the demo "
			    "needs channels " SCHEDDEMO_NUMBERS, dc->number, c.name);
			channel_conf_clear(&c);
			return -1;
		}
		*id = c.id;
		channel_conf_clear(&c);
		chanedit_set_str(&e, "number", NULL);
		if (chanedit_update(db, *id, &e, cause) != 0)
			return -1;
		/* Its old plan goes; its fine log is rebuilt after the lock. */
		return db_exec(db, "DELETE FROM schedules WHERE channel_id IN (SELECT id FROM "
		    "channels WHERE description LIKE '" DEMO_DESCRIPTION "%')", cause);
	}
	return chanedit_add(db, &e, id, cause);
}

/* Set up the demo channels. */
int
scheddemo_setup(sqlite3 *db, int64_t now_ms, const char *bug_path, char **cause)
{
	int64_t *shows, *movies, id[nitems(demo_channels)];
	size_t n_shows, n_movies, i, n = 0;
	char tzname[128];
	int rc;

	shows = ids(db, "SELECT s.id FROM shows s WHERE s.source_type = 'demo' AND EXISTS "
	    "(SELECT 1 FROM episodes e JOIN media_files m ON m.id = e.media_file_id WHERE "
	    "e.show_id = s.id AND m.duration_ms > 0) ORDER BY s.id", &n_shows);
	movies = ids(db, "SELECT m.id FROM movies mv JOIN media_files m ON m.id = "
	    "mv.media_file_id WHERE m.source_type = 'demo' AND m.duration_ms > 0 ORDER BY m.id",
	    &n_movies);
	if (n_shows == 0 && n_movies == 0) {
		set_cause(cause, "there is no demo library to schedule (no demo series or movies)");
		free(shows);
		free(movies);
		return -1;
	}
	tz_system_name(tzname, sizeof tzname);
	if (db_begin(db, cause) != 0)
		goto fail;
	for (i = 0; i < nitems(demo_channels); i++) {
		rc = make_channel(db, &demo_channels[i], tzname, bug_path, &id[n], cause);
		if (rc < 0)
			goto rollback;
		if (rc == 0)
			n++;
	}
	/* 2: the series in rotation, all day (the movies if there are no series). */
	rc = n_shows > 0 ?
	    slot(db, id[0], 0, 1440, COARSE_SERIES, shows, n_shows, NULL, 0, cause) :
	    slot(db, id[0], 0, 1440, COARSE_MOVIES, NULL, 0, NULL, 0, cause);
	if (rc != 0)
		goto rollback;
	/* 3: movies all day (episodes if there are no movies). */
	rc = n_movies > 0 ?
	    slot(db, id[1], 0, 1440, COARSE_MOVIES, NULL, 0, NULL, 0, cause) :
	    slot(db, id[1], 0, 1440, COARSE_FILL, NULL, 0, NULL, 0, cause);
	if (rc != 0)
		goto rollback;
	/* 4: anything by day, the series in prime time, movies late at night. */
	if (slot(db, id[2], 0, 1440, COARSE_FILL, NULL, 0, NULL, 0, cause) != 0)
		goto rollback;
	if (n_shows > 0 && slot(db, id[2], 18 * 60, 23 * 60, COARSE_SERIES, shows, n_shows,
	    "prime", 0, cause) != 0)
		goto rollback;
	if (n_movies > 0 && slot(db, id[2], 23 * 60, 6 * 60, COARSE_MOVIES, NULL, 0,
	    "late_night", 0, cause) != 0)
		goto rollback;
	/* Holiday season (20 November to 6 January): a movie matinee in the afternoon. */
	if (n_movies > 0 && dated_slot(db, id[2], 16 * 60, 18 * 60, COARSE_MOVIES, "holiday",
	    cause) != 0)
		goto rollback;
	if (db_commit(db, cause) != 0)
		goto fail;
	free(shows);
	free(movies);
	for (i = 0; i < n; i++) {
		if (sched_rebuild(db, id[i], now_ms, cause) < 0)
			return -1;
	}
	log_info("demo channels " SCHEDDEMO_NUMBERS " scheduled (%s)%s", tzname,
	    n == nitems(demo_channels) ? ", with the guide on " SCHEDDEMO_GUIDE : "");
	return (int)n;

rollback:
	db_rollback(db);
fail:
	free(shows);
	free(movies);
	return -1;
}
