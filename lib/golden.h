/* golden.h: the golden spec a scrape is judged against: one entry per
 * documented metric, loaded from and saved to JSON (golden/SCHEMA.md). */
#ifndef PG_GOLDEN_H
#define PG_GOLDEN_H

#include <stddef.h>

#include "expo.h"
#include "util.h"

/* A closed label domain: values of `label` must match `pattern` (PCRE2,
 * anchored at both ends by the checker). */
typedef struct pg_label_rule {
    char *label;
    char *pattern;
} pg_label_rule;

typedef struct pg_golden_metric {
    char *name;
    enum pg_type type;
    char *help;                /* "" when the docs give none */
    char **labels;             /* sorted, without le/quantile */
    size_t nlabels;
    int has_buckets;           /* buckets below are known */
    double *buckets;           /* finite upper bounds, ascending; +Inf implicit */
    size_t nbuckets;
    int native_histogram;      /* also exposed as a native histogram */
    char *condition;           /* NULL: required; else the condition under
                                  which it appears, e.g. a server flag */
    pg_label_rule *label_values;
    size_t nlabel_values;
    char *help_exception;      /* why HELP may differ at runtime, or NULL */
    int sum_count_optional;    /* histogram/summary may omit _sum/_count */
} pg_golden_metric;

typedef struct pg_golden_source {
    char *file;                /* base name of the input */
    char *sha256;              /* hex digest of its bytes */
} pg_golden_source;

typedef struct pg_golden {
    char *kind;                /* "docs" or "exposition" */
    char *version;             /* e.g. "2026-07-06 b21e0717d5", or NULL */
    pg_golden_source *sources;
    size_t nsources;
    pg_golden_source overlay;  /* file NULL when no overlay was applied */
    pg_golden_metric *metrics; /* sorted by name, names unique */
    size_t nmetrics;
} pg_golden;

/* Loads a golden JSON file. Returns a new golden (free with
 * pg_golden_free()), or NULL with err set to file:line:col and reason. */
pg_golden *pg_golden_load(const char *path, pg_error *err);
/* Serializes deterministically (sorted keys, fixed float format); caller
 * frees. */
char *pg_golden_dumps(const pg_golden *g);
/* Writes pg_golden_dumps() output atomically. */
int pg_golden_save(const pg_golden *g, const char *path, pg_error *err);
/* Binary search by name; borrowed pointer or NULL. */
const pg_golden_metric *pg_golden_find(const pg_golden *g, const char *name);
/* Sorts metrics by name; call after building a golden by hand. */
void pg_golden_sort(pg_golden *g);
void pg_golden_free(pg_golden *g);

#endif
