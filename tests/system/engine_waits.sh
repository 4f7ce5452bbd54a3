#!/bin/sh
# The engine never waits: a file that takes seconds to open (a disk
# spinning up, made here by delaying its open() with strace) is opened
# ahead of its time and airs on time; one that is still not open when the
# channel starts airs the slate and joins late at the right offset, and
# the as-run log says so; a database held by a long write elsewhere does
# not stop the picture, and its as-run rows are written when it is free.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

if ! command -v strace >/dev/null 2>&1; then
	ok "# SKIP strace is not installed (it delays the slow file's open)"
	done_testing
fi
M="$T/media"
mkdir -p "$M"
DELAY=4
clip "$M/slow1.mp4" 1 14 320 180 25 -f lavfi -i sine=f=440:r=48000:d=14
clip "$M/slow2.mp4" 2 4 320 180 25 -f lavfi -i sine=f=550:r=48000:d=4
clip "$M/a.mp4" 3 4 320 180 25 -f lavfi -i sine=f=660:r=48000:d=4

# Channel 5: slow1 from 2 s ago for 14 s (the channel starts in it), then
# a.mp4, slow2 at +16 s (opened 15 s ahead: its delay is hidden), a.mp4...
run_rc "$RETROVUE" db init
t=$(now_ms)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps, always_on)
       VALUES (1, '5', 'Five', 320, 180, 25, 1, 300, 64, 1);
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/slow1.mp4', 14000, 'clip', 'manual'), (2, '$M/slow2.mp4', 4000, 'clip', 'manual'),
       (3, '$M/a.mp4', 4000, 'clip', 'manual');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t - 2000, $t + 12000, 'programme', 1, 0, 14000, 'Slow One'),
              (1, $t + 12000, $t + 16000, 'commercial', 3, 0, 4000, 'Spot A'),
              (1, $t + 16000, $t + 20000, 'programme', 2, 0, 4000, 'Slow Two');
     WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 200)
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT 1, $t + 20000 + n * 4000, $t + 24000 + n * 4000, 'commercial', 3, 0, 4000,
              'Spot ' || n FROM k;
     INSERT INTO system_config (key, value) VALUES ('engine.segment_ms', '1000');
     -- Measured: a file of unknown loudness is opened twice (its first seconds
     -- are measured ahead), which would make each of these opens two.
     UPDATE media_files SET loudness_lufs = -24;"

# The daemon, each open() of the slow files delayed by DELAY seconds.
# (LeakSanitizer cannot run under ptrace: a sanitizer build checks leaks
# in the other engine tests.)
port=$(free_port)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -qq -f --seccomp-bpf -o /dev/null -P "$M/slow1.mp4" -P "$M/slow2.mp4" \
	-e trace=openat -e inject=openat:delay_enter=${DELAY}000000 \
	"$RETROVUE" --no-ssdp --bind 127.0.0.1 --port "$port" --daemon >"$T/daemon.out" \
	2>"$T/daemon.log" &
tracer=$!
at_exit "kill $tracer 2>/dev/null; wait $tracer 2>/dev/null"
up() { curl -s -o /dev/null "http://127.0.0.1:$port/api/status"; }
check "the daemon starts (its slow files' open delayed $DELAY s)" wait_for 20 up
daemon_pid=$(pgrep -f -- "--port $port --daemon" | grep -v "^$tracer\$" | head -1)
log="$T/daemon.log"

# The channel is on the air at once with the slate, then joins Slow One late.
ffmpeg -v error -i "http://127.0.0.1:$port/channel/5.ts" -t 26 -map 0 -c copy -f mpegts \
	"$T/rec.ts" &
rec=$!
asrun() { sql "SELECT title, status, coalesce(errors, '') FROM playout_logs ORDER BY id"; }
check "the file's slow open is noticed" wait_for 20 grep -q "slow1.mp4 took [0-9.]* s to open" "$log"
check "the slate aired while it opened" wait_for 10 grep -q "slow1.mp4 is not open yet; the slate airs" "$log"
check "Slow Two aired at its time" wait_for 40 sh -c "sqlite3 '$RETROVUE_DB_PATH' \"SELECT status FROM playout_logs WHERE title = 'Slow Two'\" | grep -qx aired"
asrun >"$T/asrun.txt"
sed 's/^/# as-run: /' "$T/asrun.txt"
check_grep "the slate's row says what it waited for" "^Technical difficulties slate for Slow One|slate|waited .* for $M/slow1.mp4 to open" "$T/asrun.txt"
check_grep "Slow One joined late, and says why" "^Slow One|partial|joined .* into the item (the file was late to open)" "$T/asrun.txt"
check_grep "Spot A aired whole" "^Spot A|aired|$" "$T/asrun.txt"
check_no_grep "Slow Two never waited for its file" "Slow Two.*slate\|slate for Slow Two" "$T/asrun.txt"
check "its open was delayed too (the prefetch hid it)" grep -q "slow2.mp4 took [0-9.]* s to open" "$log"
wait $rec

# Slow One joined at the right offset: its frame codes are 25 a second of
# air time after the join, continuing to where the clip's item ends.
$CHECK codes "$T/rec.ts" >"$T/codes"
check "Slow One's frames run at the right offset (frame = 25 x its time in the item)" python3 - "$T/codes" <<'PY'
import sys
c = [int(x) for x in open(sys.argv[1])]
one = [(i, x) for i, x in enumerate(c) if x // 4096 == 1]
assert one, "no frame of Slow One"
# Consecutive frames, and the last one near the clip's end (14 s at 25 fps).
steps = sum(1 for (i, a), (j, b) in zip(one, one[1:]) if j == i + 1 and b == a + 1)
assert steps >= 0.95 * (len(one) - 1), (steps, len(one))
assert one[-1][1] % 4096 >= 340, one[-1]
# The join: frames before it are the slate, a few seconds in.
assert one[0][1] % 4096 >= 25 * 3, one[0]
PY
if $CHECK ts "$T/rec.ts" >"$T/ts.txt" 2>&1; then ok "the stream stays continuous through the slate and the join"; else not_ok "stream continuity"; sed 's/^/# /' "$T/ts.txt"; fi

# A long write elsewhere holds the database for 8 s: the picture goes on,
# and the as-run rows of what aired meanwhile are written afterwards.
rows0=$(sql "SELECT count(*) FROM playout_logs")
ffmpeg -v error -i "http://127.0.0.1:$port/channel/5.ts" -t 16 -map 0 -c copy -f mpegts \
	"$T/locked.ts" &
rec=$!
sqlite3 "$RETROVUE_DB_PATH" "BEGIN EXCLUSIVE" "UPDATE system_config SET value = value" \
	".shell sleep 8" "COMMIT" >/dev/null 2>&1
wait $rec
dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$T/locked.ts")
diag "recorded $dur s across the lock"
check "the stream flowed while the database was held" python3 -c "import sys; sys.exit(not float('$dur') > 15)"
if $CHECK ts "$T/locked.ts" >"$T/ts2.txt" 2>&1; then ok "without a gap"; else not_ok "stream continuity across the lock"; sed 's/^/# /' "$T/ts2.txt"; fi
check "the rows of what aired meanwhile are written after it" wait_for 15 sh -c \
	"[ \$(sqlite3 -cmd '.timeout 5000' '$RETROVUE_DB_PATH' 'SELECT count(*) FROM playout_logs') -ge $((rows0 + 3)) ]"

kill -TERM "$daemon_pid"
wait $tracer
check_no_grep "no error from the sanitizers" "Sanitizer" "$log"
check_eq "no as-run row is left playing" "0" \
	"$(sql "SELECT count(*) FROM playout_logs WHERE status = 'playing'")"
done_testing
