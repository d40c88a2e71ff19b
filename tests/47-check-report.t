#!/bin/sh
# check --format json prints the report document, --report-dir writes a
# report directory with the raw scrapes as evidence, and neither contains
# a credential.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
G=fixtures/check/golden.json
plan 9
pg_tmpdir
T=$PG_TMP
mkdir "$T/www"
cp fixtures/check/label-values/input.prom "$T/www/bad"
cp fixtures/check/pass-text/input.prom "$T/www/good"
printf 'json-t0ken-secret\n' >"$T/token"
start_fixture_server "$T/www" --token-file "$T/token" || exit 1

$P check --golden "$G" --target "$FIXTURE_URL/bad?fault=auth" \
    --target "$FIXTURE_URL/good?fault=auth" --bearer-token-file "$T/token" \
    --format json >"$T/out.json" 2>"$T/err"
is "$?" 1 "--format json: exit 1 on a failing target"
perl -MJSON::PP -e '
    local $/; my $d = decode_json(<STDIN>);
    my @t = @{$d->{targets}};
    my @f = map { $_->{metric} } grep { $_->{verdict} eq "fail" }
        map { @{$_->{results}} } @t;
    print scalar(@t), " ", join(",", @f), "\n";' <"$T/out.json" >"$T/summary" 2>"$T/perl.err"
ok $? "--format json: valid JSON"
is "$(cat "$T/summary")" "2 app_requests_total" "--format json: two targets, the failing metric"

mkdir "$T/tmp"
TMPDIR="$T/tmp" $P check --golden "$G" --target "$FIXTURE_URL/bad?fault=auth" \
    --target "$FIXTURE_URL/good?fault=auth" --bearer-token-file "$T/token" \
    --report-dir "$T/reports" >"$T/out.tap" 2>"$T/err"
is "$?" 1 "--report-dir: exit code as without"
[ -d "$T/reports/latest" ]
ok $? "--report-dir: DIR/latest points at the report"
for f in report.md report.html report.json junit.xml; do
    [ -s "$T/reports/latest/$f" ] || echo "missing $f"
done >"$T/missing"
is "$(cat "$T/missing")" "" "--report-dir: Markdown, HTML, JSON and JUnit written"
cmp -s "$T/reports/latest/scrape-1.txt" "$T/www/bad"
ok $? "--report-dir: raw scrape kept as evidence"
grep -rq 'json-t0ken-secret' "$T/reports" "$T/out.json" "$T/out.tap" "$T/err"
is "$?" 1 "no token in reports or output"
is "$(ls -A "$T/tmp")" "" "scratch copies of the raw scrapes removed"
