#!/usr/bin/perl
# report_schema.pl SCHEMA DOC: validates a JSON document against the subset
# of JSON Schema used by fixtures/report/schema.json (type, required,
# properties, additionalProperties, items, enum, const, minimum, maximum,
# "$ref": NAME into $defs, "allOfRef": NAME to extend a definition).
# Prints one line per violation with its JSON path; exits 1 if any.
use strict;
use warnings;
use JSON::PP;

my ($schema_file, $doc_file) = @ARGV;
die "usage: report_schema.pl SCHEMA DOC\n" unless defined $doc_file;
sub slurp { local $/; open my $f, '<', $_[0] or die "$_[0]: $!\n"; <$f> }
my $json = JSON::PP->new->allow_nonref;
my $schema = $json->decode(slurp($schema_file));
my $doc = eval { $json->decode(slurp($doc_file)) };
if (!defined $doc && $@) { print "$doc_file: not JSON: $@"; exit 1 }
my $defs = $schema->{'$defs'} || {};
my @errors;

sub type_of {
    my ($v) = @_;
    return 'null' unless defined $v;
    return 'boolean' if JSON::PP::is_bool($v);
    return 'object' if ref $v eq 'HASH';
    return 'array' if ref $v eq 'ARRAY';
    my $b = B::svref_2object(\$v);
    my $flags = $b->FLAGS;
    return 'string' if $flags & B::SVp_POK() && !($flags & (B::SVp_IOK() | B::SVp_NOK()));
    return ($v =~ /^-?\d+$/) ? 'integer' : 'number';
}
use B;

sub check {
    my ($s, $v, $path) = @_;
    if (my $r = $s->{'$ref'}) { check($defs->{$r} // die("no def $r"), $v, $path); }
    if (my $r = $s->{allOfRef}) {
        my %m = %{$defs->{$r}};
        $m{required} = [@{$m{required} || []}, @{$s->{required} || []}];
        $m{properties} = {%{$m{properties} || {}}, %{$s->{properties} || {}}};
        check(\%m, $v, $path);
        return;
    }
    my $t = type_of($v);
    if (exists $s->{const} && !(defined $v && $v eq $s->{const})) {
        push @errors, "$path: want $s->{const}";
    }
    # an enum may list null (JSON null) beside its strings
    if ($s->{enum} && !grep { defined $v ? defined $_ && $_ eq $v : !defined $_ }
                             @{$s->{enum}}) {
        push @errors, "$path: '" . ($v // 'null') . "' not in enum";
    }
    if (my $want = $s->{type}) {
        my @w = ref $want ? @$want : ($want);
        my $ok = grep { $_ eq $t || ($_ eq 'number' && $t eq 'integer') } @w;
        if (!$ok) { push @errors, "$path: type $t, want @w"; return; }
    }
    if (defined $s->{minimum} && ($t eq 'integer' || $t eq 'number') && $v < $s->{minimum}) {
        push @errors, "$path: $v below $s->{minimum}";
    }
    if (defined $s->{maximum} && ($t eq 'integer' || $t eq 'number') && $v > $s->{maximum}) {
        push @errors, "$path: $v above $s->{maximum}";
    }
    if ($t eq 'object') {
        for my $k (@{$s->{required} || []}) {
            push @errors, "$path: missing required key '$k'" unless exists $v->{$k};
        }
        my $props = $s->{properties} || {};
        for my $k (sort keys %$v) {
            if ($props->{$k}) { check($props->{$k}, $v->{$k}, "$path.$k") }
            elsif (exists $s->{additionalProperties} && !$s->{additionalProperties}) {
                push @errors, "$path: unexpected key '$k'";
            }
        }
    }
    if ($t eq 'array' && $s->{items}) {
        check($s->{items}, $v->[$_], "$path\[$_\]") for 0 .. $#$v;
    }
}
check($schema, $doc, '$');
print "$doc_file: $_\n" for @errors;
exit(@errors ? 1 : 0);
