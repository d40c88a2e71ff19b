/* compat.h: the compatibility matrix of one endpoint. It is scraped once
 * per Accept header (each scrape protocol alone, each scraper's default);
 * each response is judged as Prometheus 3 judges its Content-Type, its
 * body is classified by its bytes and parsed, and the bodies that parsed
 * are compared: the same families, types and series in every format. */
#ifndef PG_COMPAT_H
#define PG_COMPAT_H

#include <stddef.h>

#include "source/scrape.h"
#include "source/negotiate.h"

/* One request of the matrix and what came back. */
typedef struct pg_compat_probe {
    char label[96];          /* "protocol PrometheusProto", "scraper vmagent" */
    char *accept;            /* the Accept header sent (owned) */
    pg_scrape_result res;    /* status, Content-Type, error */
    pg_ctype judged;         /* the Content-Type as Prometheus 3 reads it */
    enum pg_format real;     /* the format the body really is */
    unsigned long errors;    /* parse errors in that format */
    char **keys;             /* sorted "F name type" and "S name{labels}" */
    size_t nkeys;
} pg_compat_probe;

/* The requests of the matrix, filled with their labels and Accept
 * headers. Returns how many (*out owned; free with pg_compat_free). */
size_t pg_compat_plan(pg_compat_probe **out);
/* Scrapes url once for probe p (user headers from o, its Accept header
 * instead of o's) and classifies and parses the body. */
void pg_compat_run(pg_compat_probe *p, const char *url,
                   const pg_scrape_opts *o);
/* 1 if p's body was scraped and parsed without an error. */
int pg_compat_parsed(const pg_compat_probe *p);
/* Compares the parsed bodies of probes[0..n) with the first of them;
 * calls found(ctx, text) once per difference, naming the metric and the
 * two requests. Returns the number of differences. */
size_t pg_compat_compare(const pg_compat_probe *probes, size_t n,
                         void (*found)(void *ctx, const char *text),
                         void *ctx);
void pg_compat_free(pg_compat_probe *probes, size_t n);

#endif
