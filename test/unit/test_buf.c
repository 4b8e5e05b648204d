/* hc_buf: bounded appends, the sticky overflow flag, number formatting and
 * percent-encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_buf.h"

/* Content of @p b compared with the string @p want. */
static void assert_content(const hc_buf_t *b, const char *want)
{
    assert_int_equal(b->len, strlen(want));
    assert_memory_equal(b->data, want, b->len);
}

static void test_init(void **state)
{
    (void)state;
    char mem[4];
    hc_buf_t b;
    memset(&b, 0x5a, sizeof b);
    hc_buf_init(&b, mem, sizeof mem);
    assert_ptr_equal(b.data, mem);
    assert_int_equal(b.cap, 4);
    assert_int_equal(b.len, 0);
    assert_false(b.overflow);
    assert_true(hc_buf_ok(&b));
}

static void test_appends(void **state)
{
    (void)state;
    char mem[32];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put(&b, "GET ", 4);
    hc_buf_puts(&b, "/ping");
    hc_buf_putc(&b, '/');
    hc_buf_put(&b, "abc", 0);
    hc_buf_put(&b, NULL, 0);
    hc_buf_put_pct(&b, NULL, 0); /* nothing to read is not a missing byte */
    hc_buf_puts(&b, NULL);
    hc_buf_puts(&b, "");
    hc_buf_put(&b, "x\0y", 3); /* put copies NUL bytes like any other */
    assert_true(hc_buf_ok(&b));
    assert_int_equal(b.len, 13);
    assert_memory_equal(mem, "GET /ping/x\0y", 13);
}

static void test_exact_fit(void **state)
{
    (void)state;
    char mem[8];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_puts(&b, "1234567");
    hc_buf_putc(&b, '8');
    assert_true(hc_buf_ok(&b));
    assert_content(&b, "12345678");
    /* a zero-length append to a full buffer fits */
    hc_buf_put(&b, "", 0);
    assert_true(hc_buf_ok(&b));
    hc_buf_putc(&b, '9');
    assert_false(hc_buf_ok(&b));
    assert_content(&b, "12345678");
}

static void test_overflow_whole_or_nothing(void **state)
{
    (void)state;
    char mem[8];
    memset(mem, '#', sizeof mem);
    hc_buf_t b;
    hc_buf_init(&b, mem, 6);
    hc_buf_puts(&b, "abcd");
    hc_buf_puts(&b, "efg"); /* 7 > 6: nothing of it is written */
    assert_true(b.overflow);
    assert_content(&b, "abcd");
    assert_memory_equal(mem + 4, "####", 4);
}

static void test_overflow_is_sticky(void **state)
{
    (void)state;
    char mem[8];
    memset(mem, '#', sizeof mem);
    hc_buf_t b;
    hc_buf_init(&b, mem, 6);
    hc_buf_puts(&b, "abc");
    hc_buf_puts(&b, "defghij");
    assert_false(hc_buf_ok(&b));
    /* later appends that would fit are ignored: no hole in the content */
    hc_buf_putc(&b, 'x');
    hc_buf_puts(&b, "yz");
    hc_buf_put(&b, "", 0);
    hc_buf_put_u32(&b, 7);
    hc_buf_put_i64(&b, -7);
    hc_buf_put_pct(&b, "a", 1);
    assert_false(hc_buf_ok(&b));
    assert_content(&b, "abc");
    assert_memory_equal(mem + 3, "#####", 5);
}

static void test_zero_capacity(void **state)
{
    (void)state;
    hc_buf_t b;
    hc_buf_init(&b, NULL, 100); /* no memory means no capacity */
    assert_int_equal(b.cap, 0);
    hc_buf_put(&b, "", 0);
    assert_true(hc_buf_ok(&b));
    hc_buf_putc(&b, 'a');
    assert_false(hc_buf_ok(&b));
    assert_int_equal(b.len, 0);

    char one;
    hc_buf_init(&b, &one, 0);
    hc_buf_put_u32(&b, 0);
    assert_false(hc_buf_ok(&b));
    assert_int_equal(b.len, 0);
}

static void test_u32(void **state)
{
    (void)state;
    static const struct { uint32_t v; const char *text; } rows[] = {
        { 0u, "0" },
        { 1u, "1" },
        { 9u, "9" },
        { 10u, "10" },
        { 100u, "100" },
        { 65535u, "65535" },
        { 1000000000u, "1000000000" },
        { 4294967294u, "4294967294" },
        { UINT32_MAX, "4294967295" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char mem[16];
        hc_buf_t b;
        hc_buf_init(&b, mem, sizeof mem);
        hc_buf_putc(&b, '[');
        hc_buf_put_u32(&b, rows[i].v);
        hc_buf_putc(&b, ']');
        assert_true(hc_buf_ok(&b));
        char want[16] = "[";
        strcat(want, rows[i].text);
        strcat(want, "]");
        assert_content(&b, want);
    }
}

static void test_i64(void **state)
{
    (void)state;
    static const struct { int64_t v; const char *text; } rows[] = {
        { 0, "0" },
        { 1, "1" },
        { -1, "-1" },
        { 10, "10" },
        { -10, "-10" },
        { 1700000000, "1700000000" },
        { -1700000000, "-1700000000" },
        { (int64_t)UINT32_MAX + 1, "4294967296" },
        { INT64_MAX, "9223372036854775807" },
        { INT64_MIN + 1, "-9223372036854775807" },
        { INT64_MIN, "-9223372036854775808" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char mem[32];
        hc_buf_t b;
        hc_buf_init(&b, mem, sizeof mem);
        hc_buf_put_i64(&b, rows[i].v);
        assert_true(hc_buf_ok(&b));
        assert_content(&b, rows[i].text);
    }
}

static void test_numbers_that_do_not_fit(void **state)
{
    (void)state;
    char mem[4];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_u32(&b, 1234);
    assert_true(hc_buf_ok(&b));
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_u32(&b, 12345);
    assert_false(hc_buf_ok(&b));
    assert_int_equal(b.len, 0);

    /* "-123" fits exactly; "-1234" does not, and is flagged */
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_i64(&b, -123);
    assert_true(hc_buf_ok(&b));
    assert_content(&b, "-123");
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_i64(&b, -1234);
    assert_false(hc_buf_ok(&b));
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_i64(&b, INT64_MIN);
    assert_false(hc_buf_ok(&b));
}

/* Percent-encoding of @p n bytes of @p in, compared with @p want. */
static void assert_pct(const char *in, size_t n, const char *want)
{
    char mem[128];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_pct(&b, in, n);
    assert_true(hc_buf_ok(&b));
    assert_content(&b, want);
}

static void test_pct_table(void **state)
{
    (void)state;
    static const struct { const char *in; const char *out; } rows[] = {
        { "", "" },
        { "abcXYZ019", "abcXYZ019" },
        { "-._~", "-._~" },
        { " ", "%20" },
        { "a b", "a%20b" },
        { "&", "%26" },
        { "=", "%3D" },
        { "/", "%2F" },
        { "?", "%3F" },
        { "#", "%23" },
        { "%", "%25" },
        { "+", "%2B" },
        { "%20", "%2520" },
        { "k=v&x=y", "k%3Dv%26x%3Dy" },
        { "backup job #1", "backup%20job%20%231" },
        { "caf\xc3\xa9", "caf%C3%A9" },
        { "\xe2\x9c\x93", "%E2%9C%93" },
        { "\x80\xff", "%80%FF" },
        { "\r\n", "%0D%0A" },
        { "\t\x1f\x7f", "%09%1F%7F" },
        { "!*'();:@$,[]", "%21%2A%27%28%29%3B%3A%40%24%2C%5B%5D" },
        { "\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_pct(rows[i].in, strlen(rows[i].in), rows[i].out);
}

static void test_pct_nul_and_length(void **state)
{
    (void)state;
    assert_pct("a\0b", 3, "a%00b");
    /* only n bytes are read */
    assert_pct("abc def", 3, "abc");
    assert_pct("abc", 0, "");
}

/* Every byte value: the 66 unreserved ones pass, every other becomes %XX
 * with upper-case hex. */
static void test_pct_every_byte(void **state)
{
    (void)state;
    static const char hex[] = "0123456789ABCDEF";
    static const char unreserved[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    size_t passed = 0;
    for (unsigned c = 0; c < 256; c++) {
        const char in = (char)c;
        char mem[4];
        hc_buf_t b;
        hc_buf_init(&b, mem, sizeof mem);
        hc_buf_put_pct(&b, &in, 1);
        assert_true(hc_buf_ok(&b));
        if (c != 0 && strchr(unreserved, (int)c)) {
            passed++;
            assert_int_equal(b.len, 1);
            assert_int_equal((unsigned char)mem[0], c);
        } else {
            const char want[3] = { '%', hex[c >> 4], hex[c & 15u] };
            assert_int_equal(b.len, 3);
            assert_memory_equal(mem, want, 3);
        }
    }
    assert_int_equal(passed, 66);
}

static void test_pct_overflow_keeps_whole_escapes(void **state)
{
    (void)state;
    char mem[5];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_pct(&b, "a b c", 5); /* "a%20b" fits, "%20c" does not */
    assert_false(hc_buf_ok(&b));
    assert_content(&b, "a%20b");

    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_pct(&b, "ab  ", 4); /* the second escape would be cut: none of it lands */
    assert_false(hc_buf_ok(&b));
    assert_content(&b, "ab%20");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_exact_fit),
        cmocka_unit_test(test_overflow_whole_or_nothing),
        cmocka_unit_test(test_overflow_is_sticky),
        cmocka_unit_test(test_zero_capacity),
        cmocka_unit_test(test_u32),
        cmocka_unit_test(test_i64),
        cmocka_unit_test(test_numbers_that_do_not_fit),
        cmocka_unit_test(test_pct_table),
        cmocka_unit_test(test_pct_nul_and_length),
        cmocka_unit_test(test_pct_every_byte),
        cmocka_unit_test(test_pct_overflow_keeps_whole_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
