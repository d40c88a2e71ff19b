#!/usr/bin/perl
# Protobuf exposition cases: fixtures/proto/<case>/input.json is encoded
# by the project's encoder (tests/producers/pb_encode.py, python3) into a
# delimited MetricFamily stream; `promgate lint --input-format protobuf` must
# print exactly <case>/expected (message index, field path, message) and
# exit 1 exactly when it reports an error. Cases marked wire_valid are
# first decoded by python3-protobuf, so the encoder writes what a protobuf
# library reads. Every case is also fed in every split into two chunks
# and cut at every length (no crash, same result), and <case>/samples, if
# present, must equal the samples and families the parser reports.
# Every Metric of every case is also decoded by both the in-place reader
# and libprotobuf-c (bin/pg-pmetric-diff), which must agree.
use strict;
use warnings;
use FindBin;
use File::Temp qw(tempdir);
chdir "$FindBin::Bin/.." or die;

my $py = '/usr/bin/python3';
my @cases = sort grep { -f "$_/input.json" } glob 'fixtures/proto/*';
print "1..", scalar(@cases), "\n";
my $tmp = tempdir(CLEANUP => 1);
my $n = 0;
sub run_out {
    my ($dir, @cmd) = @_;
    my $pid = open my $fh, '-|' // die "fork: $!";
    if (!$pid) {
        chdir $dir or die;
        open STDERR, '>&', \*STDOUT;
        exec @cmd or die "exec $cmd[0]: $!";
    }
    local $/;
    my $out = <$fh> // '';
    close $fh;
    return ($out, $? >> 8);
}
for my $d (@cases) {
    $n++;
    my $name = $d =~ s{.*/}{}r;
    my $json = do { local (@ARGV, $/) = "$d/input.json"; <> };
    my @args = $json =~ /"args":\s*\[([^\]]*)\]/ ? ($1 =~ /"([^"]*)"/g) : ();
    my @verify = $json =~ /"wire_valid":\s*true/ ? ('--verify') : ();
    my @why;
    my $pb = "$tmp/input.pb";
    unlink $pb;
    system($py, 'tests/producers/pb_encode.py', "$d/input.json", $pb, @verify) == 0
        or push @why, "encoder failed";
    my ($got, $rc) = run_out($tmp, "$FindBin::Bin/../bin/promgate", 'lint',
                             '--input-format', 'protobuf', @args, 'input.pb');
    my $want = do { local (@ARGV, $/) = "$d/expected"; <> } // '';
    if ($got ne $want) {
        push @why, "lint output differs from $d/expected";
        print "# expected:\n", map("#   $_\n", split /\n/, $want);
        print "# got:\n", map("#   $_\n", split /\n/, $got);
    }
    my ($errors) = $want =~ /: (\d+) errors?, \d+ warnings?,/;
    my $want_rc = ($errors // 1) > 0 ? 1 : 0;
    push @why, "exit $rc, want $want_rc" if $rc != $want_rc;
    for my $mode ('--splits', '--truncations') {
        my ($o) = run_out($tmp, "$FindBin::Bin/../bin/pg-expo-run", '--format',
                          'protobuf', @args, $mode, 'input.pb');
        push @why, "$mode: $o" if $o ne "ok\n";
    }
    my ($d_out, $d_rc) = run_out($tmp, "$FindBin::Bin/../bin/pg-pmetric-diff",
                                 'input.pb');
    my $unframed = $want =~ /cannot be framed|ends inside a length|message truncated/;
    push @why, "reader and libprotobuf-c: $d_out"
        unless $d_rc == 0 && $d_out =~ / 0 differ$/ || $unframed && $d_rc == 2;
    if (-f "$d/samples") {
        my ($o) = run_out($tmp, "$FindBin::Bin/../bin/pg-expo-run", '--format',
                          'protobuf', '--full', 'input.pb');
        my $s = do { local (@ARGV, $/) = "$d/samples"; <> };
        push @why, "samples differ from $d/samples" if $o ne $s;
    }
    print @why ? ("not ok $n - $name\n", map("# $_\n", @why)) : "ok $n - $name\n";
}
