/* fmt_double.c: pg_fmt_double() against a table, one TAP line per case.
 * Each non-comment line of the table: INPUT (read with strtod) EXPECTED
 * (the text) DIGITS (the return value). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/util.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pg-fmt-double TABLE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char line[256], in[80], want[80], got[40];
    int digits, n = 0, failed = 0;
    char *out = NULL;
    size_t outlen = 0;
    FILE *tap = open_memstream(&out, &outlen);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%79s %79s %d", in, want, &digits) != 3) {
            fprintf(stderr, "bad table line: %s", line);
            return 2;
        }
        double v = strtod(in, NULL);
        int r = pg_fmt_double(got, sizeof got, v);
        int ok = !strcmp(got, want) && r == digits;
        n++;
        failed += !ok;
        fprintf(tap, "%sok %d - %s -> %s (%d)\n", ok ? "" : "not ", n, in,
                got, r);
        if (!ok)
            fprintf(tap, "# want %s (%d)\n", want, digits);
        /* Whatever the text, it must read back as the same value. */
        if (strtod(got, NULL) != v && v == v) {
            fprintf(tap, "# %s does not read back as %s\n", got, in);
            failed++;
        }
    }
    fclose(f);
    fclose(tap);
    printf("1..%d\n%s", n, out ? out : "");
    free(out);
    return failed ? 1 : 0;
}
