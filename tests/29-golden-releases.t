#!/usr/bin/perl
# Release goldens (golden/coder/): the table covers every release tag of
# ../shared/coder/releases/releases.tsv, each golden read as the docs
# publish it equals the docs table of every release it serves, and golden
# references resolve as fixtures/golden/resolve/cases.tsv expects.
use strict;
use warnings;
use File::Temp qw(tempdir);
use File::Copy qw(copy);
use JSON::PP;
use Cwd qw(abs_path);
use FindBin;
chdir "$FindBin::Bin/.." or die;
my $root = abs_path('.');
my $P = "$root/bin/promgate";
my $S = $ENV{PG_SHARED} // "$root/../shared";
my $R = "$S/coder/releases";
my $T = tempdir(CLEANUP => 1);
my $n = 0;
my @plan;
sub ok { my ($c, $name) = @_; $n++; print(($c ? "ok" : "not ok") . " $n - $name\n"); $c }

sub slurp { local $/; open my $f, '<', $_[0] or die "$_[0]: $!"; <$f> }
sub run { my $cmd = shift; my $out = `$cmd`; ($? >> 8, $out) }

# The docs-relevant facts of a golden: name, type, labels, help.
sub table_of {
    my $g = decode_json(shift);
    join "\n", map { join "|", $_->{name}, $_->{type}, join(",", @{ $_->{labels} }), $_->{help} }
        @{ $g->{metrics} };
}

my @cases = grep { !/^#/ && /\S/ } split /\n/, slurp("fixtures/golden/resolve/cases.tsv");
if (!-r "$R/releases.tsv") {
    print "1..0 # skip no shared data at $R\n";
    exit 0;
}
my @shared = map { [split /\t/] } grep { !/^tag\t/ } split /\n/, slurp("$R/releases.tsv");
my %mine = map { my @f = split /\t/; ($f[0] => \@f) }
    grep { !/^#/ && !/^tag\t/ } split /\n/, slurp("golden/coder/releases.tsv");
my %pairs;
for my $r (@shared) { $pairs{"$r->[4] $mine{$r->[0]}[3]"} = 1 if $mine{$r->[0]} && $r->[4] ne '-'; }
print "1..", 3 + scalar(keys %pairs) + @cases + 1, "\n";

# 1-3: the table covers every tag, names the same docs blob, and the
# goldens it names exist.
my @missing = grep { !$mine{$_->[0]} } @shared;
ok(!@missing && keys(%mine) == @shared, "every release tag has a row (" . scalar(@shared) . ")")
    or print "# missing: ", join(" ", map { $_->[0] } @missing), "\n";
my @blob = grep { $mine{$_->[0]} && $mine{$_->[0]}[2] ne $_->[4] } @shared;
ok(!@blob, "each row names the release's docs blob") or print "# wrong: @{[map { $_->[0] } @blob]}\n";
my @bad = grep { $_->[4] eq '-' ? $mine{$_->[0]}[3] !~ /^none \(predates the Prometheus docs page/
                                : !-r "golden/coder/$mine{$_->[0]}[3]" } grep { $mine{$_->[0]} } @shared;
ok(!@bad, "releases with a docs page have a golden; the others say they predate it")
    or print "# wrong: @{[map { $_->[0] } @bad]}\n";

# Each golden, as documented, equals the docs table of each release.
for my $pair (sort keys %pairs) {
    my ($blob, $golden) = split / /, $pair;
    my ($rc1, $docs) = run("'$P' golden --no-lint --from-docs '$R/docs/$blob.md'");
    my ($rc2, $as) = run("'$P' golden --as-documented 'golden/coder/$golden'");
    my $same = !$rc1 && !$rc2 && table_of($docs) eq table_of($as);
    ok($same, "$golden as documented equals docs $blob") or do {
        open my $a, '>', "$T/a"; print $a table_of($docs), "\n"; close $a;
        open my $b, '>', "$T/b"; print $b table_of($as), "\n"; close $b;
        print map { "# $_\n" } (split /\n/, `diff "$T/a" "$T/b" | head -20`);
    };
}

# References, against a copy of the share directory (PROMGATE_SHARE_DIR).
my $share = "$T/share";
mkdir $share; mkdir "$share/golden"; mkdir "$share/golden/coder";
copy($_, "$share/golden/coder/") or die for glob "golden/coder/*";
$ENV{PROMGATE_SHARE_DIR} = $share;
for my $c (@cases) {
    my ($ref, $want_rc, $want) = split /\t/, $c;
    $want =~ s/\bSHARE(?!_)/$share/g;
    my $out = `'$P' golden --resolve '$ref' 2>&1`;
    my $rc = $? >> 8;
    chomp $out;
    ok($rc == $want_rc && $out eq $want, "resolve $ref") or print "# exit $rc: $out\n# want $want_rc: $want\n";
}
# Without PROMGATE_SHARE_DIR the source tree's golden/ is used.
delete $ENV{PROMGATE_SHARE_DIR};
my $out = `'$P' golden --resolve coder\@v2.24.2`;
chomp $out;
ok(abs_path($out) eq "$root/golden/coder/coder-v2.16.0-v2.25.3.json", "default share dir is the source tree")
    or print "# got $out\n";
