#!/bin/sh
# Every Coder docs version and seed in $PG_SHARED parses to the expected
# row count and, byte for byte, to the expected docs-only golden
# (fixtures/golden/docs/versions.tsv); pages without a table fail clearly.
cd "$(dirname "$0")/.." || exit 1
R=$PWD
P=$R/bin/promgate
S=${PG_SHARED:-$R/../shared}
F=$R/fixtures/golden/docs
if [ ! -d "$S/coder/docs" ]; then echo "1..0 # skip no shared data at $S"; exit 0; fi
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
TAB=$(printf '\t')
grep -v '^#' "$F/versions.tsv" >"$T/cases"
echo "1..$(wc -l <"$T/cases")"
n=0
while IFS="$TAB" read -r in rows exp; do
    n=$((n+1))
    (cd "$S/$(dirname "$in")" && "$P" golden --no-lint --from-docs "$(basename "$in")" >"$T/out" 2>"$T/err")
    rc=$?
    ok=1
    case "$exp" in
    error:*)
        want=${exp#error: }
        [ "$rc" = 2 ] || { echo "# exit $rc, expected 2"; ok=0; }
        [ "$(cat "$T/err")" = "$want" ] || { echo "# got: $(cat "$T/err")"; echo "# want: $want"; ok=0; }
        ;;
    *)
        [ "$rc" = 0 ] || { echo "# exit $rc: $(cat "$T/err")"; ok=0; }
        got=$(grep -c '^      "name": ' "$T/out")
        [ "$got" = "$rows" ] || { echo "# $got rows, expected $rows"; ok=0; }
        diff -u "$F/$exp" "$T/out" >"$T/d" || { sed 's/^/# /' "$T/d" | head -40; ok=0; }
        ;;
    esac
    if [ $ok = 1 ]; then echo "ok $n - $in ($rows rows)"; else echo "not ok $n - $in"; fi
done <"$T/cases"
