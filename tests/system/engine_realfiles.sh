#!/bin/sh
# Real-world files on the air: a channel airs two recordings whose format
# changes at their ad breaks (4:3 SD 29.97 fps 44.1 kHz stereo, 16:9 HD 25
# fps 48 kHz 5.1, anamorphic 16:9, back) and two commercials (one with a
# variable frame rate), each at its own raw level: one recording's
# loudness was never measured. A viewer tunes in mid-programme and records
# the endless TS; ffprobe and ffmpeg's own filters then check it: the time
# stamps run on, nothing freezes or goes silent for 1.5 s, the short-term
# loudness stays within -24 +-2 LUFS, and picture and sound stay together
# (the clock media say which instant of the file airs, tests/helpers/media.sh).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"
. "$TESTS_HELPERS/media.sh"

M="$T/media"
mkdir -p "$M"
make_changing "$M/prog1.ts"
make_changing "$M/prog2.ts" -af volume=-12dB
make_clock "$M/spot1.mp4" 6 320 180 30 -af volume=-6dB -c:v libx264 -preset ultrafast -c:a aac
ffmpeg -v error -y -f lavfi -i "$(clock_video 320 180 50 6)" -f lavfi -i "$(clock_audio 44100 stereo 6)" \
    -vf "select='lt(t,2)+between(t,2,3.99)*not(mod(n,3))+gte(t,4)*not(mod(n,2))'" -fps_mode vfr \
    -c:v libx264 -preset ultrafast -c:a aac "$M/spot2.mkv"
check "the media are made" test -s "$M/prog1.ts" -a -s "$M/prog2.ts" -a -s "$M/spot1.mp4" -a \
    -s "$M/spot2.mkv"

run_rc "$RETROVUE" db init
for f in prog1.ts prog2.ts; do run_rc "$RETROVUE" content add "$M/$f" --type movie; done
for f in spot1.mp4 spot2.mkv; do run_rc "$RETROVUE" content add "$M/$f" --type commercial; done
run_rc "$RETROVUE" validate
check_eq "validate measures every file, the changing ones too" 4 \
    "$(sql "SELECT count(*) FROM media_files WHERE loudness_lufs IS NOT NULL")"
# One recording's loudness is unknown: the engine measures it as it airs.
sql "UPDATE media_files SET loudness_lufs = NULL WHERE file_path LIKE '%prog2.ts'"
id() { sql "SELECT id FROM media_files WHERE file_path LIKE '%$1'"; }

port=$(free_port)
# prog1 has been on for 1.5 s when the viewer tunes in.
t=$(($(now_ms) - 1500))
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES (1, '5', 'Five', 320, 180, 30, 1, 400, 96);"
item() {
	sql "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms,
	       out_ms, title) VALUES (1, $t, $t + $2, '$3', $1, 0, $2, '$4')"
	t=$((t + $2))
}
item "$(id prog1.ts)" 8000 programme "Recording one"
item "$(id spot1.mp4)" 6000 commercial "Spot one"
item "$(id prog2.ts)" 8000 programme "Recording two"
item "$(id spot2.mkv)" 6000 commercial "Spot two"
check "the daemon starts" start_daemon "$T/daemon.log"
# Record the media up to a second before the schedule's end (the stream
# runs ahead of the clock: count media seconds, not wall-clock ones).
secs=$(( (t - $(now_ms)) / 1000 - 1 ))
ffmpeg -v error -i "http://127.0.0.1:$port/channel/5.ts" -t "$secs" -map 0 -c copy -f mpegts \
    "$T/rec.ts"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
check_no_grep "no item failed" "failed\|truncated or damaged" "$T/daemon.log"
check_grep "the recording of unknown loudness is measured ahead" "prog2.ts: loudness unknown; measured ahead" \
    "$T/daemon.log"

# Time stamps: both streams run on without a gap, one picture size.
$CHECK ts "$T/rec.ts" >"$T/ts.txt"
check_eq "the time stamps run on (tscheck.py ts)" 0 $?
sed 's/^/# /' "$T/ts.txt" | tail -3

# Nothing freezes or goes silent for 1.5 s (ffmpeg's own detectors).
ffmpeg -nostats -i "$T/rec.ts" -vf freezedetect=n=0.001:d=1.5 -af silencedetect=n=-50dB:d=1.5 \
    -f null - 2>"$T/detect.txt"
check_no_grep "no freeze of 1.5 s" "freeze_start" "$T/detect.txt"
check_no_grep "no silence of 1.5 s" "silence_start" "$T/detect.txt"

# Short-term loudness (3 s windows) from 3 s in: every item at -24 +-2 LUFS.
ffmpeg -nostats -i "$T/rec.ts" -map 0:a -af ebur128=metadata=1,ametadata=print:key=lavfi.r128.S \
    -f null - 2>&1 | sed -n 's/.*pts_time:\([0-9.]*\).*/\1/p;s/.*lavfi.r128.S=\(-*[0-9.]*\)/\1/p' |
    paste - - >"$T/short.txt"
awk '$1 >= 3 { n++; if ($2 < -26 || $2 > -22) { bad++; if (bad < 5) print "# " $0 }
    if (min == "" || $2 < min) min = $2; if (max == "" || $2 > max) max = $2 }
    END { printf "# short-term loudness over %d windows: %.1f to %.1f LUFS\n", n, min, max;
    exit !(n > 100 && bad == 0) }' "$T/short.txt"
check_eq "short-term loudness within -24 +-2 LUFS throughout" 0 $?

# Picture and sound together: at each beep (an instant 0 of a clock) the
# picture shows that instant (its luma is the clock's phase), within a
# tenth of a second: the spot's pictures last up to 60 ms, a channel frame
# 33 ms.
ffprobe -v error -show_entries stream=codec_type,start_time -of csv=p=0 "$T/rec.ts" >"$T/starts.txt"
ffmpeg -v error -i "$T/rec.ts" -map 0:v -fps_mode passthrough -f rawvideo -pix_fmt yuv420p \
    "$T/rec.yuv"
ffmpeg -v error -i "$T/rec.ts" -map 0:a -ac 1 -ar 48000 -f f32le "$T/rec.f32"
python3 - "$T/starts.txt" "$T/rec.yuv" "$T/rec.f32" <<'PY'
import math, struct, sys
starts = {}
for line in open(sys.argv[1]):
    f = line.strip().split(",")
    if len(f) >= 2:
        starts.setdefault(f[0], float(f[1]))
W, H, FPS = 320, 180, 30
raw = open(sys.argv[2], "rb").read()
F = W * H * 3 // 2
luma = []
for k in range(len(raw) // F):
    s = 0
    for y in range(H // 2 - 8, H // 2 + 8):
        s += sum(raw[k * F + y * W + W // 2 - 8:k * F + y * W + W // 2 + 8])
    luma.append(s / 256.0)
pcm = open(sys.argv[3], "rb").read()
x = struct.unpack("<%df" % (len(pcm) // 4), pcm)
# Beep onsets: 1 ms windows whose level jumps over half the loudest.
w = 48
lv = [math.sqrt(sum(v * v for v in x[i:i + w]) / w) for i in range(0, len(x) - w, w)]
top = sorted(lv)[int(len(lv) * 0.97)]
ons, prev = [], False
for i, l in enumerate(lv):
    b = l > top * 0.6
    t = starts["audio"] + i * w / 48000.0
    if b and not prev and (not ons or t - ons[-1] > 0.5):
        ons.append(t)
    prev = b
bad = checked = 0
worst = 0.0
for t in ons:
    k = int(round((t - starts["video"]) * FPS))
    if k < 0 or k >= len(luma) or luma[k] < 24:
        continue
    ph = (luma[k] - 30) / 192.0
    d = min(ph % 1.0, 1 - ph % 1.0)
    checked += 1
    worst = max(worst, d)
    if d > 0.1:
        bad += 1
        if bad < 5:
            print("# beep at %.3f s: the picture shows phase %.3f" % (t, ph))
print("# %d beeps, %d with their picture more than 100 ms away (the farthest %d ms)" %
      (checked, bad, worst * 1000))
sys.exit(0 if checked >= 15 and bad == 0 else 1)
PY
check_eq "each beep airs with its picture (A/V in step)" 0 $?

done_testing
