#!/bin/sh
# The control socket never blocks an alert. With the database's write lock
# held by another process (what a long sync, removal or re-mapping does)
# and the control worker stuck behind it: paths.add, sources.remove and
# channel.stop answer at once with their jobs, and 'retrovue alert send'
# puts the alert on the air; its row is written once the lock is free. A
# retry with the same key airs nothing twice (across a restart too). A
# daemon that takes an alert and does not answer gets "unknown", never
# "refused". And on a large library (300,000 stored paths), an alert sent
# while paths.add re-maps them airs at once (figures in the log).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/a.mp4" 0 30 320 180 30 -f lavfi -i sine=f=440:r=48000:d=30
run_rc "$RETROVUE" db init
port=$(free_port)
t=$(now_ms)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps, always_on) VALUES
       (1, '7', 'Seven', 320, 180, 30, 1, 300, 64, 1), (2, '8', 'Eight', 320, 180, 30, 1, 300, 64, 0);
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type)
       VALUES (1, '$M/a.mp4', 30000, 'clip', 'manual');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t - 1000, $t + 29000, 'programme', 1, 0, 30000, 'A'),
              (2, $t - 1000, $t + 29000, 'programme', 1, 0, 30000, 'A');
     INSERT INTO content_sources (id, source_type, source_name, plex_server_url) VALUES (1, 'plex', 'old', 'http://127.0.0.1:9');
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '60');"

# json FILE EXPR: EXPR of the first JSON line of FILE (as r).
json() { python3 -c 'import json, sys; r = json.loads(open(sys.argv[1]).readline()); print(eval(sys.argv[2]))' "$1" "$2"; }
# alert_on: the id of the alert on the air, or "none".
alert_on() {
	"$RETROVUE" ctl status | python3 -c 'import json, sys; a = json.load(sys.stdin).get("alert"); print(a["id"] if a else "none")'
}
send() {
	run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message "A test" "$@"
}

check "the daemon starts" start_daemon "$T/daemon.log"
check "channel 7 is on the air (always on)" wait_state 7 "on air" 30

# Another process takes the database's write lock and keeps it.
python3 - "$RETROVUE_DB_PATH" "$T/locked" "$T/release" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE system_config SET value = value WHERE key = 'engine.idle_timeout_s'")
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
db.execute("COMMIT")
PY
locker=$!
n=0
while [ ! -e "$T/locked" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
check "another process holds the write lock" test -e "$T/locked"

# first_line FILE: wait (up to 20 s) until FILE has a line.
first_line() {
	n=0
	while [ "$(wc -l <"$1")" -lt 1 ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
}
"$RETROVUE" ctl --wait --timeout 120 paths.add '{"plex_path": "/media/tv", "local_path": "/mnt/tv"}' \
	>"$T/add.out" 2>"$T/add.err" &
adder=$!
first_line "$T/add.out"
check_eq "paths.add answers at once, with its job" "paths.add" "$(json "$T/add.out" 'r["kind"]')"
"$RETROVUE" ctl --wait --timeout 120 sources.remove '{"source": "old"}' >"$T/rm.out" 2>"$T/rm.err" &
remover=$!
first_line "$T/rm.out"
check_eq "sources.remove too" "sources.remove" "$(json "$T/rm.out" 'r["kind"]')"
run_rc "$RETROVUE" ctl channel.stop '{"number": "8"}'
check_eq "channel.stop too" "0 channel.stop" "$rc $(json "$T/out" 'r["kind"]')"
# An ordinary command that writes: the control worker waits for the lock.
"$RETROVUE" ctl channels.set '{"number": "8", "name": "Eight West"}' >"$T/set.out" 2>&1 &
setter=$!
sleep 0.3

send --key test-key-0001
check_eq "the alert is sent while the lock is held and the worker waits" 0 "$rc"
check_grep "and it is on the air" "alert 1 sent (RWT) to all: on the air" "$T/out"
check_eq "the station says so" 1 "$(alert_on)"
check "the lock is still held" kill -0 $locker
check_eq "its row is not written yet: the alert did not wait for the database" 0 \
	"$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM emergency_alerts").fetchone()[0])' "$RETROVUE_DB_PATH")"
: >"$T/release"
wait $locker
# What waited for the lock ends once it is free: done, or refused after
# SQLite's 5 s wait when this machine is slow (a sanitizer build).
wait $setter
check "the waiting command got its answer" grep -q '"kind":"rebuild"\|database is locked' "$T/set.out"
wait $adder
check_grep "the paths.add job ended" '"event":"job.done".*"kind":"paths.add"' "$T/add.out"
wait $remover
check_grep "and the sources.remove job" '"event":"job.done".*"kind":"sources.remove"' "$T/rm.out"
diag "after the lock: $(tail -1 "$T/add.out" | cut -c1-160)"
n=0
while [ "$("$RETROVUE" ctl status | python3 -c 'import json, sys; print([c.get("alert_remaining_ms") is not None for c in json.load(sys.stdin)["channels"] if c["number"] == "7"][0])')" != True ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
check "channel 7 airs it" test $n -lt 100
n=0
while [ "$(sql "SELECT count(*) FROM emergency_alerts")" != 1 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "then the alert's row is written, with its key" "1|test-key-0001" \
	"$(sql "SELECT id || '|' || send_key FROM emergency_alerts")"
n=0
while [ "$(sql "SELECT status FROM emergency_alerts")" != active ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "and its status" "active" "$(sql "SELECT status FROM emergency_alerts")"

# The same key again: nothing airs twice.
send --key test-key-0001
check_eq "a retry with the same key is not an error" 0 "$rc"
check_grep "it says the alert went out before" "alert 1 sent (RWT) to all: sent before with this key: not sent again" "$T/out"
check_eq "no second alert is stored" 1 "$(sql "SELECT count(*) FROM emergency_alerts")"
run_rc "$RETROVUE" ctl status
check_eq "nor queued" 0 "$(json "$T/out" 'r["alert"]["queued"]')"
run_rc "$RETROVUE" ctl alert.send '{"event": "RWT", "locations": "000000", "purge": "0015", "message": "x", "key": "test-key-0001"}'
check_eq "the control command says it too" "1 True" "$(json "$T/out" 'str(r["id"]) + " " + str(r["duplicate"])')"
send --key "bad key"
check_eq "a malformed key is refused before anything is sent" 1 "$rc"
check_grep "naming it" "key 'bad key': must be 8 to 64" "$T/err"
run_rc "$RETROVUE" alert list
check_grep "alert list shows the key" "\[key test-key-0001\]" "$T/out"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"

# After a restart, the key is still known: it was written down.
check "the daemon starts again" start_daemon "$T/daemon2.log"
send --key test-key-0001
check_grep "a retry after a restart airs nothing either" "sent before with this key" "$T/out"
check_eq "nothing on the air" none "$(alert_on)"

# A large library: 300,000 stored Plex paths re-mapped while an alert goes out.
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
     INSERT INTO media_files (file_path, source_path, duration_ms, media_type, source_type)
     SELECT '/media/big/f' || i || '.mkv', '/media/big/f' || i || '.mkv', 1000, 'episode', 'plex' FROM n"
t0=$(now_ms)
"$RETROVUE" ctl --wait --timeout 300 paths.add '{"plex_path": "/media/big", "local_path": "/mnt/big"}' \
	>"$T/big.out" 2>&1 &
big=$!
ts=$(now_ms)
send
t1=$(now_ms)
check_eq "an alert sent while paths.add re-maps the library goes out" 0 "$rc"
check_grep "on the air" "sent (RWT) to all: on the air" "$T/out"
wait $big
t2=$(now_ms)
check_grep "and paths.add re-mapped every path" '"remapped":300000' "$T/big.out"
diag "300,000 paths re-mapped in about $((t2 - t0)) ms; the alert was on the air $((t1 - t0)) ms after paths.add was asked for ('alert send' took $((t1 - ts)) ms, start-up included)"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"

# A daemon that takes the alert and never answers: "unknown", not "refused",
# and every try carries the same key.
python3 - "$RETROVUE_DATA_DIR/control.sock" "$T/keys" <<'PY' &
import json, os, socket, sys
path, keys = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
sends = 0
while sends < 3:
    c, _ = s.accept()
    f = c.makefile("rwb")
    for line in f:
        req = json.loads(line)
        if req["cmd"] == "ping":
            f.write(json.dumps({"id": req["id"], "ok": True, "result": {"pong": "retrovue"}}).encode() + b"\n")
            f.flush()
            continue
        sends += 1
        with open(keys, "a") as k:
            k.write(req.get("key", "") + "\n")
        if sends == 1:          # the first: no answer until the client gives up
            c.recv(1)
        break                   # the others: the connection drops
    f.close()
    c.close()
os.unlink(path)
PY
fake=$!
n=0
while [ ! -S "$RETROVUE_DATA_DIR/control.sock" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
send
check_eq "no answer: exit status 3 (unknown)" 3 "$rc"
check_grep "it says unknown and where to look" 'unknown: see `retrovue alert list`' "$T/err"
check_no_grep "never refused" "refused" "$T/err"
check_eq "it tried three times" 3 "$(wc -l <"$T/keys" | tr -d ' ')"
check_eq "with one key" 1 "$(sort -u "$T/keys" | wc -l | tr -d ' ')"
check_grep "the one it names" "key $(head -1 "$T/keys")" "$T/err"
wait $fake
done_testing
