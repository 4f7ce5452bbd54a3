# tests/helpers/lib.sh: TAP helpers and an isolated sandbox for shell tests.
# Source it; every test runs in its own temporary data directory (kept for
# a look afterwards when RV_KEEP_TEST is set).

: "${RETROVUE:?RETROVUE must point at the built binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/rvtest.XXXXXX")
export RETROVUE_DATA_DIR="$T/data"
export RETROVUE_DB_PATH="$T/data/retrovue.db"
unset PLEX_BASE_URL PLEX_TOKEN PLEX_TV_SECTION_KEY XDG_DATA_HOME
tap_n=0
tap_failed=0
tap_cleanups=""

# Run at exit: registered cleanups (kill servers), then remove the sandbox.
tap_exit() {
	eval "$tap_cleanups"
	if [ -n "${RV_KEEP_TEST:-}" ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
}
trap tap_exit EXIT

# at_exit CMD: run CMD when the test ends.
at_exit() { tap_cleanups="$1; $tap_cleanups"; }

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
diag() { echo "# $*"; }

# check DESCRIPTION COMMAND...: ok if the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "expected '$2', got '$3'"; fi
}

# check_grep DESCRIPTION PATTERN FILE: FILE has a line matching PATTERN.
check_grep() {
	if grep -q -- "$2" "$3"; then ok "$1"; else not_ok "$1"; diag "no '$2' in $3:"; awk '{ print "#   " $0 }' "$3" | head -20; fi
}

# check_no_grep DESCRIPTION PATTERN FILE: no line of FILE matches.
check_no_grep() {
	if grep -q -- "$2" "$3"; then not_ok "$1"; diag "'$2' found in $3"; else ok "$1"; fi
}

# run_rc CMD...: run, keep stdout in $T/out, stderr in $T/err, status in $rc.
run_rc() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
}

# done_testing: print the plan. The TAP lines carry the verdicts.
# wait_for SECONDS CMD...: poll CMD five times a second until it succeeds.
wait_for() {
	_n=$(($1 * 5))
	shift
	while [ $_n -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

done_testing() {
	echo "1..$tap_n"
}

# free_port: an unused TCP port on loopback.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
