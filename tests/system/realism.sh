#!/bin/sh
# Realism on the air: a channel scheduled to be off the air now airs SMPTE
# colour bars and a 1 kHz tone at -20 dBFS (measured with volumedetect and
# astats on the real stream), the guide says "Off air"; a rating card and a
# generated "coming up next" bumper air in their places (the picture of
# each frame, and the as-run log).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/show.mp4" 0 4 320 180 30 -f lavfi -i sine=f=440:r=48000:d=4 -ac 2
clip "$M/next.mp4" 1 4 320 180 30 -f lavfi -i sine=f=550:r=48000:d=4 -ac 2
ffmpeg -v error -f lavfi -i sine=f=880:r=48000:d=6 -ac 2 "$M/anthem.wav"
check "the test media is made" test -s "$M/next.mp4" -a -s "$M/anthem.wav"

run_rc "$RETROVUE" db init
port=$(free_port)

# Channel 7 signs off two hours ago (UTC) and on in two hours: off the air now.
off=$(date -u -d '-2 hours' +%H:00)
on=$(date -u -d '+2 hours' +%H:00)
run_rc "$RETROVUE" channel add 7 Seven --call-sign WRVT --timezone UTC --format 320x180@30 \
	--video-kbps 600 --audio-kbps 128 --off-air "$off-$on" --test-card bars
check_eq "a channel with off-air hours is added" 0 "$rc"
run_rc "$RETROVUE" channel show 7
check_grep "channel show tells the off-air hours" "off the air: *$off to $on, colour bars and tone" "$T/out"
run_rc "$RETROVUE" channel edit 7 --off-air 25:00-06:00
check_eq "a bad off-air time is refused" 2 "$rc"
check_grep "saying what it wants" "like 02:00-06:00" "$T/err"
run_rc "$RETROVUE" channel edit 7 --anthem "$M/none.wav"
check_grep "a missing anthem file is refused" "anthem .*none.wav: no such file" "$T/err"
run_rc "$RETROVUE" schedule show 7 --from now --hours 1
check_grep "the schedule says off air now" "offair .*Off air" "$T/out"
run_rc "$RETROVUE" schedule check 7
check_eq "and passes the checker" 0 "$rc"
run_rc "$RETROVUE" guide xmltv
check_grep "the guide says Off air" "<title[^>]*>Off air</title>" "$T/out"

# Channel 8: a rating card, a programme, a generated bumper, the next programme,
# then the sign-off with its anthem (880 Hz) and bars.
sql "INSERT INTO channels (id, number, name, call_sign, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps, anthem_path) VALUES
       (8, '8', 'Eight', 'WRVE', 320, 180, 30, 1, 600, 64, '$M/anthem.wav');
     INSERT INTO channel_graphics (channel_id, enabled, lt_box_color) VALUES (8, 0, '0x00ff00');
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/show.mp4', 4000, 'clip', 'manual'), (2, '$M/next.mp4', 4000, 'clip', 'manual');"
t=$(($(now_ms) + 5000))
sql "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms,
       out_ms, programme_start_ms, act, title) VALUES
     (8, $t, $t + 3000, 'rating_card', NULL, 0, 3000, $t, NULL, 'Rated TV-PG'),
     (8, $t + 3000, $t + 7000, 'programme', 1, 0, 4000, $t, 1, 'Show A'),
     (8, $t + 7000, $t + 10000, 'next_bumper', NULL, 0, 3000, $t, NULL, 'Coming up next'),
     (8, $t + 10000, $t + 14000, 'programme', 2, 0, 4000, $t + 10000, 1, 'Show B / Part Two'),
     (8, $t + 14000, $t + 18000, 'signoff', NULL, 0, 4000, $t + 14000, NULL, 'Sign-off'),
     (8, $t + 18000, $t + 30000, 'offair', NULL, 0, 12000, $t + 14000, NULL, 'Off air');"

check "the daemon starts" start_daemon "$T/daemon.log"
ffmpeg -v error -i "http://127.0.0.1:$port/channel/7.ts" -t 8 -map 0 -c copy -f mpegts \
	"$T/rec7.ts" &
p7=$!
ffmpeg -v error -i "http://127.0.0.1:$port/channel/8.ts" -t 25 -map 0 -c copy -f mpegts \
	"$T/rec8.ts" &
p8=$!
wait $p7
wait $p8
check "channel 7 was recorded" test -s "$T/rec7.ts"

# The tone: 1 kHz (zero crossings 2000 per 48000 samples) peaking at -20 dBFS.
ffmpeg -v info -i "$T/rec7.ts" -ss 1 -af volumedetect,astats=metadata=0 -vn -f null - \
	>"$T/vol.txt" 2>&1
peak=$(sed -n 's/.*max_volume: \(-*[0-9.]*\) dB/\1/p' "$T/vol.txt")
mean=$(sed -n 's/.*mean_volume: \(-*[0-9.]*\) dB/\1/p' "$T/vol.txt")
zcr=$(sed -n 's/.*Zero crossings rate: \([0-9.]*\)/\1/p' "$T/vol.txt" | tail -1)
diag "off air: peak $peak dB, mean $mean dB, zero crossings rate $zcr"
check "the tone is a sine at -20 dBFS: RMS -23.0 dB (within 0.3 dB)" \
	python3 -c "import sys; sys.exit(abs(float('$mean') + 23.01) > 0.3)"
check "its peak is -20 dBFS (within 1.2 dB: AAC adds overshoot)" \
	python3 -c "import sys; sys.exit(abs(float('$peak') + 20) > 1.2)"
check "it is 1 kHz" python3 -c "import sys; sys.exit(abs(float('$zcr') - 1/24) > 0.002)"

# The picture: the SMPTE bars (grey, yellow ... blue across the top two thirds).
ffmpeg -v error -ss 2 -i "$T/rec7.ts" -frames:v 1 -f rawvideo -pix_fmt rgb24 "$T/bars.rgb"
bars=$(python3 - "$T/bars.rgb" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
w = 320
def px(x, y):
    o = (y * w + x) * 3
    return raw[o], raw[o + 1], raw[o + 2]
def near(p, q):
    return all(abs(a - b) < 30 for a, b in zip(p, q))
want = [(22, (191, 191, 191)), (68, (191, 191, 0)), (114, (0, 191, 191)), (160, (0, 191, 0)),
        (206, (191, 0, 191)), (251, (191, 0, 0)), (297, (0, 0, 191))]
print("ok" if all(near(px(x, 40), c) for x, c in want) else
      " ".join(str(px(x, 40)) for x, _ in want))
PY
)
check_eq "the picture is colour bars" ok "$bars"

# Channel 8, frame by frame: black (the rating card), the show, green (the bumper).
python3 - "$T/rec8.ts" >"$T/f8" <<'PY'
import subprocess, sys
w, h = 320, 180
raw = subprocess.run(["ffmpeg", "-v", "error", "-i", sys.argv[1], "-f", "rawvideo",
                      "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
size = w * h * 3
for f in range(len(raw) // size):
    o = f * size
    # The frame's corners and edge midpoints: all black on the card, all green on the bumper.
    pts = [raw[o + (y * w + x) * 3:o + (y * w + x) * 3 + 3]
           for x, y in ((5, 5), (314, 5), (5, 174), (314, 174), (160, 5), (5, 90), (314, 90))]
    if all(max(p) < 30 for p in pts):
        print("card")
    elif all(p[1] > 180 and p[0] < 80 and p[2] < 80 for p in pts):
        print("bumper")
    else:
        print("other")
PY
runs=$(uniq -c "$T/f8" | awk '{ printf "%s:%d ", $2, $1 }')
diag "channel 8: $runs"
check_eq "the rating card airs, then the show, the bumper, the next show, the sign-off, bars" \
	"card other bumper other bumper other" \
	"$(uniq "$T/f8" | grep -v '^$' | sed -n '/card/,$p' | head -6 | tr '\n' ' ' | sed 's/ $//')"
check "the card lasts its 3 s (90 frames, give or take 3)" \
	test "$(grep -c card "$T/f8")" -ge 87 -a "$(grep -c card "$T/f8")" -le 93
nb=$(uniq -c "$T/f8" | awk '$2 == "bumper" { print $1; exit }')
check "the bumper lasts its 3 s (90 frames, give or take 3)" test "$nb" -ge 87 -a "$nb" -le 93

# The sign-off (the second run on the channel's colours) plays the anthem: 880 Hz.
so=$(awk '$1 == "bumper" && prev != "bumper" { run++ } run == 2 && $1 == "bumper" {
	if (!first) first = NR; last = NR } { prev = $1 } END { print first, last }' "$T/f8")
set -- $so
if [ -n "${2:-}" ]; then
	ffmpeg -v info -ss "$(awk -v f="$1" 'BEGIN { print (f + 10) / 30 }')" -t 2 -i "$T/rec8.ts" \
		-vn -af astats=metadata=0 -f null - >"$T/anthem.txt" 2>&1
	zcr8=$(sed -n 's/.*Zero crossings rate: \([0-9.]*\)/\1/p' "$T/anthem.txt" | tail -1)
	diag "sign-off frames $1-$2, zero crossings rate $zcr8"
	check "the sign-off plays the anthem file (880 Hz)" \
		python3 -c "import sys; sys.exit(abs(float('${zcr8:-0}') - 880 / 24000) > 0.002)"
else
	not_ok "the sign-off card was on the air"
fi

stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
check_eq "the as-run log has the card, the bumper and the sign-off, aired" "next_bumper|aired
rating_card|aired
signoff|aired" "$(sql "SELECT s.kind, p.status FROM playout_logs p JOIN schedule_items s
	ON s.id = p.schedule_item_id WHERE s.kind IN ('rating_card', 'next_bumper', 'signoff')
	ORDER BY s.kind")"
check_eq "and the bars, for channel 7" "offair|Off air" "$(sql "SELECT s.kind, p.title FROM
	playout_logs p JOIN schedule_items s ON s.id = p.schedule_item_id WHERE p.channel_id =
	(SELECT id FROM channels WHERE number = '7') LIMIT 1")"
check_no_grep "no card failed to draw" "could not be drawn\|drawing " "$T/daemon.log"

done_testing
