/* fuzz_docs.c: libFuzzer harness for the docs reader (Markdown, MkDocs,
 * MDX and HTML pages in, a golden out).
 *
 * Byte 0 chooses the options (keep going over unread tables; a lint
 * callback); the rest is the page. Includes resolve under a directory
 * that does not exist, so the harness reads nothing from disk. A golden
 * the reader returns must survive being written as JSON and loaded back:
 * what `promgate golden --from-docs` writes, `check` must be able to read.
 * Build and run: make fuzz-specs (FUZZ_SECONDS), make fuzz-smoke. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/docs.h"
#include "specs/golden.h"
#include "fuzz_reload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_warn(void *ctx, const char *rule, const pg_error *w)
{
    size_t *n = ctx;
    *n += strlen(rule) + strlen(w->text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t ctl = data[0];
    size_t warned = 0;
    pg_docs_opts o;
    memset(&o, 0, sizeof o);
    o.source = "fuzz.md";
    o.root = "/nonexistent-fuzz-root";
    o.keep_going = ctl & 1;
    if (ctl & 2) {
        o.warn = on_warn;
        o.warn_ctx = &warned;
    }
    pg_error err;
    pg_error_init(&err);
    pg_golden *g = pg_docs_parse((const char *)data + 1, size - 1, &o, &err);
    if (!g)
        return 0;
    char *json;
    pg_golden *back = fuzz_reload(g, "the golden from a docs page", &json);
    pg_golden_free(back);
    free(json);
    pg_golden_free(g);
    return 0;
}
