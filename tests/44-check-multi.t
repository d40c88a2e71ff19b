#!/bin/sh
# Several --target at once (URLs scraped concurrently, files read): every
# test point names its target, each target is judged on its own, and the
# run fails if any target fails.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/check.sh
P=bin/promgate
G=fixtures/check/golden.json
plan 8
pg_tmpdir
mkdir "$PG_TMP/www"
cp fixtures/check/pass-text/input.prom "$PG_TMP/www/good"
cp fixtures/check/label-values/input.prom "$PG_TMP/www/bad"
start_fixture_server "$PG_TMP/www" --log "$PG_TMP/log" || exit 1
good="$FIXTURE_URL/good"
bad="$FIXTURE_URL/bad?delay=300"
file=fixtures/check/undocumented-fail/input.prom

$P check --golden "$G" --target "$good" --target "$bad" --target "$file" \
    >"$PG_TMP/out" 2>"$PG_TMP/err"
is "$?" 1 "one failing target fails the run"
like "$(sed -n 2p "$PG_TMP/out")" '^1\.\.31$' \
    "plan covers all three targets (3 x 9 + 2 undocumented + 2 'no undocumented')"
n=$(grep -Ec '^(not )?ok ' "$PG_TMP/out")
m=$(grep -Ec '^(not )?ok [0-9]+ - ([a-z_]+|no undocumented metrics) @ ' "$PG_TMP/out")
is "$m" "$n" "every test point names metric then target"
grep -q "^not ok [0-9]* - app_requests_total @ $FIXTURE_URL/bad?delay=REDACTED: label 'code'" "$PG_TMP/out"
ok $? "the bad target's failure is attributed to it"
grep -q "^ok [0-9]* - app_requests_total @ $FIXTURE_URL/good$" "$PG_TMP/out"
ok $? "the good target passes the same metric"
grep -Ec "^not ok [0-9]* - [a-z_]+ @ $FIXTURE_URL/good" "$PG_TMP/out" >/dev/null
is "$?" 1 "nothing fails on the good target"
grep -q "^not ok [0-9]* - go_goroutines @ $file: undocumented" "$PG_TMP/out"
ok $? "a file target among URLs is judged too"
is "$(grep -c '^GET /' "$PG_TMP/log")" 2 "each URL scraped once"
