#!/bin/sh
# make demo: runs the conformance suite (prove suite/) against a local
# fixture endpoint serving a realistic Coder scrape
# (fixtures/coder-demo/metrics, with the flags in fixtures/coder-demo/flags),
# or against PROMGATE_TARGET when it is set; then writes one report of the
# run (under PROMGATE_REPORT_DIR, else reports/). The fixture server is
# stopped on exit.
set -u
cd "$(dirname "$0")/.." || exit 2
PG_ROOT=$(pwd)
PROMGATE=${PROMGATE:-$PG_ROOT/bin/promgate}
PROMGATE_GOLDEN=${PROMGATE_GOLDEN:-$PG_ROOT/golden/coder-latest.json}
export PROMGATE PROMGATE_GOLDEN

if [ -z "${PROMGATE_TARGET:-}" ]; then
    . tests/lib/fixture.sh
    pg_tmpdir
    mkdir "$PG_TMP/www" && cp fixtures/coder-demo/metrics "$PG_TMP/www/metrics"
    start_fixture_server "$PG_TMP/www" || exit 2
    PROMGATE_TARGET="$FIXTURE_URL/metrics"
    if [ -z "${PROMGATE_CHECK_FLAGS+set}" ]; then
        PROMGATE_CHECK_FLAGS=$(cat fixtures/coder-demo/flags)
    fi
    echo "demo: serving fixtures/coder-demo/metrics at $PROMGATE_TARGET"
fi
export PROMGATE_TARGET PROMGATE_CHECK_FLAGS="${PROMGATE_CHECK_FLAGS:-}"
echo "demo: prove suite/ (target $PROMGATE_TARGET, golden $PROMGATE_GOLDEN)"
prove suite/
rc=$?

# The report of the whole run (the suite's files write none): under
# PROMGATE_REPORT_DIR, else reports/.
set -f
targets=""
for t in $PROMGATE_TARGET; do targets="$targets --target $t"; done
# shellcheck disable=SC2086 # word splitting intended
report=$("$PROMGATE" check --golden "$PROMGATE_GOLDEN" $targets \
    --report-dir "${PROMGATE_REPORT_DIR:-$PG_ROOT/reports}" \
    $PROMGATE_CHECK_FLAGS 2>&1 >/dev/null |
    sed -n 's|^promgate check: .*; report in ||p')
if [ -n "$report" ]; then
    echo "demo: report in $report (report.md, report.html, report.json, junit.xml)"
fi
if [ $rc -eq 0 ]; then
    echo "demo: conformant"
else
    echo "demo: NOT conformant (prove exit $rc)"
fi
exit $rc
