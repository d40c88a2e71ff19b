#!/usr/bin/perl
# Data-driven parser cases: fixtures/expo/<case>/{input,meta,expected}.
# Each case's diagnostics ("LINE:COL: level: message") must equal its
# expected file. Cases imported from Prometheus's tests also say what
# Prometheus does (prometheus: accepted|rejected); our outcome (rejected
# when any error) must agree, or the case's meta must say why not.
# Their inputs are Prometheus's, not ours: they are read from
# ../shared/conformance at test time (fixtures/expo/import-prometheus.pl
# --inputs), and skipped with a notice where that is absent.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
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

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or return undef;
    local $/;
    my $s = <$fh> // '';
    close $fh;
    return $s;
}

sub read_meta {
    my ($d) = @_;
    my %meta;
    for (split /\n/, slurp("$d/meta") // '') {
        $meta{$1} = $2 if /^([\w-]+): ?(.*)$/;
    }
    return %meta;
}

my $imported = tempdir('pg-expo-imported.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $have_imported =
    system("perl fixtures/expo/import-prometheus.pl --inputs $imported 2>/dev/null") == 0;
my %pending = $have_imported ? map { s{.*/}{}r => 1 } glob "$imported/*" : ();

my @cases = sort grep { -f "$_/input" || -f "$_/meta" } glob 'fixtures/expo/*';
print "1..", scalar(@cases) + 1, "\n";
my ($n, $agree, $differ, $skipped) = (0, 0, 0, 0);
for my $d (@cases) {
    $n++;
    my $name = $d =~ s{.*/}{}r;
    my %meta = read_meta($d);
    my $input = "$d/input";
    my @why;
    if (($meta{source} // '') =~ m{^(?:prom-bad-inputs\.tsv|prom-testdata/)}) {
        if (!$have_imported) {
            print "ok $n - $name # skip Prometheus's test inputs not found in ../shared/conformance\n";
            $skipped++;
            next;
        }
        delete $pending{$name};
        $input = "$imported/$name/input";
        my $source = slurp("$imported/$name/source") // "(no such case)\n";
        push @why, "meta says source: $meta{source}, the shared inputs give $source"
            if $source ne "$meta{source}\n";
    } elsif (!-f $input) {
        push @why, "no input, and meta names no imported source";
    }
    my @cmd = ('bin/pg-expo-run', '--canonical', '--format', $meta{format} // 'auto');
    push @cmd, '--ctype', $meta{ctype} if $meta{ctype};
    push @cmd, '--max-line', $meta{'max-line'} if $meta{'max-line'};
    push @cmd, '--max-labels', $meta{'max-labels'} if $meta{'max-labels'};
    open my $run, '-|', @cmd, $input or die "@cmd: $!";
    my $got = do { local $/; <$run> } // '';
    close $run;
    keep_got("$d/expected", $got);
    my $want = slurp("$d/expected") // '';
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
    if (@why) {
        print "not ok $n - $name\n", map("# $_\n", @why);
    } else {
        print "ok $n - $name\n";
    }
}
$n++;
if ($have_imported) {
    my @left = sort keys %pending;
    print @left ? "not ok" : "ok", " $n - every shared Prometheus input has a case\n";
    print "# no fixtures/expo/<case>/ for: @left (run fixtures/expo/import-prometheus.pl)\n" if @left;
} else {
    print "ok $n # skip Prometheus's test inputs not found in ../shared/conformance\n";
}
print "# Prometheus cases: $agree same outcome, $differ documented differences",
    $skipped ? ", $skipped skipped\n" : "\n";
