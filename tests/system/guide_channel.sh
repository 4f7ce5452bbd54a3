#!/bin/sh
# The guide channel on a real daemon: made with the CLI, scheduled with
# generated "Program Guide" items, aired as H.264/AAC with a picture that
# moves (the grid scrolls), the source channel's item (or the promos) in
# its box from the right point, music from its folder (a broken file in it
# is skipped), redrawn when another channel's schedule changes, and listed
# like any channel in the HDHomeRun lineup, the M3U list and the XMLTV
# guide (valid against the DTD).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

DTD="${FIXTURES:?FIXTURES must point at the test fixtures}/xmltv/xmltv.dtd"
M="$T/media"
mkdir -p "$M/music"
clip "$M/show.mp4" 0 40 320 180 25 -f lavfi -i sine=f=440:r=48000:d=40 -ac 2
clip "$M/promo.mp4" 3 20 320 180 25 -f lavfi -i sine=f=550:r=48000:d=20 -ac 2
ffmpeg -v error -f lavfi -i "sine=f=330:r=44100:d=30" -ac 2 "$M/music/01 theme.wav"
echo "not audio at all" >"$M/music/00 broken.mp3"
check "the test media is made" test -s "$M/show.mp4" -a -s "$M/music/01 theme.wav"

run_rc "$RETROVUE" db init
F="--format 320x180@25 --video-kbps 400 --audio-kbps 64 --timezone UTC"
run_rc "$RETROVUE" channel add 2 Two --call-sign WTWO $F
run_rc "$RETROVUE" channel add 3 "It's 100%: Three" $F
run_rc "$RETROVUE" channel add 1 GUIDE --type guide --guide-source 9 $F
check_eq "a guide source must exist" 1 "$rc"
check_grep "saying which" "guide source: no channel 9" "$T/err"
run_rc "$RETROVUE" channel add 1 GUIDE --type guide --music-dir "$M/nowhere" $F
check_grep "a music folder must exist" "music folder .*nowhere: no such directory" "$T/err"
run_rc "$RETROVUE" channel add 1 GUIDE --call-sign PGC --type guide --guide-source 2 \
	--music-dir "$M/music" --guide-hours 2 $F
check_eq "the guide channel is added" 0 "$rc"
run_rc "$RETROVUE" channel show 1
check_grep "its type is shown" "type: *guide (the next 2 hours" "$T/out"
check_grep "with its source" "guide source: *channel 2 Two" "$T/out"
run_rc "$RETROVUE" channel edit 1 --guide-source 1
check_grep "it cannot show itself" "channel 1 is a guide channel" "$T/err"
run_rc "$RETROVUE" channel add 5 PROMOS --type guide $F
check_eq "a guide with no source channel is added" 0 "$rc"

# Channel 2 airs the clip; channel 3 a programme with an awkward title.
sql "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/show.mp4', 40000, 'clip', 'manual'), (2, '$M/promo.mp4', 20000, 'clip', 'manual');
     INSERT INTO content_scheduling_metadata (media_file_id, content_type) VALUES (2, 'promo');"
t=$(($(now_ms) - 5000))
sql "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms,
       out_ms, programme_start_ms, act, title) VALUES
     ((SELECT id FROM channels WHERE number = '2'), $t, $t + 40000, 'programme', 1, 0, 40000,
      $t, 1, 'Show A'),
     ((SELECT id FROM channels WHERE number = '3'), $t, $t + 600000, 'programme', 1, 0,
      600000, $t, 1, 'It''s 100%: \"Ça\" \\\\ [Test]; a,b')"
run_rc "$RETROVUE" schedule build 1 --hours 3
check_eq "the guide channel is scheduled" 0 "$rc"
run_rc "$RETROVUE" schedule check 1
check_eq "its fine log passes the checker" 0 "$rc"
check_eq "one generated item per slot, all 'Program Guide'" "0" \
	"$(sql "SELECT count(*) FROM schedule_items s JOIN channels c ON c.id = s.channel_id
	        WHERE c.number = '1' AND (s.media_file_id IS NOT NULL OR s.title <> 'Program Guide'
	        OR s.end_ms - s.start_ms > 1800000)")"

port=$(free_port)
check "the daemon starts" start_daemon "$T/daemon.log"
B="http://127.0.0.1:$port"
ffmpeg -v error -i "$B/channel/1.ts" -t 8 -map 0 -c copy -f mpegts "$T/guide.ts"
check "the guide channel streams" test -s "$T/guide.ts"
streams=$(ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 \
	"$T/guide.ts" | grep . | sort -u | tr '\n' ' ')
check_eq "H.264 320x180 and AAC" "aac h264,320,180 " "$streams"

# The grid scrolls: the lower part of two frames 2 s apart differs, and
# freezedetect finds no still stretch.
for s in 2 4; do
	ffmpeg -v error -ss $s -i "$T/guide.ts" -frames:v 1 -vf "crop=320:90:0:90" \
		-f rawvideo -pix_fmt gray - | md5sum | cut -d' ' -f1 >"$T/grid$s"
done
if cmp -s "$T/grid2" "$T/grid4"; then not_ok "the grid scrolls"; else ok "the grid scrolls"; fi
ffmpeg -v info -i "$T/guide.ts" -vf "crop=320:90:0:90,freezedetect=n=0.0001:d=1" -an \
	-f null - 2>"$T/freeze.txt"
check_no_grep "never still for a second" "freeze_start" "$T/freeze.txt"
ffmpeg -v error -ss 3 -i "$T/guide.ts" -frames:v 1 "$T/guide.png"
check "a frame decodes to a picture" test -s "$T/guide.png"

# The preview box plays channel 2's item from where channel 2 is in it: the
# clip's frame codes, read in the box (6,6 120x68 at this size), count up a
# frame at a time from at least 4 s in (the item began 5 s before setup; a
# cold start joins the schedule a second before the first request).
box_codes() {
	python3 - "$1" <<'PY'
import subprocess, sys
w, h, bx, by, bw, bh = 320, 180, 6, 6, 120, 68
raw = subprocess.run(["ffmpeg", "-v", "error", "-t", "4", "-i", sys.argv[1], "-f", "rawvideo",
                      "-pix_fmt", "gray", "-"], check=True, capture_output=True).stdout
for f in range(len(raw) // (w * h)):
    code = 0
    for bit in range(16):
        x, y = bx + int((bit + 0.5) * bw / 16), by + bh // 8
        if raw[f * w * h + y * w + x] > 160:
            code |= 1 << bit
    print(code)
PY
}
box_codes "$T/guide.ts" >"$T/codes"
check "the preview box shows channel 2's item from its offset" python3 -c '
import sys
c = [int(x) for x in open(sys.argv[1])]
steps = sum(1 for a, b in zip(c, c[1:]) if b == a + 1)
assert len(c) > 50 and all(x < 4096 for x in c), c[:10]
assert c[0] >= 100 and steps >= 0.9 * (len(c) - 1), (c[:10], steps, len(c))' "$T/codes"

# A guide with no source channel plays the library's promos in its box,
# from their start (item 3's codes from 0), with the generated bed under
# it (no music folder), or silence when the channel asks for it.
run_rc "$RETROVUE" schedule build 5 --hours 1
ffmpeg -v error -i "$B/channel/5.ts" -t 5 -map 0 -c copy -f mpegts "$T/promos.ts"
box_codes "$T/promos.ts" >"$T/pcodes"
check "the promo plays in the box from its start" python3 -c '
import sys
c = [int(x) for x in open(sys.argv[1])]
steps = sum(1 for a, b in zip(c, c[1:]) if b == a + 1)
assert len(c) > 50 and all(x // 4096 == 3 for x in c), c[:10]
assert c[0] % 4096 < 25 and steps >= 0.9 * (len(c) - 1), (c[:10], steps)' "$T/pcodes"
ffmpeg -v info -i "$T/promos.ts" -vn -af volumedetect -f null - 2>"$T/pvol.txt"
check "and the generated bed without a music folder" python3 -c "
import re, sys
v = float(re.search(r'max_volume: (-?[0-9.]+)', open('$T/pvol.txt').read()).group(1))
sys.exit(not -40 < v < -3)"

# The music plays (the broken file is skipped), at a lowered level.
ffmpeg -v info -ss 1 -i "$T/guide.ts" -vn -af volumedetect -f null - 2>"$T/vol.txt"
mean=$(sed -n 's/.*mean_volume: \(-*[0-9.]*\) dB/\1/p' "$T/vol.txt")
check "the music is heard (mean $mean dB)" python3 -c "import sys; sys.exit(not -40 < $mean < -10)"
check_grep "the broken track was skipped" "music: .*00 broken.mp3" "$T/daemon.log"
check_grep "and the next one played" "music: .*01 theme.wav" "$T/daemon.log"

# It is a channel like any other: lineup, M3U, XMLTV.
curl -s "$B/lineup.json" >"$T/lineup.json"
check "the HDHomeRun lineup lists it" python3 -c '
import json, sys
ch = [c for c in json.load(open(sys.argv[1])) if c["GuideNumber"] == "1"]
assert ch and ch[0]["GuideName"] == "GUIDE" and ch[0]["URL"].endswith("/channel/1.ts"), ch' \
	"$T/lineup.json"
curl -s "$B/iptv/channels.m3u" >"$T/m3u"
check_grep "the M3U lists it" 'tvg-chno="1".*,1 GUIDE' "$T/m3u"
curl -s "$B/iptv/xmltv.xml" >"$T/xmltv.xml"
cp "$DTD" "$T/xmltv.dtd"
check "the XMLTV guide is valid" xmllint --noout --dtdvalid "$DTD" "$T/xmltv.xml"
check "it lists the guide's 'Program Guide' slots" python3 -c '
import sys, xml.etree.ElementTree as E
t = E.parse(sys.argv[1]).getroot()
p = [x for x in t.findall("programme") if x.get("channel") == "1.retrovue"]
assert p and all(x.findtext("title") == "Program Guide" for x in p), len(p)' "$T/xmltv.xml"

# A schedule change on another channel is redrawn without a restart.
sql "DELETE FROM schedule_items WHERE channel_id = (SELECT id FROM channels WHERE number = '2');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms,
       out_ms, programme_start_ms, act, title) VALUES
     ((SELECT id FROM channels WHERE number = '2'), $t, $t + 40000, 'programme', 1, 0, 40000,
      $t, 1, 'Show B')"
ffmpeg -v error -i "$B/channel/1.ts" -t 3 -map 0 -c copy -f mpegts "$T/guide2.ts"
check "a schedule change is redrawn" wait_for 10 grep -q \
	"the schedule changed; redrawing the guide" "$T/daemon.log"
if $CHECK ts "$T/guide.ts" >"$T/ts.txt" 2>&1; then ok "the stream is continuous"; else not_ok "stream continuity"; sed 's/^/# /' "$T/ts.txt"; fi
check_no_grep "no drawing failed" "drawing the guide:" "$T/daemon.log"

stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
check_no_grep "no error from the sanitizers" "ERROR: .*Sanitizer" "$T/daemon.log"

done_testing
