#!/bin/sh
# bench/bench_players.sh: real players tuning in to the demo's channels,
# cold (the channel was off) and warm (it was on the air): hls.js with its
# default configuration in headless Chromium (first frame, stalls, buffer),
# VLC recording the HLS and the endless TS for 15 s (seconds of media it
# got), and ffmpeg reading the HLS for 15 s of media (wall time it took).
# Needs chromium, node/npm (playwright-core and hls.js are installed into
# a scratch folder from the npm registry) and VLC (vlc-bin,
# vlc-plugin-base); VLC refuses root, so it runs as nobody.
#   usage: bench/bench_players.sh [PLAY]     (default 40 s of hls.js play)
. "$(dirname "$0")/bench_lib.sh"
PLAY=${1:-40}
for tool in chromium node npm cvlc ffmpeg; do
	command -v "$tool" >/dev/null || { echo "bench_players: needs $tool" >&2; exit 1; }
done

# hls.js and the page, served from a folder of their own.
mkdir -p "$B/npm" "$B/www"
npm install --silent --prefix "$B/npm" playwright-core hls.js >/dev/null 2>&1 ||
	{ echo "bench_players: npm install playwright-core hls.js failed" >&2; exit 1; }
cp "$B/npm/node_modules/hls.js/dist/hls.min.js" "$TOP/bench/players/player.html" "$B/www/"
WWW=$(port)
(cd "$B/www" && exec python3 -m http.server "$WWW" --bind 127.0.0.1 >/dev/null 2>&1) &
www_pid=$!
trap 'kill $www_pid 2>/dev/null; [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$B"' EXIT

"$RETROVUE" demo >"$B/demo.log" 2>&1 || { cat "$B/demo.log" >&2; exit 1; }
sql "INSERT OR REPLACE INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '3')"
start_daemon
chmod 755 "$B"
mkdir -m 777 "$B/vlc"

# idle N: wait until channel N is off the air again.
idle() {
	n=0
	while [ "$(status_field "$1" state)" != idle ] && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
}
# hlsjs LABEL N: hls.js plays channel N for PLAY seconds.
hlsjs() {
	r=$(NODE_PATH="$B/npm/node_modules" node "$TOP/bench/players/hlsjs.js" \
		"http://127.0.0.1:$WWW/player.html" "http://127.0.0.1:$PORT/channel/$2/index.m3u8" "$PLAY")
	echo "$r" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("  hls.js %-5s first frame %5s ms, stalls %d, waiting %d, buffer low %.1f s, errors %s" % (
    sys.argv[1], r["firstFrame"], r["stalls"], r["waiting"], r["low"] or 0,
    ",".join(r["errors"]) or "none"))' "$1"
}
# vlc LABEL URL: seconds of media VLC records in 15 s.
vlc() {
	rm -f "$B/vlc/out.ts"
	timeout 30 runuser -u nobody -- cvlc -q --run-time 15 "$2" \
		--sout "#std{access=file,mux=ts,dst=$B/vlc/out.ts}" vlc://quit 2>/dev/null
	printf "  VLC %-10s recorded %s s of media in 15 s\n" "$1" \
		"$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$B/vlc/out.ts" 2>/dev/null)"
}
# ff LABEL N: wall time for ffmpeg to read 15 s of channel N's HLS.
ff() {
	t0=$(now_ms)
	ffmpeg -v error -i "http://127.0.0.1:$PORT/channel/$2/index.m3u8" -t 15 -c copy -f mpegts \
		-y "$B/ff.ts"
	printf "  ffmpeg %-7s read 15 s of media in %.1f s\n" "$1" \
		"$(python3 -c "print(($(now_ms) - $t0) / 1000)")"
}

echo "Players on the demo's channels (640x360, 25 fps):"
hlsjs cold 3
hlsjs warm 3
idle 3
hlsjs cold 3
idle 4
vlc "HLS cold" "http://127.0.0.1:$PORT/channel/4/index.m3u8"
idle 4
vlc "TS cold" "http://127.0.0.1:$PORT/channel/4.ts"
vlc "TS warm" "http://127.0.0.1:$PORT/channel/4.ts"
idle 2
ff cold 2
ff warm 2
stop_daemon
