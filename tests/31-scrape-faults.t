#!/bin/sh
# Every fault the fixture server injects ends the scrape with exit 2 and
# one clear error that names the URL and the reason, within the timeout
# (timeout 30 guards against hangs; nothing is left running).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/scrape.sh

pg_tmpdir
W=$PG_TMP/www
mkdir -p "$W"
i=0
while [ $i -lt 200 ]; do echo "f_total{i=\"$i\"} $i"; i=$((i + 1)); done >"$W/metrics"

# A port nobody listens on: one the fixture server had, after it stopped.
start_fixture_server "$W" || exit 2
dead_port=$FIXTURE_PORT
stop_fixture_servers
start_fixture_server "$W" || exit 2
U=$FIXTURE_URL

# target | client options | expected reason (ERE, after "URL: ")
cases() {
    cat <<CASES
/metrics?delay=5000|--timeout 1|^Timeout was reached \(Operation timed out after [0-9]+ milliseconds
/metrics?fault=stall|--timeout 1|^Timeout was reached \(Operation timed out after [0-9]+ milliseconds with [0-9]+ out of [0-9]+ bytes received\)$
/metrics?fault=truncate|--timeout 2|^Transferred a partial file \(transfer closed with [0-9]+ bytes remaining to read\)$
/metrics?fault=close||^Server returned nothing \(no headers, no data\)
/metrics?fault=500||^HTTP 500 Internal Server Error$
/metrics?fault=503||^HTTP 503 Service Unavailable$
/metrics?fault=404||^HTTP 404 Not Found$
/no/such/file||^HTTP 404 Not Found$
/metrics?fault=auth||^HTTP 401 Unauthorized$
/metrics?fault=gzipbomb|--max-bytes 1048576|^body exceeds the limit of 1048576 bytes \(decompressed\); transfer aborted$
/metrics?fault=gzipbomb||^body exceeds the limit of 268435456 bytes \(decompressed\); transfer aborted$
/metrics?fault=endless|--max-bytes 1048576|^body exceeds the limit of 1048576 bytes
/metrics?fault=endless|--timeout 1 --max-bytes 100000000000|^Timeout was reached
/metrics?fault=redirect-loop||^too many redirects \(more than 5; a redirect loop\?\)$
/metrics?fault=redirect-loop|--max-redirects 2|^too many redirects \(more than 2; a redirect loop\?\)$
/metrics?fault=redirect|--max-redirects 0|^HTTP 302 Found \(redirect to '$U/metrics' not followed\)$
CASES
}
plan $(( $(cases | wc -l) * 4 + 5 ))

escape() { printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'; }
# URLs are shown with every query value hidden.
shown() { printf '%s' "$1" | sed -E 's/=[^&#]+/=REDACTED/g'; }
cases >"$PG_TMP/cases"
while IFS='|' read -r target opts want; do
    url=$U$target
    # shellcheck disable=SC2086
    out=$($C $opts "$url" 2>&1); rc=$?
    is "$rc" 2 "$target $opts: exit 2 (124 would be a hang)"
    is "$(get "$out" ok)" 0 "$target $opts: not ok"
    err=$(get "$out" error)
    like "$err" "^$(escape "$(shown "$url")"): " "$target $opts: error names the URL"
    like "${err#"$(shown "$url")": }" "$want" "$target $opts: reason"
done <"$PG_TMP/cases"

url="http://127.0.0.1:$dead_port/metrics"
out=$($C --timeout 2 "$url" 2>&1); rc=$?
is "$rc" 2 "connection refused: exit 2"
like "$(get "$out" error)" "^$(escape "$url"): Couldn't connect to server" \
    "connection refused: URL and reason"
out=$($C "ftp://127.0.0.1/metrics" 2>&1); rc=$?
is "$rc" 2 "non-HTTP URL: exit 2"
like "$(get "$out" error)" "^ftp://127\.0\.0\.1/metrics: not an http:// or https:// URL$" \
    "non-HTTP URL: clear error"

# The client hung up on every stalled, endless or bombing response, so the
# server's connection threads all end (it polls for the hang-up).
i=0
while [ "$(ls /proc/"$FIXTURE_PID"/task | wc -l)" -gt 1 ] && [ $i -lt 200 ]; do
    sleep 0.1; i=$((i + 1))
done
is "$(ls /proc/"$FIXTURE_PID"/task | wc -l)" 1 "no connection is left open on the server"
