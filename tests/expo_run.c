/* expo_run.c: test driver for the exposition parser (bin/pg-expo-run).
 *
 *   pg-expo-run [options] FILE
 *     --format prom|openmetrics|protobuf|auto  format (default auto)
 *     --ctype TYPE                     Content-Type handed to the parser
 *     --max-line N, --max-labels N, --max-name N
 *     --canonical                      also check canonical le/quantile
 *     --chunk N                        feed N bytes at a time
 *     --full                           also print samples and families
 *     --splits                         property check: every way of cutting
 *                                      the input into chunks gives the same
 *                                      result as one feed; prints "ok" or
 *                                      the first difference (exit 1)
 *     --truncations                    parse every prefix of the input (to
 *                                      catch crashes and hangs); prints "ok"
 *
 * Default output: one line per diagnostic, "LINE:COL: level: message",
 * then "format: NAME". Exit 0 on success of the driver itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo/expo.h"
#include "core/util.h"

struct run {
    pg_buf out;
    int full;
};

static void put_str(pg_buf *b, pg_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c < 0x20 || c == '\\' || c == 0x7f)
            pg_buf_addf(b, "\\x%02x", c);
        else
            pg_buf_addc(b, (char)c);
    }
}

static void on_diag(void *ctx, const pg_diag *d)
{
    struct run *r = ctx;
    if (r->full)
        pg_buf_addf(&r->out, "%lld:%lld:%llu: %s: %s [%s] {%s}\n",
                    (long long)d->line, (long long)d->column, (unsigned long long)d->offset,
                    d->level == PG_LEVEL_ERROR ? "error" : "warning", d->text,
                    d->rule, d->family);
    else
        pg_buf_addf(&r->out, "%lld:%lld: %s: %s\n", (long long)d->line,
                    (long long)d->column,
                    d->level == PG_LEVEL_ERROR ? "error" : "warning", d->text);
}

static int on_sample(void *ctx, const pg_sample *s)
{
    struct run *r = ctx;
    pg_buf_adds(&r->out, "S ");
    put_str(&r->out, s->name);
    pg_buf_adds(&r->out, " (");
    put_str(&r->out, s->family);
    pg_buf_addf(&r->out, " %s) {", pg_type_name(s->type));
    for (size_t i = 0; i < s->nlabels; i++) {
        put_str(&r->out, s->labels[i].name);
        pg_buf_adds(&r->out, "=");
        put_str(&r->out, s->labels[i].value);
        pg_buf_adds(&r->out, ",");
    }
    pg_buf_addf(&r->out, "} %.17g", s->value);
    if (s->has_timestamp)
        pg_buf_addf(&r->out, " @%.17g", s->timestamp);
    pg_buf_addf(&r->out, "%s line %lld off %llu\n", s->has_exemplar ? " ex" : "",
                (long long)s->line, (unsigned long long)s->offset);
    return 0;
}

static int on_family(void *ctx, const pg_family_info *f)
{
    struct run *r = ctx;
    pg_buf_adds(&r->out, "F ");
    put_str(&r->out, f->name);
    pg_buf_addf(&r->out, " %s help=%d '", pg_type_name(f->type), f->has_help);
    put_str(&r->out, f->help);
    pg_buf_adds(&r->out, "' unit='");
    put_str(&r->out, f->unit);
    pg_buf_addf(&r->out, "' n=%zu", f->nsamples);
    if (f->native) /* protobuf: metrics that are native histograms */
        pg_buf_addf(&r->out, " native=%zu", f->native);
    pg_buf_addf(&r->out, " line %lld\n", (long long)f->line);
    return 0;
}

struct cfg {
    pg_parser_opts o;
    int full;
};

/* Parses data fed in the chunk sizes given by next(); returns the output. */
static char *run_once(const struct cfg *c, const char *data, size_t len,
                      size_t (*next)(void *st, size_t left), void *st)
{
    struct run r = { PG_BUF_INIT, c->full };
    pg_parser_callbacks cb = { c->full ? on_sample : NULL,
                               c->full ? on_family : NULL, on_diag };
    pg_parser *p = pg_parser_new(&c->o, &cb, &r);
    size_t pos = 0;
    while (pos < len) {
        size_t n = next(st, len - pos);
        if (n > len - pos)
            n = len - pos;
        /* Copy each chunk to its own allocation so a read past its end is
         * caught by ASan. */
        char *chunk = pg_xmalloc(n ? n : 1);
        memcpy(chunk, data + pos, n);
        pg_parser_feed(p, chunk, n);
        free(chunk);
        pos += n;
    }
    pg_parser_finish(p);
    pg_parse_stats s;
    pg_parser_stats(p, &s);
    if (c->full)
        pg_buf_addf(&r.out, "stats: %llu bytes %llu lines %llu samples %llu families %llu errors %llu warnings\n",
                    (unsigned long long)s.bytes, (unsigned long long)s.lines,
                    (unsigned long long)s.samples, (unsigned long long)s.families,
                    (unsigned long long)s.errors, (unsigned long long)s.warnings);
    pg_buf_addf(&r.out, "format: %s\n", pg_format_name(pg_parser_format(p)));
    pg_parser_free(p);
    if (!r.out.p)
        pg_buf_adds(&r.out, "");
    return pg_buf_detach(&r.out);
}

static size_t next_all(void *st, size_t left)
{
    (void)st;
    return left;
}

static size_t next_fixed(void *st, size_t left)
{
    (void)left;
    return *(size_t *)st;
}

struct split { size_t first; int done; };
static size_t next_split(void *st, size_t left)
{
    struct split *s = st;
    if (!s->done) {
        s->done = 1;
        return s->first;
    }
    return left;
}

static uint64_t rng_state;
static size_t next_random(void *st, size_t left)
{
    (void)st;
    (void)left;
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return 1 + (size_t)((rng_state >> 33) % 17);
}

static int compare(const char *ref, const char *got, const char *how)
{
    if (!strcmp(ref, got))
        return 0;
    size_t i = 0;
    while (ref[i] && ref[i] == got[i])
        i++;
    size_t ls = i;
    while (ls && ref[ls - 1] != '\n')
        ls--;
    printf("mismatch when %s\nexpected: %.200s\n     got: %.200s\n", how,
           ref + ls, got + ls);
    return 1;
}

static int splits(const struct cfg *c, const char *data, size_t len)
{
    char *ref = run_once(c, data, len, next_all, NULL);
    char how[96];
    int bad = 0;
    /* every cut into two chunks for small inputs, a sample for big ones */
    size_t step = len <= 4096 ? 1 : len / 128 + 1;
    for (size_t k = 0; k <= len && !bad; k += step) {
        struct split s = { k, 0 };
        char *got = run_once(c, data, len, next_split, &s);
        snprintf(how, sizeof how, "split at byte %zu", k);
        bad = compare(ref, got, how);
        free(got);
    }
    for (uint64_t seed = 1; seed <= 16 && !bad; seed++) {
        rng_state = seed;
        char *got = run_once(c, data, len, next_random, NULL);
        snprintf(how, sizeof how, "random chunks, seed %llu",
                 (unsigned long long)seed);
        bad = compare(ref, got, how);
        free(got);
    }
    if (!bad && len <= (64u << 10)) {
        size_t one = 1;
        char *got = run_once(c, data, len, next_fixed, &one);
        bad = compare(ref, got, "fed one byte at a time");
        free(got);
    }
    free(ref);
    if (!bad)
        printf("ok\n");
    return bad;
}

static int truncations(const struct cfg *c, const char *data, size_t len)
{
    for (size_t k = 0; k <= len; k++) {
        char *got = run_once(c, data, k, next_all, NULL);
        free(got);
    }
    printf("ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    struct cfg c;
    memset(&c, 0, sizeof c);
    size_t chunk = 0;
    int do_splits = 0, do_trunc = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--full")) {
            c.full = 1;
        } else if (!strcmp(a, "--splits")) {
            do_splits = 1;
            c.full = 1;
        } else if (!strcmp(a, "--canonical")) {
            c.o.flags |= PG_PARSE_CANONICAL;
        } else if (!strcmp(a, "--truncations")) {
            do_trunc = 1;
        } else if (v && !strcmp(a, "--format")) {
            c.o.format = !strcmp(v, "prom") ? PG_FORMAT_PROM
                       : !strcmp(v, "openmetrics") ? PG_FORMAT_OPENMETRICS
                       : !strcmp(v, "protobuf") ? PG_FORMAT_PROTOBUF
                       : PG_FORMAT_AUTO;
            i++;
        } else if (v && !strcmp(a, "--ctype")) {
            c.o.content_type = v;
            i++;
        } else if (v && !strcmp(a, "--max-line")) {
            c.o.max_line = strtoul(v, NULL, 10);
            i++;
        } else if (v && !strcmp(a, "--max-labels")) {
            c.o.max_labels = strtoul(v, NULL, 10);
            i++;
        } else if (v && !strcmp(a, "--max-name")) {
            c.o.max_name = strtoul(v, NULL, 10);
            i++;
        } else if (v && !strcmp(a, "--chunk")) {
            chunk = strtoul(v, NULL, 10);
            i++;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "pg-expo-run: unknown option '%s'\n", a);
            return 2;
        } else {
            file = a;
        }
    }
    if (!file) {
        fprintf(stderr, "usage: pg-expo-run [options] FILE\n");
        return 2;
    }
    char *data;
    size_t len;
    pg_error err;
    pg_error_init(&err);
    if (pg_read_file(file, &data, &len, &err)) {
        pg_error_print(&err, stderr);
        return 2;
    }
    c.o.source = file;
    int rc = 0;
    if (do_trunc) {
        rc = truncations(&c, data, len);
    } else if (do_splits) {
        rc = splits(&c, data, len);
    } else {
        char *out = chunk ? run_once(&c, data, len, next_fixed, &chunk)
                          : run_once(&c, data, len, next_all, NULL);
        fputs(out, stdout);
        free(out);
    }
    free(data);
    return rc;
}
