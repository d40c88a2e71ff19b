/* util_cases.c: lib/core/util.h helpers against tables, one TAP line per case
 * (numbers: num_cases.c).
 *   pg-util-cases edit-distance TABLE: lines "A B DISTANCE" ("-" is the
 *     empty string); pg_edit_distance() both ways round.
 * Lines starting with '#' and empty lines are skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int dist_case(FILE *tap, int n, const char *line)
{
    char a[120], b[120];
    size_t want;
    if (sscanf(line, "%119s %119s %zu", a, b, &want) != 3)
        return -1;
    const char *x = strcmp(a, "-") ? a : "", *y = strcmp(b, "-") ? b : "";
    size_t d1 = pg_edit_distance(x, y), d2 = pg_edit_distance(y, x);
    int ok = d1 == want && d2 == want;
    fprintf(tap, "%sok %d - '%s' '%s' -> %zu, %zu\n", ok ? "" : "not ", n, x,
            y, d1, d2);
    if (!ok)
        fprintf(tap, "# want %zu\n", want);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "edit-distance")) {
        fprintf(stderr, "usage: pg-util-cases edit-distance TABLE\n");
        return 2;
    }
    int (*run)(FILE *, int, const char *) = dist_case;
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
            fprintf(stderr, "bad table line: %s", line);
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
