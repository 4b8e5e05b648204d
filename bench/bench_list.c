/* A management list: GET checks/ answering 1,000 checks, each the first
 * element of the recorded v3 checks list (a realistic check of about 1 KB),
 * under the recorded response's headers, streamed through hc_api over the
 * mock port with the 2 KB element buffer and 80 tokens the API is sized
 * for, one element decoded at a time into a callback. Counted per element.
 *
 *   bench_list [lists]     (each list has 1,000 elements) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "healthchecks/hc_api.h"
#include "hc_fixture.h"
#include "hc_mock_client.h"

#define ELEMENTS 1000u
#define KEY "hcw_0123456789abcdef0123456789ab"

typedef struct run {
    hc_api_t api;
    hc_check_t slot;  /* the latest element */
    size_t lists;
    size_t elements;  /* elements decoded with the recorded check's values */
    size_t complete;  /* lists that ended HC_OK with every element */
} run_t;

static hc_err_t count_element(void *ctx, const void *item)
{
    const hc_check_t *check = item;
    ((run_t *)ctx)->elements += check->timeout == 3600 && check->grace == 120;
    return HC_OK;
}

static void list_checks(void *ctx)
{
    run_t *run = ctx;
    for (size_t i = 0; i < run->lists; i++) {
        hc_list_t out = { .items = &run->slot, .capacity = 1, .each = count_element, .ctx = run };
        hc_err_t err = hc_api_list_checks_begin(&run->api, NULL, &out);
        if (err == HC_OK)
            err = hc_api_wait(&run->api);
        run->complete += err == HC_OK && out.total == ELEMENTS;
    }
}

/* The first element of the recorded list: from its '{' to the matching '}'. */
static const char *first_element(const char *body, size_t *len)
{
    const char *start = strchr(strchr(body, '['), '{');
    int depth = 0;
    bool in_string = false;
    for (const char *p = start; *p; p++) {
        if (in_string) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_string = false;
        } else if (*p == '"') {
            in_string = true;
        } else if (*p == '{') {
            depth++;
        } else if (*p == '}' && --depth == 0) {
            *len = (size_t)(p + 1 - start);
            return start;
        }
    }
    HC_BENCH_REQUIRE(false);
    return NULL;
}

/* The recorded head with its Content-Length set to the new body's. */
static char *build_response(size_t *len)
{
    size_t raw_len, elem_len = 0;
    char *raw = hc_fixture_load("api_checks_list.http", &raw_len);
    const char *body = hc_fixture_body(raw);
    HC_BENCH_REQUIRE(body != NULL);
    const char *elem = first_element(body, &elem_len);
    size_t cap = (size_t)(body - raw) + 64 + ELEMENTS * (elem_len + 2) + 32;
    char *r = malloc(cap);
    HC_BENCH_REQUIRE(r != NULL);
    size_t n = 0;
    for (const char *line = raw; line < body - 2;) {  /* the head's lines, not the blank one */
        const char *eol = strstr(line, "\r\n");
        if (strncmp(line, "Content-Length:", 15) != 0) {
            memcpy(r + n, line, (size_t)(eol + 2 - line));
            n += (size_t)(eol + 2 - line);
        }
        line = eol + 2;
    }
    size_t body_len = strlen("{\"checks\": []}") + ELEMENTS * elem_len + (ELEMENTS - 1) * 2;
    n += (size_t)sprintf(r + n, "Content-Length: %zu\r\n\r\n{\"checks\": [", body_len);
    for (size_t i = 0; i < ELEMENTS; i++) {
        if (i)
            n += (size_t)sprintf(r + n, ", ");
        memcpy(r + n, elem, elem_len);
        n += elem_len;
    }
    n += (size_t)sprintf(r + n, "]}");
    HC_BENCH_REQUIRE(n < cap);
    free(raw);
    *len = n;
    return r;
}

int main(int argc, char **argv)
{
    static run_t run;
    run.lists = hc_bench_count(argc, argv, 1, 1);
    size_t len;
    char *response = build_response(&len);
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

    hc_bench_measure(list_checks, &run);

    HC_BENCH_REQUIRE(run.complete == run.lists);
    HC_BENCH_REQUIRE(run.elements == run.lists * ELEMENTS);
    HC_BENCH_REQUIRE(mc.mock.n_connects == run.lists && mc.mock.resp_pos == len);
    HC_BENCH_REQUIRE(strcmp(run.slot.name, "Backups") == 0 && run.slot.truncated == 0);
    HC_BENCH_REQUIRE(strcmp(run.slot.tags, "prod db") == 0 && run.slot.last_ping > 0);
    hc_bench_report("hc_api_list_checks_begin", run.elements, "elements");
    free(script);
    free(response);
    return 0;
}
