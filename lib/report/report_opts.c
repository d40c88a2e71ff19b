/* report_opts.c: the report options shared by check and diff. */
#include <limits.h>

#include "report/report_opts.h"

void pg_report_flags_init(pg_report_flags *f)
{
    f->place.dir = NULL;
    f->place.keep = 10;
    f->place.flat = 0;
    f->no_report = 0;
}

/* --report-dir DIR: a later --report-dir wins over --no-report. */
static int set_dir(const pg_option *opt, void *v, const char *arg,
                   pg_error *err)
{
    pg_report_flags *f = v;
    (void)opt;
    if (!*arg)
        return pg_error_set(err, "--report-dir", 0, 0,
                            "--report-dir: empty directory name");
    f->place.dir = arg;
    f->no_report = 0;
    return 0;
}

static int set_keep(const pg_option *opt, void *v, const char *arg,
                    pg_error *err)
{
    return pg_opt_ulong(opt, arg, &((pg_report_flags *)v)->place.keep, err);
}

static int set_flat(const pg_option *opt, void *v, const char *arg,
                    pg_error *err)
{
    (void)opt;
    (void)arg;
    (void)err;
    ((pg_report_flags *)v)->place.flat = 1;
    return 0;
}

static int set_no_report(const pg_option *opt, void *v, const char *arg,
                         pg_error *err)
{
    pg_report_flags *f = v;
    (void)opt;
    (void)arg;
    (void)err;
    f->no_report = 1;
    f->place.dir = NULL;
    return 0;
}

void pg_report_flags_finish(pg_report_flags *f, const char *env_dir)
{
    if (!f->no_report && !f->place.dir && env_dir && *env_dir)
        f->place.dir = env_dir;
}

const pg_option pg_report_options[] = {
    PG_OPT_GROUP("report (written only when a directory is named)"),
    PG_OPT_CALLBACK(0, "report-dir", NULL, "DIR",
                    "write the report (Markdown, JSON, HTML,\n"
                    "JUnit) under DIR (default env\n"
                    "PROMGATE_REPORT_DIR; none if unset)", 0, set_dir),
    { PG_OPT_T_CALLBACK, 0, "report-keep", NULL, "N",
      "keep the newest N reports under DIR\n(default 10; 0 keeps all)", 0,
      0, 1e6, NULL, NULL, set_keep, 0 },
    PG_OPT_CALLBACK(0, "report-flat", NULL, NULL,
                    "DIR itself holds the report, replaced\n"
                    "each run (a fixed path for CI uploaders)",
                    PG_OPT_NOARG, set_flat),
    PG_OPT_CALLBACK(0, "no-report", NULL, NULL,
                    "write no report, whatever the environment",
                    PG_OPT_NOARG, set_no_report),
    PG_OPT_END(),
};
