/* hc_jwrite: JSON objects written byte for byte, escaping, and overflow. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_jwrite.h"

static void assert_content(const hc_buf_t *b, const char *want)
{
    if (b->len != strlen(want) || memcmp(b->data, want, b->len) != 0)
        fail_msg("got  %.*s\nwant %s", (int)b->len, (const char *)b->data, want);
}

static void test_empty_object(void **state)
{
    (void)state;
    char mem[8];
    hc_buf_t b;
    hc_jwrite_t w;
    hc_buf_init(&b, mem, sizeof mem);
    hc_jwrite_begin(&w, &b);
    hc_jwrite_end(&w);
    assert_true(hc_buf_ok(&b));
    assert_content(&b, "{}");
}

static void test_all_member_kinds(void **state)
{
    (void)state;
    char mem[256];
    hc_buf_t b;
    hc_jwrite_t w;
    static const char *const unique[] = { "name", "slug" };
    hc_buf_init(&b, mem, sizeof mem);
    hc_jwrite_begin(&w, &b);
    hc_jwrite_string(&w, "name", "Backups");
    hc_jwrite_int(&w, "timeout", 3600);
    hc_jwrite_int(&w, "neg", -9223372036854775807LL - 1);
    hc_jwrite_bool(&w, "t", true);
    hc_jwrite_bool(&w, "f", false);
    hc_jwrite_strings(&w, "unique", unique, 2);
    hc_jwrite_strings(&w, "none", NULL, 0);
    hc_jwrite_string(&w, "empty", "");
    hc_jwrite_end(&w);
    assert_true(hc_buf_ok(&b));
    assert_content(&b, "{\"name\":\"Backups\",\"timeout\":3600,\"neg\":-9223372036854775808,"
                       "\"t\":true,\"f\":false,\"unique\":[\"name\",\"slug\"],\"none\":[],"
                       "\"empty\":\"\"}");
}

static void test_escaping(void **state)
{
    (void)state;
    char mem[256];
    hc_buf_t b;
    hc_jwrite_t w;
    hc_buf_init(&b, mem, sizeof mem);
    hc_jwrite_begin(&w, &b);
    hc_jwrite_string(&w, "k\"ey", "a\"b\\c/d\x01\x1f\n\r\t\b\f\x7f\xc3\xa9\xf0\x9f\x98\x80 end");
    hc_jwrite_end(&w);
    assert_true(hc_buf_ok(&b));
    assert_content(&b, "{\"k\\\"ey\":\"a\\\"b\\\\c/d\\u0001\\u001f\\u000a\\u000d\\u0009\\u0008"
                       "\\u000c\x7f\xc3\xa9\xf0\x9f\x98\x80 end\"}");
}

static void test_quoted_embedded_nul_and_runs(void **state)
{
    (void)state;
    char mem[64];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_jwrite_quoted(&b, "a\0b", 3);
    hc_jwrite_quoted(&b, "\"\"", 2);
    hc_jwrite_quoted(&b, "", 0);
    hc_jwrite_quoted(&b, NULL, 0);
    hc_jwrite_quoted(&b, "abcd", 2); /* the length ends a run of plain bytes */
    assert_true(hc_buf_ok(&b));
    assert_content(&b, "\"a\\u0000b\"\"\\\"\\\"\"\"\"\"\"\"ab\"");
}

static void test_array_items_escaped(void **state)
{
    (void)state;
    char mem[64];
    hc_buf_t b;
    hc_jwrite_t w;
    static const char *const items[] = { "x\"y", "\n" };
    hc_buf_init(&b, mem, sizeof mem);
    hc_jwrite_begin(&w, &b);
    hc_jwrite_strings(&w, "a", items, 2);
    hc_jwrite_end(&w);
    assert_content(&b, "{\"a\":[\"x\\\"y\",\"\\u000a\"]}");
}

static void test_overflow_at_every_size(void **state)
{
    (void)state;
    const char *want = "{\"name\":\"a\\\"b\",\"n\":12,\"b\":true}";
    size_t full = strlen(want);
    for (size_t cap = 0; cap <= full; cap++) {
        char mem[64];
        hc_buf_t b;
        hc_jwrite_t w;
        memset(mem, 'Z', sizeof mem);
        hc_buf_init(&b, mem, cap);
        hc_jwrite_begin(&w, &b);
        hc_jwrite_string(&w, "name", "a\"b");
        hc_jwrite_int(&w, "n", 12);
        hc_jwrite_bool(&w, "b", true);
        hc_jwrite_end(&w);
        assert_true(b.len <= cap);
        assert_int_equal(mem[cap], 'Z'); /* nothing past the capacity */
        if (cap == full) {
            assert_true(hc_buf_ok(&b));
            assert_content(&b, want);
        } else {
            assert_false(hc_buf_ok(&b));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_object),
        cmocka_unit_test(test_all_member_kinds),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_quoted_embedded_nul_and_runs),
        cmocka_unit_test(test_array_items_escaped),
        cmocka_unit_test(test_overflow_at_every_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
