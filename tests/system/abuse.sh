#!/bin/sh
# Abuse on loopback while one viewer (from an address of its own) watches:
# 2,000 connections at once, one address opening 200, slowloris, idle
# connections, 64 KiB headers, bogus methods and malformed requests, ../ in
# every spelling. The daemon stays up, the viewer gets every segment, the
# limits are logged, and nothing from outside the routes is ever served.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

run_rc "$RETROVUE" db init
port=$(free_port)
t=$(now_ms)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES (1, '5', 'Five', 320, 180, 25, 1, 300, 64);
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t, $t + 3600000, 'programme', NULL, 0, 3600000, 'Slate');
     INSERT INTO system_config (key, value) VALUES ('engine.segment_ms', '1000'),
       ('engine.idle_timeout_s', '60'), ('http.timeout_s', '10');"
check "the daemon starts" start_daemon "$T/daemon.log"
B="http://127.0.0.1:$port"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$B/channel/5/index.m3u8")
check_eq "the channel is on the air" 200 "$code"

# The viewer watches from 127.0.0.2 throughout.
python3 "$TESTS_HELPERS/hlsload.py" "$B/channel/5/index.m3u8" 1 45 --source 127.0.0.2 >"$T/viewer.json" &
viewer=$!
at_exit "kill $viewer 2>/dev/null"
sleep 2

A="python3 $TESTS_HELPERS/abuse.py $port"
j() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))' "$@"; }

$A flood >"$T/flood.json"
diag "flood: $(cat "$T/flood.json")"
check_eq "2,000 connections at once from 32 addresses are all taken" 2000 "$(j "$T/flood.json" opened)"
check_eq "and every one is answered" 2000 "$(j "$T/flood.json" answered_200)"

$A per_ip >"$T/perip.json"
diag "per_ip: $(cat "$T/perip.json")"
check_eq "one address gets 64 connections" 64 "$(j "$T/perip.json" kept_open)"
check_grep "the refusals are logged" "limit: refused a connection from 127.0.0.50: 64 connections are open from that address (http.per_ip_connections)" "$T/daemon.log"

$A slowloris >"$T/slow.json" 2>/dev/null
diag "slowloris: $(cat "$T/slow.json")"
check_eq "slowloris holds the address's share and no more" "64 0" \
    "$(j "$T/slow.json" slow_still_open) $(j "$T/slow.json" extra_kept_open)"

$A idle >"$T/idle.json"
diag "idle: $(cat "$T/idle.json")"
check "idle connections are closed after http.timeout_s" \
    test "$(j "$T/idle.json" 'int(closed_after_s)')" -lt 20

$A oversize >"$T/big.json"
diag "oversize: $(cat "$T/big.json")"
check_eq "64 KiB of headers: 431" 431 "$(j "$T/big.json" big_headers_status)"
check "a 70 KB URL: refused (414 or 431)" \
    sh -c "echo ' 414 431 ' | grep -q ' $(j "$T/big.json" big_url_status) '"
check_grep "the header limit is logged" "http: limit: " "$T/daemon.log"

$A methods >"$T/methods.json"
diag "methods: $(cat "$T/methods.json")"
check_eq "an unknown method on a route: 405" 405 "$(j "$T/methods.json" BREW)"
check_eq "DELETE: 405" 405 "$(j "$T/methods.json" DELETE)"
check_eq "PUT with a body: 405" 405 "$(j "$T/methods.json" PUT_body)"
check "TLS bytes, HTTP/2 and no version get no 200" \
    test "$(j "$T/methods.json" '[garbage, http2_preface, no_version].count(200)')" = 0
check "an absurd Content-Length is refused" \
    test "$(j "$T/methods.json" 'huge_length or 0')" -ge 400

$A traversal >"$T/trav.json"
diag "traversal: $(cat "$T/trav.json")"
check_eq "no ../ spelling leaks a file" False "$(j "$T/trav.json" leaked)"
check_eq "every one is 400 or 404 (a %00 too)" True \
    "$(j "$T/trav.json" 'all(c in (400, 404) for c in status.values())')"

wait $viewer
python3 - "$T/viewer.json" >"$T/v" <<'EOP'
import json, sys
v = json.load(open(sys.argv[1]))[0]
ok = v["segments"] >= 20 and v["gaps"] == 0 and v["errors"] == 0 and \
    v["got"] == list(range(v["first"], v["last"] + 1))
print("ok" if ok else "bad", v["segments"], v["gaps"], v["errors"], v["longest_wait_s"])
EOP
diag "viewer (segments, gaps, errors, longest wait s): $(cat "$T/v")"
check_eq "the viewer got every segment throughout" ok "$(cut -d' ' -f1 "$T/v")"
code=$(curl -s -o "$T/hz" -w '%{http_code}' "$B/healthz")
check_eq "the daemon is healthy afterwards" 200 "$code"
curl -s "$B/api/status" >"$T/status"
diag "http counters: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$T/status")"
check "it counted the refusals" test "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"]["refused"])' "$T/status")" -gt 0
stop_daemon
check_eq "and stops cleanly" 0 "$stop_rc"
done_testing
