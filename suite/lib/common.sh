# common.sh: shared by the suite's TAP scripts. Each script checks one
# concern of the target named by PROMGATE_TARGET (URL or file; several
# separated by spaces) against PROMGATE_GOLDEN (default
# golden/coder-latest.json), with the flags of PROMGATE_CHECK_FLAGS added
# (e.g. "--enable flag:--prometheus-collect-db-metrics --exempt '^go_'"),
# and those of the file PROMGATE_CHECK_FLAGS_FILE. promgate splits them as
# a shell would (check --flags): quotes group words and are removed.
# PROMGATE names the promgate binary (default bin/promgate in a source
# tree, else promgate on PATH: the installed suite under
# share/promgate/suite). PROMGATE_GOLDEN may also be a golden reference
# (coder@v2.24.2), resolved by promgate.
PG_SUITE_ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PROMGATE:-}" ]; then
    PROMGATE=$PG_SUITE_ROOT/bin/promgate
    [ -x "$PROMGATE" ] || PROMGATE=$(command -v promgate || echo promgate)
fi
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
    case $PROMGATE_GOLDEN in
        *@*) _ref=1 ;; # a reference: promgate resolves it or exits 2
        *) _ref= ;;
    esac
    if [ -z "$_ref" ] && { [ ! -f "$PROMGATE_GOLDEN" ] || [ ! -r "$PROMGATE_GOLDEN" ]; }; then
        echo "Bail out! golden '$PROMGATE_GOLDEN' is not a readable file (PROMGATE_GOLDEN)"
        exit 2
    fi
    if ! command -v "$PROMGATE" >/dev/null 2>&1; then
        echo "Bail out! $PROMGATE is not built (run make) or not installed"
        exit 2
    fi
    set -f # targets and flags are words, never globs
    _targets=""
    for _t in $PROMGATE_TARGET; do
        _targets="$_targets --target $_t"
    done
    # One report per suite run, not one per concern: these write none
    # (05-report.t writes the run's report when PROMGATE_REPORT_DIR is
    # set). Failures also go to stderr as '#' lines, which prove shows
    # without -v; the summary line is left to the report script.
    if [ -n "${PROMGATE_CHECK_FLAGS_FILE:-}" ]; then
        set -- --flags-file "$PROMGATE_CHECK_FLAGS_FILE" "$@"
    fi
    # shellcheck disable=SC2086 # the targets are words
    exec "$PROMGATE" check --golden "$PROMGATE_GOLDEN" $_targets --no-report \
        --diag-stderr --quiet --flags "${PROMGATE_CHECK_FLAGS:-}" "$@"
}

# suite_report: one TAP point, the report of the whole run written under
# PROMGATE_REPORT_DIR (with PROMGATE_CHECK_FLAGS, e.g. --report-flat for
# a fixed path); skipped when it is not set. The verdict is the other
# scripts': this point fails only when no report could be written.
suite_report() {
    if [ -z "${PROMGATE_REPORT_DIR:-}" ]; then
        echo "1..0 # skip PROMGATE_REPORT_DIR is not set: no report"
        exit 0
    fi
    set -f
    _targets=""
    for _t in ${PROMGATE_TARGET:-}; do
        _targets="$_targets --target $_t"
    done
    echo "1..1"
    set --
    if [ -n "${PROMGATE_CHECK_FLAGS_FILE:-}" ]; then
        set -- --flags-file "$PROMGATE_CHECK_FLAGS_FILE"
    fi
    # shellcheck disable=SC2086 # the targets are words
    _dir=$("$PROMGATE" check --golden "$PROMGATE_GOLDEN" $_targets "$@" \
        --flags "${PROMGATE_CHECK_FLAGS:-}" --report-dir "$PROMGATE_REPORT_DIR" \
        --format summary 2>&1 >/dev/null | sed -n 's|^promgate check: .*; report in ||p')
    if [ -n "$_dir" ]; then
        echo "ok 1 - report in $_dir"
    else
        echo "not ok 1 - no report written under $PROMGATE_REPORT_DIR"
    fi
}
