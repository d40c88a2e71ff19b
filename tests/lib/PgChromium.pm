# PgChromium.pm: headless Chromium for the tests that look at an HTML
# report in a real browser. One launch for every such test: a fresh
# profile per run, every background service off (the browser makes no
# network request of its own), a time bound against hangs, and Chromium's
# stderr (D-Bus and GPU chatter) appended to a log file, never to the
# test's output.
#
#   use lib 'tests/lib'; use PgChromium;
#   my $skip = PgChromium::missing();       # a reason to skip, or undef
#   my ($rc, $stdout) = PgChromium::run("$out/chromium.log",
#                                       '--dump-dom', "file://$page");
#
# PG_CHROMIUM names another binary (default /usr/bin/chromium).
package PgChromium;
use strict;
use warnings;
use File::Temp qw(tempdir);

sub binary { return $ENV{PG_CHROMIUM} || '/usr/bin/chromium' }

# The skip reason when there is no browser to run, else undef.
sub missing {
    my $c = binary();
    return -x $c ? undef
        : "chromium not installed ($c); scripts/install-deps.sh installs it";
}

# run(LOG, ARGS...): Chromium with ARGS after the common flags; returns
# its exit status ($?) and its whole stdout.
sub run {
    my ($log, @args) = @_;
    my $profile = tempdir(CLEANUP => 1);
    my @cmd = ('timeout', '120', binary(), '--headless', '--no-sandbox',
               '--disable-gpu', '--no-first-run',
               '--disable-background-networking', '--disable-component-update',
               '--disable-sync', '--disable-quic', "--user-data-dir=$profile",
               @args);
    open my $stderr, '>&', \*STDERR or die "dup stderr: $!";
    open STDERR, '>>', $log or die "$log: $!";
    my $started = open my $p, '-|', @cmd;
    open STDERR, '>&', $stderr or die "restore stderr: $!";
    $started or die "chromium: $!";
    local $/;
    my $out = <$p>;
    close $p;
    return ($?, $out // '');
}

1;
