#!/bin/sh
# On-air graphics: the bug shows in programmes and hides in breaks, "Up
# next" closes the last break before a programme and "Now" opens it, a
# title full of awkward characters never breaks the filter graph, and a
# channel with graphics off shows none. Read from the real stream, frame
# by frame, with the frame codes saying which item each frame is from.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/show.mp4" 0 8 320 180 30 -f lavfi -i sine=f=440:r=48000:d=8 -ac 2
clip "$M/ad.mp4" 1 6 320 180 30 -f lavfi -i sine=f=660:r=48000:d=6 -ac 2
clip "$M/next.mp4" 2 8 320 180 30 -f lavfi -i sine=f=550:r=48000:d=8 -ac 2
ffmpeg -v error -f lavfi -i "color=red:s=40x40,format=rgba" -frames:v 1 "$M/bug.png"
check "the test media is made" test -s "$M/next.mp4" -a -s "$M/bug.png"

run_rc "$RETROVUE" db init
port=$(free_port)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps, bug_path) VALUES
       (1, '7', 'Seven', 320, 180, 30, 1, 600, 64, '$M/bug.png'),
       (2, '8', 'Eight', 320, 180, 30, 1, 600, 64, '$M/bug.png');
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/show.mp4', 8000, 'clip', 'manual'), (2, '$M/ad.mp4', 6000, 'clip', 'manual'),
       (3, '$M/next.mp4', 8000, 'clip', 'manual');"

# The command line checks what it stores.
run_rc "$RETROVUE" graphics 7 bug_position=bottom-right bug_size=20 bug_margin=4 \
	bug_opacity=1 lt_box_color=0x00ff00 lt_accent=0xff00ff upnext_seconds=3 now_seconds=2
check_eq "graphics settings are stored" 0 "$rc"
check_grep "and shown" "bug_position *bottom-right" "$T/out"
run_rc "$RETROVUE" graphics 7 lt_color=notacolour
check_eq "a bad colour is refused" 1 "$rc"
check_grep "saying why" "lt_color: 'notacolour' is not a colour" "$T/err"
run_rc "$RETROVUE" graphics 7 bug_size=99 lt_color=red
check_grep "an out-of-range size is refused" "bug_size: '99' must be a number from 2 to 50" "$T/err"
check_eq "and nothing of that command changed" "white" \
	"$(sql "SELECT lt_color FROM channel_graphics WHERE channel_id = 1")"
run_rc "$RETROVUE" graphics 7 colour=red
check_grep "an unknown key is refused" "no graphics setting 'colour'" "$T/err"
run_rc "$RETROVUE" graphics 42
check_eq "an unknown channel is refused" 1 "$rc"
run_rc "$RETROVUE" graphics 8 enabled=off
check_eq "graphics can be switched off" 0 "$rc"

# Programme A (act 1, 5 s), a 5 s break, programme B (act 1) with an awkward title.
t=$(($(now_ms) + 2500))
T0=$t
for ch in 1 2; do
	sql "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id,
	       in_ms, out_ms, programme_start_ms, act, title) VALUES
	     ($ch, $t, $t + 5000, 'programme', 1, 0, 5000, $t, 1, 'Show A / Pilot'),
	     ($ch, $t + 5000, $t + 10000, 'commercial', 2, 0, 5000, $t, 0, 'Ad'),
	     ($ch, $t + 10000, $t + 18000, 'programme', 3, 0, 8000, $t + 10000, 1,
	      'It''s 100%: \"Ça\" \\\\ [Test]; a,b = ü / Épisode')"
done
check "the daemon starts" start_daemon "$T/daemon.log"
pids=
for ch in 7 8; do
	ffmpeg -v error -i "http://127.0.0.1:$port/channel/$ch.ts" -t 17 -map 0 -c copy \
		-f mpegts "$T/rec$ch.ts" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done

# Per frame: the item (from the code), the frame in it, and two pixels:
# the bug's centre (bottom-right) and the left edge of the lower third's
# title box (bottom-left).
frames() {
	python3 - "$1" <<'PY'
import subprocess, sys
w, h = 320, 180
raw = subprocess.run(["ffmpeg", "-v", "error", "-i", sys.argv[1], "-f", "rawvideo",
                      "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
size = w * h * 3
def px(f, x, y):
    o = f * size + (y * w + x) * 3
    return raw[o], raw[o + 1], raw[o + 2]
for f in range(len(raw) // size):
    code = 0
    for bit in range(16):
        if px(f, int((bit + 0.5) * w / 16), h // 8)[1] > 128:
            code |= 1 << bit
    bug = px(f, w - 7 - 18, h - 7 - 18)
    lt = px(f, int(w * 0.06) - 2, int(h * 0.795) + 4)
    red = bug[0] > 180 and bug[1] < 80 and bug[2] < 80
    green = lt[1] > 180 and lt[0] < 80 and lt[2] < 80
    print(code // 4096, code % 4096, int(red), int(green))
PY
}
frames "$T/rec7.ts" >"$T/f7"
frames "$T/rec8.ts" >"$T/f8"
diag "channel 7: $(wc -l <"$T/f7") frames, items $(cut -d' ' -f1 "$T/f7" | uniq | tr '\n' ' ')"

# judge FILE AWK-CONDITION: every frame matching the condition (item, n) in
# FILE has bug/lower-third flags as asked; prints "ok" or what failed.
expect() {
	awk -v want="$3" "$2 { n++; if (\$$4 != want) bad++ } END {
		if (n < 5) print \"only \" n \" frames\"; else if (bad) print bad \" of \" n; else print \"ok\" }" "$1"
}
# (Before programme A the slate airs: its code reads as item 0, frame 508.)
check_eq "the bug shows during the programme" ok "$(expect "$T/f7" '$1 == 0 && $2 < 400' 1 3)"
check_eq "the bug hides during the break" ok "$(expect "$T/f7" '$1 == 1 && $2 > 3' 0 3)"
check_eq "the bug is back for the next programme" ok "$(expect "$T/f7" '$1 == 2 && $2 > 3' 1 3)"
check_eq "'Now' as the first programme starts" ok "$(expect "$T/f7" '$1 == 0 && $2 < 57' 1 4)"
check_eq "no lower third in the programme's body" ok "$(expect "$T/f7" '$1 == 0 && $2 > 65 && $2 < 400' 0 4)"
check_eq "no bug on the slate" ok "$(expect "$T/f7" '$1 == 0 && $2 == 508' 0 3)"
check_eq "no 'Up next' early in the break" ok "$(expect "$T/f7" '$1 == 1 && $2 < 55' 0 4)"
check_eq "'Up next' in the break's last 3 s" ok "$(expect "$T/f7" '$1 == 1 && $2 > 63' 1 4)"
check_eq "'Now' in the first 2 s of the next programme" ok "$(expect "$T/f7" '$1 == 2 && $2 < 57' 1 4)"
check_eq "then it goes" ok "$(expect "$T/f7" '$1 == 2 && $2 > 65' 0 4)"
check_eq "with graphics off: no bug" ok "$(expect "$T/f8" '$1 == 0 || $1 == 2' 0 3)"
check_eq "with graphics off: no lower third" ok "$(expect "$T/f8" '$1 <= 2' 0 4)"
check_no_grep "the awkward title never broke a graph" "cannot set the title\|tail graph" "$T/daemon.log"
check_grep "and the programme after it aired" "^2 " "$T/f7"
if $CHECK ts "$T/rec7.ts" >"$T/ts7.txt" 2>&1; then ok "the stream stays continuous through the graphics changes"; else not_ok "stream continuity"; sed 's/^/# /' "$T/ts7.txt"; fi

stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
check_no_grep "no error from the sanitizers" "ERROR: .*Sanitizer" "$T/daemon.log"

done_testing
