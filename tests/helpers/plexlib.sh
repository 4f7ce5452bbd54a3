# tests/helpers/plexlib.sh: start the Plex stand-in (tests/helpers/plexstub.py) for a test.
# Source it after lib.sh. Sets URL; stub_ctl talks to the stand-in; sq runs SQL.

: "${FIXTURES:?FIXTURES must point at the test fixtures}"
TOKEN=tok-3f9a7c21e4b8d605
STUB="${TESTS_HELPERS:-$(dirname "$0")/../helpers}/plexstub.py"

# start_stub [ARGS...]: run the stand-in on a free loopback port.
start_stub() {
	rm -f "$T/stub.port"
	python3 "$STUB" --fixtures "$FIXTURES" --port-file "$T/stub.port" --token "$TOKEN" "$@" \
	    >"$T/stub.log" 2>&1 &
	stub_pid=$!
	at_exit "kill $stub_pid 2>/dev/null"
	i=0
	while [ ! -s "$T/stub.port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(cat "$T/stub.port")
	URL="http://127.0.0.1:$PORT"
}

# stub_ctl PATH?QUERY: steer the stand-in (/_stub/...).
stub_ctl() { curl -sf "$URL/_stub/$1" >/dev/null; }

# stub_log: the requests the stand-in has seen.
stub_log() { curl -sf "$URL/_stub/log"; }

# sq SQL: one query on the test database.
sq() { sqlite3 "$RETROVUE_DB_PATH" "$1"; }

# fresh_db: start again from no database.
fresh_db() { rm -f "$RETROVUE_DB_PATH" "$RETROVUE_DB_PATH"-*; }
