/* report.h: renders check runs and release diffs as reports (JSON,
 * Markdown, HTML, JUnit XML) and writes report directories atomically. */
#ifndef PG_REPORT_H
#define PG_REPORT_H

#include <stddef.h>
#include <time.h>

#include "check/check.h"
#include "diff/diff.h"
#include "specs/golden.h"
#include "core/util.h"

/* Everything a check report shows; all borrowed. */
typedef struct pg_report_run {
    const char *golden_path;
    const pg_golden *golden;
    const char *baseline_path;     /* or NULL */
    const pg_target_result *targets;
    size_t ntargets;
    time_t started;                /* wall clock at start */
    double seconds;                /* duration of the run */
    /* Values that must never appear in a report (bearer token, password,
     * Authorization header values); every occurrence in report text and
     * copied files is replaced by "REDACTED". Values shorter than 3 bytes
     * are ignored. May be NULL. */
    const char *const *secrets;
    size_t nsecrets;
} pg_report_run;

/* The JSON document of reports/SCHEMA.md; also `check --format json`.
 * Caller frees. */
char *pg_report_json(const pg_report_run *run);
char *pg_report_markdown(const pg_report_run *run);
char *pg_report_html(const pg_report_run *run);
char *pg_report_junit(const pg_report_run *run);

/* Writes DIR/<UTC timestamp>-<target slug>/ with report.md, report.json,
 * report.html, junit.xml, raw scrapes and copies of golden and baseline,
 * then points DIR/latest at it. Each file is written to a temporary name
 * and renamed. On success *out_dir (if not NULL) is the new directory
 * (caller frees). Returns 0, or -1 with err set. */
int pg_report_write_check(const char *dir, const pg_report_run *run,
                          char **out_dir, pg_error *err);

/* A release diff report (promgate diff --report-dir); all borrowed. */
typedef struct pg_report_diff {
    const pg_diff *diff;
    time_t started;                /* wall clock at start */
    double seconds;                /* duration of the comparison */
    const char *const *secrets;    /* as in pg_report_run; may be NULL */
    size_t nsecrets;
} pg_report_diff;

/* Diff reports: JSON (kind "diff", reports/SCHEMA.md), Markdown, HTML,
 * JUnit XML (one testcase per metric of either side: removed, renamed and
 * type/label/bucket changes fail). Caller frees. */
char *pg_report_diff_json(const pg_report_diff *r);
char *pg_report_diff_markdown(const pg_report_diff *r);
char *pg_report_diff_html(const pg_report_diff *r);
char *pg_report_diff_junit(const pg_report_diff *r);

/* Like pg_report_write_check, for a diff: DIR/<UTC timestamp>-diff-<new
 * side slug>/ with the four reports, old.golden.json and new.golden.json
 * (both sides as goldens) and copies of the sides that are files. */
int pg_report_write_diff(const char *dir, const pg_report_diff *r,
                         char **out_dir, pg_error *err);

#endif
