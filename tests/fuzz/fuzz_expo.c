/* fuzz_expo.c: libFuzzer harness for the exposition parser.
 *
 * Byte 0 picks the format (prom, openmetrics, auto, auto with an
 * OpenMetrics content type), whether callbacks are set, whether small
 * caps are used and whether the canonical-number check is on; bit 5 makes
 * it the delimited protobuf parser instead (make fuzz-proto); byte 1 seeds the chunk sizes, so the streaming paths
 * (lines split across feeds) are covered as well as whole-input parses,
 * and a chunked parse must agree with the whole-input one.
 * Build and run: make fuzz (FUZZ_SECONDS=60), make fuzz-smoke. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expo/expo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_sample(void *ctx, const pg_sample *s)
{
    size_t *n = ctx;
    /* touch every view so ASan sees a bad one */
    for (size_t i = 0; i < s->nlabels; i++)
        *n += (size_t)s->labels[i].name.len + s->labels[i].value.len +
              (s->labels[i].name.len ? (unsigned char)s->labels[i].name.p[0] : 0) +
              (s->labels[i].value.len ? (unsigned char)s->labels[i].value.p[s->labels[i].value.len - 1] : 0);
    *n += s->name.len ? (unsigned char)s->name.p[s->name.len - 1] : 0;
    return 0;
}

static int on_family(void *ctx, const pg_family_info *f)
{
    size_t *n = ctx;
    *n += f->name.len + f->help.len + f->unit.len;
    if (f->help.len)
        *n += (unsigned char)f->help.p[f->help.len - 1];
    return 0;
}

static void on_diag(void *ctx, const pg_diag *d)
{
    size_t *n = ctx;
    *n += strlen(d->text) + strlen(d->family) + (size_t)d->line + (size_t)d->column;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t ctl = data[0];
    uint32_t seed = data[1];
    data += 2;
    size -= 2;

    pg_parser_opts o;
    memset(&o, 0, sizeof o);
    switch (ctl & 3) {
    case 0: o.format = PG_FORMAT_PROM; break;
    case 1: o.format = PG_FORMAT_OPENMETRICS; break;
    case 2: o.format = PG_FORMAT_AUTO; break;
    default:
        o.format = PG_FORMAT_AUTO;
        o.content_type = "application/openmetrics-text; version=1.0.0";
    }
    if (ctl & 32)
        o.format = PG_FORMAT_PROTOBUF;
    if (ctl & 16)
        o.flags |= PG_PARSE_CANONICAL;
    if (ctl & 8) {
        o.max_line = 64;
        o.max_labels = 3;
        o.max_name = 16;
    }
    size_t sink = 0;
    pg_parser_callbacks cb = { NULL, NULL, NULL };
    if (ctl & 4) {
        cb.sample = on_sample;
        cb.family = on_family;
        cb.diag = on_diag;
    }
    pg_parser *p = pg_parser_new(&o, &cb, &sink);
    size_t pos = 0;
    while (pos < size) {
        size_t n = size - pos;
        if (seed) {
            seed = seed * 1103515245u + 12345u;
            n = 1 + (seed >> 16) % 23;
            if (n > size - pos)
                n = size - pos;
        }
        /* each chunk in its own allocation: over-reads are caught */
        char *chunk = malloc(n);
        memcpy(chunk, data + pos, n);
        pg_parser_feed(p, chunk, n);
        free(chunk);
        pos += n;
    }
    pg_parser_finish(p);
    pg_parse_stats st;
    pg_parser_stats(p, &st);
    pg_parser_free(p);
    /* Property: the chunks do not matter. The same input in one feed
     * gives the same diagnostics, samples and families (the sums over
     * what the callbacks saw, and the counts). */
    if (seed || (ctl & 4)) {
        size_t sink1 = 0;
        pg_parser *p1 = pg_parser_new(&o, &cb, &sink1);
        char *all = malloc(size ? size : 1);
        memcpy(all, data, size);
        pg_parser_feed(p1, all, size);
        free(all);
        pg_parser_finish(p1);
        pg_parse_stats st1;
        pg_parser_stats(p1, &st1);
        pg_parser_free(p1);
        if (sink1 != sink || st1.errors != st.errors || st1.warnings != st.warnings ||
            st1.samples != st.samples || st1.families != st.families)
            abort();
    }
    return sink == 1 && st.bytes == 7; /* keep the work observable */
}
