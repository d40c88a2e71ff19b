/* expo_int.h: private parts of the exposition parser (lib/expo*.c). */
#ifndef PG_EXPO_INT_H
#define PG_EXPO_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "expo/expo.h"

/* Which formats a diagnostic applies to. While an AUTO parse has not
 * decided, diagnostics that hold for one format only are held back. */
enum {
    PG__F_PROM = 1 << 0,
    PG__F_OM = 1 << 1,
    PG__F_BOTH = PG__F_PROM | PG__F_OM
};

/* Open-addressing set of 64-bit hashes (0 is the empty slot, so a zero
 * hash is stored as 1). Values are a small payload per key. */
typedef struct pg__hset {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, len;  /* cap is a power of two, or 0 */
    size_t limit;     /* most entries kept; beyond, inserts are refused */
    int novals;       /* keys only (a set, not a map) */
} pg__hset;

/* Starts loading the slot of key, so a later put does not wait on it.
 * A macro: GCC 12 drops __builtin_prefetch inside an inlined function. */
#define PG__HSET_PREFETCH(s, key)                                          \
    do {                                                                   \
        if ((s)->cap)                                                      \
            __builtin_prefetch(&(s)->keys[(size_t)((key) ^ ((key) >> 29)) & \
                                          ((s)->cap - 1)]);                \
    } while (0)

/* Returns 1 if inserted, 0 if present (*val set), -1 if the set is full. */
int pg__hset_put(pg__hset *s, uint64_t key, uint32_t val, uint32_t *old);
int pg__hset_get(const pg__hset *s, uint64_t key, uint32_t *val);
void pg__hset_clear(pg__hset *s);
void pg__hset_release(pg__hset *s);

uint64_t pg__hash(const char *p, size_t n, uint64_t seed);

/* The hash of a metric or label name, one seed for every name set. */
static inline uint64_t pg__name_hash(const char *s, size_t n)
{
    return pg__hash(s, n, 0x51ed27a3c2f8b1ULL);
}

/* Unaligned loads of 8 and 4 bytes (one instruction each). */
static inline uint64_t pg__load8(const void *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint64_t pg__load4(const void *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* 1 if two labels have the same name, the second at *at (expo_num.c):
 * n-1 comparisons when the names are sorted, as most producers write
 * them, linear beyond 32 labels. */
int pg__dup_labels(const pg_label *l, size_t n, size_t *at);

/* 1 if an HTTP Content-Type has the parameter escaping=allow-utf-8 (the
 * body's names may be quoted UTF-8), else 0 (types.c). */
int pg__ctype_allows_utf8(const char *content_type);
/* Returns the length of the longest valid UTF-8 prefix of [s, s+n). */
size_t pg__utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t pg__utf8_runes(const char *s, size_t n);

/* The two parsers behind pg_parser (parser.c), which picks one by format:
 * the same callbacks, the same stats. */

/* The text formats (text format 0.0.4 and OpenMetrics; text*.c). f is
 * PG_FORMAT_PROM, PG_FORMAT_OPENMETRICS, or PG_FORMAT_AUTO to decide from
 * the input's last line. */
typedef struct pg__text pg__text;
pg__text *pg__text_new(const pg_parser_opts *o, enum pg_format f,
                       const pg_parser_callbacks *cb, void *ctx);
int pg__text_feed(pg__text *p, const char *buf, size_t len);
int pg__text_finish(pg__text *p);
void pg__text_stats(const pg__text *p, pg_parse_stats *out);
/* The format in use, PG_FORMAT_AUTO until an AUTO parse has decided. */
enum pg_format pg__text_format(const pg__text *p);
void pg__text_free(pg__text *p);

/* The delimited protobuf format (proto.c). */
typedef struct pg__proto pg__proto;
pg__proto *pg__proto_new(const pg_parser_opts *o, const pg_parser_callbacks *cb,
                         void *ctx);
int pg__proto_feed(pg__proto *p, const char *buf, size_t len);
int pg__proto_finish(pg__proto *p);
void pg__proto_stats(const pg__proto *p, pg_parse_stats *out);
void pg__proto_free(pg__proto *p);

#endif
