#!/usr/bin/perl
# The HTML report's layout in headless Chromium at a desktop (1400 px) and
# a phone (420 px) width: the page is no wider than the viewport (rows
# stack, long names and values wrap), a failing row is on screen, pressing
# a summary card shows only the rows of its status, and every row has a
# unique anchor. The report is shown in an iframe of the given width (a
# headless window cannot be narrower than 500 px); a probe appended to a
# copy of the report posts its measurements to the wrapper page.
use strict;
use warnings;
use Cwd qw(abs_path);
use FindBin;
use lib "$FindBin::Bin/lib";
use PgChromium;
chdir "$FindBin::Bin/.." or die;

if (my $why = PgChromium::missing()) {
    print "1..0 # skip $why\n";
    exit 0;
}
my @cases = qw(planted hostile clean);
my @widths = (1400, 420);
printf "1..%d\n", @cases * (@widths * 3 + 1);
my $n = 0;
sub ok { my ($c, $name) = @_; $n++; print(($c ? "ok" : "not ok") . " $n - $name\n"); $c }

my $out = 'build/test-output/report-layout';
system('mkdir', '-p', $out) == 0 or die;
$out = abs_path($out);

my $probe = <<'JS';
<script>(function(){var d=document.documentElement,res={};
res.sw=d.scrollWidth;res.cw=d.clientWidth;
var f=document.querySelector('#results tbody tr[data-verdict=fail]');
if(f){var r=f.getBoundingClientRect();
res.fail=(r.width>0&&r.height>0&&r.left>=0&&r.right<=d.clientWidth+1)?'visible':'hidden';}
else res.fail='none';
var c=document.querySelector('button.card[data-status=missing]');
if(c){c.click();var k=0;document.querySelectorAll('#results tbody tr').forEach(function(t){if(!t.hidden)k++;});
res.missingShown=k;res.missingWant=document.querySelectorAll('#results tbody tr[data-status=missing]').length;
c.click();}
parent.postMessage(res,'*');})();</script>
JS

# Chromium's own complaints (no D-Bus, no GPU) go to a log, not the TAP.
sub chromium_dom {
    my ($url) = @_;
    my (undef, $dom) = PgChromium::run("$out/chromium.log",
                                       '--virtual-time-budget=5000',
                                       '--dump-dom', $url);
    return $dom;
}

for my $case (@cases) {
    my $html = `bin/pg-report-render html fixtures/report/$case/run.json`;
    die "render $case" if $? != 0;
    my @ids = $html =~ /<tr id="([^"]+)"/g;
    my @rows = $html =~ /<tr [^>]*data-verdict=/g;
    my %seen;
    my $dups = grep { $seen{$_}++ } @ids;
    ok(@ids == @rows && !$dups, "$case: every result row has a unique anchor (" .
       scalar(@ids) . " rows)");
    (my $probed = $html) =~ s{</body>}{$probe</body>};
    open my $f, '>', "$out/$case.html" or die; print $f $probed; close $f;
    for my $w (@widths) {
        open my $wrap, '>', "$out/$case-$w.html" or die;
        print $wrap qq{<!DOCTYPE html><html><body style="margin:0">}
            . qq{<iframe src="$case.html" style="width:${w}px;height:900px;border:0"></iframe>}
            . q!<script>window.addEventListener('message',function(e){var b=document.body;!
            . q!for(var k in e.data)b.setAttribute('data-probe-'+k,e.data[k]);});</script>!
            . qq{</body></html>\n};
        close $wrap;
        my $dom = chromium_dom("file://$out/$case-$w.html");
        my ($body) = $dom =~ /<body([^>]*)>/;
        my %p = ($body // '') =~ /data-probe-([a-z]+)="([^"]*)"/gi;
        if (!%p) {
            ok(0, "$case at $w px: the probe reported") for 1 .. 3;
            next;
        }
        ok($p{sw} <= $p{cw}, "$case at $w px: page width $p{sw} fits the viewport $p{cw}");
        ok($p{fail} ne 'hidden', "$case at $w px: a failing row is on screen ($p{fail})");
        ok(!defined $p{missingwant} || $p{missingshown} == $p{missingwant},
           "$case at $w px: the 'missing' card shows only missing rows");
    }
}
