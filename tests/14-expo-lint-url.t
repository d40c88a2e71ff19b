#!/bin/sh
# promgate lint URL: a real HTTP server on 127.0.0.1 (bin/pg-fixture-server,
# ephemeral port), real libcurl. The response's Content-Type decides the
# format; bodies arrive in small chunks; failures exit 2.
cd "$(dirname "$0")/.." || exit 1
P=bin/promgate
S=bin/pg-fixture-server
if [ ! -x "$S" ]; then echo "1..0 # skip bin/pg-fixture-server not built"; exit 0; fi
T=${TMPDIR:-/tmp}/pg-expo-url.$$
mkdir -p "$T/root" || exit 1
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
$S --root "$T/root" --port-file "$T/port" &
pid=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
port=$(cat "$T/port" 2>/dev/null)
echo "1..15"
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
run() { "$@" > "$T/out" 2> "$T/err"; rc=$?; }
U=http://127.0.0.1:$port

cp fixtures/expo/rule-prom-ok/input "$T/root/good.prom"
cp fixtures/expo/rule-hist-not-cumulative/input "$T/root/bad.prom"
printf 'a_total 1\n' > "$T/root/noeof.om"
printf '# TYPE x untyped\nx 1\n' > "$T/root/untyped.prom"
cp fixtures/expo/rule-quoted-names-om-utf8/input "$T/root/utf8.om"

run $P lint "$U/good.prom"
[ "$rc" = 0 ] && grep -qx "$U/good.prom: 0 errors, 0 warnings, 16 samples in 7 families (prom)" "$T/out"
ok $? "conformant text format over HTTP"

run $P lint "$U/bad.prom?fault=chunked&chunk=7&gap=1"
[ "$rc" = 1 ] && grep -q "^$U/bad.prom?fault=REDACTED&chunk=REDACTED&gap=REDACTED:3:18: error: buckets of 'h' not cumulative: 3 after 5$" "$T/out"
ok $? "violation found in a body that arrives in 7-byte chunks"

run $P lint "$U/noeof.om"
[ "$rc" = 1 ] && grep -q "missing '# EOF'" "$T/out" && grep -q '(openmetrics)$' "$T/out"
ok $? "OpenMetrics Content-Type selects OpenMetrics rules"

run $P lint "$U/untyped.prom?ctype=application%2Fopenmetrics-text%3B%20version%3D1.0.0"
[ "$rc" = 1 ] && grep -q "unknown metric type 'untyped'" "$T/out"
ok $? "Content-Type wins over the content"

run $P lint --input-format prom "$U/noeof.om"
[ "$rc" = 0 ] && grep -q '(prom)$' "$T/out"
ok $? "--input-format overrides the Content-Type"

run $P lint "$U/missing.prom"
[ "$rc" = 2 ] && grep -q '404' "$T/err"
ok $? "HTTP 404: exit 2"

run $P lint "$U/good.prom?fault=gzip"
[ "$rc" = 0 ]
ok $? "gzip-encoded body"

run $P lint --retries 2 --backoff 0.01 "$U/bad.prom?fault=503&then-ok=1&id=lint-retry"
[ "$rc" = 1 ] && [ "$(grep -c ': error: ' "$T/out")" = 1 ] && grep -q ': 1 error, ' "$T/out"
ok $? "retried after a 503: the error body is not linted, diagnostics once"

run $P lint "$U/good.prom?ctype=text%2Fhtml"
[ "$rc" = 0 ] && grep -qx "$U/good.prom?ctype=REDACTED: warning: Content-Type 'text/html' is not an exposition format (text/plain or application/openmetrics-text); Prometheus 3 refuses such a scrape" "$T/out" &&
    grep -q ': 0 errors, 1 warning, 16 samples' "$T/out"
ok $? "wrong Content-Type: a warning naming it, exit 0"

run $P lint --strict "$U/good.prom?ctype=text%2Fhtml"
[ "$rc" = 1 ]
ok $? "wrong Content-Type with --strict: exit 1"

run $P lint --strict "$U/good.prom?ctype=text%2Fplain%3B%20version%3D0.0.4%3B%20charset%3Dutf-8"
[ "$rc" = 0 ] && ! grep -q 'Content-Type' "$T/out"
ok $? "text/plain with parameters: no warning"

# --max-errors 0: every diagnostic, in input order, each once (they are
# kept in a temporary file until the scrape succeeded, not in memory)
/usr/bin/perl -e 'print "bad{ 1\n" for 1 .. 50000' > "$T/root/many.prom"
run $P lint --max-errors 0 "$U/many.prom"
[ "$rc" = 1 ] && [ "$(grep -c ': error: ' "$T/out")" = 50000 ] &&
    [ "$(grep ': error: ' "$T/out" | sed 's/^.*many\.prom:\([0-9]*\):.*/\1/' | sort -n -c 2>&1 && echo sorted)" = sorted ] &&
    grep -q ': 50000 errors, ' "$T/out"
ok $? "--max-errors 0 over HTTP: 50000 diagnostics, in line order"

# Quoted UTF-8 names in OpenMetrics: valid when the served Content-Type
# says escaping=allow-utf-8 (as Prometheus 3 asks), errors otherwise;
# --escaping (what is asked) does not change what was served.
UTF8=application%2Fopenmetrics-text%3B%20version%3D1.0.0%3B%20escaping%3Dallow-utf-8
run $P lint "$U/utf8.om?ctype=$UTF8"
[ "$rc" = 0 ] && grep -q ': 0 errors, 0 warnings, 8 samples in 4 families (openmetrics)$' "$T/out"
ok $? "OpenMetrics served with escaping=allow-utf-8: quoted names are valid"

run $P lint --escaping allow-utf-8 "$U/utf8.om?ctype=application%2Fopenmetrics-text%3B%20version%3D1.0.0"
[ "$rc" = 1 ] && grep -qx "$U/utf8.om?ctype=REDACTED:1:8: error: quoted metric name after TYPE: OpenMetrics 1.0 has none; a body served with escaping=allow-utf-8 may use them" "$T/out" &&
    grep -q ':6:24: error: quoted label name: OpenMetrics 1.0 has none' "$T/out"
ok $? "OpenMetrics served without escaping=allow-utf-8: quoted names are errors that say why"

run $P lint "$U/utf8.om?ctype=application%2Fopenmetrics-text%3B%20version%3D1.0.0%3B%20escaping%3Dunderscores"
[ "$rc" = 1 ] && [ "$(grep -c ': error: quoted ' "$T/out")" = 13 ]
ok $? "OpenMetrics served with escaping=underscores: quoted names are errors"

