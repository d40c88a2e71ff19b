#!/bin/sh
# HTTPS: a throwaway CA made at test time. The server is trusted with
# --cacert, refused without it, accepted with --insecure; a server that
# requires a client certificate accepts --cert/--key and refuses without.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/scrape.sh
sha() { sha256sum "$1" | cut -d' ' -f1; }

if ! command -v openssl >/dev/null 2>&1; then
    echo "1..0 # skip openssl command not installed"
    exit 0
fi
plan 14
pg_tmpdir
W=$PG_TMP/www
mkdir -p "$W"
printf '# TYPE t gauge\nt 1\n' >"$W/metrics"
T=$PG_TMP/tls
make_test_ca "$T" || { echo "Bail out! cannot make a test CA"; exit 2; }
start_fixture_server "$W" --tls-cert "$T/server.pem" --tls-key "$T/server.key" ||
    exit 2
U=$FIXTURE_URL
like "$U" '^https://127\.0\.0\.1:[0-9]+$' "helper exports an https URL"

out=$($C --cacert "$T/ca.pem" "$U/metrics"); rc=$?
is "$rc" 0 "https with --cacert"
is "$(get "$out" sha256)" "$(sha "$W/metrics")" "body over TLS"
out=$($C --cacert "$T/ca.pem" "$U/metrics?fault=gzip,chunked"); rc=$?
is "$(get "$out" sha256)" "$(sha "$W/metrics")" "gzip and chunked over TLS"

out=$($C "$U/metrics"); rc=$?
is "$rc" 2 "untrusted server: exit 2"
like "$(get "$out" error)" "^$U/metrics: (SSL peer certificate or SSH remote key was not OK|Peer certificate cannot be authenticated|SSL certificate problem).*certificate" \
    "untrusted server: URL and TLS reason"

out=$($C --insecure "$U/metrics"); rc=$?
is "$rc" 0 "--insecure skips verification"

out=$($C --cacert "$T/ca.pem" "https://localhost:$FIXTURE_PORT/metrics"); rc=$?
is "$rc" 0 "host name localhost matches the certificate"

out=$($C --cacert "$T/missing.pem" "$U/metrics"); rc=$?
is "$rc" 2 "missing CA file: exit 2"
like "$(get "$out" error)" "^$U/metrics: .*(CA|cert)" "missing CA file: reason"

start_fixture_server "$W" --tls-cert "$T/server.pem" --tls-key "$T/server.key" \
    --tls-client-ca "$T/ca.pem" || exit 2
U2=$FIXTURE_URL
out=$($C --cacert "$T/ca.pem" --cert "$T/client.pem" --key "$T/client.key" "$U2/metrics"); rc=$?
is "$rc" 0 "client certificate accepted"
is "$(get "$out" sha256)" "$(sha "$W/metrics")" "body with a client certificate"
out=$($C --cacert "$T/ca.pem" "$U2/metrics"); rc=$?
is "$rc" 2 "no client certificate: exit 2"
like "$(get "$out" error)" "^$U2/metrics: [A-Z]" "no client certificate: error names the URL and a reason"
