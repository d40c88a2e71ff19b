#!/usr/bin/perl
# Data-driven parser cases: fixtures/expo/<case>/{input,meta,expected}.
# Each case's diagnostics ("LINE:COL: level: message") must equal its
# expected file. Cases imported from Prometheus's tests also say what
# Prometheus does (prometheus: accepted|rejected); our outcome (rejected
# when any error) must agree, or the case's meta must say why not.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Path qw(make_path);
use FindBin;
chdir "$FindBin::Bin/.." or die;

# `make bless` (tests/lib/bless.sh): keep what the parser gave, never
# write the expected file here.
sub keep_got {
    my ($expected, $got) = @_;
    my $dir = $ENV{PG_BLESS_DIR} or return;
    make_path(dirname("$dir/$expected"));
    open my $fh, '>:raw', "$dir/$expected" or die "$dir/$expected: $!";
    print $fh $got;
    close $fh;
}

my @cases = sort grep { -f "$_/input" } glob 'fixtures/expo/*';
print "1..", scalar(@cases), "\n";
my ($n, $agree, $differ) = (0, 0, 0);
for my $d (@cases) {
    $n++;
    my %meta;
    if (open my $fh, '<', "$d/meta") {
        while (<$fh>) { chomp; $meta{$1} = $2 if /^([\w-]+): ?(.*)$/ }
    }
    my @cmd = ('bin/pg-expo-run', '--canonical', '--format', $meta{format} // 'auto');
    push @cmd, '--ctype', $meta{ctype} if $meta{ctype};
    push @cmd, '--max-line', $meta{'max-line'} if $meta{'max-line'};
    push @cmd, '--max-labels', $meta{'max-labels'} if $meta{'max-labels'};
    open my $run, '-|', @cmd, "$d/input" or die "@cmd: $!";
    local $/;
    my $got = <$run> // '';
    close $run;
    keep_got("$d/expected", $got);
    my $want = '';
    if (open my $fh, '<', "$d/expected") { $want = <$fh> // ''; close $fh }
    my @why;
    if ($got ne $want) {
        push @why, "diagnostics differ from $d/expected";
        print "# expected:\n", map("#   $_\n", split /\n/, $want);
        print "# got:\n", map("#   $_\n", split /\n/, $got);
    }
    my $ours = $want =~ /^\d+:\d+: error:/m ? 'rejected' : 'accepted';
    if (my $prom = $meta{prometheus}) {
        if ($ours eq $prom) {
            $agree++;
        } elsif ($meta{why}) {
            $differ++;
        } else {
            push @why, "we say $ours, Prometheus $prom, and meta has no why:";
        }
    }
    my $name = $d =~ s{.*/}{}r;
    if (@why) {
        print "not ok $n - $name\n", map("# $_\n", @why);
    } else {
        print "ok $n - $name\n";
    }
}
print "# Prometheus cases: $agree same outcome, $differ documented differences\n";
