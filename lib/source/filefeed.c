/* filefeed.c: see filefeed.h. */
#include "source/filefeed.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAP_WINDOW (8u << 20)

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
    size_t len = (size_t)n;
    if (buf[len - 1] == '\n')
        len--;
    if (len >= 5 && !memcmp(buf + len - 5, "# EOF", 5) &&
        (len == 5 || buf[len - 6] == '\n'))
        return PG_FORMAT_OPENMETRICS;
    return PG_FORMAT_PROM;
}

int pg_file_feed(int fd, pg_file_chunk_fn fn, void *ctx)
{
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return -1;
    size_t size = (size_t)st.st_size;
    char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return -1;
    madvise(map, size, MADV_SEQUENTIAL);
    int stopped = 0;
    for (size_t pos = 0; pos < size && !stopped; pos += MAP_WINDOW) {
        size_t n = size - pos < MAP_WINDOW ? size - pos : MAP_WINDOW;
        stopped = fn(ctx, map + pos, n) != 0;
        madvise(map + pos, n, MADV_DONTNEED);
    }
    munmap(map, size);
    return stopped;
}
