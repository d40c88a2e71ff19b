/* promgate: Prometheus scrape conformance. Dispatches to subcommands and
 * makes sure what they wrote on stdout reached it. */
#include <errno.h>
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
    { "compat", pg_cmd_compat, "scrape one endpoint in every protocol and compare" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: promgate <command> [options]\n"
                 "       promgate help <command>\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "  help     a command's options: promgate help <command>\n"
            "  version  promgate's version, its libraries' versions and the\n"
            "           build revision (also -V, --version)\n\n"
            "Run 'promgate <command> --help' for a command's options.\n\n"
            "exit codes (every command):\n"
            "  0  conformant / no differences\n"
            "  1  violations or differences found\n"
            "  2  could not run: usage error, unreadable input or golden,\n"
            "     unreachable target, output that could not be written\n");
}

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

/* "promgate help CMD" is "promgate CMD --help". */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        usage(stdout);
        return PG_EXIT_OK;
    }
    const struct command *c = find(argv[2]);
    if (!c) {
        fprintf(stderr, "promgate: unknown command '%s' (see 'promgate "
                        "--help')\n", argv[2]);
        return PG_EXIT_ERROR;
    }
    char *args[] = { argv[2], (char *)"--help", NULL };
    return c->run(2, args);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PG_EXIT_ERROR;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
        usage(stdout);
        return PG_EXIT_OK;
    }
    if (!strcmp(name, "help"))
        return help(argc, argv);
    if (!strcmp(name, "version") || !strcmp(name, "--version") ||
        !strcmp(name, "-V")) {
        pg_print_version(stdout);
        return PG_EXIT_OK;
    }
    const struct command *c = find(name);
    if (c)
        return c->run(argc - 1, argv + 1);
    fprintf(stderr, "promgate: unknown command '%s' (see 'promgate --help')\n",
            name);
    return PG_EXIT_ERROR;
}

/* A verdict whose output was lost (a full disk, a closed pipe) is no
 * verdict: a write error on stdout turns any result into exit 2. */
static int close_stdout(int rc)
{
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int saved = errno;
    /* fclose() of an already closed stdout fails with EBADF: nothing was
     * lost if nothing was written. */
    if (fclose(stdout) != 0 && !bad && errno != EBADF) {
        bad = 1;
        saved = errno;
    }
    if (!bad)
        return rc;
    fprintf(stderr, "promgate: cannot write to standard output: %s\n",
            saved ? strerror(saved) : "write error");
    return PG_EXIT_ERROR;
}

int main(int argc, char **argv)
{
    return close_stdout(dispatch(argc, argv));
}
