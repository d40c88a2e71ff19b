/* url.c: URL predicates and redaction (see url.h). */
#include "core/url.h"

#include <string.h>
#include <strings.h>

int pg_url_is_http(const char *s)
{
    if (!s)
        return 0;
    if (!strncasecmp(s, "http://", 7))
        return s[7] != '\0';
    if (!strncasecmp(s, "https://", 8))
        return s[8] != '\0';
    return 0;
}

/* The parts of a URL, as offsets into it (RFC 3986 3): the authority
 * starts after "scheme://" (0 when there is none), the userinfo ends at
 * the last '@' of the authority (NULL when there is none). */
typedef struct url_parts {
    const char *authority, *at, *path, *query, *fragment, *end;
} url_parts;

static int scheme_char(char c, int first)
{
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alpha || (!first && ((c >= '0' && c <= '9') || c == '+' ||
                                c == '-' || c == '.'));
}

static url_parts split(const char *u, size_t len)
{
    url_parts p;
    const char *end = u + len, *s = u;
    memset(&p, 0, sizeof p);
    p.end = end;
    while (s < end && scheme_char(*s, s == u))
        s++;
    if (s > u && end - s >= 3 && !memcmp(s, "://", 3)) {
        p.authority = s + 3;
        s = p.authority;
        while (s < end && *s != '/' && *s != '?' && *s != '#') {
            if (*s == '@')
                p.at = s;
            s++;
        }
    } else {
        s = u;
    }
    p.path = s;
    while (s < end && *s != '?' && *s != '#')
        s++;
    p.query = s < end && *s == '?' ? s : NULL;
    while (s < end && *s != '#')
        s++;
    p.fragment = s < end ? s : NULL;
    return p;
}

/* Percent-decodes [s, e) into out (at most cap - 1 bytes, then NUL);
 * 0 if it does not fit or an escape is malformed. '+' stays '+'. */
static int decode(const char *s, const char *e, char *out, size_t cap)
{
    size_t n = 0;
    while (s < e) {
        char c = *s++;
        if (c == '%') {
            int hi = e - s >= 2 ? pg_hex_digit(s[0]) : -1;
            int lo = hi >= 0 ? pg_hex_digit(s[1]) : -1;
            if (lo < 0)
                return 0;
            c = (char)(hi * 16 + lo);
            s += 2;
        }
        if (n + 1 >= cap)
            return 0;
        out[n++] = c;
    }
    out[n] = '\0';
    return 1;
}

/* Parameters that choose what an exporter serves, not who may read it:
 * blackbox and snmp exporters' target and module, a collector's
 * collect[]/name[], the federation and API match[], a format. Their
 * values are shown, so that two targets differing only there (a blackbox
 * exporter probing a and b) do not print alike. */
static int routing_name(const char *s, const char *e)
{
    static const char *const names[] = {
        "target", "module", "collect[]", "name[]", "match[]", "format"
    };
    char name[32];
    if (!decode(s, e, name, sizeof name))
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

/* A routing value is shown only when it cannot carry a credential of its
 * own: no userinfo ('@'), no query or fragment of a nested URL, no
 * control character, once decoded. */
static int harmless_value(const char *s, const char *e)
{
    char value[512];
    if (!decode(s, e, value, sizeof value))
        return 0;
    for (const char *v = value; *v; v++)
        if (*v == '@' || *v == '?' || *v == '#' || *v == '&' ||
            *v == '=' || (unsigned char)*v < 0x20 || *v == 0x7f)
            return 0;
    return 1;
}

/* 1 if the value [eq + 1, stop) of the query parameter [s, eq) is shown
 * (see routing_name); every other value is hidden. */
static int shown_value(const char *s, const char *eq, const char *stop)
{
    return routing_name(s, eq) && harmless_value(eq + 1, stop);
}

/* Appends "name=REDACTED&..." for the parameters in [s, e) (after the
 * '?' or '#'): every non-empty value is hidden, a bare value too, except
 * a routing value of a query (query = 1) that shown_value allows. */
static void redact_params(pg_buf *out, const char *s, const char *e,
                          int query)
{
    while (s < e) {
        const char *amp = memchr(s, '&', (size_t)(e - s));
        const char *stop = amp ? amp : e;
        const char *eq = memchr(s, '=', (size_t)(stop - s));
        if (eq && query && shown_value(s, eq, stop)) {
            pg_buf_add(out, s, (size_t)(stop - s));
        } else if (eq) {
            pg_buf_add(out, s, (size_t)(eq - s) + 1);
            if (stop > eq + 1)
                pg_buf_adds(out, "REDACTED");
        } else if (stop > s) {
            pg_buf_adds(out, "REDACTED");
        }
        if (amp)
            pg_buf_addc(out, '&');
        s = amp ? amp + 1 : e;
    }
}

/* A fragment that names a place in a page, as docs links in HELP texts
 * do ("#available-metrics", "#section-2.1"), is shown: at most 64 bytes
 * of lowercase letters, digits, '-', '_' and '.', with at most 4 digits.
 * A token (OAuth's "#access_token=...", a random string) is not such a
 * name: hex and base64 strings mix in digits, or upper case. */
static int page_anchor(const char *s, const char *e)
{
    size_t digits = 0;
    if (e - s > 64 || s == e)
        return 0;
    for (; s < e; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (!(*s >= 'a' && *s <= 'z') && *s != '-' && *s != '_' &&
                 *s != '.')
            return 0;
    }
    return digits <= 4;
}

static void redact_n(pg_buf *out, const char *u, size_t len)
{
    url_parts p = split(u, len);
    const char *from = u;
    if (p.at) {
        pg_buf_add(out, u, (size_t)(p.authority - u));
        pg_buf_adds(out, "REDACTED");
        from = p.at;
    }
    const char *stop = p.query ? p.query : p.fragment ? p.fragment : p.end;
    pg_buf_add(out, from, (size_t)(stop - from));
    if (p.query) {
        pg_buf_addc(out, '?');
        redact_params(out, p.query + 1, p.fragment ? p.fragment : p.end, 1);
    }
    if (p.fragment) {
        pg_buf_addc(out, '#');
        if (page_anchor(p.fragment + 1, p.end))
            pg_buf_add(out, p.fragment + 1, (size_t)(p.end - p.fragment - 1));
        else
            redact_params(out, p.fragment + 1, p.end, 0);
    }
}

char *pg_url_redact(const char *url)
{
    pg_buf b = PG_BUF_INIT;
    pg_buf_adds(&b, "");
    redact_n(&b, url, strlen(url));
    return pg_buf_detach(&b);
}

static int ends_url(char c)
{
    return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
           c == '\'' || c == '"' || c == '<' || c == '>' || c == '`';
}

void pg_url_redact_text(pg_buf *out, const char *s, size_t len)
{
    size_t i = 0, copied = 0;
    while (i + 3 <= len) {
        if (memcmp(s + i, "://", 3) != 0) {
            i++;
            continue;
        }
        size_t start = i;
        while (start > copied && scheme_char(s[start - 1], 0))
            start--;
        while (start < i && !scheme_char(s[start], 1))
            start++;
        size_t end = i + 3;
        while (end < len && !ends_url(s[end]))
            end++;
        pg_buf_add(out, s + copied, start - copied);
        redact_n(out, s + start, end - start);
        copied = i = end;
    }
    pg_buf_add(out, s + copied, len - copied);
}

static void each_param(const char *s, const char *e, int query,
                       void (*fn)(void *, const char *, size_t), void *ctx)
{
    while (s < e) {
        const char *amp = memchr(s, '&', (size_t)(e - s));
        const char *stop = amp ? amp : e;
        const char *eq = memchr(s, '=', (size_t)(stop - s));
        const char *v = eq ? eq + 1 : s;
        if (stop > v && !(eq && query && shown_value(s, eq, stop)))
            fn(ctx, v, (size_t)(stop - v));
        s = amp ? amp + 1 : e;
    }
}

void pg_url_each_secret(const char *url,
                        void (*userinfo)(void *ctx, const char *p, size_t len),
                        void (*value)(void *ctx, const char *p, size_t len),
                        void *ctx)
{
    url_parts p = split(url, strlen(url));
    if (p.at && p.at > p.authority) {
        size_t n = (size_t)(p.at - p.authority);
        userinfo(ctx, p.authority, n);
        const char *colon = memchr(p.authority, ':', n);
        if (colon && colon + 1 < p.at)
            userinfo(ctx, colon + 1, (size_t)(p.at - colon - 1));
    }
    if (p.query)
        each_param(p.query + 1, p.fragment ? p.fragment : p.end, 1, value, ctx);
    if (p.fragment)
        each_param(p.fragment + 1, p.end, 0, value, ctx);
}
