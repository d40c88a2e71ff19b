/* fuzz_overlay.c: libFuzzer harness for the overlay loader.
 *
 * Byte 0 chooses the release the overlay is applied for (none, or one of
 * a few tags, so "releases" ranges are decided both ways); the rest is the
 * overlay file. An overlay that loads is applied to a small golden with a
 * metric of each kind the entries can touch (histogram, summary, counter
 * with labels, a templated name), and the result must still be a golden
 * that loads: `promgate golden --overlay` writes what `check` reads.
 * Build and run: make fuzz-specs (FUZZ_SECONDS), make fuzz-smoke. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/golden.h"
#include "specs/overlay.h"
#include "fuzz_reload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char golden_json[] =
    "{\"schema\": 1, \"kind\": \"docs\", \"version\": null, \"source\": [],"
    " \"overlay\": null, \"metrics\": ["
    "{\"name\": \"app_requests_total\", \"type\": \"counter\","
    " \"help\": \"Requests.\", \"labels\": [\"code\", \"method\"]},"
    "{\"name\": \"app_latency_seconds\", \"type\": \"histogram\","
    " \"help\": \"Latency.\", \"labels\": [\"route\"]},"
    "{\"name\": \"app_gc_seconds\", \"type\": \"summary\", \"help\": \"GC.\","
    " \"labels\": []},"
    "{\"name\": \"app_up\", \"type\": \"gauge\", \"help\": \"Up.\","
    " \"labels\": []},"
    "{\"name\": \"app_queue_NAME_depth\", \"type\": null, \"help\": \"\","
    " \"labels\": [], \"name_pattern\": \"app_queue_[a-z]+_depth\"}"
    "]}";

static void on_warn(void *ctx, const char *rule, const pg_error *w)
{
    size_t *n = ctx;
    *n += strlen(rule) + strlen(w->text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const releases[] = { NULL, "v2.24.2", "v2.31.0-rc.1",
                                            "v0.0.1" };
    if (size < 1)
        return 0;
    pg_error err;
    pg_error_init(&err);
    pg_overlay *ov = pg_overlay_loadb((const char *)data + 1, size - 1,
                                      "fuzz-overlay.json", &err);
    if (!ov)
        return 0;
    pg_overlay_set_release(ov, releases[data[0] & 3]);
    pg_golden *g = pg_golden_loadb(golden_json, sizeof golden_json - 1,
                                   "base.json", &err);
    if (!g) {
        fprintf(stderr, "the harness's golden does not load: %s\n", err.text);
        abort();
    }
    size_t warned = 0;
    pg_overlay_apply(ov, g, on_warn, &warned);
    char *json;
    pg_golden *back = fuzz_reload(g, "the golden with the overlay applied",
                                  &json);
    pg_golden_free(back);
    free(json);
    pg_golden_free(g);
    pg_overlay_free(ov);
    return 0;
}
