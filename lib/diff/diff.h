/* diff.h: compares two goldens (two releases of the docs, expositions or
 * live endpoints turned into goldens) and reports metrics added, removed,
 * renamed and changed, and apart from those the docs corrections: rows
 * the docs fixed (or broke) while the code stayed the same, known from the
 * goldens' errata (golden/SCHEMA.md). It computes only: every rendering
 * of a pg_diff is lib/report's (report/report.h). */
#ifndef PG_DIFF_H
#define PG_DIFF_H

#include <stddef.h>

#include "specs/golden.h"
#include "core/util.h"

/* What changed between the old and the new entry of one metric. */
enum pg_diff_what {
    PG_DIFF_TYPE = 1 << 0,      /* type differs */
    PG_DIFF_LABELS = 1 << 1,    /* label set differs */
    PG_DIFF_BUCKETS = 1 << 2,   /* bucket bounds differ (both known) */
    PG_DIFF_HELP = 1 << 3,      /* HELP text differs */
    PG_DIFF_CONDITION = 1 << 4, /* requirement level differs */
    PG_DIFF_NATIVE = 1 << 5,    /* native-histogram flag differs */
    PG_DIFF_SERVED = 1 << 6     /* added/removed: the code (re)started or
                                   stopped serving a metric the docs list
                                   on both sides */
};

/* One metric of the report. For added, old_m is NULL; for removed, new_m
 * is NULL; for changed both have the same name; for renamed the names
 * differ. Metric pointers borrow from the goldens held by pg_diff. */
typedef struct pg_diff_entry {
    const pg_golden_metric *old_m;
    const pg_golden_metric *new_m;
    unsigned what;                 /* enum pg_diff_what bits */
    char **labels_added;           /* labels only in new_m, sorted */
    size_t nlabels_added;
    char **labels_removed;         /* labels only in old_m, sorted */
    size_t nlabels_removed;
    const char *rename_reason;     /* renamed: static text, e.g. "unit
                                      _ms -> _seconds", else NULL */
    double similarity;             /* renamed: 0..1 score of the match */
} pg_diff_entry;

typedef struct pg_diff {
    pg_golden *old_g, *new_g;      /* owned */
    char *old_source, *new_source; /* as given (credentials removed) */
    pg_diff_entry *added;          /* each list sorted by name (renamed:   */
    size_t nadded;                 /* by old name)                         */
    pg_diff_entry *removed;
    size_t nremoved;
    pg_diff_entry *renamed;
    size_t nrenamed;
    pg_diff_entry *changed;
    size_t nchanged;
    pg_diff_entry *corrected;      /* docs corrections: the contract (what
                                      the code serves) is the same on both
                                      sides, only the docs' errata differ;
                                      new_m is NULL when the docs dropped a
                                      row the code never served */
    size_t ncorrected;
} pg_diff;

/* Options of a comparison. */
typedef struct pg_diff_opts {
    int ignore_help;      /* HELP changes are not reported */
    int no_renames;       /* never pair removed/added metrics as renames */
} pg_diff_opts;

/* Compares; takes ownership of both goldens (freed by pg_diff_free()).
 * opts may be NULL. Never fails. */
pg_diff *pg_diff_compute(pg_golden *old_g, pg_golden *new_g,
                         const char *old_source, const char *new_source,
                         const pg_diff_opts *opts);
/* 1 if nothing was added, removed, renamed or changed, and the docs made
 * no correction. */
int pg_diff_is_empty(const pg_diff *d);
/* The name of one enum pg_diff_what bit ("type", "labels", "buckets",
 * "help", "condition", "native_histogram", "served"): the key its details
 * have in JSON. */
const char *pg_diff_what_name(unsigned bit);
void pg_diff_free(pg_diff *d);

#endif
