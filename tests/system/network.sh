#!/bin/sh
# Network exposure: who may connect (http.allow: refused at connect, counted
# and said in the log; bad entries named; SIGHUP reads it again), the
# station's page at / (HTML that xmllint's HTML parser takes without a
# word, every title escaped, a link to each channel's HLS and TS, the M3U
# and the XMLTV, now and next), and the warning when the public can reach
# a station whose alert audio is SAME.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/a.mp4" 0 60 320 180 30 -f lavfi -i sine=f=440:r=48000:d=60
run_rc "$RETROVUE" db init
port=$(free_port)
t=$(now_ms)
# A title with everything HTML must escape, and a byte that is not UTF-8.
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES
       (1, '7', 'Seven <b>&amp;</b>', 320, 180, 30, 1, 300, 64), (2, '8.1', 'Eight', 320, 180, 30, 1, 300, 64);
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type)
       VALUES (1, '$M/a.mp4', 60000, 'clip', 'manual');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t - 1000, $t + 59000, 'programme', 1, 0, 60000,
               '<script>alert(1)</script> Tom & Jerry''s \"Big\" Caf' || CAST(X'E9' AS TEXT)),
              (1, $t + 59000, $t + 3600000, 'programme', NULL, 0, 3541000, 'Next & Last');
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '60'),
       ('http.allow', 'loopback, 10.0.0.0/33, bogus');"

check "the daemon starts" start_daemon "$T/daemon.log"
B="http://127.0.0.1:$port"
check_grep "a bad http.allow entry is named in the log" \
	"setting http.allow: '10.0.0.0/33': the prefix length must be a number from 0 to 32; 'bogus': not an address or range" \
	"$T/daemon.log"
check_grep "and the rest is kept" "http: clients may connect from loopback, 10.0.0.0/33, bogus" "$T/daemon.log"
check_no_grep "a station on loopback gives no public-exposure warning" "WARNING" "$T/daemon.log.out"
check_grep "it says where it is on the air" "on the air at http://127.0.0.1:$port/" "$T/daemon.log.out"

# The station's page.
curl -s -D "$T/h" -o "$T/home.html" "$B/"
check_eq "GET / is 200" 200 "$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T/h")"
check_grep "as HTML" "^Content-Type: text/html; charset=utf-8" "$T/h"
check_no_grep "without CORS headers" "Access-Control-Allow-Origin" "$T/h"
xmllint --html --noout "$T/home.html" >"$T/lint" 2>&1
check_eq "xmllint's HTML parser takes it without a word" "0 " "$? $(cat "$T/lint")"
check_grep "it names the station" "<h1>Retrovue</h1>" "$T/home.html"
check_grep "and each channel, its name escaped" "<b>7</b> Seven &lt;b&gt;&amp;amp;&lt;/b&gt;" "$T/home.html"
check_grep "an idle one says how it starts" "Off the air until someone tunes in" "$T/home.html"
check_grep "with a link to its HLS" 'href="/channel/7/index.m3u8"' "$T/home.html"
check_grep "and its TS stream" 'href="/channel/8.1.ts"' "$T/home.html"
check_grep "the M3U" 'href="/iptv/channels.m3u"' "$T/home.html"
check_grep "and the XMLTV" 'href="/iptv/xmltv.xml"' "$T/home.html"
check_eq "HEAD / is 200 too" 200 "$(curl -s -I -o /dev/null -w '%{http_code}' "$B/")"

# On the air, it shows now and next, every title escaped.
curl -s -o "$T/pl" "$B/channel/7/index.m3u8"
check_grep "tuning in starts channel 7" "^#EXTM3U" "$T/pl"
wait_state 7 "on air" 20
curl -s -o "$T/home.html" "$B/"
# (The status block already carries valid UTF-8: the Latin-1 byte became '?'.)
check_grep "now: the title, escaped" \
	"&lt;script&gt;alert(1)&lt;/script&gt; Tom &amp; Jerry&#39;s &quot;Big&quot; Caf?" \
	"$T/home.html"
check_no_grep "no markup of the title gets through" "<script>" "$T/home.html"
check_grep "next, escaped" "Next &amp; Last" "$T/home.html"
xmllint --html --noout "$T/home.html" >"$T/lint" 2>&1
check_eq "and xmllint still takes the page without a word" "0 " "$? $(cat "$T/lint")"

# Nobody outside http.allow gets in: 127.0.0.1 left out, then SIGHUP.
sql "UPDATE system_config SET value = '10.0.0.0/8, ::1' WHERE key = 'http.allow'"
kill -HUP "$daemon_pid"
n=0
while ! grep -q "clients may connect from 10.0.0.0/8, ::1" "$T/daemon.log" && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
run_rc curl -s -m 5 -o /dev/null -w '%{http_code}' "$B/api/status"
check_eq "a client outside http.allow is refused at connect (SIGHUP read the setting)" "000" "$(cat "$T/out")"
check "curl saw the connection closed" test "$rc" -ne 0
for i in 1 2 3; do curl -s -m 5 -o /dev/null "$B/" || true; done
check_grep "the log says who and why" \
	"http: refused a connection from 127.0.0.1: not in http.allow (10.0.0.0/8, ::1); 1 refused since the last such line" \
	"$T/daemon.log"
check_eq "once, not for every refusal (rate-limited)" 1 \
	"$(grep -c 'http: refused a connection from 127.0.0.1' "$T/daemon.log")"
sql "UPDATE system_config SET value = 'loopback' WHERE key = 'http.allow'"
kill -HUP "$daemon_pid"
n=0
while [ "$(curl -s -m 2 -o "$T/status.json" -w '%{http_code}' "$B/api/status" || true)" != 200 ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
check_eq "back in after loopback is allowed again" 4 \
	"$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["http"]["not_allowed"])' "$T/status.json")"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"

# A station the public can reach, with SAME tones: a warning, at start, on
# the terminal, in the log and to the consoles; none once the audio is tone.
sql "UPDATE system_config SET value = 'private, loopback, 203.0.113.0/24' WHERE key = 'http.allow'"
: >"$T/daemon.log"
check "the daemon starts on every address" start_daemon "$T/daemon.log" --bind 0.0.0.0
check_grep "it warns on the terminal" \
	"^WARNING: the station can be reached from public addresses (http.allow has 203.0.113.0/24) while the alert audio is 'same': 47 CFR 11.45" \
	"$T/daemon.log.out"
check_grep "and in the log" "warning: WARNING: the station can be reached from public addresses" "$T/daemon.log"
run_rc "$RETROVUE" ctl status
check_grep "and tells the consoles" '"warning": *"the station can be reached from public addresses' "$T/out"
run_rc "$RETROVUE" alert audio tone
kill -HUP "$daemon_pid"
n=0
while "$RETROVUE" ctl status | grep -q '"warning"' && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
run_rc "$RETROVUE" ctl status
check_no_grep "with the alert audio 'tone' the warning is gone" '"warning"' "$T/out"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"

sql "UPDATE system_config SET value = 'private, loopback, 100.64.0.0/10' WHERE key = 'http.allow';
     UPDATE system_config SET value = 'same' WHERE key = 'alert.audio'"
: >"$T/daemon.log"
check "the daemon starts on every address with private ranges only" start_daemon "$T/daemon.log" --bind 0.0.0.0
check_no_grep "no warning: the public cannot reach it" "WARNING" "$T/daemon.log.out"
stop_daemon
done_testing
