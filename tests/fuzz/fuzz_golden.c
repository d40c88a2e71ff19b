/* fuzz_golden.c: libFuzzer harness for the golden JSON loader.
 *
 * The input is a golden file. A golden that loads is looked up by every
 * metric name (exact and templated matches) and written back as JSON;
 * that JSON must load again and write the same bytes: dumps and loads are
 * one format, whatever the input.
 * Build and run: make fuzz-specs (FUZZ_SECONDS), make fuzz-smoke. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/golden.h"
#include "fuzz_reload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_error err;
    pg_error_init(&err);
    pg_golden *g = pg_golden_loadb((const char *)data, size, "fuzz.json", &err);
    if (!g)
        return 0;
    for (size_t i = 0; i < g->nmetrics; i++)
        if (!pg_golden_match(g, g->metrics[i].name)) {
            fprintf(stderr, "metric '%s' not found in its own golden\n",
                    g->metrics[i].name);
            abort();
        }
    size_t nc;
    free(pg_golden_conditions(g, &nc));
    char *json;
    pg_golden *back = fuzz_reload(g, "a golden written", &json);
    char *again = pg_golden_dumps(back);
    if (strcmp(json, again)) {
        fprintf(stderr, "a golden written, loaded and written again "
                        "changed:\n%s\n---\n%s\n", json, again);
        abort();
    }
    free(again);
    pg_golden_free(back);
    free(json);
    pg_golden_free(g);
    return 0;
}
