/* pbenc.c: pg-bench-pb, the benchmark scrape in the protobuf format.
 *
 *   pg-bench-pb [--lenient] [--stats FILE] -o OUT IN
 *
 * Re-encodes a text exposition (format 0.0.4, as pg-bench-gen writes it)
 * as a delimited stream of io.prometheus.client.MetricFamily messages
 * with the same content: one Metric per series, a histogram's buckets,
 * _sum and _count in one Histogram (its +Inf bucket implicit in the
 * count, as client_golang writes it), a summary's quantiles in one
 * Summary, timestamps in timestamp_ms. The text is read by promgate's own
 * parser and each family is encoded by libprotobuf-c (the code protoc-c
 * generates for the parser, build/gen) when the parser reports its end,
 * so the work is linear and memory holds one family. --stats writes the
 * output's bytes, the input's samples and the Metric messages written.
 * Exit 0, or 2 on bad usage, an input with parser errors (unless
 * --lenient: the pathological inputs of bench/pathological.sh break type
 * rules on purpose, and are encoded as they are), or a write error (no
 * output is left behind then). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strmap.h"
#include "expo/expo.h"
#include "expo/proto_metrics.pb-c.h"
#include "source/filefeed.h"

typedef Io__Prometheus__Client__MetricFamily pb_family;
typedef Io__Prometheus__Client__Metric pb_metric;
typedef Io__Prometheus__Client__LabelPair pb_label;
typedef Io__Prometheus__Client__Bucket pb_bucket;
typedef Io__Prometheus__Client__Quantile pb_quantile;

/* Bump allocator for one family's messages, reset when it is written;
 * its blocks are kept for the next family. */
typedef struct arena {
    char **blocks;
    size_t *sizes;
    size_t nblocks;
    size_t cur;          /* block in use + 1; 0 before the first */
    size_t off;          /* bytes used in it */
} arena;

#define ARENA_BLOCK (1u << 20)

static void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    while (!a->cur || a->off + n > a->sizes[a->cur - 1]) {
        if (a->cur == a->nblocks) {
            size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
            a->blocks = pg_xrealloc(a->blocks, (a->nblocks + 1) * sizeof(char *));
            a->sizes = pg_xrealloc(a->sizes, (a->nblocks + 1) * sizeof(size_t));
            a->blocks[a->nblocks] = pg_xmalloc(size);
            a->sizes[a->nblocks++] = size;
        }
        a->cur++;
        a->off = 0;
    }
    void *p = a->blocks[a->cur - 1] + a->off;
    a->off += n;
    return p;
}

static void arena_reset(arena *a)
{
    a->cur = 0;
    a->off = 0;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->nblocks; i++)
        free(a->blocks[i]);
    free(a->blocks);
    free(a->sizes);
}

static char *arena_str(arena *a, pg_str s)
{
    char *p = arena_alloc(a, s.len + 1);
    if (s.len) /* an empty value may have no bytes to point at */
        memcpy(p, s.p, s.len);
    p[s.len] = '\0';
    return p;
}

/* A growing array of pointers kept in malloc'd memory across families. */
typedef struct ptrs {
    void **v;
    size_t n, cap;
} ptrs;

static void ptrs_add(ptrs *p, void *x)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = pg_xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = x;
}

/* The histogram or summary under construction for one series. */
typedef struct series {
    pb_metric *m;
    ptrs parts;          /* pb_bucket * or pb_quantile * */
} series;

typedef struct encoder {
    FILE *out;
    const char *out_path;
    arena a;
    int open;            /* a family is being collected */
    pg_str name;         /* in the arena */
    enum pg_type type;
    ptrs metrics;        /* pb_metric * */
    series *series;      /* histograms and summaries: one per Metric */
    size_t nseries, series_cap;
    pg_strmap series_idx; /* label key -> index + 1 */
    pg_buf key;
    unsigned char *packed;
    size_t packed_cap;
    uint64_t bytes, samples, nmetrics;
    int lenient;         /* parser errors are printed, not fatal */
    int failed;
} encoder;

static int is_hist(enum pg_type t)
{
    return t == PG_TYPE_HISTOGRAM || t == PG_TYPE_GAUGEHISTOGRAM;
}

static const char *reserved_label(enum pg_type t)
{
    return is_hist(t) ? "le" : t == PG_TYPE_SUMMARY ? "quantile" : NULL;
}

static Io__Prometheus__Client__MetricType pb_type(enum pg_type t)
{
    switch (t) {
    case PG_TYPE_COUNTER: return IO__PROMETHEUS__CLIENT__METRIC_TYPE__COUNTER;
    case PG_TYPE_GAUGE: return IO__PROMETHEUS__CLIENT__METRIC_TYPE__GAUGE;
    case PG_TYPE_SUMMARY: return IO__PROMETHEUS__CLIENT__METRIC_TYPE__SUMMARY;
    case PG_TYPE_HISTOGRAM:
        return IO__PROMETHEUS__CLIENT__METRIC_TYPE__HISTOGRAM;
    case PG_TYPE_GAUGEHISTOGRAM:
        return IO__PROMETHEUS__CLIENT__METRIC_TYPE__GAUGE_HISTOGRAM;
    default: return IO__PROMETHEUS__CLIENT__METRIC_TYPE__UNTYPED;
    }
}

/* A new Metric with the sample's labels other than the reserved one. */
static pb_metric *new_metric(encoder *e, const pg_sample *s)
{
    const char *reserved = reserved_label(e->type);
    pb_metric *m = arena_alloc(&e->a, sizeof *m);
    io__prometheus__client__metric__init(m);
    m->label = arena_alloc(&e->a, (s->nlabels + 1) * sizeof *m->label);
    for (size_t i = 0; i < s->nlabels; i++) {
        if (reserved && pg_str_eq(s->labels[i].name, reserved))
            continue;
        pb_label *l = arena_alloc(&e->a, sizeof *l);
        io__prometheus__client__label_pair__init(l);
        l->name = arena_str(&e->a, s->labels[i].name);
        l->value = arena_str(&e->a, s->labels[i].value);
        m->label[m->n_label++] = l;
    }
    if (s->has_timestamp) {
        m->has_timestamp_ms = 1;
        m->timestamp_ms = (int64_t)s->timestamp;
    }
    ptrs_add(&e->metrics, m);
    e->nmetrics++;
    return m;
}

/* The series a histogram or summary sample belongs to, by its labels
 * other than the reserved one. */
static series *series_for(encoder *e, const pg_sample *s)
{
    const char *reserved = reserved_label(e->type);
    e->key.len = 0;
    for (size_t i = 0; i < s->nlabels; i++) {
        if (pg_str_eq(s->labels[i].name, reserved))
            continue;
        pg_str n = s->labels[i].name, v = s->labels[i].value;
        if (n.len)
            pg_buf_add(&e->key, n.p, n.len);
        pg_buf_addc(&e->key, '\0');
        if (v.len) /* an empty value may have no bytes to point at */
            pg_buf_add(&e->key, v.p, v.len);
        pg_buf_addc(&e->key, '\0');
    }
    /* a series without labels has an empty key, and a buffer never
     * written has no bytes */
    const char *key = e->key.p ? e->key.p : "";
    size_t at = (size_t)(uintptr_t)pg_strmap_get(&e->series_idx, key,
                                                 e->key.len);
    if (at)
        return &e->series[at - 1];
    if (e->nseries == e->series_cap) {
        e->series_cap = e->series_cap ? e->series_cap * 2 : 64;
        e->series = pg_xrealloc(e->series, e->series_cap * sizeof *e->series);
    }
    series *se = &e->series[e->nseries++];
    memset(se, 0, sizeof *se);
    se->m = new_metric(e, s);
    pg_strmap_put(&e->series_idx, key, e->key.len,
                  (void *)(uintptr_t)e->nseries);
    return se;
}

static double bound_of(const pg_sample *s, const char *label)
{
    for (size_t i = 0; i < s->nlabels; i++)
        if (pg_str_eq(s->labels[i].name, label)) {
            char buf[64];
            size_t n = s->labels[i].value.len < sizeof buf - 1
                           ? s->labels[i].value.len : sizeof buf - 1;
            if (n)
                memcpy(buf, s->labels[i].value.p, n);
            buf[n] = '\0';
            return strtod(buf, NULL);
        }
    return NAN;
}

static pg_str suffix_of(const encoder *e, const pg_sample *s)
{
    if (s->name.len < e->name.len)
        return (pg_str){ "", 0 };
    return (pg_str){ s->name.p + e->name.len, s->name.len - e->name.len };
}

static void add_hist_sample(encoder *e, const pg_sample *s)
{
    series *se = series_for(e, s);
    Io__Prometheus__Client__Histogram *h = se->m->histogram;
    if (!h) {
        h = se->m->histogram = arena_alloc(&e->a, sizeof *h);
        io__prometheus__client__histogram__init(h);
    }
    pg_str suffix = suffix_of(e, s);
    int gauge = e->type == PG_TYPE_GAUGEHISTOGRAM;
    if (pg_str_eq(suffix, gauge ? "_gsum" : "_sum")) {
        h->has_sample_sum = 1;
        h->sample_sum = s->value;
    } else if (pg_str_eq(suffix, gauge ? "_gcount" : "_count")) {
        h->has_sample_count = 1;
        h->sample_count = (uint64_t)s->value;
    } else {
        double le = bound_of(s, "le");
        if (isinf(le) && le > 0)
            return; /* implicit: the sample count */
        pb_bucket *b = arena_alloc(&e->a, sizeof *b);
        io__prometheus__client__bucket__init(b);
        b->has_upper_bound = 1;
        b->upper_bound = le;
        b->has_cumulative_count = 1;
        b->cumulative_count = (uint64_t)s->value;
        ptrs_add(&se->parts, b);
    }
}

static void add_summary_sample(encoder *e, const pg_sample *s)
{
    series *se = series_for(e, s);
    Io__Prometheus__Client__Summary *sum = se->m->summary;
    if (!sum) {
        sum = se->m->summary = arena_alloc(&e->a, sizeof *sum);
        io__prometheus__client__summary__init(sum);
    }
    pg_str suffix = suffix_of(e, s);
    if (pg_str_eq(suffix, "_sum")) {
        sum->has_sample_sum = 1;
        sum->sample_sum = s->value;
    } else if (pg_str_eq(suffix, "_count")) {
        sum->has_sample_count = 1;
        sum->sample_count = (uint64_t)s->value;
    } else {
        pb_quantile *q = arena_alloc(&e->a, sizeof *q);
        io__prometheus__client__quantile__init(q);
        q->has_quantile = q->has_value = 1;
        q->quantile = bound_of(s, "quantile");
        q->value = s->value;
        ptrs_add(&se->parts, q);
    }
}

static void add_value_sample(encoder *e, const pg_sample *s)
{
    pb_metric *m = new_metric(e, s);
    if (e->type == PG_TYPE_COUNTER) {
        m->counter = arena_alloc(&e->a, sizeof *m->counter);
        io__prometheus__client__counter__init(m->counter);
        m->counter->has_value = 1;
        m->counter->value = s->value;
    } else if (e->type == PG_TYPE_GAUGE) {
        m->gauge = arena_alloc(&e->a, sizeof *m->gauge);
        io__prometheus__client__gauge__init(m->gauge);
        m->gauge->has_value = 1;
        m->gauge->value = s->value;
    } else {
        m->untyped = arena_alloc(&e->a, sizeof *m->untyped);
        io__prometheus__client__untyped__init(m->untyped);
        m->untyped->has_value = 1;
        m->untyped->value = s->value;
    }
}

static int on_sample(void *ctx, const pg_sample *s)
{
    encoder *e = ctx;
    pg_str fam = s->family.len ? s->family : s->name;
    if (e->open && (fam.len != e->name.len ||
                    memcmp(fam.p, e->name.p, fam.len) != 0)) {
        fprintf(stderr, "pg-bench-pb: samples of '%.*s' before the end of "
                "family '%.*s'\n", (int)fam.len, fam.p, (int)e->name.len,
                e->name.p);
        e->failed = 1;
        return 1;
    }
    if (!e->open) {
        e->open = 1;
        e->name = (pg_str){ arena_str(&e->a, fam), fam.len };
        e->type = s->type;
    }
    e->samples++;
    if (is_hist(e->type))
        add_hist_sample(e, s);
    else if (e->type == PG_TYPE_SUMMARY)
        add_summary_sample(e, s);
    else
        add_value_sample(e, s);
    return 0;
}

/* Hands each series' buckets or quantiles to its message. */
static void finish_series(encoder *e)
{
    for (size_t i = 0; i < e->nseries; i++) {
        series *se = &e->series[i];
        size_t bytes = (se->parts.n + 1) * sizeof(void *);
        void **parts = arena_alloc(&e->a, bytes);
        if (se->parts.n)
            memcpy(parts, se->parts.v, se->parts.n * sizeof(void *));
        if (se->m->histogram) {
            se->m->histogram->bucket = (pb_bucket **)parts;
            se->m->histogram->n_bucket = se->parts.n;
        } else {
            se->m->summary->quantile = (pb_quantile **)parts;
            se->m->summary->n_quantile = se->parts.n;
        }
        free(se->parts.v);
    }
}

static void put_varint(unsigned char *p, size_t *n, uint64_t v)
{
    *n = 0;
    do {
        p[(*n)++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
}

static int write_family(encoder *e, const pg_family_info *fi)
{
    finish_series(e);
    pb_family f;
    io__prometheus__client__metric_family__init(&f);
    f.name = (char *)e->name.p;
    if (fi->has_help)
        f.help = arena_str(&e->a, fi->help);
    f.has_type = 1;
    f.type = pb_type(e->type);
    f.metric = (pb_metric **)e->metrics.v;
    f.n_metric = e->metrics.n;
    size_t len = io__prometheus__client__metric_family__get_packed_size(&f);
    if (len > e->packed_cap) {
        e->packed_cap = len * 2;
        e->packed = pg_xrealloc(e->packed, e->packed_cap);
    }
    io__prometheus__client__metric_family__pack(&f, e->packed);
    unsigned char head[10];
    size_t nhead;
    put_varint(head, &nhead, len);
    if (fwrite(head, 1, nhead, e->out) != nhead ||
        fwrite(e->packed, 1, len, e->out) != len)
        return -1;
    e->bytes += nhead + len;
    return 0;
}

static int on_family(void *ctx, const pg_family_info *fi)
{
    encoder *e = ctx;
    if (!e->open)
        return 0; /* metadata without samples: nothing to expose */
    if (write_family(e, fi) != 0) {
        fprintf(stderr, "pg-bench-pb: %s: %s\n", e->out_path, strerror(errno));
        e->failed = 1;
        return 1;
    }
    e->open = 0;
    e->metrics.n = 0;
    e->nseries = 0;
    pg_strmap_release(&e->series_idx, NULL);
    arena_reset(&e->a);
    return 0;
}

static void on_diag(void *ctx, const pg_diag *d)
{
    encoder *e = ctx;
    if (d->level != PG_LEVEL_ERROR)
        return;
    fprintf(stderr, "pg-bench-pb: input:%lld:%lld: %s\n", (long long)d->line,
            (long long)d->column, d->text);
    if (!e->lenient)
        e->failed = 1;
}

static int feed_window(void *ctx, const char *buf, size_t len)
{
    return pg_parser_feed(ctx, buf, len) != 0;
}

static int write_stats(const char *path, const encoder *e)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "bytes %llu\nsamples %llu\nmetrics %llu\n",
            (unsigned long long)e->bytes, (unsigned long long)e->samples,
            (unsigned long long)e->nmetrics);
    return fclose(f);
}

/* Parses in into e->out; 0, or -1 with the reason printed. */
static int encode(encoder *e, const char *in)
{
    int fd = open(in, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "pg-bench-pb: %s: %s\n", in, strerror(errno));
        return -1;
    }
    static const pg_parser_callbacks cb = { on_sample, on_family, on_diag };
    pg_parser_opts po;
    memset(&po, 0, sizeof po);
    po.format = PG_FORMAT_PROM;
    po.source = in;
    pg_parser *p = pg_parser_new(&po, &cb, e);
    pg_error err;
    pg_error_init(&err);
    int rc = pg_file_feed(fd, in, feed_window, p, &err);
    if (rc < 0)
        fprintf(stderr, "pg-bench-pb: %s\n", err.text);
    if (rc == 0)
        pg_parser_finish(p);
    pg_parser_free(p);
    close(fd);
    return rc != 0 || e->failed ? -1 : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: pg-bench-pb [--lenient] [--stats FILE] -o OUT IN\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *stats = NULL, *in = NULL;
    int lenient = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--lenient"))
            lenient = 1;
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--stats") && i + 1 < argc)
            stats = argv[++i];
        else if (argv[i][0] == '-' || in)
            return usage();
        else
            in = argv[i];
    }
    if (!out || !in)
        return usage();
    encoder e;
    memset(&e, 0, sizeof e);
    e.out_path = out;
    e.lenient = lenient;
    e.out = fopen(out, "wb");
    if (!e.out) {
        fprintf(stderr, "pg-bench-pb: %s: %s\n", out, strerror(errno));
        return 2;
    }
    int rc = encode(&e, in);
    if (fclose(e.out) != 0 && rc == 0) {
        fprintf(stderr, "pg-bench-pb: %s: %s\n", out, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && stats && write_stats(stats, &e) != 0) {
        fprintf(stderr, "pg-bench-pb: %s: %s\n", stats, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(out);
    arena_free(&e.a);
    free(e.metrics.v);
    free(e.series);
    free(e.packed);
    pg_buf_release(&e.key);
    pg_strmap_release(&e.series_idx, NULL);
    return rc == 0 ? 0 : 2;
}
