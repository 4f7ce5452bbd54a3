#!/bin/sh
# bench/bench_guide.sh: clients looping on the guide and /healthz, and a
# viewer of a demo channel's endless TS meanwhile. Prints requests per
# second and latency of /iptv/xmltv.xml, /iptv/channels.m3u and /healthz
# under wrk, and how many seconds of media the TS viewer got in each run
# (it should get at least the run's length: the guide must not starve the
# streams). Uses the demo library (made in a scratch directory, or
# DEMO_DATA_DIR: a data directory where 'retrovue demo' already ran,
# copied first).
#   usage: bench/bench_guide.sh [SECONDS] [CONNECTIONS]    (default 10, 16)
. "$(dirname "$0")/bench_lib.sh"
SECS=${1:-10}
CONNS=${2:-16}
if [ -n "${DEMO_DATA_DIR:-}" ]; then
	mkdir -p "$RETROVUE_DATA_DIR"
	cp -a "$DEMO_DATA_DIR/." "$RETROVUE_DATA_DIR/"
	rm -f "$RETROVUE_DATA_DIR/daemon.lock" "$RETROVUE_DATA_DIR/control.sock"
	sql "UPDATE media_files SET file_path = replace(file_path, '$DEMO_DATA_DIR', '$RETROVUE_DATA_DIR');
	     UPDATE channels SET bug_path = replace(bug_path, '$DEMO_DATA_DIR', '$RETROVUE_DATA_DIR'),
	       logo_path = replace(logo_path, '$DEMO_DATA_DIR', '$RETROVUE_DATA_DIR');"
else
	"$RETROVUE" demo >"$B/demo.log" 2>&1
fi
sql "INSERT OR REPLACE INTO system_config (key, value) VALUES ('http.per_ip_connections', '1000'),
       ('engine.idle_timeout_s', '600');"
PORT=$(port)
"$RETROVUE" --no-ssdp --bind 127.0.0.1 --port "$PORT" --daemon >"$B/daemon.out" 2>"$B/daemon.log" &
daemon_pid=$!
i=0
while [ $i -lt 100 ] && ! curl -s -o /dev/null "http://127.0.0.1:$PORT/api/status"; do
	sleep 0.1
	i=$((i + 1))
done
U="http://127.0.0.1:$PORT"
curl -s -o "$B/xmltv.xml" "$U/iptv/xmltv.xml"
curl -s -o /dev/null --max-time 30 "$U/channel/2/index.m3u8"
sleep 3

# run PATH: wrk on PATH while a viewer reads channel 2's TS; one line of figures.
run() {
	curl -s --max-time "$SECS" -o "$B/view.ts" "$U/channel/2.ts" &
	viewer=$!
	wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$U$1" >"$B/wrk.txt" || true
	wait $viewer || true
	media=$(ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 \
	    "$B/view.ts" | awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.1f", b - a }')
	rps=$(awk '/Requests\/sec/ { print $2 }' "$B/wrk.txt")
	p50=$(awk '$1 == "50%" { print $2 }' "$B/wrk.txt")
	p99=$(awk '$1 == "99%" { print $2 }' "$B/wrk.txt")
	bad=$(awk '/Non-2xx/ { print $NF }' "$B/wrk.txt")
	printf "  %-20s %10s %9s %9s %8s %10s\n" "$1" "$rps" "$p50" "$p99" "${bad:-0}" "$media"
}
echo "$(basename "$RETROVUE"): XMLTV guide $(stat -c %s "$B/xmltv.xml") bytes; wrk -t2 -c$CONNS" \
    "-d${SECS}s on loopback; a TS viewer of channel 2 meanwhile:"
printf "  %-20s %10s %9s %9s %8s %10s\n" "" "requests/s" "p50" "p99" "non-2xx" "TS media s"
run /iptv/xmltv.xml
run /iptv/channels.m3u
run /healthz
