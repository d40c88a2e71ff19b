/* promapi_dump.c: prints what pg_promapi_collect() rebuilds for each
 * instance, for the promapi tests (bin/test-promapi-dump).
 *
 * usage: test-promapi-dump URL [--match SEL] [--header H]...
 *        [--bearer-token T] [--target-label L]... [--lookback S]
 *        [--limit N] [--timeout S] [--cacert F] [--insecure 1]
 *        [--golden G --empty-labels 1] [--out DIR]
 * Without --out, each instance is printed as "### instance NAME" followed
 * by its text; with --out, it is written to DIR/<instance>.prom (':' and
 * '/' replaced by '_'). Exit 0, or 2 with the error on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "source/promapi.h"
#include "specs/golden.h"

typedef struct dump {
    const char *out;
    pg_error *err;
} dump;

static int on_instance(void *ctx, const char *instance, const char *text,
                       size_t len)
{
    dump *d = ctx;
    if (!d->out) {
        printf("### instance %s\n", instance);
        fwrite(text, 1, len, stdout);
        return 0;
    }
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/%s.prom", d->out, instance);
    if (n < 0 || (size_t)n >= sizeof path)
        return 1;
    for (char *p = path + strlen(d->out) + 1; *p; p++)
        if (*p == ':' || *p == '/')
            *p = '_';
    return pg_write_file_atomic(path, text, len, d->err) ? 1 : 0;
}

int main(int argc, char **argv)
{
    pg_promapi_opts o;
    memset(&o, 0, sizeof o);
    const char *headers[16], *tl[16];
    dump d = { NULL, NULL };
    const char *golden_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-') {
            o.url = a;
            continue;
        }
        if (!v) {
            fprintf(stderr, "test-promapi-dump: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--match"))
            o.match = v;
        else if (!strcmp(a, "--header") && o.nheaders < 16)
            headers[o.nheaders++] = v;
        else if (!strcmp(a, "--bearer-token"))
            o.bearer_token = v;
        else if (!strcmp(a, "--target-label") && o.ntarget_labels < 16)
            tl[o.ntarget_labels++] = v;
        else if (!strcmp(a, "--lookback"))
            o.lookback = atof(v);
        else if (!strcmp(a, "--limit"))
            o.limit = atol(v);
        else if (!strcmp(a, "--timeout"))
            o.timeout = atof(v);
        else if (!strcmp(a, "--cacert"))
            o.cacert = v;
        else if (!strcmp(a, "--insecure"))
            o.insecure = atoi(v);
        else if (!strcmp(a, "--golden"))
            golden_path = v;
        else if (!strcmp(a, "--empty-labels"))
            o.empty_labels = atoi(v);
        else if (!strcmp(a, "--out"))
            d.out = v;
        else {
            fprintf(stderr, "test-promapi-dump: unknown option '%s'\n", a);
            return 2;
        }
    }
    o.headers = headers;
    o.target_labels = tl;
    pg_error err;
    pg_error_init(&err);
    d.err = &err;
    pg_golden *g = NULL;
    if (golden_path && !(g = pg_golden_load(golden_path, &err))) {
        pg_error_print(&err, stderr);
        return 2;
    }
    if (g) {
        o.expected_labels = pg_golden_labels_of;
        o.expected_labels_ctx = g;
    }
    int rc = pg_promapi_collect(&o, on_instance, &d, &err);
    pg_golden_free(g);
    if (rc) {
        pg_error_print(&err, stderr);
        return 2;
    }
    if (err.set) {
        pg_error_print(&err, stderr);
        return 2;
    }
    return 0;
}
