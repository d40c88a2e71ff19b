#!/bin/sh
# Documented counters, gauges and other non-histogram metrics: present
# (conditional ones SKIP unless enabled), type, label names, label values.
. "$(dirname "$0")/lib/common.sh"
suite_check --select documented
