/* nhist.c: validation of one native histogram. Each rule quotes the
 * native histograms spec (specs/prometheus-native_histograms.md). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "expo/nhist.h"

const char pg_nhist_rule[] = "Native histograms: protobuf exposition";

typedef struct run {
    pg_nhist_fault_fn fault;
    void *ctx;
    unsigned errors;
} run;

__attribute__((format(printf, 4, 5)))
static void fault(run *r, enum pg_level level, const char *field,
                  const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (level == PG_LEVEL_ERROR)
        r->errors++;
    if (r->fault)
        r->fault(r->ctx, level, field, text);
}

/* "Currently, valid numbers are -4 <= n <= 8"; 9..52 are reserved and a
 * receiver MAY reduce them; -53 (custom buckets) has no custom values in
 * the exposition ("NHCBs are never directly exposed"). */
static void check_schema(run *r, int32_t schema)
{
    if (schema >= -4 && schema <= 8)
        return;
    if (schema >= 9 && schema <= 52)
        fault(r, PG_LEVEL_WARNING, "schema",
              "schema %d is above 8: receivers that do not reduce it "
              "reject the histogram", (int)schema);
    else if (schema == -53)
        fault(r, PG_LEVEL_ERROR, "schema",
              "custom-bucket schema -53 cannot be exposed: the protobuf "
              "exposition has no custom values");
    else
        fault(r, PG_LEVEL_ERROR, "schema",
              "schema %d outside the valid range -4..8", (int)schema);
}

/* Sum of one side's bucket counts, after checking spans against buckets
 * and deltas against negative counts. */
static double check_side(run *r, const pg_nhist_side *s, const char *side)
{
    char field[48];
    if (s->ndeltas && s->ncounts) {
        snprintf(field, sizeof field, "%s_delta", side);
        fault(r, PG_LEVEL_ERROR, field,
              "both %s_delta and %s_count are set: an integer histogram "
              "uses deltas, a float histogram counts", side, side);
    }
    uint64_t lengths = 0;
    int64_t index = 0;
    for (size_t i = 0; i < s->nspans; i++) {
        snprintf(field, sizeof field, "%s_span[%zu]", side, i);
        if (i > 0 && s->spans[i].offset < 0)
            fault(r, PG_LEVEL_ERROR, field,
                  "negative offset %d: only the first span may have one",
                  (int)s->spans[i].offset);
        index += s->spans[i].offset;
        index += s->spans[i].length;
        if (index > INT32_MAX + 1LL || index < INT32_MIN) {
            fault(r, PG_LEVEL_ERROR, field,
                  "bucket index %lld out of the int32 range",
                  (long long)index);
            break;
        }
        lengths += s->spans[i].length;
    }
    size_t nbuckets = s->ndeltas ? s->ndeltas : s->ncounts;
    if (lengths != nbuckets) {
        snprintf(field, sizeof field, "%s_span", side);
        fault(r, PG_LEVEL_ERROR, field,
              "span lengths add up to %llu, but there are %zu %s buckets",
              (unsigned long long)lengths, nbuckets, side);
    }
    double total = 0;
    int64_t count = 0;
    for (size_t i = 0; i < s->ndeltas; i++) {
        snprintf(field, sizeof field, "%s_delta[%zu]", side, i);
        if (__builtin_add_overflow(count, s->deltas[i], &count)) {
            fault(r, PG_LEVEL_ERROR, field, "bucket count overflows int64");
            return total;
        }
        if (count < 0) {
            fault(r, PG_LEVEL_ERROR, field,
                  "bucket count is %lld once the deltas are applied",
                  (long long)count);
            count = 0; /* report each negative bucket once */
        }
        total += (double)count;
    }
    if (s->ndeltas)
        return total;
    for (size_t i = 0; i < s->ncounts; i++) {
        snprintf(field, sizeof field, "%s_count[%zu]", side, i);
        double c = s->counts[i];
        if (isnan(c) || c < 0)
            fault(r, PG_LEVEL_ERROR, field, "bucket count %g is not a count",
                  c);
        else
            total += c;
    }
    return total;
}

/* Index of the standard-schema bucket holding v > 0: bucket i holds
 * (2^((i-1)*2^-schema), 2^(i*2^-schema)]. */
static int64_t bucket_index(double v, int32_t schema)
{
    double l = log2(v);
    return (int64_t)ceil(ldexp(l, schema));
}

/* 1 if the bucket with this index (or a neighbour, for rounding) holds a
 * count on that side. */
static int populated(const pg_nhist_side *s, int64_t want)
{
    int64_t index = 0;
    size_t b = 0;
    int64_t count = 0;
    for (size_t i = 0; i < s->nspans; i++) {
        index += s->spans[i].offset;
        for (uint32_t k = 0; k < s->spans[i].length; k++, index++, b++) {
            double c;
            if (b < s->ndeltas) {
                count += s->deltas[b];
                c = (double)count;
            } else if (b < s->ncounts) {
                c = s->counts[b];
            } else {
                return 0;
            }
            if (c > 0 && index >= want - 1 && index <= want + 1)
                return 1;
        }
    }
    return 0;
}

static void check_exemplars(run *r, const pg_nhist *h, double zero_count)
{
    char field[48];
    for (size_t i = 0; i < h->nexemplars; i++) {
        snprintf(field, sizeof field, "exemplars[%zu]", i);
        if (h->exemplar_has_ts && !h->exemplar_has_ts[i])
            fault(r, PG_LEVEL_ERROR, field,
                  "native histogram exemplar without a timestamp");
        double v = h->exemplar_values ? h->exemplar_values[i] : 0;
        if (isnan(v) || isinf(v) || h->schema < -4 || h->schema > 52)
            continue;
        int ok;
        if (fabs(v) <= h->zero_threshold)
            ok = zero_count > 0;
        else
            ok = populated(v > 0 ? &h->pos : &h->neg,
                           bucket_index(fabs(v), h->schema));
        if (!ok)
            fault(r, PG_LEVEL_WARNING, field,
                  "exemplar value %g falls in no populated bucket", v);
    }
}

unsigned pg_nhist_validate(const pg_nhist *h, pg_nhist_fault_fn fn, void *ctx)
{
    run r = { fn, ctx, 0 };
    check_schema(&r, h->schema);
    if (isnan(h->zero_threshold) || h->zero_threshold < 0)
        fault(&r, PG_LEVEL_ERROR, "zero_threshold",
              "zero threshold %g is not a float >= 0", h->zero_threshold);
    int is_float = h->pos.ncounts || h->neg.ncounts ||
                   h->zero_count_float > 0 || h->count_float > 0;
    double zero = h->zero_count_float > 0 ? h->zero_count_float
                                          : (double)h->zero_count;
    if (isnan(h->zero_count_float) || h->zero_count_float < 0)
        fault(&r, PG_LEVEL_ERROR, "zero_count_float",
              "zero bucket count %g is not a count", h->zero_count_float);
    if (isnan(h->count_float) || h->count_float < 0)
        fault(&r, PG_LEVEL_ERROR, "sample_count_float",
              "count %g is not a count", h->count_float);
    double pos = check_side(&r, &h->pos, "positive");
    double neg = check_side(&r, &h->neg, "negative");
    double buckets = zero + pos + neg;
    double count = h->count_float > 0 ? h->count_float : (double)h->count;
    /* "An observation of NaN goes into no bucket, but increments the
     * count": count >= buckets, and any excess means a NaN sum. */
    double slack = is_float ? 1e-9 * (buckets > 1 ? buckets : 1) : 0;
    const char *cf = is_float ? "sample_count_float" : "sample_count";
    if (count + slack < buckets)
        fault(&r, PG_LEVEL_ERROR, cf,
              "count %.17g is less than the zero bucket plus all buckets "
              "(%.17g)", count, buckets);
    else if (count > buckets + slack && !isnan(h->sum))
        fault(&r, is_float ? PG_LEVEL_WARNING : PG_LEVEL_ERROR, "sample_sum",
              "count %.17g exceeds the zero bucket plus all buckets (%.17g), "
              "which only NaN observations explain, but the sum %g is not NaN",
              count, buckets, h->sum);
    /* Positive buckets hold observations > zero_threshold: with no
     * negative bucket populated, the sum cannot go below what the zero
     * bucket may hold (and the mirror case). */
    else if (isfinite(h->sum) && count <= buckets + slack) {
        double zmax = zero * (h->zero_threshold > 0 ? h->zero_threshold : 0);
        if (neg == 0 && h->sum < -zmax - 1e-9 * fabs(h->sum))
            fault(&r, PG_LEVEL_ERROR, "sample_sum",
                  "sum %g is negative, but no observation lies below the "
                  "zero bucket", h->sum);
        else if (pos == 0 && h->sum > zmax + 1e-9 * fabs(h->sum))
            fault(&r, PG_LEVEL_ERROR, "sample_sum",
                  "sum %g is positive, but no observation lies above the "
                  "zero bucket", h->sum);
    }
    check_exemplars(&r, h, zero);
    return r.errors;
}
