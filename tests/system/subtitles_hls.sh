#!/bin/sh
# Selectable subtitles: a channel whose subtitles are 'selectable' offers a
# WebVTT rendition (subs/index.m3u8, subs/SEQ.vtt) in its master playlist
# (index.m3u8) beside its variant (main.m3u8); the forced ones
# are burned in, the rest are cues a player switches on and off. Checked with
# ffprobe (it sees the rendition), the simulated live player hlssim.py (it
# follows the rendition segment by segment and gets every cue once, no
# stall), and against the TS itself: each WebVTT segment's X-TIMESTAMP-MAP is
# its TS segment's first time stamp, and a cue's time lands on the frame of
# the clip where the subtitle starts. A channel without keeps its single
# playlist at index.m3u8.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

SUB="python3 $TESTS_HELPERS/subcheck.py"
M="$T/media"
mkdir -p "$M"
# "Hello" at 0.5-2 s, "World" at 2.5-5.5 s; the forced track has "World".
printf '1\n00:00:00,500 --> 00:00:02,000\nHello\n\n2\n00:00:02,500 --> 00:00:05,500\nWorld\n' \
	>"$M/full.srt"
printf '1\n00:00:02,500 --> 00:00:05,500\nWorld\n' >"$M/forced.srt"
$CHECK make "$M/a.mp4" 1 6 640 360 25 -f lavfi -i sine=f=440:r=48000:d=6
ffmpeg -v error -y -i "$M/a.mp4" -i "$M/full.srt" -i "$M/forced.srt" -map 0 -map 1 -map 2 \
	-c:v copy -c:a copy -c:s srt -metadata:s:s:0 language=eng -metadata:s:s:1 language=eng \
	-disposition:s:0 0 -disposition:s:1 forced "$M/a.mkv"
$CHECK make "$M/x.mp4" 2 6 640 360 25 -f lavfi -i sine=f=550:r=48000:d=6
cp "$M/full.srt" "$M/x.en.srt"
check "the clips are made" test -s "$M/a.mkv" -a -s "$M/x.mp4"

run_rc "$RETROVUE" db init
"$RETROVUE" content add "$M/a.mkv" "$M/x.mp4" --type interstitial >/dev/null
run_rc "$RETROVUE" channel add 9 "Selectable" --format 640x360@25 --video-kbps 1500 \
	--subtitles selectable --subtitle-language eng
check_eq "a channel with selectable subtitles" 0 "$rc"
run_rc "$RETROVUE" channel add 7 "Plain" --format 320x180@25 --video-kbps 300
run_rc "$RETROVUE" channel add 8 "Both" --format 320x180@25 --video-kbps 300 \
	--language eng --sap-language spa --subtitles selectable --subtitle-language spa,eng
check_eq "a channel with a SAP and selectable subtitles" 0 "$rc"
"$RETROVUE" graphics 9 enabled=off >/dev/null
sql "INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '60')"
A=$(sql "SELECT id FROM media_files WHERE file_path LIKE '%/a.mkv'")
X=$(sql "SELECT id FROM media_files WHERE file_path LIKE '%/x.mp4'")
now=$(now_ms)
items=""
t=$((now - 500))
for id in $A $X $A $X $A $X $A $X $A $X $A $X $A $X; do
	for ch in 9 7 8; do
		items="$items INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind,
		    media_file_id, in_ms, out_ms, title) VALUES ((SELECT id FROM channels WHERE
		    number = '$ch'), $t, $t + 6000, 'programme', $id, 0, 6000, 'clip $id');"
	done
	t=$((t + 6000))
done
sql "$items"
port=$(free_port)
U="http://127.0.0.1:$port/channel/9"
check "the daemon starts" start_daemon "$T/daemon.log"

# The master playlist: the variant, and the subtitle rendition beside it.
curl -s -o "$T/master.m3u8" -w '%{http_code}' "$U/index.m3u8" >"$T/code"
check_eq "index.m3u8 is served" 200 "$(cat "$T/code")"
sed 's/^/# /' "$T/master.m3u8"
check_grep "it is a master playlist with a WebVTT subtitle rendition in English" \
	'^#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="subs/index.m3u8"$' \
	"$T/master.m3u8"
check_no_grep "no audio rendition (no SAP)" 'TYPE=AUDIO' "$T/master.m3u8"
check_grep "the variant names the group" '^#EXT-X-STREAM-INF:BANDWIDTH=[0-9]*,RESOLUTION=640x360,FRAME-RATE=25.000,CODECS="[^"]*",SUBTITLES="subs"$' \
	"$T/master.m3u8"
check_grep "the variant is main.m3u8" '^main.m3u8$' "$T/master.m3u8"
curl -s -o "$T/main.m3u8" "$U/main.m3u8"
check_grep "main.m3u8 lists the TS segments" '^[0-9]*\.ts$' "$T/main.m3u8"
curl -s -o "$T/subs.m3u8" "$U/subs/index.m3u8"
check_grep "subs/index.m3u8 lists WebVTT segments" '^[0-9]*\.vtt$' "$T/subs.m3u8"
python3 - "$T/main.m3u8" "$T/subs.m3u8" <<'EOF' >"$T/lists"
import sys
def segs(p):
    out, inf = {}, None
    for l in open(p).read().splitlines():
        if l.startswith("#EXTINF:"):
            inf = l
        elif l and not l.startswith("#"):
            out[l.split(".")[0]] = inf
    return out
m, s = segs(sys.argv[1]), segs(sys.argv[2])
both = set(m) & set(s)
print("common", len(both), "same durations", all(m[k] == s[k] for k in both))
EOF
sed 's/^/# /' "$T/lists"
check_grep "the rendition's segments are the variant's: numbers and durations" \
	"^common [1-9][0-9]* same durations True" "$T/lists"

# The player's view: hlssim follows the rendition as a player with
# subtitles on, while the endless TS is recorded (the burned-in check).
curl -s -m 13 -o "$T/nine.ts" "http://127.0.0.1:$port/channel/9.ts" &
rec_pid=$!
python3 "$TESTS_HELPERS/hlssim.py" "$U/index.m3u8" 14 --json >"$T/sim.json"
wait $rec_pid
cat "$T/sim.json" | sed 's/^/# /'
python3 - "$T/sim.json" <<'EOF' >"$T/sim.check"
import json, sys
r = json.load(open(sys.argv[1]))
texts = [c[2] for c in r["cues"]]
print("renditions", len(r["renditions"]), r["subtitles"]["name"], r["subtitles"]["language"])
print("stalls", r["stalls"])
print("subtitle segments", r["subtitles"]["segments"] > 4, "missing", r["subtitles"]["missing"])
print("cues", " ".join(texts))
# Each "Hello" 1.5 s, each "World" 3 s long; the first may be on screen at
# the channel's join, shown from there: no longer.
want = lambda c: 1.5 if c[2] == "Hello" else 3.0
first, rest = r["cues"][0], r["cues"][1:]
ok = first[1] - first[0] <= want(first) + 0.05 and len(rest) >= 3 and \
    all(abs((c[1] - c[0]) - want(c)) < 0.05 for c in rest)
print("durations", "right" if ok else "wrong")
EOF
sed 's/^/# /' "$T/sim.check"
check_grep "hlssim sees the subtitle rendition" "^renditions 1 English en" "$T/sim.check"
check_grep "and plays without a stall" "^stalls 0" "$T/sim.check"
check_grep "every segment has its WebVTT segment" "^subtitle segments True missing 0" "$T/sim.check"
check_grep "the cues: Hello on both clips; World only where it is not burned in" \
	"^cues.*Hello.*World" "$T/sim.check"
check_grep "cue lengths are the subtitles'" "^durations right" "$T/sim.check"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
seen = [(c[0], c[2]) for c in r["cues"]]
sys.exit(0 if len(seen) == len(set(seen)) else 1)' "$T/sim.json"
check_eq "each cue comes once" 0 $?

# FFmpeg's WebVTT reader takes a segment as WebVTT with its cues. (Its
# HLS reader in 5.1 does not follow a live subtitle rendition: it waits
# for ever, so the rendition is read by hlssim above.)
vtt=$(grep '\.vtt$' "$T/subs.m3u8" | head -1)
curl -s -o "$T/one.vtt" "$U/subs/$vtt"
timeout 20 ffprobe -v error -show_entries stream=codec_type,codec_name -of csv=p=0 \
	"$T/one.vtt" >"$T/probe" 2>&1
sed 's/^/# /' "$T/probe"
check_grep "ffprobe reads a WebVTT segment as a WebVTT subtitle stream" "webvtt,subtitle" "$T/probe"

# Against the TS: WebVTT segment N's X-TIMESTAMP-MAP is TS segment N's first
# time stamp, and a cue's time is the frame where its subtitle starts.
curl -s -o "$T/subs2.m3u8" "$U/subs/index.m3u8"
aligned=0 landed=0 looked=0
for seq in $(grep '\.vtt$' "$T/subs2.m3u8" | sed 's/\.vtt$//' | tail -5); do
	curl -s -o "$T/$seq.vtt" "$U/subs/$seq.vtt"
	curl -s -o "$T/$seq.ts" "http://127.0.0.1:$port/channel/9/$seq.ts"
	map=$(sed -n 's/^X-TIMESTAMP-MAP=MPEGTS:\([0-9]*\),LOCAL:.*/\1/p' "$T/$seq.vtt")
	first=$(ffprobe -v error -select_streams v:0 -show_entries packet=pts -of csv=p=0 \
		"$T/$seq.ts" | head -1 | tr -d ',')
	looked=$((looked + 1))
	[ -n "$map" ] && [ "$map" = "$first" ] && aligned=$((aligned + 1))
	# A cue that starts in this segment: the frame at its time is the subtitle's start.
	python3 - "$T/$seq.vtt" "$map" <<'EOF' >"$T/$seq.cue"
import sys
text = open(sys.argv[1]).read()
local = [l for l in text.splitlines() if l.startswith("X-TIMESTAMP-MAP=")][0]
loc = local.split("LOCAL:")[1]
def secs(s):
    h, m, x = s.strip().split(":")
    return int(h) * 3600 + int(m) * 60 + float(x)
base = secs(loc)
for l in text.splitlines():
    if "-->" in l:
        a = secs(l.split("-->")[0])
        if a >= base:
            print(int(sys.argv[2]) + round((a - base) * 90000))
            break
EOF
	if [ -s "$T/$seq.cue" ]; then
		at=$($SUB at "$T/$seq.ts" "$(cat "$T/$seq.cue")")
		diag "segment $seq: a cue starts at PTS $(cat "$T/$seq.cue"): clip frame $at"
		python3 -c "
import sys
item, n = '$at'.split()
t = int(n) / 25.0
sys.exit(0 if min(abs(t - 0.5), abs(t - 2.5)) <= 0.08 else 1)" && landed=$((landed + 1))
	fi
done
diag "$aligned of $looked WebVTT segments aligned with their TS segments; $landed cues landed"
check_eq "every WebVTT segment's X-TIMESTAMP-MAP is its TS segment's first PTS" "$looked" "$aligned"
check "cues land on the frame where their subtitle starts (within 2 frames)" test "$landed" -gt 0

# The forced line is burned in on the picture (a.mkv's "World"), nothing else.
$SUB check "$T/nine.ts" 25 1=2.5-5.5 2= >"$T/check9"
rc=$?
sed 's/^/# /' "$T/check9"
check_eq "selectable: forced subtitles burned in, the others not" 0 "$rc"
check_grep "a.mkv was judged" "^item 1: [1-9]" "$T/check9"
check_grep "x.mp4 was judged" "^item 2: [1-9]" "$T/check9"

# A SAP and subtitles: one master playlist with both renditions' groups.
curl -s -o "$T/index8.m3u8" "http://127.0.0.1:$port/channel/8/index.m3u8"
sed 's/^/# /' "$T/index8.m3u8"
check_grep "with a SAP: the audio renditions" '^#EXT-X-MEDIA:TYPE=AUDIO,.*URI="sap/index.m3u8"' \
	"$T/index8.m3u8"
check_grep "and the subtitle rendition, in the first wanted language" \
	'^#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Español",LANGUAGE="es",.*URI="subs/index.m3u8"$' \
	"$T/index8.m3u8"
check_grep "the variant names both groups" '^#EXT-X-STREAM-INF:.*RESOLUTION=320x180,.*AUDIO="aud",SUBTITLES="subs"$' \
	"$T/index8.m3u8"
check_eq "and its WebVTT playlist is served" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/channel/8/subs/index.m3u8")"

# A channel without: its single playlist as before, no rendition.
P="http://127.0.0.1:$port/channel/7"
curl -s -o "$T/index7.m3u8" "$P/index.m3u8"
check_grep "a channel without selectable subtitles keeps its media playlist" '^[0-9]*\.ts$' \
	"$T/index7.m3u8"
check_no_grep "and lists no rendition" "EXT-X-MEDIA:" "$T/index7.m3u8"
check_eq "nor a subtitle playlist (404)" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' "$P/subs/index.m3u8")"
check_eq "nor WebVTT segments (404)" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$P/subs/1.vtt")"
check_eq "a .vtt is no segment of the main playlist (404)" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' "$U/1.vtt")"
"$RETROVUE" guide m3u --hls --base-url http://tv.test >"$T/m3u"
sed 's/^/# /' "$T/m3u"
check_grep "the M3U gives each channel's index.m3u8 (the master with its renditions)" \
	"^http://tv.test/channel/9/index.m3u8$" "$T/m3u"

stop_daemon
check_eq "SIGTERM stops the daemon cleanly" 0 "$stop_rc"
done_testing
