/* cmd_lint.c: promgate lint (not yet built). */
#include <stdio.h>

#include "../lib/util.h"
#include "cmd.h"

int pg_cmd_lint(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "promgate lint: not available in this build\n");
    return PG_EXIT_ERROR;
}
