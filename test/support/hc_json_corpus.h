/* One case of the JSON conformance corpus (test/json/conformance.tsv)
 * checked against the library: the grammar check, hc_json_parse() with
 * jsmn's tokens, the string decoder, and the list splitter with the text
 * as a list's one element. Shared by the host test (cmocka) and the target
 * suite (Unity), so both hold the library to the same verdicts. Test code;
 * no heap. */
#ifndef HC_JSON_CORPUS_H
#define HC_JSON_CORPUS_H

#include <stddef.h>

#include "healthchecks/hc_json.h"

/** What the library must make of a text (see the corpus's header). */
typedef enum hc_corpus_verdict {
    HC_CORPUS_ACCEPT,
    HC_CORPUS_REFUSE,
    HC_CORPUS_BAD_STRING
} hc_corpus_verdict_t;

/** Room a check needs: tokens for the longest text, and the element buffer
 *  for the text wrapped as a list (the texts are short). */
#define HC_CORPUS_TOKENS 48
#define HC_CORPUS_ELEM_CAP 256

typedef struct hc_corpus_mem {
    jsmntok_t tok[HC_CORPUS_TOKENS];
    char elem[HC_CORPUS_ELEM_CAP];
    char value[64];
} hc_corpus_mem_t;

/** The verdict named @p name ("accept", "refuse", "bad-string"); -1 for
 *  any other name. */
int hc_corpus_verdict(const char *name);

/**
 * Check one case.
 * @param[in]  text    the text, @p len bytes (any bytes)
 * @param[in]  len     its length
 * @param[in]  verdict what the library must make of it
 * @param[in]  depth   the case is of the depth class (the list check, which
 *                     nests the text two levels deeper, is left out)
 * @param      mem     scratch memory
 * @return NULL when the library gives the verdict, else what went wrong
 */
const char *hc_corpus_check(const char *text, size_t len, hc_corpus_verdict_t verdict, int depth,
                            hc_corpus_mem_t *mem);

#endif /* HC_JSON_CORPUS_H */
