/* baseline_int.h: the baseline's entries, shared by baseline.c (loading)
 * and check.c (applying). Private to lib/. */
#ifndef PG_BASELINE_INT_H
#define PG_BASELINE_INT_H

#include <stddef.h>

#include "check/check.h"

typedef struct pg__baseline_entry {
    char *metric;          /* metric name, exact */
    char *target;          /* target as given, or NULL for any target */
    int has_problem;       /* 1 if limited to one problem code */
    enum pg_problem_code problem;
    char *reason;          /* why the deviation is accepted */
    char *expires;         /* YYYY-MM-DD (last day accepted), or NULL */
    int line, column;      /* where the entry starts in the file */
} pg__baseline_entry;

struct pg_baseline {
    char *path;
    pg__baseline_entry *entries;
    size_t nentries;
};

/* The first entry that covers result r of target, or NULL. An entry with a
 * problem code covers r only if every failing problem of r has it. */
const pg__baseline_entry *pg__baseline_match(const pg_baseline *b,
                                             const char *target,
                                             const pg_metric_result *r);

#endif
