#!/bin/sh
# check --wait re-scrapes until every required metric is present: the
# fixture server first serves a scrape missing a documented metric; once
# the check has scraped it, the file is replaced (rename) by the complete
# scrape and the same run ends conformant. Without the replacement, the
# run ends when the wait is over and reports the missing metric.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
G=fixtures/check/golden.json
FULL=fixtures/check/pass-text/input.prom
plan 8
pg_tmpdir
mkdir "$PG_TMP/www"
grep -v 'app_up' "$FULL" >"$PG_TMP/www/metrics"
start_fixture_server "$PG_TMP/www" --log "$PG_TMP/log" || exit 1

requests() {
    _n=$(grep -c '^GET /metrics' "$PG_TMP/log" 2>/dev/null)
    echo "${_n:-0}"
}

$P check --golden "$G" --target "$FIXTURE_URL/metrics" --wait 60 \
    --interval 0.1 >"$PG_TMP/out" 2>"$PG_TMP/err" &
pid=$!
# Generous bound against hangs only: wait for the first scrape.
i=0
while [ "$(requests)" -lt 1 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
cp "$FULL" "$PG_TMP/www/metrics.new" && mv "$PG_TMP/www/metrics.new" "$PG_TMP/www/metrics"
wait $pid
is "$?" 0 "--wait: conformant once the missing metric appears"
n=$(requests)
[ "$n" -ge 2 ]
ok $? "--wait: scraped again after the first incomplete scrape ($n requests)"
grep -q '^ok [0-9]* - app_up$' "$PG_TMP/out"
ok $? "--wait: the final verdicts are from the complete scrape"

grep -v 'app_up' "$FULL" >"$PG_TMP/www/metrics"
before=$(requests)
$P check --golden "$G" --target "$FIXTURE_URL/metrics" --wait 0.5 \
    --interval 0.1 >"$PG_TMP/out" 2>"$PG_TMP/err"
is "$?" 1 "--wait: still missing when time is up exits 1"
grep -q "^not ok [0-9]* - app_up: metric 'app_up' is absent" "$PG_TMP/out"
ok $? "--wait: the missing metric is reported"
[ $(($(requests) - before)) -ge 2 ]
ok $? "--wait: re-scraped while waiting"

# A file target that appears while waiting (written elsewhere, renamed in).
$P check --golden "$G" --target "$PG_TMP/late.prom" --wait 60 --interval 0.1 \
    >"$PG_TMP/out" 2>"$PG_TMP/err" &
pid=$!
sleep 0.3
cp "$FULL" "$PG_TMP/late.tmp" && mv "$PG_TMP/late.tmp" "$PG_TMP/late.prom"
wait $pid
is "$?" 0 "--wait: a file target that appears later is checked"

# stdin is read once: --wait does not wait on it.
grep -v 'app_up' "$FULL" | $P check --golden "$G" --target - --wait 60 \
    >"$PG_TMP/out" 2>"$PG_TMP/err"
is "$?" 1 "--wait: stdin judged once, missing metric fails at once"
