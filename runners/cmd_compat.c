/* cmd_compat.c: promgate compat: the compatibility matrix of one
 * endpoint as TAP: one point per request, one per equivalence finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/compat.h"
#include "core/opts.h"
#include "source/input.h"
#include "cmd.h"

static const pg_opts_cmd compat_cmd = {
    "promgate compat",
    "promgate compat [options] URL",
    "Scrapes URL once per scrape protocol alone and once per scraper's\n"
    "default Accept header, and checks that Prometheus 3 accepts every\n"
    "Content-Type and that every format serves the same families and\n"
    "series.\n",
    "output: TAP: one point per request (status, Content-Type, the format\n"
    "  the body is, parse errors), then one per equivalence finding, or\n"
    "  'ok - equivalence' when the formats agree\n\n"
    "exit codes:\n"
    "  0  every response accepted by Prometheus 3, the formats agree\n"
    "  1  findings\n"
    "  2  the endpoint could not be scraped, or usage error\n",
    pg_print_version,
};

struct tap {
    unsigned long point;
};

static void finding(void *ctx, const char *text)
{
    struct tap *t = ctx;
    printf("not ok %lu - equivalence: %s\n", ++t->point, text);
}

/* One point for probe p; returns 1 if it is a finding. */
static int probe_point(struct tap *t, const pg_compat_probe *p)
{
    const pg_ctype *j = &p->judged;
    int bad = !p->res.ok || !j->accepted || p->errors;
    printf("%s %lu - %s: status %ld, Content-Type '%s'", bad ? "not ok" : "ok",
           ++t->point, p->label, p->res.status, p->res.content_type);
    if (p->res.ok)
        printf(", body %s, %lu parse error%s", pg_format_name(p->real),
               p->errors, p->errors == 1 ? "" : "s");
    putchar('\n');
    printf("# Accept: %s\n", p->accept);
    if (!p->res.ok)
        printf("# %s\n", p->res.error);
    else if (!j->accepted)
        printf("# refused by Prometheus 3: %s\n", j->why);
    else if (j->warning)
        printf("# warning: %s\n", j->why);
    return bad;
}

int pg_cmd_compat(int argc, char **argv)
{
    pg_scrape_flags sf;
    pg_scrape_flags_init(&sf);
    pg_option opts[] = {
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
        struct tap t = { 0 };
        for (size_t i = 0; i < np; i++) {
            pg_compat_run(&p[i], argv[0], &sf.opts);
            scraped += p[i].res.status != 0;
        }
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
        pg_compat_free(p, np);
    }
    pg_scrape_flags_release(&sf);
    return rc;
}
