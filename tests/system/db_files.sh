#!/bin/sh
# The real binary facing databases that are not ours, too new or corrupt:
# exit 1, a clear message, and the file byte for byte as it was.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
mkdir -p "$RETROVUE_DATA_DIR"
db=$RETROVUE_DB_PATH

# refused DESCRIPTION PATTERN: db info must fail, say PATTERN, leave the file.
refused() {
	before=$(sha256sum "$db")
	run_rc "$RETROVUE" db info
	check_eq "$1: exit status 1" 1 "$rc"
	check_grep "$1: the message says why" "$2" "$T/err"
	check_grep "$1: the message names the file" "$db" "$T/err"
	check_eq "$1: the file is untouched" "$before" "$(sha256sum "$db")"
	check "$1: no journal was left" test ! -e "$db-wal"
}

printf 'just some text\n' >"$db"
refused "a text file" "not a SQLite database"

rm -f "$db"
sqlite3 "$db" "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');"
refused "another program's database" "not a Retrovue database"

rm -f "$db"
"$RETROVUE" db init >/dev/null
sqlite3 "$db" "PRAGMA journal_mode=DELETE; PRAGMA user_version=999;" >/dev/null
refused "a database from a newer Retrovue" "newer Retrovue"

rm -f "$db" "$db-wal" "$db-shm"
"$RETROVUE" db init >/dev/null
sqlite3 "$db" "PRAGMA journal_mode=DELETE;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 400)
  INSERT INTO system_config (key, value) SELECT 'k'||i, printf('%.600c', 'x') FROM n;" >/dev/null
dd if=/dev/urandom of="$db" bs=1 count=700 seek=$((4096 * 30 + 50)) conv=notrunc 2>/dev/null
refused "a corrupt database" "corrupt"
run_rc "$RETROVUE" db check
check_eq "db check on a corrupt database exits 1" 1 "$rc"

done_testing
