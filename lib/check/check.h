/* check.h: judges what one target exposed against a golden spec.
 *
 * A checker is fed by the exposition parser (its callbacks), whatever the
 * bytes came from: a file, a live scrape, or text rebuilt from the
 * Prometheus HTTP API. pg_checker_finish() turns what it saw into one
 * verdict per documented metric, per undocumented metric, and one for
 * format conformance. */
#ifndef PG_CHECK_H
#define PG_CHECK_H

#include <stddef.h>

#include "expo/expo.h"
#include "specs/golden.h"

enum pg_undocumented_mode {
    PG_UNDOCUMENTED_FAIL = 0,  /* default: an undocumented metric fails */
    PG_UNDOCUMENTED_WARN,      /* reported, does not fail */
    PG_UNDOCUMENTED_IGNORE     /* not reported */
};

enum pg_verdict {
    PG_VERDICT_PASS = 0,
    PG_VERDICT_FAIL,
    PG_VERDICT_SKIP,   /* conditional metric absent, condition not enabled */
    PG_VERDICT_TODO,   /* failure accepted by an unexpired baseline entry */
    PG_VERDICT_WARN    /* passes, with diagnostics (e.g. undocumented=warn) */
};

enum pg_result_kind {
    PG_RESULT_DOCUMENTED = 0,  /* a metric of the golden */
    PG_RESULT_UNDOCUMENTED,    /* in the scrape, not in the golden */
    PG_RESULT_FORMAT           /* format conformance of the whole scrape */
};

enum pg_problem_code {
    PG_PROBLEM_MISSING = 0,    /* documented metric absent */
    PG_PROBLEM_TYPE,           /* TYPE differs */
    PG_PROBLEM_LABELS_MISSING, /* documented labels not on every series */
    PG_PROBLEM_LABELS_EXTRA,   /* labels the golden does not list */
    PG_PROBLEM_LABEL_VALUE,    /* value outside the golden's pattern */
    PG_PROBLEM_STRUCTURE,      /* histogram/summary structure rule broken */
    PG_PROBLEM_BUCKETS,        /* bucket bounds differ from the golden */
    PG_PROBLEM_HELP,           /* HELP differs (diagnostic only) */
    PG_PROBLEM_UNDOCUMENTED,   /* not in the golden */
    PG_PROBLEM_FORMAT,         /* exposition format violation */
    PG_PROBLEM_BASELINE        /* note: a baseline entry has expired */
};

/* Stable lowercase names of problem codes ("missing", "labels_extra", ...),
 * as used in baseline files and reports. */
const char *pg_problem_code_name(enum pg_problem_code c);
/* Parses a name of pg_problem_code_name(); returns 0, or -1 if unknown. */
int pg_problem_code_parse(const char *s, enum pg_problem_code *out);
/* "pass", "fail", "skip", "todo", "warn". */
const char *pg_verdict_name(enum pg_verdict v);

typedef struct pg_problem {
    enum pg_problem_code code;
    int failure;      /* 1 if it fails the metric, 0 if diagnostic only */
    char *message;    /* one line, e.g. "missing label 'agent_name'" */
    char *expected;   /* NULL if not applicable */
    char *got;        /* NULL if not applicable */
    int line, column; /* position in the raw scrape, 0 if none */
} pg_problem;

typedef struct pg_metric_result {
    char *target;          /* target name as given (credentials removed) */
    char *metric;          /* metric name; "format" for PG_RESULT_FORMAT */
    enum pg_result_kind kind;
    enum pg_verdict verdict;
    char *condition;       /* for SKIP and conditional metrics, else NULL */
    char *baseline_reason; /* for TODO (and expired entries), else NULL */
    char *rename_hint;     /* similar undocumented/missing name, or NULL */
    pg_problem *problems;
    size_t nproblems;
} pg_metric_result;

typedef struct pg_target_result {
    char *target;          /* as given, credentials removed */
    char *error;           /* could not be read: reason; then no results */
    char *raw_path;        /* saved raw scrape, or NULL */
    pg_metric_result *results; /* documented (golden order), undocumented
                                  (name order), then format */
    size_t nresults;
    pg_parse_stats stats;
    double seconds;        /* scrape + check time */
    int undocumented_judged; /* the undocumented concern was judged (not
                                ignored, selected): with no undocumented
                                result, "none" is its passing verdict */
} pg_target_result;

/* Baseline of accepted deviations (JSON, doc/check.md). */
typedef struct pg_baseline pg_baseline;
pg_baseline *pg_baseline_load(const char *path, pg_error *err);
void pg_baseline_free(pg_baseline *b);

typedef struct pg_check_opts {
    const pg_golden *golden;
    enum pg_undocumented_mode undocumented;
    const char *const *exempt;  /* PCRE2 patterns exempt from undocumented */
    size_t nexempt;
    const char *only;           /* PCRE2: check only matching names */
    const char *skip;           /* PCRE2: skip matching names */
    const char *const *enabled; /* conditions that hold (--enable) */
    size_t nenabled;
    const pg_baseline *baseline;
    const char *today;          /* YYYY-MM-DD for baseline expiry; NULL=now */
    unsigned select;            /* enum pg_check_select bits; 0 = all */
    int empty_labels_dropped;   /* the input comes from the Prometheus API,
                                   which stores no empty label value: a
                                   missing label may be an empty one */
} pg_check_opts;

/* Concerns a run can be limited to (check --select), so a conformance
 * suite can split one target's verdicts into files by concern. */
enum pg_check_select {
    PG_SELECT_FORMAT = 1 << 0,       /* the one format result */
    PG_SELECT_DOCUMENTED = 1 << 1,   /* documented non-histogram metrics */
    PG_SELECT_HISTOGRAMS = 1 << 2,   /* documented histograms and summaries */
    PG_SELECT_UNDOCUMENTED = 1 << 3  /* metrics the golden does not list */
};
#define PG_SELECT_ALL 0x0fu

typedef struct pg_checker pg_checker;

/* New checker for one target; opts is borrowed and must outlive it.
 * Returns NULL with err set if a pattern does not compile. */
pg_checker *pg_checker_new(const pg_check_opts *opts, const char *target,
                           pg_error *err);
/* Parser callbacks that feed the checker; pass the checker as ctx. */
const pg_parser_callbacks *pg_checker_callbacks(void);
/* The format the scrape was parsed as (pg_parser_format() after the
 * parse), so messages use its words for a family without a TYPE line:
 * "untyped" in the text format, "unknown" in OpenMetrics. Optional. */
void pg_checker_set_format(pg_checker *c, enum pg_format f);
/* Builds the verdicts into out (release with pg_target_result_release). */
void pg_checker_finish(pg_checker *c, pg_target_result *out);
void pg_checker_free(pg_checker *c);

/* True if the metric's verdicts make the run fail. */
int pg_target_result_failed(const pg_target_result *r);
void pg_target_result_release(pg_target_result *r);

#endif
