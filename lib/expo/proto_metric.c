/* proto_metric.c: one Metric message into a pg__pmetric (see
 * proto_metric.h): the in-place reader, and libprotobuf-c for the rest.
 *
 * Field numbers and wire types are those of proto_metrics.proto (the
 * client_model schema); the wire format is protobuf's: a tag varint
 * (field << 3 | wire type), then a varint (0), 8 little-endian bytes (1),
 * a length and that many bytes (2), or 4 bytes (5). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "expo/expo_int.h"
#include "expo/proto_metric.h"
#include "expo/proto_metrics.pb-c.h"

#define ARENA_BLOCK (64u << 10)

/* Tags of the fields the reader takes (field number << 3 | wire type). */
#define TAG(field, wire) ((uint64_t)(field) << 3 | (wire))
enum { VARINT = 0, FIXED64 = 1, LEN = 2 };

/* ---- the reader ---- */

typedef struct wire {
    const uint8_t *p, *end;
} wire;

/* A varint of at most 9 bytes (10-byte ones, negative int64 among them,
 * are left to the library with the rest). */
static inline int rd_varint(wire *w, uint64_t *v)
{
    if (w->p < w->end && *w->p < 0x80) {
        *v = *w->p++;
        return 1;
    }
    uint64_t x = 0;
    for (unsigned i = 0; i < 9 && w->p < w->end; i++) {
        uint8_t c = *w->p++;
        x |= (uint64_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80)) {
            *v = x;
            return 1;
        }
    }
    return 0;
}

static inline int rd_double(wire *w, double *v)
{
    if (w->end - w->p < 8)
        return 0;
    memcpy(v, w->p, 8);
    w->p += 8;
    return 1;
}

/* A length-delimited payload as a sub-wire. */
static inline int rd_len(wire *w, wire *sub)
{
    uint64_t n;
    if (!rd_varint(w, &n) || n > (uint64_t)(w->end - w->p))
        return 0;
    sub->p = w->p;
    sub->end = w->p + n;
    w->p += n;
    return 1;
}

/* Nonzero if a word has a byte that is 0 or >= 0x80. */
static inline uint64_t odd_bytes(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    return (x | ((x - ones) & ~x)) & highs;
}

/* 1 if [s, s+n) is ASCII without NUL, eight bytes at a time. */
static inline int plain_text(const uint8_t *s, size_t n)
{
    uint64_t odd = 0;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8)
            odd |= odd_bytes(pg__load8(s + i));
        odd |= odd_bytes(pg__load8(s + n - 8));
    } else if (n >= 4) {
        odd = odd_bytes(pg__load4(s) | pg__load4(s + n - 4) << 32);
    } else {
        for (size_t i = 0; i < n; i++)
            odd |= (uint8_t)(s[i] - 1) >= 0x7f;
    }
    return !odd;
}

/* A string field: the library ends a C string at a NUL, the reader
 * would not, so a string holding one is left to the library. */
static int rd_string(wire *w, pg_str *s, int *plain)
{
    wire sub;
    if (!rd_len(w, &sub))
        return 0;
    size_t n = (size_t)(sub.end - sub.p);
    if (!plain_text(sub.p, n)) {
        if (memchr(sub.p, 0, n))
            return 0;
        *plain = 0;
    }
    s->p = (const char *)sub.p;
    s->len = n;
    return 1;
}

/* What a message's fields are read into: a table per message type. */
enum kind { K_UINT64, K_DOUBLE, K_STRING, K_MESSAGE };

typedef struct field {
    uint64_t tag;
    enum kind kind;
    size_t off;                               /* of the value in its struct */
    int (*message)(pg__pmetric *m, wire *w);  /* K_MESSAGE: reads it */
} field;

/* The fields of one length-delimited message into the struct at to: 0 on
 * a field the table does not have (left to the library). */
static int rd_fields(pg__pmetric *m, wire sub, void *to, const field *f,
                     size_t nf)
{
    while (sub.p < sub.end) {
        uint64_t tag;
        size_t i = 0;
        if (!rd_varint(&sub, &tag))
            return 0;
        while (i < nf && f[i].tag != tag)
            i++;
        if (i == nf)
            return 0;
        char *at = (char *)to + f[i].off;
        int ok = f[i].kind == K_UINT64 ? rd_varint(&sub, (uint64_t *)(void *)at)
               : f[i].kind == K_DOUBLE ? rd_double(&sub, (double *)(void *)at)
               : f[i].kind == K_STRING
                   ? rd_string(&sub, (pg_str *)(void *)at, &m->plain)
                   : f[i].message(m, &sub);
        if (!ok)
            return 0;
    }
    return 1;
}

static int rd_message(pg__pmetric *m, wire *w, void *to, const field *f,
                      size_t nf)
{
    wire sub;
    return rd_len(w, &sub) && rd_fields(m, sub, to, f, nf);
}

#define N_OF(a) (sizeof(a) / sizeof *(a))

/* Grows the array *arr of *cap elements of size bytes to hold need:
 * doubling, at least 16. */
static void grow(void *arr, size_t *cap, size_t need, size_t size)
{
    void **a = arr;
    *cap = *cap * 2 > need ? *cap * 2 : need < 16 ? 16 : need;
    *a = pg_xrealloc(*a, *cap * size);
}

/* Room for need elements of size bytes in the array *arr of *cap (the
 * check inline, the growth, rare, out of the way). */
static inline void reserve(void *arr, size_t *cap, size_t need, size_t size)
{
    if (*cap < need)
        grow(arr, cap, need, size);
}

/* A new element, set from init, at the end of a growing array, which
 * keeps one slot free after its elements (the labels' is for le or
 * quantile). The element is copied from a constant rather than built
 * in place: stores then a wide load of the same bytes would stall. */
static inline void *append(void *arr, size_t *n, size_t *cap,
                           const void *init, size_t size)
{
    if (*n + 1 >= *cap)
        grow(arr, cap, *n + 2, size);
    char *e = (char *)*(void **)arr + (*n)++ * size;
    memcpy(e, init, size);
    return e;
}

static const field label_fields[] = {
    { TAG(1, LEN), K_STRING, offsetof(pg_label, name), NULL },
    { TAG(2, LEN), K_STRING, offsetof(pg_label, value), NULL },
};

/* A label's part of the series key: the bytes name, 0x12, the value's
 * length as a varint, value, hashed with the name's length as the seed
 * (which makes the split unambiguous). A LabelPair encoded canonically
 * (name, then value, minimal lengths) is exactly these bytes from its
 * name on, and is hashed where it lies. */
static uint64_t label_key(pg__pmetric *m, const pg_label *l)
{
    size_t n = l->name.len + 11 + l->value.len;
    if (m->key_cap < n) {
        m->key_cap = n * 2;
        m->key_buf = pg_xrealloc(m->key_buf, m->key_cap);
    }
    uint8_t *k = m->key_buf;
    memcpy(k, l->name.p, l->name.len);
    k += l->name.len;
    *k++ = TAG(2, LEN);
    size_t len = l->value.len;
    for (; len >= 0x80; len >>= 7)
        *k++ = (uint8_t)(len | 0x80);
    *k++ = (uint8_t)len;
    memcpy(k, l->value.p, l->value.len);
    k += l->value.len;
    return pg__hash((const char *)m->key_buf, (size_t)(k - m->key_buf),
                    l->name.len);
}

static void add_key(pg__pmetric *m, uint64_t h)
{
    m->series += h * 0xff51afd7ed558ccdULL;
}

/* The canonical LabelPair [0x0a n name 0x12 n value], both lengths
 * under 128, as most producers write it: read without the field table,
 * its key hashed in place. Returns 0 if the label is not in that form. */
static int rd_label_canonical(pg__pmetric *m, pg_label *l, wire sub)
{
    const uint8_t *p = sub.p;
    size_t n = (size_t)(sub.end - p);
    if (n < 4 || p[0] != TAG(1, LEN) || p[1] >= 0x80 || (size_t)p[1] + 4 > n)
        return 0;
    const uint8_t *v = p + 2 + p[1];
    if (v[0] != TAG(2, LEN) || v[1] >= 0x80 || (size_t)p[1] + v[1] + 4 != n)
        return 0;
    l->name = (pg_str){ (const char *)p + 2, p[1] };
    l->value = (pg_str){ (const char *)v + 2, v[1] };
    /* one pass over name, tag, length and value; a NUL length or an odd
     * byte is looked at again string by string */
    if (!plain_text(p + 2, n - 2)) {
        wire ws = { p + 1, v };
        wire vs = { v + 1, sub.end };
        if (!rd_string(&ws, &l->name, &m->plain) ||
            !rd_string(&vs, &l->value, &m->plain))
            return -1;
    }
    add_key(m, pg__hash((const char *)p + 2, n - 2, p[1]));
    return 1;
}

/* At most max_labels labels; one slot stays free after them. */
static int rd_label(pg__pmetric *m, wire *w, size_t max_labels)
{
    static const pg_label empty = { { "", 0 }, { "", 0 } };
    wire sub;
    if (m->nlabels >= max_labels || !rd_len(w, &sub))
        return 0;
    pg_label *l = append(&m->labels, &m->nlabels, &m->labels_cap, &empty,
                         sizeof *l);
    int r = rd_label_canonical(m, l, sub);
    if (r)
        return r > 0;
    if (!rd_fields(m, sub, l, label_fields, N_OF(label_fields)))
        return 0;
    add_key(m, label_key(m, l));
    return 1;
}

/* Gauge, Untyped, or a Counter without exemplar and created timestamp:
 * only field 1, the value. */
static const field value_fields[] = { { TAG(1, FIXED64), K_DOUBLE, 0, NULL } };

static const field quantile_fields[] = {
    { TAG(1, FIXED64), K_DOUBLE, offsetof(pg__pm_quantile, quantile), NULL },
    { TAG(2, FIXED64), K_DOUBLE, offsetof(pg__pm_quantile, value), NULL },
};

static int rd_quantile(pg__pmetric *m, wire *w)
{
    static const pg__pm_quantile zero;
    pg__pm_quantile *q = append(&m->quantiles, &m->nquantiles,
                                &m->quantiles_cap, &zero, sizeof *q);
    return rd_message(m, w, q, quantile_fields, N_OF(quantile_fields));
}

static const field summary_fields[] = {
    { TAG(1, VARINT), K_UINT64, offsetof(pg__pmetric, summary_count), NULL },
    { TAG(2, FIXED64), K_DOUBLE, offsetof(pg__pmetric, summary_sum), NULL },
    { TAG(3, LEN), K_MESSAGE, 0, rd_quantile },
};

/* A classic bucket, without exemplar. */
static const field bucket_fields[] = {
    { TAG(1, VARINT), K_UINT64, offsetof(pg__pm_bucket, count), NULL },
    { TAG(2, FIXED64), K_DOUBLE, offsetof(pg__pm_bucket, upper_bound), NULL },
    { TAG(4, FIXED64), K_DOUBLE, offsetof(pg__pm_bucket, count_float), NULL },
};

static int rd_bucket(pg__pmetric *m, wire *w)
{
    static const pg__pm_bucket zero;
    pg__pm_bucket *b = append(&m->buckets, &m->nbuckets, &m->buckets_cap,
                              &zero, sizeof *b);
    return rd_message(m, w, b, bucket_fields, N_OF(bucket_fields));
}

/* A classic histogram: any native field is left to the library. */
static const field histogram_fields[] = {
    { TAG(1, VARINT), K_UINT64, offsetof(pg__pmetric, hist_count), NULL },
    { TAG(2, FIXED64), K_DOUBLE, offsetof(pg__pmetric, hist_sum), NULL },
    { TAG(3, LEN), K_MESSAGE, 0, rd_bucket },
    { TAG(4, FIXED64), K_DOUBLE, offsetof(pg__pmetric, hist_count_float), NULL },
};

static void clear(pg__pmetric *m)
{
    reserve(&m->labels, &m->labels_cap, 1, sizeof *m->labels);
    m->nlabels = m->nquantiles = m->nbuckets = 0;
    m->series = 0x9e3779b97f4a7c15ULL;
    m->plain = 1;
    m->present = 0;
    m->counter = m->gauge = m->untyped = 0;
    m->counter_exemplar = 0;
    m->has_timestamp = 0;
    m->timestamp_ms = 0;
    m->summary_count = m->hist_count = 0;
    m->summary_sum = m->hist_count_float = m->hist_sum = 0;
    m->unpacked = NULL;
}

/* A value field: a message field given twice is merged by protobuf, which
 * the reader leaves to the library. */
static int rd_once(pg__pmetric *m, unsigned bit)
{
    if (m->present & bit)
        return 0;
    m->present |= bit;
    return 1;
}

static int rd_field(pg__pmetric *m, wire *w, uint64_t tag, size_t max_labels)
{
    uint64_t ts;
    switch (tag) {
    case TAG(1, LEN): return rd_label(m, w, max_labels);
    case TAG(2, LEN):
        return rd_once(m, PG__PM_GAUGE) &&
               rd_message(m, w, &m->gauge, value_fields, 1);
    case TAG(3, LEN):
        return rd_once(m, PG__PM_COUNTER) &&
               rd_message(m, w, &m->counter, value_fields, 1);
    case TAG(4, LEN):
        return rd_once(m, PG__PM_SUMMARY) &&
               rd_message(m, w, m, summary_fields, N_OF(summary_fields));
    case TAG(5, LEN):
        return rd_once(m, PG__PM_UNTYPED) &&
               rd_message(m, w, &m->untyped, value_fields, 1);
    case TAG(7, LEN):
        return rd_once(m, PG__PM_HISTOGRAM) &&
               rd_message(m, w, m, histogram_fields, N_OF(histogram_fields));
    case TAG(6, VARINT):
        if (!rd_varint(w, &ts))
            return 0;
        m->has_timestamp = 1;
        m->timestamp_ms = (int64_t)ts;
        return 1;
    default:
        return 0;
    }
}

int pg__pmetric_read(pg__pmetric *m, const uint8_t *b, size_t n,
                     size_t max_labels)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    clear(m);
    wire w = { b, b + n };
    while (w.p < w.end) {
        uint64_t tag;
        if (!rd_varint(&w, &tag) || !rd_field(m, &w, tag, max_labels))
            return 0;
    }
    return 1;
#else
    /* doubles are read as they lie on the wire: little-endian */
    (void)m, (void)b, (void)n, (void)max_labels;
    return 0;
#endif
}

/* ---- libprotobuf-c ---- */

/* Bump allocator for one unpacked message: freed at once. */
struct pg__arena_block {
    pg__arena_block *next;
    size_t cap, used;
    max_align_t data[];
};

static void *arena_alloc(void *data, size_t size)
{
    pg__arena_block **head = data, *b = *head;
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!b || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        if (b && cap < b->cap * 2)
            cap = b->cap * 2;
        pg__arena_block *nb = pg_xmalloc(sizeof *nb + cap);
        nb->cap = cap;
        nb->used = 0;
        nb->next = b;
        *head = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

static void arena_free(void *data, void *p)
{
    (void)data;
    (void)p;
}

/* Keeps the newest (largest) block for the next message. */
static void arena_reset(pg__arena_block *head)
{
    if (!head)
        return;
    pg__arena_block *b = head->next;
    while (b) {
        pg__arena_block *n = b->next;
        free(b);
        b = n;
    }
    head->next = NULL;
    head->used = 0;
}

static pg_str cstr(const char *s)
{
    return (pg_str){ s ? s : "", s ? strlen(s) : 0 };
}

static void view_labels(pg__pmetric *m, const Io__Prometheus__Client__Metric *u)
{
    reserve(&m->labels, &m->labels_cap, u->n_label + 1, sizeof *m->labels);
    for (size_t i = 0; i < u->n_label; i++)
        m->labels[i] = (pg_label){ cstr(u->label[i]->name),
                                   cstr(u->label[i]->value) };
    m->nlabels = u->n_label;
    m->plain = 0;
    for (size_t i = 0; i < u->n_label; i++)
        add_key(m, label_key(m, &m->labels[i]));
}

static void view_summary(pg__pmetric *m, const Io__Prometheus__Client__Summary *s)
{
    m->present |= PG__PM_SUMMARY;
    m->summary_count = s->sample_count;
    m->summary_sum = s->sample_sum;
    reserve(&m->quantiles, &m->quantiles_cap, s->n_quantile,
            sizeof *m->quantiles);
    for (size_t i = 0; i < s->n_quantile; i++)
        m->quantiles[i] = (pg__pm_quantile){ s->quantile[i]->quantile,
                                             s->quantile[i]->value };
    m->nquantiles = s->n_quantile;
}

static void view_histogram(pg__pmetric *m,
                           const Io__Prometheus__Client__Histogram *h)
{
    m->present |= PG__PM_HISTOGRAM;
    m->hist_count = h->sample_count;
    m->hist_count_float = h->sample_count_float;
    m->hist_sum = h->sample_sum;
    reserve(&m->buckets, &m->buckets_cap, h->n_bucket, sizeof *m->buckets);
    for (size_t i = 0; i < h->n_bucket; i++) {
        const Io__Prometheus__Client__Bucket *b = h->bucket[i];
        m->buckets[i] = (pg__pm_bucket){ b->upper_bound, b->cumulative_count,
                                         b->cumulative_count_float,
                                         b->exemplar != NULL };
    }
    m->nbuckets = h->n_bucket;
}

static void view_unpacked(pg__pmetric *m, const Io__Prometheus__Client__Metric *u)
{
    view_labels(m, u);
    if (u->counter) {
        m->present |= PG__PM_COUNTER;
        m->counter = u->counter->value;
        m->counter_exemplar = u->counter->exemplar != NULL;
    }
    if (u->gauge) {
        m->present |= PG__PM_GAUGE;
        m->gauge = u->gauge->value;
    }
    if (u->untyped) {
        m->present |= PG__PM_UNTYPED;
        m->untyped = u->untyped->value;
    }
    if (u->summary)
        view_summary(m, u->summary);
    if (u->histogram)
        view_histogram(m, u->histogram);
    m->has_timestamp = u->has_timestamp_ms;
    m->timestamp_ms = u->timestamp_ms;
    m->unpacked = u;
}

int pg__pmetric_unpack(pg__pmetric *m, const uint8_t *b, size_t n)
{
    clear(m);
    arena_reset(m->arena);
    ProtobufCAllocator alloc = { arena_alloc, arena_free, &m->arena };
    const Io__Prometheus__Client__Metric *u =
        (const Io__Prometheus__Client__Metric *)protobuf_c_message_unpack(
            &io__prometheus__client__metric__descriptor, &alloc, n, b);
    if (!u)
        return -1;
    view_unpacked(m, u);
    return 0;
}

void pg__pmetric_release(pg__pmetric *m)
{
    arena_reset(m->arena);
    free(m->arena);
    free(m->labels);
    free(m->quantiles);
    free(m->buckets);
    free(m->key_buf);
    memset(m, 0, sizeof *m);
}
