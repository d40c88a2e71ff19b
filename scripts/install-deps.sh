#!/bin/sh
# Installs the Debian packages promgate builds, tests and benchmarks with.
#
#   scripts/install-deps.sh           build + tests (what CI and `make check` need)
#   scripts/install-deps.sh --build   only what `make` and `make install` need
#
# Idempotent: packages already present are skipped, so this is cheap to
# call before every build. Uses sudo when not root.
set -eu

usage() { echo "usage: $0 [--build]" >&2; exit 2; }
mode=all
case "${1:-}" in
    "") ;;
    --build) mode=build ;;
    -h|--help) echo "usage: $0 [--build]"; exit 0 ;;
    *) usage ;;
esac

build="gcc make pkg-config libcurl4-openssl-dev libpcre2-dev libjansson-dev \
libprotobuf-c-dev protobuf-c-compiler golang-github-prometheus-client-model-dev"
test="clang libclang-rt-14-dev libssl-dev zlib1g-dev perl openssl \
ca-certificates prometheus prometheus-node-exporter chromium libxml2-utils time \
locales strace zsh \
python3-prometheus-client python3-protobuf golang-go \
golang-github-prometheus-client-golang-dev prometheus-pushgateway \
prometheus-blackbox-exporter prometheus-process-exporter \
prometheus-alertmanager prometheus-nginx-exporter nginx-light \
debhelper dpkg-dev fakeroot"
wanted=$build
[ "$mode" = build ] || wanted="$build $test"

missing=""
for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Packaged daemons (prometheus, the exporters, nginx) must not start on
# install: the tests start their own instances on loopback ports. A
# policy-rc.d that refuses every start does that; it is put in place for
# this install only, and removed afterwards unless one was already there.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    trap '$sudo rm -f "$policy"' EXIT
    trap 'exit 130' INT TERM
fi
$sudo apt-get update -qq || true
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
