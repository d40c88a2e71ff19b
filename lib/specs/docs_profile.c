/* docs_profile.c: the docs profile, a small JSON file for what a page does
 * not say in a form that can be read (doc/golden.md, "Docs profile"):
 *
 *   {"prefix": "etcd_server_",
 *    "include_headings": ["Metrics"], "exclude_headings": ["Deprecated"],
 *    "synonyms": {"name": ["Series"], "type": [], "labels": [], "help": []},
 *    "conditions": {"NGINX Plus": "edition:plus"}}
 *
 * Heading rules match a case-insensitive substring of any heading that
 * encloses the metric. */
#define _GNU_SOURCE /* strcasestr */
#include "specs/docs_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void pg_docs_profile_free(pg_docs_profile *p)
{
    if (!p)
        return;
    free(p->prefix);
    for (size_t i = 0; i < p->ninclude; i++)
        free(p->include[i]);
    free(p->include);
    for (size_t i = 0; i < p->nexclude; i++)
        free(p->exclude[i]);
    free(p->exclude);
    for (size_t i = 0; i < p->nsyn; i++)
        free(p->syn[i].word);
    free(p->syn);
    for (size_t i = 0; i < p->ncond; i++) {
        free(p->cond_heading[i]);
        free(p->cond_value[i]);
    }
    free(p->cond_heading);
    free(p->cond_value);
    free(p);
}

static int string_list(json_t *a, const char *key, char ***out, size_t *n,
                       const char *path, pg_error *err)
{
    if (!a)
        return 0;
    if (!json_is_array(a))
        return pg_error_set(err, path, 0, 0, "'%s' must be an array of strings",
                            key);
    size_t i;
    json_t *v;
    *out = pg_xcalloc(json_array_size(a) + 1, sizeof **out);
    json_array_foreach(a, i, v) {
        if (!json_is_string(v) || !*json_string_value(v))
            return pg_error_set(err, path, 0, 0,
                                "%s[%zu] must be a non-empty string", key, i);
        (*out)[(*n)++] = pg_xstrdup(json_string_value(v));
    }
    return 0;
}

static int load_synonyms(pg_docs_profile *p, json_t *o, const char *path,
                         pg_error *err)
{
    static const struct {
        const char *key;
        enum docs_col col;
    } roles[] = { { "name", DC_NAME }, { "type", DC_TYPE },
                  { "labels", DC_LABELS }, { "help", DC_HELP } };
    if (!o)
        return 0;
    if (!json_is_object(o))
        return pg_error_set(err, path, 0, 0, "'synonyms' must be an object");
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        size_t r = 0;
        while (r < 4 && strcmp(roles[r].key, key))
            r++;
        if (r == 4)
            return pg_error_set(err, path, 0, 0,
                                "synonyms: unknown column role '%s' (name, "
                                "type, labels, help)", key);
        char **words = NULL;
        size_t nw = 0;
        char what[64];
        snprintf(what, sizeof what, "synonyms.%s", key);
        int bad = string_list(v, what, &words, &nw, path, err);
        for (size_t i = 0; i < nw; i++) {
            if (!bad) {
                p->syn = pg_xrealloc(p->syn, (p->nsyn + 1) * sizeof *p->syn);
                p->syn[p->nsyn].col = roles[r].col;
                p->syn[p->nsyn++].word = docs_header_word(words[i]);
            }
            free(words[i]);
        }
        free(words);
        if (bad)
            return -1;
    }
    return 0;
}

static int load_profile(pg_docs_profile *p, json_t *root, const char *path,
                        pg_error *err)
{
    static const char *const keys[] = { "prefix", "include_headings",
                                        "exclude_headings", "synonyms",
                                        "conditions", NULL };
    if (!json_is_object(root))
        return pg_error_set(err, path, 0, 0, "a docs profile is a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], key))
            i++;
        if (!keys[i])
            return pg_error_set(err, path, 0, 0, "unknown key '%s'", key);
    }
    json_t *pre = json_object_get(root, "prefix");
    if (pre) {
        if (!json_is_string(pre) ||
            !pg_metric_name_valid(json_string_value(pre),
                                  strlen(json_string_value(pre))))
            return pg_error_set(err, path, 0, 0,
                                "'prefix' must be a metric name prefix");
        p->prefix = pg_xstrdup(json_string_value(pre));
    }
    if (string_list(json_object_get(root, "include_headings"),
                    "include_headings", &p->include, &p->ninclude, path, err) ||
        string_list(json_object_get(root, "exclude_headings"),
                    "exclude_headings", &p->exclude, &p->nexclude, path, err) ||
        load_synonyms(p, json_object_get(root, "synonyms"), path, err))
        return -1;
    json_t *c = json_object_get(root, "conditions");
    if (c) {
        if (!json_is_object(c))
            return pg_error_set(err, path, 0, 0,
                                "'conditions' must map heading text to a "
                                "condition");
        json_object_foreach(c, key, v) {
            const char *s = json_is_string(v) ? json_string_value(v) : NULL;
            if (!s || !strchr(s, ':') || s[0] == ':')
                return pg_error_set(err, path, 0, 0,
                                    "conditions['%s'] must be a condition "
                                    "'kind:value'", key);
            p->cond_heading = pg_xrealloc(p->cond_heading,
                                          (p->ncond + 1) * sizeof(char *));
            p->cond_value = pg_xrealloc(p->cond_value,
                                        (p->ncond + 1) * sizeof(char *));
            p->cond_heading[p->ncond] = pg_xstrdup(key);
            p->cond_value[p->ncond++] = pg_xstrdup(s);
        }
    }
    return 0;
}

pg_docs_profile *pg_docs_profile_load(const char *path, pg_error *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        pg_error_set(err, path, je.line > 0 ? je.line : 0,
                     je.column > 0 ? je.column : 0, "invalid JSON: %s", je.text);
        return NULL;
    }
    pg_docs_profile *p = pg_xcalloc(1, sizeof *p);
    int rc = load_profile(p, root, path, err);
    json_decref(root);
    if (rc) {
        pg_docs_profile_free(p);
        return NULL;
    }
    return p;
}

int docs_profile_heading_ok(const pg_docs_profile *p, const char *headings)
{
    if (!p)
        return 1;
    for (size_t i = 0; i < p->nexclude; i++)
        if (strcasestr(headings, p->exclude[i]))
            return 0;
    if (!p->ninclude)
        return 1;
    for (size_t i = 0; i < p->ninclude; i++)
        if (strcasestr(headings, p->include[i]))
            return 1;
    return 0;
}

const char *docs_profile_condition(const pg_docs_profile *p,
                                   const char *headings)
{
    if (!p || !headings)
        return NULL;
    for (size_t i = 0; i < p->ncond; i++)
        if (strcasestr(headings, p->cond_heading[i]))
            return p->cond_value[i];
    return NULL;
}
