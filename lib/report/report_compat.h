/* report_compat.h: the compatibility matrix of one endpoint (promgate
 * compat --report-dir) as reports: report.json (kind "compat",
 * reports/SCHEMA.md), report.md, report.html and junit.xml, one row per
 * request, then the equivalence findings. */
#ifndef PG_REPORT_COMPAT_H
#define PG_REPORT_COMPAT_H

#include <stddef.h>
#include <time.h>

#include "check/compat.h"
#include "report/report.h"

/* A compat run. Everything is borrowed but the findings, which
 * pg_report_compat_add_finding copies and pg_report_compat_release
 * frees. */
typedef struct pg_report_compat {
    const char *url;               /* the endpoint, as given */
    const pg_compat_probe *probes; /* in plan order */
    size_t nprobes;
    char **findings;               /* equivalence findings, one line each */
    size_t nfindings;
    time_t started;                /* wall clock at start */
    double seconds;                /* duration of the run */
    const char *const *secrets;    /* as in pg_report_run; may be NULL */
    size_t nsecrets;
} pg_report_compat;

/* Keeps a copy of one equivalence finding (pg_compat_compare's text). */
void pg_report_compat_add_finding(pg_report_compat *r, const char *text);
void pg_report_compat_release(pg_report_compat *r);

/* The four reports. Caller frees. */
char *pg_report_compat_json(const pg_report_compat *r);
char *pg_report_compat_markdown(const pg_report_compat *r);
char *pg_report_compat_html(const pg_report_compat *r);
char *pg_report_compat_junit(const pg_report_compat *r);

/* Writes the four reports to the place (slug compat-<url slug>), as
 * pg_report_write_check does. Returns 0, or -1 with err set. */
int pg_report_write_compat(const pg_report_place *where,
                           const pg_report_compat *r, char **out_dir,
                           pg_error *err);

#endif
