/* names.c: name rules of the Prometheus data model (see names.h). */
#include "core/names.h"

static int ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

int pg_metric_name_valid(const char *s, size_t len)
{
    if (!len || !(ascii_letter(s[0]) || s[0] == '_' || s[0] == ':'))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!(ascii_letter(s[i]) || ascii_digit(s[i]) || s[i] == '_' ||
              s[i] == ':'))
            return 0;
    return 1;
}

int pg_label_name_valid(const char *s, size_t len)
{
    if (!len || !(ascii_letter(s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!(ascii_letter(s[i]) || ascii_digit(s[i]) || s[i] == '_'))
            return 0;
    return 1;
}
