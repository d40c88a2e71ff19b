#!/bin/sh
# Installs the Debian packages promgate builds, tests and benchmarks with.
# Idempotent: packages already present are skipped, so this is cheap to
# call before every build.
set -eu

build="gcc make clang libclang-rt-14-dev pkg-config libcurl4-openssl-dev \
libpcre2-dev libjansson-dev libssl-dev zlib1g-dev libprotobuf-c-dev \
protobuf-c-compiler"
test="perl openssl ca-certificates prometheus prometheus-node-exporter chromium \
libxml2-utils time python3-prometheus-client python3-protobuf golang-go \
golang-github-prometheus-client-golang-dev golang-github-prometheus-client-model-dev \
prometheus-pushgateway prometheus-blackbox-exporter prometheus-process-exporter \
prometheus-alertmanager prometheus-nginx-exporter nginx-light"

missing=""
for p in $build $test; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Packaged daemons (prometheus, node-exporter) must not start on install:
# the tests start their own instances on loopback ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
fi
$sudo apt-get update -qq || true
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
