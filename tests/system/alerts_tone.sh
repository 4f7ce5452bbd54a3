#!/bin/sh
# Emergency alerts without the SAME data: with `alert audio tone` a channel
# airs the attention signal (8 s) and the message spoken by the synthetic
# voice, then its programme, and no burst anywhere (multimon-ng decodes
# nothing, tests/helpers/alertline.py finds no AFSK); with `alert audio
# none` the crawl shows and the programme's sound plays on untouched.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/a.mp4" 0 180 320 180 30 -f lavfi -i sine=f=440:r=48000:d=180 -ac 2
check "the test clip is made" test -s "$M/a.mp4"

run_rc "$RETROVUE" db init
port=$(free_port)
t=$(($(now_ms) - 2000))
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES (1, '7', 'Seven', 320, 180, 30, 1, 300, 96);
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/a.mp4', 180000, 'clip', 'manual');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t, $t + 180000, 'programme', 1, 0, 180000, 'A');
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '120');"
run_rc "$RETROVUE" alert audio tone
check_eq "alert audio tone" 0 "$rc"
check "the daemon starts" start_daemon "$T/daemon.log"
curl -s -o /dev/null "http://127.0.0.1:$port/channel/7/index.m3u8"
check "channel 7 goes on the air" wait_state 7 "on air" 10

# rec SECONDS NAME: channel 7's endless TS, in the background.
rec() {
	ffmpeg -v error -nostdin -i "http://127.0.0.1:$port/channel/7.ts" -t "$1" -map 0 -c copy \
		-f mpegts "$T/$2.ts" &
	recpid=$!
}
# heard NAME: what multimon-ng decodes and alertline.py measures in NAME.ts.
heard() {
	ffmpeg -v error -i "$T/$1.ts" -map 0:a:0 -ac 1 -ar 22050 -f s16le "$T/$1.raw"
	multimon-ng -q -t raw -a EAS "$T/$1.raw" >"$T/$1.eas" 2>/dev/null
	python3 "$TESTS_HELPERS/alertline.py" "$T/$1.raw" >"$T/$1.line"
	sed "s/^/# $1: /" "$T/$1.eas" "$T/$1.line"
}
at() { sed -n "s/^$2 //p" "$T/$1.line"; }
near() { python3 -c "import sys; sys.exit(0 if abs(($1) - ($2)) <= $3 else 1)"; }
above() { python3 -c "import sys; sys.exit(0 if ($1) >= ($2) else 1)"; }

rec 45 tone
sleep 2
run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message "Tone only."
check_eq "an alert is sent with the audio tone" 0 "$rc"
wait $recpid
heard tone
said=$(sed -n 's/.*channel 7: alert 1: attention signal \([0-9.]*\) s, then the message spoken for \([0-9.]*\) s;.*/\1 \2/p' "$T/daemon.log")
diag "the daemon: attention signal and pause, voice (s): $said"
set -- $said
check "the daemon airs the attention signal, no header" above "${1:-0}" 8.5
check "and the spoken message" above "${2:-0}" 2
check_eq "multimon-ng decodes no SAME header nor end of message" "" "$(cat "$T/tone.eas")"
check "no AFSK burst is heard at all" test "$(at tone header)" = "-1.00"
check "the attention signal is heard" above "$(at tone attention)" 0
check "for 8 s" near "$(at tone attention_end) - $(at tone attention)" 8 0.25
check "the voice a second after it" near "$(at tone voice) - $(at tone attention_end)" 1 0.3
check "as long as the daemon says it spoke" near "$(at tone voice_end) - $(at tone voice)" "${2:-0}" 0.8
check "then the programme's sound" above "$(at tone programme)" "$(at tone voice_end)"
check "no end of message" test "$(at tone eom)" = "-1.00"

# The first alert must be over before the next goes on the air.
i=0
while [ $i -lt 400 ] && ! "$RETROVUE" alert list | grep -q "RWT.*ended"; do sleep 0.1; i=$((i + 1)); done
run_rc "$RETROVUE" alert list
check_grep "the first alert ended" "RWT.*ended" "$T/out"

run_rc "$RETROVUE" alert audio none
check_eq "alert audio none" 0 "$rc"
rec 20 none
sleep 2
run_rc "$RETROVUE" alert send --event RMT --fips 000000 --purge 0015 --message "Pictures only."
check_eq "an alert is sent with no audio" 0 "$rc"
# banded: the newest segment's first picture has the crawl's red band.
banded() {
	curl -s -o "$T/p.m3u8" "http://127.0.0.1:$port/channel/7/index.m3u8"
	seg=$(grep -v '^#' "$T/p.m3u8" | tail -1 | tr -d '\r')
	curl -s -o "$T/p.ts" "http://127.0.0.1:$port/channel/7/$seg"
	ffmpeg -v error -y -i "$T/p.ts" -frames:v 1 -f rawvideo -pix_fmt yuv420p "$T/p.yuv"
	python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
W, H = 320, 180
v = [d[W * H + (W // 2) * (H // 2) + 80 * (W // 2) + x] for x in range(80)]
sys.exit(0 if sum(v) / len(v) > 170 else 1)' "$T/p.yuv"
}
check "the crawl shows" wait_for 15 banded
wait $recpid
heard none
check_grep "the daemon aired it" "channel 7: alert 2 in the stream" "$T/daemon.log"
check_eq "multimon-ng decodes nothing" "" "$(cat "$T/none.eas")"
check "no burst" test "$(at none header)" = "-1.00"
check "no attention signal" test "$(at none attention)" = "-1.00"
check "the programme's sound all along" above "$(at none programme_all)" 18
check_no_grep "no voice was made for it" "alert 2: message spoken" "$T/daemon.log"

stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
check_no_grep "no error from the sanitizers" "ERROR: .*Sanitizer" "$T/daemon.log"

done_testing
