#!/bin/sh
# bench/bench_cpu.sh: CPU seconds per second of output for one 720p30
# channel (1080p30 H.264 source decoded, scaled, encoded with libx264
# PRESET + zerolatency at 3000 kb/s and AAC), side by side with the ffmpeg
# CLI doing the same decode, scale and encode with the same x264 settings
# into HLS, as fast as it can. Each pair encodes the same frames of the
# source (the channel's window, read from its log and frame counter), so
# the content's complexity cancels out; pairs alternate, RUNS times, and
# the median of the pairs' ratios is the figure. Target: ratio <= 1.05.
#   usage: bench/bench_cpu.sh [SECONDS] [RUNS]   (default 30 s, 3 pairs)
#
# With LOOK=crt or LOOK=vhs (and LOOK_STRENGTH, default 50) each run
# measures the channel clean and with that look, each against the ffmpeg
# CLI on its own frames, and prints both figures and what the look adds
# (the ratio of the two ratios). Target: the look adds <= 25%.
. "$(dirname "$0")/bench_lib.sh"
SECS=${1:-30}
RUNS=${2:-3}
source_clip
channels 1

# measure_rv: the channel's CPU seconds per output second over SECS, and
# the source window it encoded meanwhile: "CPU FROM_S LENGTH_S".
measure_rv() {
	start_daemon
	curl -s -o /dev/null "http://127.0.0.1:$PORT/channel/1.ts" &
	viewer=$!
	sleep 8                         # past the start-up burst, paced now
	c0=$(cpu_ticks "$daemon_pid"); f0=$(status_field 1 frames)
	sleep "$SECS"
	c1=$(cpu_ticks "$daemon_pid"); f1=$(status_field 1 frames)
	kill "$viewer"
	stop_daemon
	# Where the channel joined the clip ("on air: Clip (...) from 00:00:07.12").
	join=$(sed -n 's/.*on air: Clip .* from \([0-9:.]*\)$/\1/p' "$B/daemon.log" | head -1)
	python3 -c "
h, m, s = '$join'.split(':')
join = int(h) * 3600 + int(m) * 60 + float(s)
print('%.3f %.3f %.3f' % ((($c1 - $c0) / $HZ) / (($f1 - $f0) / 30), join + $f0 / 30, ($f1 - $f0) / 30))"
}

# ff_piece FROM LEN: the ffmpeg CLI on LEN s of the clip from FROM s, one
# thread each for decode, filters and x264 like a Retrovue channel; HLS
# into tmpfs. Prints its user + system CPU seconds.
ff_piece() {
	H=$(mktemp -d /dev/shm/rvbench.XXXXXX)
	/usr/bin/time -f "%U %S" -o "$B/time" ffmpeg -v error -threads 1 -ss "$1" -t "$2" -i "$SRC" \
		-filter_threads 1 -filter_complex_threads 1 \
		-vf "fps=30,scale=1280:720,setsar=1,format=yuv420p" \
		-af "aresample=48000,alimiter=limit=0.891:level=0" \
		-c:v libx264 -threads 1 -preset "$PRESET" -tune zerolatency -b:v 3000k -maxrate 3000k \
		-bufsize 4500k -g 60 -keyint_min 60 -bf 0 -x264-params scenecut=0 -c:a aac -b:a 128k \
		-f hls -hls_time 2 -hls_list_size 6 -hls_flags delete_segments "$H/index.m3u8"
	rm -rf "$H"
	awk '{printf "%.3f", $1 + $2}' "$B/time"
}

# measure_ff FROM LEN: CPU seconds per output second for the same window
# (the clip repeats every SRC_SECONDS: a window past its end wraps).
measure_ff() {
	from=$(python3 -c "print('%.3f' % ($1 % $SRC_SECONDS))")
	first=$(python3 -c "print('%.3f' % min($2, $SRC_SECONDS - $from))")
	rest=$(python3 -c "print('%.3f' % ($2 - $first))")
	cpu=$(ff_piece "$from" "$first")
	if python3 -c "import sys; sys.exit(not $rest > 0.1)"; then
		cpu=$(python3 -c "print($cpu + $(ff_piece 0 "$rest"))")
	fi
	python3 -c "print('%.3f' % ($cpu / $2))"
}

# look NAME: the channel's look for the next measure_rv.
look() { sql "UPDATE channels SET look = '$1', look_strength = ${LOOK_STRENGTH:-50}"; }

i=1
: >"$B/pairs"
: >"$B/looks"
while [ "$i" -le "$RUNS" ]; do
	[ -z "${LOOK:-}" ] || look clean
	set -- $(measure_rv)
	ff=$(measure_ff "$2" "$3")
	echo "$1 $ff $2 $3" >>"$B/pairs"
	if [ -n "${LOOK:-}" ]; then
		look "$LOOK"
		set -- $(measure_rv)
		ff=$(measure_ff "$2" "$3")
		echo "$1 $ff $2 $3" >>"$B/looks"
	fi
	i=$((i + 1))
done
echo "CPU seconds per second of 720p30 output (x264 $PRESET, zerolatency, 3000 kb/s), each pair on the same frames:"
python3 - "$B/pairs" <<'PY'
import statistics, sys
rows = [[float(x) for x in l.split()] for l in open(sys.argv[1])]
for rv, ff, frm, n in rows:
    print("  retrovue %.3f   ffmpeg CLI %.3f   ratio %.3f   (clip %.1f s to %.1f s)" % (rv, ff, rv / ff, frm, frm + n))
print("  median ratio %.3f (target <= 1.05); retrovue median %.3f, ffmpeg median %.3f" % (
    statistics.median(r[0] / r[1] for r in rows), statistics.median(r[0] for r in rows),
    statistics.median(r[1] for r in rows)))
PY
[ -z "${LOOK:-}" ] && exit 0
echo "The same channel with LOOK=$LOOK (strength ${LOOK_STRENGTH:-50}):"
python3 - "$B/pairs" "$B/looks" <<'PY'
import statistics, sys
clean = [[float(x) for x in l.split()] for l in open(sys.argv[1])]
look = [[float(x) for x in l.split()] for l in open(sys.argv[2])]
for rv, ff, frm, n in look:
    print("  retrovue %.3f   ffmpeg CLI %.3f   ratio %.3f   (clip %.1f s to %.1f s)" % (rv, ff, rv / ff, frm, frm + n))
adds = [(l[0] / l[1]) / (c[0] / c[1]) - 1 for c, l in zip(clean, look)]
print("  clean: retrovue median %.3f CPU s/s, ratio %.3f; with the look: median %.3f CPU s/s, ratio %.3f" % (
    statistics.median(r[0] for r in clean), statistics.median(r[0] / r[1] for r in clean),
    statistics.median(r[0] for r in look), statistics.median(r[0] / r[1] for r in look)))
print("  the look adds %+.1f%% (median of the runs: %s; target <= +25%%)" % (
    100 * statistics.median(adds), ", ".join("%+.1f%%" % (100 * a) for a in adds)))
PY
