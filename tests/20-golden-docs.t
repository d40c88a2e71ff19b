#!/bin/sh
# Docs Markdown -> golden, one case per fixtures/docs/<case>/: input.md,
# optional args, expected-exit (default 0), expected.stderr (default
# empty) and expected.json (golden bytes, when the command succeeds).
cd "$(dirname "$0")/.." || exit 1
P=$PWD/bin/promgate
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
cases=$(ls -d fixtures/docs/*/)
echo "1..$(echo "$cases" | wc -l)"
n=0
for d in $cases; do
    n=$((n+1))
    name=$(basename "$d")
    args=$(cat "$d/args" 2>/dev/null)
    want_rc=$(cat "$d/expected-exit" 2>/dev/null || echo 0)
    # shellcheck disable=SC2086
    (cd "$d" && "$P" golden --from-docs input.md $args >"$T/out" 2>"$T/err")
    rc=$?
    : >"$T/want-err"
    [ -f "$d/expected.stderr" ] && cp "$d/expected.stderr" "$T/want-err"
    ok=1
    if [ "$rc" != "$want_rc" ]; then
        echo "# $name: exit $rc, expected $want_rc"; ok=0
    fi
    if ! diff -u "$T/want-err" "$T/err" >"$T/d"; then
        sed 's/^/# /' "$T/d"; ok=0
    fi
    if [ -f "$d/expected.json" ] && ! diff -u "$d/expected.json" "$T/out" >"$T/d"; then
        sed 's/^/# /' "$T/d" | head -40; ok=0
    fi
    if [ $ok = 1 ]; then echo "ok $n - $name"; else echo "not ok $n - $name"; fi
done
