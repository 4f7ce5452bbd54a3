#!/bin/sh
# bench/bench_demo.sh [RETROVUE]: how long 'retrovue demo' takes from
# scratch and on a re-run, beside the issue's figure (under 30 s from
# scratch on two cores; a re-run is a no-op). Uses a throwaway data
# directory. Run from the build tree: bench/bench_demo.sh ./retrovue
set -e
rv=${1:-./retrovue}
[ -x "$rv" ] || { echo "usage: $0 [path/to/retrovue]" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/rvbench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export RETROVUE_DATA_DIR="$dir/data" RETROVUE_DB_PATH="$dir/data/retrovue.db"

# time CMD...: "wall user sys" in seconds.
measure() {
	/usr/bin/time -f "%e %U %S" -o "$dir/time" "$@" > "$dir/out" 2> "$dir/err" ||
		{ cat "$dir/err" >&2; exit 1; }
	cat "$dir/time"
}

echo "cores: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
set -- $(measure "$rv" demo)
media=$(sed -n 's/.*(\([0-9]*:[0-9]*\) of media.*/\1/p' "$dir/out")
secs=$(echo "$media" | awk -F: '{print $1 * 60 + $2}')
printf '%-34s %7.1f s wall  %6.1f s CPU  (target: < 30 s wall)\n' \
    "retrovue demo, from scratch" "$1" "$(awk "BEGIN{print $2 + $3}")"
printf '%-34s %7s of media, %.0fx real time\n' "" "$media" "$(awk "BEGIN{print $secs / $1}")"
set -- $(measure "$rv" demo)
printf '%-34s %7.2f s wall  (target: a no-op; %s)\n' "retrovue demo, again" "$1" \
    "$(sed -n 's/^  \(.*rendered.*\), in .*/\1/p' "$dir/out")"
f=$(find "$RETROVUE_DATA_DIR/demo/Commercials" -name '*.mp4' | head -1)
truncate -s 10000 "$f"
set -- $(measure "$rv" demo)
printf '%-34s %7.2f s wall\n' "retrovue demo, one file truncated" "$1"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
