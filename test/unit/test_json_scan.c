/* hc_jscan: the strict JSON grammar the splitter and hc_json_parse() share
 * — what it accepts, what it refuses, the depth bound, the events it stops
 * at and where, the watch level, and that any split of the text gives the
 * same answer. (The accept/refuse cases by class are in the conformance
 * corpus, test_json_conformance.c.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_jscan.h"

#define MAX_EVENTS 64

typedef struct event {
    hc_jscan_ev_t ev;
    uint8_t level;
    size_t at;      /* offset of the first byte not taken */
} event_t;

typedef struct trace {
    event_t ev[MAX_EVENTS];
    size_t n;
    bool error;
    bool complete;  /* hc_jscan_finish() */
} trace_t;

/* Runs the scanner over s (n bytes) given in pieces of `piece` bytes (0:
 * whole), recording every event it stops at. */
static void scan_pieces(const char *s, size_t n, uint8_t watch, size_t piece, trace_t *t)
{
    hc_jscan_t sc;
    size_t at = 0;
    memset(t, 0, sizeof *t);
    hc_jscan_init(&sc, watch);
    /* Bounded: a turn takes a byte, ends a scalar before one, or fails. */
    for (size_t turns = 0; at < n && turns < 4 * n + 8; turns++) {
        size_t len = piece && n - at > piece ? piece : n - at;
        size_t used = 99;
        uint8_t level = 0xEE;
        hc_jscan_ev_t ev = hc_jscan_run(&sc, s + at, len, &used, &level);
        assert_true(used <= len);
        at += used;
        if (ev == HC_JSCAN_ERROR) {
            assert_int_equal(level, 0xEE); /* left alone */
            t->error = true;
            return;
        }
        if (ev == HC_JSCAN_MORE) {
            assert_int_equal(used, len);
            assert_int_equal(level, 0xEE);
            continue;
        }
        assert_true(level <= watch);
        assert_true(t->n < MAX_EVENTS);
        t->ev[t->n++] = (event_t){ ev, level, at };
    }
    assert_int_equal(at, n);
    t->complete = hc_jscan_finish(&sc);
}

static bool scan_n(const char *s, size_t n)
{
    trace_t t;
    scan_pieces(s, n, 255, 0, &t);
    return !t.error && t.complete;
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
        if (!scan(ok[i]) || !hc_jscan_check(ok[i], strlen(ok[i]), NULL))
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
        "[1,,2]", "{\"a\":1}}", "[-]", "[1e5.0]", "[1true]", "[\"a\"\"b\"]", "{\"a\":1:2}",
        "{\"a\",1}", "[1:2]", "\"a\"\"b\"", "{\"a\"{}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (scan(bad[i]) || hc_jscan_check(bad[i], strlen(bad[i]), NULL))
            fail_msg("accepted invalid JSON: \"%s\"", bad[i]);
    }
}

static void test_nul_byte_refused(void **state)
{
    (void)state;
    assert_false(scan_n("[1]\0", 4));
    assert_false(scan_n("\"a\0b\"", 5));
    assert_false(scan_n("[\0]", 3));
    assert_false(scan_n("true\0", 5));
    assert_false(hc_jscan_check("{}\0", 3, NULL));
    /* a NUL is no literal's end, nor an escape */
    assert_false(scan_n("true\0false", 10));
    assert_false(scan_n("[false\0null]", 12));
    assert_false(scan_n("\"\\\0\"", 4));
}

/* Every byte value, in each place: whitespace only where it is one of
 * the four, and string content (plain ASCII so far, or after a character
 * past ASCII, in a value or a member name) unless it is a control byte,
 * the quote or the backslash. */
static void test_every_byte_in_every_place(void **state)
{
    (void)state;
    for (unsigned b = 0; b < 256; b++) {
        char c = (char)b;
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        bool content = b >= 0x20u && c != '"' && c != '\\';
        char text[16];
        memcpy(text, (char[]){ '{', c, '}' }, 3);
        if (scan_n(text, 3) != ws)
            fail_msg("byte 0x%02x between values", b);
        memcpy(text, (char[]){ '[', '1', c, ']' }, 4);
        if (scan_n(text, 4) != (ws || (c >= '0' && c <= '9')))
            fail_msg("byte 0x%02x after a number", b);
        memcpy(text, (char[]){ '"', 'a', c, '"' }, 4);
        if (scan_n(text, 4) != content)
            fail_msg("byte 0x%02x in an ASCII string", b);
        memcpy(text, (char[]){ '"', '\xc3', '\xa9', c, '"' }, 5);
        if (scan_n(text, 5) != content)
            fail_msg("byte 0x%02x in a string after a character past ASCII", b);
        memcpy(text, (char[]){ '[', '{', '"', '\xc3', '\xa9', c, '"', ':', '1', '}', ']' }, 11);
        if (scan_n(text, 11) != content || hc_jscan_check(text, 11, NULL) != content)
            fail_msg("byte 0x%02x in a member name", b);
    }
}

/* After a backslash only the eight escape letters and u go on; a wrong one
 * is refused at once, not skipped. */
static void test_escape_letters(void **state)
{
    (void)state;
    for (unsigned b = 0; b < 256; b++) {
        char c = (char)b;
        bool ok = c != '\0' && strchr("\"\\/bfnrt", c) != NULL;
        char text[] = { '"', '\\', c, 'n', '"' };
        if (scan_n(text, sizeof text) != ok)
            fail_msg("escape letter 0x%02x", b);
    }
}

/* n nested arrays: "[[[...]]]". */
static bool nested(size_t n)
{
    char text[2 * 40];
    assert_true(n <= 40);
    memset(text, '[', n);
    memset(text + n, ']', n);
    return scan_n(text, 2 * n) && hc_jscan_check(text, 2 * n, NULL);
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

/* Every event of a small text, where it stops, at every watch level. */
static void test_events(void **state)
{
    (void)state;
    const char *text = "{\"k\":[1,\"s\"]}";
    /*                 0  1  2  3  4  5  6  7  8  9  10 11 12
     *                 {  "  k  "  :  [  1  ,  "  s  "  ]  } */
    static const event_t want[] = {
        { HC_JSCAN_BEGIN, 0, 1 },      /* { */
        { HC_JSCAN_KEY_BEGIN, 1, 2 },  /* " */
        { HC_JSCAN_KEY_END, 1, 4 },    /* " after k */
        { HC_JSCAN_BEGIN, 1, 6 },      /* [ */
        { HC_JSCAN_BEGIN, 2, 7 },      /* 1 */
        { HC_JSCAN_END_BEFORE, 2, 7 }, /* the comma ends the number, not taken */
        { HC_JSCAN_BEGIN, 2, 9 },      /* " */
        { HC_JSCAN_END, 2, 11 },       /* " after s */
        { HC_JSCAN_END, 1, 12 },       /* ] */
        { HC_JSCAN_END, 0, 13 },       /* } */
    };
    for (uint8_t watch = 0; watch <= 3; watch++) {
        for (size_t piece = 0; piece <= 3; piece++) {
            trace_t t;
            size_t w = 0;
            scan_pieces(text, strlen(text), watch, piece, &t);
            assert_false(t.error);
            assert_true(t.complete);
            for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
                if (want[k].level > watch)
                    continue; /* not watched: run through */
                assert_true(w < t.n);
                assert_int_equal(t.ev[w].ev, want[k].ev);
                assert_int_equal(t.ev[w].level, want[k].level);
                assert_int_equal(t.ev[w].at, want[k].at);
                w++;
            }
            assert_int_equal(w, t.n);
        }
    }
}

/* The watch level decides how far one call goes: below it, a whole
 * element's insides are one run. */
static void test_watch_runs_through_deeper_levels(void **state)
{
    (void)state;
    const char *text = "[{\"a\":[1,2,{\"b\":\"x\"}],\"c\":true},{}]";
    hc_jscan_t sc;
    size_t used;
    uint8_t level;
    hc_jscan_init(&sc, 1);
    assert_int_equal(hc_jscan_run(&sc, text, strlen(text), &used, &level), HC_JSCAN_BEGIN);
    assert_int_equal(used, 1);
    assert_int_equal(level, 0);
    /* the first element begins, and its end is the next stop */
    assert_int_equal(hc_jscan_run(&sc, text + 1, strlen(text) - 1, &used, &level), HC_JSCAN_BEGIN);
    assert_int_equal(used, 1);
    assert_int_equal(level, 1);
    assert_int_equal(hc_jscan_run(&sc, text + 2, strlen(text) - 2, &used, &level), HC_JSCAN_END);
    assert_int_equal(text[2 + used - 1], '}');
    assert_int_equal(2 + used, strlen("[{\"a\":[1,2,{\"b\":\"x\"}],\"c\":true}"));
    assert_int_equal(level, 1);
}

/* Between a member name's KEY_BEGIN and KEY_END, the bytes taken are the
 * name as written, escapes undecoded, whatever the pieces. */
static void test_name_bytes_lie_between_the_quotes(void **state)
{
    (void)state;
    const char *text = "{\"a\\u0041\\n\\\"\":1}";
    for (size_t piece = 0; piece <= 4; piece++) {
        trace_t t;
        scan_pieces(text, strlen(text), 1, piece, &t);
        assert_true(t.complete);
        assert_true(t.n >= 3);
        assert_int_equal(t.ev[1].ev, HC_JSCAN_KEY_BEGIN);
        assert_int_equal(t.ev[2].ev, HC_JSCAN_KEY_END);
        assert_int_equal(t.ev[2].at - 1 - t.ev[1].at, strlen("a\\u0041\\n\\\""));
    }
}

static void test_error_is_sticky(void **state)
{
    (void)state;
    hc_jscan_t sc;
    size_t used = 99;
    uint8_t level = 7;
    hc_jscan_init(&sc, 255);
    assert_int_equal(hc_jscan_run(&sc, "[x]", 3, &used, &level), HC_JSCAN_BEGIN);
    assert_int_equal(hc_jscan_run(&sc, "x]", 2, &used, &level), HC_JSCAN_ERROR);
    assert_int_equal(used, 0); /* the bad byte is not taken */
    assert_int_equal(hc_jscan_run(&sc, "]", 1, &used, &level), HC_JSCAN_ERROR);
    assert_int_equal(used, 0);
    assert_int_equal(hc_jscan_run(&sc, "", 0, &used, &level), HC_JSCAN_ERROR);
    assert_int_equal(level, 0); /* from the one event, unchanged since */
    assert_false(hc_jscan_finish(&sc));
}

/* An error after good bytes: those are taken, the bad one is not. */
static void test_error_takes_the_bytes_before_it(void **state)
{
    (void)state;
    hc_jscan_t sc;
    size_t used = 0;
    uint8_t level;
    hc_jscan_init(&sc, 0);
    assert_int_equal(hc_jscan_run(&sc, "[\"abc\" ,", 8, &used, &level), HC_JSCAN_BEGIN);
    assert_int_equal(hc_jscan_run(&sc, "\"abc\" ,]", 8, &used, &level), HC_JSCAN_ERROR);
    assert_int_equal(used, 7); /* up to the ']' after the comma */
}

static void test_top_level_number_ends_at_finish(void **state)
{
    (void)state;
    assert_true(scan("42"));
    assert_true(scan("42 "));
    assert_false(scan("42 43"));
    assert_true(scan("-1.5e3"));
    assert_false(scan("1e"));
    assert_false(scan("tru"));
    assert_true(scan("null"));
}

/* Any split of a text gives the same verdict and the same events. */
static void test_every_split_agrees(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{\"checks\": [{\"name\": \"a\\u00e9\", \"n\": -12.5e+3, \"t\": true}, null, \"x\"]}",
        "[1,2,[3,[4]]]", "{\"a\":1,}", "\"\\ud83d\\ude00\"", "  false  ",
    };
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
        trace_t whole;
        size_t n = strlen(texts[k]);
        scan_pieces(texts[k], n, 255, 0, &whole);
        for (size_t piece = 1; piece < n; piece++) {
            trace_t t;
            scan_pieces(texts[k], n, 255, piece, &t);
            assert_int_equal(t.error, whole.error);
            assert_int_equal(t.complete, whole.complete);
            assert_int_equal(t.n, whole.n);
            for (size_t e = 0; e < t.n; e++) {
                assert_int_equal(t.ev[e].ev, whole.ev[e].ev);
                assert_int_equal(t.ev[e].level, whole.ev[e].level);
                assert_int_equal(t.ev[e].at, whole.ev[e].at);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_valid_json),
        cmocka_unit_test(test_refuses_invalid_json),
        cmocka_unit_test(test_nul_byte_refused),
        cmocka_unit_test(test_every_byte_in_every_place),
        cmocka_unit_test(test_escape_letters),
        cmocka_unit_test(test_depth_bound),
        cmocka_unit_test(test_depth_bound_mixed_containers),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_watch_runs_through_deeper_levels),
        cmocka_unit_test(test_name_bytes_lie_between_the_quotes),
        cmocka_unit_test(test_error_is_sticky),
        cmocka_unit_test(test_error_takes_the_bytes_before_it),
        cmocka_unit_test(test_top_level_number_ends_at_finish),
        cmocka_unit_test(test_every_split_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
