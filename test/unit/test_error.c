/* hc_strerror: one distinct text per code, a fixed text for anything else. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_error.h"

static const char unknown[] = "unknown error";

static void test_every_code_has_its_own_text(void **state)
{
    (void)state;
    for (int i = HC_OK; i < HC_ERR__COUNT; i++) {
        const char *text = hc_strerror((hc_err_t)i);
        if (text == NULL || text[0] == '\0' || strcmp(text, unknown) == 0)
            print_message("code %d\n", i);
        assert_non_null(text);
        assert_true(text[0] != '\0');
        assert_string_not_equal(text, unknown);
        for (int j = HC_OK; j < i; j++) {
            if (strcmp(text, hc_strerror((hc_err_t)j)) == 0)
                print_message("codes %d and %d share a text\n", j, i);
            assert_string_not_equal(text, hc_strerror((hc_err_t)j));
        }
    }
}

static void test_texts_are_stable(void **state)
{
    (void)state;
    /* the same static string every time, so callers may keep the pointer */
    assert_ptr_equal(hc_strerror(HC_ERR_URL), hc_strerror(HC_ERR_URL));
    assert_string_equal(hc_strerror(HC_OK), "success");
    assert_non_null(strstr(hc_strerror(HC_ERR_UNSAFE_CHAR), "CR"));
}

static void test_out_of_range_is_unknown(void **state)
{
    (void)state;
    static const int bad[] = { HC_ERR__COUNT, HC_ERR__COUNT + 1, 1000, INT32_MAX, -1, INT32_MIN };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *text = hc_strerror((hc_err_t)bad[i]);
        assert_non_null(text);
        assert_string_equal(text, unknown);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_has_its_own_text),
        cmocka_unit_test(test_texts_are_stable),
        cmocka_unit_test(test_out_of_range_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
