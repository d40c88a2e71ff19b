/* opts.c: the table-driven option parser (see opts.h for the language). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/opts.h"

/* Where --help starts an option's description. */
#define HELP_COLUMN 29

/* An option found in the table, with the value pointer it writes to. */
typedef struct found {
    const pg_option *opt;
    void *value;
} found;

static int is_option(const pg_option *o)
{
    return o->type > PG_OPT_T_INCLUDE;
}

/* Looks up --long_name (len bytes) or -short_name, through includes. */
static int lookup(const pg_option *opts, void *ctx, const char *long_name,
                  size_t len, char short_name, found *out)
{
    for (const pg_option *o = opts; o->type != PG_OPT_T_END; o++) {
        if (o->type == PG_OPT_T_INCLUDE) {
            if (lookup(o->extra, o->value, long_name, len, short_name, out))
                return 1;
            continue;
        }
        if (!is_option(o))
            continue;
        int hit = long_name
                      ? o->long_name && strlen(o->long_name) == len &&
                            !memcmp(o->long_name, long_name, len)
                      : o->short_name && o->short_name == short_name;
        if (hit) {
            out->opt = o;
            out->value = o->value ? o->value : ctx;
            return 1;
        }
    }
    return 0;
}

static int takes_value(const pg_option *o)
{
    switch (o->type) {
    case PG_OPT_T_BOOL:
    case PG_OPT_T_SET_INT:
        return 0;
    case PG_OPT_T_CALLBACK:
        return !(o->flags & PG_OPT_NOARG);
    default:
        return 1;
    }
}

const char *pg_opt_flag(const pg_option *opt, char *buf, size_t size)
{
    if (opt->long_name)
        snprintf(buf, size, "--%s", opt->long_name);
    else
        snprintf(buf, size, "-%c", opt->short_name);
    return buf;
}

/* "fail, warn or ignore": the visible names of a choice table. */
static void choice_names(const pg_opt_choice *c, const char *sep,
                         const char *last_sep, pg_buf *b)
{
    size_t n = 0, shown = 0;
    for (const pg_opt_choice *k = c; k->name; k++)
        n += !k->hidden;
    for (const pg_opt_choice *k = c; k->name; k++) {
        if (k->hidden)
            continue;
        if (shown)
            pg_buf_adds(b, shown + 1 == n ? last_sep : sep);
        pg_buf_adds(b, k->name);
        shown++;
    }
}

/* The phrase after "want" for a bad number. */
static void number_want(const pg_option *opt, int integer, pg_buf *b)
{
    if (opt->want) {
        pg_buf_adds(b, opt->want);
        return;
    }
    const char *noun = integer ? "a number" : "a decimal number";
    if (opt->max < 1e15)
        pg_buf_addf(b, "%s from %.15g to %.15g", noun, opt->min, opt->max);
    else
        pg_buf_addf(b, "%s %s %.15g", noun,
                    opt->flags & PG_OPT_ABOVE_MIN ? ">" : ">=", opt->min);
}

static int bad_number(const pg_option *opt, const char *arg, int integer,
                      pg_error *err)
{
    char flag[64];
    pg_buf want = PG_BUF_INIT;
    number_want(opt, integer, &want);
    pg_error_set(err, "", 0, 0, "invalid %s '%s': want %s",
                 pg_opt_flag(opt, flag, sizeof flag), arg, want.p);
    pg_buf_release(&want);
    return -1;
}

static int in_range(const pg_option *opt, double v)
{
    if (opt->flags & PG_OPT_ABOVE_MIN ? v <= opt->min : v < opt->min)
        return 0;
    return v <= opt->max;
}

/* Options take plain decimal numbers: no sign where it means nothing,
 * no blanks; NaN and infinities are refused below. */
static int decimal_chars(const char *s, const char *allowed)
{
    return *s && strspn(s, allowed) == strlen(s);
}

int pg_opt_double(const pg_option *opt, const char *arg, double *out,
                  pg_error *err)
{
    double v;
    if (!decimal_chars(arg, "0123456789.eE+-") ||
        pg_num_parse(arg, strlen(arg), &v) != PG_NUM_OK || !isfinite(v) ||
        !in_range(opt, v))
        return bad_number(opt, arg, 0, err);
    *out = v;
    return 0;
}

int pg_opt_ulong(const pg_option *opt, const char *arg, unsigned long *out,
                 pg_error *err)
{
    int64_t v;
    if (!decimal_chars(arg, "0123456789") ||
        pg_num_parse_int64(arg, strlen(arg), &v) != 0 ||
        !in_range(opt, (double)v))
        return bad_number(opt, arg, 1, err);
    *out = (unsigned long)v;
    return 0;
}

int pg_opt_choose(const pg_option *opt, const pg_opt_choice *choices,
                  const char *arg, int *value, pg_error *err)
{
    if (!choices)
        choices = opt->extra;
    for (const pg_opt_choice *c = choices; c->name; c++)
        if (!strcmp(c->name, arg)) {
            *value = c->value;
            return 0;
        }
    char flag[64];
    pg_buf names = PG_BUF_INIT;
    choice_names(choices, ", ", " or ", &names);
    pg_error_set(err, "", 0, 0, "invalid %s '%s': want %s",
                 pg_opt_flag(opt, flag, sizeof flag), arg, names.p);
    pg_buf_release(&names);
    return -1;
}

/* Stores arg (NULL for an option without a value) as opt says. */
static int apply(const found *f, const char *arg, pg_error *err)
{
    const pg_option *o = f->opt;
    switch (o->type) {
    case PG_OPT_T_BOOL:
        *(int *)f->value = 1;
        return 0;
    case PG_OPT_T_SET_INT:
        *(int *)f->value = o->defval;
        return 0;
    case PG_OPT_T_STRING:
        *(const char **)f->value = arg;
        return 0;
    case PG_OPT_T_LIST: {
        pg_opt_list *l = f->value;
        l->v = pg_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
        l->v[l->n++] = arg;
        return 0;
    }
    case PG_OPT_T_ULONG:
        return pg_opt_ulong(o, arg, f->value, err);
    case PG_OPT_T_DOUBLE:
        return pg_opt_double(o, arg, f->value, err);
    case PG_OPT_T_CHOICE:
        return pg_opt_choose(o, NULL, arg, f->value, err);
    case PG_OPT_T_CALLBACK:
        return o->cb(o, f->value, arg, err);
    default:
        abort(); /* lookup() finds options only */
    }
}

int pg_opts_error(const pg_opts_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see '%s --help')\n", cmd->name);
    va_end(ap);
    return PG_EXIT_ERROR;
}

static int builtin(const pg_opts_cmd *cmd, const pg_option *opts,
                   const char *arg)
{
    if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
        pg_opts_usage(cmd, opts, stdout);
        return PG_OPTS_DONE;
    }
    if (cmd->version && (!strcmp(arg, "--version") || !strcmp(arg, "-V"))) {
        cmd->version(stdout);
        return PG_OPTS_DONE;
    }
    pg_opts_error(cmd, "unknown option '%s'", arg);
    return PG_OPTS_ERROR;
}

/* Looks up the long option of a ("--name" or "--name=value"); *value
 * gets what follows '=', or NULL. */
static int lookup_long(const pg_option *opts, const char *a, found *f,
                       const char **value)
{
    const char *eq = strchr(a + 2, '=');
    size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    *value = eq ? eq + 1 : NULL;
    return lookup(opts, NULL, a + 2, len, 0, f);
}

/* Whether a word is one of the command's long options. */
static int names_option(const pg_option *opts, const char *a)
{
    found f;
    const char *value;
    return a[0] == '-' && a[1] == '-' && a[2] &&
           lookup_long(opts, a, &f, &value);
}

/* Parses the option at argv[*i] (it starts with '-' and is not "-" or
 * "--"). Returns 0, or PG_OPTS_DONE / PG_OPTS_ERROR. */
static int parse_one(const pg_opts_cmd *cmd, const pg_option *opts, int argc,
                     char **argv, int *i)
{
    const char *a = argv[*i], *arg = NULL;
    found f;
    int attached;
    if (a[1] == '-') {
        if (!lookup_long(opts, a, &f, &arg))
            return builtin(cmd, opts, a);
        attached = arg != NULL;
    } else {
        if (!lookup(opts, NULL, NULL, 0, a[1], &f))
            return builtin(cmd, opts, a);
        attached = a[2] != '\0';
        arg = attached ? a + 2 : NULL;
    }
    char flag[64];
    pg_opt_flag(f.opt, flag, sizeof flag);
    if (!takes_value(f.opt) && attached) {
        pg_opts_error(cmd, "option '%s' takes no value", flag);
        return PG_OPTS_ERROR;
    }
    if (takes_value(f.opt) && !attached) {
        if (*i + 1 >= argc) {
            pg_opts_error(cmd, "option '%s' needs a value", flag);
            return PG_OPTS_ERROR;
        }
        arg = argv[++*i];
        if (names_option(opts, arg)) {
            /* "--from-exposition --input-format protobuf a.pb": the value
             * was forgotten, not a file named like an option */
            pg_opts_error(cmd, "option '%s' needs a value, and '%s' is an "
                          "option (write %s=%s for a value like that)",
                          flag, arg, flag, arg);
            return PG_OPTS_ERROR;
        }
    }
    pg_error err;
    pg_error_init(&err);
    if (apply(&f, arg, &err) != 0) {
        pg_opts_error(cmd, "%s", err.text);
        return PG_OPTS_ERROR;
    }
    return 0;
}

int pg_opts_parse(const pg_opts_cmd *cmd, const pg_option *opts, int argc,
                  char **argv)
{
    int n = 0, only_operands = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_operands || a[0] != '-' || !a[1]) {
            argv[n++] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) {
            only_operands = 1;
            continue;
        }
        int r = parse_one(cmd, opts, argc, argv, &i);
        if (r)
            return r;
    }
    return n;
}

int pg_opts_exit(int parsed)
{
    return parsed == PG_OPTS_DONE ? PG_EXIT_OK : PG_EXIT_ERROR;
}

/* "  -o, --output FILE" for --help. */
static void option_spec(const pg_option *o, pg_buf *b)
{
    pg_buf_adds(b, "  ");
    if (o->short_name)
        pg_buf_addf(b, "-%c%s", o->short_name, o->long_name ? ", " : "");
    if (o->long_name)
        pg_buf_addf(b, "--%s", o->long_name);
    if (!takes_value(o))
        return;
    pg_buf_addc(b, ' ');
    if (o->argh)
        pg_buf_adds(b, o->argh);
    else if (o->type == PG_OPT_T_CHOICE)
        choice_names(o->extra, "|", "|", b);
    else
        pg_buf_adds(b, "VALUE");
}

static void help_line(FILE *out, const char *spec, const char *help)
{
    size_t w = strlen(spec);
    fputs(spec, out);
    if (w + 1 >= HELP_COLUMN) {
        fputc('\n', out);
        w = 0;
    }
    const char *p = help ? help : "";
    do {
        size_t len = strcspn(p, "\n");
        fprintf(out, "%*s%.*s\n", (int)(HELP_COLUMN - w), "", (int)len, p);
        w = 0;
        p += len;
    } while (*p && *++p);
}

static void usage_options(const pg_option *opts, FILE *out)
{
    for (const pg_option *o = opts; o->type != PG_OPT_T_END; o++) {
        if (o->type == PG_OPT_T_INCLUDE) {
            usage_options(o->extra, out);
        } else if (o->type == PG_OPT_T_GROUP) {
            fprintf(out, "\n%s:\n", o->help);
        } else if (o->type == PG_OPT_T_TEXT) {
            help_line(out, "", o->help);
        } else if (!(o->flags & PG_OPT_HIDDEN)) {
            pg_buf spec = PG_BUF_INIT;
            option_spec(o, &spec);
            help_line(out, spec.p, o->help);
            pg_buf_release(&spec);
        }
    }
}

void pg_opts_usage(const pg_opts_cmd *cmd, const pg_option *opts, FILE *out)
{
    const char *u = cmd->usage;
    for (int first = 1; *u; first = 0) {
        size_t len = strcspn(u, "\n");
        fprintf(out, "%s%.*s\n", first ? "usage: " : "       ", (int)len, u);
        u += len;
        u += *u == '\n';
    }
    if (cmd->intro)
        fprintf(out, "\n%s", cmd->intro);
    usage_options(opts, out);
    help_line(out, "  -h, --help", "this help");
    if (cmd->version)
        help_line(out, "  -V, --version", "promgate's version, its libraries'"
                                          " versions and the build revision");
    if (cmd->outro)
        fprintf(out, "\n%s", cmd->outro);
}

void pg_opt_list_release(pg_opt_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
