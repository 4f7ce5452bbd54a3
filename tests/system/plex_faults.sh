#!/bin/sh
# Plex gone wrong: a refused token, a 500 then success, a server error that
# stays, a hang (timeout), malformed JSON and XML, a 404 library, an HTML
# page, no server at all, and a sync killed half way. Each gives a clear
# message and a failed (or partial) sync_history row, and nothing already
# imported is lost. The token never appears anywhere.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/plexlib.sh"
start_stub
all="$T/all-output"
: > "$all"
# keep: add this run's output to what the token check reads at the end.
keep() { cat "$T/out" "$T/err" >> "$all"; }
counts() { sq 'SELECT (SELECT count(*) FROM movies), (SELECT count(*) FROM shows), (SELECT count(*) FROM episodes)'; }

# A wrong token.
run_rc "$RETROVUE" --debug source add plex --name home --url "$URL" --token "wrong-$TOKEN"; keep
run_rc "$RETROVUE" --debug sync-all --retries 0; keep
check_eq "a refused token fails the sync" 1 "$rc"
check_grep "and says so" "401 unauthorized: the server refused the token" "$T/err"
check_eq "a failed sync_history row with the error" "failed" "$(sq 'SELECT status FROM sync_history')"
check_grep "the row names the 401" "401" "$(printf '%s' "$(sq 'SELECT error_message FROM sync_history')" > "$T/h"; echo "$T/h")"
run_rc "$RETROVUE" source remove home; keep
check_eq "source remove exits 0" 0 "$rc"

# The right token, a full import to lose nothing of later.
run_rc "$RETROVUE" --debug source add plex --name home --url "$URL" --token "$TOKEN"; keep
run_rc "$RETROVUE" --debug sync-all; keep
check_eq "a clean sync works" "6|4|15" "$(counts)"

# 500 once: retried with backoff, then success.
stub_ctl "fault?match=/library/sections/2/all&kind=500&count=1"
stub_ctl reset-log
run_rc "$RETROVUE" --debug sync-all --force --retries 2; keep
check_eq "a 500 then success: exit 0" 0 "$rc"
check_grep "the retry is logged" "HTTP 500 internal server error; retrying in 500 ms" "$T/err"
check_eq "the request was made twice" 2 "$(stub_log | grep -c '^/library/sections/2/all')"
check_eq "history: success" "success" "$(sq 'SELECT status FROM sync_history ORDER BY id DESC LIMIT 1')"
stub_ctl clear

# 500 that stays, on one show's episodes: the rest goes on, the show keeps its episodes.
stub_ctl "fault?match=/library/metadata/1001/allLeaves&kind=500"
run_rc "$RETROVUE" sync-all --force --retries 1; keep
check_eq "a show that keeps failing: exit 1" 1 "$rc"
check_grep "the warning names the show" "show 'Battlestar Galactica (1978)': cannot read its episodes: GET /library/metadata/1001/allLeaves.*: HTTP 500 internal server error (after 2 attempts)" "$T/err"
check_eq "history: partial" "partial" "$(sq 'SELECT status FROM sync_history ORDER BY id DESC LIMIT 1')"
check_eq "its episodes are kept" 4 "$(sq "SELECT count(*) FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.year = 1978")"
check_eq "nothing lost" "6|4|15" "$(counts)"
stub_ctl clear

# A hang: the timeout fires, the movies stay.
stub_ctl "fault?match=/library/sections/1/all&kind=hang"
start=$(date +%s)
run_rc "$RETROVUE" sync-all --timeout 1 --retries 1; keep
took=$(( $(date +%s) - start ))
check_eq "a hanging server: exit 1" 1 "$rc"
check_grep "the message says it timed out" "library 'Movies': GET /library/sections/1/all?type=1&includeGuids=1&includeChapters=1&includeMarkers=1&X-Plex-Container-Start=0&X-Plex-Container-Size=200: no answer from $URL within 1 s (timed out) (after 2 attempts); nothing was removed from it" "$T/err"
check "and the sync did not hang ($took s)" test "$took" -lt 20
check_eq "the shows still synced: history partial" "partial" "$(sq 'SELECT status FROM sync_history ORDER BY id DESC LIMIT 1')"
check_eq "no movie lost" "6|4|15" "$(counts)"
stub_ctl clear

# Malformed JSON.
stub_ctl "fault?match=/library/sections/2/all&kind=malformed"
run_rc "$RETROVUE" sync-all --force; keep
check_eq "malformed JSON: exit 1" 1 "$rc"
check_grep "names the request and the fault" "GET /library/sections/2/all.*malformed JSON at line 1, column [0-9]*" "$T/err"
check_eq "no show lost" "6|4|15" "$(counts)"
stub_ctl clear

# Malformed XML.
stub_ctl "fault?match=/library/metadata/22/allLeaves&kind=badxml"
run_rc "$RETROVUE" sync-all --force; keep
check_eq "malformed XML: exit 1" 1 "$rc"
check_grep "names the line" "allLeaves.*malformed XML at line 3" "$T/err"
check_eq "the show keeps its episodes" 3 "$(sq "SELECT count(*) FROM episodes e JOIN shows s ON s.id = e.show_id WHERE s.title = 'The 100'")"
stub_ctl clear

# A 404 library.
stub_ctl "fault?match=/library/sections/1/all&kind=404"
run_rc "$RETROVUE" sync-all; keep
check_eq "a 404 library: exit 1" 1 "$rc"
check_grep "says not found" "library 'Movies': GET /library/sections/1/all.*HTTP 404 not found" "$T/err"
check_eq "nothing lost" "6|4|15" "$(counts)"
stub_ctl clear

# A captive portal's HTML page.
stub_ctl "fault?match=/library/sections&kind=html&count=1"
run_rc "$RETROVUE" sync-all; keep
check_eq "an HTML page: exit 1" 1 "$rc"
check_grep "is not taken for Plex" "not a Plex answer (an HTML page)" "$T/err"
stub_ctl clear

# Selecting a library that is not there.
run_rc "$RETROVUE" sync-all --library Cartoons; keep
check_eq "an unknown library: exit 1" 1 "$rc"
check_grep "lists the libraries there are" "no library 'Cartoons' (there are: 'Movies', 'TV Shows')" "$T/err"

# No server at all.
dead=$(free_port)
run_rc "$RETROVUE" --plex-url "http://127.0.0.1:$dead" --plex-token "$TOKEN" sync-all --retries 0; keep
check_eq "no server: exit 1" 1 "$rc"
check_grep "cannot connect" "cannot connect to http://127.0.0.1:$dead" "$T/err"
check_eq "nothing lost" "6|4|15" "$(counts)"

# A sync killed half way: consistent, and the next one finishes.
fresh_db
run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"; keep
stub_ctl "fault?match=/library/metadata/1002/allLeaves&kind=hang&count=1"
"$RETROVUE" sync-all --timeout 60 > "$T/killed.out" 2>&1 &
kpid=$!
i=0
while [ "$(sq "SELECT count(*) FROM shows WHERE year = 1978" 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -9 $kpid
wait $kpid 2>/dev/null
run_rc "$RETROVUE" db check
check_eq "after kill -9 the database checks out" 0 "$rc"
check_eq "the killed run is still 'running'" "running" "$(sq 'SELECT status FROM sync_history')"
check_eq "no half-written show" 0 "$(sq "SELECT count(*) FROM shows WHERE year = 2003")"
stub_ctl clear
run_rc "$RETROVUE" sync-all; keep
check_eq "the next sync exits 0" 0 "$rc"
check_eq "and finishes the job" "6|4|15" "$(counts)"
check_eq "the killed run is marked interrupted" "failed|interrupted: the sync stopped before it finished" \
    "$(sq 'SELECT status, error_message FROM sync_history ORDER BY id LIMIT 1')"

# Two syncs at once: the second is refused.
stub_ctl "fault?match=/library/sections&kind=hang&count=1"
"$RETROVUE" sync-all --timeout 5 --retries 0 > /dev/null 2>&1 &
bpid=$!
sleep 0.5
run_rc "$RETROVUE" sync-all; keep
check_eq "a second sync at the same time is refused" 1 "$rc"
check_grep "because one is running" "another sync is running" "$T/err"
kill $bpid 2>/dev/null
wait $bpid 2>/dev/null
stub_ctl clear

# Ctrl-C while a request hangs: the sync stops cleanly and says so.
stub_ctl "fault?match=/library/sections/1/all&kind=hang&count=1"
stub_ctl reset-log
"$RETROVUE" sync-all --timeout 60 > "$T/int.out" 2> "$T/int.err" &
ipid=$!
# Interrupt once the request hangs (a slow machine takes a while to get there).
n=0
while [ $n -lt 100 ] && ! stub_log | grep -q "/library/sections/1/all"; do
	sleep 0.1
	n=$((n + 1))
done
sleep 0.3
kill -INT $ipid
irc=0
wait $ipid || irc=$?
check_eq "an interrupted sync exits 1" 1 "$irc"
check_grep "saying it was cancelled" "cancelled" "$T/int.err"
check_eq "history: cancelled" "cancelled|cancelled by the operator" \
    "$(sq 'SELECT status, error_message FROM sync_history ORDER BY id DESC LIMIT 1')"
check_eq "nothing lost" "6|4|15" "$(counts)"
stub_ctl clear

# The token never appeared: not in output, errors, debug logs, history.
sq "SELECT * FROM sync_history" >> "$all"
check_no_grep "the token is in no output, error or debug line" "$TOKEN" "$all"
check "the debug runs did log requests" grep -q "command line:" "$all"

done_testing
