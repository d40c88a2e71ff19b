#!/usr/bin/perl
# doc/ci.md: the GitLab CI job's `script` section, as written, run in a
# shell against promgate installed (make install into a staging root) and
# a local endpoint (the fixture server serving the demo scrape): prove
# passes, and the report lands at the fixed, non-symlink path the
# artifacts name. Both recipes stay in sync with the CLI: every option
# they use is in `promgate check --help`, every variable is one the suite
# reads, every path they publish is the report directory.
use strict;
use warnings;
use File::Temp qw(tempdir);
use FindBin;
chdir "$FindBin::Bin/.." or die;
my $root = $ENV{PWD} = do { require Cwd; Cwd::getcwd() };

print "1..9\n";
my $n = 0;
sub ok { my ($c, $name) = @_; $n++; print(($c ? "ok" : "not ok") . " $n - $name\n"); $c }

open my $f, '<', 'doc/ci.md' or die "doc/ci.md: $!";
my $doc = do { local $/; <$f> };
close $f;
my ($github) = $doc =~ /^## GitHub Actions\n.*?```yaml\n(.*?)```/ms;
my ($gitlab) = $doc =~ /^## GitLab CI\n.*?```yaml\n(.*?)```/ms;
ok($github && $gitlab, 'doc/ci.md has a GitHub Actions and a GitLab CI example');

# The GitLab job: variables and script lines.
my %vars;
my ($vblock) = ($gitlab // '') =~ /^  variables:\n((?:    .*\n)+)/m;
while (($vblock // '') =~ /^    (\w+): "(.*)"$/mg) { $vars{$1} = $2 }
my ($sblock) = ($gitlab // '') =~ /^  script:\n((?:    - .*\n)+)/m;
my @script = ($sblock // '') =~ /^    - (.*)$/mg;
ok((@script && %vars) ? 1 : 0, 'GitLab job: ' . scalar(@script) . ' script lines, '
   . scalar(keys %vars) . ' variables');

# In sync with the CLI and the suite.
my $help = `bin/promgate check --help 2>&1`;
my %known = map { $_ => 1 } $help =~ /(--[a-z][a-z0-9-]*)/g;
my @flags = $doc =~ /(--report-[a-z-]+|--prometheus|--match|--golden)\b/g;
my @unknown = grep { !$known{$_} } @flags;
ok(!@unknown, 'every check option the recipes use exists' . (@unknown ? " (unknown: @unknown)" : ''));
my $suite = do { local $/; open my $s, '<', 'suite/lib/common.sh' or die; <$s> };
my @envs = $doc =~ /\b(PROMGATE_[A-Z_]+)\b/g;
my @unread = grep { $_ ne 'PROMGATE_SUITE' && $suite !~ /\b$_\b/ } @envs;
ok(!@unread, 'every PROMGATE_ variable the recipes set is read by the suite'
   . (@unread ? " (not read: @unread)" : ''));
my ($gl_junit) = ($gitlab // '') =~ /junit: (\S+)/;
my ($gh_junit) = ($github // '') =~ /report_paths: (\S+)/;
ok(($gl_junit // '') eq 'promgate-report/junit.xml' && ($gh_junit // '') eq 'promgate-report/junit.xml'
   && ($vars{PROMGATE_REPORT_DIR} // '') =~ m{/promgate-report$},
   'both publish junit.xml from the report directory they name');

# Install into a staging root; the recipe's paths move under it.
my $T = tempdir(CLEANUP => 1);
my $stage = "$T/root";
system("make -s install DESTDIR=$stage PREFIX=/usr/local >$T/install.log 2>&1") == 0
    or do { system("cat $T/install.log >&2"); die "make install failed" };

# The endpoint: the fixture server on an ephemeral port.
mkdir "$T/www" or die;
system('cp', 'fixtures/coder-demo/metrics', "$T/www/metrics") == 0 or die;
my $pf = "$T/port";
my $pid = fork // die;
if (!$pid) {
    open STDOUT, '>', '/dev/null'; open STDERR, '>', "$T/server.log";
    exec 'bin/pg-fixture-server', '--root', "$T/www", '--port', '0', '--port-file', $pf;
    exit 127;
}
for (1 .. 100) { last if -s $pf; select undef, undef, undef, 0.05 }
chomp(my $port = do { open my $p, '<', $pf or die "no port file"; <$p> });

my $project = "$T/project";
mkdir $project or die;
my %env = %vars;
for (values %env) { s/\$CI_PROJECT_DIR/$project/g; s{^/usr/local/}{$stage/usr/local/} }
$env{PROMGATE_TARGET} = "http://127.0.0.1:$port/metrics";
# The demo scrape's own exemptions (Go runtime metrics of newer clients),
# when the demo needs any, added to the recipe's flags.
if (-s 'fixtures/coder-demo/flags') {
    chomp(my $extra = do { open my $e, '<', 'fixtures/coder-demo/flags' or die; <$e> });
    $env{PROMGATE_CHECK_FLAGS} .= " $extra";
}
$env{PATH} = "$stage/usr/local/bin:$ENV{PATH}";
$env{CI_PROJECT_DIR} = $project;
delete $ENV{PROMGATE}; delete $ENV{PROMGATE_GOLDEN};
local @ENV{keys %env} = values %env;
open my $sh, '>', "$T/script.sh" or die;
print $sh "set -e\ncd '$project'\n", map { "$_\n" } @script;
close $sh;
my $out = `sh $T/script.sh 2>&1`;
my $rc = $? >> 8;
kill 'TERM', $pid; waitpid $pid, 0;
ok($rc == 0 && $out =~ /^All tests successful/m, "the GitLab script passes as written (exit $rc)")
    or print map { "# $_\n" } split /\n/, $out;
ok($out =~ m{^promgate \S+}m && $out !~ m{$root/bin/promgate},
   'it runs the installed promgate, not the source tree\'s');
my $rep = "$project/promgate-report";
ok(-d $rep && !-l $rep && -s "$rep/junit.xml" && -s "$rep/report.html" && -s "$rep/report.md",
   'junit.xml, report.html and report.md at the fixed path, no symlink');
my $junit = do { local $/; open my $j, '<', "$rep/junit.xml" or die; <$j> } // '';
ok($junit =~ /<testsuites?\b/ && $junit !~ /<failure/, 'junit.xml holds the passing results');
