#!/bin/sh
# make demo: runs the conformance suite (prove suite/) against a local
# fixture endpoint serving what a Coder v2.35.1 server serves
# (fixtures/coder-demo/metrics, rebuilt from the code inventory and the
# release golden), judged against that release's golden (coder@v2.35.1)
# with no extra flags, or against PROMGATE_TARGET when it is set; the
# suite writes one report of the run (under PROMGATE_REPORT_DIR, else
# reports/). The fixture server is stopped on exit.
set -u
cd "$(dirname "$0")/.." || exit 2
PG_ROOT=$(pwd)
PROMGATE=${PROMGATE:-$PG_ROOT/bin/promgate}
PROMGATE_GOLDEN=${PROMGATE_GOLDEN:-coder@v2.35.1}
export PROMGATE PROMGATE_GOLDEN

if [ -z "${PROMGATE_TARGET:-}" ]; then
    . tests/lib/fixture.sh
    pg_tmpdir
    mkdir "$PG_TMP/www" && cp fixtures/coder-demo/metrics "$PG_TMP/www/metrics"
    start_fixture_server "$PG_TMP/www" || exit 2
    PROMGATE_TARGET="$FIXTURE_URL/metrics"
    echo "demo: serving fixtures/coder-demo/metrics at $PROMGATE_TARGET"
fi
# The suite's 05-report.t writes the run's report: under
# PROMGATE_REPORT_DIR, else reports/.
PROMGATE_REPORT_DIR=${PROMGATE_REPORT_DIR:-$PG_ROOT/reports}
export PROMGATE_TARGET PROMGATE_CHECK_FLAGS="${PROMGATE_CHECK_FLAGS:-}"
export PROMGATE_REPORT_DIR
echo "demo: prove suite/ (target $PROMGATE_TARGET, golden $PROMGATE_GOLDEN)"
prove suite/
rc=$?

if [ -e "$PROMGATE_REPORT_DIR/latest" ]; then
    echo "demo: report in $PROMGATE_REPORT_DIR/latest/ (report.md, report.html, report.json, junit.xml)"
fi
if [ $rc -eq 0 ]; then
    echo "demo: conformant"
else
    echo "demo: NOT conformant (prove exit $rc)"
fi
exit $rc
