#!/bin/sh
# The playout engine on the air: a real daemon on a temporary database with
# a schedule of coded clips (different sizes, frame rates, audio layouts),
# a missing file and a truncated one. ffprobe/ffmpeg read the endless TS
# stream and the HLS playlist over HTTP across the item boundaries.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

M="$T/media"
mkdir -p "$M"
clip "$M/a.mp4" 0 30 320 180 30 -f lavfi -i sine=f=440:r=44100:d=30
clip "$M/b.mkv" 1 4 640 360 25 -f lavfi -i sine=f=550:r=48000:d=4 -ac 2
clip "$M/c.ts" 2 4 320 240 30 -f lavfi -i sine=f=660:r=48000:d=4 -ac 6
clip "$M/full.ts" 3 6 320 180 30 -f lavfi -i sine=f=770:r=48000:d=6 -ac 2
# Cut the TS clip to a third: it breaks off 2 s into a 4 s slot.
head -c $(($(stat -c %s "$M/full.ts") / 3)) "$M/full.ts" >"$M/trunc.ts"
check "the test clips are made" test -s "$M/a.mp4" -a -s "$M/b.mkv" -a -s "$M/c.ts"

run_rc "$RETROVUE" db init
port=$(free_port)

# The schedule: A has been on for 6 s when the daemon starts.
t=$(($(now_ms) - 6000))
T0=$t
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES (1, '7', 'Test Seven', 320, 180, 30, 1, 300, 64);
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/a.mp4', 30000, 'clip', 'manual'), (2, '$M/b.mkv', 4000, 'clip', 'manual'),
       (3, '$M/c.ts', 4000, 'clip', 'manual'), (4, '$M/missing.mp4', 4000, 'clip', 'manual'),
       (5, '$M/trunc.ts', 6000, 'clip', 'manual');
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '30');"
# item MEDIA IN OUT TITLE: append an item at $t.
item() {
	sql "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms,
	       out_ms, title) VALUES (1, $t, $t + $3 - $2, 'programme', $1, $2, $3, '$4')"
	t=$((t + $3 - $2))
}
item 1 0 12000 "A"
item 2 0 2000 "B"
item 3 0 2000 "C"
item 1 20000 22000 "D"
item 4 0 2000 "E missing"
item 5 0 4000 "F truncated"
item 1 0 2000 "G"
END=$t

check "the daemon starts" start_daemon "$T/daemon.log"

# Tune in: the first playlist request starts the channel.
curl -s -o "$T/first.m3u8" -w '%{http_code}' "http://127.0.0.1:$port/channel/7/index.m3u8" >"$T/code"
check_eq "the first playlist request is answered" 200 "$(cat "$T/code")"
check_grep "it lists a segment at once" '^[0-9]*\.ts' "$T/first.m3u8"
seq0=$(media_seq "$T/first.m3u8")
pdt=$(sed -n 's/^#EXT-X-PROGRAM-DATE-TIME://p' "$T/first.m3u8" | head -1)
curl -s -o "$T/seg0.ts" "http://127.0.0.1:$port/channel/7/$seq0.ts"

# Read the endless TS and the HLS playlist side by side across the boundaries
# (started at once; the tune-in position is worked out meanwhile).
secs=$(( (END - $(now_ms)) / 1000 ))
curl -s -m "$secs" -o "$T/stream.ts" "http://127.0.0.1:$port/channel/7.ts" &
ts_pid=$!
ffmpeg -v error -live_start_index 0 -i "http://127.0.0.1:$port/channel/7/index.m3u8" \
	-map 0 -c copy -copyts -t 12 -f mpegts "$T/hls.ts" &
hls_pid=$!

code=$($CHECK codes "$T/seg0.ts" | head -1)
expect=$(python3 -c '
import datetime, sys
pdt = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
print(round((pdt.timestamp() * 1000 - int(sys.argv[2])) * 30 / 1000))' "$pdt" "$T0")
diag "tuned in at $pdt: first frame code $code, expected frame $expect of item A"
check "tuning in mid-item lands at the wall-clock position (within 2 frames)" \
	python3 -c "import sys; sys.exit(0 if abs($code - $expect) <= 2 else 1)"

n=0
: >"$T/playlists"
while [ $n -lt $((secs * 2)) ]; do
	curl -s "http://127.0.0.1:$port/channel/7/index.m3u8" >>"$T/playlists"
	sleep 0.5
	n=$((n + 1))
done
wait $ts_pid
wait $hls_pid
check_eq "ffmpeg read the HLS stream" 0 $?

if $CHECK ts "$T/stream.ts" >"$T/check.ts.txt"; then ok "TS stream: PTS/DTS increase, no gaps, A/V aligned, one format"; else not_ok "TS stream checks"; fi
sed 's/^/# /' "$T/check.ts.txt" | tail -5
if $CHECK ts "$T/hls.ts" >"$T/check.hls.txt"; then ok "HLS stream: PTS/DTS increase, no gaps, A/V aligned, one format"; else not_ok "HLS stream checks"; fi
sed 's/^/# /' "$T/check.hls.txt" | tail -5
check_no_grep "no EXT-X-DISCONTINUITY in any playlist" "DISCONTINUITY" "$T/playlists"
python3 -c '
import sys
seqs = [int(l.split(":")[1]) for l in open(sys.argv[1]) if l.startswith("#EXT-X-MEDIA-SEQUENCE:")]
sys.exit(0 if seqs and all(b >= a for a, b in zip(seqs, seqs[1:])) else 1)' "$T/playlists"
check_eq "the media sequence never goes backwards" 0 $?
check_grep "playlists carry PROGRAM-DATE-TIME" "^#EXT-X-PROGRAM-DATE-TIME:" "$T/playlists"
check_grep "and a target duration of 2 s" "^#EXT-X-TARGETDURATION:2" "$T/playlists"

# What aired, in order, by the frame codes: A, then B, C, D (A from 20 s), then the slate.
$CHECK codes "$T/stream.ts" | python3 -c '
import sys
items = []
for line in sys.stdin:
    c = int(line)
    item = c // 4096 if c != 508 else "slate"
    if not items or items[-1] != item:
        items.append(item)
print(" ".join(str(i) for i in items))' >"$T/order"
diag "aired: $(cat "$T/order")"
# (C is pillarboxed 4:3, so its code reads differently; it merges with D.)
check_grep "B, C+D, the slate for E, F, the slate, G air in order" "1 0 slate 3 slate 0" "$T/order"

# The as-run log says why.
sql "SELECT title, status, coalesce(errors, '') FROM playout_logs ORDER BY id" >"$T/asrun"
sed 's/^/# /' "$T/asrun"
check_grep "A joined late is partial" "^A|partial|joined" "$T/asrun"
check_grep "B aired whole" "^B|aired|" "$T/asrun"
check_grep "the missing file failed, naming it" "^E missing|failed|cannot open .*missing.mp4" "$T/asrun"
check_grep "the slate aired in its place" "slate for E missing|slate|.*missing.mp4" "$T/asrun"
check_grep "the truncated file is partial, naming it" "^F truncated|partial|.*trunc.ts ended" "$T/asrun"
check_grep "the slate finished its slot" "slate for F truncated|slate|" "$T/asrun"
check_grep "G aired after the failures: the channel went on" "^G|aired|" "$T/asrun"
check_grep "the log names the missing file" "missing.mp4" "$T/daemon.log"

stop_daemon
check_eq "SIGTERM stops the daemon cleanly" 0 "$stop_rc"
check_eq "no as-run row is left playing" 0 "$(sql "SELECT count(*) FROM playout_logs WHERE status = 'playing'")"
check_grep "it says it stopped" "stopped cleanly" "$T/daemon.log"
check_no_grep "no error from the sanitizers" "ERROR: .*Sanitizer" "$T/daemon.log"

done_testing
