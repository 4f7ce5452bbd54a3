#!/bin/sh
# Subtitles burned in, on the air: a real daemon, files of every kind of
# subtitle (SubRip, ASS, mov_text and WebVTT inside files; DVD (VobSub) and
# DVB pictures; SubRip and ASS sidecars, forced ones among them) added with
# 'retrovue content add', which finds their tracks, and two channels airing
# them at once: one with subtitles 'always' (English), joined in the middle
# of a subtitle, one with 'forced'. The recordings are read frame by frame:
# each clip's frame code says which instant of it aired, and a subtitle is
# bright pixels low in its flat grey picture (white text, yellow boxes).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"

SUB="python3 $TESTS_HELPERS/subcheck.py"
MKSUBS=${MKSUBS:-$(dirname "$RETROVUE")/tests/helpers/mksubs}
M="$T/media"
mkdir -p "$M"

# Every clip: 6 s, a subtitle "Hello" at 0.5-2 s and "World" at 2.5-5.5 s;
# a forced track (or forced events) has "World" only.
srt() {
	printf '1\n00:00:00,500 --> 00:00:02,000\nHello\n\n2\n00:00:02,500 --> 00:00:05,500\nWorld\n'
}
printf '1\n00:00:02,500 --> 00:00:05,500\nWorld\n' >"$M/forced.srt"
srt >"$M/full.srt"
cat >"$M/box.ass" <<'EOF'
[Script Info]
ScriptType: v4.00+
PlayResX: 640
PlayResY: 360

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Box,DejaVu Sans,30,&H0000FFFF,&H0000FFFF,&H0000FFFF,&H0000FFFF,0,0,0,0,100,100,0,0,3,6,0,2,10,10,20,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.50,0:00:02.00,Box,,0,0,0,,Hello
Dialogue: 0,0:00:02.50,0:00:05.50,Box,,0,0,0,,World
EOF
# clip NAME ITEM: the coded 640x360 picture and a tone, 6 s.
base() { $CHECK make "$M/$1" "$2" 6 640 360 25 -f lavfi -i sine=f=440:r=48000:d=6; }
# mux OUT IN SUBS...: IN's streams and the subtitle inputs, as ffmpeg options.
mux() {
	out=$1
	in=$2
	shift 2
	ffmpeg -v error -y -i "$in" "$@" -c:v copy -c:a copy "$out"
}
base a.mp4 1
mux "$M/a.mkv" "$M/a.mp4" -i "$M/full.srt" -i "$M/forced.srt" -map 0 -map 1 -map 2 -c:s srt \
	-metadata:s:s:0 language=eng -metadata:s:s:1 language=eng -disposition:s:0 0 \
	-disposition:s:1 forced
base b.mp4 2
mux "$M/b.mkv" "$M/b.mp4" -i "$M/box.ass" -map 0 -map 1 -c:s ass -metadata:s:s:0 language=eng
base c0.mp4 3
mux "$M/c.mp4" "$M/c0.mp4" -i "$M/full.srt" -map 0 -map 1 -c:s mov_text -metadata:s:s:0 language=eng
base d.mp4 4
mux "$M/d.mkv" "$M/d.mp4" -i "$M/full.srt" -map 0 -map 1 -c:s webvtt -metadata:s:s:0 language=eng
base e.mp4 5
"$MKSUBS" dvdsub "$M/e.sub.mkv" 640 360 0.5-2 2.5-5.5:forced
mux "$M/e.mkv" "$M/e.mp4" -i "$M/e.sub.mkv" -map 0 -map 1 -c:s copy
base f.mp4 6
"$MKSUBS" dvbsub "$M/f.sub.ts" 640 360 0.5-2 2.5-5.5:forced
mux "$M/f.ts" "$M/f.mp4" -i "$M/f.sub.ts" -map 0 -map 1 -c:s copy
base g.mp4 7
cp "$M/full.srt" "$M/g.en.srt"
cp "$M/forced.srt" "$M/g.en.forced.srt"
base h.mp4 8
cp "$M/box.ass" "$M/h.eng.ass"
for f in a.mkv b.mkv c.mp4 d.mkv e.mkv f.ts g.mp4 h.mp4; do
	test -s "$M/$f" || { not_ok "made $f"; done_testing; exit 0; }
done
ok "the clips are made: SubRip, ASS, mov_text, WebVTT, VobSub, DVB, sidecars"

# Import: 'content add' finds every track, its language and forced flag.
run_rc "$RETROVUE" db init
for f in a.mkv b.mkv c.mp4 d.mkv e.mkv f.ts g.mp4 h.mp4; do
	"$RETROVUE" content add "$M/$f" --type interstitial >>"$T/added" 2>&1
done
id_of() { sql "SELECT id FROM media_files WHERE file_path = '$M/$1'"; }
"$RETROVUE" content show "$(id_of a.mkv)" >"$T/show.a"
check_grep "a.mkv: its SubRip track" "subtitle track .*English (subrip, stream 2)" "$T/show.a"
check_grep "a.mkv: its forced SubRip track" "subtitle track .*English, forced (subrip, stream 3)" "$T/show.a"
"$RETROVUE" content show "$(id_of g.mp4)" >"$T/show.g"
check_grep "g.mp4: its sidecar" "English (subrip, sidecar g.en.srt)" "$T/show.g"
check_grep "g.mp4: its forced sidecar" "English, forced (subrip, sidecar g.en.forced.srt)" "$T/show.g"
check_eq "every kind is stored with its codec" \
	"ass dvb_subtitle dvd_subtitle mov_text subrip webvtt" \
	"$(sql "SELECT group_concat(codec, ' ') FROM (SELECT DISTINCT codec FROM subtitle_tracks ORDER BY codec)")"
check_eq "h.mp4's ASS sidecar is English" "eng" \
	"$(sql "SELECT language FROM subtitle_tracks WHERE file_name = 'h.eng.ass'")"

port=$(free_port)
run_rc "$RETROVUE" channel add 7 "Subtitled" --format 640x360@25 --video-kbps 1500 \
	--subtitles always --subtitle-language eng
check_eq "a channel with subtitles always (English)" 0 "$rc"
run_rc "$RETROVUE" channel add 8 "Forced" --format 640x360@25 --video-kbps 1500 \
	--subtitles forced --subtitle-language spa,eng
# No bug or lower thirds: nothing else bright in the picture.
"$RETROVUE" graphics 7 enabled=off >/dev/null
"$RETROVUE" graphics 8 enabled=off >/dev/null
"$RETROVUE" channel show 7 >"$T/show7"
check_grep "'channel show' says so" "subtitles: *always, in eng" "$T/show7"
sql "INSERT INTO system_config (key, value) VALUES ('engine.idle_timeout_s', '60')"

# The schedules: channel 7 from the middle of "World" in a.mkv (it has aired
# 3.5 s when the daemon starts, and a channel joins a second before it
# starts); channel 8 the files with forced subtitles.
ids=""
for f in a.mkv b.mkv c.mp4 d.mkv e.mkv f.ts g.mp4 h.mp4; do ids="$ids $(id_of $f)"; done
set -- $ids
A=$1 E=$5 G=$7
now=$(now_ms)
items="" # CHANNEL START_MS MEDIA_ID TITLE
item() {
	items="$items INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id,
	    in_ms, out_ms, title) VALUES ((SELECT id FROM channels WHERE number = '$1'), $2,
	    $2 + 6000, 'programme', $3, 0, 6000, 'clip $3');"
}
t=$((now - 3500))
for id in $ids; do
	item 7 $t "$id"
	t=$((t + 6000))
done
END7=$t
t=$((now + 1500))
for id in $A $E $G; do
	item 8 $t "$id"
	t=$((t + 6000))
done
sql "$items"

check "the daemon starts" start_daemon "$T/daemon.log"
secs=$(( (END7 - $(now_ms)) / 1000 + 1 ))
curl -s -m "$secs" -o "$T/seven.ts" "http://127.0.0.1:$port/channel/7.ts" &
p7=$!
curl -s -m "$((secs - 24))" -o "$T/eight.ts" "http://127.0.0.1:$port/channel/8.ts" &
p8=$!
wait $p7 $p8

# Channel 7: every kind shows at its times, and nowhere else.
$SUB check "$T/seven.ts" 25 1=0.5-2,2.5-5.5 2=0.5-2,2.5-5.5 3=0.5-2,2.5-5.5 4=0.5-2,2.5-5.5 \
	5=0.5-2,2.5-5.5 6=0.5-2,2.5-5.5 7=0.5-2,2.5-5.5 8=0.5-2,2.5-5.5 >"$T/check7"
rc=$?
sed 's/^/# /' "$T/check7"
check_eq "always: each kind of subtitle is on screen when it should be, and only then" 0 "$rc"
for n in 2 3 4 5 6 7 8; do
	check_grep "item $n aired and was judged" "^item $n: [1-9][0-9]* frames judged" "$T/check7"
done
first=$($SUB first "$T/seven.ts" 25)
diag "channel 7 joined a.mkv at: $first"
check "it joined a.mkv inside \"World\" (2.5-5.5 s)" python3 -c "
import sys
item, t = '$first'.split()
sys.exit(0 if item == '1' and 2.6 < float(t) < 5.4 else 1)"
check_grep "the join shows the subtitle on screen at the join point" \
	"^item 1: [1-9][0-9]* frames judged (first at [2-5]\.[0-9]* s, with a subtitle)" "$T/check7"

# Channel 8, forced: "World" only, from the forced track, the forced
# picture events and the forced sidecar.
$SUB check "$T/eight.ts" 25 1=2.5-5.5 5=2.5-5.5 7=2.5-5.5 >"$T/check8"
rc=$?
sed 's/^/# /' "$T/check8"
check_eq "forced: only forced subtitles are burned in" 0 "$rc"

check_grep "the log says what airs" "subtitles burned in: .*English, forced" "$T/daemon.log"
stop_daemon
check_eq "SIGTERM stops the daemon cleanly" 0 "$stop_rc"
done_testing
