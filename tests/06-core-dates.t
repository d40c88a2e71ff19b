#!/bin/sh
# One date validation (lib/core/date.h) for the baseline's "expires" and
# check --today: YYYY-MM-DD naming a day that exists; anything else is
# exit 2 with a message naming the value (and file:line:col for a
# baseline entry).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=bin/promgate
G=fixtures/check/golden.json
IN=fixtures/check/pass-text/input.prom
plan 8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PROMGATE_REPORT_DIR="$tmp/reports"

for d in 2026-02-29 2026-04-31 2026-13-01 2026-1x-01; do
    $P check --golden "$G" --target "$IN" --today "$d" >/dev/null 2>"$tmp/err"
    like "$? $(cat "$tmp/err")" "^2 .*invalid --today '$d'" "--today $d: exit 2, named"
done
$P check --golden "$G" --target "$IN" --today 2024-02-29 >/dev/null 2>&1
is "$?" 0 "--today 2024-02-29 (a leap day) is a date"

printf '{"accepted": [\n  {"metric": "app_up", "reason": "x",\n   "expires": "2026-02-30"}]}\n' >"$tmp/b.json"
$P check --golden "$G" --target "$IN" --baseline "$tmp/b.json" >/dev/null 2>"$tmp/err"
like "$? $(cat "$tmp/err")" "^2 .*b.json:2:3: accepted\[0\]: invalid expires '2026-02-30'" "baseline expiring on 2026-02-30: exit 2 at the entry"
printf '{"accepted": [{"metric": "app_up", "reason": "x", "expires": "2028-02-29"}]}\n' >"$tmp/b2.json"
$P check --golden "$G" --target "$IN" --baseline "$tmp/b2.json" >/dev/null 2>"$tmp/err"
is "$?" 0 "baseline expiring on 2028-02-29 (a leap day) loads"
printf '{"accepted": [{"metric": "app_up", "reason": "x", "expires": "2026-06-31"}]}\n' >"$tmp/b3.json"
$P check --golden "$G" --target "$IN" --baseline "$tmp/b3.json" >/dev/null 2>"$tmp/err"
is "$?" 2 "baseline expiring on 2026-06-31: exit 2"
