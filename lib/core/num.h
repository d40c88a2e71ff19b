/* num.h: the one number parser and formatter of promgate. The exposition
 * parser, golden loading, goldens built from expositions, check, diff and
 * the Prometheus API reader all read and write numbers here, so a value
 * means the same thing everywhere, whatever its length, and whatever the
 * C locale says the decimal point is. */
#ifndef PG_NUM_H
#define PG_NUM_H

#include <stddef.h>
#include <stdint.h>

enum pg_num_status {
    PG_NUM_OK = 0,
    PG_NUM_SYNTAX = -1, /* not a number of the exposition formats */
    PG_NUM_RANGE = -2   /* a finite spelling outside a double's range */
};

/* Parses s[0..n) as Go's strconv.ParseFloat does for the exposition
 * formats: decimal digits with an optional point and exponent (any
 * length; correctly rounded), case-insensitive [sign]inf/infinity and
 * unsigned nan; no hex floats, underscores or spaces. A finite spelling
 * whose value is beyond the largest double ("1e400") is PG_NUM_RANGE, as
 * Go's ErrRange and OpenMetrics say; one that underflows reads as 0 or a
 * subnormal. Returns an enum pg_num_status. */
int pg_num_parse(const char *s, size_t n, double *out);

/* Parses an optionally signed decimal int64 (Go ParseInt, base 10).
 * Returns 0, or -1 on bad syntax or overflow. */
int pg_num_parse_int64(const char *s, size_t n, int64_t *out);

/* Writes v into buf (size bytes, NUL-terminated, truncated if small) with
 * the fewest significant digits (1 to 17) that read back as exactly v, so
 * 0.1 is "0.1" and 0.10000000000000002 keeps its digits. "%g" style:
 * integers below 1e15 are written out ("10", "1000000"), larger and very
 * small magnitudes use an exponent ("1e+15", "1e-05"). NaN, +Inf and -Inf
 * are spelled as the exposition formats spell them. Returns that number
 * of digits, or 0 for NaN and the infinities; a JSON writer can take the
 * largest as its precision. */
int pg_num_format(char *buf, size_t size, double v);

/* OpenMetrics 1.0, Canonical Numbers: Go's shortest %g rendering with
 * ".0" appended when there is no point or exponent; "+Inf", "-Inf",
 * "NaN". Writes it to buf (at least 32 bytes). */
void pg_num_format_canonical(double v, char *buf, size_t cap);

#endif
