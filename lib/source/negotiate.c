/* negotiate.c: scrape protocols, scrapers' Accept headers and the
 * Content-Type rules of Prometheus 3 (doc/compat.md cites each source). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/names.h"
#include "core/util.h"
#include "source/negotiate.h"

static const char *const escaping_names[PG_ESCAPING_COUNT] = {
    "", "allow-utf-8", "underscores", "dots", "values"
};

const char *pg_escaping_name(enum pg_escaping e)
{
    return (unsigned)e < PG_ESCAPING_COUNT ? escaping_names[e] : "";
}

int pg_escaping_parse(const char *s, enum pg_escaping *out)
{
    for (int i = 1; i < PG_ESCAPING_COUNT; i++)
        if (!strcmp(s, escaping_names[i])) {
            *out = (enum pg_escaping)i;
            return 0;
        }
    return -1;
}

/* ---- name escaping (specs/prometheus-escaping_schemes.md) ---- */

/* Decodes the code point at s[0..n) into *cp; returns its length in
 * bytes (1 with U+FFFD for a byte that starts no valid sequence). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4
               : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (!len || len > n) {
        *cp = 0xfffd;
        return 1;
    }
    unsigned long v = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        v = v << 6 | (s[i] & 0x3f);
    }
    *cp = v;
    return len;
}

/* A character of the legacy set (a-zA-Z0-9_:), digits not first. */
static int legacy_rune(unsigned long c, size_t at)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' || (at > 0 && c >= '0' && c <= '9');
}

/* "The name MUST be prefixed with `U__`": only names that need escaping
 * are (legacy names are left as they are). */
char *pg_escape_name(const char *s, size_t len, enum pg_escaping e,
                     int common)
{
    pg_buf b = PG_BUF_INIT;
    if (e == PG_ESCAPING_NONE || e == PG_ESCAPING_ALLOW_UTF8 ||
        pg_metric_name_valid(s, len)) {
        pg_buf_add(&b, s, len);
        return pg_buf_detach(&b);
    }
    if (e == PG_ESCAPING_VALUES)
        pg_buf_adds(&b, "U__");
    const unsigned char *u = (const unsigned char *)s;
    for (size_t at = 0, step; at < len; at += step) {
        unsigned long c;
        step = utf8_next(u + at, len - at, &c);
        if (e == PG_ESCAPING_UNDERSCORES)
            pg_buf_addc(&b, legacy_rune(c, at) ? (char)c : '_');
        else if (c == '_')
            pg_buf_adds(&b, "__");
        else if (e == PG_ESCAPING_DOTS && c == '.')
            pg_buf_adds(&b, "_dot_");
        else if (legacy_rune(c, at))
            pg_buf_addc(&b, (char)c);
        else if (e == PG_ESCAPING_DOTS)
            pg_buf_adds(&b, common ? "__" : "_");
        else
            pg_buf_addf(&b, common ? "_%lx_" : "_%lX_", c);
    }
    return pg_buf_detach(&b);
}

/* Prometheus config.ScrapeProtocolsHeaders, in Prometheus 3's default
 * scrape_protocols order with PrometheusProto first. */
const pg_protocol pg_protocols[] = {
    { "PrometheusProto",
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
      "encoding=delimited", PG_FORMAT_PROTOBUF, 0 },
    { "OpenMetricsText1.0.0", "application/openmetrics-text;version=1.0.0",
      PG_FORMAT_OPENMETRICS, 1 },
    { "OpenMetricsText0.0.1", "application/openmetrics-text;version=0.0.1",
      PG_FORMAT_OPENMETRICS, 0 },
    { "PrometheusText1.0.0", "text/plain;version=1.0.0", PG_FORMAT_PROM, 1 },
    { "PrometheusText0.0.4", "text/plain;version=0.0.4", PG_FORMAT_PROM, 0 },
};
const size_t pg_nprotocols = sizeof pg_protocols / sizeof *pg_protocols;

const pg_protocol *pg_protocol_find(const char *name)
{
    for (size_t i = 0; i < pg_nprotocols; i++)
        if (!strcmp(pg_protocols[i].name, name))
            return &pg_protocols[i];
    return NULL;
}

/* Prometheus 3's default header, sent by every scraper built on its
 * scrape library with the default scrape_protocols. */
#define PROMETHEUS_3_ACCEPT \
    "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6," \
    "application/openmetrics-text;version=0.0.1;q=0.5," \
    "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4," \
    "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"

const pg_scraper pg_scrapers[] = {
    { "prometheus-2",
      "application/openmetrics-text;version=1.0.0,"
      "application/openmetrics-text;version=0.0.1;q=0.75,"
      "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
      "Prometheus 2.x scrape/scrape.go scrapeAcceptHeader (as sent by "
      "Debian's prometheus 2.42)" },
    { "prometheus-2-native",
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
      "encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,"
      "application/openmetrics-text;version=0.0.1;q=0.75,"
      "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
      "Prometheus 2.x scrape/scrape.go scrapeAcceptHeaderWithProtobuf "
      "(--enable-feature=native-histograms)" },
    { "prometheus-3", PROMETHEUS_3_ACCEPT,
      "Prometheus 3.x scrape.acceptHeader over DefaultScrapeProtocols" },
    { "prometheus-3-native",
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
      "encoding=delimited;q=0.6,"
      "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
      "application/openmetrics-text;version=0.0.1;q=0.4,"
      "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
      "text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
      "Prometheus 3.x scrape.acceptHeader over DefaultProtoFirstScrapeProtocols "
      "(scrape_native_histograms)" },
    { "vmagent",
      "text/plain;version=0.0.4;q=1,*/*;q=0.1",
      "VictoriaMetrics lib/promscrape/client.go" },
    { "alloy",
      "application/openmetrics-text;version=1.0.0;q=0.5,"
      "application/openmetrics-text;version=0.0.1;q=0.4,"
      "text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
      "Grafana Alloy prometheus.scrape default scrape_protocols "
      "(Prometheus 2.5x scrape library)" },
    { "otelcol", PROMETHEUS_3_ACCEPT,
      "OpenTelemetry Collector contrib receiver/prometheusreceiver "
      "(metrics_receiver.go): the Prometheus 3.x scrape manager with the "
      "scrape config's default scrape_protocols; enable_protobuf_negotiation "
      "makes it prometheus-3-native's" },
};
const size_t pg_nscrapers = sizeof pg_scrapers / sizeof *pg_scrapers;

static void add_one(pg_buf *b, const pg_protocol *p, enum pg_escaping esc)
{
    pg_buf_adds(b, p->media);
    if (p->escaping && esc != PG_ESCAPING_NONE)
        pg_buf_addf(b, ";escaping=%s", pg_escaping_name(esc));
}

char *pg_accept_one(const pg_protocol *p, enum pg_escaping esc)
{
    pg_buf b = PG_BUF_INIT;
    add_one(&b, p, esc);
    return pg_buf_detach(&b);
}

char *pg_accept_header(enum pg_format first, enum pg_escaping esc)
{
    if (esc == PG_ESCAPING_NONE)
        esc = PG_ESCAPING_ALLOW_UTF8;
    /* the asked format's protocols, then the text ones, then any type */
    const pg_protocol *order[8];
    size_t n = 0;
    for (size_t i = 0; i < pg_nprotocols; i++)
        if (first != PG_FORMAT_AUTO && pg_protocols[i].format == first)
            order[n++] = &pg_protocols[i];
    /* Asking for the text format leaves OpenMetrics out: servers that
     * ignore q-values (Python's prometheus_client) would serve it. */
    for (size_t i = 0; i < pg_nprotocols; i++)
        if (pg_protocols[i].format != first &&
            pg_protocols[i].format != PG_FORMAT_PROTOBUF &&
            !(first == PG_FORMAT_PROM &&
              pg_protocols[i].format == PG_FORMAT_OPENMETRICS))
            order[n++] = &pg_protocols[i];
    pg_buf b = PG_BUF_INIT;
    int weight = (int)pg_nprotocols + 1;
    for (size_t i = 0; i < n; i++, weight--) {
        add_one(&b, order[i], esc);
        pg_buf_addf(&b, ";q=0.%d,", weight);
    }
    pg_buf_addf(&b, "*/*;q=0.%d", weight);
    return pg_buf_detach(&b);
}

/* ---- Content-Type ---- */

static int tspecial(int c)
{
    return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static int token_char(int c)
{
    return c > 0x20 && c < 0x7f && !tspecial(c);
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Reads a token into out; returns the end, or NULL if empty. */
static const char *token(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    while (token_char((unsigned char)*s)) {
        if (n + 1 < cap)
            out[n++] = (char)tolower((unsigned char)*s);
        s++;
    }
    out[n] = '\0';
    return n ? s : NULL;
}

/* A parameter value: token or quoted string. */
static const char *param_value(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    if (*s != '"') {
        while (token_char((unsigned char)*s)) {
            if (n + 1 < cap)
                out[n++] = *s;
            s++;
        }
        out[n] = '\0';
        return n ? s : NULL;
    }
    for (s++; *s && *s != '"'; s++) {
        if (*s == '\\' && s[1])
            s++;
        if (n + 1 < cap)
            out[n++] = *s;
    }
    out[n] = '\0';
    return *s == '"' ? s + 1 : NULL;
}

/* Parses a media type the way Go's mime.ParseMediaType does (which
 * Prometheus uses): type/subtype, then ;name=value parameters, names
 * unique, trailing semicolons ignored. Returns 0, or -1 with why set. */
static int parse_media(const char *ct, char *media, size_t cap, pg_ctype *out)
{
    char type[64], sub[96], name[64], value[64];
    const char *s = skip_ws(ct);
    if (!(s = token(s, type, sizeof type)) || *s != '/' ||
        !(s = token(s + 1, sub, sizeof sub))) {
        snprintf(out->why, sizeof out->why, "Content-Type is not a media "
                 "type (want type/subtype)");
        return -1;
    }
    snprintf(media, cap, "%s/%s", type, sub);
    char seen[8][64];
    size_t nseen = 0;
    for (;;) {
        s = skip_ws(s);
        if (!*s)
            return 0;
        if (*s != ';')
            break;
        s = skip_ws(s + 1);
        if (!*s || *s == ';')
            continue;
        if (!(s = token(s, name, sizeof name)) || *(s = skip_ws(s)) != '=' ||
            !(s = param_value(skip_ws(s + 1), value, sizeof value)))
            break;
        for (size_t i = 0; i < nseen; i++)
            if (!strcmp(seen[i], name)) {
                snprintf(out->why, sizeof out->why, "Content-Type repeats "
                         "parameter '%s'", name);
                return -1;
            }
        if (nseen < 8)
            snprintf(seen[nseen++], sizeof seen[0], "%s", name);
        if (!strcmp(name, "version"))
            snprintf(out->version, sizeof out->version, "%s", value);
        else if (!strcmp(name, "escaping"))
            snprintf(out->escaping, sizeof out->escaping, "%s", value);
    }
    snprintf(out->why, sizeof out->why, "Content-Type has an invalid "
             "parameter");
    return -1;
}

void pg_ctype_judge(const char *ct, pg_ctype *out)
{
    memset(out, 0, sizeof *out);
    if (!ct || !*skip_ws(ct)) {
        snprintf(out->why, sizeof out->why, "no Content-Type: Prometheus 3 "
                 "fails such a scrape");
        return;
    }
    char media[192];
    if (parse_media(ct, media, sizeof media, out)) {
        size_t n = strlen(out->why);
        snprintf(out->why + n, sizeof out->why - n, ": Prometheus 3 fails "
                 "such a scrape");
        return;
    }
    out->format = !strcmp(media, "text/plain") ? PG_FORMAT_PROM
                : !strcmp(media, "application/openmetrics-text")
                    ? PG_FORMAT_OPENMETRICS
                : !strcmp(media, "application/vnd.google.protobuf")
                    ? PG_FORMAT_PROTOBUF : PG_FORMAT_AUTO;
    if (out->format == PG_FORMAT_AUTO) {
        snprintf(out->why, sizeof out->why, "Content-Type '%.64s' is not an "
                 "exposition format: Prometheus 3 fails such a scrape", media);
        return;
    }
    out->accepted = 1;
    const char *v = out->version;
    enum pg_escaping esc;
    if (out->format == PG_FORMAT_PROM && *v && strcmp(v, "0.0.4") &&
        strcmp(v, "1.0.0"))
        snprintf(out->why, sizeof out->why, "text format version '%s' is "
                 "unknown (0.0.4 or 1.0.0)", v);
    else if (out->format == PG_FORMAT_OPENMETRICS && *v && strcmp(v, "0.0.1") &&
             strcmp(v, "1.0.0"))
        snprintf(out->why, sizeof out->why, "OpenMetrics version '%s' is "
                 "unknown (0.0.1 or 1.0.0)", v);
    else if (out->escaping[0] && pg_escaping_parse(out->escaping, &esc))
        snprintf(out->why, sizeof out->why, "escaping '%s' is not a scheme "
                 "(allow-utf-8, underscores, dots, values)", out->escaping);
    out->warning = out->why[0] != '\0';
}

int pg_ctype_contradicts(const pg_ctype *c, const char *body, size_t len)
{
    if (!len || c->format == PG_FORMAT_AUTO)
        return 0;
    int proto = pg_format_looks_protobuf(body, len);
    return c->format == PG_FORMAT_PROTOBUF ? !proto : proto;
}
