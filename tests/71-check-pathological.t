#!/bin/sh
# Guards against a stall: `lint` and `check` finish on pathological
# scrapes large enough that work quadratic in them would run for minutes
# (bench/patho-gen.sh: 400 000 label-name sets in one family, 50 000
# documented families, 100 000 undocumented metrics next to 200 missing
# ones wanting rename hints, 20 000 long label values under a pattern).
# Each run has a generous `timeout`; the verdicts are asserted, the time
# is not (make bench measures it: bench/pathological.sh).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=bin/promgate
LIMIT=${PG_HANG_TIMEOUT:-120}
plan 12
T=$(mktemp -d "${TMPDIR:-/tmp}/pg-patho.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT

# run KIND N: generates the input and runs check then lint on it, setting
# crc/cout (check) and lrc/lout (lint); 124 is timeout's "too slow".
run() {
    sh bench/patho-gen.sh "$1" "$2" "$T/$1" || exit 2
    timeout "$LIMIT" $P check --golden "$T/$1/golden.json" \
        --target "$T/$1/input.prom" --no-report >"$T/$1/tap" 2>"$T/$1/err"
    crc=$?
    timeout "$LIMIT" $P lint "$T/$1/input.prom" >"$T/$1/lint" 2>&1
    lrc=$?
}

run labelsets 400000
like "$crc $(sed -n 4p "$T/labelsets/tap")" \
    "^1 not ok 1 - m: undocumented labels 'x0,x1,x10,.*,\.\.\. \(399980 more\)'$" \
    "400 000 label-name sets: check ends with the extra labels, capped in the message"
is "$(grep -c '^ok\|^not ok' "$T/labelsets/tap")" 3 "400 000 label-name sets: 3 test points"
is "$lrc $(tail -n 1 "$T/labelsets/lint")" \
    "0 $T/labelsets/input.prom: 0 errors, 0 warnings, 400000 samples in 1 family (prom)" \
    "400 000 label-name sets: lint ends clean"

run families 50000
is "$crc $(sed -n 2p "$T/families/tap")" "0 1..50002" \
    "50 000 documented families: check passes every one"
is "$(grep -c '^ok [0-9]* - fam_' "$T/families/tap")" 50000 \
    "50 000 documented families: one point each"
is "$lrc" 0 "50 000 documented families: lint ends clean"

run undocumented 100000
is "$crc $(grep -c '^not ok [0-9]* - app_undoc_[0-9]*_requests_total: undocumented' "$T/undocumented/tap")" \
    "1 100000" "100 000 undocumented metrics: check fails each"
is "$(grep -c '^not ok [0-9]* - app_missing_' "$T/undocumented/tap")" 200 \
    "100 000 undocumented metrics: the 200 missing ones fail"
like "$lrc $(tail -n 1 "$T/undocumented/lint")" "^0 .*: 0 errors, 100000 warnings, 100000 samples in 100000 families" \
    "100 000 undocumented metrics: lint ends with a warning each"

run longvalues 20000
is "$crc $(sed -n 4p "$T/longvalues/tap")" "0 ok 1 - m" \
    "20 000 long label values under a pattern: every value matched"
like "$(wc -l <"$T/longvalues/err" | tr -d ' ') $(cat "$T/longvalues/err")" \
    "^1 promgate check: PASS: " "long label values: stderr has the summary only (no matcher error)"
is "$lrc" 0 "long label values: lint ends clean"
