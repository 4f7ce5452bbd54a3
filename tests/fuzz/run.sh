#!/bin/sh
# tests/fuzz/run.sh: build every fuzz target with clang and run each for
# FUZZ_TIME seconds (make fuzz sets the variables). A crash leaves its input
# in fuzz/crashes/NAME/; copy it to tests/fuzz/regress/NAME/ once fixed, and
# make check replays it for ever (tests/unit/test_fuzz_regress).
#   FUZZ_CC SRCDIR BUILDDIR FUZZ_CPPFLAGS FUZZ_DEPFLAGS FUZZ_LIBS FUZZ_FILES
#   FUZZ_TIME (60) FUZZ_TARGETS (all) FUZZ_JOBS (1)
set -e
: "${FUZZ_CC:?make fuzz needs clang: apt-get install clang}"
FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-"control nfo plex route schedule settings"}
out="$BUILDDIR/fuzz"
mkdir -p "$out/obj"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
  -fno-sanitize-recover=undefined -include $BUILDDIR/config.h -I$SRCDIR -I$BUILDDIR \
  $FUZZ_DEPFLAGS -pthread"

# The parsers and what they call, instrumented (rebuilt when the source is newer).
objs=""
for f in $FUZZ_FILES tests/fuzz/targets.c; do
	case $f in *.c) ;; *) continue ;; esac
	src="$SRCDIR/$f"
	[ -f "$src" ] || src="$BUILDDIR/$f"
	o="$out/obj/$(echo "$f" | tr / _).o"
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ]; then
		echo "  CC(fuzz) $f"
		$FUZZ_CC $flags -c "$src" -o "$o"
	fi
	objs="$objs $o"
done
rm -f "$out/librvfuzz.a"
ar rcs "$out/librvfuzz.a" $objs

status=0
for t in $FUZZ_TARGETS; do
	echo "  LD(fuzz) fuzz_$t"
	$FUZZ_CC $flags -fsanitize=fuzzer -DFUZZ_TARGET="\"$t\"" \
	    "$SRCDIR/tests/fuzz/fuzz_main.c" "$out/librvfuzz.a" $FUZZ_LIBS -o "$out/fuzz_$t"
	mkdir -p "$out/corpus/$t" "$out/crashes/$t"
	# The seeds and the regressions first, then what the fuzzer finds.
	for d in "$SRCDIR/tests/fuzz/corpus/$t" "$SRCDIR/tests/fuzz/regress/$t"; do
		[ -d "$d" ] && cp -n "$d"/* "$out/corpus/$t/" 2>/dev/null || true
	done
	dict=""
	[ -f "$SRCDIR/tests/fuzz/$t.dict" ] && dict="-dict=$SRCDIR/tests/fuzz/$t.dict"
	echo "fuzz: $t for $FUZZ_TIME s"
	if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	    "$out/fuzz_$t" -max_total_time="$FUZZ_TIME" -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/crashes/$t/" \
	    $dict "$out/corpus/$t" >"$out/fuzz_$t.log" 2>&1; then
		echo "fuzz: $t: $(grep -E 'stat::number_of_executed_units' "$out/fuzz_$t.log" |
		    awk '{print $2}') runs, $(grep -E 'cov: [0-9]+' -o "$out/fuzz_$t.log" | tail -1), nothing found"
	else
		echo "fuzz: $t FOUND A PROBLEM: see $out/fuzz_$t.log and $out/crashes/$t/"
		grep -E "ERROR|SUMMARY|runtime error" "$out/fuzz_$t.log" | head -5
		status=1
	fi
done
exit $status
