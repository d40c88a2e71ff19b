#!/bin/sh
# The run's report (Markdown, HTML, JSON, JUnit) under PROMGATE_REPORT_DIR,
# when it is set; with --report-flat in PROMGATE_CHECK_FLAGS the directory
# itself holds it, a fixed path for CI artifact uploaders.
. "$(dirname "$0")/lib/common.sh"
suite_report
