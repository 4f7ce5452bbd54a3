#!/bin/sh
# bench/bench_tunein.sh: tune-in latency, from the first playlist request
# for a stopped 720p30 channel to its first segment downloaded (and checked
# decodable with ffprobe, outside the timing). Target: under 1 s. Existing
# systems wait for 4-8 s of content before their first segment.
#   usage: bench/bench_tunein.sh [TRIES]    (default 5)
. "$(dirname "$0")/bench_lib.sh"
TRIES=${1:-5}
source_clip
channels 1
sql "INSERT OR REPLACE INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '1')"
start_daemon
# wait_idle: until channel 1 has stopped again (no viewers for 1 s).
wait_idle() {
	n=0
	while [ "$(status_field 1 state)" != idle ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done
	sleep 1
}
i=1
: >"$B/times"
while [ "$i" -le "$TRIES" ]; do
	wait_idle
	t=$(python3 - "$PORT" 1 "$B/seg.ts" <<'PY'
import sys, time, urllib.request
port, ch, out = sys.argv[1], sys.argv[2], sys.argv[3]
base = "http://127.0.0.1:%s/channel/%s/" % (port, ch)
t0 = time.monotonic()
pl = urllib.request.urlopen(base + "index.m3u8").read().decode()
first = [l for l in pl.splitlines() if l.endswith(".ts")][0]
data = urllib.request.urlopen(base + first).read()
t1 = time.monotonic()
open(out, "wb").write(data)
print("%.3f" % (t1 - t0))
PY
)
	if ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$B/seg.ts" | grep -q h264; then
		echo "  try $i: first segment after $t s (decodable)"
		echo "$t" >>"$B/times"
	else
		echo "  try $i: first segment after $t s is NOT decodable"
	fi
	i=$((i + 1))
done
stop_daemon
echo "tune-in latency (stopped 720p30 channel, playlist request to first segment):"
python3 -c "
import statistics
t = [float(x) for x in open('$B/times')]
print('  median %.3f s, worst %.3f s over %d tries (target < 1 s)' % (statistics.median(t), max(t), len(t)))"
