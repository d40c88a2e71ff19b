/* expo_num.c: UTF-8, hashing and the hash set behind the exposition
 * parser (see expo_int.h). Kept apart from the grammar so the hot helpers
 * stay small and testable; numbers are lib/core/num.c's. */
#include "expo/expo_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE (2u << 20)

size_t pg__utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* ASCII runs are the common case: eight bytes per step. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        /* Overlong forms, surrogates and code points past U+10FFFF. */
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return i;
        i += k + 1;
    }
    return n;
}

size_t pg__utf8_runes(const char *str, size_t n)
{
    size_t r = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)str[i] & 0xC0) != 0x80)
            r++;
    return r;
}

/* A multiply-mix hash in the manner of wyhash: one 64x64->128 multiply
 * per 16 bytes, overlapping loads for the tail (no byte loop, no
 * variable-length memcpy). Good spread for duplicate detection with
 * 64-bit keys; not meant to resist crafted collisions. */
static inline uint64_t mix(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t pg__hash(const char *p, size_t n, uint64_t seed)
{
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL,
                   k2 = 0x8ebc6af09c88c6e3ULL;
    uint64_t h = seed ^ k0, a, b;
    if (n > 16) {
        size_t i = 0;
        for (; n - i > 16; i += 16)
            h = mix(pg__load8(p + i) ^ k1, pg__load8(p + i + 8) ^ h);
        a = pg__load8(p + n - 16);
        b = pg__load8(p + n - 8);
    } else if (n >= 8) {
        a = pg__load8(p);
        b = pg__load8(p + n - 8);
    } else if (n >= 4) {
        a = pg__load4(p);
        b = pg__load4(p + n - 4);
    } else if (n > 0) {
        a = ((uint64_t)(unsigned char)p[0] << 16) |
            ((uint64_t)(unsigned char)p[n >> 1] << 8) | (unsigned char)p[n - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    return mix(k2 ^ (uint64_t)n, mix(a ^ k1, b ^ h));
}

static size_t slot_of(uint64_t key, size_t cap)
{
    return (size_t)(key ^ (key >> 29)) & (cap - 1);
}

/* Zeroed key array. From 2 MiB on it is aligned to and advised as a huge
 * page: probes land anywhere in the table, and one TLB entry then covers
 * what would take 512. */
static uint64_t *keys_alloc(size_t cap)
{
    size_t bytes = cap * sizeof(uint64_t);
    if (bytes >= HUGE_PAGE) {
        void *m = NULL;
        if (posix_memalign(&m, HUGE_PAGE, bytes) == 0) {
#ifdef MADV_HUGEPAGE
            madvise(m, bytes, MADV_HUGEPAGE);
#endif
            memset(m, 0, bytes);
            return m;
        }
    }
    return pg_xcalloc(cap, sizeof(uint64_t));
}

static void hset_grow(pg__hset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 64;
    uint64_t *nk = keys_alloc(ncap);
    uint32_t *nv = s->novals ? NULL : pg_xcalloc(ncap, sizeof *nv);
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->keys[i])
            continue;
        size_t j = slot_of(s->keys[i], ncap);
        while (nk[j])
            j = (j + 1) & (ncap - 1);
        nk[j] = s->keys[i];
        if (nv)
            nv[j] = s->vals[i];
    }
    free(s->keys);
    free(s->vals);
    s->keys = nk;
    s->vals = nv;
    s->cap = ncap;
}

int pg__hset_put(pg__hset *s, uint64_t key, uint32_t val, uint32_t *old)
{
    if (!key)
        key = 1;
    size_t j = 0;
    if (s->cap) {
        j = slot_of(key, s->cap);
        while (s->keys[j]) {
            if (s->keys[j] == key) {
                if (old && s->vals)
                    *old = s->vals[j];
                return 0;
            }
            j = (j + 1) & (s->cap - 1);
        }
    }
    if (s->limit && s->len >= s->limit)
        return -1;
    if ((s->len + 1) * 4 > s->cap * 3) {
        hset_grow(s);
        /* the free slot found above moved with the table */
        j = slot_of(key, s->cap);
        while (s->keys[j])
            j = (j + 1) & (s->cap - 1);
    }
    s->keys[j] = key;
    if (s->vals)
        s->vals[j] = val;
    s->len++;
    return 1;
}

int pg__hset_get(const pg__hset *s, uint64_t key, uint32_t *val)
{
    if (!key)
        key = 1;
    if (!s->cap)
        return 0;
    size_t j = slot_of(key, s->cap);
    while (s->keys[j]) {
        if (s->keys[j] == key) {
            if (val && s->vals)
                *val = s->vals[j];
            return 1;
        }
        j = (j + 1) & (s->cap - 1);
    }
    return 0;
}

void pg__hset_clear(pg__hset *s)
{
    if (!s->len)
        return;
    /* A table up to 8 MiB is wiped and kept for the next family (no
     * regrowth); a bigger one from a huge family is dropped, so memory
     * does not stay at the largest family seen. */
    if (s->cap > (1u << 20)) {
        size_t limit = s->limit;
        int novals = s->novals;
        pg__hset_release(s);
        s->limit = limit;
        s->novals = novals;
        return;
    }
    memset(s->keys, 0, s->cap * sizeof *s->keys);
    s->len = 0;
}

void pg__hset_release(pg__hset *s)
{
    free(s->keys);
    free(s->vals);
    memset(s, 0, sizeof *s);
}

/* Duplicate label names: MUST be unique (OpenMetrics LabelSet; expfmt
 * "duplicate label names"; the protobuf format the same). Quadratic for
 * the usual handful of labels, a hash set beyond. */
static int name_cmp(pg_str a, pg_str b)
{
    int c = memcmp(a.p, b.p, a.len < b.len ? a.len : b.len);
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

int pg__dup_labels(const pg_label *l, size_t n, size_t *at)
{
    /* Names in strictly increasing order (as most clients write them)
     * cannot repeat: n-1 comparisons instead of n(n-1)/2. */
    size_t sorted = 1;
    while (sorted < n && name_cmp(l[sorted - 1].name, l[sorted].name) < 0)
        sorted++;
    if (sorted >= n)
        return 0;
    if (n <= 32) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (l[i].name.len == l[j].name.len &&
                    !memcmp(l[i].name.p, l[j].name.p, l[i].name.len)) {
                    *at = i;
                    return 1;
                }
        return 0;
    }
    pg__hset h = { 0 };
    int dup = 0;
    for (size_t i = 0; i < n && !dup; i++) {
        uint64_t k = pg__name_hash(l[i].name.p, l[i].name.len);
        uint32_t old;
        if (pg__hset_put(&h, k, (uint32_t)i, &old) == 0 &&
            l[old].name.len == l[i].name.len &&
            !memcmp(l[old].name.p, l[i].name.p, l[i].name.len)) {
            *at = i;
            dup = 1;
        }
    }
    pg__hset_release(&h);
    return dup;
}
