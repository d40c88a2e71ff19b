#!/usr/bin/perl
# promapi over HTTPS: Debian's prometheus serving its API with TLS (a
# throwaway CA made by openssl at test time) and scraping itself. The
# CA given with --cacert is trusted, an unknown CA is refused with exit 2,
# and skipping verification works.
use strict;
use warnings;
use Cwd qw(abs_path getcwd);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);

BEGIN { chdir dirname(abs_path($0)) . '/..' or die "chdir: $!"; }
use lib 'fixtures/promapi', 'tests/lib';
use Fleet qw(ok done);
use PgServers;

my $root = getcwd();
my $dump = "$root/bin/test-promapi-dump";
if (!-x '/usr/bin/prometheus' || system('openssl version >/dev/null 2>&1')) {
    print "1..0 # skip needs /usr/bin/prometheus and openssl\n";
    exit 0;
}
$PgServers::tmp = tempdir('promgate-tls.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $t = $PgServers::tmp;

my $ssl = join ' && ',
    "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=pg test CA'"
    . " -keyout $t/ca.key -out $t/ca.pem"
    . " -addext basicConstraints=critical,CA:TRUE"
    . " -addext keyUsage=critical,keyCertSign,cRLSign",
    "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1"
    . " -keyout $t/server.key -out $t/server.csr",
    "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > $t/server.ext",
    "openssl x509 -req -in $t/server.csr -CA $t/ca.pem -CAkey $t/ca.key"
    . " -CAcreateserial -days 2 -extfile $t/server.ext -out $t/server.pem",
    "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=other CA'"
    . " -keyout $t/other.key -out $t/other.pem";
system("($ssl) >$t/openssl.log 2>&1") == 0
    or die "openssl failed: " . Fleet::slurp("$t/openssl.log");

# the configuration names the port prometheus listens on (it scrapes
# itself), so it is written once the port is chosen
my ($port) = PgServers::start_server(
    log => "$t/prometheus.log",
    prepare => sub {
        my ($p) = @_;
        open my $w, '>', "$t/web.yml" or die;
        print $w "tls_server_config:\n  cert_file: $t/server.pem\n  key_file: $t/server.key\n";
        close $w;
        open my $y, '>', "$t/prom.yml" or die;
        print $y "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            . "scrape_configs:\n  - job_name: self\n    scheme: https\n"
            . "    tls_config:\n      ca_file: $t/ca.pem\n"
            . "    static_configs:\n      - targets: ['127.0.0.1:$p']\n";
        close $y;
    },
    cmd => ['/usr/bin/prometheus', '--web.listen-address=127.0.0.1:PORT',
            "--web.config.file=$t/web.yml", "--storage.tsdb.path=$t/tsdbPORT",
            "--config.file=$t/prom.yml", '--log.level=warn'])
    or die "prometheus did not start: " . Fleet::slurp("$t/prometheus.log");
my $url = "https://127.0.0.1:$port";

my ($rc, $out, $err);
eval {
    Fleet::wait_for(30, 'prometheus over TLS scraping itself', sub {
        ($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="self"}',
                                       '--cacert', "$t/ca.pem", '--timeout', '2');
        return $rc == 0 && $out =~ /^prometheus_build_info\{/m;
    });
    1;
} or print STDERR "# $@# rc=$rc $err\n", map { "# $_\n" }
    split /\n/, Fleet::slurp("$t/prometheus.log");

ok($rc == 0 && $out =~ /^### instance 127\.0\.0\.1:$port$/m
   && $out =~ /^# TYPE prometheus_build_info gauge$/m,
   'https with --cacert: the instance is rebuilt', "rc=$rc $err");
($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="self"}',
                               '--cacert', "$t/other.pem");
ok($rc == 2 && $err =~ m{^https://127\.0\.0\.1:$port/api/v1/targets/metadata: request failed: .*certificate}mi,
   'unknown CA: exit 2, certificate named', "rc=$rc $err");
($rc, $out, $err) = Fleet::run($dump, $url, '--match', '{job="self"}',
                               '--insecure', '1');
ok($rc == 0 && $out =~ /^### instance 127\.0\.0\.1:$port$/m,
   'verification skipped on request', "rc=$rc $err");
# the same through promgate check: read over TLS, then judged (Prometheus's
# own metrics are not in the golden, so they fail: exit 1, not 2)
($rc, $out, $err) = Fleet::run("$root/bin/promgate", 'check', '--prometheus', $url,
    '--match', '{job="self"}', '--cacert', "$t/ca.pem",
    '--golden', "$root/fixtures/promapi/golden.json");
ok($rc == 1 && $out =~ /^# target 127\.0\.0\.1:$port:/m
   && $out =~ /^not ok \d+ - prometheus_build_info(?: @ \S+)?: undocumented/m,
   'check --prometheus https --cacert reads the instance', "rc=$rc $err\n" . substr($out, 0, 400));
($rc, $out, $err) = Fleet::run("$root/bin/promgate", 'check', '--prometheus', $url,
    '--match', '{job="self"}', '--golden', "$root/fixtures/promapi/golden.json");
ok($rc == 2 && $err =~ /certificate/i, 'check without the CA: exit 2', "rc=$rc $err");
done();
