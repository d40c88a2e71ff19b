/* compat.h: the compatibility matrix of one endpoint. It is scraped once
 * per Accept header (each scrape protocol alone, each 1.0.0 text protocol
 * with each escaping scheme, each scraper's default), every request at
 * once; each response is judged as Prometheus 3 judges its Content-Type,
 * its body is classified by its bytes and parsed, the names of an escaping
 * request are checked against the scheme asked, and the bodies that parsed
 * are compared: the same families, types and series in every format. */
#ifndef PG_COMPAT_H
#define PG_COMPAT_H

#include <stddef.h>

#include "core/strmap.h"
#include "source/scrape.h"
#include "source/negotiate.h"

/* One request of the matrix and what came back. */
typedef struct pg_compat_probe {
    char label[96];          /* "protocol PrometheusProto", "protocol
                                PrometheusText1.0.0 escaping=dots",
                                "scraper vmagent" */
    char *accept;            /* the Accept header sent (owned) */
    pg_scrape_result res;    /* status, Content-Type, error */
    pg_ctype judged;         /* the Content-Type as Prometheus 3 reads it */
    enum pg_format real;     /* the format the body really is */
    unsigned long errors;    /* parse errors in that format */
    char **keys;             /* sorted "F name type" and "S name{labels}" */
    size_t nkeys;
    /* Fields below were added with the escaping requests. */
    const pg_protocol *protocol; /* the protocol asked alone; NULL for a
                                    scraper's header */
    enum pg_escaping escaping;   /* the scheme asked; NONE if none */
    pg_strmap names;         /* every name of the body as a key: "M name"
                                (family), "C name" (counter family, named as
                                the body names it), "L name" (label) */
    int escaping_wrong;      /* 1: names not escaped as asked (a finding) */
    char escaping_why[384];  /* what is wrong, "" if nothing */
    char first_error[300];   /* the first parse error, "" if none:
                                "line 3: ..." ("message 3: ..." in
                                protobuf) */
} pg_compat_probe;

/* The requests of the matrix, filled with their labels and Accept
 * headers. Returns how many (*out owned; free with pg_compat_free). */
size_t pg_compat_plan(pg_compat_probe **out);
/* Scrapes url once per probe, all at once (one thread each, user headers
 * from o, each probe's Accept header instead of o's), so a dead or slow
 * endpoint costs one timeout; then classifies and parses each body in
 * plan order and judges the escaping requests. */
void pg_compat_run(pg_compat_probe *probes, size_t n, const char *url,
                   const pg_scrape_opts *o);
/* 1 if p is a finding: no whole body, a Content-Type Prometheus 3
 * refuses, parse errors, or names not escaped as asked. */
int pg_compat_failed(const pg_compat_probe *p);
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
