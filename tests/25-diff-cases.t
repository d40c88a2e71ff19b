#!/bin/sh
# promgate diff: one case per fixtures/diff/<case>/: `sides` (two paths;
# $S is $PG_SHARED, $R the repo, else relative to the case), optional
# `args`, expected.text / expected.markdown / expected.json (one run per
# format present), expected.stderr and expected-exit (default 1). Sides are
# linked into a scratch directory under their base names so that reports
# do not depend on where the data lives. `make bless` rewrites the
# expectations (tests/lib/bless.sh).
cd "$(dirname "$0")/.." || exit 1
# The expected stderr is the command's own: no report directory note.
unset PROMGATE_REPORT_DIR
. tests/lib/bless.sh
R=$PWD
P=$R/bin/promgate
S=${PG_SHARED:-$R/../shared}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
cases=$(ls -d fixtures/diff/*/)
count=0
for d in $cases; do
    k=$(ls "$d" | grep -c '^expected\.\(text\|markdown\|json\)$')
    [ "$k" = 0 ] && k=1
    count=$((count + k))
done
echo "1..$count"
n=0
for d in $cases; do
    name=$(basename "$d")
    w=$T/$name
    mkdir -p "$w"
    set --
    missing=0
    while read -r side; do
        p=$(echo "$side" | sed "s|^\\\$S|$S|; s|^\\\$R|$R|")
        case "$p" in /*) ;; *) p=$R/$d$p ;; esac
        [ -e "$p" ] || case "$side" in \$S*) missing=1 ;; esac
        b=$(basename "$p")
        [ -e "$w/$b" ] && b=new-$b
        [ -e "$p" ] && ln -s "$p" "$w/$b"
        set -- "$@" "$b"
    done <"$d/sides"
    args=$(cat "$d/args" 2>/dev/null)
    want_rc=$(cat "$d/expected-exit" 2>/dev/null || echo 1)
    formats=$(ls "$d" | sed -n 's/^expected\.\(text\|markdown\|json\)$/\1/p')
    [ -z "$formats" ] && formats=none
    for f in $formats; do
        n=$((n+1))
        if [ $missing = 1 ]; then echo "ok $n # skip no shared data"; continue; fi
        fa=""
        [ "$f" != none ] && fa="--format $f"
        # shellcheck disable=SC2086
        (cd "$w" && "$P" diff $args $fa "$@" >"$T/out" 2>"$T/err")
        rc=$?
        [ "$f" != none ] && pg_keep_got "${d}expected.$f" "$T/out"
        if [ -s "$T/err" ]; then pg_keep_got "${d}expected.stderr" "$T/err"; else pg_keep_absent "${d}expected.stderr"; fi
        echo "$rc" >"$T/rc"
        if [ "$rc" = 1 ]; then pg_keep_absent "${d}expected-exit"; else pg_keep_got "${d}expected-exit" "$T/rc"; fi
        ok=1
        [ "$rc" = "$want_rc" ] || { echo "# exit $rc, expected $want_rc"; ok=0; }
        : >"$T/want-err"
        [ -f "$d/expected.stderr" ] && cp "$d/expected.stderr" "$T/want-err"
        diff -u "$T/want-err" "$T/err" >"$T/d" || { sed 's/^/# /' "$T/d"; ok=0; }
        if [ "$f" != none ]; then
            diff -u "$d/expected.$f" "$T/out" >"$T/d" || { sed 's/^/# /' "$T/d" | head -40; ok=0; }
        fi
        if [ $ok = 1 ]; then echo "ok $n - $name $f"; else echo "not ok $n - $name $f"; fi
    done
done
