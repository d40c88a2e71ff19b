#!/bin/sh
# The conformance suite (suite/*.t run by prove) and the demo: the demo
# passes on the embedded Coder scrape; the suite fails on the planted
# defects in the files of their concern; bails out (non-zero) without a
# target or with an unreadable golden; honours PROMGATE_CHECK_FLAGS.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
plan 20
pg_tmpdir
T=$PG_TMP
export PROMGATE_REPORT_DIR="$T/reports"

unset PROMGATE_TARGET PROMGATE_CHECK_FLAGS PROMGATE_GOLDEN
./suite/demo.sh >"$T/demo.out" 2>&1
is "$?" 0 "demo: conformant on the embedded Coder scrape"
grep -q '^All tests successful' "$T/demo.out"
ok $? "demo: prove reports all tests successful"
grep -q '^demo: conformant' "$T/demo.out"
ok $? "demo: says so"
grep -Eq '^suite/04-undocumented\.t \.+ ok$' "$T/demo.out"
ok $? "demo: no undocumented metrics is a pass of 04-undocumented.t, not a skip"
is "$(find "$T/reports" -name report.json | wc -l | tr -d ' ')" 1 \
    "demo: one report for the whole suite run"
grep -q "^demo: report in $T/reports/" "$T/demo.out"
ok $? "demo: names the report"
port=$(sed -n 's|^demo: serving .* at http://127\.0\.0\.1:\([0-9]*\)/metrics$|\1|p' "$T/demo.out")
[ -n "$port" ] && ! perl -MIO::Socket::INET -e \
    'exit !IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0])' "$port"
ok $? "demo: its fixture server (port ${port:-?}) is stopped"

prove suite/ >"$T/none.out" 2>&1
rc=$?
[ "$rc" -ne 0 ]
ok $? "no PROMGATE_TARGET: the suite fails (prove exit $rc)"
like "$(cat "$T/none.out")" "Further testing stopped: +PROMGATE_TARGET is not set" "no PROMGATE_TARGET: bails out saying why"
PROMGATE_TARGET= prove suite/ >"$T/empty.out" 2>&1
rc=$?
[ "$rc" -ne 0 ]
ok $? "empty PROMGATE_TARGET: the suite fails (prove exit $rc)"
PROMGATE_TARGET=fixtures/coder-demo/metrics PROMGATE_GOLDEN="$T/no-such.json" \
    prove suite/ >"$T/nogolden.out" 2>&1
rc=$?
[ "$rc" -ne 0 ]
ok $? "unreadable golden: the suite fails (prove exit $rc)"
like "$(cat "$T/nogolden.out")" "Further testing stopped: +golden '.*no-such\.json' is not a readable file" \
    "unreadable golden: bails out saying why"

mkdir "$T/www" && cp fixtures/check/planted/metrics "$T/www/metrics"
start_fixture_server "$T/www" || exit 1
export PROMGATE_TARGET="$FIXTURE_URL/metrics"
export PROMGATE_GOLDEN=fixtures/check/planted/golden.json
prove suite/ >"$T/planted.out" 2>&1
rc=$?
is "$(find "$T/reports" -name report.json | wc -l | tr -d ' ')" 2 \
    "prove suite/: one more report, of the whole run (05-report.t), none of the concern files"
[ "$rc" -ne 0 ]
ok $? "planted defects: prove exits non-zero (a CI gate as is)"
like "$(cat "$T/planted.out")" "suite/01-format\.t \.+ ok" "planted: format file passes"
like "$(cat "$T/planted.out")" "suite/02-documented\.t +\(Wstat: 256 \(exited 1\) Tests: 10 Failed: 4\)" \
    "planted: 4 of 10 documented non-histogram metrics fail"
like "$(cat "$T/planted.out")" "suite/03-histograms\.t +\(Wstat: 256 \(exited 1\) Tests: 9 Failed: 6\)" \
    "planted: 6 of 9 histograms and summaries fail"
like "$(cat "$T/planted.out")" "suite/04-undocumented\.t \(Wstat: 256 \(exited 1\) Tests: 2 Failed: 2\)" \
    "planted: 2 undocumented metrics fail"

PROMGATE_CHECK_FLAGS="--enable license:premium --undocumented warn" \
    prove suite/ >"$T/flags.out" 2>&1
like "$(cat "$T/flags.out")" "suite/03-histograms\.t +\(Wstat: 256 \(exited 1\) Tests: 9 Failed: 7\)" \
    "PROMGATE_CHECK_FLAGS --enable: the conditional histogram now fails too"
like "$(cat "$T/flags.out")" "suite/04-undocumented\.t \.+ ok" \
    "PROMGATE_CHECK_FLAGS --undocumented warn: undocumented file passes"
