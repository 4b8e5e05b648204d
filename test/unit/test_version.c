/* The version macros of healthchecks.h agree with each other and with the
 * build's project() version, and the umbrella header brings in every
 * module of a full build. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/healthchecks.h"

static void test_string_matches_the_numbers(void **state)
{
    (void)state;
    char s[32];
    snprintf(s, sizeof s, "%d.%d.%d", HC_VERSION_MAJOR, HC_VERSION_MINOR, HC_VERSION_PATCH);
    assert_string_equal(s, HC_VERSION_STRING);
}

static void test_matches_the_project_version(void **state)
{
    (void)state;
    assert_string_equal(HC_VERSION_STRING, HC_PROJECT_VERSION);
}

/* One symbol of each module, reached through the umbrella header alone. */
static void test_umbrella_reaches_every_module(void **state)
{
    (void)state;
    assert_int_equal(HC_WITH_MANAGEMENT, 1);
    hc_config_t cfg;
    hc_config_defaults(&cfg);
    assert_int_equal(cfg.api_version, 3);
    assert_true(hc_time_reached(5, 5));
    assert_non_null(hc_strerror(HC_ERR_ARG));
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    assert_true(tc.start_ping);
    hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = "x" };
    assert_err(hc_check_spec_validate(&spec), HC_OK);
    assert_err(hc_api_init(NULL, NULL, NULL), HC_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_matches_the_numbers),
        cmocka_unit_test(test_matches_the_project_version),
        cmocka_unit_test(test_umbrella_reaches_every_module),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
