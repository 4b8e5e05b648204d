/* A management list: GET checks/ (or a check's pings/) answering 1,000
 * elements, each the first element of the recorded v3 list (a realistic
 * check of 833 bytes, or a received ping of 297), under the recorded
 * response's headers, streamed through hc_api over the mock port with the
 * 2 KB element buffer and 80 tokens the API is sized for, one element
 * decoded at a time into a callback. Counted per element and per body byte.
 *
 *   bench_list checks|pings [lists]     (each list has 1,000 elements) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_lists.h"
#include "healthchecks/hc_api.h"
#include "hc_mock_client.h"

#define KEY "hcw_0123456789abcdef0123456789ab"
#define CHECK "45c9d87e-c6e4-42c7-ba1e-921cfc827121"

typedef struct run {
    hc_api_t api;
    bool pings;
    union {
        hc_check_t check;
        hc_received_ping_t ping;
    } slot;           /* the latest element */
    size_t lists;
    size_t elements;  /* elements decoded with the recorded values */
    size_t complete;  /* lists that ended HC_OK with every element */
} run_t;

static hc_err_t count_check(void *ctx, const void *item)
{
    const hc_check_t *check = item;
    ((run_t *)ctx)->elements += check->timeout == 3600 && check->grace == 120;
    return HC_OK;
}

static hc_err_t count_ping(void *ctx, const void *item)
{
    const hc_received_ping_t *ping = item;
    ((run_t *)ctx)->elements += ping->n == 18 && ping->type == HC_PING_TYPE_SUCCESS;
    return HC_OK;
}

static void list(void *ctx)
{
    run_t *run = ctx;
    for (size_t i = 0; i < run->lists; i++) {
        hc_list_t out = { .items = &run->slot, .capacity = 1, .ctx = run,
                          .each = run->pings ? count_ping : count_check };
        hc_err_t err = run->pings ? hc_api_list_pings_begin(&run->api, CHECK, &out)
                                  : hc_api_list_checks_begin(&run->api, NULL, &out);
        if (err == HC_OK)
            err = hc_api_wait(&run->api);
        run->complete += err == HC_OK && out.total == HC_BENCH_ELEMENTS;
    }
}

int main(int argc, char **argv)
{
    const hc_bench_list_t *kind = hc_bench_list(argc > 1 ? argv[1] : "");
    static run_t run;
    run.pings = strcmp(kind->key, "pings") == 0;
    run.lists = hc_bench_count(argc, argv, 2, 1);
    hc_bench_layout_t at;
    char *response = hc_bench_list_response(kind, &at);
    size_t len = at.len, body_at = at.body_at;
    hc_mock_conn_t *script = calloc(run.lists, sizeof *script);
    HC_BENCH_REQUIRE(script != NULL);
    for (size_t i = 0; i < run.lists; i++) {
        script[i].response = (const uint8_t *)response;
        script[i].response_len = len;
    }
    static hc_test_mock_client_t mc;
    static uint8_t work[1024];
    static char elem[2048];
    static jsmntok_t tok[80];
    const hc_test_mock_spec_t spec = { .script = script, .n_script = run.lists, .work = work,
                                       .work_size = sizeof work, .api_url = "http://hc.test/api",
                                       .api_key = KEY };
    HC_BENCH_REQUIRE(hc_test_mock_client(&mc, &spec) == HC_OK);
    hc_api_mem_t mem = { elem, sizeof elem, tok, 80 };
    HC_BENCH_REQUIRE(hc_api_init(&run.api, &mc.client, &mem) == HC_OK);

    hc_bench_measure(list, &run);

    HC_BENCH_REQUIRE(run.complete == run.lists);
    HC_BENCH_REQUIRE(run.elements == run.lists * HC_BENCH_ELEMENTS);
    HC_BENCH_REQUIRE(mc.mock.n_connects == run.lists && mc.mock.resp_pos == len);
    if (run.pings) {
        const hc_received_ping_t *p = &run.slot.ping;
        HC_BENCH_REQUIRE(strcmp(p->ua, "hcpeer-verify/1.0") == 0 && p->date > 0 && p->date_us > 0);
        HC_BENCH_REQUIRE(HC_IS_NULL(p, HC_PING_F_RID) && p->truncated == 0);
    } else {
        const hc_check_t *c = &run.slot.check;
        HC_BENCH_REQUIRE(strcmp(c->name, "Backups") == 0 && c->truncated == 0);
        HC_BENCH_REQUIRE(strcmp(c->tags, "prod db") == 0 && c->last_ping > 0);
    }
    hc_bench_report(kind->key, run.elements, "elements");
    hc_bench_report_bytes(run.lists * (len - body_at));
    free(script);
    free(response);
    return 0;
}
