#!/bin/sh
# Pictures of every shape and range on channels of every shape: the
# active picture (what is not letter- or pillarbox black) measured in
# frames of the live HLS at each item's time. A 4:3 picture on a 16:9
# channel pillarboxes, stretches or zooms (cropped: its top bar is gone)
# by the channel's --aspect; an anamorphic DVD rip (720x480, SAR 32:27)
# shows 16:9 in every policy; a 4:3 channel (640x480, or 720x480 with
# --display-aspect 4:3 and its 8:9 pixels signalled) letterboxes 16:9;
# HDR10 (PQ) and HLG 10-bit BT.2020 pictures come out 8-bit BT.709 (and
# say so), tone mapped: white stays bright, a dark grey stays dark, not
# the flat grey of PQ shown as it is.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"
PIC="python3 $TESTS_HELPERS/picture.py"

M="$T/media"
mkdir -p "$M"
# enc OUT SOURCE [ARGS]: 3 s of a lavfi picture with a tone.
enc() {
	o=$1 src=$2
	shift 2
	ffmpeg -v error -y -f lavfi -i "$src" -f lavfi -i sine=f=440:r=48000:d=3 -c:v libx264 \
		-preset ultrafast -g 30 -c:a aac -shortest "$@" "$o"
}
# A 4:3 picture: grey with a white bar along its top (a zoom crops it off).
enc "$M/43.mp4" "color=c=0x909090:s=320x240:r=30:d=3,drawbox=x=0:y=0:w=320:h=20:color=white:t=fill,format=yuv420p"
# A DVD rip: 720x480 stored, 16:9 shown (pixels 32:27).
enc "$M/dvd.mkv" "color=c=0x909090:s=720x480:r=30:d=3,setsar=32/27,format=yuv420p"
# 16:9, square pixels.
enc "$M/wide.mp4" "color=c=0x909090:s=320x180:r=30:d=3,format=yuv420p"
# HDR: white (at HDR's reference white, 203 nits) and a dark grey, as
# PQ (HDR10) and HLG, 10-bit BT.2020.
HDRSRC="color=c=white:s=320x180:r=30:d=3,drawbox=x=160:y=0:w=160:h=180:color=0x404040:t=fill,format=yuv420p"
for tr in smpte2084 arib-std-b67; do
	enc "$M/$tr.mkv" "$HDRSRC" -vf "zscale=tin=709:pin=709:min=709:rin=tv:t=$tr:p=2020:m=2020_ncl:r=tv:npl=203,format=yuv420p10le" \
		-pix_fmt yuv420p10le -color_primaries bt2020 -color_trc $tr -colorspace bt2020nc
done
enc "$M/sdr.mp4" "$HDRSRC"
check "the test files are made" test -s "$M/43.mp4" -a -s "$M/dvd.mkv" -a -s "$M/smpte2084.mkv" \
	-a -s "$M/arib-std-b67.mkv"
check_eq "the HDR10 file is 10-bit PQ" "yuv420p10le,bt2020nc,smpte2084,bt2020" \
	"$(ffprobe -v error -select_streams v -show_entries stream=pix_fmt,color_space,color_transfer,color_primaries -of csv=p=0 "$M/smpte2084.mkv")"

run_rc "$RETROVUE" db init
fmt="--format 320x180@30 --video-kbps 300"
run_rc "$RETROVUE" channel add 11 "Pillarbox" $fmt
run_rc "$RETROVUE" channel add 12 "Stretch" $fmt --aspect stretch
run_rc "$RETROVUE" channel add 13 "Zoom" $fmt --aspect zoom
check_eq "--aspect zoom is taken" 0 "$rc"
run_rc "$RETROVUE" channel add 14 "Square 4:3" --format 640x480@30 --video-kbps 300
run_rc "$RETROVUE" channel add 15 "NTSC 4:3" --format 720x480@30 --video-kbps 300 --display-aspect 4:3
check_eq "--display-aspect 4:3 is taken" 0 "$rc"
run_rc "$RETROVUE" channel edit 15 --aspect squash
check_eq "an unknown aspect policy is refused" 1 "$rc"
run_rc "$RETROVUE" channel edit 15 --display-aspect wide
check_grep "... and a display aspect that is not a ratio" "not like 4:3" "$T/err"
# Nothing drawn over the pictures (the lower thirds would be lit pixels).
for n in 11 12 13 14 15; do
	run_rc "$RETROVUE" graphics $n enabled=off
done
check_eq "the graphics are off" 0 "$rc"
sql "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type, loudness_lufs) VALUES
       (1, '$M/43.mp4', 3000, 'clip', 'manual', -24), (2, '$M/dvd.mkv', 3000, 'clip', 'manual', -24),
       (3, '$M/wide.mp4', 3000, 'clip', 'manual', -24), (4, '$M/smpte2084.mkv', 3000, 'clip', 'manual', -24),
       (5, '$M/arib-std-b67.mkv', 3000, 'clip', 'manual', -24), (6, '$M/sdr.mp4', 3000, 'clip', 'manual', -24);
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '120');"
# Time enough for the daemon to start (a sanitizer build is slow) before the first item.
t=$(($(now_ms) + 5000))
# Channel N airs files F... for 2 s each from t.
air() {
	n=$1
	shift
	k=0
	for f in "$@"; do
		sql "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
		     SELECT id, $t + $k * 2000, $t + $k * 2000 + 2000, 'programme', $f, 0, 2000, 'item $f'
		     FROM channels WHERE number = '$n'"
		k=$((k + 1))
	done
}
air 11 1 2 4 5 6
air 12 1 2
air 13 1 2
air 14 3 2 1
air 15 3 2 1
port=$(free_port)
start_daemon "$T/daemon.log" --max-channels 8
for n in 11 12 13 14 15; do
	curl -s -o /dev/null "http://127.0.0.1:$port/channel/$n/index.m3u8"
done
# Channel N's pictures a second into each of its K items, fetched as the
# channel encodes them (ahead of the clock) by one helper per channel.
pics() {
	n=$1 k=0 at=""
	while [ $k -lt $2 ]; do
		at="$at $((t + k * 2000 + 1000))"
		k=$((k + 1))
	done
	PICTURE_SAVE=1 $PIC "http://127.0.0.1:$port/channel/$n/index.m3u8" "$T/pic.$n" $at &
}
pics 11 5
w11=$!
pics 12 2
w12=$!
pics 13 2
w13=$!
pics 14 3
w14=$!
pics 15 3
w15=$!
wait $w11 $w12 $w13 $w14 $w15
for f in "$T"/pic.1[1-5].[0-9]; do
	diag "channel ${f#$T/pic.}: $(cat "$f")"
done
stop_daemon

# expect N K DESCRIPTION PYTHON-CONDITION: on the picture's JSON (p).
expect() {
	f="$T/pic.$1.$2"
	d=$3
	cond=$4
	shift 4
	if python3 -c "import json, sys; p = json.load(open(sys.argv[1])); sys.exit(0 if ($cond) else 1)" \
		"$f" "$@" 2>/dev/null; then ok "$d"; else not_ok "$d"; diag "$(cat "$f")"; fi
}
expect 11 0 "16:9 channel, pillarbox: a 4:3 picture is 240x180 between black bars" \
	'p["aw"] == 240 and p["ah"] == 180 and p["x0"] == 40'
expect 11 0 "... its top bar shows" 'p["left"] > 140 and p["y0"] == 0'
expect 11 1 "... a DVD rip (anamorphic 16:9) fills the frame" 'p["aw"] == 320 and p["ah"] == 180'
expect 12 0 "stretch: the 4:3 picture fills the frame" 'p["aw"] == 320 and p["ah"] == 180'
expect 12 1 "... the DVD rip too" 'p["aw"] == 320 and p["ah"] == 180'
expect 13 0 "zoom: the 4:3 picture fills the frame" 'p["aw"] == 320 and p["ah"] == 180'
expect 13 0 "... cropped: its top bar is gone (the same grey as the stretched one's middle)" \
	'abs(p["apl"] - 144) < 6'
expect 13 1 "... the DVD rip fills it uncropped" 'p["aw"] == 320 and p["ah"] == 180'
expect 14 0 "640x480 channel: 16:9 letterboxes to 640x360" 'p["aw"] == 640 and p["ah"] == 360 and p["y0"] == 60'
expect 14 1 "... the DVD rip too (its 16:9, not its 3:2 storage)" 'p["aw"] == 640 and p["ah"] == 360'
expect 14 2 "... 4:3 fills it" 'p["aw"] == 640 and p["ah"] == 480'
expect 15 0 "720x480 at 4:3: its pixels are signalled 8:9" 'p["w"] == 720 and p["sar"] == "8:9"'
expect 15 0 "... 16:9 letterboxes to 720x360" 'p["aw"] == 720 and p["ah"] == 360 and p["y0"] == 60'
expect 15 1 "... the DVD rip too" 'p["aw"] == 720 and p["ah"] == 360'
expect 15 2 "... 4:3 (square pixels) fills it" 'p["aw"] == 720 and p["ah"] == 480'
# HDR: item 2 PQ, 3 HLG, 4 the same picture in SDR.
expect 11 2 "the output says BT.709 (matrix, transfer, primaries)" \
	'(p["space"], p["transfer"], p["primaries"]) == ("bt709", "bt709", "bt709")'
for k in 2 3; do
	kind=$([ $k = 2 ] && echo "HDR10 (PQ)" || echo HLG)
	expect 11 $k "$kind tone mapped: white stays bright (luma over 185)" 'p["left"] > 185'
	expect 11 $k "... a dark grey stays dark (55 to 90)" '55 <= p["right"] <= 90'
	expect 11 $k "... not washed out: contrast over 110 levels" 'p["left"] - p["right"] > 110'
	expect 11 $k "... its average picture level within 25 levels of the SDR picture's" \
		'abs(p["apl"] - json.load(open(sys.argv[2]))["apl"]) < 25' "$T/pic.11.4"
done

done_testing
