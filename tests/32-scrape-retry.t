#!/bin/sh
# Retries with exponential backoff: transient failures (5xx, timeouts,
# refused connections) are retried and begin() restarts the consumer;
# 4xx is never retried. The server's request log counts the attempts.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/scrape.sh
sha() { sha256sum "$1" | cut -d' ' -f1; }
plan 26

pg_tmpdir
W=$PG_TMP/www
mkdir -p "$W"
printf '# TYPE r counter\nr_total 3\n' >"$W/metrics"
start_fixture_server "$W" --log "$PG_TMP/log" || exit 2
U=$FIXTURE_URL
requests() { grep -cxF "GET $1 HTTP/1.1" "$PG_TMP/log"; }

t='/metrics?fault=503&then-ok=2&id=a'
out=$($C --retries 3 --backoff 0.05 --progress "$U$t" 2>"$PG_TMP/err"); rc=$?
is "$rc" 0 "503 twice, then ok: succeeds with 3 retries allowed"
is "$(get "$out" sha256)" "$(sha "$W/metrics")" "body of the successful attempt"
is "$(get "$out" begins)" 3 "begin() once per attempt"
is "$(requests "$t")" 3 "server saw 3 requests"
like "$(cat "$PG_TMP/err")" "attempt 1 of 4 failed: .*HTTP 503 Service Unavailable; retrying in 0\.05 s" \
    "progress reports the first retry"
like "$(cat "$PG_TMP/err")" "attempt 2 of 4 failed: .*; retrying in 0\.10 s" \
    "backoff doubles"

t='/metrics?fault=503&then-ok=5&id=b'
out=$($C --retries 2 --backoff 0.01 "$U$t"); rc=$?
is "$rc" 2 "retries exhausted: exit 2"
like "$(get "$out" error)" ": HTTP 503 Service Unavailable after 3 attempts$" \
    "error says how many attempts"
is "$(requests "$t")" 3 "server saw 1 + 2 requests"

t='/metrics?fault=500&then-ok=1&id=c'
out=$($C --retries 1 --backoff 0 "$U$t"); rc=$?
is "$rc" 0 "500 is retried (--backoff 0: at once)"
is "$(requests "$t")" 2 "server saw 2 requests"

t='/metrics?fault=404&id=d'
out=$($C --retries 3 --backoff 0.01 "$U$t"); rc=$?
is "$rc" 2 "404: exit 2"
like "$(get "$out" error)" ": HTTP 404 Not Found$" "404 error has no attempt count"
is "$(requests "$t")" 1 "404 is not retried"

t='/metrics?fault=auth&id=e'
out=$($C --retries 3 --backoff 0.01 "$U$t"); rc=$?
is "$(requests "$t")" 1 "401 is not retried"

t='/metrics?fault=stall&id=f'
out=$($C --retries 1 --timeout 1 "$U$t"); rc=$?
is "$rc" 2 "a stall times out on each attempt"
like "$(get "$out" error)" ": Timeout was reached .* after 2 attempts$" \
    "timeout retried once"
is "$(requests "$t")" 2 "server saw 2 requests"

# Two targets, one retried: the other is unaffected.
t='/metrics?fault=503&then-ok=1&id=g'
out=$($C --retries 1 --backoff 0.01 "$U/metrics" "$U$t"); rc=$?
is "$rc" 0 "a retried target beside a healthy one"
is "$(get "$out" begins 1)" 1 "healthy target began once"

# A consumer that stops the scrape: no retry, a clear error.
t='/metrics?fault=chunked&chunk=4&gap=1&id=h'
out=$($C --retries 3 --backoff 0 --abort-after 2 "$U$t"); rc=$?
is "$rc" 2 "consumer abort in data(): exit 2"
like "$(get "$out" error)" ": scrape aborted by its consumer$" "consumer abort: message"
is "$(get "$out" datacalls)" 2 "no data() call after the failing one"
is "$(requests "$t")" 1 "consumer abort is not retried"
t='/metrics?id=i'
out=$($C --retries 3 --backoff 0 --abort-begin "$U$t"); rc=$?
like "$(get "$out" error)" ": scrape aborted by its consumer$" "consumer abort in begin()"
is "$(get "$out" datacalls)" 0 "no data() after begin() failed"
