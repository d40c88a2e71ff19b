#!/bin/sh
# pg_edit_distance() (lib/core/util.h), which rename hints rely on, against
# fixtures/golden/edit-distance.txt. Numbers: tests/58-core-numbers.t.
cd "$(dirname "$0")/.." || exit 1
exec bin/pg-util-cases edit-distance fixtures/golden/edit-distance.txt
