/* golden_load.c: test driver: loads a golden JSON file and prints it back
 * through pg_golden_dumps(), or prints the load error (exit 2). With -f
 * NAME it also looks NAME up with pg_golden_find() and prints its type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/golden.h"

int main(int argc, char **argv)
{
    const char *find = NULL;
    int i = 1;
    if (argc > 3 && !strcmp(argv[1], "-f")) {
        find = argv[2];
        i = 3;
    }
    if (i + 1 != argc) {
        fprintf(stderr, "usage: pg-golden-load [-f NAME] FILE\n");
        return 2;
    }
    pg_error err;
    pg_error_init(&err);
    pg_golden *g = pg_golden_load(argv[i], &err);
    if (!g) {
        pg_error_print(&err, stderr);
        return 2;
    }
    if (find) {
        const pg_golden_metric *m = pg_golden_find(g, find);
        printf("%s\n", m ? pg_type_name(m->type) : "(not found)");
    } else {
        char *s = pg_golden_dumps(g);
        fputs(s, stdout);
        free(s);
    }
    pg_golden_free(g);
    return 0;
}
