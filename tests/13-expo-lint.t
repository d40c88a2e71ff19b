#!/bin/sh
# promgate lint: output format, summary, caps, strictness, exit codes, and
# the real Coder expositions of $PG_SHARED.
cd "$(dirname "$0")/.." || exit 1
P=bin/promgate
SHARED=${PG_SHARED:-../shared}
T=${TMPDIR:-/tmp}/pg-expo-lint.$$
mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
echo "1..32"
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n+1)); echo "ok $n # skip $1"; }
run() { "$@" > "$T/out" 2> "$T/err"; rc=$?; }

run $P lint --help
[ "$rc" = 0 ] && grep -q '2  input could not be read' "$T/out" && grep -q -- '--max-errors' "$T/out"
ok $? "--help documents options and exit codes"
run $P lint </dev/null; [ "$rc" = 0 ] && grep -qx -- '-: 0 errors, 0 warnings, 0 samples in 0 families (prom)' "$T/out"; ok $? "no input named, stdin not a terminal: stdin is read"
run $P lint --frob x; [ "$rc" = 2 ] && grep -q "unknown option '--frob'" "$T/err"; ok $? "unknown option: exit 2"
run $P lint --input-format xml x; [ "$rc" = 2 ] && grep -q "invalid --input-format 'xml': want prom, openmetrics, protobuf or auto" "$T/err"; ok $? "bad --input-format: exit 2"
run $P lint --max-errors many x; [ "$rc" = 2 ]; ok $? "bad --max-errors: exit 2"
run $P lint --max-line 0 fixtures/expo/rule-prom-ok/input; [ "$rc" = 2 ] && grep -q "at least 1" "$T/err"; ok $? "--max-line 0: usage error, exit 2"
run $P lint --max-labels=0 fixtures/expo/rule-prom-ok/input; [ "$rc" = 2 ] && grep -q "at least 1" "$T/err"; ok $? "--max-labels 0: usage error, exit 2"
run $P lint "$T/nonexistent"; [ "$rc" = 2 ] && grep -q "cannot open" "$T/err"; ok $? "missing file: exit 2"
run $P lint "$T"; [ "$rc" = 2 ]; ok $? "directory: exit 2"

F=fixtures/expo/rule-prom-ok/input
run $P lint $F
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$F: 0 errors, 0 warnings, 16 samples in 7 families (prom)" ]
ok $? "conformant file: exit 0 and the summary line"

F=fixtures/expo/rule-summary/input
run $P lint $F
[ "$rc" = 1 ] && grep -qx "$F:3:3: error: quantile 0.5 not above previous quantile 0.9" "$T/out" &&
    tail -1 "$T/out" | grep -qx "$F: 4 errors, 1 warning, 7 samples in 1 family (prom)"
ok $? "violations: SOURCE:LINE:COL: error: message, exit 1"

run $P lint --explain $F
grep -q 'quantile 0.9 \[Prometheus text format 0.0.4: Histograms and summaries\]$' "$T/out"
ok $? "--explain cites the rule"

# rules cite the sentence they enforce
F=fixtures/expo/rule-quantile-range-om/input
run $P lint --explain $F
grep -qx "$F:2:3: error: quantile 99.9 outside \[0, 1\] \[OpenMetrics 1.0: Summary: \"Quantiles MUST be between 0 and 1 inclusive\"\]" "$T/out"
ok $? "--explain quotes the spec sentence (quantile range)"
F=fixtures/expo/rule-le-inf-spelling-om/input
run $P lint --explain $F
grep -qx "$F:3:16: error: bucket bound le=\"+INF\" must be written \"+Inf\" \[OpenMetrics 1.0: Canonical Numbers: \"Exposers MUST produce output for positive infinity as +Inf\"\]" "$T/out"
ok $? "--explain quotes the spec sentence (+Inf)"
F=fixtures/expo/rule-quantile-range-prom/input
run $P lint $F
[ "$rc" = 0 ] && tail -1 "$T/out" | grep -q "0 errors, 2 warnings"
ok $? "text format: redis_exporter's quantile=\"99.9\" is a warning, exit 0"
F=fixtures/expo/rule-cr-comment-prom/input
run $P lint $F
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$F: 0 errors, 0 warnings, 2 samples in 2 families (prom)" ]
ok $? "text format: a carriage return in HELP and comments is text"

F=fixtures/expo/rule-summary/input
run $P lint --max-errors 2 $F
[ "$rc" = 1 ] && [ "$(grep -c ': \(error\|warning\): ' "$T/out")" = 2 ] &&
    grep -qx "$F: 3 more diagnostics not shown (--max-errors)" "$T/out" &&
    grep -q "4 errors, 1 warning" "$T/out"
ok $? "--max-errors caps the listing, not the count"

F=fixtures/expo/rule-hist-no-sum-count/input
run $P lint $F; [ "$rc" = 0 ] && grep -q ': warning: ' "$T/out"; ok $? "warnings only: exit 0"
run $P lint --strict $F; [ "$rc" = 1 ]; ok $? "warnings with --strict: exit 1"

printf 'a 1\n' > "$T/p"
run $P lint --input-format openmetrics "$T/p"
[ "$rc" = 1 ] && grep -q "missing '# EOF'" "$T/out"; ok $? "--input-format openmetrics overrides"
printf 'a 1\n# EOF\n' > "$T/om"
run $P lint "$T/om"; [ "$rc" = 0 ] && grep -q '(openmetrics)$' "$T/out"; ok $? "file ending in # EOF: OpenMetrics"
run $P lint --input-format prom "$T/om"; [ "$rc" = 0 ] && grep -q '(prom)$' "$T/out"; ok $? "--input-format prom: # EOF is a comment"
printf 'a 1\n\n# EOF\n' | { $P lint - > "$T/out"; echo $? > "$T/rc"; }
[ "$(cat "$T/rc")" = 1 ] && grep -qx -- "-:2:1: error: empty line" "$T/out" && grep -q '(openmetrics)$' "$T/out"
ok $? "stdin: format decided at the end, held-back diagnostics reported"
# 3000 diagnostics of the text format only, then a line of both: all
# counted, in line order (they were capped at 1024 and came after the
# line-3001 one)
/usr/bin/perl -e 'print "a$_ 1 1.5\n" for 1 .. 3000; print "b{\n"' |
    { $P lint --max-errors 0 - > "$T/out"; echo $? > "$T/rc"; }
[ "$(cat "$T/rc")" = 1 ] && [ "$(grep -c ': error: ' "$T/out")" = 3001 ] &&
    tail -2 "$T/out" | head -1 | grep -q '^-:3001:3: error:' &&
    grep -q '^-: 3001 errors, ' "$T/out"
ok $? "stdin: every diagnostic counted and printed in line order"
printf 'a 1\n\n' | $P lint - > "$T/out"
[ $? = 0 ] && grep -q '(prom)$' "$T/out"; ok $? "stdin without # EOF: text format"

if [ -d "$SHARED/coder/fixtures" ]; then
    fail=0
    for f in "$SHARED"/coder/fixtures/metrics.*.prom "$SHARED"/coder/metricsdocgen/metrics.*; do
        $P lint "$f" > "$T/out" || { fail=1; cat "$T/out" | sed 's/^/# /'; }
    done
    ok $fail "Coder metrics expositions are conformant"
    fail=0
    for f in "$SHARED"/coder/fixtures/generated_metrics.* "$SHARED"/coder/metricsdocgen/generated_metrics.*; do
        $P lint --max-errors 0 "$f" > "$T/out"
        [ $? = 1 ] || fail=1
        # every error is a histogram without buckets, or (2026-07-06) the
        # unescaped backslash of \" in a HELP text kept from Go source
        grep ': error: ' "$T/out" | grep -v "histogram sample '[a-z_.]*' needs a suffix" |
            grep -v "invalid escape sequence '\\\\\"' in HELP text" && fail=1
    done
    ok $fail "Coder generated_metrics: histograms without buckets, nothing else"
    $P lint --max-errors 0 "$SHARED/coder/fixtures/generated_metrics.2026-07-06.b21e0717d5.skeleton.prom" > "$T/out"
    tail -1 "$T/out" | grep -q ': 32 errors, 0 warnings, 167 samples in 167 families (prom)$'
    ok $? "Coder skeleton: 30 bucket-less histograms and 2 bad HELP escapes in 167 families"
else
    skip "no \$PG_SHARED"; skip "no \$PG_SHARED"; skip "no \$PG_SHARED"
fi

run $P lint http://127.0.0.1:9/metrics
[ "$rc" = 2 ] && grep -q '127.0.0.1:9' "$T/err"; ok $? "unreachable URL: exit 2, URL named"

# A file has no Content-Type: --escaping allow-utf-8 says its OpenMetrics
# names may be quoted; every other rule still holds.
F=fixtures/expo/rule-quoted-names-om-utf8/input
run $P lint --escaping allow-utf-8 $F
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$F: 0 errors, 0 warnings, 8 samples in 4 families (openmetrics)" ]
ok $? "--escaping allow-utf-8: a file's quoted OpenMetrics names are valid"
run $P lint $F
[ "$rc" = 1 ] && grep -qx "$F:1:8: error: quoted metric name after TYPE: OpenMetrics 1.0 has none; a body served with escaping=allow-utf-8 may use them" "$T/out"
ok $? "without it they are errors that say what makes them valid"
printf '# TYPE "a.b" counter\n{"a.b"} 1\n"a.b_total" 2\n# EOF\n' | $P lint --escaping allow-utf-8 - > "$T/out" 2> "$T/err"; rc=$?
[ "$rc" = 1 ] && grep -qx -- "-:2:1: error: counter sample 'a.b' must have the suffix '_total'" "$T/out" &&
    grep -qx -- "-:3:1: error: quoted metric name at start of sample: OpenMetrics quotes a metric name only inside braces ({\"a.b\"}), with escaping=allow-utf-8" "$T/out" &&
    grep -q -- '-: 2 errors, 0 warnings' "$T/out"
ok $? "--escaping allow-utf-8 on stdin: _total and the braces form still hold"

