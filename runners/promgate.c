/* promgate: Prometheus scrape conformance. Dispatches to subcommands. */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "cmd.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "lint", pg_cmd_lint, "check an exposition's format conformance" },
    { "golden", pg_cmd_golden, "derive a golden spec from docs or expositions" },
    { "diff", pg_cmd_diff, "compare two goldens, docs, expositions or URLs" },
    { "check", pg_cmd_check, "check live targets against a golden spec" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: promgate <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "  version  print the version\n\n"
            "Run 'promgate <command> --help' for a command's options.\n\n"
            "exit codes (every command):\n"
            "  0  conformant / no differences\n"
            "  1  violations or differences found\n"
            "  2  could not run: usage error, unreadable input or golden,\n"
            "     unreachable target\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PG_EXIT_ERROR;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
        usage(stdout);
        return PG_EXIT_OK;
    }
    if (!strcmp(name, "version") || !strcmp(name, "--version")) {
        printf("promgate %s\n", PG_VERSION);
        return PG_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "promgate: unknown command '%s'\n", name);
    usage(stderr);
    return PG_EXIT_ERROR;
}
