#!/bin/sh
# Commercials and bumpers of their time, from the command line: production
# years from 'content add --year', 'content set year=' and TMM .nfo files
# (<year>, <retrovue><year>); a bumper's series from 'content add --series',
# 'content set series=' and <retrovue><series>; 'channel add|edit --era'
# checked and shown; fine logs that prefer the era, the programme's decade
# and the series' own bumpers, passing 'schedule check', which finds a
# preference broken by hand.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/media.sh"
sq() { sqlite3 "$RETROVUE_DB_PATH" "$1"; }
R="$RETROVUE"
M="$T/media"
L="$T/library"
mkdir -p "$M" "$L/Ads"
make_tone "$M/clip.mp4" 2 -20
check "the test clip is made" test -s "$M/clip.mp4"

run_rc "$R" db init
check_eq "db init" 0 "$rc"

# A TMM folder: a bumper of Cheers and a commercial dated in their .nfo files.
cp "$M/clip.mp4" "$L/Ads/Back to Cheers.mp4"
cat > "$L/Ads/Back to Cheers.nfo" <<'NFO'
<?xml version="1.0" encoding="UTF-8"?>
<movie>
  <title>And now back to Cheers</title>
  <year>1988</year>
  <retrovue>
    <type>bumper</type>
    <category>in</category>
    <series>Cheers</series>
  </retrovue>
</movie>
NFO
cp "$M/clip.mp4" "$L/Ads/Cola (2004).mp4"
cat > "$L/Ads/Cola (2004).nfo" <<'NFO'
<movie>
  <title>Cola</title>
  <year>2004</year>
  <retrovue><type>commercial</type><year>1986</year><company>Cola</company></retrovue>
</movie>
NFO
run_rc "$R" tmm add "$L" --name Clips
check_eq "tmm add" 0 "$rc"
run_rc "$R" sync-all --tmm Clips
check_eq "the scan exits 0" 0 "$rc"
back=$(sq "SELECT id FROM media_files WHERE title = 'And now back to Cheers'")
cola=$(sq "SELECT id FROM media_files WHERE title = 'Cola'")
check_eq "a bumper's series comes from <retrovue><series>" "Cheers|1988" \
    "$(sq "SELECT c.series_title, m.production_year FROM media_files m JOIN content_scheduling_metadata c ON c.media_file_id = m.id WHERE m.id = $back")"
check_eq "the .nfo's <year> is the file's, <retrovue><year> the scheduler's" "2004|1986" \
    "$(sq "SELECT m.production_year, c.production_year FROM media_files m JOIN content_scheduling_metadata c ON c.media_file_id = m.id WHERE m.id = $cola")"

# By hand: commercials of two eras, bumpers, an ID, and Cheers.
i=0
for year in 1985 1985 1985 1985 1985 1985 1985 1985 1985 1985 1995 1995; do
	i=$((i + 1))
	cp "$M/clip.mp4" "$M/ad$i.mp4"
	run_rc "$R" content add "$M/ad$i.mp4" --type commercial --company "Company $i" \
	    --category "cat$i" --year $year --title "Ad $i ($year)"
done
check_eq "content add --year stores the year of a clip" 10 \
    "$(sq "SELECT count(*) FROM media_files WHERE production_year = 1985 AND media_type = 'clip'")"
cp "$M/clip.mp4" "$M/Ad 13 (1987).mp4"
run_rc "$R" content add "$M/Ad 13 (1987).mp4" --type commercial --company "Company 13" \
    --category cat13
check_eq "without --year, the year in a file's name" "Ad 13|1987" \
    "$(sq "SELECT title, production_year FROM media_files WHERE file_path LIKE '%Ad 13 (1987).mp4'")"
cp "$M/clip.mp4" "$M/cheers-brb.mp4"
run_rc "$R" content add "$M/cheers-brb.mp4" --type bumper --category out --series Cheers \
    --title "Cheers will be right back"
check_eq "a bumper of a series not there yet is added" 0 "$rc"
check_grep "with a note that it waits for its series" "no series 'Cheers' in the library" "$T/err"
brb=$(sq "SELECT id FROM media_files WHERE title = 'Cheers will be right back'")
for b in out in; do
	cp "$M/clip.mp4" "$M/generic-$b.mp4"
	run_rc "$R" content add "$M/generic-$b.mp4" --type bumper --category $b --year 1985 \
	    --title "Generic $b"
done
cp "$M/clip.mp4" "$M/ident.mp4"
run_rc "$R" content add "$M/ident.mp4" --type station-id --year 1984
for e in 1 2 3; do
	cp "$M/clip.mp4" "$M/cheers$e.mp4"
	run_rc "$R" content add "$M/cheers$e.mp4" --type episode --show "Cheers (1982)" \
	    --season 1 --episode $e --year 1983
done
check_eq "the episodes are in" 3 "$(sq "SELECT count(*) FROM episodes")"
# Half-hour episodes with two act breaks, 30-second spots (the files are short).
sq "UPDATE media_files SET duration_ms = 1320000 WHERE media_type = 'episode'"
sq "UPDATE media_files SET duration_ms = 30000 WHERE title LIKE 'Ad %'"
for id in $(sq "SELECT media_file_id FROM episodes"); do
	"$R" chapters add $id 7:00 >/dev/null
	"$R" chapters add $id 14:00 >/dev/null
done

run_rc "$R" content set 1 year=86
check_eq "a year that is not one is refused" 1 "$rc"
check_grep "naming it" "year=86: not a year" "$T/err"
run_rc "$R" content set "$brb" series=Frasier
check_eq "a series not in the library is taken" 0 "$rc"
check_grep "with a note" "no series 'Frasier' in the library" "$T/err"
run_rc "$R" content set "$brb" series="Cheers (1982)" year=1989
check_eq "content set series= year=" 0 "$rc"
check_no_grep "a series in the library needs no note" "no series" "$T/err"
run_rc "$R" content show "$brb"
check_grep "content show has the series" "^series  *Cheers (1982)" "$T/out"
check_grep "and the year" "^year  *1989" "$T/out"

# The channel's era: checked, stored in one form, shown.
run_rc "$R" channel add 4 "Retro Four" --timezone UTC --era 1980s --station-ids 30
check_eq "channel add --era" 0 "$rc"
run_rc "$R" channel show 4
check_grep "channel show has the era" "^era: *1980-1989" "$T/out"
run_rc "$R" channel edit 4 --era 1990-1980
check "an era that ends before it starts is refused" test "$rc" -ne 0
check_grep "saying so" "ends before it starts" "$T/err"
run_rc "$R" channel edit 4 --era sixties
check_grep "words are refused" "not years like 1980-1989" "$T/err"
check_eq "and nothing changed" "1980-1989" "$(sq "SELECT era FROM channels WHERE number = '4'")"

run_rc "$R" schedule add 4 --at 00:00 --until 24:00 --series Cheers
check_eq "a Cheers slot" 0 "$rc"
run_rc "$R" schedule build 4 --hours 48
run_rc "$R" schedule check 4
check_eq "the log passes the checker" 0 "$rc"
check_grep "and says so" "fine log ok" "$T/out"
check_no_grep "with no note: every clip is of the era" "^note:" "$T/out"
check "commercials air" test "$(sq "SELECT count(*) FROM schedule_items WHERE kind = 'commercial'")" -gt 100
check_eq "only the era's: every 1985 spot before any 1995 one" 0 \
    "$(sq "SELECT count(*) FROM schedule_items s JOIN media_files m ON m.id = s.media_file_id WHERE s.kind = 'commercial' AND m.production_year = 1995")"
check_eq "the bumper out of every Cheers break is Cheers' own" 0 \
    "$(sq "SELECT count(*) FROM schedule_items b JOIN schedule_items p ON p.channel_id = b.channel_id AND p.end_ms = b.start_ms AND p.kind = 'programme' WHERE b.kind = 'bumper' AND b.media_file_id <> $brb")"
check "and it airs" test "$(sq "SELECT count(*) FROM schedule_items WHERE media_file_id = $brb")" -gt 50
check_eq "Cheers' bumper back (category in) closes them" 0 \
    "$(sq "SELECT count(*) FROM schedule_items b JOIN schedule_items p ON p.channel_id = b.channel_id AND p.start_ms = b.end_ms AND p.kind = 'programme' AND p.programme_start_ms = b.programme_start_ms WHERE b.kind = 'bumper' AND b.media_file_id <> $back")"

# A preference broken by hand, three hours away: the checker finds it and a
# rebuild mends it.
ad95=$(sq "SELECT id FROM media_files WHERE title = 'Ad 11 (1995)'")
sq "UPDATE schedule_items SET media_file_id = $ad95 WHERE id = (SELECT s.id FROM schedule_items s JOIN media_files m ON m.id = s.media_file_id WHERE s.kind = 'commercial' AND m.duration_ms = (SELECT duration_ms FROM media_files WHERE id = $ad95) AND s.programme_start_ms > strftime('%s','now') * 1000 + 3 * 3600000 ORDER BY s.start_ms LIMIT 1)"
run_rc "$R" schedule check 4
check_eq "another era's spot where the era's fits fails the check" 1 "$rc"
check_grep "naming both" "commercial $ad95 (1995) airs where commercial [0-9]* (198[0-9]) could (the break prefers 1980-1989)" "$T/out"
run_rc "$R" schedule rebuild 4
run_rc "$R" schedule check 4
check_eq "the rebuilt log passes" 0 "$rc"

# Each programme's decade: the 1980s for Cheers of 1983; none for the rest.
run_rc "$R" channel edit 4 --era programme
check_eq "channel edit --era programme" 0 "$rc"
check_grep "rebuilds the log" "schedule rebuilt" "$T/out"
check_no_grep "with no note: Cheers' decade has its own" "^note:" "$T/out"
run_rc "$R" channel show 4
check_grep "shown as it is stored" "^era: *programme" "$T/out"
run_rc "$R" schedule rebuild 4
run_rc "$R" schedule check 4
check_eq "the programme's decade: the log passes" 0 "$rc"
check_eq "and has no 1995 spot in a 1983 programme" 0 \
    "$(sq "SELECT count(*) FROM schedule_items s JOIN media_files m ON m.id = s.media_file_id WHERE s.kind = 'commercial' AND m.production_year = 1995 AND s.start_ms > strftime('%s','now') * 1000 + 3600000")"

# An era the library has nothing of: any era fills, and the check says so.
run_rc "$R" channel edit 4 --era 1960s
sed "s/^/# /" "$T/out"
check_grep "channel edit says at once that other eras fill the new one" \
    "^note: channel 4: [0-9]* of [0-9]* commercials in breaks preferring 1960-1969 were of other years: the library has none the channel may air of 1960-1969$" "$T/out"
run_rc "$R" schedule rebuild 4
check_grep "and schedule rebuild after it" \
    "^note: channel 4: [0-9]* of [0-9]* station IDs in breaks preferring 1960-1969 were of other years" "$T/out"
run_rc "$R" schedule check 4
check_eq "an era with no clips of its own: the log passes" 0 "$rc"
check_grep "and the check notes that other eras filled its breaks" \
    "^note: channel 4: [0-9]* of [0-9]* commercials in breaks preferring 1960-1969 were of other years: the library has none the channel may air of 1960-1969$" "$T/out"
sed "s/^/# /" "$T/out"
check_grep "its bumpers too" "^note: channel 4: [0-9]* of [0-9]* bumpers in breaks preferring 1960-1969 were of other years" "$T/out"
check "the 1995 spots, kept out before, fill as well" test \
    "$(sq "SELECT count(*) FROM schedule_items s JOIN media_files m ON m.id = s.media_file_id WHERE s.kind = 'commercial' AND m.production_year = 1995 AND s.start_ms > strftime('%s','now') * 1000 + 3600000")" -gt 0
run_rc "$R" channel edit 4 --era none
run_rc "$R" channel show 4
check_grep "no era: any" "^era: *any" "$T/out"
check_eq "stored as none" "" "$(sq "SELECT era FROM channels WHERE number = '4'")"
done_testing
