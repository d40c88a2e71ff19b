#!/bin/sh
# Line numbers are 64-bit: a fault after 2^31 empty lines is reported at
# line 2147483649 (an int counter overflowed there). The stream is
# generated, not committed: 2 GiB of line feeds piped into lint.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
plan 2
out=$(/usr/bin/perl -e 'my $b = "\n" x (1 << 20);
    print $b for 1 .. 2048; print "a{\n"' |
    bin/promgate lint --input-format prom - 2>&1)
rc=$?
is "$rc" 1 "lint exits 1 on the fault"
is "$out" "-:2147483649:3: error: unexpected end of line in labels
-: 1 error, 0 warnings, 0 samples in 0 families (prom)" \
    "the fault is at line 2^31 + 1, column 3"
