/* cmd_diff.c: promgate diff (not yet built). */
#include <stdio.h>

#include "../lib/util.h"
#include "cmd.h"

int pg_cmd_diff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "promgate diff: not available in this build\n");
    return PG_EXIT_ERROR;
}
