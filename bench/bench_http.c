/* The HTTP engine alone, hc_http_feed(), on its two kinds of input:
 *
 *   bench_http head [responses]
 *       the head of the recorded response to a success ping (status line
 *       and the server's 14 headers, 466 bytes) given whole, once per
 *       exchange: counted per head byte;
 *   bench_http length|chunked [responses]
 *       a 64 KiB body framed by Content-Length, or chunked in 4 KiB chunks,
 *       fed in the 1 KiB pieces a client with a 1 KiB work buffer hands
 *       the engine, into a sink that counts the bytes: counted per body
 *       byte (the chunk framing's bytes included in the cost, not the count).
 *       The head is fed outside the measured region. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "hc_fixture.h"
#include "healthchecks/hc_http.h"

#define BODY_LEN 65536u
#define CHUNK 4096u
#define PIECE 1024u

typedef struct run {
    hc_http_t http;
    const uint8_t *input;  /* head: the recorded head; body: the framed body */
    size_t len;
    size_t responses;
    size_t complete;       /* inputs taken whole with the expected result */
    size_t body_seen;      /* bytes the sink received */
} run_t;

static hc_err_t count_body(void *ctx, const hc_http_response_t *resp, const uint8_t *data,
                           size_t len)
{
    (void)resp;
    (void)data;
    ((run_t *)ctx)->body_seen += len;
    return HC_OK;
}

static void feed_heads(void *ctx)
{
    run_t *run = ctx;
    for (size_t i = 0; i < run->responses; i++) {
        size_t used = 0;
        hc_http_start(&run->http, NULL, 0, NULL, 0, false, 0, NULL, NULL);
        hc_err_t err = hc_http_feed(&run->http, run->input, run->len, &used);
        run->complete += err == HC_IN_PROGRESS && used == run->len && hc_http_headers_done(&run->http);
    }
}

static void feed_body(void *ctx)
{
    run_t *run = ctx;
    hc_err_t err = HC_IN_PROGRESS;
    for (size_t at = 0; at < run->len && err == HC_IN_PROGRESS; at += PIECE) {
        size_t used = 0, n = run->len - at < PIECE ? run->len - at : PIECE;
        err = hc_http_feed(&run->http, run->input + at, n, &used);
        err = used == n ? err : HC_ERR_HTTP_TRAILING_DATA;
    }
    run->complete += err == HC_OK;
}

/* "<hex size>\r\n<data>\r\n" per chunk, then the last chunk. */
static uint8_t *chunked_body(size_t *len)
{
    uint8_t *b = malloc(BODY_LEN + (BODY_LEN / CHUNK + 1) * 16);
    HC_BENCH_REQUIRE(b != NULL);
    size_t n = 0;
    for (size_t sent = 0; sent < BODY_LEN; sent += CHUNK) {
        n += (size_t)sprintf((char *)b + n, "%x\r\n", CHUNK);
        memset(b + n, 'x', CHUNK);
        n += CHUNK;
        n += (size_t)sprintf((char *)b + n, "\r\n");
    }
    n += (size_t)sprintf((char *)b + n, "0\r\n\r\n");
    *len = n;
    return b;
}

static int bench_head(run_t *run)
{
    size_t all_len;
    char *response = hc_fixture_load("ping_uuid_success_get.http", &all_len);
    char *body = hc_fixture_body(response);
    HC_BENCH_REQUIRE(body != NULL);
    run->input = (const uint8_t *)response;
    run->len = (size_t)(body - response);

    hc_bench_measure(feed_heads, run);

    size_t used = 0;
    HC_BENCH_REQUIRE(run->complete == run->responses);
    HC_BENCH_REQUIRE(hc_http_feed(&run->http, (const uint8_t *)body, 2, &used) == HC_OK);
    const hc_http_response_t *r = &run->http.resp;
    HC_BENCH_REQUIRE(r->status == 200 && r->keep_alive);
    HC_BENCH_REQUIRE(r->has_content_length && r->content_length == 2);
    HC_BENCH_REQUIRE(r->has_ping_body_limit && r->ping_body_limit == 10000);
    HC_BENCH_REQUIRE(strcmp(r->content_type, "text/html; charset=utf-8") == 0);
    hc_bench_report("hc_http_feed, head", run->responses * run->len, "head bytes");
    free(response);
    return 0;
}

static int bench_body(run_t *run, bool chunked)
{
    static const char length_head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                      "Content-Length: 65536\r\n\r\n";
    static const char chunked_head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                       "Transfer-Encoding: chunked\r\n\r\n";
    const char *head = chunked ? chunked_head : length_head;
    uint8_t *body;
    if (chunked) {
        body = chunked_body(&run->len);
    } else {
        body = malloc(BODY_LEN);
        HC_BENCH_REQUIRE(body != NULL);
        memset(body, 'x', BODY_LEN);
        run->len = BODY_LEN;
    }
    run->input = body;
    for (size_t i = 0; i < run->responses; i++) {
        size_t used = 0;
        hc_http_start(&run->http, NULL, 0, NULL, 0, false, 0, count_body, run);
        HC_BENCH_REQUIRE(hc_http_feed(&run->http, (const uint8_t *)head, strlen(head), &used) ==
                         HC_IN_PROGRESS && used == strlen(head));
        hc_bench_measure(feed_body, run);
    }
    HC_BENCH_REQUIRE(run->complete == run->responses);
    HC_BENCH_REQUIRE(run->body_seen == run->responses * BODY_LEN);
    HC_BENCH_REQUIRE(run->http.resp.chunked == chunked && run->http.resp.keep_alive);
    hc_bench_report(chunked ? "hc_http_feed, chunked body" : "hc_http_feed, Content-Length body",
                    run->responses * BODY_LEN, "body bytes");
    free(body);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    static run_t run;
    run.responses = hc_bench_count(argc, argv, 2, 1000);
    if (strcmp(mode, "head") == 0)
        return bench_head(&run);
    HC_BENCH_REQUIRE(strcmp(mode, "length") == 0 || strcmp(mode, "chunked") == 0);
    return bench_body(&run, strcmp(mode, "chunked") == 0);
}
