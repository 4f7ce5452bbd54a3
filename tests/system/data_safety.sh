#!/bin/sh
# Small things that lose data or mislead: titles cut in the middle of a
# character (or not UTF-8 at all) never make a channel vanish from
# /api/status or an item from the console's lists; lock files are not
# followed through links; a data directory others can write to is refused;
# removing a source or a TMM folder from the command line reschedules, as
# the console does.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/plexlib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

# 1. A data directory other users can write to is refused, for every command.
mkdir -p "$RETROVUE_DATA_DIR"
chmod 777 "$RETROVUE_DATA_DIR"
run_rc "$RETROVUE" db init
check_eq "db init in a world-writable data directory exits 1" 1 "$rc"
check_grep "saying why and how to fix it" "the data directory $RETROVUE_DATA_DIR can be written by other users (mode 0777).*chmod go-w" "$T/err"
check "and writes nothing there" test ! -e "$RETROVUE_DB_PATH"
chmod 770 "$RETROVUE_DATA_DIR"
run_rc "$RETROVUE" --no-ssdp --port "$(free_port)" --daemon
check_eq "group-writable: the daemon refuses to start" 1 "$rc"
check_grep "naming the folder" "the data directory $RETROVUE_DATA_DIR can be written by other users (mode 0770)" "$T/err"
mkdir -p "$T/shared"
chmod 1777 "$T/shared"
run_rc "$RETROVUE" --db-path "$T/shared/x.db" --data-dir "$RETROVUE_DATA_DIR" db info
check_eq "so is a database folder like /tmp" 1 "$rc"
chmod 700 "$RETROVUE_DATA_DIR"
run_rc "$RETROVUE" db init
check_eq "a private data directory is fine" 0 "$rc"

# 2. Lock files are never followed through a link.
echo "precious" > "$T/victim"
ln -s "$T/victim" "$RETROVUE_DB_PATH-sync.lock"
run_rc "$RETROVUE" sync-all
check_eq "a sync whose lock is a link exits 1" 1 "$rc"
check_grep "saying so" "retrovue.db-sync.lock is a symbolic link, not a lock file; refused" "$T/err"
rm "$RETROVUE_DB_PATH-sync.lock"
ln -s "$T/victim" "$RETROVUE_DATA_DIR/daemon.lock"
run_rc "$RETROVUE" --no-ssdp --port "$(free_port)" --daemon
check_eq "a daemon whose lock is a link does not start" 1 "$rc"
check_grep "saying so" "daemon.lock: it is a symbolic link (remove it)" "$T/err"
check_eq "the file behind the links is untouched" "precious" "$(cat "$T/victim")"
rm "$RETROVUE_DATA_DIR/daemon.lock"

# 3. Titles and names cut in the middle of a character, and titles that are
# not UTF-8: every channel and item stays in /api/status and in the console.
title=$(python3 -c 'print("a" * 158 + "\u00e9t\u00e9")')
name=$(python3 -c 'print("b" * 94 + "\u00e9")')
latin1=$(printf 'Caf\351 Noir')
t=$(now_ms)
sql "INSERT INTO channels (id, number, name, width, height, fps_num, fps_den, video_bitrate_kbps,
        audio_bitrate_kbps) VALUES (1, '3', '$name', 320, 180, 25, 1, 300, 64), (2, '4', 'Four',
        320, 180, 25, 1, 300, 64);
    INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type, title)
        VALUES (1, '$T/none.mkv', 3600000, 'movie', 'manual', '$latin1');
    INSERT INTO content_scheduling_metadata (media_file_id, content_type) VALUES (1, 'movie');
    INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, out_ms, title) VALUES
        (1, $t - 60000, $t + 3600000, 'programme', 3660000, '$title'),
        (2, $t - 60000, $t + 3600000, 'programme', 3660000, '$latin1');"
port=$(free_port)
check "the daemon starts" start_daemon "$T/daemon.log"
# Channel 3 on the air (a slate hour: its title cut in the status block).
curl -s -o /dev/null --max-time 3 "http://127.0.0.1:$port/channel/3.ts"
i=0
while [ $i -lt 100 ]; do
	curl -s "http://127.0.0.1:$port/api/status" > "$T/status.json"
	grep -q '"title": "aaa' "$T/status.json" && break
	sleep 0.1
	i=$((i + 1))
done
# shown FILE KEY: "number name title" of every channel (a title of a's, cut: "a...").
shown() {
	python3 -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
def t(i):
    if not i:
        return "-"
    return re.sub(r"^(Technical difficulties slate for )?a+$", "a...", i["title"])
print("|".join("%s %s %s" % (c["number"], c["name"], t(c[sys.argv[2]])) for c in d["channels"]))' "$1" "$2"
}
b94=$(python3 -c 'print("b" * 94)')
check_eq "/api/status lists both channels, name and title cut on a character boundary" \
    "3 $b94 a...|4 Four -" "$(shown "$T/status.json" item)"
run_rc "$RETROVUE" ctl status
check_eq "so does the console's status, with what idle channels would air" \
    "3 $b94 a...|4 Four Caf? Noir" "$(shown "$T/out" now)"
run_rc "$RETROVUE" ctl content.list '{}'
check_grep "the console's content list keeps an item whose title is not UTF-8" '"title":"Caf? Noir"' "$T/out"
run_rc "$RETROVUE" ctl schedule.get '{"number": "4"}'
check_grep "and its schedule log" '"title":"Caf? Noir"' "$T/out"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$stop_rc"
sql "DELETE FROM playout_logs; DELETE FROM schedule_items; DELETE FROM channels; DELETE FROM media_files"

# 4. Removing a TMM folder or a Plex source from the command line reschedules.
ffmpeg -v error -f lavfi -i testsrc=size=64x36:rate=10:duration=60 -f lavfi \
    -i sine=duration=60 -c:v mpeg4 -c:a aac -shortest "$T/clip.mkv"
for m in A B; do
	mkdir -p "$T/lib/$m"
	cp "$T/clip.mkv" "$T/lib/$m/$m.mkv"
	echo "<movie><title>Film $m</title></movie>" > "$T/lib/$m/$m.nfo"
done
cp "$T/clip.mkv" "$T/manual.mkv"
run_rc "$RETROVUE" tmm add "$T/lib" --name Films
run_rc "$RETROVUE" sync-all
run_rc "$RETROVUE" content add "$T/manual.mkv" --type movie --title "Manual Film"
run_rc "$RETROVUE" channel add 5 Films
run_rc "$RETROVUE" schedule add 5 --at 00:00 --until 24:00 --movies
# Beyond the ten locked minutes: what the fine log plays, by origin.
later() { sql "SELECT o || ':' || count(*) FROM (SELECT coalesce(mf.source_type, 'gone') AS o FROM schedule_items si LEFT JOIN media_files mf ON mf.id = si.media_file_id WHERE si.kind = 'programme' AND si.start_ms > $(now_ms) + 700000) GROUP BY o ORDER BY o" | tr '\n' ' '; }
diag "before: $(later)"
check "the fine log plays TMM files" sh -c "echo '$(later)' | grep -q 'tmm:'"
run_rc "$RETROVUE" tmm remove Films
check_eq "tmm remove exits 0" 0 "$rc"
check_grep "it says the files stay restorable" "restorable for 30 days" "$T/out"
check_grep "and reschedules, as the console does" "^Rescheduled: [0-9]* fine log items written" "$T/out"
check_no_grep "no programme is left without its file" "gone:" "$(later > "$T/l"; echo "$T/l")"
check_no_grep "nor plays a removed TMM file" "tmm:" "$T/l"
start_stub
run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"
run_rc "$RETROVUE" sync-all --plex-only
run_rc "$RETROVUE" schedule rebuild 5
diag "with Plex: $(later)"
check "the fine log plays Plex files" sh -c "echo '$(later)' | grep -q 'plex:'"
run_rc "$RETROVUE" source remove home
check_eq "source remove exits 0" 0 "$rc"
check_grep "reschedules too" "^Rescheduled: [0-9]* fine log items written" "$T/out"
later > "$T/l"
check_eq "only the manual film is left on the air" "manual:" "$(sed 's/[0-9]* *$//' "$T/l")"
check_eq "and every removed file is restorable" 2 "$(sql "SELECT count(*) FROM removed_items WHERE reason = 'TMM directory Films removed'")"

done_testing
