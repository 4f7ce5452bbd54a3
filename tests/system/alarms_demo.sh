#!/bin/sh
# Master control on the demo: no alarm, and no dead air of Retrovue's own,
# through the demo's own cards and breaks. 'retrovue demo' makes the
# library and its fine log; three stretches of that log are moved to now,
# shortened where they are long, one per channel, so they air together:
# channel 4 signs off (the sign-off card, bars and tone, the sign-on card),
# channel 2 takes a break inside a programme (act-break black, bumpers, the
# still commercials), channel 3 goes from a programme's end through its
# commercials, a generated "coming up next" card, a station ID and a rating
# card into the next programme; channel 1 airs the guide (no music folder).
# Dead air and black alarm after 1 s here (stricter than the 5 s default:
# the act-break black of a second and every card's sound are on trial),
# frozen after the default 20 s (the sign-off card lasts longer). Nothing
# may be raised (status JSON polled all along, log, as-run), and ffmpeg's
# silencedetect finds no silence in what channels 4 and 3 sent.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

run_rc "$RETROVUE" demo
check_eq "the demo is made" 0 "$rc"
[ "$rc" = 0 ] || { tail -20 "$T/err" | sed 's/^/# /'; done_testing; exit; }

port=$(free_port)
start=$(($(now_ms) + 6000))
# Small pictures spare the machine; the alarms are the channels' own settings.
sql "UPDATE channels SET width = 320, height = 180, video_bitrate_kbps = 300, always_on = 1,
       alarm_dead_air_s = 1, alarm_black_s = 1, alarm_frozen_s = 20;
     INSERT OR REPLACE INTO system_config (key, value) VALUES ('engine.max_channels', '4');"

# The stretches of the demo's fine log, moved to $start (see above).
python3 - "$RETROVUE_DB_PATH" "$start" >"$T/windows" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
start = int(sys.argv[2])
cols = "channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, programme_start_ms, act, title"

def chan(number):
    return db.execute("SELECT id FROM channels WHERE number = ?", (number,)).fetchone()[0]

def rows(cid, t0, t1):
    return db.execute("SELECT " + cols + " FROM schedule_items WHERE channel_id = ? AND "
                      "end_ms > ? AND start_ms < ? ORDER BY start_ms", (cid, t0, t1)).fetchall()

def after(cid, cond, frm=0):
    return db.execute("SELECT start_ms, end_ms FROM schedule_items WHERE channel_id = ? AND "
                      "start_ms >= ? AND " + cond + " ORDER BY start_ms LIMIT 1", (cid, frm)).fetchone()

def place(to, number, picked, caps, lead, tail):
    """picked: rows in order; the first airs its last `lead` ms, the last its first
    `tail` ms, cards at most caps[kind] ms; laid end to end from start on channel to."""
    out, t = [], start
    for i, r in enumerate(picked):
        (cid, s, e, kind, mf, i0, o0, ps, act, title) = r
        d = e - s
        if i == 0 and d > lead:
            i0, d = (i0 + d - lead if mf else i0), lead
        elif i == len(picked) - 1 and d > tail:
            d = tail
        elif kind in caps and d > caps[kind]:
            d = caps[kind]
        if mf:
            o0 = i0 + d
        else:
            i0, o0 = 0, d
        out.append((to, t, t + d, kind, mf, i0, o0, t, act, title))
        t += d
    db.execute("DELETE FROM schedule_items WHERE channel_id = ? AND end_ms > ?", (to, start - 60000))
    db.executemany("INSERT INTO schedule_items (" + cols + ") VALUES (?,?,?,?,?,?,?,?,?,?)", out)
    for r in out:
        print(number, r[3], (r[2] - r[1]) // 1000, r[9])
    return t

c2, c3, c4 = chan("2"), chan("3"), chan("4")
# Channel 4: into the sign-off, bars and tone, the sign-on.
so = after(c4, "kind = 'signoff'")
on = after(c4, "kind = 'signon'", so[0])
signoff = rows(c4, so[0] - 1000, on[1] + 1)
# Channel 2: a break inside a programme (act 1 into act 2).
a2 = after(c2, "kind = 'programme' AND act = 2 AND EXISTS (SELECT 1 FROM schedule_items b "
           "WHERE b.channel_id = schedule_items.channel_id AND b.end_ms = "
           "schedule_items.start_ms AND b.kind = 'bumper')")
a1 = db.execute("SELECT max(start_ms) FROM schedule_items WHERE channel_id = ? AND kind = "
                "'programme' AND start_ms < ?", (c2, a2[0])).fetchone()[0]
brk = rows(c2, a1, a2[0] + 1)
# Channel 3: channel 4's end of a programme, the next-bumper card, a rating card.
nb = after(c4, "kind = 'next_bumper' AND end_ms - start_ms >= 10000")
rc = after(c4, "kind = 'rating_card'", nb[0])
p0 = db.execute("SELECT max(start_ms) FROM schedule_items WHERE channel_id = ? AND kind = "
                "'programme' AND start_ms < ?", (c4, nb[0])).fetchone()[0]
cards = rows(c4, p0, rc[1] + 1)
ends = [place(c4, "4", signoff, {"signoff": 25000, "offair": 8000}, 10000, 8000),
        place(c2, "2", brk, {}, 8000, 8000), place(c3, "3", cards, {}, 8000, 8000)]
db.commit()
print("end", max(ends))
PY
check_eq "the demo's log gives the three stretches" 0 $?
sed 's/^/# /' "$T/windows"
end=$(sed -n 's/^end //p' "$T/windows")
[ -n "$end" ] || { done_testing; exit; }
for k in signoff offair signon bumper commercial next_bumper rating_card; do
	check_grep "a $k is among them" "^[0-9]* $k " "$T/windows"
done

check "the daemon starts" start_daemon "$T/daemon.log"
recs=
for n in 4 3; do
	ffmpeg -v error -i "http://127.0.0.1:$port/channel/$n.ts" -map 0:a -c copy -f mpegts \
		-t $(((end - $(now_ms)) / 1000 + 1)) "$T/ch$n.ts" &
	recs="$recs $!"
done
# The status all along: every alarm any channel shows.
: >"$T/alarms"
while [ "$(now_ms)" -lt $((end + 2000)) ]; do
	curl -s "http://127.0.0.1:$port/api/status" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["channels"]:
    for a in c["alarms"]:
        print(c["number"], a["name"], a["seconds"], (c["item"] or {}).get("title"))' >>"$T/alarms"
	sleep 0.5
done
wait $recs                      # the recorders (the daemon is a child too)
stop_daemon

check_eq "no alarm showed in the status" "" "$(sort -u "$T/alarms" | head -5)"
check "nor in the log" sh -c "! grep -E 'DEAD AIR|BLACK|FROZEN' '$T/daemon.log'"
grep -E 'DEAD AIR|BLACK|FROZEN' "$T/daemon.log" | head -5 | sed 's/^/# /'
check_eq "nor in the as-run log" "" "$(sql "SELECT title || ': ' || errors FROM playout_logs
    WHERE errors LIKE '%DEAD AIR%' OR errors LIKE '%BLACK%' OR errors LIKE '%FROZEN%'")"
check_eq "every card aired" "next_bumper offair rating_card signoff signon" \
	"$(sql "SELECT group_concat(kind, ' ') FROM (SELECT DISTINCT s.kind FROM playout_logs p
	    JOIN schedule_items s ON s.id = p.schedule_item_id WHERE s.kind IN ('signoff',
	    'offair', 'signon', 'rating_card', 'next_bumper') AND p.status = 'aired' ORDER BY 1)")"
check_grep "the guide airs with the bed under it" "channel 1: on air: Program Guide" "$T/daemon.log"
for n in 4 3; do
	ffmpeg -nostats -i "$T/ch$n.ts" -af silencedetect=n=-60dB:d=1 -f null - 2>"$T/silence$n"
	check "channel $n was recorded" test -s "$T/ch$n.ts"
	check "and silencedetect finds no second of silence in it" \
		sh -c "! grep -q silence_start '$T/silence$n'"
	grep silence_ "$T/silence$n" | head -4 | sed 's/^/# /'
done

done_testing
