/* filefeed.c: see filefeed.h. */
#include "source/filefeed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Small enough to stay in a 512 KiB L2 cache between read(2) filling it
 * and the parser scanning it; large enough that the system calls are a
 * small share of the time (doc/bench.md). */
#ifndef PG_FEED_WINDOW
#define PG_FEED_WINDOW (256u << 10)
#endif

enum pg_format pg_file_format(int fd)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
        return PG_FORMAT_AUTO;
    char buf[64];
    off_t n = st.st_size < (off_t)sizeof buf ? st.st_size : (off_t)sizeof buf;
    if (n == 0)
        return PG_FORMAT_PROM;
    if (pread(fd, buf, (size_t)n, st.st_size - n) != n)
        return PG_FORMAT_AUTO;
    return pg_format_from_tail(buf, (size_t)n);
}

/* read(2) that retries after a signal. */
static ssize_t read_some(int fd, char *buf, size_t len)
{
    ssize_t n;
    do
        n = read(fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n;
}

int pg_file_feed(int fd, const char *source, pg_file_chunk_fn fn, void *ctx,
                 pg_error *err)
{
    struct stat st;
    if (fstat(fd, &st))
        return pg_error_set(err, source, 0, 0, "cannot read: %s",
                            strerror(errno));
    /* A regular file must deliver the size it had at the start: one that
     * comes up short was truncated while being read, and a verdict on
     * part of it would be wrong. (A mapping would die of SIGBUS here.) */
    off_t want = S_ISREG(st.st_mode) ? st.st_size - lseek(fd, 0, SEEK_CUR) : -1;
    char *buf = pg_xmalloc(PG_FEED_WINDOW);
    uint64_t got = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = read_some(fd, buf, PG_FEED_WINDOW);
        if (n < 0) {
            rc = pg_error_set(err, source, 0, 0, "cannot read: %s",
                              strerror(errno));
            break;
        }
        if (n == 0) {
            if (want > 0 && got < (uint64_t)want)
                rc = pg_error_set(err, source, 0, 0,
                                  "cannot read: file shrank while being read "
                                  "(%llu of %llu bytes)", (unsigned long long)got,
                                  (unsigned long long)want);
            break;
        }
        got += (uint64_t)n;
        if (fn(ctx, buf, (size_t)n)) {
            rc = 1;
            break;
        }
    }
    free(buf);
    return rc;
}
