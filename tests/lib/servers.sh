# servers.sh: starting real servers (exporters, Prometheus, client
# programs) on loopback for a shell test (Perl tests: PgServers.pm).
# Source after fixture.sh.
#   start_server NAME CMD...   CMD with PORT in it, replaced by a free
#                              port; sets PORT (and _pg_pid, to stop it
#                              early); the server is stopped at exit; its
#                              output goes to $PG_TMP/NAME.log
_pg_server_pids=""

# free_port and wait_port are tests/lib/PgServers.pm's, which the Perl
# tests use: one way to find a port and to wait for a server.
_pg_servers() {
    perl -I"${PG_ROOT:-.}/tests/lib" -MPgServers -e "$@"
}

free_port() {
    _pg_servers 'print PgServers::free_port()'
}

# wait_port PORT PID: until something accepts on PORT (30 s bound against
# hangs), or the process died.
wait_port() {
    _pg_servers 'exit(PgServers::wait_port(@ARGV) ? 0 : 1)' "$1" "$2"
}

_pg_stop_servers() {
    for _pg_p in $_pg_server_pids; do kill "$_pg_p" 2>/dev/null; done
    for _pg_p in $_pg_server_pids; do wait "$_pg_p" 2>/dev/null; done
}

# start_server NAME CMD...: retries on another port if the port was taken
# meanwhile; returns 1 if the server never came up.
start_server() {
    [ -n "$_pg_server_pids" ] || pg_on_exit _pg_stop_servers
    _pg_name=$1
    shift
    for _pg_try in 1 2 3; do
        PORT=$(free_port) || return 1
        _pg_cmd=$(printf '%s\n' "$*" | sed "s/PORT/$PORT/g")
        # shellcheck disable=SC2086
        $_pg_cmd >"$PG_TMP/$_pg_name.log" 2>&1 &
        _pg_pid=$!
        _pg_server_pids="$_pg_server_pids $_pg_pid"
        wait_port "$PORT" "$_pg_pid" && return 0
        kill "$_pg_pid" 2>/dev/null
        wait "$_pg_pid" 2>/dev/null
    done
    return 1
}
