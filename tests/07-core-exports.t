#!/usr/bin/perl
# The library's exported symbols are pinned (as jansson's check-exports
# does): every global symbol `nm` finds in build/libpromgate.a is named in
# lib/libpromgate.exports (a line may be a '*' pattern for generated
# code), and every name listed is still exported.
use strict;
use warnings;
use FindBin;
chdir "$FindBin::Bin/.." or die;

my $lib = 'build/libpromgate.a';
my $list = 'lib/libpromgate.exports';
print "1..3\n";
open my $nm, '-|', 'nm', '-g', '--defined-only', $lib or die "nm: $!";
my %got;
while (<$nm>) {
    my @f = split;
    $got{$f[2]} = 1 if @f == 3 && $f[1] =~ /^[A-TV-Z]$/;
}
close $nm;
print((%got ? "ok" : "not ok") . " 1 - nm lists the symbols of $lib\n");

open my $fh, '<', $list or die "$list: $!";
my (%names, @globs);
while (<$fh>) {
    chomp;
    next if /^\s*(#|$)/;
    if (/\*/) { (my $re = quotemeta $_) =~ s/\\\*/.*/g; push @globs, qr/^$re$/ }
    else { $names{$_} = 1 }
}
close $fh;

my @extra = grep { my $s = $_; !$names{$s} && !grep { $s =~ $_ } @globs } sort keys %got;
print((@extra ? "not ok" : "ok") . " 2 - every exported symbol is listed in $list\n");
print "# exported but not listed (make it static, or list it if other folders call it): $_\n" for @extra;
my @gone = grep { !$got{$_} } sort keys %names;
print((@gone ? "not ok" : "ok") . " 3 - every listed symbol is exported\n");
print "# listed but no longer exported (remove it from the list): $_\n" for @gone;
