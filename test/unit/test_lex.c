/* The shared character rules (hc_lex.h): every byte value, given as an
 * unsigned char and as a plain char, against the rule written out here in
 * the plainest form, so no module's copy of a rule can drift from it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "hc_lex.h"

static bool in(int c, int lo, int hi) { return c >= lo && c <= hi; }

/* Each rule at byte @p b (0..255), from the byte's unsigned value. */
static void check_byte(int b, int as_given)
{
    int c = as_given;
    bool digit = in(b, '0', '9');
    bool lower = in(b, 'a', 'z');
    bool upper = in(b, 'A', 'Z');
    int hex = digit ? b - '0' : in(b, 'a', 'f') ? b - 'a' + 10 : in(b, 'A', 'F') ? b - 'A' + 10 : -1;
    bool tchar = b > 0x20 && b < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", b);

    if (hc_lex_is_digit(c) != digit || hc_lex_is_alpha(c) != (lower || upper) ||
        hc_lex_hex_value(c) != hex ||
        hc_lex_is_lower_hex(c) != (digit || in(b, 'a', 'f')) ||
        hc_lex_is_ctl(c) != (b < 0x20 || b == 0x7f) ||
        hc_lex_is_slug_char(c) != (lower || digit || b == '-' || b == '_'))
        fail_msg("a rule is wrong for byte 0x%02x given as %d", (unsigned)b, c);
    if (as_given == b && hc_is_tchar(c) != tchar)
        fail_msg("hc_is_tchar is wrong for byte 0x%02x", (unsigned)b);
}

static void test_every_byte_as_unsigned_char(void **state)
{
    (void)state;
    for (int b = 0; b < 256; b++)
        check_byte(b, b);
}

/* Callers hand over plain chars too: on a signed-char target bytes from
 * 0x80 come as negative values, and must count as what they are. */
static void test_every_byte_as_plain_char(void **state)
{
    (void)state;
    for (int b = 0; b < 256; b++)
        check_byte(b, (signed char)b);
}

static void test_uuid_shapes(void **state)
{
    (void)state;
    assert_true(hc_is_uuid("45c9d87e-c6e4-42c7-ba1e-921cfc827121", true));
    assert_true(hc_is_uuid("45C9D87E-C6E4-42C7-BA1E-921CFC827121", false));
    assert_false(hc_is_uuid("45C9D87E-C6E4-42C7-BA1E-921CFC827121", true));
    assert_false(hc_is_uuid("45c9d87e-c6e4-42c7-ba1e-921cfc82712", false));     /* short */
    assert_false(hc_is_uuid("45c9d87e-c6e4-42c7-ba1e-921cfc8271211", false));   /* long */
    assert_false(hc_is_uuid("45c9d87ec-6e4-42c7-ba1e-921cfc827121", false));    /* dash moved */
    assert_false(hc_is_uuid("45c9d87g-c6e4-42c7-ba1e-921cfc827121", false));    /* not hex */
    assert_false(hc_is_uuid("", false));
    assert_false(hc_is_uuid(NULL, false));
}

/* Every byte value at every position of a valid UUID. */
static void test_uuid_every_byte_everywhere(void **state)
{
    (void)state;
    static const char valid[] = "45c9d87e-c6e4-42c7-ba1e-921cfc827121";
    for (size_t pos = 0; pos < 36; pos++) {
        for (int b = 1; b < 256; b++) {
            char s[37];
            memcpy(s, valid, sizeof s);
            s[pos] = (char)b;
            bool dash = pos == 8 || pos == 13 || pos == 18 || pos == 23;
            bool lower = in(b, '0', '9') || in(b, 'a', 'f');
            bool any = lower || in(b, 'A', 'F');
            if (hc_is_uuid(s, true) != (dash ? b == '-' : lower) ||
                hc_is_uuid(s, false) != (dash ? b == '-' : any))
                fail_msg("byte 0x%02x at %zu", (unsigned)b, pos);
        }
    }
}

static void test_uuid_text(void **state)
{
    (void)state;
    static const uint8_t bytes[16] = { 0x00, 0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79,
                                       0x88, 0x97, 0xa6, 0xb5, 0xc4, 0xd3, 0xe2, 0xff };
    char out[38];
    memset(out, '#', sizeof out);
    hc_lex_uuid_text(bytes, out);
    assert_string_equal(out, "001f2e3d-4c5b-6a79-8897-a6b5c4d3e2ff");
    assert_int_equal(out[37], '#'); /* 36 characters and the NUL, nothing more */
    assert_true(hc_is_uuid(out, true));
}

static void test_header_values(void **state)
{
    (void)state;
    for (int b = 1; b < 256; b++) {
        char v[4] = { 'a', (char)b, 'z', '\0' };
        bool ok = b == '\t' || !(b < 0x20 || b == 0x7f);
        assert_int_equal(hc_check_header_value(v), ok ? HC_OK : HC_ERR_UNSAFE_CHAR);
        assert_int_equal(hc_check_header_bytes(v, 3), ok ? HC_OK : HC_ERR_UNSAFE_CHAR);
    }
    assert_err(hc_check_header_bytes("a\0z", 3), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_bytes("az", 2), HC_OK);
    assert_err(hc_check_header_bytes(NULL, 0), HC_ERR_ARG);
    assert_err(hc_check_header_value(NULL), HC_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_byte_as_unsigned_char),
        cmocka_unit_test(test_every_byte_as_plain_char),
        cmocka_unit_test(test_uuid_shapes),
        cmocka_unit_test(test_uuid_every_byte_everywhere),
        cmocka_unit_test(test_uuid_text),
        cmocka_unit_test(test_header_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
