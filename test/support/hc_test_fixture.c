/* Reading the recorded responses; see hc_test_fixture.h. */
#include "hc_test_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_fixture.h"

char *hc_test_fixture(const char *name, size_t *len)
{
    char *all = hc_fixture_load(name, len);
    if (!all)
        fail_msg("fixture %s: cannot be read whole, or empty", name);
    return all;
}

char *hc_test_fixture_body(const char *name, size_t *len)
{
    size_t size;
    char *all = hc_test_fixture(name, &size);
    char *body = hc_fixture_body(all);
    assert_non_null(body);
    *len = (size_t)(all + size - body);
    memmove(all, body, *len + 1);
    return all;
}
