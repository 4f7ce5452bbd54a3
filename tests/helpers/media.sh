# tests/helpers/media.sh: small media made on the fly for the validation and
# chapter tests. Source it after lib.sh.

# tone FILE SECONDS DB: 320x180 test picture with a 1 kHz tone at DB.
make_tone() {
	ffmpeg -v error -y -f lavfi -i "testsrc=size=320x180:rate=25:duration=$2" -f lavfi \
	    -i "sine=frequency=1000:sample_rate=48000:duration=$2,volume=$3dB" -c:v libx264 \
	    -preset ultrafast -c:a aac -shortest "$1"
}

# make_breaks FILE: 20 s; black + silence at 6-7 s (a break), silence over
# picture at 9-10 s, black over a tone at 12-13 s (neither is a break).
make_breaks() {
	ffmpeg -v error -y \
	    -f lavfi -i "testsrc=size=320x180:rate=25:duration=6" \
	    -f lavfi -i "color=c=black:size=320x180:rate=25:duration=1" \
	    -f lavfi -i "testsrc=size=320x180:rate=25:duration=2" \
	    -f lavfi -i "testsrc=size=320x180:rate=25:duration=1" \
	    -f lavfi -i "testsrc=size=320x180:rate=25:duration=2" \
	    -f lavfi -i "color=c=black:size=320x180:rate=25:duration=1" \
	    -f lavfi -i "testsrc=size=320x180:rate=25:duration=7" \
	    -f lavfi -i "sine=f=440:sample_rate=48000:duration=6" \
	    -f lavfi -i "anullsrc=r=48000:cl=mono:d=1" \
	    -f lavfi -i "sine=f=440:sample_rate=48000:duration=2" \
	    -f lavfi -i "anullsrc=r=48000:cl=mono:d=1" \
	    -f lavfi -i "sine=f=440:sample_rate=48000:duration=2" \
	    -f lavfi -i "sine=f=660:sample_rate=48000:duration=1" \
	    -f lavfi -i "sine=f=440:sample_rate=48000:duration=7" \
	    -filter_complex "[0:v][7:a][1:v][8:a][2:v][9:a][3:v][10:a][4:v][11:a][5:v][12:a][6:v][13:a]concat=n=7:v=1:a=1[v][a]" \
	    -map "[v]" -map "[a]" -c:v libx264 -preset ultrafast -c:a aac "$1"
}

# ebur128_of FILE: integrated loudness as ffmpeg's own ebur128 reports it.
ebur128_of() {
	ffmpeg -nostats -i "$1" -af ebur128 -f null - 2>&1 | sed -n 's/^ *I: *\(-[0-9.]*\) LUFS$/\1/p' | tail -1
}

# Clock media: the picture is grey whose luma tells the media time within
# the second (Y = 30 + 192 * frac(t)), the sound a 440 Hz tone at 1/8 of
# full scale that is four times louder for the first 0.1 s of every second.
# Read back from what airs, both say which instant of the file is on air,
# so freezes, silences, jumps and A/V offsets show (tests/unit/test_source.c).
CLOCK_LUMA="30+192*(T-floor(T))"
CLOCK_SOUND="0.125*sin(2*PI*440*t)*(1+3*lt(t-floor(t)\,0.1))"

# clock_video W H FPS SECONDS [SAR]: the lavfi description of the picture.
clock_video() {
	echo "color=c=gray:s=$1x$2:r=$3:d=$4,geq=lum='$CLOCK_LUMA':cb=128:cr=128,setsar=${5:-1}"
}

# clock_audio RATE LAYOUT SECONDS: the sound, in stereo, 5.1 (front left
# and right) or mono.
clock_audio() {
	case $2 in
	5.1) e="$CLOCK_SOUND|$CLOCK_SOUND|0|0|0|0" ;;
	mono) e="$CLOCK_SOUND" ;;
	*) e="$CLOCK_SOUND|$CLOCK_SOUND" ;;
	esac
	echo "aevalsrc=exprs=$e:s=$1:c=$2:d=$3"
}

# make_clock_part FILE START SECONDS W H FPS SAR RATE LAYOUT [ARGS...]: an
# MPEG-TS part of a recording whose time stamps begin at START (an
# integer) + 10 s: every part's first picture is at its time (the sound's
# encoder priming before it), as in one recording.
make_clock_part() {
	f=$1 start=$2 d=$3 w=$4 h=$5 fps=$6 sar=$7 rate=$8 layout=$9
	shift 9
	ffmpeg -v error -y -f lavfi -i "$(clock_video "$w" "$h" "$fps" "$d" "$sar")" \
	    -f lavfi -i "$(clock_audio "$rate" "$layout" "$d")" -c:v libx264 -preset ultrafast \
	    -g 15 -pix_fmt yuv420p -c:a aac -b:a 96k "$@" -output_ts_offset $((start + 10)) \
	    -f mpegts "$f"
}

# make_changing FILE [ARGS...]: 8 s of a recording whose format changes
# every 2 s, as at ad breaks: 4:3 SD 29.97 fps 44.1 kHz stereo; 16:9 HD
# 25 fps 48 kHz 5.1; anamorphic 16:9 SD (the first size, another aspect
# ratio) 48 kHz; the first again. ARGS go to each part's encoding.
make_changing() {
	mc_out=$1
	shift
	make_clock_part "$mc_out.p1" 0 2 320 240 30000/1001 1 44100 stereo "$@" &&
	make_clock_part "$mc_out.p2" 2 2 640 360 25 1 48000 5.1 "$@" &&
	make_clock_part "$mc_out.p3" 4 2 320 240 30000/1001 4/3 48000 stereo "$@" &&
	make_clock_part "$mc_out.p4" 6 2 320 240 30000/1001 1 44100 stereo "$@" &&
	cat "$mc_out.p1" "$mc_out.p2" "$mc_out.p3" "$mc_out.p4" >"$mc_out" &&
	rm -f "$mc_out.p1" "$mc_out.p2" "$mc_out.p3" "$mc_out.p4"
}

# make_clock FILE SECONDS W H FPS [FFMPEG-ARGS...]: a clock file, stereo
# 48 kHz; the arguments go before the output (codecs, -itsoffset...).
make_clock() {
	f=$1 d=$2 w=$3 h=$4 fps=$5
	shift 5
	ffmpeg -v error -y -f lavfi -i "$(clock_video "$w" "$h" "$fps" "$d")" \
	    -f lavfi -i "$(clock_audio 48000 stereo "$d")" "$@" "$f"
}
