#!/bin/sh
# Master-control alarms on what airs. A generated file holds 4 s of
# silence, 4 s of black and 6 s of a frozen picture (with an I-frame every
# 2 s, so the frozen picture is coded again and again); channel 5 airs it
# with alarms after 2, 2 and 3 s, then a generated card. Each alarm must be
# raised and cleared, in order, in /api/status, on the console's monitor
# tile (tmux), in the log with the item and its position, and in the item's
# as-run row; the card after it must raise nothing (it carries the bed).
# Channel 6 cuts an item after 3 s of an alarm (alarm_action_s): a file
# that falls silent gives way to the slate, whose sound (the generated
# bed) ffmpeg's silencedetect hears. Channel 7 wants silent cards
# (--card-audio silence): its silent card and slate raise nothing.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

M="$T/media"
mkdir -p "$M"
ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=s=320x180:r=25:d=26" \
	-f lavfi -i "sine=f=440:r=48000:d=26" -filter_complex \
	"[0:v]split[a][b];[a][b]freezeframes=first=400:last=550:replace=400,drawbox=c=black:t=fill:enable='between(t,10,14)'[v];[1:a]volume=0:enable='between(t,4,8)',aformat=channel_layouts=stereo[s]" \
	-map "[v]" -map "[s]" -c:v libx264 -preset ultrafast -g 50 -c:a aac "$M/faults.mp4"
ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=s=320x180:r=25:d=16" \
	-f lavfi -i "sine=f=660:r=48000:d=16,volume=0:enable='gte(t,2)'" -ac 2 \
	-c:v libx264 -preset ultrafast -c:a aac -shortest "$M/quiet.mp4"
mkdir -p "$M/music"
for n in 1 2; do
	ffmpeg -v error -nostdin -y -f lavfi -i "sine=f=$((n * 330)):r=44100:d=4" -ac 2 \
		"$M/music/track$n.flac"
done
: >"$M/music/notes.txt"
check "the test media is made" test -s "$M/faults.mp4" -a -s "$M/quiet.mp4" -a \
	-s "$M/music/track2.flac"

# The settings, through the CLI.
run_rc "$RETROVUE" db init
run_rc "$RETROVUE" channel add 5 Five --format 320x180@25 --video-kbps 300 \
	--alarm-dead-air 2 --alarm-black 2 --alarm-frozen 3 --always-on yes
check_eq "a channel with its alarms is added" 0 "$rc"
run_rc "$RETROVUE" channel show 5
check_grep "channel show tells its alarms" \
	"alarms: *dead air after 2 s, black after 2 s, frozen after 3 s; no automatic action" "$T/out"
check_grep "and the sound under its cards" "card audio: *music" "$T/out"
run_rc "$RETROVUE" channel add 6 Six --format 320x180@25 --video-kbps 300 --always-on yes \
	--alarm-dead-air 2 --alarm-action 4 --card-audio tone
check_eq "a channel whose alarms cut the item is added" 0 "$rc"
run_rc "$RETROVUE" channel show 6
check_grep "channel show tells the action" "an item is cut to the slate after 4 s of an alarm" \
	"$T/out"
run_rc "$RETROVUE" channel add 7 Seven --format 320x180@25 --video-kbps 300 --always-on yes \
	--alarm-dead-air 2
run_rc "$RETROVUE" channel edit 7 --card-audio loud
check_eq "a card audio that is not one of the three is refused" 1 "$rc"
check_grep "saying which there are" "music, tone, silence" "$T/err"
run_rc "$RETROVUE" channel edit 7 --alarm-frozen 2h
check_eq "so is a threshold that is not a duration" 2 "$rc"
run_rc "$RETROVUE" channel edit 7 --card-audio silence
check_eq "silent cards may be asked for" 0 "$rc"

run_rc "$RETROVUE" channel add 8 Eight --format 320x180@25 --video-kbps 300 --always-on yes \
	--alarm-dead-air 1 --music-dir "$M/music"
check_eq "a channel with a music folder is added" 0 "$rc"

t=$(($(now_ms) + 5000))
sql "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type) VALUES
       (1, '$M/faults.mp4', 26000, 'clip', 'manual'), (2, '$M/quiet.mp4', 16000, 'clip', 'manual');
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t, $t + 26000, 'programme', 1, 0, 26000, 'Faults' FROM channels WHERE number = '5';
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t + 26000, $t + 32000, 'next_bumper', NULL, 0, 6000, 'Coming up next'
       FROM channels WHERE number = '5';
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t, $t + 16000, 'programme', 2, 0, 16000, 'Quiet' FROM channels WHERE number = '6';
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t + 16000, $t + 22000, 'next_bumper', NULL, 0, 6000, 'Coming up next'
       FROM channels WHERE number = '6';
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t, $t + 6000, 'rating_card', NULL, 0, 6000, 'Rated TV-PG' FROM channels
       WHERE number = '7';
     INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title)
       SELECT id, $t + 4000, $t + 14000, 'next_bumper', NULL, 0, 10000, 'Coming up next'
       FROM channels WHERE number = '8';"
end=$((t + 33000))

port=$(free_port)
check "the daemon starts" start_daemon "$T/daemon.log"
run_rc "$RETROVUE" ctl channels.list '{}'
check_eq "the control socket lists the settings under their names" "2 3 4 silence" \
	"$(python3 -c '
import json, sys
c = {c["number"]: c for c in json.load(open(sys.argv[1]))["channels"]}
print(c["5"]["alarm_dead_air_s"], c["5"]["alarm_frozen_s"], c["6"]["alarm_action_s"],
      c["7"]["card_audio"])' "$T/out")"
ffmpeg -v error -i "http://127.0.0.1:$port/channel/6.ts" -map 0:a -c copy -f mpegts \
	-t $(((end - $(now_ms)) / 1000)) "$T/ch6.ts" &
rec=$!
ffmpeg -v error -i "http://127.0.0.1:$port/channel/8.ts" -map 0:a -c copy -f mpegts \
	-t 16 "$T/ch8.ts" &
rec8=$!

TS="$T/tmux.sock"
at_exit "tmux -S '$TS' kill-server 2>/dev/null"
tmux -S "$TS" -u new-session -d -s mon -x 120 -y 40 \
	"env RETROVUE_DATA_DIR='$RETROVUE_DATA_DIR' RETROVUE_DB_PATH='$RETROVUE_DB_PATH' \
	LC_ALL=C.UTF-8 TERM=tmux-256color '$RETROVUE' --no-ssdp --bind 127.0.0.1 --port $port \
	2>'$T/console.err'; sleep 30"

# Until the end: the status of each channel and channel 5's tile (the
# first of three, 39 columns), a line per look.
: >"$T/status"
: >"$T/tiles"
while [ "$(now_ms)" -lt "$end" ]; do
	curl -s "http://127.0.0.1:$port/api/status" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["channels"]:
    print(c["number"], (c["item"] or {}).get("title"), " ".join(a["kind"] for a in c["alarms"]) or "-")' >>"$T/status"
	tmux -S "$TS" capture-pane -p -t mon 2>/dev/null | grep -a -m1 "5 Five" |
		grep -a -oE "5 Five +[A-Z][A-Z ]*[A-Z]( [0-9:]+)?" >>"$T/tiles"
	sleep 0.25
done
wait $rec $rec8

# alarm_seen N KIND TITLE: channel N showed KIND while TITLE aired, and
# later did not while TITLE was still on the air.
raised_cleared() {
	awk -v n="$1" -v k="$2" -v title="$3" '
	$1 == n && index($0, " " title " ") {
		up = index(" " $0 " ", " " k " ") > 0
		if (up) seen = 1; else if (seen) cleared = 1
	}
	END { exit !(seen && cleared) }' "$T/status"
}
for k in dead_air black frozen; do
	check "status: channel 5 raises $k on the faulty file, and clears it" \
		raised_cleared 5 "$k" Faults
done
check_eq "status: in the file's order, each alone" "dead_air black frozen" \
	"$(awk '$1 == 5 && $NF != "-" { print $NF }' "$T/status" | uniq | tr '\n' ' ' | sed 's/ $//')"
check_eq "status: nothing on channel 5's card (the bed is under it)" "" \
	"$(awk '$1 == 5 && /Coming up next/ && $NF != "-"' "$T/status")"
check "status: channel 6 raises dead air on the quiet file" raised_cleared 6 dead_air Quiet
# The cut's dead air clears as the slate's bed fades in (its first 40 ms
# are quiet): a look at that instant may still see it.
check_eq "status: nothing under its slate or its card" "" \
	"$(awk '$1 == 6 && /slate for Quiet/ && !seen++ { next }
	    $1 == 6 && (/slate/ || /Coming up next/) && $NF != "-"' "$T/status")"
check_eq "status: nothing on channel 7 (silent cards, as it asked)" "" \
	"$(awk '$1 == 7 && $NF != "-"' "$T/status" | head -3)"
check "status: channel 8 on the air all along" sh -c "grep -q '^8 Coming up next' '$T/status'"
check_eq "status: nothing on channel 8 (its music under the slate and the card)" "" \
	"$(awk '$1 == 8 && $NF != "-"' "$T/status" | head -3)"
for k in "DEAD AIR" BLACK FROZEN; do
	check "console: channel 5's tile says $k with how long" \
		grep -q "5 Five *$k 00:00:0[0-9]" "$T/tiles"
done
check_eq "console: and then ON AIR again" "ON AIR" \
	"$(tail -1 "$T/tiles" | grep -o "ON AIR")"
sort "$T/tiles" | uniq -c | sort -rn | head -6 | sed 's/^/# tile: /'
tmux -S "$TS" capture-pane -p -t mon | head -8 | sed 's/^/# | /'

stop_daemon
L="$T/daemon.log"
# at S: S seconds into the item, give or take the frame a scheduled start
# between two frames moves it (timecodes count frames: 00:00:03.24 is the
# 25th frame of the 4th second).
at() { printf '00:00:%02d.24|00:00:%02d.0[01]' $(($1 - 1)) "$1"; }
# log_has DESCRIPTION ERE: a line of the daemon's log matches.
log_has() {
	if grep -Eq -- "$2" "$L"; then ok "$1"; else not_ok "$1"; diag "no /$2/ in the log:"
		grep -E "DEAD AIR|BLACK|FROZEN|cut" "$L" | head -12 | sed 's/^/#   /'; fi
}
log_has "log: dead air with the item and its position" \
	"channel 5: DEAD AIR: Faults \(programme\), ($(at 6)) into it: no sound since ($(at 4)) into it"
log_has "log: and when it is over" "channel 5: DEAD AIR over: Faults \(programme\), ($(at 8))"
log_has "log: black" "channel 5: BLACK: Faults \(programme\), ($(at 12)) into it: a black picture since ($(at 10))"
log_has "log: black over" "channel 5: BLACK over: Faults \(programme\), ($(at 14))"
log_has "log: frozen" "channel 5: FROZEN: Faults \(programme\), ($(at 19)) into it: the same picture since ($(at 16))"
log_has "log: frozen over" "channel 5: FROZEN over: Faults \(programme\), ($(at 22))"
log_has "log: the action on channel 6" \
	"channel 6: Quiet: cut ($(at 6)) into the item after 4 s of DEAD AIR; the slate until the next item"
check "log: no alarm on channel 7" sh -c "! grep -E 'channel 7: (DEAD AIR|BLACK|FROZEN)' '$L'"
check "log: nor on channel 8" sh -c "! grep -E 'channel 8: (DEAD AIR|BLACK|FROZEN)' '$L'"
log_has "log: channel 8 plays its music folder's first track" \
	"channel 8: music under the generated items: .*/music/track1.flac"
log_has "log: and its next (4 s each) under the slate and the card" \
	"channel 8: music under the generated items: .*/music/track2.flac"
check "log: the folder's other files are not tried" sh -c "! grep -q 'notes.txt' '$L'"

errors=$(sql "SELECT p.errors FROM playout_logs p JOIN channels c ON c.id = p.channel_id
    WHERE c.number = '5' AND p.title = 'Faults'")
diag "as-run errors of Faults: $errors"
check "as-run: the faulty item's row lists each alarm at its place" sh -c 'echo "$1" | grep -Eq "$2"' - \
	"$errors" "^DEAD AIR at ($(at 4)) for (3\.9|4\.0) s; BLACK at ($(at 10)) for (3\.9|4\.0) s; FROZEN at ($(at 16)) for (5\.9|6\.0) s\$"
check_eq "as-run: and its card's row none" "" \
	"$(sql "SELECT p.errors FROM playout_logs p JOIN channels c ON c.id = p.channel_id
	    WHERE c.number = '5' AND p.title = 'Coming up next'")"
check "as-run: the cut item is partial, saying why and what" grep -Eq \
	"^partial\|cut ($(at 6)) into the item after 4 s of DEAD AIR.*DEAD AIR at ($(at 2))" \
	"$(sql "SELECT p.status || '|' || p.errors FROM playout_logs p JOIN channels c ON
	    c.id = p.channel_id WHERE c.number = '6' AND p.title = 'Quiet'" >"$T/q"; echo "$T/q")"
check_eq "as-run: the slate takes the rest of its time" "slate" \
	"$(sql "SELECT p.status FROM playout_logs p JOIN channels c ON c.id = p.channel_id
	    WHERE c.number = '6' AND p.title LIKE 'Technical difficulties slate for Quiet%'")"

# What channel 6 sent: one silence (the file's, until the cut), then sound.
ffmpeg -nostats -i "$T/ch6.ts" -af silencedetect=n=-60dB:d=1 -f null - 2>"$T/silence6"
grep silence_ "$T/silence6" | sed 's/^/# /'
check_eq "silencedetect hears one silence on channel 6" 1 "$(grep -c silence_end "$T/silence6")"
check "of about 4 s (from the file's 2 s to the cut at 6 s): the slate has sound" python3 -c "
import re, sys
d = [float(x) for x in re.findall(r'silence_duration: ([0-9.]+)', open('$T/silence6').read())]
sys.exit(not (d and 3.5 <= d[0] <= 5))"

# What channel 8 sent: the music (330 Hz, then 660 Hz, loudness-normalised)
# and never a second of silence.
ffmpeg -nostats -i "$T/ch8.ts" -af silencedetect=n=-60dB:d=1 -f null - 2>"$T/silence8"
check "silencedetect finds no second of silence on channel 8" \
	sh -c "! grep -q silence_start '$T/silence8'"
python3 - "$T/ch8.ts" >"$T/tones8" <<'PY'
import array, math, subprocess, sys
pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", sys.argv[1], "-ac", "1", "-ar", "8000",
                      "-f", "s16le", "-"], capture_output=True).stdout
x = array.array("h", pcm)
def power(seg, f):                          # Goertzel: the power at f Hz
    c = 2 * math.cos(2 * math.pi * f / 8000)
    s1 = s2 = 0.0
    for v in seg:
        s1, s2 = v + c * s1 - s2, s1
    return s1 * s1 + s2 * s2 - c * s1 * s2
for i in range(0, len(x) - 8000, 8000):     # the loudest of these tones in each second
    seg = x[i:i + 8000]
    print(max((131, 220, 330, 440, 660), key=lambda f: power(seg, f)))
PY
check "the music's two tones are heard in what channel 8 sent" \
	sh -c "grep -qx 330 '$T/tones8' && grep -qx 660 '$T/tones8'"
diag "channel 8, strongest frequency each second: $(tr '\n' ' ' <"$T/tones8")"

done_testing
