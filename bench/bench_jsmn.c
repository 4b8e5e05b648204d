/* The floor the list benchmark is held to: jsmn's own parser, strict mode,
 * tokenizing the very elements bench_list decodes, each in its own call
 * over its own bytes, as the library's decoder calls it (over the whole
 * body at once, jsmn without parent links is quadratic: each element's
 * closing brace searches back through every earlier token). jsmn is
 * compiled here the way the library compiles it (JSMN_STRICT, and parent
 * links only when the build defines them), at the benchmarks'
 * optimisation. Counted per element and per body byte (the elements are
 * all but the 13-odd bytes of the wrapper).
 *
 *   bench_jsmn checks|pings [lists] */
#define JSMN_STATIC
#define JSMN_STRICT
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
#endif
#include <jsmn.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_lists.h"

typedef struct run {
    const char *response;
    hc_bench_layout_t at;
    jsmntok_t tok[80];  /* as many as hc_api is given */
    int n_tok;          /* what one element needs */
    size_t lists;
    size_t elements;    /* elements tokenized with every token */
} run_t;

static void tokenize(void *ctx)
{
    run_t *run = ctx;
    for (size_t i = 0; i < run->lists; i++) {
        const char *elem = run->response + run->at.first_elem;
        for (size_t e = 0; e < HC_BENCH_ELEMENTS; e++, elem += run->at.elem_len + 2) {
            jsmn_parser p;
            jsmn_init(&p);
            int n = jsmn_parse(&p, elem, run->at.elem_len, run->tok, 80);
            run->elements += n == run->n_tok;
        }
    }
}

int main(int argc, char **argv)
{
    const hc_bench_list_t *kind = hc_bench_list(argc > 1 ? argv[1] : "");
    static run_t run;
    run.lists = hc_bench_count(argc, argv, 2, 1);
    char *response = hc_bench_list_response(kind, &run.at);
    run.response = response;
    jsmn_parser p;
    jsmn_init(&p);
    run.n_tok = jsmn_parse(&p, response + run.at.first_elem, run.at.elem_len, NULL, 0);
    HC_BENCH_REQUIRE(run.n_tok > 1 && run.n_tok <= 80);

    hc_bench_measure(tokenize, &run);

    HC_BENCH_REQUIRE(run.elements == run.lists * HC_BENCH_ELEMENTS);
    HC_BENCH_REQUIRE(run.tok[0].type == JSMN_OBJECT && run.tok[0].end == (int)run.at.elem_len);
    hc_bench_report(kind->key, run.elements, "elements");
    hc_bench_report_bytes(run.lists * (run.at.len - run.at.body_at));
    free(response);
    return 0;
}
