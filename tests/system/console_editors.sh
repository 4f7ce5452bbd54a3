#!/bin/sh
# The console's editors, for real: a daemon on the demo library, two
# consoles in tmux attached to it. The chapter editor seeks (the picture
# comes from the daemon's job pool), adds a marker at the playhead and
# saves: sqlite3 finds the marker and the unlocked future of the fine log
# rewritten; the other console, open on the same file, shows the marker.
# The metadata editor changes a field. The settings edit a channel in a
# form, disable and enable it, open its slots over them (a slot added in a
# form and removed after a question) and add and remove a TMM directory.
# The control commands behind them are checked with 'retrovue ctl'.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
q() { sqlite3 -batch -noheader -cmd '.timeout 5000' "$RETROVUE_DB_PATH" "$1"; }
# json FILE EXPR: a value from the reply (the first line of FILE; python expression on r).
json() { python3 -c 'import json, sys; r = json.loads(open(sys.argv[1]).readline()); print(eval(sys.argv[2]))' "$1" "$2"; }
# rebuilt FILE: what the rebuild job (the second line) says it did.
# job_result FILE EXPR: EXPR of the job's result (r, from the job.done line of 'ctl --wait').
job_result() { python3 -c 'import json, sys; r = json.loads(open(sys.argv[1]).readlines()[-1])["result"]; print(eval(sys.argv[2]))' "$1" "$2"; }
rebuilt() { python3 -c 'import json, sys; ev = json.loads(open(sys.argv[1]).readlines()[1]); print(" ".join("%s:%s" % (c["number"], "ok" if c.get("items", 0) > 0 else c.get("error", "none")) for c in ev["result"]["rebuilt"]))' "$1"; }

t0=$(date +%s)
run_rc "$RETROVUE" demo
diag "retrovue demo took $(($(date +%s) - t0)) s"
check_eq "the demo library is made" 0 "$rc"
[ "$rc" = 0 ] || { sed 's/^/#   /' "$T/err" | tail -20; done_testing; exit 1; }

port=$(free_port)
started=$(date +%s)
check "the daemon starts on the demo" start_daemon "$T/daemon.log"

# The commands behind the dialogs.
id=$(q "SELECT media_file_id FROM episodes WHERE episode_title = 'Pilot'")
first=$(q "SELECT min(timestamp_ms) FROM chapter_markers WHERE media_file_id = $id")
run_rc "$RETROVUE" ctl chapters.get "{\"file\": $id}"
check_grep "ctl chapters.get lists the markers" "\"ms\": *$first" "$T/out"
run_rc "$RETROVUE" ctl --wait frame.at "{\"file\": $id, \"ms\": 95000, \"width\": 64, \"height\": 64}"
check_eq "frame.at runs as a job" 0 "$rc"
check_eq "and brings a 64x36 RGB picture of the 16:9 file, at the frame asked for" "64 36 6912 95000" \
	"$(python3 -c '
import base64, json, sys
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if ev.get("event") == "job.done":
        r = ev["result"]
        print(r["width"], r["height"], len(base64.b64decode(r["rgb"])), r["ms"])' "$T/out")"
run_rc "$RETROVUE" ctl --wait chapters.detect "{\"file\": $id}"
check_eq "chapters.detect finds the demo's black-and-silent breaks" \
	"$(q "SELECT group_concat(timestamp_ms / 1000, ' ') FROM (SELECT timestamp_ms FROM \
	    chapter_markers WHERE media_file_id = $id ORDER BY 1)")" \
	"$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if ev.get("event") == "job.done":
        print(" ".join(str(round(p["ms"] / 1000)) for p in ev["result"]["points"]))' "$T/out")"
check_grep "with progress on the way" "^job.progress" "$T/err"
run_rc "$RETROVUE" ctl --wait content.set "{\"file\": $id, \"set\": {\"warnings\": \"mild peril\"}}"
check_eq "content.set changes a field and rebuilds the channels that play the file" "2:ok 4:ok" "$(rebuilt "$T/out")"
check_eq "the database has it" "mild peril" "$(q "SELECT content_warnings FROM content_scheduling_metadata WHERE media_file_id = $id")"
run_rc "$RETROVUE" ctl content.set "{\"file\": $id, \"set\": {\"rating\": \"XYZ-99\"}}"
check_eq "content.set refuses a bad rating" 1 "$rc"
check_grep "and says why" "rating=XYZ-99: not a rating" "$T/err"
run_rc "$RETROVUE" ctl sources.add '{"name": "nas", "url": "http://127.0.0.1:9", "token": "s3cr3tT0ken"}'
check_eq "sources.add stores a Plex server" 0 "$rc"
run_rc "$RETROVUE" ctl sources.list
check_grep "sources.list masks the token" '"token": *"\*\*\*\*\*\*\*\*"' "$T/out"
check_no_grep "and never sends it" "s3cr3tT0ken" "$T/out"
run_rc "$RETROVUE" ctl --wait sources.test '{"source": "nas"}'
check_eq "sources.test reports a dead server as a failed job" 1 "$rc"
check_no_grep "without the token" "s3cr3tT0ken" "$T/out"
check_no_grep "the daemon's log never has the token" "s3cr3tT0ken" "$T/daemon.log"

run_rc "$RETROVUE" ctl --wait slots.add '{"number": "2", "days": "sat,sun", "start": "20:00", "end": "21:00", "type": "movies"}'
check_eq "slots.add adds a slot" 0 "$rc"
check_eq "and rebuilds the channel's fine log in the background" "2:ok" "$(rebuilt "$T/out")"
slot=$(json "$T/out" 'r["id"]')
check_eq "the slot is in the database" "65|20:00|21:00|movies" \
	"$(q "SELECT days || '|' || start_time || '|' || end_time || '|' || schedule_type FROM schedules WHERE id = $slot" 2>/dev/null || echo "?")"
run_rc "$RETROVUE" ctl --wait slots.move "{\"number\": \"2\", \"slot\": $slot, \"start\": \"21:00\"}"
check_eq "slots.move moves it, keeping its length" 0 "$rc"
moved=$(json "$T/out" 'r["id"]')
run_rc "$RETROVUE" ctl slots.list '{"number": "2"}'
check_eq "slots.list shows it at 21:00-22:00 on weekends" "Sat,Sun 21:00 22:00" \
	"$(json "$T/out" '" ".join(next((s["days_text"], s["start"], s["end"]) for s in r["slots"] if s["id"] == '"$moved"'))')"
check "and the fine log ahead" test "$(json "$T/out" 'len(r["log"])')" -gt 0
run_rc "$RETROVUE" ctl slots.remove "{\"number\": \"2\", \"slot\": $moved}"
check_eq "slots.remove removes it" "0 0" "$rc $(q "SELECT count(*) FROM schedules WHERE id IN ($slot, $moved)")"
run_rc "$RETROVUE" ctl slots.add '{"number": "2", "start": "25:00", "type": "fill"}'
check_grep "a bad time is refused, named" "start 25:00: not a time" "$T/err"
# The options of a slot, under the names schedule --help lists (as typed there).
run_rc "$RETROVUE" ctl slots.add '{"number": "2", "start": "03:00", "type": "fill", "movies_only": true, "dates": "07-04", "priority": "7"}'
opt_slot=$(json "$T/out" 'r["id"]')
check_eq "slots.add takes any slot option" '0 {"dates":"07-04","kinds":"movies"} 7' \
	"$rc $(q "SELECT rule, priority FROM schedules WHERE start_time = '03:00'" | tr '|' ' ')"
run_rc "$RETROVUE" ctl slots.list '{"number": "2"}'
check_eq "and slots.list gives them back" "True 07-04 7 False" \
	"$(json "$T/out" '" ".join(str(s[k]) for s in r["slots"] if s["start"] == "03:00" for k in ("movies_only", "dates", "priority", "marathon"))')"
run_rc "$RETROVUE" ctl slots.add '{"number": "2", "start": "04:00", "type": "fill", "chance": 50}'
check_grep "an option without the one it goes with is refused" "chance goes with marathon" "$T/err"
run_rc "$RETROVUE" ctl slots.add '{"number": "2", "start": "04:00", "type": "fill", "max_rating": "XYZ"}'
check_grep "a bad option names its key" "max_rating: 'XYZ' is not a rating" "$T/err"
run_rc "$RETROVUE" ctl slots.remove "{\"number\": \"2\", \"slot\": $opt_slot}"
check_eq "and it goes" 0 "$rc"
run_rc "$RETROVUE" ctl channels.set '{"number": "3", "name": "Movie Palace West"}'
check_eq "channels.set renames a channel" "Movie Palace West" "$(q "SELECT name FROM channels WHERE number = '3'")"
run_rc "$RETROVUE" ctl channels.add '{"number": "9", "name": "Test Nine"}'
check_eq "channels.add adds one" "Test Nine" "$(q "SELECT name FROM channels WHERE number = '9'")"
# Every setting of the table, by the names the CLI's --help lists, typed as there.
run_rc "$RETROVUE" ctl channels.set '{"number": "9", "act_seconds": "7:30", "bumpers": "no", "station_id_minutes": "none", "test_card": "card", "guide_group": "Films"}'
check_eq "channels.set takes any setting, typed as on the command line" "450 0 0 card Films" \
	"$(q "SELECT act_seconds, bumpers, station_id_minutes, test_card, guide_group FROM channels WHERE number = '9'" | tr '|' ' ')"
run_rc "$RETROVUE" ctl channels.list
check_eq "channels.list shows them under the same names" "450 False 0 card Films" \
	"$(json "$T/out" '" ".join(str(c[k]) for c in r["channels"] if c["number"] == "9" for k in ("act_seconds", "bumpers", "station_id_minutes", "test_card", "guide_group"))')"
check_eq "with the names it always had" "3 Movie Palace West 640 True" \
	"$(json "$T/out" '" ".join(str(c[k]) for c in r["channels"] if c["number"] == "3" for k in ("number", "name", "width", "enabled"))')"
run_rc "$RETROVUE" ctl channels.set '{"number": "9", "guide_group": "none", "video_kbps": 50}'
check_eq "a bad value is refused" 1 "$rc"
check_grep "naming the setting" "video kbit/s 50 is out of range (100 to 100000)" "$T/err"
check_eq "and nothing of the request is saved" "Films" "$(q "SELECT guide_group FROM channels WHERE number = '9'")"
run_rc "$RETROVUE" ctl channels.set '{"number": "9", "act_seconds": "soon"}'
check_grep "a value that is not one names its key" "act_seconds: 'soon'" "$T/err"
mkdir -p "$T/nas/tv"
run_rc "$RETROVUE" ctl paths.add "{\"plex_path\": \"/media/tv\", \"local_path\": \"$T/nas/tv\"}"
check_eq "paths.add answers at once with its job (it re-maps every row)" "paths.add" \
	"$(json "$T/out" 'r["kind"]')"
run_rc "$RETROVUE" ctl --wait paths.add "{\"plex_path\": \"/media/tv/\", \"local_path\": \"$T/nas/tv\"}"
rule=$(job_result "$T/out" 'r["id"]')
check_eq "the same mapping again, after it in order, changes it in place (job.done has the rule)" \
	"0 $rule" "$rc $(q "SELECT group_concat(id) FROM plex_path_replacements")"
run_rc "$RETROVUE" ctl --wait paths.add '{"plex_path": "/x", "local_path": "/y", "source": "nosuch"}'
check_eq "a mapping for an unknown source fails in its job" 1 "$rc"
check_grep "and job.done says why" '"kind":"paths.add".*"error":".*nosuch' "$T/out"
: > "$T/nas/tv/a.mkv"
run_rc "$RETROVUE" ctl paths.test '{"path": "/media/tv/a.mkv"}'
check_eq "paths.test maps a Plex path and finds the file" "$T/nas/tv/a.mkv True" \
	"$(json "$T/out" 'r["mapped"] + " " + str(r["exists"])')"
run_rc "$RETROVUE" ctl --wait paths.remove "{\"rule\": $rule}"
check_eq "paths.remove removes the mapping (a job)" "0 0 0" \
	"$rc $(q "SELECT count(*) FROM plex_path_replacements") $(job_result "$T/out" 'r["remapped"]')"
run_rc "$RETROVUE" ctl tmm.add "{\"path\": \"$T/nas\", \"name\": \"nas\"}"
check_eq "tmm.add adds a directory" "0 nas" "$rc $(q "SELECT name FROM tmm_directories")"
run_rc "$RETROVUE" ctl --wait sync.start '{"plex": false}'
check_eq "sync.start scans it as a job" 0 "$rc"
run_rc "$RETROVUE" ctl sync.history
check_eq "sync.history has the run" "tmm nas success" \
	"$(json "$T/out" '" ".join((r["history"][0]["source_type"], r["history"][0]["source"], r["history"][0]["status"]))')"
run_rc "$RETROVUE" ctl --wait tmm.remove '{"dir": "nas"}'
check_eq "tmm.remove removes it (a job)" "0 0" "$rc $(q "SELECT count(*) FROM tmm_directories")"
run_rc "$RETROVUE" ctl tmm.remove '{}'
check_grep "tmm.remove without a directory is refused at once" 'no "dir"' "$T/err"

# Two consoles in tmux (UTF-8: the picture in Unicode blocks).
tmx="tmux -L rv-editors-$$"
at_exit "$tmx kill-server 2>/dev/null"
console() {
	$tmx new-session -d -s "$1" -x 120 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	    RETROVUE_DATA_DIR='$RETROVUE_DATA_DIR' RETROVUE_DB_PATH='$RETROVUE_DB_PATH' \
	    '$RETROVUE' 2>'$T/console-$1.err'"
}
screen() { $tmx capture-pane -p -t "$1"; }
# wait_screen SESSION PATTERN [TENTHS]: until the screen shows PATTERN.
wait_screen() {
	i=0
	while [ $i -lt "${3:-50}" ]; do
		screen "$1" | grep -q -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	screen "$1" | sed 's/^/#   /'
	return 1
}
# open_chapters SESSION: find the Pilot in the content pane, press c.
open_chapters() {
	$tmx send-keys -t "$1" 3 /
	$tmx send-keys -t "$1" -l Pilot
	$tmx send-keys -t "$1" Enter
	wait_screen "$1" "Content (1)" && $tmx send-keys -t "$1" c
}
# settled SESSION: the picture at the playhead is on screen.
settled() { wait_screen "$1" "Playhead [0-9:.]* / [0-9:.]* *│" 100; }

console a
console b
check "console A attaches to the daemon" wait_screen a "attached to the daemon"
check "console B too" wait_screen b "attached to the daemon"
open_chapters b
check "console B opens the chapter editor on the Pilot" wait_screen b "Chapters: Signal and Noise S01E01 Pilot"
open_chapters a
check "console A opens the chapter editor on the Pilot" wait_screen a "Chapters: Signal and Noise S01E01 Pilot"
check "the playhead starts on the first marker, its picture shown" settled a
t1=$(python3 -c "import sys; ms=int(sys.argv[1]); print('%02d:%02d:%02d.00' % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60))" "$first")
check "the playhead reads hh:mm:ss.ff" wait_screen a "Playhead $t1 / 00:04:30.00"
$tmx send-keys -t a ']' '.'
want=$((first + 10000 + 40))
t2=$(python3 -c "import sys; ms=int(sys.argv[1]); print('%02d:%02d:%02d.%02d' % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000 // 40))" "$want")
check "10 s and a frame later the playhead reads $t2" wait_screen a "Playhead $t2 "
check "and the new picture arrives" settled a
check "the picture is drawn (block symbols in its area)" \
	sh -c "$tmx capture-pane -p -t a | sed -n 2,30p | cut -c 2-80 | grep -q '[▀▄▌▐▖▗▘▝▚▞█▁▂▃▅▆▇▔▏▕]'"
before=$(q "SELECT max(id) FROM schedule_items")
$tmx send-keys -t a a
check "Add puts a marker at the playhead" wait_screen a "Marker added at $t2"
$tmx send-keys -t a s
check "Save says which schedules it rebuilt" wait_screen a "Saved [0-9]* markers; rebuilt the schedules of channels" 600
check_eq "chapter_markers has the new marker" "1" \
	"$(q "SELECT count(*) FROM chapter_markers WHERE media_file_id = $id AND timestamp_ms = $want AND source = 'manual'")"
lock=$(($(now_ms) + 20 * 60 * 1000))
chans=$(q "SELECT group_concat(DISTINCT channel_id) FROM schedule_items WHERE media_file_id = $id AND start_ms > $lock")
check "the fine log of the channels that play it was written again" \
	test "$(q "SELECT count(*) FROM schedule_items WHERE id > $before AND channel_id IN ($chans)")" -gt 0
check_eq "nothing from before is left after where each rebuild began" 0 \
	"$(q "SELECT count(*) FROM schedule_items o WHERE o.id <= $before AND o.channel_id IN ($chans) \
	    AND o.start_ms >= (SELECT min(n.start_ms) FROM schedule_items n WHERE n.id > $before AND \
	    n.channel_id = o.channel_id)")"
check "and every rebuild began within the hour after the locked window" \
	test "$(q "SELECT count(*) FROM (SELECT channel_id, min(start_ms) AS m FROM schedule_items \
	    WHERE id > $before AND channel_id IN ($chans) GROUP BY channel_id) WHERE m > $lock + 3600000")" -eq 0
check "console B shows the marker console A saved" wait_screen b "$t2  *manual"
$tmx send-keys -t a Escape
$tmx send-keys -t b Escape

# The metadata editor: Enter on the item, the notes field, Save.
check "console A is back on the main screen" wait_screen a "Content (1)"
$tmx send-keys -t a Enter
check "Enter on the item opens the metadata editor" wait_screen a "Metadata: Signal and Noise S01E01 Pilot"
check "with the source's metadata read-only" wait_screen a "resolution  *640x360"
$tmx send-keys -t a Up Up Up Up C-u
$tmx send-keys -t a -l "Edited in tmux"
$tmx send-keys -t a Down Down Enter
check "Save says what it did" wait_screen a "Saved the metadata of $id"
check_eq "the database has the new notes" "Edited in tmux" \
	"$(q "SELECT scheduling_notes FROM content_scheduling_metadata WHERE media_file_id = $id")"

# The settings: a channel edited in its form, disabled and enabled again,
# its slots over the settings (a slot added in a form, removed after a
# question), a TMM directory added and removed.
$tmx send-keys -t a F2
check "F2 opens the settings" wait_screen a "Servers  *Path mappings  *TMM directories  *Channels"
$tmx send-keys -t a Left
check "Left: the channels tab" wait_screen a "Retro Sitcoms .*enabled"
$tmx send-keys -t a Down Down Down e
check "e edits the selected channel in a form" wait_screen a "Channel 4 ─"
$tmx send-keys -t a Down C-u
$tmx send-keys -t a -l "Retro Mix East"
$tmx send-keys -t a Up Up Up Enter
check "Save says the channel is saved" wait_screen a "Channel 4 saved; its schedule is being rebuilt"
check_eq "the database has the new name" "Retro Mix East" "$(q "SELECT name FROM channels WHERE number = '4'")"
check "the list shows it" wait_screen a "4  *Retro Mix East"
# A form taller than the terminal scrolls to the field being edited.
$tmx resize-window -t a -y 22
$tmx send-keys -t a e
check "e again: the form, on 22 rows" wait_screen a "Channel 4 ─"
check "its last field is below the window" sh -c "! $tmx capture-pane -p -t a | grep -q 'Enabled '"
$tmx send-keys -t a Up Up Up
check "Up from the first field goes round to the last, and the form scrolls to it" \
	wait_screen a "Enabled  *< yes >"
check "... with a mark that there is more above" wait_screen a "↑│"
$tmx send-keys -t a Escape
$tmx resize-window -t a -y 40
check "Esc: the list again" wait_screen a "4  *Retro Mix East"
$tmx send-keys -t a Space
check "Space disables the channel" wait_screen a "4  *Retro Mix East.*DISABLED"
check_eq "in the database" 0 "$(q "SELECT enabled FROM channels WHERE number = '4'")"
$tmx send-keys -t a Space
check "Space enables it again" wait_screen a "4  *Retro Mix East.*enabled"
check_eq "in the database too" 1 "$(q "SELECT enabled FROM channels WHERE number = '4'")"
$tmx send-keys -t a s
check "s opens the channel's slots over the settings" wait_screen a "Schedule: channel 4 Retro Mix East"
nslots=$(q "SELECT count(*) FROM schedules s JOIN channels c ON c.id = s.channel_id WHERE c.number = '4'")
$tmx send-keys -t a a
check "a opens the form for a slot" wait_screen a "Add a slot"
$tmx send-keys -t a C-u
$tmx send-keys -t a -l sat
$tmx send-keys -t a Down
$tmx send-keys -t a -l 06:00
$tmx send-keys -t a Down
$tmx send-keys -t a -l 07:00
$tmx send-keys -t a Down Right Right Up Up Up Up Up Enter
check "Save adds it and the fine log is rebuilt" wait_screen a "Slot added; the fine log was rebuilt" 600
slot=$(q "SELECT s.id FROM schedules s JOIN channels c ON c.id = s.channel_id WHERE c.number = '4' AND start_time = '06:00' AND end_time = '07:00' AND schedule_type = 'movies'")
check "the slot is in the database" test -n "$slot"
$tmx send-keys -t a End d
check "d asks before removing the slot" wait_screen a "Remove slot $slot (Sat 06:00-07:00)?"
$tmx send-keys -t a y
check "y removes it" wait_screen a "Slot removed; the fine log was rebuilt" 600
check_eq "and it is gone" "$nslots" "$(q "SELECT count(*) FROM schedules s JOIN channels c ON c.id = s.channel_id WHERE c.number = '4'")"
$tmx send-keys -t a Escape
check "Esc closes the slots: the settings again" wait_screen a "4  *Retro Mix East.*enabled"
$tmx send-keys -t a Left a
check "a on the TMM tab opens its form" wait_screen a "Add a TMM directory"
$tmx send-keys -t a -l "$T/nas"
$tmx send-keys -t a Enter
$tmx send-keys -t a -l shelf
$tmx send-keys -t a Enter Enter Enter
check "Save adds the directory" wait_screen a "shelf  *$T/nas"
check_eq "in the database" "shelf" "$(q "SELECT name FROM tmm_directories")"
$tmx send-keys -t a d
check "d asks before removing it" wait_screen a "Remove directory [0-9]* and every file imported from it?"
$tmx send-keys -t a n
check "n keeps it" wait_screen a "shelf  *$T/nas"
$tmx send-keys -t a d
wait_screen a "Remove directory" >/dev/null
$tmx send-keys -t a y
check "y removes it (a job)" wait_screen a "Removed, with 0 files"
check_eq "it is gone" 0 "$(q "SELECT count(*) FROM tmm_directories")"
$tmx send-keys -t a Escape
check "Esc closes the settings" wait_screen a "Content (1)"

$tmx send-keys -t a q
$tmx send-keys -t b q
diag "the daemon and the consoles ran $(($(date +%s) - started)) s"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
check_no_grep "the console wrote no errors" "." "$T/console-a.err"
done_testing
