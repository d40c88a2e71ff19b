/* pmetric_diff.c: the protobuf Metric reader (lib/expo/proto_metric.c)
 * against libprotobuf-c. Each Metric of a delimited MetricFamily stream
 * is decoded by both; where the reader takes a message, the library must
 * decode it to the same view, with nothing the view leaves out (unknown
 * fields, native histogram fields, exemplars, created timestamps).
 *
 *   pg-pmetric-diff FILE...   prints, per file, "FILE: N metrics, R read
 *                             in place, D differ"; exits 1 if any differ,
 *                             2 if a file cannot be read or framed.
 *
 * Built with -DPG_FUZZ it is a libFuzzer harness instead (make
 * fuzz-pmetric): the input is read both as such a stream and as one
 * Metric, and any difference aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo/proto_metric.h"
#include "expo/proto_metrics.pb-c.h"

typedef Io__Prometheus__Client__Metric pb_metric;

typedef struct tally {
    size_t metrics, in_place, differ;
} tally;

static int same_bits(double a, double b)
{
    return !memcmp(&a, &b, sizeof a);
}

static int same_labels(const pg__pmetric *a, const pg__pmetric *b)
{
    if (a->nlabels != b->nlabels)
        return 0;
    for (size_t i = 0; i < a->nlabels; i++) {
        const pg_label *x = &a->labels[i], *y = &b->labels[i];
        if (x->name.len != y->name.len || x->value.len != y->value.len ||
            memcmp(x->name.p, y->name.p, x->name.len) ||
            memcmp(x->value.p, y->value.p, x->value.len))
            return 0;
    }
    return 1;
}

static int same_values(const pg__pmetric *a, const pg__pmetric *b)
{
    int same = a->series == b->series && a->present == b->present && same_bits(a->counter, b->counter) &&
               same_bits(a->gauge, b->gauge) &&
               same_bits(a->untyped, b->untyped) &&
               a->counter_exemplar == b->counter_exemplar &&
               a->has_timestamp == b->has_timestamp &&
               a->timestamp_ms == b->timestamp_ms &&
               a->summary_count == b->summary_count &&
               same_bits(a->summary_sum, b->summary_sum) &&
               a->nquantiles == b->nquantiles && a->hist_count == b->hist_count &&
               same_bits(a->hist_count_float, b->hist_count_float) &&
               same_bits(a->hist_sum, b->hist_sum) && a->nbuckets == b->nbuckets;
    for (size_t i = 0; same && i < a->nquantiles; i++)
        same = same_bits(a->quantiles[i].quantile, b->quantiles[i].quantile) &&
               same_bits(a->quantiles[i].value, b->quantiles[i].value);
    for (size_t i = 0; same && i < a->nbuckets; i++) {
        const pg__pm_bucket *x = &a->buckets[i], *y = &b->buckets[i];
        same = same_bits(x->upper_bound, y->upper_bound) && x->count == y->count &&
               same_bits(x->count_float, y->count_float) &&
               x->exemplar == y->exemplar;
    }
    return same;
}

/* What the library decoded that the view does not carry. */
static int beyond_view(const pb_metric *u)
{
    if (u->base.n_unknown_fields)
        return 1;
    for (size_t i = 0; i < u->n_label; i++)
        if (u->label[i]->base.n_unknown_fields)
            return 1;
    const Io__Prometheus__Client__Histogram *h = u->histogram;
    if (h && (h->has_schema || h->n_positive_span || h->n_negative_span ||
              h->n_positive_delta || h->n_negative_delta ||
              h->n_positive_count || h->n_negative_count || h->has_zero_threshold ||
              h->has_zero_count || h->has_zero_count_float || h->n_exemplars ||
              h->created_timestamp))
        return 1;
    return (u->counter && u->counter->created_timestamp) ||
           (u->summary && u->summary->created_timestamp);
}

/* One Metric message by both decoders. */
static void compare(const uint8_t *b, size_t n, tally *t)
{
    static pg__pmetric read, unpacked;
    t->metrics++;
    if (!pg__pmetric_read(&read, b, n, 1024))
        return;
    t->in_place++;
    if (pg__pmetric_unpack(&unpacked, b, n) || !same_labels(&read, &unpacked) ||
        !same_values(&read, &unpacked) || beyond_view(unpacked.unpacked))
        t->differ++;
}

static int varint(const uint8_t *b, size_t n, size_t *pos, uint64_t *v)
{
    *v = 0;
    for (unsigned i = 0; i < 10 && *pos < n; i++) {
        uint8_t c = b[(*pos)++];
        *v |= (uint64_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

/* The metric fields (4, length-delimited) of one MetricFamily message;
 * a message that does not parse as fields ends the walk. */
static void family(const uint8_t *b, size_t n, tally *t)
{
    size_t pos = 0;
    uint64_t tag, len;
    while (pos < n && !varint(b, n, &pos, &tag)) {
        unsigned wt = (unsigned)(tag & 7);
        if (wt == 0) {
            if (varint(b, n, &pos, &len))
                return;
            continue;
        }
        if (wt == 1 || wt == 5)
            len = wt == 1 ? 8 : 4;
        else if (wt != 2 || varint(b, n, &pos, &len))
            return;
        if (len > n - pos)
            return;
        if (tag == (4 << 3 | 2))
            compare(b + pos, (size_t)len, t);
        pos += (size_t)len;
    }
}

/* Returns 0, or -1 if the stream cannot be framed to its end. */
static int stream(const uint8_t *b, size_t n, tally *t)
{
    size_t pos = 0;
    while (pos < n) {
        uint64_t len;
        if (varint(b, n, &pos, &len) || len > n - pos)
            return -1;
        family(b + pos, (size_t)len, t);
        pos += (size_t)len;
    }
    return 0;
}

#ifdef PG_FUZZ
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tally t = { 0, 0, 0 };
    stream(data, size, &t);
    compare(data, size, &t);
    if (t.differ)
        abort();
    return 0;
}
#else
static int diff_file(const char *path, tally *t)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "pg-pmetric-diff: %s: cannot open\n", path);
        return 2;
    }
    size_t cap = 1 << 16, n = 0, k;
    uint8_t *b = malloc(cap);
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0)
        if ((n += k) == cap)
            b = realloc(b, cap *= 2);
    fclose(f);
    if (!b || stream(b, n, t)) {
        fprintf(stderr, "pg-pmetric-diff: %s: not a delimited protobuf stream\n",
                path);
        free(b);
        return 2;
    }
    free(b);
    printf("%s: %zu metrics, %zu read in place, %zu differ\n", path, t->metrics,
           t->in_place, t->differ);
    return t->differ ? 1 : 0;
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        tally t = { 0, 0, 0 };
        int r = diff_file(argv[i], &t);
        if (r > rc)
            rc = r;
    }
    return argc < 2 ? 2 : rc;
}
#endif
