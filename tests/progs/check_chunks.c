/* check_chunks.c: test-check-chunks GOLDEN INPUT [FLAGS...]: checks INPUT
 * against GOLDEN through the library, feeding the parser the whole input
 * at once and then in chunks of 1, 2, 3, 7, 64 and 4096 bytes, and prints
 * one TAP line per chunk size: the TAP verdicts must not depend on where
 * the chunks split the input (the checker copies what it keeps from the
 * parser's callbacks, whose strings live only during the call).
 * FLAGS: --enable COND, --undocumented warn|ignore. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "expo/expo.h"
#include "specs/golden.h"
#include "check/tap.h"
#include "core/util.h"

/* The TAP document of one check of data, fed in chunks of size step
 * (0: at once). Caller frees. */
static char *check_tap(const pg_check_opts *opts, const char *data,
                       size_t len, size_t step)
{
    pg_error err;
    pg_error_init(&err);
    pg_checker *c = pg_checker_new(opts, "input", &err);
    if (!c) {
        pg_error_print(&err, stderr);
        exit(2);
    }
    pg_parser_opts po;
    memset(&po, 0, sizeof po);
    po.source = "input";
    pg_parser *p = pg_parser_new(&po, pg_checker_callbacks(), c);
    size_t n = step ? step : len;
    for (size_t off = 0; off < len; off += n)
        pg_parser_feed(p, data + off, off + n <= len ? n : len - off);
    pg_parser_finish(p);
    pg_checker_set_format(c, pg_parser_format(p));
    pg_target_result r;
    pg_checker_finish(c, &r);
    r.seconds = 0; /* the comment line shows it; not part of the verdict */
    pg_parser_stats(p, &r.stats);
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    pg_tap_write(out, &r, 1, 0);
    fclose(out);
    pg_target_result_release(&r);
    pg_parser_free(p);
    pg_checker_free(c);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test-check-chunks GOLDEN INPUT [FLAGS]\n");
        return 2;
    }
    pg_error err;
    pg_error_init(&err);
    pg_golden *g = pg_golden_load(argv[1], &err);
    char *data;
    size_t len;
    if (!g || pg_read_file(argv[2], &data, &len, &err) != 0) {
        pg_error_print(&err, stderr);
        return 2;
    }
    pg_check_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.golden = g;
    opts.today = "2026-01-01";
    const char **enabled = calloc((size_t)argc, sizeof *enabled);
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--enable"))
            enabled[opts.nenabled++] = argv[i + 1];
        else if (!strcmp(argv[i], "--undocumented"))
            opts.undocumented = !strcmp(argv[i + 1], "warn")
                                    ? PG_UNDOCUMENTED_WARN
                                    : PG_UNDOCUMENTED_IGNORE;
    }
    opts.enabled = enabled;
    char *whole = check_tap(&opts, data, len, 0);
    static const size_t steps[] = { 1, 2, 3, 7, 64, 4096 };
    int failed = 0;
    printf("1..%zu\n", sizeof steps / sizeof *steps);
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        char *got = check_tap(&opts, data, len, steps[i]);
        int same = strcmp(got, whole) == 0;
        printf("%s %zu - %s in chunks of %zu bytes: same verdicts\n",
               same ? "ok" : "not ok", i + 1, argv[2], steps[i]);
        if (!same) {
            failed = 1;
            printf("# whole:\n%s# chunked:\n%s", whole, got);
        }
        free(got);
    }
    free(whole);
    free(enabled);
    free(data);
    pg_golden_free(g);
    return failed;
}
