/* util.c: see util.h. */
#define _POSIX_C_SOURCE 200809L
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n)
{
    fprintf(stderr, "promgate: out of memory allocating %zu bytes\n", n);
    abort();
}

void *pg_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *pg_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *pg_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

char *pg_xstrndup(const char *s, size_t n)
{
    char *d = pg_xmalloc(n + 1);
    if (n)  /* an empty view may have no pointer: memcpy wants one */
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *pg_xstrdup(const char *s)
{
    return pg_xstrndup(s, strlen(s));
}

int pg_str_eq(pg_str a, const char *s)
{
    size_t n = strlen(s);
    return a.len == n && memcmp(a.p, s, n) == 0;
}

void pg_buf_init(pg_buf *b)
{
    b->p = NULL;
    b->len = b->cap = 0;
}

void pg_buf_release(pg_buf *b)
{
    free(b->p);
    pg_buf_init(b);
}

void pg_buf_grow(pg_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->p = pg_xrealloc(b->p, cap);
    b->cap = cap;
}

void pg_buf_add(pg_buf *b, const char *p, size_t len)
{
    pg_buf_grow(b, len);
    if (len)
        memcpy(b->p + b->len, p, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void pg_buf_adds(pg_buf *b, const char *s)
{
    pg_buf_add(b, s, strlen(s));
}

void pg_buf_addc(pg_buf *b, char c)
{
    pg_buf_add(b, &c, 1);
}

void pg_buf_vaddf(pg_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    pg_buf_grow(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void pg_buf_addf(pg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

char *pg_buf_detach(pg_buf *b)
{
    char *p = b->p ? b->p : pg_xstrdup("");
    pg_buf_init(b);
    return p;
}

void pg_error_init(pg_error *e)
{
    memset(e, 0, sizeof *e);
}

int pg_error_vset(pg_error *e, const char *source, int line, int column,
                  const char *fmt, va_list ap)
{
    if (!e || e->set)
        return -1;
    e->set = 1;
    e->line = line;
    e->column = column;
    snprintf(e->source, sizeof e->source, "%s", source ? source : "");
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    return -1;
}

int pg_error_set(pg_error *e, const char *source, int line, int column,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(e, source, line, column, fmt, ap);
    va_end(ap);
    return -1;
}

void pg_error_print(const pg_error *e, FILE *out)
{
    if (e->source[0])
        fprintf(out, "%s:", e->source);
    if (e->line > 0)
        fprintf(out, "%d:", e->line);
    if (e->line > 0 && e->column > 0)
        fprintf(out, "%d:", e->column);
    fprintf(out, "%s%s\n", e->source[0] || e->line > 0 ? " " : "", e->text);
}

int pg_read_file(const char *path, char **data, size_t *len, pg_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return pg_error_set(err, path, 0, 0, "cannot open: %s",
                            strerror(errno));
    pg_buf b = PG_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pg_buf_add(&b, chunk, n);
    int bad = ferror(f);
    int saved = errno;
    if (f != stdin)
        fclose(f);
    if (bad) {
        pg_buf_release(&b);
        return pg_error_set(err, path, 0, 0, "cannot read: %s",
                            strerror(saved));
    }
    *len = b.len;
    *data = pg_buf_detach(&b);
    return 0;
}

size_t pg_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t *row = pg_xcalloc(m + 1, sizeof *row);
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[m];
    free(row);
    return d;
}

double pg_now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pg_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
