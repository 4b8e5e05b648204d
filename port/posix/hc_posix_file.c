/**
 * @file hc_posix_file.c
 * @brief Atomic save and bounded load of small files: see hc_posix_file.h.
 */
#include "hc_posix_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The directory holding @p path into @p dir (PATH_MAX bytes). */
static void directory_of(const char *path, char *dir)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
}

/* The rename is durable only once the directory entry is on disk. */
static int sync_directory(const char *path)
{
    char dir[PATH_MAX];
    directory_of(path, dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int err = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return err;
}

int hc_posix_file_save(const char *path, const void *data, size_t len)
{
    char tmp[PATH_MAX];
    if (!path || (!data && len))
        return EINVAL;
    int n = snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return ENAMETOOLONG;
    int fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (fd < 0)
        return errno;
    int err = write_all(fd, data, len);
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        return err;
    }
    return sync_directory(path);
}

int hc_posix_file_load(const char *path, void *buf, size_t cap, size_t *len)
{
    if (!path || (!buf && cap) || !len)
        return EINVAL;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno;
    struct stat st;
    int err = fstat(fd, &st) != 0 ? errno : S_ISREG(st.st_mode) ? 0 : EINVAL;
    size_t got = 0;
    while (!err) {
        unsigned char extra;
        /* Once @p buf is full, one more byte tells a larger file. */
        ssize_t r = got < cap ? read(fd, (unsigned char *)buf + got, cap - got) : read(fd, &extra, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            err = errno;
        else if (r == 0)
            break;
        else if (got == cap)
            err = EFBIG;
        else
            got += (size_t)r;
    }
    close(fd);
    *len = got;
    return err;
}
