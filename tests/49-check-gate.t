#!/bin/sh
# The gate cannot be fooled by its own flags: `promgate golden
# --conditions` lists what --enable takes; the suite's flags survive shell
# quoting; rename hints find inserted and moved name parts. (Unknown
# --enable values, empty selections and matcher errors are cases of
# tests/40-check-cases.t.)
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=bin/promgate
G=fixtures/check/golden.json
plan 10
pg_tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$pg_tmp"' EXIT
T=$pg_tmp

$P golden --conditions "$G" >"$T/out" 2>"$T/err"
is "$? $(tr '\n' ' ' <"$T/out")" "0 flag:--collect-db-metrics license:premium " \
    "golden --conditions: the golden's conditions, sorted, one a line"
$P golden --conditions "$T/none.json" >"$T/out" 2>"$T/err"
like "$? $(cat "$T/err")" "^2 promgate golden: .*none\.json: cannot open" \
    "golden --conditions: unreadable golden is exit 2, named"
printf '{"kind": "docs", "metrics": [{"name": "a", "type": "gauge", "help": "", "labels": []}]}\n' >"$T/plain.json"
$P golden --conditions "$T/plain.json" >"$T/out" 2>"$T/err"
is "$? $(wc -c <"$T/out")" "0 0" "golden --conditions: a golden without conditions prints nothing"

# The suite takes PROMGATE_CHECK_FLAGS split as a shell would: the
# README's own example, taken from README.md as written, exempts go_sql_*
# (its quotes are not part of the pattern) and enables a condition the
# golden has.
readme_flags=$(sed -n "s/.*(e\.g\. \`\(--enable[^\`]*\)\`).*/\1/p" README.md)
like "$readme_flags" "--exempt '\^go_sql_'" "README: the suite flags example is found, with its quotes"
PROMGATE_TARGET=fixtures/coder-demo/metrics PROMGATE_CHECK_FLAGS=$readme_flags \
    sh suite/04-undocumented.t >"$T/undoc" 2>"$T/undoc.err"
is "$?:$(grep -c 'go_sql_' "$T/undoc")" "1:0" \
    "README example: no go_sql_ metric is reported undocumented (the others still fail)"
unlike "$(cat "$T/undoc" "$T/undoc.err")" "matched no metric|unknown condition" \
    "README example: the exempt pattern matches, the condition is known"
# the demo scrape without the families of that condition
grep -v 'agent_boundary_log_proxy_' fixtures/coder-demo/metrics >"$T/no-agent-stats"
PROMGATE_TARGET=$T/no-agent-stats PROMGATE_CHECK_FLAGS=$readme_flags \
    sh suite/02-documented.t >"$T/doc" 2>&1
is "$(grep -c 'SKIP condition not enabled: flag:--prometheus-collect-agent-stats' "$T/doc"):$(grep -c "^not ok [0-9]* - agent_boundary_log_proxy_[a-z_]*: metric '[a-z_]*' is absent though condition 'flag:--prometheus-collect-agent-stats' is enabled" "$T/doc")" \
    "0:3" "README example: --enable holds: the condition's absent metrics fail"

# Flags files and quoting errors.
printf '# demo flags\n--exempt "^go_" # runtime\n--exempt \\^app_internal_\n' >"$T/flags"
$P check --golden "$G" --target fixtures/check/exempt/input.prom --no-report \
    --flags-file "$T/flags" >"$T/out" 2>"$T/err"
is "$?:$(grep -c ': undocumented' "$T/out")" "0:0" "--flags-file: quotes, escapes and comments"
$P check --golden "$G" --target fixtures/check/exempt/input.prom --no-report \
    --flags "--exempt '^go_" >"$T/out" 2>"$T/err"
is "$? $(cat "$T/err")" "2 promgate check: --flags:1:10: unterminated single quote" \
    "--flags: an unterminated quote is exit 2 with its column"
PROMGATE_TARGET=fixtures/check/exempt/input.prom PROMGATE_GOLDEN=$G \
    PROMGATE_CHECK_FLAGS="--exempt '^go_' --exempt \"^app_internal_\"" \
    sh suite/04-undocumented.t >"$T/undoc" 2>&1
is "$? $(grep -c '^ok' "$T/undoc")" "0 1" "suite: quoted PROMGATE_CHECK_FLAGS exempt both families"
