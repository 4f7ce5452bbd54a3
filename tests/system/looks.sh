#!/bin/sh
# Looks: channels set to crt, vhs and clean from the command line, the
# real daemon airing a grey picture with a red right half; a frame taken
# from each channel's stream shows the look: the CRT's scan lines (every
# other line darker, lines two apart alike), the VHS colour shifted right
# of the light, neither on the clean channel. The look covers the slate
# too, and an emergency alert's crawl only where look_alerts says: on the
# channel whose alerts stay crisp the red band has no scan lines, on the
# other it has.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
ffmpeg -v error -y -f lavfi -i "color=c=0x808080:s=320x180:r=30:d=120,drawbox=x=160:y=0:w=160:h=180:c=0xC02020:t=fill" \
	-f lavfi -i "sine=f=440:r=48000:d=120" -ac 2 -c:v libx264 -preset ultrafast -crf 12 \
	-g 30 -pix_fmt yuv420p -c:a aac -shortest "$M/grey.mp4"
check "the test clip is made" test -s "$M/grey.mp4"

run_rc "$RETROVUE" db init
port=$(free_port)
t=$(($(now_ms) - 2000))
for n in 2 3 4 5 6; do
	sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
	       video_bitrate_kbps, audio_bitrate_kbps) VALUES ($n, '$n', 'Look $n', 320, 180, 30, 1, 1500, 96)"
done

# The settings, from the command line: checked, shown.
run_rc "$RETROVUE" channel edit 2 --look crt --look-alerts no
check_eq "channel edit --look crt --look-alerts no" 0 "$rc"
run_rc "$RETROVUE" channel edit 3 --look vhs --look-strength 60
check_eq "channel edit --look vhs --look-strength 60" 0 "$rc"
run_rc "$RETROVUE" channel edit 5 --look crt
run_rc "$RETROVUE" channel edit 6 --look crt
run_rc "$RETROVUE" channel edit 4 --look sepia
check_eq "an unknown look is refused" 1 "$rc"
check_grep "naming the looks" "'sepia' is not one of clean, crt, vhs" "$T/err"
run_rc "$RETROVUE" channel edit 4 --look-strength 0
check_grep "a strength out of range is refused" "1 to 100" "$T/err"
run_rc "$RETROVUE" channel show 2
check_grep "channel show: the look" "look: *crt" "$T/out"
check_grep "its strength" "look strength: *50" "$T/out"
check_grep "and that alerts stay crisp" "alert look: *no" "$T/out"
run_rc "$RETROVUE" channel show 3
check_grep "channel 3: vhs at 60" "look strength: *60" "$T/out"
# The schedule, written straight in; channel 6 has none: it airs the slate.
sql "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/grey.mp4', 120000, 'clip', 'manual');
     WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 9)
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t + n * 120000, $t + (n + 1) * 120000, 'programme', 1, 0, 120000, 'Grey'
       FROM channels, k WHERE id < 6;
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '600'), ('alert.audio', 'none');"

check "the daemon starts" start_daemon "$T/daemon.log" --max-channels 6
for n in 2 3 4 5 6; do
	curl -s -o /dev/null "http://127.0.0.1:$port/channel/$n/index.m3u8"
done
for n in 2 3 4 5 6; do
	check "channel $n goes on the air" wait_state "$n" "on air" 30
done
check_grep "channel 2 says its look" "channel 2: crt look at strength 50 (an emergency alert stays crisp)" "$T/daemon.log"
check_grep "channel 5 says it covers alerts" "channel 5: crt look at strength 50, over the emergency alerts too" "$T/daemon.log"

# grab N NAME: the first picture of channel N's newest segment, as raw yuv420p.
grab() {
	curl -s -o "$T/$2.m3u8" "http://127.0.0.1:$port/channel/$1/index.m3u8"
	seg=$(grep -v '^#' "$T/$2.m3u8" | tail -1 | tr -d '\r')
	curl -s -o "$T/$2.ts" "http://127.0.0.1:$port/channel/$1/$seg"
	ffmpeg -v error -y -i "$T/$2.ts" -frames:v 1 -f rawvideo -pix_fmt yuv420p "$T/$2.yuv"
}
# measure NAME: what a picture shows, as "name value" lines.
measure() {
	python3 - "$T/$1.yuv" <<'PY'
import sys
W, H = 320, 180
d = open(sys.argv[1], "rb").read()
Y = lambda x, y: d[y * W + x]
V = lambda x, y: d[W * H + (W // 2) * (H // 2) + y * (W // 2) + x]
def rows(y0, y1, x0, x1):
    return [sum(Y(x, y) for x in range(x0, x1)) / (x1 - x0) for y in range(y0, y1)]
def period(r):
    d1 = sum(abs(r[i] - r[i + 1]) for i in range(len(r) - 1)) / (len(r) - 1)
    d2 = sum(abs(r[i] - r[i + 2]) for i in range(len(r) - 2)) / (len(r) - 2)
    return d1, d2
d1, d2 = period(rows(50, 110, 20, 140))
print("lines %.1f %.1f" % (d1, d2))
# Where the grey/red edge is, in the light and in the colour (row 60, x 120..200).
def edge(vals, lo, hi):
    mid = (lo + hi) / 2
    for i in range(1, len(vals)):
        if (vals[i - 1] - mid) * (vals[i] - mid) <= 0 and vals[i] != vals[i - 1]:
            return i - 1 + (mid - vals[i - 1]) / (vals[i] - vals[i - 1])
    return -1
ly = [sum(Y(x, y) for y in range(56, 64)) / 8 for x in range(120, 200)]
cv = [sum(V(x, y) for y in range(28, 32)) / 4 for x in range(60, 100)]
print("edge %.1f %.1f" % (120 + edge(ly, ly[0], ly[-1]), 120 + 2 * edge(cv, cv[0], cv[-1])))
# The alert's red band, clear of its words: rows 151-154 and 167-170.
band = rows(151, 155, 0, W)
band2 = rows(167, 171, 0, W)
b1 = (period(band)[0] + period(band2)[0]) / 2
print("band %.1f %.1f" % (b1, sum(V(x, 80) for x in range(80)) / 80))
PY
}
val() { sed -n "s/^$2 //p" "$T/$1.m" | cut -d' ' -f"$3"; }
above() { python3 -c "import sys; sys.exit(0 if ($1) >= ($2) else 1)"; }

for n in 2 3 4 6; do
	grab "$n" "ch$n"
	measure "ch$n" >"$T/ch$n.m"
	sed "s/^/# channel $n: /" "$T/ch$n.m"
done
check "CRT: every other line is darker (scan lines)" above "$(val ch2 lines 1)" 8
check "and lines two apart are alike" above 3 "$(val ch2 lines 2)"
check "clean: no scan lines" above 2 "$(val ch4 lines 1)"
check "VHS: the colour lands right of the light" \
	above "$(val ch3 edge 2) - $(val ch3 edge 1)" 2
check "clean: colour and light together" \
	above 1.5 "abs($(val ch4 edge 2) - $(val ch4 edge 1))"
check "VHS: no scan lines" above 3 "$(val ch3 lines 1)"
# The slate has words: its scan lines show as neighbours differing more than lines two apart.
check "the slate has the look too" above "$(val ch6 lines 1) - $(val ch6 lines 2)" 5

# An emergency alert on channels 2 (look under the alerts) and 5 (over them).
run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message "Looks." --channels 2,5
check_eq "an alert is sent" 0 "$rc"
banded() {
	grab "$1" "al$1"
	measure "al$1" >"$T/al$1.m"
	# The band is red: V well above grey under it.
	above "$(val "al$1" band 2)" 170
}
check "channel 2 airs the crawl" wait_for 15 banded 2
check "channel 5 airs the crawl" wait_for 15 banded 5
sed 's/^/# channel 2 with the alert: /' "$T/al2.m"
sed 's/^/# channel 5 with the alert: /' "$T/al5.m"
check "look_alerts no: the crawl's band is crisp (no scan lines)" above 5 "$(val al2 band 1)"
check "look_alerts yes: the look covers the band too" above "$(val al5 band 1)" 8
check "under the band, channel 2's picture keeps its scan lines" above "$(val al2 lines 1)" 8

stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
check_no_grep "no look was dropped" "the look overlay is off" "$T/daemon.log"
check_no_grep "no error from the sanitizers" "ERROR: .*Sanitizer" "$T/daemon.log"

done_testing
