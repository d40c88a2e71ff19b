/* negotiate.h: content negotiation of a scrape. One table of the scrape
 * protocols a Prometheus server knows, one of the Accept headers real
 * scrapers send (their sources are listed in doc/compat.md), the Accept
 * header promgate sends, and the judgement of a response's Content-Type
 * as Prometheus 3 makes it. */
#ifndef PG_NEGOTIATE_H
#define PG_NEGOTIATE_H

#include <stddef.h>

#include "expo/expo.h"

/* Name-escaping schemes a scraper asks for (escaping=...). */
enum pg_escaping {
    PG_ESCAPING_NONE = 0,     /* no escaping parameter */
    PG_ESCAPING_ALLOW_UTF8,
    PG_ESCAPING_UNDERSCORES,
    PG_ESCAPING_DOTS,
    PG_ESCAPING_VALUES
};
#define PG_ESCAPING_COUNT 5

/* "allow-utf-8", "underscores", ... ("" for NONE). */
const char *pg_escaping_name(enum pg_escaping e);
/* Returns 0, or -1 if s names no scheme. */
int pg_escaping_parse(const char *s, enum pg_escaping *out);

/* The name s[0..len) (valid UTF-8) escaped as scheme e says
 * (specs/prometheus-escaping_schemes.md); a name that needs no quoting
 * (legacy metric name characters) is returned unchanged, and so is every
 * name under NONE and ALLOW_UTF8. The spec and prometheus/common's
 * model.EscapeName (client_golang's) differ in two details: under dots, a
 * character other than '.' and '_' becomes "_" (spec) or "__" (common);
 * under values, code points are written in upper-case (spec example) or
 * lower-case hex (common). `common` picks the second of each. Caller
 * frees. */
char *pg_escape_name(const char *s, size_t len, enum pg_escaping e,
                     int common);

/* A scrape protocol as Prometheus names it in scrape_protocols. */
typedef struct pg_protocol {
    const char *name;     /* "PrometheusProto", "OpenMetricsText1.0.0", ... */
    const char *media;    /* its media type with parameters, as sent */
    enum pg_format format;
    int escaping;         /* takes an escaping= parameter (1.0.0 texts) */
} pg_protocol;

extern const pg_protocol pg_protocols[];
extern const size_t pg_nprotocols;
/* The protocol called name, or NULL. */
const pg_protocol *pg_protocol_find(const char *name);

/* The Accept header one scraper sends by default. */
typedef struct pg_scraper {
    const char *name;     /* "prometheus-3", "vmagent", ... */
    const char *accept;   /* the header's value */
    const char *source;   /* where the value comes from (doc/compat.md) */
} pg_scraper;

extern const pg_scraper pg_scrapers[];
extern const size_t pg_nscrapers;

/* Accept header value for one protocol alone, with escaping where the
 * protocol takes it. Caller frees. */
char *pg_accept_one(const pg_protocol *p, enum pg_escaping esc);
/* Accept header value asking for `first` (AUTO: Prometheus 3's default)
 * and falling back, as Prometheus builds it from scrape_protocols (q
 * weights descending, then any type), on the other text protocols (for
 * PROM, on no OpenMetrics one). The default escaping is allow-utf-8, as
 * Prometheus 3's. Caller frees. */
char *pg_accept_header(enum pg_format first, enum pg_escaping esc);

/* A response Content-Type as Prometheus 3 reads it. */
typedef struct pg_ctype {
    enum pg_format format;  /* from the media type; AUTO if none matched */
    int accepted;           /* Prometheus 3 would parse the scrape */
    int warning;            /* accepted, but a parameter is off */
    char why[192];          /* reason when not accepted, or the warning */
    char version[16];       /* version= parameter, "" if none */
    char escaping[24];      /* escaping= parameter, "" if none */
} pg_ctype;

/* Judges ct (NULL or "" when the response had none). */
void pg_ctype_judge(const char *ct, pg_ctype *out);

/* 1 if body (its first bytes) contradicts the format the Content-Type
 * announces: protobuf announced and text served, or the reverse. */
int pg_ctype_contradicts(const pg_ctype *c, const char *body, size_t len);

#endif
