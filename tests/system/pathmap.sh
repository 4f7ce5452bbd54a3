#!/bin/sh
# Path mapping from the command line: rules applied at import, re-applied
# to stored paths when they change, longest and per-source rules, Windows
# prefixes, and validate reporting files that are not there after mapping.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/plexlib.sh"
start_stub
path_of() { sq "SELECT file_path FROM media_files WHERE source_key = '$1'"; }

run_rc "$RETROVUE" db init
run_rc "$RETROVUE" pathmap list
check_eq "pathmap list on a new database exits 0" 0 "$rc"
check_grep "and says there are none" "No path mappings" "$T/out"

run_rc "$RETROVUE" source add plex --name home --url "$URL" --token "$TOKEN"
run_rc "$RETROVUE" pathmap add /data "$T/nas"
check_eq "pathmap add exits 0" 0 "$rc"
check_grep "and says what it did" "Mapping 1: /data -> $T/nas; 0 stored paths changed" "$T/out"
run_rc "$RETROVUE" sync-all --plex-only
check_eq "a sync with a mapping" 0 "$rc"
check_eq "paths are mapped at import" "$T/nas/Movies/Big Buck Bunny (2008).mkv" "$(path_of 55)"
check_eq "what Plex reported is kept" "/data/Movies/Big Buck Bunny (2008).mkv" \
    "$(sq "SELECT source_path FROM media_files WHERE source_key = '55'")"
check_eq "paths no rule covers stay" "/mnt/media/Libraries/movies/Reign of Fire (2002)/Reign of Fire (2002).mp4" "$(path_of 1036)"

# A longer prefix wins, and is applied to what is stored at once.
run_rc "$RETROVUE" pathmap add /data/TV-Shows/ "$T/tv/"
check_eq "a second mapping" 0 "$rc"
check_grep "re-maps stored episodes" "Mapping 2: /data/TV-Shows/ -> $T/tv/; 15 stored paths changed" "$T/out"
check_eq "the longest prefix wins" "$T/tv/The 100/The.100.S01E01.mkv" "$(path_of 90)"
check_eq "movies keep the shorter one" "$T/nas/Movies/Big Buck Bunny (2008).mkv" "$(path_of 55)"

# Whole segments: a rule for /mnt/media/Lib does not touch /mnt/media/Libraries.
run_rc "$RETROVUE" pathmap add /mnt/media/Lib /x
check_grep "a prefix that is not a whole segment maps nothing" "0 stored paths changed" "$T/out"
run_rc "$RETROVUE" pathmap add /mnt/media/Libraries/movies "R:\\movies" --source home
check_grep "a source-only Windows target" "(that source only); 2 stored paths changed" "$T/out"
check_eq "takes backslashes" 'R:\movies\Reign of Fire (2002)\Reign of Fire (2002).mp4' "$(path_of 1036)"
run_rc "$RETROVUE" pathmap add /data/X /y --source nosuch
check_eq "an unknown source is refused" 1 "$rc"

run_rc "$RETROVUE" pathmap list
check_grep "list shows the rules" "^2 *(all) *\/data\/TV-Shows *$T/tv/" "$T/out"
check_grep "with their source" "^4 *home *\/mnt\/media\/Libraries\/movies *R:.movies" "$T/out"

run_rc "$RETROVUE" pathmap test "/data/TV-Shows/Lost/1.mkv"
check_grep "pathmap test shows the result" "-> $T/tv/Lost/1.mkv" "$T/out"
check_grep "and the rule" "by mapping 2 (/data/TV-Shows -> $T/tv/)" "$T/out"
check_grep "and whether the file is there" "not found on this machine" "$T/out"
run_rc "$RETROVUE" pathmap test /elsewhere/x.mkv
check_grep "a path no rule covers" "no mapping applies" "$T/out"

# Windows-style Plex paths: case-insensitive, either separator.
run_rc "$RETROVUE" pathmap add 'D:\Media\TV' "$T/wintv"
run_rc "$RETROVUE" pathmap test 'd:/media/tv/Show/S01E01.MKV'
check_grep "Windows prefixes match case-insensitively, the rest keeps its case" \
    "-> $T/wintv/Show/S01E01.MKV" "$T/out"
run_rc "$RETROVUE" pathmap test 'D:\Media\TVShows\x.mkv'
check_grep "on whole segments" "no mapping applies" "$T/out"

# validate: the mapped file that exists is fine, the one that does not is reported.
mkdir -p "$T/nas/Movies"
ffmpeg -v error -f lavfi -i "testsrc=size=64x36:rate=10:duration=5" -f lavfi -i "sine=duration=5" \
    -c:v mpeg4 -c:a aac -shortest "$T/nas/Movies/Big Buck Bunny (2008).mkv"
id55=$(sq "SELECT id FROM media_files WHERE source_key = '55'")
id90=$(sq "SELECT id FROM media_files WHERE source_key = '90'")
run_rc "$RETROVUE" validate --no-loudness "$id55" "$id90"
check_eq "validate with a missing file exits 1" 1 "$rc"
check_grep "the mapped file is ok" "^ok .*Big Buck Bunny" "$T/out"
check_grep "the missing one names both paths and pathmap" \
    "missing .*$T/tv/The 100/The.100.S01E01.mkv: No such file or directory (Plex reports /data/TV-Shows/The 100/The.100.S01E01.mkv; see 'retrovue pathmap')" "$T/out"

# Removing a rule re-maps; the file goes back to unchecked.
run_rc "$RETROVUE" pathmap remove 1
check_eq "pathmap remove exits 0" 0 "$rc"
check_eq "the movie is back to Plex's path" "/data/Movies/Big Buck Bunny (2008).mkv" "$(path_of 55)"
check_eq "and unchecked" "unchecked" "$(sq "SELECT validation_status FROM media_files WHERE source_key = '55'")"
check_eq "episodes keep theirs" "$T/tv/The 100/The.100.S01E01.mkv" "$(path_of 90)"
run_rc "$RETROVUE" pathmap remove 77
check_eq "removing what is not there fails" 1 "$rc"
# Changing a rule's target (same prefix) re-maps too.
run_rc "$RETROVUE" pathmap add /data/TV-Shows "$T/tv2"
check_grep "the same prefix changes the rule" "^Mapping 2: " "$T/out"
check_eq "and the stored paths" "$T/tv2/The 100/The.100.S01E01.mkv" "$(path_of 90)"
# A re-sync keeps the mapping.
run_rc "$RETROVUE" sync-all --plex-only --force
check_eq "a forced re-sync keeps mapped paths" "$T/tv2/The 100/The.100.S01E01.mkv" "$(path_of 90)"

done_testing
