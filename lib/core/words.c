/* words.c: shell-style word splitting (see words.h). */
#include "core/words.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void add_word(pg_words *w, pg_buf *b)
{
    w->v = pg_xrealloc(w->v, (w->n + 1) * sizeof *w->v);
    w->v[w->n++] = pg_buf_detach(b);
}

/* Position of p in s as 1-based line and column, for errors. */
static void locate(const char *s, const char *p, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (; s < p; s++) {
        if (*s == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static int fail(const char *s, const char *at, const char *source,
                pg_error *err, const char *what)
{
    int line, col;
    locate(s, at, &line, &col);
    return pg_error_set(err, source, line, col, "%s", what);
}

/* Reads a "..." body after the opening quote at *pp; leaves *pp past the
 * closing quote. */
static int double_quoted(const char *s, const char **pp, pg_buf *b,
                         const char *source, pg_error *err)
{
    const char *open = *pp - 1, *p = *pp;
    for (; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
            if (p[1] != '\n') /* backslash-newline joins lines */
                pg_buf_addc(b, p[1]);
            p++;
            continue;
        }
        pg_buf_addc(b, *p);
    }
    if (!*p)
        return fail(s, open, source, err, "unterminated double quote");
    *pp = p + 1;
    return 0;
}

int pg_words_split(pg_words *w, const char *s, const char *source,
                   pg_error *err)
{
    const char *p = s;
    pg_buf b = PG_BUF_INIT;
    int in_word = 0, rc = 0;
    while (*p && !rc) {
        char c = *p;
        if (is_blank(c)) {
            if (in_word)
                add_word(w, &b);
            in_word = 0;
            p++;
        } else if (c == '#' && !in_word) {
            p += strcspn(p, "\n");
        } else if (c == '\'') {
            const char *end = strchr(p + 1, '\'');
            if (!end) {
                rc = fail(s, p, source, err, "unterminated single quote");
                break;
            }
            pg_buf_add(&b, p + 1, (size_t)(end - p - 1));
            in_word = 1;
            p = end + 1;
        } else if (c == '"') {
            p++;
            rc = double_quoted(s, &p, &b, source, err);
            in_word = 1;
        } else if (c == '\\') {
            if (!p[1]) {
                rc = fail(s, p, source, err, "backslash at the end");
                break;
            }
            if (p[1] != '\n') {
                pg_buf_addc(&b, p[1]);
                in_word = 1;
            }
            p += 2;
        } else {
            pg_buf_addc(&b, c);
            in_word = 1;
            p++;
        }
    }
    if (!rc && in_word)
        add_word(w, &b);
    pg_buf_release(&b);
    return rc;
}

void pg_words_release(pg_words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = 0;
}
