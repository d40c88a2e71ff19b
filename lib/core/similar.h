/* similar.h: how two metric names may be one renamed, shared by the rename
 * hints of `check` and the rename pairing of `diff`. Names are compared
 * as bytes and as '_'-separated parts. */
#ifndef PG_SIMILAR_H
#define PG_SIMILAR_H

#include <stddef.h>

enum pg_parts_relation {
    PG_PARTS_NONE = 0,
    PG_PARTS_MOVED,    /* the same parts in another order */
    PG_PARTS_INSERTED  /* every part of the shorter name is in the longer
                          one (parts inserted, perhaps moved too):
                          coderd_open_files_total ->
                          coderd_file_cache_open_files_total */
};

/* The relation between the parts of a and b. For PG_PARTS_INSERTED,
 * *extra (if not NULL) is how many parts the longer name has in addition.
 * The shorter name needs two parts or more, and at most as many parts may
 * be added as it has, so that "go_info" is no rename of every go_ name. */
enum pg_parts_relation pg_name_parts_relation(const char *a, const char *b,
                                              size_t *extra);

/* The Levenshtein distance of a and b if it is at most k, else k + 1. Work
 * is O(k * length) without allocation for names under 256 bytes. */
size_t pg_name_distance_within(const char *a, const char *b, size_t k);

#endif
