# common.sh: shared by the suite's TAP scripts. Each script checks one
# concern of the target named by PROMGATE_TARGET (URL or file; several
# separated by spaces) against PROMGATE_GOLDEN (default
# golden/coder-latest.json), with PROMGATE_CHECK_FLAGS added (e.g.
# "--enable flag:--prometheus-collect-db-metrics --exempt ^go_").
# PROMGATE names the promgate binary (default bin/promgate).
PG_SUITE_ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROMGATE=${PROMGATE:-$PG_SUITE_ROOT/bin/promgate}
PROMGATE_GOLDEN=${PROMGATE_GOLDEN:-$PG_SUITE_ROOT/golden/coder-latest.json}

# suite_check ARGS...: runs promgate check on the targets with ARGS and
# the extra flags, printing its TAP; the script exits with its status.
# Without a target or a readable golden the suite bails out (non-zero): a
# misspelt variable in CI must fail the gate, not skip it.
suite_check() {
    if [ -z "${PROMGATE_TARGET:-}" ]; then
        echo "Bail out! PROMGATE_TARGET is not set: name the URL(s) or file(s) to check"
        exit 2
    fi
    if [ ! -f "$PROMGATE_GOLDEN" ] || [ ! -r "$PROMGATE_GOLDEN" ]; then
        echo "Bail out! golden '$PROMGATE_GOLDEN' is not a readable file (PROMGATE_GOLDEN)"
        exit 2
    fi
    if [ ! -x "$PROMGATE" ]; then
        echo "Bail out! $PROMGATE is not built (run make)"
        exit 2
    fi
    set -f # targets and flags are words, never globs
    _targets=""
    for _t in $PROMGATE_TARGET; do
        _targets="$_targets --target $_t"
    done
    # One report per suite run, not one per concern: the files write none
    # (demo.sh writes the run's report; --report-dir in
    # PROMGATE_CHECK_FLAGS turns them back on).
    # shellcheck disable=SC2086 # word splitting intended
    exec "$PROMGATE" check --golden "$PROMGATE_GOLDEN" $_targets --no-report \
        ${PROMGATE_CHECK_FLAGS:-} "$@"
}
