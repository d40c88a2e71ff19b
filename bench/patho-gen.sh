#!/bin/sh
# patho-gen.sh KIND N DIR: writes DIR/input.prom and DIR/golden.json, a
# pathological scrape of size N for the stage it stresses and a golden to
# check it against (bench/pathological.sh, tests/71-check-pathological.t):
#   labelsets    N samples of one documented family, each with its own
#                label-name set: m{a="1",xI="1"}
#   families     N documented families, each with one sample, and a golden
#                that lists all N
#   undocumented N undocumented counters (each with a negative value, a
#                counter-rule diagnostic), next to 200 missing documented
#                metrics that want rename hints
#   longvalues   N samples whose label value (1000 bytes, distinct) is
#                matched by a pattern that repeats per character
set -eu
[ $# -eq 3 ] || { echo "usage: patho-gen.sh KIND N DIR" >&2; exit 2; }
kind=$1 n=$2 dir=$3
mkdir -p "$dir"
in=$dir/input.prom golden=$dir/golden.json
case $kind in
labelsets)
    awk -v n="$n" 'BEGIN {
        print "# HELP m M."; print "# TYPE m gauge"
        for (i = 0; i < n; i++) printf "m{a=\"1\",x%d=\"1\"} 1\n", i
    }' >"$in"
    printf '%s\n' '{"kind": "docs", "metrics": [' \
        '{"name": "m", "type": "gauge", "help": "M.", "labels": ["a"]}]}' >"$golden"
    ;;
families)
    awk -v n="$n" 'BEGIN {
        for (i = 0; i < n; i++)
            printf "# HELP fam_%d F.\n# TYPE fam_%d gauge\nfam_%d{a=\"1\"} 1\n", i, i, i
    }' >"$in"
    awk -v n="$n" 'BEGIN {
        print "{\"kind\": \"docs\", \"metrics\": ["
        for (i = 0; i < n; i++)
            printf "%s{\"name\": \"fam_%d\", \"type\": \"gauge\", \"help\": \"F.\", \"labels\": [\"a\"]}\n", i ? "," : "", i
        print "]}"
    }' >"$golden"
    ;;
undocumented)
    awk -v n="$n" 'BEGIN {
        for (i = 0; i < n; i++)
            printf "# TYPE app_undoc_%d_requests_total counter\napp_undoc_%d_requests_total -1\n", i, i
    }' >"$in"
    awk 'BEGIN {
        print "{\"kind\": \"docs\", \"metrics\": ["
        for (i = 0; i < 200; i++)
            printf "%s{\"name\": \"app_missing_%d_requests_total\", \"type\": \"counter\", \"help\": \"\", \"labels\": []}\n", i ? "," : "", i
        print "]}"
    }' >"$golden"
    ;;
longvalues)
    awk -v n="$n" 'BEGIN {
        pad = "abcdefghij"
        while (length(pad) < 990) pad = pad pad
        pad = substr(pad, 1, 990)
        print "# HELP m M."; print "# TYPE m gauge"
        for (i = 0; i < n; i++) printf "m{a=\"%s%010d\"} 1\n", pad, i
    }' >"$in"
    printf '%s\n' '{"kind": "docs", "metrics": [' \
        '{"name": "m", "type": "gauge", "help": "M.", "labels": ["a"],' \
        ' "label_values": {"a": "(?:[a-z]|[0-9])*"}}]}' >"$golden"
    ;;
*)
    echo "patho-gen.sh: unknown kind '$kind'" >&2
    exit 2
    ;;
esac
