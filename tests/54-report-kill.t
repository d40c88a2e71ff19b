#!/usr/bin/perl
# A writer killed with SIGKILL at random moments while writing large
# reports never leaves `latest` dangling or a report half-written: after
# every kill, latest and every report directory hold all four reports,
# report.json parses, report.html and junit.xml are whole. The next run
# clears the dead writer's temporary directory.
use strict;
use warnings;
use FindBin;
use File::Temp qw(tempdir);
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep);
chdir "$FindBin::Bin/.." or die;

my $R = 'bin/pg-report-render';
my $kills = $ENV{PG_KILLS} || 20;
my $tmp = tempdir(CLEANUP => 1);
my $D = "$tmp/reports";
my $child;
END { if ($child) { kill 'KILL', $child; waitpid $child, 0 } }

# A large run: 3000 results with long messages, about 4 MB of reports.
my @results;
for my $i (1 .. 3000) {
    push @results, {
        metric => sprintf("coderd_planted_metric_%05d_total", $i), kind => 'documented',
        verdict => ($i % 3 ? 'pass' : 'fail'),
        problems => $i % 3 ? [] : [{ code => 'labels_missing', failure => JSON::PP::true,
            message => "missing label 'agent_name' <&> " . ('x' x 200),
            expected => 'agent_name', got => 'workspace_name', line => $i, column => 1 }],
    };
}
my $run = { golden_path => undef, started => 1783332000, seconds => 1,
    golden => { kind => 'docs', version => 'v1', metrics => 3000, sources => [] },
    targets => [{ target => 'http://127.0.0.1:1/metrics', raw_path => undef, seconds => 1,
                  stats => {}, results => \@results }] };
open my $f, '>', "$tmp/run.json" or die;
print $f encode_json($run);
close $f;

print "1..", $kills + 3, "\n";
my $n = 0;
sub ok { my ($c, $name) = @_; $n++; print(($c ? "ok" : "not ok") . " $n - $name\n"); $c }

sub whole {
    my ($dir, $parse) = @_;
    for my $name (qw(report.json report.md report.html junit.xml)) {
        return "$name missing" unless -s "$dir/$name";
    }
    open my $j, '<', "$dir/report.json" or return "report.json unreadable";
    my $json = do { local $/; <$j> };
    return "report.json cut short" unless $json =~ m{\A\{\n.*\n\}\n\z}s;
    # Parsed with jansson (JSON::PP is slow on megabytes) where asked.
    if ($parse) {
        return "report.json not JSON"
            if system("$R jsoncheck $dir/report.json") != 0;
    }
    open my $h, '<', "$dir/report.html" or return "html unreadable";
    my $html = do { local $/; <$h> };
    return "report.html cut short" unless $html =~ m{</html>\n\z};
    open my $x, '<', "$dir/junit.xml" or return "junit unreadable";
    my $xml = do { local $/; <$x> };
    return "junit.xml cut short" unless $xml =~ m{</testsuites>\n\z};
    return '';
}

system("$R dir $tmp/run.json $D >/dev/null") == 0 or die "first report";
ok(whole("$D/latest", 1) eq '', 'first report whole');

srand($ENV{PG_SEED} // $$);
my $midwrite = 0;
for my $k (1 .. $kills) {
    $child = fork() // die;
    if (!$child) {
        open STDOUT, '>', '/dev/null';
        exec $R, 'dir', "$tmp/run.json", $D, '--now', '--repeat', '0';
        exit 127;
    }
    sleep(0.02 + rand(0.5));
    kill 'KILL', $child;
    waitpid $child, 0;
    $child = undef;
    my $latest = readlink "$D/latest";
    my @problems;
    push @problems, 'latest missing' unless defined $latest && -d "$D/$latest";
    my $w = whole("$D/latest", 1);
    push @problems, "latest: $w" if $w;
    opendir my $dh, $D or die;
    my @all = readdir $dh;
    closedir $dh;
    my @dirs = grep { !/^\./ && $_ ne 'latest' } @all;
    $midwrite++ if grep { /^\.tmp-/ } @all;
    for my $d (@dirs) {
        my $w = whole("$D/$d");
        push @problems, "$d: $w" if $w;
    }
    ok(!@problems, "kill $k: latest and " . scalar(@dirs) . " report dirs whole")
        or print map { "# $_\n" } @problems;
    # Keep the disk small: drop every report but latest's.
    for my $d (@dirs) { system('rm', '-rf', "$D/$d") if $d ne ($latest // '') }
}

# The kills must have hit writes in progress, or nothing was tested.
ok($midwrite > 0, "$midwrite of $kills kills hit a report being written");

system("$R dir $tmp/run.json $D >/dev/null") == 0 or die;
opendir my $dh, $D or die;
my @left = grep { /^\.(tmp-|latest\.tmp)/ } readdir $dh;
ok(!@left, 'next run cleared the killed writers\' temporary files')
    or print "# left: @left\n";
