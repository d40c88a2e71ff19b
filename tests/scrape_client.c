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
 * test-scrape-client --flags-help prints the help of pg_scrape_options.
 * test-scrape-client --redact ARG... scrapes nothing: it prints
 * "IS_URL REDACTED" (pg_url_is_http, pg_url_redact) for each ARG.
 *
 * usage: test-scrape-client [scrape options] [--body] [--headers]
 *          [--abort-begin] [--abort-after N] URL...
 * (--abort-begin makes begin() fail, --abort-after N the Nth data() call
 * of an attempt: consumers that stop a scrape)
 * where the scrape options are pg_scrape_options (source/input.h), with
 * the same defaults as the promgate commands. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opts.h"
#include "source/input.h"
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

static const pg_opts_cmd client_cmd = {
    "test-scrape-client", "test-scrape-client [options] URL...", NULL, NULL,
    NULL,
};

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--flags-help") == 0) {
        const pg_option only_scrape[] = {
            PG_OPT_INCLUDE(pg_scrape_options, NULL),
            PG_OPT_END(),
        };
        pg_opts_usage(&client_cmd, only_scrape, stdout);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--redact") == 0) {
        for (int i = 2; i < argc; i++) {
            char *r = pg_url_redact(argv[i]);
            printf("%d %s\n", pg_url_is_http(argv[i]), r);
            free(r);
        }
        return 0;
    }
    pg_scrape_flags flags;
    pg_scrape_flags_init(&flags);
    int show_body = 0, show_headers = 0, abort_begin = 0;
    unsigned long abort_after = 0;
    pg_option opts[] = {
        PG_OPT_BOOL(0, "body", &show_body, "print each body"),
        PG_OPT_BOOL(0, "headers", &show_headers, "print response headers"),
        PG_OPT_BOOL(0, "abort-begin", &abort_begin, "begin() fails"),
        PG_OPT_ULONG(0, "abort-after", &abort_after, "N", 0, 1e6,
                     "the Nth data() call of an attempt fails"),
        PG_OPT_INCLUDE(pg_scrape_options, &flags),
        PG_OPT_END(),
    };
    int n = pg_opts_parse(&client_cmd, opts, argc, argv);
    if (n <= 0) {
        if (n == 0)
            pg_opts_error(&client_cmd, "no URL");
        pg_scrape_flags_release(&flags);
        return n == PG_OPTS_DONE ? 0 : PG_EXIT_ERROR;
    }
    const char **urls = (const char **)argv;
    size_t nurls = (size_t)n;
    const pg_scrape_opts *o = &flags.opts;

    body *bodies = pg_xcalloc(nurls, sizeof(*bodies));
    pg_scrape_sink *sinks = pg_xcalloc(nurls, sizeof(*sinks));
    pg_scrape_result *res = pg_xcalloc(nurls, sizeof(*res));
    for (size_t i = 0; i < nurls; i++) {
        bodies[i].md = EVP_MD_CTX_new();
        bodies[i].keep = show_body;
        bodies[i].abort_after = (int)abort_after;
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
    pg_scrape_flags_release(&flags);
    return failed ? PG_EXIT_ERROR : PG_EXIT_OK;
}
