/* words.h: splits a string into words the way a POSIX shell does, without
 * running anything: blanks separate words; '...' keeps everything; "..."
 * keeps everything but \" \\ \$ \` and a backslash-newline; a backslash
 * outside quotes keeps the next character; '#' at the start of a word
 * comments out the rest of the line. No expansion: $VAR, $(...), `...`,
 * globs and ~ stay as they are written. For flags held in a variable or a
 * file (PROMGATE_CHECK_FLAGS="--exempt '^go_sql_'"). */
#ifndef PG_WORDS_H
#define PG_WORDS_H

#include <stddef.h>

#include "core/util.h"

typedef struct pg_words {
    char **v;
    size_t n;
} pg_words;

/* Appends the words of s to w. Returns 0, or -1 with err set (source,
 * line and column of an unterminated quote or trailing backslash); w then
 * holds the words before it. */
int pg_words_split(pg_words *w, const char *s, const char *source,
                   pg_error *err);
void pg_words_release(pg_words *w);

#endif
