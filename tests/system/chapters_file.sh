#!/bin/sh
# Chapters embedded in files (Matroska and MP4) are read at validation:
# plain chapters become break points of source 'file', chapters named as
# an intro or the end credits become spans the scheduler breaks around;
# 'chapters list' names each marker's source; a re-validation replaces the
# file's own markers and keeps those made by hand. A channel's --credits.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
sq() { sqlite3 "$RETROVUE_DB_PATH" "$1"; }
M="$T/media"
mkdir -p "$M"
cat > "$M/meta.txt" <<'META'
;FFMETADATA1
[CHAPTER]
TIMEBASE=1/1000
START=0
END=2000
title=Intro
[CHAPTER]
TIMEBASE=1/1000
START=2000
END=5000
title=Act One
[CHAPTER]
TIMEBASE=1/1000
START=5000
END=8000
title=Act Two
[CHAPTER]
TIMEBASE=1/1000
START=8000
END=10000
title=End Credits
META
for ext in mkv mp4; do
	ffmpeg -v error -y -f lavfi -i "testsrc=size=160x90:rate=25:duration=10" \
	    -f lavfi -i "sine=frequency=440:duration=10" -i "$M/meta.txt" -map 0 -map 1 \
	    -map_chapters 2 -c:v mpeg4 -c:a aac "$M/ep.$ext"
done
ffmpeg -v error -y -f lavfi -i "testsrc=size=160x90:rate=25:duration=4" -c:v mpeg4 "$M/plain.mkv"
check_eq "ffprobe sees the Matroska file's four chapters" 4 \
    "$(ffprobe -v error -show_chapters -of csv "$M/ep.mkv" | grep -c '^chapter')"
check_eq "and the MP4's" 4 "$(ffprobe -v error -show_chapters -of csv "$M/ep.mp4" | grep -c '^chapter')"

run_rc "$RETROVUE" content add "$M/ep.mkv" --type movie
run_rc "$RETROVUE" content add "$M/ep.mp4" --type movie
run_rc "$RETROVUE" content add "$M/plain.mkv" --type movie
mkv=$(sq "SELECT id FROM media_files WHERE file_path LIKE '%ep.mkv'")
mp4=$(sq "SELECT id FROM media_files WHERE file_path LIKE '%ep.mp4'")
plain=$(sq "SELECT id FROM media_files WHERE file_path LIKE '%plain.mkv'")
run_rc "$RETROVUE" validate --no-loudness
check_eq "validate exits 0" 0 "$rc"
for id in $mkv $mp4; do
	check_eq "file $id: its chapters are break points of source 'file'" \
	    "2000|Act One|file 5000|Act Two|file" \
	    "$(sq "SELECT group_concat(x, ' ') FROM (SELECT timestamp_ms || '|' || chapter_title || '|' || source AS x FROM chapter_markers WHERE media_file_id = $id ORDER BY timestamp_ms)")"
	check_eq "file $id: the intro and end credits are spans" "intro|0|2000|file credits|8000|10000|file" \
	    "$(sq "SELECT group_concat(x, ' ') FROM (SELECT kind || '|' || start_ms || '|' || end_ms || '|' || source AS x FROM media_markers WHERE media_file_id = $id ORDER BY start_ms)")"
done
check_eq "a file without chapters has none" "0|0" \
    "$(sq "SELECT (SELECT count(*) FROM chapter_markers WHERE media_file_id = $plain), (SELECT count(*) FROM media_markers WHERE media_file_id = $plain)")"

run_rc "$RETROVUE" chapters add "$mkv" 0:06.5 "By hand"
run_rc "$RETROVUE" chapters list "$mkv"
check_eq "chapters list names each marker's source, intro and credits too" \
"0:00:02.000  file      Act One
0:00:05.000  file      Act Two
0:00:06.500  manual    By hand
0:00:00.000  file      intro to 0:00:02.000 (no break inside)
0:00:08.000  file      credits to 0:00:10.000 (no break inside)" "$(cat "$T/out")"

# The file changes: a re-validation replaces what the file gave, not what was made by hand.
ffmpeg -v error -y -f lavfi -i "testsrc=size=160x90:rate=25:duration=10" \
    -f lavfi -i "sine=frequency=440:duration=10" -c:v mpeg4 -c:a aac "$M/ep.mkv"
run_rc "$RETROVUE" validate --no-loudness "$mkv"
check_eq "re-validation exits 0" 0 "$rc"
check_eq "the file's chapters went with them, the one made by hand stays" "6500|manual" \
    "$(sq "SELECT group_concat(timestamp_ms || '|' || source, ' ') FROM chapter_markers WHERE media_file_id = $mkv")"
check_eq "and so did its intro and credits" 0 "$(sq "SELECT count(*) FROM media_markers WHERE media_file_id = $mkv")"
check_eq "the other file keeps its own" 2 "$(sq "SELECT count(*) FROM media_markers WHERE media_file_id = $mp4")"

# What a channel does with the end credits in a tight slot.
run_rc "$RETROVUE" channel add 4 "Four"
run_rc "$RETROVUE" channel show 4
check_grep "a channel keeps the end credits by default" "credits: *keep" "$T/out"
run_rc "$RETROVUE" channel edit 4 --credits squeeze
check_eq "channel edit --credits squeeze exits 0" 0 "$rc"
check_eq "and stores it" squeeze "$(sq "SELECT credits FROM channels WHERE number = '4'")"
run_rc "$RETROVUE" channel edit 4 --credits fold
check_eq "another word is refused" 1 "$rc"
check_grep "naming the choices" "end credits 'fold' is not one of keep, squeeze, cut" "$T/err"
run_rc "$RETROVUE" db check
check_eq "the database checks out" 0 "$rc"

done_testing
