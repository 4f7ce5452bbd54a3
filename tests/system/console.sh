#!/bin/sh
# The console, driven in tmux (send-keys, capture-pane) against a real
# daemon with three channels: it attaches; the monitors show the channels;
# navigation between panes; a channel started from the keyboard; search as
# you type in the content browser; the help screen made from the key
# tables; dialogs over dialogs (the keys over the settings, F9's alert over
# them), the monitors updating under an open dialog; an emergency alert
# fired from the keyboard reaches the daemon (retrovue alert list) and
# shows in a second attached console, and is cleared; resizing between
# 80x24 and 200x60 and to a terminal too small; quitting leaves the
# daemon's channels on the air. Then the standalone mode: no daemon, the
# console runs the engine itself (HTTP answers), in a C locale, and takes
# it down when it quits.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

M="$T/media"
mkdir -p "$M"
ffmpeg -v error -nostdin -f lavfi -i testsrc2=s=320x180:r=25:d=60 \
	-f lavfi -i sine=f=440:r=48000:d=60 -ac 2 -c:v libx264 -preset ultrafast -g 25 \
	-c:a aac -shortest "$M/a.mp4"
check "the test clip is made" test -s "$M/a.mp4"

run_rc "$RETROVUE" db init
t=$(($(now_ms) - 2000))
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den,
       video_bitrate_kbps, audio_bitrate_kbps) VALUES
       (1, '2', 'Retro Sitcoms', 320, 180, 25, 1, 300, 96),
       (2, '3', 'Movie Palace', 320, 180, 25, 1, 300, 96),
       (3, '4', 'Retro Mix', 320, 180, 25, 1, 300, 96);
     INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type, title) VALUES
       (1, '$M/a.mp4', 60000, 'clip', 'manual', 'Signal and Noise'),
       (2, '$M/a.mp4', 30000, 'clip', 'manual', 'Galaxy Pizza'),
       (3, '$M/a.mp4', 15000, 'clip', 'manual', 'Cosmo Cola');
     INSERT INTO content_scheduling_metadata (media_file_id, content_type, content_rating) VALUES
       (1, 'episode', 'TV-PG'), (2, 'commercial', 'TV-G'), (3, 'commercial', 'TV-G');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       VALUES (1, $t, $t + 600000, 'programme', 1, 0, 60000, 'Signal and Noise'),
              (2, $t, $t + 600000, 'programme', 1, 0, 60000, 'The Picture Show'),
              (3, $t, $t + 600000, 'programme', 1, 0, 60000, 'Pattern Hour'),
              (1, $t + 600000, $t + 630000, 'commercial', 2, 0, 30000, 'Galaxy Pizza');
     -- A channel started by hand stays up through the test, however slow the build.
     INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '3600');"

TS="$T/tmux.sock"
tm() { tmux -S "$TS" "$@"; }
at_exit "tmux -S '$TS' kill-server 2>/dev/null"
# screen S: the text of session S's screen.
screen() { tm capture-pane -p -t "$1"; }
# wait_screen S PATTERN SECONDS: until the screen shows PATTERN (grep -E).
wait_screen() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		screen "$1" 2>/dev/null | grep -Eq "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	diag "session $1 did not show /$2/; the screen:"
	screen "$1" 2>/dev/null | sed 's/^/# | /'
	return 1
}
# wait_gone S PATTERN SECONDS: until the screen no longer shows PATTERN.
wait_gone() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		screen "$1" 2>/dev/null | grep -Eq "$2" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	diag "session $1 still shows /$2/:"
	screen "$1" 2>/dev/null | grep -E "$2" | sed 's/^/# | /'
	return 1
}
# console S COLS ROWS ENV...: a console in a new tmux session.
console() {
	s=$1 cols=$2 rows=$3
	shift 3
	tm -u new-session -d -s "$s" -x "$cols" -y "$rows" \
		"env RETROVUE_DATA_DIR='$RETROVUE_DATA_DIR' RETROVUE_DB_PATH='$RETROVUE_DB_PATH' $* \
		'$RETROVUE' --no-ssdp --bind 127.0.0.1 --port $port 2>'$T/console-$s.err'; \
		echo \"console exit \$?\" >'$T/console-$s.rc'; sleep 30"
}
# wait_exit S SECONDS: until the console of session S exited; its status in $exit_line.
wait_exit() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		exit_line=$(cat "$T/console-$1.rc" 2>/dev/null)
		[ -n "$exit_line" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
alert_status() { sql "SELECT status FROM emergency_alerts ORDER BY id DESC LIMIT 1"; }

# --- Attached to a daemon -----------------------------------------------
port=$(free_port)
check "the daemon starts" start_daemon "$T/daemon.log"
console one 120 40 LC_ALL=C.UTF-8 TERM=tmux-256color
check "the console attaches to the daemon" wait_screen one "attached to the daemon" 10
check "the monitors show channel 2" wait_screen one "2 Retro Sitcoms" 5
check "and channel 3" wait_screen one "3 Movie Palace" 1
check "and channel 4, idle" wait_screen one "4 Retro Mix +IDLE" 1
check "a tile shows what is scheduled now" wait_screen one "Now +Signal and Noise" 1
check "the schedule log shows channel 2" wait_screen one "Schedule log: channel 2" 1
check "with the item on the air" wait_screen one "prog[a-z]* +Signal and Noise.*ON AIR" 1
check "the log pane shows the daemon's log" wait_screen one "Log \(info" 1
check "the status bar has the clock" wait_screen one "[0-9][0-9]:[0-9][0-9]:[0-9][0-9] *$" 1

# Navigation: a channel started from the monitors; Tab to the schedule log.
tm send-keys -t one u
check "u starts the selected channel on the daemon" wait_state 2 "on air" 15
check "its tile says ON AIR" wait_screen one "2 Retro Sitcoms +ON AIR" 10
check "with the encoder's figures" wait_screen one "[0-9.]+ fps +[0-9.]+x" 5
tm send-keys -t one Right
check "Right selects channel 3: the schedule log follows" wait_screen one \
	"Schedule log: channel 3" 5
check "with its programme" wait_screen one "The Picture Show" 2
tm send-keys -t one Tab
check "Tab moves to the schedule log (its keys in the status bar)" wait_screen one "f:follow" 2
tm send-keys -t one Tab
check "Tab again: the content browser" wait_screen one "/:search" 2
tm send-keys -t one '?'
check "? shows every key" wait_screen one "emergency alert: choose, type SEND" 2
tm send-keys -t one Escape
check "a key closes it" wait_screen one "/:search" 2

# Search as you type.
check "the browser lists the library" wait_screen one "Content \(3\)" 2
tm send-keys -t one / g a l
check "typing narrows the list" wait_screen one "Content \(1\)" 5
check "to the match, with type and duration" wait_screen one "Galaxy Pizza +commerc[a-z]* +00:00:30.00" 1
check "and nothing else" sh -c "! tmux -S '$TS' capture-pane -p -t one | grep -q 'Cosmo Cola'"
tm send-keys -t one Escape
check "Esc clears the search" wait_screen one "Content \(3\)" 5
tm send-keys -t one t t t
check "t filters by type (commercial)" wait_screen one "Content \(2\).*|type:commercial" 5
tm send-keys -t one x
check "x clears the filters" wait_screen one "Content \(3\)" 5

# The help screen is made from the key tables: every pane's and every
# dialog's keys, by where they apply (tests/unit/test_keys checks every row).
tm send-keys -t one '?'
check "the help screen has the panes' keys" wait_screen one "select a channel \(its schedule log follows\)" 2
tm send-keys -t one End
check "and at its end the dialogs' (the word to type)" wait_screen one "Confirming by a typed word" 2
check "it scrolls, saying where it is" wait_screen one "lines [0-9]+-([0-9]+) of \1 " 1
tm send-keys -t one x
check "any other key closes it" wait_gone one "any other key closes" 2

# Dialogs over dialogs, in the console's one loop.
tm send-keys -t one F2
check "F2 opens the settings" wait_screen one "Servers +Path mappings +TMM directories" 5
tm send-keys -t one F1
check "F1 over a dialog opens the keys at that dialog's" sh -c \
	"tmux -S '$TS' capture-pane -p -t one | sed -n 2p | grep -q 'Settings (F2)'"
check "with them" wait_screen one "add a source, mapping, directory or channel" 1
tm send-keys -t one Escape
check "Esc closes the keys" wait_gone one "any other key closes" 2
check "the settings are still open" wait_screen one "Servers +Path mappings" 1
tm send-keys -t one F9
check "F9 opens the emergency alert over the settings" wait_screen one "EMERGENCY ALERT" 2
check "the settings under it" wait_screen one "Servers +Path mappings" 1
tm send-keys -t one Escape
check "Esc cancels the alert" wait_gone one "EMERGENCY ALERT" 2
check "back in the settings" wait_screen one "Servers +Path mappings" 1
check_eq "nothing aired" "" "$(alert_status)"
tm send-keys -t one Escape
check "Esc closes the settings" wait_screen one "/:search" 2

# A dialog open never stops the monitors.
tm send-keys -t one '!'
wait_screen one "EMERGENCY ALERT" 3 >/dev/null
run_rc "$RETROVUE" ctl channel.start '{"number": "4"}'
check "with the alert dialog open, a channel started elsewhere shows on its tile" \
	wait_screen one "4 Retro Mix +(STARTING|ON AIR)" 15
check "the dialog stayed open" wait_screen one "EMERGENCY ALERT" 1
tm send-keys -t one Escape
check "Esc closes it" wait_gone one "EMERGENCY ALERT" 2
tm send-keys -t one 1 Left d
check "d on the monitors asks before stopping a channel" wait_screen one "Stop channel 2\?" 3
tm send-keys -t one n
check "n closes the question" wait_gone one "Stop channel 2\?" 2
sleep 0.5
check_eq "and channel 2 stays on the air" "on air" "$(channel_state 2)"
tm send-keys -t one 3

# A second console, attached at the same time.
console two 100 30 LC_ALL=C.UTF-8 TERM=screen
check "a second console attaches" wait_screen two "attached" 10

# The emergency alert, from the keyboard.
tm send-keys -t one '!'
check "! opens the alert dialog" wait_screen one "EMERGENCY ALERT" 3
tm send-keys -t one Tab Tab Tab Tab Tab Tab Tab Enter
check "sending asks for the word SEND" wait_screen one "Type SEND/RWT" 3
tm send-keys -t one S E N T Enter
sleep 0.5
check_eq "a wrong word sends nothing" "" "$(alert_status)"
tm send-keys -t one S E N D Enter
check "the alert is sent" wait_screen one "ALERT RWT sent" 5
# The alert airs first; its row follows at once (written by the alert thread).
i=0
while [ $i -lt 50 ] && [ "$(alert_status)" != active ]; do sleep 0.1; i=$((i + 1)); done
check_eq "the daemon has it on the air" "active" "$(alert_status)"
"$RETROVUE" alert list >"$T/alerts" 2>&1
check_grep "retrovue alert list names the console as sender" "RWT .*console (" "$T/alerts"
check_grep "with the key the dialog made (a retry never airs it twice)" "RWT .*console (.*\[key [0-9a-f]\{32\}\]" "$T/alerts"
# It airs as long as its message takes (about a minute), not its purge time.
check "the tiles show ALERT with the time left" wait_screen one \
	"2 Retro Sitcoms +ALERT 00:0[0-2]:[0-9][0-9]" 5
check "the second console shows it too" wait_screen two "ALERT 00:0[0-2]" 5
tm send-keys -t one X
check "X asks before clearing" wait_screen one "Clear the RWT alert" 3
tm send-keys -t one n
sleep 0.5
check_eq "n keeps it on the air" "active" "$(alert_status)"
tm send-keys -t one X
wait_screen one "Clear the RWT alert" 3 >/dev/null
tm send-keys -t one y
check "y clears it" wait_screen one "alert cleared" 5

# The SSH connection drops (the terminal goes away) with a dialog open.
console three 80 24 LC_ALL=C.UTF-8 TERM=xterm-256color
wait_screen three "attached" 10 >/dev/null
tm send-keys -t three '?'
wait_screen three "Keys" 3 >/dev/null
shpid=$(tm list-panes -t three -F '#{pane_pid}')
cpid=$(pgrep -P "$shpid" | head -1)
check "the third console runs" kill -0 "$cpid"
tm kill-session -t three
i=0
while [ $i -lt 50 ] && kill -0 "$cpid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
check "a console whose terminal hangs up exits" sh -c "! kill -0 $cpid 2>/dev/null"
check_eq "its channel stays on the air" "on air" "$(channel_state 2)"

# A crash restores the terminal (the alternate screen is left).
console four 80 24 LC_ALL=C.UTF-8 TERM=xterm-256color
wait_screen four "attached" 10 >/dev/null
check_eq "the console draws on the alternate screen" 1 "$(tm display -p -t four '#{alternate_on}')"
shpid=$(tm list-panes -t four -F '#{pane_pid}')
kill -SEGV "$(pgrep -P "$shpid" | head -1)"
check "a crashed console ends" wait_exit four 5
check_eq "killed by SIGSEGV" "console exit 139" "$exit_line"
check_eq "the terminal is restored" 0 "$(tm display -p -t four '#{alternate_on}')"
check_eq "the channel stays on the air" "on air" "$(channel_state 2)"

# Resizing, at any moment.
tm resize-window -t one -x 80 -y 24
check "at 80x24 the monitors still show" wait_screen one "Channel monitors" 5
check "nothing wider than 80 columns" sh -c "tmux -S '$TS' capture-pane -p -t one |
	python3 -c 'import sys; sys.exit(any(len(l.rstrip(\"\\n\")) > 80 for l in sys.stdin))'"
tm resize-window -t one -x 40 -y 10
check "too small: it says so" wait_screen one "Terminal too small \(40x10\)" 5
tm resize-window -t one -x 200 -y 60
check "at 200x60 every pane is back" wait_screen one "Log \(info" 5
check "side by side with the browser" wait_screen one "Schedule log.*Content" 2
check "a picture of the channel on the air" wait_screen one "[▀▄█▌▐▖▗▘▝▚▞▙▛▜▟]{4}" 10

i=0
while [ $i -lt 150 ] && [ "$(alert_status)" = active ]; do sleep 0.2; i=$((i + 1)); done
check "the daemon ends the alert (end of message aired)" test "$(alert_status)" != active
check "the tiles lose their ALERT" wait_gone one "Sitcoms +ALERT" 5

# Quitting leaves the channels on the air.
tm send-keys -t one q
check "q quits the console" wait_exit one 5
check_eq "with status 0" "console exit 0" "$exit_line"
check_eq "channel 2 is still on the air" "on air" "$(channel_state 2)"
check "the daemon runs on" kill -0 "$daemon_pid"
tm send-keys -t two F10
check "F10 quits the second console" wait_exit two 5
check_eq "with status 0" "console exit 0" "$exit_line"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"

# --- Standalone: no daemon ------------------------------------------------
port=$(free_port)
console solo 80 24 LC_ALL=C LANG= TERM=vt100
check "without a daemon the console runs the engine itself" wait_screen solo "standalone" 15
check "HTTP answers" curl -sf -o /dev/null "http://127.0.0.1:$port/api/status"
check "the monitors show the channels (C locale, vt100)" wait_screen solo "2 Retro Sitcoms" 5
curl -s -o /dev/null "http://127.0.0.1:$port/channel/3.ts" &
viewer=$!
at_exit "kill $viewer 2>/dev/null"
check "a viewer starts a channel" wait_screen solo "3 Movie.*ON AIR" 15
check "the title counts it as on the air" wait_screen solo "1 on air" 5
tm send-keys -t solo q
check "with viewers, quitting asks first" wait_screen solo "Quitting takes every channel" 5
tm send-keys -t solo n
sleep 0.5
check "n keeps it running" curl -sf -o /dev/null "http://127.0.0.1:$port/api/status"
tm send-keys -t solo q
wait_screen solo "Quitting takes every channel" 5 >/dev/null || true
tm send-keys -t solo y
check "y quits" wait_exit solo 20
check_eq "with status 0" "console exit 0" "$exit_line"
check "and the engine is gone with it" sh -c "! curl -sf -o /dev/null http://127.0.0.1:$port/api/status"
check "the control socket is removed" test ! -e "$RETROVUE_DATA_DIR/control.sock"
for s in one two three solo; do
	if grep -q "Sanitizer" "$T/console-$s.err"; then
		not_ok "the sanitizers found nothing in console $s"
		grep -A25 Sanitizer "$T/console-$s.err" | head -60 | sed 's/^/# /'
	fi
done

done_testing
