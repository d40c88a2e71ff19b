#!/usr/bin/perl
# coder-goldens.pl: builds the release goldens of Coder, one per distinct
# docs table (with the overlay applied for each release), and the table
# mapping every release tag to its golden (golden/coder/releases.tsv).
#
#   scripts/coder-goldens.pl --releases RELEASES.tsv --docs DIR --out DIR
#   scripts/coder-goldens.pl --git CODER_CHECKOUT --out DIR
#
# --releases/--docs read the table and docs pages kept in ../shared/coder/
# releases/ (RELEASES.tsv columns: tag, date, commit, docs_path, docs_blob,
# ...; DIR/<docs_blob>.md). --git reads them from a coder/coder clone with
# `git show TAG:PATH`, so the goldens can follow new releases.
# Releases whose docs tables (after the overlay) are equal share one golden,
# named by the first and last of them: coder-v2.21.0-v2.25.3.json.
use strict;
use warnings;
use File::Temp qw(tempdir);
use Getopt::Long;

my ($releases, $docs, $git, $out);
my $promgate = 'bin/promgate';
my $overlay = 'golden/overlay/coder.json';
my @paths = ('docs/admin/integrations/prometheus.md', 'docs/admin/prometheus.md');
GetOptions('releases=s' => \$releases, 'docs=s' => \$docs, 'git=s' => \$git,
           'out=s' => \$out, 'promgate=s' => \$promgate,
           'overlay=s' => \$overlay)
    or die "usage: $0 (--releases TSV --docs DIR | --git CHECKOUT) --out DIR\n";
die "$0: give --out DIR\n" unless $out;
die "$0: give --releases TSV with --docs DIR, or --git CHECKOUT\n"
    unless ($releases && $docs && !$git) || ($git && !$releases && !$docs);
-x $promgate or die "$0: $promgate is not built (run make first)\n";
-r $overlay or die "$0: cannot read the overlay $overlay\n";

# Release order: v2.33.0-rc.2 < v2.33.0 < v2.33.1.
sub vkey {
    my ($t) = @_;
    my ($a, $b, $c, $pre) = $t =~ /^v?(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?/
        or return (1e9, 0, 0, 1, $t);
    return ($a, $b, $c, defined $pre ? 0 : 1, $pre // '');
}
sub vcmp {
    my @x = vkey($a);
    my @y = vkey($b);
    for my $i (0 .. 3) { return $x[$i] <=> $y[$i] if $x[$i] != $y[$i]; }
    my @p = split /\./, $x[4];
    my @q = split /\./, $y[4];
    while (@p && @q) {
        my ($u, $v) = (shift @p, shift @q);
        my $c = ($u =~ /^\d+$/ && $v =~ /^\d+$/) ? $u <=> $v : $u cmp $v;
        return $c if $c;
    }
    return @p <=> @q;
}

my $tmp = tempdir(CLEANUP => 1);
my (@rows, %blob_file);
if ($releases) {
    open my $fh, '<', $releases or die "$0: cannot read $releases: $!\n";
    my $head = <$fh>;
    die "$releases:1: want the header 'tag date commit docs_path docs_blob ...'\n"
        unless defined $head && $head =~ /^tag\tdate\tcommit\tdocs_path\tdocs_blob/;
    while (my $l = <$fh>) {
        chomp $l;
        my ($tag, $date, undef, undef, $blob) = split /\t/, $l;
        die "$releases:$.: want tab-separated tag, date, commit, docs_path, docs_blob\n"
            unless defined $blob;
        push @rows, { tag => $tag, date => $date, blob => $blob };
        next if $blob eq '-';
        my $f = "$docs/$blob.md";
        -r $f or die "$0: $releases:$.: release $tag needs the docs page $f\n";
        $blob_file{$blob} = $f;
    }
} else {
    -d "$git/.git" || -f "$git/HEAD"
        or die "$0: $git is not a git checkout of coder/coder\n";
    for my $tag (grep { /^v\d+\.\d+\.\d+/ } split /\n/, `git -C '$git' tag -l 'v*'`) {
        my $date = `git -C '$git' log -1 --format=%cs '$tag' 2>/dev/null`;
        chomp $date;
        my $blob = '-';
        for my $p (@paths) {
            my $id = `git -C '$git' rev-parse --short=10 '$tag:$p' 2>/dev/null`;
            chomp $id;
            next unless $? == 0 && $id;
            $blob = $id;
            unless ($blob_file{$blob}) {
                system("git -C '$git' show '$tag:$p' > '$tmp/$blob.md'") == 0
                    or die "$0: git show $tag:$p failed\n";
                $blob_file{$blob} = "$tmp/$blob.md";
            }
            last;
        }
        push @rows, { tag => $tag, date => $date, blob => $blob };
    }
    die "$0: no release tags (v*) in $git\n" unless @rows;
}
@rows = sort { local ($a, $b) = ($a->{tag}, $b->{tag}); vcmp() } @rows;

sub golden_for {
    my ($row, $version, $file) = @_;
    my @cmd = ($promgate, 'golden', '--no-lint', '--from-docs',
               $blob_file{$row->{blob}}, '--overlay', $overlay,
               '--release', $row->{tag}, '--spec-version', $version, '-o', $file);
    # Overlay findings are expected here (entries for metrics a release's
    # docs do not have); only a failure matters.
    open my $saved, '>&', \*STDERR or die;
    open STDERR, '>', "$tmp/err" or die;
    my $rc = system(@cmd);
    open STDERR, '>&', $saved or die;
    return unless $rc;
    open my $e, '<', "$tmp/err" or die;
    die "$0: release $row->{tag}: @cmd failed:\n", <$e>;
}

# Group releases by what their golden holds (sources and version aside).
my (%group, @order);
for my $r (grep { $_->{blob} ne '-' } @rows) {
    golden_for($r, 'x', "$tmp/one.json");
    open my $fh, '<', "$tmp/one.json" or die;
    local $/;
    my $body = <$fh>;
    $body =~ s/\n  "source": \[.*?\n  \],//s;
    push @order, $body unless $group{$body};
    push @{ $group{$body} }, $r;
}

mkdir $out unless -d $out;
my %golden_of;
my $first_docs = (grep { $_->{blob} ne '-' } @rows)[0]{tag};
for my $body (@order) {
    my @g = @{ $group{$body} };
    my ($lo, $hi) = ($g[0]{tag}, $g[-1]{tag});
    my $name = $lo eq $hi ? "coder-$lo.json" : "coder-$lo-$hi.json";
    my $range = $lo eq $hi ? $lo : "$lo..$hi";
    golden_for($g[0], "coder $range", "$out/$name");
    $golden_of{$_->{tag}} = $name for @g;
}
for my $f (glob "$out/coder-v*.json") {
    my ($base) = $f =~ m{([^/]+)$};
    unlink $f unless grep { $_ eq $base } values %golden_of;
}

open my $tsv, '>', "$out/releases.tsv.tmp" or die "$0: cannot write $out: $!\n";
print $tsv "# Coder releases and their goldens; written by scripts/coder-goldens.pl\n";
print $tsv "tag\tdate\tdocs\tgolden\n";
for my $r (@rows) {
    my $g = $golden_of{$r->{tag}}
        // "none (predates the Prometheus docs page, first in $first_docs)";
    print $tsv join("\t", $r->{tag}, $r->{date}, $r->{blob}, $g), "\n";
}
close $tsv or die;
rename "$out/releases.tsv.tmp", "$out/releases.tsv" or die;
printf "%d releases, %d goldens in %s\n", scalar @rows, scalar @order, $out;
