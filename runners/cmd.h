/* cmd.h: the subcommands of bin/promgate, one runners/cmd_<name>.c each.
 * Each takes the arguments after its name (argv[0] is the command name),
 * parses them with one option table (core/opts.h) and returns a process
 * exit code (enum pg_exit). */
#ifndef PG_CMD_H
#define PG_CMD_H

#include <stdio.h>

#include "core/version.h"

int pg_cmd_lint(int argc, char **argv);
int pg_cmd_golden(int argc, char **argv);
int pg_cmd_diff(int argc, char **argv);
int pg_cmd_check(int argc, char **argv);
int pg_cmd_compat(int argc, char **argv);

/* -V/--version of every command: versions and build revision. */
void pg_print_version(FILE *out);

#endif
