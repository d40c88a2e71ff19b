#!/bin/sh
# Pathological inputs never crash or hang the parser (generous limits):
# a 100 MB line, 10^6 labels, deep escape runs, NUL bytes, binary garbage,
# invalid UTF-8, and every truncation of some fixtures.
cd "$(dirname "$0")/.." || exit 1
P=bin/promgate
R=bin/pg-expo-run
T=${TMPDIR:-/tmp}/pg-expo-path.$$
mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
LIMIT=300
echo "1..14"
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# run CMD... with output to $T/out; records exit code in rc
run() { timeout "$LIMIT" "$@" > "$T/out" 2>&1; rc=$?; }

perl -e 'print "a{b=\"", "x" x 100_000_000, "\"} 1\nok 1\n"' |
    timeout "$LIMIT" $P lint --max-errors 5 - > "$T/out" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q '^-:1:1: error: line longer than 1048576 bytes' "$T/out" &&
    grep -q '1 error,' "$T/out"
ok $? "100 MB line is one error, the next line still parsed"

perl -e 'print "a", "b" x 100_000_000, " 1\n"' > "$T/long"
run $P lint --max-line 200000000 "$T/long"
[ "$rc" = 1 ] && grep -q 'metric name longer than 65536 bytes' "$T/out"
ok $? "100 MB metric name within a raised line cap hits the name cap"

perl -e 'print "a{", join(",", map { "l$_=\"v\"" } 1..1_000_000), "} 1\n"' > "$T/labels"
run $P lint "$T/labels"
[ "$rc" = 1 ] && grep -q 'line longer than' "$T/out"
ok $? "10^6 labels: line cap"
run $P lint --max-line 100000000 "$T/labels"
[ "$rc" = 1 ] && grep -q 'more than 1024 labels' "$T/out"
ok $? "10^6 labels: label cap"
run $P lint --max-line 100000000 --max-labels 2000000 "$T/labels"
[ "$rc" = 0 ] && grep -q '0 errors, 0 warnings, 1 sample in 1 family' "$T/out"
ok $? "10^6 labels parsed when the caps allow"
perl -e 'print "a{", join(",", map { "l=\"v\"" } 1..100_000), "} 1\n"' > "$T/duplabels"
run $P lint --max-line 100000000 --max-labels 2000000 "$T/duplabels"
[ "$rc" = 1 ] && grep -q "duplicate label name 'l'" "$T/out"
ok $? "10^5 labels of one name: duplicate found"

perl -e 'print "a{b=\"", "\\\\" x 400_000, "\\\"" x 100_000, "\"} 1\n# HELP h ", "\\\\" x 400_000, "\nh 1\n"' > "$T/esc"
run $P lint --max-line 10000000 "$T/esc"
[ "$rc" = 1 ] && grep -q 'label value longer\|quoted string longer' "$T/out"
ok $? "deep escape runs: linear, capped"
cp "$T/out" "$T/esc.out"
run $P lint --max-line 10000000 --max-labels 10 "$T/esc"
[ "$rc" = 1 ] && cmp -s "$T/out" "$T/esc.out"
ok $? "deep escape runs: a lower label cap gives the same diagnostics"
perl -e 'print "a{b=\"", "\\\\" x 20_000, "\"} 1\n# HELP h ", "\\\\n" x 200_000, "\nh 1\n"' > "$T/esc2"
run $P lint --max-line 10000000 "$T/esc2"
[ "$rc" = 0 ]
ok $? "deep escape runs within caps are conformant"

perl -e 'print "a{b=\"x\0y\"} 1\n\0\0\0 1\nc\0 1\n"' > "$T/nul"
run $P lint "$T/nul"
[ "$rc" = 1 ] && grep -q '^[^:]*:2:1: error' "$T/out"
ok $? "NUL bytes: allowed in label values, errors elsewhere"

perl -e 'srand(7); print join "", map { chr(int(rand(256))) } 1..2_000_000' > "$T/garbage"
run $P lint --max-errors 3 "$T/garbage"
[ "$rc" = 1 ] && tail -1 "$T/out" | grep -q 'errors,'
ok $? "2 MB of binary garbage: errors, no crash"

perl -e 'for (1..100_000) { print "m_$_\{l=\"\xff\xfe\xc0\x80\xed\xa0\x80\"} 1\n" }' > "$T/utf8"
run $P lint --max-errors 1 "$T/utf8"
[ "$rc" = 1 ] && grep -q '100000 errors' "$T/out"
ok $? "invalid UTF-8 (bad bytes, overlong, surrogate) on 10^5 lines"

fail=0
for f in fixtures/expo/rule-prom-ok/input fixtures/expo/rule-om-ok/input \
         fixtures/expo/rule-exemplar-om/input fixtures/expo/rule-hist-count-mismatch/input; do
    for fmt in prom openmetrics auto; do
        run $R --truncations --format $fmt "$f"
        [ "$rc" = 0 ] && grep -qx ok "$T/out" || { fail=1; echo "# $f $fmt"; }
    done
done
ok $fail "every truncation of four fixtures, three formats"

perl -e 'for (1..200_000) { print "# TYPE f$_ gauge\nf$_ 1\n" } for (1..1000) { print "f$_ 2\n" }' > "$T/fams"
run $P lint --max-errors 1 "$T/fams"
[ "$rc" = 1 ] && grep -q '1000 errors, 0 warnings, 201000 samples in 201000 families' "$T/out"
ok $? "200000 families, 1000 reopened ones found"
