#!/bin/sh
# Settings: file < environment < command line, each value's source shown by
# 'config show'; bad lines warned about with file and line; db backup of a
# database being written to.
. "${TESTS_HELPERS:-$(dirname "$0")/../helpers}/lib.sh"
unset RETROVUE_CONFIG

cat >"$T/rv.conf" <<CONF
# a comment
[daemon]
port = 9191
bind = "127.0.0.2"
max_channels = lots
colour = blue
[log]
level = debug
just words here
CONF

run_rc "$RETROVUE" --config "$T/rv.conf" --port 7000 config show
check_eq "config show exits 0" 0 "$rc"
check_grep "names the settings file" "^# settings file: $T/rv.conf" "$T/out"
check_grep "the command line wins over the file" "^daemon.port *= 7000 *# command line" "$T/out"
check_grep "the file wins over the default, quotes removed" "^daemon.bind *= 127.0.0.2 *# $T/rv.conf:4" "$T/out"
check_grep "a bad value keeps the default" "^daemon.max_channels *= 4 *# default" "$T/out"
check_grep "the environment sets the database" "^paths.db_path *= $RETROVUE_DB_PATH *# environment RETROVUE_DB_PATH" "$T/out"
check_grep "a bad value is warned about with its line" "rv.conf:5: daemon.max_channels: 'lots'" "$T/err"
check_grep "an unknown key is warned about" "rv.conf:6: unknown setting 'daemon.colour'" "$T/err"
check_grep "a line without = is warned about" "rv.conf:9: expected 'key = value'" "$T/err"

XDG_CONFIG_HOME="$T/xdg"
mkdir -p "$XDG_CONFIG_HOME"
printf '[daemon]\nidle_timeout = 120\n' >"$XDG_CONFIG_HOME/retrovue.conf"
run_rc env XDG_CONFIG_HOME="$XDG_CONFIG_HOME" "$RETROVUE" config show
check_grep "XDG_CONFIG_HOME/retrovue.conf is found" "^daemon.idle_timeout *= 120 *# $XDG_CONFIG_HOME/retrovue.conf:2" "$T/out"

run_rc "$RETROVUE" --config "$T/missing.conf" config show
check_eq "a missing --config file is an error" 2 "$rc"
check_grep "naming it" "missing.conf" "$T/err"

run_rc "$RETROVUE" --port 99999 config show
check_eq "a bad flag value is a usage error" 2 "$rc"
check_grep "and says which" "daemon.port: '99999'" "$T/err"

run_rc "$RETROVUE" --db-path "$T/elsewhere/x.db" config show
check_grep "--db-path makes its folder the data directory" "^paths.data_dir *= $T/elsewhere *# the database's folder" "$T/out"

# A consistent backup while another process keeps writing.
"$RETROVUE" db init >/dev/null
( i=0; while [ $i -lt 400 ]; do
	sqlite3 "$RETROVUE_DB_PATH" "PRAGMA busy_timeout=5000; INSERT INTO system_config (key, value) VALUES ('k$i', 'v');" || true
	i=$((i + 1))
  done ) &
writer=$!
sleep 0.3
run_rc "$RETROVUE" db backup "$T/backup.db"
check_eq "db backup during writes exits 0" 0 "$rc"
wait $writer
check_eq "the backup is a healthy Retrovue database" 0 \
	"$(RETROVUE_DB_PATH="$T/backup.db" RETROVUE_DATA_DIR="$T" "$RETROVUE" db check >/dev/null 2>&1; echo $?)"
n=$(sqlite3 "$T/backup.db" "SELECT count(*) FROM system_config")
check "the backup holds rows written before it" test "$n" -gt 0
check_eq "the backup is 0600" 600 "$(stat -c %a "$T/backup.db")"
run_rc "$RETROVUE" db backup "$T/no/such/dir/b.db"
check_eq "a backup to an impossible place fails" 1 "$rc"

done_testing
