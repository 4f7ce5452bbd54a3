# tests/helpers/mblib.sh: start the Jellyfin/Emby stand-in (tests/helpers/mbstub.py)
# for a test. Source it after lib.sh. start_mb FLAVOR [ARGS...] sets MB_URL;
# mb_ctl steers it, mb_log prints the requests it saw; sq runs SQL.

KEY=jf-k3y-7c1e9a40d25b
MBSTUB="${TESTS_HELPERS:-$(dirname "$0")/../helpers}/mbstub.py"

# start_mb FLAVOR [ARGS...]: run the stand-in on a free loopback port.
start_mb() {
	_flavor=$1
	shift
	rm -f "$T/mb-$_flavor.port"
	python3 "$MBSTUB" --flavor "$_flavor" --port-file "$T/mb-$_flavor.port" --api-key "$KEY" \
	    "$@" >"$T/mb-$_flavor.log" 2>&1 &
	mb_pid=$!
	at_exit "kill $mb_pid 2>/dev/null"
	i=0
	while [ ! -s "$T/mb-$_flavor.port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	MB_URL="http://127.0.0.1:$(cat "$T/mb-$_flavor.port")"
}

# mb_ctl PATH?QUERY: steer the stand-in at MB_URL (/_stub/...).
mb_ctl() { curl -sf "$MB_URL/_stub/$1" >/dev/null; }

# mb_log: the requests it has seen.
mb_log() { curl -sf "$MB_URL/_stub/log"; }

# sq SQL: one query on the test database.
sq() { sqlite3 "$RETROVUE_DB_PATH" "$1"; }

# fresh_db: start again from no database.
fresh_db() { rm -f "$RETROVUE_DB_PATH" "$RETROVUE_DB_PATH"-*; }
