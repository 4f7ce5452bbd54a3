# tests/helpers/engine_lib.sh: helpers for the engine tests (source after lib.sh).
# Clips carry a burned-in frame code (tests/helpers/tscheck.py); the schedule is
# written straight into a fresh database with wall-clock times.

CHECK="python3 $TESTS_HELPERS/tscheck.py"

# clip FILE ITEM SECONDS W H FPS AUDIO-ARGS...: a coded test clip.
clip() { $CHECK make "$@"; }

# sql STATEMENTS: run SQL on the test database.
sql() { sqlite3 -cmd '.timeout 5000' "$RETROVUE_DB_PATH" "$@"; }

# now_ms: the wall clock in ms.
now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }

# start_daemon LOG ARGS...: start retrovue --daemon in the background, wait
# for its port; sets $daemon_pid.
start_daemon() {
	log=$1
	shift
	"$RETROVUE" --no-ssdp --bind 127.0.0.1 --port "$port" "$@" --daemon >"$log.out" 2>"$log" &
	daemon_pid=$!
	at_exit "kill $daemon_pid 2>/dev/null; wait $daemon_pid 2>/dev/null"
	i=0
	while [ $i -lt 100 ]; do
		curl -s -o /dev/null "http://127.0.0.1:$port/api/status" && return 0
		kill -0 "$daemon_pid" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop_daemon: SIGTERM and wait; sets $stop_rc (the log's end is shown on failure).
stop_daemon() {
	kill -TERM "$daemon_pid"
	stop_rc=0
	wait "$daemon_pid" || stop_rc=$?
	if [ "$stop_rc" != 0 ]; then
		grep -v ' info: ' "$log" | tail -40 | sed 's/^/# daemon: /'
	fi
	# Sanitizer builds (--enable-debug, or -fsanitize=thread) report here.
	if grep -q "Sanitizer" "$log"; then
		not_ok "the sanitizers found nothing in the daemon"
		grep -A25 "Sanitizer" "$log" | head -80 | sed 's/^/# daemon: /'
	fi
}

# channel_state N: the channel's state from /api/status.
channel_state() {
	curl -s "http://127.0.0.1:$port/api/status" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["channels"]:
    if c["number"] == sys.argv[1]:
        print(c["state"])' "$1"
}

# wait_state N STATE SECONDS: poll until channel N is in STATE.
wait_state() {
	i=0
	while [ $i -lt $(($3 * 5)) ]; do
		[ "$(channel_state "$1")" = "$2" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# media_seq PLAYLIST: its EXT-X-MEDIA-SEQUENCE.
media_seq() { sed -n 's/^#EXT-X-MEDIA-SEQUENCE://p' "$1" | tr -d '\r'; }
