#!/bin/sh
# bench/jellyfin_sync.sh: a full Jellyfin (or Emby: FLAVOR=emby) sync of a
# generated library (2,000 movies, 300 shows, 17,000 episodes) served by
# the Jellyfin/Emby stand-in on loopback, then a re-sync with nothing
# changed. Prints both times next to the targets.
#
# Usage: [FLAVOR=emby] bench/jellyfin_sync.sh [BUILDDIR]
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-$top}
RETROVUE=${RETROVUE:-$build/retrovue}
FLAVOR=${FLAVOR:-jellyfin}
MOVIES=${MOVIES:-2000}
SHOWS=${SHOWS:-300}
EPISODES=${EPISODES:-17000}
T=$(mktemp -d "${TMPDIR:-/tmp}/rvbench.XXXXXX")
export RETROVUE_DATA_DIR="$T" RETROVUE_DB_PATH="$T/retrovue.db"
unset PLEX_BASE_URL PLEX_TOKEN PLEX_TV_SECTION_KEY
KEY=bench-key-0123456789

python3 "$top/tests/helpers/mbstub.py" --flavor "$FLAVOR" --port-file "$T/port" --api-key "$KEY" \
    --generate "$MOVIES,$SHOWS,$EPISODES" >"$T/stub.log" 2>&1 &
stub=$!
trap 'kill $stub 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while [ ! -s "$T/port" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$T/port" ]; then
	echo "jellyfin_sync.sh: the $FLAVOR stand-in did not start:" >&2
	cat "$T/stub.log" >&2
	exit 1
fi
URL="http://127.0.0.1:$(cat "$T/port")"
"$RETROVUE" source add "$FLAVOR" --name bench --url "$URL" --api-key "$KEY" >/dev/null

# seconds CMD...: run, print the wall time in seconds.
seconds() {
	s=$(date +%s.%N)
	"$@" >"$T/out" 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ printf "%.2f", $2 - $1 }'
}

full=$(seconds "$RETROVUE" sync-all)
full_line=$(tail -1 "$T/out")
again=$(seconds "$RETROVUE" sync-all)
again_line=$(tail -1 "$T/out")
counts=$(sqlite3 "$RETROVUE_DB_PATH" "SELECT (SELECT count(*) FROM movies) || ' movies, ' || (SELECT count(*) FROM shows) || ' shows, ' || (SELECT count(*) FROM episodes) || ' episodes'")

echo "$FLAVOR sync of $MOVIES movies, $SHOWS shows, $EPISODES episodes over loopback"
echo "imported: $counts"
printf '%-22s %10s   %s\n' "" "Retrovue" "target"
printf '%-22s %9ss   %s\n' "full sync" "$full" "< 15 s"
printf '%-22s %9ss   %s\n' "no-change re-sync" "$again" "< 1 s"
echo "full:      $full_line"
echo "no change: $again_line"
