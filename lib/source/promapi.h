/* promapi.h: reads what a Prometheus-compatible server (Prometheus, Thanos,
 * Mimir) already scraped, through its HTTP API, and rebuilds one
 * exposition text per scraped instance, so the same parser and checker
 * judge it as they would a direct scrape. */
#ifndef PG_PROMAPI_H
#define PG_PROMAPI_H

#include <stddef.h>

#include "core/util.h"

/* The labels the caller expects family to carry (a golden's documented
 * labels, say); n set to their number. NULL when it knows none. */
typedef const char *const *(*pg_promapi_labels_fn)(void *ctx,
                                                   const char *family,
                                                   size_t *n);

typedef struct pg_promapi_opts {
    const char *url;               /* base URL, e.g. http://127.0.0.1:9090 */
    const char *match;             /* series selector, e.g. {job="coder"} */
    const char *const *headers;    /* extra headers, e.g. X-Scope-OrgID: t */
    size_t nheaders;
    const char *bearer_token;      /* or NULL; never printed */
    const char *const *target_labels; /* labels added by Prometheus, beyond
                                         job and instance */
    size_t ntarget_labels;
    double timeout;                /* seconds per request; 0 = 30 */
    double lookback;               /* seconds of history for series; 0 = 300 */
    long limit;                    /* max series per request; 0 = 100000 */
    /* TLS to the API (all optional): CA bundle, client certificate and
     * key files, and skipping peer verification. */
    const char *cacert, *cert, *key;
    int insecure;
    /* Prometheus stores no label whose value is empty. A label some series
     * of a family carry is always given back as "" on the others; with
     * empty_labels set, so is every label expected_labels names for a
     * family (then an exporter omitting a documented label goes
     * unnoticed). */
    int empty_labels;
    pg_promapi_labels_fn expected_labels; /* may be NULL */
    void *expected_labels_ctx;
} pg_promapi_opts;

/* Called once per instance with the rebuilt exposition text (Prometheus
 * text format, families contiguous, HELP/TYPE from target metadata).
 * Return nonzero to stop. */
typedef int (*pg_promapi_instance_fn)(void *ctx, const char *instance,
                                      const char *text, size_t len);

/* Returns 0, or -1 with err naming the URL and the API's reason. */
int pg_promapi_collect(const pg_promapi_opts *opts, pg_promapi_instance_fn fn,
                       void *ctx, pg_error *err);

#endif
