#!/bin/sh
# The checker's verdicts do not depend on how the body arrives: every
# check fixture (and the demo scrape) judged in chunks of 1 to 4096 bytes
# gives the TAP it gives when parsed at once (bin/test-check-chunks).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
T=bin/test-check-chunks
inputs="fixtures/check/planted/metrics:fixtures/check/planted/golden.json
fixtures/coder-demo/metrics:golden/coder-latest.json"
for d in fixtures/check/*; do
    [ -f "$d/input.prom" ] || continue
    g=$d/golden.json
    [ -f "$g" ] || g=fixtures/check/golden.json
    inputs="$inputs
$d/input.prom:$g"
done
plan "$(echo "$inputs" | wc -l)"
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
echo "$inputs" | while IFS=: read -r input golden; do
    $T "$golden" "$input" --enable license:premium >"$tmp" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && ! grep -q '^not ok' "$tmp"; then
        echo "ok - $input: verdicts independent of chunking"
    else
        echo "not ok - $input: verdicts independent of chunking"
        sed 's/^/# /' "$tmp" | head -40 >&2
    fi
done
