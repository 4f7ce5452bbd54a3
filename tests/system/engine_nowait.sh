#!/bin/sh
# The engine never waits on the database for a viewer: while another
# process holds the write lock, every request answers (playlist, segment,
# /healthz, the M3U and XMLTV guides, /api/status), even while a channel's
# idle stop waits on the database (its as-run row) and a viewer asks for
# that very channel (it comes back once the old pipeline is gone); while
# the database does not even answer reads, /healthz says 503 with a
# reason and the guide comes from the cache; the guide follows a change at
# once, with the base URL the client used; a loop of guide requests does
# not stop a TS stream. curl's --max-time is a hang detector here (every
# answer normally takes milliseconds), never a timing.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

DTD="${FIXTURES:?FIXTURES must point at the test fixtures}/xmltv/xmltv.dtd"
run_rc "$RETROVUE" db init
F="--format 320x180@25 --video-kbps 300 --audio-kbps 64 --timezone UTC"
run_rc "$RETROVUE" channel add 7 Seven $F
run_rc "$RETROVUE" channel add 8 Eight $F
t=$(($(now_ms) - 1000))
sql "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t, $t + 3600000, 'programme', NULL, 0, 3600000, 'A slate hour' FROM channels;
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '3');"
port=$(free_port)
B="http://127.0.0.1:$port"
check "the daemon starts" start_daemon "$T/daemon.log"

# wait_for_grep SECONDS PATTERN FILE: poll until FILE has PATTERN.
wait_for_grep() {
	n=$(($1 * 5))
	while [ $n -gt 0 ]; do
		grep -q "$2" "$3" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

# code URL [CURL-ARGS]: the status of a GET that must answer within 8 s.
code() {
	u=$1
	shift
	curl -s -o "$T/body" -w '%{http_code}' --max-time 8 "$@" "$B$u"
}

# A viewer of channel 7's endless TS keeps it on the air throughout.
curl -s --max-time 120 -o "$T/seven.ts" "$B/channel/7.ts" &
viewer=$!
at_exit "kill $viewer 2>/dev/null"
check_eq "channel 8 starts" 200 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$B/channel/8/index.m3u8")"
check "channel 7 is on the air" wait_state 7 "on air" 30

# 1. Another process holds the write lock (a long 'schedule build', a sync).
(echo "BEGIN EXCLUSIVE;"; echo "SELECT 'held';"; sleep 12; echo "COMMIT;") |
	sqlite3 "$RETROVUE_DB_PATH" >"$T/held" 2>&1 &
holder=$!
at_exit "kill $holder 2>/dev/null"
i=0
while [ $i -lt 100 ] && ! grep -q held "$T/held"; do sleep 0.1; i=$((i + 1)); done
check_grep "another process holds the write lock" held "$T/held"
check "channel 8 goes idle and its stop waits on the database" \
	wait_for_grep 15 "channel 8: no viewers for 3 s; stopping" "$T/daemon.log"
curl -s -o "$T/eight.m3u8" -w '%{http_code}' --max-time 40 "$B/channel/8/index.m3u8" >"$T/eight.code" &
eight=$!
check_eq "channel 7's playlist answers" 200 "$(code /channel/7/index.m3u8)"
seg=$(grep -v '^#' "$T/body" | tail -1 | tr -d '\r')
check_eq "a segment answers" 200 "$(code "/channel/7/$seg")"
check_eq "/healthz answers: reads still work" 200 "$(code /healthz)"
check_eq "the M3U answers" 200 "$(code /iptv/channels.m3u)"
check_eq "the XMLTV guide answers" 200 "$(code /iptv/xmltv.xml)"
check "and it is valid" xmllint --noout --dtdvalid "$DTD" "$T/body"
check_eq "/api/status answers" 200 "$(code /api/status)"
check "the lock was still held meanwhile" kill -0 "$holder"
wait $holder
wait $eight
check_eq "a viewer of channel 8 waited for its old pipeline, then got it back" 200 \
	"$(cat "$T/eight.code")"
check_grep "as an HLS playlist" "#EXTM3U" "$T/eight.m3u8"

# 2. The database does not answer at all: another process holds every WAL
# lock of its shared memory, so even a read waits (SQLite retries for 10 s,
# then fails).
python3 - "$RETROVUE_DB_PATH-shm" "$T/stuck" <<'EOP' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 8, 120)   # the write, checkpoint, recover and read locks
open(sys.argv[2], "w").write("stuck\n")
time.sleep(10)
EOP
stuck=$!
at_exit "kill $stuck 2>/dev/null"
i=0
while [ $i -lt 300 ] && [ ! -s "$T/stuck" ]; do sleep 0.1; i=$((i + 1)); done
run_rc timeout 1 sqlite3 "$RETROVUE_DB_PATH" "SELECT count(*) FROM channels"
check_eq "the database does not answer a read" 124 "$rc"
check_eq "/healthz says 503" 503 "$(code /healthz)"
check_grep "with the reason" '"reason":"the database has not answered' "$T/body"
check_eq "the XMLTV guide answers from the cache" 200 "$(code /iptv/xmltv.xml)"
check "still valid" xmllint --noout --dtdvalid "$DTD" "$T/body"
check_eq "the M3U answers" 200 "$(code /iptv/channels.m3u)"
check_eq "channel 7's playlist answers" 200 "$(code /channel/7/index.m3u8)"
check_eq "/api/status answers" 200 "$(code /api/status)"
wait $stuck
i=0
while [ $i -lt 100 ] && [ "$(code /healthz)" != 200 ]; do sleep 0.2; i=$((i + 1)); done
check_eq "healthy again once it answers" 200 "$(code /healthz)"

# 3. The guide follows a change at once, with the address the client used.
check_eq "the M3U" 200 "$(code /iptv/channels.m3u -H 'Host: tv.example:1234')"
check_grep "points at the address the client used" "^http://tv.example:1234/channel/7.ts" "$T/body"
run_rc "$RETROVUE" channel add 9 "Nine Up" $F
check_eq "a channel is added" 0 "$rc"
code /iptv/channels.m3u >/dev/null
check_grep "the M3U has it at once" "Nine Up" "$T/body"
code /iptv/xmltv.xml -H "Host: [::1]:99" >/dev/null
check_grep "the XMLTV guide too" "<display-name[^>]*>Nine Up<" "$T/body"
check "still valid" xmllint --noout --dtdvalid "$DTD" "$T/body"
code /iptv/channels.m3u >/dev/null
check_grep "another client gets its own address" "^$B/channel/8.ts" "$T/body"

# 4. Clients looping on the guide do not stop a stream.
curl -s --max-time 40 -o "$T/loop.ts" "$B/channel/7.ts" &
reader=$!
at_exit "kill $reader 2>/dev/null"
i=0
while [ $i -lt 100 ] && [ ! -s "$T/loop.ts" ]; do sleep 0.1; i=$((i + 1)); done
touch "$T/looping"
loops=
for n in 1 2 3 4 5 6; do
	(while [ -e "$T/looping" ]; do
		curl -s -o /dev/null --max-time 8 "$B/iptv/xmltv.xml"
		curl -s -o /dev/null --max-time 8 "$B/iptv/channels.m3u"
		curl -s -o /dev/null --max-time 8 "$B/healthz"
	done) &
	loops="$loops $!"
done
sleep 3
s1=$(wc -c <"$T/loop.ts")
sleep 4
s2=$(wc -c <"$T/loop.ts")
rm -f "$T/looping"
for p in $loops; do wait "$p"; done
check "the stream kept flowing while six clients looped on the guide" test "$s2" -gt "$s1"
kill $reader 2>/dev/null
wait $reader 2>/dev/null
check "what it got is one continuous stream" $CHECK ts "$T/loop.ts"

stop_daemon
check_eq "it stops cleanly" 0 "$stop_rc"
done_testing
