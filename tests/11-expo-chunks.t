#!/bin/sh
# Chunk-split property: parsing a fixture cut at any byte boundary, in
# random small chunks or byte by byte gives the same diagnostics, samples
# and families as parsing it in one feed (bin/pg-expo-run --splits). The
# inputs of the cases imported from Prometheus's tests are read from
# ../shared/conformance (skipped with a notice where it is absent).
cd "$(dirname "$0")/.." || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/pg-expo-chunks.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
imported=
perl fixtures/expo/import-prometheus.pl --inputs "$T" 2>/dev/null && imported=$T/*/input
# shellcheck disable=SC2086 # the glob is meant to expand
set -- fixtures/expo/*/input $imported
echo "1..$(( $# + 1 ))"
n=0
for f in "$@"; do
    n=$((n+1))
    d=${f%/input}
    name=${d##*/}
    fmt=$(sed -n 's/^format: //p' "fixtures/expo/$name/meta" 2>/dev/null)
    out=$(bin/pg-expo-run --splits --canonical --format "${fmt:-auto}" "$f" 2>&1)
    if [ "$out" = ok ]; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        printf '%s\n' "$out" | sed 's/^/# /'
    fi
done
n=$((n+1))
if [ -n "$imported" ]; then
    # as many shared inputs as committed cases that name them
    want=$(grep -l '^source: prom-\(bad-inputs\.tsv\|testdata/\)' fixtures/expo/*/meta | wc -l)
    got=$(ls -d "$T"/*/ | wc -l)
    if [ "$got" = "$want" ]; then
        echo "ok $n - all $got imported cases read from ../shared/conformance"
    else
        echo "not ok $n - $got shared inputs for $want imported cases"
    fi
else
    echo "ok $n # skip Prometheus's test inputs not found in ../shared/conformance"
fi
