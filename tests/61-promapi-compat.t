#!/usr/bin/perl
# promapi against servers that speak the Prometheus API without being
# Prometheus (Thanos Query, Mimir): no per-target metadata (404, so the
# server-wide /api/v1/metadata is used), a tenant header, partial
# responses, 5xx and non-JSON answers; and what one run costs in
# requests, with families batched so no family is split across queries.
use strict;
use warnings;
use Cwd qw(abs_path getcwd);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);

BEGIN { chdir dirname(abs_path($0)) . '/..' or die "chdir: $!"; }
use lib 'fixtures/promapi';
use Fleet qw(ok done);
use FakeApi;

my $root = getcwd();
my $dump = "$root/bin/test-promapi-dump";
$Fleet::tmp = tempdir('promgate-compat.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $tmp = $Fleet::tmp;
my $log = "$tmp/requests.log";

# Two proxy replicas; 450 one-series gauge families plus a histogram, so
# the values take three query batches of at most 200 families.
my %meta = (proxy_latency_seconds => ['histogram', 'Proxy latency.'],
            proxy_bytes => ['counter', 'Bytes proxied.'],
            proxy_requests_total => ['counter', 'Proxied requests.']);
my %data;
for my $inst ('proxy-1', 'proxy-2') {
    my @s;
    for my $le ('0.1', '1', '+Inf') {
        push @s, ['proxy_latency_seconds_bucket', { le => $le, route => 'app' },
                  $le eq '0.1' ? 2 : 5];
    }
    push @s, ['proxy_latency_seconds_sum', { route => 'app' }, 1.25],
             ['proxy_latency_seconds_count', { route => 'app' }, 5],
             ['proxy_requests_total', { code => '200' }, 7],
             # an OpenMetrics scrape: counter metadata without _total
             ['proxy_bytes_total', {}, 1024], ['proxy_bytes_created', {}, 1.7e9],
             # what Prometheus adds about each scrape
             ['up', {}, 1], ['scrape_duration_seconds', {}, 0.01];
    for my $i (1 .. 450) {
        my $name = sprintf 'proxy_gauge_%03d', $i;
        $meta{$name} = ['gauge', "Gauge $i."];
        push @s, [$name, {}, $i];
    }
    $data{$inst} = \@s;
}
# a recording rule's output: no instance label, no metadata
$data{''} = [['proxy:requests:rate5m', { code => '200' }, 0.5]];
my $base = FakeApi::start($log, \%data, \%meta);

sub requests { my @l = split /\n/, Fleet::slurp($log); unlink $log; return @l; }

my ($rc, $out, $err) = Fleet::run($dump, "$base/tenant", '--match', '{job="fake"}',
                                  '--header', 'X-Scope-OrgID: t');
my @req = requests();
ok($rc == 0, 'tenant with X-Scope-OrgID: collected', $err);
my $want = <<'EOT';
# HELP proxy_latency_seconds Proxy latency.
# TYPE proxy_latency_seconds histogram
proxy_latency_seconds_bucket{route="app",le="0.1"} 2
proxy_latency_seconds_bucket{route="app",le="1"} 5
proxy_latency_seconds_bucket{route="app",le="+Inf"} 5
proxy_latency_seconds_sum{route="app"} 1.25
proxy_latency_seconds_count{route="app"} 5
# HELP proxy_requests_total Proxied requests.
# TYPE proxy_requests_total counter
proxy_requests_total{code="200"} 7
### instance proxy-2
EOT
ok(index($out, $want) > 0, 'histogram from server-wide metadata, buckets in le order',
   substr($out, 0, 600));
my $om = "# HELP proxy_bytes_total Bytes proxied.\n# TYPE proxy_bytes_total counter\n"
    . "proxy_bytes_total 1024\n# HELP proxy_gauge_001 ";
ok(index($out, "### instance proxy-1\n$om") > 0,
   'OpenMetrics counter written under its _total name, _created dropped',
   substr($out, 0, 300));
ok($out !~ /^(?:up|scrape_\w+|proxy_bytes_created)[ {]/m,
   'up and scrape_* series dropped');
my @inst = $out =~ /^### instance (.*)$/mg;
ok("@inst" eq '(no instance) proxy-1 proxy-2',
   'both replicas rebuilt, series without instance grouped apart', "@inst");
ok(index($out, "### instance (no instance)\n# TYPE proxy:requests:rate5m untyped\n"
             . "proxy:requests:rate5m{code=\"200\"} 0.5\n### instance proxy-1\n") == 0,
   'series without metadata: untyped', substr($out, 0, 300));
my $lines = () = $out =~ /^proxy_gauge_\d+ \d+$/mg;
ok($lines == 900, '450 gauge families on each replica', "got $lines");

# what the run cost: metadata 2 (targets/metadata 404, then metadata),
# series 1, query ceil(453 families / 200) = 3
my %count;
$count{ (split / /, $_)[1] }++ for @req;
ok(($count{'/tenant/api/v1/targets/metadata'} // 0) == 1
   && ($count{'/tenant/api/v1/metadata'} // 0) == 1
   && ($count{'/tenant/api/v1/series'} // 0) == 1
   && ($count{'/tenant/api/v1/query'} // 0) == 3
   && @req == 6,
   'requests: 2 metadata, 1 series, 3 query batches', join("\n", @req));
my $split = 0;
for my $q (grep { m{/api/v1/query } } @req) {
    my $has = $q =~ /proxy_latency_seconds_bucket/ ? 1 : 0;
    my $all = ($q =~ /proxy_latency_seconds_bucket/ && $q =~ /proxy_latency_seconds_sum/
               && $q =~ /proxy_latency_seconds_count/) ? 1 : 0;
    $split++ if $has != $all;
}
ok($split == 0, 'a histogram\'s series are read in one batch');
ok(!grep({ m{ GET .*/api/v1/(series|query)} } @req), 'series and query are POSTed');

($rc, $out, $err) = Fleet::run($dump, "$base/tenant", '--match', '{job="fake"}');
ok($rc == 2 && $err =~ m{/tenant/api/v1/targets/metadata: api error \(HTTP 401\): no org id},
   'missing tenant header: exit 2 with the server\'s reason', "rc=$rc $err");

($rc, $out, $err) = Fleet::run($dump, "$base/partial", '--match', '{job="fake"}',
                               '--header', 'X-Scope-OrgID: t');
ok($rc == 2 && $err =~ m{/partial/api/v1/query: partial response: store 10\.0\.0\.7:10901 unavailable},
   'partial response (warnings): exit 2 with the warning', "rc=$rc $err");

($rc, $out, $err) = Fleet::run($dump, "$base/down", '--match', '{job="fake"}');
ok($rc == 2 && $err =~ m{/down/api/v1/targets/metadata: api error \(HTTP 503\): upstream down},
   '503: exit 2 with the body', "rc=$rc $err");

($rc, $out, $err) = Fleet::run($dump, "$base/html", '--match', '{job="fake"}');
ok($rc == 2 && $err =~ m{/html/api/v1/targets/metadata: response is not JSON},
   'non-JSON 200: exit 2', "rc=$rc $err");

done();
