#!/bin/sh
# The gate cannot be fooled by its own flags: `promgate golden
# --conditions` lists what --enable takes; the suite's flags survive shell
# quoting; rename hints find inserted and moved name parts. (Unknown
# --enable values, empty selections and matcher errors are cases of
# tests/40-check-cases.t.)
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=bin/promgate
G=fixtures/check/golden.json
plan 3
pg_tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$pg_tmp"' EXIT
T=$pg_tmp

$P golden --conditions "$G" >"$T/out" 2>"$T/err"
is "$? $(tr '\n' ' ' <"$T/out")" "0 flag:--collect-db-metrics license:premium " \
    "golden --conditions: the golden's conditions, sorted, one a line"
$P golden --conditions "$T/none.json" >"$T/out" 2>"$T/err"
like "$? $(cat "$T/err")" "^2 promgate golden: .*none\.json: cannot open" \
    "golden --conditions: unreadable golden is exit 2, named"
printf '{"kind": "docs", "metrics": [{"name": "a", "type": "gauge", "help": "", "labels": []}]}\n' >"$T/plain.json"
$P golden --conditions "$T/plain.json" >"$T/out" 2>"$T/err"
is "$? $(wc -c <"$T/out")" "0 0" "golden --conditions: a golden without conditions prints nothing"
