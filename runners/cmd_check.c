/* cmd_check.c: promgate check (not yet built). */
#include <stdio.h>

#include "../lib/util.h"
#include "cmd.h"

int pg_cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "promgate check: not available in this build\n");
    return PG_EXIT_ERROR;
}
