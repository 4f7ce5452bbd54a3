#!/bin/sh
# bench/bench_channels.sh: how many 720p30 channels (1080p30 source, x264
# PRESET) run at real time at once on this machine. Channels are added one
# by one, each with a TS viewer; after a settling time every channel must
# encode at >= 99% of 30 fps over a 10 s window.
#   usage: bench/bench_channels.sh [MAX]    (default 8)
. "$(dirname "$0")/bench_lib.sh"
MAX=${1:-8}
source_clip
channels "$MAX"
start_daemon --max-channels "$MAX"
best=0
k=1
while [ "$k" -le "$MAX" ]; do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/channel/$k.ts" &
	sleep 6
	t0=$(now_ms)
	i=1; f0=""
	while [ $i -le $k ]; do f0="$f0 $(status_field $i frames)"; i=$((i + 1)); done
	sleep 10
	t1=$(now_ms)
	i=1; f1=""
	while [ $i -le $k ]; do f1="$f1 $(status_field $i frames)"; i=$((i + 1)); done
	worst=$(python3 -c "
a = [int(x) for x in '$f0'.split()]; b = [int(x) for x in '$f1'.split()]
print('%.1f' % min((y - x) * 1000 / ($t1 - $t0) for x, y in zip(a, b)))")
	echo "  $k channel(s): slowest channel encodes $worst fps"
	python3 -c "import sys; sys.exit(0 if $worst >= 29.7 else 1)" || break
	best=$k
	k=$((k + 1))
done
stop_daemon
echo "720p30 channels at real time on $(nproc) cores (x264 $PRESET): $best"
