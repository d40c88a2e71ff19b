/* report_write.c: report directories. A new report is built completely in
 * a hidden temporary directory (each file itself written to a temporary
 * name and renamed), the directory is renamed to its final name, and only
 * then is DIR/latest switched, by renaming a fresh symlink over it. A run
 * killed at any point leaves the previous report and `latest` whole; its
 * leftovers (.tmp-* directories of dead processes) are removed by the
 * next run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "report/report_int.h"
#include "core/atomic.h"

static int mkdir_p(const char *path, pg_error *err)
{
    char *p = pg_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            pg_error_set(err, path, 0, 0, "cannot create directory '%s': %s",
                         p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    int r = 0;
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        r = pg_error_set(err, path, 0, 0, "cannot create directory '%s': %s",
                         p, strerror(errno));
    free(p);
    return r;
}

/* Removes a flat directory (report directories have no subdirectories). */
static void remove_flat_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        pg_buf f = PG_BUF_INIT;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            f.len = 0;
            pg_buf_addf(&f, "%s/%s", path, e->d_name);
            unlink(f.p);
        }
        pg_buf_release(&f);
        closedir(d);
    }
    rmdir(path);
}

/* Leftovers of runs that died: ".tmp-NAME.PID" directories and
 * ".latest.tmp.PID" links whose PID is no longer alive. */
static void clean_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    pg_buf f = PG_BUF_INIT;
    while ((e = readdir(d))) {
        int tmpdir = !strncmp(e->d_name, ".tmp-", 5);
        int tmplink = !strncmp(e->d_name, ".latest.tmp.", 12);
        if (!tmpdir && !tmplink)
            continue;
        const char *dot = strrchr(e->d_name, '.');
        char *end;
        long pid = strtol(dot + 1, &end, 10);
        if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        f.len = 0;
        pg_buf_addf(&f, "%s/%s", dir, e->d_name);
        if (tmpdir)
            remove_flat_dir(f.p);
        else
            unlink(f.p);
    }
    pg_buf_release(&f);
    closedir(d);
}

/* 1 if name is a report directory of the history layout:
 * "YYYYMMDDTHHMMSSZ-..." (the stamp sorts as time does). */
static int is_stamped(const char *name)
{
    for (int i = 0; i < 16; i++) {
        char c = name[i];
        int want_digit = i != 8 && i != 15;
        if (want_digit ? !(c >= '0' && c <= '9')
                       : c != (i == 8 ? 'T' : 'Z'))
            return 0;
    }
    return name[16] == '-';
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keeps the newest `keep` report directories of DIR (0: all), so
 * repeated runs do not pile up without bound. */
static void prune_history(const char *dir, unsigned long keep)
{
    DIR *d = keep ? opendir(dir) : NULL;
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_stamped(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            names = pg_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = pg_xstrdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    pg_buf f = PG_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i + keep < n) {
            f.len = 0;
            pg_buf_addf(&f, "%s/%s", dir, names[i]);
            remove_flat_dir(f.p);
        }
        free(names[i]);
    }
    free(names);
    pg_buf_release(&f);
}

#define FLAT_MARKER ".promgate-report"

/* 0 if path may be replaced by a flat report: absent, an empty
 * directory, or an earlier flat report; else -1 with err set. */
static int flat_replaceable(const char *path, int *exists, pg_error *err)
{
    struct stat st;
    *exists = lstat(path, &st) == 0;
    if (!*exists)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return pg_error_set(err, path, 0, 0, "'%s' exists and is not a "
                            "directory", path);
    pg_buf marker = PG_BUF_INIT;
    pg_buf_addf(&marker, "%s/" FLAT_MARKER, path);
    int ours = access(marker.p, F_OK) == 0;
    pg_buf_release(&marker);
    int empty = 1;
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && empty && (e = readdir(d)))
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    if (ours || empty)
        return 0;
    return pg_error_set(err, path, 0, 0, "'%s' is not empty and holds no "
                        "earlier report: name a new or empty directory",
                        path);
}

/* The flat layout: the report is built beside DIR and swapped in, so
 * DIR holds the old report or the new one whole. */
static int commit_flat(const char *dir,
                       int (*fill)(const char *tmp, void *ctx, pg_error *err),
                       void *ctx, char **out_dir, pg_error *err)
{
    int exists;
    if (flat_replaceable(dir, &exists, err) != 0)
        return -1;
    pg_buf tmp = PG_BUF_INIT, old = PG_BUF_INIT;
    pg_buf_addf(&tmp, "%s.tmp.%ld", dir, (long)getpid());
    pg_buf_addf(&old, "%s.old.%ld", dir, (long)getpid());
    int r = -1;
    remove_flat_dir(tmp.p);
    char *parent = pg_xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent)
        *slash = '\0';
    else
        strcpy(parent, slash ? "/" : ".");
    if (mkdir_p(parent, err) != 0)
        goto out;
    if (mkdir(tmp.p, 0755) != 0) {
        pg_error_set(err, dir, 0, 0, "cannot create directory '%s': %s",
                     tmp.p, strerror(errno));
        goto out;
    }
    if (fill(tmp.p, ctx, err) != 0 ||
        pg__report_put(tmp.p, FLAT_MARKER, "", 0, err) != 0) {
        remove_flat_dir(tmp.p);
        goto out;
    }
    pg_fsync_dir(tmp.p);
    if (exists && rename(dir, old.p) != 0) {
        pg_error_set(err, dir, 0, 0, "cannot move the earlier report '%s' "
                     "aside: %s", dir, strerror(errno));
        remove_flat_dir(tmp.p);
        goto out;
    }
    if (rename(tmp.p, dir) != 0) {
        pg_error_set(err, dir, 0, 0, "cannot rename '%s' into place: %s",
                     tmp.p, strerror(errno));
        if (exists)
            rename(old.p, dir);
        remove_flat_dir(tmp.p);
        goto out;
    }
    if (exists)
        remove_flat_dir(old.p);
    pg_fsync_dir(parent);
    if (out_dir)
        *out_dir = pg_xstrdup(dir);
    r = 0;
out:
    free(parent);
    pg_buf_release(&tmp);
    pg_buf_release(&old);
    return r;
}

int pg__report_dir_commit(const pg_report_place *where, const char *slug,
                          time_t started,
                          int (*fill)(const char *tmp, void *ctx,
                                      pg_error *err),
                          void *ctx, char **out_dir, pg_error *err)
{
    const char *dir = where->dir;
    if (!dir || !*dir)
        return pg_error_set(err, "report", 0, 0, "no report directory named");
    if (where->flat)
        return commit_flat(dir, fill, ctx, out_dir, err);
    if (mkdir_p(dir, err) != 0)
        return -1;
    clean_stale(dir);
    char stamp[32];
    pg__report_time_compact(started, stamp);
    pg_buf name = PG_BUF_INIT, final = PG_BUF_INIT, tmp = PG_BUF_INIT;
    pg_buf link = PG_BUF_INIT, latest = PG_BUF_INIT;
    int r = -1;
    /* Two runs in the same second for the same target get -2, -3... */
    for (int n = 1;; n++) {
        name.len = final.len = 0;
        pg_buf_addf(&name, "%s-%s", stamp, slug);
        if (n > 1)
            pg_buf_addf(&name, "-%d", n);
        pg_buf_addf(&final, "%s/%s", dir, name.p);
        struct stat st;
        if (lstat(final.p, &st) != 0)
            break;
    }
    pg_buf_addf(&tmp, "%s/.tmp-%s.%ld", dir, name.p, (long)getpid());
    remove_flat_dir(tmp.p);
    if (mkdir(tmp.p, 0755) != 0) {
        pg_error_set(err, dir, 0, 0, "cannot create directory '%s': %s",
                     tmp.p, strerror(errno));
        goto out;
    }
    if (fill(tmp.p, ctx, err) != 0) {
        remove_flat_dir(tmp.p);
        goto out;
    }
    pg_fsync_dir(tmp.p);
    if (rename(tmp.p, final.p) != 0) {
        pg_error_set(err, dir, 0, 0, "cannot rename '%s' into place: %s",
                     tmp.p, strerror(errno));
        remove_flat_dir(tmp.p);
        goto out;
    }
    pg_fsync_dir(dir);
    /* rename(2) replaces the old link atomically: a reader of latest sees
     * the old report or the new one, never none. */
    pg_buf_addf(&link, "%s/.latest.tmp.%ld", dir, (long)getpid());
    pg_buf_addf(&latest, "%s/latest", dir);
    unlink(link.p);
    if (symlink(name.p, link.p) != 0) {
        pg_error_set(err, dir, 0, 0, "cannot create link '%s': %s", link.p,
                     strerror(errno));
        goto out;
    }
    if (rename(link.p, latest.p) != 0) {
        pg_error_set(err, dir, 0, 0, "cannot replace '%s': %s", latest.p,
                     strerror(errno));
        unlink(link.p);
        goto out;
    }
    pg_fsync_dir(dir);
    prune_history(dir, where->keep);
    if (out_dir)
        *out_dir = pg_buf_detach(&final);
    r = 0;
out:
    pg_buf_release(&name);
    pg_buf_release(&final);
    pg_buf_release(&tmp);
    pg_buf_release(&link);
    pg_buf_release(&latest);
    return r;
}

int pg__report_put(const char *dir, const char *name, const char *data,
                   size_t len, pg_error *err)
{
    pg_buf path = PG_BUF_INIT;
    pg_buf_addf(&path, "%s/%s", dir, name);
    int r = pg_write_file_atomic(path.p, data, len, err);
    pg_buf_release(&path);
    return r;
}

int pg__report_put_str(const char *dir, const char *name, char *data,
                       pg_error *err)
{
    int r = pg__report_put(dir, name, data, strlen(data), err);
    free(data);
    return r;
}

int pg__report_copy(const pg_report_run *run, const char *dir,
                    const char *name, const char *src, int headers,
                    pg_error *err)
{
    if (!headers && !pg__report_has_secrets(run)) {
        /* Raw bytes with no secret to cut: streamed across, so a large
         * scrape is never held in memory. */
        FILE *f = fopen(src, "rb");
        if (!f)
            return pg_error_set(err, src, 0, 0, "cannot copy '%s' into the "
                                "report: %s", src, strerror(errno));
        pg_buf path = PG_BUF_INIT;
        pg_buf_addf(&path, "%s/%s", dir, name);
        int r = pg_copy_stream_atomic(path.p, f, err);
        pg_buf_release(&path);
        fclose(f);
        return r;
    }
    char *data;
    size_t len;
    pg_error rerr;
    pg_error_init(&rerr);
    if (pg_read_file(src, &data, &len, &rerr) != 0)
        return pg_error_set(err, src, 0, 0, "cannot copy '%s' into the "
                            "report: %s", src, rerr.text);
    int r;
    if (headers) {
        char *c = pg__report_clean_headers(run, data, len);
        r = pg__report_put_str(dir, name, c, err);
    } else {
        /* Raw bytes stay raw (positions in the report refer to them);
         * only literal secrets are cut out. */
        pg_buf b = PG_BUF_INIT;
        pg_buf_add(&b, data, len);
        pg__report_scrub_secrets(run, &b);
        r = pg__report_put(dir, name, b.p, b.len, err);
        pg_buf_release(&b);
    }
    free(data);
    return r;
}

struct check_fill {
    const pg_report_run *run;
};

static int readable(const char *path)
{
    return path && access(path, R_OK) == 0;
}

/* 1 if a target names a regular file (not a URL, not stdin). */
static int file_target(const char *t)
{
    struct stat st;
    return t && strcmp(t, "-") != 0 && !strstr(t, "://") &&
           stat(t, &st) == 0 && S_ISREG(st.st_mode);
}

static int fill_check(const char *tmp, void *ctx, pg_error *err)
{
    const pg_report_run *run = ((struct check_fill *)ctx)->run;
    pg_report_run copy = *run;
    pg_target_result *targets =
        pg_xcalloc(run->ntargets ? run->ntargets : 1, sizeof *targets);
    char **names = pg_xcalloc(run->ntargets ? run->ntargets : 1,
                              sizeof *names);
    int r = -1;
    pg_buf hdr = PG_BUF_INIT, hname = PG_BUF_INIT;
    for (size_t i = 0; i < run->ntargets; i++) {
        targets[i] = run->targets[i];
        const char *raw = run->targets[i].raw_path;
        /* A file target is its own raw scrape. */
        if (!raw && file_target(run->targets[i].target))
            raw = run->targets[i].target;
        if (!readable(raw))
            continue;
        pg_buf nb = PG_BUF_INIT;
        pg_buf_addf(&nb, "scrape-%zu.txt", i + 1);
        names[i] = pg_buf_detach(&nb);
        if (pg__report_copy(run, tmp, names[i], raw, 0, err) != 0)
            goto out;
        targets[i].raw_path = names[i];
        /* Response headers are saved beside the scrape, as RAW.headers
         * or, for RAW = NAME.txt, as NAME.headers. */
        hdr.len = hname.len = 0;
        pg_buf_addf(&hdr, "%s.headers", raw);
        size_t rl = strlen(raw);
        if (!readable(hdr.p) && rl > 4 && !strcmp(raw + rl - 4, ".txt")) {
            hdr.len = 0;
            pg_buf_add(&hdr, raw, rl - 4);
            pg_buf_adds(&hdr, ".headers");
        }
        pg_buf_addf(&hname, "scrape-%zu.headers.txt", i + 1);
        if (readable(hdr.p) &&
            pg__report_copy(run, tmp, hname.p, hdr.p, 1, err) != 0)
            goto out;
    }
    copy.targets = targets;
    if (readable(run->golden_path) &&
        pg__report_copy(run, tmp, "golden.json", run->golden_path, 0,
                        err) != 0)
        goto out;
    if (readable(run->baseline_path) &&
        pg__report_copy(run, tmp, "baseline.json", run->baseline_path, 0,
                        err) != 0)
        goto out;
    /* report.json last but one, report.html last: a directory that has
     * the HTML is complete (the rename makes that moot, but it keeps a
     * half-filled temporary directory easy to recognise). */
    if (pg__report_put_str(tmp, "junit.xml", pg_report_junit(&copy), err) ||
        pg__report_put_str(tmp, "report.md", pg_report_markdown(&copy),
                           err) ||
        pg__report_put_str(tmp, "report.json", pg_report_json(&copy), err) ||
        pg__report_put_str(tmp, "report.html", pg_report_html(&copy), err))
        goto out;
    r = 0;
out:
    for (size_t i = 0; i < run->ntargets; i++)
        free(names[i]);
    free(names);
    free(targets);
    pg_buf_release(&hdr);
    pg_buf_release(&hname);
    return r;
}

/* The directory slug: the first target's, "+N" more when there are more. */
/* Slug of a run's directory name. New string. */
static char *run_slug(const pg_report_run *run)
{
    char *first = pg__report_slug(run->ntargets ? run->targets[0].target
                                                : "no-target");
    if (run->ntargets <= 1)
        return first;
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "%s-and-%zu-more", first, run->ntargets - 1);
    free(first);
    return pg_buf_detach(&b);
}

int pg_report_write_check(const pg_report_place *where,
                          const pg_report_run *run, char **out_dir,
                          pg_error *err)
{
    struct check_fill ctx = { run };
    char *slug = run_slug(run);
    int r = pg__report_dir_commit(where, slug, run->started, fill_check, &ctx,
                                  out_dir, err);
    free(slug);
    return r;
}
