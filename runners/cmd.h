/* cmd.h: the subcommands of bin/promgate, one runners/cmd_<name>.c each.
 * Each takes the arguments after its name (argv[0] is the command name)
 * and returns a process exit code (enum pg_exit). */
#ifndef PG_CMD_H
#define PG_CMD_H

#include "core/version.h"

int pg_cmd_lint(int argc, char **argv);
int pg_cmd_golden(int argc, char **argv);
int pg_cmd_diff(int argc, char **argv);
int pg_cmd_check(int argc, char **argv);

#endif
