/* proto.c: the delimited protobuf exposition
 * (application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
 * encoding=delimited): a stream of MetricFamily messages, each preceded by
 * its length as a varint.
 *
 * Framing is streamed, and so is each message: the MetricFamily's own
 * fields are read from the wire here, each Metric in it is decoded alone
 * (proto_metric.c: in place, or by libprotobuf-c from the code generated
 * from proto_metrics.proto), judged and dropped, so memory stays flat
 * however large a family is. Only a field split across chunks is copied.
 * What the library refuses is walked again by a small wire scanner that
 * names the faulty field.
 *
 * Samples and families go to the same callbacks as the text parser's,
 * shaped as the text format 0.0.4 renders them (foo_bucket{le="..."},
 * foo_sum, foo_count; a +Inf bucket added when the message has none, as
 * Prometheus adds it), so the checker judges a protobuf scrape against the
 * same goldens. A diagnostic's line is the 1-based message index, its
 * column 0, and its text starts with the field path
 * ("metric[2].label[0].name: ..."). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "expo/expo_int.h"
#include "expo/nhist.h"
#include "expo/proto_metric.h"
#include "expo/proto_metrics.pb-c.h"

#define DEFAULT_MAX_MESSAGE (64u << 20)
#define DEFAULT_MAX_LABELS 1024
/* A family may hold this many messages' worth of metrics (1 GiB by
 * default): memory does not grow with it, the limit only ends a stream
 * that never closes its family. */
#define FAMILY_PER_MESSAGE 16
#define MAX_SERIES (1u << 24)
#define MAX_FAMILIES (1u << 22)

static const char R_PROTO[] = "Prometheus exposition formats: Protobuf format";
/* A fault of the encoding itself (framing, tags, lengths, wire types):
 * what it held cannot be read. Its own rule, so that a reader of the
 * diagnostics (golden --from-exposition) can tell lost data from a
 * model rule broken. */
static const char R_WIRE[] =
    "Prometheus exposition formats: Protobuf format, wire encoding";
static const char R_MODEL[] = "client_model metrics.proto: MetricFamily";
static const char R_LIMIT[] = "promgate: parser limits (pg_parser_opts)";
static const char R_COUNTER[] = "Prometheus metric types: Counter";

typedef ProtobufCMessage pb_msg;
typedef Io__Prometheus__Client__Metric pb_metric;
typedef Io__Prometheus__Client__Histogram pb_histogram;

typedef struct names {
    char bucket[512], sum[512], count[512];
} names;

struct pg__proto {
    pg_parser_callbacks cb;
    void *ctx;
    size_t max_msg, max_labels;
    pg_parse_stats st;
    int stopped;
    /* framing */
    uint64_t off;             /* bytes consumed */
    uint64_t msg_off;         /* offset of the current length prefix */
    uint64_t msg_no;          /* 1-based index of the current message */
    uint64_t need;            /* body length, once the prefix is read */
    int lenbytes;             /* bytes of the length prefix read so far */
    int have_len;
    uint64_t skip;            /* body bytes left to skip (oversized) */
    int lost;                 /* framing lost: the rest is not parsed */
    uint64_t max_family;      /* limit of one MetricFamily message */
    /* decoding */
    pg__pmetric pm;           /* the metric being judged */
    pg__hset names;           /* family names seen -> message index */
    pg__hset series;          /* series of the current family */
    int pend;                 /* a series waits to be put in it: */
    uint64_t pend_key;        /*   its key */
    uint32_t pend_mi;         /*   and metric index */
    char (*bounds)[32];       /* le values of the last histogram */
    double *bound_vals;
    size_t nbounds, nfilled;
    pg_buf path;              /* field path of the current diagnostic */
    const char *family;       /* name of the family being emitted */
    /* the MetricFamily being read (see "one MetricFamily" below) */
    uint64_t left;            /* body bytes not read yet */
    int fstate;               /* F_TAG, ... */
    uint64_t v;               /* the varint being read */
    int vn;                   /* its bytes so far */
    uint64_t tag;             /* tag of the field being read */
    uint64_t flen;            /* payload bytes left in it */
    pg_buf field;             /* a kept field split across chunks */
    pg_buf name, help, unit;
    int has_name, has_help, has_type, has_unit;
    int32_t type_code;
    enum pg_type type;
    int ready;                /* header judged (metrics judged as read) */
    int judged;               /* header valid: metrics are judged */
    int abandoned;            /* a wire fault: the rest is skipped */
    size_t nmetric;           /* metric fields read */
    size_t native;            /* native histograms among them */
    uint64_t before;          /* samples before the family's */
    pg_buf deferred;          /* metrics read before the name and type */
    names nm;
};

/* ---- diagnostics ---- */

static void series_flush(pg__proto *p);

__attribute__((format(printf, 5, 6)))
static void diag(pg__proto *p, enum pg_level level, const char *rule,
                 const char *field, const char *fmt, ...)
{
    series_flush(p);
    if (level == PG_LEVEL_ERROR)
        p->st.errors++;
    else
        p->st.warnings++;
    if (!p->cb.diag)
        return;
    pg_diag d;
    d.level = level;
    d.line = (int64_t)p->msg_no;
    d.column = 0;
    d.offset = p->msg_off;
    d.rule = rule;
    snprintf(d.family, sizeof d.family, "%s", p->family ? p->family : "");
    int n = field && *field ? snprintf(d.text, sizeof d.text, "%s: ", field)
                            : 0;
    if (n < 0 || (size_t)n >= sizeof d.text)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d.text + n, sizeof d.text - (size_t)n, fmt, ap);
    va_end(ap);
    p->cb.diag(p->ctx, &d);
}

/* The field path "metric[i]" + suffix, in p->path. */
__attribute__((format(printf, 3, 4)))
static const char *path(pg__proto *p, size_t metric, const char *fmt, ...)
{
    p->path.len = 0;
    if (metric != (size_t)-1)
        pg_buf_addf(&p->path, "metric[%zu]", metric);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        pg_buf_vaddf(&p->path, fmt, ap);
        va_end(ap);
    }
    return p->path.p ? p->path.p : "";
}

/* ---- wire scanner: names the field libprotobuf-c refused ---- */

static const char *const wire_names[8] = {
    "varint", "64-bit", "length-delimited", "start-group", "end-group",
    "32-bit", "wire type 6", "wire type 7"
};

static int want_wire(const ProtobufCFieldDescriptor *f, int *packable)
{
    *packable = f->label == PROTOBUF_C_LABEL_REPEATED;
    switch (f->type) {
    case PROTOBUF_C_TYPE_DOUBLE: case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return 1;
    case PROTOBUF_C_TYPE_FLOAT: case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return 5;
    case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE:
        *packable = 0;
        return 2;
    default:
        return 0;
    }
}

/* Reads a varint at *pos; returns 0, or -1 if truncated or too long. */
static int read_varint(const uint8_t *b, size_t n, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 10; i++) {
        if (*pos >= n)
            return -1;
        uint8_t c = b[(*pos)++];
        if (i == 9 && c > 1)
            return -1;
        v |= (uint64_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* Appends the name of the field of tag to the path `at` (after the
 * message's own path, base bytes long): its name, and for a repeated field
 * its index among those seen so far. */
static void field_path(pg_buf *at, size_t base, const ProtobufCFieldDescriptor *f,
                       uint64_t tag, unsigned *seen)
{
    uint32_t id = (uint32_t)(tag >> 3);
    if (!f) {
        pg_buf_addf(at, "%sfield %llu", base ? "." : "",
                    (unsigned long long)(tag >> 3));
        return;
    }
    pg_buf_addf(at, "%s%s", base ? "." : "", f->name);
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        pg_buf_addf(at, "[%u]", seen[id & 31]);
    seen[id & 31]++;
}

/* The payload length of a field of wire type wt at *pos: fixed for 64-
 * and 32-bit fields, read for length-delimited ones. Returns 1 after
 * reading a varint field whole (no payload left), 0 with *len, or -1 with
 * *why. */
static int field_length(const uint8_t *b, size_t n, size_t *pos, int wt,
                        uint64_t *len, char *why, size_t whycap)
{
    switch (wt) {
    case 0:
        if (read_varint(b, n, pos, len)) {
            snprintf(why, whycap, "truncated or overlong varint");
            return -1;
        }
        return 1;
    case 1: *len = 8; return 0;
    case 5: *len = 4; return 0;
    case 2:
        if (read_varint(b, n, pos, len)) {
            snprintf(why, whycap, "truncated length");
            return -1;
        }
        return 0;
    default:
        snprintf(why, whycap, "unsupported %s", wire_names[wt]);
        return -1;
    }
}

/* A packed repeated field of len bytes at b: whole elements of a fixed
 * size, or varints that end inside it. Returns 0, or -1 with *why. */
static int packed_ok(const uint8_t *b, size_t len,
                     const ProtobufCFieldDescriptor *f, char *why, size_t whycap)
{
    int packable;
    int elem = want_wire(f, &packable);
    size_t esize = elem == 1 ? 8 : elem == 5 ? 4 : 0;
    if (esize && len % esize) {
        snprintf(why, whycap, "packed array of %zu bytes is not a "
                 "multiple of %zu", len, esize);
        return -1;
    }
    size_t q = 0;
    uint64_t v;
    while (!esize && q < len)
        if (read_varint(b, len, &q, &v)) {
            snprintf(why, whycap, "truncated varint in packed array");
            return -1;
        }
    return 0;
}

/* Walks one message; on the first fault sets *why and the path and
 * returns -1. */
static int scan(const uint8_t *b, size_t n, const ProtobufCMessageDescriptor *md,
                pg_buf *at, char *why, size_t whycap, int depth)
{
    unsigned seen[32] = { 0 };
    size_t pos = 0, base = at->len;
    while (pos < n) {
        uint64_t tag;
        at->len = base;
        at->p[base] = '\0';
        if (read_varint(b, n, &pos, &tag)) {
            snprintf(why, whycap, "truncated or overlong field tag");
            return -1;
        }
        uint32_t id = (uint32_t)(tag >> 3);
        int wt = (int)(tag & 7);
        const ProtobufCFieldDescriptor *f =
            tag >> 3 > UINT32_MAX ? NULL
                                  : protobuf_c_message_descriptor_get_field(md, id);
        field_path(at, base, f, tag, seen);
        if (id == 0) {
            snprintf(why, whycap, "invalid field number 0");
            return -1;
        }
        int packable = 0;
        int want = f ? want_wire(f, &packable) : wt;
        if (f && wt != want && !(packable && wt == 2)) {
            snprintf(why, whycap, "wrong wire type: %s, want %s",
                     wire_names[wt], wire_names[want]);
            return -1;
        }
        uint64_t len = 0;
        int r = field_length(b, n, &pos, wt, &len, why, whycap);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (len > n - pos) {
            snprintf(why, whycap, "%llu bytes announced, %zu left in the "
                     "message", (unsigned long long)len, n - pos);
            return -1;
        }
        if (f && wt == 2 && packable && packed_ok(b + pos, (size_t)len, f, why, whycap))
            return -1;
        if (f && f->type == PROTOBUF_C_TYPE_MESSAGE && depth < 8 &&
            scan(b + pos, (size_t)len, f->descriptor, at, why, whycap,
                 depth + 1))
            return -1;
        pos += (size_t)len;
    }
    at->len = base;
    if (at->p)
        at->p[base] = '\0';
    return 0;
}

/* A message libprotobuf-c refused (md, at the path in p->path): the
 * scanner names the faulty field. */
static void refused(pg__proto *p, const uint8_t *b, size_t n,
                    const ProtobufCMessageDescriptor *md)
{
    char why[160] = "";
    if (scan(b, n, md, &p->path, why, sizeof why, 1) == 0)
        snprintf(why, sizeof why, "message cannot be decoded");
    diag(p, PG_LEVEL_ERROR, R_WIRE, p->path.p, "%s", why);
}

/* ---- MetricFamily -> samples ---- */

static pg_str view(const char *s)
{
    return (pg_str){ s ? s : "", s ? strlen(s) : 0 };
}

static int utf8_ok(pg_str s)
{
    return pg__utf8_valid(s.p, s.len) == s.len;
}

#define NO_INDEX ((size_t)-1)

/* Warns about each field of m the schema does not know. m is the family
 * (metric NO_INDEX), metric[metric], or its label[label]; the path is
 * formatted only when there is something to say, as this runs for every
 * metric and label. */
static void unknown_fields(pg__proto *p, const pb_msg *m, size_t metric,
                           size_t label)
{
    if (!m || !m->n_unknown_fields)
        return;
    const char *at = metric == NO_INDEX ? NULL
                   : label == NO_INDEX ? path(p, metric, NULL)
                                       : path(p, metric, ".label[%zu]", label);
    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        diag(p, PG_LEVEL_WARNING, R_MODEL, at,
             "unknown field %u (ignored by Prometheus)",
             m->unknown_fields[i].tag);
}

static enum pg_type map_type(int t)
{
    switch (t) {
    case IO__PROMETHEUS__CLIENT__METRIC_TYPE__COUNTER: return PG_TYPE_COUNTER;
    case IO__PROMETHEUS__CLIENT__METRIC_TYPE__GAUGE: return PG_TYPE_GAUGE;
    case IO__PROMETHEUS__CLIENT__METRIC_TYPE__SUMMARY: return PG_TYPE_SUMMARY;
    case IO__PROMETHEUS__CLIENT__METRIC_TYPE__UNTYPED: return PG_TYPE_UNTYPED;
    case IO__PROMETHEUS__CLIENT__METRIC_TYPE__HISTOGRAM:
        return PG_TYPE_HISTOGRAM;
    case IO__PROMETHEUS__CLIENT__METRIC_TYPE__GAUGE_HISTOGRAM:
        return PG_TYPE_GAUGEHISTOGRAM;
    default: return PG_TYPE_NONE;
    }
}

/* The unknown fields of a metric libprotobuf-c decoded, and of its
 * labels (the reader leaves every message with one to the library). */
static void unknown_in(pg__proto *p, const pg__pmetric *pm, size_t mi,
                       size_t label)
{
    const pb_metric *u = pm->unpacked;
    if (u)
        unknown_fields(p, label == NO_INDEX ? &u->base : &u->label[label]->base,
                       mi, label);
}

static int label_ok(pg__proto *p, const pg__pmetric *pm, size_t i, size_t mi,
                    const char *reserved)
{
    pg_str name = pm->labels[i].name, value = pm->labels[i].value;
    int bad = 0;
    unknown_in(p, pm, mi, i);
    if (!name.len || (!pm->plain && !utf8_ok(name))) {
        diag(p, PG_LEVEL_ERROR, R_PROTO, path(p, mi, ".label[%zu].name", i),
             "%s", name.len ? "label name is not valid UTF-8"
                            : "empty label name");
        bad = 1;
    } else if (reserved && pg_str_eq(name, reserved)) {
        diag(p, PG_LEVEL_ERROR, R_PROTO, path(p, mi, ".label[%zu].name", i),
             "label '%s' is reserved in this family", reserved);
        bad = 1;
    }
    if (!pm->plain && !utf8_ok(value)) {
        diag(p, PG_LEVEL_ERROR, R_PROTO, path(p, mi, ".label[%zu].value", i),
             "label value is not valid UTF-8");
        bad = 1;
    }
    return !bad;
}

/* Checks a metric's labels. Returns 1 if they can name a series. */
static int metric_labels(pg__proto *p, const pg__pmetric *pm, size_t mi,
                         const char *reserved)
{
    if (pm->nlabels > p->max_labels) {
        diag(p, PG_LEVEL_ERROR, R_LIMIT, path(p, mi, ".label"),
             "more than %zu labels", p->max_labels);
        return 0;
    }
    int ok = 1;
    size_t at;
    for (size_t i = 0; i < pm->nlabels; i++)
        ok &= label_ok(p, pm, i, mi, reserved);
    if (pg__dup_labels(pm->labels, pm->nlabels, &at)) {
        pg_str name = pm->labels[at].name;
        diag(p, PG_LEVEL_ERROR, R_PROTO, path(p, mi, ".label[%zu].name", at),
             "duplicate label name '%.*s'", (int)(name.len > 64 ? 64 : name.len),
             name.p);
        ok = 0;
    }
    return ok;
}

/* The insert of a metric's series into the family's set waits for the
 * next metric (or the next diagnostic, the family's end, a stop), so the
 * prefetch of its slot has a metric's decoding to hide the cache miss
 * behind, as in the text parser. Diagnostics keep their order: each one
 * puts the waiting series first. As in the text formats, a duplicate's
 * samples have been reported when its error comes. */
static void series_flush(pg__proto *p)
{
    if (!p->pend)
        return;
    p->pend = 0;
    uint32_t first;
    if (pg__hset_put(&p->series, p->pend_key, p->pend_mi, &first) != 0)
        return;
    /* not path(): a caller's diag may be flushing, its field in p->path */
    char at[40];
    snprintf(at, sizeof at, "metric[%u].label", (unsigned)p->pend_mi);
    diag(p, PG_LEVEL_ERROR, R_PROTO, at,
         "duplicate series: same labels as metric[%u]", (unsigned)first);
}

static int sample(pg__proto *p, pg_str family, enum pg_type t, const char *name,
                  size_t nlabels, double v, const pg__pmetric *m, int exemplar)
{
    p->st.samples++;
    if (!p->cb.sample)
        return 0;
    pg_sample s;
    s.name = view(name);
    s.family = family;
    s.type = t;
    s.labels = m->labels;
    s.nlabels = nlabels;
    s.value = v;
    s.has_timestamp = m->has_timestamp;
    s.timestamp = (double)m->timestamp_ms;
    s.has_exemplar = exemplar;
    s.line = (int64_t)p->msg_no;
    s.offset = p->msg_off;
    if (p->cb.sample(p->ctx, &s)) {
        series_flush(p);
        p->stopped = 1;
        return -1;
    }
    return 0;
}

/* The le (or quantile) value as client_golang's text format writes it
 * (strconv.FormatFloat 'g', -1, as Python's client copies); the last
 * histogram's bounds are kept, since a family's metrics share them. */
static const char *bound_text(pg__proto *p, size_t i, double v)
{
    if (i >= p->nbounds) {
        size_t n = i + 8;
        p->bounds = pg_xrealloc(p->bounds, n * sizeof *p->bounds);
        p->bound_vals = pg_xrealloc(p->bound_vals, n * sizeof *p->bound_vals);
        p->nbounds = n;
    }
    /* i counts up from 0 in each metric: slots below nfilled hold text */
    if (i >= p->nfilled || memcmp(&p->bound_vals[i], &v, sizeof v) != 0) {
        /* Go's strconv 'g', shortest: OpenMetrics' canonical form
         * without the ".0" it adds to integers */
        char *b = p->bounds[i];
        pg_num_format_canonical(v, b, sizeof p->bounds[i]);
        size_t n = strlen(b);
        if (n > 2 && !strcmp(b + n - 2, ".0"))
            b[n - 2] = '\0';
        p->bound_vals[i] = v;
        if (i >= p->nfilled)
            p->nfilled = i + 1;
    }
    return p->bounds[i];
}

/* Sets the label after a metric's own (the view keeps a slot for it). */
static int with_label(pg__pmetric *m, size_t n, const char *name, const char *v)
{
    m->labels[n] = (pg_label){ view(name), view(v) };
    return (int)n + 1;
}

static void suffixed(names *nm, pg_str f, int gauge)
{
    snprintf(nm->bucket, sizeof nm->bucket, "%.*s_bucket", (int)f.len, f.p);
    snprintf(nm->sum, sizeof nm->sum, "%.*s%s", (int)f.len, f.p,
             gauge ? "_gsum" : "_sum");
    snprintf(nm->count, sizeof nm->count, "%.*s%s", (int)f.len, f.p,
             gauge ? "_gcount" : "_count");
}

static void nhist_fault(void *ctx, enum pg_level level, const char *field,
                        const char *text)
{
    pg__proto *p = ctx;
    size_t base = p->path.len;
    pg_buf_addf(&p->path, ".%s", field);
    diag(p, level, pg_nhist_rule, p->path.p, "%s", text);
    p->path.len = base;
    p->path.p[base] = '\0';
}

/* "A Histogram message that is meant to be parsed as a native histogram
 * MUST contain a no-op span": Prometheus takes spans, a zero threshold or
 * a zero count as the mark of a native histogram. */
static int is_native(const pb_histogram *h)
{
    return h->n_positive_span || h->n_negative_span || h->zero_threshold > 0 ||
           h->zero_count > 0 || h->zero_count_float > 0;
}

static void spans_of(const Io__Prometheus__Client__BucketSpan *const *s,
                     size_t n, pg_nhist_span *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (pg_nhist_span){ s[i]->offset, s[i]->length };
}

static void check_native(pg__proto *p, const pb_histogram *h, size_t mi)
{
    size_t nspans = h->n_positive_span + h->n_negative_span;
    pg_nhist_span *spans = pg_xmalloc((nspans ? nspans : 1) * sizeof *spans);
    spans_of((const Io__Prometheus__Client__BucketSpan *const *)h->positive_span,
             h->n_positive_span, spans);
    spans_of((const Io__Prometheus__Client__BucketSpan *const *)h->negative_span,
             h->n_negative_span, spans + h->n_positive_span);
    size_t nex = h->n_exemplars;
    double *exv = pg_xmalloc((nex ? nex : 1) * sizeof *exv);
    int *exts = pg_xmalloc((nex ? nex : 1) * sizeof *exts);
    for (size_t i = 0; i < nex; i++) {
        exv[i] = h->exemplars[i]->value;
        exts[i] = h->exemplars[i]->timestamp != NULL;
    }
    pg_nhist nh = {
        h->schema, h->zero_threshold, h->zero_count, h->zero_count_float,
        h->sample_count, h->sample_count_float, h->sample_sum,
        { spans, h->n_positive_span, h->positive_delta, h->n_positive_delta,
          h->positive_count, h->n_positive_count },
        { spans + h->n_positive_span, h->n_negative_span, h->negative_delta,
          h->n_negative_delta, h->negative_count, h->n_negative_count },
        exv, exts, nex
    };
    if (!h->has_schema)
        diag(p, PG_LEVEL_ERROR, pg_nhist_rule, path(p, mi, ".histogram.schema"),
             "native histogram without a schema");
    path(p, mi, ".histogram");
    pg_nhist_validate(&nh, nhist_fault, p);
    free(spans);
    free(exv);
    free(exts);
}

static int emit_histogram(pg__proto *p, pg_str fam, enum pg_type t,
                          pg__pmetric *m, size_t mi, size_t nl,
                          const names *nm, size_t *native)
{
    double count = m->hist_count_float > 0 ? m->hist_count_float
                                           : (double)m->hist_count;
    double prev_bound = -INFINITY, prev_count = 0;
    int has_inf = 0;
    for (size_t i = 0; i < m->nbuckets; i++) {
        const pg__pm_bucket *b = &m->buckets[i];
        double c = b->count_float > 0 ? b->count_float : (double)b->count;
        if (isnan(b->upper_bound))
            diag(p, PG_LEVEL_ERROR, R_PROTO,
                 path(p, mi, ".histogram.bucket[%zu].upper_bound", i),
                 "bucket bound is NaN");
        else if (b->upper_bound <= prev_bound)
            diag(p, PG_LEVEL_ERROR, R_PROTO,
                 path(p, mi, ".histogram.bucket[%zu].upper_bound", i),
                 "bucket bounds must increase: %g after %g", b->upper_bound,
                 prev_bound);
        if (c < prev_count)
            diag(p, PG_LEVEL_ERROR, R_PROTO,
                 path(p, mi, ".histogram.bucket[%zu].cumulative_count", i),
                 "cumulative count %.17g is below the previous bucket's %.17g",
                 c, prev_count);
        if (c > count)
            diag(p, PG_LEVEL_ERROR, R_PROTO,
                 path(p, mi, ".histogram.bucket[%zu].cumulative_count", i),
                 "cumulative count %.17g exceeds the sample count %.17g", c,
                 count);
        if (!isnan(b->upper_bound))
            prev_bound = b->upper_bound;
        prev_count = c;
        has_inf |= isinf(b->upper_bound) && b->upper_bound > 0;
        int n = with_label(m, nl, "le", bound_text(p, i, b->upper_bound));
        if (sample(p, fam, t, nm->bucket, (size_t)n, c, m, b->exemplar))
            return -1;
    }
    if (has_inf && prev_count != count)
        diag(p, PG_LEVEL_ERROR, R_PROTO, path(p, mi, ".histogram.sample_count"),
             "sample count %.17g differs from the +Inf bucket's %.17g", count,
             prev_count);
    if (!has_inf) {
        int n = with_label(m, nl, "le", "+Inf");
        if (sample(p, fam, t, nm->bucket, (size_t)n, count, m, 0))
            return -1;
    }
    if (sample(p, fam, t, nm->sum, nl, m->hist_sum, m, 0) ||
        sample(p, fam, t, nm->count, nl, count, m, 0))
        return -1;
    const pb_metric *u = m->unpacked;
    if (u && is_native(u->histogram)) {
        (*native)++;
        check_native(p, u->histogram, mi);
    }
    return 0;
}

static int emit_summary(pg__proto *p, pg_str fam, pg__pmetric *m, size_t mi,
                        size_t nl, const names *nm)
{
    for (size_t i = 0; i < m->nquantiles; i++) {
        double q = m->quantiles[i].quantile;
        if (isnan(q) || q < 0 || q > 1)
            diag(p, PG_LEVEL_ERROR, R_PROTO,
                 path(p, mi, ".summary.quantile[%zu].quantile", i),
                 "quantile %s outside [0, 1]", bound_text(p, i, q));
        int n = with_label(m, nl, "quantile", bound_text(p, i, q));
        if (sample(p, fam, PG_TYPE_SUMMARY, fam.p, (size_t)n,
                   m->quantiles[i].value, m, 0))
            return -1;
    }
    if (sample(p, fam, PG_TYPE_SUMMARY, nm->sum, nl, m->summary_sum, m, 0) ||
        sample(p, fam, PG_TYPE_SUMMARY, nm->count, nl, (double)m->summary_count,
               m, 0))
        return -1;
    return 0;
}

/* "COUNTER must use the Metric field counter" (and so on): the field of
 * the family's type is present, no other value field is. */
static int value_fields(pg__proto *p, const pg__pmetric *m, size_t mi,
                        enum pg_type t)
{
    const unsigned have[] = { m->present & PG__PM_COUNTER,
                              m->present & PG__PM_GAUGE,
                              m->present & PG__PM_SUMMARY,
                              m->present & PG__PM_UNTYPED,
                              m->present & PG__PM_HISTOGRAM };
    static const char *const field[] = { "counter", "gauge", "summary",
                                         "untyped", "histogram" };
    int want = t == PG_TYPE_COUNTER ? 0 : t == PG_TYPE_GAUGE ? 1
             : t == PG_TYPE_SUMMARY ? 2 : t == PG_TYPE_UNTYPED ? 3 : 4;
    int ok = 1;
    for (int i = 0; i < 5; i++)
        if (i != want && have[i]) {
            diag(p, PG_LEVEL_ERROR, R_MODEL, path(p, mi, ".%s", field[i]),
                 "%s field in a %s family", field[i], pg_type_name(t));
            ok = 0;
        }
    if (!have[want]) {
        diag(p, PG_LEVEL_ERROR, R_MODEL, path(p, mi, NULL),
             "%s family without its '%s' field", pg_type_name(t), field[want]);
        ok = 0;
    }
    return ok;
}

static int emit_metric(pg__proto *p, pg_str fam, enum pg_type t,
                       pg__pmetric *m, size_t mi, const names *nm,
                       size_t *native)
{
    unknown_in(p, m, mi, NO_INDEX);
    const char *reserved = t == PG_TYPE_SUMMARY ? "quantile"
                         : (t == PG_TYPE_HISTOGRAM || t == PG_TYPE_GAUGEHISTOGRAM)
                             ? "le" : NULL;
    if (!metric_labels(p, m, mi, reserved) || !value_fields(p, m, mi, t))
        return 0;
    size_t nl = m->nlabels;
    uint64_t h = m->series;
    PG__HSET_PREFETCH(&p->series, h);
    series_flush(p);
    p->pend = 1;
    p->pend_key = h;
    p->pend_mi = (uint32_t)mi;
    switch (t) {
    case PG_TYPE_COUNTER:
        if (m->counter < 0)
            diag(p, PG_LEVEL_WARNING, R_COUNTER, path(p, mi, ".counter.value"),
                 "counter '%s' value is negative", fam.p);
        return sample(p, fam, t, fam.p, nl, m->counter, m,
                      m->counter_exemplar);
    case PG_TYPE_GAUGE:
        return sample(p, fam, t, fam.p, nl, m->gauge, m, 0);
    case PG_TYPE_UNTYPED:
        return sample(p, fam, t, fam.p, nl, m->untyped, m, 0);
    case PG_TYPE_SUMMARY:
        return emit_summary(p, fam, m, mi, nl, nm);
    default:
        return emit_histogram(p, fam, t, m, mi, nl, nm, native);
    }
}

/* ---- one MetricFamily, read field by field ----
 *
 * The family's own fields (name, help, type, unit) are read from the wire
 * here; each `metric` (field 4) is unpacked alone by libprotobuf-c and
 * judged, then freed, so at most one Metric is held whatever the size of
 * the family. Protobuf allows the fields in any order: metrics that come
 * before both the name and the type are kept until both are known (or the
 * message ends: a missing type is COUNTER, its default), since they cannot
 * be judged without them. A name or type that changes after metrics were
 * judged is reported (the first is kept). A wire fault abandons the rest
 * of the family: metrics judged before it stay reported, the family is
 * not. */

enum { F_TAG, F_VARINT, F_LEN, F_KEEP, F_SKIP };

enum { FIELD_NAME = 1, FIELD_HELP = 2, FIELD_TYPE = 3, FIELD_METRIC = 4,
       FIELD_UNIT = 5 };

static const ProtobufCMessageDescriptor *const family_md =
    &io__prometheus__client__metric_family__descriptor;

/* The path of the family's field of tag (the metric about to be read, for
 * field 4), in p->path. */
static const char *family_field(pg__proto *p, uint64_t tag)
{
    uint64_t id = tag >> 3;
    const ProtobufCFieldDescriptor *f =
        id > UINT32_MAX ? NULL
                        : protobuf_c_message_descriptor_get_field(family_md,
                                                                  (unsigned)id);
    if (id == FIELD_METRIC)
        return path(p, p->nmetric, NULL);
    if (f)
        return path(p, NO_INDEX, "%s", f->name);
    return path(p, NO_INDEX, "field %llu", (unsigned long long)id);
}

/* Gives up the rest of the family after a fault. */
static int abandon(pg__proto *p)
{
    p->abandoned = 1;
    p->fstate = F_SKIP;
    p->flen = p->left;
    p->vn = 0;
    return 0;
}

/* A fault of the field being read: at its path, or at the family when a
 * tag is cut. */
__attribute__((format(printf, 2, 3)))
static int wire_fault(pg__proto *p, const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    diag(p, PG_LEVEL_ERROR, R_WIRE,
         p->fstate == F_TAG && p->vn ? NULL : family_field(p, p->tag), "%s",
         why);
    return abandon(p);
}

static int header_ok(pg__proto *p)
{
    pg_str name = view(p->has_name ? p->name.p : NULL);
    if (!name.len) {
        diag(p, PG_LEVEL_ERROR, R_MODEL, "name", "family without a name");
        return 0;
    }
    if (!utf8_ok(name) || name.len > 400) {
        diag(p, PG_LEVEL_ERROR, R_PROTO, "name", "%s",
             name.len > 400 ? "family name longer than 400 bytes"
                            : "family name is not valid UTF-8");
        return 0;
    }
    uint32_t first;
    if (pg__hset_put(&p->names, pg__hash(name.p, name.len, 1),
                     (uint32_t)(p->msg_no > UINT32_MAX ? UINT32_MAX : p->msg_no),
                     &first) == 0)
        diag(p, PG_LEVEL_ERROR, R_PROTO, "name",
             "family '%s' repeats (first in message %u)", name.p, first);
    if (p->has_help && !utf8_ok(view(p->help.p)))
        diag(p, PG_LEVEL_ERROR, R_PROTO, "help", "help is not valid UTF-8");
    p->type = map_type(p->type_code);
    if (p->type == PG_TYPE_NONE) {
        diag(p, PG_LEVEL_ERROR, R_MODEL, "type", "unknown metric type %d",
             (int)p->type_code);
        return 0;
    }
    suffixed(&p->nm, name, p->type == PG_TYPE_GAUGEHISTOGRAM);
    return 1;
}

static void judge_metric(pg__proto *p, const uint8_t *b, size_t n, size_t mi)
{
    if (!p->judged || p->abandoned || p->stopped)
        return;
    pg__pmetric *m = &p->pm;
    if (!pg__pmetric_read(m, b, n, p->max_labels) &&
        pg__pmetric_unpack(m, b, n)) {
        path(p, mi, NULL);
        refused(p, b, n, &io__prometheus__client__metric__descriptor);
        abandon(p);
        return;
    }
    pg_str fam = { p->name.p, p->name.len };
    emit_metric(p, fam, p->type, m, mi, &p->nm, &p->native);
}

/* Judges the header and the metrics that waited for it. */
static void make_ready(pg__proto *p)
{
    p->ready = 1;
    p->judged = header_ok(p);
    pg__hset_clear(&p->series);
    p->before = p->st.samples;
    size_t at = 0;
    while (at < p->deferred.len && !p->abandoned && !p->stopped) {
        size_t hdr[2];
        memcpy(hdr, p->deferred.p + at, sizeof hdr);
        at += sizeof hdr;
        judge_metric(p, (const uint8_t *)p->deferred.p + at, hdr[0], hdr[1]);
        at += hdr[0];
    }
    p->deferred.len = 0;
}

static void metric_field(pg__proto *p, const uint8_t *b, size_t n)
{
    size_t mi = p->nmetric++;
    if (!p->ready && p->has_name && p->has_type)
        make_ready(p);
    if (p->ready) {
        judge_metric(p, b, n, mi);
        return;
    }
    size_t hdr[2] = { n, mi };
    pg_buf_add(&p->deferred, (const char *)hdr, sizeof hdr);
    pg_buf_add(&p->deferred, (const char *)b, n);
}

/* name, help or unit: the last one wins, until metrics were judged. */
static void string_field(pg__proto *p, pg_buf *to, int *has,
                         const uint8_t *b, size_t n)
{
    if (p->ready && to == &p->name) {
        if (p->judged && (n != strlen(p->name.p) || memcmp(b, p->name.p, n)))
            diag(p, PG_LEVEL_ERROR, R_MODEL, "name", "name changes after "
                 "metrics were judged as '%s'; the first name is kept",
                 p->name.p);
        return;
    }
    to->len = 0;
    pg_buf_add(to, (const char *)b, n);
    pg_buf_grow(to, 1);
    to->p[to->len] = '\0';
    *has = 1;
    if (to == &p->name)
        p->family = p->name.p;
    if (p->ready && p->judged && to == &p->help && !utf8_ok(view(to->p)))
        diag(p, PG_LEVEL_ERROR, R_PROTO, "help", "help is not valid UTF-8");
}

static void type_field(pg__proto *p, uint64_t v)
{
    int32_t code = (int32_t)v;
    if (!p->ready) {
        p->type_code = code;
        p->has_type = 1;
        if (p->has_name && p->deferred.len)
            make_ready(p);
    } else if (p->judged && code != p->type_code) {
        diag(p, PG_LEVEL_ERROR, R_MODEL, "type", "type %d arrives after "
             "metrics were judged as %s; the first type is kept", (int)code,
             pg_type_name(p->type));
    }
}

static void field_done(pg__proto *p, const uint8_t *b, size_t n)
{
    p->fstate = F_TAG;
    switch (p->tag >> 3) {
    case FIELD_NAME:
        string_field(p, &p->name, &p->has_name, b, n);
        if (!p->ready && p->has_type && p->deferred.len)
            make_ready(p);
        break;
    case FIELD_HELP: string_field(p, &p->help, &p->has_help, b, n); break;
    case FIELD_UNIT: string_field(p, &p->unit, &p->has_unit, b, n); break;
    case FIELD_METRIC: metric_field(p, b, n); break;
    default: break;
    }
}

static int on_tag(pg__proto *p, uint64_t tag)
{
    uint64_t id = tag >> 3;
    int wt = (int)(tag & 7);
    p->tag = tag;
    const ProtobufCFieldDescriptor *f =
        id > UINT32_MAX ? NULL
                        : protobuf_c_message_descriptor_get_field(family_md,
                                                                  (unsigned)id);
    int packable, want = f ? want_wire(f, &packable) : wt;
    if (id == 0)
        return wire_fault(p, "invalid field number 0");
    if (wt != want)
        return wire_fault(p, "wrong wire type: %s, want %s", wire_names[wt],
                          wire_names[want]);
    if (wt != 0 && wt != 1 && wt != 2 && wt != 5)
        return wire_fault(p, "unsupported %s", wire_names[wt]);
    if (!f)
        diag(p, PG_LEVEL_WARNING, R_MODEL, NULL,
             "unknown field %llu (ignored by Prometheus)",
             (unsigned long long)id);
    if (wt == 0 || wt == 2) {
        p->fstate = wt == 0 ? F_VARINT : F_LEN;
        return 0;
    }
    p->flen = wt == 1 ? 8 : 4;
    if (p->flen > p->left)
        return wire_fault(p, "%llu bytes announced, %zu left in the message",
                          (unsigned long long)p->flen, (size_t)p->left);
    p->fstate = F_SKIP;
    return 0;
}

static int on_length(pg__proto *p, uint64_t len)
{
    uint64_t id = p->tag >> 3;
    if (len > p->left)
        return wire_fault(p, "%llu bytes announced, %zu left in the message",
                          (unsigned long long)len, (size_t)p->left);
    p->flen = len;
    p->fstate = id >= FIELD_NAME && id <= FIELD_UNIT ? F_KEEP : F_SKIP;
    if (p->fstate == F_KEEP && len > p->max_msg) {
        diag(p, PG_LEVEL_ERROR, R_LIMIT, family_field(p, p->tag),
             "%s of %llu bytes exceeds the limit of %zu bytes; %s",
             id == FIELD_METRIC ? "metric" : "field", (unsigned long long)len,
             p->max_msg, id == FIELD_METRIC ? "it is skipped"
                                            : "the family is skipped");
        if (id != FIELD_METRIC)
            return abandon(p);
        p->nmetric++;
        p->fstate = F_SKIP;
    }
    if (p->fstate == F_KEEP && len == 0)
        field_done(p, (const uint8_t *)"", 0);
    else if (len == 0)
        p->fstate = F_TAG;
    return 0;
}

/* One byte of a tag, a varint value or a length. */
static int varint_byte(pg__proto *p, uint8_t c)
{
    if (p->vn == 9 && c > 1) {
        if (p->fstate == F_TAG)
            return wire_fault(p, "truncated or overlong field tag");
        return wire_fault(p, p->fstate == F_LEN ? "truncated length"
                                                : "truncated or overlong varint");
    }
    p->v |= (uint64_t)(c & 0x7f) << (7 * p->vn++);
    if (c & 0x80)
        return 0;
    uint64_t v = p->v;
    p->v = 0;
    p->vn = 0;
    if (p->fstate == F_TAG) {
        on_tag(p, v);
    } else if (p->fstate == F_LEN) {
        on_length(p, v);
    } else {
        p->fstate = F_TAG;
        if (p->tag >> 3 == FIELD_TYPE)
            type_field(p, v);
    }
    return 0;
}

/* k payload bytes of a kept field: judged in place when the field lies
 * whole in the chunk, else gathered. */
static void keep_bytes(pg__proto *p, const uint8_t *s, size_t k)
{
    if (!p->field.len && k == p->flen) {
        p->flen = 0;
        field_done(p, s, k);
        return;
    }
    pg_buf_add(&p->field, (const char *)s, k);
    p->flen -= k;
    if (!p->flen) {
        field_done(p, (const uint8_t *)p->field.p, p->field.len);
        p->field.len = 0;
    }
}

/* Reads up to n bytes of the current message's body; returns the bytes
 * used. */
static size_t body_feed(pg__proto *p, const uint8_t *s, size_t n)
{
    size_t used = 0;
    while (used < n && p->left && !p->stopped) {
        size_t avail = n - used < p->left ? n - used : (size_t)p->left;
        size_t k = 1;
        if (p->fstate == F_SKIP || p->fstate == F_KEEP)
            k = p->flen < avail ? (size_t)p->flen : avail;
        p->left -= k;
        if (p->fstate == F_KEEP) {
            keep_bytes(p, s + used, k);
        } else if (p->fstate == F_SKIP) {
            p->flen -= k;
            if (!p->flen)
                p->fstate = F_TAG;
        } else {
            varint_byte(p, s[used]);
        }
        used += k;
    }
    return used;
}

static void family_reset(pg__proto *p)
{
    p->fstate = F_TAG;
    p->vn = 0;
    p->v = 0;
    p->has_name = p->has_help = p->has_type = p->has_unit = 0;
    p->type_code = 0;
    p->ready = p->judged = p->abandoned = 0;
    p->nmetric = 0;
    p->native = 0;
    p->field.len = 0;
    p->deferred.len = 0;
    p->family = NULL;
}

static void family_callback(pg__proto *p)
{
    p->st.families++;
    if (!p->cb.family)
        return;
    pg_family_info fi;
    memset(&fi, 0, sizeof fi);
    fi.name = view(p->name.p);
    fi.type = p->type;
    fi.has_help = p->has_help;
    fi.help = view(p->has_help ? p->help.p : NULL);
    fi.unit = view(p->has_unit ? p->unit.p : NULL);
    fi.nsamples = (size_t)(p->st.samples - p->before);
    fi.line = (int64_t)p->msg_no;
    fi.native = p->native;
    if (p->cb.family(p->ctx, &fi))
        p->stopped = 1;
}

/* The body has been read whole. */
static void family_end(pg__proto *p)
{
    series_flush(p);
    if (!p->abandoned && (p->fstate != F_TAG || p->vn)) {
        if (p->fstate == F_TAG)
            wire_fault(p, "truncated or overlong field tag");
        else
            wire_fault(p, p->fstate == F_LEN ? "truncated length"
                                             : "truncated or overlong varint");
    }
    if (!p->abandoned && !p->stopped) {
        if (!p->ready)
            make_ready(p);
        if (p->judged && !p->abandoned && !p->stopped)
            family_callback(p);
    }
    family_reset(p);
}

/* ---- framing ---- */

static void next_message(pg__proto *p)
{
    p->have_len = 0;
    p->lenbytes = 0;
    p->need = 0;
    p->left = 0;
}

/* One byte of a length prefix. */
static void length_byte(pg__proto *p, uint8_t c)
{
    if (!p->lenbytes) {
        p->msg_no++;
        p->msg_off = p->off - 1;
    }
    if (p->lenbytes == 9 && c > 1) {
        diag(p, PG_LEVEL_ERROR, R_WIRE, NULL,
             "length prefix is not a valid varint; the rest of the input "
             "cannot be framed");
        p->lost = 1;
        return;
    }
    p->need |= (uint64_t)(c & 0x7f) << (7 * p->lenbytes++);
    if (c & 0x80)
        return;
    p->have_len = 1;
    p->left = p->need;
    if (p->need > p->max_family) {
        diag(p, PG_LEVEL_ERROR, R_LIMIT, NULL,
             "message of %llu bytes exceeds the limit of %llu bytes",
             (unsigned long long)p->need, (unsigned long long)p->max_family);
        p->skip = p->need;
        next_message(p);
    } else if (p->need == 0) {
        family_end(p);
        next_message(p);
    }
}

int pg__proto_feed(pg__proto *p, const char *buf, size_t len)
{
    const char *s = buf, *e = buf + len;
    p->st.bytes += len;
    while (s < e && !p->stopped && !p->lost) {
        size_t avail = (size_t)(e - s);
        if (p->skip) {
            size_t take = p->skip < avail ? (size_t)p->skip : avail;
            p->skip -= take;
            s += take;
            p->off += take;
        } else if (!p->have_len) {
            p->off++;
            length_byte(p, (uint8_t)*s++);
        } else {
            size_t k = body_feed(p, (const uint8_t *)s, avail);
            s += k;
            p->off += k;
            if (!p->left) {
                family_end(p);
                next_message(p);
            }
        }
    }
    return p->stopped ? -1 : 0;
}

int pg__proto_finish(pg__proto *p)
{
    if (p->stopped)
        return -1;
    if (p->lost)
        return 0;
    if (p->lenbytes && !p->have_len)
        diag(p, PG_LEVEL_ERROR, R_WIRE, NULL,
             "input ends inside a length prefix");
    else if (p->have_len)
        diag(p, PG_LEVEL_ERROR, R_WIRE, NULL,
             "message truncated: %llu of %llu bytes",
             (unsigned long long)(p->need - p->left),
             (unsigned long long)p->need);
    else if (p->skip)
        diag(p, PG_LEVEL_ERROR, R_WIRE, NULL,
             "oversized message truncated: %llu bytes missing",
             (unsigned long long)p->skip);
    return p->stopped ? -1 : 0;
}

pg__proto *pg__proto_new(const pg_parser_opts *o, const pg_parser_callbacks *cb,
                         void *ctx)
{
    pg__proto *p = pg_xcalloc(1, sizeof *p);
    if (cb)
        p->cb = *cb;
    p->ctx = ctx;
    p->max_msg = o && o->max_line ? o->max_line : DEFAULT_MAX_MESSAGE;
    p->max_family = p->max_msg > UINT64_MAX / FAMILY_PER_MESSAGE
                        ? UINT64_MAX
                        : (uint64_t)p->max_msg * FAMILY_PER_MESSAGE;
    p->max_labels = o && o->max_labels ? o->max_labels : DEFAULT_MAX_LABELS;
    p->names.limit = MAX_FAMILIES;
    p->series.limit = MAX_SERIES;
    return p;
}

void pg__proto_stats(const pg__proto *p, pg_parse_stats *out)
{
    *out = p->st;
}

void pg__proto_free(pg__proto *p)
{
    if (!p)
        return;
    pg__pmetric_release(&p->pm);
    pg_buf_release(&p->field);
    pg_buf_release(&p->name);
    pg_buf_release(&p->help);
    pg_buf_release(&p->unit);
    pg_buf_release(&p->deferred);
    pg_buf_release(&p->path);
    pg__hset_release(&p->names);
    pg__hset_release(&p->series);
    free(p->bounds);
    free(p->bound_vals);
    free(p);
}
