/* Reading the recorded responses; see hc_test_fixture.h. */
#include "hc_test_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

char *hc_test_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/healthchecks-3.0.1/%s", HC_TEST_FIXTURES, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    char *all = malloc((size_t)size + 1);
    assert_non_null(all);
    assert_int_equal(fread(all, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    all[size] = '\0';
    *len = (size_t)size;
    return all;
}

char *hc_test_fixture_body(const char *name, size_t *len)
{
    size_t size;
    char *all = hc_test_fixture(name, &size);
    char *body = strstr(all, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    *len = (size_t)(all + size - body);
    memmove(all, body, *len + 1);
    return all;
}
