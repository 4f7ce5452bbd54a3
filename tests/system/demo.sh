#!/bin/sh
# retrovue demo, for real, in a sandbox, checked with independent tools:
# ffprobe (streams, codecs, durations against the database), blackdetect
# and silencedetect (black and silence at the stored chapter markers),
# db info (counts), a second run that changes nothing, repairs of a
# truncated file and of a killed run, and the bug's alpha channel.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"

demo="$RETROVUE_DATA_DIR/demo"
q() { sqlite3 -batch -noheader "$RETROVUE_DB_PATH" "$1"; }
# sha256 and mtime of every file of the library, sorted by name.
snapshot() { (cd "$demo" && find . -type f ! -name .lock -print0 | sort -z |
	xargs -0 stat -c '%n %Y' && find . -type f ! -name .lock -print0 | sort -z |
	xargs -0 sha256sum) > "$1"; }
now() { date +%s.%N; }
# calc EXPR: awk arithmetic; conditions print 1 or 0.
calc() { awk "BEGIN { print ($1) }"; }

# An unusable database stops it before any rendering.
mkdir -p "$T/bad" && head -c 4096 /dev/urandom > "$T/bad/x.db"
run_rc "$RETROVUE" --db-path "$T/bad/x.db" demo
check_eq "a corrupt database fails the demo" 1 "$rc"
check_grep "and is named" "$T/bad/x.db" "$T/err"
check_eq "before anything is rendered" "" "$(find "$T/bad" -name '*.mp4*')"

run_rc "$RETROVUE" --dry-run demo
check_eq "--dry-run on nothing exits 0" 0 "$rc"
check_grep "and says all 31 files would be rendered" "^31 of 31 files would be rendered" "$T/out"
check "and creates nothing" test ! -e "$RETROVUE_DATA_DIR"

start=$(now)
run_rc "$RETROVUE" demo
took=$(calc "$(now) - $start")
diag "retrovue demo from scratch took $took s"
check_eq "demo exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | tail -20
check_grep "it says where the library is" "^Demo library in $demo" "$T/out"
check_grep "it counts what it made" "10 episodes of 4 series, 3 movies, 12 commercials, 4 bumpers, 2 station IDs" "$T/out"
check_grep "it names the channel bug" "channel bug: $demo/Graphics/bug.png" "$T/out"
check_grep "it names the database" "Registered in $RETROVUE_DB_PATH" "$T/out"
check_grep "it names the demo channels" "^Channels 2, 3 and 4 .* scheduled in 5-minute slots" "$T/out"
check_grep "and the guide channel" "channel 1 (Retro Guide) airs their listings" "$T/out"

# The database, as db info counts it.
run_rc "$RETROVUE" db info
check_eq "db info exits 0" 0 "$rc"
for row in "content_sources 1" "media_files 31" "shows 4" "episodes 10" "movies 3" \
    "content_scheduling_metadata 31" "chapter_markers 24"; do
	set -- $row
	check_grep "db info: $1 has $2 rows" "^$1  *$2\$" "$T/out"
done
check_eq "every file is registered with its content type" \
	"bumper 4|commercial 12|episode 10|movie 3|station_id 2" \
	"$(q "SELECT group_concat(t, '|') FROM (SELECT content_type || ' ' || count(*) AS t \
	    FROM content_scheduling_metadata GROUP BY content_type ORDER BY content_type)")"
check_eq "commercials carry company, category, length and rating" 12 \
	"$(q "SELECT count(*) FROM content_scheduling_metadata WHERE content_type = 'commercial' \
	    AND commercial_company <> '' AND commercial_category <> '' AND \
	    commercial_duration IN (15, 30) AND rating_level >= 0")"
check_eq "markers come from the demo" 24 "$(q "SELECT count(*) FROM chapter_markers WHERE source = 'demo'")"
run_rc "$RETROVUE" db check
check_eq "the database is healthy" 0 "$rc"

# The demo channels, scheduled on this library.
check_eq "three channels, 640x360 at 25 fps in 5-minute slots" 3 \
	"$(q "SELECT count(*) FROM channels WHERE slot_minutes = 5 AND width = 640 AND fps_num = 25")"
check_eq "and the guide channel 1, showing channel 2, an hour ahead" "guide|2|1" \
	"$(q "SELECT c.channel_type, s.number, c.guide_hours FROM channels c JOIN channels s ON \
	    s.id = c.guide_source_id WHERE c.number = '1'")"
check_eq "all with the bug" 4 "$(q "SELECT count(*) FROM channels WHERE bug_path = '$demo/Graphics/bug.png'")"
for ch in 1 2 3 4; do
	run_rc "$RETROVUE" schedule check $ch
	check_eq "channel $ch's fine log passes the checker" 0 "$rc"
done
check_eq "within 15 minutes channel 2 shows programmes, commercials, bumpers and an ID" 4 \
	"$(q "SELECT count(DISTINCT kind) FROM schedule_items s JOIN channels c ON c.id = s.channel_id \
	    WHERE c.number = '2' AND kind IN ('programme', 'commercial', 'bumper', 'station_id') \
	    AND start_ms < (SELECT min(start_ms) FROM schedule_items WHERE channel_id = c.id) + 15 * 60000")"
# Channel 2 prefers each programme's decade: its commercials are dated
# (1978 to 1994), and most in a programme's breaks are of its decade (not
# all: the demo has few spots of each daypart and decade; the checker
# above holds each choice to the rule).
check_eq "channel 2's era is each programme's decade" programme \
	"$(q "SELECT era FROM channels WHERE number = '2'")"
check_eq "the demo's commercials have their years" 12 \
	"$(q "SELECT count(*) FROM media_files m JOIN content_scheduling_metadata c ON \
	    c.media_file_id = m.id WHERE c.content_type = 'commercial' AND m.production_year \
	    BETWEEN 1978 AND 1994")"
decades=$(q "SELECT sum(same), sum(1 - same) FROM (SELECT m.production_year / 10 = \
    coalesce(CAST(substr(e.air_date, 1, 3) AS INTEGER), s.year / 10) AS same FROM schedule_items i JOIN \
    channels c ON c.id = i.channel_id AND c.number = '2' JOIN media_files m ON \
    m.id = i.media_file_id JOIN schedule_items p ON p.channel_id = i.channel_id AND \
    p.programme_start_ms = i.programme_start_ms AND p.kind = 'programme' AND p.act = 1 JOIN \
    episodes e ON e.media_file_id = p.media_file_id JOIN shows s ON s.id = e.show_id WHERE \
    i.kind = 'commercial')")
diag "channel 2's commercials of the programme's decade, and of another: $decades"
check "and most of channel 2's commercials are of their programme's decade" \
	test "${decades%|*}" -gt "${decades#*|}"

# Every file, as ffprobe sees it, against its row.
bad=0
q "SELECT file_path || '|' || duration_ms FROM media_files ORDER BY id" > "$T/files"
while IFS='|' read -r path ms; do
	info=$(ffprobe -v error -show_entries stream=codec_type,codec_name,width,height,r_frame_rate,sample_rate,channels:format=duration \
	    -of default=nw=1 "$path" 2>&1 | tr '\n' ' ')
	case "$info" in
	*"codec_name=h264 codec_type=video width=640 height=360 r_frame_rate=25/1"*"codec_name=ac3 codec_type=audio sample_rate=48000 channels=1"*) ;;
	*) bad=$((bad + 1)); diag "$path: $info"; continue ;;
	esac
	dur=$(echo "$info" | sed -n 's/.*duration=\([0-9.]*\).*/\1/p')
	if [ "$(calc "$dur * 1000 - $ms < 40 && $dur * 1000 - $ms > -40")" != 1 ]; then
		bad=$((bad + 1))
		diag "$path: ffprobe says $dur s, the database $ms ms"
	fi
done < "$T/files"
check_eq "every file is H.264 640x360 25 fps + AC-3 mono, as long as the database says" 0 "$bad"
check_eq "31 files were checked" 31 "$(wc -l < "$T/files")"

# Black and silence at the chapter markers of one episode.
ep=$(q "SELECT file_path FROM media_files WHERE source_key = 'signal-and-noise/s01e02'")
ffmpeg -nostdin -hide_banner -i "$ep" -vf "scale=160:90,blackdetect=d=0.5:pix_th=0.1" \
    -af "silencedetect=n=-60dB:d=0.5" -f null - 2> "$T/detect"
markers=$(q "SELECT c.timestamp_ms FROM chapter_markers c JOIN media_files m ON \
    m.id = c.media_file_id WHERE m.file_path = '$(echo "$ep" | sed "s/'/''/g")' ORDER BY 1")
check_eq "the episode has its two markers" 2 "$(echo "$markers" | wc -l)"
blacks=$(sed -n 's/.*black_start:\([0-9.]*\) black_end:\([0-9.]*\).*/\1 \2/p' "$T/detect")
silences=$(awk '/silence_start:/ { s = $NF }
    /silence_end:/ { for (i = 1; i < NF; i++) if ($i == "silence_end:") print s, $(i + 1) }' "$T/detect")
check_eq "blackdetect finds one stretch per marker" 2 "$(echo "$blacks" | grep -c .)"
check_eq "silencedetect finds one stretch per marker" 2 "$(echo "$silences" | grep -c .)"
for m in $markers; do
	hit=$(echo "$blacks" | awk -v m="$m" '$1 * 1000 <= m && m <= $2 * 1000 && $2 - $1 >= 0.9 && $2 - $1 <= 1.1' | wc -l)
	check_eq "a second of black at the marker at $m ms" 1 "$hit"
	hit=$(echo "$silences" | awk -v m="$m" '$1 * 1000 <= m && m <= $2 * 1000 && $2 - $1 >= 0.9' | wc -l)
	check_eq "and of silence" 1 "$hit"
done

# Loud, but nothing clips: every clip (the loudest files) peaks below full scale.
q "SELECT file_path FROM media_files WHERE media_type = 'clip'" > "$T/clips"
hot=0
while IFS= read -r clip; do
	peak=$(ffmpeg -nostdin -hide_banner -i "$clip" -vn -af volumedetect -f null - 2>&1 |
	    sed -n 's/.*max_volume: \(-*[0-9.]*\) dB/\1/p')
	if [ "$(calc "${peak:-0} < -1")" != 1 ]; then
		hot=$((hot + 1))
		diag "$clip peaks at ${peak:-?} dBFS"
	fi
done < "$T/clips"
check_eq "no commercial, bumper or ID peaks above -1 dBFS" 0 "$hot"
check_eq "(18 clips were measured)" 18 "$(wc -l < "$T/clips")"

# The channel bug keeps its transparency.
bug="$demo/Graphics/bug.png"
check_eq "the bug is an RGBA PNG" "png rgba" \
	"$(ffprobe -v error -show_entries stream=codec_name,pix_fmt -of csv=p=0 "$bug" | tr ',' ' ')"
alpha=$(ffprobe -v error -f lavfi "movie='$bug',alphaextract,signalstats" \
    -show_entries frame_tags=lavfi.signalstats.YMIN,lavfi.signalstats.YMAX -of csv=p=0)
check_eq "its alpha runs from clear to solid" "0 1" \
	"$(echo "$alpha" | awk -F, '{print ($1 == 0 ? 0 : 1), ($2 > 128 ? 1 : 0)}')"

# A second run changes nothing (its time is printed, not asserted).
snapshot "$T/before"
rows_before=$(q "SELECT count(*) FROM media_files")
sleep 1
start=$(now)
run_rc "$RETROVUE" demo
took=$(calc "$(now) - $start")
diag "the second run took $took s"
check_eq "a second run exits 0" 0 "$rc"
check_grep "and renders nothing" "0 files rendered, 31 already in place" "$T/out"
check_grep "and changes no row" "(0 rows changed)" "$T/out"
snapshot "$T/after"
check "no file was rewritten (mtimes and sha256)" cmp -s "$T/before" "$T/after"
check_eq "no row was added" "$rows_before" "$(q "SELECT count(*) FROM media_files")"

# A truncated file is made again, byte for byte the same.
spot="$demo/Commercials/cosmo-cola-15.mp4"
sum=$(sha256sum < "$spot")
truncate -s 20000 "$spot"
run_rc "$RETROVUE" --dry-run demo
check_grep "--dry-run names the damaged file" "would render Cosmo Cola" "$T/out"
check_eq "and leaves it alone" 20000 "$(stat -c %s "$spot")"
run_rc "$RETROVUE" demo
check_eq "a run after truncation exits 0" 0 "$rc"
check_grep "and renders one file" "1 file rendered, 30 already in place" "$T/out"
check_eq "which is the same bytes as before" "$sum" "$(sha256sum < "$spot")"
check_eq "and its row has the new mtime" "$(stat -c %Y "$spot")" \
	"$(q "SELECT file_mtime FROM media_files WHERE source_key = 'commercial/cosmo-cola-15'")"

# A run killed mid-way leaves a .part file and a missing one; the next run mends both.
ep2="$demo/Bumpers/stay-tuned.mp4"
mv "$ep2" "$ep2.part"
head -c 5000 "$ep2.part" > "$ep2.part.tmp" && mv "$ep2.part.tmp" "$ep2.part"
head -c 5000 "$spot" > "$spot.part"
run_rc "$RETROVUE" demo
check_eq "a run after a killed one exits 0" 0 "$rc"
check "the missing file is back" test -s "$ep2"
check_eq "no .part file is left" "" "$(find "$demo" -name '*.part')"
check_eq "still 31 files registered" 31 "$(q "SELECT count(*) FROM media_files")"

# A file that cannot be written is named; the rest carries on.
rm -f "$ep2" && mkdir "$ep2"
run_rc "$RETROVUE" demo
check_eq "a file that cannot be made fails the run" 1 "$rc"
check_grep "and is named" "failed: bumper \"STAY TUNED\": cannot rename" "$T/err"
check_grep "the summary says so" "30 already in place, 1 could not be made" "$T/out"
check_eq "its row is left alone" 31 "$(q "SELECT count(*) FROM media_files")"
rmdir "$ep2"
run_rc "$RETROVUE" demo
check_eq "and the next run mends it" 0 "$rc"

# One demo at a time.
if command -v flock > /dev/null; then
	flock "$demo/.lock" sleep 3 &
	locker=$!
	sleep 0.5
	run_rc "$RETROVUE" demo
	check_eq "a second concurrent demo is refused" 1 "$rc"
	check_grep "and says why" "another 'retrovue demo' is running" "$T/err"
	wait "$locker"
fi

done_testing
