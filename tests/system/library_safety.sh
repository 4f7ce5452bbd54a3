#!/bin/sh
# A flaky mount or server never wipes the library: a TMM folder whose disk
# is not mounted (a real tmpfs unmounted where root may mount, else the
# same-device check on a faked device), an empty folder, a scan that cannot
# read everything, a Plex library that suddenly answers with far fewer
# items; --force; and removed items coming back with their scheduling
# metadata and chapter markers (by themselves, by GUID, or by hand).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/plexlib.sh"

ffmpeg -v error -f lavfi -i testsrc=size=64x36:rate=10:duration=4 -f lavfi \
    -i sine=frequency=440:duration=4 -c:v mpeg4 -c:a aac -shortest "$T/clip.mkv"
M="$T/mnt/TV"
mkdir -p "$M"
# The show, two episodes and a clip-only folder (so one file can go alone).
fill() {
	mkdir -p "$M/Show (1990)/Season 1"
	echo '<tvshow><title>Show</title><year>1990</year></tvshow>' > "$M/Show (1990)/tvshow.nfo"
	for e in 1 2 3; do
		echo "<episodedetails><title>Episode $e</title><season>1</season><episode>$e</episode></episodedetails>" \
		    > "$M/Show (1990)/Season 1/S01E0$e.nfo"
		cp "$T/clip.mkv" "$M/Show (1990)/Season 1/S01E0$e.mkv"
	done
}
count() { sq "SELECT (SELECT count(*) FROM shows) || '/' || (SELECT count(*) FROM episodes) || '/' || (SELECT count(*) FROM chapter_markers)"; }

# 1. The mount point: a tmpfs of its own where root may mount one.
how=fake
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=8m tmpfs "$M" 2>/dev/null; then
	how=mount
	at_exit "umount -l '$M' 2>/dev/null"
else
	# The first scans see the folder on device 4242, as if mounted.
	RETROVUE_TEST_TMM_DEVICE=4242
	export RETROVUE_TEST_TMM_DEVICE
fi
diag "the disk: $how"
fill
run_rc "$RETROVUE" tmm add "$M" --name TV
run_rc "$RETROVUE" sync-all --tmm TV
check_eq "the first scan imports the show and its episodes" 0 "$rc"
e1=$(sq "SELECT media_file_id FROM episodes WHERE episode_number = 1")
run_rc "$RETROVUE" chapters add "$e1" 0:02 "Act 2"
run_rc "$RETROVUE" content set "$e1" daypart=late_night notes="hand-made"
check_eq "a marker and metadata made by hand" "1/3/1" "$(count)"
run_rc "$RETROVUE" channel add 7 Seven
run_rc "$RETROVUE" schedule add 7 --at 20:00 --until 21:00 --series "Show (1990)"
check_eq "and a series slot for the show" 1 "$(sq "SELECT count(*) FROM schedules WHERE schedule_type = 'series'")"
check "the directory remembers its device" test -n "$(sq 'SELECT device FROM tmm_directories')"

# The disk goes: an empty directory on its parent's device.
if [ "$how" = mount ]; then umount "$M"; else rm -rf "${M:?}"/*; unset RETROVUE_TEST_TMM_DEVICE; fi
check_eq "the mount point is empty" "" "$(ls -A "$M")"
rev=$(sq "SELECT value FROM system_config WHERE key = 'content.revision'")
run_rc "$RETROVUE" sync-all --tmm TV
check_eq "a sync of an unmounted folder exits 1" 1 "$rc"
check_grep "saying it is not mounted" "TV: $M is not mounted: it is on the same device as $T/mnt" "$T/err"
check_grep "and that nothing was removed" "nothing was removed" "$T/err"
check_no_grep "it does not report '3 removed'" "3 removed" "$T/out"
check_eq "the show, its episodes and the marker are all there" "1/3/1" "$(count)"
check_eq "the library did not change" "$rev" "$(sq "SELECT value FROM system_config WHERE key = 'content.revision'")"
check_eq "the history says why" "partial|1" \
    "$(sq "SELECT status, error_message LIKE '%looked empty or unmounted%' FROM sync_history ORDER BY id DESC LIMIT 1")"
check_grep "the totals say what was held back" "Not removed: 3 files" "$T/out"

# A folder with no .nfo left, whatever its device: nothing removed either.
sq "UPDATE tmm_directories SET device = NULL"
run_rc "$RETROVUE" sync-all --tmm TV
check_eq "an empty folder exits 1" 1 "$rc"
check_grep "saying so" "TV: $M has no .nfo file left (it held 3 files); nothing was removed" "$T/err"
check_grep "and how to remove them anyway" "sync again with --force" "$T/err"
check_grep "the totals say what was held back" "Not removed: 3 files" "$T/out"
check_eq "still all there" "1/3/1" "$(count)"
check_eq "the history says partial" "partial" "$(sq "SELECT status FROM sync_history ORDER BY id DESC LIMIT 1")"

# --force: they go, restorable.
run_rc "$RETROVUE" sync-all --tmm TV --force
check_eq "--force removes them" "0/0/0" "$(count)"
check_grep "and says so" "4 removed" "$T/out"
run_rc "$RETROVUE" content removed
check_eq "content removed exits 0" 0 "$rc"
check_grep "it lists the episode with its marker" "episode  tmm:TV .* 1 .* Show S01E01 Episode 1" "$T/out"
check_grep "and why it went" "(sync of TMM directory TV)" "$T/out"
check_eq "three episodes kept restorable" 3 "$(sq 'SELECT count(*) FROM removed_items')"
check_eq "the series slot went with the show" 0 "$(sq 'SELECT count(*) FROM schedules')"

# The disk comes back: the episodes come back with what was made by hand.
if [ "$how" = mount ]; then mount -t tmpfs -o size=8m tmpfs "$M"; fi
fill
run_rc "$RETROVUE" sync-all --tmm TV
check_eq "the scan of the folder back exits 0" 0 "$rc"
check_grep "the episode is back with its metadata and marker" \
    "Added episode: Show S01E01 Episode 1 (back: its scheduling metadata and chapter markers restored)" "$T/out"
check_eq "the marker is back" "2000|Act 2|manual" \
    "$(sq "SELECT c.timestamp_ms, c.chapter_title, c.source FROM chapter_markers c JOIN episodes e USING (media_file_id) WHERE e.episode_number = 1")"
check_eq "so are the daypart and notes" "late_night|hand-made" \
    "$(sq "SELECT daypart_preference, scheduling_notes FROM content_scheduling_metadata c JOIN episodes e USING (media_file_id) WHERE e.episode_number = 1")"
check_eq "nothing is left to restore" 0 "$(sq 'SELECT count(*) FROM removed_items')"
check_eq "the series slot is back, for the show as it is now" "7|20:00|21:00|1" \
    "$(sq "SELECT c.number, s.start_time, s.end_time, s.show_id = (SELECT id FROM shows) FROM schedules s JOIN channels c ON c.id = s.channel_id")"
e1=$(sq "SELECT media_file_id FROM episodes WHERE episode_number = 1")

# 2. More than the limit: one file of three may go, two may not.
rm "$M/Show (1990)/Season 1/S01E02.nfo" "$M/Show (1990)/Season 1/S01E03.mkv"
run_rc "$RETROVUE" sync-all --tmm TV
check_eq "a sync that would remove 2 of 3 exits 1" 1 "$rc"
check_grep "naming the library and the numbers" "TV: 2 of its 3 files would be removed, more than the limit of 1 (10% of a library, at most 50); nothing was removed" "$T/err"
check_eq "nothing went" "1/3/1" "$(count)"
run_rc "$RETROVUE" --dry-run sync-all --tmm TV --force
check_grep "a forced dry run says what would go" "would add 0, update 0, remove 2" "$T/out"
check_eq "and removes nothing" "1/3/1" "$(count)"
run_rc "$RETROVUE" sync-all --tmm TV --force
check_eq "--force removes the two" "1/1/1" "$(count)"
fill

# 3. A scan that cannot read everything removes nothing, even forced.
run_rc "$RETROVUE" sync-all --tmm TV
rm "$M/Show (1990)/Season 1/S01E03.nfo" "$M/Show (1990)/Season 1/S01E02.mkv"
rm "$M/Show (1990)/Season 1/S01E01.nfo"
ln -s S01E01.nfo "$M/Show (1990)/Season 1/S01E01.nfo"       # a link to itself
run_rc "$RETROVUE" sync-all --tmm TV --force
check_eq "a scan with an unreadable .nfo exits 1" 1 "$rc"
check_grep "naming it" "S01E01.nfo: Too many levels of symbolic links; the scan is incomplete, nothing will be removed" "$T/err"
check_grep "and what it kept" "TV: 3 files not found this time are kept: the scan could not read everything" "$T/err"
check_eq "nothing went" "1/3/1" "$(count)"
rm -f "$M/Show (1990)/Season 1/S01E01.nfo"
fill
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && runuser -u nobody -- true 2>/dev/null; then
	# A folder the scan may not open (as an unprivileged user: root reads everything).
	mkdir -p "$T/nb"
	cp "$RETROVUE_DB_PATH" "$T/nb/retrovue.db"
	chown -R nobody "$T/nb" "$M"
	chmod 711 "$T" "$T/mnt"
	rm "$M/Show (1990)/Season 1/S01E03.nfo"
	mkdir "$M/Show (1990)/Specials"
	chown nobody "$M/Show (1990)/Specials"
	chmod 000 "$M/Show (1990)/Specials"
	run_rc runuser -u nobody -- env RETROVUE_DATA_DIR="$T/nb" RETROVUE_DB_PATH="$T/nb/retrovue.db" \
	    "$RETROVUE" sync-all --tmm TV --force
	check_eq "a folder it may not read: exits 1" 1 "$rc"
	check_grep "naming it" "Specials: Permission denied; the scan is incomplete" "$T/err"
	check_eq "nothing went" 3 "$(sqlite3 "$T/nb/retrovue.db" 'SELECT count(*) FROM episodes')"
	rmdir "$M/Show (1990)/Specials"
	chmod 700 "$T"
	fill
else
	ok "# SKIP an unreadable folder: needs root to run the scan as nobody"
fi

# 4. By hand: content restore.
sq "DELETE FROM removed_items"
rm "$M/Show (1990)/Season 1/S01E01.nfo"
run_rc "$RETROVUE" sync-all --tmm TV
check_eq "one episode of three may go" "1/2/0" "$(count)"
rid=$(sq "SELECT id FROM removed_items")
run_rc "$RETROVUE" content restore 999
check_eq "restoring an unknown id exits 1" 1 "$rc"
check_grep "saying so" "no removed item 999 (see 'retrovue content removed')" "$T/err"
run_rc "$RETROVUE" content restore "$rid"
check_eq "content restore exits 0" 0 "$rc"
check_grep "and says what came back" "Restored removed item $rid as file $e1, with its scheduling metadata and 1 chapter marker" "$T/out"
check_eq "the episode and its marker are back" "1/3/1" "$(count)"
check_eq "under its old id with its metadata" "late_night|2000" \
    "$(sq "SELECT c.daypart_preference, m.timestamp_ms FROM content_scheduling_metadata c JOIN chapter_markers m USING (media_file_id) WHERE c.media_file_id = $e1")"
run_rc "$RETROVUE" db check
check_eq "the database checks out" 0 "$rc"

# 5. tmm remove keeps them too; the folder added again brings them back.
run_rc "$RETROVUE" tmm remove TV
check_eq "tmm remove exits 0" 0 "$rc"
check_eq "its three episodes are restorable" 3 "$(sq "SELECT count(*) FROM removed_items WHERE reason = 'TMM directory TV removed'")"
rid=$(sq "SELECT id FROM removed_items WHERE chapters = 1")
run_rc "$RETROVUE" content restore "$rid"
check_eq "restoring an item of a removed folder is refused" 1 "$rc"
check_grep "saying how to get it back" "came from a TMM directory that was removed since; add it again and sync" "$T/err"
fill
run_rc "$RETROVUE" tmm add "$M" --name TV
run_rc "$RETROVUE" sync-all --tmm TV
check_eq "added again, the marker is back" "1/3/1" "$(count)"

# Past the grace period a removed item is purged.
rm "$M/Show (1990)/Season 1/S01E01.nfo"
run_rc "$RETROVUE" sync-all --tmm TV
sq "UPDATE removed_items SET removed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-31 days')"
run_rc "$RETROVUE" content removed
check_grep "none older than 30 days is listed" "No removed items (they are kept 30 days)" "$T/out"
check_eq "and they are purged" 0 "$(sq 'SELECT count(*) FROM removed_items')"

# 6. The console's sync dialog asks before it removes more than the limit.
if command -v tmux >/dev/null; then
	. "$TESTS_HELPERS/engine_lib.sh"
	fill
	run_rc "$RETROVUE" sync-all --tmm TV
	rm "$M/Show (1990)/Season 1/S01E02.nfo" "$M/Show (1990)/Season 1/S01E03.nfo"
	port=$(free_port)
	check "a daemon starts" start_daemon "$T/daemon.log"
	tmx="tmux -L rv-safety-$$"
	at_exit "$tmx kill-server 2>/dev/null"
	$tmx new-session -d -s c -x 120 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	    RETROVUE_DATA_DIR='$RETROVUE_DATA_DIR' RETROVUE_DB_PATH='$RETROVUE_DB_PATH' \
	    '$RETROVUE' 2>'$T/console.err'"
	# wait_screen PATTERN: until the console shows PATTERN (10 s).
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
	check "F5 opens the sync dialog" wait_screen "Everything: every enabled"
	$tmx send-keys -t c Enter
	check "the sync holds the removals back and asks" wait_screen "2 files are gone from the sources"
	check_eq "nothing went meanwhile" "1/3/0" "$(count)"
	$tmx send-keys -t c Escape
	check "Esc keeps them" wait_screen "kept: nothing was removed"
	check_eq "and nothing went" "1/3/0" "$(count)"
	$tmx send-keys -t c Enter
	wait_screen "2 files are gone from the sources" && $tmx send-keys -t c -l REMOVE
	$tmx send-keys -t c Enter
	check "typing REMOVE syncs again with force" wait_screen "removing them: syncing again with force"
	i=0
	while [ "$(count)" != "1/1/0" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	check_eq "and the two episodes go" "1/1/0" "$(count)"
	check "the dialog reports it" wait_screen "done: success, 0 added, 0 updated, 2 removed"
	$tmx send-keys -t c Escape
	$tmx send-keys -t c q
	stop_daemon
	check_eq "the daemon stops cleanly" 0 "$stop_rc"
else
	ok "# SKIP the console's sync dialog: tmux is not installed"
fi
if [ "$how" = mount ]; then umount "$M"; fi

# 7. Plex: a library that suddenly answers with far fewer items.
fresh_db
start_stub
run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"
run_rc "$RETROVUE" sync-all
check_eq "the first Plex sync exits 0" 0 "$rc"
plexcount() { sq "SELECT (SELECT count(*) FROM movies) || '/' || (SELECT count(*) FROM episodes) || '/' || (SELECT count(*) FROM chapter_markers)"; }
check_eq "6 movies, 15 episodes, 8 chapters from Plex" "6/15/8" "$(plexcount)"
got=$(sq "SELECT media_file_id FROM episodes WHERE plex_rating_key = '5001'")
fire=$(sq "SELECT media_file_id FROM movies WHERE title = 'Reign of Fire'")
run_rc "$RETROVUE" chapters add "$got" 10:00 "Act 2"
run_rc "$RETROVUE" chapters add "$fire" 30:00 "Act 3"
run_rc "$RETROVUE" content set "$fire" daypart=prime

stub_ctl "set?scenario=shrink"
run_rc "$RETROVUE" sync-all
check_eq "a sync that would lose most of both libraries exits 1" 1 "$rc"
check_grep "the movies are held back" "home: library 'Movies': 5 of its 6 files would be removed, more than the limit of 1" "$T/err"
check_grep "so are the episodes" "home: library 'TV Shows': 12 of its 15 files would be removed" "$T/err"
check_eq "nothing went" "6/15/10" "$(plexcount)"
check_eq "the shows are still there" 4 "$(sq 'SELECT count(*) FROM shows')"
check_eq "the history says partial, and why" "partial|1" \
    "$(sq "SELECT status, error_message LIKE '%--force removes them%' FROM sync_history ORDER BY id DESC LIMIT 1")"
run_rc "$RETROVUE" sync-all --force
check_eq "--force removes them" "1/3/0" "$(plexcount)"

stub_ctl "set?scenario=full"
run_rc "$RETROVUE" sync-all
check_eq "the full library again" "6/15/10" "$(plexcount)"
check_grep "the movie came back with its metadata and marker" \
    "Added movie: Reign of Fire (back: its scheduling metadata and chapter markers restored)" "$T/out"
check_eq "its marker and daypart" "1800000|prime" \
    "$(sq "SELECT m.timestamp_ms, c.daypart_preference FROM movies v JOIN chapter_markers m USING (media_file_id) JOIN content_scheduling_metadata c USING (media_file_id) WHERE v.title = 'Reign of Fire'")"

# Rebuilt on the server: new ratingKeys and paths; the GUIDs are the same.
sq "INSERT INTO system_config (key, value) VALUES ('library.remove_limit_percent', '100'), ('library.remove_limit_items', '100')"
stub_ctl "set?scenario=shrink"
run_rc "$RETROVUE" sync-all
stub_ctl "set?scenario=full&rekey=1&move=1"
run_rc "$RETROVUE" sync-all
check_eq "a rebuilt library comes back whole" "6/15/10" "$(plexcount)"
check_eq "the episode known by its GUID has its marker" "600000|Act 2" \
    "$(sq "SELECT m.timestamp_ms, m.chapter_title FROM episodes e JOIN chapter_markers m USING (media_file_id) WHERE e.plex_rating_key = '105001'")"
check_eq "at its new path" 1 \
    "$(sq "SELECT file_path LIKE '/moved/data/TV-Shows/Game of Thrones%' FROM media_files WHERE source_key = '105001'")"
check_eq "so has the movie" "1800000|prime" \
    "$(sq "SELECT m.timestamp_ms, c.daypart_preference FROM movies v JOIN chapter_markers m USING (media_file_id) JOIN content_scheduling_metadata c USING (media_file_id) WHERE v.title = 'Reign of Fire'")"
run_rc "$RETROVUE" db check
check_eq "the database checks out" 0 "$rc"

done_testing
