#!/bin/sh
# Builds the Debian package from the committed tree (dpkg-buildpackage -us
# -uc -b in a scratch copy), installs it with apt, runs promgate from the
# installed files only (version, a check against an installed golden, the
# installed prove suite), then removes the package. Used by CI; needs
# root or sudo. The .deb is left in build/deb/.
set -eu
ts() { echo "deb-smoke: $(date +%T) $*" >&2; }
cd "$(dirname "$0")/.."
root=$(pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ts archive; git archive --format=tar --prefix=promgate/ HEAD | tar -x -C "$work"
(cd "$work/promgate" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
    tail -40 "$work/build.log" >&2
    echo "deb-smoke: dpkg-buildpackage failed" >&2
    exit 1
}
ts built; mkdir -p build/deb
cp "$work"/promgate_*.deb build/deb/
deb=$(ls "$work"/promgate_*.deb | head -1)
echo "deb-smoke: built $(basename "$deb")"

$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
ts installed
cleanup() {
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq promgate \
        >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# From here on only installed files: a scratch directory, no source tree.
cd "$work"
cp "$root/fixtures/coder-demo/metrics" scrape.txt
ts smoke; fail=0
/usr/bin/promgate --version | head -1 | grep -q '^promgate ' || fail=1
share=/usr/share/promgate
[ -d "$share/golden/coder" ] || fail=1
[ -f /usr/share/man/man1/promgate.1.gz ] || [ -z "$(ls "$root"/doc/man/*.1 2>/dev/null)" ] || fail=1
# The demo scrape is a healthy Coder v2.35.1: its golden is resolved from
# the installed share directory by reference.
/usr/bin/promgate check --golden coder@v2.35.1 --target scrape.txt \
    >check.tap 2>check.err || { cat check.err >&2; fail=1; }
PROMGATE_TARGET=$work/scrape.txt PROMGATE_GOLDEN=coder@v2.35.1 \
    prove "$share/suite/" >prove.out 2>&1 || { cat prove.out >&2; fail=1; }
if [ $fail -ne 0 ]; then
    echo "deb-smoke: FAILED" >&2
    exit 1
fi
echo "deb-smoke: installed package passes the smoke test"
