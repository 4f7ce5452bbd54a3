# bench/bench_lib.sh: shared set-up for the engine benchmarks (sourced).
# A scratch data directory, a 1080p30 source clip, channels of 1280x720 at
# 30 fps scheduled on it, and a daemon on a free loopback port.
set -e
TOP=$(cd "$(dirname "$0")/.." && pwd)
RETROVUE=${RETROVUE:-$TOP/retrovue}
B=$(mktemp -d "${TMPDIR:-/tmp}/rvbench.XXXXXX")
export RETROVUE_DATA_DIR="$B/data" RETROVUE_DB_PATH="$B/data/retrovue.db"
daemon_pid=
trap '[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$B"' EXIT

PRESET=${PRESET:-veryfast}
SRC_SECONDS=${SRC_SECONDS:-60}

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }
sql() { sqlite3 -cmd '.timeout 5000' "$RETROVUE_DB_PATH" "$@"; }

# source_clip: a 1080p30 H.264/AAC clip with motion and detail (what a
# channel really decodes and scales), made once per run.
source_clip() {
	SRC="$B/src.mp4"
	ffmpeg -v error -y -f lavfi -i "testsrc2=s=1920x1080:r=30:d=$SRC_SECONDS" \
		-f lavfi -i "sine=f=440:r=48000:d=$SRC_SECONDS" -ac 2 \
		-c:v libx264 -preset ultrafast -crf 23 -g 60 -pix_fmt yuv420p -c:a aac -b:a 128k "$SRC"
}

# channels N: N channels of 1280x720 at 30 fps, 3000 kb/s, each airing the
# source clip back to back for the next hour.
channels() {
	"$RETROVUE" db init >/dev/null
	t=$(now_ms)
	sql "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type)
	     VALUES (1, '$SRC', ${SRC_SECONDS}000, 'clip', 'manual');
	     INSERT OR REPLACE INTO system_config (key, value) VALUES ('engine.x264_preset', '$PRESET'),
	       ('engine.idle_timeout_s', '600');"
	i=1
	while [ "$i" -le "$1" ]; do
		sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
		       video_bitrate_kbps, audio_bitrate_kbps) VALUES ($i, '$i', 'Bench $i', 1280, 720, 30, 1, 3000, 128);
		     WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 3600 / $SRC_SECONDS)
		     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
		       SELECT $i, $t - 1000 + n * ${SRC_SECONDS}000, $t - 1000 + (n + 1) * ${SRC_SECONDS}000,
		              'programme', 1, 0, ${SRC_SECONDS}000, 'Clip' FROM k;"
		i=$((i + 1))
	done
}

# start_daemon [ARGS]: the daemon in the background on $PORT.
start_daemon() {
	PORT=$(port)
	"$RETROVUE" --no-ssdp --bind 127.0.0.1 --port "$PORT" "$@" --daemon >"$B/daemon.out" 2>"$B/daemon.log" &
	daemon_pid=$!
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/status"; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "the daemon did not start" >&2; cat "$B/daemon.log" >&2; exit 1; }
	done
}

# stop_daemon: SIGTERM and wait.
stop_daemon() {
	kill -TERM "$daemon_pid"
	wait "$daemon_pid" || true
	daemon_pid=
}

# cpu_ticks PID: user + system clock ticks of a process so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

# status_field N FIELD: a field of channel N in /api/status.
status_field() {
	curl -s "http://127.0.0.1:$PORT/api/status" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["channels"]:
    if c["number"] == sys.argv[1]:
        print(c[sys.argv[2]])' "$1" "$2"
}
