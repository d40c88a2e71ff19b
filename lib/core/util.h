/* util.h: string views, growable buffers, errors and exit codes shared by
 * every promgate module. */
#ifndef PG_UTIL_H
#define PG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Exit codes of every promgate command (documented in --help and README). */
enum pg_exit {
    PG_EXIT_OK = 0,    /* conformant / equal */
    PG_EXIT_FAIL = 1,  /* violations or differences found */
    PG_EXIT_ERROR = 2  /* could not run: bad usage, unreadable input */
};

/* A borrowed view: p is not NUL-terminated and not owned. */
typedef struct pg_str {
    const char *p;
    size_t len;
} pg_str;

/* memcmp(a, b, n) == 0 for the short strings of names and label values,
 * inlined into hot loops: a word at a time, the last word overlapping the
 * end, so there is no byte loop. */
static inline __attribute__((always_inline)) int
pg_bytes_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t x, y;
        for (; n > 8; a += 8, b += 8, n -= 8) {
            memcpy(&x, a, 8);
            memcpy(&y, b, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t x, y, x2, y2;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&x2, a + n - 4, 4);
        memcpy(&y2, b + n - 4, 4);
        return x == y && x2 == y2;
    }
    if (n >= 2) {
        uint16_t x, y, x2, y2;
        memcpy(&x, a, 2);
        memcpy(&y, b, 2);
        memcpy(&x2, a + n - 2, 2);
        memcpy(&y2, b + n - 2, 2);
        return x == y && x2 == y2;
    }
    return n == 0 || a[0] == b[0];
}

#define PG_STR_LIT(s) ((pg_str){ (s), sizeof(s) - 1 })
int pg_str_eq(pg_str a, const char *s);

/* A growable, always NUL-terminated owned string (git strbuf). */
typedef struct pg_buf {
    char *p;
    size_t len, cap;
} pg_buf;

#define PG_BUF_INIT { NULL, 0, 0 }
void pg_buf_init(pg_buf *b);
void pg_buf_release(pg_buf *b);
void pg_buf_grow(pg_buf *b, size_t extra);
void pg_buf_add(pg_buf *b, const char *p, size_t len);
void pg_buf_adds(pg_buf *b, const char *s);
void pg_buf_addc(pg_buf *b, char c);
void pg_buf_addf(pg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pg_buf_vaddf(pg_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Returns the string (caller frees) and leaves b empty. */
char *pg_buf_detach(pg_buf *b);

/* Allocation that aborts with a message when memory runs out (cmark). */
void *pg_xmalloc(size_t n);
void *pg_xcalloc(size_t n, size_t size);
void *pg_xrealloc(void *p, size_t n);
char *pg_xstrdup(const char *s);
char *pg_xstrndup(const char *s, size_t n);

/* A caller-owned error with position, jansson json_error_t style. The
 * first error set wins, so callers may set freely on every failure path. */
typedef struct pg_error {
    int line, column; /* 1-based; 0 if unknown */
    char source[256]; /* file name or URL (credentials removed) */
    char text[512];
    int set;
} pg_error;

void pg_error_init(pg_error *e);
/* Sets e (unless already set or NULL) and returns -1. */
int pg_error_set(pg_error *e, const char *source, int line, int column,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* pg_error_set() with a va_list, for functions that take a format. */
int pg_error_vset(pg_error *e, const char *source, int line, int column,
                  const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
/* Prints "source:line:col: text" (parts that are unknown are left out). */
void pg_error_print(const pg_error *e, FILE *out);

/* Reads a whole file ("-" is stdin). Returns 0, or -1 with err set. The
 * buffer is NUL-terminated; caller frees. */
int pg_read_file(const char *path, char **data, size_t *len, pg_error *err);

/* Levenshtein distance between a and b, counted in bytes: inserting,
 * deleting or substituting one byte costs 1. O(strlen(a) * strlen(b))
 * time, O(strlen(b)) memory. */
size_t pg_edit_distance(const char *a, const char *b);

/* Seconds on the monotonic clock, for durations (not wall time). */
double pg_now_mono(void);

/* The value of hexadecimal digit c (either case), or -1. */
int pg_hex_digit(char c);

#endif
