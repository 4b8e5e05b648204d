/* The HTTP engine alone: the recorded response to a success ping (status
 * line, the server's 14 headers, body "OK") given to hc_http_feed() whole,
 * once per exchange. Counted per response byte.
 *
 *   bench_http [responses] */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "hc_fixture.h"
#include "healthchecks/hc_http.h"

typedef struct run {
    hc_http_t http;
    const uint8_t *response;
    size_t len;
    size_t responses;
    size_t complete;  /* responses that ended HC_OK with every byte used */
} run_t;

static void feed_responses(void *ctx)
{
    run_t *run = ctx;
    for (size_t i = 0; i < run->responses; i++) {
        size_t used = 0;
        hc_http_start(&run->http, NULL, 0, NULL, 0, false, 0, NULL, NULL);
        hc_err_t err = hc_http_feed(&run->http, run->response, run->len, &used);
        run->complete += err == HC_OK && used == run->len;
    }
}

int main(int argc, char **argv)
{
    static run_t run;
    run.responses = hc_bench_count(argc, argv, 1, 10000);
    char *response = hc_fixture_load("ping_uuid_success_get.http", &run.len);
    run.response = (const uint8_t *)response;

    hc_bench_measure(feed_responses, &run);

    HC_BENCH_REQUIRE(run.complete == run.responses);
    const hc_http_response_t *r = &run.http.resp;
    HC_BENCH_REQUIRE(r->status == 200 && r->keep_alive);
    HC_BENCH_REQUIRE(r->has_content_length && r->content_length == 2);
    HC_BENCH_REQUIRE(r->has_ping_body_limit && r->ping_body_limit == 10000);
    HC_BENCH_REQUIRE(strcmp(r->content_type, "text/html; charset=utf-8") == 0);
    hc_bench_report("hc_http_feed", run.responses * run.len, "response bytes");
    free(response);
    return 0;
}
