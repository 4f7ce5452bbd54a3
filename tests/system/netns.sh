#!/bin/sh
# The station seen from a network of its own (a namespace: root only, and
# skipped where namespaces cannot be made). A second namespace on a veth
# link is the LAN (10.9.0.0/24) and, by a second address, a host beyond it
# (192.0.2.9). SSDP answers the LAN and not the host beyond; http.allow's
# default lets the LAN in and refuses the other host; IPv6 clients of one
# /64 share one per-address connection limit, another /64 has its own; a
# client on the dual-stack socket's IPv4 side is judged, and named in the
# log, as IPv4.
if [ -z "${RV_IN_NETNS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v nsenter >/dev/null ||
	    ! unshare -n true 2>/dev/null; then
		echo "1..0 # SKIP needs root, ip, nsenter and unshare -n"
		exit 0
	fi
	exec env RV_IN_NETNS=1 unshare -n sh "$0" "$@"
fi
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

# This namespace (the station): lo with three IPv6 addresses in two /64s,
# and v0 on the LAN. The other (the LAN): v1, and a second address that is
# not on the LAN's subnet (routed to the station so it gets there).
ip link set lo up
ip addr add fd00:9::1/64 dev lo nodad
ip addr add fd00:9::2/64 dev lo nodad
ip addr add fd00:8::1/64 dev lo nodad
unshare -n sleep 600 &
lan=$!
at_exit "kill $lan 2>/dev/null"
sleep 0.2
check "a veth link to a second namespace" ip link add v0 type veth peer name v1 netns $lan
ip addr add 10.9.0.1/24 dev v0
ip link set v0 up
ip route add 192.0.2.9/32 dev v0
nsenter -t $lan -n sh -c 'ip link set lo up; ip addr add 10.9.0.2/24 dev v1;
    ip addr add 192.0.2.9/32 dev v1; ip link set v1 up'
on_lan() { nsenter -t $lan -n "$@"; }
n=0
while ! on_lan ping -c1 -W1 10.9.0.1 >/dev/null 2>&1 && [ $n -lt 20 ]; do n=$((n + 1)); done

run_rc "$RETROVUE" db init
port=$(free_port)
sql "INSERT INTO channels (id, number, name) VALUES (1, '7', 'Seven');
     INSERT INTO system_config (key, value) VALUES ('http.per_ip_connections', '2'),
       ('http.timeout_s', '60');"
# Every address of this namespace, both families (::), SSDP on.
"$RETROVUE" --bind :: --port "$port" --daemon >"$T/daemon.out" 2>"$T/daemon.log" &
daemon_pid=$!
log="$T/daemon.log"
at_exit "kill $daemon_pid 2>/dev/null; wait $daemon_pid 2>/dev/null"
n=0
while ! curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
check "the daemon starts" kill -0 $daemon_pid

# SSDP: the search from beyond the LAN first, then one from the LAN; the
# daemon answers in order, so the first would have its answer by the time
# the second has one.
on_lan python3 - >"$T/ssdp" <<'PY'
import socket
msg = (b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
       b"MX: 1\r\nST: upnp:rootdevice\r\n\r\n")
far = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
far.bind(("192.0.2.9", 0))
near = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
near.bind(("10.9.0.2", 0))
far.sendto(msg, ("10.9.0.1", 1900))
near.sendto(msg, ("10.9.0.1", 1900))
near.settimeout(10)
try:
    print("near:", near.recv(2048).decode().replace("\r\n", " | "))
except OSError as e:
    print("near: nothing", e)
far.setblocking(False)
try:
    print("far:", far.recv(2048).decode())
except OSError:
    print("far: nothing")
PY
check_grep "SSDP answers a search from the LAN's subnet" "^near: HTTP/1.1 200 OK" "$T/ssdp"
check_grep "pointing at the station's address on that LAN" "LOCATION: http://10.9.0.1:$port/device.xml" "$T/ssdp"
check_grep "and not one from beyond it" "^far: nothing" "$T/ssdp"

# http.allow's default: the LAN is in, the host beyond is not.
check_eq "a client on the LAN gets the page" 200 \
	"$(on_lan curl -s -m 5 -o /dev/null -w '%{http_code}' --interface 10.9.0.2 "http://10.9.0.1:$port/" || true)"
check_eq "a client with a public address is refused at connect" 000 \
	"$(on_lan curl -s -m 5 -o /dev/null -w '%{http_code}' --interface 192.0.2.9 "http://10.9.0.1:$port/" || true)"
n=0
while ! grep -q "refused a connection from 192.0.2.9: not in http.allow" "$log" && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
check_grep "and the log names it" "http: refused a connection from 192.0.2.9: not in http.allow (loopback, private, link-local)" "$log"

# One /64 is one client: two connections from fd00:9::1 use up the limit of
# two for fd00:9::2 as well; fd00:8::1 (another /64) and IPv4 are apart.
python3 - "$port" >"$T/v6" <<'PY'
import socket, sys
port = int(sys.argv[1])
def conn(src, dst):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(10)
    s.connect((dst, port))
    return s
def answer(s):
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    try:
        data = s.recv(100)
    except OSError:
        data = b""
    return data.split(b"\r\n")[0].decode() or "closed"
held = [conn("fd00:9::1", "fd00:9::1") for i in range(2)]
for s in held:
    s.sendall(b"GET /healthz HTTP/1.1\r\n")      # never finished: held open
print("same64:", answer(conn("fd00:9::2", "fd00:9::1")))
print("other64:", answer(conn("fd00:8::1", "fd00:9::1")))
print("ipv4:", answer(conn("127.0.0.1", "127.0.0.1")))
PY
check_grep "a third connection from the same /64 (another address) is refused" "^same64: closed" "$T/v6"
check_grep "one from another /64 is served" "^other64: HTTP/1.1 200" "$T/v6"
check_grep "and IPv4 has its own count" "^ipv4: HTTP/1.1 200" "$T/v6"
check_grep "the log counts the /64" "from fd00:9::/64: 2 connections are open from that network" "$log"

# An IPv4 client on the dual-stack socket is judged by the IPv4 ranges
# (::ffff:127.0.0.1 is 127.0.0.1): with IPv6 ranges only, it is refused.
sql "INSERT INTO system_config (key, value) VALUES ('http.allow', 'fd00::/8')"
kill -HUP $daemon_pid
n=0
while ! grep -q "clients may connect from fd00::/8" "$log" && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
check_eq "with http.allow = fd00::/8, 127.0.0.1 is refused" 000 \
	"$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)"
check_eq "and fd00:8::1 is served" 200 \
	"$(curl -s -m 5 -o /dev/null -w '%{http_code}' -g "http://[fd00:8::1]:$port/healthz" || true)"
n=0
while ! grep -q "refused a connection from 127.0.0.1:" "$log" && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
check_grep "the refusal names it as IPv4" "refused a connection from 127.0.0.1: not in http.allow (fd00::/8)" "$log"
kill -TERM $daemon_pid
wait $daemon_pid
check_eq "the daemon stops cleanly" 0 $?
check_no_grep "the sanitizers found nothing (in --enable-debug builds)" "Sanitizer" "$log"
done_testing
