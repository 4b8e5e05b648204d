/* Reading the recorded responses; see hc_fixture.h. */
#include "hc_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The size of the open file @p f, rewound; -1 when it cannot be told. */
static long file_size(FILE *f)
{
    if (fseek(f, 0, SEEK_END) != 0)
        return -1;
    long size = ftell(f);
    rewind(f);
    return size;
}

static void unreadable(const char *name, const char *why)
{
    fprintf(stderr, "fixture %s/%s: %s\n", HC_FIXTURE_DIR, name, why);
    exit(1);
}

char *hc_fixture_load(const char *name, size_t *len)
{
    char path[512];
    if (snprintf(path, sizeof path, "%s/%s", HC_FIXTURE_DIR, name) >= (int)sizeof path)
        unreadable(name, "path too long");
    FILE *f = fopen(path, "rb");
    if (!f)
        unreadable(name, "cannot be opened");
    long size = file_size(f);
    char *all = size > 0 ? malloc((size_t)size + 1) : NULL;
    if (all && fread(all, 1, (size_t)size, f) != (size_t)size) {
        free(all);
        all = NULL;
    }
    fclose(f);
    if (!all)
        unreadable(name, "cannot be read whole, or empty");
    all[size] = '\0';
    *len = (size_t)size;
    return all;
}

char *hc_fixture_load_body(const char *name, size_t *len)
{
    size_t size;
    char *all = hc_fixture_load(name, &size);
    char *body = hc_fixture_body(all);
    if (!body)
        unreadable(name, "no blank line ends its head");
    *len = (size_t)(all + size - body);
    memmove(all, body, *len + 1);
    return all;
}

char *hc_fixture_body(char *all)
{
    char *head_end = strstr(all, "\r\n\r\n");
    return head_end ? head_end + 4 : NULL;
}
