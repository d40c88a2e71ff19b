#!/bin/sh
# report.md is for a pull-request comment: under GitHub's 65 536-character
# limit whatever the scrape (rows left out are counted, with a pointer to
# the HTML report), failures before passes, passes folded in <details>,
# and no table without a header row.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
G=fixtures/check/golden.json
plan 6
pg_tmpdir
T=$PG_TMP

# 4000 undocumented metrics with long names: every one a failing row.
awk 'BEGIN { for (i = 0; i < 4000; i++) {
    n = sprintf("undocumented_metric_with_a_rather_long_name_number_%05d_total", i)
    printf "# TYPE %s counter\n%s{path=\"/api/v2/some/long/path/%d\"} %d\n", n, n, i, i } }' \
    >"$T/big.prom"
cat fixtures/check/pass-text/input.prom >>"$T/big.prom"
$P check --golden "$G" --target "$T/big.prom" --report-dir "$T/r" --report-flat \
    >/dev/null 2>&1
is "$?" 1 "4000 undocumented metrics fail the check"
chars=$(LC_ALL=C.UTF-8 wc -m <"$T/r/report.md" | tr -d ' ')
[ "$chars" -lt 65536 ]
ok $? "report.md has $chars characters, under 65 536"
like "$(grep -c '^| ✖ FAIL' "$T/r/report.md") $(grep 'more rows\? not shown' "$T/r/report.md")" \
    '^[0-9]+ \*\*[0-9]+ more rows not shown\*\* .*report\.html' \
    "rows past the limit are counted and point to report.html"
rows=$(grep -c '^| [✖◐⚠○✔] ' "$T/r/report.md")
left=$(sed -n 's/^\*\*\([0-9]*\) more rows\{0,1\} not shown.*/\1/p' "$T/r/report.md")
results=$(sed -n 's/^    "results": \([0-9]*\),$/\1/p' "$T/r/report.json")
is "$((rows + left))" "$results" "every result is a row or counted ($rows shown, $left counted)"

# A small run: failures first, passes folded, every table has a header.
$P check --golden "$G" --target fixtures/check/pass-text/input.prom \
    --report-dir "$T/small" --report-flat >/dev/null 2>&1
awk '/^<details>/ { d = 1 } /^\| ✔ PASS/ && !d { bad = 1 } END { exit bad }' \
    "$T/small/report.md"
ok $? "passing rows are inside <details>"
awk 'prev !~ /^\|/ && /^\|/ && $0 ~ /^\| *\|/ { bad = 1 } { prev = $0 } END { exit bad }' \
    "$T/small/report.md" "$T/r/report.md"
ok $? "no table starts with an empty header row"
