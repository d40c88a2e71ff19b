/* result.h: what a check says about one target: a verdict per metric
 * with its problems, and the stable names of verdicts and problem codes
 * that TAP, baselines and every report use. */
#ifndef PG_RESULT_H
#define PG_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "expo/expo.h"

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
    PG_PROBLEM_BASELINE,       /* note: a baseline entry has expired */
    PG_PROBLEM_ERRATUM,        /* a docs erratum: a diagnostic on the
                                  corrected contract, a failure when the
                                  docs are checked as written */
    PG_PROBLEM_NATIVE          /* documented as a native histogram, served
                                  over protobuf without native buckets */
};

/* Stable lowercase names of problem codes ("missing", "labels_extra", ...),
 * as used in baseline files and reports. */
const char *pg_problem_code_name(enum pg_problem_code c);
/* Parses a name of pg_problem_code_name(); returns 0, or -1 if unknown. */
int pg_problem_code_parse(const char *s, enum pg_problem_code *out);
/* "pass", "fail", "skip", "todo", "warn". */
const char *pg_verdict_name(enum pg_verdict v);
/* "documented", "undocumented", "format". */
const char *pg_result_kind_name(enum pg_result_kind k);

typedef struct pg_problem {
    enum pg_problem_code code;
    int failure;      /* 1 if it fails the metric, 0 if diagnostic only */
    char *message;    /* one line, e.g. "missing label 'agent_name'" */
    char *expected;   /* NULL if not applicable */
    char *got;        /* NULL if not applicable */
    uint64_t line, column; /* position in the raw scrape, 0 if none */
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

/* The content negotiation of a scraped target: all NULL when the target
 * was not fetched over HTTP (a file, stdin, the Prometheus API). */
typedef struct pg_negotiation {
    char *accept;          /* the Accept header sent */
    char *content_type;    /* the response's Content-Type, "" if none */
    enum pg_format body;   /* the format the body really is (its bytes) */
} pg_negotiation;

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
    int check_error;       /* error came from judging (a pattern that could
                              not decide a value), not from reading */
    char **notes;          /* diagnostics about the run on this target
                              (an --exempt that matched nothing), TAP
                              comments */
    size_t nnotes;
    pg_negotiation negotiated; /* what a scrape asked for and got */
} pg_target_result;

/* True if the metric's verdicts make the run fail. */
int pg_target_result_failed(const pg_target_result *r);
/* Adds a fault of the transport (a Content-Type Prometheus 3 refuses, one
 * that contradicts the body, a required format not served) to the target's
 * format result, which it fails when failure is set. No-op when the format
 * concern was not selected. */
void pg_target_result_format_problem(pg_target_result *r, int failure,
                                     const char *expected, const char *got,
                                     const char *message);
/* Adds a note (a TAP comment and a report line) to the target. */
void pg_target_result_note(pg_target_result *r, const char *note);
void pg_target_result_release(pg_target_result *r);

#endif
