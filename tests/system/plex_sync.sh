#!/bin/sh
# Plex import against the stand-in: sources, discover, a full sync, an
# incremental one (unchanged shows not fetched), changes and deletions
# between runs, paging, title sync, dry run, the XML path and odd fields.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/plexlib.sh"
start_stub

run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"
check_eq "source add exits 0" 0 "$rc"
check_no_grep "source add does not print the token" "$TOKEN" "$T/out"

run_rc "$RETROVUE" source list
check_grep "source list shows the source" "home.*$URL" "$T/out"
check_grep "source list masks the token" "\*\*\*\*\*\*\*\*" "$T/out"
check_no_grep "source list does not show the token" "$TOKEN" "$T/out"

run_rc "$RETROVUE" source test home
check_eq "source test exits 0" 0 "$rc"
check_grep "source test names the server" "Retrovue Test PMS" "$T/out"
check_grep "source test counts a movie library" "Movies *movie *6 movies" "$T/out"
check_grep "source test counts shows and episodes" "TV Shows *show *4 shows, 15 episodes" "$T/out"

run_rc "$RETROVUE" discover --title "Battlestar Galactica"
check_eq "discover exits 0" 0 "$rc"
check_grep "discover finds the 1978 series with its ids" \
    "^Battlestar Galactica (1978) \[TVDB:71173 TMDB:501 IMDB:tt0076984" "$T/out"
check_grep "discover finds the 2003 series" "^Battlestar Galactica (2003) \[TVDB:73545 TMDB:1972\]" "$T/out"
check_eq "discover lists exactly two" 2 "$(wc -l < "$T/out")"
run_rc "$RETROVUE" discover --title "battlestar galactica" --year 2003
check_eq "discover --year keeps one" "1" "$(grep -c '^Battlestar' "$T/out")"
check_grep "the one from 2003" "(2003)" "$T/out"
run_rc "$RETROVUE" discover --title "Battlestar"
check_eq "discover without an exact match exits 1" 1 "$rc"
check_grep "and lists similar titles" "Similar titles" "$T/out"

# A fine-log row, to see the scheduler told when its file goes.
run_rc "$RETROVUE" sync-all
check_eq "the first sync-all exits 0" 0 "$rc"
check_grep "it reports added movies" "^Added movie: Reign of Fire" "$T/out"
check_grep "and added episodes, with the show's year" "^Added episode: Battlestar Galactica (1978) / " "$T/out"
check_eq "6 movies" 6 "$(sq 'SELECT count(*) FROM movies')"
check_eq "4 shows" 4 "$(sq 'SELECT count(*) FROM shows')"
check_eq "15 episodes" 15 "$(sq 'SELECT count(*) FROM episodes')"
check_eq "two Battlestar Galactica shows" "1978|4
2003|5" "$(sq "SELECT s.year, count(e.id) FROM shows s JOIN episodes e ON e.show_id = s.id WHERE s.title = 'Battlestar Galactica' GROUP BY s.id ORDER BY s.year")"
check_eq "the 1978 show's primary id is TVDB" "tvdb://71173" \
    "$(sq "SELECT guid_primary FROM shows WHERE title = 'Battlestar Galactica' AND year = 1978")"
check_eq "its external ids" "imdb:tt0076984 plex:show/5d9c086c46115600200aa2fe tmdb:501 tvdb:71173" \
    "$(sq "SELECT group_concat(provider || ':' || external_id, ' ') FROM (SELECT provider, external_id FROM show_guids g JOIN shows s ON s.id = g.show_id WHERE s.year = 1978 ORDER BY provider)")"
check_eq "a new-agent movie's primary id (tvdb > tmdb > imdb > plex)" "tvdb://1709" \
    "$(sq "SELECT guid_primary FROM movies WHERE title = 'Reign of Fire'")"
check_eq "a legacy-agent movie's id" "imdb://tt0165832" \
    "$(sq "SELECT guid_primary FROM movies WHERE title = 'Interstate 60'")"
check_eq "gb/12 is level 12" "gb/12|gb/12|12" \
    "$(sq "SELECT m.rating, c.content_rating, c.rating_level FROM movies m JOIN content_scheduling_metadata c USING (media_file_id) WHERE m.title = 'Reign of Fire'")"
check_eq "TV-MA episodes are level 17" "TV-MA|17" \
    "$(sq "SELECT DISTINCT c.content_rating, c.rating_level FROM episodes e JOIN shows s ON s.id = e.show_id JOIN content_scheduling_metadata c ON c.media_file_id = e.media_file_id WHERE s.title = 'Game of Thrones'")"
check_eq "episodes know season and number" "1|3|Earth Kills" \
    "$(sq "SELECT season_number, episode_number, episode_title FROM episodes WHERE plex_rating_key = '92'")"
check_eq "the file path is Plex's (no mapping yet)" "/data/TV-Shows/The 100/The.100.S01E01.mkv" \
    "$(sq "SELECT file_path FROM media_files WHERE source_key = '90'")"
check_eq "durations in ms" "6118122" "$(sq "SELECT duration_ms FROM media_files WHERE source_key = '1036'")"
check_eq "the two-version movie takes the first version" \
    "/mnt/media/Libraries/movies/Black Panther Wakanda Forever (2022)/Black Panther Wakanda Forever (2022).mkv" \
    "$(sq "SELECT file_path FROM media_files WHERE source_key = '159637'")"
check_eq "updatedAt is stored" "1677122881" "$(sq "SELECT updated_at_plex FROM movies WHERE title = 'Reign of Fire'")"
check_eq "library names are stored" "Movies|6
TV Shows|15" "$(sq 'SELECT library_name, count(*) FROM media_files GROUP BY 1 ORDER BY 1')"
check_eq "sync_history records the run" "plex|home|success|21|0|0" \
    "$(sq 'SELECT source_type, source_name, status, items_added, items_updated, items_removed FROM sync_history')"
check "the source has a last sync time" test -n "$(sq 'SELECT last_sync_time FROM content_sources')"
check_eq "Plex's chapters are break points (the one at 0 is none)" "440000|plex 880000|plex" \
    "$(sq "SELECT group_concat(x, ' ') FROM (SELECT timestamp_ms || '|' || source AS x FROM chapter_markers c JOIN episodes e USING (media_file_id) JOIN shows s ON s.id = e.show_id WHERE s.year = 1978 AND e.episode_number = 1 ORDER BY timestamp_ms)")"
bsg1=$(sq "SELECT e.media_file_id FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.year = 1978 AND e.episode_number = 1")
bsg1_dur=$(sq "SELECT duration_ms FROM media_files WHERE id = $bsg1")
check_eq "its intro and credits markers are spans" "intro|30000|75000|plex credits|$((bsg1_dur - 60000))|$bsg1_dur|plex" \
    "$(sq "SELECT group_concat(x, ' ') FROM (SELECT kind || '|' || start_ms || '|' || end_ms || '|' || source AS x FROM media_markers WHERE media_file_id = $bsg1 ORDER BY start_ms)")"
check_eq "on each of its four episodes" "8|8" "$(sq 'SELECT (SELECT count(*) FROM chapter_markers), (SELECT count(*) FROM media_markers)')"
run_rc "$RETROVUE" chapters list "$bsg1"
check_grep "chapters list names Plex as their source" "^0:07:20.000  plex" "$T/out"
check_grep "and shows the credits" "plex      credits to " "$T/out"

# The scheduler's fine log points at a Game of Thrones episode (an hour ago).
past=$(( $(date +%s) * 1000 - 3600000 ))
sq "INSERT INTO channels (number, name) VALUES ('3', 'Test');
    INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, out_ms, title)
    SELECT 1, $past, $past + 1000, 'programme', media_file_id, 1000, 'GoT' FROM episodes WHERE plex_rating_key = '5001';"
rev1=$(sq "SELECT value FROM system_config WHERE key = 'content.revision'")

stub_ctl reset-log
run_rc "$RETROVUE" sync-all
check_eq "an unchanged re-sync exits 0" 0 "$rc"
check_grep "and changes nothing" "0 added, 0 updated, 0 removed, 21 unchanged" "$T/out"
check_no_grep "and prints no change lines" "^Added\|^Updated\|^Removed" "$T/out"
stub_log > "$T/log"
check_no_grep "unchanged shows are skipped without fetching their episodes" "allLeaves" "$T/log"

# Six of 21 files go: more than the default safety limit (tests/system/library_safety.sh).
sq "INSERT INTO system_config (key, value) VALUES ('library.remove_limit_percent', '50')"
stub_ctl "set?scenario=run2"
stub_ctl reset-log
run_rc "$RETROVUE" sync-all
check_eq "the sync after changes exits 0" 0 "$rc"
check_grep "a changed movie is updated" "^Updated movie: Elephants Dream (Orange)" "$T/out"
check_grep "a deleted movie is removed" "^Removed movie: Sintel (2010)" "$T/out"
check_grep "a deleted show's episodes are removed" "^Removed episode: Game of Thrones" "$T/out"
check_grep "and the show" "^Removed show: Game of Thrones (2010)" "$T/out"
check_grep "a changed episode is updated" "^Updated episode: The 100 (2014) / Earth Kills (Director's Cut)" "$T/out"
check_grep "a new episode is added" "^Added episode: The 100 (2014) / The 48" "$T/out"
check_grep "a deleted episode is removed" "^Removed episode: The 100 S01E02 Earth Skills" "$T/out"
check_grep "counts" "1 added, 2 updated, 6 removed" "$T/out"
stub_log > "$T/log"
check_grep "the changed show is fetched" "/library/metadata/22/allLeaves" "$T/log"
check_no_grep "the unchanged ones are not" "/library/metadata/100[12]/allLeaves" "$T/log"
check_eq "5 movies, 3 shows, 12 episodes" "5|3|12" \
    "$(sq 'SELECT (SELECT count(*) FROM movies), (SELECT count(*) FROM shows), (SELECT count(*) FROM episodes)')"
check_eq "no orphans: every Plex file has its movie or episode" 0 \
    "$(sq "SELECT count(*) FROM media_files mf WHERE NOT EXISTS (SELECT 1 FROM movies WHERE media_file_id = mf.id) AND NOT EXISTS (SELECT 1 FROM episodes WHERE media_file_id = mf.id)")"
check_eq "no orphan scheduling metadata or ids" "0|0" \
    "$(sq "SELECT (SELECT count(*) FROM content_scheduling_metadata c WHERE NOT EXISTS (SELECT 1 FROM media_files WHERE id = c.media_file_id)), (SELECT count(*) FROM show_guids g WHERE NOT EXISTS (SELECT 1 FROM shows WHERE id = g.show_id))")"
check_eq "the fine log's item lost its file (the scheduler sees NULL)" "|GoT" \
    "$(sq "SELECT media_file_id, title FROM schedule_items WHERE start_ms = $past")"
rev2=$(sq "SELECT value FROM system_config WHERE key = 'content.revision'")
check "content.revision moved on" test "$rev2" -gt "$rev1"
run_rc "$RETROVUE" db check
check_eq "the database checks out" 0 "$rc"

# Paging: one item per request gives the same library.
fresh_db
run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"
stub_ctl reset-log
run_rc "$RETROVUE" sync-all --page-size 1 --source home
check_eq "sync-all --page-size 1 exits 0" 0 "$rc"
check_eq "and imports the same" "5|3|12" \
    "$(sq 'SELECT (SELECT count(*) FROM movies), (SELECT count(*) FROM shows), (SELECT count(*) FROM episodes)')"
stub_log > "$T/log"
check_grep "it pages through the movies" "sections/1/all?type=1&includeGuids=1&includeChapters=1&includeMarkers=1&X-Plex-Container-Start=4&X-Plex-Container-Size=1" "$T/log"
check_grep "and through episodes" "allLeaves?includeChapters=1&includeMarkers=1&X-Plex-Container-Start=3&X-Plex-Container-Size=1" "$T/log"

# Title sync: only the 1978 series.
fresh_db
run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"
run_rc "$RETROVUE" sync --title "Battlestar Galactica" --year 1978
check_eq "sync --title --year exits 0" 0 "$rc"
check_eq "imports that show only" "Battlestar Galactica|1978|4" \
    "$(sq 'SELECT s.title, s.year, count(*) FROM shows s JOIN episodes e ON e.show_id = s.id GROUP BY s.id')"
check_eq "and no movies" 0 "$(sq 'SELECT count(*) FROM movies')"
check_eq "history says title" "title" "$(sq 'SELECT sync_type FROM sync_history')"
run_rc "$RETROVUE" sync --title "Battlestar Galactica"
check_eq "sync --title takes both years" "1978|4
2003|5" "$(sq 'SELECT s.year, count(*) FROM shows s JOIN episodes e ON e.show_id = s.id GROUP BY s.id ORDER BY 1')"

# Dry run: reports, writes nothing.
fresh_db
run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"
run_rc "$RETROVUE" --dry-run sync-all
check_eq "a dry run exits 0" 0 "$rc"
check_grep "it says what it would add" "^Would add movie: Reign of Fire" "$T/out"
check_grep "and that nothing changed" "nothing was changed" "$T/out"
check_eq "and writes nothing" "0|0|0" \
    "$(sq 'SELECT (SELECT count(*) FROM media_files), (SELECT count(*) FROM shows), (SELECT count(*) FROM sync_history)')"

# The XML path: a server that answers XML.
fresh_db
stub_ctl "set?format=xml"
run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"
run_rc "$RETROVUE" sync-all
check_eq "a sync over XML exits 0" 0 "$rc"
check_eq "and imports the same library" "5|3|12" \
    "$(sq 'SELECT (SELECT count(*) FROM movies), (SELECT count(*) FROM shows), (SELECT count(*) FROM episodes)')"
check_eq "with the same ids" "tvdb://71173" \
    "$(sq "SELECT guid_primary FROM shows WHERE year = 1978")"
stub_ctl "set?format=auto"

# --plex-url / PLEX_BASE_URL and PLEX_TOKEN instead of a stored source.
fresh_db
run_rc env PLEX_BASE_URL="$URL" PLEX_TOKEN="$TOKEN" "$RETROVUE" sync --title "The 100"
check_eq "PLEX_BASE_URL + PLEX_TOKEN work without a stored source" 0 "$rc"
check_eq "the show came in" 1 "$(sq "SELECT count(*) FROM shows WHERE title = 'The 100'")"
check_eq "the implicit source stores no token" "" "$(sq 'SELECT plex_token FROM content_sources')"

# Discover and a dry run with --plex-url store nothing, not even a source.
fresh_db
run_rc "$RETROVUE" --plex-url "$URL" --plex-token "$TOKEN" discover --title "The 100"
check_eq "discover with --plex-url" 0 "$rc"
run_rc "$RETROVUE" --plex-url "$URL" --plex-token "$TOKEN" --dry-run sync-all
check_grep "a dry run with --plex-url reports" "^Would add movie: Reign of Fire" "$T/out"
check_eq "and stores no source" 0 "$(sq 'SELECT count(*) FROM content_sources')"

# Fields missing, null and of the wrong type: the rest still comes in.
fresh_db
stub_ctl "set?scenario=weird"
run_rc "$RETROVUE" --plex-url "$URL" --plex-token "$TOKEN" sync-all
check_eq "odd fields: partial success exits 1" 1 "$rc"
check_grep "an item without a ratingKey is named" "item [0-9]* has no ratingKey" "$T/err"
check_grep "a movie without a file is named" "Plex lists no file" "$T/err"
check_eq "the readable movies are imported" 4 "$(sq 'SELECT count(*) FROM movies')"
check_eq "a numeric ratingKey is read" 1 "$(sq "SELECT count(*) FROM media_files WHERE source_key = '56000'")"
check_eq "a non-string file is passed over for the next version" "/data/Movies/second.mkv" \
    "$(sq "SELECT file_path FROM media_files WHERE source_key = '56000'")"
check_eq "a non-number year is no year" "" "$(sq "SELECT year FROM movies WHERE title = 'Big Buck Bunny'")"
check_eq "a string updatedAt is read" "1579514152" "$(sq "SELECT updated_at_plex FROM movies WHERE title = 'Big Buck Bunny'")"
check_eq "episodes with odd numbers still come in" 12 "$(sq 'SELECT count(*) FROM episodes')"
check_eq "history says partial" "partial" "$(sq 'SELECT status FROM sync_history ORDER BY id DESC LIMIT 1')"
run_rc "$RETROVUE" db check
check_eq "the database checks out" 0 "$rc"

done_testing
