/* hc_json: tokenizing one element, finding members, and decoding strings
 * (every escape, surrogates, truncation on a character boundary), integers,
 * fixed-point numbers, booleans, null and ISO 8601 times. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_json.h"

/* A parsed element over a heap copy of exactly its bytes (so a sanitizer
 * build catches overreads). */
typedef struct {
    char *text;
    jsmntok_t tok[64];
    hc_json_t doc;
} parsed_t;

static hc_err_t parse(parsed_t *p, const char *text)
{
    size_t n = strlen(text);
    p->text = malloc(n ? n : 1);
    assert_non_null(p->text);
    memcpy(p->text, text, n);
    return hc_json_parse(&p->doc, p->text, n, p->tok, 64);
}

static void parsed_free(parsed_t *p)
{
    free(p->text);
}

/* Parse {"v": <value>} and return the value's token. */
static int value_of(parsed_t *p, const char *value)
{
    char text[512];
    snprintf(text, sizeof text, "{\"v\": %s}", value);
    assert_err(parse(p, text), HC_OK);
    int i = hc_json_find(&p->doc, 0, "v");
    assert_int_equal(i, 2);
    return i;
}

/* --------------------------------------------------------------- parsing */

static void test_parse_and_find(void **state)
{
    (void)state;
    parsed_t p;
    assert_int_equal(parse(&p, " {\"a\": 1, \"b\": {\"c\": [1, {\"d\": 2}], \"e\": \"x\"}, \"f\": [], \"a\": 3} "),
                     HC_OK);
    assert_int_equal(p.doc.tok[0].type, JSMN_OBJECT);
    int b = hc_json_find(&p.doc, 0, "b");
    assert_true(b > 0);
    assert_int_equal(p.doc.tok[b].type, JSMN_OBJECT);
    int e = hc_json_find(&p.doc, b, "e");
    assert_true(hc_json_eq(&p.doc, e, "x"));
    int f = hc_json_find(&p.doc, 0, "f");
    assert_int_equal(p.doc.tok[f].type, JSMN_ARRAY);
    assert_int_equal(hc_json_find(&p.doc, 0, "d"), -1);     /* only direct members */
    assert_int_equal(hc_json_find(&p.doc, 0, "zz"), -1);
    assert_int_equal(hc_json_find(&p.doc, f, "a"), -1);     /* not an object */
    assert_int_equal(hc_json_find(&p.doc, 99, "a"), -1);
    int64_t v;
    assert_err(hc_json_int(&p.doc, hc_json_find(&p.doc, 0, "a"), 0, 10, &v), HC_OK);
    assert_int_equal(v, 3);                                 /* the last duplicate wins */
    assert_int_equal(hc_json_next(&p.doc, 0), p.doc.n);
    assert_int_equal(hc_json_next(&p.doc, b), f - 1);       /* skips b's subtree to key "f" */
    parsed_free(&p);
}

/* Token access stays inside the element: an index before the first or at
 * the end names nothing, even where the token array holds more (here a
 * leftover that would read as "1"); a name matches whole; find looks only
 * at an object's own members. */
static void test_token_access_edges(void **state)
{
    (void)state;
    jsmntok_t tok[4];
    hc_json_t doc;
    assert_err(hc_json_parse(&doc, "1", 1, tok, 4), HC_OK);
    assert_int_equal(doc.n, 1);
    tok[1] = tok[0];
    assert_true(hc_json_eq(&doc, 0, "1"));
    assert_false(hc_json_eq(&doc, 1, "1"));
    assert_false(hc_json_eq(&doc, -1, ""));
    assert_false(hc_json_eq(&doc, 1, ""));
    assert_false(hc_json_is_null(&doc, -1));
    assert_int_equal(hc_json_next(&doc, 1), 1);
    char out[4];
    bool cut;
    assert_err(hc_json_string(&doc, 1, out, sizeof out, &cut), HC_ERR_JSON);

    parsed_t p;
    assert_err(parse(&p, "[{\"ab\": 1}, \"b\", 2, \"ab\"]"), HC_OK);
    assert_false(hc_json_eq(&p.doc, 2, "abc"));
    assert_false(hc_json_eq(&p.doc, 2, "a"));
    assert_true(hc_json_eq(&p.doc, 2, "ab"));
    assert_int_equal(hc_json_find(&p.doc, 1, "ab"), 3);
    assert_int_equal(hc_json_find(&p.doc, 1, "b"), -1);   /* after the object */
    assert_int_equal(hc_json_find(&p.doc, 0, "b"), -1);   /* an array has no members */
    parsed_free(&p);

    /* the token count is an int: more is an argument error, INT_MAX is not */
    assert_err(hc_json_parse(&doc, "1", 1, tok, (unsigned)INT_MAX + 1u), HC_ERR_ARG);
    assert_err(hc_json_parse(&doc, "1", 1, tok, INT_MAX), HC_OK);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parsed_t p;
    jsmntok_t tok[4];
    hc_json_t doc;
    assert_int_equal(parse(&p, "{\"a\": 1 \"b\": 2}"), HC_ERR_JSON); /* jsmn alone accepts this */
    parsed_free(&p);
    assert_err(parse(&p, "{\"a\": [1, 2}"), HC_ERR_JSON);
    parsed_free(&p);
    assert_err(parse(&p, "{\"a\": 1} {}"), HC_ERR_JSON);
    parsed_free(&p);
    assert_err(parse(&p, ""), HC_ERR_JSON);
    parsed_free(&p);
    assert_err(parse(&p, "{\"a\": \"\\q\"}"), HC_ERR_JSON);
    parsed_free(&p);
    /* too few tokens: 5 are needed */
    assert_err(hc_json_parse(&doc, "{\"a\":[1,2]}", 11, tok, 4), HC_ERR_JSON_TOO_LARGE);
    assert_err(hc_json_parse(&doc, "{\"a\":[1]}", 9, tok, 4), HC_OK);
    assert_int_equal(doc.n, 4);
    assert_err(hc_json_parse(&doc, "{}", 2, tok, 0), HC_ERR_ARG);
    assert_err(hc_json_parse(&doc, NULL, 2, tok, 4), HC_ERR_ARG);
    assert_err(hc_json_parse(NULL, "{}", 2, tok, 4), HC_ERR_ARG);
}

static void test_parse_depth_bound(void **state)
{
    (void)state;
    char text[2 * (HC_JSON_MAX_DEPTH + 1)];
    jsmntok_t tok[HC_JSON_MAX_DEPTH + 1];
    hc_json_t doc;
    memset(text, '[', HC_JSON_MAX_DEPTH + 1);
    memset(text + HC_JSON_MAX_DEPTH + 1, ']', HC_JSON_MAX_DEPTH + 1);
    assert_int_equal(hc_json_parse(&doc, text + 1, 2 * HC_JSON_MAX_DEPTH, tok, HC_JSON_MAX_DEPTH + 1),
                     HC_OK);
    assert_err(hc_json_parse(&doc, text, sizeof text, tok, HC_JSON_MAX_DEPTH + 1), HC_ERR_JSON);
}

static void test_top_level_scalar(void **state)
{
    (void)state;
    parsed_t p;
    int64_t v;
    assert_err(parse(&p, "42"), HC_OK);
    assert_err(hc_json_int(&p.doc, 0, 0, 100, &v), HC_OK);
    assert_int_equal(v, 42);
    parsed_free(&p);
}

/* --------------------------------------------------------------- strings */

static hc_err_t decode(const char *json_value, char *out, size_t cap, bool *cut)
{
    parsed_t p;
    int i = value_of(&p, json_value);
    hc_err_t err = hc_json_string(&p.doc, i, out, cap, cut);
    parsed_free(&p);
    return err;
}

static void test_string_escapes(void **state)
{
    (void)state;
    char out[64];
    bool cut = true;
    assert_err(decode("\"plain\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "plain");
    assert_false(cut);
    assert_err(decode("\"\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "\" \\ / \b\f\n\r\t");
    assert_err(decode("\"\\u0041\\u00e9\\u00E9\\u20ac\\uffff\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "A\xc3\xa9\xc3\xa9\xe2\x82\xac\xef\xbf\xbf");
    /* a surrogate pair: U+1F600 */
    assert_err(decode("\"\\ud83d\\ude00!\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "\xf0\x9f\x98\x80!");
    /* U+10FFFF, the last code point */
    assert_err(decode("\"\\uDBFF\\uDFFF\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "\xf4\x8f\xbf\xbf");
    /* raw UTF-8 passes through */
    assert_err(decode("\"Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80");
    assert_err(decode("\"\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "");
}

static void test_string_invalid(void **state)
{
    (void)state;
    char out[64];
    bool cut;
    /* lone and misordered surrogates */
    assert_err(decode("\"\\ud83d\"", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("\"\\ud83dx\"", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("\"\\ud83d\\n\"", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("\"\\ud83d\\u0041\"", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("\"\\ud83d\\ud83d\"", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("\"\\ude00\"", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("\"\\ude00\\ud83d\"", out, sizeof out, &cut), HC_ERR_JSON);
    /* NUL cannot live in a C string */
    assert_err(decode("\"a\\u0000b\"", out, sizeof out, &cut), HC_ERR_JSON);
    /* malformed raw UTF-8 */
    assert_err(decode("\"\xc3\"", out, sizeof out, &cut), HC_ERR_JSON);
    assert_int_equal(decode("\"\xc0\xaf\"", out, sizeof out, &cut), HC_ERR_JSON);      /* overlong */
    assert_int_equal(decode("\"\xed\xa0\x80\"", out, sizeof out, &cut), HC_ERR_JSON);  /* surrogate */
    assert_int_equal(decode("\"\xf4\x90\x80\x80\"", out, sizeof out, &cut), HC_ERR_JSON); /* > U+10FFFF */
    assert_err(decode("\"\x80\"", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("\"\xff\"", out, sizeof out, &cut), HC_ERR_JSON);
    /* not a string */
    assert_err(decode("12", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("null", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("{}", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("[\"a\"]", out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(decode("\"a\"", out, 0, &cut), HC_ERR_ARG);
}

static void test_unescape_raw_errors(void **state)
{
    (void)state;
    char out[16];
    bool cut;
    /* hc_json_unescape() may see unchecked text: every escape is checked */
    assert_err(hc_json_unescape("\\", 1, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("\\x", 2, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("\\u12", 4, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("\\u12g4", 6, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("\\ud83d\\ude0", 11, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("a\"b", 3, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("a\nb", 3, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("a\0b", 3, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("\\x1234", 6, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("\\\0", 2, out, sizeof out, &cut), HC_ERR_JSON);
    /* an escape that ends the text */
    assert_err(hc_json_unescape("\\t", 2, out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "\t");
    assert_err(hc_json_unescape("a\\/", 3, out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "a/");
    /* the length is the end, even inside a run of plain ASCII */
    assert_err(hc_json_unescape("abcd", 2, out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "ab");
    /* the last control byte raw */
    assert_err(hc_json_unescape("a\x1f", 2, out, sizeof out, &cut), HC_ERR_JSON);
    assert_err(hc_json_unescape("ab\\u00e9", 8, out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "ab\xc3\xa9");
    assert_err(hc_json_unescape(NULL, 0, out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "");
}

static void test_string_truncation(void **state)
{
    (void)state;
    char out[8];
    bool cut = false;
    memset(out, 'Z', sizeof out);
    assert_int_equal(decode("\"abcdefg\"", out, sizeof out, &cut), HC_OK);   /* 7 fit */
    assert_string_equal(out, "abcdefg");
    assert_false(cut);
    assert_int_equal(decode("\"abcdefgh\"", out, sizeof out, &cut), HC_OK);  /* 8 do not */
    assert_string_equal(out, "abcdefg");
    assert_true(cut);
    /* "abcde" + 3-byte euro: 8 bytes, cut before the euro, never inside it */
    assert_err(decode("\"abcde\xe2\x82\xac\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "abcde");
    assert_true(cut);
    assert_err(decode("\"abcde\\u20ac\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "abcde");
    assert_true(cut);
    /* a 4-byte character from a surrogate pair */
    assert_err(decode("\"abcd\\ud83d\\ude00\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "abcd");
    assert_true(cut);
    assert_err(decode("\"abc\\ud83d\\ude00\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "abc\xf0\x9f\x98\x80");
    assert_false(cut);
    /* nothing after the cut comes back, even a character that would fit */
    assert_err(decode("\"abcdef\xc3\xa9z\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "abcdef");
    assert_true(cut);
    /* a smaller character after the cut stays out too, though it would fit */
    assert_err(decode("\"abcde\xe2\x82\xac\xc3\xa9\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "abcde");
    assert_true(cut);
    assert_err(decode("\"abcde\\u20ac\\u00e9\"", out, sizeof out, &cut), HC_OK);
    assert_string_equal(out, "abcde");
    assert_true(cut);
    /* the text past the cut is still checked */
    assert_err(decode("\"abcdefghij\\ud800\"", out, sizeof out, &cut), HC_ERR_JSON);
    /* one byte holds only the NUL */
    assert_err(decode("\"a\"", out, 1, &cut), HC_OK);
    assert_string_equal(out, "");
    assert_true(cut);
    assert_err(decode("\"\"", out, 1, NULL), HC_OK);
}

/* --------------------------------------------------------------- numbers */

static hc_err_t int_of(const char *json, int64_t min, int64_t max, int64_t *v)
{
    parsed_t p;
    int i = value_of(&p, json);
    hc_err_t err = hc_json_int(&p.doc, i, min, max, v);
    parsed_free(&p);
    return err;
}

static void test_integers(void **state)
{
    (void)state;
    int64_t v;
    assert_err(int_of("0", INT64_MIN, INT64_MAX, &v), HC_OK);
    assert_int_equal(v, 0);
    assert_err(int_of("-0", INT64_MIN, INT64_MAX, &v), HC_OK);
    assert_int_equal(v, 0);
    assert_err(int_of("31536000", 0, UINT32_MAX, &v), HC_OK);
    assert_int_equal(v, 31536000);
    assert_err(int_of("4294967295", 0, UINT32_MAX, &v), HC_OK);
    assert_int_equal(v, 4294967295LL);
    assert_err(int_of("4294967296", 0, UINT32_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("-1", 0, UINT32_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("9223372036854775807", INT64_MIN, INT64_MAX, &v), HC_OK);
    assert_true(v == INT64_MAX);
    assert_err(int_of("-9223372036854775808", INT64_MIN, INT64_MAX, &v), HC_OK);
    assert_true(v == INT64_MIN);
    /* huge numbers are refused, never clamped */
    assert_err(int_of("9223372036854775808", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("-9223372036854775809", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("18446744073709551616", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("123456789012345678901234567890", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    /* not integers */
    assert_err(int_of("1.0", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("1e3", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("\"5\"", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("true", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("null", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
    assert_err(int_of("[1]", INT64_MIN, INT64_MAX, &v), HC_ERR_JSON);
}

static hc_err_t fixed_of(const char *json, unsigned decimals, int64_t *v)
{
    parsed_t p;
    int i = value_of(&p, json);
    hc_err_t err = hc_json_fixed(&p.doc, i, decimals, INT64_MIN, INT64_MAX, v);
    parsed_free(&p);
    return err;
}

static void test_fixed_point(void **state)
{
    (void)state;
    static const struct { const char *json; unsigned dec; int64_t want; } ok[] = {
        { "2.896736", 3, 2897 }, { "1.143493", 3, 1143 }, { "0.034016", 3, 34 },
        { "0.0005", 3, 1 }, { "0.0004999", 3, 0 }, { "-0.0005", 3, -1 }, { "-2.5", 0, -3 },
        { "2.5", 0, 3 }, { "2.4999", 0, 2 }, { "7", 3, 7000 }, { "0", 3, 0 }, { "-0.0", 3, 0 },
        { "1.5e3", 0, 1500 }, { "15e-1", 3, 1500 }, { "1E+2", 1, 1000 }, { "123e-5", 3, 1 },
        { "1e-30", 3, 0 }, { "0e999999", 3, 0 }, { "0.000000000000000000000000001e30", 0, 1000 },
        { "9223372036854775.807", 3, INT64_MAX }, { "-9223372036854775.808", 3, INT64_MIN },
        { "1.23456789", 9, 1234567890 }, { "31536000", 0, 31536000 },
        /* 19 digits 21 places down are under a half: 0, however many places */
        { "9999999999999999999e-21", 0, 0 }, { "9999999999999999999e-40", 0, 0 },
        /* scaled up to the limit exactly, and past a tenth of it on the way */
        { "922337203685477580e1", 0, 9223372036854775800LL }, { "9e18", 0, 9000000000000000000LL },
        { "-9e18", 0, -9000000000000000000LL },
    };
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
        int64_t v = 0;
        if (fixed_of(ok[k].json, ok[k].dec, &v) != HC_OK || v != ok[k].want)
            fail_msg("%s with %u decimals gave %lld", ok[k].json, ok[k].dec, (long long)v);
    }
    int64_t v;
    assert_err(fixed_of("1e19", 0, &v), HC_ERR_JSON);
    assert_err(fixed_of("12345678901234567890123", 0, &v), HC_ERR_JSON);
    assert_err(fixed_of("1e99999999", 0, &v), HC_ERR_JSON);
    assert_err(fixed_of("9223372036854775.808", 3, &v), HC_ERR_JSON);
    assert_err(fixed_of("\"1.5\"", 3, &v), HC_ERR_JSON);
    assert_err(fixed_of("false", 3, &v), HC_ERR_JSON);
    assert_err(fixed_of("1.5", 10, &v), HC_ERR_JSON);
    /* range limits apply to the scaled value */
    parsed_t p;
    int i = value_of(&p, "4294967.2954");
    assert_err(hc_json_fixed(&p.doc, i, 3, 0, UINT32_MAX, &v), HC_OK);
    assert_int_equal(v, 4294967296LL - 1);
    parsed_free(&p);
    i = value_of(&p, "4294967.2955"); /* rounds up past the limit */
    assert_err(hc_json_fixed(&p.doc, i, 3, 0, UINT32_MAX, &v), HC_ERR_JSON);
    parsed_free(&p);
    i = value_of(&p, "-0.001");
    assert_err(hc_json_fixed(&p.doc, i, 3, 0, UINT32_MAX, &v), HC_ERR_JSON);
    parsed_free(&p);
}

/* "0.<zeros>1e<exp>": a fraction whose one significant digit follows
 * @p zeros zeros, decoded with 0 decimals. */
static hc_err_t long_fraction(size_t zeros, const char *exp, int64_t *v)
{
    size_t n = 2 + zeros + 1 + 1 + strlen(exp);
    char *text = malloc(n);
    jsmntok_t tok[1];
    hc_json_t doc;
    assert_non_null(text);
    memcpy(text, "0.", 2);
    memset(text + 2, '0', zeros);
    text[2 + zeros] = '1';
    text[3 + zeros] = 'e';
    memcpy(text + 4 + zeros, exp, strlen(exp));
    assert_err(hc_json_parse(&doc, text, n, tok, 1), HC_OK);
    hc_err_t err = hc_json_fixed(&doc, 0, 0, INT64_MIN, INT64_MAX, v);
    free(text);
    return err;
}

/* However many digits a fraction has, its exponent is honoured in full:
 * neither the count of its digits nor the exponent stops short. */
static void test_long_fraction_and_exponent(void **state)
{
    (void)state;
    static const struct { size_t zeros; const char *exp; hc_err_t err; int64_t want; } cases[] = {
        { 100000, "100001", HC_OK, 1 },
        { 100000, "100019", HC_OK, 1000000000000000000LL },
        { 100000, "100020", HC_ERR_JSON, 0 },
        { 100000, "100000", HC_OK, 0 },           /* 0.1 rounds to 0 */
        { 1000000, "1000001", HC_OK, 1 },
        { 1000000, "1000002", HC_OK, 10 },
        { 10, "99999999999999999999", HC_ERR_JSON, 0 },
        { 10, "-99999999999999999999", HC_OK, 0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        int64_t v = -7;
        hc_err_t err = long_fraction(cases[k].zeros, cases[k].exp, &v);
        if (err != cases[k].err || (err == HC_OK && v != cases[k].want))
            fail_msg("%zu zeros, e%s: %s, %lld", cases[k].zeros, cases[k].exp, hc_strerror(err),
                     (long long)v);
    }
}

static void test_bool_and_null(void **state)
{
    (void)state;
    parsed_t p;
    bool b = false;
    assert_err(parse(&p, "{\"t\": true, \"f\": false, \"n\": null, \"s\": \"true\", \"i\": 1}"), HC_OK);
    assert_err(hc_json_bool(&p.doc, hc_json_find(&p.doc, 0, "t"), &b), HC_OK);
    assert_true(b);
    assert_err(hc_json_bool(&p.doc, hc_json_find(&p.doc, 0, "f"), &b), HC_OK);
    assert_false(b);
    assert_err(hc_json_bool(&p.doc, hc_json_find(&p.doc, 0, "n"), &b), HC_ERR_JSON);
    assert_err(hc_json_bool(&p.doc, hc_json_find(&p.doc, 0, "s"), &b), HC_ERR_JSON);
    assert_err(hc_json_bool(&p.doc, hc_json_find(&p.doc, 0, "i"), &b), HC_ERR_JSON);
    assert_err(hc_json_bool(&p.doc, -1, &b), HC_ERR_JSON);
    assert_true(hc_json_is_null(&p.doc, hc_json_find(&p.doc, 0, "n")));
    assert_false(hc_json_is_null(&p.doc, hc_json_find(&p.doc, 0, "t")));
    assert_false(hc_json_is_null(&p.doc, -1));
    parsed_free(&p);
    /* the string "null" is not null */
    assert_err(parse(&p, "{\"n\": \"null\"}"), HC_OK);
    assert_false(hc_json_is_null(&p.doc, 2));
    parsed_free(&p);
}

/* ------------------------------------------------------------------ time */

static hc_err_t when(const char *s, int64_t *t)
{
    return hc_json_parse_time(s, strlen(s), t);
}

static void test_time_valid(void **state)
{
    (void)state;
    static const struct { const char *s; int64_t t; } ok[] = {
        { "1970-01-01T00:00:00+00:00", 0 },
        { "1970-01-01T00:00:00Z", 0 },
        { "2020-03-23T10:19:32+00:00", 1584958772 },
        { "2020-06-09T14:51:06.113073+00:00", 1591714266 },
        { "2026-11-26T13:25:15.457477+00:00", 1795699515 },
        { "2020-03-23T12:19:32+02:00", 1584958772 },
        { "2020-03-23T04:49:32-05:30", 1584958772 },
        { "2020-03-23t10:19:32z", 1584958772 },
        { "2020-03-23T10:19:32.9Z", 1584958772 },
        { "1969-12-31T23:59:59Z", -1 },
        { "1900-01-01T00:00:00Z", -2208988800LL },
        { "0000-03-01T00:00:00Z", -62162035200LL },
        { "2000-02-29T00:00:00Z", 951782400 },
        { "2024-02-29T23:59:59Z", 1709251199 },
        { "2038-01-19T03:14:08Z", 2147483648LL },
        { "9999-12-31T23:59:59Z", 253402300799LL },
        { "2016-12-31T23:59:60Z", 1483228800 },       /* leap second */
        { "2020-01-01T00:00:00+23:59", 1577750460 },
    };
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
        int64_t t = 12345;
        if (when(ok[k].s, &t) != HC_OK || t != ok[k].t)
            fail_msg("%s gave %lld", ok[k].s, (long long)t);
    }
}

static void test_time_microseconds(void **state)
{
    (void)state;
    static const struct { const char *s; uint32_t us; } ok[] = {
        { "2020-06-09T14:51:06+00:00", 0 },
        { "2020-06-09T14:51:06.113073+00:00", 113073 },
        { "2020-06-09T14:51:06.9Z", 900000 },
        { "2020-06-09T14:51:06.000001Z", 1 },
        { "2020-06-09T14:51:06.9999999Z", 999999 },  /* dropped, never rounded up */
        { "2020-06-09T14:51:06.12345678901234567890Z", 123456 },
    };
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
        int64_t t = 0;
        uint32_t us = 7;
        if (hc_json_parse_time_us(ok[k].s, strlen(ok[k].s), &t, &us) != HC_OK ||
            t != 1591714266 || us != ok[k].us)
            fail_msg("%s gave %lld + %u us", ok[k].s, (long long)t, (unsigned)us);
    }
    int64_t t = 5;
    uint32_t us = 7;
    assert_int_equal(hc_json_parse_time_us("2020-06-09T14:51:06.Z", 21, &t, &us), HC_ERR_JSON);
    assert_true(t == 5 && us == 7);  /* untouched on error */
    parsed_t p;
    assert_int_equal(parse(&p, "{\"t\": \"2020-06-09T14:51:06.25Z\", \"n\": 1}"), HC_OK);
    assert_int_equal(hc_json_time_us(&p.doc, 2, &t, &us), HC_OK);
    assert_true(t == 1591714266 && us == 250000);
    assert_int_equal(hc_json_time_us(&p.doc, 4, &t, &us), HC_ERR_JSON);  /* a number */
    parsed_free(&p);
}

static void test_time_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "2020-03-23", "2020-03-23T10:19:32", "2020-03-23T10:19:32+00", "2020-03-23T10:19:32+0000",
        "2020-03-23 10:19:32Z", "2020-3-23T10:19:32Z", "2020-13-01T00:00:00Z", "2020-00-01T00:00:00Z",
        "2020-01-00T00:00:00Z", "2020-01-32T00:00:00Z", "2019-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2020-04-31T00:00:00Z", "2020-01-01T24:00:00Z", "2020-01-01T00:60:00Z", "2020-01-01T00:00:61Z",
        "2020-01-01T00:00:00.Z", "2020-01-01T00:00:00.5", "2020-01-01T00:00:00+24:00",
        "2020-01-01T00:00:00+01:60", "2020-01-01T00:00:00Zx", "2020-01-01T00:00:00+01:00 ",
        "+020-01-01T00:00:00Z", "2020-01-01T00:00:00 Z", "abcd-ef-ghTij:kl:mnZ", "2020-01-01T0a:00:00Z",
        /* ':' is the byte after '9': no digit, in a field or in the offset */
        "2020-01-0:T00:00:00Z", "2020-01-01T00:00:00+0::00",
        /* an offset is Z, or a sign, two digits, ':' and two digits */
        "2020-01-01T00:00:00X", "2020-01-01T00:00:00*01:00", "2020-01-01T00:00:00+01x00",
        "2020-01-01T00:00:00+0a:00", "2020-01-01T00:00:00+00:0a",
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        int64_t t;
        if (when(bad[k], &t) != HC_ERR_JSON)
            fail_msg("accepted \"%s\"", bad[k]);
    }
}

/* A time cut anywhere, in its fraction too, is refused without reading
 * past its length (exact-size heap copies, for the sanitizer builds). */
static void test_time_cut_short(void **state)
{
    (void)state;
    static const char full[] = "2020-01-01T00:00:00.123+01:00";
    for (size_t len = 0; len < sizeof full - 1; len++) {
        char *copy = malloc(len ? len : 1);
        int64_t t = 7;
        assert_non_null(copy);
        memcpy(copy, full, len);
        if (hc_json_parse_time(copy, len, &t) != HC_ERR_JSON || t != 7)
            fail_msg("accepted %zu bytes", len);
        free(copy);
    }
}

static void test_time_token(void **state)
{
    (void)state;
    parsed_t p;
    int64_t t;
    int i = value_of(&p, "\"2020-03-23T10:19:32+00:00\"");
    assert_err(hc_json_time(&p.doc, i, &t), HC_OK);
    assert_int_equal(t, 1584958772);
    parsed_free(&p);
    i = value_of(&p, "1584958772");
    assert_err(hc_json_time(&p.doc, i, &t), HC_ERR_JSON);
    parsed_free(&p);
    i = value_of(&p, "\"2020-03-23T10:19:32\\u002b00:00\""); /* escapes are not decoded here */
    assert_err(hc_json_time(&p.doc, i, &t), HC_ERR_JSON);
    parsed_free(&p);
}

/* Every date from 1970 to 2100 agrees with a day-by-day count. */
static void test_time_every_day(void **state)
{
    (void)state;
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t day = 0;
    for (int y = 1970; y <= 2100; y++) {
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int n = mdays[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= n; d++, day++) {
                char s[32];
                int64_t t;
                snprintf(s, sizeof s, "%04d-%02d-%02dT01:02:03Z", y, m, d);
                assert_err(when(s, &t), HC_OK);
                assert_int_equal(t, day * 86400 + 3723);
            }
        }
    }
}

/* ----------------------------------------------------------------- UTF-8 */

static void test_utf8_check(void **state)
{
    (void)state;
    size_t n = 99;
    assert_true(hc_json_utf8_check("", 0, &n));
    assert_int_equal(n, 0);
    assert_true(hc_json_utf8_check("abc", 3, &n));
    assert_int_equal(n, 3);
    assert_true(hc_json_utf8_check("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, &n));
    assert_int_equal(n, 3);
    n = 99;
    assert_false(hc_json_utf8_check("\xc3", 1, &n));
    assert_int_equal(n, 99);
    assert_false(hc_json_utf8_check("\xe2\x82", 2, &n));
    assert_false(hc_json_utf8_check("\xc1\xbf", 2, &n));           /* overlong */
    assert_false(hc_json_utf8_check("\xe0\x80\xaf", 3, &n));       /* overlong */
    assert_false(hc_json_utf8_check("\xf0\x80\x80\xaf", 4, &n));   /* overlong */
    assert_false(hc_json_utf8_check("\xed\xbf\xbf", 3, &n));       /* surrogate */
    assert_false(hc_json_utf8_check("\xf5\x80\x80\x80", 4, &n));
    assert_false(hc_json_utf8_check("a\x80", 2, &n));
    assert_false(hc_json_utf8_check("\xc3\x28", 2, &n));
}

/* Every edge of UTF-8: the first and last code point of each length, the
 * overlong forms just below them, the surrogates' edges, U+10FFFF against
 * U+110000, each lead byte class, continuation bytes, and a length that
 * cuts a character. Each case is checked by hc_json_utf8_check() (with its
 * character count) and, inside a JSON string, by hc_json_string(), which
 * gives the bytes back unchanged. The texts are exact-size heap copies. */
static void test_utf8_edges(void **state)
{
    (void)state;
    static const struct { const char *s; size_t chars; } cases[] = {
        /* chars 0: refused */
        { "\x7f", 1 }, { "\xc2\x80", 1 }, { "\xc3\x80", 1 }, { "\xc3\xbf", 1 }, { "\xdf\xbf", 1 },
        { "\xc1\xbf", 0 }, { "\xc0\x80", 0 },
        { "\xe0\xa0\x80", 1 }, { "\xe0\x9f\xbf", 0 }, { "\xe1\x80\x80", 1 },
        { "\xec\xbf\xbf", 1 }, { "\xed\x9f\xbf", 1 }, { "\xed\xa0\x80", 0 }, { "\xed\xbf\xbf", 0 },
        { "\xee\x80\x80", 1 }, { "\xef\xbf\xbf", 1 },
        { "\xf0\x90\x80\x80", 1 }, { "\xf0\x8f\xbf\xbf", 0 }, { "\xf1\x80\x80\x80", 1 },
        { "\xf3\xbf\xbf\xbf", 1 }, { "\xf4\x8f\xbf\xbf", 1 }, { "\xf4\x90\x80\x80", 0 },
        { "\xf5\x80\x80\x80", 0 }, { "\xf7\xbf\xbf\xbf", 0 }, { "\xf8\x90\x80\x80", 0 },
        { "\xfc\x80\x80\x80", 0 }, { "\xff", 0 }, { "\x80", 0 }, { "\xbf", 0 },
        { "\xbf\xbf", 0 }, /* a continuation byte is no lead, whatever follows */
        { "\xc3\x28", 0 }, { "\xc3\xc3\xa9", 0 }, { "\xe2\x28\xac", 0 }, { "\xe2\x82\x28", 0 },
        { "\xf0\x9f\x98\x28", 0 }, { "\xf0\x28\x98\x80", 0 }, { "\xf0\x9f\x28\x80", 0 },
        { "a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80", 6 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        size_t len = strlen(cases[k].s);
        char *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, cases[k].s, len);
        size_t n = 99;
        bool ok = hc_json_utf8_check(copy, len, &n);
        if (ok != (cases[k].chars > 0) || (ok && n != cases[k].chars))
            fail_msg("case %zu: check %d, %zu chars", k, ok, n);
        /* a length that ends inside the text's last character */
        if (ok && (unsigned char)copy[len - 1] >= 0x80u && hc_json_utf8_check(copy, len - 1, &n))
            fail_msg("case %zu: accepted without its last byte", k);
        free(copy);

        char json[32], out[16];
        bool cut = true;
        snprintf(json, sizeof json, "\"%s\"", cases[k].s);
        hc_err_t err = decode(json, out, sizeof out, &cut);
        if (err != (ok ? HC_OK : HC_ERR_JSON))
            fail_msg("case %zu: decoded as %s", k, hc_strerror(err));
        if (ok && (strcmp(out, cases[k].s) != 0 || cut))
            fail_msg("case %zu: decoded differently", k);
    }
    size_t n = 99;
    assert_true(hc_json_utf8_check(NULL, 0, &n));
    assert_int_equal(n, 0);
    assert_false(hc_json_utf8_check(NULL, 1, &n));
    /* a length that cuts the character refuses it also when unescaping */
    char out[8];
    assert_err(hc_json_unescape("\xc3\xa9", 1, out, sizeof out, NULL), HC_ERR_JSON);
    assert_err(hc_json_unescape("\xe2\x82\xac", 2, out, sizeof out, NULL), HC_ERR_JSON);
    assert_err(hc_json_unescape("\xf0\x9f\x98\x80", 3, out, sizeof out, NULL), HC_ERR_JSON);
}

/* A \u escape at each edge of the UTF-8 lengths comes out as that code
 * point's UTF-8; pairs give the code points past U+FFFF. */
static void test_escape_edges(void **state)
{
    (void)state;
    static const struct { const char *json; const char *utf8; } cases[] = {
        { "\\u0001", "\x01" }, { "\\u001f", "\x1f" }, { "\\u0020", " " }, { "\\u007f", "\x7f" },
        { "\\u0080", "\xc2\x80" }, { "\\u00bf", "\xc2\xbf" }, { "\\u00c0", "\xc3\x80" },
        { "\\u07ff", "\xdf\xbf" }, { "\\u0800", "\xe0\xa0\x80" }, { "\\u0fff", "\xe0\xbf\xbf" },
        { "\\u1000", "\xe1\x80\x80" }, { "\\ud7ff", "\xed\x9f\xbf" }, { "\\ue000", "\xee\x80\x80" },
        { "\\uFFFF", "\xef\xbf\xbf" }, { "\\ud800\\udc00", "\xf0\x90\x80\x80" },
        { "\\ud800\\udfff", "\xf0\x90\x8f\xbf" }, { "\\udbff\\udc00", "\xf4\x8f\xb0\x80" },
        { "\\udbff\\udfff", "\xf4\x8f\xbf\xbf" }, { "\\uDB40\\uDD00", "\xf3\xa0\x84\x80" },
        { "\\u0022\\u005c\\u002F", "\"\\/" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char json[64], out[16];
        bool cut = true;
        snprintf(json, sizeof json, "\"%s\"", cases[k].json);
        if (decode(json, out, sizeof out, &cut) != HC_OK || strcmp(out, cases[k].utf8) != 0 || cut)
            fail_msg("%s decoded wrongly", cases[k].json);
    }
    /* a length that cuts an escape refuses it, whatever follows */
    char cut_out[8];
    assert_err(hc_json_unescape("\\u00e9", 5, cut_out, sizeof cut_out, NULL), HC_ERR_JSON);
    assert_err(hc_json_unescape("\\ud83d\\ude00", 11, cut_out, sizeof cut_out, NULL), HC_ERR_JSON);
    assert_err(hc_json_unescape("\\ud83d\\ude00", 12, cut_out, sizeof cut_out, NULL), HC_OK);
    assert_string_equal(cut_out, "\xf0\x9f\x98\x80");
    assert_err(hc_json_unescape("\\n", 1, cut_out, sizeof cut_out, NULL), HC_ERR_JSON);
    /* each surrogate edge alone, and a high one before each low edge */
    static const char *const bad[] = {
        "\"\\ud800\"", "\"\\udbff\"", "\"\\udc00\"", "\"\\udfff\"", "\"\\ud800\\ud7ff\"",
        "\"\\ud800\\ue000\"", "\"\\udbff\\udbff\"", "\"\\udc00\\udc00\"",
        /* a high one before what only looks like a low one's escape */
        "\"\\ud83dxude00\"", "\"\\ud83d\\nde00\"", "\"\\ud83d\\\\ude00\"",
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char out[16];
        bool cut;
        if (decode(bad[k], out, sizeof out, &cut) != HC_ERR_JSON)
            fail_msg("%s accepted", bad[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_find),
        cmocka_unit_test(test_token_access_edges),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_depth_bound),
        cmocka_unit_test(test_top_level_scalar),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_string_invalid),
        cmocka_unit_test(test_unescape_raw_errors),
        cmocka_unit_test(test_string_truncation),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_fixed_point),
        cmocka_unit_test(test_long_fraction_and_exponent),
        cmocka_unit_test(test_bool_and_null),
        cmocka_unit_test(test_time_valid),
        cmocka_unit_test(test_time_invalid),
        cmocka_unit_test(test_time_microseconds),
        cmocka_unit_test(test_time_cut_short),
        cmocka_unit_test(test_time_token),
        cmocka_unit_test(test_time_every_day),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_utf8_edges),
        cmocka_unit_test(test_escape_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
