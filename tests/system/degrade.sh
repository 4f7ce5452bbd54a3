#!/bin/sh
# Degrade, never go off the air: an overlay that cannot be built is left
# out with one line in the log and the channel airs on. A bug PNG whose
# header is fine but whose picture does not decode, and one that is not a
# PNG at all; a lower-thirds font that is gone (text falls back to
# fontconfig's Sans); and, on a machine with no fonts at all (a mount
# namespace hides them, when allowed), text is left out with one line and
# an alert still airs its SAME header and its band. (A crawl filter that
# fails is dropped by the tail like any overlay: tests/unit/test_tail.c.)
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/show.mp4" 0 90 320 180 25 -f lavfi -i sine=f=440:r=48000:d=90 -ac 2
ffmpeg -v error -f lavfi -i "color=red:s=40x40,format=rgba" -frames:v 1 "$M/bug.png"
# The picture data scrambled, its checksum right: it opens, then fails to decode.
python3 - "$M/bug.png" "$M/broken.png" <<'EOP'
import struct, sys, zlib
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"IDAT")
n = struct.unpack(">I", d[i - 4:i])[0]
for k in range(i + 6, i + 4 + n - 1):
    d[k] ^= 0xA5
d[i + 4 + n:i + 8 + n] = struct.pack(">I", zlib.crc32(bytes(d[i:i + 4 + n])) & 0xffffffff)
open(sys.argv[2], "wb").write(d)
EOP
echo "this is not a picture" >"$M/junk.png"
check "the test media is made" test -s "$M/show.mp4" -a -s "$M/broken.png"

run_rc "$RETROVUE" db init
port=$(free_port)
B="http://127.0.0.1:$port"
t=$(($(now_ms) - 1000))
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps, bug_path) VALUES
       (1, '7', 'Seven', 320, 180, 25, 1, 300, 96, '$M/broken.png'),
       (2, '8', 'Eight', 320, 180, 25, 1, 300, 96, '$M/junk.png'),
       (3, '9', 'Nine', 320, 180, 25, 1, 300, 96, '$M/bug.png');
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/show.mp4', 90000, 'clip', 'manual');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms,
       out_ms, programme_start_ms, act, title)
       SELECT id, $t, $t + 90000, 'programme', 1, 0, 90000, $t, 1, 'The Show' FROM channels;
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '60');"
# Channel 9's lower-thirds font was set, then the file went away.
run_rc "$RETROVUE" graphics 9 lower_thirds=on
sql "UPDATE channel_graphics SET lt_font = '$M/gone/Fancy.ttf' WHERE channel_id = 3"
check_eq "channel 9's font is a file that is gone" "$M/gone/Fancy.ttf" \
	"$(sql "SELECT lt_font FROM channel_graphics WHERE channel_id = 3")"

# flowing N: channel N's media sequence moves on (a hang detector: 30 s).
flowing() {
	curl -s -o "$T/pl$1" --max-time 10 "$B/channel/$1/index.m3u8" || return 1
	s0=$(media_seq "$T/pl$1")
	i=0
	while [ $i -lt 150 ]; do
		curl -s -o "$T/pl$1" --max-time 10 "$B/channel/$1/index.m3u8"
		[ -n "$s0" ] && [ "$(media_seq "$T/pl$1")" -gt "$s0" ] 2>/dev/null && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

check "the daemon starts" start_daemon "$T/daemon.log"
for ch in 7 8 9; do
	curl -s -o /dev/null --max-time 30 "$B/channel/$ch/index.m3u8"
done
for ch in 7 8 9; do
	check "channel $ch is on the air" wait_state $ch "on air" 30
	check "its segments flow" flowing $ch
done
check_eq "a bug that does not decode: one log line names it" 1 \
	"$(grep -c "bug image $M/broken.png cannot be used" "$T/daemon.log")"
check_eq "and nothing else in the log names it" 1 "$(grep -c "broken.png" "$T/daemon.log")"
check_grep "saying why" "broken.png cannot be used (.*inflate" "$T/daemon.log"
check_eq "a bug that is not a picture: one line too" 1 "$(grep -c "junk.png" "$T/daemon.log")"
check_eq "the missing font: one line names it" 1 "$(grep -c "gone/Fancy.ttf" "$T/daemon.log")"
check_grep "and falls back to the default font" \
	"channel 9: lower thirds: the font $M/gone/Fancy.ttf cannot be read.*using DejaVu Sans" \
	"$T/daemon.log"
check_no_grep "no overlay was dropped" "overlay is off" "$T/daemon.log"
check_no_grep "no channel failed" "FAILING\|tail graph" "$T/daemon.log"
for ch in 7 8 9; do
	check_eq "channel $ch is still on the air" "on air" "$(channel_state $ch)"
done
stop_daemon
check_eq "it stops cleanly" 0 "$stop_rc"

# A machine with no fonts at all: a mount namespace hides them (and
# fontconfig is given an empty configuration).
printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n' \
	>"$T/fonts.conf"
if ! unshare -m sh -c 'mount -t tmpfs tmpfs /usr/share/fonts' 2>/dev/null; then
	ok "# SKIP no fonts at all: a mount namespace was refused (needs root or CAP_SYS_ADMIN)"
	done_testing
	exit 0
fi
: >"$T/nofonts.log"
FONTCONFIG_FILE="$T/fonts.conf" unshare -m sh -c 'mount -t tmpfs tmpfs /usr/share/fonts &&
	exec "$0" --no-ssdp --bind 127.0.0.1 --port "$1" --daemon' "$RETROVUE" "$port" \
	>"$T/nofonts.out" 2>"$T/nofonts.log" &
daemon_pid=$!
log="$T/nofonts.log"
at_exit "kill $daemon_pid 2>/dev/null; wait $daemon_pid 2>/dev/null"
i=0
while [ $i -lt 100 ] && ! curl -s -o /dev/null "$B/api/status"; do sleep 0.1; i=$((i + 1)); done
check "a daemon with no fonts at all starts" kill -0 "$daemon_pid"
curl -s -o /dev/null --max-time 30 "$B/channel/9/index.m3u8"
check "channel 9 is on the air" wait_state 9 "on air" 30
check "its segments flow" flowing 9
check_eq "it says once that there is no font at all" 1 \
	"$(grep -c "no font at all on this machine.*everything else airs" "$log")"
ffmpeg -v error -nostdin -i "$B/channel/9.ts" -t 14 -map 0 -c copy -f mpegts "$T/alert.ts" &
rec=$!
sleep 1
run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message "A test." \
	--channels 9 --station "KRVU/TV"
check_eq "an alert is sent" 0 "$rc"
wait $rec
check_eq "the channel stays on the air" "on air" "$(channel_state 9)"
ffmpeg -v error -i "$T/alert.ts" -map 0:a:0 -ac 1 -ar 22050 -f s16le "$T/alert.raw"
multimon-ng -q -t raw -a EAS "$T/alert.raw" >"$T/eas.txt" 2>/dev/null
check_grep "the alert's SAME header airs all the same" "^EAS: ZCZC-EAS-RWT-000000+0015-" "$T/eas.txt"
# Its crawl band (no words) is on the picture: the bottom of the frame turns red.
python3 - "$T/alert.ts" >"$T/red" <<'EOP'
import subprocess, sys
raw = subprocess.run(["ffmpeg", "-v", "error", "-i", sys.argv[1], "-vf",
                      "crop=iw:ih*0.1:0:ih*0.85,scale=1:1,format=rgb24", "-f", "rawvideo", "-"],
                     check=True, capture_output=True).stdout
print(sum(1 for i in range(0, len(raw) - 2, 3) if raw[i] > 120 and raw[i + 1] < 60 and raw[i + 2] < 60))
EOP
check "the alert's band airs, without its words" test "$(cat "$T/red")" -gt 25
check "the stream is continuous" $CHECK ts "$T/alert.ts"
check_no_grep "no overlay had to be dropped" "overlay is off" "$log"
check_no_grep "no channel failed" "FAILING\|tail graph" "$log"
stop_daemon
check_eq "it stops cleanly" 0 "$stop_rc"
done_testing
