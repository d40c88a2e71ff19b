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

/* One line for humans, without a newline: the verdict, the counts and
 * the coverage, e.g. "FAIL: 6 of 11 results failing (1 missing, ...);
 * 2 conformant, ...; coverage 71.4% (5 of 7 documented)". New string. */
char *pg_report_summary_line(const pg_report_run *run);

/* The JSON document of reports/SCHEMA.md; also `check --format json`.
 * Caller frees. */
char *pg_report_json(const pg_report_run *run);
char *pg_report_markdown(const pg_report_run *run);
char *pg_report_html(const pg_report_run *run);
char *pg_report_junit(const pg_report_run *run);

/* Where a report goes. History (flat 0): DIR/<UTC timestamp>-<slug>/,
 * DIR/latest a symlink to the newest, and only the newest `keep` report
 * directories kept (0 keeps all). Flat: DIR itself holds this run's
 * files, replaced whole by the next run, a fixed path for CI uploaders
 * that do not follow symlinks; DIR must be new, empty or an earlier flat
 * report (it holds a .promgate-report marker), never anything else. */
typedef struct pg_report_place {
    const char *dir;
    unsigned long keep;
    int flat;
} pg_report_place;

/* Writes report.md, report.json, report.html, junit.xml, raw scrapes and
 * copies of golden and baseline to the place. Each file is written to a
 * temporary name and renamed, the directory is renamed into place last.
 * On success *out_dir (if not NULL) is the report's directory (caller
 * frees). Returns 0, or -1 with err set. */
int pg_report_write_check(const pg_report_place *where,
                          const pg_report_run *run, char **out_dir,
                          pg_error *err);

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

/* What `promgate diff` prints on stdout: text (a unified-diff-like
 * listing), Markdown, or the JSON of doc/golden.md ("JSON contract"). */
enum pg_report_diff_format {
    PG_REPORT_DIFF_TEXT = 0,
    PG_REPORT_DIFF_MARKDOWN,
    PG_REPORT_DIFF_JSON
};
char *pg_report_diff_stdout(const pg_diff *d, enum pg_report_diff_format f);

/* Like pg_report_write_check, for a diff (slug diff-<new side>): the four
 * reports, old.golden.json and new.golden.json
 * (both sides as goldens) and copies of the sides that are files. */
int pg_report_write_diff(const pg_report_place *where,
                         const pg_report_diff *r, char **out_dir,
                         pg_error *err);

#endif
