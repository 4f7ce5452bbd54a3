#!/bin/sh
# bench/bench_subs.sh: what burned-in subtitles cost. One 720p30 channel
# (bench_lib.sh's 1080p30 clip, x264 PRESET) measured in CPU seconds per
# second of output, its subtitles off and then always (a SubRip sidecar
# in English: two-line subtitles 2.5 s on, 0.5 s off, drawn with libass),
# the two alternating RUNS times; the median of the pairs' ratios is the
# figure. Target (issue 18): ratio <= 1.10.
#   usage: bench/bench_subs.sh [SECONDS] [RUNS]   (default 30 s, 3 pairs)
. "$(dirname "$0")/bench_lib.sh"
SECS=${1:-30}
RUNS=${2:-3}
source_clip
channels 1
# The sidecar: a subtitle every 3 s of the clip.
python3 - "$B/src.en.srt" "$SRC_SECONDS" <<'PY'
import sys
def t(s):
    return "%02d:%02d:%02d,%03d" % (s // 3600, s // 60 % 60, s % 60, round(s * 1000) % 1000)
with open(sys.argv[1], "w") as f:
    for n in range(int(sys.argv[2]) // 3):
        f.write("%d\n%s --> %s\nLine %d of what is said on screen,\nand a second line below it\n\n"
                % (n + 1, t(n * 3), t(n * 3 + 2.5), n + 1))
PY
sql "INSERT INTO subtitle_tracks (media_file_id, origin, file_name, codec, language)
     VALUES (1, 'sidecar', 'src.en.srt', 'subrip', 'eng');
     UPDATE channels SET subtitle_languages = 'eng' WHERE id = 1;"

# measure MODE: the channel's CPU seconds per output second over SECS.
measure() {
	sql "UPDATE channels SET subtitles = '$1' WHERE id = 1"
	start_daemon
	curl -s -o /dev/null "http://127.0.0.1:$PORT/channel/1.ts" &
	viewer=$!
	sleep 8                         # past the start-up burst, paced now
	c0=$(cpu_ticks "$daemon_pid"); f0=$(status_field 1 frames)
	sleep "$SECS"
	c1=$(cpu_ticks "$daemon_pid"); f1=$(status_field 1 frames)
	kill "$viewer"
	stop_daemon
	if [ "$1" = always ] && ! grep -q "subtitles burned in: .*English" "$B/daemon.log"; then
		echo "the channel aired no subtitles:" >&2
		grep -i subtit "$B/daemon.log" >&2
		exit 1
	fi
	python3 -c "print('%.3f' % ((($c1 - $c0) / $HZ) / (($f1 - $f0) / 30)))"
}

i=1
: >"$B/pairs"
while [ "$i" -le "$RUNS" ]; do
	off=$(measure off)
	on=$(measure always)
	echo "$off $on" >>"$B/pairs"
	i=$((i + 1))
done
echo "CPU seconds per second of 720p30 output (x264 $PRESET), subtitles off and burned in:"
python3 - "$B/pairs" <<'PY'
import statistics, sys
rows = [[float(x) for x in l.split()] for l in open(sys.argv[1])]
for off, on in rows:
    print("  off %.3f   burned in %.3f   ratio %.3f" % (off, on, on / off))
print("  median ratio %.3f (target <= 1.10)" % statistics.median(r[1] / r[0] for r in rows))
PY
