#!/bin/sh
# The container and the service without a container engine: run the steps
# contrib/Dockerfile runs (contrib/docker-build.sh, its ENV, CMD and
# HEALTHCHECK) in a shell, check that the runtime stage installs the
# libraries the binary links, and check what make install puts in place
# for systemd (the unit with its hardening, the user, the state directory).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

SRC=$(cd "$TESTS_SRCDIR/.." && pwd)
BUILD=$(dirname "$RETROVUE")
DF="$SRC/contrib/Dockerfile"
R="$T/root"

# The build stage's step, into a staging root.
if "$SRC/contrib/docker-build.sh" "$SRC" "$BUILD" "$R" >"$T/build.log" 2>&1; then
	ok "contrib/docker-build.sh builds and installs"
else
	not_ok "contrib/docker-build.sh builds and installs"
	tail -20 "$T/build.log" | sed 's/^/# /'
fi
check "the binary is in /usr/bin" test -x "$R/usr/bin/retrovue"
check "the man page is installed" test -f "$R/usr/share/man/man1/retrovue.1"
U="$R/usr/lib/systemd/system/retrovue.service"
check "the systemd unit is installed" test -f "$U"
check "the sysusers.d snippet" test -f "$R/usr/lib/sysusers.d/retrovue.conf"
check "the tmpfiles.d snippet" test -f "$R/usr/lib/tmpfiles.d/retrovue.conf"
check "the example settings file" test -f "$R/usr/share/doc/retrovue/retrovue.conf"
check_grep "the unit runs the installed binary" "^ExecStart=/usr/bin/retrovue --daemon$" "$U"
for d in "User=retrovue" "Restart=on-failure" "NoNewPrivileges=yes" "ProtectSystem=strict" \
    "ProtectHome=read-only" "PrivateTmp=yes" 'ExecReload=/bin/kill -HUP $MAINPID' \
    "StandardError=journal"; do
	check_grep "the unit has $d" "^$d$" "$U"
done
check_grep "the user the unit names is made by sysusers" "^u retrovue " "$R/usr/lib/sysusers.d/retrovue.conf"
if command -v systemd-analyze >/dev/null 2>&1; then
	# Only the unit's own syntax: the binary path is checked above.
	sed "s|/usr/bin/retrovue|$R/usr/bin/retrovue|" "$U" >"$T/retrovue.service"
	systemd-analyze verify "$T/retrovue.service" >"$T/verify" 2>&1 || true
	check_no_grep "systemd-analyze finds nothing wrong with the unit" \
	    "retrovue.service:[0-9]*:\|Unknown key\|Unknown section\|Failed to parse" "$T/verify"
else
	ok "# SKIP systemd-analyze is not installed"
fi

# The runtime stage installs every library the binary links.
final=$(awk '/^FROM /{n++} n==2' "$DF")
echo "$final" | sed -n '/apt-get install/,/rm -rf/p' | tr ' \\' '\n\n' | grep '^lib' | sort -u >"$T/runtime"
missing=""
for lib in $(readelf -d "$R/usr/bin/retrovue" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do
	path=$(ldd "$R/usr/bin/retrovue" | awk -v l="$lib" '$1 == l { print $3 }')
	pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null ||
	    dpkg -S "/lib/${path#/usr/lib/}" 2>/dev/null)
	pkg=${pkg%%:*}
	# A sanitizer build's own runtimes are never in an image.
	case $pkg in libc6|libasan*|libubsan*|libtsan*|liblsan*|"") continue ;; esac
	grep -qx "$pkg" "$T/runtime" || missing="$missing $pkg"
done
check_eq "the runtime stage installs every linked library's package" "" "$missing"
# And the build stage asks for nothing contrib/setup.sh (the CI's list) lacks.
awk '/^FROM /{n++} n==1' "$DF" | sed -n '/apt-get install/,/rm -rf/p' | tr ' \\' '\n\n' |
    grep '^[a-z]' | grep -v '^\(apt-get\|install\|rm\|update\|&&\)$' >"$T/buildpkgs"
missing=""
for p in $(cat "$T/buildpkgs"); do
	case $p in -*) continue ;; esac
	grep -qw -- "$p" "$SRC/contrib/setup.sh" || missing="$missing $p"
done
check_eq "the build stage's packages are the CI's" "" "$missing"

# Run as the container does: its ENV (the volume under the sandbox), its
# CMD (on a free loopback port), its HEALTHCHECK.
port=$(free_port)
vol="$T/volume"
mkdir -p "$vol"
env_lines=$(echo "$final" | sed -n 's/^ENV //p' | sed "s|/var/lib/retrovue|$vol|g")
cmd=$(echo "$final" | sed -n 's/^CMD //p' | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)[1:]))')
expose=$(echo "$final" | sed -n 's/^EXPOSE //p')
check_eq "the CMD listens on the EXPOSEd port" "--port $expose --daemon" "$cmd"
cmd=$(echo "$cmd" | sed "s/--port $expose/--port $port --bind 127.0.0.1 --no-ssdp/")
health=$(echo "$final" | sed -n '/^HEALTHCHECK/,/[^\\]$/p' | sed -n 's/^ *CMD //p' |
    sed "s/:$expose/:$port/")
check "the HEALTHCHECK asks /healthz" test -n "$(echo "$health" | grep /healthz)"
(
	unset RETROVUE_DATA_DIR RETROVUE_DB_PATH
	eval "export $env_lines"
	cd "$T" && exec "$R/usr/bin/retrovue" $cmd
) >"$T/daemon.out" 2>"$T/daemon.log" &
pid=$!
at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
i=0
while [ $i -lt 100 ] && ! curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; do
	sleep 0.1
	i=$((i + 1))
done
if sh -c "$health" >"$T/health" 2>&1; then ok "the HEALTHCHECK passes"; else
	not_ok "the HEALTHCHECK passes"; sed 's/^/# /' "$T/health" "$T/daemon.log" | tail -20; fi
check "the database lives in the volume" test -f "$vol/retrovue.db"
RETROVUE_DB_PATH="$vol/retrovue.db" RETROVUE_DATA_DIR="$vol" run_rc "$R/usr/bin/retrovue" db check
check_eq "and is sound (retrovue db check)" 0 "$rc"
kill -HUP $pid
sleep 0.5
check_grep "ExecReload's SIGHUP reloads" "SIGHUP: reloading" "$T/daemon.log"
kill -TERM $pid
rc=0
wait $pid || rc=$?
check_eq "STOPSIGNAL SIGTERM stops it cleanly" 0 "$rc"
check_grep "saying so" "stopped cleanly" "$T/daemon.log"
done_testing
