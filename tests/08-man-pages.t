#!/usr/bin/perl
# The man pages are written by hand and checked against the binary, so
# the two cannot drift: every command 'promgate --help' lists has a page
# (help and version are described in promgate.1), each page documents, as
# .TP entries, exactly the long options of 'promgate CMD --help' (the
# scrape and report options once, in promgate.1, for the pages that refer
# to them by their SCRAPE OPTIONS / REPORT OPTIONS section), names in
# ENVIRONMENT the variables its --help names, has the sections of a man
# page, and renders without groff warnings.
use strict;
use warnings;
use FindBin;
chdir "$FindBin::Bin/.." or die;

my $bin = 'bin/promgate';
my $dir = 'doc/man';
my @sections = ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'EXIT STATUS', 'SEE ALSO');
my @shared = ('SCRAPE OPTIONS', 'REPORT OPTIONS');
my $n = 0;
my $failed = 0;

sub ok($$@) {
    my ($cond, $name, @diag) = @_;
    $n++;
    print(($cond ? 'ok' : 'not ok') . " $n - $name\n");
    unless ($cond) { $failed++; print STDERR "# $_\n" for @diag }
}

sub run {
    open my $fh, '-|', @_ or die "$_[0]: $!";
    local $/;
    my $out = <$fh> // '';
    close $fh;
    return $out;
}

# A page as { SECTION => [lines] }; .SS subsections stay in their .SH.
sub read_page {
    my ($file) = @_;
    open my $fh, '<', $file or return undef;
    my (%sec, $cur);
    $cur = '';
    while (my $line = <$fh>) {
        chomp $line;
        next if $line =~ /^\.\\"/;
        if ($line =~ /^\.SH\s+"?(.*?)"?\s*$/) { $cur = $1; $sec{$cur} = []; next }
        push @{ $sec{$cur} }, $line;
    }
    return \%sec;
}

sub plain {
    my ($s) = @_;
    $s =~ s/\\f(?:\[[^]]*\]|.)//g;
    $s =~ s/\\-/-/g;
    $s =~ s/"//g;
    return $s;
}

# The tags of a section's .TP entries, as plain text without the macro.
sub tp_tags {
    my ($lines) = @_;
    my @tags;
    for my $i (0 .. $#{ $lines } - 1) {
        next unless $lines->[$i] =~ /^\.TP\b/;
        (my $tag = plain($lines->[$i + 1])) =~ s/^\.\w+\s+//;
        push @tags, $tag;
    }
    return @tags;
}

# The long options named in those tags.
sub tp_options {
    my %opt;
    for my $tag (tp_tags(@_)) {
        $opt{$1} = 1 while $tag =~ /(?<![\w-])(--[a-z0-9][a-z0-9-]*)/g;
    }
    return \%opt;
}

# The first word of each tag (commands, variables, exit codes).
sub tp_words {
    return { map { /^\s*(\S+)/ ? ($1 => 1) : () } tp_tags(@_) };
}

sub help_options {
    my ($text) = @_;
    my %opt;
    $opt{$1} = 1 while $text =~ /^  (?:-\w, )?(--[a-z0-9][a-z0-9-]*)/mg;
    return \%opt;
}

my $help = run($bin, '--help');
my ($block) = $help =~ /^commands:\n(.*?)\n\n/ms;
my @cmds = ($block // '') =~ /^  ([a-z][a-z-]*)\s/mg;
ok(scalar(grep { $_ eq 'check' } @cmds), "'promgate --help' lists its commands",
   "got: @cmds");
my @paged = grep { $_ ne 'help' && $_ ne 'version' } @cmds;

my $top = read_page("$dir/promgate.1");
ok(defined $top, "$dir/promgate.1 exists");
$top //= {};
my $listed = tp_words($top->{COMMANDS} // []);
my @unlisted = grep { !$listed->{$_} } @cmds;
ok(!@unlisted, 'promgate.1 lists every command under COMMANDS',
   map { "command '$_' not listed" } @unlisted);
my $see = plain(join "\n", @{ $top->{'SEE ALSO'} // [] });
my @unseen = grep { $see !~ /\bpromgate-\Q$_\E\s*\(1\)/ } @paged;
ok(!@unseen, 'promgate.1 refers to every command page under SEE ALSO',
   map { "promgate-$_(1) not referred to" } @unseen);
my %top_env = %{ tp_words($top->{ENVIRONMENT} // []) };
my @env_missing = grep { !$top_env{$_} }
    qw(PROMGATE_BEARER_TOKEN PROMGATE_REPORT_DIR PROMGATE_SHARE_DIR);
ok(!@env_missing, 'promgate.1 describes the environment variables',
   map { "$_ not under ENVIRONMENT" } @env_missing);
my @codes = grep { !tp_words($top->{'EXIT STATUS'} // [])->{$_} } 0 .. 2;
ok(!@codes, 'promgate.1 describes exit status 0, 1 and 2',
   map { "exit status $_ not described" } @codes);

my %known = map { ("promgate-$_.1" => 1) } @paged;
opendir my $dh, $dir or die "$dir: $!";
my @stale = grep { /^promgate-.*\.1$/ && !$known{$_} } sort readdir $dh;
closedir $dh;
ok(!@stale, 'every command page is of a command promgate has',
   map { "$dir/$_: no such command in 'promgate --help'" } @stale);

for my $cmd (@paged) {
    my $file = "$dir/promgate-$cmd.1";
    my $page = read_page($file);
    ok(defined $page, "$file exists");
    $page //= {};
    my @absent = grep { !$page->{$_} } @sections, 'OPTIONS';
    ok(!@absent, "$file has the sections of a man page",
       map { "no .SH $_" } @absent);

    my %doc = %{ tp_options($page->{OPTIONS} // []) };
    for my $s (@shared) {
        next unless $page->{$s};
        ok(plain(join "\n", @{ $page->{$s} }) =~ /\bpromgate\s*\(1\)/,
           "$file: $s refers to promgate(1)");
        %doc = (%doc, %{ tp_options($top->{$s} // []) });
    }
    my $text = run($bin, $cmd, '--help');
    my %want = %{ help_options($text) };
    my @missing = sort grep { !$doc{$_} } keys %want;
    my @extra = sort grep { !$want{$_} } keys %doc;
    ok(%want && !@missing, "$file documents every option of 'promgate $cmd --help'",
       map { "$_ is in 'promgate $cmd --help' but not in $file" } @missing);
    ok(!@extra, "$file documents no option 'promgate $cmd --help' lacks",
       map { "$_ is in $file but not in 'promgate $cmd --help'" } @extra);

    my %env = map { ($_ => 1) } $text =~ /\b(PROMGATE_[A-Z_]+)/g;
    my $page_env = tp_words($page->{ENVIRONMENT} // []);
    my @undescribed = sort grep { !$page_env->{$_} } keys %env;
    ok(!@undescribed, "$file describes the variables 'promgate $cmd --help' names",
       map { "$_ not under ENVIRONMENT" } @undescribed);
}

my $groff = grep { -x "$_/groff" } split /:/, $ENV{PATH} // '';
for my $file ("$dir/promgate.1", map { "$dir/promgate-$_.1" } @paged) {
    if (!$groff) { $n++; print "ok $n # skip groff not installed\n"; next }
    my $warn = run('sh', '-c', 'groff -man -Tutf8 -ww -z "$1" 2>&1', 'sh', $file);
    ok($warn eq '', "$file renders without groff warnings", split /\n/, $warn);
}
print "1..$n\n";
exit($failed ? 1 : 0);
