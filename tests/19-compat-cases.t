#!/bin/sh
# Data-driven compat cases: each fixtures/compat/<case>/ is the root of a
# fixture server answering /metrics?by-accept=1 (plus the query in the
# case's `query` file) as an exporter negotiates: metrics.prom for the
# text format, metrics.om for OpenMetrics, metrics.ESCAPING.prom for a
# 1.0.0 text request with that escaping. expected.tap holds the failing
# points, their escaping comments and the equivalence points that the
# output must contain, exactly and in order; expected.exit the exit code.
#   formats-disagree  the text and OpenMetrics views differ: a family
#                     missing, a type differing, a series missing
#   escaping-wrong    dots answered with underscores, values with the
#                     UTF-8 names unescaped
#   escaping-header   names escaped right, the Content-Type claims
#                     allow-utf-8 for every scheme
#   escaping-right    metric and label names with '.', '/' and a two-byte
#                     character, a counter, escaped right under each scheme
#                     (dots and values in prometheus/common's forms): exit 0
#   escaping-total    the same, a label under dots in the spec's form; values
#                     leaves the underscore before a counter's _total single
#   openmetrics-utf8  OpenMetrics with quoted UTF-8 names where
#                     escaping=allow-utf-8 was asked (and said in the
#                     Content-Type), escaped names otherwise: exit 0
#   openmetrics-utf8-unasked  OpenMetrics with quoted names whatever was
#                     asked: every OpenMetrics request without
#                     allow-utf-8 fails on them
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
cases=$(for d in fixtures/compat/*/; do echo "${d%/}"; done)
plan $(($(echo "$cases" | wc -l) * 2))
pg_tmpdir
T=$PG_TMP
for d in $cases; do
    name=${d#fixtures/compat/}
    start_fixture_server "$d" || exit 1
    query=by-accept=1
    [ -f "$d/query" ] && query="$query&$(cat "$d/query")"
    "$P" compat "$FIXTURE_URL/metrics?$query" >"$T/out" 2>"$T/err"
    echo "$?" >"$T/rc"
    grep -E '^not ok |^# escaping: |^ok [0-9]+ - equivalence$' "$T/out" \
        >"$T/got"
    is "$(cat "$T/rc")" "$(cat "$d/expected.exit")" "$name: exit code"
    if diff -u "$d/expected.tap" "$T/got" >"$T/diff"; then
        ok 0 "$name: the findings, exactly"
    else
        ok 1 "$name: the findings, exactly"
        diag "$(cat "$T/diff")"
    fi
done
