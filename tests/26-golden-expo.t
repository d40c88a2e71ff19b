#!/bin/sh
# promgate golden --from-exposition: fixtures/golden/expo/cases.tsv. Inputs
# merge by family name with the first file winning (Coder's metricsdocgen);
# labels come from samples without le/quantile; bucket bounds from
# _bucket samples; Markdown pages contribute their fenced samples. The
# metricsdocgen inputs of a Coder commit must give exactly that commit's
# docs table. A line the parser cannot read (grammar, a TYPE line) fails
# with exit 2 and writes nothing; faults of structure (a family split, a
# HELP without samples, a histogram sample without suffix) are tolerated.
# Protobuf inputs are written pb:CASE.json, encoded by the project's
# encoder (/usr/bin/python3) into $T/CASE.pb: a fault of the wire
# encoding fails like a line that cannot be read, naming the message;
# faults of the model (a duplicate series, an unknown field) are
# tolerated like faults of structure.
cd "$(dirname "$0")/.." || exit 1
R=$PWD
P=$R/bin/promgate
S=${PG_SHARED:-$R/../shared}
F=$R/fixtures/golden/expo
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
TAB=$(printf '\t')
grep -v '^#' "$F/cases.tsv" >"$T/cases"
echo "1..$(wc -l <"$T/cases")"
n=0
while IFS="$TAB" read -r name inputs want; do
    n=$((n+1))
    case "$inputs $want" in
    *'$S'*) if [ ! -d "$S/coder" ]; then echo "ok $n # skip no shared data"; continue; fi ;;
    esac
    inputs=$(echo "$inputs" | sed "s|\\\$S|$S|g")
    want=$(echo "$want" | sed "s|\\\$S|$S|g; s|\\\$T|$T|g")
    args=
    for w in $inputs; do
        case "$w" in
        pb:*)
            c=$(basename "$(dirname "${w#pb:}")")
            /usr/bin/python3 "$R/tests/producers/pb_encode.py" "$F/${w#pb:}" "$T/$c.pb" ||
                echo "# encoder failed on ${w#pb:}"
            w="$T/$c.pb" ;;
        esac
        args="$args $w"
    done
    inputs=$args
    # shellcheck disable=SC2086
    (cd "$F" && "$P" golden --from-exposition $inputs >"$T/out" 2>"$T/err")
    rc=$?
    ok=1
    case "$want" in
    golden:*)
        [ $rc = 0 ] || { echo "# exit $rc: $(cat "$T/err")"; ok=0; }
        diff -u "$F/${want#golden:}" "$T/out" >"$T/d" || { sed 's/^/# /' "$T/d" | head -40; ok=0; }
        ;;
    docs:*)
        [ $rc = 0 ] || { echo "# exit $rc: $(cat "$T/err")"; ok=0; }
        "$P" diff "$T/out" "${want#docs:}" >"$T/d" 2>&1 || { sed 's/^/# /' "$T/d" | head -40; ok=0; }
        ;;
    error:*)
        [ $rc = 2 ] || { echo "# exit $rc, expected 2"; ok=0; }
        [ "$(cat "$T/err")" = "${want#error:}" ] || { echo "# got: $(cat "$T/err")"; ok=0; }
        # no golden written, and an earlier one left as it was
        echo keep >"$T/old.json"
        # shellcheck disable=SC2086
        (cd "$F" && "$P" golden --from-exposition $inputs -o "$T/old.json" 2>/dev/null)
        rc=$?
        [ $rc = 2 ] || { echo "# -o: exit $rc, expected 2"; ok=0; }
        [ "$(cat "$T/old.json")" = keep ] || { echo "# -o: the output file was changed"; ok=0; }
        ;;
    esac
    if [ $ok = 1 ]; then echo "ok $n - $name"; else echo "not ok $n - $name"; fi
done <"$T/cases"
