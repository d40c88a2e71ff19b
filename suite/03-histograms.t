#!/bin/sh
# Documented histograms and summaries: presence, labels, and structure per
# series (+Inf bucket, cumulative counts, _count equal to +Inf, _sum and
# _count present, bucket bounds equal to the golden's, quantiles in range).
. "$(dirname "$0")/lib/common.sh"
suite_check --select histograms
