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
#include "check/result.h"
#include "check/baseline.h"

enum pg_undocumented_mode {
    PG_UNDOCUMENTED_FAIL = 0,  /* default: an undocumented metric fails */
    PG_UNDOCUMENTED_WARN,      /* reported, does not fail */
    PG_UNDOCUMENTED_IGNORE     /* not reported */
};

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
    int docs_as_written;        /* golden is pg_golden_as_documented() of
                                   corrected: every erratum fails */
    const pg_golden *corrected; /* with docs_as_written: the golden as
                                   saved, to name errata of metrics the
                                   docs leave out or misname */
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

/* Validates opts against their golden before any target is read: every
 * pattern compiles, every --enable names a condition of the golden (or
 * "all", a condition's value alone, "kind:*"), and --only/--skip with
 * --select select at least one documented metric. Returns 0, or -1 with
 * err set (a usage error). */
int pg_check_opts_validate(const pg_check_opts *opts, pg_error *err);
/* The first --enable value that names no condition of the golden, or
 * NULL: a typo, or quotes a shell kept ('activity:*'), would otherwise
 * enable nothing, silently. */
const char *pg_check_unknown_condition(const pg_check_opts *opts);
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


#endif
