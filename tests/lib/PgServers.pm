# PgServers.pm: starting real servers (exporters, Prometheus, the fixture
# server) on loopback for a test, and stopping them at exit even when
# the test dies or is killed. The one implementation: tests/lib/servers.sh
# (shell tests) calls free_port and wait_port from here. Core Perl only.
#
#   use lib 'tests/lib'; use PgServers;
#   my ($port, $pid) = PgServers::start_server(
#       log => "$tmp/node.log",
#       cmd => ['/usr/bin/prometheus-node-exporter',
#               '--web.listen-address=127.0.0.1:PORT'],
#       prepare => sub { my ($port) = @_; ... });  # optional: files that
#                                                  # must name the port
#   PgServers::free_port()        # a port nothing listens on (for now)
#
# Every PORT in cmd is replaced by a free port; start_server waits until
# something accepts on it (30 s bound), tries another port if the server
# died (the port taken meanwhile), and returns () after three tries.
package PgServers;
use strict;
use warnings;
use File::Path ();
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);

our @children;   # servers started here, stopped at exit
our $tmp;        # a scratch directory the watchdog removes with them

sub stop_all {
    for my $pid (reverse @children) {
        kill 'TERM', $pid;
        my $t0 = time;
        while (time - $t0 < 10) {
            last if waitpid($pid, WNOHANG) != 0;
            sleep 0.05;
        }
        if (kill 0, $pid) { kill 'KILL', $pid; waitpid($pid, 0); }
    }
    @children = ();
}

END { my $rc = $?; stop_all(); $? = $rc; }
# a test stopped by a signal still stops its servers (END runs on exit)
$SIG{INT} = $SIG{TERM} = $SIG{HUP} = $SIG{PIPE} = sub { exit 1 };

# guard(PID): a watchdog process that stops server PID if the test itself
# disappears without running END (SIGKILL), and exits when PID is gone.
sub guard {
    my ($pid) = @_;
    my $test = $$;
    my $g = fork() // return;
    return if $g;
    @children = ();
    $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP PIPE);
    open STDIN, '<', '/dev/null';
    open STDOUT, '>', '/dev/null';
    open STDERR, '>', '/dev/null';
    while (kill 0, $pid) {
        if (getppid() != $test) {
            kill 'TERM', $pid;
            sleep 3;
            kill 'KILL', $pid;
            File::Path::remove_tree($tmp) if defined $tmp && -d $tmp;
            last;
        }
        sleep 0.5;
    }
    POSIX::_exit(0);
}

# spawn(LOG, CMD...): runs CMD in the background, stdout and stderr to
# LOG, stopped at exit; returns its pid.
sub spawn {
    my ($log, @cmd) = @_;
    my $pid = fork() // die "fork: $!";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $log;
        open STDERR, '>&', \*STDOUT;
        exec @cmd or POSIX::_exit(127);
    }
    push @children, $pid;
    guard($pid);
    return $pid;
}

# Forgets and stops one server (one that never came up).
sub stop {
    my ($pid) = @_;
    @children = grep { $_ != $pid } @children;
    kill 'TERM', $pid;
    waitpid($pid, 0);
}

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or die "no port: $!";
    my $p = $s->sockport;
    close $s;
    return $p;
}

# wait_port(PORT, PID): 1 once something accepts on PORT, 0 if PID died
# or 30 s passed.
sub wait_port {
    my ($port, $pid) = @_;
    for (1 .. 300) {
        return 1 if IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                          PeerPort => $port, Timeout => 1);
        return 0 unless kill 0, $pid;
        return 0 if waitpid($pid, WNOHANG) == $pid;
        sleep 0.1;
    }
    return 0;
}

sub start_server {
    my (%o) = @_;
    for my $try (1 .. 3) {
        my $port = free_port();
        $o{prepare}->($port) if $o{prepare};
        my @cmd = map { (my $a = $_) =~ s/PORT/$port/g; $a } @{ $o{cmd} };
        my $pid = spawn($o{log}, @cmd);
        return ($port, $pid) if wait_port($port, $pid);
        stop($pid);
    }
    return ();
}

1;
