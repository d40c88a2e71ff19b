/* scrape.h: fetches metrics endpoints with libcurl and streams each body
 * to a sink as it arrives (the parser consumes it chunk by chunk).
 * Several targets are fetched concurrently through one curl multi handle. */
#ifndef PG_SCRAPE_H
#define PG_SCRAPE_H

#include <stddef.h>
#include <stdint.h>

#include "expo/expo.h"
#include "core/url.h"
#include "core/util.h"

typedef struct pg_scrape_opts {
    const char *const *headers;  /* extra "Name: value" request headers */
    size_t nheaders;
    const char *bearer_token;    /* token value (never printed), or NULL */
    const char *basic_user;      /* basic auth, or NULL */
    const char *basic_password;
    const char *cacert, *cert, *key; /* TLS files, or NULL */
    int insecure;                /* skip TLS peer verification */
    double timeout;              /* seconds per attempt; 0 = 10 */
    uint64_t max_bytes;          /* cap on the decompressed body; 0 = 256 MiB */
    int retries;                 /* extra attempts after a failure */
    double backoff;              /* first retry delay (s), doubled each time */
    long max_redirects;          /* 0 = no redirects followed; default 5 */
    enum pg_format accept;       /* format asked for first (Accept header) */
    int escaping;                /* enum pg_escaping asked for; 0 = default */
    int progress;                /* progress lines on stderr */
} pg_scrape_opts;

/* Receives one target's response. begin() is called once per attempt,
 * after the response headers and before any body byte, so a consumer can
 * start over when an attempt is retried; a nonzero return from any
 * callback aborts that target. */
typedef struct pg_scrape_sink {
    int (*begin)(void *ctx, long status, const char *content_type);
    int (*data)(void *ctx, const char *buf, size_t len);
    void *ctx;
} pg_scrape_sink;

typedef struct pg_scrape_result {
    int ok;                  /* 1 if a 2xx body was received whole */
    long status;             /* last HTTP status, 0 if none */
    char content_type[128];
    char error[512];         /* why it failed: names the URL and the
                                libcurl reason; credentials never shown */
    uint64_t bytes;          /* decompressed body bytes delivered */
    double seconds;
    char *headers;           /* raw response headers (caller frees) */
} pg_scrape_result;

/* Fetches urls[0..n) concurrently, delivering bodies to sinks[i]; fills
 * results[i]. Returns the number of targets that failed. Several threads
 * may call it at once (each with its own opts, sinks and results). */
size_t pg_scrape_all(const char *const *urls, size_t n,
                     const pg_scrape_opts *opts, const pg_scrape_sink *sinks,
                     pg_scrape_result *results);

/* The values of o a report or saved scrape must never show: the bearer
 * token, the basic-auth password, the value of every extra request header
 * but those that only negotiate (Accept, Accept-Encoding, User-Agent,
 * X-Prometheus-Scrape-Timeout-Seconds) and, for a "Scheme credentials" value (Bearer, Basic, ...), the
 * credentials alone. Stores at most max borrowed pointers into o in out;
 * returns how many. */
size_t pg_scrape_secrets(const pg_scrape_opts *o, const char **out,
                         size_t max);

/* The Accept header value a scrape with o sends: the one among o's extra
 * headers, else the one built from o->accept and o->escaping. Caller
 * frees. */
char *pg_scrape_accept(const pg_scrape_opts *o);

/* Sets o to the defaults: zeroes, max_redirects 5, accept auto. Use it
 * before filling in fields: a zeroed struct follows no redirects. */
void pg_scrape_opts_init(pg_scrape_opts *o);

#endif
