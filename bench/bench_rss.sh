#!/bin/sh
# bench/bench_rss.sh: resident memory per active 720p30 channel: the
# daemon's RSS with N channels on the air (each with a TS viewer) minus its
# RSS idle, divided by N.
#   usage: bench/bench_rss.sh [N]    (default 3)
. "$(dirname "$0")/bench_lib.sh"
N=${1:-3}
source_clip
channels "$N"
start_daemon --max-channels "$N"
sleep 1
rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status")
i=1
while [ "$i" -le "$N" ]; do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/channel/$i.ts" &
	i=$((i + 1))
done
sleep 30                                # the segment rings fill up
rss1=$(awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$daemon_pid/status")
stop_daemon
echo "resident memory: idle $((rss0 / 1024)) MiB, $N channels on the air $((rss1 / 1024)) MiB (peak $((hwm / 1024)) MiB)"
echo "  per active 720p30 channel: $(( (rss1 - rss0) / N / 1024 )) MiB"
