#!/usr/bin/perl
# The HTML report in a real browser (headless Chromium): the rendered DOM
# shows the same summary counts and the same number of failure rows as the
# JSON report, hostile strings stay text (one <script>, ours), the filter
# script runs (and honours #q=TEXT), and a screenshot is written under
# build/test-output/report-html/ for a human to look at.
use strict;
use warnings;
use Cwd qw(abs_path);
use FindBin;
use JSON::PP;
use lib "$FindBin::Bin/lib";
use PgChromium;
chdir "$FindBin::Bin/.." or die;

if (my $why = PgChromium::missing()) {
    print "1..0 # skip $why\n";
    exit 0;
}
my $R = 'bin/pg-report-render';
my @cases = grep { -f "$_/run.json" || -f "$_/new.json" } glob 'fixtures/report/*';
my $out = 'build/test-output/report-html';
system('mkdir', '-p', $out) == 0 or die;
$out = abs_path($out);
printf "1..%d\n", 5 * @cases + 1;
my $n = 0;
sub ok { my ($c, $name) = @_; $n++; print(($c ? "ok" : "not ok") . " $n - $name\n"); $c }

# Chromium's stderr (D-Bus and GPU chatter) goes to $out/chromium.log,
# not to the test's output.
my $log = "$out/chromium.log";
unlink $log;
sub chromium { return PgChromium::run($log, @_) }

for my $c (@cases) {
    (my $case = $c) =~ s{.*/}{};
    my $diff = -f "$c/new.json";
    my $in = $diff ? "diff %s $c/old.json $c/new.json" : "%s $c/run.json";
    system(sprintf("$R $in > $out/$case.html", 'html')) == 0 or die;
    system(sprintf("$R $in > $out/$case.json", 'json')) == 0 or die;
    open my $f, '<', "$out/$case.json" or die;
    my $doc = do { local $/; decode_json(<$f>) };
    close $f;
    my $s = $doc->{summary};

    my ($rc, $dom) = chromium('--dump-dom', "file://$out/$case.html");
    open my $d, '>', "$out/$case.dom.html" or die; print $d $dom; close $d;
    my ($sum) = $dom =~ /<section id="summary"([^>]*)>/;
    my %attr = ($sum // '') =~ /data-([a-z-]+)="([^"]*)"/g;
    my @keys = $diff ? qw(removed renamed changed added corrected unchanged breaking notes)
                     : qw(conformant missing changed undocumented skipped-conditional
                          accepted-by-baseline format-errors unreadable failures warnings);
    my @bad = grep { (my $k = $_) =~ tr/-/_/; !defined $attr{$_} || $attr{$_} != $s->{$k} } @keys;
    ok($rc == 0 && $sum && !@bad, "$case: rendered summary counts equal report.json's")
        or print "# differ: @bad (chromium exit $rc, its stderr in $log)\n";

    my ($tbody) = $dom =~ m{<table id="results"[^>]*>.*?<tbody>(.*?)</tbody>}s;
    my $fails = () = ($tbody // '') =~ /<tr [^>]*data-verdict="fail"/g;
    my $rows = () = ($tbody // '') =~ /<tr /g;
    my ($want_fails, $want_rows) = $diff
        ? ($s->{breaking}, @{$doc->{entries}} + $s->{unchanged})
        : ($s->{failures}, $s->{results} + $s->{unreadable});
    ok($fails == $want_fails && $rows == $want_rows,
       "$case: $fails failure rows of $rows, as in report.json");

    # Failures first: no failing row after a non-failing one.
    my @verdicts = ($tbody // '') =~ /<tr [^>]*data-verdict="(\w+)"/g;
    my $seen_other = 0; my $order_ok = 1;
    for (@verdicts) { $seen_other = 1 if $_ ne 'fail'; $order_ok = 0 if $_ eq 'fail' && $seen_other }
    ok($order_ok, "$case: failure rows come first");

    my $scripts = () = $dom =~ /<script/g;
    my ($shown) = $dom =~ m{<span id="shown">([^<]*)</span>};
    ok($scripts == 1 && ($shown // '') eq "$rows of $rows shown",
       "$case: only our script, and it ran (" . ($shown // 'no count') . ")");

    ($rc) = chromium("--screenshot=$out/$case.png", '--window-size=1280,2000',
                     "file://$out/$case.html");
    my $png = '';
    if (open my $p, '<', "$out/$case.png") { binmode $p; read $p, $png, 8; close $p }
    ok($rc == 0 && $png eq "\x89PNG\r\n\x1a\n", "$case: screenshot $out/$case.png");
}

# The filter: a link with #q= opens the report showing matching rows only.
my ($rc, $dom) = chromium('--dump-dom',
    "file://$out/planted.html#q=latencies");
my ($shown) = $dom =~ m{<span id="shown">([^<]*)</span>};
my $hidden = () = $dom =~ /<tr [^>]*hidden/g;
ok(($shown // '') eq '1 of 11 shown' && $hidden == 10,
   "filter #q=latencies shows 1 row, hides 10 (" . ($shown // 'none') . ")");
