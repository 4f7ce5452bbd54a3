#!/bin/sh
# The scheduling commands on a real database: channel add|list|show|edit|
# remove|enable|disable, schedule add|list|remove|show|build|rebuild|check,
# guide xmltv|m3u (checked with xmllint and tv_validate_file) and asrun.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"

DTD="${FIXTURES:?FIXTURES must point at the test fixtures}/xmltv/xmltv.dtd"
R="$RETROVUE"

run_rc "$R" db init
check_eq "db init" 0 "$rc"

# A small library: two sitcoms, a drama rated TV-MA, a movie, commercials,
# bumpers and a station ID.
sqlite3 "$RETROVUE_DB_PATH" <<'EOF'
INSERT INTO shows (id, title, year, show_rating, genre, show_summary, source_type) VALUES
  (1, 'Cheers', 1982, 'TV-PG', 'Comedy', 'A bar in Boston.', 'manual'),
  (2, 'Taxi', 1978, 'TV-PG', 'Comedy', NULL, 'manual'),
  (3, 'Oz', 1997, 'TV-MA', 'Drama', NULL, 'manual'),
  (4, 'Taxi', 2004, 'TV-PG', 'Comedy', NULL, 'manual');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type)
  SELECT i, '/media/ep' || i || '.mkv', 1290000 + i * 7777, 'episode', 'manual' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
INSERT INTO episodes (media_file_id, show_id, episode_title, season_number, episode_number,
  summary, air_date)
  SELECT i, CASE WHEN i <= 6 THEN 1 ELSE 2 END, 'Episode ' || i, 1, 1 + (i - 1) % 6,
  'Things happen.', '1983-01-0' || (1 + i % 9) FROM n;
INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
  (13, '/media/oz.mkv', 3300000, 'episode', 'manual'),
  (14, '/media/film.mkv', 5580000, 'movie', 'manual');
INSERT INTO episodes (media_file_id, show_id, episode_title, season_number, episode_number)
  VALUES (13, 3, 'The Routine', 1, 1);
INSERT INTO movies (media_file_id, title, year, rating, genre, summary) VALUES
  (14, 'Big Film', 1985, 'PG', 'Adventure', 'Big.');
INSERT INTO chapter_markers (media_file_id, timestamp_ms) VALUES
  (1, 420000), (1, 860000), (14, 1800000), (14, 3600000);
WITH RECURSIVE n(i) AS (SELECT 20 UNION ALL SELECT i + 1 FROM n WHERE i < 35)
INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type)
  SELECT i, '/media/ad' || i || '.mp4', CASE WHEN i % 3 = 0 THEN 15000 ELSE 30000 END,
  'clip', 'manual' FROM n;
WITH RECURSIVE n(i) AS (SELECT 20 UNION ALL SELECT i + 1 FROM n WHERE i < 35)
INSERT INTO content_scheduling_metadata (media_file_id, content_type, commercial_company,
  commercial_category) SELECT i, 'commercial', 'Company ' || (i % 8), 'cat' || ((i / 2) % 8)
  FROM n;
INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
  (40, '/media/brb.mp4', 5000, 'clip', 'manual'), (41, '/media/back.mp4', 5000, 'clip', 'manual'),
  (42, '/media/id.mp4', 10000, 'clip', 'manual');
INSERT INTO content_scheduling_metadata (media_file_id, content_type, scheduling_notes) VALUES
  (40, 'bumper', 'break-in'), (41, 'bumper', 'break-out'), (42, 'station_id', NULL);
EOF
check_eq "the library is in" 33 "$(sqlite3 "$RETROVUE_DB_PATH" 'SELECT count(*) FROM media_files')"

# channel add: errors first, each named, nothing written.
run_rc "$R" channel add 4 "Retro One" --timezone Mars/Olympus
check_eq "an unknown time zone fails" 1 "$rc"
check_grep "and is named" "Mars/Olympus" "$T/err"
run_rc "$R" channel add 4a "Retro One"
check_eq "a bad channel number fails" 1 "$rc"
check_grep "and says what a number is" "not like 4 or 4.1" "$T/err"
run_rc "$R" channel add 4 "Retro One" --slot-minutes 7
check_eq "a slot that does not divide the day fails" 1 "$rc"
run_rc "$R" channel add 4 "Retro One" --rating-limit PG-17
check_eq "an unknown rating fails" 1 "$rc"
run_rc "$R" channel add 4 "Retro One" --format 1281x720
check_eq "an odd frame size fails" 1 "$rc"
run_rc "$R" channel add 4 "Retro One" --logo /nonexistent/logo.png
check_eq "a missing logo file fails" 1 "$rc"
check_grep "and names the file" "/nonexistent/logo.png" "$T/err"
run_rc "$R" channel add 4
check_eq "channel add without a name is a usage error" 2 "$rc"
check_grep "and prints the usage" "usage: retrovue channel add NUMBER NAME" "$T/err"
run_rc "$R" --dry-run channel add 4 "Retro One"
check_eq "a dry run exits 0" 0 "$rc"
check_eq "nothing was written" 0 "$(sqlite3 "$RETROVUE_DB_PATH" 'SELECT count(*) FROM channels')"

run_rc "$R" channel add 4 "Retro One" --timezone America/New_York --call-sign KRVU \
    --rating-limit tv-14 --format 640x360@29.97
check_eq "channel add exits 0" 0 "$rc"
check_grep "and says so" "added channel 4 Retro One (America/New_York, 30-minute slots)" "$T/out"
run_rc "$R" channel add 4 "Another"
check_eq "a taken number fails" 1 "$rc"
check_grep "and says it exists" "channel 4 already exists" "$T/err"
run_rc "$R" channel add 5.1 "Movies" --timezone Europe/London --slot-minutes 60 --group Films
check_eq "a subchannel number" 0 "$rc"

run_rc "$R" channel list
check_eq "channel list exits 0" 0 "$rc"
check_grep "lists channel 4" "^4  *Retro One  *KRVU  *America/New_York  *30m  *640x360@29.97  *TV-14  *yes" "$T/out"
check_grep "lists channel 5.1" "^5.1  *Movies" "$T/out"
run_rc "$R" channel show 4
check_grep "channel show has the rating limit" "^rating limit:  TV-14" "$T/out"
check_grep "and the frame rate as NTSC" "format:        640x360@29.97" "$T/out"
run_rc "$R" channel edit 4 --station-ids 30 --act-length 7:00 --bumpers no
check_eq "channel edit exits 0" 0 "$rc"
run_rc "$R" channel show 4
check_grep "station IDs changed" "every 30 minutes" "$T/out"
check_grep "act length changed" "about 7:00 between breaks" "$T/out"
run_rc "$R" channel edit 4 --number 5.1
check_eq "renumbering onto a taken number fails" 1 "$rc"
run_rc "$R" channel edit 9 --name X
check_eq "editing a missing channel fails" 1 "$rc"
check_grep "and names it" "no channel 9" "$T/err"
run_rc "$R" channel edit 4 --bumpers yes --station-ids 60 --act-length 8:00
check_eq "channel edit back" 0 "$rc"

# schedule add.
run_rc "$R" schedule add 4 --at 00:00 --until 24:00 --fill --series Cheers --series "Taxi (1978)"
check_eq "a fill slot" 0 "$rc"
check_grep "describes it" "slot 1, daily 00:00-24:00, fill Cheers (1982), Taxi (1978)" "$T/out"
check_grep "and builds the schedule" "schedule rebuilt" "$T/out"
run_rc "$R" schedule add 4 --daypart prime --days mon-fri --series Cheers --series "Taxi (1978)"
check_eq "a series rotation in prime time" 0 "$rc"
check_grep "prime is 18:00-23:00" "Mon-Fri 18:00-23:00, series Cheers (1982), Taxi (1978)" "$T/out"
run_rc "$R" schedule add 4 --days sat --at 20:00 --movie "big film"
check_eq "a movie, by title in any case" 0 "$rc"
run_rc "$R" schedule add 4 --at 21:00 --series Oz
check_eq "a series over the rating limit is refused" 1 "$rc"
check_grep "saying why" "Oz is rated R/TV-MA, above the channel's limit TV-14" "$T/err"
run_rc "$R" schedule add 4 --at 21:00 --series Taxi
check_eq "an ambiguous title is refused" 1 "$rc"
check_grep "listing the candidates" "Taxi (1978) \[id:2\], Taxi (2004) \[id:4\]" "$T/err"
run_rc "$R" schedule add 4 --at 21:00 --series "Frasier"
check_eq "an unknown series is refused" 1 "$rc"
check_grep "by name" "no series called 'Frasier'" "$T/err"
run_rc "$R" schedule add 4 --at 21:00 --episode "Cheers S01E09"
check_eq "an unknown episode is refused" 1 "$rc"
run_rc "$R" schedule add 4 --at 25:00 --series Cheers
check_eq "a bad time is refused" 1 "$rc"
run_rc "$R" schedule add 4 --at 21:00
check_eq "a slot with nothing to play is a usage error" 2 "$rc"
run_rc "$R" schedule add 4 --days someday --at 21:00 --series Cheers
check_eq "bad days are a usage error" 2 "$rc"
run_rc "$R" schedule add 4 --days sun --at 12:00 --episode "Cheers S01E03"
check_eq "a single episode" 0 "$rc"

run_rc "$R" schedule list 4
check_eq "schedule list exits 0" 0 "$rc"
check_grep "lists the fill" "^1  *daily  *00:00-24:00  *0  *fill Cheers (1982), Taxi (1978)" "$T/out"
check_grep "lists the daypart" "series Cheers (1982), Taxi (1978) (prime)" "$T/out"
check_grep "lists the movie" "^3  *Sat  *20:00-20:30  *0  *movie Big Film (1985)" "$T/out"
check_grep "lists the episode" "episode Cheers S01E03 Episode 3" "$T/out"

# The traffic log.
run_rc "$R" schedule show 4 --hours 2
check_eq "schedule show exits 0" 0 "$rc"
check_grep "has a header" "START  *TYPE  *DURATION  *IN  *OUT  *TITLE" "$T/out"
check_grep "programmes start on the half hour" "^[> ] [0-9][0-9]:[03]0:00.00  programme" "$T/out"
check_grep "acts are numbered" "(act 2)$" "$T/out"
check_grep "commercials name the advertiser" "commercial .*Company [0-7]: ad[0-9]* (cat[0-7])" "$T/out"
check_grep "bumpers are there" " bumper " "$T/out"
check_grep "what is on now is marked" "^> " "$T/out"
run_rc "$R" schedule show 4 --from "+1d" --hours 1
check_eq "schedule show from tomorrow" 0 "$rc"
run_rc "$R" schedule show 4 --hours many
check_eq "bad hours are a usage error" 2 "$rc"
run_rc "$R" schedule show 4 --from "next tuesday"
check_eq "a bad time fails" 1 "$rc"
check_grep "saying what a time is" "is not a time like" "$T/err"
run_rc "$R" schedule show 77
check_eq "an unknown channel fails" 1 "$rc"

run_rc "$R" schedule check 4
check_eq "the fine log passes the invariant checker" 0 "$rc"
check_grep "and says so" "fine log ok for 48 hours" "$T/out"
# Break the log by hand, in a programme three hours away: the checker finds
# it, and a rebuild (which never touches what is on air) mends it.
sqlite3 "$RETROVUE_DB_PATH" "UPDATE schedule_items SET end_ms = end_ms - 1000, out_ms = out_ms - 1000 WHERE id = (SELECT id FROM schedule_items WHERE kind = 'commercial' AND programme_start_ms > strftime('%s','now') * 1000 + 3 * 3600000 ORDER BY start_ms LIMIT 1)"
run_rc "$R" schedule check 4
check_eq "a broken log fails the check" 1 "$rc"
check_grep "naming the gap" "gap of 1000 ms" "$T/out"
run_rc "$R" schedule rebuild 4
check_eq "schedule rebuild exits 0" 0 "$rc"
run_rc "$R" schedule check 4
check_eq "the rebuilt log passes" 0 "$rc"

run_rc "$R" schedule remove 4 3
check_eq "schedule remove" 0 "$rc"
run_rc "$R" schedule remove 4 3
check_eq "removing it again fails" 1 "$rc"
check_grep "saying so" "no slot 3" "$T/err"
run_rc "$R" schedule build
check_eq "schedule build for every channel" 0 "$rc"
run_rc "$R" schedule build 5.1 --hours 72
check_eq "schedule build for one channel" 0 "$rc"
check_grep "says how far" "channel 5.1: [0-9]* items added; scheduled to" "$T/out"

# The guide.
run_rc "$R" guide xmltv --hours 6 --base-url http://tv.local:8080 -o "$T/guide.xml"
check_eq "guide xmltv exits 0" 0 "$rc"
cp "$DTD" "$T/xmltv.dtd"
run_rc xmllint --noout --dtdvalid "$DTD" "$T/guide.xml"
check_eq "the XMLTV is valid against the DTD (xmllint)" 0 "$rc"
run_rc tv_validate_file --dtd-file "$DTD" "$T/guide.xml"
check_eq "the XMLTV passes tv_validate_file" 0 "$rc"
check_grep "and it says so" "Validated ok" "$T/out"
check_grep "channel 4 is in it" '<channel id="4.retrovue">' "$T/guide.xml"
check_grep "with episode numbers" '<episode-num system="onscreen">S01E0[1-6]</episode-num>' "$T/guide.xml"
check_grep "times carry New York's offset" 'start="[0-9]\{14\} -0[45]00" stop=' "$T/guide.xml"
"$R" guide xmltv --hours 6 --base-url http://tv.local:8080 > "$T/guide2.xml"
check "stdout has the same guide" cmp -s "$T/guide.xml" "$T/guide2.xml"

run_rc "$R" guide m3u --base-url http://tv.local:8080
check_eq "guide m3u exits 0" 0 "$rc"
check_eq "it starts with #EXTM3U and the guide" '#EXTM3U url-tvg="http://tv.local:8080/iptv/xmltv.xml" x-tvg-url="http://tv.local:8080/iptv/xmltv.xml"' "$(head -n 1 "$T/out")"
check_grep "channel 4 has its tags" '^#EXTINF:-1 tvg-id="4.retrovue" tvg-name="Retro One" tvg-chno="4" group-title="Retrovue",4 Retro One$' "$T/out"
check_grep "channel 5.1 has its group" 'tvg-chno="5.1" group-title="Films",5.1 Movies$' "$T/out"
check_grep "and a stream URL" '^http://tv.local:8080/channel/4.ts$' "$T/out"
check_eq "two channels, two lines each" 5 "$(wc -l < "$T/out")"
run_rc "$R" guide m3u
check_eq "m3u without a base URL is a usage error" 2 "$rc"
run_rc "$R" guide m3u --base-url "file:///etc"
check_eq "m3u with a non-HTTP base URL fails" 1 "$rc"

# Disabled channels leave the guide.
run_rc "$R" channel disable 5.1
check_eq "channel disable" 0 "$rc"
"$R" guide xmltv --hours 2 > "$T/guide3.xml"
check_no_grep "a disabled channel is not in the guide" '5.1.retrovue' "$T/guide3.xml"
run_rc "$R" channel enable 5.1
check_eq "channel enable" 0 "$rc"

# The as-run log (written by the engine; here by hand).
now=$(($(date +%s) * 1000))
sqlite3 "$RETROVUE_DB_PATH" "INSERT INTO playout_logs (channel_id, content_id, title, scheduled_start_ms, start_time, end_time, actual_duration, status, errors) VALUES
  (1, 1, 'Cheers / Episode 1', $now - 3600000, $now - 3599960, $now - 3160000, 439960, 'aired', NULL),
  (1, 20, 'ad20', $now - 3160000, $now - 3160000, $now - 3130000, 30000, 'failed', 'cannot open /media/ad20.mp4'),
  (1, 2, 'Cheers / Episode 2', $now - 60000, $now - 60000, NULL, NULL, 'playing', NULL)"
run_rc "$R" asrun 4 --from -2h
check_eq "asrun exits 0" 0 "$rc"
check_grep "shows what aired, 40 ms late" "00:07:19.28  +0.040s  *aired  *[0-9:]*  *Cheers / Episode 1$" "$T/out"
check_grep "shows failures with their error" "failed .*ad20: cannot open /media/ad20.mp4" "$T/out"
check_grep "shows what is on air" "on air  *+0.000s  *playing" "$T/out"
run_rc "$R" asrun 4 --from -30m
check_no_grep "--from limits it" "Episode 1" "$T/out"
run_rc "$R" asrun 5.1
check_grep "an empty as-run log says so" "nothing aired" "$T/out"
run_rc "$R" asrun
check_eq "asrun without a channel is a usage error" 2 "$rc"

run_rc "$R" channel remove 5.1
check_eq "channel remove" 0 "$rc"
run_rc "$R" channel list
check_no_grep "it is gone" "^5.1 " "$T/out"
run_rc "$R" channel remove 5.1
check_eq "removing it again fails" 1 "$rc"

run_rc "$R" --help
check_grep "--help lists channel" "^  channel " "$T/out"
check_grep "--help lists schedule" "^  schedule " "$T/out"
check_grep "--help lists guide" "^  guide " "$T/out"
check_grep "--help lists asrun" "^  asrun " "$T/out"

done_testing
