#!/bin/sh
# Many viewers behind a cache: Debian's nginx with contrib/nginx-retrovue.conf
# on loopback in front of a real daemon; 200 HLS viewers at once for a
# bounded time. Every viewer gets every segment from its first to its last
# with no gap, and the daemon answers one request per segment however many
# viewers asked (its segment counter in /api/status against nginx's log).
# First, the file dropped unchanged into Debian's /etc/nginx/conf.d/ passes
# 'nginx -t' with Debian's own nginx.conf (in a private mount namespace, so
# the machine's /etc/nginx and /var/lib/nginx are not touched).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

VIEWERS=${VIEWERS:-200}
SECONDS_ON=${SECONDS_ON:-20}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
	echo "1..0 # SKIP nginx is not installed (contrib/setup.sh installs nginx-light)"
	exit 0
fi

# The file as shipped, in Debian's layout: /etc/nginx/conf.d/, Debian's
# nginx.conf, the folders the nginx-common package makes.
SHIPPED="$TESTS_SRCDIR/../contrib/nginx-retrovue.conf"
cache=$(sed -n 's/^proxy_cache_path \([^ ]*\) .*/\1/p' "$SHIPPED")
check "its cache lives in a folder of Debian's nginx package ($cache)" \
    test "$(dirname "$cache")" = /var/lib/nginx
if dpkg -S /var/lib/nginx >/dev/null 2>&1; then
	check_eq "which nginx-common makes" "nginx-common: /var/lib/nginx" "$(dpkg -S /var/lib/nginx)"
fi
if [ -f /etc/nginx/nginx.conf ] && [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	D="$T/debian"
	mkdir -p "$D/lib" "$D/log"
	cp -a /etc/nginx "$D/etc"
	cp "$SHIPPED" "$D/etc/conf.d/retrovue.conf"
	run_rc unshare -m sh -c "mount --bind '$D/etc' /etc/nginx && mount --bind '$D/lib' \
	    /var/lib/nginx && mount --bind '$D/log' /var/log/nginx && '$NGINX' -t"
	check_eq "dropped unchanged into /etc/nginx/conf.d/, it passes Debian's nginx -t" 0 "$rc"
	check_grep "nginx says so" "test is successful" "$T/err"
	check "and nginx makes its cache folder" test -d "$D/lib/$(basename "$cache")"
else
	ok "# SKIP nginx -t in Debian's layout: needs root and a private mount namespace"
fi

run_rc "$RETROVUE" db init
port=$(free_port)
t=$(now_ms)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES (1, '5', 'Five', 320, 180, 25, 1, 300, 64);
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t, $t + 3600000, 'programme', NULL, 0, 3600000, 'Slate');
     INSERT INTO system_config (key, value) VALUES ('engine.segment_ms', '1000'),
       ('engine.idle_timeout_s', '30');"
check "the daemon starts" start_daemon "$T/daemon.log"

# nginx on its own prefix, in the foreground, with the file as shipped but
# for its ports and cache directory.
N="$T/nginx"
nport=$(free_port)
mkdir -p "$N/cache" "$N/logs" "$N/tmp"
sed -e "s|$cache|$N/cache|" -e "s|127.0.0.1:8080|127.0.0.1:$port|" \
    -e "s|listen 8081;|listen 127.0.0.1:$nport;|" -e '/listen \[::\]:8081;/d' \
    "$TESTS_SRCDIR/../contrib/nginx-retrovue.conf" >"$N/retrovue.conf"
user=""
[ "$(id -u)" = 0 ] && user="user root;"
cat >"$N/nginx.conf" <<EOC
$user
worker_processes 1;
pid $N/nginx.pid;
error_log $N/logs/error.log warn;
events { worker_connections 2048; }
http {
    log_format cache '\$uri \$upstream_cache_status \$status';
    access_log $N/logs/access.log cache;
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    include $N/retrovue.conf;
}
EOC
check "the shipped file passes nginx -t" "$NGINX" -q -t -p "$N" -c "$N/nginx.conf"
"$NGINX" -p "$N" -c "$N/nginx.conf" -g 'daemon off;' 2>"$N/stderr" &
nginx_pid=$!
at_exit "kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null"
i=0
while [ $i -lt 50 ] && ! curl -s -o /dev/null "http://127.0.0.1:$nport/api/status"; do
	sleep 0.1
	i=$((i + 1))
done
code=$(curl -s -o "$T/pl" -w '%{http_code}' --max-time 30 "http://127.0.0.1:$nport/channel/5/index.m3u8")
check_eq "a playlist through nginx" 200 "$code"
before=$(curl -s "http://127.0.0.1:$port/api/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["segment_requests"])')
: >"$N/logs/access.log"

python3 "$TESTS_HELPERS/hlsload.py" "http://127.0.0.1:$nport/channel/5/index.m3u8" \
    "$VIEWERS" "$SECONDS_ON" >"$T/load.json"
after=$(curl -s "http://127.0.0.1:$port/api/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["segment_requests"])')

python3 - "$T/load.json" "$N/logs/access.log" "$((after - before))" "$VIEWERS" >"$T/verdict" <<'EOP'
import json, sys, collections
viewers = json.load(open(sys.argv[1]))
daemon = int(sys.argv[3])
want = int(sys.argv[4])
segs = set()
for v in viewers:
    segs.update(v["got"])
fetches = sum(v["segments"] for v in viewers)
complete = [v for v in viewers if v["segments"] >= 3 and v["gaps"] == 0 and v["errors"] == 0
            and v["got"] == list(range(v["first"], v["last"] + 1))]
misses = collections.Counter()
for line in open(sys.argv[2]):
    uri, cache, status = line.split()
    if uri.endswith(".ts") and "/index" not in uri and cache in ("MISS", "EXPIRED", "-", "BYPASS"):
        misses[uri] += 1
print("viewers", len(viewers))
print("complete", len(complete))
print("distinct", len(segs))
print("fetches", fetches)
print("daemon", daemon)
print("max_upstream_per_segment", max(misses.values()) if misses else 0)
print("longest_wait", max(v["longest_wait_s"] for v in viewers))
print("errors", sum(v["errors"] for v in viewers))
print("gaps", sum(v["gaps"] for v in viewers))
EOP
sed 's/^/# /' "$T/verdict"
val() { sed -n "s/^$1 //p" "$T/verdict"; }
check_eq "$VIEWERS viewers ran" "$VIEWERS" "$(val viewers)"
check "they saw the channel for several segments" test "$(val distinct)" -ge $((SECONDS_ON / 3))
check_eq "every viewer got every segment from its first to its last" "$VIEWERS" "$(val complete)"
check "the viewers fetched many times more segments than exist" test "$(val fetches)" -ge $(( $(val distinct) * VIEWERS / 2 ))
check_eq "the daemon served one request per segment" "$(val distinct)" "$(val daemon)"
check_eq "nginx asked the daemon at most once per segment" 1 "$(val max_upstream_per_segment)"
diag "$VIEWERS viewers, $SECONDS_ON s: $(val fetches) segment fetches of $(val distinct) segments cost the daemon $(val daemon) requests; longest wait between two segments $(val longest_wait) s"
check_no_grep "nginx logged no upstream errors" "upstream" "$N/logs/error.log"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
done_testing
