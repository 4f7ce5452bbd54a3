#!/bin/sh
# bench/bench_coldstart.sh: cold tune-ins as a live HLS player lives them.
# For N tune-ins of a stopped channel (the demo's channel 2, 640x360 at
# 25 fps, and a 720p30 channel decoding a 1080p source), a simulated
# player (tests/helpers/hlssim.py: hls.js's default live start, reloads and
# real-time play) prints: the first playlist and first playable segment
# after the first request, the media the playlist holds 1 s and 2 s after
# it, the stalls over PLAY seconds of play, how far behind the schedule
# the viewer watches and the buffer's low point after the first second.
# Target: first frame under 1.5 s, no stall.
#   usage: bench/bench_coldstart.sh [TRIES] [PLAY]   (default 5 tries, 20 s)
. "$(dirname "$0")/bench_lib.sh"
TRIES=${1:-5}
PLAY=${2:-20}
SIM="python3 $TOP/tests/helpers/hlssim.py"

# tuneins CHANNEL LABEL: TRIES cold tune-ins, one line of figures each.
tuneins() {
	i=1
	while [ "$i" -le "$TRIES" ]; do
		n=0
		while [ "$(status_field "$1" state)" != idle ] && [ $n -lt 150 ]; do
			sleep 0.2
			n=$((n + 1))
		done
		$SIM "http://127.0.0.1:$PORT/channel/$1/index.m3u8" "$PLAY" --json >>"$B/$2.json"
		i=$((i + 1))
	done
}

# report LABEL TITLE: the tune-ins' figures, one line each, then the medians.
report() {
	python3 - "$B/$1.json" "$2" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("%s, %d cold tune-ins:" % (sys.argv[2], len(rows)))
print("  %-8s %-9s %-9s %-9s %-7s %-9s %-8s %s" % ("playlist", "1st frame", "held@1s", "held@2s",
      "stalls", "stalled", "behind", "buffer low"))
for r in rows:
    print("  %-8.3f %-9.3f %-9.1f %-9.1f %-7d %-9.3f %-8.2f %.2f" % (r["first_playlist_s"],
          r["first_frame_s"], r["listed_1s"], r["listed_2s"], r["stalls"], r["stalled_s"],
          r["behind_s"] or 0, r["buffer_low_s"] or 0))
med = lambda k: statistics.median(r[k] for r in rows)
print("  median first frame %.3f s (worst %.3f), held after 1 s %.1f s, after 2 s %.1f s, "
      "stalls %d in all" % (med("first_frame_s"), max(r["first_frame_s"] for r in rows),
      med("listed_1s"), med("listed_2s"), sum(r["stalls"] for r in rows)))
PY
}

# The demo's channel 2.
"$RETROVUE" demo >"$B/demo.log" 2>&1 || { cat "$B/demo.log" >&2; exit 1; }
sql "INSERT OR REPLACE INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '3')"
start_daemon
tuneins 2 demo
stop_daemon

# A 720p30 channel on a 1080p source.
rm -rf "$B/data"
source_clip
channels 1
sql "INSERT OR REPLACE INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '3')"
start_daemon
tuneins 1 720p
stop_daemon

report demo "demo channel 2 (640x360, 25 fps)"
report 720p "720p30 channel (1080p source, x264 $PRESET)"
