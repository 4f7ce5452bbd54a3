#!/bin/sh
# A cold tune-in starts with a buffer: the first playlist holds at least a
# second of media, audio and video of the first segment start together,
# the channel then runs three segments ahead of the clock, and a player
# that starts where a live HLS client does (tests/helpers/hlssim.py) plays without
# a stall, about a second behind the clock. A warm tune-in starts three
# target durations behind the live edge with the same buffer. The endless
# TS starts at the segment on the air, with what runs ahead as its buffer.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/a.mp4" 1 30 320 180 25 -f lavfi -i sine=f=440:r=48000:d=30
run_rc "$RETROVUE" db init
t=$(now_ms)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps)
       VALUES (1, '6', 'Six', 320, 180, 25, 1, 300, 64);
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/a.mp4', 30000, 'clip', 'manual');
     WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 60)
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT 1, $t - 5000 + n * 30000, $t + 25000 + n * 30000, 'programme', 1, 0, 30000,
              'Clip ' || n FROM k;"
port=$(free_port)
check "the daemon starts" start_daemon "$T/daemon.log"
U="http://127.0.0.1:$port/channel/6"

# Cold: the first playlist request starts the channel.
python3 "$TESTS_HELPERS/hlssim.py" "$U/index.m3u8" 12 --json >"$T/cold.json"
diag "cold tune-in: $(cat "$T/cold.json")"
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
check_eq "a cold player starts at the first segment" "first segment" "$(field "$T/cold.json" start)"
check_eq "and plays without a stall" 0 "$(field "$T/cold.json" stalls)"
check "about a second behind the clock" python3 -c "import sys; sys.exit(not 0.3 < $(field "$T/cold.json" behind_s) < 3)"
check "with seconds of media ahead of it" python3 -c "import sys; sys.exit(not $(field "$T/cold.json" buffer_low_s) >= 1.0)"

# The first playlist, from a second cold start: a second of media, short
# segments, audio and video of the first segment starting together.
run_rc "$RETROVUE" ctl channel.stop '{"number": "6"}'
check "the channel stops (by hand)" wait_state 6 idle 20
curl -s "$U/index.m3u8" >"$T/first.m3u8"
sed 's/^/# first playlist: /' "$T/first.m3u8"
check "the first playlist holds a second of media or more" python3 - "$T/first.m3u8" <<'PY'
import sys
d = [float(l.split(":")[1].split(",")[0]) for l in open(sys.argv[1]) if l.startswith("#EXTINF:")]
assert sum(d) >= 0.99 and max(d) <= 0.6, d
PY
first=$(grep -m1 '\.ts$' "$T/first.m3u8")
curl -s -o "$T/first.ts" "$U/$first"
for s in v a; do
	ffprobe -v error -select_streams $s:0 -show_entries packet=pts -of csv=p=0 "$T/first.ts" |
		head -1
done >"$T/starts"
diag "first segment's first video and audio PTS: $(tr '\n' ' ' <"$T/starts")"
check_eq "its audio and video start together" 1 "$(sort -u "$T/starts" | grep -c .)"

# Running: three segments (of 2 s) ahead of the clock.
sleep 4
lead=$(curl -s "http://127.0.0.1:$port/api/status" | python3 -c '
import json, sys
print([c for c in json.load(sys.stdin)["channels"] if c["number"] == "6"][0]["lead_ms"])')
diag "lead $lead ms"
check "the channel runs about three segments ahead of the clock" test "$lead" -ge 4000 -a "$lead" -le 6500
curl -s "$U/index.m3u8" >"$T/warm.m3u8"
check "the playlist holds 12 s of 2 s segments" python3 - "$T/warm.m3u8" <<'PY'
import sys
d = [float(l.split(":")[1].split(",")[0]) for l in open(sys.argv[1]) if l.startswith("#EXTINF:")]
assert abs(sum(d) - 12) < 1.01 and d[-1] == 2.0, d
PY

# Warm: a player starts three target durations behind the live edge.
python3 "$TESTS_HELPERS/hlssim.py" "$U/index.m3u8" 8 --json >"$T/warm.json"
diag "warm tune-in: $(cat "$T/warm.json")"
check_eq "a warm player starts three targets behind the live edge" "live edge - 3 targets" \
	"$(field "$T/warm.json" start)"
check_eq "and plays without a stall" 0 "$(field "$T/warm.json" stalls)"
check "within two seconds of the clock" python3 -c "import sys; sys.exit(not -0.5 < $(field "$T/warm.json" behind_s) < 2.5)"

# The endless TS starts at the segment on the air: the frame codes of its
# first frame are the item's position now (within that segment's length).
ms=$(now_ms)
ffmpeg -v error -i "$U.ts" -t 2 -map 0 -c copy -f mpegts "$T/ts.ts"
$CHECK codes "$T/ts.ts" | head -1 >"$T/code"
check "the TS starts at the segment on the air" python3 -c "
import sys
code = int(open('$T/code').read())
pos = ($ms - ($t - 5000)) % 30000 / 1000 * 25
sys.exit(not (code // 4096 == 1 and pos - 60 <= code % 4096 <= pos + 5))"
if $CHECK ts "$T/ts.ts" >"$T/ts.txt" 2>&1; then ok "and is continuous"; else not_ok "TS continuity"; sed 's/^/# /' "$T/ts.txt"; fi

stop_daemon
check_eq "it stops cleanly" 0 "$stop_rc"
done_testing
