#!/bin/sh
# Several daemons over one database: --channels gives each its own set of
# channels (others answer 404 naming the set; lineup, guide and status list
# only its own), and /healthz answers 200 while the director and the
# database are fine, 503 with a JSON reason when the database is gone.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

run_rc "$RETROVUE" db init
port=$(free_port)
t=$(now_ms)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES
       (1, '2', 'Two', 320, 180, 25, 1, 300, 64), (2, '4.1', 'Four One', 320, 180, 25, 1, 300, 64),
       (3, '12', 'Twelve', 320, 180, 25, 1, 300, 64);
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t, $t + 3600000, 'programme', NULL, 0, 3600000, 'Slate two'),
              (2, $t, $t + 3600000, 'programme', NULL, 0, 3600000, 'Slate four'),
              (3, $t, $t + 3600000, 'programme', NULL, 0, 3600000, 'Slate twelve');"

run_rc "$RETROVUE" --channels 9-2 --daemon
check_eq "a reversed range is refused" 2 "$rc"
check_grep "naming the term" "'9-2' is not a channel number or a range" "$T/err"
run_rc "$RETROVUE" --channels 2,x --port 0 config show
check_eq "config show refuses a bad --channels too" 2 "$rc"

check "the daemon for channels 2-9 starts" start_daemon "$T/a.log" --channels 2-9
B="http://127.0.0.1:$port"
check_grep "it logs its channel set" "channels 2-9" "$T/a.log"
code=$(curl -s -o "$T/b" -w '%{http_code}' "$B/channel/12/index.m3u8")
check_eq "another daemon's channel is 404" 404 "$code"
check_grep "with a clear message" "channel 12 is not served by this Retrovue daemon (it serves channels 2-9)" "$T/b"
code=$(curl -s -o "$T/b" -w '%{http_code}' "$B/channel/12.ts")
check_eq "its endless TS too" 404 "$code"
code=$(curl -s -o "$T/b" -w '%{http_code}' "$B/channel/12/5.ts")
check_eq "and its segments" 404 "$code"
check_grep "with the same message" "not served by this Retrovue daemon" "$T/b"
code=$(curl -s -o "$T/pl" -w '%{http_code}' --max-time 20 "$B/channel/4.1/index.m3u8")
check_eq "a sub-channel inside the range plays" 200 "$code"
curl -s "$B/lineup.json" >"$T/lineup"
check_eq "the lineup lists its own channels only" "2 4.1" \
    "$(python3 -c 'import json,sys; print(" ".join(c["GuideNumber"] for c in json.load(open(sys.argv[1]))))' "$T/lineup")"
curl -s "$B/iptv/channels.m3u" >"$T/m3u"
check_eq "the M3U too" "2" "$(grep -c '^#EXTINF' "$T/m3u")"
curl -s "$B/iptv/xmltv.xml" >"$T/xmltv"
check_eq "the XMLTV guide too" "2" "$(grep -c '<channel id=' "$T/xmltv")"
check_no_grep "without channel 12" '12.retrovue' "$T/xmltv"
curl -s "$B/api/status" >"$T/status"
check_eq "and the status" "2 4.1" \
    "$(python3 -c 'import json,sys; print(" ".join(c["number"] for c in json.load(open(sys.argv[1]))["channels"]))' "$T/status")"

# A consistent backup of the live database while the daemon runs.
run_rc "$RETROVUE" db backup "$T/live-backup.db"
check_eq "db backup while the daemon runs exits 0" 0 "$rc"
RETROVUE_DB_PATH="$T/live-backup.db" RETROVUE_DATA_DIR="$T/bk" run_rc "$RETROVUE" db check
check_eq "and the copy passes db check" 0 "$rc"
check_eq "with the channels in it" 3 "$(sqlite3 "$T/live-backup.db" 'SELECT count(*) FROM channels')"

# A second daemon on the same database owns channel 12 (its own data dir).
port2=$(free_port)
RETROVUE_DATA_DIR="$T/data2" "$RETROVUE" --no-ssdp --bind 127.0.0.1 --port "$port2" \
    --channels 10-99 --daemon >"$T/b.log.out" 2>"$T/b.log" &
pid2=$!
at_exit "kill $pid2 2>/dev/null; wait $pid2 2>/dev/null"
i=0
while [ $i -lt 100 ] && ! curl -s -o /dev/null "http://127.0.0.1:$port2/healthz"; do sleep 0.1; i=$((i + 1)); done
code=$(curl -s -o "$T/pl2" -w '%{http_code}' --max-time 20 "http://127.0.0.1:$port2/channel/12/index.m3u8")
check_eq "the second daemon serves channel 12" 200 "$code"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port2/channel/2/index.m3u8")
check_eq "and not channel 2" 404 "$code"

# /healthz.
code=$(curl -s -D "$T/h" -o "$T/hz" -w '%{http_code}' "$B/healthz")
check_eq "/healthz is 200" 200 "$code"
check_grep "as JSON" "application/json" "$T/h"
check_eq "saying ok" ok "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$T/hz")"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$B/healthz")
check_eq "other methods: 405" 405 "$code"
mv "$RETROVUE_DB_PATH" "$T/moved.db"
echo "this is not a database" >"$RETROVUE_DB_PATH"
code=$(curl -s -o "$T/hz" -w '%{http_code}' "$B/healthz")
check_eq "with the database gone: 503" 503 "$code"
check_grep "and a JSON reason" '"reason": *"the database cannot' "$T/hz"
check_grep "the daemon logs it" "healthz: unhealthy" "$T/a.log"
rm -f "$RETROVUE_DB_PATH"
mv "$T/moved.db" "$RETROVUE_DB_PATH"
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/healthz")
check_eq "back: 200" 200 "$code"

stop_daemon
check_eq "it stops cleanly" 0 "$stop_rc"
done_testing
