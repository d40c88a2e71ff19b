#!/bin/sh
# Goldens of other projects' metrics docs (golden/others/, read from
# $PG_SHARED/otherdocs by `make golden-others`, part of `make golden`):
# the committed files equal a regeneration byte for byte, none is
# missing or extra, and each loads.
cd "$(dirname "$0")/.." || exit 1
R=$PWD
S=${PG_SHARED:-$R/../shared}
if [ ! -d "$S/otherdocs" ]; then echo "1..0 # skip no shared data at $S/otherdocs"; exit 0; fi
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
${MAKE:-make} -s -o bin/promgate golden-others GOLDEN_OUT="$T" PG_SHARED="$S" >"$T/log" 2>&1
rc=$?
files=$(cd golden/others && ls ./*.json)
echo "1..$(( $(echo "$files" | wc -l) * 2 + 2 ))"
n=1
if [ $rc = 0 ]; then echo "ok 1 - make golden-others runs"; else sed 's/^/# /' "$T/log"; echo "not ok 1 - make golden-others runs"; fi
for f in $files; do
    f=${f#./}
    n=$((n+1))
    if diff -u "golden/others/$f" "$T/others/$f" >"$T/d" 2>&1; then
        echo "ok $n - golden/others/$f is up to date"
    else
        sed 's/^/# /' "$T/d" | head -30
        echo "not ok $n - golden/others/$f differs from regeneration (run make golden)"
    fi
    n=$((n+1))
    if bin/pg-golden-load "golden/others/$f" >/dev/null 2>"$T/err"; then
        echo "ok $n - golden/others/$f loads"
    else
        sed 's/^/# /' "$T/err"
        echo "not ok $n - golden/others/$f loads"
    fi
done
n=$((n+1))
extra=$(cd "$T/others" && ls ./*.json | while read -r f; do [ -f "$R/golden/others/${f#./}" ] || echo "$f"; done)
if [ -z "$extra" ]; then echo "ok $n - no uncommitted goldens"; else echo "not ok $n - not committed: $extra"; fi
