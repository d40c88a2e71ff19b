#!/bin/sh
# check --format json prints the report document, --report-dir writes a
# report directory with the raw scrapes as evidence, and neither contains
# a credential.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
G=fixtures/check/golden.json
plan 21
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

# A report only where asked: --report-dir, or PROMGATE_REPORT_DIR; none
# by default (nothing piles up in the current directory); --no-report
# wins over the environment. stderr ends with one summary line that names
# the report's path. --report-keep N keeps the newest N; --report-flat
# writes DIR itself, a fixed path, replaced run to run, never over a
# directory that is not an earlier report.
R=$(pwd)
IN=$R/fixtures/check/pass-text/input.prom
nreports() { find "$1" -name report.json 2>/dev/null | wc -l | tr -d ' '; }
mkdir "$T/cwd" "$T/env"
(cd "$T/cwd" && unset PROMGATE_REPORT_DIR &&
    "$R/$P" check --golden "$R/$G" --target "$IN" >/dev/null 2>"$T/err")
is "$?-$(ls -A "$T/cwd")" "0-" "default: no report, nothing written in the current directory"
like "$(tail -1 "$T/err")" '^promgate check: PASS: 0 of [0-9]+ results failing; [0-9]+ conformant.*coverage 100\.0%' \
    "default: stderr ends with the summary line"
(cd "$T/cwd" && PROMGATE_REPORT_DIR="$T/env" \
    "$R/$P" check --golden "$R/$G" --target "$IN" >/dev/null 2>"$T/err")
d=$(sed -n 's|^promgate check: PASS.*; report in \(.*\)/$|\1|p' "$T/err")
is "$(nreports "$T/env")-$(ls -A "$T/cwd")" "1-" \
    "PROMGATE_REPORT_DIR: the report goes there"
[ -n "$d" ] && [ -s "$d/report.json" ]
ok $? "the summary line names the report directory (${d:-none})"
(cd "$T/cwd" && PROMGATE_REPORT_DIR="$T/env" \
    "$R/$P" check --golden "$R/$G" --target "$IN" --report-dir "$T/flag" \
    >/dev/null 2>&1)
is "$(nreports "$T/flag")-$(nreports "$T/env")" "1-1" \
    "--report-dir wins over PROMGATE_REPORT_DIR"
(cd "$T/cwd" && PROMGATE_REPORT_DIR="$T/env" \
    "$R/$P" check --golden "$R/$G" --target "$IN" --no-report >/dev/null 2>"$T/err")
like "$?-$(nreports "$T/env")-$(cat "$T/err")" '^0-1-promgate check: PASS: [^;]*;[^;]*; coverage [0-9.]+% \([0-9]+ of [0-9]+ documented\)$' \
    "--no-report: no report, only the summary on stderr"
for i in 1 2 3 4; do
    $P check --golden "$G" --target "$IN" --report-dir "$T/keep" --report-keep 2 \
        >/dev/null 2>&1
done
is "$(nreports "$T/keep")-$(readlink "$T/keep/latest" | cut -c1-1)" "2-2" \
    "--report-keep 2: the newest two reports stay, latest among them"
$P check --golden "$G" --target "$IN" --report-dir "$T/flat" --report-flat \
    >/dev/null 2>&1 &&
$P check --golden "$G" --target "$IN" --report-dir "$T/flat" --report-flat \
    >/dev/null 2>&1
ok $? "--report-flat twice into the same directory"
[ ! -L "$T/flat" ] && [ -s "$T/flat/report.html" ] && [ -s "$T/flat/junit.xml" ] &&
    [ "$(ls -A "$(dirname "$T/flat")" | grep -c '^flat')" = 1 ]
ok $? "--report-flat: DIR itself holds the report, no symlink, no leftovers"
mkdir "$T/precious" && echo keep >"$T/precious/notes.txt"
$P check --golden "$G" --target "$IN" --report-dir "$T/precious" --report-flat \
    >/dev/null 2>"$T/err"
like "$?-$(cat "$T/precious/notes.txt")-$(cat "$T/err")" "^2-keep-.*not empty and holds no earlier report" \
    "--report-flat never replaces a directory that is not a report"
mkdir "$T/cwd2" && : >"$T/cwd2/reports"
PROMGATE_REPORT_DIR="$T/cwd2/reports" $P check --golden "$G" --target "$IN" \
    >/dev/null 2>&1
is "$?" 2 "a report asked for that cannot be written: exit 2"
cov=$($P check --golden "$G" --target "$IN" --target http://127.0.0.1:1/metrics \
    --format json 2>/dev/null | sed -n 's/^    "coverage": \(.*\),$/\1/p')
is "$cov" "0.5" "a target that could not be scraped lowers the coverage (half the targets read)"
