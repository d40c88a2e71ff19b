/* strmap.c: string-keyed open-addressing hash map (see strmap.h). */
#include "core/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static uint64_t fnv1a(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static size_t slot_of(const pg_strmap *m, const char *p, size_t len)
{
    size_t i = (size_t)fnv1a(p, len) & (m->cap - 1);
    /* an empty key may come with no pointer (an empty pg_buf) */
    while (m->keys[i] &&
           (m->lens[i] != len || (len && memcmp(m->keys[i], p, len) != 0)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

void *pg_strmap_get(const pg_strmap *m, const char *p, size_t len)
{
    if (!m->cap)
        return NULL;
    size_t i = slot_of(m, p, len);
    return m->keys[i] ? m->vals[i] : NULL;
}

/* Doubles the table (70 % load at most), moving the keys over. */
static void grow(pg_strmap *m)
{
    pg_strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = pg_xcalloc(m->cap, sizeof *m->keys);
    m->lens = pg_xcalloc(m->cap, sizeof *m->lens);
    m->vals = pg_xcalloc(m->cap, sizeof *m->vals);
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t j = slot_of(m, old.keys[i], old.lens[i]);
            m->keys[j] = old.keys[i];
            m->lens[j] = old.lens[i];
            m->vals[j] = old.vals[i];
        }
    free(old.keys);
    free(old.lens);
    free(old.vals);
}

void *pg_strmap_put(pg_strmap *m, const char *p, size_t len, void *val)
{
    if ((m->n + 1) * 10 >= m->cap * 7)
        grow(m);
    size_t i = slot_of(m, p, len);
    void *old = NULL;
    if (!m->keys[i]) {
        m->keys[i] = pg_xstrndup(p, len);
        m->lens[i] = len;
        m->n++;
    } else {
        old = m->vals[i];
    }
    m->vals[i] = val;
    return old;
}

void pg_strmap_release(pg_strmap *m, void (*free_val)(void *))
{
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] && free_val)
            free_val(m->vals[i]);
        free(m->keys[i]);
    }
    free(m->keys);
    free(m->lens);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
