/* The list path's one pass over the body: hc_jstream_feed() splitting the
 * body of bench_list (1,000 elements) into elements while checking its
 * grammar, in the 1 KB pieces a client with a 1 KB work buffer hands it,
 * each element going to a callback that only counts it. Counted per
 * element and per body byte.
 *
 *   bench_jstream checks|pings [lists] */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_lists.h"
#include "healthchecks/hc_jstream.h"

#define PIECE 1024u

typedef struct run {
    const uint8_t *body;
    size_t len;
    const char *key;
    size_t lists;
    size_t elements;  /* elements delivered whole, '{' to '}' */
    size_t complete;  /* lists that ended HC_OK */
} run_t;

static hc_err_t count(void *ctx, const char *name, size_t name_len, const char *elem,
                      size_t elem_len)
{
    (void)name;
    (void)name_len;
    ((run_t *)ctx)->elements += elem[0] == '{' && elem[elem_len - 1] == '}';
    return HC_OK;
}

static void split(void *ctx)
{
    run_t *run = ctx;
    static char buf[2048];
    for (size_t i = 0; i < run->lists; i++) {
        hc_jstream_t js;
        hc_err_t err = hc_jstream_init(&js, run->key, HC_JSTREAM_ARRAY, buf, sizeof buf, count, run);
        for (size_t at = 0; at < run->len && err == HC_OK; at += PIECE) {
            size_t n = run->len - at < PIECE ? run->len - at : PIECE;
            err = hc_jstream_feed(&js, run->body + at, n);
        }
        run->complete += err == HC_OK && hc_jstream_finish(&js) == HC_OK;
    }
}

int main(int argc, char **argv)
{
    const hc_bench_list_t *kind = hc_bench_list(argc > 1 ? argv[1] : "");
    static run_t run;
    run.key = kind->key;
    run.lists = hc_bench_count(argc, argv, 2, 1);
    hc_bench_layout_t at;
    char *response = hc_bench_list_response(kind, &at);
    size_t len = at.len, body_at = at.body_at;
    run.body = (const uint8_t *)response + body_at;
    run.len = len - body_at;

    hc_bench_measure(split, &run);

    HC_BENCH_REQUIRE(run.complete == run.lists);
    HC_BENCH_REQUIRE(run.elements == run.lists * HC_BENCH_ELEMENTS);
    hc_bench_report(kind->key, run.elements, "elements");
    hc_bench_report_bytes(run.lists * run.len);
    free(response);
    return 0;
}
