# fixture.sh: shell helpers for tests that need pg-fixture-server or a
# scratch directory. POSIX sh; source it from the repository root:
#
#   cd "$(dirname "$0")/.." || exit 1
#   . tests/lib/fixture.sh
#   pg_tmpdir                      # sets PG_TMP (removed on exit)
#   start_fixture_server "$PG_TMP/www" [--log "$PG_TMP/log"] [...]
#   curl "$FIXTURE_URL/metrics"    # http://127.0.0.1:PORT (https with TLS)
#
# start_fixture_server DIR [SERVER ARGS...] starts bin/pg-fixture-server
# --root DIR on an ephemeral 127.0.0.1 port, waits until it listens and
# exports FIXTURE_URL, FIXTURE_PORT and FIXTURE_PID. It may be called
# several times (each call overwrites the three variables; every server
# started is stopped at exit). Call it directly, never inside $(...), so
# the server is a child of the test's shell.
#
# One EXIT trap (installed on first use) stops every server started here,
# runs the commands registered with pg_on_exit CMD (in reverse order) and
# removes PG_TMP. Do not set your own EXIT trap; use pg_on_exit instead.
# INT and TERM exit the script, which runs the same cleanup (the shell
# handles a signal once the foreground command ends: to wait on something
# long, run it in the background and `wait $!`).

PG_ROOT=${PG_ROOT:-$(pwd)}
PG_FIXTURE_SERVER=${PG_FIXTURE_SERVER:-$PG_ROOT/bin/pg-fixture-server}
PG_SHARED=${PG_SHARED:-$PG_ROOT/../shared}
export PG_ROOT PG_SHARED
_pg_fixture_pids=""
_pg_exit_cmds=""
_pg_trap_set=""

_pg_cleanup() {
    _pg_rc=$?
    trap - EXIT INT TERM
    for _pg_c in $_pg_exit_cmds; do
        eval "$(printf '%s' "$_pg_c" | base64 -d 2>/dev/null)" || true
    done
    stop_fixture_servers
    if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ]; then
        rm -rf "$PG_TMP"
    fi
    exit "$_pg_rc"
}

_pg_install_trap() {
    [ -n "$_pg_trap_set" ] && return 0
    trap _pg_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    _pg_trap_set=1
}

# pg_on_exit CMD: run CMD (a shell string) at exit, before servers stop.
pg_on_exit() {
    _pg_install_trap
    _pg_exit_cmds="$(printf '%s' "$1" | base64 | tr -d '\n') $_pg_exit_cmds"
}

# pg_tmpdir: creates a scratch directory, exported as PG_TMP, removed at
# exit.
pg_tmpdir() {
    _pg_install_trap
    PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/promgate-test.XXXXXX") || exit 2
    export PG_TMP
}

# start_fixture_server DIR [ARGS...]: see the header comment. Returns 1
# (after printing why on stderr) if the server did not come up in 10 s.
start_fixture_server() {
    _pg_install_trap
    _pg_root=$1
    shift
    _pg_pf=$(mktemp "${TMPDIR:-/tmp}/pg-fixture-port.XXXXXX") || return 1
    rm -f "$_pg_pf"
    _pg_scheme=http
    for _pg_a in "$@"; do
        [ "$_pg_a" = "--tls-cert" ] && _pg_scheme=https
    done
    "$PG_FIXTURE_SERVER" --root "$_pg_root" --port 0 --port-file "$_pg_pf" \
        "$@" &
    FIXTURE_PID=$!
    _pg_fixture_pids="$_pg_fixture_pids $FIXTURE_PID"
    _pg_i=0
    while [ ! -s "$_pg_pf" ]; do
        if ! kill -0 "$FIXTURE_PID" 2>/dev/null || [ "$_pg_i" -ge 200 ]; then
            echo "start_fixture_server: server did not start" >&2
            rm -f "$_pg_pf"
            return 1
        fi
        sleep 0.05
        _pg_i=$((_pg_i + 1))
    done
    FIXTURE_PORT=$(cat "$_pg_pf")
    rm -f "$_pg_pf"
    FIXTURE_URL="$_pg_scheme://127.0.0.1:$FIXTURE_PORT"
    export FIXTURE_URL FIXTURE_PORT FIXTURE_PID
}

# stop_fixture_server PID: SIGTERM, then SIGKILL after 5 s.
stop_fixture_server() {
    kill -TERM "$1" 2>/dev/null || return 0
    _pg_i=0
    while kill -0 "$1" 2>/dev/null && [ "$_pg_i" -lt 100 ]; do
        sleep 0.05
        _pg_i=$((_pg_i + 1))
    done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# stop_fixture_servers: stops every server started by this script.
stop_fixture_servers() {
    for _pg_p in $_pg_fixture_pids; do
        stop_fixture_server "$_pg_p"
    done
    _pg_fixture_pids=""
}

# make_test_ca DIR: a throwaway CA and a server certificate for 127.0.0.1
# and localhost (DIR/ca.pem, DIR/server.pem, DIR/server.key) plus a client
# certificate signed by the same CA (DIR/client.pem, DIR/client.key).
# Keys are generated at test time and never committed.
make_test_ca() {
    _pg_d=$1
    mkdir -p "$_pg_d" || return 1
    (
        cd "$_pg_d" || exit 1
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=pg test CA" \
            -keyout ca.key -out ca.pem \
            -addext basicConstraints=critical,CA:TRUE \
            -addext keyUsage=critical,keyCertSign,cRLSign &&
        openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
            -keyout server.key -out server.csr &&
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext &&
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
            -CAcreateserial -days 2 -extfile server.ext -out server.pem &&
        openssl req -newkey rsa:2048 -nodes -subj "/CN=pg test client" \
            -keyout client.key -out client.csr &&
        printf 'extendedKeyUsage=clientAuth\n' >client.ext &&
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key \
            -CAcreateserial -days 2 -extfile client.ext -out client.pem
    ) >/dev/null 2>&1
}
