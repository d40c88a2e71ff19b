#!/usr/bin/perl
# promapi against a real Prometheus: four Coder-like replicas (two
# conformant, one with planted defects, one down) and an edge-case
# target, scraped every second by Debian's prometheus. Each instance's exposition, rebuilt
# through the HTTP API, must equal the text the replica served (target
# labels stripped, families and series in client-library order), must
# lint clean, and `promgate check --prometheus` must fail exactly the
# planted (instance, metric) pairs. API failures exit 2 with the reason.
use strict;
use warnings;
use Cwd qw(abs_path getcwd);
use File::Basename qw(dirname);
use IO::Socket::INET;

BEGIN { chdir dirname(abs_path($0)) . '/..' or die "chdir: $!"; }
use lib 'fixtures/promapi', 'tests/lib';
use Fleet qw(ok done);
use PgServers;

my $root = getcwd();
my $fix = "$root/fixtures/promapi";
my $dump = "$root/bin/test-promapi-dump";
my $pg = "$root/bin/promgate";

if (my $why = Fleet::missing($root)) {
    print "1..0 # skip $why\n";
    exit 0;
}

my %coder = ('coderd-1' => 'replica-good.prom', 'coderd-2' => 'replica-bad.prom',
             'coderd-3' => 'replica-good.prom',
             'coderd-4' => undef);  # down: its endpoint answers 404
# demo: two replicas serving the realistic Coder scrape of `make demo`
my $demo = '../coder-demo/metrics';
my $f = Fleet::start(root => $root,
                     jobs => { coder => \%coder, edge => { edge => 'edge.prom' },
                               demo => { 'demo-1' => $demo, 'demo-2' => $demo } });
my $url = $f->{url};
my $tmp = $f->{tmp};

# Splits test-promapi-dump output into instance => text.
sub instances {
    my ($out) = @_;
    my (%t, $cur);
    for my $l (split /^/, $out) {
        if ($l =~ /^### instance (.*)$/) { $cur = $1; $t{$cur} = ''; next; }
        $t{$cur} .= $l if defined $cur;
    }
    return %t;
}

sub diff_text {
    my ($want, $got) = @_;
    open my $a, '>', "$tmp/want" or die;
    print $a $want;
    close $a;
    open my $b, '>', "$tmp/got" or die;
    print $b $got;
    close $b;
    return `diff -u $tmp/want $tmp/got`;
}

# --- rebuilt text equals what each replica served --------------------
my ($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="coder"}',
                                  '--target-label', 'fleet');
ok($rc == 0, 'coder fleet collected', $err);
my %got = instances($out);
ok(join(',', sort keys %got) eq 'coderd-1,coderd-2,coderd-3,coderd-4',
   'one exposition per instance, the down one included', join(',', sort keys %got));
ok(defined $got{'coderd-4'} && $got{'coderd-4'} eq '',
   'a replica that is down exposes nothing (up and scrape_* dropped)',
   $got{'coderd-4'});
for my $inst (grep { defined $coder{$_} } sort keys %coder) {
    my $want = Fleet::slurp("$fix/$coder{$inst}");
    my $d = diff_text($want, $got{$inst} // '');
    ok($d eq '', "$inst rebuilt as served ($coder{$inst})", $d);
}

($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="edge"}',
                               '--target-label', 'fleet');
%got = instances($out);
my $d = diff_text(Fleet::slurp("$fix/edge.prom"), $got{edge} // '');
ok($rc == 0 && $d eq '',
   'edge cases round-trip: escapes, NaN/Inf, 17 digits, summary, '
   . 'untyped, exporter labels named like target labels', "$err$d");

# path="" on one series of a family whose other series carry a path:
# Prometheus dropped it, the rebuild gives it back (tests 3-5 compare the
# whole text); with --empty-labels and the golden, a documented label
# missing from every series comes back too
($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{instance="coderd-2"}',
                               '--target-label', 'fleet', '--golden',
                               "$fix/golden.json", '--empty-labels', '1');
ok($rc == 0 && $out =~ /^coderd_api_concurrent_requests\{method="GET",path=""\} 1$/m,
   'empty documented label given back with --empty-labels', "rc=$rc $err\n$out");

# without --target-label, the relabelled label stays on every sample
($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="edge"}');
%got = instances($out);
my @samples = grep { !/^#/ } split /\n/, ($got{edge} // '');
ok($rc == 0 && @samples && !grep({ !/fleet="demo"/ } @samples),
   'target labels not declared are kept', $got{edge} // $err);

# --- the rebuilt text is valid exposition ----------------------------
{
    ($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{fleet="demo"}',
                                   '--target-label', 'fleet', '--out', $tmp);
    my @bad;
    for my $inst ('coderd-1', 'coderd-3', 'edge') {
        my ($r, $o, $e) = Fleet::run($pg, 'lint', "$tmp/$inst.prom");
        push @bad, "$inst: exit $r\n$o$e" if $r != 0;
    }
    ok($rc == 0 && !@bad, 'rebuilt expositions lint clean', join("\n", $err, @bad));
    # the one format-level defect planted in coderd-2 shows, and only it
    my ($r, $o, $e) = Fleet::run($pg, 'lint', "$tmp/coderd-2.prom");
    my @errs = grep { /: error: / } split /\n/, "$o$e";
    ok($r == 1 && @errs == 1
       && $errs[0] =~ /:29:\d+: error: buckets of 'coderd_api_request_latencies_seconds' not cumulative/,
       'coderd-2 lints with exactly its planted bucket error', "exit $r\n$o$e");
}

# --- promgate check --prometheus: exactly the planted defects fail ---
# Reads TAP: "not ok N - METRIC @ INSTANCE: reason".
sub failing_pairs {
    my ($tap) = @_;
    my %p;
    $p{"$2 $1"} = 1 while $tap =~ /^not ok \d+ - (\S+) @ ([^\s:]+)/mg;
    return %p;
}
my @check = ($pg, 'check', '--prometheus', $url, '--match', '{job="coder"}',
             '--target-labels', 'fleet', '--golden', "$fix/golden.json");
($rc, $out, $err) = Fleet::run(@check);
{
    my %want = map { $_ => 1 } grep { /\S/ && !/^#/ }
        split /\n/, Fleet::slurp("$fix/expected-failures.txt");
    my %got = failing_pairs($out);
    my @missing = grep { !$got{$_} } sort keys %want;
    my @extra = grep { !$want{$_} } sort keys %got;
    ok($rc == 1 && !@missing && !@extra,
       'check --prometheus fails exactly the planted (instance, metric) pairs',
       "rc=$rc\nnot failed: @missing\nunexpected: @extra\n$err\n$out");
    ok($out =~ /^not ok \d+ - coderd_api_concurrent_requests @ coderd-2: missing label 'path' \(the Prometheus API drops empty label values; --empty-labels treats them as empty\)/m,
       'check --prometheus: a missing label points to dropped empty values and --empty-labels',
       join("\n", grep { /coderd_api_concurrent_requests/ } split /\n/, $out));
    my @targets = $out =~ /^# target (\S+?):/mg;
    ok(join(' ', @targets) eq 'coderd-1 coderd-2 coderd-3 coderd-4',
       'one checked target per instance, named by instance', "@targets");

    # --empty-labels: a documented label a series lacks is taken as empty,
    # so coderd-2's missing 'path' is no longer told apart from path=""
    ($rc, $out, $err) = Fleet::run(@check, '--empty-labels');
    %got = failing_pairs($out);
    delete $want{'coderd-2 coderd_api_concurrent_requests'};
    @missing = grep { !$got{$_} } sort keys %want;
    @extra = grep { !$want{$_} } sort keys %got;
    ok($rc == 1 && !@missing && !@extra,
       'check --empty-labels: the same failures but the missing label',
       "rc=$rc\nnot failed: @missing\nunexpected: @extra\n$err");

    ($rc, $out, $err) = Fleet::run(@check[0 .. 3], '--match', '{job="coder"',
                                   @check[6 .. $#check]);
    ok($rc == 2 && $err =~ /bad_data: .*parse error/,
       'check: bad selector exits 2 with the API error', "rc=$rc $err");
    my $closed = PgServers::free_port();
    ($rc, $out, $err) = Fleet::run($pg, 'check', '--prometheus',
        "http://127.0.0.1:$closed", '--match', '{job="coder"}',
        '--golden', "$fix/golden.json");
    ok($rc == 2 && $err =~ /127\.0\.0\.1:$closed/,
       'check: unreachable Prometheus exits 2', "rc=$rc $err");
    ($rc, $out, $err) = Fleet::run(@check[0 .. 2], "$url/wrong", @check[4 .. $#check]);
    ok($rc == 2 && $err =~ m{/wrong/api/v1/targets/metadata: api error \(HTTP 404\)},
       'check: wrong path exits 2', "rc=$rc $err");
    ($rc, $out, $err) = Fleet::run(@check, '--limit', '10', '--lookback', '60');
    ok($rc == 2 && $err =~ /over the limit of 10/,
       'check: --limit reaches the series request', "rc=$rc $err");
}

# --- the same verdicts as a direct check of the file -----------------
# Every (metric, verdict, first reason) of `check --target FILE` must come
# out the same for each replica read back through Prometheus.
sub verdicts {
    my ($tap, $inst) = @_;
    my %v;
    for my $l (split /\n/, $tap) {
        next unless $l =~ /^(ok|not ok) \d+ - (\S+?)(?: @ (\S+?))?(?::| #|$)(.*)$/;
        next if defined $inst && ($3 // '') ne $inst;
        my ($verdict, $metric, $rest) = ($1, $2, $4);
        $rest =~ s/ \(\+\d+ more\)//;
        $v{$metric} = "$verdict$rest";
    }
    return %v;
}
{
    my @flags = split ' ', Fleet::slurp("$root/fixtures/coder-demo/flags");
    my @g = ('--golden', "$root/golden/coder-latest.json");
    my ($drc, $dout, $derr) = Fleet::run($pg, 'check', @g, @flags,
                                         '--target', "$root/fixtures/coder-demo/metrics");
    {
        my %direct = verdicts($dout, undef);
        my ($prc, $pout, $perr) = Fleet::run($pg, 'check', @g, @flags,
            '--prometheus', $url, '--match', '{job="demo"}',
            '--target-labels', 'fleet', '--empty-labels');
        my @diff;
        for my $inst ('demo-1', 'demo-2') {
            my %via = verdicts($pout, $inst);
            for my $m (sort keys %{{ %direct, %via }}) {
                my ($a, $b) = ($direct{$m} // '(none)', $via{$m} // '(none)');
                push @diff, "$inst $m: direct '$a', via prometheus '$b'" if $a ne $b;
            }
        }
        ok($prc == $drc && keys(%direct) > 200 && !@diff,
           'coder-demo: the same verdicts through Prometheus as from the file',
           "exit direct $drc, via prometheus $prc $perr\n" . join("\n", @diff));
    }
}

# --- API failures: exit 2, the API's reason, no secret ---------------
($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="coder"');
ok($rc == 2 && $err =~ m{/api/v1/series: api error \(HTTP 400\): bad_data: .*parse error},
   'bad selector: exit 2 with the API error', "rc=$rc $err");

($rc, $out, $err) = Fleet::run($dump, "$url/no/such/prefix", '--match',
                               '{job="coder"}');
ok($rc == 2 && $err =~ m{/no/such/prefix/api/v1/targets/metadata: api error \(HTTP 404\)},
   'wrong path: exit 2 naming the URL and 404', "rc=$rc $err");

my $closed = PgServers::free_port();
($rc, $out, $err) = Fleet::run($dump, "http://127.0.0.1:$closed",
                               '--match', '{job="coder"}', '--timeout', '5');
ok($rc == 2 && $err =~ m{^http://127\.0\.0\.1:$closed/api/v1/targets/metadata: request failed: }m,
   'unreachable: exit 2 naming the URL', "rc=$rc $err");

# a server that accepts and never answers: the timeout ends the request
my $silent = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                   Proto => 'tcp', Listen => 5)
    or die "socket: $!";
my $sport = $silent->sockport;
($rc, $out, $err) = Fleet::run($dump, "http://127.0.0.1:$sport",
                               '--match', '{job="coder"}', '--timeout', '1');
ok($rc == 2 && $err =~ /request failed: .*timed out/i,
   'silent server: exit 2 after the timeout', "rc=$rc $err");
close $silent;

($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="coder"}',
                               '--limit', '10');
ok($rc == 2 && $err =~ /matches \d+ series, over the limit of 10/,
   'series over --limit: exit 2 (server ignoring limit)', "rc=$rc $err");

($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="nope"}');
ok($rc == 2 && $err =~ /no series match '\{job="nope"\}'/,
   'empty selection: exit 2', "rc=$rc $err");

($rc, $out, $err) = Fleet::run($dump, "http://user:hunter2\@127.0.0.1:$closed/x",
                               '--bearer-token', 's3cr3t-token',
                               '--match', '{job="coder"}');
ok($rc == 2 && "$out$err" !~ /hunter2|s3cr3t-token/ && $err =~ /127\.0\.0\.1/,
   'credentials never printed', "rc=$rc $err");

# the token does reach the server (Prometheus ignores it)
($rc, $out, $err) = Fleet::run($dump, $url, '--bearer-token', 's3cr3t-token',
                               '--header', 'X-Scope-OrgID: t',
                               '--match', '{job="edge"}');
ok($rc == 0 && $out =~ /### instance edge/ && "$out$err" !~ /s3cr3t/,
   'bearer token and tenant header accepted', "rc=$rc $err");

done();
