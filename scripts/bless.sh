#!/bin/sh
# bless.sh DIR: installs what the case tests kept under DIR (see
# tests/lib/bless.sh) as their expected files, removes those listed in
# DIR/.absent, and shows what changed. Run through `make bless`, never in
# CI; review `git diff` before committing.
set -e
cd "$(dirname "$0")/.."
dir=$1
[ -d "$dir" ] || { echo "bless.sh: nothing kept in '$dir'" >&2; exit 2; }
(cd "$dir" && find . -type f ! -name .absent) | while read -r f; do
    f=${f#./}
    if ! cmp -s "$dir/$f" "$f"; then cp "$dir/$f" "$f"; echo "blessed $f"; fi
done
if [ -f "$dir/.absent" ]; then
    sort -u "$dir/.absent" | while read -r f; do
        if [ -e "$f" ]; then rm -f "$f"; echo "removed $f"; fi
    done
fi
