/* atomic.h: every file promgate writes (goldens, reports, saved scrapes,
 * diff output) is written here, whole or not at all: a reader never sees
 * a half-written file, and a crash leaves the old file in place. */
#ifndef PG_ATOMIC_H
#define PG_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

#include "core/util.h"

/* Writes data to path through a new temporary file in the same directory
 * (created with O_EXCL|O_NOFOLLOW, so a planted file or symlink is never
 * followed or truncated), fsync, a checked close, rename over path, then
 * an fsync of the directory so the rename itself is durable. Returns 0,
 * or -1 with err set (the temporary file removed). */
int pg_write_file_atomic(const char *path, const char *data, size_t len,
                         pg_error *err);
/* The same for the whole content of src (rewound first), so data that was
 * spooled to a temporary file need not be held in memory. */
int pg_copy_stream_atomic(const char *path, FILE *src, pg_error *err);

/* fsync of a directory, after a rename or symlink in it; best effort
 * (some file systems refuse). */
void pg_fsync_dir(const char *dir);

#endif
