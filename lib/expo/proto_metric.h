/* proto_metric.h: one io.prometheus.client.Metric message, decoded
 * (proto_metric.c), for the protobuf exposition parser (proto.c).
 *
 * Two decoders fill the same view. The reader walks the wire in place for
 * the shapes real exporters send (labels, counter, gauge, untyped,
 * summary, classic histogram, timestamp), without allocating; it leaves
 * everything else (an unknown field, an unexpected wire type, an exemplar,
 * a native histogram, a created timestamp, a message field given twice, a
 * string holding NUL, a 10-byte varint) to libprotobuf-c, whose unpacked
 * message is then viewed the same way. So libprotobuf-c stays the
 * authority on the schema: the reader accepts only messages the library
 * reads to the same values, which the differential harness
 * (tests/fuzz/fuzz_pmetric.c) checks. */
#ifndef PG_PROTO_METRIC_H
#define PG_PROTO_METRIC_H

#include <stddef.h>
#include <stdint.h>

#include "expo/expo.h"

/* Which value fields the metric has (a field present but empty counts). */
enum {
    PG__PM_COUNTER = 1 << 0,
    PG__PM_GAUGE = 1 << 1,
    PG__PM_SUMMARY = 1 << 2,
    PG__PM_UNTYPED = 1 << 3,
    PG__PM_HISTOGRAM = 1 << 4
};

typedef struct pg__pm_bucket {
    double upper_bound;
    uint64_t count;        /* cumulative_count */
    double count_float;    /* cumulative_count_float */
    int exemplar;          /* has an exemplar */
} pg__pm_bucket;

typedef struct pg__pm_quantile {
    double quantile, value;
} pg__pm_quantile;

typedef struct pg__arena_block pg__arena_block;

typedef struct pg__pmetric {
    /* labels, in wire order; one slot more is always allocated, for the
     * le or quantile label of a sample */
    pg_label *labels;
    size_t nlabels, labels_cap;
    int plain;             /* every label string is ASCII without NUL */
    uint64_t series;       /* the series key: a hash of the label set,
                            * whatever the labels' order */
    unsigned present;      /* PG__PM_* */
    double counter, gauge, untyped;
    int counter_exemplar;
    int has_timestamp;
    int64_t timestamp_ms;
    /* summary */
    uint64_t summary_count;
    double summary_sum;
    pg__pm_quantile *quantiles;
    size_t nquantiles, quantiles_cap;
    /* histogram */
    uint64_t hist_count;
    double hist_count_float, hist_sum;
    pg__pm_bucket *buckets;
    size_t nbuckets, buckets_cap;
    /* Set when libprotobuf-c decoded the message (else NULL): its
     * Io__Prometheus__Client__Metric, for what only that path carries
     * (unknown fields, native histogram fields, exemplars). Valid until
     * the next decode. */
    const void *unpacked;
    pg__arena_block *arena;  /* the unpacked message's memory */
    uint8_t *key_buf;        /* a label's key bytes, when not in place */
    size_t key_cap;
} pg__pmetric;

/* The reader: 1 if it decoded [b, b+n) into m, 0 if it leaves the
 * message to pg__pmetric_unpack (m is then unspecified). At most
 * max_labels labels are read; a metric with more is left too. */
int pg__pmetric_read(pg__pmetric *m, const uint8_t *b, size_t n,
                     size_t max_labels);

/* libprotobuf-c: 0 if it decoded [b, b+n) into m, -1 if it refused it. */
int pg__pmetric_unpack(pg__pmetric *m, const uint8_t *b, size_t n);

void pg__pmetric_release(pg__pmetric *m);

#endif
