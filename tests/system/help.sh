#!/bin/sh
# 'retrovue COMMAND --help' for every command of the command table (as
# 'retrovue --help' lists it), and 'retrovue COMMAND SUB --help' for every
# sub-command: the usage on stdout, exit 0, nothing on stderr, nothing
# written (no database, no data directory).
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"

run_rc "$RETROVUE" --help
check_eq "retrovue --help exits 0" 0 "$rc"
sed -n '/^Commands:/,/^$/p' "$T/out" | awk 'NR > 1 && NF { print $1 }' > "$T/commands"
table=$(grep -c '^	&cmd_[a-z_]*_entry,$' "$TESTS_SRCDIR/../src/cmd/cmd.c")
check_eq "it lists every command of the table" "$table" "$(wc -l < "$T/commands")"

while read -r c; do
	run_rc "$RETROVUE" "$c" --help
	check_eq "$c --help exits 0" 0 "$rc"
	check_grep "$c --help prints its usage on stdout" "retrovue $c" "$T/out"
	check_eq "$c --help says nothing on stderr" "" "$(cat "$T/err")"
	# Commands with sub-commands list them as "  retrovue CMD SUB ...".
	sed -n "s/^  retrovue $c \\([a-z0-9-]*\\).*/\\1/p" "$T/out" > "$T/subs"
	while read -r s; do
		run_rc "$RETROVUE" "$c" "$s" --help
		check_eq "$c $s --help exits 0 with its usage" "0 usage: retrovue $c $s" \
		    "$rc $(head -1 "$T/out" | cut -d' ' -f1-4)"
	done < "$T/subs"
	run_rc "$RETROVUE" "$c" -h
	check_eq "$c -h too" 0 "$rc"
done < "$T/commands"
check "--help wrote nothing: no data directory" test ! -e "$RETROVUE_DATA_DIR"

# Help is not an error: a wrong option still is.
run_rc "$RETROVUE" asrun --bogus
check_eq "an unknown option still exits 2" 2 "$rc"
check_grep "with the usage on stderr" "usage: retrovue asrun" "$T/err"

done_testing
