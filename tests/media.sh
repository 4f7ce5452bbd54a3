# tests/media.sh: small media made on the fly for the validation and
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
