#!/bin/sh
# Metrics the target exposes that the golden does not document (see
# --undocumented and --exempt in PROMGATE_CHECK_FLAGS).
. "$(dirname "$0")/lib/common.sh"
suite_check --select undocumented
