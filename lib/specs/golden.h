/* golden.h: the golden spec a scrape is judged against: one entry per
 * documented metric, loaded from and saved to JSON (golden/SCHEMA.md). */
#ifndef PG_GOLDEN_H
#define PG_GOLDEN_H

#include <stddef.h>

#include "expo/expo.h"
#include "core/util.h"

/* A closed label domain: values of `label` must match `pattern` (PCRE2,
 * anchored at both ends by the checker). */
typedef struct pg_label_rule {
    char *label;
    char *pattern;
} pg_label_rule;

/* A docs erratum (golden/SCHEMA.md): the docs table is wrong about what
 * the code serves. The metric entry holds what the code serves; the
 * erratum holds what the docs say and the code's evidence, so a check can
 * judge the corrected contract or the docs as written. */
typedef struct pg_erratum {
    char *evidence;            /* e.g. "coderd/files/cache.go:55 at a6afcd046f" */
    char *releases;            /* release range it holds for, or NULL */
    char *docs_name;           /* name the docs give, or NULL if the same */
    int has_docs_labels;       /* the docs give other labels: */
    char **docs_labels;        /* sorted */
    size_t ndocs_labels;
    int has_docs_type;         /* the docs give another type: */
    enum pg_type docs_type;
    int unlisted;              /* the docs do not list the metric */
    int unserved;              /* the docs list it, the code does not serve it */
    int docs_side;             /* set by pg_golden_as_documented(): the entry
                                  holds what the docs say and docs_* fields
                                  what the code serves; never saved */
} pg_erratum;

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
    char *name_pattern;        /* NULL, or PCRE2 (anchored): the docs give a
                                  templated name (`name` holds it as written),
                                  and every family matching it is this one */
    char **label_patterns;     /* PCRE2 (anchored): templated label names;
                                  labels matching one are allowed, not
                                  required */
    size_t nlabel_patterns;
    char **documented_at;      /* "file:line" of each place when the docs
                                  document the metric more than once */
    size_t ndocumented_at;
    char **meta_keys;          /* extra docs columns (Status, Since, ...) */
    char **meta_values;
    size_t nmeta;
    struct pg_matcher *_name_re;    /* compiled name_pattern (pg_golden_sort) */
    struct pg_matcher **_label_res; /* compiled label_patterns */
    pg_erratum *erratum;       /* where the docs are wrong, or NULL */
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
/* pg_golden_find(), then the first metric whose name_pattern matches. */
const pg_golden_metric *pg_golden_match(const pg_golden *g, const char *name);
/* 1 if a label name is allowed by one of m's label_patterns. */
int pg_golden_label_templated(const pg_golden_metric *m, const char *name,
                              size_t len);
/* The labels g (a const pg_golden *, as void * so that it fits a reader's
 * callback, such as the Prometheus API reader's) documents for family;
 * *n set to their number. NULL if family is not in g. */
const char *const *pg_golden_labels_of(void *g, const char *family,
                                       size_t *n);
/* The distinct conditions of g's metrics, sorted; the caller frees the
 * array (the strings are g's). */
const char **pg_golden_conditions(const pg_golden *g, size_t *n);
/* Prints them one a line, each after indent; if_none (unless NULL) when
 * there are none. */
void pg_golden_print_conditions(const pg_golden *g, FILE *out,
                                const char *indent, const char *if_none);
/* Sorts metrics by name and compiles name and label patterns; call after
 * building a golden by hand. */
void pg_golden_sort(pg_golden *g);
void pg_golden_free(pg_golden *g);
void pg_erratum_free(pg_erratum *e);

/* ---- additions (construction helpers for producers of goldens) ---- */

/* Parses golden JSON from memory; source names it in errors. */
pg_golden *pg_golden_loadb(const char *buf, size_t len, const char *source,
                           pg_error *err);
/* New empty golden of the given kind ("docs", "exposition"); caller frees
 * with pg_golden_free(). */
pg_golden *pg_golden_new(const char *kind);
/* Appends a metric with name set, help "" and nothing else; the pointer is
 * valid until the next pg_golden_add(). Call pg_golden_sort() when done. */
pg_golden_metric *pg_golden_add(pg_golden *g, const char *name);
/* Appends a source (file base name and hex SHA-256; both copied). */
void pg_golden_add_source(pg_golden *g, const char *file, const char *sha256);
/* Sorts labels, label rules and buckets of one metric, dropping duplicate
 * labels (pg_golden_sort() does this for every metric). */
void pg_golden_metric_normalize(pg_golden_metric *m);
/* Frees the contents of one metric and zeroes it. */
void pg_golden_metric_release(pg_golden_metric *m);

/* A lint finding of a producer (docs reader, overlay): rule is a static
 * short name, w holds SOURCE:LINE:COL and the message. pg_docs_warn_fn
 * and pg_overlay_warn_fn are this same type. */
typedef void (*pg_golden_warn_fn)(void *ctx, const char *rule,
                                  const pg_error *w);
/* Formats a finding into a pg_error and hands it to warn; nothing when
 * warn is NULL. */
void pg_golden_vwarn(pg_golden_warn_fn warn, void *ctx, const char *rule,
                     const char *source, int line, int column,
                     const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

#endif
