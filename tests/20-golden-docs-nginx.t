#!/usr/bin/perl
# A docs-vs-live check beyond Coder: Debian's prometheus-nginx-exporter
# (0.11) against the README of that version
# (../shared/otherdocs/nginx-exporter/README.v0.11.0.md). The test starts
# nginx with stub_status and the exporter on 127.0.0.1 at ephemeral ports
# (its own config and temp paths in a scratch directory, so no root is
# needed), derives the golden from the README with golden/others/profiles/nginx-exporter.json, which marks
# the NGINX Plus tables `edition:plus`, runs `promgate check`, and
# compares the verdict of every metric with
# fixtures/docs-nginx/check.expected: the stub_status metrics conform
# (their HELP differs from the README's wording, a warning), the Plus
# metrics are skipped, and the README is wrong about
# nginxexporter_build_info's labels (gitCommit, version documented; arch,
# commit, date, dirty, go, version served).
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
my $shared = $ENV{PG_SHARED} // "$root/../shared";
my $readme = "$shared/otherdocs/nginx-exporter/README.v0.11.0.md";
my $nginx = '/usr/sbin/nginx';
my $exporter = '/usr/bin/prometheus-nginx-exporter';
my $F = "$root/fixtures/docs-nginx";

for ([$nginx, 'nginx (nginx-light)'], [$exporter, 'prometheus-nginx-exporter'],
     [$readme, 'the nginx-exporter README in ../shared']) {
    next if -e $_->[0];
    print "1..0 # skip no $_->[1] ($_->[0])\n";
    exit 0;
}

$Fleet::tmp = tempdir('promgate-nginx.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $tmp = $Fleet::tmp;
my $http = HTTP::Tiny->new(timeout => 5);

sub write_file {
    my ($path, $text) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print $fh $text;
    close $fh or die "$path: $!";
}

# start(NAME, URL, CMD-MAKER): runs CMD-MAKER->(PORT) on a free port
# (retried if the port was taken meanwhile) until URL answers 200;
# returns the port, or dies with the last line of the log.
sub start {
    my ($name, $path, $cmd) = @_;
    my $log = "$tmp/$name.log";
    for my $try (1 .. 3) {
        my $port = Fleet::free_port();
        my $pid = Fleet::spawn($log, $cmd->($port));
        my $t0 = time;
        while (time - $t0 < 20 && waitpid($pid, WNOHANG) == 0) {
            return $port
                if $http->get("http://127.0.0.1:$port$path")->{status} == 200;
            sleep 0.1;
        }
        kill 'TERM', $pid;
    }
    my @log = split /\n/, Fleet::slurp($log);
    die "$name did not start: " . ($log[-1] // 'no output') . "\n";
}

# nginx in the foreground with every path in the scratch directory
my $nginx_port = start('nginx', '/stub_status', sub {
    my ($port) = @_;
    mkdir "$tmp/nginx";
    write_file("$tmp/nginx/nginx.conf", <<"CONF");
daemon off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$port;
        location = /stub_status { stub_status; }
    }
}
CONF
    return ($nginx, '-p', "$tmp/nginx", '-e', "$tmp/nginx/error.log",
            '-c', "$tmp/nginx/nginx.conf");
});
my $exp_port = start('exporter', '/metrics', sub {
    my ($port) = @_;
    return ($exporter,
            '-nginx.scrape-uri', "http://127.0.0.1:$nginx_port/stub_status",
            '-web.listen-address', "127.0.0.1:$port");
});
ok(1, "nginx (stub_status) and prometheus-nginx-exporter started");

my ($rc, $out, $err) = Fleet::run($pg, 'golden', '--no-lint', '--from-docs',
                                  $readme, '--profile', "$root/golden/others/profiles/nginx-exporter.json",
                                  '-o', "$tmp/golden.json");
ok($rc == 0, "golden from README.v0.11.0.md", "exit $rc: $err");
($rc, $out, $err) = Fleet::run("$root/bin/pg-golden-load", "$tmp/golden.json");
my $count = () = $out =~ /^      "name": /mg;
ok($rc == 0 && $count == 110, "the golden loads: 110 metrics (20 tables)",
   "exit $rc, $count metrics: $err");

($rc, $out, $err) = Fleet::run($pg, 'check', '--golden', "$tmp/golden.json",
                               '--target', "http://127.0.0.1:$exp_port/metrics");
ok($rc == 1, "check exits 1: the README is wrong somewhere", "exit $rc: $err");
my $got = join '', map { "$_\n" } grep { /^(not )?ok / } split /\n/, $out;
my $want = Fleet::slurp("$F/check.expected");
ok($got eq $want, "verdicts per metric as in fixtures/docs-nginx/check.expected",
   "got:\n$got");
like_line($out, qr/expected: "gitCommit,version"\n\s+got: "arch,commit,date,dirty,go,version"/,
          "nginxexporter_build_info: documented and served labels named");

sub like_line {
    my ($text, $re, $name) = @_;
    ok($text =~ $re, $name, $text);
}

done();
