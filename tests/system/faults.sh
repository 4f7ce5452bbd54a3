#!/bin/sh
# Faults a station meets when nobody watches: the database's disk full, the
# media folder unmounted mid-show, Plex gone mid-sync, the daemon killed
# with -9 during an item. Each ends with a clear log line, a database that
# 'retrovue db check' passes, and the channel (or the sync) carrying on.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

mounted=""
at_exit 'for m in $mounted; do umount -l "$m" 2>/dev/null; done'
# tmpfs DIR SIZE: a small file system of its own at DIR (0), or 1 if refused.
# Private (0700): a database folder others may write to is refused.
tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2,mode=0700" tmpfs "$1" 2>/dev/null || return 1
	mounted="$1 $mounted"
}
# asrun SQL-WHERE: as-run rows matching.
asrun() { sql "SELECT count(*) FROM playout_logs WHERE $1"; }
positive() { [ "$("$@")" -gt 0 ]; }
seq_of() { curl -s "http://127.0.0.1:$port/api/status" | python3 -c '
import json, sys
print(json.load(sys.stdin)["channels"][0]["media_sequence"] or 0)'; }

# A channel always on, airing LEN-second clips from $M back to back.
M="$T/media"
LEN=4
setup_channel() {
	run_rc "$RETROVUE" db init
	t=$(now_ms)
	sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
	       video_bitrate_kbps, audio_bitrate_kbps, always_on)
	       VALUES (1, '3', 'Three', 320, 180, 25, 1, 300, 64, 1);
	     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
	       (1, '$M/a.mp4', ${LEN}000, 'clip', 'manual'), (2, '$M/b.mp4', ${LEN}000, 'clip', 'manual');
	     WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 900)
	     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
	       SELECT 1, $t + n * ${LEN}000, $t + (n + 1) * ${LEN}000, 'programme', 1 + n % 2, 0,
	              ${LEN}000, 'Clip ' || n FROM k;
	     INSERT INTO system_config (key, value) VALUES ('engine.segment_ms', '1000');"
}
clips() {
	mkdir -p "$M"
	clip "$M/a.mp4" 1 $LEN 320 180 25 -f lavfi -i sine=f=440:r=48000:d=$LEN
	clip "$M/b.mp4" 2 $LEN 320 180 25 -f lavfi -i sine=f=660:r=48000:d=$LEN
}

# 1. The database's disk full.
if tmpfs "$T/dbfs" 4m; then
	export RETROVUE_DB_PATH="$T/dbfs/retrovue.db"
	clips
	setup_channel
	port=$(free_port)
	check "disk full: the daemon starts with its database on a 4 MiB volume" start_daemon "$T/full.log"
	check "the channel airs" wait_for 20 positive asrun "status = 'aired'"
	dd if=/dev/zero of="$T/dbfs/fill" bs=16k 2>/dev/null || true
	rows=$(asrun 1)
	s0=$(seq_of)
	check "with the disk full, the daemon says so" wait_for 20 grep -q "database or disk is full" "$T/full.log"
	grep "disk is full" "$T/full.log" | head -2 | sed 's/^/# daemon: /'
	check "the as-run log says so too (at the next item)" wait_for 20 grep -q "as-run log: database or disk is full" "$T/full.log"
	sleep 3
	check "and the channel stays on the air" test "$(seq_of)" -gt "$s0"
	check_eq "healthz still answers (it only reads)" 200 \
	    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")"
	rm -f "$T/dbfs/fill"
	check "space back: the as-run log grows again" wait_for 20 positive sql \
	    "SELECT count(*) - $rows FROM playout_logs"
	stop_daemon
	check_eq "it stops cleanly" 0 "$stop_rc"
	run_rc "$RETROVUE" db check
	check_eq "retrovue db check passes" 0 "$rc"
	rm -rf "$M"
else
	ok "# SKIP disk full: mounting a tmpfs was refused (needs root or CAP_SYS_ADMIN)"
fi
export RETROVUE_DB_PATH="$T/data/retrovue.db"

# 2. The media folder unmounted mid-show (a tmpfs of its own, when allowed;
# else the folder moved away, which a running open file survives alike).
rm -f "$RETROVUE_DB_PATH"*
how="moved away"
if tmpfs "$M" 8m; then how="unmounted"; fi
clips
setup_channel
port=$(free_port)
check "media $how: the daemon starts" start_daemon "$T/media.log"
check "the channel airs from the folder" wait_for 20 positive asrun "status = 'aired'"
if [ "$how" = unmounted ]; then
	umount -l "$M"
	mounted=$(echo "$mounted" | sed "s|$M ||")
else
	mv "$M" "$M.away"
fi
check "the next item fails, named in the log" wait_for 20 grep -q "error: channel 3.*$M/[ab].mp4" "$T/media.log"
grep "error: channel 3" "$T/media.log" | head -1 | sed 's/^/# daemon: /'
check "its as-run row says failed" wait_for 10 positive asrun "status = 'failed' AND errors LIKE '%$M/%'"
s0=$(seq_of)
sleep 2
check "the slate keeps the channel on the air" test "$(seq_of)" -gt "$s0"
aired=$(asrun "status = 'aired'")
if [ "$how" = unmounted ]; then tmpfs "$M" 8m; clips; else mv "$M.away" "$M"; fi
check "the folder back: the next item airs" wait_for 20 positive sql \
    "SELECT count(*) - $aired FROM playout_logs WHERE status = 'aired'"
stop_daemon
check_eq "it stops cleanly" 0 "$stop_rc"
run_rc "$RETROVUE" db check
check_eq "retrovue db check passes" 0 "$rc"

# 3. Plex gone mid-sync: the stand-in killed while the sync waits on it.
rm -f "$RETROVUE_DB_PATH"*
. "$TESTS_HELPERS/plexlib.sh"
start_stub --generate 30,4,40
stub_ctl "fault?match=/library/sections/2/all&kind=hang&count=1"
"$RETROVUE" --plex-url "$URL" --plex-token "$TOKEN" sync-all --retries 0 --timeout 30 \
    >"$T/sync1.out" 2>"$T/sync1.err" &
spid=$!
hung() { stub_log | grep -q "sections/2/all"; }
check "the sync reaches the shows (and waits on them)" wait_for 20 hung
kill -9 "$stub_pid"
rc=0
wait "$spid" || rc=$?
check_eq "Plex gone: the sync exits 1" 1 "$rc"
check_grep "with a clear message" "cannot connect\|connection\|closed\|reset\|failed" "$T/sync1.err"
head -3 "$T/sync1.err" | sed 's/^/# sync: /'
check_eq "its history row is closed" "1" "$(sq "SELECT count(*) FROM sync_history WHERE status IN ('failed', 'partial')")"
check_no_grep "the token is in no message" "$TOKEN" "$T/sync1.err"
run_rc "$RETROVUE" db check
check_eq "retrovue db check passes" 0 "$rc"
check_eq "no show without its episodes" 0 \
    "$(sq "SELECT count(*) FROM shows s WHERE NOT EXISTS (SELECT 1 FROM episodes e WHERE e.show_id = s.id)")"
start_stub --generate 30,4,40 --port "$PORT"
run_rc "$RETROVUE" --plex-url "$URL" --plex-token "$TOKEN" sync-all
check_eq "Plex back (same address): the next sync finishes" 0 "$rc"
check_eq "with the whole library" "30|4|40" \
    "$(sq 'SELECT (SELECT count(*) FROM movies), (SELECT count(*) FROM shows), (SELECT count(*) FROM episodes)')"

# 4. kill -9 of the daemon during an item (of 30 s), and a restart.
LEN=30
rm -f "$RETROVUE_DB_PATH"*
for m in $mounted; do umount -l "$m"; done
mounted=""
rm -rf "$M"
clips
setup_channel
port=$(free_port)
check "kill -9: the daemon starts" start_daemon "$T/k1.log"
check "an item is on the air" wait_for 20 positive asrun "status = 'playing' AND title LIKE 'Clip %'"
playing=$(sql "SELECT id FROM playout_logs WHERE status = 'playing' AND title LIKE 'Clip %'")
s0=$(seq_of)
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
run_rc "$RETROVUE" db check
check_eq "after kill -9 the database checks out" 0 "$rc"
check "restarted" start_daemon "$T/k2.log"
check_eq "the interrupted item's row is closed as interrupted" "interrupted" \
    "$(sql "SELECT status FROM playout_logs WHERE id = $playing")"
check_grep "saying why" "stopped without closing" \
    "$(sql "SELECT errors FROM playout_logs WHERE id = $playing" >"$T/e"; echo "$T/e")"
check "the channel is back on the air" wait_for 20 positive asrun "id > $playing AND status IN ('playing', 'aired')"
seq_after() { [ "$(seq_of)" -gt "$s0" ]; }
check "its segments go on from where they were" wait_for 20 seq_after
stop_daemon
check_eq "it stops cleanly" 0 "$stop_rc"
done_testing
