#!/bin/sh
# Manual content (content add|set|list|show) and chapter markers (chapters
# list|add|remove|detect) on media made with ffmpeg.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/media.sh"
sq() { sqlite3 "$RETROVUE_DB_PATH" "$1"; }
M="$T/media"
mkdir -p "$M"
make_tone "$M/cola.mp4" 4 -20
make_tone "$M/ident.mp4" 3 -20
make_tone "$M/pilot.mp4" 5 -20
make_breaks "$M/show.mkv"

run_rc "$RETROVUE" content add "$M/cola.mp4" --type commercial --title "Cola 1995" \
    --company Coca-Cola --category food --daypart prime --seasonal holiday --expires 2031-12-31 \
    --demographic family --rating TV-G --notes "not before cartoons"
check_eq "content add exits 0" 0 "$rc"
check_grep "and names the new item" "^Added 1: Cola 1995 (commercial)" "$T/out"
check_eq "the file is probed for its duration" 1 \
    "$(sq "SELECT duration_ms BETWEEN 3900 AND 4200 FROM media_files WHERE id = 1")"
check_eq "scheduling metadata is stored" \
    "commercial|Coca-Cola|food|prime|holiday|2031-12-31|family|TV-G|0|not before cartoons|4" \
    "$(sq "SELECT content_type, commercial_company, commercial_category, daypart_preference, seasonal_preference, commercial_expiration, target_demographic, content_rating, rating_level, scheduling_notes, commercial_duration FROM content_scheduling_metadata WHERE media_file_id = 1")"
check_eq "a manual clip" "clip|manual|$M/cola.mp4" "$(sq "SELECT media_type, source_type, file_path FROM media_files WHERE id = 1")"

run_rc "$RETROVUE" content add "$M/ident.mp4" --type station-id
check_eq "a station ID, titled from its file name" "ident|station_id" \
    "$(sq "SELECT mf.title, c.content_type FROM media_files mf JOIN content_scheduling_metadata c ON c.media_file_id = mf.id WHERE mf.id = 2")"
run_rc "$RETROVUE" content add "$M/pilot.mp4" --type episode --show "Test Show (1999)" --season 1 --episode 2 --title "Pilot"
check_eq "an episode goes under its show" "Test Show|1999|1|2|Pilot" \
    "$(sq "SELECT s.title, s.year, e.season_number, e.episode_number, e.episode_title FROM episodes e JOIN shows s ON s.id = e.show_id")"
run_rc "$RETROVUE" content add "$M/show.mkv" --type movie --title "Breaks" --year 2001
check_eq "a movie" "Breaks|2001" "$(sq "SELECT title, year FROM movies")"

run_rc "$RETROVUE" content add "$M/cola.mp4" --type commercial
check_eq "the same file twice is refused" 1 "$rc"
check_grep "naming the item it already is" "is already in the library as 1" "$T/err"
run_rc "$RETROVUE" content add "$M/none.mp4" --type bumper
check_eq "a missing file is refused" 1 "$rc"
check_grep "naming it" "none.mp4: No such file or directory" "$T/err"
run_rc "$RETROVUE" content add "$M/cola.mp4" --type jingle
check_eq "an unknown type is refused" 1 "$rc"
run_rc "$RETROVUE" content add "$M/pilot.mp4" --type episode
check_eq "an episode needs a show" 1 "$rc"
run_rc "$RETROVUE" content add "$M/cola.mp4"
check_eq "no --type is a usage error" 2 "$rc"

run_rc "$RETROVUE" content set 1 title="Cola Christmas" daypart=afternoon rating=TV-PG duration=0:30 notes=
check_eq "content set exits 0" 0 "$rc"
check_eq "the values changed, notes cleared" "Cola Christmas|afternoon|TV-PG|8|30|" \
    "$(sq "SELECT mf.title, daypart_preference, content_rating, rating_level, commercial_duration, scheduling_notes FROM media_files mf JOIN content_scheduling_metadata c ON c.media_file_id = mf.id WHERE mf.id = 1")"
run_rc "$RETROVUE" content set 1 company=Pepsi colour=red
check_eq "an unknown key fails" 1 "$rc"
check_grep "naming it" "unknown key 'colour'" "$T/err"
check_eq "and changes nothing" "Coca-Cola" "$(sq "SELECT commercial_company FROM content_scheduling_metadata WHERE media_file_id = 1")"
run_rc "$RETROVUE" content set 1 expires=tomorrow
check_eq "a bad date fails" 1 "$rc"
run_rc "$RETROVUE" content set 1 rating=Banana
check_eq "a rating nobody knows fails" 1 "$rc"
run_rc "$RETROVUE" content set 42 title=x
check_eq "an unknown id fails" 1 "$rc"
run_rc "$RETROVUE" content set 4 title="Breaks (Director's Cut)" year=2002 type=promo
check_eq "a movie's own title and year change too" "Breaks (Director's Cut)|2002|promo" \
    "$(sq "SELECT m.title, m.year, c.content_type FROM movies m JOIN content_scheduling_metadata c USING (media_file_id)")"

run_rc "$RETROVUE" content list --type commercial
check_grep "list --type" "^1 *commercial *00:00:04 *TV-PG *unchecked *- *0 *manual *Cola Christmas" "$T/out"
check_grep "counts" "^1 item$" "$T/out"
run_rc "$RETROVUE" content list --search show
check_grep "list --search finds titles" "Test Show S01E02 Pilot" "$T/out"
check_grep "and paths" "Breaks" "$T/out"
run_rc "$RETROVUE" content list --sort duration --desc
check_eq "list --sort duration --desc" "4 3 1 2" "$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $2 !~ /^items?$/ { printf "%s%s", s, $1; s = " " }' "$T/out")"
run_rc "$RETROVUE" content list --source manual --limit 2
check_grep "list --limit" "^2 items$" "$T/out"
run_rc "$RETROVUE" content list --sort colour
check_eq "an unknown sort fails" 1 "$rc"

run_rc "$RETROVUE" chapters add 4 0:03 "Act 2"
check_eq "chapters add exits 0" 0 "$rc"
run_rc "$RETROVUE" chapters add 4 3s
check_eq "a second marker at the same time is refused" 1 "$rc"
run_rc "$RETROVUE" chapters add 4 1:00
check_eq "a marker past the end is refused" 1 "$rc"
check_grep "saying how long the file is" "0:01:00.000 is outside the file (it lasts 0:00:20" "$T/err"
run_rc "$RETROVUE" chapters add 4 12.25s
run_rc "$RETROVUE" chapters list 4
check_eq "chapters list" "0:00:03.000  manual    Act 2
0:00:12.250  manual" "$(cat "$T/out" | sed 's/ *$//')"
run_rc "$RETROVUE" chapters remove 4 0:12.3
check_eq "remove takes the nearest within half a second" 0 "$rc"
run_rc "$RETROVUE" chapters remove 4 0:15
check_eq "no marker there" 1 "$rc"

run_rc "$RETROVUE" chapters detect 4 --margin 1 --min-gap 1
check_eq "chapters detect exits 0" 0 "$rc"
check_eq "one break proposed" 1 "$(grep -c 'black .* silence' "$T/out")"
at=$(sed -n 's/^0:00:\([0-9.]*\)  black.*/\1/p' "$T/out")
check "where black and silence meet, at 6-7 s (got $at)" awk -v t="$at" 'BEGIN { exit !(t > 6.0 && t < 7.0) }'
check_no_grep "not where there is silence over picture" "^0:00:09\|^0:00:10" "$T/out"
check_no_grep "nor black over sound" "^0:00:12\|^0:00:13" "$T/out"
check_eq "a proposal is not stored" 1 "$(sq 'SELECT count(*) FROM chapter_markers')"
run_rc "$RETROVUE" chapters detect 4 --margin 1 --min-gap 1 --save
check_grep "--save stores it" "Saved 1 marker" "$T/out"
run_rc "$RETROVUE" chapters detect 4 --margin 1 --min-gap 1 --save
check_eq "saving again replaces, and manual markers stay" "detected|1
manual|1" "$(sq 'SELECT source, count(*) FROM chapter_markers GROUP BY source ORDER BY source')"
run_rc "$RETROVUE" chapters detect 4 --margin 8
check_grep "the margin keeps breaks off the ends" "No break points found" "$T/out"
run_rc "$RETROVUE" chapters detect 1 --margin 0
check_grep "a file without breaks" "No break points found" "$T/out"

run_rc "$RETROVUE" content show 4
check_eq "content show exits 0" 0 "$rc"
check_grep "content show: title" "^title  *Breaks (Director's Cut) (2002)" "$T/out"
check_grep "content show: type" "^type  *promo" "$T/out"
check_grep "content show: file" "^file  *$M/show.mkv" "$T/out"
check_grep "content show: chapters" "^chapter  *0:00:03.000 Act 2 (manual)" "$T/out"
check_grep "content show: detected chapter" "^chapter  *0:00:06.[0-9]* Break 1 (detected)" "$T/out"
run_rc "$RETROVUE" content show 99
check_eq "content show of nothing fails" 1 "$rc"
run_rc "$RETROVUE" db check
check_eq "the database checks out" 0 "$rc"

done_testing
