#!/bin/sh
# `make golden` regenerates every committed golden under golden/ from
# $PG_SHARED; regeneration must match what is committed, byte for byte.
cd "$(dirname "$0")/.." || exit 1
R=$PWD
S=${PG_SHARED:-$R/../shared}
if [ ! -d "$S/coder/docs" ] || [ ! -d "$S/coder/releases" ]; then echo "1..0 # skip no shared data at $S"; exit 0; fi
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
${MAKE:-make} -s -o bin/promgate golden GOLDEN_OUT="$T" PG_SHARED="$S" >"$T.log" 2>&1
rc=$?
files=$(cd golden && ls ./*.json ./coder/*.json ./coder/releases.tsv)
echo "1..$(( $(echo "$files" | wc -l) + 2 ))"
if [ $rc = 0 ]; then echo "ok 1 - make golden runs"; else sed 's/^/# /' "$T.log"; echo "not ok 1 - make golden runs"; fi
rm -f "$T.log"
n=1
for f in $files; do
    n=$((n+1))
    f=${f#./}
    if diff -u "golden/$f" "$T/$f" >"$T/d" 2>&1; then
        echo "ok $n - golden/$f is up to date"
    else
        sed 's/^/# /' "$T/d" | head -30
        echo "not ok $n - golden/$f differs from regeneration (run make golden)"
    fi
done
n=$((n+1))
extra=$(cd "$T" && ls ./*.json ./coder/* | while read -r f; do [ -f "$R/golden/${f#./}" ] || echo "$f"; done)
if [ -z "$extra" ]; then echo "ok $n - no uncommitted goldens"; else echo "not ok $n - not committed: $extra"; fi
