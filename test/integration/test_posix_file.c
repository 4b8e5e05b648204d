/* The POSIX file helper in a private temporary directory: atomic saves
 * (mode 0600, no temporary file left on success or failure), bounded
 * loads that refuse larger files and anything but a regular file. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc_posix_file.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/hc-posix-file-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[PATH_MAX];
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (rmdir(path) != 0)
            unlink(path);
    }
    if (d)
        closedir(d);
    return rmdir(dir);
}

static const char *in_dir(const char *name)
{
    static char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* Entries in the directory (temporary files included). */
static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_save_then_load(void **state)
{
    (void)state;
    const char *path = in_dir("queue");
    mode_t old = umask(0);
    assert_int_equal(hc_posix_file_save(path, "first", 5), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(hc_posix_file_save(path, "second!", 7), 0);
    char buf[16];
    size_t len = 99;
    assert_int_equal(hc_posix_file_load(path, buf, sizeof buf, &len), 0);
    assert_int_equal(len, 7);
    assert_memory_equal(buf, "second!", 7);
    assert_int_equal(entries(), 1); /* no temporary file left */

    assert_int_equal(hc_posix_file_save(path, NULL, 0), 0);
    assert_int_equal(hc_posix_file_load(path, buf, sizeof buf, &len), 0);
    assert_int_equal(len, 0);
    assert_int_equal(hc_posix_file_load(path, NULL, 0, &len), 0);
}

static void test_load_is_bounded(void **state)
{
    (void)state;
    const char *path = in_dir("eight");
    assert_int_equal(hc_posix_file_save(path, "12345678", 8), 0);
    char buf[8];
    size_t len;
    assert_int_equal(hc_posix_file_load(path, buf, 8, &len), 0);
    assert_int_equal(len, 8);
    assert_int_equal(hc_posix_file_load(path, buf, 7, &len), EFBIG);
    assert_int_equal(hc_posix_file_load(in_dir("none"), buf, 8, &len), ENOENT);

    /* a FIFO would block a reader for ever; a directory is no file */
    assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
    assert_int_equal(hc_posix_file_load(in_dir("fifo"), buf, 8, &len), EINVAL);
    assert_int_equal(mkdir(in_dir("sub"), 0700), 0);
    assert_int_equal(hc_posix_file_load(in_dir("sub"), buf, 8, &len), EINVAL);
    assert_int_equal(hc_posix_file_load(NULL, buf, 8, &len), EINVAL);
    assert_int_equal(hc_posix_file_load(path, buf, 8, NULL), EINVAL);
}

static void test_failed_save_leaves_nothing_behind(void **state)
{
    (void)state;
    /* renaming over a directory fails after the temporary file was written */
    assert_int_equal(mkdir(in_dir("taken"), 0700), 0);
    assert_int_equal(mkdir(in_dir("taken/x"), 0700), 0);
    int before = entries();
    int err = hc_posix_file_save(in_dir("taken"), "data", 4);
    assert_true(err == EISDIR || err == ENOTEMPTY || err == EEXIST);
    assert_int_equal(entries(), before);
    rmdir(in_dir("taken/x"));

    assert_int_equal(hc_posix_file_save(in_dir("missing/queue"), "data", 4), ENOENT);
    assert_int_equal(entries(), before);
    static char long_path[PATH_MAX + 16];
    memset(long_path, 'a', sizeof long_path - 1);
    assert_int_equal(hc_posix_file_save(long_path, "data", 4), ENAMETOOLONG);
    assert_int_equal(hc_posix_file_save(NULL, "data", 4), EINVAL);
    assert_int_equal(hc_posix_file_save(in_dir("q"), NULL, 4), EINVAL);

    /* a relative path: its directory is the current one */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(hc_posix_file_save("relative", "r", 1), 0);
    assert_int_equal(chdir(cwd), 0);
    size_t len;
    char buf[4];
    assert_int_equal(hc_posix_file_load(in_dir("relative"), buf, sizeof buf, &len), 0);
    assert_int_equal(len, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_save_then_load, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_load_is_bounded, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_failed_save_leaves_nothing_behind, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
