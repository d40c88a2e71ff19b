/* redact.c: cutting credentials out of text (see redact.h). */
#include "core/redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"

void pg_secrets_add(pg_secrets *s, const char *p, size_t len)
{
    if (len < 3)
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = pg_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = pg_xstrndup(p, len);
}

static void add_url_part(void *ctx, const char *p, size_t len)
{
    pg_secrets_add(ctx, p, len);
}

static void add_url_value(void *ctx, const char *p, size_t len)
{
    if (len >= 8)
        pg_secrets_add(ctx, p, len);
}

void pg_secrets_add_url(pg_secrets *s, const char *url)
{
    pg_url_each_secret(url, add_url_part, add_url_value, s);
}

void pg_secrets_release(pg_secrets *s)
{
    for (size_t i = 0; i < s->n; i++) {
        memset(s->v[i], 0, strlen(s->v[i]));
        free(s->v[i]);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* memmem is a GNU extension; this is the portable, simple version. */
static const char *find(const char *hay, size_t hlen, const char *needle,
                        size_t nlen)
{
    if (nlen > hlen)
        return NULL;
    for (size_t i = 0; i + nlen <= hlen; i++)
        if (hay[i] == needle[0] && !memcmp(hay + i, needle, nlen))
            return hay + i;
    return NULL;
}

static void replace_all(pg_buf *b, const char *needle, size_t nlen,
                        const char *with)
{
    if (nlen == 0 || b->len < nlen)
        return;
    pg_buf out = PG_BUF_INIT;
    size_t i = 0, last = 0, hits = 0;
    while (i + nlen <= b->len) {
        const char *hit = find(b->p + i, b->len - i, needle, nlen);
        if (!hit)
            break;
        size_t at = (size_t)(hit - b->p);
        pg_buf_add(&out, b->p + last, at - last);
        pg_buf_adds(&out, with);
        i = last = at + nlen;
        hits++;
    }
    if (!hits) {
        pg_buf_release(&out);
        return;
    }
    pg_buf_add(&out, b->p + last, b->len - last);
    pg_buf_release(b);
    *b = out;
}

void pg_redact_literals(pg_buf *b, const char *const *secrets, size_t n)
{
    for (size_t i = 0; b->p && i < n; i++)
        if (secrets[i] && strlen(secrets[i]) >= 3)
            replace_all(b, secrets[i], strlen(secrets[i]), "REDACTED");
}

static int ci_prefix(const char *p, size_t n, const char *word)
{
    size_t wl = strlen(word);
    if (n < wl)
        return 0;
    for (size_t i = 0; i < wl; i++)
        if (tolower((unsigned char)p[i]) != word[i])
            return 0;
    return 1;
}

static int ci_contains(const char *p, size_t n, const char *word)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i + wl <= n; i++)
        if (ci_prefix(p + i, n - i, word))
            return 1;
    return 0;
}

/* Names whose value is a credential, in URLs (query) and headers. */
static int secret_name(const char *p, size_t n)
{
    static const char *const words[] = {
        "authorization", "token", "password", "passwd", "secret", "apikey",
        "api-key", "api_key", "cookie", "session", "signature"
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (ci_contains(p, n, words[i]))
            return 1;
    return 0;
}

static int is_space_or_end(char c)
{
    return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int ends_value(char c)
{
    return is_space_or_end(c) || c == '\'' || c == '"' || c == '<' ||
           c == '>' || c == '`';
}

static int is_header_char(char c)
{
    return isalnum((unsigned char)c) || c == '-';
}

/* One pass over s applying the heuristic rules (URLs are redacted
 * before); out gets the result. */
static void scrub_heuristics(const char *s, size_t len, pg_buf *out)
{
    size_t i = 0;
    while (i < len) {
        /* ?name=value or &name=value with a credential name. */
        if ((s[i] == '?' || s[i] == '&') && i + 1 < len) {
            size_t j = i + 1;
            while (j < len && s[j] != '=' && s[j] != '&' && !ends_value(s[j]))
                j++;
            if (j < len && s[j] == '=' && secret_name(s + i + 1, j - i - 1)) {
                pg_buf_add(out, s + i, j + 1 - i);
                pg_buf_adds(out, "REDACTED");
                j++;
                while (j < len && s[j] != '&' && s[j] != '#' &&
                       !ends_value(s[j]))
                    j++;
                i = j;
                continue;
            }
        }
        /* "Bearer xyz", "Basic xyz" (RFC 6750 2.1, RFC 7617 2). */
        if ((i == 0 || !isalnum((unsigned char)s[i - 1])) &&
            (ci_prefix(s + i, len - i, "bearer ") ||
             ci_prefix(s + i, len - i, "basic "))) {
            size_t w = s[i + 1] == 'e' || s[i + 1] == 'E' ? 7 : 6;
            size_t j = i + w;
            while (j < len && s[j] == ' ')
                j++;
            if (j < len && !ends_value(s[j])) {
                pg_buf_add(out, s + i, w);
                pg_buf_adds(out, "REDACTED");
                while (j < len && !ends_value(s[j]))
                    j++;
                i = j;
                continue;
            }
        }
        /* Header-like "Name: value" / "Name=value" whose name is a
         * credential (Authorization, Coder-Session-Token, X-Api-Key):
         * header names have dashes, metric names underscores, so metric
         * names followed by ':' are left alone. */
        if (is_header_char(s[i]) && (i == 0 || !is_header_char(s[i - 1]))) {
            size_t j = i;
            while (j < len && is_header_char(s[j]))
                j++;
            if (j < len && (s[j] == ':' || s[j] == '=') && (j >= len - 1 ||
                s[j + 1] != '/') && secret_name(s + i, j - i)) {
                size_t k = j + 1;
                while (k < len && s[k] == ' ')
                    k++;
                char quote = 0;
                if (k < len && (s[k] == '"' || s[k] == '\''))
                    quote = s[k++];
                if (k < len && s[k] != '\n' && s[k] != '\r') {
                    pg_buf_add(out, s + i, k - i);
                    pg_buf_adds(out, "REDACTED");
                    while (k < len && s[k] != '\n' && s[k] != '\r' &&
                           s[k] != ')' && (quote ? s[k] != quote
                                  : s[k] != '\'' && s[k] != '"'))
                        k++;
                    i = k;
                    continue;
                }
            }
            pg_buf_add(out, s + i, j - i);
            i = j;
            continue;
        }
        pg_buf_addc(out, s[i]);
        i++;
    }
}

void pg_redact_text(pg_buf *out, const char *s, size_t len)
{
    pg_buf urls = PG_BUF_INIT;
    pg_buf_adds(&urls, "");
    pg_url_redact_text(&urls, s, len);
    scrub_heuristics(urls.p, urls.len, out);
    pg_buf_release(&urls);
}

void pg_redact_header_values(pg_buf *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - s) + 1 : len;
        const char *colon = memchr(s + i, ':', end - i);
        if (colon && secret_name(s + i, (size_t)(colon - (s + i)))) {
            pg_buf_add(out, s + i, (size_t)(colon - (s + i)) + 1);
            pg_buf_adds(out, " REDACTED");
            pg_buf_adds(out, end > i && s[end - 1] == '\n' ?
                        (end - i >= 2 && s[end - 2] == '\r' ? "\r\n" : "\n")
                        : "");
        } else {
            pg_buf_add(out, s + i, end - i);
        }
        i = end;
    }
}
