#!/bin/sh
# bench/bench_sap.sh: real players on a channel with a second audio program
# (English 440 Hz, Spanish 660 Hz): hls.js with its default configuration
# in headless Chromium lists the audio tracks of the master playlist, plays
# the English one, switches to the Spanish rendition and is heard (WebAudio
# on the video element) to play it; ffprobe lists the TS's audio PIDs and
# the HLS master's renditions. Needs chromium and node/npm (playwright-core
# and hls.js are installed into a scratch folder from the npm registry).
#   usage: bench/bench_sap.sh [PLAY]     (default 16 s of hls.js play)
. "$(dirname "$0")/bench_lib.sh"
PLAY=${1:-16}
for tool in chromium node npm ffmpeg; do
	command -v "$tool" >/dev/null || { echo "bench_sap: needs $tool" >&2; exit 1; }
done
mkdir -p "$B/npm" "$B/www"
npm install --silent --prefix "$B/npm" playwright-core hls.js >/dev/null 2>&1 ||
	{ echo "bench_sap: npm install playwright-core hls.js failed" >&2; exit 1; }
cp "$B/npm/node_modules/hls.js/dist/hls.min.js" "$TOP/bench/players/sap.html" "$B/www/"
WWW=$(port)
(cd "$B/www" && exec python3 -m http.server "$WWW" --bind 127.0.0.1 >/dev/null 2>&1) &
www_pid=$!
trap 'kill $www_pid 2>/dev/null; [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$B"' EXIT

ffmpeg -v error -y -f lavfi -i color=c=gray:s=640x360:r=25:d=120 \
	-f lavfi -i sine=f=440:r=48000:d=120 -f lavfi -i sine=f=660:r=48000:d=120 \
	-map 0:v -map 1:a -map 2:a -metadata:s:a:0 language=eng -metadata:s:a:1 language=spa \
	-c:v libx264 -preset ultrafast -g 50 -c:a aac -shortest "$B/two.mkv"
"$RETROVUE" db init >/dev/null
"$RETROVUE" channel add 3 "Bilingual" --format 640x360@25 --language eng --sap-language spa >/dev/null
t=$(now_ms)
sql "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type, loudness_lufs)
       VALUES (1, '$B/two.mkv', 120000, 'clip', 'manual', -24);
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t - 1000, $t + 119000, 'programme', 1, 0, 120000, 'Bilingual' FROM channels;"
start_daemon
echo "A channel with a second audio program (640x360, English 440 Hz, SAP Spanish 660 Hz):"
NODE_PATH="$B/npm/node_modules" node "$TOP/bench/players/hlsjs_sap.js" \
	"http://127.0.0.1:$WWW/sap.html" "http://127.0.0.1:$PORT/channel/3/index.m3u8" "$PLAY" es |
	python3 -c '
import collections, json, sys
r = json.load(sys.stdin)
mode = lambda a: collections.Counter(a).most_common(1)[0][0] if a else None
print("  hls.js audio tracks: %s" % ", ".join("%s (%s%s)" % (t["name"], t["lang"],
      ", own playlist" if t["url"] else ", in the variant") for t in r["tracks"]))
print("  first frame %s ms; heard %s Hz; switched to track %s at %s ms; then heard %s Hz" % (
      r["firstFrame"], mode(r["pitchBefore"]), (r["switched"] or {}).get("id"),
      (r["switched"] or {}).get("at"), mode(r["pitchAfter"][-8:])))
print("  stalls %d, errors %s" % (r["stalls"], ",".join(r["errors"]) or "none"))'
ffprobe -v error -show_entries stream=codec_type:stream_tags=language -of json \
	-read_intervals "%+3" "http://127.0.0.1:$PORT/channel/3.ts" 2>/dev/null | python3 -c '
import json, sys
print("  ffprobe, the TS: audio PIDs in %s" % ", ".join(s.get("tags", {}).get("language", "?")
      for s in json.load(sys.stdin)["streams"] if s["codec_type"] == "audio"))'
stop_daemon
