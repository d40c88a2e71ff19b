/* strmap.h: the one string-keyed hash map of the library (open
 * addressing, FNV-1a), for the checker's families and series, goldens
 * built from expositions and the Prometheus API reader. The exposition
 * parser keeps its own set of 64-bit hashes (lib/expo/expo_int.h): it
 * stores no keys, lives in huge pages and is on the path `make bench`
 * measures. */
#ifndef PG_STRMAP_H
#define PG_STRMAP_H

#include <stddef.h>

typedef struct pg_strmap {
    char **keys;      /* NUL-terminated copies; NULL = empty slot */
    size_t *lens;
    void **vals;
    size_t cap, n;    /* cap is 0 or a power of two */
} pg_strmap;

#define PG_STRMAP_INIT { NULL, NULL, NULL, 0, 0 }

/* The value of key p[0..len), or NULL. */
void *pg_strmap_get(const pg_strmap *m, const char *p, size_t len);
/* Sets key p[0..len) (copied) to val; returns the value it replaced, or
 * NULL. */
void *pg_strmap_put(pg_strmap *m, const char *p, size_t len, void *val);
/* Frees the keys and, if free_val is not NULL, each value. The entries
 * can be visited before: for i < cap where keys[i] is not NULL. */
void pg_strmap_release(pg_strmap *m, void (*free_val)(void *));

#endif
