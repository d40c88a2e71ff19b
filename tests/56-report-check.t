#!/bin/sh
# Golden output of the reports of a real `promgate check --report-dir` on
# the planted-defect scrape (fixtures/check/planted): report.md,
# report.json and junit.xml equal fixtures/report/check-planted/expected.*
# once the wall-clock fields are normalised; `--format json` prints the
# same document; the metrics failing in the reports are exactly the planted
# ones (expected-failures), failures first; the scrape is in the directory.
# `make bless` rewrites the expected files (tests/lib/bless.sh).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/bless.sh
P=bin/promgate
F=fixtures/check/planted
E=fixtures/report/check-planted
plan 8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$P check --golden "$F/golden.json" --target "$F/metrics" \
    --report-dir "$tmp/r" --format json >"$tmp/stdout.json" 2>"$tmp/err"
is "$?" 1 "check exits 1 on the planted defects"
d=$tmp/r/latest

# Times differ run to run: started/timestamps, durations, scrape seconds.
norm() {
    sed -E -e 's/"started": "[^"]*"/"started": "T"/' \
        -e 's/"(duration_seconds|seconds)": [0-9.e+-]+/"\1": 0/' \
        -e 's/timestamp="[^"]*"/timestamp="T"/g' \
        -e 's/ time="[0-9.]+"/ time="0"/g' \
        -e 's/^- Started: .*$/- Started: T/' \
        -e 's/^- Duration: .*$/- Duration: 0 s/' \
        -e 's/warnings, [0-9.]+ s/warnings, 0 s/' "$1"
}
for f in report.md report.json junit.xml; do
    exp=$E/expected.$f
    norm "$d/$f" >"$tmp/got"
    pg_keep_got "$exp" "$tmp/got"
    diff -u "$exp" "$tmp/got" >"$tmp/diff" 2>&1
    ok $? "$f matches $(basename "$exp")"
    [ -s "$tmp/diff" ] && diag "$(head -40 "$tmp/diff")"
done

norm "$tmp/stdout.json" | sed -E 's/"raw_scrape": ("[^"]*"|null)/"raw_scrape": R/' >"$tmp/a"
norm "$d/report.json" | sed -E 's/"raw_scrape": ("[^"]*"|null)/"raw_scrape": R/' >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b"
ok $? "--format json prints the report.json document (but for raw_scrape)"

# The failing rows, as "metric problem-code", sorted: the planted list.
perl -MJSON::PP -e '
    local $/; my $d = decode_json(<STDIN>);
    for my $t (@{$d->{targets}}) { for my $r (@{$t->{results}}) {
        next unless $r->{verdict} eq "fail";
        my ($p) = grep { $_->{failure} } @{$r->{problems}};
        print "$r->{metric} $p->{code}\n";
    } }' <"$d/report.json" | sort >"$tmp/fails"
diff -u "$F/expected-failures" "$tmp/fails" >"$tmp/diff"
ok $? "failing metrics in report.json are exactly the planted ones"
[ -s "$tmp/diff" ] && diag "$(cat "$tmp/diff")"

perl -MJSON::PP -e '
    local $/; my $d = decode_json(<STDIN>); my $seen = 0;
    for my $r (@{$d->{targets}[0]{results}}) {
        $seen = 1 if $r->{verdict} ne "fail";
        exit 1 if $seen && $r->{verdict} eq "fail";
    }' <"$d/report.json"
ok $? "failures come first"

cmp -s "$F/metrics" "$d/scrape-1.txt" && [ -s "$d/golden.json" ]
ok $? "the scrape and the golden are in the report directory"
