/* golden_arg.c: see golden_arg.h. */
#include "golden_arg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "specs/goldenset.h"

static int sniff_begin(void *ctx, long status, const char *content_type)
{
    (void)status;
    (void)content_type;
    (void)ctx;
    return 0;
}

static int sniff_data(void *ctx, const char *buf, size_t len)
{
    pg_build_sniff_feed(ctx, buf, len);
    return pg_build_sniff_version(ctx) != NULL; /* seen: stop the scrape */
}

/* Feeds the target's body to s; 0, or -1 with err set. */
static int sniff_target(const char *target, const pg_scrape_opts *so,
                        pg_build_sniff *s, pg_error *err)
{
    if (!target || !strcmp(target, "-"))
        return pg_error_set(err, "--golden", 0, 0, "a release read from the "
                            "scrape (PRODUCT@auto) needs a URL or file "
                            "--target");
    if (pg_url_is_http(target)) {
        pg_scrape_sink sink = { sniff_begin, sniff_data, s };
        pg_scrape_result res;
        memset(&res, 0, sizeof res);
        pg_scrape_all(&target, 1, so, &sink, &res);
        free(res.headers);
        /* A stopped scrape is not ok, but what it read is what counts. */
        if (!res.ok && !pg_build_sniff_version(s))
            return pg_error_set(err, "--golden", 0, 0, "cannot read the "
                                "release from the target: %s", res.error);
        return 0;
    }
    FILE *f = fopen(target, "rb");
    if (!f)
        return pg_error_set(err, target, 0, 0, "cannot open: %s",
                            strerror(errno));
    char buf[65536];
    size_t n;
    while (!pg_build_sniff_version(s) && (n = fread(buf, 1, sizeof buf, f)))
        pg_build_sniff_feed(s, buf, n);
    fclose(f);
    return 0;
}

pg_golden *pg_golden_arg_load(const char *arg, const char *first_target,
                              const pg_scrape_opts *so, const char *me,
                              pg_error *err)
{
    if (!pg_golden_ref_is(arg))
        return pg_golden_load(arg, err);
    pg_build_sniff *s = NULL;
    if (pg_golden_ref_is_auto(arg)) {
        s = pg_build_sniff_new();
        if (sniff_target(first_target, so, s, err)) {
            pg_build_sniff_free(s);
            return NULL;
        }
    }
    char *note = NULL;
    char *path = pg_golden_resolve(arg, s ? pg_build_sniff_version(s) : NULL,
                                   &note, err);
    pg_build_sniff_free(s);
    if (!path)
        return NULL;
    if (note && pg_golden_ref_is_auto(arg))
        fprintf(stderr, "%s: %s\n", me, note);
    free(note);
    pg_golden *g = pg_golden_load(path, err);
    free(path);
    return g;
}
