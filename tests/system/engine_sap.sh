#!/bin/sh
# Audio languages and the second audio program (SAP), heard in what airs.
# Each audio track of the test files is a tone of its own (commentary
# 1000 Hz, English 440, Spanish 660, French 880, an English-only file
# 550), so the pitch of each stream of the recording says which aired:
# the channel's language list (first match), the file's default, never
# the commentary by accident, the item's own choice (content set audio=),
# and on a channel with --sap-language spa a second audio PID in the TS
# (ISO 639 descriptors eng and spa) and in HLS a master playlist with an
# alternate audio rendition (ffprobe and a simulated player see both).
# An emergency alert replaces the SAP's audio too (multimon-ng decodes its
# SAME header from the second audio stream).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "$TESTS_HELPERS/engine_lib.sh"
TONES="python3 $TESTS_HELPERS/tones.py"

M="$T/media"
mkdir -p "$M"
# Commentary first and flagged default (as some rips have it), then
# English, Spanish, French.
ffmpeg -v error -y -f lavfi -i color=c=gray:s=320x180:r=30:d=20 \
	-f lavfi -i sine=f=1000:r=48000:d=20 -f lavfi -i sine=f=440:r=48000:d=20 \
	-f lavfi -i sine=f=660:r=48000:d=20 -f lavfi -i sine=f=880:r=48000:d=20 \
	-map 0:v -map 1:a -map 2:a -map 3:a -map 4:a \
	-metadata:s:a:0 language=eng -metadata:s:a:0 "title=Director's Commentary" \
	-disposition:a:0 default+comment -metadata:s:a:1 language=eng -disposition:a:1 0 \
	-metadata:s:a:2 language=spa -disposition:a:2 0 -metadata:s:a:3 language=fre \
	-disposition:a:3 0 -c:v libx264 -preset ultrafast -g 30 -c:a aac -shortest "$M/langs.mkv"
# The same in MP4 with the commentary named only by its title.
ffmpeg -v error -y -i "$M/langs.mkv" -map 0 -c copy -disposition:a:0 default \
	-metadata:s:a:0 "title=Commentary with the director" "$M/langs.mp4"
ffmpeg -v error -y -f lavfi -i color=c=gray:s=320x180:r=30:d=8 -f lavfi -i sine=f=550:r=48000:d=8 \
	-metadata:s:a:0 language=eng -c:v libx264 -preset ultrafast -g 30 -c:a aac -shortest \
	"$M/english.mp4"
check "the test files are made" test -s "$M/langs.mkv" -a -s "$M/langs.mp4" -a -s "$M/english.mp4"

run_rc "$RETROVUE" db init
run_rc "$RETROVUE" channel add 3 "Bilingual" --format 320x180@30 --video-kbps 300 \
	--language eng --sap-language spa
check_eq "a channel takes --sap-language" 0 "$rc"
run_rc "$RETROVUE" channel add 5 "Continental" --format 320x180@30 --video-kbps 300 \
	--language ger,fre
check_eq "a channel takes a list of languages" 0 "$rc"
run_rc "$RETROVUE" channel add 6 "Elsewhere" --format 320x180@30 --video-kbps 300 --language jpn
run_rc "$RETROVUE" channel add 7 "Alerted" --format 320x180@30 --video-kbps 300 \
	--language eng --sap-language spa
run_rc "$RETROVUE" channel edit 6 --sap-language english
check_eq "a SAP language that is not a code is refused" 1 "$rc"
check_grep "... saying why" "ISO 639-2" "$T/err"
run_rc "$RETROVUE" channel show 3
check_grep "channel show lists the second audio" "second audio.*spa" "$T/out"
sql "INSERT INTO media_files (id, file_path, duration_ms, media_type, source_type, loudness_lufs) VALUES
       (1, '$M/langs.mkv', 8000, 'clip', 'manual', -24), (2, '$M/langs.mp4', 8000, 'clip', 'manual', -24),
       (3, '$M/english.mp4', 8000, 'clip', 'manual', -24), (4, '$M/langs.mkv', 8000, 'clip', 'manual', -24);"
run_rc "$RETROVUE" content set 2 audio=fre
check_eq "content set takes audio=fre" 0 "$rc"
run_rc "$RETROVUE" content set 4 audio=1
check_eq "... and audio=1 (the first audio track)" 0 "$rc"
run_rc "$RETROVUE" content set 4 audio=klingon
check_eq "... and refuses what is neither" 1 "$rc"
run_rc "$RETROVUE" content show 2
check_grep "content show says the item's audio" "audio track.*fre" "$T/out"

port=$(free_port)
t=$(($(now_ms) + 2000))
id() { sql "SELECT id FROM channels WHERE number = '$1'"; }
c3=$(id 3) c5=$(id 5) c6=$(id 6) c7=$(id 7)
sql "INSERT INTO schedule_items (channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, title) VALUES
       ($c3, $t, $t + 3000, 'programme', 1, 0, 3000, 'by language'),
       ($c3, $t + 3000, $t + 6000, 'programme', 2, 0, 3000, 'French by choice'),
       ($c3, $t + 6000, $t + 9000, 'programme', 3, 0, 3000, 'English only'),
       ($c3, $t + 9000, $t + 12000, 'programme', 4, 0, 3000, 'the commentary by number'),
       ($c5, $t, $t + 3000, 'programme', 1, 0, 3000, 'French by the list'),
       ($c6, $t, $t + 3000, 'programme', 1, 0, 3000, 'no Japanese'),
       ($c7, $t - 2000, $t + 18000, 'programme', 1, 0, 20000, 'under the alert');"
start_daemon "$T/daemon.log"
check "the daemon starts" test -n "$daemon_pid"
curl -s -m 16 -o "$T/c3.ts" "http://127.0.0.1:$port/channel/3.ts" &
p3=$!
curl -s -m 7 -o "$T/c5.ts" "http://127.0.0.1:$port/channel/5.ts" &
p5=$!
curl -s -m 7 -o "$T/c6.ts" "http://127.0.0.1:$port/channel/6.ts" &
p6=$!
curl -s -m 20 -o "$T/c7.ts" "http://127.0.0.1:$port/channel/7.ts" &
p7=$!
sleep 2
run_rc "$RETROVUE" alert send --event RWT --fips 000000 --purge 0015 --message "A test" \
	--channels 7 --station "KRVU/TV"
check_eq "an alert is sent to the SAP channel" 0 "$rc"
# HLS while it airs: the index is a master playlist with two audio renditions.
curl -s -o "$T/master.m3u8" "http://127.0.0.1:$port/channel/3/index.m3u8"
curl -s -o "$T/sap.m3u8" "http://127.0.0.1:$port/channel/3/sap/index.m3u8"
curl -s -o "$T/main.m3u8" "http://127.0.0.1:$port/channel/3/main.m3u8"
curl -s -o "$T/c5.m3u8" "http://127.0.0.1:$port/channel/5/index.m3u8"
ffprobe -v error -show_entries stream=codec_type:stream_tags=language -of compact \
	"http://127.0.0.1:$port/channel/3/index.m3u8" >"$T/hls.probe" 2>"$T/hls.probe.err"
python3 "$TESTS_HELPERS/hlssim.py" "http://127.0.0.1:$port/channel/3/index.m3u8" 4 --json \
	--audio es >"$T/sim.json" 2>"$T/sim.err"
wait $p3 $p5 $p6 $p7
stop_daemon

# audio_langs FILE: its audio streams' languages in order ("eng spa").
audio_langs() {
	ffprobe -v error -show_entries stream=codec_type:stream_tags=language -of json "$1" |
		python3 -c 'import json, sys
print(" ".join(s.get("tags", {}).get("language", "und") for s in json.load(sys.stdin)["streams"]
               if s["codec_type"] == "audio"))'
}
check_eq "the SAP channel's TS has two audio streams, English then Spanish" "eng spa" \
	"$(audio_langs "$T/c3.ts")"
check_eq "the channel without SAP has one (its first language)" "ger" "$(audio_langs "$T/c5.ts")"

# pitch_at FILE STREAM FROM TO: the pitch most windows of [FROM, TO) s have.
pitch_at() {
	$TONES "$1" "$2" | awk -v a="$3" -v b="$4" '$1 >= a && $1 < b && $2 > 0 { n[$2]++ }
		END { best = 0; for (k in n) if (n[k] > best) { best = n[k]; hz = k }; print hz + 0 }'
}
# near HZ WANT: within 3 %.
near() { [ "$1" -ge $(($2 * 97 / 100)) ] && [ "$1" -le $(($2 * 103 / 100)) ]; }
# The items start on the channel's clock; a recording starts where the
# channel joined (a second or so before the first item, the slate's
# silence): find the first item by its sound.
first() { $TONES "$1" a:0 | awk '$2 > 400 { print $1; exit }'; }
start=$(first "$T/c3.ts")
diag "the first item starts at ${start:-?} s of the recording"
s() { python3 -c "print(${start:-0} + $1)"; }
for spec in "a:0 0.5 2.5 440 the main audio: the channel's English, not the default-flagged commentary" \
	"a:1 0.5 2.5 660 the SAP: the Spanish track" \
	"a:0 3.5 5.5 880 the item's choice (audio=fre) airs" \
	"a:1 3.5 5.5 660 ... with the Spanish SAP (the MP4's commentary named by its title only)" \
	"a:0 6.5 8.5 550 a file without Spanish: its English" \
	"a:1 6.5 8.5 550 ... on the SAP too" \
	"a:0 9.5 11.5 1000 the commentary airs when asked for by number (audio=1)"; do
	set -- $spec
	st=$1 from=$2 to=$3 want=$4
	shift 4
	hz=$(pitch_at "$T/c3.ts" "$st" "$(s "$from")" "$(s "$to")")
	if near "${hz:-0}" "$want"; then ok "$*"; else not_ok "$*"; diag "$st: $hz Hz, want $want"; fi
done
f=$(first "$T/c5.ts")
hz=$(pitch_at "$T/c5.ts" a:0 "$(python3 -c "print(${f:-0} + 0.5)")" "$(python3 -c "print(${f:-0} + 2.5)")")
if near "${hz:-0}" 880; then ok "ger,fre: French, the first the file has"; else not_ok "ger,fre: French"; diag "$hz Hz"; fi
f=$(first "$T/c6.ts")
hz=$(pitch_at "$T/c6.ts" a:0 "$(python3 -c "print(${f:-0} + 0.5)")" "$(python3 -c "print(${f:-0} + 2.5)")")
if near "${hz:-0}" 440; then ok "jpn (none): the first track that is not commentary"; else not_ok "jpn: English"; diag "$hz Hz"; fi

# The SAP's level: normalised like the main audio (the limiter's, and
# each measured on its own: equal tones, equal levels).
lv() { $TONES "$1" "$2" | awk -v a="$3" -v b="$4" '$1 >= a && $1 < b && $2 > 0 { s += $3; n++ } END { printf "%.1f", s / n }'; }
l0=$(lv "$T/c3.ts" a:0 "$(s 6.5)" "$(s 8.5)") l1=$(lv "$T/c3.ts" a:1 "$(s 6.5)" "$(s 8.5)")
# Within 1 dB (less than a listener hears): each lane measures its own
# loudness as it airs, and on a loaded machine their windows differ a little.
if python3 -c "import sys; sys.exit(abs($l0 - ($l1)) > 1.0)" 2>/dev/null; then
	ok "the SAP that airs the main audio airs it at its level"
else
	not_ok "the SAP that airs the main audio airs it at its level"; diag "main $l0 dB, SAP $l1 dB"
fi

# The alert on both audio programs.
for st in 0 1; do
	ffmpeg -v error -i "$T/c7.ts" -map 0:a:$st -ac 1 -ar 22050 -f s16le "$T/c7.$st.raw"
	multimon-ng -q -t raw -a EAS "$T/c7.$st.raw" >"$T/eas.$st" 2>/dev/null
done
check_grep "the alert's SAME header is in the main audio" "^EAS: ZCZC-EAS-RWT-000000+0015" "$T/eas.0"
check_grep "... and in the SAP's" "^EAS: ZCZC-EAS-RWT-000000+0015" "$T/eas.1"

# HLS.
check_grep "the index is a master playlist" "^#EXT-X-STREAM-INF:.*AUDIO=\"aud\"" "$T/master.m3u8"
check_grep "... with the main audio rendition" 'TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES' "$T/master.m3u8"
check_grep "... and the SAP's" 'TYPE=AUDIO,GROUP-ID="aud",NAME="Español (SAP)",LANGUAGE="es",DEFAULT=NO.*URI="sap/index.m3u8"' "$T/master.m3u8"
check_grep "the SAP's playlist lists its segments" "^[0-9]*\.ts$" "$T/sap.m3u8"
check_eq "... the same numbers as the main playlist" \
	"$(sed -n 's/^#EXT-X-MEDIA-SEQUENCE://p' "$T/main.m3u8")" "$(sed -n 's/^#EXT-X-MEDIA-SEQUENCE://p' "$T/sap.m3u8")"
check_grep "the channel without SAP keeps its media playlist as its index" "^#EXT-X-MEDIA-SEQUENCE" "$T/c5.m3u8"
diag "ffprobe of the master: $(tr '\n' ' ' <"$T/hls.probe")"
check_grep "ffprobe sees the SAP rendition in the master playlist" "codec_type=audio|tag:language=es" "$T/hls.probe"
diag "simulated player: $(cat "$T/sim.json" "$T/sim.err")"
check "the simulated player plays the Spanish rendition along the video" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
a = r["audio"]
sys.exit(0 if a["language"] == "es" and a["segments"] >= 2 and a["misaligned"] == 0 and
         a["missing"] == 0 else 1)' "$T/sim.json"

done_testing
