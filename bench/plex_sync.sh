#!/bin/sh
# bench/plex_sync.sh: a full Plex sync of a generated library (2,000
# movies, 300 shows, 17,000 episodes) served by the Plex stand-in on
# loopback, then a re-sync with nothing changed. Prints both times next to
# the brief's figures and the targets.
#
# Usage: bench/plex_sync.sh [BUILDDIR]   (FIXTURES: the test fixtures)
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-$top}
RETROVUE=${RETROVUE:-$build/retrovue}
FIXTURES=${FIXTURES:-$top/tests/fixtures}
MOVIES=${MOVIES:-2000}
SHOWS=${SHOWS:-300}
EPISODES=${EPISODES:-17000}
if [ ! -d "$FIXTURES/plex" ]; then
	echo "plex_sync.sh: no fixtures at $FIXTURES (set FIXTURES)" >&2
	exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/rvbench.XXXXXX")
export RETROVUE_DATA_DIR="$T" RETROVUE_DB_PATH="$T/retrovue.db"
unset PLEX_BASE_URL PLEX_TOKEN PLEX_TV_SECTION_KEY
TOKEN=bench-token-0123456789

python3 "$top/tests/helpers/plexstub.py" --fixtures "$FIXTURES" --port-file "$T/port" --token "$TOKEN" \
    --generate "$MOVIES,$SHOWS,$EPISODES" >"$T/stub.log" 2>&1 &
stub=$!
trap 'kill $stub 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while [ ! -s "$T/port" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$T/port" ]; then
	echo "plex_sync.sh: the Plex stand-in did not start:" >&2
	cat "$T/stub.log" >&2
	exit 1
fi
URL="http://127.0.0.1:$(cat "$T/port")"
"$RETROVUE" source add plex --name bench --url "$URL" --token "$TOKEN" >/dev/null

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

echo "Plex sync of $MOVIES movies, $SHOWS shows, $EPISODES episodes over loopback"
echo "imported: $counts"
printf '%-22s %10s   %-22s %s\n' "" "Retrovue" "target" "brief (Python)"
printf '%-22s %9ss   %-22s %s\n' "full sync" "$full" "< 15 s" "15-20 min"
printf '%-22s %9ss   %-22s %s\n' "no-change re-sync" "$again" "< 1 s" "30 s - 2 min"
echo "full:      $full_line"
echo "no change: $again_line"
