/* expo_api.c: TAP test of lib/expo/expo.h's API (bin/test-expo-api): what the
 * callbacks receive (decoded views, families, attribution of faults),
 * stopping from a callback, format resolution and the helpers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo/expo.h"
#include "core/util.h"

static int n_test, n_fail;

static void ok(int cond, const char *what)
{
    n_test++;
    if (!cond)
        n_fail++;
    printf("%sok %d - %s\n", cond ? "" : "not ", n_test, what);
}

struct rec {
    pg_buf log;
    int stop_after;   /* stop at this sample (1-based), 0 = never */
    int nsamples;
};

static void put(pg_buf *b, pg_str s)
{
    pg_buf_add(b, s.p, s.len);
}

static int on_sample(void *ctx, const pg_sample *s)
{
    struct rec *r = ctx;
    r->nsamples++;
    pg_buf_adds(&r->log, "S ");
    put(&r->log, s->name);
    pg_buf_adds(&r->log, "|");
    put(&r->log, s->family);
    pg_buf_addf(&r->log, "|%s|", pg_type_name(s->type));
    for (size_t i = 0; i < s->nlabels; i++) {
        put(&r->log, s->labels[i].name);
        pg_buf_adds(&r->log, "=");
        put(&r->log, s->labels[i].value);
        pg_buf_adds(&r->log, ";");
    }
    pg_buf_addf(&r->log, "|%g|%s%g|%d|L%lld@%llu\n", s->value,
                s->has_timestamp ? "ts=" : "", s->has_timestamp ? s->timestamp : 0.0,
                s->has_exemplar, (long long)s->line, (unsigned long long)s->offset);
    return r->stop_after && r->nsamples >= r->stop_after;
}

static int on_family(void *ctx, const pg_family_info *f)
{
    struct rec *r = ctx;
    pg_buf_adds(&r->log, "F ");
    put(&r->log, f->name);
    pg_buf_addf(&r->log, "|%s|help=%d:", pg_type_name(f->type), f->has_help);
    put(&r->log, f->help);
    pg_buf_adds(&r->log, "|unit=");
    put(&r->log, f->unit);
    pg_buf_addf(&r->log, "|n=%zu|L%lld\n", f->nsamples, (long long)f->line);
    return 0;
}

static void on_diag(void *ctx, const pg_diag *d)
{
    struct rec *r = ctx;
    pg_buf_addf(&r->log, "D %lld:%lld@%llu %s {%s} %s (%s)\n", (long long)d->line,
                (long long)d->column,
                (unsigned long long)d->offset,
                d->level == PG_LEVEL_ERROR ? "error" : "warning", d->family,
                d->text, d->rule[0] ? "cited" : "no rule");
}

/* Parses text in chunks of `chunk` bytes (0 = whole). */
static char *parse(const char *text, enum pg_format fmt, const char *ctype,
                   size_t chunk, int stop_after, int *feed_rc, int *fin_rc,
                   pg_parse_stats *st, enum pg_format *resolved)
{
    struct rec r = { PG_BUF_INIT, stop_after, 0 };
    pg_parser_opts o = { 0 };
    o.format = fmt;
    o.content_type = ctype;
    o.source = "test";
    pg_parser_callbacks cb = { on_sample, on_family, on_diag };
    pg_parser *p = pg_parser_new(&o, &cb, &r);
    size_t len = strlen(text), pos = 0;
    *feed_rc = 0;
    while (pos < len) {
        size_t n = chunk && chunk < len - pos ? chunk : len - pos;
        char *c = pg_xmalloc(n);
        memcpy(c, text + pos, n);
        int rc = pg_parser_feed(p, c, n);
        free(c);
        if (rc)
            *feed_rc = rc;
        pos += n;
    }
    *fin_rc = pg_parser_finish(p);
    if (st)
        pg_parser_stats(p, st);
    if (resolved)
        *resolved = pg_parser_format(p);
    pg_parser_free(p);
    pg_buf_adds(&r.log, "");
    return pg_buf_detach(&r.log);
}

static const char om_text[] =
    "# TYPE req_seconds histogram\n"
    "# UNIT req_seconds seconds\n"
    "# HELP req_seconds Request \\\"latency\\\"\\nin seconds.\n"
    "req_seconds_bucket{path=\"/a\\\\b\",le=\"0.5\"} 1 # {trace=\"x\\ny\"} 0.25 1.5\n"
    "req_seconds_bucket{path=\"/a\\\\b\",le=\"+Inf\"} 2\n"
    "req_seconds_sum{path=\"/a\\\\b\"} 1.5\n"
    "req_seconds_count{path=\"/a\\\\b\"} 2\n"
    "# TYPE up gauge\n"
    "up{\"dotted.label\"=\"v\"} 1\n"
    "# EOF\n";

int main(void)
{
    int frc, crc;
    pg_parse_stats st;
    enum pg_format f;

    char *whole = parse(om_text, PG_FORMAT_OPENMETRICS, NULL, 0, 0, &frc, &crc, &st, &f);
    ok(frc == 0 && crc == 0 && f == PG_FORMAT_OPENMETRICS, "OpenMetrics parse succeeds");
    ok(strstr(whole, "S req_seconds_bucket|req_seconds|histogram|path=/a\\b;le=0.5;|1|0|1|L4@") != NULL,
       "bucket sample seen with value 1, no timestamp, exemplar");
    ok(strstr(whole, "F req_seconds|histogram|help=1:Request \"latency\"\nin seconds.|unit=seconds|n=4|L1\n") != NULL,
       "family callback: decoded HELP, UNIT, sample count, first line");
    ok(strstr(whole, "S up|up|gauge|dotted.label=v;|1|0|0|L9@") != NULL,
       "quoted label name decoded");
    /* the one error: a quoted label name is not OpenMetrics 1.0 syntax */
    ok(st.samples == 5 && st.families == 2 && st.errors == 1 && st.lines == 10 &&
       st.bytes == strlen(om_text), "stats count samples, families, lines, bytes");

    char *chunked = parse(om_text, PG_FORMAT_OPENMETRICS, NULL, 3, 0, &frc, &crc, NULL, NULL);
    ok(!strcmp(whole, chunked), "3-byte chunks: identical callbacks");
    free(chunked);

    /* offsets are byte offsets of the line in the whole input */
    const char *l9 = strstr(om_text, "up{");
    char want[64];
    snprintf(want, sizeof want, "|L9@%zu\n", (size_t)(l9 - om_text));
    ok(strstr(whole, want) != NULL, "sample offset is the line's byte offset");
    free(whole);

    /* attribution of faults to families */
    char *d = parse("# TYPE a gauge\na 1\nb{x=\"1\" 1\n# TYPE c histogram\nc_bucket{le=\"1\"} 1\n",
                    PG_FORMAT_PROM, NULL, 0, 0, &frc, &crc, &st, NULL);
    ok(strstr(d, "D 3:9@27 error {b} expected ',' or '}' after label (cited)") != NULL,
       "a syntax fault is attributed to the line's metric");
    ok(strstr(d, "D 5:1@48 error {c} histogram 'c' has no bucket with le=\"+Inf\" (cited)") != NULL,
       "an end-of-family fault points at the series and names the family");
    ok(st.errors == 2 && st.warnings == 2, "errors and warnings counted");
    free(d);

    /* stopping from a callback */
    d = parse("a 1\nb 2\nc 3\n", PG_FORMAT_PROM, NULL, 0, 2, &frc, &crc, &st, NULL);
    ok(frc == -1 && crc == -1 && st.samples == 2 && !strstr(d, "S c"),
       "a nonzero sample callback stops the parse");
    free(d);
    d = parse("a 1\nb 2\nc 3\n", PG_FORMAT_PROM, NULL, 1, 1, &frc, &crc, &st, NULL);
    ok(frc == -1 && crc == -1 && st.samples == 1, "stop also holds when fed byte by byte");
    free(d);

    /* format resolution */
    d = parse("a 1\n# EOF\n", PG_FORMAT_AUTO, NULL, 0, 0, &frc, &crc, NULL, &f);
    ok(f == PG_FORMAT_OPENMETRICS, "auto: # EOF resolves to OpenMetrics");
    free(d);
    d = parse("a 1\n", PG_FORMAT_AUTO, "text/plain; version=0.0.4", 0, 0, &frc, &crc, NULL, &f);
    ok(f == PG_FORMAT_PROM, "auto: text/plain Content-Type");
    free(d);
    {
        pg_parser_opts o = { 0 };
        pg_parser *p = pg_parser_new(&o, NULL, NULL);
        pg_parser_feed(p, "a 1\n", 4);
        ok(pg_parser_format(p) == PG_FORMAT_AUTO, "auto: undecided before the end");
        ok(pg_parser_finish(p) == 0 && pg_parser_format(p) == PG_FORMAT_PROM,
           "auto: text format at the end without # EOF; NULL callbacks are fine");
        pg_parser_free(p);
    }
    ok(pg_format_from_content_type("application/openmetrics-text; version=1.0.0") == PG_FORMAT_OPENMETRICS &&
       pg_format_from_content_type("Text/Plain") == PG_FORMAT_PROM &&
       pg_format_from_content_type("application/json") == PG_FORMAT_AUTO &&
       pg_format_from_content_type(NULL) == PG_FORMAT_AUTO,
       "pg_format_from_content_type");
    enum pg_type t;
    ok(pg_type_parse("gaugehistogram", 14, &t) == 0 && t == PG_TYPE_GAUGEHISTOGRAM &&
       pg_type_parse("Gauge", 5, &t) == -1 && !strcmp(pg_type_name(PG_TYPE_NONE), "none") &&
       !strcmp(pg_type_name(PG_TYPE_UNTYPED), "untyped"),
       "pg_type_parse and pg_type_name");
    ok(!strcmp(pg_format_name(PG_FORMAT_PROM), "prom") &&
       !strcmp(pg_format_name(PG_FORMAT_OPENMETRICS), "openmetrics") &&
       !strcmp(pg_format_name(PG_FORMAT_AUTO), "auto"), "pg_format_name");

    /* the canonical-number check is opt-in */
    {
        static const char om[] = "# TYPE h histogram\nh_bucket{le=\"1\"} 0\n"
                                 "h_bucket{le=\"+Inf\"} 0\nh_count 0\nh_sum 0\n# EOF\n";
        struct rec r0 = { PG_BUF_INIT, 0, 0 }, r1 = { PG_BUF_INIT, 0, 0 };
        pg_parser_opts o = { 0 };
        o.format = PG_FORMAT_OPENMETRICS;
        pg_parser_callbacks cb = { NULL, NULL, on_diag };
        pg_parser *p = pg_parser_new(&o, &cb, &r0);
        pg_parser_feed(p, om, sizeof om - 1);
        pg_parser_finish(p);
        pg_parser_free(p);
        o.flags = PG_PARSE_CANONICAL;
        p = pg_parser_new(&o, &cb, &r1);
        pg_parser_feed(p, om, sizeof om - 1);
        pg_parser_finish(p);
        pg_parser_free(p);
        ok(r0.log.len == 0 && r1.log.p &&
           strstr(r1.log.p, "D 2:10@28 warning {h} le=\"1\" is not in canonical form \"1.0\""),
           "PG_PARSE_CANONICAL turns on the canonical le check");
        pg_buf_release(&r0.log);
        pg_buf_release(&r1.log);
    }

    /* values */
    d = parse("a -1.5e3\nb +Inf\nc NaN\nd 12345678901234567890\ne 1e-320\nf 0.1 -5\n",
              PG_FORMAT_PROM, NULL, 0, 0, &frc, &crc, &st, NULL);
    ok(strstr(d, "S a|a|none||-1500|") && strstr(d, "S b|b|none||inf|") &&
       strstr(d, "S c|c|none||nan|") && strstr(d, "S d|d|none||1.23457e+19|") &&
       strstr(d, "S e|e|none||9.99989e-321|") && strstr(d, "S f|f|none||0.1|ts=-5|"),
       "values and timestamps parsed");
    free(d);

    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
