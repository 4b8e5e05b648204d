/* hc_jscan: the byte-at-a-time JSON grammar shared by the splitter and the
 * element tokenizer — what it accepts, what it refuses, the depth bound,
 * and the events it reports. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_jscan.h"

/* Run the scanner over s (n bytes); true if it is exactly one JSON value. */
static bool scan_n(const char *s, size_t n)
{
    hc_jscan_t sc;
    hc_jscan_init(&sc);
    for (size_t i = 0; i < n; i++) {
        uint8_t level;
        hc_jscan_ev_t ev = hc_jscan_step(&sc, s[i], &level);
        if (ev == HC_JSCAN_END_BEFORE)
            ev = hc_jscan_step(&sc, s[i], &level);
        if (ev == HC_JSCAN_ERROR)
            return false;
    }
    return hc_jscan_finish(&sc);
}

static bool scan(const char *s)
{
    return scan_n(s, strlen(s));
}

static void test_accepts_valid_json(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "{}", "[]", " { } ", "\t[\r\n]\n", "0", "-0", "1", "-12", "1.5", "0.25e3", "1E+2",
        "1e-2", "-0.0e0", "true", "false", "null", "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
        "\"\\u00e9\\uD83D\\uDE00\"", "\"\xc3\xa9\"", "{\"a\":1}", "{\"a\" : [1, 2.5, \"x\", true, null, {}]}",
        "[[[]]]", "[{\"a\":{\"b\":[{}]}}]", "{\"\":\"\"}", "[1,[2,[3]],4]", "{\"k\":-1}",
        "{\"a\":true,\"b\":false,\"c\":null}", "[0,-0,10,1e5]",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        if (!scan(ok[i]))
            fail_msg("refused valid JSON: %s", ok[i]);
    }
}

static void test_refuses_invalid_json(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", " ", "{", "[", "}", "]", "{]", "[}", "[1,]", "[,1]", "{\"a\":1,}", "{,}",
        "{\"a\"}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{1:2}", "{a:1}", "[1 2]", "[] []",
        "{} x", "01", "-", "1.", ".5", "1e", "1e+", "+1", "--1", "0x10", "1.5.2",
        "tru", "truex", "nul", "nulll", "True", "NULL", "[t]", "\"abc", "\"a\\\"",
        "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U1234\"", "\"a\nb\"", "\"tab\there\"",
        "\"\x01\"", "[\"a\",]", "{\"a\":}", "{\"a\"::1}", "[1]]", "[[1]", "'a'",
        "[1,,2]", "{\"a\":1}}", "[-]", "[1e5.0]", "[1true]", "[\"a\"\"b\"]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (scan(bad[i]))
            fail_msg("accepted invalid JSON: \"%s\"", bad[i]);
    }
}

static void test_nul_byte_refused(void **state)
{
    (void)state;
    assert_false(scan_n("[1]\0", 4));
    assert_false(scan_n("\"a\0b\"", 5));
    assert_false(scan_n("[\0]", 3));
}

/* n nested arrays: "[[[...]]]". */
static bool nested(size_t n)
{
    char text[2 * 40];
    assert_true(n <= 40);
    memset(text, '[', n);
    memset(text + n, ']', n);
    return scan_n(text, 2 * n);
}

static void test_depth_bound(void **state)
{
    (void)state;
    assert_true(nested(1));
    assert_true(nested(HC_JSON_MAX_DEPTH));
    assert_false(nested(HC_JSON_MAX_DEPTH + 1));
    assert_false(nested(40));
}

static void test_depth_bound_mixed_containers(void **state)
{
    (void)state;
    char text[8 * HC_JSON_MAX_DEPTH + 8];
    size_t n = 0;
    /* {"a":[{"a":[ ... alternating objects and arrays up to the bound */
    for (int d = 0; d < HC_JSON_MAX_DEPTH; d++) {
        if (d % 2 == 0) {
            memcpy(text + n, "{\"a\":", 5);
            n += 5;
        } else {
            text[n++] = '[';
        }
    }
    for (int d = HC_JSON_MAX_DEPTH - 1; d >= 0; d--)
        text[n++] = d % 2 == 0 ? '}' : ']';
    assert_true(scan_n(text, n));
}

/* The event and level for every byte of a small text. */
static void test_events(void **state)
{
    (void)state;
    const char *text = "{\"k\":[1,\"s\"]}";
    /*                 {  "  k  "  :  [  1  ,  "  s  "  ]  } */
    static const struct { hc_jscan_ev_t ev; uint8_t level; } want[] = {
        { HC_JSCAN_BEGIN, 0 },      /* { */
        { HC_JSCAN_KEY_BEGIN, 1 },  /* " */
        { HC_JSCAN_KEY_BYTE, 1 },   /* k */
        { HC_JSCAN_KEY_END, 1 },    /* " */
        { HC_JSCAN_BYTE, 1 },       /* : */
        { HC_JSCAN_BEGIN, 1 },      /* [ */
        { HC_JSCAN_BEGIN, 2 },      /* 1 */
        { HC_JSCAN_END_BEFORE, 2 }, /* , ends the number, not consumed */
        { HC_JSCAN_BYTE, 2 },       /* , again */
        { HC_JSCAN_BEGIN, 2 },      /* " */
        { HC_JSCAN_BYTE, 2 },       /* s */
        { HC_JSCAN_END, 2 },        /* " */
        { HC_JSCAN_END, 1 },        /* ] */
        { HC_JSCAN_END, 0 },        /* } */
    };
    hc_jscan_t sc;
    size_t i = 0;
    hc_jscan_init(&sc);
    for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
        uint8_t level = 99;
        hc_jscan_ev_t ev = hc_jscan_step(&sc, text[i], &level);
        assert_int_equal(ev, want[w].ev);
        assert_int_equal(level, want[w].level);
        if (ev != HC_JSCAN_END_BEFORE)
            i++;
    }
    assert_int_equal(i, strlen(text));
    assert_true(hc_jscan_finish(&sc));
}

static void test_escape_bytes_in_keys_are_key_bytes(void **state)
{
    (void)state;
    const char *text = "{\"a\\u0041\\n\":1}";
    hc_jscan_t sc;
    uint8_t level;
    size_t key_bytes = 0;
    hc_jscan_init(&sc);
    for (size_t i = 0; text[i]; i++) {
        hc_jscan_ev_t ev = hc_jscan_step(&sc, text[i], &level);
        if (ev == HC_JSCAN_END_BEFORE)
            ev = hc_jscan_step(&sc, text[i], &level);
        assert_int_not_equal(ev, HC_JSCAN_ERROR);
        if (ev == HC_JSCAN_KEY_BYTE)
            key_bytes++;
    }
    assert_int_equal(key_bytes, strlen("a\\u0041\\n"));
    assert_true(hc_jscan_finish(&sc));
}

static void test_error_is_sticky(void **state)
{
    (void)state;
    hc_jscan_t sc;
    uint8_t level;
    hc_jscan_init(&sc);
    assert_int_equal(hc_jscan_step(&sc, 'x', &level), HC_JSCAN_ERROR);
    assert_int_equal(hc_jscan_step(&sc, '{', &level), HC_JSCAN_ERROR);
    assert_int_equal(hc_jscan_step(&sc, '}', &level), HC_JSCAN_ERROR);
    assert_false(hc_jscan_finish(&sc));
}

static void test_top_level_number_ends_at_finish(void **state)
{
    (void)state;
    assert_true(scan("42"));
    assert_true(scan("42 "));
    assert_false(scan("42 43"));
    assert_true(scan("-1.5e3"));
    assert_false(scan("1e"));
}

/* The level is left alone on an error, as hc_jscan.h promises, even when
 * the byte refused is the one stepped again after a number. */
static void test_error_leaves_level(void **state)
{
    (void)state;
    static const char *const bad[] = { "9[", "[1}", "{\"a\" 1}", "tx", "\"\\q\"", "}" };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        hc_jscan_t sc;
        hc_jscan_ev_t ev = HC_JSCAN_BYTE;
        uint8_t level = 0;
        hc_jscan_init(&sc);
        for (const char *p = bad[k]; *p && ev != HC_JSCAN_ERROR; p++) {
            level = 0xEE;
            ev = hc_jscan_step(&sc, *p, &level);
            if (ev == HC_JSCAN_END_BEFORE) {
                level = 0xEE;
                ev = hc_jscan_step(&sc, *p, &level);
            }
        }
        if (ev != HC_JSCAN_ERROR || level != 0xEE)
            fail_msg("%s: event %d, level %d", bad[k], (int)ev, (int)level);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_valid_json),
        cmocka_unit_test(test_refuses_invalid_json),
        cmocka_unit_test(test_nul_byte_refused),
        cmocka_unit_test(test_depth_bound),
        cmocka_unit_test(test_depth_bound_mixed_containers),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_escape_bytes_in_keys_are_key_bytes),
        cmocka_unit_test(test_error_is_sticky),
        cmocka_unit_test(test_top_level_number_ends_at_finish),
        cmocka_unit_test(test_error_leaves_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
