/* num_cases.c: lib/core/num.h against tables, one TAP line per case, in
 * the locale the environment names (newlocale(LC_ALL_MASK, "") made this
 * thread's locale, as setlocale(LC_ALL, "") would make the process's, and
 * freed at the end), so a run under a comma-decimal locale proves that
 * numbers do not follow it.
 *   pg-num-cases format TABLE: lines "INPUT EXPECTED DIGITS"; INPUT is
 *     read with pg_num_parse, EXPECTED is pg_num_format()'s text, DIGITS
 *     its return value; the text must read back as the same value.
 *   pg-num-cases parse TABLE: lines "INPUT STATUS TEXT CANONICAL";
 *     STATUS is ok, syntax or range; TEXT and CANONICAL are what
 *     pg_num_format and pg_num_format_canonical write for the value ("-"
 *     when STATUS is not ok).
 *   pg-num-cases decimal-point: prints the locale's decimal point.
 * Lines starting with '#' and empty lines are skipped. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) ||
           (a == b && signbit(a) == signbit(b));
}

static int format_case(FILE *tap, int n, const char *line)
{
    char in[80], want[80], got[40];
    int digits;
    double v, back;
    if (sscanf(line, "%79s %79s %d", in, want, &digits) != 3 ||
        pg_num_parse(in, strlen(in), &v) != PG_NUM_OK)
        return -1;
    int r = pg_num_format(got, sizeof got, v);
    int reads_back = pg_num_parse(got, strlen(got), &back) == PG_NUM_OK &&
                     same(back, v);
    int ok = !strcmp(got, want) && r == digits && reads_back;
    fprintf(tap, "%sok %d - %s -> %s (%d)\n", ok ? "" : "not ", n, in, got, r);
    if (strcmp(got, want) || r != digits)
        fprintf(tap, "# want %s (%d)\n", want, digits);
    if (!reads_back)
        fprintf(tap, "# %s does not read back as %s\n", got, in);
    return ok;
}

static const char *status_name(int st)
{
    return st == PG_NUM_OK ? "ok" : st == PG_NUM_RANGE ? "range" : "syntax";
}

static int parse_case(FILE *tap, int n, const char *line)
{
    char in[400], want_st[16], want_text[80], want_canon[80];
    if (sscanf(line, "%399s %15s %79s %79s", in, want_st, want_text,
               want_canon) != 4)
        return -1;
    double v = 0;
    int st = pg_num_parse(in, strlen(in), &v);
    char text[40] = "-", canon[48] = "-";
    if (st == PG_NUM_OK) {
        pg_num_format(text, sizeof text, v);
        pg_num_format_canonical(v, canon, sizeof canon);
    }
    int ok = !strcmp(status_name(st), want_st) && !strcmp(text, want_text) &&
             !strcmp(canon, want_canon);
    fprintf(tap, "%sok %d - %.40s%s -> %s %s %s\n", ok ? "" : "not ", n, in,
            strlen(in) > 40 ? "..." : "", status_name(st), text, canon);
    if (!ok)
        fprintf(tap, "# want %s %s %s\n", want_st, want_text, want_canon);
    return ok;
}

static int run_cases(int argc, char **argv);

int main(int argc, char **argv)
{
    locale_t env = newlocale(LC_ALL_MASK, "", (locale_t)0);
    if (env)
        uselocale(env);
    int rc;
    if (argc == 2 && !strcmp(argv[1], "decimal-point")) {
        printf("%s\n", localeconv()->decimal_point);
        rc = 0;
    } else {
        rc = run_cases(argc, argv);
    }
    uselocale(LC_GLOBAL_LOCALE);
    if (env)
        freelocale(env);
    return rc;
}

static int run_cases(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "format") && strcmp(argv[1], "parse"))) {
        fprintf(stderr, "usage: pg-num-cases format|parse TABLE | decimal-point\n");
        return 2;
    }
    int (*run)(FILE *, int, const char *) =
        !strcmp(argv[1], "format") ? format_case : parse_case;
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    char line[512];
    int n = 0, failed = 0;
    char *out = NULL;
    size_t outlen = 0;
    FILE *tap = open_memstream(&out, &outlen);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        int ok = run(tap, n + 1, line);
        if (ok < 0) {
            fprintf(stderr, "%s: bad table line: %s", argv[2], line);
            return 2;
        }
        n++;
        failed += !ok;
    }
    fclose(f);
    fclose(tap);
    printf("1..%d\n%s", n, out ? out : "");
    free(out);
    return failed ? 1 : 0;
}
