/* types.c: the names of metric types and formats, and how a format is
 * recognised (Content-Type, the last line, the first bytes). Both parsers
 * and the layers above use these; they depend on nothing of either
 * parser, so they sit below both. */
#include "expo/expo.h"
#include "expo/expo_int.h"

#include <string.h>
#include <strings.h>

static const char *const type_names[] = {
    [PG_TYPE_NONE] = "none",       [PG_TYPE_UNTYPED] = "untyped",
    [PG_TYPE_UNKNOWN] = "unknown", [PG_TYPE_COUNTER] = "counter",
    [PG_TYPE_GAUGE] = "gauge",     [PG_TYPE_HISTOGRAM] = "histogram",
    [PG_TYPE_GAUGEHISTOGRAM] = "gaugehistogram",
    [PG_TYPE_SUMMARY] = "summary", [PG_TYPE_INFO] = "info",
    [PG_TYPE_STATESET] = "stateset",
};

const char *pg_type_name(enum pg_type t)
{
    if ((unsigned)t < sizeof type_names / sizeof *type_names)
        return type_names[t];
    return "none";
}

int pg_type_parse(const char *s, size_t len, enum pg_type *out)
{
    for (size_t i = 1; i < sizeof type_names / sizeof *type_names; i++)
        if (strlen(type_names[i]) == len && !memcmp(type_names[i], s, len)) {
            *out = (enum pg_type)i;
            return 0;
        }
    return -1;
}

const char *pg_format_name(enum pg_format f)
{
    switch (f) {
    case PG_FORMAT_PROM: return "prom";
    case PG_FORMAT_OPENMETRICS: return "openmetrics";
    case PG_FORMAT_PROTOBUF: return "protobuf";
    default: return "auto";
    }
}

enum pg_format pg_format_from_content_type(const char *ct)
{
    if (!ct)
        return PG_FORMAT_AUTO;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (!strncasecmp(ct, "application/openmetrics-text", 28))
        return PG_FORMAT_OPENMETRICS;
    if (!strncasecmp(ct, "text/plain", 10))
        return PG_FORMAT_PROM;
    if (!strncasecmp(ct, "application/vnd.google.protobuf", 31))
        return PG_FORMAT_PROTOBUF;
    return PG_FORMAT_AUTO;
}

/* The value of a parameter at s (after '='), token or quoted string,
 * equals want (a parameter's name is case-insensitive, its value not:
 * Prometheus compares the scheme as written). */
static int param_is(const char *s, const char *want)
{
    size_t n = strlen(want);
    if (*s == '"')
        return !strncmp(s + 1, want, n) && s[1 + n] == '"';
    return !strncmp(s, want, n) &&
           (!s[n] || s[n] == ';' || s[n] == ' ' || s[n] == '\t');
}

int pg__ctype_allows_utf8(const char *ct)
{
    for (const char *s = ct ? strchr(ct, ';') : NULL; s; s = strchr(s, ';')) {
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        if (strncasecmp(s, "escaping", 8))
            continue;
        s += 8;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s != '=')
            continue;
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        return param_is(s, "allow-utf-8");
    }
    return 0;
}

enum pg_format pg_format_from_tail(const char *tail, size_t n)
{
    if (n && tail[n - 1] == '\n')
        n--;
    if (n >= 5 && !memcmp(tail + n - 5, "# EOF", 5) &&
        (n == 5 || tail[n - 6] == '\n'))
        return PG_FORMAT_OPENMETRICS;
    return PG_FORMAT_PROM;
}

enum pg_format pg_format_of_body(const char *head, size_t nhead,
                                 const char *tail, size_t ntail)
{
    if (pg_format_looks_protobuf(head, nhead))
        return PG_FORMAT_PROTOBUF;
    if (ntail > 64) {
        tail += ntail - 64;
        ntail = 64;
    }
    return pg_format_from_tail(tail, ntail);
}

/* A delimited MetricFamily stream starts with a length varint and then
 * field 1 (name) as a length-delimited field, tag 0x0a; a text exposition
 * starts with '#', a name or white space. */
int pg_format_looks_protobuf(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && i < 10 && ((unsigned char)buf[i] & 0x80))
        i++;
    if (i >= len || i >= 10)
        return 0;
    i++;
    return i < len && buf[i] == 0x0a && (unsigned char)buf[0] != '#';
}
