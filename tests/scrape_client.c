/* scrape_client.c: test-scrape-client, a thin driver over pg_scrape_all
 * for promgate's scrape tests. For each URL it prints a block
 *
 *   url: URL (redacted)
 *   ok: 0|1
 *   status: N
 *   content-type: TYPE
 *   bytes: N
 *   sha256: HEX (of the body the sink received in the last attempt)
 *   begins: N (begin() calls, one per attempt that got a response)
 *   datacalls: N (data() calls of the last attempt)
 *   error: TEXT (only if it failed)
 *
 * then, with --body, the body itself, and with --headers, the response
 * headers. Exit 0 if every URL was scraped, 2 otherwise.
 *
 * test-scrape-client --flags-help prints pg_scrape_flags_help.
 * test-scrape-client --redact ARG... scrapes nothing: it prints
 * "IS_URL REDACTED" (pg_is_url, pg_url_redact) for each ARG.
 *
 * usage: test-scrape-client [scrape options] [--body] [--headers]
 *          [--abort-begin] [--abort-after N] URL...
 * (--abort-begin makes begin() fail, --abort-after N the Nth data() call
 * of an attempt: consumers that stop a scrape)
 * where the scrape options are pg_scrape_flags_parse's (scrape.h), with
 * the same defaults as the promgate commands. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/scrape.h"
#include "core/util.h"

typedef struct body {
    EVP_MD_CTX *md;
    pg_buf data;
    int keep;        /* keep the body for --body */
    int begins;
    int datacalls;
    int abort_after; /* data() fails at this call of an attempt (0: never) */
    int abort_begin; /* begin() fails */
} body;

static int on_begin(void *ctx, long status, const char *ctype)
{
    body *b = ctx;
    (void)status;
    (void)ctype;
    b->begins++;
    if (b->abort_begin)
        return -1;
    b->datacalls = 0;
    b->data.len = 0;
    if (b->data.p)
        b->data.p[0] = '\0';
    return EVP_DigestInit_ex(b->md, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

static int on_data(void *ctx, const char *buf, size_t len)
{
    body *b = ctx;
    b->datacalls++;
    if (b->abort_after && b->datacalls >= b->abort_after)
        return -1;
    if (b->keep)
        pg_buf_add(&b->data, buf, len);
    return EVP_DigestUpdate(b->md, buf, len) == 1 ? 0 : -1;
}

static void usage(void)
{
    fputs("usage: test-scrape-client [options] URL...\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--flags-help") == 0) {
        fputs(pg_scrape_flags_help, stdout);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--redact") == 0) {
        for (int i = 2; i < argc; i++) {
            char *r = pg_url_redact(argv[i]);
            printf("%d %s\n", pg_is_url(argv[i]), r);
            free(r);
        }
        return 0;
    }
    pg_scrape_flags flags;
    pg_scrape_flags_init(&flags);
    const char **urls = pg_xcalloc((size_t)argc, sizeof(*urls));
    size_t nurls = 0;
    int show_body = 0, show_headers = 0, abort_after = 0, abort_begin = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        pg_error err;
        pg_error_init(&err);
        int r = pg_scrape_flags_parse(&flags, argc, argv, &i, &err);
        if (r < 0) {
            fprintf(stderr, "test-scrape-client: ");
            pg_error_print(&err, stderr);
            pg_scrape_flags_release(&flags);
            free(urls);
            return PG_EXIT_ERROR;
        }
        if (r > 0)
            continue;
        if (strcmp(a, "--body") == 0)
            show_body = 1;
        else if (strcmp(a, "--headers") == 0)
            show_headers = 1;
        else if (strcmp(a, "--abort-begin") == 0)
            abort_begin = 1;
        else if (strcmp(a, "--abort-after") == 0 && i + 1 < argc)
            abort_after = atoi(argv[++i]);
        else if (a[0] == '-' && a[1] == '-')
            usage();
        else
            urls[nurls++] = a;
    }
    if (nurls == 0)
        usage();
    const pg_scrape_opts *o = &flags.opts;

    body *bodies = pg_xcalloc(nurls, sizeof(*bodies));
    pg_scrape_sink *sinks = pg_xcalloc(nurls, sizeof(*sinks));
    pg_scrape_result *res = pg_xcalloc(nurls, sizeof(*res));
    for (size_t i = 0; i < nurls; i++) {
        bodies[i].md = EVP_MD_CTX_new();
        bodies[i].keep = show_body;
        bodies[i].abort_after = abort_after;
        bodies[i].abort_begin = abort_begin;
        pg_buf_init(&bodies[i].data);
        sinks[i].begin = on_begin;
        sinks[i].data = on_data;
        sinks[i].ctx = &bodies[i];
    }
    size_t failed = pg_scrape_all(urls, nurls, o, sinks, res);
    for (size_t i = 0; i < nurls; i++) {
        char *shown = pg_url_redact(urls[i]);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned mdlen = 0;
        char hex[2 * EVP_MAX_MD_SIZE + 1] = "";
        if (bodies[i].begins && EVP_DigestFinal_ex(bodies[i].md, md, &mdlen) == 1)
            for (unsigned k = 0; k < mdlen; k++)
                snprintf(hex + 2 * k, 3, "%02x", md[k]);
        printf("url: %s\nok: %d\nstatus: %ld\ncontent-type: %s\nbytes: %llu\n"
               "sha256: %s\nbegins: %d\ndatacalls: %d\n",
               shown, res[i].ok, res[i].status, res[i].content_type,
               (unsigned long long)res[i].bytes, hex, bodies[i].begins,
               bodies[i].datacalls);
        if (!res[i].ok)
            printf("error: %s\n", res[i].error);
        if (show_headers)
            printf("headers:\n%s", res[i].headers ? res[i].headers : "");
        if (show_body && bodies[i].data.len)
            fwrite(bodies[i].data.p, 1, bodies[i].data.len, stdout);
        free(shown);
        free(res[i].headers);
        EVP_MD_CTX_free(bodies[i].md);
        pg_buf_release(&bodies[i].data);
    }
    free(bodies);
    free(sinks);
    free(res);
    free(urls);
    pg_scrape_flags_release(&flags);
    return failed ? PG_EXIT_ERROR : PG_EXIT_OK;
}
