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
# The Coder overlay itself loads and applies to the newest release's docs
# (v2.35.1) without a warning: every entry meets a metric.
n=$((n+1))
S=${PG_SHARED:-$PWD/../shared}
if [ -d "$S/coder/releases" ]; then
    "$P" golden --no-lint --from-docs "$S/coder/releases/docs/d4cab1ac1c.md" \
        --overlay golden/overlay/coder.json --release v2.35.1 >/dev/null 2>"$T/err"
    unexpected=$(cat "$T/err")
    if [ -z "$unexpected" ]; then echo "ok $n - coder overlay fits the newest release's docs"; else echo "$unexpected" | sed 's/^/# /'; echo "not ok $n - coder overlay fits the newest release's docs"; fi
else
    echo "ok $n # skip no shared data"
fi
