#!/bin/sh
# The command line: help, version, the table, errors, db init/info/check,
# and that a Plex token never reaches a log line.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"

run_rc "$RETROVUE" --help
check_eq "--help exits 0" 0 "$rc"
check_grep "--help lists the db command" "^  db " "$T/out"

run_rc "$RETROVUE" --version
check_eq "--version exits 0" 0 "$rc"
check_grep "--version names the program" "^retrovue [0-9]" "$T/out"

run_rc "$RETROVUE" frobnicate
check_eq "an unknown command is a usage error" 2 "$rc"
check_grep "an unknown command is named" "unknown command 'frobnicate'" "$T/err"

run_rc "$RETROVUE" --no-such-option
check_eq "an unknown option is a usage error" 2 "$rc"

run_rc "$RETROVUE" db info
check_eq "db info without a database fails" 1 "$rc"
check_grep "and says there is none" "no database here" "$T/err"
check "and creates nothing" test ! -e "$RETROVUE_DB_PATH"

run_rc "$RETROVUE" db init
check_eq "db init exits 0" 0 "$rc"
check_eq "the data directory is 0700" 700 "$(stat -c %a "$RETROVUE_DATA_DIR")"
check_eq "the database is 0600" 600 "$(stat -c %a "$RETROVUE_DB_PATH")"

run_rc "$RETROVUE" db info
check_eq "db info exits 0" 0 "$rc"
check_grep "db info shows the path" "^path: *$RETROVUE_DB_PATH" "$T/out"
check_grep "db info shows the schema version" "^schema version: [0-9]" "$T/out"
check_grep "db info counts media_files" "^media_files  *0$" "$T/out"
check_grep "db info counts emergency_alerts" "^emergency_alerts  *0$" "$T/out"

run_rc "$RETROVUE" db check
check_eq "db check on a healthy database exits 0" 0 "$rc"
check_grep "and says ok" ": ok$" "$T/out"

run_rc "$RETROVUE" db frob
check_eq "an unknown db subcommand is a usage error" 2 "$rc"

# --db-path wins over the environment and makes its folder the data dir.
run_rc "$RETROVUE" --db-path "$T/other/x.db" db init
check_eq "--db-path with db init exits 0" 0 "$rc"
check "--db-path creates the database there" test -f "$T/other/x.db"

# XDG_DATA_HOME is the default home of the data directory.
run_rc env -u RETROVUE_DATA_DIR -u RETROVUE_DB_PATH XDG_DATA_HOME="$T/xdg" "$RETROVUE" db init
check "XDG_DATA_HOME/retrovue/retrovue.db is the default" test -f "$T/xdg/retrovue/retrovue.db"
run_rc env -u RETROVUE_DATA_DIR -u RETROVUE_DB_PATH -u XDG_DATA_HOME HOME="$T/home" "$RETROVUE" db init
check "else ~/.local/share/retrovue" test -f "$T/home/.local/share/retrovue/retrovue.db"

# The token, from the command line or the environment, never appears.
secret=plexTOKEN-9f8e7d6c5b4a
run_rc "$RETROVUE" --debug --plex-token "$secret" --plex-url "http://127.0.0.1:9/?X-Plex-Token=$secret" db info
check_eq "a debug run with a token exits 0" 0 "$rc"
check_grep "the debug log shows the command line" "command line:" "$T/err"
check_no_grep "the token from --plex-token is not in stderr" "$secret" "$T/err"
check_no_grep "nor in stdout" "$secret" "$T/out"
run_rc env PLEX_TOKEN="$secret" "$RETROVUE" --debug frobnicate "$secret"
check_no_grep "the token from PLEX_TOKEN is not in an error" "$secret" "$T/err"

run_rc "$RETROVUE"
check_eq "the console without a terminal exits 1" 1 "$rc"
check_grep "and says it needs one" "the console needs a terminal" "$T/err"

done_testing
