/* baseline.c: the baseline of accepted deviations (doc/check.md):
 *
 *   {"accepted": [{"metric": "name", "target": "optional",
 *                  "problem": "optional code", "reason": "why",
 *                  "expires": "YYYY-MM-DD"}]}
 *
 * A failure covered by an unexpired entry becomes TODO; after its expiry
 * date it fails again, with a note. Errors name file:line:col. */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check/baseline.h"
#include "core/date.h"

typedef struct pos {
    int line, column;
} pos;

/* Finds where each element of the top-level "accepted" array starts, so
 * a semantic error can point at its entry (jansson keeps no positions for
 * values). A light scan: strings are skipped, structure is counted. */
static size_t locate_entries(const char *t, size_t len, pos *out, size_t max)
{
    int line = 1, col = 1, depth = 0, in_accepted = 0, want_value = 0;
    size_t n = 0;
    const char *last_key = NULL;
    size_t last_key_len = 0;
    int after_key = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        if (ch == '\n') {
            line++;
            col = 1;
            continue;
        }
        if (isspace((unsigned char)ch)) {
            col++;
            continue;
        }
        if (in_accepted && depth == 2 && want_value && n < max) {
            out[n].line = line;
            out[n].column = col;
            n++;
            want_value = 0;
        }
        if (ch == '"') {
            size_t start = i + 1;
            i++;
            col++;
            while (i < len && t[i] != '"') {
                if (t[i] == '\\' && i + 1 < len) {
                    i++;
                    col++;
                }
                if (t[i] == '\n') {
                    line++;
                    col = 0;
                }
                i++;
                col++;
            }
            col++;
            if (depth == 1) {
                last_key = t + start;
                last_key_len = i - start;
            }
            continue;
        }
        if (ch == ':' && depth == 1)
            after_key = last_key && last_key_len == 8 &&
                        !memcmp(last_key, "accepted", 8);
        if (ch == '[' || ch == '{') {
            depth++;
            if (ch == '[' && depth == 2 && after_key) {
                in_accepted = 1;
                want_value = 1;
            }
        } else if (ch == ']' || ch == '}') {
            if (depth == 2 && in_accepted)
                in_accepted = 0;
            depth--;
            if (depth == 1)
                after_key = 0;
        } else if (ch == ',' && depth == 2 && in_accepted) {
            want_value = 1;
        }
        col++;
    }
    return n;
}

static int entry_string(json_t *e, const char *key, int required, char **out,
                        const char *path, pos p, size_t idx, pg_error *err)
{
    json_t *v = json_object_get(e, key);
    if (!v) {
        if (required)
            return pg_error_set(err, path, p.line, p.column,
                                "accepted[%zu]: missing '%s'", idx, key);
        return 0;
    }
    if (!json_is_string(v) || !json_string_length(v))
        return pg_error_set(err, path, p.line, p.column,
                            "accepted[%zu]: '%s' must be a non-empty string",
                            idx, key);
    *out = pg_xstrdup(json_string_value(v));
    return 0;
}

/* Where an entry's error points: the file, the entry's position and its
 * index in "accepted". */
typedef struct entry_at {
    const char *path;
    pos p;
    size_t idx;
} entry_at;

static int entry_keys_known(json_t *e, const entry_at *at, pg_error *err)
{
    static const char *const known[] = { "metric", "target", "problem",
                                         "reason", "expires" };
    const char *key;
    json_t *val;
    json_object_foreach(e, key, val) {
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            ok |= !strcmp(key, known[k]);
        if (!ok)
            return pg_error_set(err, at->path, at->p.line, at->p.column,
                                "accepted[%zu]: unknown key '%s'", at->idx,
                                key);
    }
    return 0;
}

static int entry_problem(json_t *e, pg_baseline_entry *ent,
                         const entry_at *at, pg_error *err)
{
    char *problem = NULL;
    if (entry_string(e, "problem", 0, &problem, at->path, at->p, at->idx,
                     err))
        return -1;
    if (!problem)
        return 0;
    ent->has_problem = 1;
    int rc = 0;
    if (pg_problem_code_parse(problem, &ent->problem) != 0)
        rc = pg_error_set(err, at->path, at->p.line, at->p.column,
                          "accepted[%zu]: unknown problem '%s'", at->idx,
                          problem);
    free(problem);
    return rc;
}

/* Reads element at->idx of "accepted" into ent. Returns 0, or -1 with err
 * set. */
static int load_entry(json_t *e, pg_baseline_entry *ent, const entry_at *at,
                      pg_error *err)
{
    const char *path = at->path;
    pos p = at->p;
    size_t i = at->idx;
    ent->line = p.line;
    ent->column = p.column;
    if (!json_is_object(e))
        return pg_error_set(err, path, p.line, p.column,
                            "accepted[%zu]: entry must be an object", i);
    if (entry_keys_known(e, at, err) ||
        entry_string(e, "metric", 1, &ent->metric, path, p, i, err) ||
        entry_string(e, "reason", 1, &ent->reason, path, p, i, err) ||
        entry_string(e, "target", 0, &ent->target, path, p, i, err) ||
        entry_string(e, "expires", 0, &ent->expires, path, p, i, err) ||
        entry_problem(e, ent, at, err))
        return -1;
    if (ent->expires && !pg_date_valid(ent->expires))
        return pg_error_set(err, path, p.line, p.column,
                            "accepted[%zu]: invalid expires '%s' (want "
                            "YYYY-MM-DD)", i, ent->expires);
    return 0;
}

/* The "accepted" array of a baseline document, or NULL with err set. */
static json_t *accepted_array(json_t *root, const char *path, pg_error *err)
{
    json_t *acc = json_is_object(root) ? json_object_get(root, "accepted")
                                       : NULL;
    if (!acc || !json_is_array(acc)) {
        pg_error_set(err, path, 1, 1,
                     "baseline must be an object with an 'accepted' array");
        return NULL;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (strcmp(key, "accepted") != 0) {
            pg_error_set(err, path, 1, 1, "unknown key '%s'", key);
            return NULL;
        }
    }
    return acc;
}

/* Reads every entry of acc into b, each error pointing at its entry in
 * text. Returns 0, or -1 with err set. */
static int load_entries(pg_baseline *b, json_t *acc, const char *text,
                        size_t len, pg_error *err)
{
    size_t n = json_array_size(acc);
    pos *where = pg_xcalloc(n + 1, sizeof *where);
    locate_entries(text, len, where, n);
    b->entries = pg_xcalloc(n + 1, sizeof *b->entries);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        entry_at at = { b->path, where[i], i };
        b->nentries = i + 1;
        rc = load_entry(json_array_get(acc, i), &b->entries[i], &at, err);
    }
    free(where);
    return rc;
}

pg_baseline *pg_baseline_load(const char *path, pg_error *err)
{
    char *text;
    size_t len;
    if (pg_read_file(path, &text, &len, err) != 0)
        return NULL;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        pg_error_set(err, path, je.line, je.column, "%s", je.text);
        free(text);
        return NULL;
    }
    pg_baseline *b = pg_xcalloc(1, sizeof *b);
    b->path = pg_xstrdup(path);
    json_t *acc = accepted_array(root, path, err);
    if (!acc || load_entries(b, acc, text, len, err) != 0) {
        pg_baseline_free(b);
        b = NULL;
    }
    json_decref(root);
    free(text);
    return b;
}

void pg_baseline_free(pg_baseline *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nentries; i++) {
        free(b->entries[i].metric);
        free(b->entries[i].target);
        free(b->entries[i].reason);
        free(b->entries[i].expires);
    }
    free(b->entries);
    free(b->path);
    free(b);
}

const pg_baseline_entry *pg_baseline_match(const pg_baseline *b,
                                             const char *target,
                                             const pg_metric_result *r)
{
    for (size_t i = 0; b && i < b->nentries; i++) {
        const pg_baseline_entry *e = &b->entries[i];
        if (strcmp(e->metric, r->metric) != 0)
            continue;
        if (e->target && (!target || strcmp(e->target, target) != 0))
            continue;
        if (e->has_problem) {
            /* Limited to one problem: every failure must be of that kind,
             * so a new fault of another kind still fails. */
            int hit = 0, other = 0;
            for (size_t j = 0; j < r->nproblems; j++) {
                if (!r->problems[j].failure)
                    continue;
                if (r->problems[j].code == e->problem)
                    hit = 1;
                else
                    other = 1;
            }
            if (!hit || other)
                continue;
        }
        return e;
    }
    return NULL;
}
