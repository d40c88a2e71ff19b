/* spec_input.c: see spec_input.h. Reading is input.c's; this file only
 * decides what the bytes are and hands them to the reader in lib/specs. */
#include "source/spec_input.h"

#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "source/input.h"
#include "specs/docs.h"
#include "specs/golden_expo.h"

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* An exposition as a golden; a file's name may carry the version. */
static pg_golden *from_exposition(const char *data, size_t len,
                                  const char *source,
                                  const char *content_type, int named,
                                  pg_error *err)
{
    pg_gexpo *x = pg_gexpo_new();
    if (pg_gexpo_add(x, data, len, source, content_type, err)) {
        pg_gexpo_free(x);
        return NULL;
    }
    char *v = named ? pg_docs_version_from_name(source) : NULL;
    pg_golden *g = pg_gexpo_finish(x, v);
    free(v);
    return g;
}

/* The bytes of a file (sniff: by name and content) or of a URL (always an
 * exposition). */
static pg_golden *parse_spec(const char *data, size_t len, const char *source,
                             const char *content_type, int sniff,
                             pg_error *err)
{
    const char *first = skip_ws(data, data + len);
    if (sniff && (has_suffix(source, ".json") ||
                  (first < data + len && *first == '{')))
        return pg_golden_loadb(data, len, source, err);
    if (sniff && (has_suffix(source, ".md") || pg_docs_sniff(data, len))) {
        pg_docs_opts o = { source, NULL, NULL, NULL, NULL, 0, NULL };
        return pg_docs_parse(data, len, &o, err);
    }
    return from_exposition(data, len, source, content_type, sniff, err);
}

pg_golden *pg_spec_input_read(const char *arg, const pg_scrape_opts *so,
                              const char *content_type, pg_error *err)
{
    char *data, *served_type;
    size_t len;
    if (pg_input_read(arg, so, &data, &len, &served_type, err))
        return NULL;
    int url = pg_url_is_http(arg);
    char *shown = url ? pg_url_redact(arg) : NULL;
    pg_golden *g = parse_spec(data, len, shown ? shown : arg,
                              content_type ? content_type : served_type,
                              !url, err);
    free(shown);
    free(served_type);
    free(data);
    return g;
}
