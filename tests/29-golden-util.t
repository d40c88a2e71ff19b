#!/bin/sh
# lib/core/util.h helpers the golden and diff code rely on, against tables:
# pg_fmt_double() (fixtures/golden/fmt-double.txt: the shortest text that
# reads back as the same double) and pg_edit_distance()
# (fixtures/golden/edit-distance.txt).
cd "$(dirname "$0")/.." || exit 1
B=bin/pg-util-cases
$B fmt-double fixtures/golden/fmt-double.txt >"${TMPDIR:-/tmp}/pg-util-$$.a"
rc1=$?
$B edit-distance fixtures/golden/edit-distance.txt >"${TMPDIR:-/tmp}/pg-util-$$.b"
rc2=$?
# One plan for both tables: renumber the second after the first.
n1=$(sed -n 's/^1\.\.//p' "${TMPDIR:-/tmp}/pg-util-$$.a")
n2=$(sed -n 's/^1\.\.//p' "${TMPDIR:-/tmp}/pg-util-$$.b")
echo "1..$(( ${n1:-0} + ${n2:-0} ))"
grep -v '^1\.\.' "${TMPDIR:-/tmp}/pg-util-$$.a"
grep -v '^1\.\.' "${TMPDIR:-/tmp}/pg-util-$$.b" |
    awk -v off="${n1:-0}" '/^(not )?ok [0-9]+/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { $i += off; break } } { print }'
rm -f "${TMPDIR:-/tmp}/pg-util-$$.a" "${TMPDIR:-/tmp}/pg-util-$$.b"
[ $rc1 = 0 ] && [ $rc2 = 0 ]
