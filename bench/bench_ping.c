/* One success ping by UUID through the mock port, answered with the
 * response a real Healthchecks 3.0.1 server gave (all its headers), on a
 * fresh connection each time as a heartbeat sends it.
 *
 *   bench_ping blocking|poll|bytewise [pings]
 *
 * blocking: hc_ping_send(); poll: hc_ping_send_begin() + hc_ping_poll();
 * bytewise: hc_ping_send() with the response delivered 1 byte per recv. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "hc_fixture.h"
#include "healthchecks/hc_ping.h"
#include "hc_mock_client.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define POLLS_PER_PING 10000u  /* a bound on the non-blocking loop */

typedef struct run {
    hc_test_mock_client_t mc;
    size_t pings;
    bool poll;
    size_t delivered;  /* pings that ended HC_OK, delivered, 200 "OK" */
} run_t;

static bool good(hc_err_t err, const hc_ping_result_t *r)
{
    return err == HC_OK && r->delivered && r->status == 200 && r->text[0] == 'O' &&
           r->text[1] == 'K' && r->text[2] == '\0';
}

static hc_err_t ping_nonblocking(hc_client_t *c, const hc_ping_t *p, hc_ping_result_t *out)
{
    hc_err_t err = hc_ping_send_begin(c, p);
    for (unsigned i = 0; err == HC_OK && i < POLLS_PER_PING; i++) {
        err = hc_ping_poll(c, out);
        if (err != HC_IN_PROGRESS)
            return err;
        err = HC_OK;
    }
    return err == HC_OK ? HC_IN_PROGRESS : err;
}

static void send_pings(void *ctx)
{
    run_t *run = ctx;
    const hc_ping_t ping = { .signal = HC_SIGNAL_SUCCESS, .uuid = UUID };
    for (size_t i = 0; i < run->pings; i++) {
        hc_ping_result_t result;
        hc_err_t err = run->poll ? ping_nonblocking(&run->mc.client, &ping, &result)
                                 : hc_ping_send(&run->mc.client, &ping, &result);
        run->delivered += good(err, &result);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    bool bytewise = strcmp(mode, "bytewise") == 0;
    HC_BENCH_REQUIRE(bytewise || strcmp(mode, "blocking") == 0 || strcmp(mode, "poll") == 0);
    static run_t run;
    run.pings = hc_bench_count(argc, argv, 2, 1000);
    run.poll = strcmp(mode, "poll") == 0;

    size_t len;
    char *response = hc_fixture_load("ping_uuid_success_get.http", &len);
    hc_mock_conn_t *script = calloc(run.pings, sizeof *script);
    HC_BENCH_REQUIRE(script != NULL);
    for (size_t i = 0; i < run.pings; i++) {
        script[i].response = (const uint8_t *)response;
        script[i].response_len = len;
        script[i].max_read = bytewise ? 1 : 0;
    }
    static uint8_t work[512];
    const hc_test_mock_spec_t spec = { .script = script, .n_script = run.pings, .work = work,
                                       .work_size = sizeof work, .ping_url = "http://hc.test/ping" };
    HC_BENCH_REQUIRE(hc_test_mock_client(&run.mc, &spec) == HC_OK);

    hc_bench_measure(send_pings, &run);

    HC_BENCH_REQUIRE(run.delivered == run.pings);
    HC_BENCH_REQUIRE(run.mc.mock.n_connects == run.pings && run.mc.mock.next == run.pings);
    HC_BENCH_REQUIRE(run.mc.mock.resp_pos == len);  /* the last response read whole */
    HC_BENCH_REQUIRE(strcmp(run.mc.mock.last_host, "hc.test") == 0);
    HC_BENCH_REQUIRE(run.mc.client.has_ping_body_limit && run.mc.client.ping_body_limit == 10000);
    hc_bench_report(mode, run.pings, "pings");
    free(script);
    free(response);
    return 0;
}
