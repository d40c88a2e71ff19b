/* baseline.h: the baseline of accepted deviations (JSON, doc/check.md):
 * loading it, and finding the entry that covers a result. The checker
 * applies it; the baseline knows results, not the checker. */
#ifndef PG_BASELINE_H
#define PG_BASELINE_H

#include <stddef.h>

#include "check/result.h"
#include "core/util.h"

typedef struct pg_baseline_entry {
    char *metric;          /* metric name, exact */
    char *target;          /* target as given, or NULL for any target */
    int has_problem;       /* 1 if limited to one problem code */
    enum pg_problem_code problem;
    char *reason;          /* why the deviation is accepted */
    char *expires;         /* YYYY-MM-DD (last day accepted), or NULL */
    int line, column;      /* where the entry starts in the file */
} pg_baseline_entry;

typedef struct pg_baseline {
    char *path;
    pg_baseline_entry *entries;
    size_t nentries;
} pg_baseline;

/* Loads and validates a baseline; errors name file:line:col. Returns NULL
 * with err set. */
pg_baseline *pg_baseline_load(const char *path, pg_error *err);
void pg_baseline_free(pg_baseline *b);

/* The first entry that covers result r of target, or NULL. An entry with a
 * problem code covers r only if every failing problem of r has it. */
const pg_baseline_entry *pg_baseline_match(const pg_baseline *b,
                                           const char *target,
                                           const pg_metric_result *r);

#endif
