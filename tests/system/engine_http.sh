#!/bin/sh
# The daemon's HTTP face: content types and shapes of every endpoint, HEAD,
# CORS (on what web players fetch, and only there), traversal, the channel limit, idle stop and restart with the media
# sequence never going backwards (nor across a daemon restart), the lock
# against a second daemon, and a clean SIGTERM.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/a.mp4" 0 4 320 180 30 -f lavfi -i sine=f=440:r=48000:d=4
run_rc "$RETROVUE" db init
port=$(free_port)
t=$(now_ms)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES
       (1, '7', 'Seven', 320, 180, 30, 1, 300, 64), (2, '8.1', 'Eight & One', 320, 180, 30, 1, 300, 64),
       (3, '9', 'Nine (off)', 320, 180, 30, 1, 300, 64);
     UPDATE channels SET enabled = 0 WHERE id = 3;
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type)
       VALUES (1, '$M/a.mp4', 4000, 'clip', 'manual');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t, $t + 3600000, 'programme', NULL, 0, 3600000, 'A slate hour'),
              (2, $t, $t + 4000, 'programme', 1, 0, 4000, 'Clip');
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '2'),
       ('http.per_ip_connections', '6'), ('http.timeout_s', '3');"

check "the daemon starts" start_daemon "$T/daemon.log" --max-channels 1
check_grep "it prints the URLs to open" "http://127.0.0.1:$port/channel/7.ts" "$T/daemon.log.out"
check_grep "it logs with timestamps" "^20[0-9-]*T[0-9:]*Z info: retrovue" "$T/daemon.log"

B="http://127.0.0.1:$port"
# hdr PATH [CURL-ARGS]: status line and headers into $T/h, body into $T/b.
hdr() {
	p=$1
	shift
	curl -s -D "$T/h" -o "$T/b" "$@" "$B$p"
	tr -d '\r' <"$T/h" >"$T/h2" && mv "$T/h2" "$T/h"
}
status() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T/h"; }
header() { sed -n "s/^$1: //Ip" "$T/h" | head -1; }

# The second daemon is refused while the first runs.
run_rc "$RETROVUE" --no-ssdp --bind 127.0.0.1 --port "$(free_port)" --daemon
check_eq "a second daemon on the same database exits 1" 1 "$rc"
check_grep "and says another one runs" "another Retrovue daemon (pid $daemon_pid) is already running" "$T/err"

hdr /api/status
check_eq "/api/status is 200" 200 "$(status)"
check_eq "as JSON" "application/json" "$(header Content-Type)"
check_eq "without CORS headers (no web page of another site may read it)" "" \
	"$(header Access-Control-Allow-Origin)"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["number"]: x for x in d["channels"]}
assert set(c) == {"7", "8.1"}, c.keys()
for k in ("state", "item", "next", "fps", "speed", "viewers", "bitrate_kbps", "last_error", "media_sequence", "urls"):
    assert k in c["7"], k
assert c["7"]["state"] == "idle"
assert d["max_channels"] == 1
' "$T/b"
check_eq "it lists the enabled channels, idle, with every status field" 0 $?
hdr /healthz
check_eq "/healthz has no CORS headers either" "" "$(header Access-Control-Allow-Origin)"
hdr /api/status -X OPTIONS -H "Origin: http://example.test"
check_eq "nor does a preflight for /api/status get them" "" \
	"$(header Access-Control-Allow-Origin)$(header Access-Control-Allow-Methods)"

hdr /discover.json
check_eq "/discover.json is JSON" "application/json" "$(header Content-Type)"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
real = json.load(open(sys.argv[2]))
missing = [k for k in real if k not in d]
assert not missing, missing
assert d["BaseURL"] == sys.argv[3] and d["LineupURL"] == sys.argv[3] + "/lineup.json", d
assert len(d["DeviceID"]) == 8 and d["TunerCount"] == 1
' "$T/b" "$FIXTURES/hdhomerun/hdhr4-2us_atsc_discover.json" "$B"
check_eq "with every field a real HDHomeRun sends, BaseURL and the tuner count" 0 $?

hdr /lineup.json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
real = json.load(open(sys.argv[2]))
for k in ("GuideNumber", "GuideName", "URL"):
    assert all(k in x for x in d) and k in real[0], k
assert [x["GuideNumber"] for x in d] == ["7", "8.1"], d
assert d[1]["GuideName"] == "Eight & One"
assert d[0]["URL"] == sys.argv[3] + "/channel/7.ts", d[0]
' "$T/b" "$FIXTURES/hdhomerun/hdhr4-2us_atsc_lineup.json" "$B"
check_eq "/lineup.json has a URL per channel to its .ts, with the real field names" 0 $?

hdr /lineup_status.json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert set(json.load(open(sys.argv[2]))) <= set(d), d
assert d["ScanInProgress"] == 0' "$T/b" "$FIXTURES/hdhomerun/hdhr4-2us_atsc_lineup_status.json"
check_eq "/lineup_status.json has the real fields" 0 $?

hdr /device.xml
check "/device.xml is well-formed XML" xmllint --noout "$T/b"
check_grep "naming a MediaServer" "urn:schemas-upnp-org:device:MediaServer:1" "$T/b"
hdr "/lineup.post?scan=start" -X POST
check_eq "POST /lineup.post is accepted" 200 "$(status)"

hdr /iptv/channels.m3u
check_eq "/iptv/channels.m3u is 200" 200 "$(status)"
check_eq "as an M3U" "audio/x-mpegurl; charset=utf-8" "$(header Content-Type)"
check_grep "it starts #EXTM3U" "^#EXTM3U" "$T/b"
check_grep "and points at the channel's stream on this server" "^$B/channel/7.ts" "$T/b"
check_eq "with CORS, for web players" "*" "$(header Access-Control-Allow-Origin)"
hdr /iptv/xmltv.xml
check_eq "/iptv/xmltv.xml is 200" 200 "$(status)"
check_eq "as XML" "application/xml; charset=utf-8" "$(header Content-Type)"
check "it is well-formed XMLTV" xmllint --noout "$T/b"
check_eq "with CORS, for web guides" "*" "$(header Access-Control-Allow-Origin)"
check_grep "naming the channels" '<channel id="7' "$T/b"
printf '\x89PNG\r\n\x1a\nlogo' >"$M/seven.png"
sql "UPDATE channels SET logo_path = '$M/seven.png' WHERE id = 1"
kill -HUP "$daemon_pid"
sleep 1.5
hdr /iptv/logos/7.png
check_eq "the channel's logo is served where the guide points" 200 "$(status)"
check_eq "as PNG" "image/png" "$(header Content-Type)"
check_eq "with CORS" "*" "$(header Access-Control-Allow-Origin)"
hdr /discover.json
check_eq "the HDHomeRun documents have no CORS headers" "" "$(header Access-Control-Allow-Origin)"
hdr /iptv/logos/8.1.png
check_eq "a channel without a logo file is 404" 404 "$(status)"

for p in /channel/../api/status /channel/%2e%2e/api/status /%2e%2e/etc/passwd \
    /channel/7/..%2f..%2fetc/passwd /channel/7/%2e%2e /nothing /channel/x.ts \
    /channel/7/index.m3u8x /channel/7/abc.ts /channel/42.ts /channel/9.ts \
    /iptv/logos/../../etc/passwd /iptv/logos/7.jpg /iptv/logos/%2e%2e%2fx.png; do
	hdr "$p" --path-as-is
	check_eq "$p is 404" 404 "$(status)"
done
hdr /api/status -X DELETE
check_eq "DELETE is 405" 405 "$(status)"
hdr /channel/7/index.m3u8 -X OPTIONS -H "Origin: http://example.test"
check_eq "a CORS preflight is 204" 204 "$(status)"
check_grep "allowing GET" "^Access-Control-Allow-Methods: GET" "$T/h"
check_eq "from any origin" "*" "$(header Access-Control-Allow-Origin)"

# HEAD on an idle channel's stream does not start it.
hdr /channel/7.ts -I
check_eq "HEAD /channel/7.ts is 200" 200 "$(status)"
check_eq "as MPEG-TS" "video/mp2t" "$(header Content-Type)"
check_eq "with CORS" "*" "$(header Access-Control-Allow-Origin)"
check_eq "and does not start the channel" idle "$(channel_state 7)"

hdr /channel/7/index.m3u8
check_eq "the playlist starts the channel" 200 "$(status)"
check_eq "as an HLS playlist" "application/vnd.apple.mpegurl" "$(header Content-Type)"
check_eq "not cached" "no-cache" "$(header Cache-Control)"
check_eq "with CORS, for web players" "*" "$(header Access-Control-Allow-Origin)"
check_grep "version 3" "^#EXT-X-VERSION:3" "$T/b"
cp "$T/b" "$T/pl1"
seq1=$(media_seq "$T/pl1")
first=$(grep -m1 '^[0-9]*\.ts' "$T/pl1")
hdr "/channel/7/$first"
check_eq "a segment is 200" 200 "$(status)"
check_eq "as MPEG-TS" "video/mp2t" "$(header Content-Type)"
check_grep "cached as immutable" "^Cache-Control: .*immutable" "$T/h"
check_eq "with CORS" "*" "$(header Access-Control-Allow-Origin)"
check_eq "starting with a TS sync byte" "47" "$(od -An -tx1 -N1 "$T/b" | tr -d ' ')"
check_eq "and its first frame a keyframe (a segment stands alone)" "1,I" \
	"$(ffprobe -v error -select_streams v -read_intervals %+#1 -show_entries frame=key_frame,pict_type \
	-of csv=p=0 "$T/b" | head -1 | cut -d, -f1,2)"
len=$(header Content-Length)
hdr "/channel/7/$first" -I
check_eq "HEAD on a segment gives its length" "$len" "$(header Content-Length)"
check_eq "and no body" 0 "$(curl -s -I -o /dev/null -w '%{size_download}' "$B/channel/7/$first")"

hdr /channel/8.1/index.m3u8
check_eq "a second channel beyond --max-channels 1 gets 503" 503 "$(status)"
check_grep "and the log says why" "channel 8.1: refused a viewer" "$T/daemon.log"

# Slowloris: idle connections from one address hit the per-address limit
# (6 here), and the idle timeout (3 s here) frees them.
python3 - "$port" "$T/loris.ready" >"$T/loris" <<'PY' &
import socket, sys, time
socks = []
for i in range(6):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"GET /api/status HTTP/1.1\r\nHost: x\r\n")     # never finished
    socks.append(s)
time.sleep(0.3)
open(sys.argv[2], "w").close()
closed = 0
for s in socks:
    s.settimeout(15)
    try:
        closed += s.recv(100) == b""
    except OSError:
        closed += 1
print(closed)
PY
loris=$!
n=0
while [ ! -e "$T/loris.ready" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "a 7th connection from the same address is refused" 000 \
	"$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$B/api/status" || true)"
wait $loris
check_eq "the idle timeout (3 s) closes all six slow connections" 6 "$(cat "$T/loris")"
check_eq "and service is back" 200 \
	"$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$B/api/status" || true)"

# SIGHUP reloads the channels.
sql "INSERT INTO channels (id, number, name) VALUES (4, '10', 'Ten')"
kill -HUP "$daemon_pid"
sleep 1.5
hdr /lineup.json
check_grep "after SIGHUP a new channel is in the lineup" '"GuideNumber":"10"' "$T/b"

# Idle stop, restart: the media sequence goes on.
check "with no viewers the channel stops (idle timeout 2 s)" wait_state 7 idle 15
hdr /channel/7/index.m3u8
seq2=$(media_seq "$T/b")
diag "media sequence $seq1, after an idle restart $seq2"
check "after an idle restart the media sequence is higher" test "$seq2" -gt "$seq1"
sleep 3
stop_daemon
check_eq "SIGTERM stops the daemon cleanly" 0 "$stop_rc"
check "the lock file is gone" test ! -e "$RETROVUE_DATA_DIR/daemon.lock"
check_eq "no as-run row is left playing" 0 "$(sql "SELECT count(*) FROM playout_logs WHERE status = 'playing'")"
check_grep "stopped rows say why" "interrupted|no viewers (idle timeout)" "$(sql "SELECT status || '|' || errors FROM playout_logs" >"$T/asrun"; echo "$T/asrun")"

check "the daemon starts again" start_daemon "$T/daemon2.log"
hdr /channel/7/index.m3u8
seq3=$(media_seq "$T/b")
diag "after a daemon restart: $seq3"
check "after a daemon restart the media sequence is higher still" test "$seq3" -gt "$seq2"
stop_daemon
check_eq "and it stops cleanly again" 0 "$stop_rc"

done_testing
