/* tap.h: renders check verdicts as TAP version 13 for prove (a CI gate).
 * Version 13, not 14: the prove of Debian 12 (Test::Harness 3.44) rejects
 * a "TAP version 14" line. */
#ifndef PG_TAP_H
#define PG_TAP_H

#include <stddef.h>
#include <stdio.h>

#include "check/check.h"

/* Writes the TAP document for targets[0..n): the version line, the plan,
 * one test point per result (description starting with the metric name,
 * followed by the target when name_targets is set) with a YAML block on
 * failures and diagnostics, SKIP for absent conditional metrics, TODO for
 * baseline-accepted failures. A target that could not be read is one
 * failing test point. A target whose undocumented metrics were judged and
 * none found gets "ok N - no undocumented metrics" in their place. */
void pg_tap_write(FILE *out, const pg_target_result *targets, size_t n,
                  int name_targets);


#endif
