/* The JSON conformance corpus (test/json/conformance.tsv): every case, by
 * class, gets its verdict from the library — accepted (and every string
 * decodes), refused with HC_ERR_JSON, or grammatical with a string that is
 * no text. The same cases run on the emulated CPUs (suite_json). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_json_corpus.h"

#define MAX_TEXT 512

/* The corpus's %XX escapes undone into out (room for MAX_TEXT bytes);
 * false on a malformed escape. */
static bool unescape(const char *s, char *out, size_t *len)
{
    size_t n = 0;
    for (; *s; s++) {
        unsigned v;
        if (n == MAX_TEXT)
            return false;
        if (*s != '%') {
            out[n++] = *s;
            continue;
        }
        if (sscanf(s + 1, "%2x", &v) != 1 || !s[1] || !s[2])
            return false;
        out[n++] = (char)v;
        s += 2;
    }
    *len = n;
    return true;
}

static const char *const classes[] = { "numbers", "strings", "structure", "whitespace", "depth" };
#define N_CLASSES (sizeof classes / sizeof *classes)

static void test_corpus(void **state)
{
    (void)state;
    static hc_corpus_mem_t mem;
    static char line[2048];
    static char text[MAX_TEXT];
    size_t counts[N_CLASSES][3] = { { 0 } };
    size_t cases = 0;
    FILE *f = fopen(HC_TEST_JSON_CORPUS, "r");
    assert_non_null(f);
    for (unsigned no = 1; fgets(line, sizeof line, f); no++) {
        char *cls, *verdict, *raw;
        size_t len = 0, c;
        int v;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        cls = line;
        verdict = strchr(cls, '\t');
        raw = verdict ? strchr(verdict + 1, '\t') : NULL;
        if (!raw)
            fail_msg("line %u: not class<TAB>verdict<TAB>text", no);
        *verdict++ = '\0';
        *raw++ = '\0';
        for (c = 0; c < N_CLASSES && strcmp(classes[c], cls) != 0; c++)
            ;
        v = hc_corpus_verdict(verdict);
        if (c == N_CLASSES || v < 0 || !unescape(raw, text, &len))
            fail_msg("line %u: unknown class or verdict, or a bad escape", no);
        const char *why = hc_corpus_check(text, len, (hc_corpus_verdict_t)v,
                                          strcmp(cls, "depth") == 0, &mem);
        if (why)
            fail_msg("line %u (%s, %s) %s: %s", no, cls, verdict, raw, why);
        counts[c][v]++;
        cases++;
    }
    fclose(f);
    /* Every class has cases both ways; strings also have bad strings. */
    for (size_t c = 0; c < N_CLASSES; c++) {
        if (counts[c][HC_CORPUS_ACCEPT] < 4 || counts[c][HC_CORPUS_REFUSE] < 4)
            fail_msg("class %s has too few cases", classes[c]);
    }
    assert_true(counts[1][HC_CORPUS_BAD_STRING] >= 20);
    assert_true(cases >= 200);
    print_message("%zu cases\n", cases);
}

int main(void)
{
    /* The depth cases are written for the default bound. */
    assert_int_equal(HC_JSON_MAX_DEPTH, 16);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
