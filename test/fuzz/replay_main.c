/* Runs a fuzz target over files, without libFuzzer: every compiler builds
 * the targets with this main, and CTest replays the seed corpus and the
 * saved regressions through them. Each argument is a file or a directory
 * (its regular files, in name order; hidden files and *.md are skipped).
 * A missing path is an error, but for a regressions/<target> folder, which
 * Git keeps only once something was found. A property violation aborts;
 * exit status 1 means an argument could not be read, a folder holds more
 * than MAX_FILES inputs, or no input was found at all. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

#define MAX_INPUT (1u << 20)  /* libFuzzer's runs stay far below this */
#define MAX_FILES 4096

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    uint8_t *buf = malloc(MAX_INPUT);
    FUZZ_CHECK(buf != NULL);
    size_t n = fread(buf, 1, MAX_INPUT, f);
    int too_big = !feof(f);
    fclose(f);
    if (too_big) {
        fprintf(stderr, "%s: larger than %u bytes\n", path, MAX_INPUT);
        free(buf);
        return -1;
    }
    uint8_t *exact = fuzz_dup(buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 1;
}

static int skipped(const char *name)
{
    size_t len = strlen(name);
    return name[0] == '.' || (len >= 3 && strcmp(name + len - 3, ".md") == 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the inputs in the open folder @p d (named @p dir), sorted,
 * into @p names (MAX_FILES entries); their number, or -1 when there are
 * more than MAX_FILES. */
static int list_inputs(DIR *d, const char *dir, char **names)
{
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (skipped(e->d_name))
            continue;
        if (n == MAX_FILES) {
            fprintf(stderr, "%s: more than %d inputs (raise MAX_FILES)\n", dir, MAX_FILES);
            for (size_t i = 0; i < n; i++)
                free(names[i]);
            return -1;
        }
        names[n] = strdup(e->d_name);
        FUZZ_CHECK(names[n] != NULL);
        n++;
    }
    qsort(names, n, sizeof *names, by_name);
    return (int)n;
}

/* Number of inputs run, or -1. */
static int run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = calloc(MAX_FILES, sizeof *names);
    FUZZ_CHECK(names != NULL);
    int n = list_inputs(d, dir, names);
    closedir(d);
    int count = n < 0 ? -1 : 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        FUZZ_CHECK(path != NULL);
        snprintf(path, len, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            int r = run_file(path);
            if (r < 0)
                count = -1;
            else if (count >= 0)
                count += r;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return count;
}

/* A regressions/<target> folder: Git keeps none until something was found,
 * so a missing one is an empty corpus. Any other missing path is a
 * mistake (a typo would otherwise replay nothing and pass). */
static int optional_path(const char *path)
{
    const char *parent = strstr(path, "/regressions/");
    return parent && !strchr(parent + strlen("/regressions/"), '/');
}

int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int r;
        if (stat(argv[i], &st) != 0) {
            if (!optional_path(argv[i])) {
                perror(argv[i]);
                return 1;
            }
            r = 0;
        } else if (S_ISDIR(st.st_mode))
            r = run_dir(argv[i]);
        else
            r = run_file(argv[i]);
        if (r < 0)
            return 1;
        total += r;
    }
    printf("%s: %d inputs replayed, every property held\n", argc ? argv[0] : "replay", total);
    return total > 0 ? 0 : 1;
}
