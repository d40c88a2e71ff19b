#!/usr/bin/perl
# Reports are valid for their consumers: report.json against the schema of
# reports/SCHEMA.md (fixtures/report/schema.json), junit.xml well-formed
# and valid against the reporters' JUnit shape (xmllint), and both agree:
# one testcase per result, failures and skips counted alike.
use strict;
use warnings;
use FindBin;
use JSON::PP;
chdir "$FindBin::Bin/.." or die;

my $R = 'bin/pg-report-render';
my @cases = grep { -f "$_/run.json" || -f "$_/new.json" || -f "$_/compat.json" }
    glob 'fixtures/report/*';
my $xmllint = `command -v xmllint 2>/dev/null`;
chomp $xmllint;
printf "1..%d\n", 4 * @cases;
my $n = 0;
sub ok { my ($c, $name) = @_; $n++; print(($c ? "ok" : "not ok") . " $n - $name\n"); $c }
my $tmp = "build/test-output/report-validate";
system('mkdir', '-p', $tmp);

for my $c (@cases) {
    (my $case = $c) =~ s{.*/}{};
    my $diff = -f "$c/new.json";
    my $compat = -f "$c/compat.json";
    my $in = $diff ? "diff %s $c/old.json $c/new.json"
           : $compat ? "compat %s $c/compat.json" : "%s $c/run.json";
    system(sprintf("$R $in > $tmp/$case.json", 'json')) == 0 or die "render json $c";
    system(sprintf("$R $in > $tmp/$case.xml", 'junit')) == 0 or die "render junit $c";
    my $schema = $diff ? 'fixtures/report/schema-diff.json'
               : $compat ? 'fixtures/report/schema-compat.json' : 'fixtures/report/schema.json';
    my $out = `perl tests/report_schema.pl $schema $tmp/$case.json 2>&1`;
    ok($? == 0, "$case: report.json valid against the schema") or print map { "# $_\n" } split /\n/, $out;

    if ($xmllint) {
        $out = `$xmllint --noout --schema fixtures/report/junit.xsd $tmp/$case.xml 2>&1`;
        ok($? == 0, "$case: junit.xml valid (xmllint --schema)") or print map { "# $_\n" } split /\n/, $out;
    } else {
        $n++; print "ok $n # skip xmllint not installed (package libxml2-utils)\n";
    }

    open my $f, '<', "$tmp/$case.json" or die; local $/; my $doc = decode_json(<$f>); close $f;
    open $f, '<', "$tmp/$case.xml" or die; my $xml = <$f>; close $f;
    my $cases = () = $xml =~ /<testcase /g;
    my ($tf, $te, $ts) = $xml =~ /<testsuites [^>]*failures="(\d+)" errors="(\d+)" skipped="(\d+)"/;
    my $fails = () = $xml =~ /<failure /g;
    if ($diff) {
        my $s = $doc->{summary};
        my $entries = @{$doc->{entries}};
        ok($cases == $entries + $s->{unchanged},
           "$case: one testcase per metric ($cases = $entries differences + $s->{unchanged} unchanged)");
        ok(defined $tf && $tf == $s->{breaking} && $fails == $tf && $te == 0,
           "$case: junit failures are the breaking changes ($s->{breaking})");
        next;
    }
    if ($compat) {
        my $s = $doc->{summary};
        my $findings = @{$doc->{findings}};
        ok($cases == @{$doc->{requests}} + ($findings || 1),
           "$case: one testcase per request and per finding ($cases)");
        ok(defined $tf && $tf == $s->{failing} + $s->{findings} && $fails == $tf && $te == 0,
           "$case: junit failures are the failing requests and the findings ($tf)");
        next;
    }
    my $results = 0;
    $results += @{$_->{results}} for @{$doc->{targets}};
    my $s = $doc->{summary};
    ok($cases == $results + $s->{unreadable},
       "$case: one testcase per result ($cases = $results + $s->{unreadable} unreadable)");
    my $skips = () = $xml =~ /<skipped /g;
    ok(defined $tf && $tf + $te == $s->{failures} && $fails == $tf
       && $ts == $skips && $skips == $s->{skipped_conditional} + $s->{accepted_by_baseline},
       "$case: junit failures/errors/skipped agree with the JSON summary");
}
