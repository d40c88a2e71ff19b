#!/bin/sh
# Data-driven check cases: each fixtures/check/<case>/ holds input.prom
# (or input.json: a protobuf exposition described for the project's encoder,
# tests/producers/pb_encode.py, encoded at test time; its target is shown
# as input.pb), optional golden.json (else fixtures/check/golden.json), optional flags
# (@CASE@ stands for the case directory), and the expected TAP output
# (expected.tap, the timing comment left out) and exit code (expected.exit);
# expected.err, when present, holds lines that stderr must contain.
# `make bless` rewrites the expectations (tests/lib/bless.sh).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/bless.sh
P=bin/promgate
cases=$(for d in fixtures/check/*/; do
    [ -f "$d/input.prom" ] || [ -f "$d/input.json" ] && echo "${d%/}"; done)
plan "$(echo "$cases" | wc -l)"
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for d in $cases; do
    name=${d#fixtures/check/}
    golden=$d/golden.json
    [ -f "$golden" ] || golden=fixtures/check/golden.json
    flags=""
    [ -f "$d/flags" ] && flags=$(sed "s|@CASE@|$d|g" "$d/flags")
    input=$d/input.prom
    if [ -f "$d/input.json" ]; then
        input=$tmp/input.pb
        /usr/bin/python3 tests/producers/pb_encode.py "$d/input.json" \
            "$input" --verify || { ok 1 "$name: encoder failed"; continue; }
    fi
    # shellcheck disable=SC2086 # flags are words by design
    $P check --golden "$golden" --target "$input" $flags \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    : >"$tmp/diff"
    grep -v '^# target ' "$tmp/out" | sed "s|$tmp/||g" >"$tmp/tap"
    echo "$rc" >"$tmp/rc"
    pg_keep_got "$d/expected.tap" "$tmp/tap"
    pg_keep_got "$d/expected.exit" "$tmp/rc"
    err_ok=0
    if [ -f "$d/expected.err" ]; then
        while IFS= read -r want; do
            grep -qF -- "$want" "$tmp/err" || { err_ok=1; echo "stderr lacks: $want" >>"$tmp/diff"; }
        done <"$d/expected.err"
    fi
    if diff -u "$d/expected.tap" "$tmp/tap" >>"$tmp/diff" &&
        [ "$rc" = "$(cat "$d/expected.exit")" ] && [ "$err_ok" = 0 ]; then
        ok 0 "$name"
    else
        ok 1 "$name"
        diag "exit $rc, expected $(cat "$d/expected.exit" 2>/dev/null)"
        diag "$(cat "$tmp/diff" "$tmp/err")"
    fi
done
