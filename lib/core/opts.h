/* opts.h: the one command-line option parser, table-driven like git's
 * parse-options. Every promgate command describes its options in one
 * table; the parser reads argv against it and prints --help from it, so
 * a flag is spelled, validated and documented in one place.
 *
 * Adding an option: put one entry in the command's table, e.g.
 *
 *     int strict = 0;
 *     unsigned long max = 100;
 *     const char *out = NULL;
 *     pg_option opts[] = {
 *         PG_OPT_GROUP("options"),
 *         PG_OPT_BOOL(0, "strict", &strict, "warnings fail too"),
 *         PG_OPT_ULONG(0, "max-errors", &max, "N", 0, ULONG_MAX,
 *                      "print at most N diagnostics (default 100)"),
 *         PG_OPT_STRING('o', "output", &out, "FILE", "write to FILE"),
 *         PG_OPT_END(),
 *     };
 *     int n = pg_opts_parse(&cmd, opts, argc, argv);
 *     if (n < 0)
 *         return pg_opts_exit(n);   (0 after --help/--version, else 2)
 *     (argv[0..n) now holds the operands, in order)
 *
 * The language, the same in every command:
 *   --name VALUE and --name=VALUE; -n VALUE and -nVALUE; "--" ends the
 *   options; "-" is an operand (stdin); options and operands may mix.
 *   -h/--help prints the help generated from the table, -V/--version the
 *   versions (cmd->version). Options taking no value refuse "=VALUE".
 *   Numbers refuse NaN, infinities, a sign where it means nothing, blanks
 *   and trailing junk, and values outside [min, max].
 *   A bad option prints one line naming the flag and 'PROG --help', and
 *   the parser returns PG_OPTS_ERROR (exit 2).
 * Help text: one string per option; "\n" in it continues the description
 * on the next line, aligned. PG_OPT_HIDDEN keeps an alias out of --help. */
#ifndef PG_OPTS_H
#define PG_OPTS_H

#include <stddef.h>
#include <stdio.h>

#include "core/util.h"

enum pg_opt_type {
    PG_OPT_T_END,      /* ends a table */
    PG_OPT_T_GROUP,    /* a heading in --help ("targets", "output") */
    PG_OPT_T_TEXT,     /* a free line of help under the current group */
    PG_OPT_T_INCLUDE,  /* another table (extra), its callbacks given value */
    PG_OPT_T_BOOL,     /* int *value = 1; takes no value */
    PG_OPT_T_SET_INT,  /* int *value = defval; takes no value */
    PG_OPT_T_STRING,   /* const char **value = the argument (the last wins) */
    PG_OPT_T_LIST,     /* pg_opt_list *value: appends (repeatable) */
    PG_OPT_T_ULONG,    /* unsigned long *value, within [min, max] */
    PG_OPT_T_DOUBLE,   /* double *value, finite, within [min, max] */
    PG_OPT_T_CHOICE,   /* int *value = the choice's value (extra: table) */
    PG_OPT_T_CALLBACK, /* cb(opt, value, arg, err) does the work */
};

enum pg_opt_flags {
    PG_OPT_HIDDEN = 1 << 0,  /* accepted, not shown in --help (aliases) */
    PG_OPT_NOARG = 1 << 1,   /* a callback that takes no value (arg NULL) */
    PG_OPT_ABOVE_MIN = 1 << 2, /* numbers: min itself is refused (> min) */
};

typedef struct pg_option pg_option;

/* Called for PG_OPT_T_CALLBACK with the option's value pointer (or, for
 * an option of an included table whose value is NULL, the include's),
 * the argument (NULL with PG_OPT_NOARG). Returns 0, or -1 with err set
 * to a message that names the flag and never holds a secret. */
typedef int (*pg_opt_cb)(const pg_option *opt, void *value, const char *arg,
                         pg_error *err);

/* One name a PG_OPT_T_CHOICE accepts; a table ends with a NULL name. */
typedef struct pg_opt_choice {
    const char *name;
    int value;
    int hidden;              /* an accepted alias left out of messages */
} pg_opt_choice;

/* The values of a repeatable option, in order (views into argv). */
typedef struct pg_opt_list {
    const char **v;
    size_t n;
} pg_opt_list;

struct pg_option {
    enum pg_opt_type type;
    char short_name;         /* 'o' for -o, or 0 */
    const char *long_name;   /* "output" for --output, or NULL */
    void *value;             /* where the result goes (see the types) */
    const char *argh;        /* placeholder in --help ("FILE"); NULL for a
                                choice lists the choices */
    const char *help;        /* description; "\n" continues it */
    unsigned flags;          /* enum pg_opt_flags */
    double min, max;         /* numbers: accepted range */
    const char *want;        /* numbers: what a bad value is told to be
                                ("seconds > 0"); NULL: from min and max */
    const void *extra;       /* choices, or the included table */
    pg_opt_cb cb;
    int defval;              /* PG_OPT_T_SET_INT */
};

/* What the parser needs to know about the command besides its table. */
typedef struct pg_opts_cmd {
    const char *name;        /* "promgate lint": prefixes every message */
    const char *usage;       /* synopsis lines after "usage: ", '\n' apart */
    const char *intro;       /* paragraph after the synopsis, or NULL */
    const char *outro;       /* after the options (output, exit codes) */
    void (*version)(FILE *out); /* -V/--version; NULL: not offered */
} pg_opts_cmd;

#define PG_OPT_END() { PG_OPT_T_END, 0, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0 }
#define PG_OPT_GROUP(h) { PG_OPT_T_GROUP, 0, NULL, NULL, NULL, (h), 0, 0, 0, NULL, NULL, NULL, 0 }
#define PG_OPT_TEXT(h) { PG_OPT_T_TEXT, 0, NULL, NULL, NULL, (h), 0, 0, 0, NULL, NULL, NULL, 0 }
#define PG_OPT_INCLUDE(table, v) { PG_OPT_T_INCLUDE, 0, NULL, (v), NULL, NULL, 0, 0, 0, NULL, (table), NULL, 0 }
#define PG_OPT_BOOL(s, l, v, h) { PG_OPT_T_BOOL, (s), (l), (v), NULL, (h), 0, 0, 0, NULL, NULL, NULL, 0 }
#define PG_OPT_SET_INT(s, l, v, d, h) { PG_OPT_T_SET_INT, (s), (l), (v), NULL, (h), 0, 0, 0, NULL, NULL, NULL, (d) }
#define PG_OPT_STRING(s, l, v, a, h) { PG_OPT_T_STRING, (s), (l), (v), (a), (h), 0, 0, 0, NULL, NULL, NULL, 0 }
#define PG_OPT_LIST(s, l, v, a, h) { PG_OPT_T_LIST, (s), (l), (v), (a), (h), 0, 0, 0, NULL, NULL, NULL, 0 }
#define PG_OPT_ULONG(s, l, v, a, lo, hi, h) { PG_OPT_T_ULONG, (s), (l), (v), (a), (h), 0, (lo), (hi), NULL, NULL, NULL, 0 }
#define PG_OPT_DOUBLE(s, l, v, a, lo, hi, f, w, h) { PG_OPT_T_DOUBLE, (s), (l), (v), (a), (h), (f), (lo), (hi), (w), NULL, NULL, 0 }
#define PG_OPT_CHOICE(s, l, v, c, h) { PG_OPT_T_CHOICE, (s), (l), (v), NULL, (h), 0, 0, 0, NULL, (c), NULL, 0 }
#define PG_OPT_CALLBACK(s, l, v, a, h, f, cb) { PG_OPT_T_CALLBACK, (s), (l), (v), (a), (h), (f), 0, 0, NULL, NULL, (cb), 0 }

enum {
    PG_OPTS_DONE = -1,       /* --help or --version printed: exit 0 */
    PG_OPTS_ERROR = -2,      /* a bad option, message printed: exit 2 */
};

/* Parses argv[1..argc) against opts. Returns the number of operands,
 * moved to argv[0..n) in order, or PG_OPTS_DONE / PG_OPTS_ERROR. */
int pg_opts_parse(const pg_opts_cmd *cmd, const pg_option *opts, int argc,
                  char **argv);
/* The exit code for a negative pg_opts_parse() result. */
int pg_opts_exit(int parsed);
/* Prints the help generated from cmd and opts. */
void pg_opts_usage(const pg_opts_cmd *cmd, const pg_option *opts, FILE *out);
/* Prints "NAME: MESSAGE (see 'NAME --help')" on stderr and returns
 * PG_EXIT_ERROR: usage errors found after parsing read the same way. */
int pg_opts_error(const pg_opts_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The number parsers behind the option types, for callbacks: check arg
 * against opt's range and set err naming opt's flag on a bad value. */
int pg_opt_double(const pg_option *opt, const char *arg, double *out,
                  pg_error *err);
int pg_opt_ulong(const pg_option *opt, const char *arg, unsigned long *out,
                 pg_error *err);
/* Looks arg up in choices (NULL: opt->extra), as PG_OPT_T_CHOICE does. */
int pg_opt_choose(const pg_option *opt, const pg_opt_choice *choices,
                  const char *arg, int *out, pg_error *err);
/* The flag as the user writes it: "--timeout", or "-o". */
const char *pg_opt_flag(const pg_option *opt, char *buf, size_t size);

void pg_opt_list_release(pg_opt_list *l);

#endif
