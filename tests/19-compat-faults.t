#!/bin/sh
# promgate compat sends its requests at once: an endpoint that never
# answers costs one timeout, not one per request (the matrix has 20).
# Nothing listening: exit 2 at once, the URL named. A fixture server that
# sends half the body and stalls: every request times out, exit 2, the
# reason named, well under 4 timeouts (in turn they would take 20). A slow
# endpoint (each answer delayed 1.5 s) is scraped whole in about one delay.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/servers.sh
P=bin/promgate
plan 8
pg_tmpdir
T=$PG_TMP
now() { /usr/bin/perl -MTime::HiRes=time -e 'printf "%.0f\n", time * 1000'; }
run() {
    t0=$(now)
    "$P" compat "$@" >"$T/out" 2>"$T/err"
    rc=$?
    ms=$(($(now) - t0))
}

DEAD=$(free_port)
run --timeout 2 "http://127.0.0.1:$DEAD/metrics"
is "$rc" 2 "nothing listening: exit 2"
like "$(cat "$T/err")" \
    "^promgate compat: http://127.0.0.1:$DEAD/metrics: Couldn't connect to server" \
    "nothing listening: the message names the URL"

mkdir "$T/www"
cp fixtures/check/pass-text/input.prom "$T/www/metrics"
start_fixture_server "$T/www" || exit 1
run --timeout 2 "$FIXTURE_URL/metrics?fault=stall"
is "$rc" 2 "stalled body: exit 2"
like "$(cat "$T/err")" \
    "^promgate compat: $FIXTURE_URL/metrics\?fault=[^:]*: Timeout was reached \(Operation timed out after 2[0-9]{3} milliseconds with [0-9]+ out of [0-9]+ bytes received\)$" \
    "stalled body: one message, the URL and the timeout named"
is "$(wc -l <"$T/out")" 0 "stalled body: no TAP for an endpoint that could not be scraped"
ok "$([ "$ms" -lt 8000 ]; echo $?)" "stalled body: 20 requests in under 4 timeouts (${ms} ms)"

run --timeout 5 "$FIXTURE_URL/metrics?delay=1500"
is "$rc" 0 "slow endpoint: every request answered, exit 0"
ok "$([ "$ms" -lt 15000 ]; echo $?)" \
    "slow endpoint: 20 answers delayed 1.5 s each in well under 20 delays (${ms} ms)"
