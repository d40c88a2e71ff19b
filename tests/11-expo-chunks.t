#!/bin/sh
# Same bytes, same verdict:
# 1. Chunk-split property: parsing a fixture cut at any byte boundary, in
#    random small chunks or byte by byte gives the same diagnostics,
#    samples and families as parsing it in one feed (pg-expo-run --splits).
#    The inputs of the cases imported from Prometheus's tests are read
#    from ../shared/conformance (skipped with a notice where it is absent).
# 2. Source property: `promgate lint` (format auto) gives the same
#    diagnostics, sample and family counts and format for each of the
#    project's own cases read from its file, piped on stdin, and fetched
#    from pg-fixture-server with a Content-Type that decides nothing.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/fixture.sh
. tests/lib/sources.sh
pg_tmpdir
T=$PG_TMP/imported
mkdir -p "$T" || exit 2
imported=
perl fixtures/expo/import-prometheus.pl --inputs "$T" 2>/dev/null && imported=$T/*/input
own=$(ls fixtures/expo/rule-*/input fixtures/expo/fuzz-*/input | wc -l)
# shellcheck disable=SC2086 # the glob is meant to expand
set -- fixtures/expo/*/input $imported
echo "1..$(( $# + 1 + own ))"
n=0
for f in "$@"; do
    n=$((n+1))
    d=${f%/input}
    name=${d##*/}
    fmt=$(sed -n 's/^format: //p' "fixtures/expo/$name/meta" 2>/dev/null)
    out=$(bin/pg-expo-run --splits --canonical --format "${fmt:-auto}" "$f" 2>&1)
    if [ "$out" = ok ]; then
        echo "ok $n - $name: chunk splits"
    else
        echo "not ok $n - $name: chunk splits"
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

start_fixture_server fixtures/expo || exit 2
# The verdict without the source's name; the URL's own Content-Type
# warning (and its count in the summary) is about the response, not the
# bytes.
verdict() {
    grep -v ': warning: \(Content-Type .* is not an exposition format\|response has no Content-Type\)' |
        sed -E -e 's/^[^ ]*(:[0-9]+:[0-9]+: (error|warning): )/\1/' \
               -e 's/^[^ ]*: [0-9]+ errors?, [0-9]+ warnings?, / /'
}
for f in fixtures/expo/rule-*/input fixtures/expo/fuzz-*/input; do
    d=${f%/input}
    c=${d##*/}
    bin/promgate lint --max-errors 0 "$f" 2>&1 | verdict >"$PG_TMP/file"
    cat "$f" | bin/promgate lint --max-errors 0 - 2>&1 | verdict >"$PG_TMP/pipe"
    bin/promgate lint --max-errors 0 \
        "$FIXTURE_URL/$c/input?ctype=application%2Foctet-stream" 2>&1 |
        verdict >"$PG_TMP/url"
    sources_agree "$c"
done
