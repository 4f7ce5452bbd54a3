#!/bin/sh
# bench/bench_http.sh: playlist and segment requests per second on
# loopback with wrk, side by side with nginx serving the same bytes from
# tmpfs. Target: at least nginx's throughput. A small channel stays on the
# air during both runs (the same background load for both).
#   usage: bench/bench_http.sh [SECONDS] [CONNECTIONS]    (default 10, 50)
. "$(dirname "$0")/bench_lib.sh"
SECS=${1:-10}
CONNS=${2:-50}
SRC_SECONDS=20
source_clip
channels 1
sql "UPDATE channels SET width = 320, height = 180, video_bitrate_kbps = 500;
     INSERT OR REPLACE INTO system_config (key, value) VALUES ('http.per_ip_connections', '1000'),
       ('engine.keep_segments', '20');"
start_daemon
curl -s -o /dev/null "http://127.0.0.1:$PORT/channel/1.ts" &
sleep 4
R="http://127.0.0.1:$PORT/channel/1"
curl -s -o "$B/index.m3u8" "$R/index.m3u8"
seg=$(grep '\.ts$' "$B/index.m3u8" | tail -1)

# nginx with the same bytes on tmpfs.
W=$(mktemp -d /dev/shm/rvbench.XXXXXX)
mkdir -p "$W/www/channel/1" "$W/tmp"
cp "$B/index.m3u8" "$W/www/channel/1/index.m3u8"
curl -s -o "$W/www/channel/1/$seg" "$R/$seg"
NPORT=$(port)
cat >"$W/nginx.conf" <<CONF
worker_processes auto;
pid $W/nginx.pid;
error_log $W/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  client_body_temp_path $W/tmp; proxy_temp_path $W/tmp; fastcgi_temp_path $W/tmp;
  uwsgi_temp_path $W/tmp; scgi_temp_path $W/tmp;
  server { listen 127.0.0.1:$NPORT; root $W/www; add_header Cache-Control no-cache; }
}
CONF
chmod -R a+rX "$W"                      # nginx's workers are not root
nginx -c "$W/nginx.conf"
trap 'kill $(cat "$W/nginx.pid") 2>/dev/null; rm -rf "$W"; [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$B"' EXIT
sleep 0.5

rate() { wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$1" >"$B/wrk.txt"; [ -n "$WRK_VERBOSE" ] && sed "s/^/# /" "$B/wrk.txt" >&2; if grep -q "Non-2xx" "$B/wrk.txt"; then echo "errors"; else awk "/Requests\\/sec/ {print \$2}" "$B/wrk.txt"; fi; }
size=$(stat -c %s "$W/www/channel/1/$seg")
# Both must answer 200 with the same bytes, or the figures mean nothing.
for u in "$R/$seg" "http://127.0.0.1:$NPORT/channel/1/$seg"; do
	code=$(curl -s -o "$B/check.ts" -w '%{http_code}' "$u")
	if [ "$code" != 200 ] || ! cmp -s "$B/check.ts" "$W/www/channel/1/$seg"; then
		echo "$u answers $code or other bytes" >&2
		exit 1
	fi
done
echo "requests/s on loopback (wrk -t2 -c$CONNS -d${SECS}s; segment $size bytes):"
printf "  %-9s %12s %12s\n" "" retrovue nginx
printf "  %-9s %12s %12s\n" playlist "$(rate "$R/index.m3u8")" "$(rate "http://127.0.0.1:$NPORT/channel/1/index.m3u8")"
printf "  %-9s %12s %12s\n" segment "$(rate "$R/$seg")" "$(rate "http://127.0.0.1:$NPORT/channel/1/$seg")"
