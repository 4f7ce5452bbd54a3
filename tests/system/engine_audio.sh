#!/bin/sh
# The channel's audio: each item's loudness gain (from the measured
# media_files.loudness_lufs, to the -24 LUFS target) and the channel's
# preferred audio language, heard in the output by level and pitch.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/tone.mp4" 0 4 320 180 30 -f lavfi -i sine=f=440:r=48000:d=4
# Two audio tracks: English 440 Hz (the default), French 880 Hz.
ffmpeg -v error -y -f lavfi -i color=c=gray:s=320x180:r=30:d=4 \
	-f lavfi -i sine=f=440:r=48000:d=4 -f lavfi -i sine=f=880:r=48000:d=4 \
	-map 0:v -map 1:a -map 2:a -metadata:s:a:0 language=eng -metadata:s:a:1 language=fre \
	-disposition:a:0 default -disposition:a:1 0 -c:v libx264 -preset ultrafast -c:a aac \
	-shortest "$M/two.mkv"
check "the clips are made" test -s "$M/tone.mp4" -a -s "$M/two.mkv"

run_rc "$RETROVUE" db init
port=$(free_port)
t=$(($(now_ms) + 1500))
# Silent cards: the slate around the items must not count as their sound.
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den, video_bitrate_kbps,
       audio_bitrate_kbps, audio_language, card_audio) VALUES (1, '3', 'Three', 320, 180, 30, 1,
       300, 128, 'fre', 'silence');
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type, loudness_lufs) VALUES
       (1, '$M/tone.mp4', 4000, 'clip', 'manual', -24), (2, '$M/tone.mp4', 4000, 'clip', 'manual', -34),
       (3, '$M/two.mkv', 4000, 'clip', 'manual', NULL);
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title) VALUES
       (1, $t, $t + 3000, 'programme', 1, 0, 3000, 'as measured'),
       (1, $t + 3000, $t + 6000, 'commercial', 2, 0, 3000, 'quiet, +10 dB'),
       (1, $t + 6000, $t + 9000, 'programme', 3, 0, 3000, 'in French');"
# This daemon answers SSDP too (bound to loopback): a unicast M-SEARCH
# gets the device description's address.
"$RETROVUE" --bind 127.0.0.1 --port "$port" --daemon >"$T/daemon.log.out" 2>"$T/daemon.log" &
daemon_pid=$!
log="$T/daemon.log"
at_exit "kill $daemon_pid 2>/dev/null; wait $daemon_pid 2>/dev/null"
sleep 1
curl -s -m 12 -o "$T/out.ts" "http://127.0.0.1:$port/channel/3.ts" &
curl_pid=$!
if grep -q "SSDP (UDP port 1900)" "$T/daemon.log"; then
	ok "# SKIP SSDP: UDP port 1900 cannot be had here"
else
	python3 - <<'PY' >"$T/ssdp"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
         b"MX: 1\r\nST: urn:schemas-upnp-org:device:MediaServer:1\r\n\r\n", ("127.0.0.1", 1900))
try:
    print(s.recv(2048).decode())
except OSError as e:
    print("no answer:", e)
PY
	check_grep "SSDP answers an M-SEARCH with the device description" \
		"^LOCATION: http://127.0.0.1:$port/device.xml" "$T/ssdp"
fi
wait $curl_pid
stop_daemon

# Level (dBFS RMS) and pitch (zero crossings) of each 0.25 s of the output.
ffmpeg -v error -i "$T/out.ts" -map 0:a:0 -ac 1 -f s16le -ar 48000 "$T/out.raw"
python3 - "$T/out.raw" >"$T/windows" <<'PY'
import math, struct, sys
data = open(sys.argv[1], "rb").read()
s = struct.unpack("<%dh" % (len(data) // 2), data)
w = 12000
for i in range(0, len(s) - w, w):
    x = s[i:i + w]
    rms = math.sqrt(sum(v * v for v in x) / w) / 32768
    zc = sum(1 for a, b in zip(x, x[1:]) if (a < 0) != (b < 0))
    if rms > 1e-4:
        print("%.1f %d" % (20 * math.log10(rms), round(zc * 2 / 2)))
PY
python3 - "$T/windows" <<'PY'
import sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
# zero crossings per 0.25 s: 440 Hz -> 220, 880 Hz -> 440
a440 = [db for db, zc in rows if abs(zc - 220) < 15]
a880 = [db for db, zc in rows if abs(zc - 440) < 25]
print("# 440 Hz levels:", a440)
print("# 880 Hz levels:", a880)
import statistics
mid = (max(a440) + min(a440)) / 2
loud = statistics.median([x for x in a440 if x >= mid])
quiet = statistics.median([x for x in a440 if x < mid])
print("# the quiet item is %.1f dB up" % (loud - quiet))
ok = a880 and 8.5 <= loud - quiet <= 11.5
sys.exit(0 if ok else 1)
PY
check_eq "the -34 LUFS item is lifted 10 dB, and the French track airs" 0 $?

done_testing
