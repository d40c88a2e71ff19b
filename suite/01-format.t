#!/bin/sh
# Format conformance: the scrape parses strictly as Prometheus text format
# 0.0.4 or OpenMetrics 1.0 (one test point per target).
. "$(dirname "$0")/lib/common.sh"
suite_check --select format
