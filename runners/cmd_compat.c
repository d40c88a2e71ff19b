/* cmd_compat.c: promgate compat: the compatibility matrix of one
 * endpoint as TAP: one point per request, one per equivalence finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/compat.h"
#include "core/opts.h"
#include "core/redact.h"
#include "report/report_compat.h"
#include "report/report_opts.h"
#include "source/input.h"
#include "cmd.h"

static const pg_opts_cmd compat_cmd = {
    "promgate compat",
    "promgate compat [options] URL",
    "Scrapes URL once per scrape protocol alone, once per escaping scheme\n"
    "of each 1.0.0 text protocol and once per scraper's default Accept\n"
    "header, all at once, and checks that Prometheus 3 accepts every\n"
    "Content-Type, that names are escaped as asked and that every format\n"
    "serves the same families and series.\n",
    "output: TAP: one point per request (status, Content-Type, the format\n"
    "  the body is, parse errors, whether names are escaped as asked), then\n"
    "  one per equivalence finding, or\n"
    "  'ok - equivalence' when the formats agree\n\n"
    "exit codes:\n"
    "  0  every response accepted by Prometheus 3 and escaped as asked,\n"
    "     the formats agree\n"
    "  1  findings\n"
    "  2  no request got a whole body, or usage error\n",
    pg_print_version,
};

struct tap {
    unsigned long point;
    pg_report_compat *report;   /* keeps the findings for the reports */
};

static void finding(void *ctx, const char *text)
{
    struct tap *t = ctx;
    printf("not ok %lu - equivalence: %s\n", ++t->point, text);
    pg_report_compat_add_finding(t->report, text);
}

/* The reports, where asked (--report-dir or PROMGATE_REPORT_DIR): what
 * the TAP says, as tables. Returns rc, or exit 2 when they cannot be
 * written. */
static int write_report(const pg_report_flags *rf, pg_report_compat *rep,
                        const pg_scrape_flags *sf, int rc)
{
    if (!rf->place.dir)
        return rc;
    const char *sec[16];
    pg_secrets secrets = { NULL, 0, 0 };
    size_t n = pg_scrape_flags_secrets(sf, sec, 16);
    for (size_t i = 0; i < n; i++)
        pg_secrets_add(&secrets, sec[i], strlen(sec[i]));
    pg_secrets_add_url(&secrets, rep->url);
    rep->secrets = (const char *const *)secrets.v;
    rep->nsecrets = secrets.n;
    rep->seconds = pg_now_mono() - rep->seconds;
    char *dir = NULL;
    pg_error err;
    pg_error_init(&err);
    if (pg_report_write_compat(&rf->place, rep, &dir, &err)) {
        fputs("promgate compat: ", stderr);
        pg_error_print(&err, stderr);
        rc = PG_EXIT_ERROR;
    } else {
        fprintf(stderr, "promgate compat: report in %s/\n", dir);
    }
    free(dir);
    pg_secrets_release(&secrets);
    return rc;
}

/* One point for probe p; returns 1 if it is a finding. */
static int probe_point(struct tap *t, const pg_compat_probe *p)
{
    const pg_ctype *j = &p->judged;
    int bad = pg_compat_failed(p);
    printf("%s %lu - %s: status %ld, Content-Type '%s'", bad ? "not ok" : "ok",
           ++t->point, p->label, p->res.status, p->res.content_type);
    if (p->res.ok)
        printf(", body %s, %lu parse error%s", pg_format_name(p->real),
               p->errors, p->errors == 1 ? "" : "s");
    if (pg_compat_parsed(p) && p->escaping > PG_ESCAPING_ALLOW_UTF8)
        printf(", names %sescaped as asked", p->escaping_wrong ? "not " : "");
    putchar('\n');
    printf("# Accept: %s\n", p->accept);
    if (!p->res.ok)
        printf("# %s\n", p->res.error);
    else if (!j->accepted)
        printf("# refused by Prometheus 3: %s\n", j->why);
    else if (j->warning)
        printf("# warning: %s\n", j->why);
    if (p->errors)
        printf("# first parse error: %s\n", p->first_error);
    if (p->escaping_wrong)
        printf("# escaping: %s\n", p->escaping_why);
    return bad;
}

int pg_cmd_compat(int argc, char **argv)
{
    pg_scrape_flags sf;
    pg_report_flags rf;
    pg_scrape_flags_init(&sf);
    pg_report_flags_init(&rf);
    pg_option opts[] = {
        PG_OPT_INCLUDE(pg_report_options, &rf),
        PG_OPT_INCLUDE(pg_scrape_options, &sf),
        PG_OPT_END(),
    };
    int n = pg_opts_parse(&compat_cmd, opts, argc, argv), rc;
    pg_error err;
    pg_error_init(&err);
    if (n < 0)
        rc = pg_opts_exit(n);
    else if (n != 1)
        rc = pg_opts_error(&compat_cmd, n ? "more than one URL" : "no URL");
    else if (pg_scrape_flags_finish(&sf, &err))
        rc = pg_opts_error(&compat_cmd, "%s", err.text);
    else {
        pg_compat_probe *p;
        size_t np = pg_compat_plan(&p), scraped = 0, bad = 0;
        pg_report_compat rep = { argv[0], p, np, NULL, 0, time(NULL),
                                 pg_now_mono(), NULL, 0 };
        struct tap t = { 0, &rep };
        pg_report_flags_finish(&rf, getenv("PROMGATE_REPORT_DIR"));
        pg_compat_run(p, np, argv[0], &sf.opts);
        for (size_t i = 0; i < np; i++)
            scraped += p[i].res.ok;
        if (!scraped) {
            /* the error names the URL, credentials removed */
            fprintf(stderr, "promgate compat: %s\n", p[0].res.error);
            rc = PG_EXIT_ERROR;
        } else {
            for (size_t i = 0; i < np; i++)
                bad += probe_point(&t, &p[i]);
            size_t d = pg_compat_compare(p, np, finding, &t);
            if (!d)
                printf("ok %lu - equivalence\n", ++t.point);
            printf("1..%lu\n", t.point);  /* findings are counted as found */
            rc = bad || d ? PG_EXIT_FAIL : PG_EXIT_OK;
        }
        rc = write_report(&rf, &rep, &sf, rc);
        pg_report_compat_release(&rep);
        pg_compat_free(p, np);
    }
    pg_scrape_flags_release(&sf);
    return rc;
}
