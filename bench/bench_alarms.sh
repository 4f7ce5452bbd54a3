#!/bin/sh
# bench/bench_alarms.sh: what master control's detectors (dead air, black,
# frozen: engine/alarm.c) cost a 720p30 channel, the channel of
# bench_cpu.sh (1080p30 source decoded, scaled, x264 PRESET, AAC). Two
# figures:
#   - measured: the time the detectors spent (the daemon logs it when the
#     channel goes off the air) against the daemon's whole CPU time over
#     the same life, and per picture;
#   - on/off: the daemon's CPU seconds per output second with the alarms
#     on (the defaults) and all off, in alternating runs, RUNS pairs; the
#     difference of the medians (noisy on a shared machine: the first
#     figure is the one to trust). Target: under 2% of the channel.
#   usage: bench/bench_alarms.sh [SECONDS] [RUNS]   (default 30 s, 3 pairs)
. "$(dirname "$0")/bench_lib.sh"
SECS=${1:-30}
RUNS=${2:-3}
source_clip
channels 1

# run_rv ON: one life of the daemon with the alarms on (1) or off (0):
# "CPU_PER_OUTPUT_S DETECTOR_S DAEMON_CPU_S FRAMES".
run_rv() {
	if [ "$1" = 1 ]; then
		sql "UPDATE channels SET alarm_dead_air_s = 5, alarm_black_s = 5, alarm_frozen_s = 20"
	else
		sql "UPDATE channels SET alarm_dead_air_s = 0, alarm_black_s = 0, alarm_frozen_s = 0"
	fi
	start_daemon
	curl -s -o /dev/null "http://127.0.0.1:$PORT/channel/1.ts" &
	viewer=$!
	sleep 8                         # past the start-up burst, paced now
	c0=$(cpu_ticks "$daemon_pid"); f0=$(status_field 1 frames)
	sleep "$SECS"
	c1=$(cpu_ticks "$daemon_pid"); f1=$(status_field 1 frames)
	kill "$viewer"
	stop_daemon
	# "off the air; the alarm detectors took 0.070 s of its 9.0 s of work (0.78%)"
	det=$(sed -n 's/.*alarm detectors took \([0-9.]*\) s of.*/\1/p' "$B/daemon.log" | tail -1)
	python3 -c "
print('%.4f %s %.3f %d' % ((($c1 - $c0) / $HZ) / (($f1 - $f0) / 30), '${det:-0}', $c1 / $HZ, $f1))"
}

i=1
: >"$B/runs"
while [ "$i" -le "$RUNS" ]; do
	echo "on $(run_rv 1)" >>"$B/runs"
	echo "off $(run_rv 0)" >>"$B/runs"
	i=$((i + 1))
done
echo "Master control's detectors on a 720p30 channel (x264 $PRESET, 3000 kb/s), $RUNS x $SECS s:"
python3 - "$B/runs" <<'PY'
import statistics, sys
on, off = [], []
for l in open(sys.argv[1]):
    k, cpu, det, total, frames = l.split()
    (on if k == "on" else off).append((float(cpu), float(det), float(total), int(frames)))
for cpu, det, total, frames in on:
    print("  on:  %.3f CPU s per output s; detectors %.3f s of the daemon's %.1f CPU s (%.2f%%), "
          "%.1f us a picture" % (cpu, det, total, 100 * det / total, 1e6 * det / max(frames, 1)))
for cpu, det, total, frames in off:
    print("  off: %.3f CPU s per output s" % cpu)
share = statistics.median(100 * r[1] / r[2] for r in on)
mon, moff = statistics.median(r[0] for r in on), statistics.median(r[0] for r in off)
print("  measured: the detectors are %.2f%% of the channel's CPU (median; target < 2%%)" % share)
print("  on/off: %.3f vs %.3f CPU s per output s, %+.1f%% (noise included)" % (
    mon, moff, 100 * (mon - moff) / moff))
PY
