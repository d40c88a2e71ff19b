#!/usr/bin/perl
# The real-producer sweep: Debian's Prometheus exporters that run without a
# backing service, prometheus itself, a Python prometheus_client registry
# and a client_golang program (tests/producers/), started here on
# 127.0.0.1 at ephemeral ports, each linted by `promgate lint` in the text
# format and, where the producer offers it, in OpenMetrics (asked for with
# the Accept header Prometheus sends). promgate must find no error but the
# producers' real violations, each expected here by its message and listed
# with its spec sentence in doc/lint.md ("Real producers"). A producer
# missing on this machine is a skip naming it.
use strict;
use warnings;
use Cwd qw(abs_path getcwd);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use HTTP::Tiny;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);

BEGIN { chdir dirname(abs_path($0)) . '/..' or die "chdir: $!"; }
use lib 'fixtures/promapi';
use Fleet qw(ok skip done);

my $root = getcwd();
my $pg = "$root/bin/promgate";
$Fleet::tmp = tempdir('promgate-producers.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $tmp = $Fleet::tmp;
my $http = HTTP::Tiny->new(timeout => 5);

# What Prometheus 2.42 sends when it scrapes: OpenMetrics 1.0.0, then
# 0.0.1 (all that client_golang up to 1.14 recognises), then text.
my $OM_ACCEPT = 'Accept: application/openmetrics-text;version=1.0.0,'
    . 'application/openmetrics-text;version=0.0.1;q=0.75,'
    . 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

# client_golang's OpenMetrics encoder names a counter's family without
# _total, so the Go collector's counter go_memstats_alloc_bytes_total and
# its gauge go_memstats_alloc_bytes become two families of one name
# (OpenMetrics 1.0: "MetricFamily names ... MUST be unique within a
# MetricSet"; "There MUST NOT be more than one of each type of metadata
# line for a MetricFamily").
my @GO_ALLOC_CLASH = (
    "HELP line for 'go_memstats_alloc_bytes' after its samples",
    "second HELP line for 'go_memstats_alloc_bytes'",
    "TYPE line for 'go_memstats_alloc_bytes' after its samples",
    "second TYPE line for 'go_memstats_alloc_bytes'",
);

# The Go collector's go_gc_duration_seconds summary reports quantiles of 0,
# not NaN, while its _count is 0, i.e. until the first garbage collection
# (OpenMetrics 1.0, Summary: "If there are no events in the relevant
# timeframe, the value for a quantile MUST be NaN"). Whether a collection
# ran before the scrape is up to the Go runtime: expected, not required.
my @GO_GC_QUANTILES = (
    "summary 'go_gc_duration_seconds' has _count 0, so its quantiles must be NaN",
);

# ---------------------------------------------------------------------
# Starting producers

sub write_file {
    my ($path, $text) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print $fh $text;
    close $fh or die "$path: $!";
}

# start(NAME, URL-PATH, CMD-MAKER): runs CMD-MAKER->(PORT) on a free port
# (retried if the port was taken meanwhile) until URL-PATH answers 200;
# returns the base URL, or dies with the producer's last log line.
sub start {
    my ($name, $path, $cmd) = @_;
    my $log = "$tmp/$name.log";
    for my $try (1 .. 3) {
        my $port = Fleet::free_port();
        my $pid = Fleet::spawn($log, $cmd->($port));
        my $url = "http://127.0.0.1:$port";
        my $t0 = time;
        while (time - $t0 < 20 && waitpid($pid, WNOHANG) == 0) {
            return $url if $http->get("$url$path")->{status} == 200;
            sleep 0.1;
        }
        kill 'TERM', $pid;
    }
    my @log = split /\n/, Fleet::slurp($log);
    die "$name did not start: " . ($log[-1] // 'no output') . "\n";
}

# start_with_port_file(NAME, CMD...): for our own producers, which listen
# on port 0 and write the port they got to the file named last.
sub start_with_port_file {
    my ($name, @cmd) = @_;
    my $pf = "$tmp/$name.port";
    my $pid = Fleet::spawn("$tmp/$name.log", @cmd, $pf);
    my $t0 = time;
    while (time - $t0 < 20 && waitpid($pid, WNOHANG) == 0) {
        if (-s $pf) {
            my $url = 'http://127.0.0.1:' . (Fleet::slurp($pf) =~ s/\s+//r);
            return $url if $http->get("$url/metrics")->{status} == 200;
        }
        sleep 0.1;
    }
    my @log = split /\n/, Fleet::slurp("$tmp/$name.log");
    die "$name did not start: " . ($log[-1] // 'no output') . "\n";
}

# Every metric type in the text format, pushed to the pushgateway.
my $PUSHED = <<'EOF';
# HELP pg_push_jobs_total Jobs run.
# TYPE pg_push_jobs_total counter
pg_push_jobs_total{result="ok"} 3
pg_push_jobs_total{result="quote \" backslash \\ newline \n end"} 1
# HELP pg_push_last_success_seconds When the job last succeeded.
# TYPE pg_push_last_success_seconds gauge
pg_push_last_success_seconds 1.7e+09
# HELP pg_push_duration_seconds Job duration.
# TYPE pg_push_duration_seconds histogram
pg_push_duration_seconds_bucket{le="0.1"} 1
pg_push_duration_seconds_bucket{le="1"} 3
pg_push_duration_seconds_bucket{le="+Inf"} 4
pg_push_duration_seconds_sum 5.5
pg_push_duration_seconds_count 4
# HELP pg_push_size_bytes Batch size.
# TYPE pg_push_size_bytes summary
pg_push_size_bytes{quantile="0.5"} 100
pg_push_size_bytes{quantile="0.99"} 900
pg_push_size_bytes_sum 2000
pg_push_size_bytes_count 10
# HELP pg_push_legacy An untyped value.
# TYPE pg_push_legacy untyped
pg_push_legacy 42
pg_push_no_metadata 1
EOF

# blackbox_exporter probes a local server: itself, over HTTP and TCP.
my @BLACKBOX_PATHS = ('/metrics', '/probe?module=http_2xx&target=SELF/metrics',
                      '/probe?module=tcp_connect&target=SELFHOST');

# prometheus's /federate: the series of its own scrape job, as text.
my $PROM_FEDERATE = '/federate?match[]=%7Bjob%3D%22self%22%7D';
my $prometheus;    # its URL once started

# Each producer: its binary (a missing one is a skip), how to start it,
# the URL paths to lint, whether it serves OpenMetrics, and the errors
# expected in each format ('om' only where it serves OpenMetrics).
my @producers = (
    {
        name => 'prometheus', bin => '/usr/bin/prometheus',
        start => sub {
            mkdir "$tmp/tsdb";
            $prometheus = start('prometheus', '/metrics', sub {
                write_file("$tmp/prometheus.yml", "global:\n  scrape_interval: 1s\n"
                    . "scrape_configs:\n  - job_name: self\n    static_configs:\n"
                    . "      - targets: ['127.0.0.1:$_[0]']\n");
                ('/usr/bin/prometheus', "--config.file=$tmp/prometheus.yml",
                 "--storage.tsdb.path=$tmp/tsdb", '--log.level=warn',
                 "--web.listen-address=127.0.0.1:$_[0]");
            });
        },
        paths => ['/metrics'], om => 0,
    },
    {
        name => 'prometheus-node-exporter', bin => '/usr/bin/prometheus-node-exporter',
        start => sub {
            start('node', '/metrics', sub { ('/usr/bin/prometheus-node-exporter',
                "--web.listen-address=127.0.0.1:$_[0]") });
        },
        paths => ['/metrics'], om => 0,
    },
    {
        name => 'prometheus-pushgateway', bin => '/usr/bin/prometheus-pushgateway',
        start => sub {
            my $url = start('pushgateway', '/metrics', sub {
                ('/usr/bin/prometheus-pushgateway', "--web.listen-address=127.0.0.1:$_[0]") });
            my $r = $http->request('PUT', "$url/metrics/job/pg_sweep/path\@base64/L3Zhci90bXA",
                { content => $PUSHED, headers => { 'Content-Type' => 'text/plain; version=0.0.4' } });
            die "push: $r->{status} $r->{content}\n" unless $r->{success};
            return $url;
        },
        paths => ['/metrics'], om => 0, must => { '/metrics' => qr/(?=.*^pg_push_jobs_total\{)(?=.*^pg_push_duration_seconds_bucket\{)(?=.*^pg_push_size_bytes\{)(?=.*^pg_push_legacy\{)/ms },
    },
    {
        name => 'prometheus-alertmanager', bin => '/usr/bin/prometheus-alertmanager',
        start => sub {
            write_file("$tmp/alertmanager.yml", "route:\n  receiver: none\nreceivers:\n  - name: none\n");
            mkdir "$tmp/alertmanager";
            start('alertmanager', '/metrics', sub { ('/usr/bin/prometheus-alertmanager',
                "--config.file=$tmp/alertmanager.yml", "--storage.path=$tmp/alertmanager",
                '--cluster.listen-address=', "--web.listen-address=127.0.0.1:$_[0]") });
        },
        paths => ['/metrics'], om => 0,
    },
    {
        name => 'prometheus-process-exporter', bin => '/usr/bin/prometheus-process-exporter',
        start => sub {
            start('process', '/metrics', sub { ('/usr/bin/prometheus-process-exporter',
                '-procnames', 'perl,sh,prometheus', '-web.listen-address', "127.0.0.1:$_[0]") });
        },
        paths => ['/metrics'], om => 0,
    },
    {
        name => 'prometheus-blackbox-exporter', bin => '/usr/bin/prometheus-blackbox-exporter',
        start => sub {
            write_file("$tmp/blackbox.yml", "modules:\n"
                . "  http_2xx:\n    prober: http\n    timeout: 5s\n"
                . "  tcp_connect:\n    prober: tcp\n    timeout: 5s\n");
            start('blackbox', '/metrics', sub { ('/usr/bin/prometheus-blackbox-exporter',
                "--config.file=$tmp/blackbox.yml", "--web.listen-address=127.0.0.1:$_[0]") });
        },
        paths => \@BLACKBOX_PATHS,
        om => 0, must => { map { $_ => qr/^probe_success 1$/m } grep { /probe/ } @BLACKBOX_PATHS },
    },
    {
        name => 'prometheus-nginx-exporter (with nginx)',
        bin => '/usr/bin/prometheus-nginx-exporter', also => '/usr/sbin/nginx',
        start => sub {
            mkdir "$tmp/nginx";
            my $nginx = start('nginx', '/stub_status', sub {
                write_file("$tmp/nginx/nginx.conf", "error_log $tmp/nginx/error.log;\n"
                    . "pid $tmp/nginx/nginx.pid;\nworker_processes 1;\n"
                    . "events { worker_connections 64; }\nhttp {\n  access_log off;\n"
                    . "  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx;\n"
                    . "  fastcgi_temp_path $tmp/nginx; uwsgi_temp_path $tmp/nginx;\n"
                    . "  scgi_temp_path $tmp/nginx;\n  server {\n    listen 127.0.0.1:$_[0];\n"
                    . "    location /stub_status { stub_status; }\n  }\n}\n");
                ('/usr/sbin/nginx', '-p', "$tmp/nginx", '-c', "$tmp/nginx/nginx.conf",
                 '-g', 'daemon off;');
            });
            start('nginx-exporter', '/metrics', sub { ('/usr/bin/prometheus-nginx-exporter',
                '-nginx.scrape-uri', "$nginx/stub_status",
                '-web.listen-address', "127.0.0.1:$_[0]") });
        },
        paths => ['/metrics'], om => 0, must => { '/metrics' => qr/^nginx_up 1$/m },
    },
    {
        name => 'python prometheus_client', bin => '/usr/bin/python3',
        need => sub {
            system('/usr/bin/python3', '-c', 'import prometheus_client') == 0
                ? undef : 'no python3-prometheus-client';
        },
        start => sub {
            start_with_port_file('python', '/usr/bin/python3',
                "$root/tests/producers/python/registry.py");
        },
        paths => ['/metrics'], om => 1, must => { '/metrics' => qr/^pg_py_state\{/m },
    },
    {
        name => 'client_golang program', bin => "$root/bin/pg-producer-go",
        why_missing => 'not built: needs go and golang-github-prometheus-client-golang-dev',
        start => sub {
            start_with_port_file('go', "$root/bin/pg-producer-go", '-port-file');
        },
        paths => ['/metrics'], om => 1, must => { '/metrics' => qr/^pg_go_request_duration_seconds_bucket\{/m },
        errors => { om => \@GO_ALLOC_CLASH },
        maybe => { om => \@GO_GC_QUANTILES },
    },
    {
        # the text prometheus writes from what it scraped; last, so that it
        # has scraped itself meanwhile
        name => 'prometheus /federate', bin => '/usr/bin/prometheus',
        start => sub { $prometheus // die "prometheus did not start\n" },
        ready => sub { $http->get("$_[0]/federate?match[]=up")->{content} =~ /^up\{/m },
        paths => [$PROM_FEDERATE], om => 0, must => { $PROM_FEDERATE => qr/^up\{/m },
    },
);

# ---------------------------------------------------------------------
# Linting

# How promgate shows one query parameter of a URL (lib/core/url.h).
sub shown_param {
    my ($sep, $name, $value) = @_;
    (my $dn = $name) =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    (my $dv = $value) =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    my $routing = $sep ne '#' && $dn =~ /^(?:target|module|collect\[\]|name\[\]|match\[\]|format)$/;
    return $routing && $dv !~ /[\@?#&=\x00-\x1f\x7f]/ ? "$sep$name=$value" : "$sep$name=REDACTED";
}

# lint(URL, FORMAT): (exit code, format served, [error messages],
# {warning message => count}, output) of `promgate lint` asking for the
# text format ('prom') or as Prometheus does ('om').
sub lint {
    my ($url, $fmt) = @_;
    my @ask = $fmt eq 'prom' ? ('--accept', 'prom') : ('--header', $OM_ACCEPT);
    my ($rc, $out, $err) = Fleet::run($pg, 'lint', '--max-errors', '0', @ask, $url);
    my (%errors, %warnings);
    my $served = '';
    # lint names the URL with every query value hidden but a routing one
    # (module, target, match[], ...) that cannot carry a credential
    (my $shown = $url) =~ s{([?#].*)$}{ (my $q = $1) =~ s/([?&#])([^=&#]*)=([^&#]+)/shown_param($1, $2, $3)/ge; $q }e;
    $url = $shown;
    for my $l (split /\n/, $out) {
        if ($l =~ /^\Q$url\E:\d+:\d+: error: (.*)$/) { $errors{$1}++ }
        elsif ($l =~ /^\Q$url\E(?::\d+:\d+)?: warning: (.*)$/) { $warnings{$1}++ }
        elsif ($l =~ /^\Q$url\E: \d+ errors?, .*\((\w+)\)$/) { $served = $1 }
    }
    return ($rc, $served, [sort keys %errors], \%warnings, "$out$err");
}

for my $p (@producers) {
    my $name = $p->{name};
    my $why = !-x $p->{bin} ? "$p->{bin} " . ($p->{why_missing} // 'not installed')
        : $p->{also} && !-x $p->{also} ? "$p->{also} not installed"
        : $p->{need} ? $p->{need}->() : undef;
    if ($why) {
        skip("$name: $why");
        next;
    }
    my $url = eval { $p->{start}->() };
    my $failed = $@;
    next unless ok(defined $url, "$name starts on 127.0.0.1", $failed);
    if (my $ready = $p->{ready}) {
        my $t0 = time;
        sleep 0.2 until $ready->($url) || time - $t0 > 15;
    }
    (my $hostport = $url) =~ s{^http://}{};
    for my $path (@{$p->{paths}}) {
        (my $target = "$url$path") =~ s/SELFHOST/$hostport/g;
        $target =~ s/SELF/$url/g;
        my $body = $http->get($target)->{content} // '';
        if (my $must = $p->{must}{$path}) {
            ok($body =~ $must, "$name $path: serves what was set up",
               "no match for $must in:\n" . substr($body, 0, 2000));
        }
        for my $fmt ('prom', 'om') {
            my ($rc, $served, $errors, $warnings, $out) = lint($target, $fmt);
            my $want_served = $fmt eq 'om' && $p->{om} ? 'openmetrics' : 'prom';
            my @want = sort @{ $p->{errors}{"$fmt $path"} // $p->{errors}{$fmt} // [] };
            my %maybe = map { $_ => 1 } @{ $p->{maybe}{$fmt} // [] };
            my @got = grep { !$maybe{$_} } @$errors;
            my $asked = $fmt eq 'om' ? 'OpenMetrics asked for' : 'text asked for';
            ok($served eq $want_served, "$name $path ($asked): served as $want_served",
               "served as '$served'\n$out");
            ok($rc == (@$errors ? 1 : 0) && "@got" eq "@want",
               "$name $path ($want_served): "
               . (@want ? scalar(@want) . " known producer violations, nothing else" : 'no error'),
               "exit $rc\nerrors:\n" . join("\n", @$errors) . "\nexpected:\n"
               . join("\n", @want) . "\n" . substr($out, 0, 3000));
            print map { "# $name $path ($want_served): warning x$warnings->{$_}: $_\n" }
                sort keys %$warnings;
        }
    }
}
done();
