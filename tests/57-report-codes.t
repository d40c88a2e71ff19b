#!/bin/sh
# One name per problem code and type, wherever a result is written: an
# expired baseline entry is the problem code "baseline" in TAP, in
# report.json (which stays valid against the schema of reports/SCHEMA.md)
# and in report.html; no report names a problem code "unknown".
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=bin/promgate
C=fixtures/check/baseline-expired
plan 6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$P check --golden fixtures/check/golden.json --target "$C/input.prom" \
    --baseline "$C/baseline.json" --today 2026-07-01 \
    --report-dir "$tmp/r" >"$tmp/tap" 2>"$tmp/err"
is "$?" 1 "check with an expired baseline entry exits 1"
like "$(cat "$tmp/tap")" "code: baseline" "TAP names the problem code baseline"
d=$tmp/r/latest
code=$(perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
    print join ",", map { $_->{code} } map { @{$_->{problems}} }
        grep { $_->{metric} eq "app_up" } @{$d->{targets}[0]{results}}' \
    <"$d/report.json")
is "$code" "labels_extra,baseline" "report.json names the problem code baseline"
out=$(perl tests/report_schema.pl fixtures/report/schema.json "$d/report.json" 2>&1)
ok $? "report.json is valid against the schema"
[ -n "$out" ] && diag "$out"
grep -q 'data-code="baseline"' "$d/report.html"
ok $? "report.html names the problem code baseline"
grep -Eq '"code": "unknown"|data-code="unknown"' "$d/report.json" "$d/report.html"
is "$?" 1 "no report names a problem code unknown"
