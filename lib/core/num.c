/* num.c: numbers of the exposition formats, read and written the same
 * way everywhere (see num.h). */
#include "core/num.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* ---- the C locale, whatever the process's locale is ---- */

/* strtod and printf read and write the decimal point of LC_NUMERIC: a
 * program that links promgate and calls setlocale() (de_DE: "0,5") must
 * not change what a number means. These switch this thread to the C
 * locale for the one call. */
static locale_t c_locale(void)
{
    static locale_t loc;
    if (!loc)
        loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    return loc;
}

static double c_strtod(const char *s)
{
    locale_t c = c_locale(), old = c ? uselocale(c) : (locale_t)0;
    double d = strtod(s, NULL);
    if (c)
        uselocale(old);
    return d;
}

static void c_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void c_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    locale_t c = c_locale(), old = c ? uselocale(c) : (locale_t)0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (c)
        uselocale(old);
}

/* ---- parsing ---- */

/* Exact powers of ten representable in a double (Clinger's fast path). */
static const double pow10_tab[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int lower_eq(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (n != k)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return 1;
}

/* The usual sample value: up to 15 digits with an optional fraction. The
 * mantissa and the power of ten are exact, so one multiplication or
 * division rounds correctly. Returns 1 with *out set, or 0 if s is not of
 * that form. */
static int parse_short(const char *s, size_t n, double *out)
{
    if (n > 16 || (unsigned)(s[0] - '0') > 9)
        return 0;
    uint64_t m = 0;
    size_t k = 0;
    for (; k < n && (unsigned)(s[k] - '0') <= 9; k++)
        m = m * 10 + (uint64_t)(s[k] - '0');
    if (k == n) {
        if (n > 15)
            return 0;
        *out = (double)m;
        return 1;
    }
    if (s[k] != '.' || k + 1 >= n)
        return 0;
    size_t f0 = ++k;
    for (; k < n && (unsigned)(s[k] - '0') <= 9; k++)
        m = m * 10 + (uint64_t)(s[k] - '0');
    if (k != n || n - 1 > 15)
        return 0;
    *out = (double)m / pow10_tab[k - f0];
    return 1;
}

/* A number written as a word after its optional sign: inf, infinity, or
 * (unsigned) nan, in any case. */
static int parse_word(const char *s, size_t n, size_t i, int neg, double *out)
{
    if (lower_eq(s + i, n - i, "inf") || lower_eq(s + i, n - i, "infinity")) {
        *out = neg ? -HUGE_VAL : HUGE_VAL;
        return PG_NUM_OK;
    }
    /* Go's ParseFloat takes "nan" only unsigned. */
    if (i == 0 && lower_eq(s, n, "nan")) {
        *out = NAN;
        return PG_NUM_OK;
    }
    return PG_NUM_SYNTAX;
}

/* A decimal being read: its first 19 significant digits, and the power
 * of ten that scales them. */
struct decimal {
    uint64_t mant;
    int ndig;     /* significant digits in mant */
    int dropped;  /* digits beyond those were left out */
    int exp10;
    int any;      /* a digit was seen */
};

/* The digits at s[*i] of the integer part or (fraction) of the fraction. */
static void add_digits(const char *s, size_t n, size_t *i, struct decimal *d,
                       int fraction)
{
    for (; *i < n && s[*i] >= '0' && s[*i] <= '9'; (*i)++) {
        d->any = 1;
        if (d->ndig < 19) {
            d->mant = d->mant * 10 + (uint64_t)(s[*i] - '0');
            if (d->mant)
                d->ndig++;
            if (fraction)
                d->exp10--;
        } else {
            d->dropped = 1;
            if (!fraction)
                d->exp10++;
        }
    }
}

/* The exponent after 'e' or 'E' at s[*i], added to *exp10. Returns 0, or
 * -1 if it has no digits. */
static int add_exponent(const char *s, size_t n, size_t *i, int *exp10)
{
    (*i)++;
    int eneg = 0;
    if (*i < n && (s[*i] == '+' || s[*i] == '-')) {
        eneg = s[*i] == '-';
        (*i)++;
    }
    if (*i >= n || !(s[*i] >= '0' && s[*i] <= '9'))
        return -1;
    int e = 0;
    for (; *i < n && s[*i] >= '0' && s[*i] <= '9'; (*i)++)
        if (e < 100000)
            e = e * 10 + (s[*i] - '0');
    *exp10 += eneg ? -e : e;
    return 0;
}

/* Odd forms (many digits, large exponents): the C library rounds
 * correctly. The syntax is already checked, so strtod sees only it. */
static int parse_strtod(const char *s, size_t n, double *out)
{
    char tmp[128];
    char *heap = NULL, *buf = tmp;
    if (n >= sizeof tmp)
        buf = heap = pg_xmalloc(n + 1);
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = c_strtod(buf);
    free(heap);
    return isinf(*out) ? PG_NUM_RANGE : PG_NUM_OK;
}

/* Both formats take Go ParseFloat's decimal forms: OpenMetrics 1.0 ABNF
 * "realnumber" plus case-insensitive [sign]inf/infinity and nan. Hex
 * floats and underscores are rejected, as Prometheus rejects them. The
 * common short forms are converted here exactly; the rest go to strtod in
 * the C locale (correct rounding), whose overflow is a range error. */
int pg_num_parse(const char *s, size_t n, double *out)
{
    if (n == 0)
        return PG_NUM_SYNTAX;
    if (parse_short(s, n, out))
        return PG_NUM_OK;
    size_t i = 0;
    int neg = 0;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    if (i < n && !(s[i] >= '0' && s[i] <= '9') && s[i] != '.')
        return parse_word(s, n, i, neg, out);
    struct decimal d = { 0 };
    add_digits(s, n, &i, &d, 0);
    if (i < n && s[i] == '.') {
        i++;
        add_digits(s, n, &i, &d, 1);
    }
    if (!d.any)
        return PG_NUM_SYNTAX;
    if (i < n && (s[i] == 'e' || s[i] == 'E') && add_exponent(s, n, &i, &d.exp10))
        return PG_NUM_SYNTAX;
    if (i != n)
        return PG_NUM_SYNTAX;
    if (!d.dropped && d.mant < (1ULL << 53) && d.exp10 >= -22 && d.exp10 <= 22) {
        double v = (double)d.mant;
        v = d.exp10 < 0 ? v / pow10_tab[-d.exp10] : v * pow10_tab[d.exp10];
        *out = neg ? -v : v;
        return PG_NUM_OK;
    }
    if (d.mant == 0 && !d.dropped) {
        *out = neg ? -0.0 : 0.0;
        return PG_NUM_OK;
    }
    return parse_strtod(s, n, out);
}

void pg_num_format_canonical(double v, char *buf, size_t cap)
{
    if (isnan(v)) {
        snprintf(buf, cap, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, cap, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (v == 0) {
        snprintf(buf, cap, signbit(v) ? "-0.0" : "0.0");
        return;
    }
    /* shortest digits that read back as v */
    char e[40];
    int prec = 0;
    for (prec = 0; prec < 17; prec++) {
        c_snprintf(e, sizeof e, "%.*e", prec, v);
        if (c_strtod(e) == v)
            break;
    }
    int ndig = prec + 1;
    int exp = atoi(strchr(e, 'e') + 1);
    /* Go's strconv 'g' with shortest precision: %e if exp < -4 or
     * exp >= 6, else %f with just the digits needed. */
    if (exp < -4 || exp >= 6) {
        /* Go writes e+06 like C, and no trailing zeros in the mantissa */
        c_snprintf(buf, cap, "%.*e", prec, v);
    } else {
        int decimals = ndig - 1 - exp;
        c_snprintf(buf, cap, "%.*f", decimals > 0 ? decimals : 0, v);
        if (!strchr(buf, '.')) {
            size_t l = strlen(buf);
            if (l + 2 < cap)
                memcpy(buf + l, ".0", 3);
        }
    }
}

int pg_num_parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i >= n)
        return -1;
    uint64_t v = 0;
    uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* ---- formatting ---- */

int pg_num_format(char *buf, size_t size, double v)
{
    if (isnan(v)) {
        snprintf(buf, size, "NaN");
        return 0;
    }
    if (isinf(v)) {
        snprintf(buf, size, "%s", v > 0 ? "+Inf" : "-Inf");
        return 0;
    }
    /* 17 significant digits always round-trip an IEEE 754 double; a
     * scratch buffer keeps the search independent of a small size. */
    char tmp[40];
    int p = 1;
    for (; p < 17; p++) {
        c_snprintf(tmp, sizeof tmp, "%.*g", p, v);
        if (c_strtod(tmp) == v)
            break;
    }
    /* Print with at least as many digits as the integer part has (up to
     * 15, the digits a double always holds), so that 10 stays "10" rather
     * than "1e+01"; %g drops the trailing zeros this adds. */
    int x = v != 0 ? (int)floor(log10(fabs(v))) : 0;
    int shown = p;
    if (x + 1 > shown)
        shown = x + 1 < 15 ? x + 1 : (p > 15 ? p : 15);
    c_snprintf(buf, size, "%.*g", shown, v);
    return p;
}
