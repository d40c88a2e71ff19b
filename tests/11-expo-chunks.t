#!/bin/sh
# Chunk-split property: parsing a fixture cut at any byte boundary, in
# random small chunks or byte by byte gives the same diagnostics, samples
# and families as parsing it in one feed (bin/pg-expo-run --splits).
cd "$(dirname "$0")/.." || exit 1
set -- fixtures/expo/*/input
echo "1..$#"
n=0
for f in "$@"; do
    n=$((n+1))
    d=${f%/input}
    fmt=$(sed -n 's/^format: //p' "$d/meta" 2>/dev/null)
    out=$(bin/pg-expo-run --splits --canonical --format "${fmt:-auto}" "$f" 2>&1)
    if [ "$out" = ok ]; then
        echo "ok $n - ${d##*/}"
    else
        echo "not ok $n - ${d##*/}"
        printf '%s\n' "$out" | sed 's/^/# /'
    fi
done
