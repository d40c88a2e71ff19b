/* atomic.c: whole-or-nothing file writes (see atomic.h). */
#include "core/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A new file next to path, "PATH.tmp.PID.N", that did not exist: O_EXCL
 * refuses a name that is taken (by a planted file or symlink, too) and
 * O_NOFOLLOW a symlink, so another name is tried. */
static int create_temp(const char *path, pg_buf *tmp)
{
    static unsigned counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned seed = (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 16);
    for (int tries = 0; tries < 100; tries++) {
        tmp->len = 0;
        pg_buf_addf(tmp, "%s.tmp.%ld.%u", path, (long)getpid(),
                    seed + counter++ * 2654435761u);
        int fd = open(tmp->p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                  O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

void pg_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse */
        close(fd);
    }
}

/* The directory part of path ("." when it has none). */
static void dir_of(const char *path, pg_buf *out)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        pg_buf_adds(out, ".");
    else if (slash == path)
        pg_buf_adds(out, "/");
    else
        pg_buf_add(out, path, (size_t)(slash - path));
}

static int copy_stream(int fd, FILE *src, const char *path, pg_error *err)
{
    char chunk[65536];
    size_t n;
    rewind(src);
    while ((n = fread(chunk, 1, sizeof chunk, src)) > 0)
        if (write_all(fd, chunk, n) != 0)
            return pg_error_set(err, path, 0, 0, "cannot write: %s",
                                strerror(errno));
    if (ferror(src))
        return pg_error_set(err, path, 0, 0,
                            "cannot read the data to write: %s",
                            strerror(errno));
    return 0;
}

/* Writes the file at path with data[0..len) and then, if src is not NULL,
 * with src from its start. */
static int write_atomic(const char *path, const char *data, size_t len,
                        FILE *src, pg_error *err)
{
    pg_buf tmp = PG_BUF_INIT;
    int fd = create_temp(path, &tmp);
    if (fd < 0) {
        pg_error_set(err, path, 0, 0, "cannot create '%s': %s", tmp.p,
                     strerror(errno));
        pg_buf_release(&tmp);
        return -1;
    }
    int rc = 0;
    if (write_all(fd, data, len) != 0)
        rc = pg_error_set(err, path, 0, 0, "cannot write: %s",
                          strerror(errno));
    if (rc == 0 && src)
        rc = copy_stream(fd, src, path, err);
    if (rc == 0 && fsync(fd) != 0 && errno != EINVAL)
        rc = pg_error_set(err, path, 0, 0, "cannot sync: %s",
                          strerror(errno));
    /* close can report a write the kernel could not finish (NFS, quota) */
    if (close(fd) != 0 && rc == 0)
        rc = pg_error_set(err, path, 0, 0, "cannot write: %s",
                          strerror(errno));
    if (rc == 0 && rename(tmp.p, path) != 0)
        rc = pg_error_set(err, path, 0, 0, "cannot rename into place: %s",
                          strerror(errno));
    if (rc != 0) {
        unlink(tmp.p);
    } else {
        pg_buf dir = PG_BUF_INIT;
        dir_of(path, &dir);
        pg_fsync_dir(dir.p);
        pg_buf_release(&dir);
    }
    pg_buf_release(&tmp);
    return rc;
}

int pg_write_file_atomic(const char *path, const char *data, size_t len,
                         pg_error *err)
{
    return write_atomic(path, data, len, NULL, err);
}

int pg_copy_stream_atomic(const char *path, FILE *src, pg_error *err)
{
    return write_atomic(path, "", 0, src, err);
}
