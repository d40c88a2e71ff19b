/* report_opts.h: where check and diff write their report, one option
 * table for both (--report-dir, --report-keep, --report-flat,
 * --no-report). No report is written unless a directory is named, by
 * --report-dir or by the environment the runner passes in. */
#ifndef PG_REPORT_OPTS_H
#define PG_REPORT_OPTS_H

#include "core/opts.h"
#include "report/report.h"

typedef struct pg_report_flags {
    pg_report_place place; /* place.dir NULL after finish: no report */
    int no_report;
} pg_report_flags;

/* Defaults: no directory, the newest 10 reports kept, history layout. */
void pg_report_flags_init(pg_report_flags *f);

/* After parsing: env_dir (the runner's PROMGATE_REPORT_DIR, may be NULL)
 * names the directory when no option did; --no-report wins over the
 * environment (an empty value names none). --report-dir "" is refused
 * while parsing. */
void pg_report_flags_finish(pg_report_flags *f, const char *env_dir);

/* PG_OPT_INCLUDE(pg_report_options, &flags) in a command's table. */
extern const pg_option pg_report_options[];

#endif
