/* report_int.h: internals shared by the report modules (report.c: model,
 * counts, order, text cleaning; report_{json,md,html,junit}.c: renderers;
 * report_write.c: report directories). Not part of the public API. */
#ifndef PG_REPORT_INT_H
#define PG_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "report/report.h"
#include "core/util.h"

/* Where a result lands in the summary; one per row. */
enum pg__report_status {
    PG__ST_CONFORMANT = 0,  /* documented, present, as documented */
    PG__ST_MISSING,         /* documented, absent */
    PG__ST_CHANGED,         /* documented, present, differs */
    PG__ST_UNDOCUMENTED,    /* exposed, not in the golden */
    PG__ST_SKIPPED,         /* conditional, absent, condition not enabled */
    PG__ST_ACCEPTED,        /* failure accepted by the baseline */
    PG__ST_FORMAT_OK,       /* format conformance passed */
    PG__ST_FORMAT_ERROR,    /* format conformance failed */
    PG__ST_UNREADABLE       /* target could not be read (no results) */
};

typedef struct pg__report_counts {
    size_t conformant, missing, changed, undocumented, skipped, accepted;
    size_t undocumented_failed; /* of undocumented, those that fail */
    size_t format_errors;  /* format results that fail */
    size_t unreadable;     /* targets that could not be read */
    size_t failures;       /* failing rows: FAIL verdicts + unreadable */
    size_t warnings;       /* WARN verdicts */
    size_t rows;           /* metric results (unreadable targets apart) */
    size_t expected;       /* documented metrics not skipped */
    size_t seen;           /* of those, present in the scrape */
} pg__report_counts;

/* A row of a report: result `result` of target `target`, or the
 * unreadable-target row when result == (size_t)-1. */
typedef struct pg__report_row {
    size_t target, result;
} pg__report_row;
#define PG__ROW_TARGET ((size_t)-1)

enum pg__report_status pg__report_status_of(const pg_metric_result *m);
const char *pg__report_status_name(enum pg__report_status s);
const char *pg__report_status_label(enum pg__report_status s);

void pg__report_count_target(const pg_report_run *run,
                             const pg_target_result *t,
                             pg__report_counts *c);
void pg__report_count_run(const pg_report_run *run, pg__report_counts *c);
/* 1 if the run fails (exit 1). */
int pg__report_run_failed(const pg__report_counts *c);
/* Coverage seen/expected, or -1 when nothing is expected. */
double pg__report_coverage(const pg__report_counts *c);

/* Rows of the whole run, failures first (then accepted, warnings,
 * skipped, passes), otherwise in target and result order; new array of
 * *n rows. With one_target != PG__ROW_TARGET only that target's rows. */
pg__report_row *pg__report_rows(const pg_report_run *run, size_t one_target,
                                size_t *n);

/* Report text: valid UTF-8 (invalid bytes become U+FFFD), credentials
 * scrubbed (URL userinfo, secret query values, Bearer/Basic credentials,
 * Authorization-like "Name: value" pairs, and run->secrets). NULL gives
 * NULL. New string. */
char *pg__report_clean(const pg_report_run *run, const char *s);
/* A JSON string of s cleaned as by pg__report_clean, or JSON null for
 * NULL; new reference (report_json.c; also used by report_diff_json.c). */
struct json_t;
struct json_t *pg__report_jstr(const pg_report_run *run, const char *s);
/* doc as report text: indented, keys sorted, reals with precision
 * significant digits, a final newline ("{}\n" if it cannot be dumped).
 * Takes doc's reference. New string (report_json.c; also report_diff_json.c). */
char *pg__report_json_text(struct json_t *doc, int precision);
/* Replaces every run->secrets value in buf (any bytes) by REDACTED. */
void pg__report_scrub_secrets(const pg_report_run *run, pg_buf *buf);
/* 1 if pg__report_scrub_secrets() has any secret to cut. */
int pg__report_has_secrets(const pg_report_run *run);
/* Header block scrub: values of credential-bearing headers (names with
 * authorization, cookie, token, key, secret, password) become REDACTED,
 * then pg__report_clean rules. New string. */
char *pg__report_clean_headers(const pg_report_run *run, const char *s,
                               size_t len);
/* s (NULL as "") cleaned as by pg__report_clean, then appended as by
 * add_xml() in report.c: every text of the HTML and JUnit reports. */
void pg__report_add_xml_clean(pg_buf *b, const pg_report_run *run,
                              const char *s, int attr);

/* A list as the checker writes a problem's expected and got: label
 * names "a, b", bucket bounds "[1, 2]" (the brackets dropped when
 * brackets is set). pg__report_list_next yields each item in turn (not
 * NUL-terminated) and returns 0 after the last. */
typedef struct pg__report_list {
    const char *p, *stop;
    int bracketed;         /* the list was written in brackets */
} pg__report_list;
void pg__report_list_init(pg__report_list *l, const char *s, int brackets);
int pg__report_list_next(pg__report_list *l, const char **item,
                         size_t *len);

/* "scrape LINE:COL", or "scrape line LINE" when the column is unknown. */
void pg__report_add_pos(pg_buf *b, uint64_t line, uint64_t column);

/* "2026-07-06T10:00:00Z". */
void pg__report_time_iso(time_t t, char out[32]);
/* "20260706T100000Z". */
void pg__report_time_compact(time_t t, char out[32]);
/* Lowercase [a-z0-9-] slug of a target (scheme, credentials dropped),
 * at most 48 bytes, "target" if nothing is left. New string. */
char *pg__report_slug(const char *target);
/* Golden version or "unknown". */
const char *pg__report_golden_version(const pg_report_run *run);

/* Markdown table-cell text (escaped) and code span (report_md.c). */
void pg__report_md_text(pg_buf *b, const pg_report_run *run, const char *s);
void pg__report_md_code(pg_buf *b, const pg_report_run *run, const char *s);

/* HTML scaffolding shared by check and diff reports (report_html.c):
 * document head with CSS up to the open <header>, the filter bar, and
 * the closing </main>, script and </html>. */
void pg__report_html_head(pg_buf *b, const char *title, int failed,
                          int single);
void pg__report_html_filters(pg_buf *b, int diff);
void pg__report_html_tail(pg_buf *b);

/* Report directories (report_write.c). pg__report_dir_commit lets fill()
 * write into a temporary directory and renames it into place: as
 * DIR/<stamp>-<slug>[-N]/ with DIR/latest switched to it and old reports
 * pruned, or as DIR itself (flat). */
int pg__report_dir_commit(const pg_report_place *where, const char *slug,
                          time_t started,
                          int (*fill)(const char *tmp, void *ctx,
                                      pg_error *err),
                          void *ctx, char **out_dir, pg_error *err);
/* Writes data as DIR/NAME atomically. _str frees data. */
int pg__report_put(const char *dir, const char *name, const char *data,
                   size_t len, pg_error *err);
int pg__report_put_str(const char *dir, const char *name, char *data,
                       pg_error *err);
/* Copies SRC to DIR/NAME: secrets scrubbed; headers=1 also scrubs
 * credential-bearing header values. */
int pg__report_copy(const pg_report_run *run, const char *dir,
                    const char *name, const char *src, int headers,
                    pg_error *err);

/* ---- diff reports -------------------------------------------------------- */

/* Phrases every diff format shares (report_diff_phrases.c): label names
 * joined by ", ", each between quote; bucket bounds "[0.1,1]" with the
 * fewest digits that read back alike ("unknown" when the side does not
 * know them); what changed in a changed or renamed entry, "type gauge ->
 * counter; labels added 'a'; ..." (label names between quote); and what
 * the docs changed in a docs correction. */
void pg__report_diff_labels(pg_buf *b, char *const *v, size_t n,
                            const char *quote);
void pg__report_diff_bounds(pg_buf *b, const pg_golden_metric *m);
void pg__report_diff_changes(pg_buf *b, const pg_diff_entry *e,
                             const char *quote);
void pg__report_diff_correction(pg_buf *b, const pg_diff_entry *e);
/* For an added or removed entry of a metric the docs list on both sides
 * while the code started or stopped serving it: what happened, e.g.
 * "no longer served, though the docs still list it"; else NULL. */
const char *pg__report_diff_served_note(const pg_diff_entry *e);

/* What `promgate diff` prints: text or Markdown (report_diff_text.c),
 * JSON (report_diff_json.c). New strings. */
char *pg__report_diff_text(const pg_diff *d, int md);
char *pg__report_diff_stdout_json(const pg_diff *d);

/* The rows of a diff report (report_diff_rows.c): every metric of either side
 * once, breaking changes first, then notes, then unchanged metrics. */
enum pg__drow_kind {
    PG__D_REMOVED, PG__D_RENAMED, PG__D_CHANGED, PG__D_ADDED,
    PG__D_CORRECTED,               /* a docs correction: a note */
    PG__D_UNCHANGED
};

typedef struct pg__drow {
    enum pg__drow_kind kind;
    enum pg_verdict verdict;       /* FAIL breaking, WARN note, PASS same */
    const pg_diff_entry *e;        /* NULL for unchanged */
    const pg_golden_metric *old_m, *new_m;
} pg__drow;

typedef struct pg__dcounts {
    size_t added, removed, renamed, changed, corrected, unchanged, breaking,
        notes;
} pg__dcounts;

/* What every report format renders from: the rows with their counts, a
 * run holding the secrets to clean, the start time. pg__report_dview_release
 * frees the rows. */
typedef struct pg__dview {
    pg_report_run run;
    pg__drow *rows;
    size_t n;
    pg__dcounts c;
    char started[32];
} pg__dview;

/* A run holding only r's secrets: the cleaning functions need no more. */
pg_report_run pg__report_diff_secrets_run(const pg_report_diff *r);
void pg__report_dview_init(pg__dview *v, const pg_report_diff *r);
void pg__report_dview_release(pg__dview *v);
const char *pg__report_drow_kind(enum pg__drow_kind k);
/* The metric a row is about (the old name of a rename). */
const char *pg__report_drow_name(const pg__drow *w);
/* What changed, one line. New string. */
char *pg__report_drow_details(const pg__drow *w);

#endif
