#!/bin/sh
# bench/soak.sh: a station left running. CHANNELS channels (4) always on the
# air for DURATION seconds (1800) with HLS and TS viewers joining and
# leaving at random, an emergency alert half way, and a Plex sync (the
# stand-in, a generated library) running a quarter of the way in. Prints the
# daemon's RSS every SAMPLE seconds, each channel's watcher's stalls (a gap
# in the segments, or a wait over three segments), and whether the as-run
# log is complete (every minute on the air covered, no row left 'playing').
# With RETROVUE pointing at an --enable-debug build, LeakSanitizer's verdict
# at the end is printed too.
#   usage: DURATION=1800 bench/soak.sh
. "$(dirname "$0")/bench_lib.sh"
DURATION=${DURATION:-1800}
CHANNELS=${CHANNELS:-4}
SAMPLE=${SAMPLE:-60}
WARMUP=${WARMUP:-$((DURATION / 6))}
FIXTURES=${FIXTURES:-$TOP/tests/fixtures}
TESTS="$TOP/tests/helpers"
[ -d "$TESTS" ] || TESTS="$(cd "$(dirname "$0")/.." && pwd)/tests/helpers"

# Three short clips, back to back on every channel past the end of the run.
for k in 1 2 3; do
	python3 "$TESTS/tscheck.py" make "$B/clip$k.mp4" "$k" $((20 + k * 7)) 320 180 25 \
	    -f lavfi -i "sine=f=$((300 + k * 100)):r=48000:d=$((20 + k * 7))" 2>/dev/null
done
"$RETROVUE" db init >/dev/null
t=$(now_ms)
sql "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$B/clip1.mp4', 27000, 'clip', 'manual'), (2, '$B/clip2.mp4', 34000, 'clip', 'manual'),
       (3, '$B/clip3.mp4', 41000, 'clip', 'manual');
     INSERT OR REPLACE INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '30'),
       ('engine.segment_ms', '2000');"
i=1
while [ "$i" -le "$CHANNELS" ]; do
	sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
	       video_bitrate_kbps, audio_bitrate_kbps, always_on)
	       VALUES ($i, '$i', 'Soak $i', 320, 180, 25, 1, 300, 64, 1);
	     WITH RECURSIVE k(n, s) AS (SELECT 0, $t - 5000 UNION ALL
	       SELECT n + 1, s + (27000 + ((n + $i) % 3) * 7000) FROM k
	       WHERE s < $t + ($DURATION + 600) * 1000)
	     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
	       SELECT $i, s, s + 27000 + ((n + $i) % 3) * 7000, 'programme', 1 + (n + $i) % 3, 0,
	              27000 + ((n + $i) % 3) * 7000, 'Clip ' || (1 + (n + $i) % 3) FROM k;"
	i=$((i + 1))
done
start_daemon --max-channels "$CHANNELS"
START=$(now_ms)
echo "soak: $CHANNELS channels, $DURATION s, daemon pid $daemon_pid ($RETROVUE)"

# One watcher per channel for the whole run: the stall detector.
watchers=""
i=1
while [ "$i" -le "$CHANNELS" ]; do
	python3 "$TESTS/hlsload.py" "http://127.0.0.1:$PORT/channel/$i/index.m3u8" 1 "$DURATION" \
	    --source 127.0.0.$((100 + i)) >"$B/watch$i.json" 2>/dev/null &
	watchers="$watchers $!"
	i=$((i + 1))
done

# Viewers joining and leaving: HLS groups and TS clients, random lengths.
python3 - "$PORT" "$DURATION" "$CHANNELS" "$TESTS/hlsload.py" >"$B/churn.log" 2>&1 <<'EOP' &
import random, subprocess, sys, time
port, dur, chans, load = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
end = time.time() + dur - 30
random.seed(7)
procs, joins = [], 0
while time.time() < end:
    ch = random.randint(1, chans)
    secs = random.randint(10, 90)
    if random.random() < 0.6:
        n = random.randint(1, 8)
        procs.append(subprocess.Popen(["python3", load,
            "http://127.0.0.1:%d/channel/%d/index.m3u8" % (port, ch), str(n), str(secs),
            "--source", "127.0.1.%d" % random.randint(1, 200)], stdout=subprocess.DEVNULL))
    else:
        n = 1
        procs.append(subprocess.Popen(["curl", "-s", "-o", "/dev/null", "--max-time", str(secs),
            "http://127.0.0.1:%d/channel/%d.ts" % (port, ch)]))
    joins += n
    procs = [p for p in procs if p.poll() is None]
    time.sleep(random.uniform(2, 8))
for p in procs:
    p.wait()
print("viewers joined and left:", joins)
EOP
churn=$!

rss() { awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status"; }
printf 'soak: %8s %10s %8s\n' "t (s)" "RSS (KiB)" "viewers"
: >"$B/rss"
elapsed=0
alerted=0
synced=0
while [ "$elapsed" -lt "$DURATION" ]; do
	sleep "$SAMPLE"
	elapsed=$(( ($(now_ms) - START) / 1000 ))
	kill -0 "$daemon_pid" 2>/dev/null || { echo "soak: THE DAEMON DIED"; tail -20 "$B/daemon.log"; exit 1; }
	v=$(curl -s "http://127.0.0.1:$PORT/api/status" |
	    python3 -c 'import json,sys; print(sum(c["viewers"] for c in json.load(sys.stdin)["channels"]))')
	r=$(rss)
	echo "$elapsed $r" >>"$B/rss"
	printf 'soak: %8d %10d %8s\n' "$elapsed" "$r" "$v"
	if [ "$synced" = 0 ] && [ "$elapsed" -ge $((DURATION / 4)) ]; then
		synced=1
		python3 "$TESTS/plexstub.py" --fixtures "$FIXTURES" --port-file "$B/stub.port" \
		    --token soak-token --generate 200,20,400 >"$B/stub.log" 2>&1 &
		stub=$!
		while [ ! -s "$B/stub.port" ]; do sleep 0.1; done
		"$RETROVUE" source add plex --name soak --url "http://127.0.0.1:$(cat "$B/stub.port")" \
		    --token soak-token >/dev/null 2>&1
		( rc=0; "$RETROVUE" sync-all >"$B/sync.out" 2>&1 || rc=$?; echo "exit $rc" >>"$B/sync.out"
		  kill $stub ) &
		syncer=$!
		echo "soak: a Plex sync started"
	fi
	if [ "$alerted" = 0 ] && [ "$elapsed" -ge $((DURATION / 2)) ]; then
		alerted=1
		"$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 \
		    --message "This is a test of the soak benchmark" >"$B/alert.out" 2>&1 &&
		    echo "soak: an alert went out" || { echo "soak: the alert failed:"; cat "$B/alert.out"; }
	fi
done
for p in $churn $watchers ${syncer:-}; do wait "$p" 2>/dev/null || true; done
END=$(now_ms)
stop_daemon 2>/dev/null || { kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; }

echo
echo "soak: results after $(( (END - START) / 1000 )) s"
python3 - "$B/rss" "$WARMUP" <<'EOP'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
warm = int(sys.argv[2])
after = [r for r in rows if r[0] >= warm] or rows
first, last = after[0], after[-1]
peak = max(r[1] for r in after)
hours = max((last[0] - first[0]) / 3600, 1e-9)
print("  RSS after warm-up (%d s): %.1f MiB -> %.1f MiB at the end (peak %.1f MiB): %+.1f MiB, %+.1f MiB/hour"
      % (first[0], first[1] / 1024, last[1] / 1024, peak / 1024, (last[1] - first[1]) / 1024,
         (last[1] - first[1]) / 1024 / hours))
EOP
i=1
while [ "$i" -le "$CHANNELS" ]; do
	python3 - "$B/watch$i.json" "$i" <<'EOP'
import json, sys
v = json.load(open(sys.argv[1]))[0]
stalls = v["gaps"] + (1 if v["longest_wait_s"] > 6 else 0)
print("  channel %s: %d segments watched, %d missed, %d errors, longest wait between two %.1f s%s"
      % (sys.argv[2], v["segments"], v["gaps"], v["errors"], v["longest_wait_s"],
         "" if stalls == 0 else "  <- STALL"))
EOP
	i=$((i + 1))
done
sql "SELECT '  as-run channel ' || channel_id || ': ' || count(*) || ' rows, ' ||
       sum(status = 'aired') || ' aired, ' || sum(status = 'partial') || ' partial, ' ||
       sum(status IN ('failed', 'slate')) || ' failed/slate, ' || sum(status = 'interrupted') ||
       ' interrupted, ' || sum(status = 'playing') || ' left playing; covered ' ||
       (sum(end_time - start_time) / 1000) || ' s of ' || ((max(end_time) - min(start_time)) / 1000) ||
       ' s; largest hole ' || coalesce((SELECT max(b.start_time - a.end_time) FROM playout_logs a
         JOIN playout_logs b ON b.channel_id = a.channel_id AND b.id = (SELECT min(id) FROM playout_logs
         WHERE channel_id = a.channel_id AND id > a.id) WHERE a.channel_id = p.channel_id), 0) || ' ms'
     FROM playout_logs p GROUP BY channel_id"
cat "$B/churn.log" | sed 's/^/  /'
echo "  sync: $(tail -2 "$B/sync.out" 2>/dev/null | tr '\n' ' ')"
echo "  alert: $(grep -c 'alert' "$B/daemon.log") log lines; $(sql "SELECT count(*) FROM emergency_alerts" 2>/dev/null) stored"
if grep -q "Sanitizer" "$B/daemon.log"; then
	echo "  sanitizers: FOUND PROBLEMS"
	grep -A12 "Sanitizer" "$B/daemon.log" | head -40 | sed 's/^/    /'
else
	echo "  sanitizers: nothing reported$(strings "$RETROVUE" | grep -q __asan_init && echo ' (ASan/LSan build)' || echo ' (not a sanitizer build)')"
fi
echo "  errors in the daemon's log: $(grep -c ' error: ' "$B/daemon.log")"
grep ' error: ' "$B/daemon.log" | head -5 | sed 's/^/    /'
