#!/bin/sh
# Bad docs inputs built at test time (too big or too deep to commit):
# each is refused with exit 2 and a message naming file, line and column;
# none crashes, hangs or writes a golden. Limits: 8 MiB a page, includes
# 8 deep, includes stay in the docs folder.
cd "$(dirname "$0")/.." || exit 1
P=$PWD/bin/promgate
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
echo "1..8"
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
# expect DIR WANT-EXIT WANT-STDERR ARGS...: run in DIR, compare exit and stderr
expect() {
    d=$1 want_rc=$2 want=$3; shift 3
    (cd "$d" && "$P" golden --no-lint -o "$T/out.json" --from-docs "$@" 2>"$T/err")
    rc=$?
    got=$(cat "$T/err")
    if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ]; then return 0; fi
    echo "# exit $rc (want $want_rc)"; echo "# got:  $got"; echo "# want: $want"
    return 1
}
row='| `big_metric_total` | counter | A row to fill the page with text. |'

# a 10 MB page
mkdir "$T/big"
{ echo '| Name | Type | Description |'; echo '|---|---|---|'
  i=0; while [ $i -lt 150000 ]; do echo "$row"; i=$((i+1)); done; } >"$T/big/one.md"
size=$(wc -c <"$T/big/one.md")
rm -f "$T/out.json"
expect "$T/big" 2 "promgate golden: one.md: page is $size bytes, larger than the 8 MiB a docs page may have" one.md &&
    [ ! -e "$T/out.json" ]
ok $? "a 10 MB page is refused, nothing written"

# binary content in one file of a directory
mkdir "$T/bin"
printf '| Name | Type |\n|---|---|\n| `b_x` | gauge |\n' >"$T/bin/a.md"
printf '# B\n\nab\000cd\n' >"$T/bin/b.md"
expect "$T" 2 "promgate golden: bin/b.md:3:3: binary content (NUL byte), not a docs page" bin
ok $? "binary content in a directory's file names file:line:col"

# includes 9 deep (the limit is 8)
mkdir "$T/deep"
i=0
while [ $i -lt 10 ]; do printf -- '--8<-- "d%d.md"\n' $((i+1)) >"$T/deep/d$i.md"; i=$((i+1)); done
printf '| Name | Type |\n|---|---|\n| `deep_x` | gauge |\n' >"$T/deep/d10.md"
expect "$T/deep" 2 "promgate golden: d8.md:1:1: include 'd9.md' nested more than 8 deep" d0.md
ok $? "includes nested deeper than 8 are refused"
expect "$T/deep" 0 "" d2.md
ok $? "includes 8 deep are read"

# an include cycle through three files
mkdir "$T/cyc"
printf -- '--8<-- "b.md"\n' >"$T/cyc/a.md"
printf 'x\n{%% include "c.md" %%}\n' >"$T/cyc/b.md"
printf 'y\n\n--8<-- "a.md"\n' >"$T/cyc/c.md"
expect "$T/cyc" 2 "promgate golden: c.md:3:1: include cycle: 'a.md' includes itself" a.md
ok $? "an include cycle is refused naming the include"

# an include that leaves the docs folder through a symlink
mkdir "$T/docs" "$T/outside"
printf '| Name | Type |\n|---|---|\n| `secret_x` | gauge |\n' >"$T/outside/s.md"
ln -s ../outside "$T/docs/link"
printf '# Page\n\n--8<-- "link/s.md"\n' >"$T/docs/p.md"
expect "$T/docs" 2 "promgate golden: p.md:3:1: include 'link/s.md' leaves the docs folder (see --docs-root)" p.md
ok $? "an include leaving the docs folder (symlink) is refused"
expect "$T/docs" 0 "" p.md --docs-root "$T"
ok $? "--docs-root widens the folder includes may use"

# a broken table among good ones: nothing written without --keep-going
mkdir "$T/mix"
printf '| Name | Type |\n|---|---|\n| `m_ok` | gauge |\n\n| Name | Type |\n|---|---|\n| `m_bad` | gauage |\n' >"$T/mix/p.md"
rm -f "$T/out.json"
expect "$T/mix" 2 "promgate golden: p.md:7:13: unknown type 'gauage' for metric 'm_bad' (metrics table at line 5: Name | Type)" p.md &&
    [ ! -e "$T/out.json" ]
ok $? "a partial golden is never written"
