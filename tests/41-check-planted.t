#!/bin/sh
# The planted-defect scrape (fixtures/check/planted): one defect of each
# kind fails exactly the metrics listed in expected-failures, with the
# expected problem, and nothing else fails; read from a file and over HTTP
# from the fixture server.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/check.sh
P=bin/promgate
F=fixtures/check/planted
plan 12
pg_tmpdir
mkdir "$PG_TMP/www" && cp "$F/metrics" "$PG_TMP/www/metrics"
start_fixture_server "$PG_TMP/www" || exit 1

for target in "$F/metrics" "$FIXTURE_URL/metrics"; do
    case $target in http*) via=HTTP ;; *) via=file ;; esac
    $P check --golden "$F/golden.json" --target "$target" >"$PG_TMP/out" \
        2>"$PG_TMP/err"
    is "$?" 1 "$via: exit 1 (violations)"
    tap_failures "$PG_TMP/out" >"$PG_TMP/got"
    diff -u "$F/expected-failures" "$PG_TMP/got" >"$PG_TMP/diff"
    ok $? "$via: failing metrics and problems are exactly the planted ones"
    [ -s "$PG_TMP/diff" ] && diag "$(cat "$PG_TMP/diff")"
    grep -q '^ok [0-9]* - format$' "$PG_TMP/out"
    ok $? "$via: format conformance passes"
    grep -q '^ok [0-9]* - coderd_prebuilt_workspace_claim_duration_seconds # SKIP condition not enabled: license:premium$' "$PG_TMP/out"
    ok $? "$via: absent conditional metric is a SKIP naming its condition"
    grep -q "^not ok [0-9]* - coderd_agents_first_connection_seconds: .*(renamed to coderd_agents_first_connection_ms?)" "$PG_TMP/out" &&
        grep -q "^not ok [0-9]* - coderd_agents_first_connection_ms: undocumented (renamed from coderd_agents_first_connection_seconds?)" "$PG_TMP/out"
    ok $? "$via: rename hint on both the _seconds and the _ms metric"
done
# prove accepts the output as TAP 13 and counts the same failures.
printf '#!/bin/sh\ncat "%s"\n' "$PG_TMP/out" >"$PG_TMP/replay.t"
chmod +x "$PG_TMP/replay.t"
prove "$PG_TMP/replay.t" >"$PG_TMP/prove" 2>&1
is "$?" 1 "prove fails on the planted scrape"
like "$(cat "$PG_TMP/prove")" "Failed 12/22 subtests" "prove counts 12 of 22 failing"
