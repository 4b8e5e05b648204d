/* hc_json_parse() checks a text with hc_jscan and then lets jsmn_parse()
 * (strict mode) make the tokens. Held here to the tokens the grammar check
 * itself implies (hc_json_ref.h: type, start, end, size, and parent when
 * jsmn has parent links) and to the same count, over hand-picked edge
 * cases, the recorded server bodies and a few thousand generated
 * documents; and the token-array limit is exact: one token short is
 * HC_ERR_JSON_TOO_LARGE. (Which texts are JSON at all is the conformance
 * corpus's job: test_json_conformance.c.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_json.h"
#include "hc_fixture.h"
#include "hc_json_ref.h"

#define MAX_TOK 4096

static jsmntok_t want[MAX_TOK];
static jsmntok_t got[MAX_TOK];

/* jsmn's tokens for text (valid JSON) are the grammar's, token for token. */
static void assert_same_tokens(const char *text, size_t len)
{
    hc_json_t doc;
    int n = hc_json_ref_tokens(text, len, want, MAX_TOK);
    if (n < 1)
        fail_msg("the grammar check refused %.*s", (int)len, text);
    memset(got, 0x5a, sizeof got);
    if (hc_json_parse(&doc, text, len, got, MAX_TOK) != HC_OK)
        fail_msg("hc_json_parse refused %.*s", (int)len, text);
    if (doc.n != n)
        fail_msg("%d tokens, the grammar implies %d: %.*s", doc.n, n, (int)len, text);
    if (!hc_json_ref_same(got, want, n, "jsmn against the grammar"))
        fail_msg("in %.*s", (int)len, text);
    assert_ptr_equal(doc.tok, got);
    assert_ptr_equal(doc.js, text);
    assert_int_equal(doc.len, len);
    /* One token short is too large, never a partial result. */
    if (n > 1)
        assert_int_equal(hc_json_parse(&doc, text, len, got, (unsigned)n - 1u),
                         HC_ERR_JSON_TOO_LARGE);
}

static void same(const char *text)
{
    assert_same_tokens(text, strlen(text));
}

static void test_edge_cases(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "0", "-12.5e+3", "true", "false", "null", "\"\"", "\"a\\\"b\\\\\"", " 7 ", "\t\"x\"\r\n",
        "{}", "[]", " { } ", "[[]]", "[{}]", "{\"a\":{}}", "{\"a\":[]}",
        "{\"a\":1}", "{\"a\":1,\"b\":2}", "{\"a\":{\"b\":{\"c\":[1,[2,[3]]]}},\"d\":null}",
        "[1,\"two\",{\"three\":3},[4],true,false,null]",
        "{\"k\":[{\"x\":\"\\u00e9\\ud83d\\ude00\"},{\"y\":-0}],\"z\":{\"\":\"\"}}",
        "[ 1 , 2 ,3,\n4 ]", "{ \"a\" : 1 , \"b\" : [ ] }", "[0,-0,0.5,1e9,1E-9,-1.0e+0]",
        "[true,null,false]", "{\"t\":true,\"f\":false,\"n\":null}",
    };
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
        same(texts[k]);
}

/* A text the grammar refuses is HC_ERR_JSON, even with too few tokens for
 * it (the grammar decides first), and its tokens are never offered. */
static void test_refused_texts(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "", "tru", "01", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "[1 2]", "[] []", "\"\\x\"",
        "{\"a\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,]}",
    };
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
        hc_json_t doc = { NULL, 0, NULL, 0, false };
        assert_int_equal(hc_json_ref_tokens(texts[k], strlen(texts[k]), want, MAX_TOK), -1);
        assert_int_equal(hc_json_parse(&doc, texts[k], strlen(texts[k]), got, MAX_TOK), HC_ERR_JSON);
        assert_int_equal(hc_json_parse(&doc, texts[k], strlen(texts[k]), got, 2), HC_ERR_JSON);
        assert_null(doc.tok);
    }
}

/* Every recorded server body that is one JSON value. */
static void test_recorded_bodies(void **state)
{
    (void)state;
    size_t index_len;
    char *index = hc_fixture_load("INDEX.tsv", &index_len);
    int compared = 0;
    /* one "name<TAB>method<TAB>url<TAB>status" line per response, after a header line */
    for (char *line = strchr(index, '\n'); line && line[1]; line = strchr(line, '\n')) {
        char name[256];
        size_t len;
        hc_json_t doc;
        line++;
        snprintf(name, sizeof name, "%.*s.http", (int)strcspn(line, "\t\n"), line);
        char *body = hc_fixture_load_body(name, &len);
        if (hc_json_parse(&doc, body, len, got, MAX_TOK) == HC_OK) {
            assert_same_tokens(body, len);
            compared++;
        }
        free(body);
    }
    free(index);
    assert_true(compared >= 30);
}

/* ------------------------------------------------------ generated texts */

typedef struct {
    char text[8192];
    size_t len;
    uint32_t seed;
} gen_t;

static unsigned roll(gen_t *g, unsigned n)
{
    g->seed = g->seed * 1103515245u + 12345u;
    return (g->seed >> 16) % n;
}

static void put(gen_t *g, const char *s)
{
    size_t n = strlen(s);
    assert_true(g->len + n < sizeof g->text);
    memcpy(g->text + g->len, s, n);
    g->len += n;
}

static void space(gen_t *g)
{
    static const char *const ws[] = { "", "", "", " ", "\n", "\t ", "\r\n  " };
    put(g, ws[roll(g, 7)]);
}

static void gen_string(gen_t *g)
{
    static const char *const parts[] = {
        "a", "bc", "\\\"", "\\\\", "\\/", "\\n", "\\u0041", "\\ud83d\\ude00", "\xc3\xa9", " ", "{", "]",
        ":", ",",
    };
    unsigned n = roll(g, 5);
    put(g, "\"");
    for (unsigned k = 0; k < n; k++)
        put(g, parts[roll(g, sizeof parts / sizeof *parts)]);
    put(g, "\"");
}

static void gen_value(gen_t *g, int depth)
{
    static const char *const scalars[] = {
        "0", "-1", "12", "3.25", "-0.5e-3", "1E+2", "9007199254740993", "true", "false", "null",
    };
    unsigned kind = roll(g, depth >= 4 ? 2 : 4);
    space(g);
    if (kind == 0) {
        put(g, scalars[roll(g, sizeof scalars / sizeof *scalars)]);
    } else if (kind == 1) {
        gen_string(g);
    } else {
        bool object = kind == 2;
        unsigned n = roll(g, 5);
        put(g, object ? "{" : "[");
        for (unsigned k = 0; k < n; k++) {
            if (k)
                put(g, ",");
            if (object) {
                space(g);
                gen_string(g);
                space(g);
                put(g, ":");
            }
            gen_value(g, depth + 1);
        }
        space(g);
        put(g, object ? "}" : "]");
    }
    space(g);
}

static void test_generated(void **state)
{
    (void)state;
    static gen_t g;
    g.seed = 20240611u;
    for (int k = 0; k < 3000; k++) {
        g.len = 0;
        gen_value(&g, 0);
        assert_same_tokens(g.text, g.len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_refused_texts),
        cmocka_unit_test(test_recorded_bodies),
        cmocka_unit_test(test_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
