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
 * test-scrape-client --redact ARG... scrapes nothing: it prints
 * "IS_URL REDACTED" (pg_is_url, pg_url_redact) for each ARG.
 *
 * usage: test-scrape-client [--timeout S] [--max-bytes N] [--retries N]
 *          [--backoff S] [--max-redirects N] [--accept prom|openmetrics|auto]
 *          [--header 'Name: value']... [--bearer-file F] [--user U]
 *          [--password-file F] [--cacert F] [--cert F] [--key F]
 *          [--insecure] [--progress] [--body] [--headers] URL... */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scrape.h"
#include "util.h"

typedef struct body {
    EVP_MD_CTX *md;
    pg_buf data;
    int keep;        /* keep the body for --body */
    int begins;
    int datacalls;
} body;

static int on_begin(void *ctx, long status, const char *ctype)
{
    body *b = ctx;
    (void)status;
    (void)ctype;
    b->begins++;
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
    if (b->keep)
        pg_buf_add(&b->data, buf, len);
    return EVP_DigestUpdate(b->md, buf, len) == 1 ? 0 : -1;
}

static char *read_secret(const char *path)
{
    char *data;
    size_t len;
    pg_error err;
    pg_error_init(&err);
    if (pg_read_file(path, &data, &len, &err) != 0) {
        pg_error_print(&err, stderr);
        exit(2);
    }
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        data[--len] = '\0';
    return data;
}

static void usage(void)
{
    fputs("usage: test-scrape-client [options] URL...\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--redact") == 0) {
        for (int i = 2; i < argc; i++) {
            char *r = pg_url_redact(argv[i]);
            printf("%d %s\n", pg_is_url(argv[i]), r);
            free(r);
        }
        return 0;
    }
    pg_scrape_opts o;
    memset(&o, 0, sizeof(o));
    o.max_redirects = -1;
    const char **headers = pg_xcalloc((size_t)argc, sizeof(*headers));
    const char **urls = pg_xcalloc((size_t)argc, sizeof(*urls));
    size_t nurls = 0;
    int show_body = 0, show_headers = 0;
    char *token = NULL, *password = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
#define VAL() (has_val ? argv[++i] : (usage(), ""))
        if (strcmp(a, "--timeout") == 0)
            o.timeout = atof(VAL());
        else if (strcmp(a, "--max-bytes") == 0)
            o.max_bytes = strtoull(VAL(), NULL, 10);
        else if (strcmp(a, "--retries") == 0)
            o.retries = atoi(VAL());
        else if (strcmp(a, "--backoff") == 0)
            o.backoff = atof(VAL());
        else if (strcmp(a, "--max-redirects") == 0)
            o.max_redirects = atol(VAL());
        else if (strcmp(a, "--accept") == 0) {
            const char *v = VAL();
            o.accept = strcmp(v, "prom") == 0 ? PG_FORMAT_PROM
                     : strcmp(v, "openmetrics") == 0 ? PG_FORMAT_OPENMETRICS
                     : PG_FORMAT_AUTO;
        } else if (strcmp(a, "--header") == 0)
            headers[o.nheaders++] = VAL();
        else if (strcmp(a, "--bearer-file") == 0)
            o.bearer_token = token = read_secret(VAL());
        else if (strcmp(a, "--user") == 0)
            o.basic_user = VAL();
        else if (strcmp(a, "--password-file") == 0)
            o.basic_password = password = read_secret(VAL());
        else if (strcmp(a, "--cacert") == 0)
            o.cacert = VAL();
        else if (strcmp(a, "--cert") == 0)
            o.cert = VAL();
        else if (strcmp(a, "--key") == 0)
            o.key = VAL();
        else if (strcmp(a, "--insecure") == 0)
            o.insecure = 1;
        else if (strcmp(a, "--progress") == 0)
            o.progress = 1;
        else if (strcmp(a, "--body") == 0)
            show_body = 1;
        else if (strcmp(a, "--headers") == 0)
            show_headers = 1;
        else if (a[0] == '-' && a[1] == '-')
            usage();
        else
            urls[nurls++] = a;
#undef VAL
    }
    if (nurls == 0)
        usage();
    o.headers = headers;

    body *bodies = pg_xcalloc(nurls, sizeof(*bodies));
    pg_scrape_sink *sinks = pg_xcalloc(nurls, sizeof(*sinks));
    pg_scrape_result *res = pg_xcalloc(nurls, sizeof(*res));
    for (size_t i = 0; i < nurls; i++) {
        bodies[i].md = EVP_MD_CTX_new();
        bodies[i].keep = show_body;
        pg_buf_init(&bodies[i].data);
        sinks[i].begin = on_begin;
        sinks[i].data = on_data;
        sinks[i].ctx = &bodies[i];
    }
    size_t failed = pg_scrape_all(urls, nurls, &o, sinks, res);
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
    free(headers);
    free(token);
    free(password);
    return failed ? PG_EXIT_ERROR : PG_EXIT_OK;
}
