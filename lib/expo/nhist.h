/* nhist.h: validation of one native histogram (Prometheus native
 * histograms spec, ../shared/specs/prometheus-native_histograms.md).
 *
 * Independent of the wire format: the protobuf parser fills a pg_nhist
 * from a Histogram message and reports what comes back as diagnostics of
 * that message. */
#ifndef PG_NHIST_H
#define PG_NHIST_H

#include <stddef.h>
#include <stdint.h>

#include "expo/expo.h"

typedef struct pg_nhist_span {
    int32_t offset;   /* gap to the previous span, or the first index */
    uint32_t length;  /* consecutive buckets */
} pg_nhist_span;

/* One side (positive or negative) of the sparse buckets: integer
 * histograms carry deltas, float histograms absolute counts. */
typedef struct pg_nhist_side {
    const pg_nhist_span *spans;
    size_t nspans;
    const int64_t *deltas;
    size_t ndeltas;
    const double *counts;
    size_t ncounts;
} pg_nhist_side;

typedef struct pg_nhist {
    int32_t schema;
    double zero_threshold;
    uint64_t zero_count;
    double zero_count_float;  /* overrides zero_count if > 0 */
    uint64_t count;
    double count_float;       /* overrides count if > 0 */
    double sum;
    pg_nhist_side pos, neg;
    const double *exemplar_values;  /* native exemplars */
    const int *exemplar_has_ts;     /* 1 if that exemplar has a timestamp */
    size_t nexemplars;
} pg_nhist;

/* One fault: field is the member of the histogram it concerns
 * ("positive_span[1]", "schema", ...), text the message. */
typedef void (*pg_nhist_fault_fn)(void *ctx, enum pg_level level,
                                  const char *field, const char *text);

/* Checks every rule of the spec that one histogram can break, calling
 * fault for each. Returns the number of errors (warnings not counted). */
unsigned pg_nhist_validate(const pg_nhist *h, pg_nhist_fault_fn fault,
                           void *ctx);

/* Citation used for the diagnostics above. */
extern const char pg_nhist_rule[];

#endif
