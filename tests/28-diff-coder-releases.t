#!/bin/sh
# The diff of every consecutive pair of Coder release goldens is stable:
# fixtures/golden/release-diffs/OLD--NEW.txt (reviewed, see its README)
# is what `promgate diff` prints, docs corrections apart from release
# changes, and the exit code says they differ.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
F=fixtures/golden/release-diffs
goldens=$(awk -F'\t' '!/^#/ && $1 != "tag" && $4 ~ /json$/ && !seen[$4]++ { print $4 }' golden/coder/releases.tsv)
pairs=$(( $(echo "$goldens" | wc -l) - 1 ))
plan $((pairs + 1))
pg_tmpdir
prev=
for g in $goldens; do
    if [ -n "$prev" ]; then
        name=${prev%.json}--${g%.json}
        bin/promgate diff "golden/coder/$prev" "golden/coder/$g" >"$PG_TMP/out" 2>"$PG_TMP/err"
        rc=$?
        if [ $rc = 1 ] && diff -u "$F/$name.txt" "$PG_TMP/out" >"$PG_TMP/d"; then
            ok 0 "$name"
        else
            ok 1 "$name (exit $rc)"
            diag "$(head -30 "$PG_TMP/d")" "$(cat "$PG_TMP/err")"
        fi
    fi
    prev=$g
done
n=$(ls "$F"/*.txt | wc -l)
is "$n" "$pairs" "one expected output per pair, no stale ones"
