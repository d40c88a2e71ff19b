#!/bin/sh
# One number parser and formatter (lib/core/num.h) everywhere:
# - the tables fixtures/core/num-{parse,format}.txt, in the C locale and
#   in de_DE.UTF-8, whose decimal point is a comma (built here with
#   localedef, so the test does not depend on the machine's locales);
# - le="1" followed by 69 zeros is 1e+69 for lint, golden
#   --from-exposition, check and diff alike (no cut to 63 characters);
# - a value beyond a double's range (1e400) is an error in both formats;
# - a NaN bucket bound is no bound for check.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=bin/promgate
N=bin/pg-num-cases
plan 15
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PROMGATE_REPORT_DIR="$tmp/reports"

# tables OUT: runs both tables, their TAP kept in OUT.* for diagnostics.
tables() {
    $N parse fixtures/core/num-parse.txt >"$1.parse" 2>&1 &&
        $N format fixtures/core/num-format.txt >"$1.format" 2>&1
}
tables "$tmp/c"
ok $? "number tables in the C locale"
[ $? -eq 0 ] || diag "$(grep -h -A1 '^not ok' "$tmp/c.parse" "$tmp/c.format")"

if localedef -i de_DE -f UTF-8 "$tmp/de_DE.UTF-8" >/dev/null 2>&1; then
    export LOCPATH="$tmp"
    # glibc keeps the list it parses LOCPATH into for the life of the
    # process; under ASan that is not promgate's leak.
    printf 'leak:argz_add_sep\n' >"$tmp/lsan.supp"
    export LSAN_OPTIONS="suppressions=$tmp/lsan.supp"
    is "$(LC_ALL=de_DE.UTF-8 $N decimal-point)" "," "de_DE.UTF-8 writes a decimal comma"
    LC_ALL=de_DE.UTF-8 tables "$tmp/de"
    ok $? "number tables in de_DE.UTF-8"
    [ -f "$tmp/de.parse" ] && grep -q '^not ok' "$tmp/de.parse" "$tmp/de.format" &&
        diag "$(grep -h -A1 '^not ok' "$tmp/de.parse" "$tmp/de.format")"
    unset LOCPATH LSAN_OPTIONS
else
    skip "localedef cannot build de_DE.UTF-8 (Debian package locales)" 2
fi

# A histogram whose one finite bound is 1 followed by 69 zeros.
big=1$(printf '%069d' 0)
{
    echo '# HELP h A histogram.'
    echo '# TYPE h histogram'
    echo "h_bucket{le=\"$big\"} 1"
    echo 'h_bucket{le="+Inf"} 2'
    echo 'h_sum 3'
    echo 'h_count 2'
} >"$tmp/big.prom"
$P lint "$tmp/big.prom" >"$tmp/out" 2>&1
is "$?" 0 "lint accepts le=\"1\" and 69 zeros"
$P golden --from-exposition "$tmp/big.prom" -o "$tmp/big.json" 2>"$tmp/err"
is "$?" 0 "golden --from-exposition reads it"
bounds=$(perl -MJSON::PP -e 'local $/; my $g = decode_json(<STDIN>);
    print join ",", map { sprintf "%.17g", $_ } @{$g->{metrics}[0]{buckets}}' <"$tmp/big.json")
is "$bounds" "1.0000000000000001e+69" "the golden's bound is 1e69, not cut short"
like "$(tr -d ' \n' <"$tmp/big.json")" '"buckets":\[1e\+?69\]' "the golden writes it as 1e69"
$P check --golden "$tmp/big.json" --target "$tmp/big.prom" >"$tmp/tap" 2>&1
is "$?" 0 "check finds the exposition's bound equal to the golden's"
unlike "$(cat "$tmp/tap")" "buckets|bound" "check reports no bucket problem"
$P diff "$tmp/big.json" "$tmp/big.prom" >"$tmp/diff" 2>&1
rc=$?
is "$rc" 0 "diff of the golden and the exposition finds no difference"
[ "$rc" -ne 0 ] && diag "$(cat "$tmp/diff")"

# 1e400 is beyond a double, in both formats.
printf '# TYPE a gauge\na 1e400\n' >"$tmp/range.prom"
$P lint --input-format prom "$tmp/range.prom" >"$tmp/out" 2>&1
like "$? $(cat "$tmp/out")" "^1 .*:2:3: error: .*1e400" "text format: a value of 1e400 is an error at 2:3"
printf '# TYPE a gauge\na 1e400\n# EOF\n' >"$tmp/range.om"
$P lint --input-format openmetrics "$tmp/range.om" >"$tmp/out" 2>&1
like "$? $(cat "$tmp/out")" "^1 .*:2:3: error: .*1e400" "OpenMetrics: a value of 1e400 is an error at 2:3"
printf '# TYPE h histogram\nh_bucket{le="1e400"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n' >"$tmp/le.prom"
$P lint --input-format prom "$tmp/le.prom" >"$tmp/out" 2>&1
like "$? $(cat "$tmp/out")" "^1 .*:2:.*1e400" "an le of 1e400 is an error"

# A NaN bound: check says so and keeps going; the golden never holds it.
sed "s/le=\"$big\"/le=\"NaN\"/" "$tmp/big.prom" >"$tmp/nan.prom"
$P check --golden "$tmp/big.json" --target "$tmp/nan.prom" >"$tmp/tap" 2>&1
rc=$?
like "$rc $(grep -c "invalid bucket bound le='NaN'" "$tmp/tap")" "^1 [1-9]" "check fails a NaN bucket bound as invalid, naming it"
$P golden --from-exposition "$tmp/nan.prom" -o "$tmp/nan.json" 2>"$tmp/err"
bounds=$(perl -MJSON::PP -e 'local $/; my $g = decode_json(<STDIN>);
    print join ",", @{$g->{metrics}[0]{buckets} // []}' <"$tmp/nan.json")
is "$bounds" "" "golden --from-exposition keeps no NaN bound"
