#!/bin/sh
# Emergency alerts on the air, as they aired on real cable: a real daemon
# with three channels; an alert sent from the command line for two of
# them. Its timeline is measured from channel 7's sound alone
# (tests/helpers/alertline.py): the SAME header three times, the attention
# signal (8 s), the message spoken by the synthetic voice, the programme
# under the crawl until the crawl has passed twice, then the end of message
# three times, and the programme back, about a minute after the start (not
# the purge time's 15 minutes). multimon-ng decodes the header and the end
# of message from that one recording, the attention signal's spectrum
# peaks at 853 and 960 Hz, the third channel hears nothing, the stream's
# timestamps stay continuous, and the channel is back at the wall-clock
# position of its schedule afterwards. A second alert, queued behind, must
# stay on screen 90 s (--duration) and is cleared early: its end of
# message follows the clear.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/a.mp4" 0 180 320 180 30 -f lavfi -i sine=f=440:r=48000:d=180 -ac 2
check "the test clip is made" test -s "$M/a.mp4"

run_rc "$RETROVUE" db init
port=$(free_port)
t=$(($(now_ms) - 2000))
T0=$t
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES
       (1, '7', 'Seven', 320, 180, 30, 1, 300, 96), (2, '8', 'Eight', 320, 180, 30, 1, 300, 96),
       (3, '9', 'Nine', 320, 180, 30, 1, 300, 96);
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/a.mp4', 180000, 'clip', 'manual');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t, $t + 180000, 'programme', 1, 0, 180000, 'A'),
              (2, $t, $t + 180000, 'programme', 1, 0, 180000, 'A'),
              (3, $t, $t + 180000, 'programme', 1, 0, 180000, 'A');
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '60');"
check "the daemon starts" start_daemon "$T/daemon.log"
check "the control socket is 0600" test "$(stat -c %a "$RETROVUE_DATA_DIR/control.sock")" = 600

# Bad alerts are refused before anything airs.
run_rc "$RETROVUE" alert send --event XYZ --fips 000000 --purge 0015 --message hi
check_eq "an unknown event code is refused" 1 "$rc"
check_grep "saying which field" "event code 'XYZ'" "$T/err"
run_rc "$RETROVUE" alert send --event RWT --fips 12345 --purge 0015 --message hi
check_grep "a malformed location code is refused" "location code '12345'" "$T/err"
run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message "  "
check_grep "an empty message is refused" "message is empty" "$T/err"
run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message hi --channels 42
check_eq "a channel that does not exist is refused" 1 "$rc"
check_grep "naming it" "channel 42 does not exist" "$T/err"
run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message hi --voice xx-nope
check_eq "a voice espeak-ng does not have is refused" 1 "$rc"
check_grep "naming it" "voice 'xx-nope'" "$T/err"
run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message hi --duration 20:00
check_eq "a time on screen past the purge time is refused" 1 "$rc"
check_grep "saying why" "at most the purge time 0015" "$T/err"
check_eq "nothing was stored or aired" 0 "$(sql "SELECT count(*) FROM emergency_alerts")"

# Channels 7 and 9 on the air; 8 is tuned in during the alert.
curl -s -o /dev/null "http://127.0.0.1:$port/channel/7/index.m3u8"
curl -s -o /dev/null "http://127.0.0.1:$port/channel/9/index.m3u8"
check "channel 7 goes on the air" wait_state 7 "on air" 10
check "channel 9 goes on the air" wait_state 9 "on air" 10

# Record both channels' sound from their endless TS streams, through the
# whole alert.
rec() {
	ffmpeg -v error -nostdin -i "http://127.0.0.1:$port/channel/$1.ts" -t "$2" -map 0 -c copy \
		-f mpegts "$T/rec$1.ts" &
}
rec 7 66
rec7=$!
rec 9 66
rec9=$!
# The queued second alert is heard in a longer recording that starts now,
# so that its header is in it however long the checks of the first take.
ffmpeg -v error -nostdin -i "http://127.0.0.1:$port/channel/7.ts" -t 300 -map 0 -c copy \
	-f mpegts "$T/rec7b.ts" &
rec7b=$!
sleep 2
sent_ms=$(now_ms)
run_rc "$RETROVUE" alert send --event RWT --fips 024031,051059 --purge 0015 \
	--message "This is a test: it's only a test, 100% harmless." --channels 7,8 --station "KRVU/TV"
check_eq "alert send exits 0" 0 "$rc"
check_grep "and says it was sent" "^alert 1 sent (RWT)" "$T/out"
header=$(python3 -c '
import time
t = time.gmtime(int(__import__("sys").argv[1]) / 1000)
print("ZCZC-EAS-RWT-024031-051059+0015-%03d%02d%02d-KRVU/TV -" % (t.tm_yday, t.tm_hour, t.tm_min))' "$sent_ms")

run_rc "$RETROVUE" alert send --event RMT --fips 000000 --purge 0030 --message "Second" \
	--channels 7 --station "KRVU/TV" --duration 1:30 --voice en-gb --attention 10
check_eq "a second alert is accepted" 0 "$rc"
curl -s "http://127.0.0.1:$port/api/status" >/dev/null
# Alerts air first; their rows follow at once (written by the alert thread).
i=0
while [ $i -lt 50 ] && ! "$RETROVUE" alert list | grep -q "RMT"; do sleep 0.1; i=$((i + 1)); done
status_json=$("$RETROVUE" alert list)
check_grep "the first alert is active" "RWT.*active" "$(printf '%s' "$status_json" >"$T/list"; echo "$T/list")"
check_grep "the second waits behind it" "RMT.*queued" "$T/list"

sleep 3
curl -s -o /dev/null "http://127.0.0.1:$port/channel/8/index.m3u8"
check "channel 8 starts during the alert" wait_state 8 "on air" 10
wait $rec7
wait $rec9

ffmpeg -v error -i "$T/rec7.ts" -map 0:a:0 -ac 1 -ar 22050 -f s16le "$T/rec7.raw"
ffmpeg -v error -i "$T/rec9.ts" -map 0:a:0 -ac 1 -ar 22050 -f s16le "$T/rec9.raw"
multimon-ng -q -t raw -a EAS "$T/rec7.raw" >"$T/eas7.txt" 2>/dev/null
multimon-ng -q -t raw -a EAS "$T/rec9.raw" >"$T/eas9.txt" 2>/dev/null
sed 's/^/# channel 7: /' "$T/eas7.txt"
check_grep "multimon-ng decodes exactly the header that was sent" "^EAS: $header\$" "$T/eas7.txt"
check_grep "and the end of message, from the same recording" "^EAS: NNNN" "$T/eas7.txt"
check_eq "channel 9 (not chosen) carries no alert" "" "$(cat "$T/eas9.txt")"

# The timeline, from the sound, against what the daemon says it aired.
python3 "$TESTS_HELPERS/alertline.py" "$T/rec7.raw" >"$T/line7"
sed 's/^/# heard on channel 7: /' "$T/line7"
at() { sed -n "s/^$1 //p" "$T/line7"; }
said=$(sed -n 's/.*channel 7: alert 1: header and attention signal \([0-9.]*\) s, then the message spoken for \([0-9.]*\) s; the crawl passes every \([0-9.]*\) s; end of message \([0-9.]*\) s after the start.*/\1 \2 \3 \4/p' "$T/daemon.log")
diag "the daemon: intro, voice, crawl pass, end of message (s): $said"
set -- $said
spoken=${2:-0}
pass=${3:-0}
eom_at=${4:-0}
near() { python3 -c "import sys; sys.exit(0 if abs(($1) - ($2)) <= $3 else 1)"; }
above() { python3 -c "import sys; sys.exit(0 if ($1) >= ($2) else 1)"; }
check "the header comes first" above "$(at attention)" "$(at header) + 5"
check "the attention signal lasts 8 s" near "$(at attention_end) - $(at attention)" 8 0.25
check "the voice starts a second after it" near "$(at voice) - $(at attention_end)" 1 0.3
check "the message is spoken (for more than 3 s)" above "$spoken" 3
check "as long as the daemon says it spoke" near "$(at voice_end) - $(at voice)" "$spoken" 0.8
check "the end of message arrives after the attention signal and the message" \
	above "$(at eom)" "$(at attention_end) + 1 + $spoken"
check "the crawl passed at least twice before it" above "$eom_at" "2 * $pass - 0.05"
check "it ends a pass of the crawl" near "$eom_at / $pass" "round($eom_at / $pass)" 0.01
check "the end of message is heard when the daemon says (from the header)" \
	near "$(at eom) - $(at header)" "$eom_at" 0.25
check "the programme's sound under the crawl until then" above "$(at tone_between)" 1
check "three bursts, then the programme is back" near "$(at programme) - $(at eom_end)" 1 0.3
check "the alert lasts about a minute, not its purge time" above 90 "$(at programme) - $(at header)"

# The attention signal: after the three headers, 853 and 960 Hz dominate.
python3 - "$T/rec7.raw" >"$T/tone.txt" <<'PY'
import math, struct, sys
raw = open(sys.argv[1], "rb").read()
s = struct.unpack("<%dh" % (len(raw) // 2), raw)
rate = 22050
def power(seg, hz):
    k = 2 * math.cos(2 * math.pi * hz / rate); s1 = s2 = 0.0
    for x in seg:
        s0 = x + k * s1 - s2; s2 = s1; s1 = s0
    return s1 * s1 + s2 * s2 - k * s1 * s2
# Find the loudest second where both tones beat their neighbours by 100x.
best = 0
for start in range(0, len(s) - rate, rate // 2):
    seg = s[start:start + rate // 4]
    p853, p960 = power(seg, 853), power(seg, 960)
    others = max(power(seg, f) for f in (440, 700, 1200, 1562.5, 2083.3))
    if p853 > 100 * others and p960 > 100 * others:
        best += 1
print(best)
PY
check "the attention signal's spectrum peaks at 853 and 960 Hz for seconds" \
	test "$(cat "$T/tone.txt")" -ge 8

# The alert reached 7 and 8, not 9; each start and end is logged.
sql "SELECT c.number, l.ended_ms IS NOT NULL FROM emergency_alert_log l JOIN channels c ON
       c.id = l.channel_id WHERE l.alert_id = 1 ORDER BY c.number" >"$T/log"
sed 's/^/# alert log: /' "$T/log"
check_grep "channel 7 aired it and ended it" "^7|1" "$T/log"
check_grep "channel 8, started during the alert, aired it" "^8|" "$T/log"
check_no_grep "channel 9 did not" "^9|" "$T/log"
lat=$(sed -n 's/.*channel 7: alert 1 in the stream \([0-9]*\) ms after activation.*/\1/p' "$T/daemon.log")
diag "channel 7 put the alert in its stream $lat ms after it was sent"
check "in the stream within one second of the trigger" test "${lat:-99999}" -le 1000
check_grep "the daemon logged who sent it" "alert 1 (EAS RWT.*sent by .*command line" "$T/daemon.log"
check_grep "its message was spoken once, off the channel threads" "alert 1: message spoken in" "$T/daemon.log"

# Timestamps stay continuous through the alert; the picture is back on time.
if $CHECK ts "$T/rec7.ts" >"$T/ts7.txt"; then ok "channel 7: timestamps continuous through the alert"; else not_ok "channel 7: timestamps"; fi
sed 's/^/# /' "$T/ts7.txt" | tail -3
curl -s -o "$T/after.m3u8" "http://127.0.0.1:$port/channel/7/index.m3u8"
seq=$(tail -1 "$T/after.m3u8" | tr -d '\r')
pdt=$(grep PROGRAM-DATE-TIME "$T/after.m3u8" | tail -1 | sed 's/^#EXT-X-PROGRAM-DATE-TIME://' | tr -d '\r')
curl -s -o "$T/after.ts" "http://127.0.0.1:$port/channel/7/$seq"
code=$($CHECK codes "$T/after.ts" | head -1)
expect=$(python3 -c '
import datetime, sys
pdt = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
print(round((pdt.timestamp() * 1000 - int(sys.argv[2])) * 30 / 1000))' "$pdt" "$T0")
diag "after the alert: frame code $code, the schedule says $expect"
check "after the alert the channel is at its wall-clock position (within 2 frames)" \
	python3 -c "import sys; sys.exit(0 if abs($code - $expect) <= 2 else 1)"

# The queued alert follows once the first has ended; it must stay on
# screen 90 s, and is cleared early.
i=0
while [ $i -lt 200 ] && ! "$RETROVUE" alert list | grep -q "RMT.*active"; do sleep 0.1; i=$((i + 1)); done
run_rc "$RETROVUE" alert list
check_grep "the first is recorded as ended by itself" "RWT.*ended" "$T/out"
check_grep "the queued alert went on the air after the first" "RMT.*active" "$T/out"
i=0
while [ $i -lt 300 ] && ! grep -q "channel 7: alert 2: header" "$T/daemon.log"; do sleep 0.1; i=$((i + 1)); done
said=$(sed -n 's/.*channel 7: alert 2: header and attention signal \([0-9.]*\) s,.* end of message \([0-9.]*\) s after the start.*/\1 \2/p' "$T/daemon.log")
diag "alert 2 on channel 7: intro, end of message (s): $said"
set -- $said
check "its 10 s attention signal is longer" above "${1:-0}" 16
check "it stays on screen its 90 s at least" above "${2:-0}" 90
check_grep "spoken by the voice it asked for" "alert 2: message spoken in .* (voice en-gb)" "$T/daemon.log"
sleep 1
run_rc "$RETROVUE" alert clear
check_eq "alert clear exits 0" 0 "$rc"
check_grep "the daemon logged who cleared it" "alert 2 cleared by" "$T/daemon.log"
# The end of message follows within the channel's lead; record past it.
sleep 10
kill -INT $rec7b 2>/dev/null
wait $rec7b
ffmpeg -v error -i "$T/rec7b.ts" -map 0:a:0 -ac 1 -ar 22050 -f s16le "$T/rec7b.raw"
multimon-ng -q -t raw -a EAS "$T/rec7b.raw" >"$T/eas7b.txt" 2>/dev/null
sed 's/^/# channel 7, both alerts: /' "$T/eas7b.txt"
check_grep "its header is decoded" "^EAS: ZCZC-EAS-RMT-000000+0030-[0-9]\{7\}-KRVU/TV -" "$T/eas7b.txt"
sed -n '/RMT/,$p' "$T/eas7b.txt" >"$T/eas7b.after"
check_grep "and its end of message, after the clear" "^EAS: NNNN" "$T/eas7b.after"
# The second alert's timeline: from the first's programme back on.
python3 "$TESTS_HELPERS/alertline.py" "$T/rec7b.raw" >"$T/line7"
back=$(at programme)
python3 "$TESTS_HELPERS/alertline.py" --after "$back" "$T/rec7b.raw" >"$T/line7"
sed 's/^/# heard on channel 7: /' "$T/line7"
check "the attention signal lasts 10 s" near "$(at attention_end) - $(at attention)" 10 0.25
check "the clear brought the end of message forward (well before 90 s)" \
	above 45 "$(at eom) - $(at header)"
# Its status follows once no channel airs it any longer.
i=0
while [ $i -lt 250 ] && ! "$RETROVUE" alert list | grep -q "RMT.*cleared"; do sleep 0.1; i=$((i + 1)); done
run_rc "$RETROVUE" alert list
check_grep "the second is recorded as cleared" "RMT.*cleared" "$T/out"

stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
check_no_grep "no error from the sanitizers" "ERROR: .*Sanitizer" "$T/daemon.log"

done_testing
