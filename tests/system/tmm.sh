#!/bin/sh
# TinyMediaManager/Kodi import: a folder tree made of the .nfo fixtures and
# small media files; every malformed sample warns with its file and line
# and the rest is imported; re-scans skip unchanged files, notice edits,
# and remove what went; the <retrovue> element fills the scheduling fields.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
: "${FIXTURES:?}"
N="$FIXTURES/nfo"
L="$T/library"
sq() { sqlite3 "$RETROVUE_DB_PATH" "$1"; }

# One short clip, copied under every name a .nfo needs.
ffmpeg -v error -f lavfi -i testsrc=size=64x36:rate=10:duration=2 -f lavfi \
    -i sine=frequency=440:duration=2 -c:v mpeg4 -c:a aac -shortest "$T/clip.mkv"
put() { mkdir -p "$(dirname "$L/$1")"; cp "$2" "$L/$1"; }
put "Movies/Justice League (2017)/Justice League (2017).nfo" "$N/movie/jellyfin_justice_league.movie.nfo"
put "Movies/Justice League (2017)/Justice League (2017).mkv" "$T/clip.mkv"
put "Movies/Batman Begins (2005)/movie.nfo" "$N/movie/tmm_kodi17.0_batman_begins.movie.nfo"
put "Movies/Batman Begins (2005)/Batman.Begins.2005.mkv" "$T/clip.mkv"
put "Movies/Batman Begins (2005)/Batman.Begins-trailer.mkv" "$T/clip.mkv"
put "Movies/9 (2009)/9.nfo" "$N/movie/tmm_written_9_2009.movie.nfo"
put "Movies/9 (2009)/9.mkv" "$T/clip.mkv"
put "Movies/28 Days Later (2002)/28 Days Later.nfo" "$N/movie/emby_28_days_later.movie.nfo"
put "Movies/28 Days Later (2002)/28 Days Later.mkv" "$T/clip.mkv"
put "Movies/Test Movie/Test Movie.nfo" "$N/odd/jellyfin_communityrating_decimal_comma.movie.nfo"
put "Movies/Test Movie/Test Movie.mkv" "$T/clip.mkv"
put "Movies/Avengers Endgame (2019)/Avengers Endgame (2019).nfo" "$N/odd/jellyfin_radarr_url_only.nfo"
put "Movies/Avengers Endgame (2019)/Avengers Endgame (2019).mkv" "$T/clip.mkv"
put "Movies/Some Film (2006)/Some Film (2006).nfo" "$N/odd/tmm_just_imdb_url.nfo"
put "Movies/Some Film (2006)/Some Film (2006).mkv" "$T/clip.mkv"
put "Movies/Lonely/Lonely.nfo" "$N/odd/jellyfin_imdb_url_only.nfo"
put "TV/American Gods/tvshow.nfo" "$N/tvshow/jellyfin_american_gods.tvshow.nfo"
put "TV/American Gods/Season 1/S01E01.nfo" "$N/episode/jellyfin_american_gods_s01e01_the_bone_orchard.nfo"
put "TV/American Gods/Season 1/S01E01.mkv" "$T/clip.mkv"
put "TV/21 Jump Street/tvshow.nfo" "$N/tvshow/tmm_kodi17.0_21_jump_street.tvshow.nfo"
put "TV/21 Jump Street/Season 1/S01E01-E02.nfo" "$N/odd/tmm_kodi17.0_two_episodedetails_roots.nfo"
put "TV/21 Jump Street/Season 1/S01E01-E02.mkv" "$T/clip.mkv"
put "TV/Futurama/Season 1/Futurama - S01E01.nfo" "$N/episode/tmm_written_futurama_S01E01.nfo"
put "TV/Futurama/Season 1/Futurama - S01E01.mkv" "$T/clip.mkv"
put "TV/Stargate Atlantis/Season 1/S01E01-E04.nfo" "$N/odd/jellyfin_stargate_atlantis_S01E01-E04_multi_root.nfo"
put "TV/Stargate Atlantis/Season 1/S01E01-E04.mkv" "$T/clip.mkv"
echo '<tvshow><title>Stargate Atlantis</title><year>2004</year></tvshow>' > "$L/TV/Stargate Atlantis/tvshow.nfo"
put "TV/Stray/ep.nfo" "$N/odd/ersatztv_episode_bom_comment_trailing_garbage.nfo"
put "TV/Stray/ep.mkv" "$T/clip.mkv"
put "Ads/Cola.mkv" "$T/clip.mkv"
cat > "$L/Ads/Cola.nfo" <<'NFO'
<?xml version="1.0" encoding="UTF-8"?>
<movie>
  <title>Cola - Holidays Are Coming</title>
  <year>1995</year>
  <retrovue>
    <type>commercial</type>
    <daypart>prime</daypart>
    <seasonal>holiday</seasonal>
    <rating>TV-G</rating>
    <company>Coca-Cola</company>
    <category>food</category>
    <duration>30</duration>
    <expires>2031-12-31</expires>
    <demographic>family</demographic>
    <warnings>none</warnings>
    <notes>Before 9 pm</notes>
    <chapter time="0:01">Logo</chapter>
  </retrovue>
</movie>
NFO

run_rc "$RETROVUE" tmm add "$L" --name Library
check_eq "tmm add exits 0" 0 "$rc"
run_rc "$RETROVUE" tmm add "$L/Movies"
check_eq "a folder inside one already added is refused" 1 "$rc"
check_grep "saying which covers it" "inside directory 1" "$T/err"
run_rc "$RETROVUE" tmm add "$T/nowhere"
check_eq "a missing folder is refused" 1 "$rc"
run_rc "$RETROVUE" tmm list
check_grep "tmm list shows it" "^1 *Library *yes *yes *0 *never *$L" "$T/out"

run_rc "$RETROVUE" sync-all
check_eq "the scan finishes (with warnings: exit 1)" 1 "$rc"
# Every malformed sample warns with its file and line.
check_grep "trailing garbage: file and line" "TV/Stray/ep.nfo:6: 45 bytes of junk after the XML" "$T/err"
check_grep "decimal comma: file and line" "Movies/Test Movie/Test Movie.nfo:4: <communityrating> '7,5' has a decimal comma" "$T/err"
check_grep "URL only (TMDB + IMDb): file and line" "Avengers Endgame (2019).nfo:1: not XML but a link (tmdb 583689)" "$T/err"
check_grep "URL only (IMDb): file and line" "Some Film (2006).nfo:1: not XML but a link (imdb tt0499549)" "$T/err"
check_grep "URL only, no media file: file and line" "Movies/Lonely/Lonely.nfo: no video file beside it" "$T/err"
check_grep "several roots: file and line" "S01E01-E04.nfo:24: a second <episodedetails>: 4 roots" "$T/err"
check_grep "two roots: file and line" "S01E01-E02.nfo:126: a second <episodedetails>: 2 roots" "$T/err"
check_grep "an episode with no show is named" "TV/Stray/ep.nfo: an episode with no tvshow.nfo above it and no <showtitle>" "$T/err"
check_grep "sync_history says partial" "partial" "$(sq "SELECT status FROM sync_history" > "$T/h"; echo "$T/h")"

check_eq "movies imported (7 + the commercial as a clip)" "7|1" \
    "$(sq "SELECT (SELECT count(*) FROM movies), (SELECT count(*) FROM media_files WHERE media_type = 'clip')")"
check_eq "movie.nfo takes the film, not the trailer" "$L/Movies/Batman Begins (2005)/Batman.Begins.2005.mkv" \
    "$(sq "SELECT mf.file_path FROM movies m JOIN media_files mf ON mf.id = m.media_file_id WHERE m.title = 'Batman Begins'")"
check_eq "ratings map (Kodi's Australia:M is au/M, level 13)" "Australia:M|au/M|13" \
    "$(sq "SELECT m.rating, c.content_rating, c.rating_level FROM movies m JOIN content_scheduling_metadata c USING (media_file_id) WHERE m.title = 'Justice League'")"
check_eq "Rated PG-13" "PG-13|13" \
    "$(sq "SELECT c.content_rating, c.rating_level FROM movies m JOIN content_scheduling_metadata c USING (media_file_id) WHERE m.title = 'Batman Begins'")"
check_eq "ids from uniqueid (TMDB before IMDb)" "tmdb://141052" "$(sq "SELECT guid_primary FROM movies WHERE title = 'Justice League'")"
check_eq "a link-only .nfo: title from the file name, ids from the links" "Avengers Endgame|2019|tmdb://583689" \
    "$(sq "SELECT title, year, guid_primary FROM movies WHERE guid_primary LIKE 'tmdb://583689'")"
check_eq "durations are probed from the file" 1 \
    "$(sq "SELECT duration_ms BETWEEN 1900 AND 2100 FROM media_files mf JOIN movies m ON m.media_file_id = mf.id WHERE m.title = '9'")"
check_eq "shows: from tvshow.nfo and from <showtitle>" "21 Jump Street|1987
American Gods|2017
Futurama|
Stargate Atlantis|2004" "$(sq "SELECT title, year FROM shows ORDER BY title")" 
check_eq "the episode belongs to its tvshow.nfo" "American Gods|1|1|The Bone Orchard" \
    "$(sq "SELECT s.title, e.season_number, e.episode_number, e.episode_title FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.title = 'American Gods'")"
check_eq "a multi-episode file is one episode with the titles joined" "1|Pilot (1) / Pilot (2)" \
    "$(sq "SELECT e.episode_number, e.episode_title FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.title = '21 Jump Street'")"
check_eq "show ids from tvshow.nfo" "tvdb://253573" "$(sq "SELECT guid_primary FROM shows WHERE title = 'American Gods'")"
check_eq "the <retrovue> element fills the scheduling fields" \
    "commercial|prime|holiday|TV-G|0|Coca-Cola|food|30|2031-12-31|family|none|Before 9 pm" \
    "$(sq "SELECT c.content_type, daypart_preference, seasonal_preference, content_rating, rating_level, commercial_company, commercial_category, commercial_duration, commercial_expiration, target_demographic, content_warnings, scheduling_notes FROM content_scheduling_metadata c JOIN media_files mf ON mf.id = c.media_file_id WHERE mf.title LIKE 'Cola%'")"
check_eq "four episodes in one file" "1|Rising / Rising (2) / Hide and Seek / Thirty-Eight Minutes" \
    "$(sq "SELECT e.episode_number, e.episode_title FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.title = 'Stargate Atlantis'")"
check_eq "and its chapter" "1000|Logo|nfo" \
    "$(sq "SELECT timestamp_ms, chapter_title, source FROM chapter_markers")"
files=$(sq "SELECT count(*) FROM media_files")

# Unchanged: nothing read again.
run_rc "$RETROVUE" sync-all
check_grep "a re-scan changes nothing" " 0 added, 0 updated, 0 removed" "$T/out"
check_no_grep "and warns only about files it cannot use" "decimal comma" "$T/err"

# An edited .nfo, a removed .nfo, a removed media file. (Two files of a dozen
# are more than the default safety limit: tests/system/library_safety.sh tries it.)
sq "INSERT INTO system_config (key, value) VALUES ('library.remove_limit_percent', '25')"
sed 's|<title>Justice League</title>|<title>Zack Snyder'"'"'s Justice League</title>|' \
    "$N/movie/jellyfin_justice_league.movie.nfo" > "$L/Movies/Justice League (2017)/Justice League (2017).nfo"
touch -d '+1 minute' "$L/Movies/Justice League (2017)/Justice League (2017).nfo"
rm "$L/Movies/9 (2009)/9.nfo"
rm "$L/TV/Futurama/Season 1/Futurama - S01E01.mkv"
run_rc "$RETROVUE" sync-all
check_grep "an edited .nfo is an update" "^Updated movie: Zack Snyder's Justice League (2017)" "$T/out"
check_grep "a removed .nfo removes its file" "^Removed file: 9 (2009)" "$T/out"
check_grep "a removed media file removes its item" "^Removed file: Futurama" "$T/out"
check_grep "and an emptied show" "^Removed show: Futurama" "$T/out"
check_eq "two files fewer" "$((files - 2))" "$(sq "SELECT count(*) FROM media_files")"

# A directory that vanished (unmounted): nothing removed.
mv "$L" "$T/away"
run_rc "$RETROVUE" sync-all --tmm Library
check_eq "an unreadable directory fails" 1 "$rc"
check_grep "saying nothing was removed" "not mounted?); nothing was removed" "$T/err"
check_eq "and nothing was" "$((files - 2))" "$(sq "SELECT count(*) FROM media_files")"
mv "$T/away" "$L"

run_rc "$RETROVUE" db check
check_eq "the database checks out" 0 "$rc"
run_rc "$RETROVUE" tmm remove Library
check_eq "tmm remove exits 0" 0 "$rc"
check_eq "removes what came from it" "0|0|0" \
    "$(sq "SELECT (SELECT count(*) FROM media_files), (SELECT count(*) FROM shows), (SELECT count(*) FROM chapter_markers)")"

done_testing
