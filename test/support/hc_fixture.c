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

char *hc_fixture_load(const char *name, size_t *len)
{
    char path[512];
    if (snprintf(path, sizeof path, "%s/%s", HC_FIXTURE_DIR, name) >= (int)sizeof path)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    long size = file_size(f);
    char *all = size > 0 ? malloc((size_t)size + 1) : NULL;
    if (all && fread(all, 1, (size_t)size, f) != (size_t)size) {
        free(all);
        all = NULL;
    }
    fclose(f);
    if (!all)
        return NULL;
    all[size] = '\0';
    *len = (size_t)size;
    return all;
}

char *hc_fixture_body(char *all)
{
    char *head_end = strstr(all, "\r\n\r\n");
    return head_end ? head_end + 4 : NULL;
}
