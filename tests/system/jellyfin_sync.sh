#!/bin/sh
# Jellyfin and Emby against the stand-in: sources, test, discover, a full
# sync with ids, ratings, genres, networks, streams, chapters and intro/
# credits segments, an incremental one (unchanged series not fetched, an
# episode changed inside an unchanged series found), changes between runs,
# path mapping per source, the safety rules, faults, a user, Emby's
# dialect, the scheduler breaking at its chapters around the intro and
# credits (and cutting the credits when a channel says so), the control
# socket, the console's sync dialog and chapter editor; and the API
# key in no log and no output.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/mblib.sh"
start_mb jellyfin
JF=$MB_URL
# keep: collect this command's output and errors for the final key check.
keep() { n=$(( ${n:-0} + 1 )); cp "$T/out" "$T/keep.$n.out"; cp "$T/err" "$T/keep.$n.err"; }

counts() { sq "SELECT (SELECT count(*) FROM movies) || '|' || (SELECT count(*) FROM shows) || '|' || (SELECT count(*) FROM episodes)"; }

run_rc "$RETROVUE" source add jellyfin --name den --url "$JF" --api-key "$KEY"; keep
check_eq "source add jellyfin exits 0" 0 "$rc"
check_grep "and says so" "^Added Jellyfin source 1 'den' ($JF)" "$T/out"
run_rc "$RETROVUE" source add jellyfin --name den2 --url "$JF" --token "$KEY"; keep
check_eq "a Jellyfin source refuses --token" 2 "$rc"
check_grep "naming the right option" "a Jellyfin source takes --api-key, not --token" "$T/err"
run_rc "$RETROVUE" source add jellyfin --name den3 --url "ftp://x" --api-key "$KEY"; keep
check_grep "a bad URL is refused" "is not an http:// or https:// URL" "$T/err"

run_rc "$RETROVUE" source list; keep
check_grep "source list shows it" "^1 *jellyfin *den *$JF" "$T/out"
check_grep "with its key masked" "\*\*\*\*\*\*\*\*" "$T/out"

run_rc "$RETROVUE" source test den; keep
check_eq "source test exits 0" 0 "$rc"
check_grep "it names the server and its version" "Connected to Retrovue Test Jellyfin (Jellyfin 10.10.3)" "$T/out"
check_grep "counts a movie library" "Movies *movie *5 movies" "$T/out"
check_grep "counts shows and episodes" "TV Shows *show *4 shows, 18 episodes" "$T/out"
check_grep "lists the music library too" "Music *music" "$T/out"

run_rc "$RETROVUE" discover --title "Battlestar Galactica"; keep
check_eq "discover exits 0" 0 "$rc"
check_grep "finds the 1978 series with its provider ids" \
    "^Battlestar Galactica (1978) \[TVDB:71173 TMDB:501 IMDB:tt0076984\]  den / TV Shows, Jellyfin id [0-9a-f]*, 4 episodes" "$T/out"
check_grep "and the 2003 one" "^Battlestar Galactica (2003) \[TVDB:73545 TMDB:1972\]" "$T/out"
run_rc "$RETROVUE" discover --title "battlestar" --year 2003; keep
check_grep "a near title with a year lists the one" "Similar titles" "$T/out"
check_eq "only that one" 1 "$(grep -c 'Battlestar' "$T/out")"

# The full sync.
run_rc "$RETROVUE" sync-all; keep
check_eq "the first sync-all exits 0" 0 "$rc"
check_grep "it reports added movies" "^Added movie: The Long Weekend" "$T/out"
check_grep "and episodes under their series" "^Added episode: Night Desk (1985) / Night Desk 1x02" "$T/out"
check_eq "5 movies, 4 shows, 18 episodes" "5|4|18" "$(counts)"
check_eq "everything is Jellyfin's" "jellyfin|23" "$(sq 'SELECT source_type, count(*) FROM media_files GROUP BY 1')"
check_eq "the two Battlestar Galactica series" "1978|4|tvdb://71173
2003|5|tvdb://73545" "$(sq "SELECT s.year, count(e.id), s.guid_primary FROM shows s JOIN episodes e ON e.show_id = s.id WHERE s.title = 'Battlestar Galactica' GROUP BY s.id ORDER BY s.year")"
check_eq "a series' provider ids go in the GUID table" "imdb:tt0076984 tmdb:501 tvdb:71173" \
    "$(sq "SELECT group_concat(provider || ':' || external_id, ' ') FROM (SELECT provider, external_id FROM show_guids g JOIN shows s ON s.id = g.show_id WHERE s.year = 1978 ORDER BY provider)")"
check_eq "a movie's primary id (tvdb > tmdb > imdb)" "tvdb://1409" \
    "$(sq "SELECT guid_primary FROM movies WHERE title = 'Signal Lost'")"
check_eq "an episode's id" "tvdb://9000101" \
    "$(sq "SELECT e.guid_primary FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.title = 'Night Desk' AND e.episode_number = 1")"
check_eq "official ratings are levelled" "PG|8
de/12|12" "$(sq "SELECT c.content_rating, c.rating_level FROM movies m JOIN content_scheduling_metadata c USING (media_file_id) WHERE m.title IN ('Cold Harbour', 'The Long Weekend') ORDER BY 1")"
check_eq "genres and the studio of a movie" "Thriller, Crime|Eastside Films|1983" \
    "$(sq "SELECT genre, studio, year FROM movies WHERE title = 'Night Freight'")"
check_eq "a series' network" "ABC|Science Fiction|TV-PG" \
    "$(sq "SELECT studio, genre, show_rating FROM shows WHERE year = 1978")"
check_eq "episodes: season, number, title, air date" "1|2|Night Desk 1x02|1985-02-02" \
    "$(sq "SELECT season_number, episode_number, episode_title, air_date FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.title = 'Night Desk' AND episode_number = 2")"
check_eq "the run time, in ms" "5700000" "$(sq "SELECT duration_ms FROM media_files mf JOIN movies m ON m.media_file_id = mf.id WHERE m.title = 'The Long Weekend'")"
check_eq "the path as Jellyfin sees it (no mapping yet), its size" \
    "/srv/media/movies/Night Freight (1983)/Night Freight (1983).mkv|1500000002" \
    "$(sq "SELECT file_path, file_size FROM media_files mf JOIN movies m ON m.media_file_id = mf.id WHERE m.title = 'Night Freight'")"
check_eq "the streams' languages" "eng,fra|eng,fra" \
    "$(sq "SELECT source_audio_langs, source_subtitle_langs FROM media_files mf JOIN movies m ON m.media_file_id = mf.id WHERE m.title = 'The Long Weekend'")"
check_eq "chapters are break points from Jellyfin (the one at 0 is no break)" \
    "1440000|Chapter 2|jellyfin 3090000|Chapter 3|jellyfin 4620000|Chapter 4|jellyfin" \
    "$(sq "SELECT group_concat(x, ' ') FROM (SELECT timestamp_ms || '|' || chapter_title || '|' || source AS x FROM chapter_markers c JOIN movies m USING (media_file_id) WHERE m.title = 'The Long Weekend' ORDER BY timestamp_ms)")"
check_eq "intro and credits from the media segments" "credits|1350000|1440000|jellyfin intro|60000|90000|jellyfin" \
    "$(sq "SELECT group_concat(x, ' ') FROM (SELECT kind || '|' || start_ms || '|' || end_ms || '|' || source AS x FROM media_markers k JOIN episodes e USING (media_file_id) JOIN shows s ON s.id = e.show_id WHERE s.title = 'Night Desk' AND e.episode_number = 1 ORDER BY kind)")"
check_eq "every episode has both" "36" "$(sq 'SELECT count(*) FROM media_markers')"
check_eq "sync_history records the run" "jellyfin|den|success|23" \
    "$(sq 'SELECT source_type, source_name, status, items_added FROM sync_history')"
check_eq "each library's newest stamp is kept for the next sync" 2 \
    "$(sq 'SELECT count(*) FROM source_libraries WHERE changed_since > 0')"
mb_log > "$T/log"
check_grep "the listings ask for the fields kept" "Fields=ProviderIds,Path,Genres,Studios,OfficialRating,Overview,DateLastSaved" "$T/log"
check_grep "as the user's items" "^/Items?userId=[0-9a-f]*&ParentId=" "$T/log"

# Nothing changed: no series is read again, no segment asked for.
mb_ctl reset-log
run_rc "$RETROVUE" sync-all; keep
check_eq "an unchanged re-sync exits 0" 0 "$rc"
check_grep "and changes nothing" "0 added, 0 updated, 0 removed, 23 unchanged" "$T/out"
mb_log > "$T/log"
check_no_grep "unchanged series are skipped without fetching their episodes" "/Shows/" "$T/log"
check_no_grep "and no segment is asked for" "/MediaSegments/" "$T/log"
check_grep "it asks what was saved since the last complete read" "MinDateLastSaved=2024-01-01T10%3A13%3A25.001Z" "$T/log"

# Changes between runs (7 of 23 files go: raise the safety limit).
sq "INSERT INTO system_config (key, value) VALUES ('library.remove_limit_percent', '50')"
desk=$(sq "SELECT plex_rating_key FROM shows WHERE title = 'Night Desk'")
bsg78=$(sq "SELECT plex_rating_key FROM shows WHERE year = 1978")
mb_ctl "set?scenario=run2"
mb_ctl reset-log
run_rc "$RETROVUE" sync-all; keep
check_eq "the sync after changes exits 0" 0 "$rc"
check_grep "a renamed movie is updated" "^Updated movie: Night Freight (Director's Cut)" "$T/out"
check_grep "a movie gone is removed" "^Removed movie: Paper Moons (1969)" "$T/out"
check_grep "a series gone: its episodes" "^Removed episode: Harbor Lights" "$T/out"
check_grep "and the series" "^Removed show: Harbor Lights (1992)" "$T/out"
check_grep "an episode changed inside an unchanged series is found" \
    "^Updated episode: Night Desk (1985) / The Late Edition" "$T/out"
check_grep "a new episode is added" "^Added episode: Battlestar Galactica (2003) / Scattered" "$T/out"
check_grep "an episode gone is removed" "^Removed episode: Battlestar Galactica S01E05" "$T/out"
check_grep "counts" "1 added, 2 updated, 9 removed" "$T/out"
mb_log > "$T/log"
check_grep "the series with a changed episode is read" "/Shows/$desk/Episodes" "$T/log"
check_no_grep "an unchanged one is not" "/Shows/$bsg78/Episodes" "$T/log"
check_eq "4 movies, 3 shows, 12 episodes" "4|3|12" "$(counts)"
check_eq "what went keeps no markers behind" 0 \
    "$(sq 'SELECT count(*) FROM media_markers k WHERE NOT EXISTS (SELECT 1 FROM media_files WHERE id = k.media_file_id)')"
check_eq "and is restorable" 8 "$(sq "SELECT count(*) FROM removed_items WHERE reason LIKE 'sync of Jellyfin source den%'")"

# Path mapping per source: this source's rule, not another's.
run_rc "$RETROVUE" source add emby --name other --url "http://127.0.0.1:9" --api-key "other-key-1234"; keep
run_rc "$RETROVUE" pathmap add /srv/media/movies /mnt/other --source other; keep
run_rc "$RETROVUE" pathmap add /srv/media /mnt/nas --source den; keep
check_eq "pathmap add for a Jellyfin source exits 0" 0 "$rc"
check_eq "its files are re-mapped at once" "/mnt/nas/movies/Signal Lost (1991)/Signal Lost (1991).mkv" \
    "$(sq "SELECT file_path FROM media_files mf JOIN movies m ON m.media_file_id = mf.id WHERE m.title = 'Signal Lost'")"
check_eq "what Jellyfin reported is kept" "/srv/media/movies/Signal Lost (1991)/Signal Lost (1991).mkv" \
    "$(sq "SELECT source_path FROM media_files mf JOIN movies m ON m.media_file_id = mf.id WHERE m.title = 'Signal Lost'")"
run_rc "$RETROVUE" sync-all --source den --force; keep
check_eq "and a sync maps new paths the same way" 0 \
    "$(sq "SELECT count(*) FROM media_files WHERE source_type = 'jellyfin' AND file_path NOT LIKE '/mnt/nas/%'")"
run_rc "$RETROVUE" source remove other; keep

# Safety: the server suddenly answers with one movie and one series.
sq "DELETE FROM system_config WHERE key = 'library.remove_limit_percent'"
long=$(sq "SELECT media_file_id FROM movies WHERE title = 'The Long Weekend'")
run_rc "$RETROVUE" content set "$long" daypart=prime; keep
mb_ctl "set?scenario=shrink"
run_rc "$RETROVUE" sync-all; keep
check_eq "a sync that would empty the library exits 1" 1 "$rc"
check_grep "the movies are held back" "den: library 'Movies': 3 of its 4 files would be removed, more than the limit of 1" "$T/err"
check_grep "so are the episodes" "den: library 'TV Shows': 8 of its 12 files would be removed" "$T/err"
check_eq "nothing went" "4|3|12" "$(counts)"
check_eq "the history says partial" "partial" "$(sq 'SELECT status FROM sync_history ORDER BY id DESC LIMIT 1')"
run_rc "$RETROVUE" sync-all --force; keep
check_eq "--force removes them" "1|1|4" "$(counts)"
mb_ctl "set?scenario=full"
run_rc "$RETROVUE" sync-all; keep
check_eq "the full library again" "5|4|18" "$(counts)"
check_grep "a movie comes back with its metadata" "Added movie: Cold Harbour (back: its scheduling metadata and chapter markers restored)" "$T/out"
check_eq "the movie with its daypart is there (never removed)" "prime" \
    "$(sq "SELECT c.daypart_preference FROM movies m JOIN content_scheduling_metadata c USING (media_file_id) WHERE m.title = 'The Long Weekend'")"
run_rc "$RETROVUE" db check; keep
check_eq "the database checks out" 0 "$rc"

# The scheduler breaks at Jellyfin's chapters, never inside the intro or the credits.
for i in 1 2 3 4; do
	ffmpeg -v error -f lavfi -i "testsrc=size=160x90:rate=25:duration=30" -f lavfi -i "sine=duration=30" \
	    -c:v mpeg4 -c:a aac -shortest "$T/ad$i.mp4"
	run_rc "$RETROVUE" content add "$T/ad$i.mp4" --type commercial --company "Co $i"
done
desk1=$(sq "SELECT e.media_file_id FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.title = 'Night Desk' AND e.episode_number = 1")
acts() { sq "SELECT group_concat(x, ' ') FROM (SELECT in_ms || '-' || out_ms AS x FROM schedule_items WHERE channel_id = (SELECT id FROM channels WHERE number = '$1') AND media_file_id = $desk1 AND kind = 'programme' AND programme_start_ms = (SELECT min(programme_start_ms) FROM schedule_items WHERE channel_id = (SELECT id FROM channels WHERE number = '$1') AND media_file_id = $desk1) ORDER BY in_ms)"; }
for ch in 5 6; do
	run_rc "$RETROVUE" channel add $ch "Desk $ch"; keep
	run_rc "$RETROVUE" schedule add $ch --at 00:00 --until 24:00 --series "Night Desk"; keep
done
run_rc "$RETROVUE" channel edit 6 --credits cut; keep
run_rc "$RETROVUE" schedule build --hours 6; keep
check_eq "schedule build exits 0" 0 "$rc"
check_eq "the break falls on Jellyfin's chapter, the credits air whole" "0-660000 660000-1440000" "$(acts 5)"
check_eq "a channel that cuts the credits ends the programme where they start" "0-660000 660000-1350000" "$(acts 6)"
for ch in 5 6; do
	run_rc "$RETROVUE" schedule check $ch; keep
	check_eq "channel $ch's schedule checks out" 0 "$rc"
done

# Faults.
mb_ctl "fault?match=/Shows/&kind=500&count=1"
run_rc "$RETROVUE" sync-all --force --retries 2; keep
check_eq "a 500 once is retried and the sync succeeds" 0 "$rc"
check_grep "the retry is told" "Jellyfin GET /Shows/.*HTTP 500 internal server error; retrying in 500 ms (attempt 2 of 3)" "$T/err"
mb_ctl clear
mb_ctl "fault?match=/Users&kind=401"
run_rc "$RETROVUE" sync-all; keep
check_eq "a refused key: exit 1" 1 "$rc"
check_grep "names the request and the key" "den: GET /Users: HTTP 401 unauthorized: the server refused the API key" "$T/err"
mb_ctl clear
mb_ctl "fault?match=IncludeItemTypes=Movie&kind=hang"
start=$(date +%s)
run_rc "$RETROVUE" sync-all --timeout 1 --retries 1; keep
took=$(( $(date +%s) - start ))
check_eq "a hanging server: exit 1" 1 "$rc"
check_grep "the message says it timed out" "library 'Movies': GET /Items?userId=.*IncludeItemTypes=Movie.*: no answer from $JF within 1 s (timed out) (after 2 attempts); nothing was removed from it" "$T/err"
check "and the sync did not hang ($took s)" test "$took" -lt 20
check_eq "no movie lost" "5|4|18" "$(counts)"
mb_ctl clear
mb_ctl "fault?match=IncludeItemTypes=Series&kind=malformed"
run_rc "$RETROVUE" sync-all --force; keep
check_grep "malformed JSON names the request" "library 'TV Shows': GET /Items?.*IncludeItemTypes=Series.*: malformed JSON" "$T/err"
check_eq "nothing lost" "5|4|18" "$(counts)"
mb_ctl clear
mb_ctl "set?scenario=weird"
run_rc "$RETROVUE" sync-all --force; keep
check_eq "odd fields: partial success exits 1" 1 "$rc"
check_grep "an item without an Id is named" "Movies: item [0-9]* has no Id; skipped" "$T/err"
check_grep "a movie without a file is named" "movie '?' (Movies): Jellyfin lists no file for it; skipped" "$T/err"
check_eq "a bad year is no year" "" "$(sq "SELECT year FROM movies WHERE title = 'The Long Weekend'")"
check_eq "chapters without a time are left out" 0 \
    "$(sq "SELECT count(*) FROM chapter_markers c JOIN movies m USING (media_file_id) WHERE m.title = 'The Long Weekend'")"
check_eq "episodes with odd numbers still come in" 18 "$(sq 'SELECT count(*) FROM episodes')"
run_rc "$RETROVUE" db check; keep
check_eq "the database checks out" 0 "$rc"

# A server without the media segments API (before 10.10).
fresh_db
mb_ctl "set?scenario=full"
mb_ctl "set?segments=0"
run_rc "$RETROVUE" --debug source add jellyfin --name den --url "$JF" --api-key "$KEY"; keep
mb_ctl reset-log
run_rc "$RETROVUE" --debug sync-all; keep
check_eq "a server without segments syncs" 0 "$rc"
check_eq "with its chapters and no intro or credits" "33|0" \
    "$(sq 'SELECT (SELECT count(*) FROM chapter_markers), (SELECT count(*) FROM media_markers)')"
check_eq "it stopped asking after three 404s" 3 "$(mb_log | grep -c '^/MediaSegments/')"
mb_ctl "set?segments=1"

# A user: the kids see only the TV library.
fresh_db
run_rc "$RETROVUE" source add jellyfin --name kids --url "$JF" --api-key "$KEY" --user kids; keep
check_grep "a user is shown" "(${JF}, user kids)" "$T/out"
run_rc "$RETROVUE" source list; keep
check_grep "source list names the user" "$JF as kids" "$T/out"
run_rc "$RETROVUE" sync-all; keep
check_eq "syncing as kids" 0 "$rc"
check_eq "takes only what kids see" "0|4|18" "$(counts)"
run_rc "$RETROVUE" source add jellyfin --name nobody --url "$JF" --api-key "$KEY" --user nobody; keep
run_rc "$RETROVUE" source test nobody; keep
check_eq "an unknown user fails the test" 1 "$rc"
check_grep "naming the users there are" "no user 'nobody' on the server (there are: admin, kids)" "$T/err"
run_rc "$RETROVUE" source add plex --name px --url "$JF" --token x --user kids; keep
check_grep "a Plex source has no user" "a Plex source has no user" "$T/err"

# Emby: the key in X-Emby-Token, items under /Users/ID, intro and credits as chapter marks.
start_mb emby
EMBY=$MB_URL
fresh_db
run_rc "$RETROVUE" source add emby --name lounge --url "$EMBY" --api-key "$KEY"; keep
check_grep "source add emby" "^Added Emby source 1 'lounge'" "$T/out"
run_rc "$RETROVUE" source test lounge; keep
check_grep "source test names Emby" "Connected to Retrovue Test Emby (Emby 4.8.10.0)" "$T/out"
run_rc "$RETROVUE" sync-all --only emby; keep
check_eq "an Emby sync exits 0" 0 "$rc"
check_eq "the same library" "5|4|18" "$(counts)"
check_eq "Emby's intro and credits come from its marker chapters" "credits|1350000|1440000|emby intro|60000|90000|emby" \
    "$(sq "SELECT group_concat(x, ' ') FROM (SELECT kind || '|' || start_ms || '|' || end_ms || '|' || source AS x FROM media_markers k JOIN episodes e USING (media_file_id) JOIN shows s ON s.id = e.show_id WHERE s.title = 'Night Desk' AND e.episode_number = 1 ORDER BY kind)")"
check_eq "and are not chapters" "660000|Act Two" \
    "$(sq "SELECT group_concat(x, ' ') FROM (SELECT timestamp_ms || '|' || chapter_title AS x FROM chapter_markers c JOIN episodes e USING (media_file_id) JOIN shows s ON s.id = e.show_id WHERE s.title = 'Night Desk' AND e.episode_number = 1 ORDER BY timestamp_ms)")"
mb_log > "$T/log"
check_grep "items are read under the user" "^/Users/[0-9a-f]*/Items?ParentId=" "$T/log"
check_no_grep "no media segments are asked of Emby" "/MediaSegments/" "$T/log"
run_rc "$RETROVUE" sync-all --only emby; keep
check_grep "an unchanged Emby re-sync changes nothing" "0 added, 0 updated, 0 removed, 23 unchanged" "$T/out"

# The daemon: the control socket and the console's sync dialog drive Jellyfin like Plex.
MB_URL=$JF
run_rc "$RETROVUE" source add jellyfin --name den --url "$JF" --api-key "$KEY"; keep
port=$(free_port)
"$RETROVUE" --daemon --bind 127.0.0.1 --port "$port" --no-ssdp >"$T/daemon.log" 2>&1 &
dpid=$!
at_exit "kill $dpid 2>/dev/null"
wait_for 20 test -S "$RETROVUE_DATA_DIR/control.sock"
run_rc "$RETROVUE" ctl sources.list; keep
check_grep "sources.list has both, with their kinds" '"label": *"Jellyfin"' "$T/out"
check_grep "and Emby" '"label": *"Emby"' "$T/out"
run_rc "$RETROVUE" ctl --wait sources.test '{"source": "den"}'; keep
check_eq "sources.test tests a Jellyfin server" 0 "$rc"
check_grep "and lists its libraries" '"title":"TV Shows"' "$T/out"
run_rc "$RETROVUE" ctl sources.add "{\"kind\": \"jellyfin\", \"name\": \"attic\", \"url\": \"$JF\", \"api_key\": \"$KEY\", \"user\": \"kids\"}"; keep
check_eq "sources.add adds a Jellyfin server with a user" "jellyfin|kids" \
    "$(sq "SELECT source_type, user_name FROM content_sources WHERE source_name = 'attic'")"
run_rc "$RETROVUE" ctl --wait sync.start '{"source": "den"}'; keep
check_eq "sync.start syncs it as a job" 0 "$rc"
check_eq "its history" "jellyfin|den|success" \
    "$(sq "SELECT source_type, source_name, status FROM sync_history ORDER BY id DESC LIMIT 1")"
ep1=$(sq "SELECT e.media_file_id FROM episodes e JOIN shows s ON s.id = e.show_id JOIN media_files mf ON mf.id = e.media_file_id WHERE s.title = 'Night Desk' AND e.episode_number = 1 AND mf.source_type = 'jellyfin'")
run_rc "$RETROVUE" ctl chapters.get "{\"file\": $ep1}"; keep
check_eq "chapters.get gives the chapter editor the intro and credits, with their source" \
    "intro 60000 90000 jellyfin,credits 1350000 1440000 jellyfin" \
    "$(python3 -c 'import json, sys; r = json.loads(open(sys.argv[1]).readline()); print(",".join("%s %d %d %s" % (x["kind"], x["start_ms"], x["end_ms"], x["source"]) for x in r["spans"]))' "$T/out")"
if command -v tmux >/dev/null 2>&1; then
	tmx="tmux -L rv-jf-$$"
	at_exit "$tmx kill-server 2>/dev/null"
	$tmx new-session -d -s c -x 120 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	    RETROVUE_DATA_DIR='$RETROVUE_DATA_DIR' RETROVUE_DB_PATH='$RETROVUE_DB_PATH' \
	    '$RETROVUE' 2>'$T/console.err'"
	wait_screen() {
		i=0
		while [ $i -lt 100 ]; do
			$tmx capture-pane -p -t c | grep -q -- "$1" && return 0
			sleep 0.1
			i=$((i + 1))
		done
		$tmx capture-pane -p -t c | sed 's/^/#   /'
		return 1
	}
	wait_screen "RETROVUE" && $tmx send-keys -t c F5
	check "the sync dialog lists the Jellyfin source" wait_screen "Jellyfin den ($JF)"
	check "and the Emby one" wait_screen "Emby     lounge"
	mb_ctl reset-log
	# Untick everything, tick den (the second row), sync.
	$tmx send-keys -t c Space Down Space Enter
	check "syncing it from the console" wait_screen "done: success, 0 added, 0 updated, 0 removed, 23 unchanged"
	check_eq "only den was synced" "0" "$(sq "SELECT count(*) FROM sync_history WHERE source_name = 'attic'")"
	$tmx send-keys -t c Escape
	# The chapter editor shows the intro and credits under the markers.
	$tmx send-keys -t c 3 /
	$tmx send-keys -t c -l "Night Desk 1x01"
	$tmx send-keys -t c Enter
	wait_screen "Content (2)" && $tmx send-keys -t c c
	check "the chapter editor shows the intro with its source" wait_screen "00:01:00.00-00:01:30.00 intro [a-z]"
	check "and the end credits" wait_screen "00:22:30.00-00:24:00.00 credits [a-z]"
	$tmx send-keys -t c Escape
	$tmx send-keys -t c q
else
	ok "# SKIP the console's sync dialog: tmux is not installed"
fi
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null

# The API key is in no output, no error, no log, no history.
cat "$T"/keep.* "$T/daemon.log" "$T/console.err" > "$T/all" 2>/dev/null
sq "SELECT * FROM sync_history" >> "$T/all"
curl -sf "$JF/_stub/log" >> "$T/all"
curl -sf "$EMBY/_stub/log" >> "$T/all"
if grep -n -- "$KEY" "$T/all" >/dev/null; then grep -l -- "$KEY" "$T"/keep.* "$T/daemon.log" "$T/console.err" | sed 's/^/# in /'; fi
check_no_grep "the API key is never written anywhere" "$KEY" "$T/all"
check "every output was looked at" test "$(ls "$T"/keep.*.out | wc -l)" -gt 40

done_testing
