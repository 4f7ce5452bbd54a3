#!/bin/sh
# bench/bench_subs_hlsjs.sh: hls.js (default configuration, headless
# Chromium) on a channel with selectable subtitles: the subtitle tracks it
# lists from the master playlist, the WebVTT cues it loads (their lengths),
# and where each lands: its start on the wall clock, from the stream's
# program date, against the schedule's (the clips air back to back, 6 s
# each, "Hello" 0.5-2 s and "World" 2.5-5.5 s into each). Needs chromium
# and node/npm (playwright-core and hls.js are installed into a scratch
# folder from the npm registry).
#   usage: bench/bench_subs_hlsjs.sh [PLAY]     (default 20 s of hls.js play)
. "$(dirname "$0")/bench_lib.sh"
PLAY=${1:-20}
for tool in chromium node npm ffmpeg; do
	command -v "$tool" >/dev/null || { echo "bench_subs_hlsjs: needs $tool" >&2; exit 1; }
done
mkdir -p "$B/npm" "$B/www"
npm install --silent --prefix "$B/npm" playwright-core hls.js >/dev/null 2>&1 ||
	{ echo "bench_subs_hlsjs: npm install playwright-core hls.js failed" >&2; exit 1; }
cp "$B/npm/node_modules/hls.js/dist/hls.min.js" "$TOP/bench/players/subs.html" "$B/www/"
WWW=$(port)
(cd "$B/www" && exec python3 -m http.server "$WWW" --bind 127.0.0.1 >/dev/null 2>&1) &
www_pid=$!
trap 'kill $www_pid 2>/dev/null; [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$B"' EXIT

ffmpeg -v error -y -f lavfi -i color=c=gray:s=640x360:r=25:d=6 -f lavfi -i sine=f=440:r=48000:d=6 \
	-c:v libx264 -preset ultrafast -g 25 -c:a aac -shortest "$B/clip.mp4"
printf '1\n00:00:00,500 --> 00:00:02,000\nHello\n\n2\n00:00:02,500 --> 00:00:05,500\nWorld\n' \
	>"$B/clip.en.srt"
"$RETROVUE" db init >/dev/null
"$RETROVUE" content add "$B/clip.mp4" --type interstitial >/dev/null
"$RETROVUE" channel add 3 "Subtitled" --format 640x360@25 --subtitles selectable \
	--subtitle-language eng >/dev/null
t=$(now_ms)
sql "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 40)
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT (SELECT id FROM channels), $t - 1000 + n * 6000, $t + 5000 + n * 6000, 'programme',
              (SELECT id FROM media_files), 0, 6000, 'Clip' FROM k;"
start_daemon
echo "A channel with selectable subtitles (640x360, 6 s clips: Hello at 0.5-2 s, World at 2.5-5.5 s):"
NODE_PATH="$B/npm/node_modules" node "$TOP/bench/players/hlsjs_sap.js" \
	"http://127.0.0.1:$WWW/subs.html" "http://127.0.0.1:$PORT/channel/3/index.m3u8" "$PLAY" |
	python3 -c '
import json, sys
t0, r = int(sys.argv[1]) - 1000, json.load(sys.stdin)
print("  hls.js subtitle tracks: %s" % ", ".join("%s (%s)" % (t["name"], t["lang"]) for t in r["tracks"]))
print("  first frame %s ms; %d WebVTT fragments; %d cues: %s" % (r["firstFrame"], r["vttFragments"],
      len(r["cues"]), ", ".join("%s %.3f s" % (c["text"], c["end"] - c["start"]) for c in r["cues"])))
off = []
for c in r["shown"]:
    into = (c["wall_ms"] - t0) % 6000 / 1000.0
    off.append(into - (0.5 if c["text"] == "Hello" else 2.5))
print("  cues shown: %d; each one starts %s s from its subtitle in the schedule" % (len(off),
      ", ".join("%+.3f" % o for o in off)))
print("  switched to %s; subtitle playlists loaded %s" % (r.get("switched"), r.get("playlists")))
print("  stalls %d, errors %s" % (r["stalls"], ",".join(r["errors"]) or "none"))' "$t"
stop_daemon
