#!/bin/sh
# tests/lib/fixture.sh: servers a test starts are stopped when it exits,
# also when it fails or is killed; pg_on_exit commands run; PG_TMP goes;
# the exit status is kept. The server itself stops on SIGTERM and SIGINT.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
plan 16
pg_tmpdir

# A child test script that starts two servers and ends as told ($1).
cat >"$PG_TMP/child.sh" <<'CHILD'
cd "$1" || exit 9
. tests/lib/fixture.sh
pg_tmpdir
mkdir "$PG_TMP/w" && echo "a 1" >"$PG_TMP/w/m"
start_fixture_server "$PG_TMP/w" || exit 9
echo "pid1 $FIXTURE_PID" >>"$2"
start_fixture_server "$PG_TMP/w" || exit 9
echo "pid2 $FIXTURE_PID" >>"$2"
echo "tmp $PG_TMP" >>"$2"
pg_on_exit "echo 'ran first registered' >>'$2'"
pg_on_exit "echo 'ran second registered' >>'$2'"
echo ready >>"$2"
case $3 in
fail) exit 3 ;;
ok) exit 0 ;;
term) sleep 60 & pg_on_exit "kill $!"; wait $! ;;
esac
CHILD

field() { sed -n "s/^$1 //p" "$2"; }
for how in ok fail term; do
    st=$PG_TMP/state-$how
    : >"$st"
    if [ "$how" = term ]; then
        sh "$PG_TMP/child.sh" "$PG_ROOT" "$st" term &
        cpid=$!
        i=0
        while ! grep -q ready "$st" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
        kill -TERM "$cpid"
        wait "$cpid"; rc=$?
        want=143
    else
        sh "$PG_TMP/child.sh" "$PG_ROOT" "$st" "$how"; rc=$?
        want=$([ "$how" = ok ] && echo 0 || echo 3)
    fi
    is "$rc" "$want" "$how: exit status kept"
    gone=0
    for p in $(field pid1 "$st") $(field pid2 "$st"); do
        kill -0 "$p" 2>/dev/null && gone=1
    done
    is "$gone" 0 "$how: both servers stopped"
    [ ! -e "$(field tmp "$st")" ]; ok $? "$how: PG_TMP removed"
    is "$(grep '^ran' "$st" | tr '\n' ,)" "ran second registered,ran first registered," \
        "$how: pg_on_exit commands ran, last registered first"
done

# The server alone: SIGINT stops it too, with status 0.
mkdir -p "$PG_TMP/w" && echo "a 1" >"$PG_TMP/w/m"
bin/pg-fixture-server --root "$PG_TMP/w" --port-file "$PG_TMP/port" &
spid=$!
i=0
while [ ! -s "$PG_TMP/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT "$spid"
wait "$spid"; rc=$?
is "$rc" 0 "server exits 0 on SIGINT"
out=$(bin/pg-fixture-server --root "$PG_TMP/nonexistent" 2>&1); rc=$?
is "$rc:$out" "2:pg-fixture-server: cannot resolve root '$PG_TMP/nonexistent': No such file or directory" \
    "server refuses a missing root"
out=$(bin/pg-fixture-server 2>&1); rc=$?
like "$rc:$out" '^2:usage: pg-fixture-server --root DIR' "server without --root: usage"
out=$(bin/pg-fixture-server --root "$PG_TMP/w" --tls-cert "$PG_TMP/nope" --tls-key "$PG_TMP/nope" 2>&1); rc=$?
is "$rc:$out" "2:pg-fixture-server: cannot load certificate '$PG_TMP/nope'" \
    "server refuses a missing certificate"
