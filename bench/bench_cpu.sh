#!/bin/sh
# bench/bench_cpu.sh: CPU seconds per second of output for one 720p30
# channel (1080p30 H.264 source decoded, scaled, encoded with libx264
# PRESET + zerolatency at 3000 kb/s and AAC), side by side with the ffmpeg
# CLI doing the same decode, scale and encode with the same x264 settings
# into HLS, as fast as it can. Target: Retrovue / ffmpeg <= 1.0.
#   usage: bench/bench_cpu.sh [SECONDS]     (default 30 s of output)
. "$(dirname "$0")/bench_lib.sh"
SECS=${1:-30}
source_clip
channels 1
# measure_rv: CPU seconds per output second of the channel, over SECS.
measure_rv() {
	start_daemon
	curl -s -o /dev/null "http://127.0.0.1:$PORT/channel/1.ts" &
	viewer=$!
	sleep 6                         # past the start-up burst, paced now
	c0=$(cpu_ticks "$daemon_pid"); f0=$(status_field 1 frames)
	sleep "$SECS"
	c1=$(cpu_ticks "$daemon_pid"); f1=$(status_field 1 frames)
	kill "$viewer"
	stop_daemon
	python3 -c "print('%.3f' % ((($c1 - $c0) / $HZ) / (($f1 - $f0) / 30)))"
}

# measure_ff: the same work with the ffmpeg CLI, one thread each for
# decode, filters and x264 like a Retrovue channel; HLS into tmpfs.
measure_ff() {
	H=$(mktemp -d /dev/shm/rvbench.XXXXXX)
	seg=$((SECS < SRC_SECONDS ? SECS : SRC_SECONDS))
	/usr/bin/time -f "%U %S" -o "$B/time" ffmpeg -v error -threads 1 -t "$seg" -i "$SRC" \
		-filter_threads 1 -filter_complex_threads 1 \
		-vf "fps=30,scale=1280:720,setsar=1,format=yuv420p" \
		-af "aresample=48000,alimiter=limit=0.891:level=0" \
		-c:v libx264 -threads 1 -preset "$PRESET" -tune zerolatency -b:v 3000k -maxrate 3000k \
		-bufsize 4500k -g 60 -keyint_min 60 -bf 0 -x264-params scenecut=0 -c:a aac -b:a 128k \
		-f hls -hls_time 2 -hls_list_size 6 -hls_flags delete_segments "$H/index.m3u8"
	rm -rf "$H"
	awk -v s="$seg" '{printf "%.3f", ($1 + $2) / s}' "$B/time"
}

# Alternate the two, twice, and keep each one's best: the machine is shared.
rv1=$(measure_rv); ff1=$(measure_ff); rv2=$(measure_rv); ff2=$(measure_ff)
rv=$(python3 -c "print(min($rv1, $rv2))")
ff=$(python3 -c "print(min($ff1, $ff2))")
echo "CPU seconds per second of 720p30 output (x264 $PRESET, zerolatency, 3000 kb/s):"
printf "  retrovue channel  %s   (runs: %s %s)\n  ffmpeg CLI (HLS)  %s   (runs: %s %s)\n  ratio             %s (target <= 1.0)\n" \
	"$rv" "$rv1" "$rv2" "$ff" "$ff1" "$ff2" "$(python3 -c "print('%.2f' % ($rv / $ff))")"
