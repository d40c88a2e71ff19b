#!/bin/sh
# Overlays: fixtures/golden/overlay/<case>/overlay.json applied to
# fixtures/golden/overlay/docs.md; expected.json (golden bytes),
# expected.stderr (warnings or the error) and expected-exit.
cd "$(dirname "$0")/.." || exit 1
P=$PWD/bin/promgate
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
cases=$(ls -d fixtures/golden/overlay/*/)
echo "1..$(( $(echo "$cases" | wc -l) + 1 ))"
n=0
for d in $cases; do
    n=$((n+1))
    (cd "$d" && "$P" golden --from-docs ../docs.md --overlay overlay.json >"$T/out" 2>"$T/err")
    rc=$?
    ok=1
    want_rc=$(cat "$d/expected-exit")
    [ "$rc" = "$want_rc" ] || { echo "# exit $rc, expected $want_rc"; ok=0; }
    : >"$T/want-err"
    [ -f "$d/expected.stderr" ] && cp "$d/expected.stderr" "$T/want-err"
    diff -u "$T/want-err" "$T/err" >"$T/d" || { sed 's/^/# /' "$T/d"; ok=0; }
    if [ -f "$d/expected.json" ]; then
        diff -u "$d/expected.json" "$T/out" >"$T/d" || { sed 's/^/# /' "$T/d" | head -40; ok=0; }
    fi
    if [ $ok = 1 ]; then echo "ok $n - $(basename "$d")"; else echo "not ok $n - $(basename "$d")"; fi
done
# The Coder overlay itself loads and applies to the newest docs without
# warnings other than the deprecated aibridged aliases it also covers.
n=$((n+1))
S=${PG_SHARED:-$PWD/../shared}
if [ -d "$S/coder/docs" ]; then
    "$P" golden --no-lint --from-docs "$S/coder/docs/prometheus.2026-07-06.b21e0717d5.md" \
        --overlay golden/overlay/coder.json >/dev/null 2>"$T/err"
    unexpected=$(grep -v "aibridge" "$T/err")
    if [ -z "$unexpected" ]; then echo "ok $n - coder overlay fits the newest docs"; else echo "$unexpected" | sed 's/^/# /'; echo "not ok $n - coder overlay fits the newest docs"; fi
else
    echo "ok $n # skip no shared data"
fi
