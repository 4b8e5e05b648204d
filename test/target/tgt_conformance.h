/* The JSON conformance corpus (test/json/conformance.tsv) compiled in as
 * data (the build generates the table with gen_conformance.py). */
#ifndef TGT_CONFORMANCE_H
#define TGT_CONFORMANCE_H

#include <stddef.h>

#include "hc_json_corpus.h"

/** One case: its line in the corpus, class, verdict and text. */
typedef struct tgt_corpus_case {
    unsigned line;
    const char *cls;
    hc_corpus_verdict_t verdict;
    const char *text;  /**< @c len bytes; may hold NUL */
    size_t len;
} tgt_corpus_case_t;

extern const tgt_corpus_case_t tgt_corpus[];
extern const size_t tgt_corpus_count;

#endif /* TGT_CONFORMANCE_H */
