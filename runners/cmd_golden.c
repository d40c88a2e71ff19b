/* cmd_golden.c: promgate golden (not yet built). */
#include <stdio.h>

#include "../lib/util.h"
#include "cmd.h"

int pg_cmd_golden(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "promgate golden: not available in this build\n");
    return PG_EXIT_ERROR;
}
