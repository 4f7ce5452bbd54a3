#!/bin/sh
# retrovue validate on media made with ffmpeg: good, audio only, video only,
# corrupt, missing, wrong duration; loudness checked against ffmpeg's own
# ebur128; files checked in parallel.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/media.sh"
sq() { sqlite3 "$RETROVUE_DB_PATH" "$1"; }
M="$T/media"
mkdir -p "$M"
make_tone "$M/loud.mp4" 4 -6
make_tone "$M/quiet.mp4" 4 -30
ffmpeg -v error -f lavfi -i "sine=frequency=300:sample_rate=44100:duration=3" -c:a aac "$M/radio.m4a"
ffmpeg -v error -f lavfi -i "testsrc=size=160x90:rate=30000/1001:duration=3" -c:v mpeg4 "$M/silent.mkv"
make_tone "$M/gone.mp4" 2 -20
head -c 30000 /dev/urandom > "$M/junk.bin"
cp "$M/loud.mp4" "$M/junk.mp4"

for f in loud quiet gone; do
	run_rc "$RETROVUE" content add "$M/$f.mp4" --type commercial
done
run_rc "$RETROVUE" content add "$M/radio.m4a" --type interstitial
run_rc "$RETROVUE" content add "$M/silent.mkv" --type bumper
run_rc "$RETROVUE" content add "$M/junk.mp4" --type promo
check_eq "six files added" 6 "$(sq 'SELECT count(*) FROM media_files')"
# Break two of them after adding: one goes, one turns to junk.
rm "$M/gone.mp4"
cp "$M/junk.bin" "$M/junk.mp4"
# And the library believes one lasts twice as long as it does.
sq "UPDATE media_files SET duration_ms = 8000 WHERE file_path LIKE '%quiet.mp4'"

run_rc "$RETROVUE" validate --jobs 3
check_eq "validate exits 1 when files are missing or broken" 1 "$rc"
check_grep "a summary line" "Validated 6 files: 3 ok, 1 with warnings, 1 missing, 1 errors" "$T/out"
v() { sq "SELECT validation_status FROM media_files WHERE file_path LIKE '%$1'"; }
check_eq "a good file is ok" ok "$(v loud.mp4)"
check_eq "audio only is ok" ok "$(v radio.m4a)"
check_eq "video only is ok" ok "$(v silent.mkv)"
check_eq "a wrong duration is a warning" warning "$(v quiet.mp4)"
check_eq "a missing file is missing" missing "$(v gone.mp4)"
check_eq "a corrupt file is an error" error "$(v junk.mp4)"
check_grep "the missing file is named" "missing .*$M/gone.mp4: No such file or directory" "$T/out"
check_grep "the corrupt file is named" "error .*$M/junk.mp4: cannot open" "$T/out"
check_grep "the duration warning gives both" "its duration 00:00:04 differs from the library's 00:00:08 by 50.0%" "$T/out"
check_eq "codecs, size and rate are stored" "h264|aac|320|180|25.0" \
    "$(sq "SELECT video_codec, audio_codec, width, height, frame_rate FROM media_files WHERE file_path LIKE '%loud.mp4'")"
check_eq "NTSC rates are kept" "mpeg4||29.97" \
    "$(sq "SELECT video_codec, audio_codec, round(frame_rate, 2) FROM media_files WHERE file_path LIKE '%silent.mkv'")"
check_eq "no loudness without audio" "" "$(sq "SELECT loudness_lufs FROM media_files WHERE file_path LIKE '%silent.mkv'")"
for f in loud.mp4 quiet.mp4 radio.m4a; do
	ours=$(sq "SELECT printf('%.1f', loudness_lufs) FROM media_files WHERE file_path LIKE '%$f'")
	theirs=$(ebur128_of "$M/$f")
	check "$f: integrated loudness $ours LUFS matches ffmpeg's ebur128 ($theirs)" \
	    awk -v a="$ours" -v b="$theirs" 'BEGIN { d = a - b; exit !(a != "" && d < 0.25 && d > -0.25) }'
done
check "the loud file measures louder" awk -v a="$(sq "SELECT loudness_lufs FROM media_files WHERE file_path LIKE '%loud.mp4'")" \
    -v b="$(sq "SELECT loudness_lufs FROM media_files WHERE file_path LIKE '%quiet.mp4'")" 'BEGIN { exit !(a - b > 20) }'
check "validated_at is set" test -n "$(sq "SELECT validated_at FROM media_files WHERE file_path LIKE '%loud.mp4'")"

run_rc "$RETROVUE" content list --sort loudness
check_grep "content list shows the check and the loudness" "commercial .* ok  *-[0-9]*\.[0-9] .*loud" "$T/out"
check_grep "and the missing one" "missing" "$T/out"

run_rc "$RETROVUE" validate
check_eq "nothing left unchecked: exit 0" 0 "$rc"
check_grep "says so" "Nothing to validate" "$T/out"
id=$(sq "SELECT id FROM media_files WHERE file_path LIKE '%junk.mp4'")
cp "$M/loud.mp4" "$M/junk.mp4"
run_rc "$RETROVUE" validate --no-loudness "$id"
check_eq "validate ID re-checks that file" 0 "$rc"
check_eq "now ok" ok "$(v junk.mp4)"
check_eq "--no-loudness leaves loudness alone" "" "$(sq "SELECT loudness_lufs FROM media_files WHERE id = $id")"
run_rc "$RETROVUE" validate 999
check_eq "an unknown id fails" 1 "$rc"
check_grep "naming it" "no media file 999" "$T/err"
run_rc "$RETROVUE" validate --all --quiet --jobs 1
check_eq "--all re-checks everything (one still missing)" 1 "$rc"
check_grep "all six" "Validated 6 files" "$T/out"
check_no_grep "--quiet prints only problems" "^ok " "$T/out"

# Real-world files: a recording whose format changes at its ad breaks (44.1
# kHz stereo, 48 kHz 5.1, back) is measured across the changes, as its
# stereo downmix airs; a container that says 8 s of a file cut at 4 s; a
# sound that ends at 2 s of 6. And a library path that is a URL.
make_changing "$M/changing.ts"
make_clock "$M/full.mkv" 8 320 180 25 -c:v libx264 -preset ultrafast -c:a aac
head -c $(($(stat -c %s "$M/full.mkv") / 2)) "$M/full.mkv" >"$M/cut.mkv"
ffmpeg -v error -y -f lavfi -i "$(clock_video 320 180 25 6)" -f lavfi -i "$(clock_audio 48000 stereo 2)" \
    -c:v libx264 -preset ultrafast -c:a aac "$M/early.mkv"
for f in changing.ts cut.mkv early.mkv; do
	run_rc "$RETROVUE" content add "$M/$f" --type commercial
done
run_rc "$RETROVUE" content add "http://127.0.0.1:1/movie.mkv" --type commercial
check_eq "content add refuses a URL" 1 "$rc"
check_grep "saying why" "refused: only local files are opened, not http: URLs" "$T/err"
sq "INSERT INTO media_files (file_path, duration_ms, media_type, source_type) VALUES
    ('tcp://127.0.0.1:1?listen', 1000, 'clip', 'plex')"
run_rc "$RETROVUE" validate
check_eq "validate: the format changes do not stop the measure" ok "$(v changing.ts)"
ours=$(sq "SELECT printf('%.1f', loudness_lufs) FROM media_files WHERE file_path LIKE '%changing.ts'")
# ffmpeg restarts its filters (ebur128 too) at each change: measure its stereo downmix, written out.
ffmpeg -v error -i "$M/changing.ts" -vn -af aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo \
    -c:a pcm_f32le "$T/downmix.wav"
theirs=$(ebur128_of "$T/downmix.wav")
check "across the changes: $ours LUFS, ffmpeg's ebur128 of the stereo downmix $theirs" \
    awk -v a="$ours" -v b="$theirs" 'BEGIN { d = a - b; exit !(a != "" && d < 0.3 && d > -0.3) }'
check_no_grep "no 'loudness not measured'" "changing.ts.*loudness not measured" "$T/out"
check_eq "a cut file is a warning" warning "$(v cut.mkv)"
check_grep "its real length is told" "cut: .*its container says 00:00:08 but the file ends at 00:00:0[34] (cut short?)" "$T/out"
check_grep "and set against the library's" "cut: .*its duration 00:00:0[34] differs from the library's 00:00:08" "$T/out"
check_eq "a sound that ends early is a warning" warning "$(v early.mkv)"
check_grep "saying where" "early: .*its sound ends at 00:00:0[12] of 00:00:06" "$T/out"
check_eq "a URL from a library is an error" error "$(v '127.0.0.1:1?listen')"
check_grep "never opened" "tcp://127.0.0.1:1?listen: refused: only local files are opened, not tcp: URLs" "$T/out"

done_testing
